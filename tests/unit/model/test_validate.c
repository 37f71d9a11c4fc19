/* test_validate.c — every validator as a table: input, accepted or not. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chargetui/validate.h"

struct row {
	const char *in;
	bool ok;
};

typedef const char *(*val_fn)(const char *);

static void check_table(val_fn fn, const struct row *rows, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		const char *msg = fn(rows[i].in);
		ck_assert_msg((msg == NULL) == rows[i].ok, "%s(\"%s\") -> %s (want %s)", name,
		              rows[i].in ? rows[i].in : "(null)", msg ? msg : "ok",
		              rows[i].ok ? "ok" : "error");
		if (msg)
			ck_assert_int_gt((int)strlen(msg), 0);
	}
}

#define TABLE(fn, rows) check_table(fn, rows, sizeof(rows) / sizeof(rows[0]), #fn)

START_TEST(test_text_refuses_controls)
{
	static const struct row rows[] = {
	    {"Marie Curie", true},
	    {"", true},
	    {"Zoë 王 🚗", true},
	    {"e\xcc\x81t\xc3\xa9", true}, /* combining acute */
	    {"A\x1b[2J", false},          /* ESC */
	    {"a\tb", false},              /* TAB */
	    {"line1\nline2", false},
	    {"x\x7fy", false}, /* DEL */
	    {"\xc2\x9b"
	     "31m",
	     false}, /* C1 CSI */
	    {"abc\xe2\x80\xae"
	     "cba",
	     false},                          /* U+202E RLO */
	    {"zero\xe2\x80\x8bwidth", false}, /* U+200B */
	    {"\xff", false},                  /* invalid UTF-8 */
	    {"paste\x1b[201~", false},        /* bracketed-paste end */
	};
	TABLE(val_text, rows);
}
END_TEST

START_TEST(test_required)
{
	static const struct row rows[] = {
	    {"x", true}, {"", false}, {"   ", false}, {NULL, false}, {"a\x07", false},
	};
	TABLE(val_required, rows);
}
END_TEST

START_TEST(test_email)
{
	static const struct row rows[] = {
	    {"example@example.com", true},
	    {"a.b+c@sub.example.co.uk", true},
	    {"", true}, /* optional unless the form says required */
	    {"example.com", false},
	    {"a@@example.com", false},
	    {"a@b@example.com", false},
	    {"@example.com", false},
	    {"a@", false},
	    {"a@localhost", false},
	    {"a@.com", false},
	    {"a@example.", false},
	    {"a b@example.com", false},
	    {"a@exa mple.com", false},
	    {"a@example..com", false},
	    {"a\x1b@example.com", false},
	};
	TABLE(val_email, rows);
	char long_mail[300];
	memset(long_mail, 'a', sizeof long_mail);
	strcpy(long_mail + 250, "@ex.com");
	ck_assert_ptr_nonnull(val_email(long_mail));
	memset(long_mail, 'a', sizeof long_mail);
	strcpy(long_mail + 240, "@ex.com"); /* 247 bytes */
	ck_assert_ptr_null(val_email(long_mail));
}
END_TEST

START_TEST(test_phone)
{
	static const struct row rows[] = {
	    {"+33189000029", true},
	    {"+14155550123", true},
	    {"+12345678", true},          /* 8 digits */
	    {"+123456789012345", true},   /* 15 digits */
	    {"+1234567", false},          /* 7 */
	    {"+1234567890123456", false}, /* 16 */
	    {"33189000029", false},
	    {"+0189000029", false},
	    {"+33 1 89 00 00 29", false},
	    {"+33-189000029", false},
	    {"+", false},
	    {"", true},
	};
	TABLE(val_phone, rows);
}
END_TEST

START_TEST(test_currency)
{
	static const struct row rows[] = {
	    {"eur", true},   {"usd", true},  {"jpy", true},  {"chf", true},  {"zar", true},
	    {"aed", true},   {"zwg", true},  {"", true},     {"EUR", false}, {"eu", false},
	    {"euro", false}, {"xxx", false}, {"abc", false}, {"hrk", false}, {"e1r", false},
	};
	TABLE(val_currency, rows);
	/* The table must stay sorted, or bsearch misses codes. */
	for (size_t i = 1; val_currencies[i]; i++)
		ck_assert_msg(strcmp(val_currencies[i - 1], val_currencies[i]) < 0, "%s >= %s",
		              val_currencies[i - 1], val_currencies[i]);
	for (size_t i = 0; val_currencies[i]; i++)
		ck_assert(val_currency_known(val_currencies[i]));
}
END_TEST

START_TEST(test_enums)
{
	static const struct {
		const char *const *set;
		const char *in;
		bool ok;
	} rows[] = {
	    {val_driver_status, "active", true},
	    {val_driver_status, "suspended", true},
	    {val_driver_status, "archived", true},
	    {val_driver_status, "deleted", false},
	    {val_driver_status, "Active", false},
	    {val_charging_speed, "slow", true},
	    {val_charging_speed, "ultra_fast", true},
	    {val_charging_speed, "turbo", false},
	    {val_fleet_status, "suspended", true},
	    {val_fleet_status, "paused", false},
	    {val_billing_cycle, "quarterly", true},
	    {val_billing_cycle, "daily", false},
	    {val_report_frequency, "daily", true},
	    {val_report_frequency, "quarterly", false},
	    {val_metric_system, "imperial_system", true},
	    {val_metric_system, "us_customary_system", true},
	    {val_metric_system, "metric", false},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const char *msg = val_enum(rows[i].in, rows[i].set);
		ck_assert_msg((msg == NULL) == rows[i].ok, "val_enum(%s)", rows[i].in);
	}
}
END_TEST

START_TEST(test_timezone_shape)
{
	static const struct {
		const char *in;
		bool ok;
	} rows[] = {
	    {"Europe/Paris", true},
	    {"UTC", true},
	    {"America/Argentina/Buenos_Aires", true},
	    {"Etc/GMT+5", true},
	    {"America/Port-au-Prince", true},
	    {"", true},
	    {"../etc/passwd", false},
	    {"Europe/../../etc/passwd", false},
	    {"/etc/passwd", false},
	    {"Europe//Paris", false},
	    {"Europe/Paris/", false},
	    {"Europe Paris", false},
	    {"Europe/Paris\x1b", false},
	};
	/* A directory that does not exist: only the shape is checked. */
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const char *msg = val_timezone(rows[i].in, "/nonexistent-zoneinfo");
		ck_assert_msg((msg == NULL) == rows[i].ok, "val_timezone(%s)", rows[i].in);
	}
}
END_TEST

START_TEST(test_timezone_exists)
{
	char dir[] = "/tmp/ct_zoneXXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof path, "%s/Europe", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/Europe/Paris", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_ptr_null(val_timezone("Europe/Paris", dir));
	ck_assert_ptr_nonnull(val_timezone("Europe/Atlantis", dir));
	ck_assert_ptr_nonnull(val_timezone("Europe", dir)); /* a directory, not a zone */
	unlink(path);
	snprintf(path, sizeof path, "%s/Europe", dir);
	rmdir(path);
	rmdir(dir);
}
END_TEST

START_TEST(test_money)
{
	static const struct {
		const char *in, *cur;
		bool ok;
		int64_t want;
	} rows[] = {
	    {"18.75", "eur", true, 1875}, {"0", "eur", true, 0},        {"1875", "jpy", true, 1875},
	    {"0.5", "eur", true, 50},     {"1.234", "kwd", true, 1234}, {"-1", "eur", false, 0},
	    {"18.755", "eur", false, 0},  {"18.5", "jpy", false, 0},    {"abc", "eur", false, 0},
	    {"1\x1b", "eur", false, 0},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		int64_t v = -42;
		const char *msg = val_money(rows[i].in, rows[i].cur, &v);
		ck_assert_msg((msg == NULL) == rows[i].ok, "val_money(%s, %s) -> %s", rows[i].in,
		              rows[i].cur, msg ? msg : "ok");
		if (rows[i].ok)
			ck_assert_int_eq(v, rows[i].want);
	}
	int64_t v = -42;
	ck_assert_ptr_null(val_money("", "eur", &v)); /* empty: no value */
	ck_assert_int_eq(v, -42);
}
END_TEST

START_TEST(test_metadata_limits)
{
	char key[64], val[600];
	memset(key, 'k', 40);
	key[40] = 0;
	ck_assert_ptr_null(val_meta_key(key));
	key[40] = 'k';
	key[41] = 0;
	ck_assert_ptr_nonnull(val_meta_key(key));
	/* 40 characters of two bytes each is still 40 characters. */
	key[0] = 0;
	for (int i = 0; i < 20; i++)
		strcat(key, "\xc3\xa9");
	ck_assert_ptr_null(val_meta_key(key));
	ck_assert_ptr_nonnull(val_meta_key(""));
	ck_assert_ptr_nonnull(val_meta_key("a\x01"));
	memset(val, 'v', 500);
	val[500] = 0;
	ck_assert_ptr_null(val_meta_value(val));
	val[500] = 'v';
	val[501] = 0;
	ck_assert_ptr_nonnull(val_meta_value(val));
	ck_assert_ptr_null(val_meta_value(""));
	ck_assert_ptr_nonnull(val_meta_value("\xe2\x80\xae"));
	ck_assert_ptr_null(val_meta_count(50));
	ck_assert_ptr_nonnull(val_meta_count(51));
}
END_TEST

START_TEST(test_ids)
{
	static const struct row pm[] = {
	    {"pm_1Abc", true}, {"", true},           {"pm_", false},
	    {"card_1", false}, {"pm_a/../b", false}, {"pm_a b", false},
	};
	static const struct row st[] = {
	    {"chst_uiIgEAEpjxf5JVAowpX8AUuhy2x3wAMd", true},
	    {"chst_", false},
	    {"cs_456", false},
	    {"chst_%2e", false},
	};
	static const struct row cpo[] = {
	    {"example_operator", true},
	    {"ionity-de", true},
	    {"Example", false},
	    {"a b", false},
	    {"", true},
	};
	static const struct row fl[] = {
	    {"flt_grOWx6EexbLtcXYJiCsSmRVeA5r1rbEc", true},
	    {"drv_1", false},
	};
	static const struct row ctry[] = {{"FR", true}, {"fr", false}, {"FRA", false}, {"", true}};
	TABLE(val_payment_method, pm);
	TABLE(val_station_id, st);
	TABLE(val_cpo_id, cpo);
	TABLE(val_fleet_id, fl);
	TABLE(val_country, ctry);
	char longid[80] = "pm_";
	memset(longid + 3, 'a', 65);
	longid[68] = 0;
	ck_assert_ptr_nonnull(val_payment_method(longid));
}
END_TEST

static Suite *validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_text_refuses_controls);
	tcase_add_test(tc, test_required);
	tcase_add_test(tc, test_email);
	tcase_add_test(tc, test_phone);
	tcase_add_test(tc, test_currency);
	tcase_add_test(tc, test_enums);
	tcase_add_test(tc, test_timezone_shape);
	tcase_add_test(tc, test_timezone_exists);
	tcase_add_test(tc, test_money);
	tcase_add_test(tc, test_metadata_limits);
	tcase_add_test(tc, test_ids);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(validate_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
