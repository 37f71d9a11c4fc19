/* NET-1, NET-3, NET-10: origin checks, id checks, base URL refusal, and the
 * idempotency key format (RTY-1). */
#include <check.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/http.h"

#define BASE "https://api.chargeapi.co/v1"
#define LBASE "http://127.0.0.1:8080/v1"

struct origin_row {
	const char *base, *url;
	bool same;
};

static const struct origin_row origin_rows[] = {
    {BASE, "https://api.chargeapi.co/v1/drivers?page=page_7OgQ&limit=10", true},
    {BASE, "https://api.chargeapi.co:443/v1/drivers?page=x", true},
    {BASE, "HTTPS://API.CHARGEAPI.CO/v1/drivers?page=x", true},
    {BASE "/", "https://api.chargeapi.co/v1/fleets", true},
    {BASE, "https://api.chargeapi.co/v1", true},
    {LBASE, "http://127.0.0.1:8080/v1/drivers?page=p2&fleet=flt_1", true},
    {"http://[::1]:8080/v1", "http://[::1]:8080/v1/drivers?page=2", true},
    /* another host */
    {BASE, "https://evil.invalid/v1/drivers?page=x", false},
    {BASE, "https://api.chargeapi.co.evil.invalid/v1/drivers", false},
    {BASE, "https://evil.invalid/v1/drivers?u=https://api.chargeapi.co/v1", false},
    /* user info tricks */
    {BASE, "https://api.chargeapi.co@evil.invalid/v1/drivers", false},
    {BASE, "https://api.chargeapi.co@evil.invalid/", false},
    {BASE, "https://user:pw@api.chargeapi.co/v1/drivers", false},
    {BASE, "https://api.chargeapi.co/v1/drivers?next=@evil.invalid", false},
    /* scheme downgrade, other port */
    {BASE, "http://api.chargeapi.co/v1/drivers?page=x", false},
    {BASE, "https://api.chargeapi.co:8443/v1/drivers?page=x", false},
    {LBASE, "http://127.0.0.1:8081/v1/drivers?page=x", false},
    {LBASE, "http://localhost:8080/v1/drivers?page=x", false},
    {LBASE, "https://127.0.0.1:8080/v1/drivers?page=x", false},
    /* path outside the base */
    {BASE, "https://api.chargeapi.co/v2/drivers", false},
    {BASE, "https://api.chargeapi.co/v1x/drivers", false},
    {BASE, "https://api.chargeapi.co/", false},
    {BASE, "https://api.chargeapi.co/__mock/requests", false},
    {BASE, "https://api.chargeapi.co/v1/../admin", false},
    {BASE, "https://api.chargeapi.co/v1/%2e%2e/admin", false},
    {BASE, "https://api.chargeapi.co/v1/drivers/..%2Fadmin", false},
    /* not a URL we would ever send */
    {BASE, "/v1/drivers", false},
    {BASE, "", false},
    {BASE, "https://api.chargeapi.co/v1/drivers?page=a b", false},
    {BASE, "https://api.chargeapi.co/v1/drivers?page=\x1b[2J", false},
    {BASE, "https://api.chargeapi.co\\@evil.invalid/v1/", false},
    {BASE, "file:///etc/passwd", false},
    {BASE, "javascript:alert(1)", false},
};

START_TEST(same_origin_table)
{
	const struct origin_row *r = &origin_rows[_i];
	ck_assert_msg(http_same_origin(r->base, r->url) == r->same, "base %s url \"%s\": want %d",
	              r->base, r->url, r->same);
}
END_TEST

START_TEST(same_origin_null)
{
	ck_assert(!http_same_origin(BASE, NULL));
	ck_assert(!http_same_origin(NULL, BASE "/drivers"));
}
END_TEST

START_TEST(id_valid)
{
	const char *good[] = {
	    "drv_1", "flt_AIquEM0HEys6hfT24YqvYcfoAGnj3ZAI", "x_Z",
	    "drv_0123456789012345678901234567890123456789012345678901234567890123"};
	const char *bad[] = {
	    "",
	    "drv_",
	    "_abc",
	    "drv",
	    "Drv_1",
	    "drv_x/../../v1/fleets",
	    "drv_%2e%2e",
	    "drv_a.b",
	    "drv_a b",
	    "drv_a\n",
	    "drv_1?x=1",
	    "drv_1#",
	    "drv-1",
	    "drv_é",
	    "1drv_1",
	    "drv__1",
	    "drv_01234567890123456789012345678901234567890123456789012345678901234"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(http_id_valid(good[i]), "refused %s", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!http_id_valid(bad[i]), "accepted \"%s\"", bad[i]);
	ck_assert(!http_id_valid(NULL));
}
END_TEST

/* NET-1: the base URL is checked before any handle exists. */
START_TEST(base_url_refused)
{
	const char *bad[] = {"file:///etc/passwd",
	                     "ftp://api.chargeapi.co/v1",
	                     "gopher://api.chargeapi.co/v1",
	                     "http://api.chargeapi.co/v1",
	                     "http://10.0.0.1:8080/v1",
	                     "http://128.0.0.1/v1",
	                     "dict://127.0.0.1/",
	                     "https://user:pw@api.chargeapi.co/v1",
	                     "not a url",
	                     ""};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct api_error err = {0};
		struct http_config cfg = {.base_url = bad[i]};
		struct http_client *c = http_client_new(&cfg, &err);
		ck_assert_msg(c == NULL, "accepted base %s", bad[i]);
		ck_assert_int_eq(err.kind, API_ERR_REFUSED);
		ck_assert_ptr_nonnull(err.detail);
		api_error_clear(&err);
	}
	struct api_error e2 = {0};
	struct http_config inj = {.base_url = "https://api.chargeapi.co/v1",
	                          .charge_version = "2026-03-01\r\nX-Evil: 1"};
	ck_assert_ptr_null(http_client_new(&inj, &e2));
	ck_assert_int_eq(e2.kind, API_ERR_REFUSED);
	api_error_clear(&e2);
	const char *good[] = {"https://api.chargeapi.co/v1", "http://127.0.0.1:9/v1",
	                      "http://127.5.6.7:9/v1", "http://localhost:9/v1",
	                      "http://[::1]:9/v1"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		struct api_error err = {0};
		struct http_config cfg = {.base_url = good[i]};
		struct http_client *c = http_client_new(&cfg, &err);
		ck_assert_msg(c != NULL, "refused base %s: %s", good[i],
		              err.detail ? err.detail : "");
		http_client_free(c);
		api_error_clear(&err);
	}
}
END_TEST

START_TEST(idempotency_key_uuid4)
{
	char a[37], b[37];
	http_idempotency_key(a);
	http_idempotency_key(b);
	ck_assert_int_eq(strlen(a), 36);
	ck_assert_str_ne(a, b);
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			ck_assert_int_eq(a[i], '-');
		else
			ck_assert(isxdigit((unsigned char)a[i]) && !isupper((unsigned char)a[i]));
	}
	ck_assert_int_eq(a[14], '4');
	ck_assert(strchr("89ab", a[19]) != NULL);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("url");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, same_origin_table, 0,
	                    (int)(sizeof origin_rows / sizeof origin_rows[0]));
	tcase_add_test(tc, same_origin_null);
	tcase_add_test(tc, id_valid);
	tcase_add_test(tc, base_url_refused);
	tcase_add_test(tc, idempotency_key_uuid4);
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
