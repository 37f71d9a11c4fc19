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
#include "pipe_console.h"

static int run_with_input(const char *bytes, bool close_input, bool *hung_up)
{
	struct pipe_console pc;
	pipe_console_open(&pc);
	pipe_console_type(&pc, bytes);
	if (close_input)
		pipe_console_hang_up(&pc);
	int rc = ui_run(pc.ui);
	*hung_up = ui_hung_up(pc.ui);
	pipe_console_close(&pc);
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
