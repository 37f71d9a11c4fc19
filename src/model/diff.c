/*
 * diff.c — what changed between two versions of an object, as a patch.
 *
 * The API keeps every parameter we omit, so a patch must hold exactly the
 * user's changes and nothing else (SAN-11: an untouched name with an ESC in
 * it is never written back).  Strings compare byte for byte, state included
 * (null vs "" vs missing); preferences and metadata key by key; arrays whole.
 *
 * A field whose new state is FIELD_MISSING or FIELD_INVALID cannot be sent
 * (there is no value to send), so it is never part of a patch.  The count
 * returned is the number of patch bits set: one for metadata however many
 * keys changed, one for the address however many lines changed.
 */
#include <stdlib.h>
#include <string.h>

#include "chargetui/model.h"

static int df_sendable(enum field_state st)
{
	return st == FIELD_SET || st == FIELD_NULL;
}

static int df_str_eq(const struct opt_str *a, const struct opt_str *b)
{
	if (a->st != b->st)
		return 0;
	return a->st != FIELD_SET || strcmp(a->v ? a->v : "", b->v ? b->v : "") == 0;
}

static int df_list_eq(const struct str_list *a, const struct str_list *b)
{
	if (a->st != b->st || (a->st == FIELD_SET && a->n != b->n))
		return 0;
	for (size_t i = 0; a->st == FIELD_SET && i < a->n; i++)
		if (strcmp(a->v[i] ? a->v[i] : "", b->v[i] ? b->v[i] : "") != 0)
			return 0;
	return 1;
}

/* Each df_* compares one field, and when it changed copies the new value into
 * dst and sets bit.  0, or -1 on ENOMEM. */
static int df_str(const struct opt_str *a, const struct opt_str *b, struct opt_str *dst,
                  uint32_t *set, uint32_t bit)
{
	if (df_str_eq(a, b) || !df_sendable(b->st))
		return 0;
	*set |= bit;
	return opt_str_copy(dst, b);
}

static void df_i64(const struct opt_i64 *a, const struct opt_i64 *b, struct opt_i64 *dst,
                   uint32_t *set, uint32_t bit)
{
	if ((a->st == b->st && (a->st != FIELD_SET || a->v == b->v)) || !df_sendable(b->st))
		return;
	*set |= bit;
	*dst = *b;
}

static void df_bool(const struct opt_bool *a, const struct opt_bool *b, struct opt_bool *dst,
                    uint32_t *set, uint32_t bit)
{
	if ((a->st == b->st && (a->st != FIELD_SET || a->v == b->v)) || !df_sendable(b->st))
		return;
	*set |= bit;
	*dst = *b;
}

static int df_list(const struct str_list *a, const struct str_list *b, struct str_list *dst,
                   uint32_t *set, uint32_t bit)
{
	if (df_list_eq(a, b) || !df_sendable(b->st))
		return 0;
	*set |= bit;
	return str_list_copy(dst, b);
}

static const char *df_meta_get(const struct meta_map *m, const char *k, int *found)
{
	*found = 0;
	if (m->st != FIELD_SET)
		return NULL;
	for (size_t i = 0; i < m->n; i++) {
		if (strcmp(m->keys[i], k) == 0) {
			*found = 1;
			return m->vals[i];
		}
	}
	return NULL;
}

static int df_meta_add(struct meta_map *out, const char *k, const char *v)
{
	char **nk = realloc(out->keys, (out->n + 1) * sizeof(*nk)), **nv;

	if (!nk)
		return -1;
	out->keys = nk;
	nv = realloc(out->vals, (out->n + 1) * sizeof(*nv));
	if (!nv)
		return -1;
	out->vals = nv;
	out->keys[out->n] = strdup(k);
	out->vals[out->n] = v ? strdup(v) : NULL;
	out->n++; /* counted before the check so clear frees a half-made entry */
	out->st = FIELD_SET;
	return out->keys[out->n - 1] && (!v || out->vals[out->n - 1]) ? 0 : -1;
}

/* Changed and added keys with their new values, removed keys with NULL. */
static int df_meta(const struct meta_map *a, const struct meta_map *b, struct meta_map *out,
                   uint32_t *set, uint32_t bit)
{
	int found;

	if (b->st != FIELD_SET)
		return 0;
	for (size_t i = 0; i < b->n; i++) {
		const char *old = df_meta_get(a, b->keys[i], &found);

		if (found && strcmp(old ? old : "", b->vals[i] ? b->vals[i] : "") == 0)
			continue;
		if (df_meta_add(out, b->keys[i], b->vals[i] ? b->vals[i] : "") < 0)
			return -1;
	}
	for (size_t i = 0; a->st == FIELD_SET && i < a->n; i++) {
		df_meta_get(b, a->keys[i], &found);
		if (!found && df_meta_add(out, a->keys[i], NULL) < 0)
			return -1;
	}
	if (out->n)
		*set |= bit;
	return 0;
}

static int df_count(uint32_t set)
{
	int n = 0;

	for (; set; set &= set - 1)
		n++;
	return n;
}

static int df_driver_prefs(const struct driver_prefs *a, const struct driver_prefs *b,
                           struct driver_prefs *d, uint32_t *s)
{
	if (b->st != FIELD_SET)
		return 0;
	d->st = FIELD_SET;
	df_i64(&a->max_price_per_kwh, &b->max_price_per_kwh, &d->max_price_per_kwh, s,
	       DRV_PREF_MAX_PRICE_PER_KWH);
	df_bool(&a->notifications, &b->notifications, &d->notifications, s, DRV_PREF_NOTIFICATIONS);
	return df_str(&a->charging_speed, &b->charging_speed, &d->charging_speed, s,
	              DRV_PREF_CHARGING_SPEED) |
	       df_str(&a->currency, &b->currency, &d->currency, s, DRV_PREF_CURRENCY) |
	       df_str(&a->default_payment_method, &b->default_payment_method,
	              &d->default_payment_method, s, DRV_PREF_DEFAULT_PAYMENT_METHOD) |
	       df_list(&a->preferred_charging_stations, &b->preferred_charging_stations,
	               &d->preferred_charging_stations, s, DRV_PREF_PREFERRED_CHARGING_STATIONS) |
	       df_list(&a->preferred_cpos, &b->preferred_cpos, &d->preferred_cpos, s,
	               DRV_PREF_PREFERRED_CPOS);
}

int driver_diff(const struct driver *before, const struct driver *after, struct driver_patch *out)
{
	struct driver_patch p = {0};
	uint32_t *s = &p.set;
	int rc;

	rc = opt_str_copy(&p.v.id, &after->id) |
	     df_str(&before->name, &after->name, &p.v.name, s, DRV_NAME) |
	     df_str(&before->email, &after->email, &p.v.email, s, DRV_EMAIL) |
	     df_str(&before->phone, &after->phone, &p.v.phone, s, DRV_PHONE) |
	     df_str(&before->license_number, &after->license_number, &p.v.license_number, s,
	            DRV_LICENSE_NUMBER) |
	     df_str(&before->status, &after->status, &p.v.status, s, DRV_STATUS) |
	     df_driver_prefs(&before->preferences, &after->preferences, &p.v.preferences, s) |
	     df_meta(&before->metadata, &after->metadata, &p.meta, s, DRV_METADATA);
	driver_patch_clear(out);
	if (rc) {
		driver_patch_clear(&p);
		return -1;
	}
	*out = p;
	return df_count(p.set);
}

static int df_address(const struct address *a, const struct address *b, struct address *d,
                      uint32_t *s)
{
	if (b->st != FIELD_SET)
		return 0;
	d->st = FIELD_SET;
	return df_str(&a->city, &b->city, &d->city, s, ADDR_CITY) |
	       df_str(&a->country, &b->country, &d->country, s, ADDR_COUNTRY) |
	       df_str(&a->line1, &b->line1, &d->line1, s, ADDR_LINE1) |
	       df_str(&a->line2, &b->line2, &d->line2, s, ADDR_LINE2) |
	       df_str(&a->postal_code, &b->postal_code, &d->postal_code, s, ADDR_POSTAL_CODE) |
	       df_str(&a->state, &b->state, &d->state, s, ADDR_STATE);
}

static int df_fleet_prefs(const struct fleet_prefs *a, const struct fleet_prefs *b,
                          struct fleet_prefs *d, uint32_t *s)
{
	if (b->st != FIELD_SET)
		return 0;
	d->st = FIELD_SET;
	df_bool(&a->notifications, &b->notifications, &d->notifications, s, FLT_PREF_NOTIFICATIONS);
	return df_str(&a->billing_cycle, &b->billing_cycle, &d->billing_cycle, s,
	              FLT_PREF_BILLING_CYCLE) |
	       df_str(&a->default_currency, &b->default_currency, &d->default_currency, s,
	              FLT_PREF_DEFAULT_CURRENCY) |
	       df_str(&a->default_payment_method, &b->default_payment_method,
	              &d->default_payment_method, s, FLT_PREF_DEFAULT_PAYMENT_METHOD) |
	       df_str(&a->report_frequency, &b->report_frequency, &d->report_frequency, s,
	              FLT_PREF_REPORT_FREQUENCY);
}

int fleet_diff(const struct fleet *before, const struct fleet *after, struct fleet_patch *out)
{
	struct fleet_patch p = {0};
	uint32_t *s = &p.set;
	int rc;

	rc = opt_str_copy(&p.v.id, &after->id) |
	     df_str(&before->name, &after->name, &p.v.name, s, FLT_NAME) |
	     df_str(&before->email, &after->email, &p.v.email, s, FLT_EMAIL) |
	     df_str(&before->phone, &after->phone, &p.v.phone, s, FLT_PHONE) |
	     df_str(&before->description, &after->description, &p.v.description, s,
	            FLT_DESCRIPTION) |
	     df_str(&before->timezone, &after->timezone, &p.v.timezone, s, FLT_TIMEZONE) |
	     df_str(&before->metric_system, &after->metric_system, &p.v.metric_system, s,
	            FLT_METRIC_SYSTEM) |
	     df_address(&before->address, &after->address, &p.v.address, &p.addr_set) |
	     df_str(&before->status, &after->status, &p.v.status, s, FLT_STATUS) |
	     df_fleet_prefs(&before->preferences, &after->preferences, &p.v.preferences, s) |
	     df_meta(&before->metadata, &after->metadata, &p.meta, s, FLT_METADATA);
	if (p.addr_set)
		p.set |= FLT_ADDRESS;
	fleet_patch_clear(out);
	if (rc) {
		fleet_patch_clear(&p);
		return -1;
	}
	*out = p;
	return df_count(p.set);
}
