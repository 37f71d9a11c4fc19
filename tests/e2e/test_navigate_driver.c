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

static cJSON *fleet_drivers(struct e2e *e, const cJSON *fleet)
{
	char q[160];
	snprintf(q, sizeof q, "/drivers?fleet=%s&limit=100", jstr(fleet, "id"));
	cJSON *d = mockctl_get_all(e->mc, q);
	ck_assert_ptr_nonnull(d);
	ck_assert_msg(cJSON_GetArraySize(d) >= 3, "fleet %s has < 3 drivers", jstr(fleet, "id"));
	return d;
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

START_TEST(navigate_to_a_driver_shows_its_preferences)
{
	struct e2e *e = e2e_start("navigate_driver", NULL);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	const cJSON *f0 = cJSON_GetArrayItem(fleets, 0), *f1 = cJSON_GetArrayItem(fleets, 1);
	char pre[128];
	expect_prefix(jstr(f0, "name"), NAME_CHARS, pre, sizeof pre);
	e2e_wait_str(e, pre, 10000);

	/* j: the second fleet's drivers replace the first's; k: back. */
	cJSON *d0 = fleet_drivers(e, f0), *d1 = fleet_drivers(e, f1);
	int row, col;
	if (wait_any_driver(e, d0, d1, &row, &col) < 0)
		e2e_dump(e, "first fleet's drivers");
	ck_assert_msg(find_any_driver(e, d0, d1, &row, &col) >= 0, "no driver of the first fleet shown");
	term_send_keys(e->t, "j");
	if (wait_any_driver(e, d1, d0, &row, &col) < 0)
		e2e_dump(e, "after j");
	ck_assert_msg(find_any_driver(e, d1, d0, &row, &col) >= 0, "j: second fleet's drivers not shown");
	term_send_keys(e->t, "k");
	if (wait_any_driver(e, d0, d1, &row, &col) < 0)
		e2e_dump(e, "after k");
	ck_assert_msg(find_any_driver(e, d0, d1, &row, &col) >= 0, "k: first fleet's drivers not back");
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

	const cJSON *drv = driver_on_row(e, d0, sel);
	ck_assert_msg(drv != NULL, "highlighted row %d is not a driver of the fleet", sel);
	term_send_key(e->t, TK_ENTER);
	check_detail(e, drv);

	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, 0, &log), 0);
	ck_assert_uint_eq(mock_reqs_mutating(&log), 0);
	mock_reqs_clear(&log);
	cJSON_Delete(d0);
	cJSON_Delete(d1);
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
