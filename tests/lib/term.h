/*
 * term.h — a real terminal for end-to-end tests: a program in a pseudo-
 * terminal (forkpty), its output pumped continuously by a thread into a
 * libvterm emulator *and* recorded byte for byte, so a test can read the
 * screen as a person would and check the raw stream (TST-6, SAN-2).
 *
 * Threading: one pump thread per term reads the pty master; every accessor
 * below takes the term's lock, so the test thread may call them while the
 * program runs.  Waits are condition-variable waits on "new bytes arrived",
 * never fixed sleeps.
 *
 * Ownership: functions returning char * return malloc'd memory the caller
 * frees.  term_free() kills (SIGKILL) and reaps a child still running.
 */
#ifndef CT_TERM_H
#define CT_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct term;

struct term_opts {
	int rows, cols;         /* 0: 40 x 120 */
	const char *term;       /* NULL: "xterm-256color" */
	const char *const *env; /* extra "KEY=VALUE" (NULL-terminated); these win */
	const char *record_path; /* also append raw bytes to this file, or NULL */
	bool ignore_sighup;      /* start the program with SIGHUP ignored (nohup) */
};

/* Start argv[0] (searched in PATH when it has no '/') in a new pty.  The
 * child's environment is ours minus TERM, LANG, LC_*, COLUMNS, LINES and
 * CHARGE_API_* (so a developer's real key never leaks into a test), plus
 * TERM, LANG=C.UTF-8, LC_ALL=C.UTF-8, with opts->env taking precedence.
 * NULL on failure. */
struct term *term_spawn(const char *const argv[], const struct term_opts *opts);
void term_free(struct term *t);
pid_t term_pid(const struct term *t);

/* Keys.  term_send_keys writes the bytes as typed; term_send_key encodes a
 * special key the way the emulator would for the current modes (so arrows
 * follow DECCKM, as a real xterm does). */
int term_send_keys(struct term *t, const char *s);
int term_send_bytes(struct term *t, const void *buf, size_t len);
enum term_key {
	TK_ENTER, TK_TAB, TK_BACKTAB, TK_ESC, TK_BACKSPACE, TK_UP, TK_DOWN, TK_LEFT, TK_RIGHT,
	TK_HOME, TK_END, TK_PGUP, TK_PGDN, TK_DEL, TK_F1,
};
int term_send_key(struct term *t, enum term_key k);

/* Screen reading.  Rows are 0-based; text is UTF-8 with trailing spaces
 * kept (each row exactly `cols` cells; wide characters once). */
int term_rows(struct term *t);
int term_cols(struct term *t);
char *term_screen_text(struct term *t); /* rows joined by '\n' */
char *term_row(struct term *t, int row);
/* First occurrence of text (row-wise, text must not span rows): 0 with
 * row and col set (col counted in cells), or -1. */
int term_find(struct term *t, const char *text, int *row, int *col);
/* Same, but only at or after row `from`. */
int term_find_from(struct term *t, int from, const char *text, int *row, int *col);
/* Block until text is on screen (true) or timeout (false). */
bool term_wait_for(struct term *t, const char *text, int timeout_ms);
/* Block until text is no longer on screen. */
bool term_wait_gone(struct term *t, const char *text, int timeout_ms);
/* Block until no byte arrived for quiet_ms counted from this call (true),
 * or timeout. */
bool term_wait_idle(struct term *t, int quiet_ms, int timeout_ms);
/* Block until the pty reports end of output (every slave fd closed, e.g.
 * the program exited): then the emulator holds all it will ever get. */
bool term_wait_eof(struct term *t, int timeout_ms);
/* Block until at least one byte arrives after mark (see term_mark). */
bool term_wait_output(struct term *t, size_t mark, int timeout_ms);

struct term_cell_attrs {
	bool bold, reverse, underline, italic, blink;
	bool fg_default, bg_default;
	int fg_index, bg_index;          /* palette index, or -1 for RGB/default */
	uint8_t fg_rgb[3], bg_rgb[3];    /* resolved colour */
	uint32_t ch;                     /* first code point, 0 for empty */
	int width;                       /* 1, or 2 for a wide character */
};
int term_cell_attrs(struct term *t, int row, int col, struct term_cell_attrs *out);
/* Cursor position (row, col) as the emulator has it, and whether visible. */
void term_cursor(struct term *t, int *row, int *col, bool *visible);
/* Emulator state the program changed through escape sequences. */
bool term_altscreen(struct term *t);
char *term_title(struct term *t); /* last title set (OSC 0/2), "" if never */

/* Resize the pty (TIOCSWINSZ delivers SIGWINCH to the foreground group) and
 * the emulator.  (Not "term_resize": the console's own src/ui/term.c has
 * that name, and tests may link both.) */
int term_set_size(struct term *t, int rows, int cols);

/* Raw stream: a malloc'd copy of everything the program wrote. */
unsigned char *term_raw_bytes(struct term *t, size_t *len);
size_t term_mark(struct term *t); /* bytes received so far */
size_t term_bytes_written_since(struct term *t, size_t mark);
/* Write the whole raw stream to path (truncating).  0 or -1. */
int term_save_raw(struct term *t, const char *path);

/* SAN-2: scan the raw stream for OSC, DCS, APC, PM, SOS, raw C1 bytes that
 * are not part of a UTF-8 sequence, and UTF-8 encoded C1 (C2 80..C2 9F).
 * Returns 0 if clean, else 1 and a description of the first hit in why. */
int term_raw_has_forbidden(struct term *t, char *why, size_t whylen);
/* The same check over any buffer. */
int term_bytes_have_forbidden(const unsigned char *b, size_t n, char *why, size_t whylen);
/* Whether the raw stream contains needle (bytes), at or after offset. */
bool term_raw_contains(struct term *t, const char *needle, size_t from);

/* Process control. */
void term_close_master(struct term *t); /* the SSH drop: the child sees hang-up */
int term_kill(struct term *t, int sig);
/* Reap the child: 0 with *status (waitpid form) or -1 on timeout. */
int term_wait_exit(struct term *t, int timeout_ms, int *status);
bool term_exited(struct term *t);
/* utime+stime of the child in seconds (from /proc/PID/stat while it runs,
 * from its rusage once reaped); -1 if unknown. */
double term_cpu_seconds(struct term *t);
/* The child's scheduler state from /proc/PID/stat ('R', 'S', 'T' stopped,
 * 'Z' zombie...), or 0 if unknown. */
char term_proc_state(struct term *t);
/* VmRSS of the child in KiB, -1 if unknown. */
long term_rss_kb(struct term *t);

/* Milliseconds on the monotonic clock (for measurements). */
double term_now_ms(void);

#endif
