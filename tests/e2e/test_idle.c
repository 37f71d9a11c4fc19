/*
 * test_idle.c — a user leaves the console open with --refresh 1 on an
 * account where nothing happens (no activity): every refresh round finds
 * the same values, so not one byte may reach the terminal (the idle
 * budget).  The control in the same run: a fleet renamed through the API
 * does reach the screen, and once its highlight has gone the screen is
 * still again.  Without the control a console that stopped refreshing (or
 * drawing) would pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "e2e.h"

#define NAME_CHARS 12
/* Four refresh periods and a half: the window the idle budget is measured
 * over. */
#define WINDOW_MS 4500
/* A change shows within one period plus one round of GETs; its highlight
 * (2 s) is drawn away within SETTLE_MS. */
#define SHOW_MS 2500
#define SETTLE_MS 8000

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* The bytes written since mark as `cat -v` would show them (at most ~600
 * characters), so a failure says what was drawn. */
static void describe_bytes(struct term *t, size_t mark, char *out, size_t n)
{
	size_t len = 0, o = 0;
	unsigned char *raw = term_raw_bytes(t, &len);
	out[0] = '\0';
	for (size_t i = mark; raw && i < len && o + 8 < n && o < 600; i++) {
		unsigned c = raw[i];
		if (c == 0x1b)
			o += (size_t)snprintf(out + o, n - o, "^[");
		else if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(out + o, n - o, "^%c", c == 0x7f ? '?' : c + 64);
		else
			out[o++] = (char)c, out[o] = '\0';
	}
	free(raw);
}

/* Waits until the status line counts every driver and nothing is loading. */
static void wait_loaded(struct e2e *e, long long drivers)
{
	char want[64];
	snprintf(want, sizeof want, "%lld drivers", drivers);
	for (double end = term_now_ms() + 15000; term_now_ms() < end;) {
		char *last = term_row(e->t, term_rows(e->t) - 1);
		bool done = last && strstr(last, want) && !strstr(last, "loading");
		free(last);
		if (done)
			return;
		term_wait_output(e->t, term_mark(e->t), 100);
	}
	e2e_dump(e, "waiting for every driver to load");
	ck_abort_msg("the status line never said \"%s\" without loading", want);
}

/* Bytes written over one idle window, with the refresh rounds that ran in
 * it (GETs the mock saw), failing with the bytes shown when there are any. */
static void expect_still(struct e2e *e, const char *when)
{
	long seq = mockctl_last_seq(e->mc);
	size_t mark = term_mark(e->t);
	sleep_ms(WINDOW_MS);
	size_t bytes = term_bytes_written_since(e->t, mark);
	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, seq, &log), 0);
	size_t gets = mock_reqs_count(&log, "GET", NULL);
	mock_reqs_clear(&log);
	fprintf(stderr, "idle %s: %zu bytes in %d ms, %zu GETs\n", when, bytes, WINDOW_MS, gets);
	/* At least four rounds really ran: one GET each at the very least. */
	ck_assert_msg(gets >= 4, "%s: only %zu GETs in %d ms: is the refresh running?", when, gets,
	              WINDOW_MS);
	if (bytes) {
		char shown[700];
		describe_bytes(e->t, mark, shown, sizeof shown);
		e2e_dump(e, "idle screen wrote bytes");
		ck_abort_msg("%s: %zu bytes written in %d ms with nothing changing: %s", when,
		             bytes, WINDOW_MS, shown);
	}
}

/* Rename fleet f through the API (as another admin would). */
static void rename_fleet(struct e2e *e, const cJSON *f, const char *name)
{
	char url[512], body[160];
	long status = 0;
	snprintf(url, sizeof url, "%s/fleets/%s", mockctl_base(e->mc), jstr(f, "id"));
	snprintf(body, sizeof body, "{\"name\": \"%s\"}", name);
	char *reply = mockctl_http("POST", url, body, &status);
	free(reply);
	ck_assert_msg(status == 200, "renaming the fleet: HTTP %ld", status);
}

START_TEST(idle_screen_writes_nothing)
{
	const char *args[] = {"--refresh", "1", NULL};
	struct e2e_opts o = {.args = args};
	struct e2e *e = e2e_start("idle", &o);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	const cJSON *f0 = cJSON_GetArrayItem(fleets, 0);
	char pre[128];
	expect_prefix(jstr(f0, "name"), NAME_CHARS, pre, sizeof pre);
	e2e_wait_str(e, pre, 10000);
	cJSON *all = mockctl_get_all(e->mc, "/drivers?limit=100");
	ck_assert_ptr_nonnull(all);
	wait_loaded(e, cJSON_GetArraySize(all));
	cJSON_Delete(all);
	/* The first screen and the first load's last page are drawn; from
	 * here on nothing changes on the server. */
	term_wait_idle(e->t, 1500, 6000);
	expect_still(e, "after the first screen");

	/* Control: a change does reach the screen, and costs bytes. */
	size_t mark = term_mark(e->t);
	rename_fleet(e, f0, "Idle Control Renamed");
	e2e_wait_str(e, "Idle Control", SHOW_MS);
	ck_assert_uint_gt(term_bytes_written_since(e->t, mark), 0);
	/* Its highlight (2 s) has expired and been drawn away: still again. */
	term_wait_idle(e->t, 2500, SETTLE_MS);
	expect_still(e, "after the control change");
	e2e_wait_str(e, "Idle Control", 100);

	cJSON_Delete(fleets);
	e2e_finish(e);
}
END_TEST

/* The same stillness with the cursor shown (the / prompt, where it must not
 * be moved back and forth every round) and with a dialog over the panes. */
START_TEST(idle_with_prompt_and_help)
{
	const char *args[] = {"--refresh", "1", NULL};
	struct e2e_opts o = {.args = args};
	struct e2e *e = e2e_start("idle_prompt", &o);
	char pre[128];
	e2e_wait_first_fleet(e, NAME_CHARS, pre, sizeof pre, 10000);
	cJSON *all = mockctl_get_all(e->mc, "/drivers?limit=100");
	ck_assert_ptr_nonnull(all);
	wait_loaded(e, cJSON_GetArraySize(all));
	cJSON_Delete(all);

	term_send_keys(e->t, "\t/");
	term_wait_idle(e->t, 1500, 6000);
	expect_still(e, "with the filter prompt open");
	term_send_key(e->t, TK_ESC);
	term_send_keys(e->t, "?");
	E2E_WAIT(e, "Help", 3000);
	term_wait_idle(e->t, 1500, 6000);
	expect_still(e, "with the help screen open");
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("idle");
	TCase *tc = tcase_create("idle");
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, idle_screen_writes_nothing);
	tcase_add_test(tc, idle_with_prompt_and_help);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
