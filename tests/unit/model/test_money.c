/*
 * test_money.c — formatting per currency, negatives, int64 extremes, parse
 * acceptance and refusals, energy rounding.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/money.h"

static const struct {
	int64_t minor;
	const char *cur, *want;
} fmt_rows[] = {
    {1875, "eur",
     "\xE2\x82\xAC"
     "18.75"},
    {1875, "EUR",
     "\xE2\x82\xAC"
     "18.75"},
    {123456, "usd", "$1,234.56"},
    {5, "gbp",
     "\xC2\xA3"
     "0.05"},
    {1875, "jpy",
     "\xC2\xA5"
     "1,875"},
    {-300, "eur",
     "-\xE2\x82\xAC"
     "3.00"},
    {1250, "chf", "CHF 12.50"},
    {1234567, "kwd", "KWD 1,234.567"},
    {5, "kwd", "KWD 0.005"},
    {1875, "xyz", "18.75 XYZ"},
    {1875, NULL, "18.75"},
    {1875, "", "18.75"},
    {1875, "e\x1b[", "18.75"},
    {0, "eur",
     "\xE2\x82\xAC"
     "0.00"},
    {-1, "usd", "-$0.01"},
    {100000000, "usd", "$1,000,000.00"},
    {999, "usd", "$9.99"},
    {100, "krw", "KRW 100"},
    {INT64_MAX, "usd", "$92,233,720,368,547,758.07"},
    {INT64_MIN, "usd", "-$92,233,720,368,547,758.08"},
    {INT64_MIN, "jpy",
     "-\xC2\xA5"
     "9,223,372,036,854,775,808"},
};

START_TEST(test_format)
{
	char buf[64];

	ck_assert_str_eq(money_format(fmt_rows[_i].minor, fmt_rows[_i].cur, buf, sizeof(buf)),
	                 fmt_rows[_i].want);
}
END_TEST

START_TEST(test_format_small_buffer)
{
	char buf[6];

	memset(buf, 'Z', sizeof(buf));
	money_format(123456789, "usd", buf, 5);
	ck_assert_uint_eq(strlen(buf), 4);
	ck_assert_int_eq(buf[5], 'Z');
}
END_TEST

START_TEST(test_exponent)
{
	ck_assert_int_eq(money_exponent("eur"), 2);
	ck_assert_int_eq(money_exponent("JPY"), 0);
	ck_assert_int_eq(money_exponent("xof"), 0);
	ck_assert_int_eq(money_exponent("bhd"), 3);
	ck_assert_int_eq(money_exponent("tnd"), 3);
	ck_assert_int_eq(money_exponent("zzz"), 2);
	ck_assert_int_eq(money_exponent(NULL), 2);
}
END_TEST

static const struct {
	const char *text, *cur;
	bool neg;
	int rc;
	int64_t want;
} parse_rows[] = {
    {"18.75", "eur", false, 0, 1875},
    {"18,75", "eur", false, 0, 1875},
    {"18", "eur", false, 0, 1800},
    {"18.7", "eur", false, 0, 1870},
    {" 1 234.5 ", "eur", false, 0, 123450},
    {"1,234.56", "usd", false, 0, 123456},
    {"1.234,56", "eur", false, 0, 123456},
    {"1,234,567", "usd", false, 0, 123456700},
    {"\xE2\x82\xAC"
     "18",
     "eur", false, 0, 1800},
    {"\xE2\x82\xAC 18.75", "eur", false, 0, 1875},
    {"18.75 EUR", "eur", false, 0, 1875},
    {"$0.05", "usd", false, 0, 5},
    {".5", "usd", false, 0, 50},
    {"1875", "jpy", false, 0, 1875},
    {"1,875", "jpy", false, 0, 1875},
    {"1.234", "kwd", false, 0, 1234},
    {"-3", "eur", true, 0, -300},
    {"-\xE2\x82\xAC"
     "3.00",
     "eur", true, 0, -300},
    {"+3", "eur", false, 0, 300},
    {"1\xC2\xA0"
     "234",
     "eur", false, 0, 123400},
    {"90071992547409.91", "usd", false, 0, 9007199254740991LL},
    /* refusals */
    {"-3", "eur", false, -1, 0},
    {"18.755", "eur", false, -1, 0},
    {"1,234", "eur", false, -1, 0}, /* ambiguous: a thousands separator or 3 decimals */
    {"18.5", "jpy", false, -1, 0},
    {"1.2345", "kwd", false, -1, 0},
    {"", "eur", false, -1, 0},
    {"   ", "eur", false, -1, 0},
    {".", "eur", false, -1, 0},
    {"abc", "eur", false, -1, 0},
    {"18.75x", "eur", false, -1, 0},
    {"1e3", "eur", false, -1, 0},
    {"12,34,567", "usd", false, -1, 0},
    {"1.2.3", "eur", false, -1, 0},
    {"$18", "eur", false, -1, 0},
    {"--3", "eur", true, -1, 0},
    {"90071992547409.92", "usd", false, -1, 0},
    {"99999999999999999999999", "usd", false, -1, 0},
    {"0x10", "usd", false, -1, 0},
};

START_TEST(test_parse)
{
	int64_t v = 42424242;
	int rc = money_parse(parse_rows[_i].text, parse_rows[_i].cur, parse_rows[_i].neg, &v);

	ck_assert_msg(rc == parse_rows[_i].rc, "\"%s\" %s: rc %d", parse_rows[_i].text,
	              parse_rows[_i].cur, rc);
	if (rc == 0)
		ck_assert_msg(v == parse_rows[_i].want, "\"%s\": %lld", parse_rows[_i].text,
		              (long long)v);
}
END_TEST

START_TEST(test_round_trip)
{
	static const int64_t vals[] = {0, 1, 99, 100, 1875, 123456789, -42, 9007199254740991LL};
	static const char *const curs[] = {"eur", "usd", "jpy", "kwd", "chf"};
	char buf[64];

	for (size_t c = 0; c < 5; c++) {
		for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
			int64_t back;

			money_format(vals[i], curs[c], buf, sizeof(buf));
			ck_assert_msg(money_parse(buf, curs[c], true, &back) == 0, "%s", buf);
			ck_assert_int_eq(back, vals[i]);
		}
	}
}
END_TEST

START_TEST(test_count)
{
	char buf[32];
	ck_assert_str_eq(count_format(0, buf, sizeof(buf)), "0");
	ck_assert_str_eq(count_format(999, buf, sizeof(buf)), "999");
	ck_assert_str_eq(count_format(1000, buf, sizeof(buf)), "1,000");
	ck_assert_str_eq(count_format(-1234567, buf, sizeof(buf)), "-1,234,567");
	ck_assert_str_eq(count_format(INT64_MIN, buf, sizeof(buf)), "-9,223,372,036,854,775,808");
}
END_TEST

START_TEST(test_energy)
{
	char buf[64];

	ck_assert_str_eq(energy_format(4825.4, buf, sizeof(buf)), "4,825.4 kWh");
	ck_assert_str_eq(energy_format(0, buf, sizeof(buf)), "0.0 kWh");
	ck_assert_str_eq(energy_format(0.25, buf, sizeof(buf)), "0.3 kWh");
	ck_assert_str_eq(energy_format(0.05, buf, sizeof(buf)), "0.1 kWh");
	ck_assert_str_eq(energy_format(-0.25, buf, sizeof(buf)), "-0.3 kWh");
	ck_assert_str_eq(energy_format(-0.04, buf, sizeof(buf)), "0.0 kWh");
	ck_assert_str_eq(energy_format(1234567.89, buf, sizeof(buf)), "1,234,567.9 kWh");
	ck_assert_str_eq(energy_format(999.96, buf, sizeof(buf)), "1,000.0 kWh");
	ck_assert_str_eq(energy_format(1.0 / 0.0, buf, sizeof(buf)), "\xE2\x80\x94 kWh");
}
END_TEST

static Suite *money_suite(void)
{
	Suite *s = suite_create("money");
	TCase *t = tcase_create("money");

	tcase_add_loop_test(t, test_format, 0, (int)(sizeof(fmt_rows) / sizeof(fmt_rows[0])));
	tcase_add_test(t, test_format_small_buffer);
	tcase_add_test(t, test_exponent);
	tcase_add_loop_test(t, test_parse, 0, (int)(sizeof(parse_rows) / sizeof(parse_rows[0])));
	tcase_add_test(t, test_round_trip);
	tcase_add_test(t, test_energy);
	tcase_add_test(t, test_count);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(money_suite());
	int failed;

	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
