/*
 * form_view.c — draws a form.  Every value goes through text_put (the one
 * door, SAN-*): the form keeps raw text, the screen gets the sanitized form.
 *
 * A field takes one row, plus one for its error and, while the record is in
 * conflict, one for the server's value ("theirs") under the user's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/form.h"
#include "chargetui/pane.h"
#include "chargetui/sanitize.h"
#include "chargetui/theme.h"

#define FV_LABEL_MAX 20

static int fv_field_rows(const struct form *f, const struct form_field *fld)
{
	return 1 + (fld->error != NULL) + (f->conflict && fld->theirs != NULL);
}

/* Keep the focused field on screen: the first row shown moves just enough. */
static void fv_scroll(struct form *f, int area)
{
	if (f->focus < f->scroll)
		f->scroll = f->focus;
	for (;;) {
		int used = 0;
		for (size_t i = f->scroll; i <= f->focus && i < f->n; i++)
			used += fv_field_rows(f, &f->f[i]);
		if (used <= area || f->scroll >= f->focus)
			break;
		f->scroll++;
	}
}

/* What a field shows when it is not being edited (raw; text_put sanitizes). */
static const char *fv_value(const struct form *f, const struct form_field *fld, bool focus,
                            char *buf, size_t n)
{
	const char *t = fld->ed.buf;
	switch (fld->kind) {
	case FORM_BUTTON:
		return fld->label;
	case FORM_META_ADD:
		return *t ? t : "(Enter, then type a key)";
	case FORM_META:
		if (!*t)
			return *fld->orig ? "(removed)" : "";
		return t;
	case FORM_MONEY: {
		/* "18.75 eur": the amount is typed in the unit the form says now. */
		ssize_t u = fld->unit_id ? form_find(f, fld->unit_id, 0, NULL) : -1;
		if (!*t || u < 0 || !*form_text(f, (size_t)u))
			return *t ? t : NULL;
		snprintf(buf, n, "%s %s", t, form_text(f, (size_t)u));
		return buf;
	}
	case FORM_CHOICE:
		if (focus) {
			snprintf(buf, n, "< %s >", *t ? t : "—");
			return buf;
		}
		return *t ? t : NULL;
	default:
		return *t ? t : NULL;
	}
}

/* The edit buffer from the first character that keeps the cursor within
 * width columns; *cx gets the cursor column relative to the value. */
static const char *fv_scrolled(const struct led *e, int width, int *cx)
{
	size_t start = 0;
	int col = led_cursor_col(e);
	struct led view = *e;
	while (col > width - 1 && start < e->cur) {
		/* Drop one character from the left and measure again. */
		start++;
		while (start < e->cur && ((unsigned char)e->buf[start] & 0xC0) == 0x80)
			start++;
		view.buf = e->buf + start;
		view.len = e->len - start;
		view.cur = e->cur - start;
		col = led_cursor_col(&view);
	}
	*cx = col;
	return e->buf + start;
}

static void fv_label(WINDOW *w, int y, int lw, const struct form_field *fld, bool focus)
{
	char lab[96];
	if (fld->kind == FORM_META)
		snprintf(lab, sizeof lab, "meta %s", fld->label);
	else if (fld->kind == FORM_BUTTON || fld->kind == FORM_META_ADD)
		snprintf(lab, sizeof lab, "%s", fld->kind == FORM_META_ADD ? fld->label : "");
	else
		snprintf(lab, sizeof lab, "%s%s", fld->label, fld->required ? " *" : "");
	unsigned long a = theme_attr(focus ? TE_ROW_SELECTED : TE_DETAIL_KEY);
	text_put(w, y, 2, lw, lab, SAN_PAD, a);
}

/* One field at row y; returns the rows used.  *cy and *cx get the cursor. */
static int fv_field(WINDOW *w, struct form *f, size_t i, int y, int lw, int vw, int *cy, int *cx)
{
	struct form_field *fld = &f->f[i];
	bool focus = i == f->focus;
	int vx = 2 + lw + 2;
	char buf[128];
	fv_label(w, y, lw, fld, focus);
	if (focus && f->editing) {
		int col;
		const char *from = fv_scrolled(&fld->ed, vw, &col);
		/* Pad so the whole input width reads as one field. */
		text_put(w, y, vx, vw, from, SAN_PAD, theme_attr(TE_PROMPT));
		*cy = y;
		*cx = vx + col;
	} else {
		const char *v = fv_value(f, fld, focus, buf, sizeof buf);
		enum theme_elem el = !v || !*v ? TE_DIM : focus ? TE_ROW_SELECTED : TE_DETAIL_VALUE;
		if (fld->kind == FORM_BUTTON && focus)
			el = TE_ROW_SELECTED;
		if (form_field_changed(fld) && !focus)
			el = TE_CHANGED;
		text_put(w, y, vx, vw, v, 0, theme_attr(el));
	}
	int rows = 1;
	if (fld->error) {
		text_put(w, y + rows, vx, vw, fld->error, 0, theme_attr(TE_ERROR));
		rows++;
	}
	if (f->conflict && fld->theirs) {
		wattrset(w, theme_attr(TE_STALE));
		mvwaddstr(w, y + rows, 2, "  theirs:");
		text_put(w, y + rows, vx, vw, fld->theirs, 0, theme_attr(TE_STALE));
		rows++;
	}
	return rows;
}

static const char *fv_footer(const struct form *f)
{
	if (f->editing)
		return "Enter done  Tab next  Esc undo  F2/^O save  ^A ^E ^U ^K ^W";
	switch (f->ask) {
	case FORM_ASK_CONFIRM:
		return "y yes  n no";
	case FORM_ASK_DISCARD:
		return "y/Enter discard  n/Esc keep editing";
	case FORM_ASK_CONFLICT:
		return "Enter save yours anyway  Esc back to the form";
	default:
		break;
	}
	return "Tab move  Enter edit  Space toggle  F2/^O save  Del remove  Esc cancel";
}

static void fv_ask(WINDOW *w, const struct form *f, int h, int wd)
{
	int y = h / 2 - 1;
	unsigned long a = theme_attr(TE_DIALOG_BORDER) | A_REVERSE;
	wattrset(w, a);
	for (int r = 0; r < 3; r++)
		mvwhline(w, y + r, 2, ' ', wd - 4);
	text_put(w, y + 1, 4, wd - 8, f->ask_text, 0, a | A_BOLD);
}

bool form_draw(WINDOW *w, struct form *f)
{
	int h, wd;
	getmaxyx(w, h, wd);
	wattrset(w, theme_attr(TE_DIALOG));
	werase(w);
	wattrset(w, theme_attr(TE_DIALOG_BORDER));
	box(w, 0, 0);
	text_put(w, 0, 2, wd - 4, f->title, 0, theme_attr(TE_TITLE));
	if (f->banner)
		text_put(w, 1, 2, wd - 4, f->banner, 0,
		         theme_attr(f->conflict ? TE_STALE : TE_ERROR));
	int lw = wd / 3 < FV_LABEL_MAX ? wd / 3 : FV_LABEL_MAX;
	int vw = wd - 2 - lw - 2 - 2;
	int area = h - 4;
	int cy = -1, cx = -1;
	if (vw > 0 && area > 0 && f->n) {
		fv_scroll(f, area);
		int y = 2;
		for (size_t i = f->scroll; i < f->n; i++) {
			if (y + fv_field_rows(f, &f->f[i]) > 2 + area)
				break;
			y += fv_field(w, f, i, y, lw, vw, &cy, &cx);
		}
	}
	text_put(w, h - 2, 2, wd - 4, fv_footer(f), 0, theme_attr(TE_DIM));
	if (f->ask != FORM_ASK_NONE && f->ask_text)
		fv_ask(w, f, h, wd);
	bool show = f->editing && f->ask == FORM_ASK_NONE && cy >= 0;
	if (show) {
		/* The console keeps the terminal cursor hidden and refreshes
		 * other windows after this one, so the insertion point is also
		 * drawn as a reverse-video cell. */
		unsigned long a = theme_attr(TE_PROMPT);
		mvwchgat(w, cy, cx, 1, (attr_t)((a & ~A_COLOR) | A_REVERSE), (short)PAIR_NUMBER(a),
		         NULL);
		wmove(w, cy, cx);
	}
	wnoutrefresh(w);
	return show;
}
