/*
 * term.h — the terminal around curses: the checks before it starts, the
 * signals (blocked before any thread, read through a signalfd in the UI's
 * poll), suspend/resume, the crash handler, and a non-blocking exit after a
 * hang-up.  Only main() and the UI thread call these.
 */
#ifndef CHARGETUI_TERM_H
#define CHARGETUI_TERM_H

#include <stdbool.h>
#include <stddef.h>

/* SEC-6: not dumpable, no core file.  Never fails hard. */
void term_harden_process(void);

/* TTY-8: is $TERM a terminal curses can drive (known to terminfo and able to
 * address the cursor)?  0, or -1 with a message like "TERM=dumb cannot
 * address the cursor; run from a full terminal" in err. */
int term_check(char *err, size_t n);

/* TTY-2: block SIGWINCH SIGINT SIGTERM SIGHUP SIGQUIT SIGTSTP SIGCONT in the
 * calling thread (call before any pthread_create so every thread inherits
 * it) and return a signalfd for them, or -1.  Also ignores SIGPIPE (NET-5). */
int term_signals_block(void);

/* Start curses on the controlling terminal (stdin when it is a tty, else
 * /dev/tty), in raw mode (^C ^Z ^\ are read as keys and ui_key decides what
 * they do, so ^C can cancel a text field and kiosk can ignore them), noecho,
 * keypad, mouse clicks and wheel, no cursor, ESCDELAY 25 ms, colours if any.
 * Binds the bracketed-paste markers to PASTE_KEY_BEGIN/END (paste.h) and
 * turns the mode on where the terminal plausibly has it (BE/BD in terminfo,
 * or an xterm, tmux, screen, rxvt… TERM; not a vt100); term_suspend,
 * term_stop and the crash handler turn it off again.  Installs the crash
 * handler (TTY-6).  Returns the input fd to poll, or -1 with err set. */
int term_start(bool kiosk, char *err, size_t n);
/* True when the locale's codeset is UTF-8 (nl_langinfo(CODESET)). */
bool term_utf8(void);

/* SIGTSTP: restore the terminal, stop, and come back in program mode; the
 * caller then repaints everything (TTY-7). */
void term_suspend(void);
/* After SIGWINCH: read the new size and tell curses (resizeterm). */
void term_resize(void);

/* Leave curses.  After a hang-up the tty is made non-blocking first so the
 * final endwin() cannot block on a dead terminal (TTY-5); otherwise the
 * blocking mode is put back afterwards so the shell is not surprised. */
void term_stop(bool hung_up);

/* Restore the terminal and write the reset string now (async-signal-safe);
 * the crash handler uses it. */
void term_emergency_restore(void);

#endif
