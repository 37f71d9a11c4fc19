/*
 * pane_detail.c — every field of the selected fleet or driver, as "key value"
 * lines flowed into as many columns as the width allows, scrollable with the
 * list keys when focused.  The lines are rebuilt at each draw from the
 * store's record, so a refresh shows at once and nothing is cached stale.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/money.h"
#include "ui_priv.h"

#define DETAIL_MAX_LINES 160
#define DETAIL_KEY_W 18

struct detail_line {
	const char *key; /* raw (metadata keys come from the API) */
	const char *val; /* raw or buf */
	char buf[160];
	unsigned change; /* store_change bit that highlights it */
	bool heading;
};

struct detail {
	bool driver;
	size_t top;
	char shown_id[UI_ID_MAX];
	struct detail_line *lines; /* DETAIL_MAX_LINES */
	size_t n;
	int slots; /* lines on screen now */
};

static struct detail_line *dl_add(struct detail *d, const char *key, const char *val)
{
	if (d->n >= DETAIL_MAX_LINES)
		return NULL;
	struct detail_line *l = &d->lines[d->n++];
	memset(l, 0, sizeof(*l));
	l->key = key;
	l->val = val;
	return l;
}

/* Add a line whose value is formatted into the line's own buffer. */
#define DL(d, key, fn, ...)                                                                        \
	do {                                                                                       \
		struct detail_line *l_ = dl_add((d), (key), NULL);                                 \
		if (l_)                                                                            \
			l_->val = fn(__VA_ARGS__, l_->buf, sizeof(l_->buf));                       \
	} while (0)

static void dl_heading(struct detail *d, const char *title)
{
	struct detail_line *l = dl_add(d, title, "");
	if (l)
		l->heading = true;
}

static void dl_meta(struct detail *d, const struct meta_map *m)
{
	if (m->st != FIELD_SET || m->n == 0) {
		dl_add(d, "metadata", m->st == FIELD_INVALID ? "invalid" : "none");
		return;
	}
	dl_heading(d, "metadata");
	for (size_t i = 0; i < m->n; i++)
		dl_add(d, m->keys[i], m->vals[i]);
}

static void dl_fleet_names(struct detail *d, struct ui *ui, const struct str_list *fl)
{
	if (fl->st != FIELD_SET || fl->n == 0) {
		DL(d, "fleets", fmt_list, fl);
		return;
	}
	for (size_t i = 0; i < fl->n; i++) {
		const struct fleet *f = store_fleet(ui->store, fl->v[i]);
		struct detail_line *l = dl_add(d, i == 0 ? "fleets" : "", NULL);
		if (!l)
			return;
		snprintf(l->buf, sizeof(l->buf), "%s%s%s%s", fl->v[i], f ? " (" : "",
			 f && f->name.st == FIELD_SET ? f->name.v : "", f ? ")" : "");
		l->val = l->buf;
		l->change = STORE_CHG_DRIVERS;
	}
}

static void detail_driver(struct detail *d, struct ui *ui, const struct driver *v)
{
	const struct driver_prefs *p = &v->preferences;
	DL(d, "id", fmt_str, &v->id);
	DL(d, "name", fmt_str, &v->name);
	DL(d, "email", fmt_str, &v->email);
	DL(d, "phone", fmt_str, &v->phone);
	DL(d, "license", fmt_str, &v->license_number);
	DL(d, "status", fmt_str, &v->status);
	struct detail_line *l = dl_add(d, "balance", NULL);
	if (l) {
		l->val = fmt_money(&v->wallet_balance, &p->currency, l->buf, sizeof(l->buf));
		l->change = STORE_CHG_BALANCE;
	}
	dl_fleet_names(d, ui, &v->fleets);
	DL(d, "vehicles", fmt_list, &v->vehicles);
	DL(d, "policy ids", fmt_list, &v->policy_ids);
	dl_heading(d, "preferences");
	DL(d, "charging speed", fmt_str, &p->charging_speed);
	DL(d, "currency", fmt_str, &p->currency);
	DL(d, "payment method", fmt_str, &p->default_payment_method);
	l = dl_add(d, "max price / kWh", NULL);
	if (l)
		l->val = fmt_money(&p->max_price_per_kwh, &p->currency, l->buf, sizeof(l->buf));
	DL(d, "notifications", fmt_bool, &p->notifications, "on", "off");
	DL(d, "stations", fmt_list, &p->preferred_charging_stations);
	DL(d, "cpos", fmt_list, &p->preferred_cpos);
	dl_meta(d, &v->metadata);
	DL(d, "created", fmt_time, &v->created, NULL);
	DL(d, "updated", fmt_time, &v->updated, NULL);
}

static void detail_fleet(struct detail *d, const struct fleet *v)
{
	const struct fleet_prefs *p = &v->preferences;
	const char *tz = v->timezone.st == FIELD_SET ? v->timezone.v : NULL;
	DL(d, "id", fmt_str, &v->id);
	DL(d, "name", fmt_str, &v->name);
	DL(d, "status", fmt_str, &v->status);
	DL(d, "description", fmt_str, &v->description);
	DL(d, "email", fmt_str, &v->email);
	DL(d, "phone", fmt_str, &v->phone);
	struct detail_line *l = dl_add(d, "wallet", NULL);
	if (l) {
		l->val = fmt_money(&v->wallet_balance, &p->default_currency, l->buf,
				   sizeof(l->buf));
		l->change = STORE_CHG_BALANCE;
	}
	if ((l = dl_add(d, "drivers", NULL))) {
		l->val = fmt_i64(&v->total_drivers, l->buf, sizeof(l->buf));
		l->change = STORE_CHG_DRIVERS;
	}
	if ((l = dl_add(d, "vehicles", NULL))) {
		l->val = fmt_i64(&v->total_vehicles, l->buf, sizeof(l->buf));
		l->change = STORE_CHG_VEHICLES;
	}
	if ((l = dl_add(d, "sessions", NULL))) {
		l->val = fmt_i64(&v->total_sessions, l->buf, sizeof(l->buf));
		l->change = STORE_CHG_SESSIONS;
	}
	if ((l = dl_add(d, "energy", NULL))) {
		const struct opt_f64 *e = &v->total_energy_consumed_kwh;
		l->val = e->st == FIELD_SET ? energy_format(e->v, l->buf, sizeof(l->buf))
					    : (e->st == FIELD_INVALID ? "invalid" : NULL);
		l->change = STORE_CHG_ENERGY;
	}
	dl_heading(d, "preferences");
	DL(d, "billing cycle", fmt_str, &p->billing_cycle);
	DL(d, "currency", fmt_str, &p->default_currency);
	DL(d, "payment method", fmt_str, &p->default_payment_method);
	DL(d, "notifications", fmt_bool, &p->notifications, "on", "off");
	DL(d, "reports", fmt_str, &p->report_frequency);
	dl_heading(d, "address");
	DL(d, "line 1", fmt_str, &v->address.line1);
	DL(d, "line 2", fmt_str, &v->address.line2);
	DL(d, "city", fmt_str, &v->address.city);
	DL(d, "postal code", fmt_str, &v->address.postal_code);
	DL(d, "state", fmt_str, &v->address.state);
	DL(d, "country", fmt_str, &v->address.country);
	DL(d, "timezone", fmt_str, &v->timezone);
	DL(d, "metric system", fmt_str, &v->metric_system);
	DL(d, "policy ids", fmt_list, &v->policy_ids);
	dl_meta(d, &v->metadata);
	DL(d, "created", fmt_time, &v->created, tz);
	DL(d, "updated", fmt_time, &v->updated, tz);
}

static void detail_draw_lines(struct pane *p, struct ui *ui, struct detail *d, const char *id)
{
	WINDOW *w = p->win;
	int rows = p->h - 2, inner = p->w - 2;
	int ncols = inner >= 100 ? 2 : 1;
	int colw = inner / ncols;
	unsigned changed = hl_get(&ui->hl, id, ui_now());
	d->slots = rows * ncols;
	if (d->top + (size_t)d->slots > d->n)
		d->top = d->n > (size_t)d->slots ? d->n - (size_t)d->slots : 0;
	for (int s = 0; s < d->slots; s++) {
		size_t i = d->top + (size_t)s;
		if (i >= d->n)
			break;
		const struct detail_line *l = &d->lines[i];
		int y = 1 + s % rows, x = 1 + (s / rows) * colw + 1;
		int kw = DETAIL_KEY_W < colw / 2 ? DETAIL_KEY_W : colw / 2;
		if (l->heading) {
			text_put(w, y, x, colw - 2, l->key, 0, theme_attr(TE_HEADER));
			continue;
		}
		text_put(w, y, x, kw - 1, l->key, 0, theme_attr(TE_DETAIL_KEY));
		enum theme_elem e = l->val ? TE_DETAIL_VALUE : TE_DIM;
		if (changed & l->change)
			e = TE_CHANGED;
		text_put(w, y, x + kw, colw - kw - 2, l->val, 0, theme_attr(e));
	}
}

static void detail_draw(struct pane *p, struct ui *ui)
{
	struct detail *d = p->data;
	WINDOW *w = p->win;
	if (!w)
		return;
	struct ui_selection sel = ui_selection(ui);
	const struct driver *dv = d->driver ? sel.driver : NULL;
	const struct fleet *fv = d->driver ? NULL : sel.fleet;
	const struct opt_str *name = dv ? &dv->name : fv ? &fv->name : NULL;
	const struct opt_str *oid = dv ? &dv->id : fv ? &fv->id : NULL;
	const char *id = oid && oid->st == FIELD_SET ? oid->v : "";
	wbkgdset(w, (chtype)theme_attr(TE_NORMAL) | ' ');
	werase(w);
	pane_box(p, name && name->st == FIELD_SET ? name->v : (d->driver ? "Driver" : "Fleet"),
		 p->focused);
	if (strcmp(id, d->shown_id) != 0) { /* another record: back to its top */
		snprintf(d->shown_id, sizeof(d->shown_id), "%s", id);
		d->top = 0;
	}
	d->n = 0;
	if (dv)
		detail_driver(d, ui, dv);
	else if (fv)
		detail_fleet(d, fv);
	if (d->n)
		detail_draw_lines(p, ui, d, id);
	else if (p->h > 2)
		text_put(w, 1, 2, p->w - 4, d->driver ? "no driver selected" : "no fleet selected",
			 0, theme_attr(TE_DIM));
	wnoutrefresh(w);
}

static unsigned detail_key(struct pane *p, struct ui *ui, const struct key_event *ev)
{
	struct detail *d = p->data;
	size_t page = d->slots > 1 ? (size_t)d->slots - 1 : 1;
	switch (ev->action) {
	case ACT_DOWN: d->top++; break;
	case ACT_UP: d->top = d->top ? d->top - 1 : 0; break;
	case ACT_PAGE_DOWN: d->top += page; break;
	case ACT_PAGE_UP: d->top = d->top > page ? d->top - page : 0; break;
	case ACT_TOP: d->top = 0; break;
	case ACT_BOTTOM: d->top = DETAIL_MAX_LINES; break;
	case ACT_ESCAPE:
		ui_focus(ui, d->driver ? UI_P_DRIVERS : UI_P_FLEETS);
		break;
	default: return UI_IGNORED;
	}
	return UI_HANDLED | UI_REDRAW;
}

static void detail_resize(struct pane *p, struct ui *ui, int y, int x, int h, int w)
{
	pane_place(p, y, x, h, w);
}

static void detail_free(struct pane *p)
{
	struct detail *d = p->data;
	if (d)
		free(d->lines);
	free(d);
}

static const struct pane_ops detail_ops = {
	.kind = "detail",
	.draw = detail_draw,
	.key = detail_key,
	.resize = detail_resize,
	.free = detail_free,
};

struct pane *detail_pane_new(bool driver)
{
	struct detail *d = calloc(1, sizeof(*d));
	if (d)
		d->lines = calloc(DETAIL_MAX_LINES, sizeof(*d->lines));
	struct pane *p = d && d->lines ? pane_new(&detail_ops, d) : NULL;
	if (!p) {
		if (d)
			free(d->lines);
		free(d);
		return NULL;
	}
	d->driver = driver;
	return p;
}
