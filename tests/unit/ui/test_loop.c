/*
 * test_loop.c — the main loop with its terminal input on a pipe: keys end
 * it with the documented exit codes, and a closed input (the SSH drop, TTY-5)
 * ends it as a hang-up instead of spinning.
 */
#include <check.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <curses.h>

#include "chargetui/store.h"
#include "chargetui/ui.h"

static int run_with_input(const char *bytes, bool close_input, bool *hung_up)
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	setenv("LINES", "30", 1);
	setenv("COLUMNS", "100", 1);
	setlocale(LC_CTYPE, "C.UTF-8");
	FILE *out = fopen("/dev/null", "w");
	FILE *in = fdopen(fds[0], "r");
	SCREEN *scr = newterm("xterm-256color", out, in);
	ck_assert_ptr_nonnull(scr);
	set_term(scr);
	raw();
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	struct store *st = store_new();
	struct ui_options o = {.store = st, .in_fd = fds[0], .signal_fd = -1};
	char err[128];
	struct ui *ui = ui_new(&o, err, sizeof(err));
	ck_assert_msg(ui != NULL, "%s", err);
	ck_assert_int_eq(write(fds[1], bytes, strlen(bytes)), (ssize_t)strlen(bytes));
	if (close_input)
		close(fds[1]);
	int rc = ui_run(ui);
	*hung_up = ui_hung_up(ui);
	ui_free(ui);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	if (!close_input)
		close(fds[1]);
	store_free(st);
	return rc;
}

START_TEST(q_quits_with_zero)
{
	bool hup;
	ck_assert_int_eq(run_with_input("jjk\tq", false, &hup), 0);
	ck_assert(!hup);
}
END_TEST

START_TEST(ctrl_c_outside_fields_is_sigint)
{
	bool hup;
	ck_assert_int_eq(run_with_input("\x03", false, &hup), 130);
}
END_TEST

START_TEST(ctrl_c_in_the_input_line_only_cancels)
{
	bool hup;
	/* ^C closes the filter line; the q after it quits normally. */
	ck_assert_int_eq(run_with_input("/abc\x03q", false, &hup), 0);
}
END_TEST

START_TEST(closed_input_is_a_hang_up)
{
	bool hup;
	ck_assert_int_eq(run_with_input("jj", true, &hup), 129);
	ck_assert(hup);
}
END_TEST

START_TEST(command_line_quit)
{
	bool hup;
	ck_assert_int_eq(run_with_input(":q\r", false, &hup), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("loop");
	TCase *tc = tcase_create("loop");
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, q_quits_with_zero);
	tcase_add_test(tc, ctrl_c_outside_fields_is_sigint);
	tcase_add_test(tc, ctrl_c_in_the_input_line_only_cancels);
	tcase_add_test(tc, closed_input_is_a_hang_up);
	tcase_add_test(tc, command_line_quit);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
