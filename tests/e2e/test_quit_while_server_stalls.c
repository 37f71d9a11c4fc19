/*
 * test_quit_while_server_stalls.c — the server stops answering mid-request
 * (fault stall=before) while a user is in the console:
 *  - they resize the terminal: the layout is redone within 100 ms, with no
 *    key pressed, though a worker is stuck in a request (TTY-2);
 *  - they press q: the console exits within 1 s and gives the terminal back
 *    (NET-8: in-flight requests are cancelled, not waited for).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "e2e.h"

/* Start, show the fleets, then make every request hang and ask for one. */
static struct e2e *start_stalled(const char *name)
{
	const char *args[] = { "--refresh", "1", NULL };
	struct e2e_opts o = { .args = args };
	struct e2e *e = e2e_start(name, &o);
	E2E_WAIT(e, "Fleets (", 10000);
	ck_assert(term_wait_idle(e->t, 300, 5000));
	ck_assert_int_eq(mockctl_faults(e->mc, "stall=beforex1000"), 0);
	term_send_keys(e->t, "r"); /* refresh now: a request that never returns */
	/* The refresh thread is now blocked in the server; give it the time
	 * to get there (a span, not a condition the screen can show). */
	term_wait_idle(e->t, 500, 2000);
	return e;
}

START_TEST(resize_redraws_while_a_request_hangs)
{
	struct e2e *e = start_stalled("stall_resize");
	double t0 = term_now_ms();
	ck_assert_int_eq(term_set_size(e->t, 30, 100), 0);
	bool redrawn = false;
	while (!redrawn && term_now_ms() - t0 < 1000) {
		char *last = term_row(e->t, 29);
		redrawn = has_token(last, "TEST");
		free(last);
		if (!redrawn)
			term_wait_output(e->t, term_mark(e->t), 10);
	}
	double took = term_now_ms() - t0;
	fprintf(stderr, "stall_resize: redrawn after %.0f ms\n", took);
	if (!redrawn)
		e2e_dump(e, "after resize during a stalled request");
	ck_assert_msg(redrawn && took <= 100, "layout redone after %.0f ms (limit 100)", took);
	e2e_finish(e);
}
END_TEST

START_TEST(quit_while_a_request_hangs)
{
	struct e2e *e = start_stalled("stall_quit");
	size_t mark = term_mark(e->t);
	double t0 = term_now_ms();
	term_send_keys(e->t, "q");
	int st = 0;
	int rc = term_wait_exit(e->t, 1000, &st);
	double took = term_now_ms() - t0;
	if (rc != 0)
		e2e_dump(e, "1 s after q with the server stalled");
	ck_assert_msg(rc == 0, "still running 1 s after q while a request hangs");
	fprintf(stderr, "stall_quit: exited %.0f ms after q, status 0x%x\n", took, st);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status 0x%x after q", st);
	ck_assert(term_wait_eof(e->t, 2000));
	ck_assert_msg(term_raw_contains(e->t, "\033[?1049l", mark), "no rmcup after q");
	ck_assert(!term_altscreen(e->t));
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("quit_while_server_stalls");
	TCase *tc = tcase_create("stall");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, resize_redraws_while_a_request_hangs);
	tcase_add_test(tc, quit_while_a_request_hangs);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
