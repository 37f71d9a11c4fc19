/*
 * text.c — the only way API text reaches a window: san_display() cuts and
 * neutralises it for the width, then waddstr draws the result.  Also the
 * pane plumbing every pane shares (window placement, borders).
 */
#include <stdlib.h>
#include <string.h>
#include <curses.h>

#include "chargetui/pane.h"
#include "chargetui/sanitize.h"

static bool text_is_ascii;

bool text_ascii(void)
{
	return text_is_ascii;
}

void text_set_ascii(bool ascii)
{
	text_is_ascii = ascii;
}

const char *text_glyph(const char *utf8, const char *ascii)
{
	return text_is_ascii ? ascii : utf8;
}

static unsigned text_flags(unsigned flags)
{
	flags |= SAN_ELLIPSIS;
	if (text_is_ascii)
		flags |= SAN_ASCII;
	return flags;
}

int text_put(WINDOW *w, int y, int x, int width, const char *raw, unsigned flags,
	     unsigned long attr)
{
	if (!w || width <= 0)
		return 0;
	/* Room for the widest legal output: every column a 4-byte character
	 * plus combining marks; SAN_INPUT_CAP already bounds the input. */
	char out[2048];
	const char *s = raw ? raw : text_glyph("—", "-");
	int maxw = width < 400 ? width : 400;
	int cols = san_display(s, strlen(s), maxw, text_flags(flags), out, sizeof(out));
	wattrset(w, (attr_t)attr);
	mvwaddstr(w, y, x, out);
	return cols;
}

int text_put_right(WINDOW *w, int y, int x, int width, const char *raw, unsigned long attr)
{
	if (!w || width <= 0)
		return 0;
	char out[2048];
	const char *s = raw ? raw : text_glyph("—", "-");
	int cols = san_display(s, strlen(s), width, text_flags(0), out, sizeof(out));
	wattrset(w, (attr_t)attr);
	if (cols < width)
		mvwhline(w, y, x, ' ', width - cols);
	mvwaddstr(w, y, x + width - cols, out);
	return width;
}

int text_width(const char *s)
{
	if (!s)
		return 1;
	char out[2048];
	return san_display(s, strlen(s), -1, text_flags(0), out, sizeof(out));
}

struct pane *pane_new(const struct pane_ops *ops, void *data)
{
	struct pane *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->ops = ops;
	p->data = data;
	return p;
}

void pane_free(struct pane *p)
{
	if (!p)
		return;
	if (p->ops && p->ops->free)
		p->ops->free(p);
	if (p->win)
		delwin(p->win);
	free(p);
}

int pane_place(struct pane *p, int y, int x, int h, int w)
{
	p->y = y;
	p->x = x;
	p->h = h;
	p->w = w;
	if (h < 1 || w < 1) {
		p->hidden = true;
		return 0;
	}
	p->hidden = false;
	/* Moving a window can fail when the old size would not fit at the
	 * new place, so a placed window is replaced rather than moved. */
	if (p->win)
		delwin(p->win);
	p->win = newwin(h, w, y, x);
	if (!p->win) {
		p->hidden = true;
		return -1;
	}
	wbkgdset(p->win, (chtype)theme_attr(TE_NORMAL) | ' ');
	/* The cursor is hidden; not moving it saves bytes on every update. */
	leaveok(p->win, TRUE);
	return 0;
}

int pane_center(struct pane *p, int sh, int sw, int h, int w)
{
	if (h > sh)
		h = sh;
	if (w > sw)
		w = sw;
	return pane_place(p, (sh - h) / 2, (sw - w) / 2, h, w);
}

void pane_box(struct pane *p, const char *title, bool focus)
{
	WINDOW *w = p->win;
	if (!w)
		return;
	unsigned long a = theme_attr(focus ? TE_BORDER_FOCUS : TE_BORDER);
	wattrset(w, (attr_t)a);
	if (text_is_ascii)
		wborder(w, '|', '|', '-', '-', '+', '+', '+', '+');
	else
		box(w, 0, 0);
	if (title && *title && p->w > 6) {
		wattrset(w, (attr_t)theme_attr(TE_TITLE));
		mvwaddstr(w, 0, 2, " ");
		text_put(w, 0, 3, p->w - 6, title, 0, theme_attr(TE_TITLE));
		waddstr(w, " ");
	}
}
