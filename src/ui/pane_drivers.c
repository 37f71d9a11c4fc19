/*
 * pane_drivers.c — the drivers list (all drivers, or one fleet's): its
 * columns and what Enter does (focus the driver's details).
 */
#include <stdio.h>
#include <string.h>

#include "chargetui/sanitize.h"
#include "chargetui/store.h"
#include "ui_priv.h"

#define DRIVER(rec) ((const struct driver *)(rec))

static const char *dr_name(struct ui *ui, const void *rec, char *buf, size_t n)
{
	return fmt_str(&DRIVER(rec)->name, buf, n);
}

static const char *dr_email(struct ui *ui, const void *rec, char *buf, size_t n)
{
	return fmt_str(&DRIVER(rec)->email, buf, n);
}

static const char *dr_status(struct ui *ui, const void *rec, char *buf, size_t n)
{
	return fmt_str(&DRIVER(rec)->status, buf, n);
}

static enum theme_elem dr_status_elem(const void *rec)
{
	return fmt_status_elem(&DRIVER(rec)->status);
}

static const char *dr_balance(struct ui *ui, const void *rec, char *buf, size_t n)
{
	const struct driver *d = DRIVER(rec);
	return fmt_money(&d->wallet_balance, &d->preferences.currency, buf, n);
}

static const char *dr_speed(struct ui *ui, const void *rec, char *buf, size_t n)
{
	return fmt_str(&DRIVER(rec)->preferences.charging_speed, buf, n);
}

static const char *dr_count(const struct str_list *l, char *buf, size_t n)
{
	if (l->st != FIELD_SET)
		return l->st == FIELD_INVALID ? "invalid" : text_glyph("—", "-");
	snprintf(buf, n, "%zu", l->n);
	return buf;
}

static const char *dr_vehicles(struct ui *ui, const void *rec, char *buf, size_t n)
{
	return dr_count(&DRIVER(rec)->vehicles, buf, n);
}

static const char *dr_fleets(struct ui *ui, const void *rec, char *buf, size_t n)
{
	return dr_count(&DRIVER(rec)->fleets, buf, n);
}

static const struct list_col driver_cols[] = {
	{"name", 0, 0, false, SORT_NAME, 0, dr_name, NULL},
	{"status", 9, 2, false, SORT_STATUS, STORE_CHG_OTHER, dr_status, dr_status_elem},
	{"balance", 12, 1, true, SORT_BALANCE, STORE_CHG_BALANCE, dr_balance, NULL},
	{"speed", 10, 4, false, SORT_DEFAULT, 0, dr_speed, NULL},
	{"veh", 4, 3, true, SORT_SESSIONS, STORE_CHG_VEHICLES, dr_vehicles, NULL},
	{"flt", 4, 5, true, SORT_DEFAULT, STORE_CHG_DRIVERS, dr_fleets, NULL},
	{"email", 32, 6, false, SORT_DEFAULT, STORE_CHG_OTHER, dr_email, NULL}, /* wide panes */
};

static const void *dr_row(struct store_view *v, size_t i)
{
	return store_view_driver(v, i);
}

static const char *dr_id(const void *rec)
{
	const struct opt_str *id = &DRIVER(rec)->id;
	return id->st == FIELD_SET ? id->v : NULL;
}

static void dr_title(struct ui *ui, struct pane *p, char *buf, size_t n)
{
	struct list_state *ls = list_state(p);
	size_t len = store_view_len(ls->view);
	const char *more = ui->loading_drivers || ui->scope_job ? text_glyph(" loading…", " loading...") : "";
	char scope[128] = "all";
	if (ui->scope_fleet[0]) {
		const struct fleet *f = store_fleet(ui->store, ui->scope_fleet);
		const char *name = f && f->name.st == FIELD_SET ? f->name.v : ui->scope_fleet;
		/* The title is drawn as our text, so the name is sanitized here. */
		san_display(name, strlen(name), 30, SAN_ELLIPSIS | (text_ascii() ? SAN_ASCII : 0),
			    scope, sizeof(scope));
	}
	if (ls->filter[0])
		snprintf(buf, n, "Drivers %s %s (%zu) /%s%s", text_glyph("·", "-"), scope, len,
			 ls->filter, more);
	else
		snprintf(buf, n, "Drivers %s %s (%zu)%s", text_glyph("·", "-"), scope, len, more);
}

static unsigned dr_open(struct ui *ui, const void *rec)
{
	ui_focus(ui, UI_P_DRIVER_DETAIL);
	return UI_HANDLED | UI_REDRAW;
}

const struct list_def drivers_list_def = {
	.kind = "drivers",
	.view = VIEW_DRIVERS,
	.cols = driver_cols,
	.ncols = (int)(sizeof(driver_cols) / sizeof(driver_cols[0])),
	.row = dr_row,
	.id = dr_id,
	.title = dr_title,
	.open = dr_open,
	.markable = true,
};
