/*
 * api.c — the Charge endpoints over http_send, decoded by json.h.
 *
 * Every path is built here from ids that passed http_id_valid (NET-10), every
 * query value goes through curl_easy_escape, and a page link is handed to
 * http_send as it came, which refuses it unless it is same-origin (NET-3).
 * The contract says to follow next_page_url exactly, so this file never edits
 * one; only the legacy shape pages with starting_after, built from our query.
 */
#include "chargetui/api.h"
#include "chargetui/json.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define API_DEFAULT_LIMIT 100

struct api {
	struct http_client *http;
};

static void api_err(struct api_error *e, enum api_err_kind kind, const char *fmt, ...)
{
	api_error_clear(e);
	e->kind = kind;
	e->retry_after_s = -1;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&e->detail, fmt, ap) < 0)
		e->detail = NULL;
	va_end(ap);
}

struct api *api_new(const struct http_config *cfg, struct api_error *err)
{
	struct api *a = calloc(1, sizeof *a);
	if (!a) {
		api_err(err, API_ERR_INTERNAL, "out of memory");
		return NULL;
	}
	a->http = http_client_new(cfg, err);
	if (!a->http) {
		free(a);
		return NULL;
	}
	return a;
}

void api_free(struct api *a)
{
	if (!a)
		return;
	http_client_free(a->http);
	free(a);
}

void api_wakeup(struct api *a)
{
	if (a)
		http_client_wakeup(a->http);
}

/* --- query strings --- */

static int query_add(char **qs, const char *name, const char *value)
{
	if (!value)
		return 0;
	char *esc = curl_easy_escape(NULL, value, 0);
	if (!esc)
		return -1;
	char *next = NULL;
	int n = asprintf(&next, "%s%s%s=%s", *qs ? *qs : "", *qs ? "&" : "", name, esc);
	curl_free(esc);
	if (n < 0)
		return -1;
	free(*qs);
	*qs = next;
	return 0;
}

/* limit first, then the filters in a fixed order, so a request is the same
 * bytes every time (tests compare them, and so may a cache). */
static char *list_query(const struct list_query *q, const char *starting_after)
{
	int limit = q && q->limit > 0 ? q->limit : API_DEFAULT_LIMIT;
	if (limit > 100)
		limit = 100;
	char num[16];
	snprintf(num, sizeof num, "%d", limit);
	char *qs = NULL;
	int rc = query_add(&qs, "limit", num);
	if (q) {
		rc |= query_add(&qs, "fleet", q->fleet);
		rc |= query_add(&qs, "vehicle", q->vehicle);
		rc |= query_add(&qs, "status", q->status);
		rc |= query_add(&qs, "driver", q->driver);
	}
	rc |= query_add(&qs, "starting_after", starting_after);
	if (rc != 0) {
		free(qs);
		return NULL;
	}
	return qs;
}

/* GET a list page: page_url as given, or the collection with q. */
static int list_get(struct api *a, const char *collection, const struct list_query *q,
                    const char *page_url, const char *after, struct http_response *r,
                    struct api_error *err)
{
	if (page_url)
		return http_send(a->http, "GET", page_url, NULL, NULL, NULL, r, err);
	char *qs = list_query(q, after);
	if (!qs) {
		api_err(err, API_ERR_INTERNAL, "out of memory");
		return -1;
	}
	int rc = http_send(a->http, "GET", collection, qs, NULL, NULL, r, err);
	free(qs);
	return rc;
}

/* A decoder failure keeps the attempt count of the transfer that preceded it. */
static void keep_attempts(struct api_error *err, int attempts)
{
	if (err->attempts == 0)
		err->attempts = attempts;
}

static int drivers_page(struct api *a, const struct list_query *q, const char *page_url,
                        const char *after, struct driver_page *out, struct api_error *err)
{
	struct http_response r;
	memset(out, 0, sizeof *out);
	if (!a) {
		api_err(err, API_ERR_INTERNAL, "no client");
		return -1;
	}
	if (list_get(a, "/drivers", q, page_url, after, &r, err) != 0)
		return -1;
	int attempts = err->attempts;
	int rc = json_decode_driver_page(r.body, r.len, out, err);
	keep_attempts(err, attempts);
	http_response_clear(&r);
	return rc;
}

static int fleets_page(struct api *a, const struct list_query *q, const char *page_url,
                       const char *after, struct fleet_page *out, struct api_error *err)
{
	struct http_response r;
	memset(out, 0, sizeof *out);
	if (!a) {
		api_err(err, API_ERR_INTERNAL, "no client");
		return -1;
	}
	if (list_get(a, "/fleets", q, page_url, after, &r, err) != 0)
		return -1;
	int attempts = err->attempts;
	int rc = json_decode_fleet_page(r.body, r.len, out, err);
	keep_attempts(err, attempts);
	http_response_clear(&r);
	return rc;
}

int api_drivers_list(struct api *a, const struct list_query *q, const char *page_url,
                     struct driver_page *out, struct api_error *err)
{
	return drivers_page(a, q, page_url, NULL, out, err);
}

int api_fleets_list(struct api *a, const struct list_query *q, const char *page_url,
                    struct fleet_page *out, struct api_error *err)
{
	return fleets_page(a, q, page_url, NULL, out, err);
}

/* --- iterators --- */

struct api_iter {
	struct api *a;
	struct list_query q; /* strings owned */
	char *next_url;      /* current shape: the link to follow */
	char *after;         /* legacy shape: starting_after for the next page */
	bool started, done;
	bool fleets; /* which next() belongs to this iterator */
};

static char *dup_or_null(const char *s, bool *oom)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	*oom |= d == NULL;
	return d;
}

static struct api_iter *iter_new(struct api *a, const struct list_query *q, bool fleets)
{
	struct api_iter *it = calloc(1, sizeof *it);
	if (!it)
		return NULL;
	bool oom = false;
	it->a = a;
	it->fleets = fleets;
	if (q) {
		it->q.fleet = dup_or_null(q->fleet, &oom);
		it->q.vehicle = dup_or_null(q->vehicle, &oom);
		it->q.status = dup_or_null(q->status, &oom);
		it->q.driver = dup_or_null(q->driver, &oom);
		it->q.limit = q->limit;
	}
	if (oom) {
		api_iter_free(it);
		return NULL;
	}
	return it;
}

struct api_iter *api_drivers_iter(struct api *a, const struct list_query *q)
{
	return iter_new(a, q, false);
}

struct api_iter *api_fleets_iter(struct api *a, const struct list_query *q)
{
	return iter_new(a, q, true);
}

void api_iter_free(struct api_iter *it)
{
	if (!it)
		return;
	free((char *)it->q.fleet);
	free((char *)it->q.vehicle);
	free((char *)it->q.status);
	free((char *)it->q.driver);
	free(it->next_url);
	free(it->after);
	free(it);
}

/* Move the iterator past a page it just returned.  A link or cursor that
 * does not move would loop forever, so it ends the walk with an error. */
static int iter_advance(struct api_iter *it, bool legacy, bool has_more, const char *next_url,
                        const char *last_id, struct api_error *err)
{
	char *nu = NULL, *af = NULL;
	if (legacy && has_more) {
		if (!last_id || !http_id_valid(last_id) ||
		    (it->after && !strcmp(it->after, last_id))) {
			api_err(err, API_ERR_MALFORMED,
			        "malformed response: list cursor does not advance");
			return -1;
		}
		af = strdup(last_id);
	} else if (!legacy && next_url) {
		if (it->next_url && !strcmp(it->next_url, next_url)) {
			api_err(err, API_ERR_MALFORMED,
			        "malformed response: next_page_url repeats");
			return -1;
		}
		nu = strdup(next_url);
	}
	if ((legacy && has_more && !af) || (!legacy && next_url && !nu)) {
		api_err(err, API_ERR_INTERNAL, "out of memory");
		return -1;
	}
	free(it->next_url);
	free(it->after);
	it->next_url = nu;
	it->after = af;
	it->started = true;
	it->done = !nu && !af;
	return 0;
}

static const char *last_id(const struct opt_str *id)
{
	return id->st == FIELD_SET ? id->v : NULL;
}

int api_iter_next_drivers(struct api_iter *it, struct driver_page *out, struct api_error *err)
{
	memset(out, 0, sizeof *out);
	api_error_clear(err);
	if (it && it->fleets) {
		api_err(err, API_ERR_INTERNAL, "fleet iterator used for drivers");
		return -1;
	}
	if (!it || it->done)
		return 0;
	const char *url = it->started ? it->next_url : NULL;
	if (drivers_page(it->a, &it->q, url, url ? NULL : it->after, out, err) != 0)
		return -1;
	const char *last = out->n ? last_id(&out->items[out->n - 1].id) : NULL;
	if (iter_advance(it, out->legacy, out->has_more, out->next_url, last, err) != 0) {
		driver_page_clear(out);
		return -1;
	}
	if (out->n == 0 && it->done) {
		driver_page_clear(out);
		return 0;
	}
	return 1;
}

int api_iter_next_fleets(struct api_iter *it, struct fleet_page *out, struct api_error *err)
{
	memset(out, 0, sizeof *out);
	api_error_clear(err);
	if (it && !it->fleets) {
		api_err(err, API_ERR_INTERNAL, "driver iterator used for fleets");
		return -1;
	}
	if (!it || it->done)
		return 0;
	const char *url = it->started ? it->next_url : NULL;
	if (fleets_page(it->a, &it->q, url, url ? NULL : it->after, out, err) != 0)
		return -1;
	const char *last = out->n ? last_id(&out->items[out->n - 1].id) : NULL;
	if (iter_advance(it, out->legacy, out->has_more, out->next_url, last, err) != 0) {
		fleet_page_clear(out);
		return -1;
	}
	if (out->n == 0 && it->done) {
		fleet_page_clear(out);
		return 0;
	}
	return 1;
}

/* --- single objects --- */

/* "/drivers/ID" or "/drivers/ID/attach" into buf, after checking the id. */
static int object_path(char *buf, size_t n, const char *collection, const char *id,
                       const char *action, const char *what, struct api_error *err)
{
	if (!http_id_valid(id)) {
		api_err(err, API_ERR_REFUSED, "refused invalid %s id", what);
		return -1;
	}
	snprintf(buf, n, "/%s/%s%s%s", collection, id, action ? "/" : "", action ? action : "");
	return 0;
}

static int call_driver(struct api *a, const char *method, const char *path, const char *body,
                       const char *idem_key, struct driver *out, struct api_error *err)
{
	struct http_response r;
	if (http_send(a->http, method, path, NULL, body, idem_key, &r, err) != 0)
		return -1;
	int attempts = err->attempts;
	int rc = json_decode_driver(r.body, r.len, out, err);
	keep_attempts(err, attempts);
	http_response_clear(&r);
	return rc;
}

static int call_fleet(struct api *a, const char *method, const char *path, const char *body,
                      const char *idem_key, struct fleet *out, struct api_error *err)
{
	struct http_response r;
	if (http_send(a->http, method, path, NULL, body, idem_key, &r, err) != 0)
		return -1;
	int attempts = err->attempts;
	int rc = json_decode_fleet(r.body, r.len, out, err);
	keep_attempts(err, attempts);
	http_response_clear(&r);
	return rc;
}

/* Common entry checks: out zeroed, err cleared, a client present. */
static int enter(struct api *a, void *out, size_t out_size, struct api_error *err)
{
	if (out)
		memset(out, 0, out_size);
	api_error_clear(err);
	err->retry_after_s = -1;
	if (!a) {
		api_err(err, API_ERR_INTERNAL, "no client");
		return -1;
	}
	return 0;
}

int api_driver_get(struct api *a, const char *id, struct driver *out, struct api_error *err)
{
	char path[128];
	if (enter(a, out, sizeof *out, err) != 0 ||
	    object_path(path, sizeof path, "drivers", id, NULL, "driver", err) != 0)
		return -1;
	return call_driver(a, "GET", path, NULL, NULL, out, err);
}

int api_driver_create(struct api *a, const struct driver_patch *p, const char *idem_key,
                      struct driver *out, struct api_error *err)
{
	if (enter(a, out, sizeof *out, err) != 0)
		return -1;
	char *body = json_encode_driver_patch(p);
	if (!body) {
		api_err(err, API_ERR_INTERNAL, "out of memory");
		return -1;
	}
	int rc = call_driver(a, "POST", "/drivers", body, idem_key, out, err);
	free(body);
	return rc;
}

int api_driver_update(struct api *a, const char *id, const struct driver_patch *p,
                      const char *idem_key, struct driver *out, struct api_error *err)
{
	char path[128];
	if (enter(a, out, sizeof *out, err) != 0 ||
	    object_path(path, sizeof path, "drivers", id, NULL, "driver", err) != 0)
		return -1;
	/* Nothing changed: nothing to send (SAN-11, "send only what changed"). */
	if (!p || p->set == 0)
		return 0;
	char *body = json_encode_driver_patch(p);
	if (!body) {
		api_err(err, API_ERR_INTERNAL, "out of memory");
		return -1;
	}
	int rc = call_driver(a, "POST", path, body, idem_key, out, err);
	free(body);
	return rc;
}

static int attach_detach(struct api *a, const char *id, const char *fleet_id, const char *action,
                         const char *idem_key, struct driver *out, struct api_error *err)
{
	char path[128];
	if (enter(a, out, sizeof *out, err) != 0 ||
	    object_path(path, sizeof path, "drivers", id, action, "driver", err) != 0)
		return -1;
	if (!http_id_valid(fleet_id)) {
		api_err(err, API_ERR_REFUSED, "refused invalid fleet id");
		return -1;
	}
	char *body = json_encode_fleet_ref(fleet_id);
	if (!body) {
		api_err(err, API_ERR_INTERNAL, "out of memory");
		return -1;
	}
	int rc = call_driver(a, "POST", path, body, idem_key, out, err);
	free(body);
	return rc;
}

int api_driver_attach(struct api *a, const char *id, const char *fleet_id, const char *idem_key,
                      struct driver *out, struct api_error *err)
{
	return attach_detach(a, id, fleet_id, "attach", idem_key, out, err);
}

int api_driver_detach(struct api *a, const char *id, const char *fleet_id, const char *idem_key,
                      struct driver *out, struct api_error *err)
{
	return attach_detach(a, id, fleet_id, "detach", idem_key, out, err);
}

/* The deleted stub {"id", "object", "deleted": true} has no model struct;
 * checking "deleted" here is the whole of its decoding. */
static bool deleted_ok(const struct http_response *r, const char *id)
{
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(r->body, r->len + 1, &end, 1);
	if (!root)
		return false;
	const cJSON *del = cJSON_GetObjectItemCaseSensitive(root, "deleted");
	const cJSON *rid = cJSON_GetObjectItemCaseSensitive(root, "id");
	bool ok = end == r->body + r->len && cJSON_IsObject(root) && cJSON_IsTrue(del) &&
	          (!rid || (cJSON_IsString(rid) && strcmp(rid->valuestring, id) == 0));
	cJSON_Delete(root);
	return ok;
}

int api_driver_delete(struct api *a, const char *id, struct api_error *err)
{
	char path[128];
	if (enter(a, NULL, 0, err) != 0 ||
	    object_path(path, sizeof path, "drivers", id, NULL, "driver", err) != 0)
		return -1;
	struct http_response r;
	if (http_send(a->http, "DELETE", path, NULL, NULL, NULL, &r, err) != 0)
		return -1;
	int attempts = err->attempts;
	int rc = 0;
	if (!deleted_ok(&r, id)) {
		api_err(err, API_ERR_MALFORMED, "malformed response: delete not confirmed");
		err->attempts = attempts;
		rc = -1;
	}
	http_response_clear(&r);
	return rc;
}

int api_fleet_get(struct api *a, const char *id, struct fleet *out, struct api_error *err)
{
	char path[128];
	if (enter(a, out, sizeof *out, err) != 0 ||
	    object_path(path, sizeof path, "fleets", id, NULL, "fleet", err) != 0)
		return -1;
	return call_fleet(a, "GET", path, NULL, NULL, out, err);
}

int api_fleet_create(struct api *a, const struct fleet_patch *p, const char *idem_key,
                     struct fleet *out, struct api_error *err)
{
	if (enter(a, out, sizeof *out, err) != 0)
		return -1;
	char *body = json_encode_fleet_patch(p);
	if (!body) {
		api_err(err, API_ERR_INTERNAL, "out of memory");
		return -1;
	}
	int rc = call_fleet(a, "POST", "/fleets", body, idem_key, out, err);
	free(body);
	return rc;
}

int api_fleet_update(struct api *a, const char *id, const struct fleet_patch *p,
                     const char *idem_key, struct fleet *out, struct api_error *err)
{
	char path[128];
	if (enter(a, out, sizeof *out, err) != 0 ||
	    object_path(path, sizeof path, "fleets", id, NULL, "fleet", err) != 0)
		return -1;
	if (!p || p->set == 0)
		return 0;
	char *body = json_encode_fleet_patch(p);
	if (!body) {
		api_err(err, API_ERR_INTERNAL, "out of memory");
		return -1;
	}
	int rc = call_fleet(a, "POST", path, body, idem_key, out, err);
	free(body);
	return rc;
}
