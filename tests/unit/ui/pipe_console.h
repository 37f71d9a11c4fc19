/*
 * pipe_console.h — the real console (ui_new, ui_key, ui_run) on curses
 * that writes to /dev/null and reads keys from a pipe: what the ui unit
 * tests drive when they need the console's reactions but no pty.
 * Header-only because ct_testlib does not link the ui room.
 */
#ifndef CT_PIPE_CONSOLE_H
#define CT_PIPE_CONSOLE_H

#include <check.h>
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chargetui/store.h"
#include "chargetui/ui.h"

struct pipe_console {
	int fds[2];      /* [0] the console's keys, [1] the test writes them */
	FILE *out, *in;  /* owned: /dev/null, and fds[0] as curses' input */
	SCREEN *scr;
	struct store *st;
	struct ui *ui;
};

/* A 100x30 xterm-256color console with an empty store; the caller frees it
 * with pipe_console_close.  Keys: pipe_console_type. */
static inline void pipe_console_open(struct pipe_console *pc)
{
	memset(pc, 0, sizeof(*pc));
	ck_assert_int_eq(pipe(pc->fds), 0);
	setenv("LINES", "30", 1);
	setenv("COLUMNS", "100", 1);
	setlocale(LC_CTYPE, "C.UTF-8");
	pc->out = fopen("/dev/null", "w");
	pc->in = fdopen(pc->fds[0], "r");
	pc->scr = newterm("xterm-256color", pc->out, pc->in);
	ck_assert_ptr_nonnull(pc->scr);
	set_term(pc->scr);
	raw();
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	pc->st = store_new();
	struct ui_options o = {.store = pc->st, .in_fd = pc->fds[0], .signal_fd = -1};
	char err[128];
	pc->ui = ui_new(&o, err, sizeof(err));
	ck_assert_msg(pc->ui != NULL, "%s", err);
}

static inline void pipe_console_type(struct pipe_console *pc, const char *bytes)
{
	ck_assert_int_eq(write(pc->fds[1], bytes, strlen(bytes)), (ssize_t)strlen(bytes));
}

/* End of input: the console sees its terminal hang up. */
static inline void pipe_console_hang_up(struct pipe_console *pc)
{
	if (pc->fds[1] >= 0)
		close(pc->fds[1]);
	pc->fds[1] = -1;
}

static inline void pipe_console_close(struct pipe_console *pc)
{
	ui_free(pc->ui);
	endwin();
	delscreen(pc->scr);
	fclose(pc->out);
	fclose(pc->in);
	pipe_console_hang_up(pc);
	store_free(pc->st);
}

#endif
