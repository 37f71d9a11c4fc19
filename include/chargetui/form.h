/*
 * form.h — an edit form as a value: fields, a line editor for each, edited
 * flags, errors, and what a key does to them.  No curses calls here (only the
 * KEY_* codes), so every editing rule is testable without a terminal;
 * form_view.c draws a form and picker.c offers choices.
 *
 * Every field holds text, whatever its kind: a choice holds the chosen
 * value, a toggle "on"/"off", money the amount in currency units ("18.75"), a
 * list its items joined by ", ", a metadata row the value of one key.  The
 * owner (edit_driver.c, edit_fleet.c) turns the text back into struct values.
 *
 * SAN-11: a field keeps the raw value it was opened with (orig) next to the
 * edit buffer.  The screen shows the buffer through san_display; a field
 * counts as changed only if the user edited it AND its text differs from
 * orig, so an untouched field, even one whose raw value held ESC, is never
 * written back.
 *
 * Why our own line editor and not libformw: formw's field buffers are
 * fixed-width cell arrays, padded with spaces, that mangle wide and combining
 * characters on read-back and trim trailing spaces; its editing requests do
 * not include Ctrl-W/Ctrl-U semantics.  A UTF-8 buffer with a byte cursor at
 * character boundaries is 200 lines, keeps the raw bytes exact, and measures
 * the cursor column with the same width table as the sanitizer.
 */
#ifndef CHARGETUI_FORM_H
#define CHARGETUI_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <wchar.h>

/* ---- line editor: a UTF-8 buffer with a cursor at a character boundary */

struct led {
	char *buf;  /* NUL-terminated UTF-8, never NULL after led_set */
	size_t len; /* bytes, without the NUL */
	size_t cap;
	size_t cur; /* byte offset of the cursor, at a cluster boundary */
};

/* Replace the text (cursor to the end).  0 or -1 (ENOMEM). */
int led_set(struct led *e, const char *s);
void led_free(struct led *e);
/* Insert one code point at the cursor.  Refuses (returns 1, text unchanged)
 * anything san_input_ok refuses: C0, DEL, C1, bidi, invisible formats,
 * surrogates (SAN-12).  0 inserted, -1 ENOMEM. */
int led_insert_cp(struct led *e, uint32_t cp);
/* Insert len bytes of UTF-8 at the cursor, all or nothing: 1 (text
 * unchanged) if any of it is invalid UTF-8 or refused as above, 0 inserted,
 * -1 ENOMEM. */
int led_insert_str(struct led *e, const char *s, size_t len);
/* Cursor moves.  Left/right step over a whole character with its combining
 * marks (a grapheme as far as the width table tells), never into a byte. */
void led_left(struct led *e);
void led_right(struct led *e);
void led_home(struct led *e);
void led_end(struct led *e);
/* Deletions; each returns true if the text changed. */
bool led_backspace(struct led *e);
bool led_delete(struct led *e);
bool led_kill_to_start(struct led *e); /* Ctrl-U */
bool led_kill_to_end(struct led *e);   /* Ctrl-K */
bool led_kill_word(struct led *e);     /* Ctrl-W: spaces, then the word before */
/* Display column of the cursor, as the text is shown (sanitized: ESC counts
 * as the two columns of "^[", a wide character as two). */
int led_cursor_col(const struct led *e);
/* The readline keys every input line shares (a form field, the / and :
 * line): Left Right Home End Delete Backspace, ^A ^B ^D ^E ^F ^H DEL ^K ^U
 * ^W; keycode as from wget_wch.  Returns -1 when the key is none of them
 * (the caller's: Enter, Esc, Tab, a character to insert), 0 when it moved
 * the cursor or changed nothing, 1 when it changed the text. */
int led_key(struct led *e, bool keycode, wint_t ch);

/* ---- fields */

enum form_kind {
	FORM_TEXT,
	FORM_CHOICE,   /* one of options[] (or the unknown value the server sent) */
	FORM_TOGGLE,   /* "on" / "off" */
	FORM_MONEY,    /* amount in currency units; "" for none */
	FORM_LIST,     /* items separated by commas or spaces */
	FORM_META,     /* one metadata key; "" removes it */
	FORM_META_ADD, /* the "+ add key" row: its text is the new key's name */
	FORM_BUTTON,   /* [ Save ]: Enter submits */
};

struct form;
struct form_field;
/* NULL or a message for the field's current text (static or owned by the
 * validator table, never freed by the form). */
typedef const char *(*form_check_fn)(const struct form *f, const struct form_field *fld);

struct form_field {
	enum form_kind kind;
	char *label;    /* owned; plain ASCII or sanitized */
	unsigned id;    /* the owner's field bit (DRV_* / FLT_*) */
	unsigned sub;   /* the owner's sub-bit (ADDR_*), 0 otherwise */
	char *meta_key; /* FORM_META: the raw key (owned) */
	bool required;
	bool orig_null;             /* the server had null/missing: orig is "" */
	char *orig;                 /* raw original text (owned, never NULL) */
	struct led ed;              /* current text */
	bool edited;                /* the user changed the buffer at least once */
	const char *const *options; /* FORM_CHOICE, NULL-terminated */
	unsigned unit_id;           /* FORM_MONEY: id of the field holding its currency */
	form_check_fn check;
	char *error;  /* owned; shown at the field */
	char *theirs; /* owned; the server's newer value (conflict), or NULL */
};

enum form_ask {
	FORM_ASK_NONE = 0,
	FORM_ASK_DISCARD,  /* Esc with changes: discard them? */
	FORM_ASK_CONFIRM,  /* a change that needs a yes (status -> suspended) */
	FORM_ASK_CONFLICT, /* the record moved on the server: theirs vs yours */
};

/* Given the form at submit, a question to confirm ("Suspend this driver?")
 * or NULL when nothing needs confirming. */
typedef const char *(*form_confirm_fn)(const struct form *f, void *ctx);

struct form {
	char *title; /* owned */
	struct form_field *f;
	size_t n, cap;
	size_t focus;
	bool editing;       /* the focused field's line editor has the keys */
	char *before_edit;  /* text when editing started (Esc restores it) */
	bool create;        /* validate every field, not only changed ones */
	char *banner;       /* owned; form-wide message (API error without param) */
	bool conflict;      /* the server's record moved since the form opened */
	bool conflict_seen; /* the user looked at theirs vs yours and said go */
	enum form_ask ask;
	const char *ask_text;
	form_confirm_fn confirm;
	void *confirm_ctx;
	bool confirmed; /* the user said yes to ask_text for this submit */
	size_t scroll;  /* first field row shown (form_view) */
};

/* What a key did; the caller redraws or acts (htop's reaction flags). */
enum form_reaction {
	FORM_NONE = 0,
	FORM_REDRAW,
	FORM_SUBMIT, /* valid, confirmed, conflict seen: build the patch and send */
	FORM_CANCEL, /* close, nothing sent */
	FORM_PICK,   /* open a picker for the focused FORM_CHOICE, then form_choose */
};

struct form *form_new(const char *title);
void form_free(struct form *f);
/* Append a field and return its index, or -1 (ENOMEM).  orig NULL means the
 * server had no value.  label is copied. */
ssize_t form_add(struct form *f, enum form_kind kind, unsigned id, unsigned sub, const char *label,
                 const char *orig);
/* Append a FORM_META row for key (orig NULL: a new key), before the
 * FORM_META_ADD row if there is one.  Returns its index or -1. */
ssize_t form_add_meta(struct form *f, unsigned id, const char *key, const char *orig);
/* Find a field by owner id and sub (and key for FORM_META); -1 if none. */
ssize_t form_find(const struct form *f, unsigned id, unsigned sub, const char *meta_key);

/* Set the text of field i as if the user typed it (marks edited). */
int form_set_text(struct form *f, size_t i, const char *text);
/* The current text of field i. */
const char *form_text(const struct form *f, size_t i);
/* Edited and different from the raw original (see SAN-11 above). */
bool form_field_changed(const struct form_field *fld);
size_t form_changed_count(const struct form *f);

/* Errors: copies msg (NULL clears). */
int form_set_error(struct form *f, size_t i, const char *msg);
int form_set_banner(struct form *f, const char *msg);
void form_clear_errors(struct form *f);
/* Run every field's check (only changed fields unless f->create, plus
 * required ones always).  Returns the number of fields in error and moves
 * the focus to the first. */
int form_validate(struct form *f);

/* Conflict: record the server's newer value for field i (NULL clears). */
int form_set_theirs(struct form *f, size_t i, const char *theirs);

/* Choices: the next/previous option (dir +1/-1) or a given value. */
int form_choice_step(struct form *f, size_t i, int dir);
int form_choose(struct form *f, size_t i, const char *value);

/* One key from wget_wch: keycode true for KEY_* (KEY_CODE_YES).  Moves
 * between fields, edits, toggles, asks and answers questions. */
enum form_reaction form_key(struct form *f, bool keycode, wint_t ch);

/* A paste (paste.h) for the focused field, taken whole: refused (the
 * reason, e.g. PASTE_MSG_CONTROL, non-NULL) it sets that error at the field
 * and changes nothing; accepted, text goes in at the cursor, editing the
 * field if it was not.  A field that is not text gets an error; an open
 * question ignores the paste, so pasted text never answers one.  form_key
 * with the key code PASTE_KEY does this with paste_current(). */
enum form_reaction form_paste(struct form *f, const char *text, const char *refused);

/* Split a FORM_LIST text into items (commas and/or spaces).  *out is an
 * owned array of owned strings; returns count or -1. */
ssize_t form_split_list(const char *text, char ***out);
/* Join items with ", " (malloc'd, NULL on ENOMEM). */
char *form_join_list(char *const *items, size_t n);

/* ---- drawing (form_view.c; UI thread, curses) */

#include <curses.h>

/* Draw f into the whole of win: a box with the title, the banner, one row
 * per field (label, sanitized value, the error under it, and in a conflict
 * the server's value under that), a footer of keys, and the open question
 * if any.  Scrolls to keep the focused field in view (f->scroll).  Leaves
 * win's cursor at the edit position and returns true when a text field is
 * being edited (the caller shows the cursor), false otherwise.  Calls
 * wnoutrefresh(win). */
bool form_draw(WINDOW *win, struct form *f);

/* ---- picker (picker.c): a searchable list, for fleets and long choices */

struct fleet;
struct picker;

/* A picker over (label, key) pairs, both copied; label is what the user
 * reads and filters on (raw; sanitized when drawn), key what picking
 * returns.  current (may be NULL) is selected first.  NULL on ENOMEM. */
struct picker *picker_new(const char *title, const char *const *labels, const char *const *keys,
                          size_t n, const char *current);
/* Fleets as "name  flt_…" rows, key = id.  Fleets with no id are skipped. */
struct picker *picker_from_fleets(const char *title, const struct fleet *const *fleets, size_t n,
                                  const char *current);
void picker_free(struct picker *p);

enum picker_reaction { PICKER_NONE = 0, PICKER_REDRAW, PICKER_PICKED, PICKER_CANCEL };
/* Typing filters (case-insensitive substring of label or key, every word
 * must match); Up/Down/PgUp/PgDn/Home/End move; Enter picks; Esc cancels;
 * Backspace, Ctrl-U and Ctrl-W edit the filter. */
enum picker_reaction picker_key(struct picker *p, bool keycode, wint_t ch);
/* The key of the selected row, or NULL when the filter matches nothing. */
const char *picker_selected(const struct picker *p);
size_t picker_count(const struct picker *p); /* rows matching the filter */
const char *picker_filter(const struct picker *p);
void picker_draw(WINDOW *win, struct picker *p);

#endif
