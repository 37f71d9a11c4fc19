/*
 * edit_driver.c — the driver edit and create forms.
 *
 * The form is built from one table of rows, and the same table drives both
 * directions (record -> field text, field text -> record), so a field cannot
 * be shown and then forgotten when the patch is built.
 */
#include <stdlib.h>
#include <string.h>

#include "chargetui/edit.h"
#include "chargetui/sync.h"
#include "chargetui/validate.h"

struct drv_row {
	unsigned id;
	enum form_kind kind;
	const char *label;
	bool required;
	bool on_create; /* offered when creating (status is not a create field) */
	const char *const *options;
	form_check_fn check;
};

static const char *drv_check_money(const struct form *f, const struct form_field *fld);

static const struct drv_row drv_rows[] = {
    {DRV_NAME, FORM_TEXT, "Name", true, true, NULL, edit_check_text},
    {DRV_EMAIL, FORM_TEXT, "Email", true, true, NULL, edit_check_email},
    {DRV_PHONE, FORM_TEXT, "Phone", false, true, NULL, edit_check_phone},
    {DRV_LICENSE_NUMBER, FORM_TEXT, "License number", false, true, NULL, edit_check_text},
    {DRV_STATUS, FORM_CHOICE, "Status", false, false, val_driver_status, edit_check_choice},
    {DRV_PREF_CHARGING_SPEED, FORM_CHOICE, "Charging speed", false, true, val_charging_speed,
     edit_check_choice},
    {DRV_PREF_CURRENCY, FORM_CHOICE, "Currency", false, true, val_currencies, edit_check_currency},
    {DRV_PREF_DEFAULT_PAYMENT_METHOD, FORM_TEXT, "Payment method", false, true, NULL,
     edit_check_payment_method},
    {DRV_PREF_MAX_PRICE_PER_KWH, FORM_MONEY, "Max price / kWh", false, true, NULL, drv_check_money},
    {DRV_PREF_NOTIFICATIONS, FORM_TOGGLE, "Notifications", false, true, NULL, edit_check_toggle},
    {DRV_PREF_PREFERRED_CHARGING_STATIONS, FORM_LIST, "Stations", false, true, NULL,
     edit_check_stations},
    {DRV_PREF_PREFERRED_CPOS, FORM_LIST, "Operators", false, true, NULL, edit_check_cpos},
};
#define DRV_NROWS (sizeof drv_rows / sizeof drv_rows[0])

/* The currency the money field is read in: what the form says now, so a
 * price typed after switching to jpy is read in yen. */
static const char *drv_form_currency(const struct form *f)
{
	ssize_t i = form_find(f, DRV_PREF_CURRENCY, 0, NULL);
	const char *c = i >= 0 ? form_text(f, (size_t)i) : "";
	return *c ? c : "eur";
}

static const char *drv_check_money(const struct form *f, const struct form_field *fld)
{
	return val_money(fld->ed.buf, drv_form_currency(f), NULL);
}

static const char *drv_currency(const struct driver *d)
{
	const struct opt_str *c = &d->preferences.currency;
	return c->st == FIELD_SET && c->v ? c->v : "eur";
}

/* The text a field shows for record d (NULL: no value).  0 or -1. */
static int drv_text(const struct driver *d, unsigned id, char **out)
{
	const struct driver_prefs *p = &d->preferences;
	switch (id) {
	case DRV_NAME:
		return edit_str_text(&d->name, out);
	case DRV_EMAIL:
		return edit_str_text(&d->email, out);
	case DRV_PHONE:
		return edit_str_text(&d->phone, out);
	case DRV_LICENSE_NUMBER:
		return edit_str_text(&d->license_number, out);
	case DRV_STATUS:
		return edit_str_text(&d->status, out);
	case DRV_PREF_CHARGING_SPEED:
		return edit_str_text(&p->charging_speed, out);
	case DRV_PREF_CURRENCY:
		return edit_str_text(&p->currency, out);
	case DRV_PREF_DEFAULT_PAYMENT_METHOD:
		return edit_str_text(&p->default_payment_method, out);
	case DRV_PREF_MAX_PRICE_PER_KWH:
		return edit_money_text(&p->max_price_per_kwh, drv_currency(d), out);
	case DRV_PREF_NOTIFICATIONS:
		return edit_bool_text(&p->notifications, out);
	case DRV_PREF_PREFERRED_CHARGING_STATIONS:
		return edit_list_text(&p->preferred_charging_stations, out);
	case DRV_PREF_PREFERRED_CPOS:
		return edit_list_text(&p->preferred_cpos, out);
	}
	*out = NULL;
	return 0;
}

/* Write one field's text into the record.  0, or -1 (ENOMEM / no parse). */
static int drv_apply(struct driver *d, unsigned id, const char *text, const char *currency)
{
	struct driver_prefs *p = &d->preferences;
	if (id & (DRV_PREF_CHARGING_SPEED | DRV_PREF_CURRENCY | DRV_PREF_DEFAULT_PAYMENT_METHOD |
	          DRV_PREF_MAX_PRICE_PER_KWH | DRV_PREF_NOTIFICATIONS |
	          DRV_PREF_PREFERRED_CHARGING_STATIONS | DRV_PREF_PREFERRED_CPOS))
		p->st = FIELD_SET;
	switch (id) {
	case DRV_NAME:
		return edit_text_to_str(&d->name, text);
	case DRV_EMAIL:
		return edit_text_to_str(&d->email, text);
	case DRV_PHONE:
		return edit_text_to_str(&d->phone, text);
	case DRV_LICENSE_NUMBER:
		return edit_text_to_str(&d->license_number, text);
	case DRV_STATUS:
		return edit_text_to_str(&d->status, text);
	case DRV_PREF_CHARGING_SPEED:
		return edit_text_to_str(&p->charging_speed, text);
	case DRV_PREF_CURRENCY:
		return edit_text_to_str(&p->currency, text);
	case DRV_PREF_DEFAULT_PAYMENT_METHOD:
		return edit_text_to_str(&p->default_payment_method, text);
	case DRV_PREF_MAX_PRICE_PER_KWH:
		return edit_text_to_money(&p->max_price_per_kwh, text, currency);
	case DRV_PREF_NOTIFICATIONS:
		return edit_text_to_bool(&p->notifications, text);
	case DRV_PREF_PREFERRED_CHARGING_STATIONS:
		return edit_text_to_list(&p->preferred_charging_stations, text);
	case DRV_PREF_PREFERRED_CPOS:
		return edit_text_to_list(&p->preferred_cpos, text);
	}
	return -1;
}

static int drv_build_form(struct edit_driver *e)
{
	struct form *f = e->form;
	for (size_t r = 0; r < DRV_NROWS; r++) {
		const struct drv_row *row = &drv_rows[r];
		if (e->create && !row->on_create)
			continue;
		char *text;
		if (drv_text(&e->orig, row->id, &text) != 0)
			return -1;
		ssize_t i = form_add(f, row->kind, row->id, 0, row->label, text);
		free(text);
		if (i < 0)
			return -1;
		f->f[i].required = row->required;
		f->f[i].options = row->options;
		f->f[i].check = row->check;
		if (row->kind == FORM_MONEY)
			f->f[i].unit_id = DRV_PREF_CURRENCY;
	}
	if (edit_add_meta_rows(f, DRV_METADATA, &e->orig.metadata) != 0)
		return -1;
	for (size_t i = 0; i < f->n; i++)
		if (f->f[i].kind == FORM_META)
			f->f[i].check = edit_check_meta;
	/* "Optionally attached to the fleet in view": on unless switched off. */
	if (e->create && e->fleet_id &&
	    form_add(f, FORM_TOGGLE, EDIT_ROW_ATTACH, 0, "Add to fleet in view", "on") < 0)
		return -1;
	if (form_add(f, FORM_BUTTON, EDIT_ROW_SAVE, 0, e->create ? "[ Create ]" : "[ Save ]",
	             NULL) < 0)
		return -1;
	f->confirm = edit_driver_confirm;
	f->confirm_ctx = e;
	return 0;
}

struct edit_driver *edit_driver_open(const struct driver *d)
{
	struct edit_driver *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->form = form_new("Edit driver");
	if (!e->form || driver_copy(&e->orig, d) != 0 || drv_build_form(e) != 0) {
		edit_driver_free(e);
		return NULL;
	}
	return e;
}

struct edit_driver *edit_driver_create(const char *fleet_id)
{
	struct edit_driver *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->create = true;
	e->form = form_new(fleet_id ? "New driver in this fleet" : "New driver");
	if (!e->form || (fleet_id && !(e->fleet_id = strdup(fleet_id)))) {
		edit_driver_free(e);
		return NULL;
	}
	e->form->create = true;
	if (drv_build_form(e) != 0) {
		edit_driver_free(e);
		return NULL;
	}
	return e;
}

void edit_driver_free(struct edit_driver *e)
{
	if (!e)
		return;
	form_free(e->form);
	driver_clear(&e->orig);
	free(e->fleet_id);
	free(e);
}

/* Rows that hold a driver field (not the button, the add-key row or the
 * attach toggle). */
static bool drv_is_field(const struct form_field *fld)
{
	return fld->kind != FORM_BUTTON && fld->kind != FORM_META_ADD && fld->id != EDIT_ROW_ATTACH;
}

/* base + the fields the user changed.  The only place a form's text becomes
 * record values, and it looks at changed fields only (SAN-11). */
static int drv_after_on(struct edit_driver *e, const struct driver *base, struct driver *after)
{
	const struct form *f = e->form;
	const char *cur = drv_form_currency(f);
	if (driver_copy(after, base) != 0)
		return -1;
	for (size_t i = 0; i < f->n; i++) {
		const struct form_field *fld = &f->f[i];
		if (!drv_is_field(fld))
			continue;
		if (!form_field_changed(fld) && !(e->create && fld->ed.buf[0]))
			continue;
		int rc;
		if (fld->kind == FORM_META)
			rc = edit_meta_apply(&after->metadata, fld->meta_key, fld->ed.buf);
		else
			rc = drv_apply(after, fld->id, fld->ed.buf, cur);
		if (rc != 0) {
			form_set_error(e->form, i, "does not parse");
			driver_clear(after);
			return -1;
		}
	}
	return 0;
}

static int drv_after(struct edit_driver *e, struct driver *after)
{
	return drv_after_on(e, &e->orig, after);
}

/* A create sends what was filled in, name and email always. */
static int drv_create_patch(const struct edit_driver *e, const struct driver *after,
                            struct driver_patch *p)
{
	const struct form *f = e->form;
	p->set = DRV_NAME | DRV_EMAIL;
	for (size_t i = 0; i < f->n; i++) {
		const struct form_field *fld = &f->f[i];
		if (!drv_is_field(fld) || !fld->ed.buf[0])
			continue;
		p->set |= fld->kind == FORM_META ? (unsigned)DRV_METADATA : fld->id;
	}
	if (driver_copy(&p->v, after) != 0 || meta_map_copy(&p->meta, &after->metadata) != 0)
		return -1;
	int n = 0;
	for (uint32_t b = p->set; b; b &= b - 1)
		n++;
	return n;
}

int edit_driver_result(struct edit_driver *e, struct driver *after, struct driver_patch *patch)
{
	memset(after, 0, sizeof *after);
	memset(patch, 0, sizeof *patch);
	if (drv_after(e, after) != 0)
		return -1;
	int n = e->create ? drv_create_patch(e, after, patch) : driver_diff(&e->orig, after, patch);
	if (n < 0) {
		driver_clear(after);
		driver_patch_clear(patch);
	}
	return n;
}

int edit_driver_job(struct edit_driver *e, struct job *job)
{
	struct driver after;
	struct driver_patch patch;
	int n = edit_driver_result(e, &after, &patch);
	driver_clear(&after);
	if (n <= 0) {
		driver_patch_clear(&patch);
		return n;
	}
	memset(job, 0, sizeof *job);
	job->kind = e->create ? JOB_DRIVER_CREATE : JOB_DRIVER_UPDATE;
	const char *id = e->create ? e->fleet_id : e->orig.id.v;
	ssize_t at = form_find(e->form, EDIT_ROW_ATTACH, 0, NULL);
	if (e->create && at >= 0 && strcmp(form_text(e->form, (size_t)at), "on") != 0)
		id = NULL; /* created outside any fleet */
	if (id && !(e->create ? (job->fleet_id = strdup(id)) : (job->id = strdup(id)))) {
		driver_patch_clear(&patch);
		return -1;
	}
	job->dpatch = patch;
	return n;
}

/* Show the server's value of each field it changed beside the user's. */
static void drv_mark_theirs(struct edit_driver *e, const struct driver *theirs,
                            const struct driver_patch *moved)
{
	struct form *f = e->form;
	for (size_t i = 0; i < f->n; i++) {
		struct form_field *fld = &f->f[i];
		char *text = NULL;
		if (fld->kind == FORM_META) {
			if (!(moved->set & DRV_METADATA))
				continue;
			for (size_t k = 0; k < moved->meta.n; k++)
				if (strcmp(moved->meta.keys[k], fld->meta_key) == 0)
					text = strdup(moved->meta.vals[k] ? moved->meta.vals[k]
					                                  : "(removed)");
			if (text)
				form_set_theirs(f, i, text);
		} else if (fld->id & moved->set && drv_text(theirs, fld->id, &text) == 0) {
			form_set_theirs(f, i, text ? text : "—");
		}
		free(text);
	}
}

bool edit_driver_server_moved(struct edit_driver *e, const struct driver *theirs)
{
	if (e->create)
		return false;
	const struct opt_time *a = &e->orig.updated, *b = &theirs->updated;
	if (a->st == b->st && (a->st != FIELD_SET || a->ms == b->ms))
		return false;
	struct driver_patch moved;
	memset(&moved, 0, sizeof moved);
	/* A new balance or session count moves `updated` too; only a field
	 * the form edits is a conflict worth the user's attention. */
	if (driver_diff(&e->orig, theirs, &moved) <= 0) {
		driver_patch_clear(&moved);
		return false;
	}
	drv_mark_theirs(e, theirs, &moved);
	driver_patch_clear(&moved);
	e->form->conflict = true;
	e->form->conflict_seen = false;
	form_set_banner(e->form,
	                "changed on the server since you opened it: theirs shown below yours");
	return true;
}

int edit_driver_pending(struct edit_driver *e, const struct driver *theirs)
{
	struct driver mine;
	struct driver_patch p;
	memset(&mine, 0, sizeof mine);
	memset(&p, 0, sizeof p);
	/* theirs + the user's changes, compared with theirs: what is left. */
	if (drv_after_on(e, theirs, &mine) != 0)
		return -1;
	int n = driver_diff(theirs, &mine, &p);
	driver_patch_clear(&p);
	driver_clear(&mine);
	return n;
}

void edit_driver_apply_error(struct edit_driver *e, const struct api_error *err)
{
	edit_apply_error(e->form, err, false);
}

const char *edit_driver_confirm(const struct form *f, void *ctx)
{
	ssize_t i = form_find(f, DRV_STATUS, 0, NULL);
	if (i < 0 || !form_field_changed(&f->f[i]))
		return NULL;
	const char *s = form_text(f, (size_t)i);
	if (strcmp(s, "suspended") == 0)
		return "suspend this driver? (y/n)";
	if (strcmp(s, "archived") == 0)
		return "archive this driver? (y/n)";
	return NULL;
}
