/*
 * test_mock_seed.c — the seeded account: deterministic per seed, varied
 * enough to exercise the console (currencies, statuses, scripts, multi-fleet
 * and fleet-less drivers, an empty fleet), fleet totals that agree with the
 * drivers and sessions, and a 100 000-driver start within 2 s.
 */
#include "chargetui/mock.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEY "ch_sk_test_seedtest"

struct buf {
	char *p;
	size_t len;
};

static size_t body_cb(char *d, size_t s, size_t n, void *u)
{
	struct buf *b = u;
	b->p = realloc(b->p, b->len + s * n + 1);
	memcpy(b->p + b->len, d, s * n);
	b->len += s * n;
	b->p[b->len] = '\0';
	return s * n;
}

/* GET an absolute URL, or base + path; the body (caller frees). */
static char *get_raw(struct mock *m, const char *path)
{
	char url[4096];
	if (path[0] == '/')
		snprintf(url, sizeof url, "%s%s", mock_base_url(m), path);
	else
		snprintf(url, sizeof url, "%s", path);
	struct buf b = {calloc(1, 1), 0};
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Authorization: Bearer " KEY);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	CURLcode cc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	ck_assert_msg(cc == CURLE_OK && status == 200, "GET %s: %d %ld %.200s", url, cc, status,
	              b.p);
	return b.p;
}

/* Every object of a list, following next_page_url. */
static cJSON *get_all(struct mock *m, const char *path)
{
	cJSON *all = cJSON_CreateArray();
	char *url = strdup(path);
	while (url) {
		char *body = get_raw(m, url);
		free(url);
		url = NULL;
		cJSON *l = cJSON_Parse(body);
		free(body);
		ck_assert_ptr_nonnull(l);
		cJSON *data = cJSON_DetachItemFromObjectCaseSensitive(l, "data");
		while (cJSON_GetArraySize(data) > 0)
			cJSON_AddItemToArray(all, cJSON_DetachItemFromArray(data, 0));
		cJSON_Delete(data);
		const cJSON *next = cJSON_GetObjectItemCaseSensitive(l, "next_page_url");
		if (cJSON_IsString(next))
			url = strdup(next->valuestring);
		cJSON_Delete(l);
	}
	return all;
}

static const char *js(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	ck_assert_msg(cJSON_IsNumber(v), "%s not a number", k);
	return v->valuedouble;
}

static struct mock *start(uint64_t seed, int fleets, int drivers)
{
	struct mock_options o = {
	    .seed = seed, .fleets = fleets, .drivers = drivers, .rate_limit = -1, .quiet = true};
	char err[256];
	struct mock *m = mock_start(&o, err, sizeof err);
	ck_assert_msg(m != NULL, "mock_start: %s", err);
	return m;
}

/* The body with this mock's root URL replaced, so two mocks compare. */
static char *portless(struct mock *m, const char *path)
{
	char *body = get_raw(m, path);
	const char *root = mock_root_url(m);
	size_t rl = strlen(root);
	for (char *p = strstr(body, root); p; p = strstr(p, root)) {
		memmove(p + 4, p + rl, strlen(p + rl) + 1);
		memcpy(p, "ROOT", 4);
	}
	return body;
}

START_TEST(test_same_seed_same_account)
{
	struct mock *a = start(7, -1, -1), *b = start(7, -1, -1), *c = start(8, -1, -1);
	const char *paths[] = {"/fleets", "/fleets?limit=100", "/drivers?limit=100",
	                       "/charging_sessions?limit=50"};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		char *x = portless(a, paths[i]), *y = portless(b, paths[i]),
		     *z = portless(c, paths[i]);
		ck_assert_msg(strcmp(x, y) == 0, "seed 7 differs on %s", paths[i]);
		ck_assert_msg(strcmp(x, z) != 0, "seeds 7 and 8 agree on %s", paths[i]);
		free(x);
		free(y);
		free(z);
	}
	/* the same page token works on the other mock of the same seed */
	char *p1 = get_raw(a, "/drivers?limit=5");
	cJSON *l = cJSON_Parse(p1);
	const char *next = js(l, "next_page_url");
	char path[512];
	snprintf(path, sizeof path, "/drivers%s", strchr(next, '?'));
	char *x = portless(a, path), *y = portless(b, path);
	ck_assert_str_eq(x, y);
	free(x);
	free(y);
	free(p1);
	cJSON_Delete(l);
	mock_stop(a);
	mock_stop(b);
	mock_stop(c);
}
END_TEST

static bool has_non_ascii(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s >= 0x80)
			return true;
	return false;
}

START_TEST(test_variety)
{
	struct mock *m = start(1, -1, -1);
	cJSON *fleets = get_all(m, "/fleets?limit=100");
	cJSON *drivers = get_all(m, "/drivers?limit=100");
	ck_assert_int_eq(cJSON_GetArraySize(fleets), 12);
	ck_assert_int_eq(cJSON_GetArraySize(drivers), 240);
	bool cur[4] = {0}, empty = false, tz = false, imperial = false, us = false;
	bool fsusp = false, farch = false;
	cJSON *f, *d;
	cJSON_ArrayForEach(f, fleets)
	{
		const char *c =
		    js(cJSON_GetObjectItemCaseSensitive(f, "preferences"), "default_currency");
		const char *names[] = {"jpy", "usd", "gbp", "eur"};
		for (int i = 0; i < 4; i++)
			cur[i] = cur[i] || strcmp(c, names[i]) == 0;
		empty = empty || jnum(f, "total_drivers") == 0;
		tz = tz || strcmp(js(f, "timezone"), "Asia/Tokyo") == 0;
		imperial = imperial || strcmp(js(f, "metric_system"), "imperial_system") == 0;
		us = us || strcmp(js(f, "metric_system"), "us_customary_system") == 0;
		fsusp = fsusp || strcmp(js(f, "status"), "suspended") == 0;
		farch = farch || strcmp(js(f, "status"), "archived") == 0;
		ck_assert_ptr_nonnull(js(cJSON_GetObjectItemCaseSensitive(f, "address"), "city"));
	}
	ck_assert(cur[0] && cur[1] && cur[2] && cur[3]);
	ck_assert(empty && tz && imperial && us && fsusp && farch);
	int susp = 0, arch = 0, multi = 0, none = 0, nonascii = 0, meta = 0, veh = 0, pol = 0;
	bool showcase[8] = {0};
	const char *want[8] = {"Zoë Lefèvre",    "Jürgen Groß", "José Álvarez", "王芳",
	                       "Дмитрий Иванов", "محمد",        "佐藤 健",      "Ngọc Anh"};
	cJSON_ArrayForEach(d, drivers)
	{
		const char *st = js(d, "status");
		susp += strcmp(st, "suspended") == 0;
		arch += strcmp(st, "archived") == 0;
		int nf = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "fleets"));
		multi += nf > 1;
		none += nf == 0;
		nonascii += has_non_ascii(js(d, "name"));
		meta += cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "metadata")) > 0;
		cJSON *v;
		cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(d, "vehicles"))
		{
			ck_assert(strncmp(v->valuestring, "veh_", 4) == 0 &&
			          strlen(v->valuestring) == 36);
			veh++;
		}
		cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(d, "policy_ids"))
		{
			ck_assert(strncmp(v->valuestring, "pol_", 4) == 0);
			pol++;
		}
		for (int i = 0; i < 8; i++)
			showcase[i] = showcase[i] || strcmp(js(d, "name"), want[i]) == 0;
	}
	ck_assert(susp > 0 && arch > 0 && multi > 0 && none > 0 && meta > 0 && veh > 0 && pol > 0);
	ck_assert_int_gt(nonascii, 60);
	for (int i = 0; i < 8; i++)
		ck_assert_msg(showcase[i], "missing %s", want[i]);
	cJSON_Delete(fleets);
	cJSON_Delete(drivers);
	mock_stop(m);
}
END_TEST

START_TEST(test_totals_agree)
{
	struct mock *m = start(11, 6, 300);
	cJSON *fleets = get_all(m, "/fleets?limit=100");
	cJSON *drivers = get_all(m, "/drivers?limit=100");
	cJSON *sessions = get_all(m, "/charging_sessions?limit=100");
	cJSON *f;
	cJSON_ArrayForEach(f, fleets)
	{
		const char *fid = js(f, "id");
		int nd = 0, nv = 0, ns = 0;
		double wh = 0;
		cJSON *d, *x;
		cJSON_ArrayForEach(d, drivers)
		{
			cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(d, "fleets"))
			{
				if (strcmp(x->valuestring, fid) == 0) {
					nd++;
					nv += cJSON_GetArraySize(
					    cJSON_GetObjectItemCaseSensitive(d, "vehicles"));
				}
			}
		}
		cJSON_ArrayForEach(x, sessions)
		{
			if (js(x, "fleet") && strcmp(js(x, "fleet"), fid) == 0) {
				ns++;
				wh += jnum(x, "energy_consumed");
			}
		}
		ck_assert_int_eq((int)jnum(f, "total_drivers"), nd);
		ck_assert_int_eq((int)jnum(f, "total_vehicles"), nv);
		ck_assert_int_eq((int)jnum(f, "total_sessions"), ns);
		ck_assert_msg(fabs(jnum(f, "total_energy_consumed_kwh") - wh / 1000.0) <= 0.051,
		              "energy %f vs %f", jnum(f, "total_energy_consumed_kwh"), wh / 1000.0);
		/* money is an integer of minor units */
		double w = jnum(f, "wallet_balance");
		ck_assert(w == floor(w));
	}
	ck_assert_int_gt(cJSON_GetArraySize(sessions), 100);
	cJSON_Delete(fleets);
	cJSON_Delete(drivers);
	cJSON_Delete(sessions);
	mock_stop(m);
}
END_TEST

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(test_100k_drivers_start_fast)
{
	double t0 = now_s();
	struct mock *m = start(1, 200, 100000);
	double secs = now_s() - t0;
	printf("charge-mock: 100000 drivers, 200 fleets started in %.3f s\n", secs);
	fflush(stdout);
	/* Sanitizer builds run several times slower; the 2 s promise is for
	 * the plain build. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	ck_assert_msg(secs < 20.0, "start took %.3f s", secs);
#else
	ck_assert_msg(secs < 2.0, "start took %.3f s", secs);
#endif
	char *body = get_raw(m, "/drivers?limit=100");
	cJSON *l = cJSON_Parse(body);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(l, "data")), 100);
	/* O(1) retrieve by id, deep in the table */
	char path[128];
	snprintf(path, sizeof path, "/drivers/%s",
	         js(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(l, "data"), 99), "id"));
	free(get_raw(m, path));
	cJSON_Delete(l);
	free(body);
	mock_stop(m);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("mock_seed");
	TCase *tc = tcase_create("seed");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_same_seed_same_account);
	tcase_add_test(tc, test_variety);
	tcase_add_test(tc, test_totals_agree);
	tcase_add_test(tc, test_100k_drivers_start_fast);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed ? 1 : 0;
}
