/*
 * test_live_key.c — a user points the console at a live key (SEC-7):
 * without --live it refuses before touching the terminal or the network
 * (exit 2, "refusing live key without --live"); with --live every screen
 * carries a LIVE badge in a colour that cannot be missed, and TEST is gone.
 * The key itself is never written whole (SEC-3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "e2e.h"

#define LIVE_KEY "ch_sk_live_e2e0123456789abcdefABCDEF"

START_TEST(live_key_without_live_flag_is_refused)
{
	const char *env[] = { "CHARGE_API_KEY=" LIVE_KEY, NULL };
	struct e2e_opts o = { .no_key = true, .env = env };
	struct e2e *e = e2e_start("live_key_refused", &o);
	int st = 0;
	ck_assert_msg(term_wait_exit(e->t, 3000, &st) == 0, "still running with a live key");
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 2, "exit status 0x%x, want 2", st);
	term_wait_eof(e->t, 2000);
	E2E_WAIT(e, "refusing live key without --live", 100);
	ck_assert_msg(!term_raw_contains(e->t, LIVE_KEY, 0), "the live key was printed");

	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, 0, &log), 0);
	ck_assert_uint_eq(log.n, 0); /* refused before any request */
	mock_reqs_clear(&log);
	e2e_finish(e);
}
END_TEST

START_TEST(live_key_with_live_flag_shows_live_badge)
{
	const char *env[] = { "CHARGE_API_KEY=" LIVE_KEY, NULL };
	const char *args[] = { "--live", NULL };
	struct e2e_opts o = { .no_key = true, .env = env, .args = args };
	struct e2e *e = e2e_start("live_key_badge", &o);
	E2E_WAIT(e, "Fleets (", 10000);
	ck_assert(term_wait_idle(e->t, 300, 5000));
	int rows = term_rows(e->t), col = -1, row = -1;
	ck_assert_int_eq(term_find_from(e->t, rows - 1, "LIVE", &row, &col), 0);
	char *status = term_row(e->t, rows - 1);
	bool no_test = !has_token(status, "TEST");
	free(status);
	ck_assert_msg(no_test, "a live session still says TEST");
	/* "A colour that cannot be missed": the badge stands out from the
	 * status line around it (another background, or reverse). */
	struct term_cell_attrs badge, line;
	term_cell_attrs(e->t, row, col, &badge);
	term_cell_attrs(e->t, row, term_cols(e->t) - 2, &line);
	bool stands_out = badge.reverse != line.reverse ||
			  memcmp(badge.bg_rgb, line.bg_rgb, 3) != 0;
	ck_assert_msg(stands_out, "the LIVE badge looks like the rest of the status line");
	ck_assert_msg(!term_raw_contains(e->t, LIVE_KEY, 0), "the live key was printed whole");
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("live_key");
	TCase *tc = tcase_create("live");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, live_key_without_live_flag_is_refused);
	tcase_add_test(tc, live_key_with_live_flag_shows_live_badge);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
