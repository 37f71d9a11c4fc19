/*
 * edit_fleet.c — the fleet edit form: one table of rows drives both record
 * -> field text and field text -> record, as in edit_driver.c.  Address
 * lines are rows of their own (FLT_ADDRESS with an ADDR_* sub) so that a
 * changed city sends only the city.
 */
#include <stdlib.h>
#include <string.h>

#include "chargetui/edit.h"
#include "chargetui/sync.h"
#include "chargetui/validate.h"

struct flt_row {
	unsigned id, sub;
	enum form_kind kind;
	const char *label;
	bool required;
	const char *const *options;
	form_check_fn check;
};

static const struct flt_row flt_rows[] = {
    {FLT_NAME, 0, FORM_TEXT, "Name", true, NULL, edit_check_text},
    {FLT_EMAIL, 0, FORM_TEXT, "Email", false, NULL, edit_check_email},
    {FLT_PHONE, 0, FORM_TEXT, "Phone", false, NULL, edit_check_phone},
    {FLT_DESCRIPTION, 0, FORM_TEXT, "Description", false, NULL, edit_check_text},
    {FLT_TIMEZONE, 0, FORM_TEXT, "Time zone", false, NULL, edit_check_timezone},
    {FLT_METRIC_SYSTEM, 0, FORM_CHOICE, "Units", false, val_metric_system, edit_check_choice},
    {FLT_ADDRESS, ADDR_LINE1, FORM_TEXT, "Address line 1", false, NULL, edit_check_text},
    {FLT_ADDRESS, ADDR_LINE2, FORM_TEXT, "Address line 2", false, NULL, edit_check_text},
    {FLT_ADDRESS, ADDR_POSTAL_CODE, FORM_TEXT, "Postal code", false, NULL, edit_check_text},
    {FLT_ADDRESS, ADDR_CITY, FORM_TEXT, "City", false, NULL, edit_check_text},
    {FLT_ADDRESS, ADDR_STATE, FORM_TEXT, "State", false, NULL, edit_check_text},
    {FLT_ADDRESS, ADDR_COUNTRY, FORM_TEXT, "Country", false, NULL, edit_check_country},
    {FLT_STATUS, 0, FORM_CHOICE, "Status", false, val_fleet_status, edit_check_choice},
    {FLT_PREF_BILLING_CYCLE, 0, FORM_CHOICE, "Billing cycle", false, val_billing_cycle,
     edit_check_choice},
    {FLT_PREF_DEFAULT_CURRENCY, 0, FORM_CHOICE, "Currency", false, val_currencies,
     edit_check_currency},
    {FLT_PREF_DEFAULT_PAYMENT_METHOD, 0, FORM_TEXT, "Payment method", false, NULL,
     edit_check_payment_method},
    {FLT_PREF_NOTIFICATIONS, 0, FORM_TOGGLE, "Notifications", false, NULL, edit_check_toggle},
    {FLT_PREF_REPORT_FREQUENCY, 0, FORM_CHOICE, "Reports", false, val_report_frequency,
     edit_check_choice},
};
#define FLT_NROWS (sizeof flt_rows / sizeof flt_rows[0])

static struct opt_str *flt_addr(struct address *a, unsigned sub)
{
	switch (sub) {
	case ADDR_CITY:
		return &a->city;
	case ADDR_COUNTRY:
		return &a->country;
	case ADDR_LINE1:
		return &a->line1;
	case ADDR_LINE2:
		return &a->line2;
	case ADDR_POSTAL_CODE:
		return &a->postal_code;
	case ADDR_STATE:
		return &a->state;
	}
	return NULL;
}

/* The string member a row edits, or NULL for the toggle. */
static struct opt_str *flt_str(struct fleet *fl, unsigned id, unsigned sub)
{
	struct fleet_prefs *p = &fl->preferences;
	switch (id) {
	case FLT_NAME:
		return &fl->name;
	case FLT_EMAIL:
		return &fl->email;
	case FLT_PHONE:
		return &fl->phone;
	case FLT_DESCRIPTION:
		return &fl->description;
	case FLT_TIMEZONE:
		return &fl->timezone;
	case FLT_METRIC_SYSTEM:
		return &fl->metric_system;
	case FLT_ADDRESS:
		return flt_addr(&fl->address, sub);
	case FLT_STATUS:
		return &fl->status;
	case FLT_PREF_BILLING_CYCLE:
		return &p->billing_cycle;
	case FLT_PREF_DEFAULT_CURRENCY:
		return &p->default_currency;
	case FLT_PREF_DEFAULT_PAYMENT_METHOD:
		return &p->default_payment_method;
	case FLT_PREF_REPORT_FREQUENCY:
		return &p->report_frequency;
	}
	return NULL;
}

static int flt_text(const struct fleet *fl, unsigned id, unsigned sub, char **out)
{
	/* flt_str only hands out a pointer into fl; nothing is written. */
	struct fleet *mut = (struct fleet *)fl;
	if (id == FLT_PREF_NOTIFICATIONS)
		return edit_bool_text(&fl->preferences.notifications, out);
	struct opt_str *s = flt_str(mut, id, sub);
	*out = NULL;
	return s ? edit_str_text(s, out) : 0;
}

static int flt_apply(struct fleet *fl, unsigned id, unsigned sub, const char *text)
{
	if (id &
	    (FLT_PREF_BILLING_CYCLE | FLT_PREF_DEFAULT_CURRENCY | FLT_PREF_DEFAULT_PAYMENT_METHOD |
	     FLT_PREF_NOTIFICATIONS | FLT_PREF_REPORT_FREQUENCY))
		fl->preferences.st = FIELD_SET;
	if (id == FLT_ADDRESS)
		fl->address.st = FIELD_SET;
	if (id == FLT_PREF_NOTIFICATIONS)
		return edit_text_to_bool(&fl->preferences.notifications, text);
	struct opt_str *s = flt_str(fl, id, sub);
	return s ? edit_text_to_str(s, text) : -1;
}

static int flt_build_form(struct edit_fleet *e)
{
	struct form *f = e->form;
	for (size_t r = 0; r < FLT_NROWS; r++) {
		const struct flt_row *row = &flt_rows[r];
		char *text;
		if (flt_text(&e->orig, row->id, row->sub, &text) != 0)
			return -1;
		ssize_t i = form_add(f, row->kind, row->id, row->sub, row->label, text);
		free(text);
		if (i < 0)
			return -1;
		f->f[i].required = row->required;
		f->f[i].options = row->options;
		f->f[i].check = row->check;
	}
	if (edit_add_meta_rows(f, FLT_METADATA, &e->orig.metadata) != 0)
		return -1;
	for (size_t i = 0; i < f->n; i++)
		if (f->f[i].kind == FORM_META)
			f->f[i].check = edit_check_meta;
	if (form_add(f, FORM_BUTTON, EDIT_ROW_SAVE, 0, "[ Save ]", NULL) < 0)
		return -1;
	f->confirm = edit_fleet_confirm;
	f->confirm_ctx = e;
	return 0;
}

struct edit_fleet *edit_fleet_open(const struct fleet *fl)
{
	struct edit_fleet *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->form = form_new("Edit fleet");
	if (!e->form || fleet_copy(&e->orig, fl) != 0 || flt_build_form(e) != 0) {
		edit_fleet_free(e);
		return NULL;
	}
	return e;
}

void edit_fleet_free(struct edit_fleet *e)
{
	if (!e)
		return;
	form_free(e->form);
	fleet_clear(&e->orig);
	free(e);
}

/* base + the fields the user changed (SAN-11: changed fields only). */
static int flt_after_on(struct edit_fleet *e, const struct fleet *base, struct fleet *after)
{
	if (fleet_copy(after, base) != 0)
		return -1;
	const struct form *f = e->form;
	for (size_t i = 0; i < f->n; i++) {
		const struct form_field *fld = &f->f[i];
		if (!form_field_changed(fld))
			continue;
		int rc = fld->kind == FORM_META
		             ? edit_meta_apply(&after->metadata, fld->meta_key, fld->ed.buf)
		             : flt_apply(after, fld->id, fld->sub, fld->ed.buf);
		if (rc != 0) {
			form_set_error(e->form, i, "does not parse");
			fleet_clear(after);
			return -1;
		}
	}
	return 0;
}

int edit_fleet_result(struct edit_fleet *e, struct fleet *after, struct fleet_patch *patch)
{
	memset(after, 0, sizeof *after);
	memset(patch, 0, sizeof *patch);
	if (flt_after_on(e, &e->orig, after) != 0)
		return -1;
	int n = fleet_diff(&e->orig, after, patch);
	if (n < 0)
		fleet_clear(after);
	return n;
}

int edit_fleet_pending(struct edit_fleet *e, const struct fleet *theirs)
{
	struct fleet mine;
	struct fleet_patch p;
	memset(&mine, 0, sizeof mine);
	memset(&p, 0, sizeof p);
	if (flt_after_on(e, theirs, &mine) != 0)
		return -1;
	int n = fleet_diff(theirs, &mine, &p);
	fleet_patch_clear(&p);
	fleet_clear(&mine);
	return n;
}

int edit_fleet_job(struct edit_fleet *e, struct job *job)
{
	struct fleet after;
	struct fleet_patch patch;
	int n = edit_fleet_result(e, &after, &patch);
	fleet_clear(&after);
	if (n <= 0) {
		fleet_patch_clear(&patch);
		return n;
	}
	memset(job, 0, sizeof *job);
	job->kind = JOB_FLEET_UPDATE;
	if (e->orig.id.v && !(job->id = strdup(e->orig.id.v))) {
		fleet_patch_clear(&patch);
		return -1;
	}
	job->fpatch = patch;
	return n;
}

static void flt_mark_theirs(struct edit_fleet *e, const struct fleet *theirs,
                            const struct fleet_patch *moved)
{
	struct form *f = e->form;
	for (size_t i = 0; i < f->n; i++) {
		struct form_field *fld = &f->f[i];
		char *text = NULL;
		if (fld->kind == FORM_META) {
			for (size_t k = 0; (moved->set & FLT_METADATA) && k < moved->meta.n; k++)
				if (strcmp(moved->meta.keys[k], fld->meta_key) == 0 && !text)
					text = strdup(moved->meta.vals[k] ? moved->meta.vals[k]
					                                  : "(removed)");
			if (text)
				form_set_theirs(f, i, text);
			free(text);
			continue;
		}
		if (fld->kind == FORM_BUTTON || fld->kind == FORM_META_ADD ||
		    !(fld->id & moved->set))
			continue;
		if (fld->id == FLT_ADDRESS && !(fld->sub & moved->addr_set))
			continue;
		if (flt_text(theirs, fld->id, fld->sub, &text) == 0)
			form_set_theirs(f, i, text ? text : "—");
		free(text);
	}
}

bool edit_fleet_server_moved(struct edit_fleet *e, const struct fleet *theirs)
{
	const struct opt_time *a = &e->orig.updated, *b = &theirs->updated;
	if (a->st == b->st && (a->st != FIELD_SET || a->ms == b->ms))
		return false;
	struct fleet_patch moved;
	memset(&moved, 0, sizeof moved);
	/* A new balance or session count moves `updated` too; only a field
	 * the form edits is a conflict worth the user's attention. */
	if (fleet_diff(&e->orig, theirs, &moved) <= 0) {
		fleet_patch_clear(&moved);
		return false;
	}
	flt_mark_theirs(e, theirs, &moved);
	fleet_patch_clear(&moved);
	e->form->conflict = true;
	e->form->conflict_seen = false;
	form_set_banner(e->form,
	                "changed on the server since you opened it: theirs shown below yours");
	return true;
}

void edit_fleet_apply_error(struct edit_fleet *e, const struct api_error *err)
{
	edit_apply_error(e->form, err, true);
}

const char *edit_fleet_confirm(const struct form *f, void *ctx)
{
	ssize_t i = form_find(f, FLT_STATUS, 0, NULL);
	if (i < 0 || !form_field_changed(&f->f[i]))
		return NULL;
	const char *s = form_text(f, (size_t)i);
	if (strcmp(s, "suspended") == 0)
		return "suspend this fleet? (y/n)";
	if (strcmp(s, "archived") == 0)
		return "archive this fleet? (y/n)";
	return NULL;
}
