/*
 * model.c — ownership of the model structs: clear, deep copy, set.
 *
 * Every struct is a plain value whose pointers it owns; *_clear() frees and
 * zeroes so that a second call is harmless and a cleared struct reads as
 * "all fields missing".  Copies are field by field (never memcpy of a struct
 * holding pointers), and a failed copy leaves dst cleared so callers have one
 * thing to undo, not a half-built object.
 */
#include <stdlib.h>
#include <string.h>

#include "chargetui/model.h"

void opt_str_clear(struct opt_str *s)
{
	free(s->v);
	s->v = NULL;
	s->st = FIELD_MISSING;
}

void str_list_clear(struct str_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void meta_map_clear(struct meta_map *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->keys[i]);
		free(m->vals[i]);
	}
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

static void address_clear(struct address *a)
{
	opt_str_clear(&a->city);
	opt_str_clear(&a->country);
	opt_str_clear(&a->line1);
	opt_str_clear(&a->line2);
	opt_str_clear(&a->postal_code);
	opt_str_clear(&a->state);
	a->st = FIELD_MISSING;
}

static void driver_prefs_clear(struct driver_prefs *p)
{
	opt_str_clear(&p->charging_speed);
	opt_str_clear(&p->currency);
	opt_str_clear(&p->default_payment_method);
	str_list_clear(&p->preferred_charging_stations);
	str_list_clear(&p->preferred_cpos);
	memset(p, 0, sizeof(*p));
}

static void fleet_prefs_clear(struct fleet_prefs *p)
{
	opt_str_clear(&p->billing_cycle);
	opt_str_clear(&p->default_currency);
	opt_str_clear(&p->default_payment_method);
	opt_str_clear(&p->report_frequency);
	memset(p, 0, sizeof(*p));
}

void driver_clear(struct driver *d)
{
	opt_str_clear(&d->id);
	opt_str_clear(&d->object);
	opt_str_clear(&d->email);
	str_list_clear(&d->fleets);
	opt_str_clear(&d->license_number);
	meta_map_clear(&d->metadata);
	opt_str_clear(&d->name);
	opt_str_clear(&d->phone);
	str_list_clear(&d->policy_ids);
	driver_prefs_clear(&d->preferences);
	opt_str_clear(&d->status);
	str_list_clear(&d->vehicles);
	memset(d, 0, sizeof(*d));
}

void fleet_clear(struct fleet *f)
{
	opt_str_clear(&f->id);
	opt_str_clear(&f->object);
	address_clear(&f->address);
	opt_str_clear(&f->description);
	opt_str_clear(&f->email);
	meta_map_clear(&f->metadata);
	opt_str_clear(&f->metric_system);
	opt_str_clear(&f->name);
	opt_str_clear(&f->phone);
	str_list_clear(&f->policy_ids);
	fleet_prefs_clear(&f->preferences);
	opt_str_clear(&f->status);
	opt_str_clear(&f->timezone);
	memset(f, 0, sizeof(*f));
}

void driver_page_clear(struct driver_page *p)
{
	for (size_t i = 0; i < p->n; i++)
		driver_clear(&p->items[i]);
	free(p->items);
	free(p->next_url);
	free(p->prev_url);
	memset(p, 0, sizeof(*p));
}

void fleet_page_clear(struct fleet_page *p)
{
	for (size_t i = 0; i < p->n; i++)
		fleet_clear(&p->items[i]);
	free(p->items);
	free(p->next_url);
	free(p->prev_url);
	memset(p, 0, sizeof(*p));
}

void api_error_clear(struct api_error *e)
{
	free(e->type);
	free(e->code);
	free(e->message);
	free(e->param);
	free(e->request_id);
	free(e->doc_url);
	free(e->detail);
	memset(e, 0, sizeof(*e));
	/* "absent" is -1, not 0: a zeroed error must not read as Retry-After: 0. */
	e->retry_after_s = -1;
}

void driver_patch_clear(struct driver_patch *p)
{
	driver_clear(&p->v);
	meta_map_clear(&p->meta);
	p->set = 0;
}

void fleet_patch_clear(struct fleet_patch *p)
{
	fleet_clear(&p->v);
	meta_map_clear(&p->meta);
	p->set = 0;
	p->addr_set = 0;
}

/* ---- copies ---------------------------------------------------------- */

static int dup_or_null(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -1;
}

int opt_str_copy(struct opt_str *dst, const struct opt_str *src)
{
	struct opt_str tmp = {.st = src->st};

	if (src->st == FIELD_SET && dup_or_null(&tmp.v, src->v ? src->v : "") < 0) {
		opt_str_clear(dst);
		return -1;
	}
	opt_str_clear(dst);
	*dst = tmp;
	return 0;
}

int opt_str_set(struct opt_str *dst, const char *s)
{
	char *v = NULL;

	if (s && !(v = strdup(s)))
		return -1;
	opt_str_clear(dst);
	dst->st = s ? FIELD_SET : FIELD_NULL;
	dst->v = v;
	return 0;
}

int str_list_copy(struct str_list *dst, const struct str_list *src)
{
	struct str_list tmp = {.st = src->st};

	str_list_clear(dst);
	if (src->n) {
		tmp.v = calloc(src->n, sizeof(*tmp.v));
		if (!tmp.v)
			return -1;
		for (; tmp.n < src->n; tmp.n++) {
			if (dup_or_null(&tmp.v[tmp.n], src->v[tmp.n] ? src->v[tmp.n] : "") < 0) {
				str_list_clear(&tmp);
				return -1;
			}
		}
	}
	*dst = tmp;
	return 0;
}

int meta_map_copy(struct meta_map *dst, const struct meta_map *src)
{
	struct meta_map tmp = {.st = src->st};

	meta_map_clear(dst);
	if (src->n) {
		tmp.keys = calloc(src->n, sizeof(*tmp.keys));
		tmp.vals = calloc(src->n, sizeof(*tmp.vals));
		if (!tmp.keys || !tmp.vals) {
			free(tmp.keys);
			free(tmp.vals);
			return -1;
		}
		for (size_t i = 0; i < src->n; i++) {
			/* n counts entries whose slots may hold data, so clear frees them. */
			tmp.n = i + 1;
			if (dup_or_null(&tmp.keys[i], src->keys[i]) < 0 ||
			    dup_or_null(&tmp.vals[i], src->vals[i]) < 0) {
				meta_map_clear(&tmp);
				return -1;
			}
		}
	}
	*dst = tmp;
	return 0;
}

static int address_copy(struct address *dst, const struct address *src)
{
	dst->st = src->st;
	return opt_str_copy(&dst->city, &src->city) | opt_str_copy(&dst->country, &src->country) |
	       opt_str_copy(&dst->line1, &src->line1) | opt_str_copy(&dst->line2, &src->line2) |
	       opt_str_copy(&dst->postal_code, &src->postal_code) |
	       opt_str_copy(&dst->state, &src->state);
}

static int driver_prefs_copy(struct driver_prefs *dst, const struct driver_prefs *src)
{
	dst->st = src->st;
	dst->max_price_per_kwh = src->max_price_per_kwh;
	dst->notifications = src->notifications;
	return opt_str_copy(&dst->charging_speed, &src->charging_speed) |
	       opt_str_copy(&dst->currency, &src->currency) |
	       opt_str_copy(&dst->default_payment_method, &src->default_payment_method) |
	       str_list_copy(&dst->preferred_charging_stations, &src->preferred_charging_stations) |
	       str_list_copy(&dst->preferred_cpos, &src->preferred_cpos);
}

static int fleet_prefs_copy(struct fleet_prefs *dst, const struct fleet_prefs *src)
{
	dst->st = src->st;
	dst->notifications = src->notifications;
	return opt_str_copy(&dst->billing_cycle, &src->billing_cycle) |
	       opt_str_copy(&dst->default_currency, &src->default_currency) |
	       opt_str_copy(&dst->default_payment_method, &src->default_payment_method) |
	       opt_str_copy(&dst->report_frequency, &src->report_frequency);
}

/* The copy is built in a fresh struct, so dst may alias nothing in src and a
 * failure leaves dst cleared, as the header promises. */
int driver_copy(struct driver *dst, const struct driver *src)
{
	struct driver t = {0};
	int rc;

	t.created = src->created;
	t.updated = src->updated;
	t.wallet_balance = src->wallet_balance;
	rc = opt_str_copy(&t.id, &src->id) | opt_str_copy(&t.object, &src->object) |
	     opt_str_copy(&t.email, &src->email) | str_list_copy(&t.fleets, &src->fleets) |
	     opt_str_copy(&t.license_number, &src->license_number) |
	     meta_map_copy(&t.metadata, &src->metadata) | opt_str_copy(&t.name, &src->name) |
	     opt_str_copy(&t.phone, &src->phone) | str_list_copy(&t.policy_ids, &src->policy_ids) |
	     driver_prefs_copy(&t.preferences, &src->preferences) |
	     opt_str_copy(&t.status, &src->status) | str_list_copy(&t.vehicles, &src->vehicles);
	driver_clear(dst);
	if (rc) {
		driver_clear(&t);
		return -1;
	}
	*dst = t;
	return 0;
}

int fleet_copy(struct fleet *dst, const struct fleet *src)
{
	struct fleet t = {0};
	int rc;

	t.created = src->created;
	t.updated = src->updated;
	t.total_drivers = src->total_drivers;
	t.total_energy_consumed_kwh = src->total_energy_consumed_kwh;
	t.total_sessions = src->total_sessions;
	t.total_vehicles = src->total_vehicles;
	t.wallet_balance = src->wallet_balance;
	rc = opt_str_copy(&t.id, &src->id) | opt_str_copy(&t.object, &src->object) |
	     address_copy(&t.address, &src->address) |
	     opt_str_copy(&t.description, &src->description) | opt_str_copy(&t.email, &src->email) |
	     meta_map_copy(&t.metadata, &src->metadata) |
	     opt_str_copy(&t.metric_system, &src->metric_system) |
	     opt_str_copy(&t.name, &src->name) | opt_str_copy(&t.phone, &src->phone) |
	     str_list_copy(&t.policy_ids, &src->policy_ids) |
	     fleet_prefs_copy(&t.preferences, &src->preferences) |
	     opt_str_copy(&t.status, &src->status) | opt_str_copy(&t.timezone, &src->timezone);
	fleet_clear(dst);
	if (rc) {
		fleet_clear(&t);
		return -1;
	}
	*dst = t;
	return 0;
}

int api_error_copy(struct api_error *dst, const struct api_error *src)
{
	struct api_error t = *src;
	int rc;

	if (dst == src)
		return 0;
	rc = dup_or_null(&t.type, src->type) | dup_or_null(&t.code, src->code) |
	     dup_or_null(&t.message, src->message) | dup_or_null(&t.param, src->param) |
	     dup_or_null(&t.request_id, src->request_id) | dup_or_null(&t.doc_url, src->doc_url) |
	     dup_or_null(&t.detail, src->detail);
	api_error_clear(dst);
	if (rc) {
		api_error_clear(&t);
		return -1;
	}
	*dst = t;
	return 0;
}
