/*
 * paste.h — bracketed paste (SAN-12): the terminal wraps pasted text in
 * ESC [200~ … ESC [201~ (term.c turns the mode on and binds both markers
 * to key codes), and this module turns the keys between them into ONE
 * paste that a form field, the filter or the command line takes whole or
 * refuses whole.  Nothing pasted is ever handled as a key: an ESC, an arrow
 * or a second marker inside a paste makes it refused, and an end marker
 * with no paste open (a paste that carried its own ESC [201~, or a terminal
 * that passes the marker through) refuses the keys that came with it.
 *
 * The assembler (paste_feed and friends) is plain data, testable without a
 * terminal.  paste_intercept is the console's side: ui_key calls it first,
 * and it delivers a finished paste as the key PASTE_KEY, whose text the
 * receiver fetches with paste_current() — the way KEY_MOUSE and getmouse()
 * work in curses.  UI thread only.
 */
#ifndef CHARGETUI_PASTE_H
#define CHARGETUI_PASTE_H

#include <stdbool.h>
#include <stddef.h>

struct ui;

/* Key codes (as from wget_wch with KEY_CODE_YES).  Far above KEY_MAX and the
 * codes ncurses gives terminfo's extended keys, below the 16-bit limit of
 * its key tries. */
enum {
	PASTE_KEY_BEGIN = 0x7e00, /* ESC [200~ */
	PASTE_KEY_END = 0x7e01,   /* ESC [201~ */
	PASTE_KEY = 0x7e02,       /* a finished paste: see paste_current() */
};

/* Longest paste kept, in bytes; a longer one is refused. */
#define PASTE_MAX 8192
/* An open paste with no key for this long lost its end marker. */
#define PASTE_STALE_S 2.0

/* Why a paste is refused (shown at the field, so the cause comes first). */
#define PASTE_MSG_CONTROL "control or invisible characters are not allowed (paste refused)"
#define PASTE_MSG_NEWLINE "line breaks are not allowed in this field (paste refused)"
#define PASTE_MSG_LONG "over 8192 bytes (paste refused)"

struct paste {
	char *text;          /* owned, NUL-terminated; the characters that may be inserted */
	size_t len, cap;     /* bytes of text, without the NUL */
	bool active;         /* between the start and the end marker */
	int nl;              /* the line break just taken ('\n', '\r'), or 0: one at the
	                      * very end (a copied line's own) is dropped, any other
	                      * refuses the paste */
	const char *refused; /* NULL, or why the whole paste is refused (PASTE_MSG_*) */
	double last;         /* when the last key was fed (seconds, any clock) */
};

enum paste_step {
	PASTE_PASS,  /* not part of a paste: handle it as a key */
	PASTE_TAKEN, /* kept in the open paste */
	PASTE_DONE,  /* the end marker: the paste is complete */
	PASTE_STRAY, /* an end marker with no paste open: refused (p->refused set) */
};

/* A zeroed struct is a valid empty assembler too. */
void paste_init(struct paste *p);
void paste_free(struct paste *p);
/* Empty it for the next paste (keeps the buffer). */
void paste_reset(struct paste *p);
/* One key from wget_wch (code: a character, or a KEY_* code when is_code),
 * at time now. */
enum paste_step paste_feed(struct paste *p, int code, bool is_code, double now);
/* Refuse the paste for why; a control character's reason wins over the
 * others, which only fill an empty reason. */
void paste_refuse(struct paste *p, const char *why);
/* An open paste whose last key is older than PASTE_STALE_S. */
bool paste_stale(const struct paste *p, double now);

/* ---- the console's side (paste.c, curses) */

/* Called first by ui_key.  True when the key belonged to a paste (or was
 * the end of one, then delivered): *r holds the reaction.  False: handle
 * the key as usual. */
bool paste_intercept(struct ui *ui, int code, bool is_code, unsigned *r);
/* While PASTE_KEY is being handled: the paste (text and verdict); NULL at
 * any other time. */
const struct paste *paste_current(void);

#endif
