/*
 * test_refresh_stale.c — the server starts failing (every request 503) while
 * a user watches with --refresh 1: the console says its data is stale since
 * the last good refresh and keeps showing the last good values; when the
 * server heals, the marker goes away by itself (RTY-10).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "e2e.h"

#define NAME_CHARS 12
/* Two missed 1 s intervals, each up to 3 tries with backoff (RTY-4): the
 * marker is due well within this. */
#define STALE_MS 15000
/* Backoff is capped at interval x 8 (RTY-10), plus one round. */
#define RECOVER_MS 12000

static int sec_of_day(time_t t)
{
	struct tm tm;
	localtime_r(&t, &tm);
	return tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

/* "stale since HH:MM:SS" names the last good refresh: at most one period
 * (plus a round) before the server began failing, and not after it. */
static void expect_stale_since(struct e2e *e, time_t failing_from)
{
	char *row = e2e_row_with(e, "stale since ");
	int h = -1, m = -1, sec = -1;
	if (row)
		sscanf(strstr(row, "stale since ") + 12, "%d:%d:%d", &h, &m, &sec);
	free(row);
	if (h < 0 || sec < 0)
		e2e_dump(e, "the stale marker");
	ck_assert_msg(h >= 0 && m >= 0 && sec >= 0, "no \"stale since HH:MM:SS\" on screen");
	int ago = (sec_of_day(failing_from) - (h * 3600 + m * 60 + sec) + 86400) % 86400;
	ck_assert_msg(ago <= 3, "stale since %02d:%02d:%02d: %d s before the failures began", h,
		      m, sec, ago);
}

START_TEST(failing_refresh_marks_stale_and_recovers)
{
	const char *args[] = { "--refresh", "1", NULL };
	struct e2e_opts o = { .args = args };
	struct e2e *e = e2e_start("refresh_stale", &o);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	const cJSON *f0 = cJSON_GetArrayItem(fleets, 0);
	char pre[128];
	long long drv = jint(f0, "total_drivers", -1), sess = jint(f0, "total_sessions", -1);
	expect_prefix(jstr(f0, "name"), NAME_CHARS, pre, sizeof pre);
	cJSON_Delete(fleets);
	e2e_wait_str(e, pre, 10000);
	ck_assert(term_wait_idle(e->t, 300, 5000));
	ck_assert_msg(term_find(e->t, "stale", NULL, NULL) != 0, "stale before any failure");

	ck_assert_int_eq(mockctl_faults(e->mc, "error_rate=1:503"), 0);
	time_t failing_from = time(NULL);
	long seq0 = mockctl_last_seq(e->mc);
	E2E_WAIT(e, "stale", STALE_MS);
	expect_stale_since(e, failing_from);

	/* The last good values are still there. */
	char *row = e2e_row_with(e, pre);
	bool kept = row && has_number(row, drv) && has_number(row, sess);
	if (!kept)
		e2e_dump(e, "values while stale");
	free(row);
	ck_assert_msg(kept, "fleet %s lost its totals while stale", pre);

	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, seq0, &log), 0);
	ck_assert_uint_ge(mock_reqs_count(&log, "GET", NULL), 1);
	ck_assert_uint_eq(mock_reqs_mutating(&log), 0);
	mock_reqs_clear(&log);

	ck_assert_int_eq(mockctl_faults(e->mc, "clear"), 0);
	if (!term_wait_gone(e->t, "stale", RECOVER_MS))
		e2e_dump(e, "after the server healed");
	ck_assert_msg(term_find(e->t, "stale", NULL, NULL) != 0,
		      "still stale %d ms after the server healed", RECOVER_MS);
	e2e_wait_str(e, pre, 100);
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("refresh_stale");
	TCase *tc = tcase_create("stale");
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, failing_refresh_marks_stale_and_recovers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
