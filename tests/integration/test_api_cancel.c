/* NET-8, TTY-3: how fast a cancel takes effect, against a real charge-mock.
 * Each test sets a client's cancel flag from another thread while the request
 * stalls (or waits out a retry backoff) and measures, from the moment the flag
 * is set, how long http_send takes to return API_ERR_CANCELLED.  "q exits
 * within 1 s" leaves room for joining threads and endwin(), so the HTTP
 * layer's share must stay far below that: 200 ms here. */
#include <check.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chargetui/api.h"
#include "chargetui/http.h"
#include "chargetui/mock.h"
#include "chargetui/secret.h"

#define KEY "ch_sk_test_Canc3lLatencyKey0123456789"
#define LIMIT_S 0.2
#define NSTALLED 3

static struct mock *M;
static struct secret *K;

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void mock_up(const char *faults)
{
	char err[256];
	struct mock_options o = {.fleets = 2,
	                         .drivers = 5,
	                         .rate_limit = -1,
	                         .faults = faults,
	                         .quiet = true,
	                         .seed = 7};
	M = mock_start(&o, err, sizeof err);
	ck_assert_msg(M != NULL, "mock_start: %s", err);
	K = secret_new(KEY, strlen(KEY));
	ck_assert_ptr_nonnull(K);
}

static void mock_down(void)
{
	mock_stop(M);
	M = NULL;
	secret_free(K);
	K = NULL;
}

static void set_faults(const char *spec)
{
	char err[256];
	ck_assert_msg(mock_set_faults(M, spec, err, sizeof err) == 0, "%s: %s", spec, err);
}

/* The real clock (so the backoff really sleeps) and timeouts far beyond the
 * test's limit, so only the cancel can end a stalled request in time. */
static struct http_client *client_up(volatile int *flag, const char *debug_log)
{
	struct http_config cfg = {.base_url = mock_base_url(M),
	                          .key = K,
	                          .connect_timeout_ms = 2000,
	                          .get_timeout_ms = 20000,
	                          .post_timeout_ms = 20000,
	                          .cancel = flag,
	                          .debug_log_path = debug_log};
	struct api_error err = {0};
	struct http_client *c = http_client_new(&cfg, &err);
	ck_assert_msg(c != NULL, "http_client_new: %s", err.detail ? err.detail : "?");
	api_error_clear(&err);
	return c;
}

/* Sets the flags after a delay, as the UI thread does on q, and notes when. */
struct canceller {
	volatile int *flags[NSTALLED];
	struct http_client *clients[NSTALLED]; /* woken after the store when set */
	int n;
	int after_ms;
	double set_at;
};

static void *cancel_later(void *arg)
{
	struct canceller *k = arg;
	usleep((useconds_t)k->after_ms * 1000);
	k->set_at = mono();
	for (int i = 0; i < k->n; i++) {
		__atomic_store_n(k->flags[i], 1, __ATOMIC_RELAXED);
		if (k->clients[i])
			http_client_wakeup(k->clients[i]);
	}
	return NULL;
}

/* One request on c that the canceller k ends; returns the latency after the
 * flag was set.  The caller checks err. */
static double send_cancelled(struct http_client *c, struct canceller *k, const char *method,
                             const char *body, struct api_error *err)
{
	pthread_t th;
	ck_assert_int_eq(pthread_create(&th, NULL, cancel_later, k), 0);
	struct http_response r;
	int rc = http_send(c, method, "/fleets", NULL, body, NULL, &r, err);
	double end = mono();
	pthread_join(th, NULL);
	ck_assert_int_eq(rc, -1);
	double dt = end - k->set_at;
	fprintf(stderr, "cancel latency (%s): %.1f ms\n", method, dt * 1000);
	return dt;
}

/* One request on a fresh client against a mock with these faults, cancelled
 * 325 ms in (and woken after the store when wake); returns the latency after
 * the flag was set.  The caller checks err and clears it. */
static double cancel_one(const char *faults, bool wake, const char *method, const char *body,
                         struct api_error *err)
{
	mock_up(faults);
	volatile int flag = 0;
	struct http_client *c = client_up(&flag, NULL);
	struct canceller k = {
	    .flags = {&flag}, .clients = {wake ? c : NULL}, .n = 1, .after_ms = 325};
	double dt = send_cancelled(c, &k, method, body, err);
	http_client_free(c);
	mock_down();
	return dt;
}

/* A GET the mock never answers ends as cancelled, after one attempt. */
START_TEST(stalled_get_cancelled_fast)
{
	struct api_error err = {0};
	double dt = cancel_one("stall=beforex3,method=GET", false, "GET", NULL, &err);
	ck_assert_int_eq(err.kind, API_ERR_CANCELLED);
	ck_assert_int_eq(err.attempts, 1);
	ck_assert_msg(dt < LIMIT_S, "cancel took %.3f s after the flag", dt);
	api_error_clear(&err);
}
END_TEST

/* The same with http_client_wakeup after the store: the poll returns at once
 * instead of at the end of its slice. */
START_TEST(stalled_get_woken)
{
	struct api_error err = {0};
	double dt = cancel_one("stall=beforex3,method=GET", true, "GET", NULL, &err);
	ck_assert_int_eq(err.kind, API_ERR_CANCELLED);
	ck_assert_msg(dt < LIMIT_S, "woken cancel took %.3f s after the flag", dt);
	api_error_clear(&err);
}
END_TEST

/* A POST the mock applied and never answered: cancelled, and the outcome is
 * still reported as unknown (RTY-8), not as a plain failure. */
START_TEST(stalled_post_cancelled_fast_unknown)
{
	struct api_error err = {0};
	double dt = cancel_one("stall=afterx3,method=POST", false, "POST",
	                       "{\"name\":\"Cancelled Fleet\"}", &err);
	ck_assert_int_eq(err.kind, API_ERR_CANCELLED);
	ck_assert_str_eq(err.detail, "cancelled \xe2\x80\x94 outcome unknown, verify");
	ck_assert_msg(dt < LIMIT_S, "cancel took %.3f s after the flag", dt);
	api_error_clear(&err);
}
END_TEST

/* A 429 with Retry-After: 30 puts the client in a 30 s backoff; the cancel
 * ends that sleep, and no second attempt is made. */
START_TEST(backoff_cancelled_fast)
{
	struct api_error err = {0};
	double dt = cancel_one("storm=1,retry_after=30", false, "GET", NULL, &err);
	ck_assert_int_eq(err.kind, API_ERR_CANCELLED);
	ck_assert_int_eq(err.attempts, 1);
	ck_assert_msg(dt < LIMIT_S, "backoff cancel took %.3f s after the flag", dt);
	api_error_clear(&err);
}
END_TEST

struct stalled {
	struct http_client *c;
	struct api_error err;
	double end;
};

static void *stalled_send(void *arg)
{
	struct stalled *s = arg;
	struct http_response r;
	http_send(s->c, "GET", "/fleets", NULL, NULL, NULL, &r, &s->err);
	s->end = mono();
	return NULL;
}

/* sync_free's case: three workers stalled at once, all flags set, all joined.
 * Every one has returned within the limit of the flags being set. */
START_TEST(three_stalled_workers_joined_fast)
{
	mock_up("stall=beforex3,method=GET");
	volatile int flags[NSTALLED] = {0};
	struct stalled s[NSTALLED];
	pthread_t th[NSTALLED];
	struct canceller k = {.n = NSTALLED, .after_ms = 325};
	for (int i = 0; i < NSTALLED; i++) {
		memset(&s[i], 0, sizeof s[i]);
		s[i].c = client_up(&flags[i], NULL);
		k.flags[i] = &flags[i];
		ck_assert_int_eq(pthread_create(&th[i], NULL, stalled_send, &s[i]), 0);
	}
	cancel_later(&k);
	for (int i = 0; i < NSTALLED; i++)
		pthread_join(th[i], NULL);
	double joined = mono() - k.set_at;
	fprintf(stderr, "three stalled workers joined %.1f ms after the flags\n", joined * 1000);
	for (int i = 0; i < NSTALLED; i++) {
		ck_assert_int_eq(s[i].err.kind, API_ERR_CANCELLED);
		api_error_clear(&s[i].err);
		http_client_free(s[i].c);
	}
	ck_assert_msg(joined < LIMIT_S, "joined %.3f s after the flags", joined);
	mock_down();
}
END_TEST

static int count_lines(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	char line[8192];
	int n = 0;
	while (fgets(line, sizeof line, f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

/* After a cancelled transfer the client still works, and its next requests
 * share one kept-alive connection again (NET-6). */
START_TEST(client_reusable_after_cancel)
{
	mock_up("stall=before,method=GET");
	char path[] = "/tmp/ct_cancellog_XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	volatile int flag = 0;
	struct http_client *c = client_up(&flag, path);
	struct canceller k = {.flags = {&flag}, .n = 1, .after_ms = 325};
	struct api_error err = {0};
	send_cancelled(c, &k, "GET", NULL, &err);
	ck_assert_int_eq(err.kind, API_ERR_CANCELLED);
	__atomic_store_n(&flag, 0, __ATOMIC_RELAXED);
	set_faults("clear");
	for (int i = 0; i < 3; i++) {
		struct http_response r;
		ck_assert_int_eq(http_send(c, "GET", "/fleets", NULL, NULL, NULL, &r, &err), 0);
		ck_assert_int_eq(r.status, 200);
		http_response_clear(&r);
	}
	http_client_free(c);
	/* the cancelled connection is closed; the three GETs after it use one */
	ck_assert_int_ge(count_lines(path, "* Re-using existing connection"), 2);
	unlink(path);
	api_error_clear(&err);
	mock_down();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("api_cancel");
	TCase *tc = tcase_create("mock");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, stalled_get_cancelled_fast);
	tcase_add_test(tc, stalled_get_woken);
	tcase_add_test(tc, stalled_post_cancelled_fast_unknown);
	tcase_add_test(tc, backoff_cancelled_fast);
	tcase_add_test(tc, three_stalled_workers_joined_fast);
	tcase_add_test(tc, client_reusable_after_cancel);
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
