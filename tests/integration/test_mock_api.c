/*
 * test_mock_api.c — charge-mock against the contract, over loopback HTTP with
 * plain libcurl (never the client library): shapes and key order vs the
 * fixtures, pagination, filters, merge semantics, attach/detach totals,
 * errors, idempotency, rate limit, the request log, and every fault switch
 * of mock.h.
 */
#include "chargetui/mock.h"

#include <check.h>
#include <pthread.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define KEY "ch_sk_test_mocktest0123456789"

static struct mock *M;

/* ---- HTTP helper ---------------------------------------------------------- */

struct res {
	CURLcode cc;
	long status;
	char *body;
	size_t len;
	char *hdrs;
	size_t hlen;
	double secs;
};

static size_t grow(char **p, size_t *len, const char *data, size_t n)
{
	*p = realloc(*p, *len + n + 1);
	memcpy(*p + *len, data, n);
	*len += n;
	(*p)[*len] = '\0';
	return n;
}

static size_t body_cb(char *d, size_t s, size_t n, void *u)
{
	struct res *r = u;
	return grow(&r->body, &r->len, d, s * n);
}

static size_t hdr_cb(char *d, size_t s, size_t n, void *u)
{
	struct res *r = u;
	return grow(&r->hdrs, &r->hlen, d, s * n);
}

static void res_free(struct res *r)
{
	free(r->body);
	free(r->hdrs);
	memset(r, 0, sizeof *r);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* method, absolute URL or a path under the base (starting with '/'). */
static struct res http(const char *method, const char *url, const char *body, const char *key,
                       const char *hdr, long timeout_ms)
{
	char full[4096];
	if (url[0] == '/')
		snprintf(full, sizeof full, "%s%s", mock_base_url(M), url);
	else
		snprintf(full, sizeof full, "%s", url);
	struct res r = {0};
	r.body = calloc(1, 1);
	r.hdrs = calloc(1, 1);
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char auth[512];
	if (key) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", key);
		h = curl_slist_append(h, auth);
	}
	if (body)
		h = curl_slist_append(h, "Content-Type: application/json");
	if (hdr)
		h = curl_slist_append(h, hdr);
	curl_easy_setopt(c, CURLOPT_URL, full);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, hdr_cb);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 20000L);
	double t0 = now_s();
	r.cc = curl_easy_perform(c);
	r.secs = now_s() - t0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return r;
}

static struct res get(const char *path)
{
	return http("GET", path, NULL, KEY, NULL, 0);
}

static struct res post(const char *path, const char *body)
{
	return http("POST", path, body, KEY, NULL, 0);
}

/* Value of a response header (last occurrence), copied into out. */
static const char *header(const struct res *r, const char *name, char *out, size_t n)
{
	const char *found = NULL;
	size_t nl = strlen(name);
	for (const char *p = r->hdrs; p && *p;) {
		const char *e = strstr(p, "\r\n");
		if (!e)
			break;
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			snprintf(out, n, "%.*s", (int)(e - v), v);
			found = out;
		}
		p = e + 2;
	}
	return found;
}

static cJSON *parse(const struct res *r)
{
	cJSON *j = cJSON_ParseWithLength(r->body, r->len);
	ck_assert_msg(j != NULL, "not JSON: %.200s", r->body);
	return j;
}

/* GET that must succeed; parsed body. */
static cJSON *get_ok(const char *path)
{
	struct res r = get(path);
	ck_assert_msg(r.cc == CURLE_OK && r.status == 200, "GET %s: cc %d status %ld %.300s", path,
	              r.cc, r.status, r.body);
	cJSON *j = parse(&r);
	res_free(&r);
	return j;
}

static cJSON *post_ok(const char *path, const char *body)
{
	struct res r = post(path, body);
	ck_assert_msg(r.cc == CURLE_OK && r.status == 200, "POST %s: cc %d status %ld %.300s", path,
	              r.cc, r.status, r.body);
	cJSON *j = parse(&r);
	res_free(&r);
	return j;
}

static const char *js(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	ck_assert_msg(cJSON_IsNumber(v), "%s is not a number", k);
	return v->valuedouble;
}

/* Expect an error response with this status and code (and param if given). */
static void expect_error(struct res *r, long status, const char *code, const char *param)
{
	ck_assert_msg(r->status == status, "want %ld got %ld: %.300s", status, r->status, r->body);
	cJSON *e = parse(r);
	ck_assert_str_eq(js(e, "object"), "error");
	ck_assert_str_eq(js(e, "code"), code);
	ck_assert_int_eq((int)jnum(e, "status"), (int)status);
	if (param)
		ck_assert_str_eq(js(e, "param"), param);
	char rid[128];
	ck_assert_ptr_nonnull(header(r, "Request-Id", rid, sizeof rid));
	ck_assert_str_eq(js(e, "request"), rid);
	char doc[160];
	snprintf(doc, sizeof doc, "https://docs.chargeapi.co/errors#%s", code);
	ck_assert_str_eq(js(e, "doc_url"), doc);
	cJSON_Delete(e);
	res_free(r);
}

static void start(int fleets, int drivers, double rate, const char *api_key)
{
	struct mock_options o = {.fleets = fleets,
	                         .drivers = drivers,
	                         .seed = 5,
	                         .rate_limit = rate,
	                         .api_key = api_key,
	                         .quiet = true};
	char err[256];
	M = mock_start(&o, err, sizeof err);
	ck_assert_msg(M != NULL, "mock_start: %s", err);
}

static void setup(void)
{
	start(12, 240, -1, NULL);
}

static void teardown(void)
{
	mock_stop(M);
	M = NULL;
}

static void faults(const char *spec)
{
	char err[256];
	ck_assert_msg(mock_set_faults(M, spec, err, sizeof err) == 0, "%s: %s", spec, err);
}

/* The id of the n-th newest driver matching a query ("" for none). */
static char *driver_id(const char *query, int n)
{
	char path[512];
	snprintf(path, sizeof path, "/drivers?limit=100%s", query);
	cJSON *l = get_ok(path);
	cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(l, "data"), n);
	ck_assert_ptr_nonnull(d);
	char *id = strdup(js(d, "id"));
	cJSON_Delete(l);
	return id;
}

static char *fleet_id(int n)
{
	cJSON *l = get_ok("/fleets?limit=100");
	cJSON *f = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(l, "data"), n);
	ck_assert_ptr_nonnull(f);
	char *id = strdup(js(f, "id"));
	cJSON_Delete(l);
	return id;
}

/* ---- shapes ---------------------------------------------------------------- */

/* "id,object,created,…,preferences{charging_speed,…},…" */
static void key_seq(const cJSON *o, char *out, size_t n)
{
	for (const cJSON *c = o->child; c; c = c->next) {
		strncat(out, c->string, n - strlen(out) - 1);
		if (cJSON_IsObject(c) && c->child) {
			strncat(out, "{", n - strlen(out) - 1);
			key_seq(c, out, n);
			strncat(out, "}", n - strlen(out) - 1);
		}
		strncat(out, ",", n - strlen(out) - 1);
	}
}

static cJSON *fixture(const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", CT_FIXTURES, name);
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "fixture %s", path);
	char buf[16384];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	cJSON *j = cJSON_Parse(buf);
	ck_assert_ptr_nonnull(j);
	return j;
}

static void same_keys(const cJSON *got, const char *fixture_name)
{
	cJSON *fx = fixture(fixture_name);
	char a[4096] = "", b[4096] = "";
	key_seq(got, a, sizeof a);
	key_seq(fx, b, sizeof b);
	/* metadata is {} in the fixtures; a seeded object may carry keys. */
	ck_assert_msg(strcmp(a, b) == 0, "key order differs from %s:\n got %s\nwant %s",
	              fixture_name, a, b);
	cJSON_Delete(fx);
}

static bool is_id(const char *s, const char *prefix)
{
	size_t pl = strlen(prefix);
	if (!s || strncmp(s, prefix, pl) != 0 || strlen(s) != pl + 32)
		return false;
	for (const char *p = s + pl; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9')))
			return false;
	return true;
}

static bool is_ts(const char *s)
{
	int y, mo, d, h, mi, se, ms;
	char z;
	return s && strlen(s) == 24 &&
	       sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &y, &mo, &d, &h, &mi, &se, &ms, &z) ==
	           8 &&
	       z == 'Z';
}

START_TEST(test_shapes_match_fixtures)
{
	/* A fresh driver has empty metadata, like the fixtures. */
	cJSON *d = post_ok("/drivers", "{\"name\":\"Example Driver\",\"email\":\"e@example.com\"}");
	char *did = strdup(js(d, "id"));
	ck_assert(is_id(did, "drv_"));
	ck_assert(is_ts(js(d, "created")) && is_ts(js(d, "updated")));
	same_keys(d, "driver_update_response.json");
	cJSON_Delete(d);
	char path[256];
	snprintf(path, sizeof path, "/drivers/%s", did);
	d = post_ok(path, "{\"phone\":\"+33189000029\"}");
	same_keys(d, "driver_update_response.json");
	ck_assert_str_eq(js(d, "phone"), "+33189000029");
	cJSON_Delete(d);

	cJSON *f =
	    post_ok("/fleets", "{\"name\":\"Example Fleet\",\"address\":{\"city\":\"Paris\"}}");
	ck_assert(is_id(js(f, "id"), "flt_"));
	same_keys(f, "fleet_object.json");
	char body[256];
	snprintf(body, sizeof body, "{\"fleet\":\"%s\"}", js(f, "id"));
	snprintf(path, sizeof path, "/drivers/%s/attach", did);
	d = post_ok(path, body);
	same_keys(d, "driver_attach_response.json");
	cJSON_Delete(d);
	snprintf(path, sizeof path, "/drivers/%s/detach", did);
	d = post_ok(path, body);
	same_keys(d, "driver_detach_response.json");
	cJSON_Delete(d);
	snprintf(path, sizeof path, "/fleets/%s", js(f, "id"));
	cJSON *f2 = get_ok(path);
	same_keys(f2, "fleet_object.json");
	cJSON_Delete(f2);
	cJSON_Delete(f);

	cJSON *l = get_ok("/charging_sessions?limit=1");
	char ks[1024] = "";
	key_seq(l, ks, sizeof ks);
	ck_assert_str_eq(ks, "data,next_page_url,previous_page_url,");
	ks[0] = '\0';
	cJSON *s = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(l, "data"), 0);
	key_seq(s, ks, sizeof ks);
	ck_assert_str_eq(ks, "id,object,amount_due,amount_paid,charging_station,connector,country,"
	                     "created,currency,driver,energy_consumed,fleet,payment_method,"
	                     "session_ended,session_limit,session_started,status,updated,vehicle,");
	ck_assert(is_id(js(s, "id"), "cs_"));
	cJSON_Delete(l);

	struct res r = get("/drivers/drv_nope");
	char ct[128];
	ck_assert_str_eq(header(&r, "Content-Type", ct, sizeof ct), "application/json");
	cJSON *e = parse(&r);
	ks[0] = '\0';
	key_seq(e, ks, sizeof ks);
	ck_assert_str_eq(ks, "object,type,code,message,param,status,request,doc_url,");
	ck_assert(is_id(js(e, "request"), "req_"));
	cJSON_Delete(e);
	expect_error(&r, 404, "driver_not_found", NULL);
	free(did);
}
END_TEST

/* ---- pagination --------------------------------------------------------------- */

static int page_through(const char *first, char ***ids_out, int *pages)
{
	char url[4096];
	snprintf(url, sizeof url, "%s", first);
	char **ids = NULL;
	int n = 0;
	*pages = 0;
	const char *root = mock_root_url(M);
	for (;;) {
		cJSON *l = get_ok(url);
		(*pages)++;
		cJSON *d;
		cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(l, "data"))
		{
			ids = realloc(ids, sizeof *ids * (size_t)(n + 1));
			ids[n++] = strdup(js(d, "id"));
		}
		const char *next = js(l, "next_page_url");
		if (!next) {
			cJSON_Delete(l);
			break;
		}
		ck_assert_msg(strncmp(next, root, strlen(root)) == 0, "not self-pointing: %s",
		              next);
		snprintf(url, sizeof url, "%s", next);
		cJSON_Delete(l);
		ck_assert_int_lt(*pages, 1000);
	}
	*ids_out = ids;
	return n;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(test_pagination_1000)
{
	teardown();
	start(4, 1000, -1, NULL);
	char **ids;
	int pages;
	int n = page_through("/drivers?limit=100", &ids, &pages);
	ck_assert_int_eq(pages, 10);
	ck_assert_int_eq(n, 1000);
	qsort(ids, (size_t)n, sizeof *ids, cmp_str);
	for (int i = 1; i < n; i++)
		ck_assert_msg(strcmp(ids[i - 1], ids[i]) != 0, "duplicate %s", ids[i]);
	for (int i = 0; i < n; i++)
		free(ids[i]);
	free(ids);

	/* URL form: page first, then filters, then limit; newest first. */
	char *fid = fleet_id(1);
	char q[256];
	snprintf(q, sizeof q, "/drivers?status=active&fleet=%s&limit=3", fid);
	cJSON *l = get_ok(q);
	const char *next = js(l, "next_page_url");
	ck_assert_ptr_nonnull(next);
	char want[512];
	snprintf(want, sizeof want, "%s/v1/drivers?page=page_", mock_root_url(M));
	ck_assert(strncmp(next, want, strlen(want)) == 0);
	const char *tok = next + strlen(want) - 5;
	ck_assert_int_eq((int)strcspn(tok, "&"), 5 + 43);
	snprintf(want, sizeof want, "&fleet=%s&status=active&limit=3", fid);
	ck_assert_str_eq(tok + 48, want);
	ck_assert(js(l, "previous_page_url") == NULL);
	cJSON *data = cJSON_GetObjectItemCaseSensitive(l, "data");
	ck_assert(strcmp(js(cJSON_GetArrayItem(data, 0), "created"),
	                 js(cJSON_GetArrayItem(data, 1), "created")) >= 0);
	/* previous_page_url of page 2 leads back to page 1. */
	cJSON *p2 = get_ok(next);
	cJSON *p1 = get_ok(js(p2, "previous_page_url"));
	char *a = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(p1, "data"));
	char *b = cJSON_PrintUnformatted(data);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	/* A token edited by one character is refused. */
	char bad[1024];
	snprintf(bad, sizeof bad, "%s", next);
	char *t = strstr(bad, "page_") + 10;
	*t = *t == 'A' ? 'B' : 'A';
	struct res r = get(bad);
	expect_error(&r, 400, "parameter_invalid", "page");
	cJSON_Delete(p1);
	cJSON_Delete(p2);
	cJSON_Delete(l);
	free(fid);
}
END_TEST

START_TEST(test_pagination_stable_under_inserts)
{
	cJSON *p1 = get_ok("/drivers?limit=10");
	char next[1024];
	snprintf(next, sizeof next, "%s", js(p1, "next_page_url"));
	for (int i = 0; i < 5; i++)
		cJSON_Delete(post_ok("/drivers", "{\"name\":\"New\",\"email\":\"n@example.com\"}"));
	cJSON *p2 = get_ok(next);
	cJSON *a, *b;
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(p2, "data"))
	{
		cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(p1, "data"))
		{
			ck_assert_str_ne(js(a, "id"), js(b, "id"));
		}
		ck_assert_str_ne(js(a, "name"), "New");
	}
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(p2, "data")), 10);
	cJSON_Delete(p1);
	cJSON_Delete(p2);
	/* a delete ahead of the cursor leaves no gap and no duplicate */
	p1 = get_ok("/drivers?limit=10");
	snprintf(next, sizeof next, "%s", js(p1, "next_page_url"));
	char *victim = driver_id("", 15);
	char path[128];
	snprintf(path, sizeof path, "/drivers/%s", victim);
	struct res del = http("DELETE", path, NULL, KEY, NULL, 0);
	ck_assert_int_eq(del.status, 200);
	res_free(&del);
	p2 = get_ok(next);
	cJSON *d10 = cJSON_GetObjectItemCaseSensitive(p2, "data");
	ck_assert_int_eq(cJSON_GetArraySize(d10), 10);
	cJSON_ArrayForEach(a, d10)
	{
		ck_assert_str_ne(js(a, "id"), victim);
		cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(p1, "data"))
		    ck_assert_str_ne(js(a, "id"), js(b, "id"));
	}
	free(victim);
	cJSON_Delete(p1);
	cJSON_Delete(p2);
	struct res r = get("/drivers?limit=101");
	expect_error(&r, 400, "parameter_invalid", "limit");
	r = get("/drivers?limit=abc");
	expect_error(&r, 400, "parameter_invalid", "limit");
	cJSON *l = get_ok("/fleets");
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(l, "data")), 10);
	cJSON_Delete(l);
}
END_TEST

START_TEST(test_pagination_empty_page)
{
	teardown();
	start(1, 3, -1, NULL);
	cJSON *p1 = get_ok("/drivers?limit=2");
	char next[1024];
	snprintf(next, sizeof next, "%s", js(p1, "next_page_url"));
	cJSON *p2 = get_ok(next);
	cJSON *last = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(p2, "data"), 0);
	char path[128];
	snprintf(path, sizeof path, "/drivers/%s", js(last, "id"));
	struct res r = http("DELETE", path, NULL, KEY, NULL, 0);
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	/* the same link now gives an empty page that still links back */
	cJSON *p3 = get_ok(next);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(p3, "data")), 0);
	ck_assert(js(p3, "next_page_url") == NULL);
	cJSON *back = get_ok(js(p3, "previous_page_url"));
	char *a = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(back, "data"));
	char *b = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(p1, "data"));
	ck_assert_str_eq(a, b);
	ck_assert(js(back, "previous_page_url") == NULL);
	free(a);
	free(b);
	cJSON_Delete(back);
	cJSON_Delete(p1);
	cJSON_Delete(p2);
	cJSON_Delete(p3);
}
END_TEST

/* ---- filters ------------------------------------------------------------------ */

START_TEST(test_filters)
{
	cJSON *fl = get_ok("/fleets?limit=100");
	cJSON *f;
	int checked = 0;
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(fl, "data"))
	{
		char q[256];
		snprintf(q, sizeof q, "/drivers?limit=100&fleet=%s", js(f, "id"));
		cJSON *dl = get_ok(q);
		cJSON *d;
		int n = 0;
		cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(dl, "data"))
		{
			bool in = false;
			cJSON *x;
			cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(d, "fleets")) in =
			    in || strcmp(x->valuestring, js(f, "id")) == 0;
			ck_assert(in);
			n++;
		}
		if (!js(dl, "next_page_url")) {
			ck_assert_int_eq(n, (int)jnum(f, "total_drivers"));
			checked++;
		}
		cJSON_Delete(dl);
	}
	ck_assert_int_gt(checked, 3);
	cJSON_Delete(fl);

	cJSON *sl = get_ok("/drivers?limit=100&status=suspended");
	cJSON *d;
	ck_assert_int_gt(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(sl, "data")), 0);
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(sl, "data"))
	    ck_assert_str_eq(js(d, "status"), "suspended");
	cJSON_Delete(sl);

	/* vehicle filter finds the driver holding it; driver filter finds its fleets */
	cJSON *all = get_ok("/drivers?limit=100");
	cJSON *holder = NULL;
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(all, "data"))
	{
		if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "vehicles")) > 0 &&
		    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "fleets")) > 1) {
			holder = d;
			break;
		}
	}
	ck_assert_ptr_nonnull(holder);
	const char *veh =
	    cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(holder, "vehicles"), 0)
	        ->valuestring;
	char q[256];
	snprintf(q, sizeof q, "/drivers?vehicle=%s", veh);
	cJSON *vl = get_ok(q);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(vl, "data")), 1);
	ck_assert_str_eq(
	    js(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(vl, "data"), 0), "id"),
	    js(holder, "id"));
	cJSON_Delete(vl);
	snprintf(q, sizeof q, "/fleets?driver=%s", js(holder, "id"));
	cJSON *hf = get_ok(q);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(hf, "data")),
	                 cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(holder, "fleets")));
	cJSON_Delete(hf);
	snprintf(q, sizeof q, "/fleets?vehicle=%s", veh);
	hf = get_ok(q);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(hf, "data")),
	                 cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(holder, "fleets")));
	cJSON_Delete(hf);
	snprintf(q, sizeof q, "/charging_sessions?limit=100&driver=%s", js(holder, "id"));
	cJSON *cs = get_ok(q);
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(cs, "data"))
	    ck_assert_str_eq(js(d, "driver"), js(holder, "id"));
	cJSON_Delete(cs);
	cJSON_Delete(all);

	cJSON *arch = get_ok("/fleets?status=archived");
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(arch, "data"))
	    ck_assert_str_eq(js(d, "status"), "archived");
	cJSON_Delete(arch);
	struct res r = get("/drivers?status=retired");
	expect_error(&r, 400, "parameter_invalid", "status");
	r = get("/drivers?colour=red");
	expect_error(&r, 400, "parameter_invalid", "colour");
	r = get("/charging_sessions?status=paused");
	expect_error(&r, 400, "parameter_invalid", "status");
}
END_TEST

/* ---- merge semantics ------------------------------------------------------------ */

START_TEST(test_update_merge)
{
	cJSON *d = post_ok("/drivers", "{\"name\":\"Zoë\",\"email\":\"z@example.com\","
	                               "\"preferences\":{\"currency\":\"jpy\",\"preferred_cpos\":"
	                               "[\"a\",\"b\"],\"max_price_per_kwh\":30},"
	                               "\"metadata\":{\"k1\":\"v1\",\"k2\":\"v2\",\"k3\":\"v3\"}}");
	char path[128];
	snprintf(path, sizeof path, "/drivers/%s", js(d, "id"));
	char *created = strdup(js(d, "updated"));
	cJSON_Delete(d);
	d = post_ok(path, "{\"preferences\":{\"charging_speed\":\"ultra_fast\",\"preferred_cpos\":"
	                  "[\"c\"]},\"metadata\":{\"k1\":\"\",\"k2\":null,\"k4\":\"v4\"}}");
	cJSON *p = cJSON_GetObjectItemCaseSensitive(d, "preferences");
	ck_assert_str_eq(js(p, "charging_speed"), "ultra_fast");
	ck_assert_str_eq(js(p, "currency"), "jpy");
	ck_assert_int_eq((int)jnum(p, "max_price_per_kwh"), 30);
	cJSON *cpos = cJSON_GetObjectItemCaseSensitive(p, "preferred_cpos");
	ck_assert_int_eq(cJSON_GetArraySize(cpos), 1);
	ck_assert_str_eq(cJSON_GetArrayItem(cpos, 0)->valuestring, "c");
	char *meta = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(d, "metadata"));
	ck_assert_str_eq(meta, "{\"k3\":\"v3\",\"k4\":\"v4\"}");
	free(meta);
	ck_assert_str_eq(js(d, "name"), "Zoë");
	ck_assert_str_eq(js(d, "email"), "z@example.com");
	ck_assert(strcmp(js(d, "updated"), created) > 0);
	cJSON_Delete(d);
	d = post_ok(path, "{\"phone\":null,\"status\":\"suspended\",\"preferences\":"
	                  "{\"max_price_per_kwh\":null}}");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(d, "preferences"), "max_price_per_kwh")));
	ck_assert_str_eq(js(d, "status"), "suspended");
	cJSON_Delete(d);
	/* fleets merge preferences and address too */
	char *fid = fleet_id(2);
	snprintf(path, sizeof path, "/fleets/%s", fid);
	cJSON *before = get_ok(path);
	cJSON *f = post_ok(path, "{\"preferences\":{\"billing_cycle\":\"quarterly\"},"
	                         "\"address\":{\"line2\":\"Tor 3\"},\"status\":\"suspended\"}");
	cJSON *fp = cJSON_GetObjectItemCaseSensitive(f, "preferences");
	ck_assert_str_eq(js(fp, "billing_cycle"), "quarterly");
	ck_assert_str_eq(
	    js(fp, "default_currency"),
	    js(cJSON_GetObjectItemCaseSensitive(before, "preferences"), "default_currency"));
	cJSON *addr = cJSON_GetObjectItemCaseSensitive(f, "address");
	ck_assert_str_eq(js(addr, "line2"), "Tor 3");
	ck_assert_str_eq(js(addr, "city"),
	                 js(cJSON_GetObjectItemCaseSensitive(before, "address"), "city"));
	ck_assert_str_eq(js(f, "status"), "suspended");
	cJSON_Delete(f);
	cJSON_Delete(before);
	free(fid);
	free(created);
}
END_TEST

/* ---- attach / detach / delete --------------------------------------------------- */

static cJSON *fleet_get(const char *fid)
{
	char path[128];
	snprintf(path, sizeof path, "/fleets/%s", fid);
	return get_ok(path);
}

START_TEST(test_attach_detach_totals)
{
	/* A driver with vehicles, attached to the empty (newest) fleet. */
	cJSON *all = get_ok("/drivers?limit=100");
	cJSON *d, *pick = NULL;
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(all, "data"))
	{
		if (!pick &&
		    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "vehicles")) == 2)
			pick = d;
	}
	ck_assert_ptr_nonnull(pick);
	char *did = strdup(js(pick, "id"));
	cJSON_Delete(all);
	char *fid = fleet_id(0);
	cJSON *f0 = fleet_get(fid);
	ck_assert_int_eq((int)jnum(f0, "total_drivers"), 0);
	char path[256], body[128];
	snprintf(path, sizeof path, "/drivers/%s/attach", did);
	snprintf(body, sizeof body, "{\"fleet\":\"%s\"}", fid);
	cJSON_Delete(post_ok(path, body));
	cJSON *f1 = fleet_get(fid);
	ck_assert_int_eq((int)jnum(f1, "total_drivers"), 1);
	ck_assert_int_eq((int)jnum(f1, "total_vehicles"), 2);
	ck_assert(strcmp(js(f1, "updated"), js(f0, "updated")) > 0);
	struct res r = post(path, body);
	expect_error(&r, 409, "driver_fleet_conflict", "fleet");
	r = post(path, "{\"fleet\":\"flt_doesnotexist000000000000000000000\"}");
	expect_error(&r, 404, "fleet_not_found", "fleet");
	r = post(path, "{}");
	expect_error(&r, 400, "parameter_missing", "fleet");
	r = post("/drivers/drv_doesnotexist0000000000000000000/attach", body);
	expect_error(&r, 404, "driver_not_found", NULL);
	snprintf(path, sizeof path, "/drivers/%s/detach", did);
	cJSON *dd = post_ok(path, body);
	cJSON *x;
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(dd, "fleets"))
	    ck_assert_str_ne(x->valuestring, fid);
	cJSON_Delete(dd);
	cJSON *f2 = fleet_get(fid);
	ck_assert_int_eq((int)jnum(f2, "total_drivers"), 0);
	ck_assert_int_eq((int)jnum(f2, "total_vehicles"), 0);
	r = post(path, body);
	expect_error(&r, 409, "driver_fleet_conflict", "fleet");

	/* delete: totals of its fleets drop, the driver is gone */
	snprintf(path, sizeof path, "/drivers/%s/attach", did);
	cJSON_Delete(post_ok(path, body));
	snprintf(path, sizeof path, "/drivers/%s", did);
	r = http("DELETE", path, NULL, KEY, NULL, 0);
	ck_assert_int_eq(r.status, 200);
	cJSON *del = parse(&r);
	char *s = cJSON_PrintUnformatted(del);
	char want[128];
	snprintf(want, sizeof want, "{\"id\":\"%s\",\"object\":\"driver\",\"deleted\":true}", did);
	ck_assert_str_eq(s, want);
	free(s);
	cJSON_Delete(del);
	res_free(&r);
	cJSON *f3 = fleet_get(fid);
	ck_assert_int_eq((int)jnum(f3, "total_drivers"), 0);
	r = get(path);
	expect_error(&r, 404, "driver_not_found", NULL);
	r = http("DELETE", path, NULL, KEY, NULL, 0);
	expect_error(&r, 404, "driver_not_found", NULL);
	cJSON_Delete(f0);
	cJSON_Delete(f1);
	cJSON_Delete(f2);
	cJSON_Delete(f3);
	free(did);
	free(fid);
}
END_TEST

/* ---- errors --------------------------------------------------------------------- */

START_TEST(test_errors)
{
	struct res r = http("GET", "/fleets", NULL, NULL, NULL, 0);
	ck_assert_int_eq(r.status, 401);
	cJSON *e = parse(&r);
	ck_assert_str_eq(js(e, "type"), "authentication_error");
	cJSON_Delete(e);
	res_free(&r);
	r = http("GET", "/fleets", NULL, "sk_test_wrong", NULL, 0);
	expect_error(&r, 401, "authentication_error", NULL);
	r = http("GET", "/fleets", NULL, "ch_sk_live_abc", NULL, 0);
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	/* restricted keys read, and only read */
	r = http("GET", "/fleets", NULL, "ch_rk_test_reader", NULL, 0);
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	r = http("POST", "/fleets", "{\"name\":\"F\"}", "ch_rk_test_reader", NULL, 0);
	expect_error(&r, 403, "permission_denied", NULL);
	r = http("DELETE", "/drivers/drv_x", NULL, "ch_rk_live_reader", NULL, 0);
	expect_error(&r, 403, "permission_denied", NULL);
	r = http("GET", "/fleets", NULL, "ch_sk_test_", NULL, 0);
	expect_error(&r, 401, "authentication_error", NULL);
	r = http("GET", "/fleets", NULL, "ch_sk_test_bad-char", NULL, 0);
	expect_error(&r, 401, "authentication_error", NULL);
	r = post("/drivers", "{\"email\":\"a@example.com\"}");
	expect_error(&r, 400, "parameter_missing", "name");
	r = post("/drivers", "{\"name\":\"A\"}");
	expect_error(&r, 400, "parameter_missing", "email");
	r = post("/drivers", "{\"name\":\"A\",\"email\":\"nope\"}");
	expect_error(&r, 400, "parameter_invalid", "email");
	r = post("/drivers", "{\"name\":5,\"email\":\"a@example.com\"}");
	expect_error(&r, 400, "parameter_invalid", "name");
	r = post("/drivers", "{\"name\":\"A\",\"email\":\"a@example.com\",\"colour\":\"red\"}");
	expect_error(&r, 400, "parameter_invalid", "colour");
	r = post("/drivers", "{\"name\":\"A\",\"email\":\"a@example.com\",\"preferences\":"
	                     "{\"charging_speed\":\"warp\"}}");
	expect_error(&r, 400, "parameter_invalid", "preferences[charging_speed]");
	r = post("/drivers", "{\"name\":\"A\",");
	expect_error(&r, 400, "parameter_invalid", NULL);
	r = post("/fleets", "{\"name\":\"F\",\"preferences\":{\"billing_cycle\":\"daily\"}}");
	expect_error(&r, 400, "parameter_invalid", "preferences[billing_cycle]");
	r = post("/fleets", "{\"name\":\"F\",\"preferences\":{\"report_frequency\":\"hourly\"}}");
	expect_error(&r, 400, "parameter_invalid", "preferences[report_frequency]");
	r = post("/fleets", "{\"name\":\"F\",\"metric_system\":\"metric\"}");
	expect_error(&r, 400, "parameter_invalid", "metric_system");
	r = post("/fleets", "{\"name\":\"F\",\"status\":\"active\"}");
	expect_error(&r, 400, "parameter_invalid", "status");
	char *did = driver_id("", 0);
	char path[128];
	snprintf(path, sizeof path, "/drivers/%s", did);
	r = post(path, "{\"status\":\"retired\"}");
	expect_error(&r, 400, "parameter_invalid", "status");
	r = post(path, "{\"preferences\":{\"notifications\":\"yes\"}}");
	expect_error(&r, 400, "parameter_invalid", "preferences[notifications]");
	/* metadata limits: 50 keys, key 40, value 500 */
	char big[8192] = "{\"metadata\":{";
	for (int i = 0; i < 51; i++)
		snprintf(big + strlen(big), sizeof big - strlen(big), "%s\"key%d\":\"v\"",
		         i ? "," : "", i);
	strcat(big, "}}");
	r = post(path, big);
	expect_error(&r, 400, "parameter_invalid", "metadata");
	snprintf(big, sizeof big, "{\"metadata\":{\"%041d\":\"v\"}}", 0);
	r = post(path, big);
	expect_error(&r, 400, "parameter_invalid", "metadata");
	snprintf(big, sizeof big, "{\"metadata\":{\"k\":\"%0501d\"}}", 0);
	r = post(path, big);
	expect_error(&r, 400, "parameter_invalid", "metadata[k]");
	r = post(path, "{\"metadata\":{\"k\":5}}");
	expect_error(&r, 400, "parameter_invalid", "metadata[k]");
	r = get("/nothing");
	expect_error(&r, 404, "resource_missing", NULL);
	r = http("DELETE", "/fleets", NULL, KEY, NULL, 0);
	expect_error(&r, 405, "method_not_allowed", NULL);
	r = get("/fleets/flt_nope");
	expect_error(&r, 404, "fleet_not_found", NULL);
	free(did);
	/* a pinned key refuses every other key */
	teardown();
	start(2, 5, -1, "ch_sk_test_pinned");
	r = get("/fleets");
	expect_error(&r, 401, "authentication_error", NULL);
	r = http("GET", "/fleets", NULL, "ch_sk_test_pinned", NULL, 0);
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
}
END_TEST

/* ---- idempotency and rate limit ------------------------------------------------- */

static int state_count(const char *what)
{
	char url[256];
	snprintf(url, sizeof url, "%s/__mock/state", mock_root_url(M));
	struct res r = http("GET", url, NULL, NULL, NULL, 0);
	cJSON *j = parse(&r);
	int n = (int)jnum(j, what);
	cJSON_Delete(j);
	res_free(&r);
	return n;
}

START_TEST(test_idempotency)
{
	int before = state_count("drivers");
	const char *body = "{\"name\":\"Once\",\"email\":\"once@example.com\"}";
	struct res a = http("POST", "/drivers", body, KEY, "Idempotency-Key: idem-1", 0);
	struct res b = http("POST", "/drivers", body, KEY, "Idempotency-Key: idem-1", 0);
	ck_assert_int_eq(a.status, 200);
	ck_assert_int_eq(b.status, 200);
	ck_assert_str_eq(a.body, b.body);
	char v[64], ra[64], rb[64];
	ck_assert_ptr_null(header(&a, "Idempotent-Replayed", v, sizeof v));
	ck_assert_str_eq(header(&b, "Idempotent-Replayed", v, sizeof v), "true");
	ck_assert_str_eq(header(&a, "Request-Id", ra, sizeof ra),
	                 header(&b, "Request-Id", rb, sizeof rb));
	ck_assert_int_eq(state_count("drivers"), before + 1);
	/* same key, other API key: a separate scope */
	struct res c =
	    http("POST", "/drivers", body, "ch_sk_test_other", "Idempotency-Key: idem-1", 0);
	ck_assert_int_eq(c.status, 200);
	ck_assert_str_ne(c.body, a.body);
	struct res m = http("POST", "/drivers", "{\"name\":\"Twice\",\"email\":\"t@example.com\"}",
	                    KEY, "Idempotency-Key: idem-1", 0);
	expect_error(&m, 400, "idempotency_key_mismatch", NULL);
	char longkey[400] = "Idempotency-Key: ";
	memset(longkey + strlen(longkey), 'k', 256);
	struct res l = http("POST", "/drivers", body, KEY, longkey, 0);
	ck_assert_int_eq(l.status, 400);
	res_free(&l);
	ck_assert_int_eq(state_count("drivers"), before + 2);
	res_free(&a);
	res_free(&b);
	res_free(&c);
}
END_TEST

START_TEST(test_rate_limit)
{
	teardown();
	start(2, 5, 5, NULL);
	int limited = 0, ok = 0;
	for (int i = 0; i < 15; i++) {
		struct res r = get("/fleets?limit=1");
		if (r.status == 429) {
			char ra[32];
			ck_assert_ptr_nonnull(header(&r, "Retry-After", ra, sizeof ra));
			ck_assert_int_ge(atoi(ra), 1);
			expect_error(&r, 429, "rate_limit_exceeded", NULL);
			limited++;
		} else {
			ck_assert_int_eq(r.status, 200);
			ok++;
			res_free(&r);
		}
	}
	ck_assert_int_ge(ok, 5);
	ck_assert_int_ge(limited, 5);
	/* another key has its own bucket */
	struct res r = http("GET", "/fleets?limit=1", NULL, "ch_sk_test_second", NULL, 0);
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
}
END_TEST

/* ---- request log -------------------------------------------------------------------- */

static cJSON *mock_log(const char *since)
{
	char url[256];
	snprintf(url, sizeof url, "%s/__mock/requests%s", mock_root_url(M), since ? since : "");
	struct res r = http("GET", url, NULL, NULL, NULL, 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_null(strstr(r.body, "ch_sk_test_mocktest"));
	cJSON *j = parse(&r);
	res_free(&r);
	ck_assert(cJSON_IsArray(j));
	return j;
}

START_TEST(test_request_log)
{
	struct res r =
	    http("POST", "/drivers?x=1", "{\"name\":\"Log\",\"email\":\"l@example.com\"}", KEY,
	         "X-Trace: t-42", 0);
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	r = get("/fleets?limit=2&status=active");
	res_free(&r);
	cJSON *log = mock_log(NULL);
	ck_assert_int_eq(cJSON_GetArraySize(log), 2);
	cJSON *e = cJSON_GetArrayItem(log, 0);
	char ks[512] = "";
	for (cJSON *c = e->child; c; c = c->next)
		strcat(strcat(ks, c->string), ",");
	ck_assert(strncmp(ks, "seq,method,path,query,headers,body,status,time_ms,", 50) == 0);
	ck_assert_str_eq(js(e, "method"), "POST");
	ck_assert_str_eq(js(e, "path"), "/v1/drivers");
	ck_assert_str_eq(js(e, "query"), "x=1");
	ck_assert_str_eq(js(e, "body"), "{\"name\":\"Log\",\"email\":\"l@example.com\"}");
	cJSON *h = cJSON_GetObjectItemCaseSensitive(e, "headers");
	ck_assert_str_eq(js(h, "X-Trace"), "t-42");
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(h, "Authorization"));
	ck_assert_int_eq((int)jnum(e, "status"), 200);
	ck_assert(jnum(e, "time_ms") > 1.7e12);
	cJSON *g = cJSON_GetArrayItem(log, 1);
	ck_assert_str_eq(js(g, "query"), "limit=2&status=active");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(g, "body")));
	char since[64];
	snprintf(since, sizeof since, "?since=%d", (int)jnum(e, "seq"));
	cJSON *tail = mock_log(since);
	ck_assert_int_eq(cJSON_GetArraySize(tail), 1);
	cJSON_Delete(tail);
	cJSON_Delete(log);
	char url[256];
	snprintf(url, sizeof url, "%s/__mock/requests", mock_root_url(M));
	r = http("DELETE", url, NULL, NULL, NULL, 0);
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	log = mock_log(NULL);
	ck_assert_int_eq(cJSON_GetArraySize(log), 0); /* /__mock/ itself is never logged */
	cJSON_Delete(log);
}
END_TEST

/* ---- faults ------------------------------------------------------------------------- */

START_TEST(test_fault_drop)
{
	faults("drop=before");
	struct res r = get("/fleets");
	ck_assert_int_eq(r.cc, CURLE_GOT_NOTHING);
	res_free(&r);
	r = get("/fleets");
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	/* drop=after: committed once; the retry with the same key replays it */
	int before = state_count("drivers");
	faults("drop=after,method=POST");
	const char *body = "{\"name\":\"Dropped\",\"email\":\"d@example.com\"}";
	r = http("POST", "/drivers", body, KEY, "Idempotency-Key: drop-1", 0);
	ck_assert_int_eq(r.cc, CURLE_GOT_NOTHING);
	res_free(&r);
	ck_assert_int_eq(state_count("drivers"), before + 1);
	r = http("POST", "/drivers", body, KEY, "Idempotency-Key: drop-1", 0);
	ck_assert_int_eq(r.status, 200);
	char v[16];
	ck_assert_str_eq(header(&r, "Idempotent-Replayed", v, sizeof v), "true");
	res_free(&r);
	ck_assert_int_eq(state_count("drivers"), before + 1);
	cJSON *log = mock_log(NULL);
	int n = cJSON_GetArraySize(log);
	ck_assert_int_eq((int)jnum(cJSON_GetArrayItem(log, n - 2), "status"), 0);
	cJSON_Delete(log);
}
END_TEST

START_TEST(test_fault_stall)
{
	faults("stall=before");
	struct res r = http("GET", "/fleets", NULL, KEY, NULL, 400);
	ck_assert_int_eq(r.cc, CURLE_OPERATION_TIMEDOUT);
	res_free(&r);
	char *did = driver_id("", 0);
	char path[128];
	snprintf(path, sizeof path, "/drivers/%s", did);
	faults("stall=after");
	r = http("POST", path, "{\"phone\":\"+4900000\"}", KEY, NULL, 400);
	ck_assert_int_eq(r.cc, CURLE_OPERATION_TIMEDOUT);
	res_free(&r);
	cJSON *d = get_ok(path);
	ck_assert_str_eq(js(d, "phone"), "+4900000");
	cJSON_Delete(d);
	free(did);
	/* stop() must not hang on the two stalled handlers */
	double t0 = now_s();
	teardown();
	ck_assert(now_s() - t0 < 3.0);
	setup();
}
END_TEST

START_TEST(test_fault_body_shapes)
{
	faults("truncate=1");
	struct res r = get("/fleets");
	ck_assert_int_eq(r.cc, CURLE_PARTIAL_FILE);
	res_free(&r);
	faults("invalid_json=1");
	r = get("/fleets");
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_null(cJSON_ParseWithLength(r.body, r.len));
	res_free(&r);
	r = get("/fleets");
	cJSON_Delete(parse(&r));
	res_free(&r);
	faults("html502=1");
	r = get("/fleets");
	ck_assert_int_eq(r.status, 502);
	char ct[64];
	ck_assert_str_eq(header(&r, "Content-Type", ct, sizeof ct), "text/html");
	ck_assert_ptr_nonnull(strstr(r.body, "<html>"));
	res_free(&r);
	faults("content_type=text/plainx2");
	for (int i = 0; i < 2; i++) {
		r = get("/fleets");
		ck_assert_str_eq(header(&r, "Content-Type", ct, sizeof ct), "text/plain");
		res_free(&r);
	}
	r = get("/fleets");
	ck_assert_str_eq(header(&r, "Content-Type", ct, sizeof ct), "application/json");
	res_free(&r);
	faults("oversized=300000");
	r = get("/fleets");
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(r.len, 300000);
	cJSON *big = parse(&r); /* well-formed, just too big */
	ck_assert_uint_eq(strlen(js(big, "data")), 300000 - 11);
	cJSON_Delete(big);
	ck_assert_ptr_null(header(&r, "Content-Length", ct, sizeof ct));
	ck_assert_str_eq(header(&r, "Transfer-Encoding", ct, sizeof ct), "chunked");
	res_free(&r);
	faults("drip=2000");
	r = get("/fleets?limit=2"); /* ~2.5 KB at 2000 B/s */
	ck_assert_int_eq(r.status, 200);
	ck_assert_msg(r.secs > (double)r.len / 2000.0 * 0.7, "drip too fast: %zu B in %.2fs", r.len,
	              r.secs);
	cJSON_Delete(parse(&r));
	res_free(&r);
	faults("latency=300:100");
	r = get("/fleets?limit=1");
	ck_assert(r.secs >= 0.29 && r.secs < 2.0);
	res_free(&r);
}
END_TEST

START_TEST(test_fault_statuses)
{
	faults("redirect=http://127.0.0.1:9/elsewhere");
	struct res r = get("/fleets");
	char v[256];
	ck_assert_int_eq(r.status, 302);
	ck_assert_str_eq(header(&r, "Location", v, sizeof v), "http://127.0.0.1:9/elsewhere");
	res_free(&r);
	faults("next_page_url=http://evil.invalid/v1/drivers?page=x");
	cJSON *l = get_ok("/drivers?limit=1");
	ck_assert_str_eq(js(l, "next_page_url"), "http://evil.invalid/v1/drivers?page=x");
	cJSON_Delete(l);
	faults("unauthorized=2");
	for (int i = 0; i < 2; i++) {
		r = get("/fleets");
		expect_error(&r, 401, "authentication_error", NULL);
	}
	r = get("/fleets");
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	faults("status=503x2");
	r = get("/fleets");
	expect_error(&r, 503, "api_error", NULL);
	r = get("/fleets");
	expect_error(&r, 503, "api_error", NULL);
	r = get("/fleets");
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	faults("status=429");
	r = get("/fleets");
	ck_assert_str_eq(header(&r, "Retry-After", v, sizeof v), "1");
	expect_error(&r, 429, "rate_limit_exceeded", NULL);
	faults("storm=2,retry_after=7");
	for (int i = 0; i < 2; i++) {
		r = get("/fleets");
		ck_assert_str_eq(header(&r, "Retry-After", v, sizeof v), "7");
		expect_error(&r, 429, "rate_limit_exceeded", NULL);
	}
	r = get("/fleets");
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	faults("error_rate=1:500");
	r = get("/fleets");
	expect_error(&r, 500, "api_error", NULL);
	faults("error_rate=0.5");
	int errors = 0;
	for (int i = 0; i < 100; i++) {
		r = get("/fleets?limit=1");
		errors += r.status == 503;
		res_free(&r);
	}
	ck_assert_msg(errors > 20 && errors < 80, "error_rate 0.5 gave %d/100", errors);
}
END_TEST

START_TEST(test_fault_filters_and_clear)
{
	faults("path=/v1/fleets,status=500x1");
	struct res r = get("/drivers?limit=1");
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	r = get("/fleets?limit=1");
	ck_assert_int_eq(r.status, 500);
	res_free(&r);
	faults("method=POST,status=500x1");
	r = get("/fleets?limit=1");
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	r = post("/fleets", "{\"name\":\"X\"}");
	ck_assert_int_eq(r.status, 500);
	res_free(&r);
	/* over HTTP: set, read back, clear */
	char url[256];
	snprintf(url, sizeof url, "%s/__mock/faults", mock_root_url(M));
	r = http("POST", url, "status=500x5,latency=1", NULL, NULL, 0);
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	r = http("GET", url, NULL, NULL, NULL, 0);
	cJSON *j = parse(&r);
	ck_assert_str_eq(js(j, "spec"), "latency=1:0,status=500x5");
	cJSON_Delete(j);
	res_free(&r);
	r = http("POST", url, "clear", NULL, NULL, 0);
	res_free(&r);
	r = get("/fleets?limit=1");
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	r = http("POST", url, "bogus=1", NULL, NULL, 0);
	ck_assert_int_eq(r.status, 400);
	res_free(&r);
	r = http("POST", url, "status=500x3", NULL, NULL, 0);
	res_free(&r);
	r = http("DELETE", url, NULL, NULL, NULL, 0);
	res_free(&r);
	r = get("/fleets?limit=1");
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	/* a test oracle (X-Ct-Oracle) is never faulted */
	faults("status=500x1");
	r = http("GET", "/fleets?limit=1", NULL, KEY, "X-Ct-Oracle: 1", 0);
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	r = get("/fleets?limit=1");
	ck_assert_int_eq(r.status, 500);
	res_free(&r);
	char err[128];
	ck_assert_int_eq(mock_set_faults(M, "drop=sideways", err, sizeof err), -1);
	ck_assert_int_eq(mock_set_faults(M, "", err, sizeof err), 0);
}
END_TEST

START_TEST(test_fault_hostile)
{
	faults("hostile=1");
	struct res r = get("/drivers?limit=10");
	ck_assert_int_eq(r.status, 200);
	/* SAN-6 arrives as raw invalid bytes inside the JSON string */
	ck_assert_ptr_nonnull(memmem(r.body, r.len, "bad\xff mid\xc0\xaf", 9));
	ck_assert_ptr_nonnull(strstr(r.body, "A\\u001b[2J\\u001b]0;pwned\\u0007B"));
	ck_assert_ptr_nonnull(strstr(r.body, "\xc2\x9b"
	                                     "31mRED"));
	cJSON *l = parse(&r);
	res_free(&r);
	cJSON *data = cJSON_GetObjectItemCaseSensitive(l, "data");
	for (int i = 0; i < 10; i++) {
		size_t len;
		const char *p = mock_hostile_payload(i, &len);
		const char *name = js(cJSON_GetArrayItem(data, i), "name");
		ck_assert_uint_eq(strlen(name), len);
		ck_assert(memcmp(name, p, len) == 0);
	}
	cJSON_Delete(l);
	size_t len;
	ck_assert_uint_eq(strlen(mock_hostile_payload(8, &len)), 601);
	ck_assert_ptr_null(mock_hostile_payload(10, &len));
	l = get_ok("/fleets?limit=3");
	size_t l0;
	ck_assert_str_eq(
	    js(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(l, "data"), 0), "name"),
	    mock_hostile_payload(0, &l0));
	cJSON_Delete(l);
}
END_TEST

START_TEST(test_fault_hostile_everywhere)
{
	faults("hostile=2,status=503x1");
	/* injected errors carry payloads in message, code, param and doc_url (SAN-9) */
	struct res r = get("/fleets?limit=3");
	ck_assert_int_eq(r.status, 503);
	cJSON *e = parse(&r);
	size_t len;
	const char *p0 = mock_hostile_payload(0, &len);
	ck_assert_ptr_nonnull(strstr(js(e, "message"), p0));
	ck_assert(strncmp(js(e, "code"), "api_error\xc2\x9b", 11) == 0);
	ck_assert_str_eq(js(e, "param"), mock_hostile_payload(6, &len));
	char want[256];
	snprintf(want, sizeof want, "https://docs.chargeapi.co/errors#%s", js(e, "code"));
	ck_assert_str_eq(js(e, "doc_url"), want);
	char rid[64];
	ck_assert_str_eq(js(e, "request"), header(&r, "Request-Id", rid, sizeof rid));
	cJSON_Delete(e);
	res_free(&r);
	/* stored records: other free-text fields too */
	cJSON *l = get_ok("/drivers?limit=1");
	cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(l, "data"), 0);
	ck_assert_str_eq(js(d, "name"), p0);
	ck_assert_str_eq(js(d, "phone"), mock_hostile_payload(1, &len));
	ck_assert_str_eq(js(d, "license_number"), mock_hostile_payload(2, &len));
	ck_assert_str_eq(js(cJSON_GetObjectItemCaseSensitive(d, "metadata"), "note"),
	                 mock_hostile_payload(3, &len));
	cJSON_Delete(l);
	l = get_ok("/fleets?limit=1");
	cJSON *f = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(l, "data"), 0);
	ck_assert_str_eq(js(f, "description"), mock_hostile_payload(1, &len));
	cJSON_Delete(l);
}
END_TEST

START_TEST(test_tick)
{
	char url[256];
	snprintf(url, sizeof url, "%s/__mock/tick", mock_root_url(M));
	int before = state_count("sessions");
	cJSON *s0 = get_ok("/charging_sessions?limit=1&status=active");
	struct res r = http("POST", url, NULL, NULL, NULL, 0);
	cJSON *j = parse(&r);
	int started = (int)jnum(j, "started");
	ck_assert_int_ge(started, 1);
	cJSON_Delete(j);
	res_free(&r);
	ck_assert_int_eq(state_count("sessions"), before + started);
	cJSON *s1 = get_ok("/charging_sessions?limit=1");
	cJSON *newest = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s1, "data"), 0);
	ck_assert_str_eq(js(newest, "status"), "active");
	/* the session the tick started moved its fleet's total */
	const char *fid = js(newest, "fleet");
	if (fid) {
		cJSON *f = fleet_get(fid);
		ck_assert_str_eq(js(f, "updated"), js(newest, "created"));
		cJSON_Delete(f);
	}
	/* next tick completes it */
	r = http("POST", url, NULL, NULL, NULL, 0);
	res_free(&r);
	char q[256];
	snprintf(q, sizeof q, "/charging_sessions?driver=%s&limit=100&status=completed",
	         js(newest, "driver"));
	cJSON *done = get_ok(q);
	bool found = false;
	cJSON *x;
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(done, "data")) found =
	    found || strcmp(js(x, "id"), js(newest, "id")) == 0;
	ck_assert(found);
	cJSON_Delete(done);
	cJSON_Delete(s0);
	cJSON_Delete(s1);
}
END_TEST

START_TEST(test_activity_thread)
{
	teardown();
	struct mock_options o = {.fleets = 3,
	                         .drivers = 50,
	                         .seed = 9,
	                         .rate_limit = -1,
	                         .activity_s = 0.05,
	                         .quiet = true};
	char err[256];
	M = mock_start(&o, err, sizeof err);
	ck_assert_msg(M != NULL, "%s", err);
	int before = state_count("sessions");
	cJSON *f0 = get_ok("/fleets?limit=3");
	struct timespec ts = {0, 400 * 1000000L};
	nanosleep(&ts, NULL);
	ck_assert_int_gt(state_count("sessions"), before + 2);
	cJSON *f1 = get_ok("/fleets?limit=3");
	char *a = cJSON_PrintUnformatted(f0), *b = cJSON_PrintUnformatted(f1);
	ck_assert_str_ne(a, b); /* balances, totals and `updated` moved */
	free(a);
	free(b);
	cJSON_Delete(f0);
	cJSON_Delete(f1);
	double t0 = now_s();
	teardown();
	ck_assert(now_s() - t0 < 1.0);
	setup();
}
END_TEST

/* Many clients flipping memberships at once: every answer is 200 or 409,
 * and afterwards each fleet's totals equal what the driver list says. */
struct churn {
	char **drivers, **fleets;
	int nd, nf, seed, ok, conflicts, other;
};

static void *churn_main(void *arg)
{
	struct churn *c = arg;
	unsigned s = (unsigned)c->seed;
	for (int i = 0; i < 60; i++) {
		s = s * 1103515245u + 12345u;
		const char *d = c->drivers[(s >> 8) % (unsigned)c->nd];
		const char *f = c->fleets[(s >> 16) % (unsigned)c->nf];
		char path[128], body[128];
		snprintf(path, sizeof path, "/drivers/%s/%s", d,
		         (s >> 4) & 1 ? "attach" : "detach");
		snprintf(body, sizeof body, "{\"fleet\":\"%s\"}", f);
		struct res r = post(path, body);
		if (r.status == 200)
			c->ok++;
		else if (r.status == 409)
			c->conflicts++;
		else
			c->other++;
		res_free(&r);
	}
	return NULL;
}

START_TEST(test_concurrent_membership)
{
	enum { T = 8, ND = 6, NF = 3 };
	char *drivers[ND], *fleets[NF];
	for (int i = 0; i < ND; i++)
		drivers[i] = driver_id("", i);
	for (int i = 0; i < NF; i++)
		fleets[i] = fleet_id(i);
	struct churn c[T];
	pthread_t th[T];
	for (int i = 0; i < T; i++) {
		c[i] = (struct churn){drivers, fleets, ND, NF, i + 1, 0, 0, 0};
		pthread_create(&th[i], NULL, churn_main, &c[i]);
	}
	int ok = 0;
	for (int i = 0; i < T; i++) {
		pthread_join(th[i], NULL);
		ck_assert_int_eq(c[i].other, 0);
		ok += c[i].ok;
	}
	ck_assert_int_gt(ok, 0);
	/* every driver, all pages */
	cJSON *pages[10];
	int np = 0;
	pages[np++] = get_ok("/drivers?limit=100");
	while (js(pages[np - 1], "next_page_url") && np < 10) {
		pages[np] = get_ok(js(pages[np - 1], "next_page_url"));
		np++;
	}
	for (int k = 0; k < NF; k++) {
		int members = 0, vehicles = 0;
		cJSON *d, *x;
		for (int l = 0; l < np; l++)
			cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(pages[l], "data"))
			    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(d, "fleets"))
			{
				if (strcmp(x->valuestring, fleets[k]) == 0) {
					members++;
					vehicles += cJSON_GetArraySize(
					    cJSON_GetObjectItemCaseSensitive(d, "vehicles"));
				}
			}
		cJSON *f = fleet_get(fleets[k]);
		ck_assert_int_eq((int)jnum(f, "total_drivers"), members);
		ck_assert_int_eq((int)jnum(f, "total_vehicles"), vehicles);
		cJSON_Delete(f);
	}
	for (int l = 0; l < np; l++)
		cJSON_Delete(pages[l]);
	for (int i = 0; i < ND; i++)
		free(drivers[i]);
	for (int i = 0; i < NF; i++)
		free(fleets[i]);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("mock_api");
	TCase *tc = tcase_create("api");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_shapes_match_fixtures);
	tcase_add_test(tc, test_pagination_1000);
	tcase_add_test(tc, test_pagination_stable_under_inserts);
	tcase_add_test(tc, test_pagination_empty_page);
	tcase_add_test(tc, test_filters);
	tcase_add_test(tc, test_update_merge);
	tcase_add_test(tc, test_attach_detach_totals);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_idempotency);
	tcase_add_test(tc, test_rate_limit);
	tcase_add_test(tc, test_request_log);
	tcase_add_test(tc, test_fault_drop);
	tcase_add_test(tc, test_fault_stall);
	tcase_add_test(tc, test_fault_body_shapes);
	tcase_add_test(tc, test_fault_statuses);
	tcase_add_test(tc, test_fault_filters_and_clear);
	tcase_add_test(tc, test_fault_hostile);
	tcase_add_test(tc, test_fault_hostile_everywhere);
	tcase_add_test(tc, test_tick);
	tcase_add_test(tc, test_activity_thread);
	tcase_add_test(tc, test_concurrent_membership);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed ? 1 : 0;
}
