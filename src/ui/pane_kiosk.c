/*
 * pane_kiosk.c — the --kiosk wall view: one fleet at a time, its name and
 * its five totals drawn large enough to read from across a room, a strip
 * with the account's totals and the fleets that come next, and how old the
 * data is.  The fleets list still exists (hidden): it holds the sorted view
 * and the selection this pane shows, so rotation is a change of selection.
 *
 * No personal data is drawn here at all: a fleet's name and counts only.
 * Keys do almost nothing on a wall (see kp_key); the only way out is the
 * chord of kiosk.h, or a signal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "chargetui/kiosk.h"
#include "chargetui/money.h"
#include "chargetui/store.h"
#include "chargetui/timefmt.h"
#include "ui_priv.h"

#define KP_NEXT 3 /* fleets named in the strip as coming next */

struct kiosk_pane {
	struct kiosk_chord chord;
};

struct kp_fig {
	const char *label;
	unsigned change; /* store_change bit that highlights it */
	char exact[96];  /* may hold the server's currency code: text_put only */
	char big[64];    /* digits and separators only (kfont_figure) */
};

double kiosk_rotate_s(const struct ui *ui)
{
	return ui->o.kiosk_rotate_s > 0 ? ui->o.kiosk_rotate_s : UI_KIOSK_ROTATE_S;
}

static struct list_state *kp_fleets(struct ui *ui)
{
	return list_state(ui->panes[UI_P_FLEETS]);
}

void kiosk_step(struct ui *ui, int dir)
{
	struct list_state *ls = kp_fleets(ui);
	list_selected(ui->panes[UI_P_FLEETS]); /* ls->sel follows its id first */
	size_t len = store_view_len(ls->view);
	if (len < 2)
		return;
	size_t next = dir < 0 ? (ls->sel + len - 1) % len : (ls->sel + 1) % len;
	const char *id = store_view_id(ls->view, next);
	if (id)
		list_select_id(ui->panes[UI_P_FLEETS], id);
	ui->dirty = true;
}

size_t kiosk_visible_ids(struct ui *ui, const char **ids, size_t max)
{
	struct list_state *ls = kp_fleets(ui);
	size_t len = store_view_len(ls->view), n = 0;
	for (size_t i = 0; i <= KP_NEXT && i < len && n < max; i++) {
		const char *id = store_view_id(ls->view, (ls->sel + i) % len);
		if (id)
			ids[n++] = id;
	}
	return n;
}

/* "1,234": a count the way a room reads it. */
static const char *kp_count(const struct opt_i64 *v, char *buf, size_t n)
{
	return v->st == FIELD_SET ? count_format(v->v, buf, n) : fmt_i64(v, buf, n);
}

static void kp_set(struct kp_fig *f, const char *label, unsigned change, const char *exact)
{
	f->label = label;
	f->change = change;
	snprintf(f->exact, sizeof(f->exact), "%s", exact);
	kfont_figure(f->exact, f->big, sizeof(f->big));
}

static void kp_figures(const struct fleet *fl, struct kp_fig fig[KIOSK_NFIG])
{
	char buf[96];
	kp_set(&fig[0], "DRIVERS", STORE_CHG_DRIVERS,
	       kp_count(&fl->total_drivers, buf, sizeof(buf)));
	kp_set(&fig[1], "VEHICLES", STORE_CHG_VEHICLES,
	       kp_count(&fl->total_vehicles, buf, sizeof(buf)));
	kp_set(&fig[2], "SESSIONS", STORE_CHG_SESSIONS,
	       kp_count(&fl->total_sessions, buf, sizeof(buf)));
	const struct opt_f64 *e = &fl->total_energy_consumed_kwh;
	kp_set(&fig[3], "ENERGY", STORE_CHG_ENERGY,
	       e->st == FIELD_SET       ? energy_format(e->v, buf, sizeof(buf))
	       : e->st == FIELD_INVALID ? "invalid"
	                                : text_glyph("—", "-"));
	kp_set(&fig[4], "WALLET", STORE_CHG_BALANCE,
	       fmt_money(&fl->wallet_balance, &fl->preferences.default_currency, buf, sizeof(buf)));
}

/* s drawn big, centred in [x, x + width) from row y; our own glyphs only. */
static void kp_big(WINDOW *w, int y, int x, int width, const char *s, int scale, enum theme_elem e)
{
	int h = kfont_height(scale, text_ascii());
	int bw = kfont_width(s, scale);
	size_t n = (size_t)bw * 3 + 1; /* a half block is 3 bytes of UTF-8 */
	char *row = bw >= 0 && bw <= width ? malloc(n) : NULL;
	if (!row)
		return;
	wattrset(w, (attr_t)theme_attr(e));
	for (int r = 0; r < h; r++)
		if (kfont_row(s, scale, text_ascii(), r, row, n) >= 0)
			mvwaddstr(w, y + r, x + (width - bw) / 2, row);
	free(row);
}

/* Server text (or ours) centred in [x, x + width) on row y. */
static void kp_centre(WINDOW *w, int y, int x, int width, const char *raw, enum theme_elem e)
{
	int tw = text_width(raw);
	if (tw > width)
		tw = width;
	text_put(w, y, x + (width - tw) / 2, width, raw, 0, theme_attr(e));
}

/* Badges, "FLEET k OF n" and the status line's clock (ts_format_clock):
 * when the data last changed (so it
 * moves only when something on screen does), and when stale, since when
 * the refreshes have failed.  Nothing here ticks. */
static void kp_header(struct pane *p, struct ui *ui)
{
	struct list_state *ls = kp_fleets(ui);
	size_t len = store_view_len(ls->view);
	char buf[96], stale[64] = "", hms[16];
	/* The wall has the whole screen: the status line's badges are here. */
	int x = text_put(p->win, 0, 0, p->w, ui->o.live ? " LIVE " : " TEST ", 0,
	                 theme_attr(ui->o.live ? TE_BADGE_LIVE : TE_BADGE_TEST));
	x += 1 +
	     text_put(p->win, 0, x + 1, p->w - x - 1, " KIOSK ", 0, theme_attr(TE_BADGE_READONLY));
	if (len)
		snprintf(buf, sizeof(buf), " FLEET %zu OF %zu ", ls->sel + 1, len);
	else
		snprintf(buf, sizeof(buf), " FLEETS ");
	x += text_put(p->win, 0, x, p->w - x, buf, 0, theme_attr(TE_KIOSK_LABEL));
	ts_format_clock(ui->data_ms, false, hms, sizeof(hms));
	snprintf(buf, sizeof(buf), "last change %s ", hms);
	if (ui->stale) {
		ts_format_clock(ui->refreshed_ms, true, hms, sizeof(hms));
		if (ui->refreshed_ms > 0)
			snprintf(stale, sizeof(stale), " STALE since %s ", hms);
		else
			snprintf(stale, sizeof(stale), " STALE ");
	}
	int cw = (int)strlen(buf), sw = (int)strlen(stale);
	int right = p->w - cw - sw;
	if (right < x)
		return;
	text_put(p->win, 0, right, cw, buf, 0, theme_attr(TE_KIOSK_LABEL));
	if (sw)
		text_put(p->win, 0, right + cw, sw, stale, 0, theme_attr(TE_STALE));
}

/* The name big when the font has every character of it (then only our
 * glyphs reach the screen), else as one line of sanitized text. */
static void kp_name(struct pane *p, const struct fleet *f, const struct kiosk_layout *l)
{
	const char *name = f->name.st == FIELD_SET ? f->name.v : NULL;
	if (l->name_scale && name) {
		kp_big(p->win, l->name_y, 0, p->w, name, l->name_scale, TE_KIOSK_NAME);
		kp_centre(p->win, l->name_y + l->name_h - 1, 1, p->w - 2, name, TE_KIOSK_LABEL);
	} else {
		kp_centre(p->win, l->name_y, 1, p->w - 2, name, TE_KIOSK_NAME);
	}
}

static void kp_tile(struct pane *p, const struct kp_fig *fig, bool changed,
                    const struct kiosk_tile *t)
{
	kp_centre(p->win, t->y, t->x + 1, t->w - 2, fig->label, TE_KIOSK_LABEL);
	if (!t->scale) { /* too wide for its tile: readable, if not from afar */
		kp_centre(p->win, t->fig_y, t->x + 1, t->w - 2, fig->exact,
		          changed ? TE_CHANGED : TE_KIOSK_FIGURE);
		return;
	}
	kp_big(p->win, t->fig_y, t->x + 1, t->w - 2, fig->big, t->scale, TE_KIOSK_FIGURE);
	kp_centre(p->win, t->y + t->h - 1, t->x + 1, t->w - 2, fig->exact,
	          changed ? TE_CHANGED : TE_KIOSK_LABEL);
}

static void kp_tiles(struct pane *p, struct ui *ui, const struct fleet *f,
                     const struct kp_fig fig[KIOSK_NFIG], const struct kiosk_layout *l)
{
	unsigned hl = f->id.st == FIELD_SET ? hl_get(&ui->hl, f->id.v, ui_now()) : 0;
	for (int i = 0; i < KIOSK_NFIG; i++) {
		bool changed = (hl & fig[i].change) != 0;
		if (!l->small) {
			kp_tile(p, &fig[i], changed, &l->tile[i]);
			continue;
		}
		int y = l->lines_y + i;
		text_put(p->win, y, 2, 12, fig[i].label, 0, theme_attr(TE_KIOSK_LABEL));
		text_put(p->win, y, 14, p->w - 16, fig[i].exact, 0,
		         theme_attr(changed ? TE_CHANGED : TE_KIOSK_FIGURE));
	}
}

/* The account's totals over every fleet loaded; the wallet only when every
 * fleet keeps the same currency (a sum across currencies means nothing). */
static void kp_account(struct pane *p, struct ui *ui, int y)
{
	struct list_state *ls = kp_fleets(ui);
	size_t len = store_view_len(ls->view);
	struct opt_i64 total = {.st = FIELD_SET, .v = 0};
	double kwh = 0;
	int64_t minor = 0;
	const char *cur = NULL;
	bool one_cur = true;
	for (size_t i = 0; i < len; i++) {
		const struct fleet *f = store_view_fleet(ls->view, i);
		if (!f)
			continue;
		/* Each value is below 2^53 (JSN-6), but a server's thousand
		 * fleets of them would overflow: such a sum is not shown. */
		if (f->total_sessions.st == FIELD_SET &&
		    __builtin_add_overflow(total.v, f->total_sessions.v, &total.v))
			total.st = FIELD_INVALID;
		kwh += f->total_energy_consumed_kwh.st == FIELD_SET ? f->total_energy_consumed_kwh.v
		                                                    : 0;
		if (f->wallet_balance.st == FIELD_SET &&
		    __builtin_add_overflow(minor, f->wallet_balance.v, &minor))
			one_cur = false;
		const struct opt_str *c = &f->preferences.default_currency;
		if (c->st != FIELD_SET || (cur && strcasecmp(cur, c->v) != 0))
			one_cur = false;
		else
			cur = c->v;
	}
	char s[48], e[48], m[64], line[320];
	int n = snprintf(line, sizeof(line), "ALL %zu FLEETS %s %s sessions %s %s", len,
	                 text_glyph("·", "-"), kp_count(&total, s, sizeof(s)), text_glyph("·", "-"),
	                 energy_format(kwh, e, sizeof(e)));
	if (n > 0 && (size_t)n < sizeof(line) && one_cur && cur && len)
		snprintf(line + n, sizeof(line) - (size_t)n, " %s %s", text_glyph("·", "-"),
		         money_format(minor, cur, m, sizeof(m)));
	/* The currency code is the server's: text_put sanitizes the line. */
	text_put(p->win, y, 1, p->w - 2, line, 0, theme_attr(TE_KIOSK_LABEL));
}

/* "NEXT  London Couriers · 東京 配送センター · …" and how often it turns. */
static void kp_next(struct pane *p, struct ui *ui, int y)
{
	struct list_state *ls = kp_fleets(ui);
	size_t len = store_view_len(ls->view);
	char every[48];
	snprintf(every, sizeof(every), " every %g s ", kiosk_rotate_s(ui));
	int ew = (int)strlen(every), room = p->w - ew - 1;
	int x = 1 + text_put(p->win, y, 1, room, "NEXT ", 0, theme_attr(TE_KIOSK_LABEL));
	for (size_t i = 1; i <= KP_NEXT && i < len && x < room; i++) {
		const struct fleet *f = store_view_fleet(ls->view, (ls->sel + i) % len);
		if (!f)
			continue;
		if (i > 1)
			x += text_put(p->win, y, x, room - x, text_glyph(" · ", " - "), 0,
			              theme_attr(TE_KIOSK_LABEL));
		x += text_put(p->win, y, x, room - x, f->name.st == FIELD_SET ? f->name.v : NULL, 0,
		              theme_attr(TE_KIOSK_NAME));
	}
	if (p->w > ew)
		text_put(p->win, y, p->w - ew, ew, every, 0, theme_attr(TE_KIOSK_LABEL));
}

static void kp_empty(struct pane *p, struct ui *ui)
{
	const char *msg = ui->loading_fleets  ? text_glyph("loading fleets…", "loading fleets...")
	                  : ui->fleets_failed ? "no answer from the server yet: retrying"
	                                      : "no fleets in this account";
	kp_centre(p->win, p->h / 2, 0, p->w, msg, TE_KIOSK_LABEL);
}

static void kp_draw(struct pane *p, struct ui *ui)
{
	const struct fleet *f = list_selected(ui->panes[UI_P_FLEETS]);
	werase(p->win);
	kp_header(p, ui);
	if (!f) {
		kp_empty(p, ui);
		wnoutrefresh(p->win);
		return;
	}
	struct kp_fig fig[KIOSK_NFIG];
	kp_figures(f, fig);
	const char *figs[KIOSK_NFIG];
	for (int i = 0; i < KIOSK_NFIG; i++)
		figs[i] = fig[i].big;
	/* The font's glyphs are at least two columns each with their gap, so
	 * a name with more bytes than the wall is wide never fits big; it is
	 * not measured, or a 1 MiB one (SAN-10) would cost the layout's two
	 * dozen passes over it in every frame. */
	const char *name = f->name.st == FIELD_SET &&
	                           strnlen(f->name.v, (size_t)p->w + 1) <= (size_t)p->w &&
	                           kfont_width(f->name.v, 1) >= 0
	                       ? f->name.v
	                       : NULL;
	struct kiosk_layout l;
	kiosk_layout(p->h, p->w, text_ascii(), name, figs, &l);
	kp_name(p, f, &l);
	kp_tiles(p, ui, f, fig, &l);
	if (l.strip_y + 1 < p->h) {
		/* While refreshes fail, why (the server's words, sanitized) */
		if (ui->stale && ui->error[0])
			text_put(p->win, l.strip_y, 1, p->w - 2, ui->error, 0,
			         theme_attr(TE_ERROR));
		else
			kp_account(p, ui, l.strip_y);
		kp_next(p, ui, l.strip_y + 1);
	}
	wnoutrefresh(p->win);
}

/* A wall has no use for most keys, and a passer-by must not change what it
 * shows for long: the arrows and j/k step through the fleets (rotation goes
 * on from there), r refreshes, ^L repaints; everything else does nothing. */
static unsigned kp_key(struct pane *p, struct ui *ui, const struct key_event *ev)
{
	struct kiosk_pane *k = p->data;
	if (ev->is_code && ev->code == KEY_RESIZE)
		return UI_RELAYOUT | UI_REDRAW;
	if (ev->is_code && ev->code == KEY_MOUSE) {
		MEVENT m;
		getmouse(&m); /* taken off curses' queue, and ignored */
		return UI_HANDLED;
	}
	if (kiosk_chord_feed(&k->chord, ev->code, ev->is_code, ui_now()))
		return UI_QUIT;
	switch (ev->action) {
	case ACT_DOWN:
	case ACT_PAGE_DOWN:
	case ACT_PANE_RIGHT:
	case ACT_NEXT_PANE:
		kiosk_step(ui, 1);
		return UI_HANDLED | UI_REDRAW;
	case ACT_UP:
	case ACT_PAGE_UP:
	case ACT_PANE_LEFT:
	case ACT_PREV_PANE:
		kiosk_step(ui, -1);
		return UI_HANDLED | UI_REDRAW;
	case ACT_REDRAW:
		return UI_HANDLED | UI_REPAINT;
	case ACT_REFRESH:
		return ui_run_action(ui, ACT_REFRESH);
	default:
		return UI_HANDLED;
	}
}

static void kp_resize(struct pane *p, struct ui *ui, int y, int x, int h, int w)
{
	pane_place(p, y, x, h, w);
}

static void kp_free(struct pane *p)
{
	free(p->data);
}

static const struct pane_ops kiosk_ops = {
    .kind = "kiosk",
    .draw = kp_draw,
    .key = kp_key,
    .resize = kp_resize,
    .free = kp_free,
};

struct pane *kiosk_pane_new(struct ui *ui)
{
	struct kiosk_pane *k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	kiosk_chord_init(&k->chord);
	struct pane *p = pane_new(&kiosk_ops, k);
	if (!p)
		free(k);
	return p;
}
