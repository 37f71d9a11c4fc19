/*
 * fleets.c — /v1/fleets: list (status, driver, vehicle filters), retrieve,
 * create and update.  Totals are maintained by state.c, never set here.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const mk_fleet_filters[] = {"status", "driver", "vehicle", NULL};

struct mk_fleet_filter {
	int status;    /* -1: any */
	bool *allowed; /* NULL: any fleet; else allowed[fleet index] */
};

static bool mk_fleet_match(const struct mk_state *st, int idx, const void *fp)
{
	const struct mk_fleet_filter *f = fp;
	if (f->status >= 0 && st->fleets[idx]->status != f->status)
		return false;
	return !f->allowed || f->allowed[idx];
}

/* The fleets of one driver, or of every driver holding a vehicle. */
static bool *mk_fleet_allowed(const struct mk_state *st, const char *driver, const char *vehicle)
{
	bool *allowed = mk_xcalloc((size_t)st->nfleets + 1, sizeof *allowed);
	int di = driver ? mk_driver_find(st, driver) : -1;
	for (int i = 0; i < st->ndrivers; i++) {
		const struct mk_driver *d = st->drivers[i];
		if (d->deleted || (driver && i != di) ||
		    (vehicle && !mk_strv_has(&d->vehicles, vehicle)))
			continue;
		for (int k = 0; k < d->nfleets; k++)
			allowed[d->fleets[k]] = true;
	}
	return allowed;
}

static int mk_fleets_list(struct mk_state *st, const struct mk_req *rq, struct mk_resp *rs)
{
	struct mk_listq lq;
	if (mk_list_args(st, rq, MK_KIND_FLEET, mk_fleet_filters, &lq, rs) != 0)
		return -1;
	struct mk_fleet_filter f = {.status = -1};
	const char *status = mk_query_get(rq->query, "status");
	const char *driver = mk_query_get(rq->query, "driver");
	const char *vehicle = mk_query_get(rq->query, "vehicle");
	if (status && (f.status = mk_enum_find(mk_status_names, MK_NSTATUS, status)) < 0)
		return mk_err(rs, 400, "parameter_invalid", "status",
		              "Invalid status: must be one of active, suspended, archived.");
	if (driver || vehicle)
		f.allowed = mk_fleet_allowed(st, driver, vehicle);
	struct mk_page pg;
	mk_page_collect(st, st->nfleets, mk_fleet_match, &f, lq.limit, lq.has_token, lq.prev,
	                lq.anchor, &pg);
	cJSON *data = cJSON_CreateArray();
	for (int i = 0; i < pg.n; i++)
		cJSON_AddItemToArray(data, mk_fleet_json(st, st->fleets[pg.idx[i]]));
	rs->json = mk_list_json(rq, st, MK_KIND_FLEET, mk_fleet_filters, &pg, data, lq.limit);
	free(pg.idx);
	free(f.allowed);
	return 0;
}

static int mk_check_address(const cJSON *a, struct mk_resp *rs)
{
	if (!a)
		return 0;
	if (!cJSON_IsObject(a))
		return mk_err(rs, 400, "parameter_invalid", "address",
		              "Invalid address: expected an object.");
	for (const cJSON *c = a->child; c; c = c->next) {
		char param[96];
		snprintf(param, sizeof param, "address[%.60s]", c->string);
		if (mk_enum_find(mk_addr_names, MK_NADDR, c->string) < 0)
			return mk_err(rs, 400, "parameter_invalid", param,
			              "Received unknown parameter: %s", param);
		if (mk_check_string(c, param, true, false, rs) != 0)
			return -1;
	}
	return 0;
}

static int mk_check_timezone(const cJSON *v, struct mk_resp *rs)
{
	if (mk_check_string(v, "timezone", false, true, rs) != 0)
		return -1;
	if (!v)
		return 0;
	/* IANA names: "UTC", "Europe/Paris", "America/Argentina/Buenos_Aires", "Etc/GMT+5". */
	const char *s = v->valuestring;
	bool ok = strlen(s) < 64 && s[0] != '/';
	for (const char *p = s; ok && *p; p++)
		ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		     (*p >= '0' && *p <= '9') || strchr("/_+-", *p);
	if (!ok || strstr(s, "//") || s[strlen(s) - 1] == '/')
		return mk_err(rs, 400, "parameter_invalid", "timezone",
		              "Invalid timezone: expected an IANA name such as Europe/Paris.");
	return 0;
}

#define G(o, k) cJSON_GetObjectItemCaseSensitive(o, k)

static int mk_check_fleet_prefs(const cJSON *p, struct mk_resp *rs)
{
	static const char *const keys[] = {"billing_cycle",          "default_currency",
	                                   "default_payment_method", "notifications",
	                                   "report_frequency",       NULL};
	if (!p)
		return 0;
	if (!cJSON_IsObject(p))
		return mk_err(rs, 400, "parameter_invalid", "preferences",
		              "Invalid preferences: expected an object.");
	for (const cJSON *c = p->child; c; c = c->next)
		if (mk_enum_find(keys, 5, c->string) < 0) {
			char param[96];
			snprintf(param, sizeof param, "preferences[%.60s]", c->string);
			return mk_err(rs, 400, "parameter_invalid", param,
			              "Received unknown parameter: %s", param);
		}
	if (mk_check_enum(G(p, "billing_cycle"), "preferences[billing_cycle]", mk_cycle_names,
	                  MK_NCYCLE, rs) ||
	    mk_check_currency(G(p, "default_currency"), "preferences[default_currency]", rs) ||
	    mk_check_string(G(p, "default_payment_method"), "preferences[default_payment_method]",
	                    true, true, rs) ||
	    mk_check_bool(G(p, "notifications"), "preferences[notifications]", rs) ||
	    mk_check_enum(G(p, "report_frequency"), "preferences[report_frequency]", mk_freq_names,
	                  MK_NFREQ, rs))
		return -1;
	return 0;
}

static int mk_check_fleet_body(const cJSON *b, const struct mk_fleet *f, struct mk_resp *rs)
{
	if (mk_check_string(G(b, "name"), "name", false, true, rs) ||
	    mk_check_email(G(b, "email"), "email", true, rs) ||
	    mk_check_string(G(b, "description"), "description", true, false, rs) ||
	    mk_check_string(G(b, "phone"), "phone", true, true, rs) ||
	    mk_check_timezone(G(b, "timezone"), rs) ||
	    mk_check_enum(G(b, "metric_system"), "metric_system", mk_metric_names, MK_NMETRIC,
	                  rs) ||
	    mk_check_enum(G(b, "status"), "status", mk_status_names, MK_NSTATUS, rs) ||
	    mk_check_address(G(b, "address"), rs) ||
	    mk_check_fleet_prefs(G(b, "preferences"), rs) ||
	    mk_check_metadata(G(b, "metadata"), f ? &f->metadata : NULL, rs))
		return -1;
	return 0;
}

static void mk_apply_fleet_body(struct mk_fleet *f, const cJSON *b)
{
	const cJSON *v, *p;
	if ((v = G(b, "name")))
		mk_set_str(&f->name, v);
	if ((v = G(b, "email")))
		mk_set_str(&f->email, v);
	if ((v = G(b, "description")))
		mk_set_str(&f->description, v);
	if ((v = G(b, "phone")))
		mk_set_str(&f->phone, v);
	if ((v = G(b, "timezone")))
		mk_set_str(&f->timezone, v);
	if ((v = G(b, "metric_system")))
		f->metric_system = mk_enum_find(mk_metric_names, MK_NMETRIC, v->valuestring);
	if ((v = G(b, "status")))
		f->status = mk_enum_find(mk_status_names, MK_NSTATUS, v->valuestring);
	/* Address merges key by key, like preferences (conv.). */
	for (const cJSON *c = (v = G(b, "address")) ? v->child : NULL; c; c = c->next)
		mk_set_str(&f->address[mk_enum_find(mk_addr_names, MK_NADDR, c->string)], c);
	if ((p = G(b, "preferences"))) {
		if ((v = G(p, "billing_cycle")))
			f->prefs.billing_cycle =
			    mk_enum_find(mk_cycle_names, MK_NCYCLE, v->valuestring);
		if ((v = G(p, "default_currency")))
			snprintf(f->prefs.default_currency, sizeof f->prefs.default_currency, "%s",
			         v->valuestring);
		if ((v = G(p, "default_payment_method")))
			mk_set_str(&f->prefs.default_payment_method, v);
		if ((v = G(p, "notifications")))
			f->prefs.notifications = cJSON_IsTrue(v);
		if ((v = G(p, "report_frequency")))
			f->prefs.report_frequency =
			    mk_enum_find(mk_freq_names, MK_NFREQ, v->valuestring);
	}
	if ((v = G(b, "metadata")))
		mk_apply_metadata(&f->metadata, v);
}

static int mk_fleet_create(struct mk_state *st, const struct mk_req *rq, struct mk_resp *rs)
{
	static const char *const keys[] = {
	    "name",          "email",   "description", "phone",    "timezone",
	    "metric_system", "address", "preferences", "metadata", NULL};
	if (mk_check_keys(rq->body, keys, rs) != 0)
		return -1;
	if (!G(rq->body, "name"))
		return mk_err(rs, 400, "parameter_missing", "name",
		              "Missing required param: name.");
	if (mk_check_fleet_body(rq->body, NULL, rs) != 0)
		return -1;
	struct mk_fleet *f = mk_fleet_new(st, mk_state_now(st));
	f->timezone = mk_xstrdup("UTC");
	f->prefs.billing_cycle = 1; /* monthly */
	snprintf(f->prefs.default_currency, sizeof f->prefs.default_currency, "eur");
	f->prefs.notifications = true;
	f->prefs.report_frequency = 1; /* weekly */
	mk_apply_fleet_body(f, rq->body);
	rs->json = mk_fleet_json(st, f);
	return 0;
}

int mk_fleets_route(struct mk_state *st, const struct mk_req *rq, const char *id,
                    struct mk_resp *rs)
{
	bool get = strcmp(rq->method, "GET") == 0, post = strcmp(rq->method, "POST") == 0;
	if (!get && !post)
		return mk_err(rs, 405, "method_not_allowed", NULL, "%s is not allowed on %s.",
		              rq->method, rq->path);
	if (!id)
		return get ? mk_fleets_list(st, rq, rs) : mk_fleet_create(st, rq, rs);
	int fi = mk_fleet_find(st, id);
	if (fi < 0)
		return mk_err(rs, 404, "fleet_not_found", NULL, "Fleet not found.");
	struct mk_fleet *f = st->fleets[fi];
	if (post) {
		static const char *const keys[] = {
		    "name",    "email",       "description", "phone",  "timezone", "metric_system",
		    "address", "preferences", "metadata",    "status", NULL};
		if (mk_check_keys(rq->body, keys, rs) || mk_check_fleet_body(rq->body, f, rs))
			return -1;
		if (rq->body->child) {
			mk_apply_fleet_body(f, rq->body);
			f->updated = mk_state_now(st);
		}
	}
	rs->json = mk_fleet_json(st, f);
	return 0;
}
