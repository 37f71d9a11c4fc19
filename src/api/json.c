/*
 * json.c — Charge objects from and to JSON (the one door, style.md).
 *
 * Reading is tolerant: every field goes through one typed getter that records
 * missing / null / wrong type in the opt state (JSN-5), so one bad field never
 * costs the rest of the record.  Writing is exact: only what a patch sets.
 *
 * Decisions worth knowing:
 *  - Parsing copies the body into a NUL-terminated buffer and passes len + 1
 *    to cJSON_ParseWithLengthOpts(..., 1).  cJSON 1.7.15 only accepts
 *    require_null_terminated when the terminator is inside the length, and the
 *    copy also guards CVE-2023-53154.  We then check ourselves that the parse
 *    stopped at len (an embedded NUL would otherwise hide trailing garbage).
 *  - Duplicate keys: cJSON keeps all of them; the case-sensitive getter returns
 *    the first, so the first one wins everywhere (metadata included).
 *  - Money and counts: valuedouble, finite, integral, |v| < 2^53.  A negative
 *    zero is FIELD_INVALID: no integer serializer writes "-0", so it means the
 *    server computed the amount in floating point (reliability.md JSN-6).
 *  - Integers are written with cJSON_CreateRaw and PRId64, never as a double:
 *    cJSON 1.7.15 prints 2^53 as "9.00719925474099e+15".
 *  - In a patch a removed metadata key is sent as "" (the contract allows ""
 *    or null); a FIELD_NULL value is sent as null; a set bit whose value is
 *    FIELD_MISSING or FIELD_INVALID is skipped (there is nothing to send).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "chargetui/json.h"
#include "chargetui/timefmt.h"

#define JSON_MAX_DEPTH 32
#define JSON_MAX_META 256
#define JSON_INT_LIMIT 9007199254740992.0 /* 2^53, excluded: see jd_integral */

/* Decoding context: allocation failure is sticky so the field getters can stay
 * one-liners and the decoder checks once at the end. */
struct jd {
	int oom;
};

static void json_set_err(struct api_error *err, enum api_err_kind kind, const char *detail)
{
	if (!err)
		return;
	free(err->detail);
	err->kind = kind;
	err->detail = strdup(detail);
}

/* ---- parsing --------------------------------------------------------- */

/* Walk the tree without recursion, with a stack of JSON_MAX_DEPTH containers:
 * the check itself must not be what a 999-deep body overflows (JSN-4). */
static int json_depth_ok(const cJSON *root)
{
	const cJSON *stack[JSON_MAX_DEPTH];
	const cJSON *it = root;
	int d = 0;

	for (;;) {
		if ((cJSON_IsArray(it) || cJSON_IsObject(it)) && it->child) {
			if (d >= JSON_MAX_DEPTH)
				return 0;
			stack[d++] = it;
			it = it->child;
			continue;
		}
		while (d > 0 && !it->next)
			it = stack[--d];
		if (d == 0)
			return 1;
		it = it->next;
	}
}

static int json_is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* cJSON skips every byte <= 0x20 around the value as if it were whitespace,
 * NUL and control bytes included.  JSON allows only these four, and no raw NUL
 * anywhere, so we check the body's edges and NULs ourselves.  (The value's
 * own first and last bytes are always > 0x20, so the edge scans stay outside
 * it.) */
static int json_edges_ok(const char *b, size_t len)
{
	size_t i = 0, j = len;

	if (memchr(b, '\0', len))
		return 0;
	for (; i < len && (unsigned char)b[i] <= 0x20; i++)
		if (!json_is_ws(b[i]))
			return 0;
	for (; j > i && (unsigned char)b[j - 1] <= 0x20; j--)
		if (!json_is_ws(b[j - 1]))
			return 0;
	return 1;
}

/* Parse the whole of buf[0..len) or fail with a detail saying why. */
static cJSON *json_parse(const char *buf, size_t len, struct api_error *err)
{
	const char *end = NULL;
	cJSON *root;
	char *copy;
	size_t i;

	for (i = 0; buf && i < len && json_is_ws(buf[i]); i++)
		;
	if (!buf || i == len) {
		json_set_err(err, API_ERR_MALFORMED, "malformed response: empty body");
		return NULL;
	}
	if (len == SIZE_MAX || !(copy = malloc(len + 1))) {
		json_set_err(err, API_ERR_INTERNAL, "out of memory");
		return NULL;
	}
	memcpy(copy, buf, len);
	copy[len] = '\0';
	root = json_edges_ok(copy, len) ? cJSON_ParseWithLengthOpts(copy, len + 1, &end, 1) : NULL;
	if (root) {
		/* cJSON stops at the first NUL; the body must end there too. */
		for (i = (size_t)(end - copy); i < len && json_is_ws(copy[i]); i++)
			;
		if (i != len) {
			cJSON_Delete(root);
			root = NULL;
		}
	}
	free(copy);
	if (!root) {
		json_set_err(err, API_ERR_MALFORMED,
		             "malformed response: not valid JSON (truncated or trailing data)");
		return NULL;
	}
	if (!json_depth_ok(root)) {
		cJSON_Delete(root);
		json_set_err(err, API_ERR_TOO_DEEP, "response too deep");
		return NULL;
	}
	return root;
}

static cJSON *json_parse_object(const char *buf, size_t len, struct api_error *err)
{
	cJSON *root = json_parse(buf, len, err);

	if (root && !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		json_set_err(err, API_ERR_MALFORMED, "malformed response: expected a JSON object");
		return NULL;
	}
	return root;
}

/* ---- typed getters (JSN-5) ------------------------------------------- */

/* The item for key and its state before type checking: MISSING, NULL or SET. */
static const cJSON *jd_item(const cJSON *obj, const char *key, enum field_state *st)
{
	const cJSON *it = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;

	*st = !it ? FIELD_MISSING : cJSON_IsNull(it) ? FIELD_NULL : FIELD_SET;
	return it;
}

/* Tolerant reader: the old name is read only when the new one is absent. */
static const cJSON *jd_item2(const cJSON *obj, const char *key, const char *old,
                             enum field_state *st)
{
	const cJSON *it = jd_item(obj, key, st);

	if (*st == FIELD_MISSING && old)
		it = jd_item(obj, old, st);
	return it;
}

static char *jd_strdup(struct jd *c, const char *s)
{
	char *d = strdup(s);

	if (!d)
		c->oom = 1;
	return d;
}

static void jd_str2(struct jd *c, const cJSON *obj, const char *key, const char *old,
                    struct opt_str *out)
{
	const cJSON *it = jd_item2(obj, key, old, &out->st);

	if (out->st != FIELD_SET)
		return;
	if (!cJSON_IsString(it) || !it->valuestring) {
		out->st = FIELD_INVALID;
		return;
	}
	/* JSN-7: cJSON stops a string at \u0000; we keep that prefix. */
	out->v = jd_strdup(c, it->valuestring);
	if (!out->v)
		out->st = FIELD_MISSING;
}

static void jd_str(struct jd *c, const cJSON *obj, const char *key, struct opt_str *out)
{
	jd_str2(c, obj, key, NULL, out);
}

/* JSN-6: the only way a JSON number becomes an integer. */
static int jd_integral(const cJSON *it, int64_t *v)
{
	double d;

	if (!cJSON_IsNumber(it))
		return -1;
	d = it->valuedouble;
	/* 2^53 itself is refused: 9007199254740993 also parses to it, so it
	 * would not round-trip exactly.  The safe range is |v| <= 2^53 - 1. */
	if (!isfinite(d) || d != floor(d) || fabs(d) >= JSON_INT_LIMIT || (d == 0 && signbit(d)))
		return -1;
	*v = (int64_t)d;
	return 0;
}

static void jd_i64(const cJSON *obj, const char *key, struct opt_i64 *out)
{
	const cJSON *it = jd_item(obj, key, &out->st);

	if (out->st == FIELD_SET && jd_integral(it, &out->v) < 0) {
		out->st = FIELD_INVALID;
		out->v = 0;
	}
}

static void jd_f64(const cJSON *obj, const char *key, struct opt_f64 *out)
{
	const cJSON *it = jd_item(obj, key, &out->st);

	if (out->st != FIELD_SET)
		return;
	if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
		out->st = FIELD_INVALID;
	else
		out->v = it->valuedouble;
}

static void jd_bool2(const cJSON *obj, const char *key, const char *old, struct opt_bool *out)
{
	const cJSON *it = jd_item2(obj, key, old, &out->st);

	if (out->st != FIELD_SET)
		return;
	if (!cJSON_IsBool(it))
		out->st = FIELD_INVALID;
	else
		out->v = cJSON_IsTrue(it);
}

/* RFC 3339 text (current docs) or integer UNIX seconds (older docs). */
static void jd_time(const cJSON *obj, const char *key, struct opt_time *out)
{
	const cJSON *it = jd_item(obj, key, &out->st);
	int64_t s;

	if (out->st != FIELD_SET)
		return;
	if (cJSON_IsString(it) && it->valuestring &&
	    ts_parse_rfc3339(it->valuestring, &out->ms) == 0)
		return;
	/* 2^53 s would overflow int64 ms; 10^15 s is already 31 million years. */
	if (jd_integral(it, &s) == 0 && s <= 1000000000000000LL && s >= -1000000000000000LL) {
		out->ms = s * 1000;
		return;
	}
	out->st = FIELD_INVALID;
	out->ms = 0;
}

static void jd_list2(struct jd *c, const cJSON *obj, const char *key, const char *old,
                     struct str_list *out)
{
	const cJSON *it = jd_item2(obj, key, old, &out->st);
	const cJSON *e;
	int n;

	if (out->st != FIELD_SET)
		return;
	if (!cJSON_IsArray(it)) {
		out->st = FIELD_INVALID;
		return;
	}
	cJSON_ArrayForEach(e, it)
	{
		if (!cJSON_IsString(e) || !e->valuestring) {
			out->st = FIELD_INVALID;
			return;
		}
	}
	n = cJSON_GetArraySize(it);
	if (n == 0)
		return;
	out->v = calloc((size_t)n, sizeof(*out->v));
	if (!out->v) {
		c->oom = 1;
		return;
	}
	cJSON_ArrayForEach(e, it)
	{
		if (!(out->v[out->n] = jd_strdup(c, e->valuestring)))
			return;
		out->n++;
	}
}

static void jd_list(struct jd *c, const cJSON *obj, const char *key, struct str_list *out)
{
	jd_list2(c, obj, key, NULL, out);
}

static int jd_meta_has(const struct meta_map *m, const char *k)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->keys[i], k) == 0)
			return 1;
	return 0;
}

/* metadata: string values only; a non-string value marks the map invalid
 * rather than being shown as something it is not. */
static void jd_meta(struct jd *c, const cJSON *obj, const char *key, struct meta_map *out)
{
	const cJSON *it = jd_item(obj, key, &out->st);
	const cJSON *e;
	int n;

	if (out->st != FIELD_SET)
		return;
	if (!cJSON_IsObject(it) || (n = cJSON_GetArraySize(it)) > JSON_MAX_META) {
		out->st = FIELD_INVALID;
		return;
	}
	cJSON_ArrayForEach(e, it)
	{
		if (!e->string || !cJSON_IsString(e) || !e->valuestring) {
			out->st = FIELD_INVALID;
			return;
		}
	}
	if (n == 0)
		return;
	out->keys = calloc((size_t)n, sizeof(*out->keys));
	out->vals = calloc((size_t)n, sizeof(*out->vals));
	if (!out->keys || !out->vals) {
		c->oom = 1;
		return;
	}
	cJSON_ArrayForEach(e, it)
	{
		if (jd_meta_has(out, e->string)) /* duplicate key: first wins */
			continue;
		out->keys[out->n] = jd_strdup(c, e->string);
		out->vals[out->n] = jd_strdup(c, e->valuestring);
		if (!out->keys[out->n] || !out->vals[out->n]) {
			out->n++; /* let clear free the half-filled slot */
			return;
		}
		out->n++;
	}
}

/* A nested object: its state, and the object to read subfields from (NULL
 * when not an object, so every subfield then reads as missing). */
static const cJSON *jd_obj(const cJSON *obj, const char *key, enum field_state *st)
{
	const cJSON *it = jd_item(obj, key, st);

	if (*st != FIELD_SET)
		return NULL;
	if (!cJSON_IsObject(it)) {
		*st = FIELD_INVALID;
		return NULL;
	}
	return it;
}

/* ---- objects --------------------------------------------------------- */

static void jd_driver_prefs(struct jd *c, const cJSON *obj, struct driver_prefs *p)
{
	const cJSON *o = jd_obj(obj, "preferences", &p->st);

	if (!o)
		return;
	jd_str(c, o, "charging_speed", &p->charging_speed);
	jd_str(c, o, "currency", &p->currency);
	jd_str2(c, o, "default_payment_method", "payment_method", &p->default_payment_method);
	jd_i64(o, "max_price_per_kwh", &p->max_price_per_kwh);
	jd_bool2(o, "notifications", "charging_notifications", &p->notifications);
	jd_list2(c, o, "preferred_charging_stations", "preferred_stations",
	         &p->preferred_charging_stations);
	jd_list(c, o, "preferred_cpos", &p->preferred_cpos);
}

static void jd_driver(struct jd *c, const cJSON *o, struct driver *d)
{
	jd_str(c, o, "id", &d->id);
	jd_str(c, o, "object", &d->object);
	jd_time(o, "created", &d->created);
	jd_str(c, o, "email", &d->email);
	jd_list(c, o, "fleets", &d->fleets);
	jd_str(c, o, "license_number", &d->license_number);
	jd_meta(c, o, "metadata", &d->metadata);
	jd_str(c, o, "name", &d->name);
	jd_str(c, o, "phone", &d->phone);
	jd_list(c, o, "policy_ids", &d->policy_ids);
	jd_driver_prefs(c, o, &d->preferences);
	jd_str(c, o, "status", &d->status);
	jd_time(o, "updated", &d->updated);
	jd_list(c, o, "vehicles", &d->vehicles);
	jd_i64(o, "wallet_balance", &d->wallet_balance);
}

static void jd_address(struct jd *c, const cJSON *obj, struct address *a)
{
	const cJSON *o = jd_obj(obj, "address", &a->st);

	if (!o)
		return;
	jd_str(c, o, "city", &a->city);
	jd_str(c, o, "country", &a->country);
	jd_str(c, o, "line1", &a->line1);
	jd_str(c, o, "line2", &a->line2);
	jd_str(c, o, "postal_code", &a->postal_code);
	jd_str(c, o, "state", &a->state);
}

static void jd_fleet_prefs(struct jd *c, const cJSON *obj, struct fleet_prefs *p)
{
	const cJSON *o = jd_obj(obj, "preferences", &p->st);

	if (!o)
		return;
	jd_str(c, o, "billing_cycle", &p->billing_cycle);
	jd_str(c, o, "default_currency", &p->default_currency);
	jd_str2(c, o, "default_payment_method", "payment_method", &p->default_payment_method);
	jd_bool2(o, "notifications", "charging_notifications", &p->notifications);
	jd_str(c, o, "report_frequency", &p->report_frequency);
}

static void jd_fleet(struct jd *c, const cJSON *o, struct fleet *f)
{
	jd_str(c, o, "id", &f->id);
	jd_str(c, o, "object", &f->object);
	jd_address(c, o, &f->address);
	jd_time(o, "created", &f->created);
	jd_str(c, o, "description", &f->description);
	jd_str(c, o, "email", &f->email);
	jd_meta(c, o, "metadata", &f->metadata);
	jd_str(c, o, "metric_system", &f->metric_system);
	jd_str(c, o, "name", &f->name);
	jd_str(c, o, "phone", &f->phone);
	jd_list(c, o, "policy_ids", &f->policy_ids);
	jd_fleet_prefs(c, o, &f->preferences);
	jd_str(c, o, "status", &f->status);
	jd_str(c, o, "timezone", &f->timezone);
	jd_i64(o, "total_drivers", &f->total_drivers);
	jd_f64(o, "total_energy_consumed_kwh", &f->total_energy_consumed_kwh);
	jd_i64(o, "total_sessions", &f->total_sessions);
	jd_i64(o, "total_vehicles", &f->total_vehicles);
	jd_time(o, "updated", &f->updated);
	jd_i64(o, "wallet_balance", &f->wallet_balance);
}

int json_decode_driver(const char *buf, size_t len, struct driver *out, struct api_error *err)
{
	struct jd c = {0};
	cJSON *root;

	driver_clear(out);
	if (!(root = json_parse_object(buf, len, err)))
		return -1;
	jd_driver(&c, root, out);
	cJSON_Delete(root);
	if (c.oom) {
		driver_clear(out);
		json_set_err(err, API_ERR_INTERNAL, "out of memory");
		return -1;
	}
	return 0;
}

int json_decode_fleet(const char *buf, size_t len, struct fleet *out, struct api_error *err)
{
	struct jd c = {0};
	cJSON *root;

	fleet_clear(out);
	if (!(root = json_parse_object(buf, len, err)))
		return -1;
	jd_fleet(&c, root, out);
	cJSON_Delete(root);
	if (c.oom) {
		fleet_clear(out);
		json_set_err(err, API_ERR_INTERNAL, "out of memory");
		return -1;
	}
	return 0;
}

/* ---- list pages -------------------------------------------------------- */

struct jd_page {
	const cJSON *data;
	size_t n;
	char *next_url, *prev_url;
	bool legacy, has_more;
};

/* A page URL: string, null or absent.  Any other type is malformed, because
 * silently treating it as "no more pages" would hide data. */
static int jd_page_url(struct jd *c, const cJSON *root, const char *key, char **out)
{
	enum field_state st;
	const cJSON *it = jd_item(root, key, &st);

	*out = NULL;
	if (st != FIELD_SET)
		return 0;
	if (!cJSON_IsString(it) || !it->valuestring)
		return -1;
	*out = jd_strdup(c, it->valuestring);
	return 0;
}

/* The envelope both shapes share: data[] of objects, plus paging fields. */
static int jd_page_head(struct jd *c, const cJSON *root, struct jd_page *p, struct api_error *err)
{
	enum field_state st;
	const cJSON *e, *obj, *more;

	p->data = jd_item(root, "data", &st);
	if (!cJSON_IsArray(p->data)) {
		json_set_err(err, API_ERR_MALFORMED,
		             "malformed response: list without a data array");
		return -1;
	}
	cJSON_ArrayForEach(e, p->data)
	{
		if (!cJSON_IsObject(e)) {
			json_set_err(err, API_ERR_MALFORMED,
			             "malformed response: list item is not an object");
			return -1;
		}
		p->n++;
	}
	obj = jd_item(root, "object", &st);
	more = jd_item(root, "has_more", &st);
	p->legacy =
	    (cJSON_IsString(obj) && obj->valuestring && strcmp(obj->valuestring, "list") == 0) ||
	    (more && !cJSON_GetObjectItemCaseSensitive(root, "next_page_url"));
	if (p->legacy)
		p->has_more = cJSON_IsTrue(more);
	if (jd_page_url(c, root, "next_page_url", &p->next_url) < 0 ||
	    jd_page_url(c, root, "previous_page_url", &p->prev_url) < 0) {
		free(p->next_url);
		free(p->prev_url);
		json_set_err(err, API_ERR_MALFORMED,
		             "malformed response: page link is not a string");
		return -1;
	}
	return 0;
}

int json_decode_driver_page(const char *buf, size_t len, struct driver_page *out,
                            struct api_error *err)
{
	struct jd c = {0};
	struct jd_page p = {0};
	const cJSON *e;
	cJSON *root;

	driver_page_clear(out);
	if (!(root = json_parse_object(buf, len, err)))
		return -1;
	if (jd_page_head(&c, root, &p, err) < 0) {
		cJSON_Delete(root);
		return -1;
	}
	out->next_url = p.next_url;
	out->prev_url = p.prev_url;
	out->legacy = p.legacy;
	out->has_more = p.has_more;
	if (p.n && !(out->items = calloc(p.n, sizeof(*out->items))))
		c.oom = 1;
	cJSON_ArrayForEach(e, p.data)
	{
		if (c.oom)
			break;
		jd_driver(&c, e, &out->items[out->n++]);
	}
	cJSON_Delete(root);
	if (c.oom) {
		driver_page_clear(out);
		json_set_err(err, API_ERR_INTERNAL, "out of memory");
		return -1;
	}
	return 0;
}

int json_decode_fleet_page(const char *buf, size_t len, struct fleet_page *out,
                           struct api_error *err)
{
	struct jd c = {0};
	struct jd_page p = {0};
	const cJSON *e;
	cJSON *root;

	fleet_page_clear(out);
	if (!(root = json_parse_object(buf, len, err)))
		return -1;
	if (jd_page_head(&c, root, &p, err) < 0) {
		cJSON_Delete(root);
		return -1;
	}
	out->next_url = p.next_url;
	out->prev_url = p.prev_url;
	out->legacy = p.legacy;
	out->has_more = p.has_more;
	if (p.n && !(out->items = calloc(p.n, sizeof(*out->items))))
		c.oom = 1;
	cJSON_ArrayForEach(e, p.data)
	{
		if (c.oom)
			break;
		jd_fleet(&c, e, &out->items[out->n++]);
	}
	cJSON_Delete(root);
	if (c.oom) {
		fleet_page_clear(out);
		json_set_err(err, API_ERR_INTERNAL, "out of memory");
		return -1;
	}
	return 0;
}

/* ---- error objects ----------------------------------------------------- */

static void jd_err_field(const cJSON *o, const char *key, const char *old, char **out)
{
	enum field_state st;
	const cJSON *it = jd_item2(o, key, old, &st);

	free(*out);
	*out = NULL;
	if (st == FIELD_SET && cJSON_IsString(it) && it->valuestring)
		*out = strdup(it->valuestring); /* NULL on ENOMEM: documented as allowed */
}

/* Keeps what the HTTP layer already put in err (detail, retry_after_s,
 * attempts) and replaces the server's fields. */
void json_decode_error(const char *buf, size_t len, long status, struct api_error *err)
{
	struct api_error scratch = {0};
	const char *text = NULL;
	const cJSON *o;
	cJSON *root;

	err->kind = API_ERR_HTTP;
	err->http_status = status;
	root = len ? json_parse_object(buf, len, &scratch) : NULL;
	api_error_clear(&scratch);
	o = root;
	if (root) {
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(root, "error");

		if (cJSON_IsObject(w))
			o = w; /* Stripe-style wrapper */
		else if (cJSON_IsString(w) && w->valuestring)
			text = w->valuestring; /* {"error": "text"} from some gateways */
	}
	/* A non-JSON body (a proxy's HTML) clears the fields: NULL everywhere. */
	jd_err_field(o, "type", NULL, &err->type);
	jd_err_field(o, "code", NULL, &err->code);
	jd_err_field(o, "message", NULL, &err->message);
	jd_err_field(o, "param", NULL, &err->param);
	jd_err_field(o, "request", "request_id", &err->request_id);
	jd_err_field(o, "doc_url", NULL, &err->doc_url);
	if (text && !err->message)
		err->message = strdup(text);
	cJSON_Delete(root);
}

/* ---- encoders ---------------------------------------------------------- */

/* Encoding context: any failed allocation makes the whole encode fail. */
struct je {
	int oom;
};

static void je_check(struct je *c, const cJSON *added)
{
	if (!added)
		c->oom = 1;
}

static void je_str(struct je *c, cJSON *o, const char *key, const struct opt_str *v)
{
	if (v->st == FIELD_SET)
		je_check(c, cJSON_AddStringToObject(o, key, v->v ? v->v : ""));
	else if (v->st == FIELD_NULL)
		je_check(c, cJSON_AddNullToObject(o, key));
}

static void je_i64(struct je *c, cJSON *o, const char *key, const struct opt_i64 *v)
{
	char num[32];

	if (v->st == FIELD_SET) {
		snprintf(num, sizeof(num), "%" PRId64, v->v);
		je_check(c, cJSON_AddRawToObject(o, key, num));
	} else if (v->st == FIELD_NULL) {
		je_check(c, cJSON_AddNullToObject(o, key));
	}
}

static void je_bool(struct je *c, cJSON *o, const char *key, const struct opt_bool *v)
{
	if (v->st == FIELD_SET)
		je_check(c, cJSON_AddBoolToObject(o, key, v->v));
	else if (v->st == FIELD_NULL)
		je_check(c, cJSON_AddNullToObject(o, key));
}

static void je_list(struct je *c, cJSON *o, const char *key, const struct str_list *v)
{
	cJSON *a;

	if (v->st == FIELD_NULL) {
		je_check(c, cJSON_AddNullToObject(o, key));
		return;
	}
	if (v->st != FIELD_SET)
		return;
	if (!(a = cJSON_AddArrayToObject(o, key))) {
		c->oom = 1;
		return;
	}
	for (size_t i = 0; i < v->n; i++) {
		cJSON *s = cJSON_CreateString(v->v[i] ? v->v[i] : "");

		if (!s || !cJSON_AddItemToArray(a, s)) {
			cJSON_Delete(s);
			c->oom = 1;
			return;
		}
	}
}

static void je_meta(struct je *c, cJSON *o, const struct meta_map *m)
{
	cJSON *mo = cJSON_AddObjectToObject(o, "metadata");

	if (!mo) {
		c->oom = 1;
		return;
	}
	for (size_t i = 0; i < m->n; i++)
		je_check(c, cJSON_AddStringToObject(mo, m->keys[i], m->vals[i] ? m->vals[i] : ""));
}

/* A nested object holding only the set subfields; dropped if none is set. */
static cJSON *je_sub(struct je *c, cJSON *o, const char *key, int wanted)
{
	cJSON *s;

	if (!wanted)
		return NULL;
	if (!(s = cJSON_AddObjectToObject(o, key)))
		c->oom = 1;
	return s;
}

static char *je_finish(struct je *c, cJSON *o)
{
	char *s = NULL;

	if (!c->oom)
		s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

char *json_encode_driver_patch(const struct driver_patch *p)
{
	const struct driver *d = &p->v;
	const struct driver_prefs *dp = &d->preferences;
	struct je c = {0};
	uint32_t s = p->set;
	cJSON *o = cJSON_CreateObject(), *pr;

	if (!o)
		return NULL;
	if (s & DRV_NAME)
		je_str(&c, o, "name", &d->name);
	if (s & DRV_EMAIL)
		je_str(&c, o, "email", &d->email);
	if (s & DRV_PHONE)
		je_str(&c, o, "phone", &d->phone);
	if (s & DRV_LICENSE_NUMBER)
		je_str(&c, o, "license_number", &d->license_number);
	if (s & DRV_STATUS)
		je_str(&c, o, "status", &d->status);
	pr = je_sub(&c, o, "preferences", s & (DRV_PREF_CHARGING_SPEED * 127u));
	if (pr) {
		if (s & DRV_PREF_CHARGING_SPEED)
			je_str(&c, pr, "charging_speed", &dp->charging_speed);
		if (s & DRV_PREF_CURRENCY)
			je_str(&c, pr, "currency", &dp->currency);
		if (s & DRV_PREF_DEFAULT_PAYMENT_METHOD)
			je_str(&c, pr, "default_payment_method", &dp->default_payment_method);
		if (s & DRV_PREF_MAX_PRICE_PER_KWH)
			je_i64(&c, pr, "max_price_per_kwh", &dp->max_price_per_kwh);
		if (s & DRV_PREF_NOTIFICATIONS)
			je_bool(&c, pr, "notifications", &dp->notifications);
		if (s & DRV_PREF_PREFERRED_CHARGING_STATIONS)
			je_list(&c, pr, "preferred_charging_stations",
			        &dp->preferred_charging_stations);
		if (s & DRV_PREF_PREFERRED_CPOS)
			je_list(&c, pr, "preferred_cpos", &dp->preferred_cpos);
	}
	if ((s & DRV_METADATA) && p->meta.n)
		je_meta(&c, o, &p->meta);
	return je_finish(&c, o);
}

static void je_address(struct je *c, cJSON *o, const struct address *a, uint32_t s)
{
	cJSON *ao = je_sub(c, o, "address", s != 0);

	if (!ao)
		return;
	if (s & ADDR_CITY)
		je_str(c, ao, "city", &a->city);
	if (s & ADDR_COUNTRY)
		je_str(c, ao, "country", &a->country);
	if (s & ADDR_LINE1)
		je_str(c, ao, "line1", &a->line1);
	if (s & ADDR_LINE2)
		je_str(c, ao, "line2", &a->line2);
	if (s & ADDR_POSTAL_CODE)
		je_str(c, ao, "postal_code", &a->postal_code);
	if (s & ADDR_STATE)
		je_str(c, ao, "state", &a->state);
}

char *json_encode_fleet_patch(const struct fleet_patch *p)
{
	const struct fleet *f = &p->v;
	const struct fleet_prefs *fp = &f->preferences;
	struct je c = {0};
	uint32_t s = p->set;
	cJSON *o = cJSON_CreateObject(), *pr;

	if (!o)
		return NULL;
	if (s & FLT_NAME)
		je_str(&c, o, "name", &f->name);
	if (s & FLT_EMAIL)
		je_str(&c, o, "email", &f->email);
	if (s & FLT_PHONE)
		je_str(&c, o, "phone", &f->phone);
	if (s & FLT_DESCRIPTION)
		je_str(&c, o, "description", &f->description);
	if (s & FLT_TIMEZONE)
		je_str(&c, o, "timezone", &f->timezone);
	if (s & FLT_METRIC_SYSTEM)
		je_str(&c, o, "metric_system", &f->metric_system);
	if (s & FLT_ADDRESS)
		je_address(&c, o, &f->address, p->addr_set);
	if (s & FLT_STATUS)
		je_str(&c, o, "status", &f->status);
	pr = je_sub(&c, o, "preferences", s & (FLT_PREF_BILLING_CYCLE * 31u));
	if (pr) {
		if (s & FLT_PREF_BILLING_CYCLE)
			je_str(&c, pr, "billing_cycle", &fp->billing_cycle);
		if (s & FLT_PREF_DEFAULT_CURRENCY)
			je_str(&c, pr, "default_currency", &fp->default_currency);
		if (s & FLT_PREF_DEFAULT_PAYMENT_METHOD)
			je_str(&c, pr, "default_payment_method", &fp->default_payment_method);
		if (s & FLT_PREF_NOTIFICATIONS)
			je_bool(&c, pr, "notifications", &fp->notifications);
		if (s & FLT_PREF_REPORT_FREQUENCY)
			je_str(&c, pr, "report_frequency", &fp->report_frequency);
	}
	if ((s & FLT_METADATA) && p->meta.n)
		je_meta(&c, o, &p->meta);
	return je_finish(&c, o);
}

char *json_encode_fleet_ref(const char *fleet_id)
{
	struct je c = {0};
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	je_check(&c, cJSON_AddStringToObject(o, "fleet", fleet_id ? fleet_id : ""));
	return je_finish(&c, o);
}
