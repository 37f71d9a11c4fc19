/*
 * pane.h — panes and dialogs: a small struct of callbacks over a model, the
 * way tmux's window modes and htop's Panel are built.  The main loop calls
 * them without knowing their kinds, so a new pane or dialog is one new file.
 *
 * Contract for every callback (UI thread only):
 *  - draw() writes into p->win only (werase + redraw is fine: ncurses diffs
 *    against the screen, so unchanged cells cost no bytes) and calls
 *    wnoutrefresh(p->win); never refresh(), clear() or doupdate().
 *  - key() changes state and returns reaction flags (htop); it never draws.
 *  - resize() is told its new place; pane_place() does the window work.
 *  - free() releases p->data (not p itself, nor p->win: pane_free does).
 *
 * Dialogs (help, forms, confirmations) are panes pushed with
 * ui_dialog_push(): the top one gets every key first and is drawn last.  It
 * returns UI_CLOSE to be popped and freed.  A dialog's resize() is given the
 * whole screen and centres itself (pane_center() helps).
 *
 * All API text reaches the screen through text_put() (sanitize.h is the one
 * door, SAN-*).  Our own fixed strings may use waddstr directly.
 */
#ifndef CHARGETUI_PANE_H
#define CHARGETUI_PANE_H

#include <stdbool.h>
#include <stddef.h>
#include <curses.h>
#include "chargetui/theme.h"

struct ui;
struct reply;

struct key_event {
	int code;     /* a character (a wchar_t value) or a KEY_* code */
	bool is_code; /* true for KEY_* (arrows, function keys, KEY_RESIZE) */
	int action;   /* the enum action_id the key map gives it; 0 when unbound */
};

/* Reaction flags returned by key handlers and actions. */
enum ui_react {
	UI_IGNORED = 0,        /* not mine: the next handler may take it */
	UI_HANDLED = 1u << 0,  /* consumed */
	UI_REDRAW = 1u << 1,   /* draw again this turn */
	UI_QUIT = 1u << 2,     /* leave the main loop (exit 0) */
	UI_CLOSE = 1u << 3,    /* (dialogs) pop me and free me */
	UI_RELAYOUT = 1u << 4, /* geometry changed: call every resize() */
	UI_REPAINT = 1u << 5,  /* repaint the whole terminal (Ctrl-L, after fg) */
};

struct pane;

struct pane_ops {
	const char *kind; /* "fleets", "drivers", "detail", "help", …: for tests and messages */
	void (*draw)(struct pane *p, struct ui *ui);
	unsigned (*key)(struct pane *p, struct ui *ui, const struct key_event *ev);
	void (*resize)(struct pane *p, struct ui *ui, int y, int x, int h, int w);
	void (*free)(struct pane *p);
	/* Optional: a reply of a job this pane submitted with ui_submit() came
	 * back (after the store was updated from it). */
	void (*reply)(struct pane *p, struct ui *ui, const struct reply *r);
};

struct pane {
	const struct pane_ops *ops;
	WINDOW *win; /* NULL until the first pane_place() */
	int y, x, h, w;
	bool focused;
	bool hidden; /* not drawn (e.g. zoom shows one pane) */
	void *data;  /* the pane's own state */
};

/* Allocate a pane (NULL on ENOMEM); pane_free calls ops->free then frees the
 * window and the pane.  NULL is fine. */
struct pane *pane_new(const struct pane_ops *ops, void *data);
void pane_free(struct pane *p);
/* Give the pane a place on screen, creating or moving its window.  A size
 * under 1x1 hides the pane.  0, or -1 if curses refused. */
int pane_place(struct pane *p, int y, int x, int h, int w);
/* Place a dialog of h x w centred in a screen of sh x sw (clamped). */
int pane_center(struct pane *p, int sh, int sw, int h, int w);

/* Draw p's border, with the title (already safe text: our words or
 * text_put()-style sanitized output) at top left.  Uses ASCII +-| when the
 * locale is not UTF-8. */
void pane_box(struct pane *p, const char *title, bool focus);

/* --- text output: the only way API strings reach a window --- */

/* Sanitize raw[0..strlen) (NULL shows "—") into at most `width` columns and
 * draw it at (y, x) with attr.  SAN_ELLIPSIS is always on; SAN_ASCII is added
 * when the locale is not UTF-8; flags may add SAN_PAD.  Returns the columns
 * drawn. */
int text_put(WINDOW *w, int y, int x, int width, const char *raw, unsigned flags,
	     unsigned long attr);
/* Right-aligned variant for numbers and money. */
int text_put_right(WINDOW *w, int y, int x, int width, const char *raw, unsigned long attr);
/* Display width of a string as text_put() will draw it. */
int text_width(const char *s);
/* True when the locale's codeset is not UTF-8 (set once by ui_new / tests). */
bool text_ascii(void);
void text_set_ascii(bool ascii);
/* A glyph in the right charset: e.g. text_glyph("…", "~"). */
const char *text_glyph(const char *utf8, const char *ascii);

#endif
