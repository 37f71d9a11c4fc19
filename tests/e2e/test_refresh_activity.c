/*
 * test_refresh_activity.c — a user watches the console with --refresh 1
 * while the account changes on the server (an activity tick): the new
 * session count or balance appears by itself within one refresh period, no
 * key pressed, and the refresh only ever reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

#define NAME_CHARS 12
#define VISIBLE 8
#define REFRESH_MS 1000
/* One period, plus what one round of GETs on loopback may take. */
#define SLACK_MS 500

struct change {
	char name_pre[128];
	char want[64];   /* the new value as the screen should show it */
	bool on_row;     /* on the fleet's own row (sessions) or anywhere (wallet) */
	long long sessions;
};

/* Tick until a visible fleet's sessions change, or the selected (first)
 * fleet's wallet does; describe what the screen should then show. */
static bool tick_until_change(struct e2e *e, struct change *c)
{
	cJSON *before = mockctl_get_all(e->mc, "/fleets?limit=100");
	for (int tick = 0; tick < 50 && before; tick++) {
		ck_assert_int_eq(mockctl_tick(e->mc, 1), 0);
		cJSON *after = mockctl_get_all(e->mc, "/fleets?limit=100");
		ck_assert_ptr_nonnull(after);
		for (int i = 0; i < VISIBLE && i < cJSON_GetArraySize(after); i++) {
			const cJSON *b = cJSON_GetArrayItem(before, i), *a = cJSON_GetArrayItem(after, i);
			expect_prefix(jstr(a, "name"), NAME_CHARS, c->name_pre, sizeof c->name_pre);
			if (jint(a, "total_sessions", 0) != jint(b, "total_sessions", 0)) {
				c->sessions = jint(a, "total_sessions", 0);
				expect_count(c->sessions, c->want, sizeof c->want);
				c->on_row = true;
			} else if (i == 0 && jint(a, "wallet_balance", 0) != jint(b, "wallet_balance", 0)) {
				const cJSON *p = cJSON_GetObjectItemCaseSensitive(a, "preferences");
				expect_money(jint(a, "wallet_balance", 0), jstr(p, "default_currency"),
					     c->want, sizeof c->want);
				c->on_row = false;
			} else {
				continue;
			}
			cJSON_Delete(before);
			cJSON_Delete(after);
			return true;
		}
		cJSON_Delete(before);
		before = after;
	}
	cJSON_Delete(before);
	return false;
}

static bool change_shown(struct e2e *e, const struct change *c)
{
	if (!c->on_row)
		return term_find(e->t, c->want, NULL, NULL) == 0;
	char *row = e2e_row_with(e, c->name_pre);
	bool ok = row && has_number(row, c->sessions);
	free(row);
	return ok;
}

START_TEST(activity_appears_within_one_refresh)
{
	const char *args[] = { "--refresh", "1", NULL };
	struct e2e_opts o = { .args = args };
	struct e2e *e = e2e_start("refresh_activity", &o);
	char pre[128];
	e2e_wait_first_fleet(e, NAME_CHARS, pre, sizeof pre, 10000);
	ck_assert(term_wait_idle(e->t, 300, 5000));
	long seq0 = mockctl_last_seq(e->mc);

	struct change c;
	ck_assert_msg(tick_until_change(e, &c), "50 activity ticks changed no visible total");
	double t0 = term_now_ms();
	while (!change_shown(e, &c) && term_now_ms() - t0 < REFRESH_MS + SLACK_MS)
		term_wait_output(e->t, term_mark(e->t), 50);
	double took = term_now_ms() - t0;
	if (!change_shown(e, &c))
		e2e_dump(e, "after the tick");
	ck_assert_msg(change_shown(e, &c), "new value %s for %s not shown within %d ms", c.want,
		      c.name_pre, REFRESH_MS + SLACK_MS);
	fprintf(stderr, "refresh_activity: %s shown %.0f ms after the tick\n", c.want, took);

	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, seq0, &log), 0);
	ck_assert_uint_ge(log.n, 1);
	ck_assert_uint_eq(mock_reqs_mutating(&log), 0); /* RTY-10: refresh only reads */
	mock_reqs_clear(&log);
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("refresh_activity");
	TCase *tc = tcase_create("refresh");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, activity_appears_within_one_refresh);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
