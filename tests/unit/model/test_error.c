/*
 * test_error.c — api_error_format says each failure in plain words, and never
 * prints an API key even when a server echoes one.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/model.h"

struct row {
	enum api_err_kind kind;
	long status;
	const char *code, *message, *request_id, *detail;
	int attempts;
	const char *want;
};

static const struct row rows[] = {
    {API_ERR_HTTP, 404, "fleet_not_found", "Fleet not found.",
     "req_6R3M9pQ4bV2kLs8nT1xY7wEf5cZa0HdJ", NULL, 1,
     "Fleet not found. (404 fleet_not_found, req_6R3M9pQ4bV2kLs8nT1xY7wEf5cZa0HdJ)"},
    {API_ERR_HTTP, 400, "parameter_invalid", "Invalid email.", NULL, NULL, 1,
     "Invalid email. (400 parameter_invalid)"},
    {API_ERR_HTTP, 502, NULL, NULL, NULL, NULL, 1, "bad gateway (502) from proxy"},
    {API_ERR_HTTP, 500, NULL, NULL, NULL, NULL, 3, "server error (500)"},
    {API_ERR_HTTP, 500, NULL, NULL, NULL, "internal server error (500) from proxy", 3,
     "internal server error (500) from proxy"},
    {API_ERR_HTTP, 500, "api_error", NULL, "req_9", NULL, 3, "server error (500 api_error, req_9)"},
    {API_ERR_HTTP, 409, "driver_fleet_conflict", "Driver already attached to fleet.", "req_2", NULL,
     1, "driver is already in that fleet (409)"},
    {API_ERR_HTTP, 409, "driver_fleet_conflict", "Driver is not in this fleet.", "req_2", NULL, 1,
     "driver is not in that fleet (409)"},
    {API_ERR_HTTP, 403, "permission_denied", "Restricted key.", NULL, NULL, 1,
     "this key lacks permission (403)"},
    {API_ERR_HTTP, 401, "authentication_error", "Invalid API key ch_sk_test_abc", NULL, NULL, 1,
     "key rejected (401)"},
    {API_ERR_HTTP, 429, "rate_limit_exceeded", "Too many.", NULL, NULL, 3, "rate limited (429)"},
    {API_ERR_UNKNOWN, 0, NULL, NULL, NULL, NULL, 3,
     "unknown \xE2\x80\x94 verify: the server may have applied it"},
    {API_ERR_TOO_LARGE, 200, NULL, NULL, NULL, NULL, 1, "response too large"},
    {API_ERR_TOO_DEEP, 200, NULL, NULL, NULL, "response too deep", 1, "response too deep"},
    {API_ERR_REDIRECT, 302, NULL, NULL, NULL, NULL, 1, "unexpected redirect (302)"},
    {API_ERR_REFUSED, 0, NULL, NULL, NULL, "cross-origin next_page_url host evil.invalid", 1,
     "refused cross-origin page link"},
    {API_ERR_REFUSED, 0, NULL, NULL, NULL, "read-only mode", 1, "refused: read-only mode"},
    {API_ERR_MALFORMED, 200, NULL, NULL, NULL, "malformed response: empty body", 1,
     "malformed response: empty body"},
    {API_ERR_NETWORK, 0, NULL, NULL, NULL, "connection refused", 3,
     "network error: connection refused after 3 attempts"},
    {API_ERR_TIMEOUT, 0, NULL, NULL, NULL, NULL, 1, "timed out"},
    {API_ERR_TLS, 0, NULL, NULL, NULL, "self-signed certificate", 1,
     "TLS verification failed: self-signed certificate"},
    {API_ERR_CANCELLED, 0, NULL, NULL, NULL, NULL, 1, "cancelled"},
    {API_ERR_RATE_LIMITED, 429, NULL, NULL, NULL, "until 12:00:05", 1,
     "rate limited (429): until 12:00:05"},
    {API_ERR_INTERNAL, 0, NULL, NULL, NULL, "out of memory", 1, "internal error: out of memory"},
    /* SEC-4: a key echoed by a server or proxy is redacted. */
    {API_ERR_HTTP, 400, "parameter_invalid", "Bad key ch_sk_live_AbC123xyz here", NULL, NULL, 1,
     "Bad key [redacted] here (400 parameter_invalid)"},
    {API_ERR_NETWORK, 0, NULL, NULL, NULL, "ch_rk_test_Q ch_ ch_sk_", 1,
     "network error: [redacted] ch_ [redacted]"},
};

START_TEST(test_rows)
{
	const struct row *r = &rows[_i];
	struct api_error e = {0};
	char buf[256];

	e.kind = r->kind;
	e.http_status = r->status;
	e.code = r->code ? strdup(r->code) : NULL;
	e.message = r->message ? strdup(r->message) : NULL;
	e.request_id = r->request_id ? strdup(r->request_id) : NULL;
	e.detail = r->detail ? strdup(r->detail) : NULL;
	e.attempts = r->attempts;
	e.retry_after_s = -1;
	ck_assert_str_eq(api_error_format(&e, buf, sizeof(buf)), r->want);
	api_error_clear(&e);
}
END_TEST

START_TEST(test_small_buffer)
{
	struct api_error e = {0};
	char buf[12];

	e.kind = API_ERR_HTTP;
	e.http_status = 400;
	e.message = strdup("see ch_sk_test_0123456789abcdef");
	memset(buf, 'Z', sizeof(buf));
	api_error_format(&e, buf, 10);
	ck_assert_uint_lt(strlen(buf), 10);
	ck_assert_ptr_null(strstr(buf, "ch_sk_test_0"));
	ck_assert_int_eq(buf[10], 'Z');
	api_error_clear(&e);
	ck_assert_str_eq(api_error_format(NULL, buf, sizeof(buf)), "ok");
}
END_TEST

static Suite *error_suite(void)
{
	Suite *s = suite_create("error");
	TCase *t = tcase_create("format");

	tcase_add_loop_test(t, test_rows, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(t, test_small_buffer);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(error_suite());
	int failed;

	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
