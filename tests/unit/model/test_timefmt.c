/*
 * test_timefmt.c — RFC 3339 both ways, edge dates, and local display through
 * our own TZif reader (expected values computed with Python's zoneinfo).
 */
#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/timefmt.h"

static const struct {
	const char *s;
	int rc;
	int64_t ms;
} parse_rows[] = {
    {"2026-04-01T00:13:30.836Z", 0, 1775002410836LL},
    {"2026-04-01T00:13:30Z", 0, 1775002410000LL},
    {"2026-04-01T02:13:30.836+02:00", 0, 1775002410836LL},
    {"2026-03-31T19:13:30.836-05:00", 0, 1775002410836LL},
    {"2026-04-01t00:13:30.836z", 0, 1775002410836LL},
    {"2026-04-01 00:13:30.8Z", 0, 1775002410800LL},
    {"2026-04-01T00:13:30.836999Z", 0, 1775002410836LL}, /* truncated to ms */
    {"1969-12-31T23:59:59.999Z", 0, -1},
    {"1970-01-01T00:00:00Z", 0, 0},
    {"2024-02-29T12:00:00Z", 0, 1709208000000LL},
    {"2000-02-29T00:00:00Z", 0, 951782400000LL},
    {"0001-01-01T00:00:00Z", 0, -62135596800000LL},
    {"9999-12-31T23:59:59.999Z", 0, 253402300799999LL},
    {"2016-12-31T23:59:60Z", 0, 1483228800000LL}, /* leap second: next second */
    /* refusals */
    {"2023-02-29T00:00:00Z", -1, 0},
    {"2100-02-29T00:00:00Z", -1, 0},
    {"2026-13-01T00:00:00Z", -1, 0},
    {"2026-04-31T00:00:00Z", -1, 0},
    {"2026-04-01T24:00:00Z", -1, 0},
    {"2026-04-01T00:60:00Z", -1, 0},
    {"2026-04-01T00:13:30", -1, 0},
    {"2026-04-01T00:13:30.Z", -1, 0},
    {"2026-04-01T00:13:30Zjunk", -1, 0},
    {"2026-04-01T00:13:30+2:00", -1, 0},
    {"2026-04-01T00:13:30+24:00", -1, 0},
    {"2026-04-01", -1, 0},
    {"", -1, 0},
    {"1775002410", -1, 0},
    {"+2026-04-01T00:13:30Z", -1, 0},
};

START_TEST(test_parse)
{
	int64_t ms = 777;
	int rc = ts_parse_rfc3339(parse_rows[_i].s, &ms);

	ck_assert_msg(rc == parse_rows[_i].rc, "%s: rc %d", parse_rows[_i].s, rc);
	if (rc == 0)
		ck_assert_msg(ms == parse_rows[_i].ms, "%s: %lld", parse_rows[_i].s, (long long)ms);
}
END_TEST

START_TEST(test_format_rfc3339)
{
	char buf[32];
	int64_t back;

	ck_assert_str_eq(ts_format_rfc3339(1775002410836LL, buf, sizeof(buf)),
	                 "2026-04-01T00:13:30.836Z");
	ck_assert_str_eq(ts_format_rfc3339(0, buf, sizeof(buf)), "1970-01-01T00:00:00.000Z");
	ck_assert_str_eq(ts_format_rfc3339(-1, buf, sizeof(buf)), "1969-12-31T23:59:59.999Z");
	ck_assert_str_eq(ts_format_rfc3339(951782400000LL, buf, sizeof(buf)),
	                 "2000-02-29T00:00:00.000Z");
	/* Out-of-range instants clamp rather than print 12-digit years. */
	ck_assert_str_eq(ts_format_rfc3339(INT64_MAX, buf, sizeof(buf)),
	                 "9999-12-31T23:59:59.999Z");
	ck_assert_str_eq(ts_format_rfc3339(INT64_MIN, buf, sizeof(buf)),
	                 "0000-01-01T00:00:00.000Z");
	for (int64_t ms = -100000000000LL; ms < 4000000000000LL; ms += 37777777777LL) {
		ts_format_rfc3339(ms, buf, sizeof(buf));
		ck_assert_int_eq(ts_parse_rfc3339(buf, &back), 0);
		ck_assert_int_eq(back, ms);
	}
}
END_TEST

static const struct {
	const char *tz, *utc, *want;
} local_rows[] = {
    {"Europe/Paris", "2026-07-01T12:00:00Z", "2026-07-01 14:00"},
    {"Europe/Paris", "2026-01-15T12:00:00Z", "2026-01-15 13:00"},
    {"Europe/Paris", "2026-03-29T00:59:59Z", "2026-03-29 01:59"},
    {"Europe/Paris", "2026-03-29T01:00:00Z", "2026-03-29 03:00"},
    {"Europe/Paris", "2026-10-25T00:59:59Z", "2026-10-25 02:59"},
    {"Europe/Paris", "2026-10-25T01:00:00Z", "2026-10-25 02:00"},
    {"Europe/Paris", "2026-04-01T00:24:36.653Z", "2026-04-01 02:24"},
    {"Europe/Paris", "1900-01-01T00:00:00Z", "1900-01-01 00:09"}, /* Paris mean time */
    /* Past the file's last transition: the POSIX rule in the footer. */
    {"Europe/Paris", "2045-07-01T12:00:00Z", "2045-07-01 14:00"},
    {"Europe/Paris", "2045-12-01T12:00:00Z", "2045-12-01 13:00"},
    {"Europe/Paris", "2045-03-26T00:59:59Z", "2045-03-26 01:59"},
    {"Europe/Paris", "2045-03-26T01:00:00Z", "2045-03-26 03:00"},
    {"America/New_York", "2026-07-04T16:30:00Z", "2026-07-04 12:30"},
    {"America/New_York", "2050-01-04T16:30:00Z", "2050-01-04 11:30"},
    {"America/New_York", "2045-03-12T06:59:59Z", "2045-03-12 01:59"},
    {"America/New_York", "2045-03-12T07:00:00Z", "2045-03-12 03:00"},
    {"Australia/Sydney", "2050-01-04T00:00:00Z", "2050-01-04 11:00"},
    {"Australia/Sydney", "2050-07-04T00:00:00Z", "2050-07-04 10:00"},
    {"Australia/Sydney", "2045-04-01T15:59:59Z", "2045-04-02 02:59"},
    {"Australia/Sydney", "2045-04-01T16:00:00Z", "2045-04-02 02:00"},
    {"Asia/Kolkata", "2026-04-01T00:13:30Z", "2026-04-01 05:43"},
    {"America/Sao_Paulo", "2026-01-15T12:00:00Z", "2026-01-15 09:00"},
    {"Asia/Riyadh", "2045-07-01T12:00:00Z", "2045-07-01 15:00"},       /* "<+03>-3" footer */
    {"America/Sao_Paulo", "2045-07-01T12:00:00Z", "2045-07-01 09:00"}, /* "<-03>3" footer */
    {"UTC", "2026-04-01T00:13:30Z", "2026-04-01 00:13"},
    /* Unusable zones fall back to UTC. */
    {NULL, "2026-04-01T00:13:30Z", "2026-04-01 00:13"},
    {"", "2026-04-01T00:13:30Z", "2026-04-01 00:13"},
    {"Nowhere/Atlantis", "2026-04-01T00:13:30Z", "2026-04-01 00:13"},
    {"../../etc/passwd", "2026-04-01T00:13:30Z", "2026-04-01 00:13"},
    {"Europe/../../../etc/passwd", "2026-04-01T00:13:30Z", "2026-04-01 00:13"},
    {"/etc/localtime", "2026-04-01T00:13:30Z", "2026-04-01 00:13"},
    {"Europe/Paris\n", "2026-04-01T00:13:30Z", "2026-04-01 00:13"},
    {"zone.tab", "2026-04-01T00:13:30Z", "2026-04-01 00:13"}, /* not a TZif file */
};

START_TEST(test_local)
{
	char buf[32];
	int64_t ms;

	ck_assert_int_eq(ts_parse_rfc3339(local_rows[_i].utc, &ms), 0);
	ck_assert_msg(strcmp(ts_format_local(ms, local_rows[_i].tz, buf, sizeof(buf)),
	                     local_rows[_i].want) == 0,
	              "%s %s: got %s", local_rows[_i].tz ? local_rows[_i].tz : "(null)",
	              local_rows[_i].utc, buf);
}
END_TEST

START_TEST(test_local_does_not_touch_tz)
{
	char buf[32];

	setenv("TZ", "Asia/Tokyo", 1);
	ts_format_local(0, "Europe/Paris", buf, sizeof(buf));
	ck_assert_str_eq(getenv("TZ"), "Asia/Tokyo");
	ck_assert_str_eq(buf, "1970-01-01 01:00");
	unsetenv("TZ");
	ts_format_local(0, "Europe/Paris", buf, sizeof(buf));
	ck_assert_ptr_null(getenv("TZ"));
}
END_TEST

START_TEST(test_clocks)
{
	int64_t now = ts_now_ms();
	double a = ts_mono(), b = ts_mono();

	ck_assert_int_gt(now, 1700000000000LL); /* after 2023 */
	ck_assert(b >= a);
}
END_TEST

/* More zones than the cache holds, from several threads: eviction while
 * others read must neither crash (ASan/TSan builds) nor mix up offsets. */
static const char *const zones[] = {
    "Europe/Paris",  "America/New_York", "Asia/Kolkata",     "Australia/Sydney",
    "Asia/Tokyo",    "Europe/London",    "America/Chicago",  "Africa/Nairobi",
    "Europe/Berlin", "Asia/Riyadh",      "Pacific/Auckland", "America/Sao_Paulo",
};
static const char *const zones_want[] = {
    "1970-01-01 01:00", "1969-12-31 19:00", "1970-01-01 05:30", "1970-01-01 10:00",
    "1970-01-01 09:00", "1970-01-01 01:00", "1969-12-31 18:00", "1970-01-01 03:00",
    "1970-01-01 01:00", "1970-01-01 03:00", "1970-01-01 12:00", "1969-12-31 21:00",
};

static void *zone_worker(void *arg)
{
	int *bad = arg;
	char buf[32];

	for (int i = 0; i < 600; i++) {
		size_t z = (size_t)(i * 7 + *bad) % 12;

		ts_format_local(0, zones[z], buf, sizeof(buf));
		if (strcmp(buf, zones_want[z]) != 0)
			*bad = 1000;
	}
	return NULL;
}

START_TEST(test_local_threads)
{
	pthread_t th[4];
	int bad[4] = {0, 1, 2, 3};

	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, zone_worker, &bad[i]), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ck_assert_int_lt(bad[i], 1000);
	}
}
END_TEST

START_TEST(test_format_clock)
{
	char b[16];
	setenv("TZ", "UTC", 1);
	tzset();
	ck_assert_str_eq(ts_format_clock(0, true, b, sizeof b), "--:--:--");
	ck_assert_str_eq(ts_format_clock(-5, false, b, sizeof b), "--:--");
	/* 2026-11-25T08:33:56.900Z: seconds, not rounded up; the minute too. */
	ck_assert_str_eq(ts_format_clock(1795595636900LL, true, b, sizeof b), "08:33:56");
	ck_assert_str_eq(ts_format_clock(1795595699999LL, false, b, sizeof b), "08:34");
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	ck_assert_str_eq(ts_format_clock(1795595636900LL, true, b, sizeof b), "17:33:56");
	unsetenv("TZ");
	tzset();
}
END_TEST

static Suite *time_suite(void)
{
	Suite *s = suite_create("timefmt");
	TCase *t = tcase_create("timefmt");

	tcase_add_loop_test(t, test_parse, 0, (int)(sizeof(parse_rows) / sizeof(parse_rows[0])));
	tcase_add_test(t, test_format_rfc3339);
	tcase_add_loop_test(t, test_local, 0, (int)(sizeof(local_rows) / sizeof(local_rows[0])));
	tcase_add_test(t, test_local_does_not_touch_tz);
	tcase_add_test(t, test_local_threads);
	tcase_add_test(t, test_clocks);
	tcase_add_test(t, test_format_clock);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(time_suite());
	int failed;

	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
