/*
 * routes.c — maps a /v1 path to its resource handler, and the pieces every
 * handler shares: error values and list arguments/envelopes.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mk_err(struct mk_resp *r, int status, const char *code, const char *param, const char *fmt, ...)
{
	if (r->json) {
		cJSON_Delete(r->json);
		r->json = NULL;
	}
	free(r->message);
	free(r->param);
	r->status = status;
	r->code = code;
	if (status == 401)
		r->type = "authentication_error";
	else if (status == 403)
		r->type = "permission_error";
	else if (status == 429)
		r->type = "rate_limit_error";
	else if (status >= 500)
		r->type = "api_error";
	else
		r->type = "invalid_request_error";
	r->param = mk_xstrdup(param);
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	r->message = mk_xmalloc((size_t)(n > 0 ? n : 0) + 1);
	va_start(ap, fmt);
	vsnprintf(r->message, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
	va_end(ap);
	return -1;
}

void mk_resp_clear(struct mk_resp *r)
{
	cJSON_Delete(r->json);
	free(r->message);
	free(r->param);
	memset(r, 0, sizeof *r);
}

const char *mk_query_get(const struct mk_query *q, const char *key)
{
	for (int i = 0; q && i < q->n; i++)
		if (strcmp(q->v[i].key, key) == 0)
			return q->v[i].val;
	return NULL;
}

/* Split "/v1/<coll>[/<id>[/<action>]]"; false when the shape is wrong. */
static bool mk_split(const char *path, char *coll, char *id, char *action, size_t n)
{
	coll[0] = id[0] = action[0] = '\0';
	if (strncmp(path, "/v1/", 4) != 0)
		return false;
	const char *p = path + 4;
	char *outs[3] = {coll, id, action};
	for (int k = 0; k < 3; k++) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == 0 || len >= n)
			return false;
		memcpy(outs[k], p, len);
		outs[k][len] = '\0';
		if (!e)
			return true;
		p = e + 1;
	}
	return false;
}

void mk_route(struct mk_state *st, const struct mk_req *rq, struct mk_resp *rs)
{
	/* No id is longer than 63 bytes, so a longer segment is simply a 404. */
	char coll[64], id[64], action[64];
	if (!mk_split(rq->path, coll, id, action, sizeof coll)) {
		mk_err(rs, 404, "resource_missing", NULL, "Unrecognized request URL (%s %s).",
		       rq->method, rq->path);
		return;
	}
	int rc = -1;
	if (strcmp(coll, "fleets") == 0 && !action[0])
		rc = mk_fleets_route(st, rq, id[0] ? id : NULL, rs);
	else if (strcmp(coll, "drivers") == 0)
		rc = mk_drivers_route(st, rq, id[0] ? id : NULL, action[0] ? action : NULL, rs);
	else if (strcmp(coll, "charging_sessions") == 0 && !action[0])
		rc = mk_sessions_route(st, rq, id[0] ? id : NULL, rs);
	else
		mk_err(rs, 404, "resource_missing", NULL, "Unrecognized request URL (%s %s).",
		       rq->method, rq->path);
	if (rc == 0 && !rs->status)
		rs->status = 200;
}

static bool mk_in_list(const char *const *l, const char *s)
{
	for (; l && *l; l++)
		if (strcmp(*l, s) == 0)
			return true;
	return false;
}

int mk_list_args(const struct mk_state *st, const struct mk_req *rq, int kind,
                 const char *const *filters, struct mk_listq *lq, struct mk_resp *rs)
{
	static const char *const common[] = {"limit", "page", "expand", NULL};
	memset(lq, 0, sizeof *lq);
	lq->limit = 10;
	for (int i = 0; rq->query && i < rq->query->n; i++) {
		const char *k = rq->query->v[i].key;
		if (!mk_in_list(common, k) && !mk_in_list(filters, k))
			return mk_err(rs, 400, "parameter_invalid", k,
			              "Received unknown parameter: %s", k);
	}
	const char *lim = mk_query_get(rq->query, "limit");
	if (lim) {
		char *end = NULL;
		long v = strtol(lim, &end, 10);
		if (!*lim || *end || v < 1 || v > 100 || lim[0] == '+' || lim[0] == ' ')
			return mk_err(rs, 400, "parameter_invalid", "limit",
			              "Invalid limit: must be an integer between 1 and 100.");
		lq->limit = (int)v;
	}
	const char *page = mk_query_get(rq->query, "page");
	if (page) {
		if (mk_page_parse(st, kind, page, &lq->prev, &lq->anchor) != 0)
			return mk_err(rs, 400, "parameter_invalid", "page",
			              "Invalid page token: use next_page_url or previous_page_url "
			              "exactly as returned.");
		lq->has_token = true;
	}
	return 0;
}

static const char *mk_coll_name(int kind)
{
	return kind == MK_KIND_FLEET    ? "fleets"
	       : kind == MK_KIND_DRIVER ? "drivers"
	                                : "charging_sessions";
}

static char *mk_page_url(const struct mk_req *rq, const struct mk_state *st, int kind,
                         const char *const *filters, bool prev, int64_t anchor, int limit)
{
	char tok[64];
	mk_page_token(st, kind, prev, anchor, tok);
	struct mk_buf b = {0};
	mk_buf_adds(&b, rq->root);
	mk_buf_adds(&b, "/v1/");
	mk_buf_adds(&b, mk_coll_name(kind));
	mk_buf_adds(&b, "?page=");
	mk_buf_adds(&b, tok);
	for (; filters && *filters; filters++) {
		const char *v = mk_query_get(rq->query, *filters);
		if (!v)
			continue;
		mk_buf_adds(&b, "&");
		mk_buf_adds(&b, *filters);
		mk_buf_adds(&b, "=");
		mk_buf_urlenc(&b, v);
	}
	char lim[32];
	snprintf(lim, sizeof lim, "&limit=%d", limit);
	mk_buf_adds(&b, lim);
	return b.p;
}

cJSON *mk_list_json(const struct mk_req *rq, const struct mk_state *st, int kind,
                    const char *const *filters, const struct mk_page *pg, cJSON *data, int limit)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "data", data);
	if (rq->next_page_override) {
		cJSON_AddStringToObject(o, "next_page_url", rq->next_page_override);
	} else if (pg->has_older) {
		char *u = mk_page_url(rq, st, kind, filters, false, pg->next_anchor, limit);
		cJSON_AddStringToObject(o, "next_page_url", u);
		free(u);
	} else {
		cJSON_AddNullToObject(o, "next_page_url");
	}
	if (pg->has_newer) {
		char *u = mk_page_url(rq, st, kind, filters, true, pg->prev_anchor, limit);
		cJSON_AddStringToObject(o, "previous_page_url", u);
		free(u);
	} else {
		cJSON_AddNullToObject(o, "previous_page_url");
	}
	return o;
}
