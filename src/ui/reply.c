/*
 * reply.c — what the workers send back, applied to the store by the UI
 * thread.  Values a refresh or a user's change moved are remembered for a
 * short highlight; the list loads chain (fleets, then every driver).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/sanitize.h"
#include "chargetui/store.h"
#include "chargetui/sync.h"
#include "chargetui/timefmt.h"
#include "ui_priv.h"

/* The status line's clock is when the data on screen last changed, not
 * when it was last polled: a refresh that finds nothing new must not move
 * it, or an idle screen would be redrawn every round.  The refresh thread
 * GETs what is on screen one by one (REPLY_FLEET / REPLY_DRIVER); its
 * background walk's pages change what is on screen only by adding,
 * removing or moving records (the counts, a fleet's list), so their other
 * changes leave it. */
static void reply_changed(struct ui *ui, const struct reply *r, unsigned mask)
{
	ui->dirty = true;
	bool walk = r->origin == ORIGIN_REFRESH &&
		    (r->kind == REPLY_FLEET_PAGE || r->kind == REPLY_DRIVER_PAGE);
	if (!walk || mask & (STORE_NEW | STORE_CHG_DRIVERS))
		ui->data_ms = ts_now_ms();
}

/* A record that changed under the user's eyes is highlighted; a record that
 * merely arrived (first load) is not, or 100,000 drivers would flash. */
static void reply_mark(struct ui *ui, const char *id, unsigned mask, const struct reply *r)
{
	mask &= ~(unsigned)STORE_NEW;
	if (!mask || (r->origin != ORIGIN_REFRESH && r->kind != REPLY_DRIVER &&
		      r->kind != REPLY_FLEET))
		return;
	hl_add(&ui->hl, id, mask, ui_now() + UI_HIGHLIGHT_S);
}

static void reply_put_fleet(struct ui *ui, struct fleet *f, const struct reply *r)
{
	char id[UI_ID_MAX] = "";
	if (f->id.st == FIELD_SET)
		snprintf(id, sizeof(id), "%s", f->id.v);
	unsigned m = store_put_fleet(ui->store, f);
	if (m)
		reply_changed(ui, r, m);
	reply_mark(ui, id, m, r);
}

static void reply_put_driver(struct ui *ui, struct driver *d, const struct reply *r)
{
	char id[UI_ID_MAX] = "";
	if (d->id.st == FIELD_SET)
		snprintf(id, sizeof(id), "%s", d->id.v);
	unsigned m = store_put_driver(ui->store, d);
	if (m)
		reply_changed(ui, r, m);
	reply_mark(ui, id, m, r);
	if (ui->want_driver[0] && strcmp(id, ui->want_driver) == 0) {
		ui->want_driver[0] = '\0';
		cmd_show_driver(ui, id);
	}
}

static void reply_start_drivers(struct ui *ui)
{
	struct job j = {.kind = JOB_DRIVERS_LIST};
	ui->loading_drivers = true;
	ui->drivers_job = ui_submit(ui, &j, NULL);
}

static void reply_error(struct ui *ui, const struct reply *r)
{
	if (r->err.kind == API_ERR_CANCELLED)
		return;
	char buf[512];
	api_error_format(&r->err, buf, sizeof(buf));
	/* Raw server words: kept raw here, sanitized by text_put when drawn. */
	snprintf(ui->error, sizeof(ui->error), "%s", buf);
	if (r->job_id == ui->want_driver_job)
		ui->want_driver[0] = '\0';
	ui->dirty = true;
}

static void reply_list_done(struct ui *ui, const struct reply *r)
{
	if (!r->done)
		return;
	bool failed = r->kind == REPLY_ERROR && r->err.kind != API_ERR_CANCELLED;
	if (r->job_id == ui->fleets_job) {
		ui->loading_fleets = false;
		ui->fleets_failed = failed;
		/* The kiosk wall shows fleets' totals only: its drivers would
		 * cost pages of requests and memory for nothing on screen. */
		if (ui->sync && !ui->drivers_job && !ui->wall)
			reply_start_drivers(ui);
	} else if (r->job_id == ui->scope_job) {
		ui->scope_job = 0;
		return;
	} else if (r->job_id == ui->drivers_job) {
		ui->loading_drivers = false;
		ui->drivers_failed = failed;
		ui->all_drivers_loaded = !failed;
	} else {
		return;
	}
	/* A first load is a refresh too: its time shows, its failure is stale. */
	if (failed) {
		ui->stale = true;
	} else {
		ui->refreshed_ms = ts_now_ms();
		if (!ui->data_ms) /* an empty account is loaded data too */
			ui->data_ms = ui->refreshed_ms;
	}
	ui->dirty = true;
}

/* One per refresh round.  It redraws only when what the status line shows
 * changes (the stale marker and its time, the error, `r`'s message): a
 * round that confirms the same values costs no drawing at all. */
static void reply_refresh_status(struct ui *ui, const struct reply *r)
{
	bool was_stale = ui->stale;
	int64_t was_ok = ui->refreshed_ms;
	ui->stale = !r->refresh_ok;
	if (r->refresh_ok) {
		if (r->refreshed_at_ms > 0)
			ui->refreshed_ms = r->refreshed_at_ms;
		if (ui->error[0])
			ui->dirty = true;
		ui->error[0] = '\0';
		if (strncmp(ui->message, "refreshing", 10) == 0) {
			ui->message[0] = '\0'; /* `r` was answered */
			ui->dirty = true;
		}
		ui_reload_failed(ui); /* the server is back */
	} else if (r->err.kind != API_OK) {
		reply_error(ui, r);
	}
	if (ui->stale != was_stale || (ui->stale && ui->refreshed_ms != was_ok))
		ui->dirty = true;
}

static void reply_apply(struct ui *ui, struct reply *r)
{
	switch (r->kind) {
	case REPLY_FLEET_PAGE:
		for (size_t i = 0; i < r->fpage.n; i++)
			reply_put_fleet(ui, &r->fpage.items[i], r);
		break;
	case REPLY_DRIVER_PAGE:
		for (size_t i = 0; i < r->dpage.n; i++)
			reply_put_driver(ui, &r->dpage.items[i], r);
		break;
	case REPLY_FLEET: reply_put_fleet(ui, &r->fleet, r); break;
	case REPLY_DRIVER: reply_put_driver(ui, &r->driver, r); break;
	case REPLY_DELETED: /* by us, or gone on the server (a refresh's 404) */
		if (r->driver.id.st == FIELD_SET && store_remove_driver(ui->store, r->driver.id.v))
			reply_changed(ui, r, STORE_NEW);
		if (r->driver.id.st == FIELD_SET && mark_has(&ui->marks, r->driver.id.v))
			mark_toggle(&ui->marks, r->driver.id.v); /* no mark on a ghost */
		if (r->fleet.id.st == FIELD_SET && store_remove_fleet(ui->store, r->fleet.id.v))
			reply_changed(ui, r, STORE_NEW);
		break;
	case REPLY_ERROR: reply_error(ui, r); break;
	case REPLY_REFRESH_STATUS: reply_refresh_status(ui, r); break;
	}
	reply_list_done(ui, r);
}

static void reply_to_owner(struct ui *ui, const struct reply *r)
{
	for (size_t i = 0; i < sizeof(ui->owners) / sizeof(ui->owners[0]); i++) {
		struct ui_owner *o = &ui->owners[i];
		if (!o->owner || o->job != r->job_id)
			continue;
		struct pane *p = o->owner;
		if (r->done)
			o->owner = NULL;
		if (p->ops->reply)
			p->ops->reply(p, ui, r);
		ui->dirty = true;
	}
}

void ui_apply_replies(struct ui *ui, struct reply *list)
{
	for (struct reply *r = list; r; r = r->next) {
		/* The owner sees the reply as it came (before the store took
		 * its records), so a form can compare versions. */
		reply_to_owner(ui, r);
		reply_apply(ui, r);
	}
	reply_free(list);
}

void ui_start_loading(struct ui *ui)
{
	if (!ui->sync)
		return;
	struct job j = {.kind = JOB_FLEETS_LIST};
	ui->loading_fleets = true;
	ui->fleets_failed = false;
	ui->fleets_job = ui_submit(ui, &j, NULL);
}

void ui_reload_failed(struct ui *ui)
{
	if (ui->fleets_failed && !ui->loading_fleets)
		ui_start_loading(ui);
	if (ui->drivers_failed && !ui->loading_drivers) {
		ui->drivers_failed = false;
		reply_start_drivers(ui);
	}
}
