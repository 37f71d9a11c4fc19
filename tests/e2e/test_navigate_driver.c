/*
 * test_navigate_driver.c — a user moves through the fleets (j/k), over to the
 * drivers pane (Tab, h/l), down the drivers (j) and opens one (Enter): the
 * detail shows that driver's own contact and preferences, as
 * GET /v1/drivers/ID returns them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

#define NAME_CHARS 12

static bool name_in(const char *name, const cJSON *list)
{
	const cJSON *d;
	cJSON_ArrayForEach(d, list)
	{
		const char *n = jstr(d, "name");
		if (n && name && strcmp(n, name) == 0)
			return true;
	}
	return false;
}

/* Index in drivers of the first one whose name prefix is on screen, with its
 * row and column, skipping names also in excl (a driver in both fleets
 * proves nothing); -1 if none. */
static int find_any_driver(struct e2e *e, const cJSON *drivers, const cJSON *excl, int *row,
			   int *col)
{
	int i = 0;
	const cJSON *d;
	cJSON_ArrayForEach(d, drivers)
	{
		char pre[128];
		expect_prefix(jstr(d, "name"), NAME_CHARS, pre, sizeof pre);
		if (pre[0] && !name_in(jstr(d, "name"), excl) &&
		    term_find(e->t, pre, row, col) == 0)
			return i;
		i++;
	}
	return -1;
}

/* Wait until some driver of the list (and not of excl) is on screen. */
static int wait_any_driver(struct e2e *e, const cJSON *drivers, const cJSON *excl, int *row,
			   int *col)
{
	double end = term_now_ms() + 10000;
	int i;
	while ((i = find_any_driver(e, drivers, excl, row, col)) < 0 && term_now_ms() < end)
		term_wait_output(e->t, term_mark(e->t), 200);
	return i;
}

/* The oracle driver shown on screen row `row` (its name prefix is there). */
static const cJSON *driver_on_row(struct e2e *e, const cJSON *drivers, int row)
{
	char *text = term_row(e->t, row);
	const cJSON *d, *hit = NULL;
	cJSON_ArrayForEach(d, drivers)
	{
		char pre[128];
		expect_prefix(jstr(d, "name"), NAME_CHARS, pre, sizeof pre);
		if (pre[0] && strstr(text, pre)) {
			hit = d;
			break;
		}
	}
	free(text);
	return hit;
}

static void check_detail(struct e2e *e, const cJSON *drv)
{
	char path[128];
	snprintf(path, sizeof path, "/drivers/%s", jstr(drv, "id"));
	cJSON *d = mockctl_get(e->mc, path, NULL);
	ck_assert_ptr_nonnull(d);
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(d, "preferences");
	char money[64];
	expect_money(jint(d, "wallet_balance", 0), jstr(p, "currency"), money, sizeof money);
	const char *want[] = { jstr(d, "email"), jstr(p, "charging_speed"), money };
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		ck_assert_ptr_nonnull(want[i]);
		e2e_wait_str(e, want[i], 3000);
	}
	/* The currency code, in whichever case the console prints it. */
	char up[8] = "";
	const char *cur = jstr(p, "currency");
	for (size_t i = 0; cur && cur[i] && i < 7; i++)
		up[i] = (char)(cur[i] >= 'a' && cur[i] <= 'z' ? cur[i] - 32 : cur[i]), up[i + 1] = 0;
	ck_assert_msg(term_find(e->t, cur, NULL, NULL) == 0 || term_find(e->t, up, NULL, NULL) == 0,
		      "currency %s of %s not shown", cur, jstr(d, "id"));
	cJSON_Delete(d);
}

static void send_n(struct e2e *e, const char *key, int n)
{
	for (int i = 0; i < n; i++)
		term_send_keys(e->t, key);
}

START_TEST(navigate_to_a_driver_shows_its_preferences)
{
	struct e2e *e = e2e_start("navigate_driver", NULL);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	/* Fleet A: the first with a few drivers; fleet B: the next with any. */
	int ia = oracle_fleet_with_drivers(fleets, 0, 3);
	int ib = oracle_fleet_with_drivers(fleets, ia + 1, 1);
	ck_assert_msg(ia >= 0 && ib > ia, "the seed has no two fleets with drivers");
	const cJSON *fa = cJSON_GetArrayItem(fleets, ia), *fb = cJSON_GetArrayItem(fleets, ib);
	char pre[128];
	expect_prefix(jstr(cJSON_GetArrayItem(fleets, 0), "name"), NAME_CHARS, pre, sizeof pre);
	e2e_wait_str(e, pre, 10000);
	ck_assert(term_wait_idle(e->t, 300, 5000));

	/* j down to A, j on to B: B's drivers replace A's; k back to A. */
	cJSON *da = oracle_fleet_drivers(e->mc, fa), *db = oracle_fleet_drivers(e->mc, fb);
	ck_assert(da && db);
	int row, col;
	send_n(e, "j", ia);
	if (wait_any_driver(e, da, db, &row, &col) < 0)
		e2e_dump(e, "fleet A's drivers");
	ck_assert_msg(find_any_driver(e, da, db, &row, &col) >= 0, "j x%d: fleet A's drivers not shown",
		      ia);
	send_n(e, "j", ib - ia);
	if (wait_any_driver(e, db, da, &row, &col) < 0)
		e2e_dump(e, "after j to fleet B");
	ck_assert_msg(find_any_driver(e, db, da, &row, &col) >= 0, "j: fleet B's drivers not shown");
	send_n(e, "k", ib - ia);
	if (wait_any_driver(e, da, db, &row, &col) < 0)
		e2e_dump(e, "after k back to fleet A");
	ck_assert_msg(find_any_driver(e, da, db, &row, &col) >= 0, "k: fleet A's drivers not back");
	ck_assert(term_wait_idle(e->t, 300, 5000));

	/* Over to the drivers (Tab), back (h), over again (l), then down twice. */
	int top = 1; /* below the top border, above the status line */
	term_send_key(e->t, TK_TAB);
	term_send_keys(e->t, "h");
	term_send_keys(e->t, "l");
	ck_assert(term_wait_idle(e->t, 300, 5000));
	int sel0 = e2e_highlight_row(e, col, top, term_rows(e->t) - 1);
	term_send_keys(e->t, "jj");
	ck_assert(term_wait_idle(e->t, 300, 5000));
	int sel = e2e_highlight_row(e, col, top, term_rows(e->t) - 1);
	if (sel < 0 || sel0 < 0 || sel != sel0 + 2)
		e2e_dump(e, "selection in the drivers pane");
	ck_assert_msg(sel0 >= 0 && sel == sel0 + 2, "jj moved the highlight from row %d to %d", sel0,
		      sel);

	const cJSON *drv = driver_on_row(e, da, sel);
	ck_assert_msg(drv != NULL, "highlighted row %d is not a driver of fleet A", sel);
	term_send_key(e->t, TK_ENTER);
	check_detail(e, drv);

	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, 0, &log), 0);
	ck_assert_uint_eq(mock_reqs_mutating(&log), 0);
	mock_reqs_clear(&log);
	cJSON_Delete(da);
	cJSON_Delete(db);
	cJSON_Delete(fleets);
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("navigate_driver");
	TCase *tc = tcase_create("navigate");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, navigate_to_a_driver_shows_its_preferences);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
