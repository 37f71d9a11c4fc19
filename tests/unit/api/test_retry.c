/* RTY-3..RTY-5: retry classification, backoff and Retry-After, table-driven. */
#include <check.h>
#include <curl/curl.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "chargetui/http.h"

/* 2026-11-25T05:00:00Z, a fixed "now" for HTTP-date rows. */
#define NOW 1795582800.0

struct row {
	const char *method;
	int curl_code;
	long status;
	const char *retry_after;
	const char *should_retry;
	const char *error_code;
	int attempt;
	bool retry;
	bool too_long;
	double min_delay, max_delay; /* checked when retry */
};

static const struct row rows[] = {
    /* no response: retried for GET and POST alike */
    {"GET", CURLE_COULDNT_CONNECT, 0, NULL, NULL, NULL, 1, true, false, 0.5, 0.5},
    {"POST", CURLE_COULDNT_CONNECT, 0, NULL, NULL, NULL, 1, true, false, 0.5, 0.5},
    {"GET", CURLE_SEND_ERROR, 0, NULL, NULL, NULL, 1, true, false, 0.5, 0.5},
    {"POST", CURLE_SEND_ERROR, 0, NULL, NULL, NULL, 2, true, false, 0.5, 1.0},
    {"GET", CURLE_RECV_ERROR, 0, NULL, NULL, NULL, 1, true, false, 0.5, 0.5},
    {"POST", CURLE_RECV_ERROR, 0, NULL, NULL, NULL, 1, true, false, 0.5, 0.5},
    {"GET", CURLE_GOT_NOTHING, 0, NULL, NULL, NULL, 1, true, false, 0.5, 0.5},
    {"POST", CURLE_GOT_NOTHING, 0, NULL, NULL, NULL, 1, true, false, 0.5, 0.5},
    {"GET", CURLE_PARTIAL_FILE, 0, NULL, NULL, NULL, 1, true, false, 0.5, 0.5},
    {"POST", CURLE_PARTIAL_FILE, 0, NULL, NULL, NULL, 1, true, false, 0.5, 0.5},
    {"GET", CURLE_OPERATION_TIMEDOUT, 0, NULL, NULL, NULL, 1, true, false, 0.5, 0.5},
    {"POST", CURLE_OPERATION_TIMEDOUT, 0, NULL, NULL, NULL, 1, true, false, 0.5, 0.5},
    /* the attempt budget ends retries */
    {"GET", CURLE_COULDNT_CONNECT, 0, NULL, NULL, NULL, 3, false, false, 0, 0},
    {"POST", CURLE_GOT_NOTHING, 0, NULL, NULL, NULL, 3, false, false, 0, 0},
    /* TLS and other curl failures: never */
    {"GET", CURLE_PEER_FAILED_VERIFICATION, 0, NULL, NULL, NULL, 1, false, false, 0, 0},
    {"GET", CURLE_SSL_CONNECT_ERROR, 0, NULL, NULL, NULL, 1, false, false, 0, 0},
    {"GET", CURLE_SSL_CACERT_BADFILE, 0, NULL, NULL, NULL, 1, false, false, 0, 0},
    {"GET", CURLE_WRITE_ERROR, 0, NULL, NULL, NULL, 1, false, false, 0, 0},
    {"GET", CURLE_UNSUPPORTED_PROTOCOL, 0, NULL, NULL, NULL, 1, false, false, 0, 0},
    {"GET", CURLE_ABORTED_BY_CALLBACK, 0, NULL, NULL, NULL, 1, false, false, 0, 0},
    /* 5xx */
    {"GET", 0, 500, NULL, NULL, "api_error", 1, true, false, 0.5, 0.5},
    {"POST", 0, 502, NULL, NULL, NULL, 1, true, false, 0.5, 0.5},
    {"GET", 0, 503, NULL, NULL, NULL, 2, true, false, 0.5, 1.0},
    {"POST", 0, 504, NULL, NULL, NULL, 1, true, false, 0.5, 0.5},
    {"GET", 0, 503, NULL, NULL, NULL, 3, false, false, 0, 0},
    {"GET", 0, 501, NULL, NULL, NULL, 1, false, false, 0, 0},
    {"GET", 0, 505, NULL, NULL, NULL, 1, false, false, 0, 0},
    /* 429 and Retry-After */
    {"GET", 0, 429, "3", NULL, "rate_limit_exceeded", 1, true, false, 3.0, 3.0},
    {"POST", 0, 429, "1", NULL, "rate_limit_exceeded", 2, true, false, 1.0, 1.0},
    {"GET", 0, 429, "60", NULL, NULL, 1, true, false, 60.0, 60.0},
    {"GET", 0, 429, "61", NULL, NULL, 1, false, true, 0, 0},
    {"POST", 0, 429, "3600", NULL, NULL, 1, false, true, 0, 0},
    {"GET", 0, 429, "Wed, 25 Nov 2026 05:00:10 GMT", NULL, NULL, 1, true, false, 10.0, 10.0},
    {"GET", 0, 429, "Wed, 25 Nov 2026 05:05:00 GMT", NULL, NULL, 1, false, true, 0, 0},
    {"GET", 0, 429, "soon", NULL, NULL, 1, true, false, 0.5, 0.5},
    {"GET", 0, 429, "1.5", NULL, NULL, 2, true, false, 0.5, 1.0},
    {"GET", 0, 429, NULL, NULL, NULL, 1, true, false, 0.5, 0.5},
    {"GET", 0, 429, "0", NULL, NULL, 1, true, false, 0.5, 0.5},
    {"GET", 0, 429, "2", NULL, NULL, 3, false, false, 0, 0},
    /* 409: Charge's conflicts are final; only locks and in-flight keys retry */
    {"POST", 0, 409, NULL, NULL, "driver_fleet_conflict", 1, false, false, 0, 0},
    {"POST", 0, 409, NULL, NULL, NULL, 1, false, false, 0, 0},
    {"POST", 0, 409, NULL, NULL, "idempotency_key_in_use", 1, true, false, 0.5, 0.5},
    {"POST", 0, 409, NULL, NULL, "lock_timeout", 1, true, false, 0.5, 0.5},
    /* client errors: never */
    {"POST", 0, 400, NULL, NULL, "parameter_invalid", 1, false, false, 0, 0},
    {"GET", 0, 401, NULL, NULL, "authentication_error", 1, false, false, 0, 0},
    {"POST", 0, 403, NULL, NULL, "permission_denied", 1, false, false, 0, 0},
    {"GET", 0, 404, NULL, NULL, "driver_not_found", 1, false, false, 0, 0},
    {"POST", 0, 422, NULL, NULL, NULL, 1, false, false, 0, 0},
    /* redirects are never followed, so never retried */
    {"GET", 0, 302, NULL, NULL, NULL, 1, false, false, 0, 0},
    {"GET", 0, 301, NULL, NULL, NULL, 1, false, false, 0, 0},
    /* a should-retry header is obeyed either way */
    {"POST", 0, 400, NULL, "true", NULL, 1, true, false, 0.5, 0.5},
    {"GET", 0, 503, NULL, "false", NULL, 1, false, false, 0, 0},
    {"GET", 0, 200, NULL, NULL, NULL, 1, false, false, 0, 0},
};

START_TEST(classify_table)
{
	const struct row *r = &rows[_i];
	struct retry_input in = {
	    .method = r->method,
	    .curl_code = r->curl_code,
	    .status = r->status,
	    .retry_after = r->retry_after,
	    .should_retry = r->should_retry,
	    .error_code = r->error_code,
	    .attempt = r->attempt,
	    .max_attempts = 3,
	    .jitter01 = 0.0,
	    .now_wall = NOW,
	};
	double delay = -1;
	bool too_long = true;
	bool got = http_retry_classify(&in, &delay, &too_long);
	ck_assert_msg(got == r->retry, "row %d (%s curl=%d status=%ld ra=%s): retry %d, want %d",
	              _i, r->method, r->curl_code, r->status, r->retry_after ? r->retry_after : "-",
	              got, r->retry);
	ck_assert_msg(too_long == r->too_long, "row %d: too_long %d", _i, too_long);
	if (r->retry) {
		ck_assert_msg(delay >= r->min_delay - 1e-9 && delay <= r->max_delay + 1e-9,
		              "row %d: delay %f not in [%f, %f]", _i, delay, r->min_delay,
		              r->max_delay);
	}
	/* jitter at the top of its range: delays from Retry-After do not move,
	 * backoff delays stay within their bound */
	in.jitter01 = 0.999999;
	got = http_retry_classify(&in, &delay, &too_long);
	ck_assert(got == r->retry);
	if (r->retry && r->min_delay == r->max_delay && r->min_delay >= 1.0 && r->status == 429)
		ck_assert_msg(fabs(delay - r->min_delay) < 1e-9, "row %d: Retry-After moved", _i);
}
END_TEST

START_TEST(backoff_bounds)
{
	/* min(0.5*2^(n-1), 5) * [0.5, 1], floor 0.5 */
	const double cap[] = {0, 0.5, 1, 2, 4, 5, 5, 5, 5, 5, 5, 5};
	for (int n = 1; n <= 11; n++) {
		for (int k = 0; k <= 100; k++) {
			double j = k / 100.0;
			if (k == 100)
				j = 0.9999999;
			double d = http_backoff(n, j);
			double lo = cap[n] * 0.5 < 0.5 ? 0.5 : cap[n] * 0.5;
			ck_assert_msg(d >= lo - 1e-9 && d <= cap[n] + 1e-9,
			              "attempt %d jitter %f: %f outside [%f, %f]", n, j, d, lo,
			              cap[n]);
		}
	}
	ck_assert_double_eq_tol(http_backoff(1, 0.0), 0.5, 1e-9);
	ck_assert_double_eq_tol(http_backoff(2, 0.0), 0.5, 1e-9);
	ck_assert_double_eq_tol(http_backoff(2, 0.9999999), 1.0, 1e-6);
	ck_assert_double_eq_tol(http_backoff(3, 0.5), 1.5, 1e-9);
	ck_assert_double_eq_tol(http_backoff(40, 0.9999999), 5.0, 1e-6);
	/* nonsense jitter is clamped, never a negative or NaN delay */
	ck_assert(http_backoff(2, -3) >= 0.5);
	ck_assert(http_backoff(2, NAN) >= 0.5);
	ck_assert(http_backoff(0, 0) == 0.5);
}
END_TEST

/* RTY-4: the two sleeps of 503, 503, 200 add up to [1.0, 3.0] s. */
START_TEST(backoff_sequence_503_503)
{
	for (int k = 0; k < 100; k++) {
		double j1 = k / 100.0, j2 = (99 - k) / 100.0;
		double total = http_backoff(1, j1) + http_backoff(2, j2);
		ck_assert(total >= 1.0 && total <= 3.0);
	}
}
END_TEST

START_TEST(retry_after_parse)
{
	ck_assert_double_eq(http_retry_after_parse("3", NOW), 3);
	ck_assert_double_eq(http_retry_after_parse(" 120 ", NOW), 120);
	ck_assert_double_eq(http_retry_after_parse("0", NOW), 0);
	ck_assert_double_eq(http_retry_after_parse("99999999999999999999", NOW) > 60, 1);
	ck_assert_double_eq(http_retry_after_parse("Wed, 25 Nov 2026 05:00:30 GMT", NOW), 30);
	ck_assert_double_eq(http_retry_after_parse("Wed, 25 Nov 2026 05:02:00 GMT", NOW), 120);
	/* a date in the past means "now" */
	ck_assert_double_eq(http_retry_after_parse("Sun, 06 Nov 1994 08:49:37 GMT", NOW), 0);
	/* garbage */
	const char *bad[] = {"",
	                     " ",
	                     "soon",
	                     "-1",
	                     "1.5",
	                     "3s",
	                     "0x10",
	                     "Wed, 25 Nov 2026",
	                     "Wed, 25 Foo 2026 05:00:30 GMT",
	                     "Wed, 25 Nov 2026 05:00:30 UTC",
	                     "Wed, 99 Nov 2026 05:00:30 GMT",
	                     "Wed, 25 Nov 2026 25:00:30 GMT",
	                     "Xyz, 25 Nov 2026 05:00:30 GMT",
	                     "3\x1b[2J"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(http_retry_after_parse(bad[i], NOW) == -1, "accepted \"%s\"", bad[i]);
	ck_assert(http_retry_after_parse(NULL, NOW) == -1);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("retry");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, classify_table, 0, (int)(sizeof rows / sizeof rows[0]));
	tcase_add_test(tc, backoff_bounds);
	tcase_add_test(tc, backoff_sequence_503_503);
	tcase_add_test(tc, retry_after_parse);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
