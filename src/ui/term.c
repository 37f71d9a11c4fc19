/*
 * term.c — the terminal around curses: TERM checks before curses starts,
 * signals taken through a signalfd, Ctrl-Z, the crash handler and a clean
 * exit even when the terminal is gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>
#include <curses.h>
#include <term.h>

#include "chargetui/paste.h"
#include "chargetui/term.h"

static SCREEN *term_screen;
static FILE *term_in;       /* /dev/tty when stdin is not a terminal */
static int term_out_fd = 1; /* where curses writes */
static struct termios term_saved;
static bool term_have_saved;
static char term_reset[256]; /* rmcup cnorm sgr0 and paste off, from terminfo at start */
static size_t term_reset_len;
static const char *term_paste_on; /* bracketed paste on/off, NULL: not used */
static const char *term_paste_off;

void term_harden_process(void)
{
	/* SEC-6: no core file and no ptrace by other users' tools; the cost
	 * is that attaching a debugger needs root (documented). */
	struct rlimit rl = {0, 0};
	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

bool term_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

int term_check(char *err, size_t n)
{
	const char *t = getenv("TERM");
	int rc = 0;
	if (!t || !*t) {
		snprintf(err, n, "TERM is not set; run chargetui from a terminal");
		return -1;
	}
	if (setupterm(NULL, isatty(1) ? 1 : 2, &rc) != OK) {
		snprintf(err, n, "unknown terminal type (TERM=%.40s): no terminfo entry", t);
		return -1;
	}
	/* A terminal that cannot place the cursor (dumb) cannot show panes. */
	const char *cup = tigetstr("cup");
	bool ok = cup && cup != (char *)-1;
	del_curterm(cur_term);
	if (!ok) {
		snprintf(err, n, "TERM=%.40s cannot address the cursor; a full terminal is needed",
		         t);
		return -1;
	}
	return 0;
}

int term_signals_block(void)
{
	sigset_t set;
	signal(SIGPIPE, SIG_IGN); /* NET-5: a dead socket is an error, not a death */
	sigemptyset(&set);
	int sigs[] = {SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGCONT};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i]);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* A terminfo string capability, or NULL when the terminal has none. */
static const char *term_cap(const char *cap)
{
	const char *s = tigetstr(cap);
	return s && s != (char *)-1 ? s : NULL;
}

static void term_add_reset_str(const char *s)
{
	size_t len = strlen(s);
	if (term_reset_len + len < sizeof(term_reset)) {
		memcpy(term_reset + term_reset_len, s, len);
		term_reset_len += len;
	}
}

static void term_add_reset(const char *cap)
{
	const char *s = term_cap(cap);
	if (s)
		term_add_reset_str(s);
}

void term_emergency_restore(void)
{
	if (term_have_saved)
		tcsetattr(term_out_fd, TCSANOW, &term_saved);
	if (term_reset_len) {
		ssize_t w = write(term_out_fd, term_reset, term_reset_len);
		(void)w;
	}
}

/* TTY-6: only async-signal-safe calls, then die of the same signal. */
static void term_crash(int sig)
{
	term_emergency_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void term_install_crash_handler(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = term_crash;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	int sigs[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static void term_modes(void)
{
	/* Raw: ^C ^Z ^\ arrive as keys, so ^C can cancel a text field instead
	 * of killing the console (ui_key decides), and kiosk mode can ignore
	 * them.  The same signals sent by kill(1) still come through the
	 * signalfd. */
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	/* Clicks and the wheel; no click interval, so a press acts at once. */
	mouseinterval(0);
	mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	if (has_colors())
		start_color();
}

/* TERM families that have had bracketed paste for years, for terminfo
 * entries that do not say so (BE/BD are ncurses extensions). */
static bool term_paste_family(const char *t)
{
	static const char *const fam[] = {"xterm",   "tmux",  "screen",  "rxvt", "alacritty",
	                                  "foot",    "kitty", "wezterm", "vte",  "gnome",
	                                  "konsole", "iterm", "st-"};
	for (size_t i = 0; t && i < sizeof(fam) / sizeof(fam[0]); i++)
		if (strncmp(t, fam[i], strlen(fam[i])) == 0)
			return true;
	return false;
}

/* Home and End as xterm sends them in both cursor-key modes.  Some
 * terminfo entries name only one form (tmux-256color's End is ESC [4~
 * while tmux itself, outside application mode, sends ESC O F or ESC [F),
 * and an unknown sequence would reach us as Esc plus letters. */
static void term_home_end_keys(void)
{
	static const struct {
		const char *seq;
		int code;
	} keys[] = {
	    {"\033OH", KEY_HOME}, {"\033OF", KEY_END}, {"\033[H", KEY_HOME}, {"\033[F", KEY_END},
	    {"\033[1~", KEY_HOME}, {"\033[4~", KEY_END}, {"\033[7~", KEY_HOME}, {"\033[8~", KEY_END},
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (key_defined(keys[i].seq) == 0) /* never rebind what terminfo says */
			define_key(keys[i].seq, keys[i].code);
}

/* SAN-12: bracketed paste, so pasted text reaches us as one paste and not
 * as keys (paste.h).  The markers are bound on every terminal, so one that
 * passes a pasted ESC [201~ through still has it refused; the mode is
 * switched on only where the terminal plausibly has it, because a vt100 or
 * a linux console could print the request.  Every way out (term_stop,
 * term_suspend, the crash handler's reset string) switches it off again: a
 * shell left in paste mode sees ESC [200~ around everything pasted. */
static void term_paste_start(void)
{
	const char *ps = term_cap("PS"), *pe = term_cap("PE");
	define_key("\033[200~", PASTE_KEY_BEGIN);
	define_key("\033[201~", PASTE_KEY_END);
	if (ps && strcmp(ps, "\033[200~") != 0)
		define_key(ps, PASTE_KEY_BEGIN);
	if (pe && strcmp(pe, "\033[201~") != 0)
		define_key(pe, PASTE_KEY_END);
	const char *on = term_cap("BE"), *off = term_cap("BD");
	if (!on || !off) {
		if (!term_paste_family(getenv("TERM")))
			return;
		on = "\033[?2004h";
		off = "\033[?2004l";
	}
	term_paste_on = on;
	term_paste_off = off;
	term_add_reset_str(off);
}

/* Written straight to the terminal, between curses' own flushed updates:
 * putp() would go through stdio's buffer and come out at exit, after
 * rmcup.  A failed write (a dead terminal) has nobody to tell. */
static void term_paste_mode(bool on)
{
	const char *s = on ? term_paste_on : term_paste_off;
	if (!s)
		return;
	ssize_t w = write(term_out_fd, s, strlen(s));
	(void)w;
}

int term_start(bool kiosk, char *err, size_t n)
{
	FILE *in = stdin;
	if (!isatty(0)) { /* the key came on stdin; keys come from the tty */
		term_in = fopen("/dev/tty", "re");
		if (!term_in) {
			snprintf(err, n, "no terminal to read keys from (/dev/tty: %s)",
			         strerror(errno));
			return -1;
		}
		in = term_in;
	}
	term_out_fd = 1;
	term_have_saved = tcgetattr(term_out_fd, &term_saved) == 0;
	term_screen = newterm(NULL, stdout, in);
	if (!term_screen) {
		snprintf(err, n, "cannot start curses on this terminal (TERM=%.40s)",
		         getenv("TERM") ? getenv("TERM") : "");
		if (term_in)
			fclose(term_in);
		term_in = NULL;
		return -1;
	}
	set_term(term_screen);
	term_add_reset("rmcup");
	term_add_reset("cnorm");
	term_add_reset("sgr0");
	term_install_crash_handler();
	term_modes();
	term_paste_start();
	term_home_end_keys();
	(void)kiosk; /* kiosk differs in what keys do (ui.c), not in tty modes */
	/* Paint the empty screen once, so a later wgetch has nothing of
	 * stdscr's to refresh over the panes. */
	refresh();
	term_paste_mode(true);
	return fileno(in);
}

void term_suspend(void)
{
	term_paste_mode(false);
	def_prog_mode();
	endwin();
	/* SIGTSTP is blocked (we read it from the signalfd), so stop the way
	 * the default action would; SIGSTOP cannot be blocked. */
	kill(getpid(), SIGSTOP);
	reset_prog_mode();
	refresh();
	term_paste_mode(true);
}

void term_resize(void)
{
	struct winsize ws;
	if (ioctl(term_out_fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
}

void term_stop(bool hung_up)
{
	if (!term_screen)
		return;
	int fl = fcntl(term_out_fd, F_GETFL);
	/* TTY-5: a dead terminal must not hold the exit in a blocking write.
	 * The flag is shared with the shell's descriptor, so it is put back. */
	if (fl >= 0)
		fcntl(term_out_fd, F_SETFL, fl | O_NONBLOCK);
	curs_set(1);
	term_paste_mode(false);
	endwin();
	if (fl >= 0 && !hung_up)
		fcntl(term_out_fd, F_SETFL, fl);
	delscreen(term_screen);
	term_screen = NULL;
	term_paste_on = term_paste_off = NULL; /* they were the terminfo's */
	if (term_in)
		fclose(term_in);
	term_in = NULL;
}
