/*
 * sessions.c — /v1/charging_sessions: read-only list (driver, fleet,
 * vehicle, status filters) and retrieve.  Sessions come from the seed and
 * from activity, never from a client.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const mk_session_filters[] = {"driver", "fleet", "vehicle", "status", NULL};

struct mk_session_filter {
	int driver, fleet; /* -2: any; -1: unknown id (matches nothing) */
	const char *vehicle;
	int status;
};

static bool mk_session_match(const struct mk_state *st, int idx, const void *fp)
{
	const struct mk_session_filter *f = fp;
	const struct mk_session *s = &st->sessions[idx];
	if (f->driver != -2 && s->driver != f->driver)
		return false;
	if (f->fleet != -2 && (f->fleet < 0 || s->fleet != f->fleet))
		return false;
	if (f->status >= 0 && s->status != f->status)
		return false;
	return !f->vehicle || strcmp(s->vehicle, f->vehicle) == 0;
}

static int mk_sessions_list(struct mk_state *st, const struct mk_req *rq, struct mk_resp *rs)
{
	struct mk_listq lq;
	if (mk_list_args(st, rq, MK_KIND_SESSION, mk_session_filters, &lq, rs) != 0)
		return -1;
	struct mk_session_filter f = {.driver = -2, .fleet = -2, .status = -1};
	const char *driver = mk_query_get(rq->query, "driver");
	const char *fleet = mk_query_get(rq->query, "fleet");
	const char *status = mk_query_get(rq->query, "status");
	f.vehicle = mk_query_get(rq->query, "vehicle");
	if (driver) {
		/* Sessions of a deleted driver stay listed under its id. */
		f.driver = -1;
		for (int i = 0; i < st->ndrivers && f.driver < 0; i++)
			if (strcmp(st->drivers[i]->id, driver) == 0)
				f.driver = i;
	}
	if (fleet)
		f.fleet = mk_fleet_find(st, fleet);
	if (status && (f.status = mk_enum_find(mk_sess_status_names, MK_NSESS_STATUS, status)) < 0)
		return mk_err(
		    rs, 400, "parameter_invalid", "status",
		    "Invalid status: must be one of active, completed, cancelled, failed.");
	struct mk_page pg;
	mk_page_collect(st, st->nsessions, mk_session_match, &f, lq.limit, lq.has_token, lq.prev,
	                lq.anchor, &pg);
	cJSON *data = cJSON_CreateArray();
	for (int i = 0; i < pg.n; i++)
		cJSON_AddItemToArray(data, mk_session_json(st, &st->sessions[pg.idx[i]]));
	rs->json = mk_list_json(rq, st, MK_KIND_SESSION, mk_session_filters, &pg, data, lq.limit);
	free(pg.idx);
	return 0;
}

int mk_sessions_route(struct mk_state *st, const struct mk_req *rq, const char *id,
                      struct mk_resp *rs)
{
	if (strcmp(rq->method, "GET") != 0)
		return mk_err(rs, 405, "method_not_allowed", NULL, "%s is not allowed on %s.",
		              rq->method, rq->path);
	if (!id)
		return mk_sessions_list(st, rq, rs);
	int si = mk_index_get(&st->session_ix, id);
	if (si < 0)
		return mk_err(rs, 404, "charging_session_not_found", NULL,
		              "Charging session not found.");
	rs->json = mk_session_json(st, &st->sessions[si]);
	return 0;
}
