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

START_TEST(read_only_sends_no_writes_whatever_is_pressed)
{
	const char *args[] = { "--read-only", NULL };
	struct e2e_opts o = { .args = args };
	struct e2e *e = e2e_start("read_only", &o);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	char pre[128];
	expect_prefix(jstr(cJSON_GetArrayItem(fleets, 0), "name"), 12, pre, sizeof pre);
	cJSON_Delete(fleets);
	e2e_wait_str(e, pre, 10000);
	E2E_WAIT(e, "READ-ONLY", 2000);

	/* Both panes: fleets first, then drivers (Tab). q and Q last: they quit. */
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
	ck_assert(term_wait_idle(e->t, 300, 5000));

	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, 0, &log), 0);
	size_t writes = mock_reqs_mutating(&log);
	for (size_t i = 0; i < log.n && writes; i++)
		if (strcmp(log.v[i].method, "GET") != 0)
			fprintf(stderr, "read_only: %s %s %s\n", log.v[i].method, log.v[i].path,
				log.v[i].body ? log.v[i].body : "");
	ck_assert_uint_ge(mock_reqs_count(&log, "GET", NULL), 1);
	mock_reqs_clear(&log);
	ck_assert_msg(writes == 0, "--read-only sent %zu non-GET requests", writes);
	E2E_WAIT(e, "READ-ONLY", 100);
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("read_only");
	TCase *tc = tcase_create("read_only");
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, read_only_sends_no_writes_whatever_is_pressed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
