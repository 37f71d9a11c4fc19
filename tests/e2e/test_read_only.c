/*
 * test_read_only.c — a user runs `chargetui --read-only` and presses
 * everything: every letter and digit, Enter, space, marks, the command line
 * with write commands, forms submitted with Enter.  The server's request log
 * holds no POST or DELETE, and the console is still running (design.md:
 * read-only is enforced in the HTTP layer, not only in the key map).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

/* One key (or short sequence), then Enter to confirm whatever it opened,
 * then Esc twice to leave it: the most a stray hand can do per key. */
static void press(struct e2e *e, const char *keys)
{
	term_send_keys(e->t, keys);
	term_wait_idle(e->t, 60, 1000);
	term_send_key(e->t, TK_ENTER);
	term_wait_idle(e->t, 60, 1000);
	term_send_key(e->t, TK_ESC);
	term_send_key(e->t, TK_ESC);
	term_wait_idle(e->t, 60, 1000);
}

/* Deliberate write attempts from the drivers pane of a fleet with drivers,
 * each finished the way its dialog wants (save, pick, confirm).  Without
 * --read-only these do write (the control test proves it), so their
 * absence under --read-only means something. */
static void attempt_writes(struct e2e *e, const cJSON *fleets)
{
	static const char *const scripts[] = {
		"e\t\t\r\x15+33612345678\r\x0f",       /* edit phone, save (^O) */
		"t", "a", "d", " t", "D",               /* status, attach, detach, bulk, delete */
		"nE2E Written\te2e-written@example.com\x0f", /* new driver, save */
	};
	int ia = oracle_fleet_with_drivers(fleets, 0, 3);
	ck_assert_int_ge(ia, 0);
	for (int i = 0; i < ia; i++)
		term_send_keys(e->t, "j");
	term_wait_idle(e->t, 200, 2000);
	term_send_key(e->t, TK_TAB);
	term_wait_idle(e->t, 200, 2000);
	for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++) {
		for (const char *k = scripts[i]; *k; k++) {
			term_send_bytes(e->t, k, 1);
			term_wait_idle(e->t, 60, 1000);
		}
		/* Whatever opened: pick the next choice, confirm, accept. */
		static const char *const finish[] = { "j", "\r", "y", "\r" };
		for (size_t f = 0; f < 4; f++) {
			term_send_keys(e->t, finish[f]);
			term_wait_idle(e->t, 60, 1000);
		}
		term_send_key(e->t, TK_ESC);
		term_send_key(e->t, TK_ESC);
		term_wait_idle(e->t, 100, 2000);
		ck_assert_msg(!term_exited(e->t), "console exited after write attempt %zu", i);
	}
}

/* Every other key, in both panes.  q and Q last: they quit. */
static void mash_keys(struct e2e *e)
{
	static const char *const keys[] = {
		"a", "b", "c", "d", "e", "f", "g", "i", "m", "n", "o", "p", "r", "s", "t",
		"u", "v", "w", "x", "y", "z", "A", "B", "C", "D", "E", "F", "I", "M", "N",
		"O", "P", "R", "S", "T", "U", "V", "W", "X", "Y", "Z", "0", "1", "5", "9",
		" ", "*", "!", "+", "-", "=", "u", "\x7f", "\x12", "\x13", "\x18",
		" a", " d", " D", "e\tnew@example.com", "nNew Driver\tnew@example.com",
		":delete", ":detach", ":attach", ":status suspended", ":set speed fast",
		":w", ":undo", ":retry",
	};
	for (int pane = 0; pane < 2; pane++) {
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			press(e, keys[i]);
			ck_assert_msg(!term_exited(e->t), "console exited after key %zu (%s)", i,
				      keys[i]);
		}
		term_send_key(e->t, TK_TAB);
	}
}

/* Run the whole script; returns the number of non-GET requests logged. */
static size_t run_script(const char *name, bool read_only)
{
	const char *ro[] = { "--read-only", NULL };
	struct e2e_opts o = { .args = read_only ? ro : NULL };
	struct e2e *e = e2e_start(name, &o);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	char pre[128];
	expect_prefix(jstr(cJSON_GetArrayItem(fleets, 0), "name"), 12, pre, sizeof pre);
	e2e_wait_str(e, pre, 10000);
	if (read_only)
		E2E_WAIT(e, "READ-ONLY", 2000);
	attempt_writes(e, fleets);
	/* The control only has to show that the deliberate attempts do write;
	 * mashing every key again there would double the test's time and
	 * prove nothing more. */
	if (read_only)
		mash_keys(e);
	ck_assert(term_wait_idle(e->t, 300, 5000));
	cJSON_Delete(fleets);

	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, 0, &log), 0);
	size_t writes = mock_reqs_mutating(&log);
	for (size_t i = 0; i < log.n; i++)
		if (strcmp(log.v[i].method, "GET") != 0)
			fprintf(stderr, "%s: %s %s %s\n", name, log.v[i].method, log.v[i].path,
				log.v[i].body ? log.v[i].body : "");
	ck_assert_uint_ge(mock_reqs_count(&log, "GET", NULL), 1);
	mock_reqs_clear(&log);
	if (read_only)
		E2E_WAIT(e, "READ-ONLY", 100);
	e2e_finish(e);
	return writes;
}

START_TEST(read_only_sends_no_writes_whatever_is_pressed)
{
	size_t writes = run_script("read_only", true);
	ck_assert_msg(writes == 0, "--read-only sent %zu non-GET requests", writes);
}
END_TEST

START_TEST(the_same_keys_do_write_without_read_only)
{
	/* The control: if this script wrote nothing anyway, the test above
	 * would prove nothing. */
	size_t writes = run_script("read_only_control", false);
	ck_assert_msg(writes >= 1, "the write attempts wrote nothing even without --read-only");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("read_only");
	TCase *tc = tcase_create("read_only");
	tcase_set_timeout(tc, 280);
	tcase_add_test(tc, read_only_sends_no_writes_whatever_is_pressed);
	tcase_add_test(tc, the_same_keys_do_write_without_read_only);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
