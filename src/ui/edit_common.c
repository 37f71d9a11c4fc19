/*
 * edit_common.c — what the driver and fleet forms share: value <-> text,
 * field checks, API error -> field, attach/detach jobs, plain-word errors.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/edit.h"
#include "chargetui/money.h"
#include "chargetui/sanitize.h"
#include "chargetui/sync.h"
#include "chargetui/validate.h"

/* ---- value -> text */

int edit_str_text(const struct opt_str *s, char **out)
{
	*out = NULL;
	if (s->st != FIELD_SET || !s->v)
		return 0;
	*out = strdup(s->v);
	return *out ? 0 : -1;
}

int edit_bool_text(const struct opt_bool *b, char **out)
{
	*out = NULL;
	if (b->st != FIELD_SET)
		return 0;
	*out = strdup(b->v ? "on" : "off");
	return *out ? 0 : -1;
}

int edit_list_text(const struct str_list *l, char **out)
{
	*out = NULL;
	if (l->st != FIELD_SET)
		return 0;
	*out = form_join_list(l->v, l->n);
	return *out ? 0 : -1;
}

char *edit_minor_text(int64_t minor, const char *currency, char *buf, size_t n)
{
	int exp = money_exponent(currency);
	uint64_t mag = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	uint64_t div = 1;
	for (int i = 0; i < exp; i++)
		div *= 10;
	const char *sign = minor < 0 ? "-" : "";
	if (exp == 0)
		snprintf(buf, n, "%s%" PRIu64, sign, mag);
	else
		snprintf(buf, n, "%s%" PRIu64 ".%0*" PRIu64, sign, mag / div, exp, mag % div);
	return buf;
}

int edit_money_text(const struct opt_i64 *m, const char *currency, char **out)
{
	char buf[48];
	*out = NULL;
	if (m->st != FIELD_SET)
		return 0;
	*out = strdup(edit_minor_text(m->v, currency, buf, sizeof buf));
	return *out ? 0 : -1;
}

/* ---- text -> value */

int edit_text_to_str(struct opt_str *dst, const char *text)
{
	return opt_str_set(dst, text && *text ? text : NULL);
}

int edit_text_to_bool(struct opt_bool *dst, const char *text)
{
	if (!text || !*text) {
		dst->st = FIELD_NULL;
		dst->v = false;
		return 0;
	}
	dst->st = FIELD_SET;
	dst->v = strcmp(text, "on") == 0;
	return 0;
}

int edit_text_to_list(struct str_list *dst, const char *text)
{
	char **items;
	ssize_t n = form_split_list(text, &items);
	if (n < 0)
		return -1;
	str_list_clear(dst);
	dst->st = FIELD_SET;
	dst->n = (size_t)n;
	dst->v = items;
	return 0;
}

int edit_text_to_money(struct opt_i64 *dst, const char *text, const char *currency)
{
	if (!text || !*text) {
		dst->st = FIELD_NULL;
		dst->v = 0;
		return 0;
	}
	int64_t v;
	if (val_money(text, currency, &v) != NULL)
		return -1;
	dst->st = FIELD_SET;
	dst->v = v;
	return 0;
}

static int edit_meta_remove(struct meta_map *m, size_t i)
{
	free(m->keys[i]);
	free(m->vals[i]);
	memmove(&m->keys[i], &m->keys[i + 1], (m->n - i - 1) * sizeof *m->keys);
	memmove(&m->vals[i], &m->vals[i + 1], (m->n - i - 1) * sizeof *m->vals);
	m->n--;
	return 0;
}

int edit_meta_apply(struct meta_map *m, const char *key, const char *text)
{
	for (size_t i = 0; i < m->n; i++) {
		if (strcmp(m->keys[i], key) != 0)
			continue;
		if (!text || !*text)
			return edit_meta_remove(m, i);
		char *v = strdup(text);
		if (!v)
			return -1;
		free(m->vals[i]);
		m->vals[i] = v;
		return 0;
	}
	if (!text || !*text)
		return 0;
	char **nk = realloc(m->keys, (m->n + 1) * sizeof *nk);
	if (!nk)
		return -1;
	m->keys = nk;
	char **nv = realloc(m->vals, (m->n + 1) * sizeof *nv);
	if (!nv)
		return -1;
	m->vals = nv;
	m->keys[m->n] = strdup(key);
	m->vals[m->n] = strdup(text);
	if (!m->keys[m->n] || !m->vals[m->n]) {
		free(m->keys[m->n]);
		free(m->vals[m->n]);
		return -1;
	}
	m->n++;
	m->st = FIELD_SET;
	return 0;
}

int edit_add_meta_rows(struct form *f, unsigned id, const struct meta_map *m)
{
	for (size_t i = 0; m->st == FIELD_SET && i < m->n; i++)
		if (form_add_meta(f, id, m->keys[i], m->vals[i] ? m->vals[i] : "") < 0)
			return -1;
	return form_add(f, FORM_META_ADD, id, 0, "+ metadata key", NULL) < 0 ? -1 : 0;
}

/* ---- checks */

const char *edit_check_text(const struct form *f, const struct form_field *fld)
{
	return val_text(fld->ed.buf);
}

const char *edit_check_email(const struct form *f, const struct form_field *fld)
{
	return val_email(fld->ed.buf);
}

const char *edit_check_phone(const struct form *f, const struct form_field *fld)
{
	return val_phone(fld->ed.buf);
}

const char *edit_check_choice(const struct form *f, const struct form_field *fld)
{
	return val_enum(fld->ed.buf, fld->options);
}

const char *edit_check_currency(const struct form *f, const struct form_field *fld)
{
	return val_currency(fld->ed.buf);
}

const char *edit_check_toggle(const struct form *f, const struct form_field *fld)
{
	const char *t = fld->ed.buf;
	return !*t || !strcmp(t, "on") || !strcmp(t, "off") ? NULL : "on or off";
}

const char *edit_check_payment_method(const struct form *f, const struct form_field *fld)
{
	return val_payment_method(fld->ed.buf);
}

typedef const char *(*edit_item_fn)(const char *);

static const char *edit_check_items(const char *text, edit_item_fn fn)
{
	const char *bad = val_text(text);
	if (bad)
		return bad;
	char **items;
	ssize_t n = form_split_list(text, &items);
	if (n < 0)
		return "out of memory";
	for (ssize_t i = 0; i < n; i++) {
		if (!bad)
			bad = fn(items[i]);
		free(items[i]);
	}
	free(items);
	return bad;
}

const char *edit_check_stations(const struct form *f, const struct form_field *fld)
{
	return edit_check_items(fld->ed.buf, val_station_id);
}

const char *edit_check_cpos(const struct form *f, const struct form_field *fld)
{
	return edit_check_items(fld->ed.buf, val_cpo_id);
}

const char *edit_check_meta(const struct form *f, const struct form_field *fld)
{
	const char *bad = fld->meta_key ? val_meta_key(fld->meta_key) : NULL;
	return bad ? bad : val_meta_value(fld->ed.buf);
}

const char *edit_check_timezone(const struct form *f, const struct form_field *fld)
{
	return val_timezone(fld->ed.buf, NULL);
}

const char *edit_check_country(const struct form *f, const struct form_field *fld)
{
	return val_country(fld->ed.buf);
}

/* ---- API error -> field */

struct edit_param {
	const char *path;
	unsigned id, sub;
};

static const struct edit_param edit_driver_params[] = {
    {"name", DRV_NAME, 0},
    {"email", DRV_EMAIL, 0},
    {"phone", DRV_PHONE, 0},
    {"license_number", DRV_LICENSE_NUMBER, 0},
    {"status", DRV_STATUS, 0},
    {"preferences.charging_speed", DRV_PREF_CHARGING_SPEED, 0},
    {"preferences.currency", DRV_PREF_CURRENCY, 0},
    {"preferences.default_payment_method", DRV_PREF_DEFAULT_PAYMENT_METHOD, 0},
    {"preferences.max_price_per_kwh", DRV_PREF_MAX_PRICE_PER_KWH, 0},
    {"preferences.notifications", DRV_PREF_NOTIFICATIONS, 0},
    {"preferences.preferred_charging_stations", DRV_PREF_PREFERRED_CHARGING_STATIONS, 0},
    {"preferences.preferred_cpos", DRV_PREF_PREFERRED_CPOS, 0},
    {"preferences", DRV_PREF_CHARGING_SPEED, 0},
    {NULL, 0, 0},
};

static const struct edit_param edit_fleet_params[] = {
    {"name", FLT_NAME, 0},
    {"email", FLT_EMAIL, 0},
    {"phone", FLT_PHONE, 0},
    {"description", FLT_DESCRIPTION, 0},
    {"timezone", FLT_TIMEZONE, 0},
    {"metric_system", FLT_METRIC_SYSTEM, 0},
    {"address.city", FLT_ADDRESS, ADDR_CITY},
    {"address.country", FLT_ADDRESS, ADDR_COUNTRY},
    {"address.line1", FLT_ADDRESS, ADDR_LINE1},
    {"address.line2", FLT_ADDRESS, ADDR_LINE2},
    {"address.postal_code", FLT_ADDRESS, ADDR_POSTAL_CODE},
    {"address.state", FLT_ADDRESS, ADDR_STATE},
    {"address", FLT_ADDRESS, ADDR_LINE1},
    {"status", FLT_STATUS, 0},
    {"preferences.billing_cycle", FLT_PREF_BILLING_CYCLE, 0},
    {"preferences.default_currency", FLT_PREF_DEFAULT_CURRENCY, 0},
    {"preferences.default_payment_method", FLT_PREF_DEFAULT_PAYMENT_METHOD, 0},
    {"preferences.notifications", FLT_PREF_NOTIFICATIONS, 0},
    {"preferences.report_frequency", FLT_PREF_REPORT_FREQUENCY, 0},
    {"preferences", FLT_PREF_BILLING_CYCLE, 0},
    {NULL, 0, 0},
};

/* "preferences[currency]" -> "preferences.currency"; "a[b][0]" -> "a.b.0". */
static void edit_param_normalize(const char *param, char *out, size_t n)
{
	size_t o = 0;
	for (const char *p = param; *p && o + 1 < n; p++) {
		if (*p == '[')
			out[o++] = '.';
		else if (*p != ']')
			out[o++] = *p;
	}
	out[o] = 0;
}

/* path equals prefix, or continues it after a '.' (an array index, a
 * deeper key we do not edit separately). */
static bool edit_path_under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(path, prefix, n) == 0 && (path[n] == 0 || path[n] == '.');
}

ssize_t edit_param_field(const struct form *f, const char *param, bool fleet)
{
	char path[256];
	if (!param || !*param)
		return -1;
	edit_param_normalize(param, path, sizeof path);
	unsigned meta_id = fleet ? FLT_METADATA : DRV_METADATA;
	if (edit_path_under(path, "metadata")) {
		ssize_t i = -1;
		if (path[8] == '.')
			i = form_find(f, meta_id, 0, path + 9);
		/* "metadata" alone: the first key the user changed, else the add row. */
		for (size_t k = 0; i < 0 && k < f->n; k++)
			if (f->f[k].kind == FORM_META && f->f[k].id == meta_id &&
			    form_field_changed(&f->f[k]))
				i = (ssize_t)k;
		for (size_t k = 0; i < 0 && k < f->n; k++)
			if (f->f[k].kind == FORM_META_ADD && f->f[k].id == meta_id)
				i = (ssize_t)k;
		return i;
	}
	const struct edit_param *t = fleet ? edit_fleet_params : edit_driver_params;
	for (; t->path; t++)
		if (edit_path_under(path, t->path))
			return form_find(f, t->id, t->sub, NULL);
	return -1;
}

void edit_apply_error(struct form *f, const struct api_error *err, bool fleet)
{
	char raw[512], shown[512];
	ssize_t i = edit_param_field(f, err->param, fleet);
	if (i >= 0 && err->message && *err->message) {
		san_display(err->message, strlen(err->message), -1, 0, shown, sizeof shown);
		form_set_error(f, (size_t)i, shown);
		f->focus = (size_t)i;
		form_set_banner(f, "the server refused a field (marked)");
		return;
	}
	edit_error_words(err, EDIT_OP_UPDATE, raw, sizeof raw);
	form_set_banner(f, raw);
	if (i >= 0)
		f->focus = (size_t)i;
}

char *edit_error_words(const struct api_error *err, enum edit_op op, char *buf, size_t n)
{
	const char *code = err->code ? err->code : "";
	const char *words = NULL;
	if (err->kind == API_ERR_HTTP && strcmp(code, "driver_fleet_conflict") == 0)
		words = op == EDIT_OP_DETACH ? "the driver is not in that fleet"
		                             : "the driver is already in that fleet";
	else if (err->kind == API_ERR_HTTP && strcmp(code, "fleet_not_found") == 0)
		words = "that fleet does not exist (any more)";
	else if (err->kind == API_ERR_HTTP && strcmp(code, "driver_not_found") == 0)
		words = "that driver does not exist (any more)";
	if (words) {
		snprintf(buf, n, "%s", words);
		return buf;
	}
	char raw[512];
	api_error_format(err, raw, sizeof raw);
	san_display(raw, strlen(raw), -1, 0, buf, n);
	return buf;
}

/* ---- attach / detach */

static int edit_ref_job(enum job_kind kind, const char *driver_id, const char *fleet_id,
                        struct job *job)
{
	if (!driver_id || val_id(driver_id, "drv_") || !fleet_id || val_fleet_id(fleet_id))
		return -1;
	memset(job, 0, sizeof *job);
	job->kind = kind;
	job->id = strdup(driver_id);
	job->fleet_id = strdup(fleet_id);
	if (!job->id || !job->fleet_id) {
		job_clear(job);
		return -1;
	}
	return 0;
}

int edit_attach_job(const char *driver_id, const char *fleet_id, struct job *job)
{
	return edit_ref_job(JOB_DRIVER_ATTACH, driver_id, fleet_id, job);
}

int edit_detach_job(const char *driver_id, const char *fleet_id, struct job *job)
{
	return edit_ref_job(JOB_DRIVER_DETACH, driver_id, fleet_id, job);
}
