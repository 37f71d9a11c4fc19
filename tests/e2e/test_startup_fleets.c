/*
 * test_startup_fleets.c — a user starts the console with a test key and sees
 * the account's fleets with their totals, exactly as the server holds them;
 * `--demo` starts with no key at all.
 *
 * Expected strings come from the mock's own JSON (the oracle), formatted by
 * the test's own money formatter, never by the console's code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

/* How many fleets (in the API's order) must be visible with their totals:
 * the first screenful, which a 40-row terminal always has room for. */
#define FIRST_VISIBLE 8

static void check_fleet_row(struct e2e *e, const cJSON *f)
{
	char pre[128], msg[512];
	const char *name = jstr(f, "name");
	expect_prefix(name, 12, pre, sizeof pre);
	ck_assert_msg(pre[0], "seeded fleet name holds controls: pick another seed");
	e2e_wait_str(e, pre, 100);
	char *row = e2e_row_with(e, pre);
	long long drv = jint(f, "total_drivers", -1), sess = jint(f, "total_sessions", -1);
	snprintf(msg, sizeof msg, "fleet %s: row \"%s\" lacks drivers %lld or sessions %lld", name,
		 row ? row : "", drv, sess);
	bool ok = row && has_number(row, drv) && has_number(row, sess);
	if (!ok)
		e2e_dump(e, msg);
	free(row);
	ck_assert_msg(ok, "%s", msg);
}

START_TEST(startup_shows_seeded_fleets_and_totals)
{
	struct e2e *e = e2e_start("startup_fleets", NULL);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	ck_assert_int_ge(cJSON_GetArraySize(fleets), FIRST_VISIBLE);

	char pre[128];
	const cJSON *first = cJSON_GetArrayItem(fleets, 0);
	expect_prefix(jstr(first, "name"), 12, pre, sizeof pre);
	e2e_wait_str(e, pre, 10000);
	ck_assert(term_wait_idle(e->t, 300, 5000));

	int i = 0;
	const cJSON *f;
	cJSON_ArrayForEach(f, fleets)
	{
		if (i++ >= FIRST_VISIBLE)
			break;
		check_fleet_row(e, f);
	}

	/* The selected fleet's wallet, as money in its currency. */
	const cJSON *prefs = cJSON_GetObjectItemCaseSensitive(first, "preferences");
	char money[64];
	expect_money(jint(first, "wallet_balance", 0), jstr(prefs, "default_currency"), money,
		     sizeof money);
	e2e_wait_str(e, money, 3000);

	/* Mode badge in the status line (last row). */
	char *status = term_row(e->t, term_rows(e->t) - 1);
	bool test_badge = has_token(status, "TEST");
	if (!test_badge)
		e2e_dump(e, "status line lacks TEST");
	free(status);
	ck_assert_msg(test_badge, "status line does not show TEST");

	/* SEC-3: the key never appears whole in the stream. */
	ck_assert_msg(!term_raw_contains(e->t, E2E_KEY, 0), "full API key written to the terminal");

	/* It only read: startup is GETs of fleets (and drivers). */
	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, 0, &log), 0);
	ck_assert_uint_ge(mock_reqs_count(&log, "GET", "/v1/fleets"), 1);
	ck_assert_uint_eq(mock_reqs_mutating(&log), 0);
	mock_reqs_clear(&log);

	cJSON_Delete(fleets);
	e2e_finish(e);
}
END_TEST

START_TEST(demo_starts_without_a_key)
{
	/* The demo's embedded server uses the mock's default seed; an oracle
	 * mock with the same defaults tells us what it holds. */
	struct mockctl *oracle = mockctl_start(NULL);
	ck_assert_ptr_nonnull(oracle);
	cJSON *fleets = mockctl_get_all(oracle, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);

	const char *args[] = { "--demo", NULL };
	struct e2e_opts o = { .no_mock = true, .no_key = true, .args = args };
	struct e2e *e = e2e_start("startup_demo", &o);
	char pre[128];
	for (int i = 0; i < 3; i++) {
		expect_prefix(jstr(cJSON_GetArrayItem(fleets, i), "name"), 12, pre, sizeof pre);
		e2e_wait_str(e, pre, 10000);
	}
	ck_assert(!term_exited(e->t));
	cJSON_Delete(fleets);
	mockctl_stop(oracle);
	e2e_finish(e);
}
END_TEST

START_TEST(startup_under_tmux_terminfo_is_clean)
{
	/* SAN-2 holds with TERM=tmux-256color too: what a user inside tmux
	 * gets.  libvterm reads tmux's sequences as the xterm family does. */
	struct e2e_opts o = { .term = "tmux-256color" };
	struct e2e *e = e2e_start("startup_tmux_term", &o);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	char pre[128];
	expect_prefix(jstr(cJSON_GetArrayItem(fleets, 0), "name"), 12, pre, sizeof pre);
	e2e_wait_str(e, pre, 10000);
	check_fleet_row(e, cJSON_GetArrayItem(fleets, 0));
	term_send_key(e->t, TK_TAB);
	term_send_keys(e->t, "j");
	ck_assert(term_wait_idle(e->t, 300, 5000));
	cJSON_Delete(fleets);
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("startup_fleets");
	TCase *tc = tcase_create("startup");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, startup_shows_seeded_fleets_and_totals);
	tcase_add_test(tc, demo_starts_without_a_key);
	tcase_add_test(tc, startup_under_tmux_terminfo_is_clean);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
