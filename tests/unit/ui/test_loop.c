/*
 * test_loop.c — the main loop with its terminal input on a pipe: keys end
 * it with the documented exit codes, a closed input (the SSH drop, TTY-5)
 * ends it as a hang-up instead of spinning, and a refresh round's
 * highlights leave the screen together, on their own.
 */
#include <check.h>
#include <fcntl.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <curses.h>

#include "chargetui/json.h"
#include "chargetui/store.h"
#include "chargetui/sync.h"
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

#define LOOP_FLEET(id, name)                                                                       \
	"{\"id\":\"" id "\",\"object\":\"fleet\",\"name\":\"" name "\",\"status\":\"active\","     \
	"\"total_drivers\":24,\"total_sessions\":186}"

/* What a refresh round's GET of one fleet brings: its sessions moved. */
static void refresh_sessions(struct pipe_console *pc, const char *json, int64_t sessions)
{
	struct reply *r = calloc(1, sizeof(*r));
	ck_assert_ptr_nonnull(r);
	r->kind = REPLY_FLEET;
	r->origin = ORIGIN_REFRESH;
	struct api_error e = {0};
	ck_assert_int_eq(json_decode_fleet(json, strlen(json), &r->fleet, &e), 0);
	r->fleet.total_sessions.v = sessions;
	ui_apply_replies(pc->ui, r);
}

/* Where text is on the screen curses last sent (one cell a character). */
static bool screen_find(const wchar_t *text, int *y, int *x)
{
	for (*y = 0; *y < LINES; (*y)++) {
		wchar_t row[512] = L"";
		for (int c = 0; c < COLS && c < 511; c++) {
			cchar_t cc;
			wchar_t wc[CCHARW_MAX + 1] = L"";
			attr_t a;
			short pair;
			mvwin_wch(curscr, *y, c, &cc);
			getcchar(&cc, wc, &a, &pair, NULL);
			row[c] = wc[0] ? wc[0] : L' ';
			row[c + 1] = L'\0';
		}
		const wchar_t *at = wcsstr(row, text);
		if (at) {
			*x = (int)(at - row);
			return true;
		}
	}
	return false;
}

static void screen_look(int y, int x, attr_t *a, short *pair)
{
	cchar_t cc;
	wchar_t wc[CCHARW_MAX + 1];
	ck_assert_int_eq(mvwin_wch(curscr, y, x, &cc), OK);
	getcchar(&cc, wc, a, pair, NULL);
}

static void *type_q_later(void *pc)
{
	usleep(2600 * 1000);
	pipe_console_type(pc, "q");
	return NULL;
}

/* Two values of a round move 0.3 s apart.  When the first highlight ends,
 * the second (due within hl_prune's slack) goes in the same update; with
 * no key and no reply after that, the loop must still have drawn it away
 * long after its own end. */
START_TEST(highlights_of_a_round_leave_together)
{
	struct pipe_console pc;
	pipe_console_open(&pc);
	refresh(); /* as term.c does: stdscr is not repainted over the panes */
	const char *alpha = LOOP_FLEET("flt_1", "Alpha Fleet");
	const char *beta = LOOP_FLEET("flt_2", "Beta Fleet");
	struct fleet f = {0};
	struct api_error e = {0};
	ck_assert_int_eq(json_decode_fleet(alpha, strlen(alpha), &f, &e), 0);
	store_put_fleet(pc.st, &f);
	fleet_clear(&f);
	ck_assert_int_eq(json_decode_fleet(beta, strlen(beta), &f, &e), 0);
	store_put_fleet(pc.st, &f);
	fleet_clear(&f);
	refresh_sessions(&pc, alpha, 11111);
	usleep(300 * 1000);
	refresh_sessions(&pc, beta, 22222);
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, type_q_later, &pc), 0);
	ck_assert_int_eq(ui_run(pc.ui), 0);
	pthread_join(t, NULL);
	int y, x, dy, dx;
	ck_assert(screen_find(L" 22222", &y, &x));
	ck_assert(screen_find(L"Beta Fleet", &dy, &dx) && dy == y);
	attr_t a, plain_a;
	short pair, plain_pair;
	screen_look(y, x + 1, &a, &pair);
	screen_look(y, dx, &plain_a, &plain_pair); /* the name: never highlighted */
	ck_assert_msg(a == plain_a && pair == plain_pair,
	              "0.6 s past its highlight's end, the value is still highlighted");
	pipe_console_close(&pc);
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
	tcase_add_test(tc, highlights_of_a_round_leave_together);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
