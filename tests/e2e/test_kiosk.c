/*
 * test_kiosk.c — a wall screen runs `chargetui --kiosk` and a passer-by
 * presses everything: letters, write keys with their dialogs, q, Ctrl-C,
 * Ctrl-Z, Ctrl-\, and mouse clicks all over the screen (TTY-7).  The
 * console is still running and showing the fleets, the KIOSK badge is
 * there, and the server's log holds only GETs.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static void keys(struct e2e *e, const char *s)
{
	for (; *s; s++) {
		term_send_bytes(e->t, s, 1);
		term_wait_idle(e->t, 40, 1000);
	}
}

/* SGR mouse press and release at (row, col), 1-based as the protocol wants. */
static void click(struct e2e *e, int row, int col, int button)
{
	char seq[64];
	snprintf(seq, sizeof seq, "\033[<%d;%d;%dM\033[<%d;%d;%dm", button, col, row, button, col,
		 row);
	term_send_keys(e->t, seq);
	term_wait_idle(e->t, 40, 1000);
}

START_TEST(kiosk_survives_every_key_and_click_and_only_reads)
{
	const char *args[] = { "--kiosk", NULL };
	struct e2e_opts o = { .args = args };
	struct e2e *e = e2e_start("kiosk", &o);
	E2E_WAIT(e, "KIOSK", 10000);
	ck_assert(term_wait_idle(e->t, 300, 5000));

	keys(e, "qQ\x03\x1a\x1c"); /* q, Q, ^C, ^Z, ^\ : no way out */
	keys(e, "e\t\t\r\x15+33612345678\r\x0f\033\033");
	keys(e, "tj\ry\r\033\033aj\ry\r\033\033dy\r\033\033 t\033Dy\r\033\033");
	keys(e, "nKiosk Visitor\tkiosk@example.com\x0f\033\033");
	keys(e, ":q\r\033!sh\r\033");
	keys(e, "abcdefghijklmnoprstuvwxyzABCDEFGHIJKLMNOPRSTUVWXYZ0123456789 /?*+-=\t\r");
	for (int r = 1; r <= 40; r += 3)
		for (int c = 1; c <= 120; c += 11)
			click(e, r, c, (r + c) % 3);
	keys(e, "q\x03");
	ck_assert(term_wait_idle(e->t, 500, 5000));

	ck_assert_msg(!term_exited(e->t), "the kiosk console exited");
	char state = term_proc_state(e->t);
	ck_assert_msg(state != 'T' && state != 't', "the kiosk console is stopped (Ctrl-Z)");
	term_send_key(e->t, TK_ESC);
	term_send_key(e->t, TK_ESC);
	E2E_WAIT(e, "KIOSK", 3000);
	E2E_WAIT(e, "Fleets (", 3000);

	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, 0, &log), 0);
	size_t writes = mock_reqs_mutating(&log);
	for (size_t i = 0; i < log.n; i++)
		if (strcmp(log.v[i].method, "GET") != 0)
			fprintf(stderr, "kiosk: %s %s\n", log.v[i].method, log.v[i].path);
	mock_reqs_clear(&log);
	ck_assert_msg(writes == 0, "kiosk sent %zu non-GET requests", writes);
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("kiosk");
	TCase *tc = tcase_create("kiosk");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, kiosk_survives_every_key_and_click_and_only_reads);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
