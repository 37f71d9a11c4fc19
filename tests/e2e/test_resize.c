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

/* The panes' frame reaches the new right edge: a box corner in the last
 * column of the first row and of the row above the status line. */
static bool frame_fits(struct e2e *e)
{
	struct term_cell_attrs top, bottom;
	int rows = term_rows(e->t), cols = term_cols(e->t);
	if (term_cell_attrs(e->t, 0, cols - 1, &top) || term_cell_attrs(e->t, rows - 2, cols - 1, &bottom))
		return false;
	bool top_corner = top.ch == 0x2510 || top.ch == 0x256E || top.ch == 0x2513 || top.ch == '+';
	bool bottom_corner =
		bottom.ch == 0x2518 || bottom.ch == 0x256F || bottom.ch == 0x251B || bottom.ch == '+';
	return top_corner && bottom_corner;
}

/* Wait until the last row shows the TEST badge, the fleet is visible and
 * the frame fits: the layout was redone for this size. */
static bool laid_out(struct e2e *e, const char *fleet, int ms)
{
	double end = term_now_ms() + ms;
	for (;;) {
		char *last = term_row(e->t, term_rows(e->t) - 1);
		bool ok = has_token(last, "TEST") && term_find(e->t, fleet, NULL, NULL) == 0 &&
			  term_find(e->t, "too small", NULL, NULL) != 0 && frame_fits(e);
		free(last);
		if (ok || term_now_ms() >= end)
			return ok;
		term_wait_output(e->t, term_mark(e->t), 100);
	}
}

static void resize_and_check(struct e2e *e, int rows, int cols, const char *fleet)
{
	ck_assert_int_eq(term_set_size(e->t, rows, cols), 0);
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
	char pre[128];
	/* 8 characters: the name column may be narrow at 80 columns. */
	e2e_wait_first_fleet(e, 8, pre, sizeof pre, 10000);
	ck_assert(laid_out(e, pre, 3000));

	resize_and_check(e, 24, 80, pre);
	resize_and_check(e, 60, 200, pre);

	ck_assert_int_eq(term_set_size(e->t, 10, 40), 0);
	E2E_WAIT(e, "too small", 3000);

	resize_and_check(e, 40, 120, pre);

	static const int sizes[][2] = { { 30, 100 }, { 24, 80 }, { 43, 132 }, { 20, 60 },
					{ 10, 40 },  { 50, 160 }, { 40, 120 } };
	double t0 = term_now_ms();
	for (int i = 0; i < 50; i++) {
		const int *sz = sizes[i % 7];
		term_set_size(e->t, sz[0], sz[1]);
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
