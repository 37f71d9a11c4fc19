/*
 * mockctl.c — test-side control of an in-process charge-mock (mockctl.h).
 * Plain libcurl easy calls: the oracle is deliberately simpler than the
 * console's client so that the two do not share bugs.
 */
#include "mockctl.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct mockctl {
	struct mock *m;
	char base[160];
	char root[160];
};

struct buf {
	char *p;
	size_t n;
};

static size_t buf_write(char *ptr, size_t size, size_t nmemb, void *user)
{
	struct buf *b = user;
	size_t add = size * nmemb;
	char *q = realloc(b->p, b->n + add + 1);
	if (!q)
		return 0;
	memcpy(q + b->n, ptr, add);
	b->p = q;
	b->n += add;
	b->p[b->n] = '\0';
	return add;
}

char *mockctl_http(const char *method, const char *url, const char *body, long *status)
{
	CURL *c = curl_easy_init();
	if (!c)
		return NULL;
	struct buf b = { calloc(1, 1), 0 };
	struct curl_slist *h = NULL;
	h = curl_slist_append(h, "Authorization: Bearer " MOCKCTL_KEY);
	h = curl_slist_append(h, "X-Ct-Oracle: 1");
	/* /v1 takes JSON only (contract.md); the admin endpoints take a
	 * plain-text spec such as "clear" or "latency=200". */
	if (body)
		h = curl_slist_append(h, body[0] == '{' ? "Content-Type: application/json"
							: "Content-Type: text/plain");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, buf_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	} else if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
	}
	CURLcode rc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (status)
		*status = code;
	if (rc != CURLE_OK) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

struct mockctl *mockctl_start(const struct mock_options *opt)
{
	struct mock_options o = { .fleets = -1, .drivers = -1, .quiet = true };
	if (opt)
		o = *opt;
	struct mockctl *mc = calloc(1, sizeof *mc);
	char err[256] = "";
	if (!mc)
		return NULL;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	mc->m = mock_start(&o, err, sizeof err);
	if (!mc->m) {
		fprintf(stderr, "mockctl: mock_start failed: %s\n", err);
		free(mc);
		return NULL;
	}
	snprintf(mc->base, sizeof mc->base, "%s", mock_base_url(mc->m));
	snprintf(mc->root, sizeof mc->root, "%s", mock_root_url(mc->m));
	return mc;
}

void mockctl_stop(struct mockctl *mc)
{
	if (!mc)
		return;
	mock_stop(mc->m);
	free(mc);
}

const char *mockctl_base(const struct mockctl *mc)
{
	return mc->base;
}

const char *mockctl_root(const struct mockctl *mc)
{
	return mc->root;
}

struct mock *mockctl_mock(struct mockctl *mc)
{
	return mc->m;
}

const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

long long jint(const cJSON *o, const char *key, long long def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? (long long)v->valuedouble : def;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Header lookup is case-insensitive: HTTP header names are. */
static const char *header_get(const cJSON *headers, const char *name)
{
	const cJSON *h;
	cJSON_ArrayForEach(h, headers)
	{
		if (h->string && strcasecmp(h->string, name) == 0 && cJSON_IsString(h))
			return h->valuestring;
	}
	return NULL;
}

static void req_from_json(struct mock_req *r, const cJSON *e)
{
	const cJSON *headers = cJSON_GetObjectItemCaseSensitive(e, "headers");
	r->seq = (long)jint(e, "seq", 0);
	r->status = (int)jint(e, "status", 0);
	r->method = strdup(jstr(e, "method") ? jstr(e, "method") : "");
	r->path = strdup(jstr(e, "path") ? jstr(e, "path") : "");
	r->query = strdup(jstr(e, "query") ? jstr(e, "query") : "");
	r->body = dup_or_null(jstr(e, "body"));
	r->idem_key = dup_or_null(header_get(headers, "Idempotency-Key"));
}

static cJSON *get_log(struct mockctl *mc, long since)
{
	char url[256];
	snprintf(url, sizeof url, "%s/__mock/requests?since=%ld", mc->root, since);
	long st = 0;
	char *body = mockctl_http("GET", url, NULL, &st);
	cJSON *arr = body && st == 200 ? cJSON_Parse(body) : NULL;
	free(body);
	if (arr && !cJSON_IsArray(arr)) {
		cJSON_Delete(arr);
		arr = NULL;
	}
	return arr;
}

int mockctl_requests(struct mockctl *mc, long since, struct mock_reqs *out)
{
	memset(out, 0, sizeof *out);
	cJSON *arr = get_log(mc, since);
	if (!arr)
		return -1;
	size_t n = (size_t)cJSON_GetArraySize(arr);
	out->v = calloc(n ? n : 1, sizeof *out->v);
	const cJSON *e;
	cJSON_ArrayForEach(e, arr)
	{
		const cJSON *headers = cJSON_GetObjectItemCaseSensitive(e, "headers");
		if (header_get(headers, "X-Ct-Oracle"))
			continue; /* the test's own reads */
		req_from_json(&out->v[out->n++], e);
	}
	cJSON_Delete(arr);
	return 0;
}

long mockctl_last_seq(struct mockctl *mc)
{
	cJSON *arr = get_log(mc, 0);
	if (!arr)
		return -1;
	long seq = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, arr)
	{
		long s = (long)jint(e, "seq", 0);
		if (s > seq)
			seq = s;
	}
	cJSON_Delete(arr);
	return seq;
}

void mock_reqs_clear(struct mock_reqs *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].method);
		free(r->v[i].path);
		free(r->v[i].query);
		free(r->v[i].body);
		free(r->v[i].idem_key);
	}
	free(r->v);
	memset(r, 0, sizeof *r);
}

size_t mock_reqs_count(const struct mock_reqs *r, const char *method, const char *path_prefix)
{
	size_t k = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (method && strcmp(r->v[i].method, method) != 0)
			continue;
		if (path_prefix && strncmp(r->v[i].path, path_prefix, strlen(path_prefix)) != 0)
			continue;
		k++;
	}
	return k;
}

size_t mock_reqs_mutating(const struct mock_reqs *r)
{
	size_t k = 0;
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].method, "GET") != 0 && strcmp(r->v[i].method, "HEAD") != 0)
			k++;
	return k;
}

int mockctl_clear_requests(struct mockctl *mc)
{
	char url[256];
	long st = 0;
	snprintf(url, sizeof url, "%s/__mock/requests", mc->root);
	free(mockctl_http("DELETE", url, NULL, &st));
	return st >= 200 && st < 300 ? 0 : -1;
}

int mockctl_faults(struct mockctl *mc, const char *spec)
{
	char url[256];
	long st = 0;
	snprintf(url, sizeof url, "%s/__mock/faults", mc->root);
	char *b = mockctl_http("POST", url, spec && *spec ? spec : "clear", &st);
	free(b);
	return st >= 200 && st < 300 ? 0 : -1;
}

int mockctl_tick(struct mockctl *mc, int n)
{
	char url[256];
	snprintf(url, sizeof url, "%s/__mock/tick", mc->root);
	for (int i = 0; i < n; i++) {
		long st = 0;
		free(mockctl_http("POST", url, NULL, &st));
		if (st < 200 || st >= 300)
			return -1;
	}
	return 0;
}

cJSON *mockctl_get(struct mockctl *mc, const char *path_query, long *status)
{
	char url[1024];
	snprintf(url, sizeof url, "%s%s", mc->base, path_query);
	long st = 0;
	char *body = mockctl_http("GET", url, NULL, &st);
	if (status)
		*status = st;
	cJSON *j = body && st >= 200 && st < 300 ? cJSON_Parse(body) : NULL;
	free(body);
	return j;
}

cJSON *mockctl_get_all(struct mockctl *mc, const char *path_query)
{
	cJSON *all = cJSON_CreateArray();
	char url[2048];
	snprintf(url, sizeof url, "%s%s", mc->base, path_query);
	while (all && url[0]) {
		long st = 0;
		char *body = mockctl_http("GET", url, NULL, &st);
		cJSON *page = body && st == 200 ? cJSON_Parse(body) : NULL;
		free(body);
		cJSON *data = page ? cJSON_DetachItemFromObjectCaseSensitive(page, "data") : NULL;
		if (!cJSON_IsArray(data)) {
			cJSON_Delete(data);
			cJSON_Delete(page);
			cJSON_Delete(all);
			return NULL;
		}
		cJSON *it;
		while ((it = cJSON_DetachItemFromArray(data, 0)) != NULL)
			cJSON_AddItemToArray(all, it);
		cJSON_Delete(data);
		const char *next = jstr(page, "next_page_url");
		snprintf(url, sizeof url, "%s", next ? next : "");
		cJSON_Delete(page);
	}
	return all;
}
