/* The client library against a real charge-mock over loopback: every api_*
 * call with the exact request the mock logged, every error status, and each
 * fault of TST-3 that the HTTP layer answers for (RTY-*, NET-*, SEC-4). */
#include <arpa/inet.h>
#include <check.h>
#include <cjson/cJSON.h>
#include <ctype.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "chargetui/api.h"
#include "chargetui/http.h"
#include "chargetui/json.h"
#include "chargetui/mock.h"
#include "chargetui/secret.h"

#define KEY "ch_sk_test_IntegR4tion0Key9zzQ8yyP7xxW"

static struct mock *M;
static struct secret *K;
static struct api *A;

/* A clock whose sleeps only add up, so retry waits cost no real time. */
struct test_clock {
	double slept;
	int sleeps;
};
static struct test_clock TC;

static double tc_now(void *ctx)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ((struct test_clock *)ctx)->slept + (double)ts.tv_nsec / 1e9;
}

static double tc_wall(void *ctx)
{
	return (double)time(NULL) + ((struct test_clock *)ctx)->slept;
}

static void tc_sleep(void *ctx, double s)
{
	struct test_clock *c = ctx;
	c->slept += s;
	c->sleeps++;
}

static const struct http_clock test_clock = {tc_now, tc_wall, tc_sleep, &TC};

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- mock plumbing ---- */

static void mock_up(int fleets, int drivers, const char *faults)
{
	char err[256];
	struct mock_options o = {.fleets = fleets,
	                         .drivers = drivers,
	                         .rate_limit = -1,
	                         .faults = faults,
	                         .quiet = true,
	                         .seed = 7};
	M = mock_start(&o, err, sizeof err);
	ck_assert_msg(M != NULL, "mock_start: %s", err);
	K = secret_new(KEY, strlen(KEY));
	ck_assert_ptr_nonnull(K);
}

static void cfg_default(struct http_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->base_url = mock_base_url(M);
	cfg->key = K;
	cfg->connect_timeout_ms = 2000;
	cfg->get_timeout_ms = 5000;
	cfg->post_timeout_ms = 5000;
	cfg->clock = &test_clock;
}

static struct api *api_up(const struct http_config *cfg)
{
	struct api_error err = {0};
	struct api *a = api_new(cfg, &err);
	ck_assert_msg(a != NULL, "api_new: %s", err.detail ? err.detail : "?");
	return a;
}

static void up(int fleets, int drivers)
{
	mock_up(fleets, drivers, NULL);
	struct http_config cfg;
	cfg_default(&cfg);
	A = api_up(&cfg);
	memset(&TC, 0, sizeof TC);
}

static void down(void)
{
	api_free(A);
	A = NULL;
	mock_stop(M);
	M = NULL;
	secret_free(K);
	K = NULL;
}

static void faults(const char *spec)
{
	char err[256];
	ck_assert_msg(mock_set_faults(M, spec, err, sizeof err) == 0, "faults %s: %s", spec, err);
}

struct buf {
	char *p;
	size_t n;
};

static size_t buf_write(char *d, size_t s, size_t n, void *ud)
{
	struct buf *b = ud;
	char *p = realloc(b->p, b->n + s * n + 1);
	ck_assert_ptr_nonnull(p);
	memcpy(p + b->n, d, s * n);
	b->p = p;
	b->n += s * n;
	b->p[b->n] = '\0';
	return s * n;
}

/* A plain request to the mock's control paths (not through our client). */
static cJSON *mock_ctl(const char *method, const char *path)
{
	char url[256];
	snprintf(url, sizeof url, "%s%s", mock_root_url(M), path);
	CURL *h = curl_easy_init();
	struct buf b = {0};
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, buf_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	CURLcode rc = curl_easy_perform(h);
	curl_easy_cleanup(h);
	ck_assert_msg(rc == CURLE_OK, "%s %s: %s", method, path, curl_easy_strerror(rc));
	cJSON *j = b.p ? cJSON_Parse(b.p) : NULL;
	free(b.p);
	return j;
}

static cJSON *mock_log(void)
{
	cJSON *j = mock_ctl("GET", "/__mock/requests");
	ck_assert(cJSON_IsArray(j));
	return j;
}

static void log_clear(void)
{
	cJSON_Delete(mock_ctl("DELETE", "/__mock/requests"));
}

static const char *req_str(const cJSON *req, const char *field)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, field);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *req_header(const cJSON *req, const char *name)
{
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(req, "headers"), *it;
	cJSON_ArrayForEach(it, h)
	{
		if (it->string && strcasecmp(it->string, name) == 0 && cJSON_IsString(it))
			return it->valuestring;
	}
	return NULL;
}

static bool is_uuid4(const char *s)
{
	if (!s || strlen(s) != 36 || s[14] != '4')
		return false;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* The one request in the log: method, path, query and body exactly, and the
 * headers every request must (and must not) carry. */
static void expect_one(const char *method, const char *path, const char *query, const char *body)
{
	cJSON *log = mock_log();
	ck_assert_int_eq(cJSON_GetArraySize(log), 1);
	const cJSON *r = cJSON_GetArrayItem(log, 0);
	ck_assert_str_eq(req_str(r, "method"), method);
	ck_assert_str_eq(req_str(r, "path"), path);
	const char *q = req_str(r, "query");
	if (query)
		ck_assert_msg(q && strcmp(q, query) == 0, "query %s, want %s", q ? q : "(null)",
		              query);
	else
		ck_assert_msg(!q || !*q, "unexpected query %s", q);
	const char *b = req_str(r, "body");
	if (body)
		ck_assert_msg(b && strcmp(b, body) == 0, "body %s, want %s", b ? b : "(null)",
		              body);
	else
		ck_assert_msg(!b || !*b, "unexpected body %s", b);
	ck_assert_str_eq(req_header(r, "Charge-Version"), "2026-03-01");
	ck_assert_ptr_null(req_header(r, "Authorization"));
	const char *idem = req_header(r, "Idempotency-Key");
	if (strcmp(method, "POST") == 0)
		ck_assert_msg(is_uuid4(idem), "Idempotency-Key %s", idem ? idem : "(none)");
	else
		ck_assert_ptr_null(idem);
	if (body)
		ck_assert_str_eq(req_header(r, "Content-Type"), "application/json");
	cJSON_Delete(log);
	log_clear();
}

static void first_driver_id(char *out, size_t n)
{
	struct driver_page p;
	struct api_error err = {0};
	struct list_query q = {.limit = 5};
	ck_assert_int_eq(api_drivers_list(A, &q, NULL, &p, &err), 0);
	ck_assert_int_ge(p.n, 1);
	snprintf(out, n, "%s", p.items[0].id.v);
	driver_page_clear(&p);
	log_clear();
}

/* A fleet the driver is not in. */
static void other_fleet_id(const struct driver *d, char *out, size_t n)
{
	struct fleet_page p;
	struct api_error err = {0};
	ck_assert_int_eq(api_fleets_list(A, NULL, NULL, &p, &err), 0);
	out[0] = '\0';
	for (size_t i = 0; i < p.n && !out[0]; i++) {
		bool in = false;
		for (size_t j = 0; j < d->fleets.n; j++)
			in |= strcmp(d->fleets.v[j], p.items[i].id.v) == 0;
		if (!in)
			snprintf(out, n, "%s", p.items[i].id.v);
	}
	fleet_page_clear(&p);
	ck_assert(out[0]);
	log_clear();
}

static int64_t fleet_drivers(const char *fid)
{
	struct fleet f;
	struct api_error err = {0};
	ck_assert_int_eq(api_fleet_get(A, fid, &f, &err), 0);
	ck_assert_int_eq(f.total_drivers.st, FIELD_SET);
	int64_t v = f.total_drivers.v;
	fleet_clear(&f);
	return v;
}

static bool has_fleet(const struct driver *d, const char *fid)
{
	for (size_t j = 0; j < d->fleets.n; j++) {
		if (strcmp(d->fleets.v[j], fid) == 0)
			return true;
	}
	return false;
}

/* ---- every call, exact requests ---- */

START_TEST(driver_calls_exact_requests)
{
	up(4, 30);
	log_clear();
	struct api_error err = {0};
	struct driver_page p;
	ck_assert_int_eq(api_drivers_list(A, NULL, NULL, &p, &err), 0);
	ck_assert_int_eq(p.n, 30);
	ck_assert_int_eq(err.attempts, 1);
	driver_page_clear(&p);
	expect_one("GET", "/v1/drivers", "limit=100", NULL);

	char id[64];
	first_driver_id(id, sizeof id);
	struct driver d;
	ck_assert_int_eq(api_driver_get(A, id, &d, &err), 0);
	ck_assert_str_eq(d.id.v, id);
	char path[128];
	snprintf(path, sizeof path, "/v1/drivers/%s", id);
	expect_one("GET", path, NULL, NULL);

	/* update: only the changed field goes out */
	struct driver_patch patch = {0};
	patch.set = DRV_PHONE;
	ck_assert_int_eq(opt_str_set(&patch.v.phone, "+33189000029"), 0);
	struct driver upd;
	ck_assert_int_eq(api_driver_update(A, id, &patch, NULL, &upd, &err), 0);
	ck_assert_str_eq(upd.phone.v, "+33189000029");
	ck_assert_str_eq(upd.name.v, d.name.v);
	expect_one("POST", path, NULL, "{\"phone\":\"+33189000029\"}");
	driver_clear(&upd);
	driver_patch_clear(&patch);

	/* an empty patch sends nothing */
	struct driver_patch none = {0};
	ck_assert_int_eq(api_driver_update(A, id, &none, NULL, &upd, &err), 0);
	cJSON *log = mock_log();
	ck_assert_int_eq(cJSON_GetArraySize(log), 0);
	cJSON_Delete(log);

	/* create */
	struct driver_patch cp = {0};
	cp.set = DRV_NAME | DRV_EMAIL;
	opt_str_set(&cp.v.name, "Ada Lovelace");
	opt_str_set(&cp.v.email, "ada@example.com");
	struct driver made;
	ck_assert_int_eq(api_driver_create(A, &cp, NULL, &made, &err), 0);
	ck_assert_str_eq(made.name.v, "Ada Lovelace");
	ck_assert(strncmp(made.id.v, "drv_", 4) == 0);
	expect_one("POST", "/v1/drivers", NULL,
	           "{\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\"}");
	driver_patch_clear(&cp);

	/* attach, detach: the fleet's total follows */
	char fid[64];
	other_fleet_id(&made, fid, sizeof fid);
	int64_t before = fleet_drivers(fid);
	log_clear();
	struct driver att;
	ck_assert_int_eq(api_driver_attach(A, made.id.v, fid, NULL, &att, &err), 0);
	ck_assert(has_fleet(&att, fid));
	char body[128];
	snprintf(body, sizeof body, "{\"fleet\":\"%s\"}", fid);
	snprintf(path, sizeof path, "/v1/drivers/%s/attach", made.id.v);
	expect_one("POST", path, NULL, body);
	ck_assert_int_eq(fleet_drivers(fid), before + 1);
	log_clear();
	struct driver det;
	ck_assert_int_eq(api_driver_detach(A, made.id.v, fid, NULL, &det, &err), 0);
	ck_assert(!has_fleet(&det, fid));
	snprintf(path, sizeof path, "/v1/drivers/%s/detach", made.id.v);
	expect_one("POST", path, NULL, body);
	ck_assert_int_eq(fleet_drivers(fid), before);
	log_clear();

	/* delete, then the driver is gone */
	ck_assert_int_eq(api_driver_delete(A, made.id.v, &err), 0);
	snprintf(path, sizeof path, "/v1/drivers/%s", made.id.v);
	expect_one("DELETE", path, NULL, NULL);
	ck_assert_int_eq(api_driver_get(A, made.id.v, &upd, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_HTTP);
	ck_assert_int_eq(err.http_status, 404);
	ck_assert_str_eq(err.code, "driver_not_found");

	api_error_clear(&err);
	driver_clear(&d);
	driver_clear(&made);
	driver_clear(&att);
	driver_clear(&det);
	down();
}
END_TEST

START_TEST(fleet_calls_exact_requests)
{
	up(5, 10);
	log_clear();
	struct api_error err = {0};
	struct fleet_page p;
	struct list_query q = {.status = "active", .limit = 3};
	ck_assert_int_eq(api_fleets_list(A, &q, NULL, &p, &err), 0);
	ck_assert_int_le(p.n, 3);
	fleet_page_clear(&p);
	expect_one("GET", "/v1/fleets", "limit=3&status=active", NULL);

	struct fleet_patch cp = {0};
	cp.set = FLT_NAME | FLT_TIMEZONE;
	opt_str_set(&cp.v.name, "Lyon Depot");
	opt_str_set(&cp.v.timezone, "Europe/Paris");
	struct fleet f;
	ck_assert_int_eq(api_fleet_create(A, &cp, NULL, &f, &err), 0);
	ck_assert_str_eq(f.name.v, "Lyon Depot");
	expect_one("POST", "/v1/fleets", NULL,
	           "{\"name\":\"Lyon Depot\",\"timezone\":\"Europe/Paris\"}");
	fleet_patch_clear(&cp);

	struct fleet g;
	ck_assert_int_eq(api_fleet_get(A, f.id.v, &g, &err), 0);
	ck_assert_str_eq(g.timezone.v, "Europe/Paris");
	char path[128];
	snprintf(path, sizeof path, "/v1/fleets/%s", f.id.v);
	expect_one("GET", path, NULL, NULL);
	fleet_clear(&g);

	struct fleet_patch up_ = {0};
	up_.set = FLT_DESCRIPTION;
	opt_str_set(&up_.v.description, "night shift");
	ck_assert_int_eq(api_fleet_update(A, f.id.v, &up_, NULL, &g, &err), 0);
	ck_assert_str_eq(g.description.v, "night shift");
	expect_one("POST", path, NULL, "{\"description\":\"night shift\"}");
	fleet_patch_clear(&up_);
	fleet_clear(&g);
	/* a caller's Idempotency-Key (a bulk journal's) is sent as given */
	struct fleet_patch st = {0};
	st.set = FLT_STATUS;
	opt_str_set(&st.v.status, "suspended");
	ck_assert_int_eq(api_fleet_update(A, f.id.v, &st, "journal-key-0001", &g, &err), 0);
	ck_assert_str_eq(g.status.v, "suspended");
	cJSON *log = mock_log();
	ck_assert_int_eq(cJSON_GetArraySize(log), 1);
	ck_assert_str_eq(req_header(cJSON_GetArrayItem(log, 0), "Idempotency-Key"),
	                 "journal-key-0001");
	ck_assert_str_eq(req_str(cJSON_GetArrayItem(log, 0), "body"), "{\"status\":\"suspended\"}");
	cJSON_Delete(log);
	fleet_patch_clear(&st);
	fleet_clear(&g);
	fleet_clear(&f);
	api_error_clear(&err);
	down();
}
END_TEST

/* ---- errors: one attempt each, the server's fields kept ---- */

START_TEST(error_statuses)
{
	up(3, 10);
	char id[64];
	first_driver_id(id, sizeof id);
	struct api_error err = {0};
	struct driver d;

	ck_assert_int_eq(api_driver_get(A, "drv_doesnotexist0", &d, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_HTTP);
	ck_assert_int_eq(err.http_status, 404);
	ck_assert_str_eq(err.code, "driver_not_found");
	ck_assert_int_eq(err.attempts, 1);

	ck_assert_int_eq(api_driver_attach(A, id, "flt_nosuchfleet0", NULL, &d, &err), -1);
	ck_assert_int_eq(err.http_status, 404);
	ck_assert_str_eq(err.code, "fleet_not_found");
	ck_assert_str_eq(err.param, "fleet");
	ck_assert_int_eq(err.attempts, 1);

	/* attach twice: the second is a real conflict, never retried */
	ck_assert_int_eq(api_driver_get(A, id, &d, &err), 0);
	char fid[64];
	other_fleet_id(&d, fid, sizeof fid);
	driver_clear(&d);
	ck_assert_int_eq(api_driver_attach(A, id, fid, NULL, &d, &err), 0);
	driver_clear(&d);
	log_clear();
	ck_assert_int_eq(api_driver_attach(A, id, fid, NULL, &d, &err), -1);
	ck_assert_int_eq(err.http_status, 409);
	ck_assert_str_eq(err.code, "driver_fleet_conflict");
	ck_assert_int_eq(err.attempts, 1);
	cJSON *log = mock_log();
	ck_assert_int_eq(cJSON_GetArraySize(log), 1);
	cJSON_Delete(log);

	/* 400 with param: create without the required email */
	struct driver_patch cp = {0};
	cp.set = DRV_NAME;
	opt_str_set(&cp.v.name, "No Email");
	ck_assert_int_eq(api_driver_create(A, &cp, NULL, &d, &err), -1);
	ck_assert_int_eq(err.http_status, 400);
	ck_assert_str_eq(err.param, "email");
	ck_assert_int_eq(err.attempts, 1);
	driver_patch_clear(&cp);

	/* 401 mid-session: not retried with the same key (SEC-10) */
	faults("unauthorized=1");
	log_clear();
	ck_assert_int_eq(api_driver_get(A, id, &d, &err), -1);
	ck_assert_int_eq(err.http_status, 401);
	ck_assert_str_eq(err.type, "authentication_error");
	ck_assert_int_eq(err.attempts, 1);
	log = mock_log();
	ck_assert_int_eq(cJSON_GetArraySize(log), 1);
	cJSON_Delete(log);

	/* ids that could leave the path are refused before the network */
	log_clear();
	ck_assert_int_eq(api_driver_get(A, "drv_x/../../v1/fleets", &d, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_REFUSED);
	ck_assert_int_eq(api_driver_attach(A, "drv_%2e%2e", "flt_1", NULL, &d, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_REFUSED);
	ck_assert_int_eq(api_driver_attach(A, id, "flt_1/../x", NULL, &d, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_REFUSED);
	log = mock_log();
	ck_assert_int_eq(cJSON_GetArraySize(log), 0);
	cJSON_Delete(log);
	api_error_clear(&err);
	down();
}
END_TEST

START_TEST(read_only_refused)
{
	mock_up(2, 5, NULL);
	struct http_config cfg;
	cfg_default(&cfg);
	cfg.read_only = true;
	A = api_up(&cfg);
	char id[64];
	first_driver_id(id, sizeof id);
	struct api_error err = {0};
	struct driver d;
	struct driver_patch patch = {0};
	patch.set = DRV_PHONE;
	opt_str_set(&patch.v.phone, "+33189000029");
	ck_assert_int_eq(api_driver_update(A, id, &patch, NULL, &d, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_REFUSED);
	ck_assert_int_eq(api_driver_attach(A, id, "flt_abc", NULL, &d, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_REFUSED);
	ck_assert_int_eq(api_driver_delete(A, id, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_REFUSED);
	ck_assert_int_eq(err.attempts, 0);
	cJSON *log = mock_log();
	ck_assert_int_eq(cJSON_GetArraySize(log), 0);
	cJSON_Delete(log);
	/* reads still work */
	ck_assert_int_eq(api_driver_get(A, id, &d, &err), 0);
	driver_clear(&d);
	driver_patch_clear(&patch);
	api_error_clear(&err);
	down();
}
END_TEST

/* ---- pagination ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk_all(int limit, int expect)
{
	struct list_query q = {.limit = limit};
	struct api_iter *it = api_drivers_iter(A, &q);
	ck_assert_ptr_nonnull(it);
	char **ids = calloc((size_t)expect + 200, sizeof *ids);
	int n = 0, pages = 0, rc;
	struct driver_page p;
	struct api_error err = {0};
	while ((rc = api_iter_next_drivers(it, &p, &err)) == 1) {
		pages++;
		ck_assert_int_le(p.n, (size_t)limit);
		for (size_t i = 0; i < p.n; i++) {
			ck_assert_int_lt(n, expect + 200);
			ids[n++] = strdup(p.items[i].id.v);
		}
		driver_page_clear(&p);
	}
	ck_assert_msg(rc == 0, "iteration failed: %s", err.detail ? err.detail : "?");
	ck_assert_int_eq(n, expect);
	ck_assert_int_eq(pages, (expect + limit - 1) / limit);
	qsort(ids, (size_t)n, sizeof *ids, cmp_str);
	for (int i = 1; i < n; i++)
		ck_assert_msg(strcmp(ids[i - 1], ids[i]) != 0, "duplicate %s", ids[i]);
	for (int i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	/* after the end, next() keeps saying so */
	ck_assert_int_eq(api_iter_next_drivers(it, &p, &err), 0);
	api_iter_free(it);
}

START_TEST(pagination_1000_drivers)
{
	up(3, 1000);
	walk_all(100, 1000);
	/* every request after the first followed a next_page_url: same path */
	cJSON *log = mock_log();
	ck_assert_int_eq(cJSON_GetArraySize(log), 10);
	const cJSON *r;
	cJSON_ArrayForEach(r, log)
	{
		ck_assert_str_eq(req_str(r, "path"), "/v1/drivers");
		ck_assert_str_eq(req_str(r, "method"), "GET");
	}
	cJSON_Delete(log);
	walk_all(37, 1000);

	/* fleets page the same way; an iterator answers only for its kind */
	struct list_query q = {.limit = 2};
	struct api_iter *it = api_fleets_iter(A, &q);
	struct fleet_page fp;
	struct driver_page dp;
	struct api_error err = {0};
	ck_assert_int_eq(api_iter_next_drivers(it, &dp, &err), -1);
	int n = 0, pages = 0, rc;
	while ((rc = api_iter_next_fleets(it, &fp, &err)) == 1) {
		pages++;
		n += (int)fp.n;
		fleet_page_clear(&fp);
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(pages, 2);
	api_iter_free(it);
	api_error_clear(&err);
	down();
}
END_TEST

START_TEST(next_page_cross_origin_refused)
{
	up(2, 20);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(lfd, 4), 0);
	socklen_t l = sizeof a;
	getsockname(lfd, (struct sockaddr *)&a, &l);
	char spec[160];
	snprintf(spec, sizeof spec, "next_page_url=http://127.0.0.1:%d/v1/drivers?page=x",
	         ntohs(a.sin_port));
	faults(spec);
	struct list_query q = {.limit = 5};
	struct api_iter *it = api_drivers_iter(A, &q);
	struct driver_page p;
	struct api_error err = {0};
	ck_assert_int_eq(api_iter_next_drivers(it, &p, &err), 1);
	driver_page_clear(&p);
	ck_assert_int_eq(api_iter_next_drivers(it, &p, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_REFUSED);
	ck_assert_str_eq(err.detail, "refused cross-origin page link");
	struct pollfd pf = {.fd = lfd, .events = POLLIN};
	ck_assert_int_eq(poll(&pf, 1, 200), 0);
	close(lfd);
	api_iter_free(it);
	api_error_clear(&err);
	down();
}
END_TEST

/* ---- retries ---- */

START_TEST(rate_limited_then_ok)
{
	mock_up(2, 5, NULL);
	struct http_config cfg;
	cfg_default(&cfg);
	cfg.clock = NULL; /* the real clock: the wait is the point */
	A = api_up(&cfg);
	faults("storm=1,retry_after=1");
	struct fleet_page p;
	struct api_error err = {0};
	double t0 = mono();
	ck_assert_int_eq(api_fleets_list(A, NULL, NULL, &p, &err), 0);
	double dt = mono() - t0;
	ck_assert_msg(dt >= 1.0, "retried after %f s", dt);
	ck_assert_int_eq(err.attempts, 2);
	fleet_page_clear(&p);
	/* Retry-After beyond 60 s: reported, not waited for */
	faults("storm=1,retry_after=120");
	ck_assert_int_eq(api_fleets_list(A, NULL, NULL, &p, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_RATE_LIMITED);
	ck_assert_int_eq((int)err.retry_after_s, 120);
	ck_assert_int_eq(err.attempts, 1);
	api_error_clear(&err);
	down();
}
END_TEST

START_TEST(retry_5xx_sequences)
{
	up(2, 5);
	struct fleet_page p;
	struct api_error err = {0};
	faults("status=503x2");
	ck_assert_int_eq(api_fleets_list(A, NULL, NULL, &p, &err), 0);
	ck_assert_int_eq(err.attempts, 3);
	ck_assert_int_eq(TC.sleeps, 2);
	ck_assert_msg(TC.slept >= 1.0 && TC.slept <= 3.0, "slept %f", TC.slept);
	fleet_page_clear(&p);

	faults("status=503x3");
	log_clear();
	ck_assert_int_eq(api_fleets_list(A, NULL, NULL, &p, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_HTTP);
	ck_assert_int_eq(err.http_status, 503);
	ck_assert_int_eq(err.attempts, 3);
	cJSON *log = mock_log();
	ck_assert_int_eq(cJSON_GetArraySize(log), 3);
	cJSON_Delete(log);

	faults("status=400");
	log_clear();
	ck_assert_int_eq(api_fleets_list(A, NULL, NULL, &p, &err), -1);
	ck_assert_int_eq(err.http_status, 400);
	ck_assert_int_eq(err.attempts, 1);
	log = mock_log();
	ck_assert_int_eq(cJSON_GetArraySize(log), 1);
	cJSON_Delete(log);
	api_error_clear(&err);
	down();
}
END_TEST

/* RTY-1: reset after commit → same key, 2 requests, applied once. */
START_TEST(drop_after_attach_same_key)
{
	up(3, 10);
	char id[64], fid[64];
	first_driver_id(id, sizeof id);
	struct driver d;
	struct api_error err = {0};
	ck_assert_int_eq(api_driver_get(A, id, &d, &err), 0);
	other_fleet_id(&d, fid, sizeof fid);
	driver_clear(&d);
	int64_t before = fleet_drivers(fid);
	log_clear();
	faults("drop=after,method=POST");
	ck_assert_msg(api_driver_attach(A, id, fid, NULL, &d, &err) == 0, "attach: %s",
	              err.detail ? err.detail : "?");
	ck_assert(has_fleet(&d, fid));
	ck_assert_int_eq(err.attempts, 2);
	driver_clear(&d);
	cJSON *log = mock_log();
	ck_assert_int_eq(cJSON_GetArraySize(log), 2);
	const char *k0 = req_header(cJSON_GetArrayItem(log, 0), "Idempotency-Key");
	const char *k1 = req_header(cJSON_GetArrayItem(log, 1), "Idempotency-Key");
	ck_assert(is_uuid4(k0));
	ck_assert_str_eq(k0, k1);
	ck_assert_str_eq(req_str(cJSON_GetArrayItem(log, 0), "body"),
	                 req_str(cJSON_GetArrayItem(log, 1), "body"));
	cJSON_Delete(log);
	ck_assert_int_eq(fleet_drivers(fid), before + 1);
	ck_assert_int_eq(api_driver_get(A, id, &d, &err), 0);
	int times = 0;
	for (size_t j = 0; j < d.fleets.n; j++)
		times += strcmp(d.fleets.v[j], fid) == 0;
	ck_assert_int_eq(times, 1);
	driver_clear(&d);
	api_error_clear(&err);
	down();
}
END_TEST

/* RTY-8: applied, then no answer on any try → unknown, and verify finds it. */
START_TEST(stall_after_post_unknown)
{
	mock_up(2, 5, NULL);
	struct http_config cfg;
	cfg_default(&cfg);
	cfg.post_timeout_ms = 400;
	A = api_up(&cfg);
	char id[64];
	first_driver_id(id, sizeof id);
	faults("stall=afterx3,method=POST");
	struct driver_patch patch = {0};
	patch.set = DRV_PHONE;
	opt_str_set(&patch.v.phone, "+33189000030");
	struct driver d;
	struct api_error err = {0};
	double t0 = mono();
	ck_assert_int_eq(api_driver_update(A, id, &patch, NULL, &d, &err), -1);
	ck_assert_msg(mono() - t0 < 8.0, "took %f s", mono() - t0);
	ck_assert_int_eq(err.kind, API_ERR_UNKNOWN);
	ck_assert_str_eq(err.detail, "unknown \xe2\x80\x94 verify");
	ck_assert_int_eq(err.attempts, 3);
	faults("clear");
	ck_assert_int_eq(api_driver_get(A, id, &d, &err), 0);
	ck_assert_str_eq(d.phone.v, "+33189000030");
	driver_clear(&d);
	driver_patch_clear(&patch);
	api_error_clear(&err);
	down();
}
END_TEST

/* NET-4: a GET that never gets an answer, or one that drips, ends at the
 * total timeout; a stalled GET is retried and then reported as a timeout. */
START_TEST(get_timeouts)
{
	mock_up(2, 5, NULL);
	struct http_config cfg;
	cfg_default(&cfg);
	cfg.get_timeout_ms = 300;
	A = api_up(&cfg);
	struct fleet_page p;
	struct api_error err = {0};
	faults("stall=beforex3,method=GET");
	double t0 = mono();
	ck_assert_int_eq(api_fleets_list(A, NULL, NULL, &p, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_TIMEOUT);
	ck_assert_int_eq(err.attempts, 3);
	ck_assert_msg(mono() - t0 < 6.0, "took %f s", mono() - t0);
	api_free(A);

	cfg.get_timeout_ms = 1000;
	cfg.max_attempts = 1;
	A = api_up(&cfg);
	faults("drip=1");
	t0 = mono();
	ck_assert_int_eq(api_fleets_list(A, NULL, NULL, &p, &err), -1);
	double dt = mono() - t0;
	ck_assert_int_eq(err.kind, API_ERR_TIMEOUT);
	ck_assert_msg(dt >= 0.9 && dt < 6.0, "drip ended after %f s", dt);
	api_error_clear(&err);
	down();
}
END_TEST

START_TEST(truncated_get_retried)
{
	up(2, 5);
	faults("truncate=1");
	struct fleet_page p;
	struct api_error err = {0};
	ck_assert_int_eq(api_fleets_list(A, NULL, NULL, &p, &err), 0);
	ck_assert_int_eq(err.attempts, 2);
	ck_assert_int_eq(p.n, 2);
	fleet_page_clear(&p);
	down();
}
END_TEST

/* ---- what is not data ---- */

START_TEST(redirect_not_followed)
{
	up(2, 5);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(lfd, 4), 0);
	socklen_t l = sizeof a;
	getsockname(lfd, (struct sockaddr *)&a, &l);
	char spec[160];
	snprintf(spec, sizeof spec, "redirect=http://127.0.0.1:%d/v1/fleets", ntohs(a.sin_port));
	faults(spec);
	struct fleet_page p;
	struct api_error err = {0};
	ck_assert_int_eq(api_fleets_list(A, NULL, NULL, &p, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_REDIRECT);
	ck_assert_str_eq(err.detail, "unexpected redirect (302)");
	ck_assert_int_eq(err.attempts, 1);
	struct pollfd pf = {.fd = lfd, .events = POLLIN};
	ck_assert_int_eq(poll(&pf, 1, 200), 0);
	close(lfd);
	api_error_clear(&err);
	down();
}
END_TEST

START_TEST(non_json_answers)
{
	up(2, 5);
	struct fleet_page p;
	struct api_error err = {0};
	char line[256];

	faults("html502=3");
	ck_assert_int_eq(api_fleets_list(A, NULL, NULL, &p, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_HTTP);
	ck_assert_int_eq(err.http_status, 502);
	ck_assert_int_eq(err.attempts, 3);
	ck_assert_str_eq(err.detail, "bad gateway (502) from proxy");
	ck_assert_ptr_null(err.message);
	api_error_format(&err, line, sizeof line);
	ck_assert_msg(strstr(line, "bad gateway (502) from proxy") != NULL, "formatted: %s", line);
	ck_assert_ptr_null(strstr(line, "<"));

	faults("html502=1");
	ck_assert_int_eq(api_fleets_list(A, NULL, NULL, &p, &err), 0);
	ck_assert_int_eq(err.attempts, 2);
	fleet_page_clear(&p);

	faults("content_type=text/html");
	ck_assert_int_eq(api_fleets_list(A, NULL, NULL, &p, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_MALFORMED);
	ck_assert_int_eq(err.attempts, 1);

	faults("invalid_json=1");
	ck_assert_int_eq(api_fleets_list(A, NULL, NULL, &p, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_MALFORMED);

	faults("oversized=20000000");
	ck_assert_int_eq(api_fleets_list(A, NULL, NULL, &p, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_TOO_LARGE);
	ck_assert_str_eq(err.detail, "response too large");
	ck_assert_int_eq(err.attempts, 1);

	/* and the client is still usable afterwards */
	faults("clear");
	ck_assert_int_eq(api_fleets_list(A, NULL, NULL, &p, &err), 0);
	fleet_page_clear(&p);
	api_error_clear(&err);
	down();
}
END_TEST

static long peak_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* NET-7: a 200 MB chunked body is cut at the 8 MiB cap without the process
 * growing by more than 16 MiB. */
START_TEST(huge_body_bounded_memory)
{
	up(2, 5);
	struct fleet_page p;
	struct api_error err = {0};
	/* warm up: the first answer's buffers and the handle exist already */
	ck_assert_int_eq(api_fleets_list(A, NULL, NULL, &p, &err), 0);
	fleet_page_clear(&p);
	long before = peak_rss_kb();
	faults("oversized=200000000");
	ck_assert_int_eq(api_fleets_list(A, NULL, NULL, &p, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_TOO_LARGE);
	long grew = peak_rss_kb() - before;
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
	/* sanitizers keep freed blocks in quarantine; the bound is for real builds */
	ck_assert_msg(grew < 16 * 1024, "peak RSS grew by %ld KiB", grew);
#else
	(void)grew;
#endif
	api_error_clear(&err);
	down();
}
END_TEST

/* SEC-4: several faults through a --debug-log; the key is never written. */
START_TEST(debug_log_has_no_key)
{
	mock_up(2, 5, NULL);
	char path[] = "/tmp/ct_debuglog_XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	struct http_config cfg;
	cfg_default(&cfg);
	cfg.debug_log_path = path;
	A = api_up(&cfg);
	char id[64];
	first_driver_id(id, sizeof id);
	const char *specs[] = {"unauthorized=1",
	                       "html502=1",
	                       "storm=1,retry_after=1",
	                       "drop=before",
	                       "invalid_json=1",
	                       "truncate=1",
	                       "status=500",
	                       "content_type=text/plain",
	                       "clear"};
	struct api_error err = {0};
	struct driver d;
	for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
		faults(specs[i]);
		if (api_driver_get(A, id, &d, &err) == 0)
			driver_clear(&d);
		struct driver_patch patch = {0};
		patch.set = DRV_NAME;
		opt_str_set(&patch.v.name, "Echo " KEY);
		faults(specs[i]);
		if (api_driver_update(A, id, &patch, NULL, &d, &err) == 0)
			driver_clear(&d);
		driver_patch_clear(&patch);
	}
	api_free(A);
	A = NULL;
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	char line[8192];
	int lines = 0, bearer = 0, reused = 0;
	while (fgets(line, sizeof line, f)) {
		lines++;
		ck_assert_msg(strstr(line, KEY) == NULL, "key in log: %s", line);
		ck_assert_msg(strstr(line, KEY + 11) == NULL, "key body in log: %s", line);
		if (strstr(line, "Authorization:"))
			ck_assert_msg(strstr(line, "Authorization: Bearer [redacted]") != NULL,
			              "%s", line);
		bearer += strstr(line, "Bearer [redacted]") != NULL;
		reused += strstr(line, "* Re-using existing connection") != NULL;
		ck_assert_ptr_null(strchr(line, '\x1b'));
	}
	fclose(f);
	ck_assert_int_gt(lines, 50);
	ck_assert_int_ge(bearer, 18);
	/* one handle per client keeps its connection alive between calls (NET-6) */
	ck_assert_int_ge(reused, 5);
	unlink(path);
	api_error_clear(&err);
	down();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("api_client");
	TCase *tc = tcase_create("mock");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, driver_calls_exact_requests);
	tcase_add_test(tc, fleet_calls_exact_requests);
	tcase_add_test(tc, error_statuses);
	tcase_add_test(tc, read_only_refused);
	tcase_add_test(tc, pagination_1000_drivers);
	tcase_add_test(tc, next_page_cross_origin_refused);
	tcase_add_test(tc, rate_limited_then_ok);
	tcase_add_test(tc, retry_5xx_sequences);
	tcase_add_test(tc, drop_after_attach_same_key);
	tcase_add_test(tc, stall_after_post_unknown);
	tcase_add_test(tc, get_timeouts);
	tcase_add_test(tc, truncated_get_retried);
	tcase_add_test(tc, redirect_not_followed);
	tcase_add_test(tc, non_json_answers);
	tcase_add_test(tc, huge_body_bounded_memory);
	tcase_add_test(tc, debug_log_has_no_key);
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
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
