/*
 * test_mock_faults.c — the fault spec language of mock.h: what parses, what
 * is refused, and the canonical form GET /__mock/faults reports (which also
 * shows counted faults disarming).
 */
#include "chargetui/mock.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct mock *M;

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

static long request(const char *method, const char *url, const char *body, char **out)
{
	struct buf b = {calloc(1, 1), 0};
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Authorization: Bearer ch_sk_test_faults");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	long status = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (out)
		*out = b.p;
	else
		free(b.p);
	return status;
}

/* The canonical spec the mock reports now. */
static char *armed(void)
{
	char url[256], *body;
	snprintf(url, sizeof url, "%s/__mock/faults", mock_root_url(M));
	ck_assert_int_eq(request("GET", url, NULL, &body), 200);
	cJSON *j = cJSON_Parse(body);
	free(body);
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "spec");
	ck_assert(cJSON_IsString(s));
	char *spec = strdup(s->valuestring);
	cJSON_Delete(j);
	return spec;
}

static void setup(void)
{
	struct mock_options o = {.fleets = 1, .drivers = 2, .rate_limit = -1, .quiet = true};
	char err[256];
	M = mock_start(&o, err, sizeof err);
	ck_assert_msg(M != NULL, "%s", err);
}

static void teardown(void)
{
	mock_stop(M);
}

static const struct {
	const char *spec, *canonical;
} good[] = {
    {"", ""},
    {"clear", ""},
    {" latency=250 ", "latency=250:0"},
    {"latency=100:50", "latency=100:50"},
    {"error_rate=0.25", "error_rate=0.25:503"},
    {"error_rate=1:500", "error_rate=1:500"},
    {"status=500", "status=500x1"},
    {"status=502x3", "status=502x3"},
    {"storm=4", "status=429x4"},
    {"retry_after=Wed, 21 Oct 2015 07:28:00 GMT", "retry_after=Wed, 21 Oct 2015 07:28:00 GMT"},
    {"status=429,retry_after=Wed, 21 Oct 2015 07:28:00 GMT,latency=2",
     "latency=2:0,status=429x1,retry_after=Wed, 21 Oct 2015 07:28:00 GMT"},
    {"next_page_url=http://x/v1/d?a=1,2", "next_page_url=http://x/v1/d?a=1,2"},
    {"retry_after=garbage", "retry_after=garbage"},
    {"drop=before", "drop=beforex1"},
    {"drop=afterx2", "drop=afterx2"},
    {"stall=after", "stall=afterx1"},
    {"truncate=2,invalid_json=1,html502=3", "truncate=2,invalid_json=1,html502=3"},
    {"content_type=text/html", "content_type=text/htmlx1"},
    {"content_type=text/plainx4", "content_type=text/plainx4"},
    {"oversized=209715200", "oversized=209715200"},
    {"drip=1", "drip=1"},
    {"redirect=http://127.0.0.1:9/v1/x", "redirect=http://127.0.0.1:9/v1/xx1"},
    {"redirect=http://h/v1/ax2", "redirect=http://h/v1/ax2"},
    {"next_page_url=http://evil.invalid/v1/drivers",
     "next_page_url=http://evil.invalid/v1/drivers"},
    {"unauthorized=1", "unauthorized=1"},
    {"hostile=2", "hostile=2"},
    {"path=/v1/drivers,method=POST,status=503", "status=503x1,path=/v1/drivers,method=POST"},
    {"status=500,clear,latency=5", "latency=5:0"},
};

static const char *const bad[] = {
    "latency",      "latency=-1",   "latency=abc",        "error_rate=1.5", "error_rate=0.5:99",
    "status=700",   "status=500x0", "drop=sideways",      "stall=",         "truncate=many",
    "oversized=-5", "method=PATCH", "hostile=3",          "bogus=1",        "content_type=",
    "retry_after=", "nokey",        "status=500,latency",
};

START_TEST(test_good_specs)
{
	char err[256];
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		int rc = mock_set_faults(M, good[i].spec, err, sizeof err);
		if (!good[i].canonical) {
			ck_assert_msg(rc == -1, "accepted %s", good[i].spec);
			continue;
		}
		ck_assert_msg(rc == 0, "refused %s: %s", good[i].spec, err);
		char *a = armed();
		ck_assert_msg(strcmp(a, good[i].canonical) == 0, "%s -> %s (want %s)", good[i].spec,
		              a, good[i].canonical);
		free(a);
	}
}
END_TEST

START_TEST(test_bad_specs)
{
	char err[256];
	ck_assert_int_eq(mock_set_faults(M, "status=503x2", err, sizeof err), 0);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		ck_assert_msg(mock_set_faults(M, bad[i], err, sizeof err) == -1, "accepted %s",
		              bad[i]);
		ck_assert_msg(err[0] != '\0', "no message for %s", bad[i]);
	}
	/* a refused spec leaves the armed one alone */
	char *a = armed();
	ck_assert_str_eq(a, "status=503x2");
	free(a);
	char url[256];
	snprintf(url, sizeof url, "%s/__mock/faults", mock_root_url(M));
	ck_assert_int_eq(request("POST", url, "drop=never", NULL), 400);
}
END_TEST

START_TEST(test_counted_disarm)
{
	char err[256], url[256];
	ck_assert_int_eq(
	    mock_set_faults(M, "status=503x2,unauthorized=1,latency=1", err, sizeof err), 0);
	snprintf(url, sizeof url, "%s/fleets", mock_base_url(M));
	ck_assert_int_eq(request("GET", url, NULL, NULL), 401); /* status comes after... */
	char *a = armed();
	ck_assert_str_eq(a, "latency=1:0,status=503x2");
	free(a);
	ck_assert_int_eq(request("GET", url, NULL, NULL), 503);
	ck_assert_int_eq(request("GET", url, NULL, NULL), 503);
	a = armed();
	ck_assert_str_eq(a, "latency=1:0");
	free(a);
	ck_assert_int_eq(request("GET", url, NULL, NULL), 200);
	/* path filter: a non-matching request does not consume the count */
	ck_assert_int_eq(mock_set_faults(M, "path=/v1/drivers,status=500", err, sizeof err), 0);
	ck_assert_int_eq(request("GET", url, NULL, NULL), 200);
	a = armed();
	ck_assert_str_eq(a, "status=500x1,path=/v1/drivers");
	free(a);
}
END_TEST

START_TEST(test_initial_spec)
{
	struct mock_options o = {.fleets = 2,
	                         .drivers = 12,
	                         .rate_limit = -1,
	                         .quiet = true,
	                         .faults = "hostile=1,status=418x2"};
	char err[256], url[256], *body;
	struct mock *m = mock_start(&o, err, sizeof err);
	ck_assert_msg(m != NULL, "%s", err);
	snprintf(url, sizeof url, "%s/drivers?limit=1", mock_base_url(m));
	ck_assert_int_eq(request("GET", url, NULL, NULL), 418);
	ck_assert_int_eq(request("GET", url, NULL, NULL), 418);
	ck_assert_int_eq(request("GET", url, NULL, &body), 200);
	size_t len;
	const char *p0 = mock_hostile_payload(0, &len);
	cJSON *l = cJSON_Parse(body);
	const cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(l, "data"), 0);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(d, "name")->valuestring, p0);
	cJSON_Delete(l);
	free(body);
	mock_stop(m);
	/* a bad initial spec fails the start, with the reason */
	o.faults = "drip=fast";
	err[0] = '\0';
	ck_assert_ptr_null(mock_start(&o, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "drip"));
}
END_TEST

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	Suite *s = suite_create("mock_faults");
	TCase *tc = tcase_create("spec");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_good_specs);
	tcase_add_test(tc, test_bad_specs);
	tcase_add_test(tc, test_counted_disarm);
	tcase_add_test(tc, test_initial_spec);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed ? 1 : 0;
}
