/*
 * sanitize.h — the one door from an untrusted string to the terminal, a log or
 * stderr (SAN-1..SAN-14).  Pure functions: no locale, no curses, no state.
 *
 * Display policy:
 *  - C0 controls and DEL become caret notation: ESC -> "^[", BEL -> "^G",
 *    CR -> "^M", LF -> "^J", TAB -> "^I", DEL -> "^?" (gh/git policy).
 *  - C1 controls U+0080..U+009F (raw bytes or UTF-8) -> "<U+009B>" style.
 *  - Bidi and invisible format characters (U+202A–U+202E, U+2066–U+2069,
 *    U+200E, U+200F, U+061C, U+200B, U+FEFF, and other Cf) -> "<U+202E>".
 *  - Invalid UTF-8 (each bad byte, overlongs, surrogates, truncation) -> U+FFFD.
 *  - At most 2 combining marks kept per base character (SAN-7).
 *  - Characters with wcwidth < 0 (unassigned, private) -> U+FFFD.
 *  - Input longer than SAN_INPUT_CAP bytes is cut there first, with "…" (SAN-10).
 *  - Width is measured with our own wcwidth table (not the C library's, whose
 *    answer depends on the locale), so layout is the same on every machine.
 * The output is valid UTF-8 with no C0, DEL, C1, bidi or format controls and
 * display width <= max_width (SAN-14).
 */
#ifndef CHARGETUI_SANITIZE_H
#define CHARGETUI_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

#define SAN_INPUT_CAP 4096

enum san_flags {
	SAN_ASCII = 1u << 0,    /* non-UTF-8 locale: every non-ASCII char shown as '?' */
	SAN_ELLIPSIS = 1u << 1, /* when cut to max_width, end with "…" ("~" with SAN_ASCII) */
	SAN_PAD = 1u << 2,      /* pad with spaces to exactly max_width columns */
};

/* Sanitize in[0..len) for display in at most max_width columns (-1: no
 * limit).  Writes a NUL-terminated string into out (outsz bytes; output is
 * cut, never overflowed, if outsz is too small).  Returns the display width
 * written. */
int san_display(const char *in, size_t len, int max_width, unsigned flags, char *out,
		size_t outsz);

/* Convenience: malloc'd sanitized copy with no width limit; NULL on ENOMEM.
 * in may be NULL (returns ""). */
char *san_dup(const char *in);

/* For logs, journals and stderr (SAN-9): like san_display with no width
 * limit, but controls as C-style escapes ("\x1b", "\r", "\n", "\u202e"), so a
 * log line stays one line.  Returns malloc'd string or NULL. */
char *san_log(const char *in, size_t len);

/* Display width of a valid UTF-8 string under the same rules (for layout of
 * our own strings).  Invalid sequences count as 1. */
int san_width(const char *s);

/* Width of one code point: 0 (combining, zero-width), 1, 2 (East Asian wide,
 * emoji), or -1 (control / non-printable). */
int san_wcwidth(unsigned cp);

/* True if s (typed by a user) may be sent to the API: valid UTF-8, no C0, DEL,
 * C1, bidi overrides or invisible format characters (SAN-12). */
bool san_input_ok(const char *s, size_t len);

#endif
