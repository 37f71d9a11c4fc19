/*
 * test_resize.c — a user resizes the terminal: to 80x24, 200x60, down to
 * 40x10 (too small: the console says so instead of drawing a broken
 * layout), back to 120x40; then drags the window edge (50 resizes in one
 * second).  Each time the layout fits the new size: the status line sits on
 * the last row and the fleets are there (TTY-4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "e2e.h"

/* Wait until the last row shows the TEST badge and the fleet is visible:
 * the layout was redone for this size. */
static bool laid_out(struct e2e *e, const char *fleet, int ms)
{
	double end = term_now_ms() + ms;
	for (;;) {
		char *last = term_row(e->t, term_rows(e->t) - 1);
		bool ok = has_token(last, "TEST") && term_find(e->t, fleet, NULL, NULL) == 0 &&
			  term_find(e->t, "too small", NULL, NULL) != 0;
		free(last);
		if (ok || term_now_ms() >= end)
			return ok;
		term_wait_output(e->t, term_mark(e->t), 100);
	}
}

static void resize_and_check(struct e2e *e, int rows, int cols, const char *fleet)
{
	ck_assert_int_eq(term_resize(e->t, rows, cols), 0);
	bool ok = laid_out(e, fleet, 3000);
	if (!ok) {
		char why[64];
		snprintf(why, sizeof why, "after resize to %dx%d", cols, rows);
		e2e_dump(e, why);
	}
	ck_assert_msg(ok, "not laid out again at %dx%d", cols, rows);
}

START_TEST(resizes_relayout_and_survive_a_storm)
{
	struct e2e *e = e2e_start("resize", NULL);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	char pre[128];
	/* 8 characters: the name column may be narrow at 80 columns. */
	expect_prefix(jstr(cJSON_GetArrayItem(fleets, 0), "name"), 8, pre, sizeof pre);
	cJSON_Delete(fleets);
	e2e_wait_str(e, pre, 10000);
	ck_assert(laid_out(e, pre, 3000));

	resize_and_check(e, 24, 80, pre);
	resize_and_check(e, 60, 200, pre);

	ck_assert_int_eq(term_resize(e->t, 10, 40), 0);
	E2E_WAIT(e, "too small", 3000);

	resize_and_check(e, 40, 120, pre);

	static const int sizes[][2] = { { 30, 100 }, { 24, 80 }, { 43, 132 }, { 20, 60 },
					{ 10, 40 },  { 50, 160 }, { 40, 120 } };
	double t0 = term_now_ms();
	for (int i = 0; i < 50; i++) {
		const int *sz = sizes[i % 7];
		term_resize(e->t, sz[0], sz[1]);
		/* The storm is a rate (50 in 1 s), so spacing is by the clock. */
		struct timespec ts = { 0, 19 * 1000000L };
		nanosleep(&ts, NULL);
	}
	ck_assert(term_now_ms() - t0 < 1500);
	resize_and_check(e, 40, 120, pre);
	ck_assert_msg(!term_exited(e->t), "the console died in the resize storm");
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("resize");
	TCase *tc = tcase_create("resize");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, resizes_relayout_and_survive_a_storm);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
