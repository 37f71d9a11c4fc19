/*
 * list.c — the list pane the fleets and drivers panes are made of: columns
 * that fit the width by priority, a header with the sort mark, and only the
 * visible rows drawn, so 100,000 drivers cost what 30 do.  The selection is
 * kept by id across refreshes, re-sorts and filters (tmux's stable tag).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/sanitize.h"
#include "ui_priv.h"

struct list_state *list_state(struct pane *p)
{
	return p->data;
}

/* Which columns fit: by priority, each fixed column plus a separator, the
 * flexible one keeping at least 16 columns. */
static void list_fit_columns(struct list_state *ls, int avail)
{
	const struct list_def *d = ls->def;
	int used = 16, flex = -1;
	memset(ls->colw, 0, sizeof(ls->colw));
	for (int prio = 0; prio < 10; prio++) {
		for (int i = 0; i < d->ncols && i < 16; i++) {
			const struct list_col *c = &d->cols[i];
			if (c->prio != prio)
				continue;
			if (c->width == 0) {
				flex = i;
				continue;
			}
			if (used + c->width + 1 <= avail) {
				ls->colw[i] = c->width;
				used += c->width + 1;
			}
		}
	}
	if (flex >= 0)
		ls->colw[flex] = 16 + (avail - used > 0 ? avail - used : 0);
}

/* Keep sel on the same record after the view changed under it. */
static void list_sync_selection(struct list_state *ls)
{
	size_t len = store_view_len(ls->view);
	if (len == 0) {
		ls->sel = ls->top = 0;
		return;
	}
	if (ls->sel_id[0]) {
		const void *rec = ls->sel < len ? ls->def->row(ls->view, ls->sel) : NULL;
		const char *id = rec ? ls->def->id(rec) : NULL;
		if (!id || strcmp(id, ls->sel_id) != 0) {
			ssize_t at = store_view_find(ls->view, ls->sel_id);
			if (at >= 0)
				ls->sel = (size_t)at;
		}
	}
	if (ls->sel >= len)
		ls->sel = len - 1;
	const void *rec = ls->def->row(ls->view, ls->sel);
	const char *id = rec ? ls->def->id(rec) : NULL;
	snprintf(ls->sel_id, sizeof(ls->sel_id), "%s", id ? id : "");
}

static void list_scroll_into_view(struct list_state *ls)
{
	int rows = ls->rows > 0 ? ls->rows : 1;
	size_t len = store_view_len(ls->view);
	if (ls->sel < ls->top)
		ls->top = ls->sel;
	if (ls->sel >= ls->top + (size_t)rows)
		ls->top = ls->sel - (size_t)rows + 1;
	/* No empty space below the last row when there is more above. */
	if (len > (size_t)rows && ls->top + (size_t)rows > len)
		ls->top = len - (size_t)rows;
	if (len <= (size_t)rows)
		ls->top = 0;
}

static void list_draw_header(struct pane *p, struct list_state *ls)
{
	WINDOW *w = p->win;
	int x = 3;
	wattrset(w, (attr_t)theme_attr(TE_HEADER));
	mvwhline(w, 1, 1, ' ', p->w - 2);
	for (int i = 0; i < ls->def->ncols; i++) {
		int cw = ls->colw[i];
		if (!cw)
			continue;
		const struct list_col *c = &ls->def->cols[i];
		char t[64];
		const char *mark = "";
		if (i == ls->sort_col)
			mark = ls->desc ? text_glyph("▼", "v") : text_glyph("▲", "^");
		snprintf(t, sizeof(t), "%s%s", c->title, mark);
		if (c->right)
			text_put_right(w, 1, x, cw, t, theme_attr(TE_HEADER));
		else
			text_put(w, 1, x, cw, t, 0, theme_attr(TE_HEADER));
		x += cw + 1;
	}
}

static void list_draw_row(struct pane *p, struct ui *ui, struct list_state *ls, int y,
			  const void *rec, bool selected, double now)
{
	WINDOW *w = p->win;
	const char *id = ls->def->id(rec);
	bool marked = ls->def->markable && mark_has(&ui->marks, id);
	enum theme_elem base = marked ? TE_ROW_MARKED : TE_ROW;
	if (selected)
		base = p->focused ? TE_ROW_SELECTED : TE_ROW_CURSOR;
	unsigned long battr = theme_attr(base);
	unsigned changed = hl_get(&ui->hl, id, now);
	wattrset(w, (attr_t)battr);
	mvwhline(w, y, 1, ' ', p->w - 2);
	/* The cursor and the mark as text too, so they survive any theme. */
	mvwaddstr(w, y, 1, selected ? text_glyph("▶", ">") : " ");
	if (marked)
		mvwaddstr(w, y, 2, "*");
	int x = 3;
	for (int i = 0; i < ls->def->ncols; i++) {
		int cw = ls->colw[i];
		if (!cw)
			continue;
		const struct list_col *c = &ls->def->cols[i];
		char buf[256];
		const char *s = c->text(ui, rec, buf, sizeof(buf));
		unsigned long a = battr;
		if (changed & c->change)
			a = theme_attr(TE_CHANGED);
		else if (!selected && c->elem)
			a = theme_attr(c->elem(rec));
		if (c->right) {
			/* The padding is the row's blank, already in its base
			 * attribute: only the value's own cells change attribute,
			 * so a highlight costs fewer bytes. */
			int vw = text_width(s);
			vw = vw < cw ? vw : cw;
			text_put(w, y, x + cw - vw, vw, s, 0, a);
		} else {
			text_put(w, y, x, cw, s, 0, a);
		}
		x += cw + 1;
	}
}

static void list_draw(struct pane *p, struct ui *ui)
{
	struct list_state *ls = p->data;
	WINDOW *w = p->win;
	if (!w)
		return;
	wbkgdset(w, (chtype)theme_attr(TE_NORMAL) | ' ');
	werase(w);
	char title[256];
	ls->def->title(ui, p, title, sizeof(title));
	pane_box(p, title, p->focused);
	ls->rows = p->h - 3;
	list_fit_columns(ls, p->w - 4);
	list_sync_selection(ls);
	list_scroll_into_view(ls);
	if (p->h < 4)
		goto out;
	list_draw_header(p, ls);
	size_t len = store_view_len(ls->view);
	double now = ui_now();
	for (int r = 0; r < ls->rows; r++) {
		size_t i = ls->top + (size_t)r;
		if (i >= len)
			break;
		const void *rec = ls->def->row(ls->view, i);
		if (rec)
			list_draw_row(p, ui, ls, 2 + r, rec, i == ls->sel, now);
	}
	/* Where the cursor is, on the bottom border (tig, less): with 100,000
	 * rows the scroll bar alone says little. */
	if (len > 0 && p->w > 24) {
		char pos[48];
		snprintf(pos, sizeof(pos), " %zu/%zu ", ls->sel + 1, len);
		int pw = (int)strlen(pos);
		wattrset(w, (attr_t)theme_attr(p->focused ? TE_BORDER_FOCUS : TE_BORDER));
		mvwaddstr(w, p->h - 1, p->w - pw - 2, pos);
	}
	if (len == 0) {
		bool loading = ui->loading_fleets || ui->loading_drivers || ui->scope_job;
		const char *empty = ls->filter[0] ? "no match for the filter"
				    : loading	  ? text_glyph("loading…", "loading...")
						  : "none";
		text_put(w, 2, 3, p->w - 4, empty, 0, theme_attr(TE_DIM));
	}
out:
	wnoutrefresh(w);
}

static void list_move(struct list_state *ls, long delta)
{
	size_t len = store_view_len(ls->view);
	if (len == 0)
		return;
	long target = (long)ls->sel + delta;
	if (target < 0)
		target = 0;
	if ((size_t)target >= len)
		target = (long)len - 1;
	ls->sel = (size_t)target;
	const void *rec = ls->def->row(ls->view, ls->sel);
	const char *id = rec ? ls->def->id(rec) : NULL;
	snprintf(ls->sel_id, sizeof(ls->sel_id), "%s", id ? id : "");
}

static void list_apply_sort(struct list_state *ls)
{
	enum sort_key k = ls->sort_col >= 0 ? ls->def->cols[ls->sort_col].sort : SORT_DEFAULT;
	store_view_set_sort(ls->view, k, ls->desc);
}

/* `s`: the next sortable column after the current one, then the API order. */
static void list_sort_next(struct list_state *ls)
{
	int i = ls->sort_col;
	for (int k = 0; k <= ls->def->ncols; k++) {
		i++;
		if (i >= ls->def->ncols) {
			i = -1;
			break;
		}
		if (ls->def->cols[i].sort != SORT_DEFAULT)
			break;
	}
	ls->sort_col = i;
	list_apply_sort(ls);
}

static unsigned list_sort_column(struct ui *ui, struct list_state *ls, int col)
{
	if (col >= ls->def->ncols) {
		ui_message(ui, true, "there is no column %d here", col + 1);
		return UI_HANDLED | UI_REDRAW;
	}
	if (ls->def->cols[col].sort == SORT_DEFAULT) {
		ui_message(ui, true, "column %d (%s) cannot be sorted", col + 1,
			   ls->def->cols[col].title);
		return UI_HANDLED | UI_REDRAW;
	}
	if (ls->sort_col == col)
		ls->desc = !ls->desc;
	else
		ls->desc = false;
	ls->sort_col = col;
	list_apply_sort(ls);
	return UI_HANDLED | UI_REDRAW;
}

static unsigned list_key(struct pane *p, struct ui *ui, const struct key_event *ev)
{
	struct list_state *ls = p->data;
	long page = ls->rows > 1 ? ls->rows - 1 : 1;
	const void *rec;
	switch (ev->action) {
	case ACT_DOWN: list_move(ls, 1); break;
	case ACT_UP: list_move(ls, -1); break;
	case ACT_PAGE_DOWN: list_move(ls, page); break;
	case ACT_PAGE_UP: list_move(ls, -page); break;
	case ACT_TOP: list_move(ls, -(long)store_view_len(ls->view)); break;
	case ACT_BOTTOM: list_move(ls, (long)store_view_len(ls->view)); break;
	case ACT_SORT_NEXT: list_sort_next(ls); break;
	case ACT_SORT_REVERSE:
		ls->desc = !ls->desc;
		list_apply_sort(ls);
		break;
	case ACT_SORT_1: case ACT_SORT_2: case ACT_SORT_3:
	case ACT_SORT_4: case ACT_SORT_5: case ACT_SORT_6:
		return list_sort_column(ui, ls, ev->action - ACT_SORT_1);
	case ACT_OPEN:
		rec = list_selected(p);
		return rec && ls->def->open ? ls->def->open(ui, rec) : UI_HANDLED;
	case ACT_MARK:
		if (!ls->def->markable)
			return UI_IGNORED;
		rec = list_selected(p);
		if (rec && ls->def->id(rec))
			mark_toggle(&ui->marks, ls->def->id(rec));
		list_move(ls, 1); /* mutt and mc: mark, then the next row */
		break;
	case ACT_MARK_ALL:
		if (!ls->def->markable)
			return UI_IGNORED;
		ui_message(ui, false, "%zu more marked", mark_view(&ui->marks, ls->view));
		break;
	case ACT_ESCAPE:
		if (!ls->filter[0])
			return UI_IGNORED;
		list_set_filter(p, "");
		break;
	default: return UI_IGNORED;
	}
	return UI_HANDLED | UI_REDRAW;
}

static void list_resize(struct pane *p, struct ui *ui, int y, int x, int h, int w)
{
	(void)ui;
	pane_place(p, y, x, h, w);
}

static void list_free(struct pane *p)
{
	struct list_state *ls = p->data;
	if (!ls)
		return;
	store_view_free(ls->view);
	free(ls);
}

static const struct pane_ops list_ops = {
	.kind = "list",
	.draw = list_draw,
	.key = list_key,
	.resize = list_resize,
	.free = list_free,
};

struct pane *list_pane_new(struct ui *ui, const struct list_def *def)
{
	struct list_state *ls = calloc(1, sizeof(*ls));
	if (!ls)
		return NULL;
	ls->def = def;
	ls->sort_col = -1;
	ls->view = store_view_new(ui->store, def->view);
	struct pane *p = ls->view ? pane_new(&list_ops, ls) : NULL;
	if (!p) {
		store_view_free(ls->view);
		free(ls);
	}
	return p;
}

const void *list_selected(struct pane *p)
{
	struct list_state *ls = p->data;
	list_sync_selection(ls);
	size_t len = store_view_len(ls->view);
	return ls->sel < len ? ls->def->row(ls->view, ls->sel) : NULL;
}

void list_set_filter(struct pane *p, const char *text)
{
	struct list_state *ls = p->data;
	snprintf(ls->filter, sizeof(ls->filter), "%s", text ? text : "");
	store_view_set_filter(ls->view, ls->filter);
}

bool list_select_id(struct pane *p, const char *id)
{
	struct list_state *ls = p->data;
	ssize_t at = store_view_find(ls->view, id);
	if (at < 0)
		return false;
	ls->sel = (size_t)at;
	snprintf(ls->sel_id, sizeof(ls->sel_id), "%s", id);
	return true;
}

bool list_select_screen_row(struct pane *p, int y)
{
	struct list_state *ls = p->data;
	int r = y - 2; /* below the border and the header */
	if (r < 0 || r >= ls->rows)
		return false;
	size_t i = ls->top + (size_t)r;
	if (i >= store_view_len(ls->view))
		return false;
	list_move(ls, (long)i - (long)ls->sel);
	return true;
}

size_t list_visible_ids(struct pane *p, const char **ids, size_t max)
{
	struct list_state *ls = p->data;
	/* Before the length: asking it rebuilds a view that changed, and a
	 * hidden list (zoom, the kiosk wall) has nothing on screen. */
	if (p->hidden)
		return 0;
	size_t len = store_view_len(ls->view), n = 0;
	for (int r = 0; r < ls->rows && n < max; r++) {
		size_t i = ls->top + (size_t)r;
		if (i >= len)
			break;
		const void *rec = ls->def->row(ls->view, i);
		const char *id = rec ? ls->def->id(rec) : NULL;
		if (id)
			ids[n++] = id;
	}
	return n;
}

int list_sort_by_name(struct pane *p, const char *key, bool desc)
{
	struct list_state *ls = p->data;
	/* A column by its title, or by the other name people use for it. */
	static const char *const aliases[][2] = {
		{"balance", "wallet"}, {"wallet", "balance"}, {"vehicles", "veh"},
		{"veh", "vehicles"},   {"fleets", "flt"},
	};
	const char *alt = NULL;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(aliases[i][0], key) == 0)
			alt = aliases[i][1];
	for (int c = 0; c < ls->def->ncols; c++) {
		const struct list_col *col = &ls->def->cols[c];
		if (col->sort == SORT_DEFAULT ||
		    (strcmp(col->title, key) != 0 && !(alt && strcmp(col->title, alt) == 0)))
			continue;
		ls->sort_col = c;
		ls->desc = desc;
		list_apply_sort(ls);
		return 0;
	}
	/* Keys with no column of their own. */
	enum sort_key k;
	if (strcmp(key, "default") == 0)
		k = SORT_DEFAULT;
	else if (strcmp(key, "updated") == 0)
		k = SORT_UPDATED;
	else
		return -1;
	ls->sort_col = -1;
	ls->desc = desc;
	store_view_set_sort(ls->view, k, desc);
	return 0;
}
