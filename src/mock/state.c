/*
 * state.c — the in-memory account: fleets, drivers and charging sessions as
 * compact structs, their indexes, the invariants between them (fleet totals)
 * and their JSON form.  Every function here runs under the mock's state lock.
 *
 * Records are kept in creation order and never removed from their arrays (a
 * deleted driver is a tombstone), so an array index is a stable position that
 * page tokens can name.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const mk_status_names[MK_NSTATUS] = {"active", "suspended", "archived"};
const char *const mk_metric_names[MK_NMETRIC] = {"international_system", "us_customary_system",
                                                 "imperial_system"};
const char *const mk_speed_names[MK_NSPEED] = {"slow", "standard", "fast", "ultra_fast"};
const char *const mk_cycle_names[MK_NCYCLE] = {"weekly", "monthly", "quarterly"};
const char *const mk_freq_names[MK_NFREQ] = {"daily", "weekly", "monthly"};
const char *const mk_sess_status_names[MK_NSESS_STATUS] = {"active", "completed", "cancelled",
                                                           "failed"};
const char *const mk_addr_names[MK_NADDR] = {"city",  "country",     "line1",
                                             "line2", "postal_code", "state"};

int mk_enum_find(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

void mk_strv_push(struct mk_strv *sv, const char *s)
{
	sv->v = mk_xrealloc(sv->v, sizeof *sv->v * (size_t)(sv->n + 1));
	sv->v[sv->n++] = mk_xstrdup(s);
}

void mk_strv_clear(struct mk_strv *sv)
{
	for (int i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

bool mk_strv_has(const struct mk_strv *sv, const char *s)
{
	for (int i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

const char *mk_meta_get(const struct mk_meta *m, const char *key)
{
	for (int i = 0; i < m->n; i++)
		if (strcmp(m->v[i].key, key) == 0)
			return m->v[i].val;
	return NULL;
}

void mk_meta_set(struct mk_meta *m, const char *key, const char *val)
{
	for (int i = 0; i < m->n; i++) {
		if (strcmp(m->v[i].key, key) != 0)
			continue;
		free(m->v[i].val);
		if (val && *val) {
			m->v[i].val = mk_xstrdup(val);
		} else {
			free(m->v[i].key);
			memmove(&m->v[i], &m->v[i + 1], sizeof *m->v * (size_t)(m->n - i - 1));
			m->n--;
		}
		return;
	}
	if (!val || !*val)
		return;
	m->v = mk_xrealloc(m->v, sizeof *m->v * (size_t)(m->n + 1));
	m->v[m->n].key = mk_xstrdup(key);
	m->v[m->n].val = mk_xstrdup(val);
	m->n++;
}

void mk_meta_clear(struct mk_meta *m)
{
	for (int i = 0; i < m->n; i++) {
		free(m->v[i].key);
		free(m->v[i].val);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

void mk_state_init(struct mk_state *st, uint64_t seed)
{
	memset(st, 0, sizeof *st);
	mk_rng_seed(&st->rng, seed);
	struct mk_rng keyrng;
	mk_rng_seed(&keyrng, seed ^ 0x70616765746f6b65ULL);
	for (int i = 0; i < 4; i++)
		st->page_key[i] = mk_rng_next(&keyrng);
	mk_index_init(&st->fleet_ix);
	mk_index_init(&st->driver_ix);
	mk_index_init(&st->session_ix);
}

static void mk_driver_free(struct mk_driver *d)
{
	free(d->email);
	free(d->license_number);
	free(d->name);
	free(d->phone);
	free(d->fleets);
	mk_strv_clear(&d->policy_ids);
	free(d->prefs.default_payment_method);
	mk_strv_clear(&d->prefs.stations);
	mk_strv_clear(&d->prefs.cpos);
	mk_strv_clear(&d->vehicles);
	mk_meta_clear(&d->metadata);
	free(d);
}

static void mk_fleet_free(struct mk_fleet *f)
{
	for (int i = 0; i < MK_NADDR; i++)
		free(f->address[i]);
	free(f->description);
	free(f->email);
	mk_meta_clear(&f->metadata);
	free(f->name);
	free(f->phone);
	mk_strv_clear(&f->policy_ids);
	free(f->prefs.default_payment_method);
	free(f->timezone);
	free(f);
}

void mk_state_free(struct mk_state *st)
{
	for (int i = 0; i < st->ndrivers; i++)
		mk_driver_free(st->drivers[i]);
	for (int i = 0; i < st->nfleets; i++)
		mk_fleet_free(st->fleets[i]);
	free(st->drivers);
	free(st->fleets);
	free(st->sessions);
	free(st->active);
	free(st->stations);
	free(st->policies);
	free(st->payment_methods);
	mk_index_free(&st->fleet_ix);
	mk_index_free(&st->driver_ix);
	mk_index_free(&st->session_ix);
	memset(st, 0, sizeof *st);
}

int64_t mk_state_now(struct mk_state *st)
{
	int64_t now = mk_now_ms();
	if (now <= st->last_ms)
		now = st->last_ms + 1;
	st->last_ms = now;
	return now;
}

struct mk_fleet *mk_fleet_new(struct mk_state *st, int64_t created)
{
	if (st->nfleets == st->capfleets) {
		st->capfleets = st->capfleets ? st->capfleets * 2 : 16;
		st->fleets = mk_xrealloc(st->fleets, sizeof *st->fleets * (size_t)st->capfleets);
	}
	struct mk_fleet *f = mk_xcalloc(1, sizeof *f);
	do
		mk_rng_id(&st->rng, "flt_", f->id);
	while (mk_index_get(&st->fleet_ix, f->id) >= 0);
	f->created = f->updated = created;
	st->fleets[st->nfleets] = f;
	mk_index_put(&st->fleet_ix, f->id, st->nfleets);
	st->nfleets++;
	return f;
}

struct mk_driver *mk_driver_new(struct mk_state *st, int64_t created)
{
	if (st->ndrivers == st->capdrivers) {
		st->capdrivers = st->capdrivers ? st->capdrivers * 2 : 64;
		st->drivers =
		    mk_xrealloc(st->drivers, sizeof *st->drivers * (size_t)st->capdrivers);
	}
	struct mk_driver *d = mk_xcalloc(1, sizeof *d);
	do
		mk_rng_id(&st->rng, "drv_", d->id);
	while (mk_index_get(&st->driver_ix, d->id) >= 0);
	d->created = d->updated = created;
	st->drivers[st->ndrivers] = d;
	mk_index_put(&st->driver_ix, d->id, st->ndrivers);
	st->ndrivers++;
	st->live_drivers++;
	return d;
}

struct mk_session *mk_session_new(struct mk_state *st, int64_t created)
{
	if (st->nsessions == st->capsessions) {
		st->capsessions = st->capsessions ? st->capsessions * 2 : 256;
		st->sessions =
		    mk_xrealloc(st->sessions, sizeof *st->sessions * (size_t)st->capsessions);
		/* The index borrows the id strings, which just moved: rebuild it. */
		mk_index_free(&st->session_ix);
		mk_index_init(&st->session_ix);
		for (int i = 0; i < st->nsessions; i++)
			mk_index_put(&st->session_ix, st->sessions[i].id, i);
	}
	struct mk_session *s = &st->sessions[st->nsessions];
	memset(s, 0, sizeof *s);
	do
		mk_rng_id(&st->rng, "cs_", s->id);
	while (mk_index_get(&st->session_ix, s->id) >= 0);
	s->created = s->updated = s->started = created;
	s->fleet = -1;
	mk_index_put(&st->session_ix, s->id, st->nsessions);
	st->nsessions++;
	return s;
}

int mk_fleet_find(const struct mk_state *st, const char *id)
{
	return mk_index_get(&st->fleet_ix, id);
}

int mk_driver_find(const struct mk_state *st, const char *id)
{
	return mk_index_get(&st->driver_ix, id);
}

bool mk_driver_in_fleet(const struct mk_driver *d, int fleet)
{
	for (int i = 0; i < d->nfleets; i++)
		if (d->fleets[i] == fleet)
			return true;
	return false;
}

void mk_driver_attach(struct mk_state *st, struct mk_driver *d, int fleet, int64_t now)
{
	d->fleets = mk_xrealloc(d->fleets, sizeof *d->fleets * (size_t)(d->nfleets + 1));
	d->fleets[d->nfleets++] = fleet;
	struct mk_fleet *f = st->fleets[fleet];
	f->total_drivers++;
	f->total_vehicles += d->vehicles.n;
	f->updated = now;
	d->updated = now;
}

void mk_driver_detach(struct mk_state *st, struct mk_driver *d, int fleet, int64_t now)
{
	for (int i = 0; i < d->nfleets; i++) {
		if (d->fleets[i] != fleet)
			continue;
		memmove(&d->fleets[i], &d->fleets[i + 1],
		        sizeof *d->fleets * (size_t)(d->nfleets - i - 1));
		d->nfleets--;
		struct mk_fleet *f = st->fleets[fleet];
		f->total_drivers--;
		f->total_vehicles -= d->vehicles.n;
		f->updated = now;
		d->updated = now;
		return;
	}
}

void mk_driver_delete(struct mk_state *st, int idx, int64_t now)
{
	struct mk_driver *d = st->drivers[idx];
	while (d->nfleets > 0)
		mk_driver_detach(st, d, d->fleets[0], now);
	d->deleted = true;
	mk_index_del(&st->driver_ix, d->id);
	st->live_drivers--;
}

void mk_session_account(struct mk_state *st, const struct mk_session *s)
{
	if (s->fleet < 0)
		return;
	struct mk_fleet *f = st->fleets[s->fleet];
	f->total_sessions++;
	f->energy_wh += s->energy_wh;
}

/* ---- JSON, keys in the order of the fixtures ----------------------------- */

static void mk_add_time(cJSON *o, const char *k, int64_t ms)
{
	char t[32];
	mk_format_time(ms, t);
	cJSON_AddStringToObject(o, k, t);
}

static void mk_add_nstr(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static cJSON *mk_strv_json(const struct mk_strv *sv)
{
	cJSON *a = cJSON_CreateArray();
	for (int i = 0; i < sv->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(sv->v[i]));
	return a;
}

static cJSON *mk_meta_json(const struct mk_meta *m)
{
	cJSON *o = cJSON_CreateObject();
	for (int i = 0; i < m->n; i++)
		cJSON_AddStringToObject(o, m->v[i].key, m->v[i].val);
	return o;
}

cJSON *mk_driver_json(const struct mk_state *st, const struct mk_driver *d)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", d->id);
	cJSON_AddStringToObject(o, "object", "driver");
	mk_add_time(o, "created", d->created);
	cJSON_AddStringToObject(o, "email", d->email);
	cJSON *fl = cJSON_AddArrayToObject(o, "fleets");
	for (int i = 0; i < d->nfleets; i++)
		cJSON_AddItemToArray(fl, cJSON_CreateString(st->fleets[d->fleets[i]]->id));
	mk_add_nstr(o, "license_number", d->license_number);
	cJSON_AddItemToObject(o, "metadata", mk_meta_json(&d->metadata));
	cJSON_AddStringToObject(o, "name", d->name);
	mk_add_nstr(o, "phone", d->phone);
	cJSON_AddItemToObject(o, "policy_ids", mk_strv_json(&d->policy_ids));
	cJSON *p = cJSON_AddObjectToObject(o, "preferences");
	cJSON_AddStringToObject(p, "charging_speed", mk_speed_names[d->prefs.charging_speed]);
	cJSON_AddStringToObject(p, "currency", d->prefs.currency);
	mk_add_nstr(p, "default_payment_method", d->prefs.default_payment_method);
	if (d->prefs.has_max_price)
		cJSON_AddNumberToObject(p, "max_price_per_kwh", (double)d->prefs.max_price_per_kwh);
	else
		cJSON_AddNullToObject(p, "max_price_per_kwh");
	cJSON_AddBoolToObject(p, "notifications", d->prefs.notifications);
	cJSON_AddItemToObject(p, "preferred_charging_stations", mk_strv_json(&d->prefs.stations));
	cJSON_AddItemToObject(p, "preferred_cpos", mk_strv_json(&d->prefs.cpos));
	cJSON_AddStringToObject(o, "status", mk_status_names[d->status]);
	mk_add_time(o, "updated", d->updated);
	cJSON_AddItemToObject(o, "vehicles", mk_strv_json(&d->vehicles));
	cJSON_AddNumberToObject(o, "wallet_balance", (double)d->wallet_balance);
	return o;
}

cJSON *mk_fleet_json(const struct mk_state *st, const struct mk_fleet *f)
{
	(void)st;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", f->id);
	cJSON_AddStringToObject(o, "object", "fleet");
	cJSON *a = cJSON_AddObjectToObject(o, "address");
	for (int i = 0; i < MK_NADDR; i++)
		mk_add_nstr(a, mk_addr_names[i], f->address[i]);
	mk_add_time(o, "created", f->created);
	mk_add_nstr(o, "description", f->description);
	mk_add_nstr(o, "email", f->email);
	cJSON_AddItemToObject(o, "metadata", mk_meta_json(&f->metadata));
	cJSON_AddStringToObject(o, "metric_system", mk_metric_names[f->metric_system]);
	cJSON_AddStringToObject(o, "name", f->name);
	mk_add_nstr(o, "phone", f->phone);
	cJSON_AddItemToObject(o, "policy_ids", mk_strv_json(&f->policy_ids));
	cJSON *p = cJSON_AddObjectToObject(o, "preferences");
	cJSON_AddStringToObject(p, "billing_cycle", mk_cycle_names[f->prefs.billing_cycle]);
	cJSON_AddStringToObject(p, "default_currency", f->prefs.default_currency);
	mk_add_nstr(p, "default_payment_method", f->prefs.default_payment_method);
	cJSON_AddBoolToObject(p, "notifications", f->prefs.notifications);
	cJSON_AddStringToObject(p, "report_frequency", mk_freq_names[f->prefs.report_frequency]);
	cJSON_AddStringToObject(o, "status", mk_status_names[f->status]);
	cJSON_AddStringToObject(o, "timezone", f->timezone);
	cJSON_AddNumberToObject(o, "total_drivers", (double)f->total_drivers);
	/* Wh are exact integers; kWh with one decimal like the docs' example. */
	cJSON_AddNumberToObject(o, "total_energy_consumed_kwh",
	                        (double)((f->energy_wh + 50) / 100) / 10.0);
	cJSON_AddNumberToObject(o, "total_sessions", (double)f->total_sessions);
	cJSON_AddNumberToObject(o, "total_vehicles", (double)f->total_vehicles);
	mk_add_time(o, "updated", f->updated);
	cJSON_AddNumberToObject(o, "wallet_balance", (double)f->wallet_balance);
	return o;
}

cJSON *mk_session_json(const struct mk_state *st, const struct mk_session *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", s->id);
	cJSON_AddStringToObject(o, "object", "charging_session");
	cJSON_AddNumberToObject(o, "amount_due", (double)s->amount_due);
	cJSON_AddNumberToObject(o, "amount_paid", (double)s->amount_paid);
	cJSON_AddStringToObject(o, "charging_station", st->stations[s->station]);
	char conn[32];
	snprintf(conn, sizeof conn, "connector_%c%d", 'a' + s->connector / 4, s->connector % 4 + 1);
	cJSON_AddStringToObject(o, "connector", conn);
	cJSON_AddStringToObject(o, "country", s->country);
	mk_add_time(o, "created", s->created);
	cJSON_AddStringToObject(o, "currency", s->currency);
	cJSON_AddStringToObject(o, "driver", st->drivers[s->driver]->id);
	cJSON_AddNumberToObject(o, "energy_consumed", (double)s->energy_wh);
	mk_add_nstr(o, "fleet", s->fleet >= 0 ? st->fleets[s->fleet]->id : NULL);
	cJSON_AddStringToObject(o, "payment_method", st->payment_methods[s->payment_method]);
	if (s->ended)
		mk_add_time(o, "session_ended", s->ended);
	else
		cJSON_AddNullToObject(o, "session_ended");
	if (s->limit_wh)
		cJSON_AddNumberToObject(o, "session_limit", (double)s->limit_wh);
	else
		cJSON_AddNullToObject(o, "session_limit");
	mk_add_time(o, "session_started", s->started);
	cJSON_AddStringToObject(o, "status", mk_sess_status_names[s->status]);
	mk_add_time(o, "updated", s->updated);
	cJSON_AddStringToObject(o, "vehicle", s->vehicle);
	return o;
}
