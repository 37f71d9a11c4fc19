/*
 * test_terminal_types.c — users on unusual terminals (TTY-8):
 *  - TERM=dumb: a clear error before curses starts (no alternate screen,
 *    non-zero exit), not a garbled screen;
 *  - LANG=C (no UTF-8): ASCII line drawing and '?' for non-ASCII names, and
 *    not one byte >= 0x80 in the whole stream (no mojibake, SAN-2 trivially).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "e2e.h"

START_TEST(dumb_terminal_gets_a_clear_error)
{
	const char *env[] = { "TERM=dumb", NULL };
	struct e2e_opts o = { .env = env };
	struct e2e *e = e2e_start("terminal_dumb", &o);
	int st = 0;
	ck_assert_msg(term_wait_exit(e->t, 2000, &st) == 0, "still running with TERM=dumb");
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) != 0, "status 0x%x with TERM=dumb", st);
	ck_assert(term_wait_eof(e->t, 2000));
	E2E_WAIT(e, "dumb", 100);
	ck_assert_msg(!term_raw_contains(e->t, "\033[?1049h", 0), "curses started on a dumb terminal");
	e2e_finish(e);
}
END_TEST

START_TEST(c_locale_draws_ascii_only)
{
	const char *env[] = { "LANG=C", "LC_ALL=C", NULL };
	struct e2e_opts o = { .env = env };
	struct e2e *e = e2e_start("terminal_c_locale", &o);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	/* An ASCII-only name must be there as it is; a non-ASCII one as '?'s. */
	const cJSON *f;
	int ascii_seen = 0;
	cJSON_ArrayForEach(f, fleets)
	{
		const char *n = jstr(f, "name");
		bool ascii = true;
		for (const char *p = n; p && *p; p++)
			ascii = ascii && (unsigned char)*p < 0x80 && (unsigned char)*p >= 0x20;
		if (ascii && n && strlen(n) >= 8) {
			char pre[16];
			snprintf(pre, sizeof pre, "%.8s", n);
			e2e_wait_str(e, pre, 10000);
			ascii_seen++;
		}
	}
	ck_assert_int_ge(ascii_seen, 1);
	E2E_WAIT(e, "?", 100);
	ck_assert(term_wait_idle(e->t, 300, 5000));
	term_send_key(e->t, TK_TAB);
	term_send_keys(e->t, "jj");
	ck_assert(term_wait_idle(e->t, 300, 5000));

	size_t n;
	unsigned char *raw = term_raw_bytes(e->t, &n);
	size_t high = 0, first = 0;
	for (size_t i = 0; i < n; i++)
		if (raw[i] >= 0x80 && high++ == 0)
			first = i;
	free(raw);
	if (high)
		e2e_dump(e, "C locale");
	ck_assert_msg(high == 0, "%zu bytes >= 0x80 in a C-locale session (first at %zu)", high,
		      first);
	cJSON_Delete(fleets);
	e2e_finish(e);
}
END_TEST

/* Home and End as terminals really send them, in both cursor-key forms,
 * under tmux's terminfo (whose End is ESC [4~ while tmux sends ESC O F or
 * ESC [F): each moves the cursor in the command line, none leaks in as Esc
 * plus letters. */
START_TEST(home_and_end_work_in_every_form_under_tmux)
{
	struct e2e_opts o = { .term = "tmux-256color" };
	struct e2e *e = e2e_start("terminal_home_end", &o);
	E2E_WAIT(e, "Fleets (", 10000);
	ck_assert(term_wait_idle(e->t, 300, 5000));
	static const char *const home[] = { "\033OH", "\033[H", "\033[1~" };
	static const char *const end[] = { "\033OF", "\033[F", "\033[4~" };
	for (int i = 0; i < 3; i++) {
		term_send_keys(e->t, ":abc");
		ck_assert(term_wait_idle(e->t, 150, 3000));
		term_send_keys(e->t, home[i]);
		ck_assert(term_wait_idle(e->t, 150, 3000));
		term_send_keys(e->t, "X");
		ck_assert(term_wait_idle(e->t, 150, 3000));
		term_send_keys(e->t, end[i]);
		ck_assert(term_wait_idle(e->t, 150, 3000));
		term_send_keys(e->t, "Y");
		if (!term_wait_for(e->t, ":XabcY", 3000))
			e2e_dump(e, "after :abc Home X End Y");
		ck_assert_msg(term_wait_for(e->t, ":XabcY", 100), "Home/End form %d not understood", i);
		term_send_key(e->t, TK_ESC);
		ck_assert(term_wait_gone(e->t, ":XabcY", 3000));
	}
	/* The rest of readline in the same line: Left, ^A, ^E, ^W. */
	term_send_keys(e->t, ":abd");
	ck_assert(term_wait_idle(e->t, 150, 3000));
	term_send_key(e->t, TK_LEFT);
	term_send_keys(e->t, "c");
	ck_assert(term_wait_idle(e->t, 150, 3000));
	term_send_keys(e->t, "\x01Z");
	E2E_WAIT(e, ":Zabcd", 3000);
	term_send_keys(e->t, "\x05 tail\x17");
	ck_assert(term_wait_idle(e->t, 150, 3000));
	E2E_WAIT(e, ":Zabcd ", 3000);
	ck_assert_msg(term_find(e->t, ":Zabcd tail", NULL, NULL) != 0, "^W left the word");
	term_send_key(e->t, TK_ESC);
	ck_assert(!term_exited(e->t));
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("terminal_types");
	TCase *tc = tcase_create("terminals");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, dumb_terminal_gets_a_clear_error);
	tcase_add_test(tc, c_locale_draws_ascii_only);
	tcase_add_test(tc, home_and_end_work_in_every_form_under_tmux);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
