/*
 * serve.c — one /v1 request from gathered bytes to a response: fault plan,
 * authentication, rate limit, idempotency, the resource handler, and the
 * shaping faults on the way out.
 *
 * Order: latency; drop/stall "before"; an injected response (redirect,
 * unauthorized, status/storm, error_rate, html502) in that priority, only one
 * of which fires per request; otherwise the real thing (401, 429,
 * idempotency replay, handler); drop/stall "after" (the change is committed
 * and, for a POST with an Idempotency-Key, stored for replay); then
 * invalid_json/content_type on 2xx, and truncate/oversized/drip on the wire.
 */
#include "internal.h"

#include <math.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct mk_plan {
	int latency_ms, drop, stall, status;
	bool unauthorized, html502, truncate;
	bool exempt; /* no fault applies (test oracle) */
	int hostile; /* 2: injected error objects carry hostile payloads */
	long long oversized;
	long drip;
	char *redirect, *retry_after, *next_page_url;
};

static bool mk_fault_matches(const struct mk_faults *f, const char *url, const char *method)
{
	if (f->path && strncmp(url, f->path, strlen(f->path)) != 0)
		return false;
	return !f->method || strcmp(method, f->method) == 0;
}

/* Under the lock: decide which faults hit this request, disarming counted
 * ones as they fire. */
static void mk_plan_make(struct mock *m, const char *url, const char *method, struct mk_plan *p)
{
	struct mk_faults *f = &m->faults;
	memset(p, 0, sizeof *p);
	if (!mk_fault_matches(f, url, method))
		return;
	p->hostile = f->hostile;
	p->latency_ms = f->latency_ms;
	if (f->jitter_ms > 0)
		p->latency_ms += (int)mk_rng_below(&m->frng, (uint64_t)f->jitter_ms + 1);
	p->next_page_url = mk_xstrdup(f->next_page_url);
	p->retry_after = mk_xstrdup(f->retry_after ? f->retry_after : "1");
	p->drip = f->drip_bps;
	if (f->truncate_n > 0) {
		p->truncate = true;
		f->truncate_n--;
	}
	if (f->oversized > 0) {
		p->oversized = f->oversized;
		f->oversized = 0;
	}
	if (f->drop_n > 0) {
		p->drop = f->drop_when;
		f->drop_n--;
	} else if (f->stall_n > 0) {
		p->stall = f->stall_when;
		f->stall_n--;
	} else if (f->redirect_n > 0) {
		p->redirect = mk_xstrdup(f->redirect);
		f->redirect_n--;
	} else if (f->unauthorized_n > 0) {
		p->unauthorized = true;
		f->unauthorized_n--;
	} else if (f->status_n > 0) {
		p->status = f->status_code;
		f->status_n--;
	} else if (f->error_rate > 0 && mk_rng_unit(&m->frng) < f->error_rate) {
		p->status = f->error_status;
	} else if (f->html502_n > 0) {
		p->html502 = true;
		f->html502_n--;
	}
}

static void mk_plan_free(struct mk_plan *p)
{
	free(p->redirect);
	free(p->retry_after);
	free(p->next_page_url);
}

static const char *mk_status_code_name(int status)
{
	switch (status) {
	case 400:
		return "parameter_invalid";
	case 401:
		return "authentication_error";
	case 403:
		return "permission_denied";
	case 404:
		return "resource_missing";
	case 409:
		return "resource_conflict";
	case 429:
		return "rate_limit_exceeded";
	default:
		return status >= 500 ? "api_error" : "injected_fault";
	}
}

static const char *mk_type_for(int status)
{
	if (status == 401)
		return "authentication_error";
	if (status == 403)
		return "permission_error";
	if (status == 429)
		return "rate_limit_error";
	return status >= 500 ? "api_error" : "invalid_request_error";
}

/* An injected error object; with hostile=2 its message, code and param carry
 * the SAN payloads (SAN-9), and doc_url follows the code. */
static void mk_inject_error(const struct mk_plan *p, struct mk_out *o, int status, const char *code,
                            const char *msg)
{
	if (p->hostile < 2) {
		mk_out_error(o, status, mk_type_for(status), code, msg, NULL);
		return;
	}
	size_t l0, l1, l6, l7;
	const char *s0 = mock_hostile_payload(0, &l0), *s1 = mock_hostile_payload(1, &l1);
	const char *s6 = mock_hostile_payload(6, &l6), *s7 = mock_hostile_payload(7, &l7);
	char *hmsg = mk_printf("%s %.*s %.*s", msg, (int)l0, s0, (int)l7, s7);
	char *hcode = mk_printf("%s%.*s", code, (int)l1, s1);
	char *hparam = mk_xstrndup(s6, l6);
	mk_out_error(o, status, mk_type_for(status), hcode, hmsg, hparam);
	free(hmsg);
	free(hcode);
	free(hparam);
}

/* An injected response replaces the real one; false when none applies. */
static bool mk_injected(const struct mk_plan *p, struct mk_out *o)
{
	if (p->redirect) {
		mk_out_json(o, 302, cJSON_CreateObject());
		o->location = mk_xstrdup(p->redirect);
	} else if (p->unauthorized) {
		mk_inject_error(p, o, 401, "authentication_error", "Invalid API key provided.");
	} else if (p->status) {
		char msg[64];
		snprintf(msg, sizeof msg, "Injected fault: HTTP %d.", p->status);
		if (p->status == 429)
			snprintf(msg, sizeof msg, "Too many requests; retry later.");
		mk_inject_error(p, o, p->status, mk_status_code_name(p->status), msg);
		if (p->status == 429)
			o->retry_after = mk_xstrdup(p->retry_after);
	} else if (p->html502) {
		free(o->body);
		free(o->ctype);
		o->status = 502;
		o->body = mk_xstrdup("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
		                     "<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
		                     "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");
		o->len = strlen(o->body);
		o->ctype = mk_xstrdup("text/html");
	} else {
		return false;
	}
	return true;
}

static const char *mk_bearer(struct MHD_Connection *con)
{
	const char *h = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Authorization");
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return *h ? h : NULL;
}

/* ch_sk_test_/ch_sk_live_ secret keys, and ch_rk_test_/ch_rk_live_
 * restricted (read-only) keys, each followed by [A-Za-z0-9_]+. */
static bool mk_key_ok(const struct mock *m, const char *key)
{
	if (m->api_key)
		return strcmp(key, m->api_key) == 0;
	static const char *const prefixes[] = {"ch_sk_test_", "ch_sk_live_", "ch_rk_test_",
	                                       "ch_rk_live_"};
	const char *rest = NULL;
	for (int i = 0; i < 4 && !rest; i++)
		if (strncmp(key, prefixes[i], 11) == 0)
			rest = key + 11;
	if (!rest || !*rest)
		return false;
	for (; *rest; rest++)
		if (!((*rest >= 'a' && *rest <= 'z') || (*rest >= 'A' && *rest <= 'Z') ||
		      (*rest >= '0' && *rest <= '9') || *rest == '_'))
			return false;
	return true;
}

static bool mk_key_live(const char *key)
{
	return strncmp(key, "ch_sk_live_", 11) == 0 || strncmp(key, "ch_rk_live_", 11) == 0;
}

static double mk_mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Under the lock.  Token bucket per key, burst = one second's worth.
 * Returns 0, or the whole seconds to wait. */
static int mk_rate_check(struct mock *m, const char *key)
{
	double rate = m->rate_limit;
	if (rate < 0)
		return 0;
	if (rate == 0)
		rate = mk_key_live(key) ? 100 : 25;
	double now = mk_mono_s(), cap = rate < 1 ? 1 : rate;
	struct mk_bucket *b = NULL;
	for (int i = 0; i < m->nbuckets && !b; i++)
		if (strcmp(m->buckets[i].key, key) == 0)
			b = &m->buckets[i];
	if (!b) {
		m->buckets =
		    mk_xrealloc(m->buckets, sizeof *m->buckets * (size_t)(m->nbuckets + 1));
		b = &m->buckets[m->nbuckets++];
		b->key = mk_xstrdup(key);
		b->tokens = cap;
		b->last_s = now;
	}
	b->tokens += (now - b->last_s) * rate;
	if (b->tokens > cap)
		b->tokens = cap;
	b->last_s = now;
	if (b->tokens >= 1) {
		b->tokens -= 1;
		return 0;
	}
	int wait = (int)ceil((1 - b->tokens) / rate);
	return wait < 1 ? 1 : wait;
}

static enum MHD_Result mk_query_cb(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
	(void)kind;
	struct mk_query *q = cls;
	q->v = mk_xrealloc(q->v, sizeof *q->v * (size_t)(q->n + 1));
	q->v[q->n].key = mk_xstrdup(key ? key : "");
	q->v[q->n].val = mk_xstrdup(value ? value : "");
	q->n++;
	return MHD_YES;
}

static void mk_query_free(struct mk_query *q)
{
	for (int i = 0; i < q->n; i++) {
		free(q->v[i].key);
		free(q->v[i].val);
	}
	free(q->v);
}

/* Parse the POST body into an object; -1 with rs set when it is not one. */
static int mk_parse_body(struct MHD_Connection *con, const struct mk_conn *rc, cJSON **out,
                         struct mk_resp *rs)
{
	*out = NULL;
	if (rc->too_large)
		return mk_err(rs, 413, "request_too_large", NULL, "The request body is too large.");
	if (rc->body.len == 0) {
		*out = cJSON_CreateObject();
		return 0;
	}
	const char *ct = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Type");
	if (!ct || strncasecmp(ct, "application/json", 16) != 0 ||
	    (ct[16] && ct[16] != ';' && ct[16] != ' '))
		return mk_err(rs, 400, "parameter_invalid", NULL,
		              "Request bodies must be JSON (Content-Type: application/json).");
	const char *end = NULL;
	/* With require_null_terminated, cJSON wants the NUL inside the length;
	 * mk_buf always keeps one after the bytes. */
	cJSON *b = cJSON_ParseWithLengthOpts(rc->body.p, rc->body.len + 1, &end, 1);
	if (!b || !cJSON_IsObject(b)) {
		cJSON_Delete(b);
		return mk_err(rs, 400, "parameter_invalid", NULL,
		              "The request body is not a valid JSON object.");
	}
	*out = b;
	return 0;
}

static void mk_resp_to_out(struct mk_resp *rs, struct mk_out *o)
{
	if (rs->json) {
		mk_out_json(o, rs->status ? rs->status : 200, rs->json);
		rs->json = NULL;
	} else {
		mk_out_error(o, rs->status, rs->type, rs->code, rs->message, rs->param);
	}
}

/* Under the lock: idempotency, then the resource handler. */
static void mk_handle_locked(struct mock *m, struct MHD_Connection *con, const char *url,
                             const char *method, const struct mk_conn *rc, const char *ikey,
                             const struct mk_plan *p, struct mk_out *o)
{
	if (ikey && mk_idem_replay(m, ikey, rc, o))
		return;
	struct mk_query q = {0};
	MHD_get_connection_values(con, MHD_GET_ARGUMENT_KIND, mk_query_cb, &q);
	struct mk_resp rs = {0};
	struct mk_req rq = {.method = method,
	                    .path = url,
	                    .query = &q,
	                    .root = m->root,
	                    .next_page_override = p->next_page_url};
	cJSON *body = NULL;
	bool post = strcmp(method, "POST") == 0;
	if (!post || mk_parse_body(con, rc, &body, &rs) == 0) {
		rq.body = body;
		mk_route(&m->st, &rq, &rs);
		mk_resp_to_out(&rs, o);
		if (ikey)
			mk_idem_store(m, ikey, rc, o);
	} else {
		mk_resp_to_out(&rs, o);
	}
	cJSON_Delete(body);
	mk_resp_clear(&rs);
	mk_query_free(&q);
}

static void mk_real(struct mock *m, struct MHD_Connection *con, const char *url, const char *method,
                    const struct mk_conn *rc, const struct mk_plan *p, struct mk_out *o)
{
	const char *key = mk_bearer(con);
	if (!key || !mk_key_ok(m, key)) {
		mk_out_error(o, 401, "authentication_error", "authentication_error",
		             key ? "Invalid API key provided." : "No API key provided.", NULL);
		return;
	}
	if (strncmp(key, "ch_rk_", 6) == 0 && strcmp(method, "GET") != 0) {
		mk_out_error(o, 403, "permission_error", "permission_denied",
		             "This restricted key can only read (GET).", NULL);
		return;
	}
	const char *idem = NULL;
	if (strcmp(method, "POST") == 0)
		idem = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Idempotency-Key");
	if (idem && (strlen(idem) > 255 || !*idem)) {
		mk_out_error(o, 400, "invalid_request_error", "parameter_invalid",
		             "Idempotency-Key must be 1 to 255 characters.", "Idempotency-Key");
		return;
	}
	char *ikey = idem ? mk_printf("%s\x1f%s", key, idem) : NULL;
	pthread_mutex_lock(&m->mu);
	int wait = mk_rate_check(m, key);
	if (wait) {
		mk_out_error(o, 429, "rate_limit_error", "rate_limit_exceeded",
		             "Too many requests; retry later.", NULL);
		o->retry_after = mk_printf("%d", wait);
	} else {
		mk_handle_locked(m, con, url, method, rc, ikey, p, o);
	}
	pthread_mutex_unlock(&m->mu);
	free(ikey);
}

/* Under the lock: the 2xx-only counted faults. */
static void mk_shape(struct mock *m, const char *url, const char *method, struct mk_out *o)
{
	struct mk_faults *f = &m->faults;
	if (o->status < 200 || o->status > 299 || !mk_fault_matches(f, url, method))
		return;
	if (f->invalid_json_n > 0) {
		f->invalid_json_n--;
		o->len /= 2;
		o->body[o->len] = '\0';
	}
	if (f->content_type_n > 0) {
		f->content_type_n--;
		free(o->ctype);
		o->ctype = mk_xstrdup(f->content_type);
	}
}

static void mk_note(const struct mock *m, const char *method, const char *uri, int status,
                    int64_t t0)
{
	if (m->quiet)
		return;
	char safe[201];
	size_t i = 0;
	for (; uri[i] && i < sizeof safe - 1; i++)
		safe[i] = ((unsigned char)uri[i] < 0x20 || uri[i] == 0x7f) ? '?' : uri[i];
	safe[i] = '\0';
	fprintf(stderr, "charge-mock: %s %s -> %d (%lld ms)\n", method, safe, status,
	        (long long)(mk_now_ms() - t0));
}

static int mk_serve_planned(struct mock *m, struct MHD_Connection *con, const char *url,
                            const char *method, struct mk_conn *rc, const struct mk_plan *p,
                            struct mk_out *o, int64_t t0)
{
	if (p->latency_ms && !mk_sleep(m, p->latency_ms))
		return MK_DROP;
	if (p->drop == MK_BEFORE || p->stall == MK_BEFORE) {
		mk_log_request(m, con, method, url, rc, 0, t0, o->request_id);
		mk_note(m, method, rc->uri, 0, t0);
		if (p->stall)
			mk_stall(m);
		return MK_DROP;
	}
	if (!mk_injected(p, o))
		mk_real(m, con, url, method, rc, p, o);
	if (p->drop == MK_AFTER || p->stall == MK_AFTER) {
		mk_log_request(m, con, method, url, rc, 0, t0, o->request_id);
		mk_note(m, method, rc->uri, 0, t0);
		if (p->stall)
			mk_stall(m);
		return MK_DROP;
	}
	pthread_mutex_lock(&m->mu);
	if (!p->exempt)
		mk_shape(m, url, method, o);
	pthread_mutex_unlock(&m->mu);
	mk_log_request(m, con, method, url, rc, o->status, t0, o->request_id);
	mk_note(m, method, rc->uri, o->status, t0);
	return mk_out_send(m, con, o, p->truncate, p->oversized, p->drip);
}

int mk_serve(struct mock *m, struct MHD_Connection *con, const char *url, const char *method,
             struct mk_conn *rc)
{
	int64_t t0 = mk_now_ms();
	struct mk_out o = {0};
	struct mk_plan p;
	/* A test oracle (header X-Ct-Oracle) reads the truth: faults never hit it. */
	bool oracle = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "X-Ct-Oracle") != NULL;
	pthread_mutex_lock(&m->mu);
	mk_rng_id(&m->frng, "req_", o.request_id);
	if (oracle) {
		memset(&p, 0, sizeof p);
		p.exempt = true;
	} else {
		mk_plan_make(m, url, method, &p);
	}
	pthread_mutex_unlock(&m->mu);
	int r = mk_serve_planned(m, con, url, method, rc, &p, &o, t0);
	mk_plan_free(&p);
	mk_out_free(&o);
	return r;
}
