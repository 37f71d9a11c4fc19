/*
 * drivers.c — /v1/drivers: list, retrieve, create, update (merge semantics
 * for preferences and metadata), delete, attach and detach.
 */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const mk_driver_filters[] = {"fleet", "vehicle", "status", NULL};

struct mk_driver_filter {
	int fleet; /* -2: any; -1: a fleet that does not exist (matches nothing) */
	const char *vehicle;
	int status; /* -1: any */
};

static bool mk_driver_match(const struct mk_state *st, int idx, const void *fp)
{
	const struct mk_driver_filter *f = fp;
	const struct mk_driver *d = st->drivers[idx];
	if (d->deleted || (f->status >= 0 && d->status != f->status))
		return false;
	if (f->fleet != -2 && !mk_driver_in_fleet(d, f->fleet))
		return false;
	return !f->vehicle || mk_strv_has(&d->vehicles, f->vehicle);
}

static int mk_drivers_list(struct mk_state *st, const struct mk_req *rq, struct mk_resp *rs)
{
	struct mk_listq lq;
	if (mk_list_args(st, rq, MK_KIND_DRIVER, mk_driver_filters, &lq, rs) != 0)
		return -1;
	struct mk_driver_filter f = {.fleet = -2, .status = -1};
	const char *fleet = mk_query_get(rq->query, "fleet");
	const char *status = mk_query_get(rq->query, "status");
	f.vehicle = mk_query_get(rq->query, "vehicle");
	if (fleet)
		f.fleet = mk_fleet_find(st, fleet);
	if (status && (f.status = mk_enum_find(mk_status_names, MK_NSTATUS, status)) < 0)
		return mk_err(rs, 400, "parameter_invalid", "status",
		              "Invalid status: must be one of active, suspended, archived.");
	struct mk_page pg;
	mk_page_collect(st, st->ndrivers, mk_driver_match, &f, lq.limit, lq.has_token, lq.prev,
	                lq.anchor, &pg);
	cJSON *data = cJSON_CreateArray();
	for (int i = 0; i < pg.n; i++)
		cJSON_AddItemToArray(data, mk_driver_json(st, st->drivers[pg.idx[i]]));
	rs->json = mk_list_json(rq, st, MK_KIND_DRIVER, mk_driver_filters, &pg, data, lq.limit);
	free(pg.idx);
	return 0;
}

static int mk_check_max_price(const cJSON *v, struct mk_resp *rs)
{
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1e12 ||
	    floor(v->valuedouble) != v->valuedouble)
		return mk_err(rs, 400, "parameter_invalid", "preferences[max_price_per_kwh]",
		              "Invalid preferences[max_price_per_kwh]: expected a non-negative "
		              "integer (minor units) or null.");
	return 0;
}

static int mk_check_driver_prefs(const cJSON *p, struct mk_resp *rs)
{
	static const char *const keys[] = {"charging_speed",         "currency",
	                                   "default_payment_method", "max_price_per_kwh",
	                                   "notifications",          "preferred_charging_stations",
	                                   "preferred_cpos",         NULL};
	if (!p)
		return 0;
	if (!cJSON_IsObject(p))
		return mk_err(rs, 400, "parameter_invalid", "preferences",
		              "Invalid preferences: expected an object.");
	for (const cJSON *c = p->child; c; c = c->next) {
		const char *const *k = keys;
		while (*k && strcmp(*k, c->string) != 0)
			k++;
		if (!*k) {
			char param[96];
			snprintf(param, sizeof param, "preferences[%.60s]", c->string);
			return mk_err(rs, 400, "parameter_invalid", param,
			              "Received unknown parameter: %s", param);
		}
	}
#define G(k) cJSON_GetObjectItemCaseSensitive(p, k)
	if (mk_check_enum(G("charging_speed"), "preferences[charging_speed]", mk_speed_names,
	                  MK_NSPEED, rs) ||
	    mk_check_currency(G("currency"), "preferences[currency]", rs) ||
	    mk_check_string(G("default_payment_method"), "preferences[default_payment_method]",
	                    true, true, rs) ||
	    mk_check_max_price(G("max_price_per_kwh"), rs) ||
	    mk_check_bool(G("notifications"), "preferences[notifications]", rs) ||
	    mk_check_str_array(G("preferred_charging_stations"),
	                       "preferences[preferred_charging_stations]", rs) ||
	    mk_check_str_array(G("preferred_cpos"), "preferences[preferred_cpos]", rs))
		return -1;
	return 0;
}

static void mk_apply_driver_prefs(struct mk_driver *d, const cJSON *p)
{
	const cJSON *v;
	if ((v = G("charging_speed")))
		d->prefs.charging_speed = mk_enum_find(mk_speed_names, MK_NSPEED, v->valuestring);
	if ((v = G("currency")))
		snprintf(d->prefs.currency, sizeof d->prefs.currency, "%s", v->valuestring);
	if ((v = G("default_payment_method")))
		mk_set_str(&d->prefs.default_payment_method, v);
	if ((v = G("max_price_per_kwh"))) {
		d->prefs.has_max_price = cJSON_IsNumber(v);
		d->prefs.max_price_per_kwh = d->prefs.has_max_price ? (int64_t)v->valuedouble : 0;
	}
	if ((v = G("notifications")))
		d->prefs.notifications = cJSON_IsTrue(v);
	if ((v = G("preferred_charging_stations")))
		mk_set_strv(&d->prefs.stations, v);
	if ((v = G("preferred_cpos")))
		mk_set_strv(&d->prefs.cpos, v);
}
#undef G

/* Checks shared by create and update; `d` is NULL on create. */
static int mk_check_driver_body(const cJSON *b, const struct mk_driver *d, struct mk_resp *rs)
{
#define G(k) cJSON_GetObjectItemCaseSensitive(b, k)
	if (mk_check_string(G("name"), "name", false, true, rs) ||
	    mk_check_email(G("email"), "email", false, rs) ||
	    mk_check_string(G("phone"), "phone", true, true, rs) ||
	    mk_check_string(G("license_number"), "license_number", true, true, rs) ||
	    mk_check_enum(G("status"), "status", mk_status_names, MK_NSTATUS, rs) ||
	    mk_check_driver_prefs(G("preferences"), rs) ||
	    mk_check_metadata(G("metadata"), d ? &d->metadata : NULL, rs))
		return -1;
	return 0;
}

static void mk_apply_driver_body(struct mk_driver *d, const cJSON *b)
{
	const cJSON *v;
	if ((v = G("name")))
		mk_set_str(&d->name, v);
	if ((v = G("email")))
		mk_set_str(&d->email, v);
	if ((v = G("phone")))
		mk_set_str(&d->phone, v);
	if ((v = G("license_number")))
		mk_set_str(&d->license_number, v);
	if ((v = G("status")))
		d->status = mk_enum_find(mk_status_names, MK_NSTATUS, v->valuestring);
	if ((v = G("preferences")))
		mk_apply_driver_prefs(d, v);
	if ((v = G("metadata")))
		mk_apply_metadata(&d->metadata, v);
}

static int mk_driver_create(struct mk_state *st, const struct mk_req *rq, struct mk_resp *rs)
{
	static const char *const keys[] = {"name",        "email",    "phone", "license_number",
	                                   "preferences", "metadata", NULL};
	const cJSON *b = rq->body;
	if (mk_check_keys(b, keys, rs) != 0)
		return -1;
	if (!G("name"))
		return mk_err(rs, 400, "parameter_missing", "name",
		              "Missing required param: name.");
	if (!G("email"))
		return mk_err(rs, 400, "parameter_missing", "email",
		              "Missing required param: email.");
	if (mk_check_driver_body(b, NULL, rs) != 0)
		return -1;
	struct mk_driver *d = mk_driver_new(st, mk_state_now(st));
	d->status = MK_ACTIVE;
	d->prefs.charging_speed = 1; /* standard */
	snprintf(d->prefs.currency, sizeof d->prefs.currency, "eur");
	d->prefs.notifications = true;
	mk_apply_driver_body(d, b);
	rs->json = mk_driver_json(st, d);
	return 0;
}
#undef G

static int mk_driver_update(struct mk_state *st, const struct mk_req *rq, struct mk_driver *d,
                            struct mk_resp *rs)
{
	static const char *const keys[] = {"name",   "email",       "phone",    "license_number",
	                                   "status", "preferences", "metadata", NULL};
	if (mk_check_keys(rq->body, keys, rs) || mk_check_driver_body(rq->body, d, rs))
		return -1;
	if (rq->body->child) {
		mk_apply_driver_body(d, rq->body);
		d->updated = mk_state_now(st);
	}
	rs->json = mk_driver_json(st, d);
	return 0;
}

static int mk_driver_membership(struct mk_state *st, const struct mk_req *rq, struct mk_driver *d,
                                bool attach, struct mk_resp *rs)
{
	static const char *const keys[] = {"fleet", NULL};
	if (mk_check_keys(rq->body, keys, rs) != 0)
		return -1;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(rq->body, "fleet");
	if (!v)
		return mk_err(rs, 400, "parameter_missing", "fleet",
		              "Missing required param: fleet.");
	if (mk_check_string(v, "fleet", false, true, rs) != 0)
		return -1;
	int fi = mk_fleet_find(st, v->valuestring);
	if (fi < 0)
		return mk_err(rs, 404, "fleet_not_found", "fleet", "Fleet not found.");
	bool in = mk_driver_in_fleet(d, fi);
	if (attach && in)
		return mk_err(rs, 409, "driver_fleet_conflict", "fleet",
		              "The driver is already attached to this fleet.");
	if (!attach && !in)
		return mk_err(rs, 409, "driver_fleet_conflict", "fleet",
		              "The driver is not attached to this fleet.");
	int64_t now = mk_state_now(st);
	if (attach)
		mk_driver_attach(st, d, fi, now);
	else
		mk_driver_detach(st, d, fi, now);
	rs->json = mk_driver_json(st, d);
	return 0;
}

static int mk_method_not_allowed(const struct mk_req *rq, struct mk_resp *rs)
{
	return mk_err(rs, 405, "method_not_allowed", NULL, "%s is not allowed on %s.", rq->method,
	              rq->path);
}

int mk_drivers_route(struct mk_state *st, const struct mk_req *rq, const char *id,
                     const char *action, struct mk_resp *rs)
{
	bool get = strcmp(rq->method, "GET") == 0, post = strcmp(rq->method, "POST") == 0;
	if (!id) {
		if (get)
			return mk_drivers_list(st, rq, rs);
		if (post)
			return mk_driver_create(st, rq, rs);
		return mk_method_not_allowed(rq, rs);
	}
	if (action && strcmp(action, "attach") != 0 && strcmp(action, "detach") != 0)
		return mk_err(rs, 404, "resource_missing", NULL,
		              "Unrecognized request URL (%s %s).", rq->method, rq->path);
	if (action && !post)
		return mk_method_not_allowed(rq, rs);
	if (!action && !get && !post && strcmp(rq->method, "DELETE") != 0)
		return mk_method_not_allowed(rq, rs);
	int idx = mk_driver_find(st, id);
	if (idx < 0)
		return mk_err(rs, 404, "driver_not_found", NULL, "Driver not found.");
	struct mk_driver *d = st->drivers[idx];
	if (action)
		return mk_driver_membership(st, rq, d, strcmp(action, "attach") == 0, rs);
	if (get) {
		rs->json = mk_driver_json(st, d);
		return 0;
	}
	if (post)
		return mk_driver_update(st, rq, d, rs);
	mk_driver_delete(st, idx, mk_state_now(st));
	rs->json = cJSON_CreateObject();
	cJSON_AddStringToObject(rs->json, "id", d->id);
	cJSON_AddStringToObject(rs->json, "object", "driver");
	cJSON_AddBoolToObject(rs->json, "deleted", true);
	return 0;
}
