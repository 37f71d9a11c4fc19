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

static Suite *suite(void)
{
	Suite *s = suite_create("terminal_types");
	TCase *tc = tcase_create("terminals");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, dumb_terminal_gets_a_clear_error);
	tcase_add_test(tc, c_locale_draws_ascii_only);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
