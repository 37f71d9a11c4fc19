/* RTY-7 and NET-6: several worker threads, each with its own client (its own
 * curl handle), sharing one token bucket.  The mock's request log timestamps
 * show no one-second window over the limit, and TSan sees no race. */
#include <check.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chargetui/api.h"
#include "chargetui/mock.h"
#include "chargetui/secret.h"

#define KEY "ch_sk_test_Concurr3ncyKey0123456789ab"
#define THREADS 4
#define PER_THREAD 12
#define RATE 20.0
#define BURST 4

struct worker {
	struct http_config cfg;
	int ok, failed;
	double first_wait;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct api_error err = {0};
	struct api *a = api_new(&w->cfg, &err);
	if (!a) {
		w->failed = PER_THREAD;
		return NULL;
	}
	for (int i = 0; i < PER_THREAD; i++) {
		struct fleet_page p;
		struct list_query q = {.limit = 2};
		if (api_fleets_list(a, &q, NULL, &p, &err) == 0) {
			w->ok++;
			fleet_page_clear(&p);
		} else {
			w->failed++;
		}
	}
	api_error_clear(&err);
	api_free(a);
	return NULL;
}

struct buf {
	char *p;
	size_t n;
};

static size_t buf_write(char *d, size_t s, size_t n, void *ud)
{
	struct buf *b = ud;
	char *p = realloc(b->p, b->n + s * n + 1);
	memcpy(p + b->n, d, s * n);
	b->p = p;
	b->n += s * n;
	b->p[b->n] = '\0';
	return s * n;
}

static cJSON *mock_log(const struct mock *m)
{
	char url[256];
	snprintf(url, sizeof url, "%s/__mock/requests", mock_root_url(m));
	CURL *h = curl_easy_init();
	struct buf b = {0};
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, buf_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	ck_assert_int_eq(curl_easy_perform(h), CURLE_OK);
	curl_easy_cleanup(h);
	cJSON *j = cJSON_Parse(b.p);
	free(b.p);
	ck_assert(cJSON_IsArray(j));
	return j;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

START_TEST(shared_bucket_caps_rate)
{
	char errbuf[256];
	struct mock_options o = {.fleets = 3, .drivers = 3, .rate_limit = -1, .quiet = true};
	struct mock *m = mock_start(&o, errbuf, sizeof errbuf);
	ck_assert_msg(m != NULL, "%s", errbuf);
	struct secret *k = secret_new(KEY, strlen(KEY));
	struct rate_bucket *b = rate_bucket_new(RATE, BURST);
	struct worker w[THREADS];
	pthread_t th[THREADS];
	for (int i = 0; i < THREADS; i++) {
		memset(&w[i], 0, sizeof w[i]);
		w[i].cfg.base_url = mock_base_url(m);
		w[i].cfg.key = k;
		w[i].cfg.bucket = b;
		pthread_create(&th[i], NULL, work, &w[i]);
	}
	int ok = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		ok += w[i].ok;
		ck_assert_int_eq(w[i].failed, 0);
	}
	ck_assert_int_eq(ok, THREADS * PER_THREAD);

	cJSON *log = mock_log(m);
	int n = cJSON_GetArraySize(log);
	ck_assert_int_eq(n, THREADS * PER_THREAD);
	int64_t *t = calloc((size_t)n, sizeof *t);
	for (int i = 0; i < n; i++) {
		const cJSON *ms =
		    cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(log, i), "time_ms");
		ck_assert(cJSON_IsNumber(ms));
		t[i] = (int64_t)ms->valuedouble;
	}
	qsort(t, (size_t)n, sizeof *t, cmp_i64);
	/* any 1 s window: the burst plus one second of refill, and a little
	 * slack for where the mock stamps a request */
	int worst = 0;
	for (int i = 0, j = 0; i < n; i++) {
		while (t[i] - t[j] >= 1000)
			j++;
		if (i - j + 1 > worst)
			worst = i - j + 1;
	}
	ck_assert_msg(worst <= (int)RATE + BURST + 1, "%d requests in one second", worst);
	/* and the bucket really was the limit: 48 requests at 20/s take > 2 s */
	ck_assert_msg(t[n - 1] - t[0] >= (int64_t)((n - BURST - 1) / RATE * 1000) - 50,
	              "spread %lld ms", (long long)(t[n - 1] - t[0]));
	free(t);
	cJSON_Delete(log);
	rate_bucket_free(b);
	secret_free(k);
	mock_stop(m);
}
END_TEST

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct one_call {
	struct http_config cfg;
	int rc, attempts;
	double took;
};

static void *one_list(void *arg)
{
	struct one_call *o = arg;
	struct api_error err = {0};
	struct api *a = api_new(&o->cfg, &err);
	struct fleet_page p;
	double t0 = mono();
	o->rc = a ? api_fleets_list(a, NULL, NULL, &p, &err) : -1;
	o->took = mono() - t0;
	o->attempts = err.attempts;
	if (o->rc == 0)
		fleet_page_clear(&p);
	api_error_clear(&err);
	api_free(a);
	return NULL;
}

/* RTY-6: one worker's 429 holds back the others sharing the bucket, so they
 * do not walk into the same limit while it waits. */
START_TEST(pause_on_429_holds_other_workers)
{
	char errbuf[256];
	struct mock_options o = {.fleets = 3, .drivers = 3, .rate_limit = -1, .quiet = true};
	struct mock *m = mock_start(&o, errbuf, sizeof errbuf);
	ck_assert_msg(m != NULL, "%s", errbuf);
	ck_assert_int_eq(mock_set_faults(m, "storm=1,retry_after=1", errbuf, sizeof errbuf), 0);
	struct secret *k = secret_new(KEY, strlen(KEY));
	struct rate_bucket *b = rate_bucket_new(RATE, BURST);
	struct one_call first = {.cfg = {.base_url = mock_base_url(m), .key = k, .bucket = b}};
	struct one_call second = first;
	pthread_t t1, t2;
	double t0 = mono();
	pthread_create(&t1, NULL, one_list, &first);
	/* the second worker starts once the mock has answered the first 429 */
	bool seen = false;
	while (!seen && mono() - t0 < 5.0) {
		usleep(20000);
		cJSON *log = mock_log(m);
		seen = cJSON_GetArraySize(log) >= 1;
		cJSON_Delete(log);
	}
	ck_assert(seen);
	double started = mono() - t0;
	pthread_create(&t2, NULL, one_list, &second);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	ck_assert_int_eq(first.rc, 0);
	ck_assert_int_eq(first.attempts, 2);
	ck_assert_int_eq(second.rc, 0);
	ck_assert_int_eq(second.attempts, 1);
	ck_assert_msg(first.took >= 1.0, "first took %f s", first.took);
	/* held until the pause of about 1 s from the 429 ended */
	ck_assert_msg(started + second.took >= 0.9, "second was not held: started %f, took %f s",
	              started, second.took);
	ck_assert_msg(second.took >= 0.5, "second was not held: %f s", second.took);
	rate_bucket_free(b);
	secret_free(k);
	mock_stop(m);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("api_concurrency");
	TCase *tc = tcase_create("bucket");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, shared_bucket_caps_rate);
	tcase_add_test(tc, pause_on_429_holds_other_workers);
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
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
