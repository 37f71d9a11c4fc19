/*
 * test_signals.c — the ways a session ends or sits still (TTY-3, TTY-5,
 * TTY-1, TST-7):
 *  - kill -TERM: the console exits within 1 s and gives the terminal back
 *    (alternate screen left, cursor visible);
 *  - the SSH connection drops (pty master closed): it exits within 2 s
 *    without spinning;
 *  - nobody touches it for 3 s: it writes nothing and uses almost no CPU.
 * CPU is read from /proc/PID/stat so a spin loop fails instead of passing.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "e2e.h"

static struct e2e *start_ready_opts(const char *name, struct e2e_opts o)
{
	struct e2e *e = e2e_start(name, &o);
	char pre[128];
	e2e_wait_first_fleet(e, 12, pre, sizeof pre, 10000);
	ck_assert(term_wait_idle(e->t, 500, 5000));
	return e;
}

static struct e2e *start_ready(const char *name, const char *const *args)
{
	struct e2e_opts o = { .args = args };
	return start_ready_opts(name, o);
}

START_TEST(sigterm_exits_promptly_and_restores_the_terminal)
{
	struct e2e *e = start_ready("signals_term", NULL);
	ck_assert_msg(term_altscreen(e->t), "the console did not use the alternate screen");
	size_t mark = term_mark(e->t);
	double t0 = term_now_ms();
	term_kill(e->t, SIGTERM);
	int st = 0;
	int rc = term_wait_exit(e->t, 1000, &st);
	double took = term_now_ms() - t0;
	if (rc != 0)
		e2e_dump(e, "1 s after SIGTERM");
	ck_assert_msg(rc == 0, "still running 1 s after SIGTERM");
	fprintf(stderr, "signals_term: exited %.0f ms after SIGTERM\n", took);
	/* "128+N after signal N" (cli.c), or the re-raised signal itself. */
	ck_assert_msg((WIFEXITED(st) && WEXITSTATUS(st) == 128 + SIGTERM) ||
			      (WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM),
		      "exit status 0x%x is neither 143 nor SIGTERM", st);
	/* Let the pump take the last bytes before reading the emulator. */
	ck_assert_msg(term_wait_eof(e->t, 2000), "the pty stayed open after the console exited");
	ck_assert_msg(term_raw_contains(e->t, "\033[?1049l", mark), "no rmcup after SIGTERM");
	/* Bracketed paste on at start, off again before the shell gets the
	 * terminal back, or the user's next paste arrives wrapped in markers. */
	ck_assert_msg(term_raw_contains(e->t, "\033[?2004h", 0), "bracketed paste never turned on");
	ck_assert_msg(term_raw_contains(e->t, "\033[?2004l", mark),
		      "bracketed paste still on after SIGTERM");
	ck_assert_msg(!term_altscreen(e->t), "left in the alternate screen");
	bool visible;
	term_cursor(e->t, NULL, NULL, &visible);
	ck_assert_msg(visible, "cursor left invisible");
	e2e_finish(e);
}
END_TEST

START_TEST(sigterm_gives_the_shell_a_sane_terminal)
{
	/* TTY-3 as a user sees it: the console ran from a shell; after kill
	 * -TERM the shell is back, and `stty -a` shows icanon and echo. */
	struct e2e_opts o = { .shell_after = "stty -a; sleep 30" };
	struct e2e *e = e2e_start("signals_term_shell", &o);
	char pre[128];
	e2e_wait_first_fleet(e, 12, pre, sizeof pre, 10000);
	ck_assert(term_wait_idle(e->t, 300, 5000));
	pid_t pid = e2e_console_pid(e);
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	E2E_WAIT(e, "EXIT=", 1000);
	E2E_WAIT(e, "EXIT=143", 100);
	E2E_WAIT(e, "icanon", 2000);
	char *screen = term_screen_text(e->t);
	bool sane = strstr(screen, " icanon") && !strstr(screen, "-icanon") &&
		    strstr(screen, " echo ") && !strstr(screen, "-echo ");
	free(screen);
	if (!sane)
		e2e_dump(e, "stty -a after SIGTERM");
	ck_assert_msg(sane, "terminal modes not restored (icanon/echo)");
	ck_assert_msg(!term_altscreen(e->t), "left in the alternate screen");
	bool visible;
	term_cursor(e->t, NULL, NULL, &visible);
	ck_assert_msg(visible, "cursor left invisible");
	e2e_finish(e);
}
END_TEST

START_TEST(hangup_exits_within_two_seconds_without_spinning)
{
	struct e2e *e = start_ready("signals_hangup", NULL);
	double cpu0 = term_cpu_seconds(e->t);
	double t0 = term_now_ms();
	term_close_master(e->t);
	int st = 0;
	int rc = term_wait_exit(e->t, 2000, &st);
	double took = term_now_ms() - t0;
	ck_assert_msg(rc == 0, "still running 2 s after the pty master closed");
	double cpu = term_cpu_seconds(e->t) - cpu0;
	fprintf(stderr, "signals_hangup: exited after %.0f ms, %.3f CPU-s, status 0x%x\n", took,
		cpu, st);
	ck_assert_msg(cpu < 0.1, "used %.3f CPU-s between hang-up and exit (TTY-5: < 0.1)", cpu);
	e2e_finish(e);
}
END_TEST

START_TEST(hangup_with_sighup_ignored_still_exits)
{
	/* The nohup case: SIGHUP never arrives, so the console must take EOF /
	 * EIO on its terminal as the hang-up, and not spin on it. */
	struct e2e_opts o = { .ignore_sighup = true };
	struct e2e *e = start_ready_opts("signals_hangup_nohup", o);
	double cpu0 = term_cpu_seconds(e->t);
	term_close_master(e->t);
	int st = 0;
	int rc = term_wait_exit(e->t, 2000, &st);
	if (rc != 0) {
		double cpu = term_cpu_seconds(e->t) - cpu0;
		ck_abort_msg("still running 2 s after hang-up with SIGHUP ignored (%.3f CPU-s)", cpu);
	}
	double cpu = term_cpu_seconds(e->t) - cpu0;
	fprintf(stderr, "signals_hangup_nohup: %.3f CPU-s, status 0x%x\n", cpu, st);
	ck_assert_msg(cpu < 0.1, "used %.3f CPU-s between hang-up and exit", cpu);
	e2e_finish(e);
}
END_TEST

START_TEST(idle_writes_nothing_and_sleeps)
{
	/* A refresh far away: this measures the idle loop, not the refresh. */
	const char *args[] = { "--refresh", "3600", NULL };
	struct e2e *e = start_ready("signals_idle", args);
	size_t mark = term_mark(e->t);
	double cpu0 = term_cpu_seconds(e->t);
	ck_assert(cpu0 >= 0);
	/* Idleness is a span of time: waiting for output that must not come. */
	bool wrote = term_wait_output(e->t, mark, 3000);
	double cpu = term_cpu_seconds(e->t) - cpu0;
	size_t bytes = term_bytes_written_since(e->t, mark);
	fprintf(stderr, "signals_idle: %zu bytes, %.3f CPU-s in 3 s idle\n", bytes, cpu);
	if (wrote)
		e2e_dump(e, "wrote while idle");
	ck_assert_msg(bytes == 0, "wrote %zu bytes in 3 s with nothing to do", bytes);
	ck_assert_msg(cpu < 0.05, "used %.3f CPU-s in 3 s idle", cpu);
	ck_assert(!term_exited(e->t));
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("signals");
	TCase *tc = tcase_create("signals");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, sigterm_exits_promptly_and_restores_the_terminal);
	tcase_add_test(tc, sigterm_gives_the_shell_a_sane_terminal);
	tcase_add_test(tc, hangup_exits_within_two_seconds_without_spinning);
	tcase_add_test(tc, hangup_with_sighup_ignored_still_exits);
	tcase_add_test(tc, idle_writes_nothing_and_sleeps);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
