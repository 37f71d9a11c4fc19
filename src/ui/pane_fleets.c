/*
 * pane_fleets.c — the fleets list: its columns and what Enter does (show the
 * fleet's drivers).  The drawing is list.c's.
 */
#include <stdio.h>
#include <string.h>

#include "chargetui/money.h"
#include "ui_priv.h"

#define FLEET(rec) ((const struct fleet *)(rec))

static const char *fl_name(struct ui *ui, const void *rec, char *buf, size_t n)
{
	return fmt_str(&FLEET(rec)->name, buf, n);
}

static const char *fl_status(struct ui *ui, const void *rec, char *buf, size_t n)
{
	return fmt_str(&FLEET(rec)->status, buf, n);
}

static enum theme_elem fl_status_elem(const void *rec)
{
	return fmt_status_elem(&FLEET(rec)->status);
}

static const char *fl_drivers(struct ui *ui, const void *rec, char *buf, size_t n)
{
	return fmt_i64(&FLEET(rec)->total_drivers, buf, n);
}

static const char *fl_vehicles(struct ui *ui, const void *rec, char *buf, size_t n)
{
	return fmt_i64(&FLEET(rec)->total_vehicles, buf, n);
}

static const char *fl_sessions(struct ui *ui, const void *rec, char *buf, size_t n)
{
	return fmt_i64(&FLEET(rec)->total_sessions, buf, n);
}

static const char *fl_energy(struct ui *ui, const void *rec, char *buf, size_t n)
{
	const struct opt_f64 *e = &FLEET(rec)->total_energy_consumed_kwh;
	if (e->st != FIELD_SET)
		return e->st == FIELD_INVALID ? "invalid" : text_glyph("—", "-");
	return energy_format(e->v, buf, n);
}

static const char *fl_wallet(struct ui *ui, const void *rec, char *buf, size_t n)
{
	const struct fleet *f = FLEET(rec);
	return fmt_money(&f->wallet_balance, &f->preferences.default_currency, buf, n);
}

static const struct list_col fleet_cols[] = {
	{"name", 0, 0, false, SORT_NAME, 0, fl_name, NULL},
	/* Priorities: on a narrow pane drivers and sessions stay longest (the
	 * design sketch), then the wallet; `z` shows every column. */
	{"status", 9, 3, false, SORT_STATUS, STORE_CHG_OTHER, fl_status, fl_status_elem},
	{"drivers", 7, 1, true, SORT_DRIVERS, STORE_CHG_DRIVERS, fl_drivers, NULL},
	{"vehicles", 8, 4, true, SORT_DEFAULT, STORE_CHG_VEHICLES, fl_vehicles, NULL},
	{"sessions", 8, 2, true, SORT_SESSIONS, STORE_CHG_SESSIONS, fl_sessions, NULL},
	{"energy", 15, 5, true, SORT_ENERGY, STORE_CHG_ENERGY, fl_energy, NULL},
	{"wallet", 13, 2, true, SORT_BALANCE, STORE_CHG_BALANCE, fl_wallet, NULL},
};

static const void *fl_row(struct store_view *v, size_t i)
{
	return store_view_fleet(v, i);
}

static const char *fl_id(const void *rec)
{
	const struct opt_str *id = &FLEET(rec)->id;
	return id->st == FIELD_SET ? id->v : NULL;
}

static void fl_title(struct ui *ui, struct pane *p, char *buf, size_t n)
{
	struct list_state *ls = list_state(p);
	size_t len = store_view_len(ls->view);
	const char *more = ui->loading_fleets ? text_glyph(" loading…", " loading...") : "";
	if (ls->filter[0])
		snprintf(buf, n, "Fleets (%zu of %zu) /%s%s", len, store_fleet_count(ui->store),
			 ls->filter, more);
	else
		snprintf(buf, n, "Fleets (%zu)%s", len, more);
}

static unsigned fl_open(struct ui *ui, const void *rec)
{
	const char *id = fl_id(rec);
	return id ? ui_open_fleet(ui, id, true) : UI_HANDLED;
}

const struct list_def fleets_list_def = {
	.kind = "fleets",
	.view = VIEW_FLEETS,
	.cols = fleet_cols,
	.ncols = (int)(sizeof(fleet_cols) / sizeof(fleet_cols[0])),
	.row = fl_row,
	.id = fl_id,
	.title = fl_title,
	.open = fl_open,
};
