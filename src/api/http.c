/*
 * http.c — http_client and http_send: the one path that sends HTTP.
 *
 * One curl easy handle per client, reused call after call so the connection
 * stays alive (NET-6).  Everything that must hold for every request is set
 * here once: protocols, no redirects, timeouts, NOSIGNAL, the size cap, the
 * cancel check, the redacting debug trace.  http_send then adds what belongs
 * to one logical request (URL, method, body, headers with the Idempotency-Key)
 * and runs the attempts, classified by http_retry_classify.
 *
 * Each transfer runs through the client's own curl multi handle rather than
 * curl_easy_perform: libcurl calls the XFERINFOFUNCTION only about once a
 * second while a transfer stalls, so a cancel could take ~1 s to be seen,
 * while our own poll loop looks at the flag every CANCEL_POLL_MS and can be
 * woken at once (http_client_wakeup).  The multi handle lives as long as the
 * client and owns its connection cache, so keep-alive works as before.
 */
#include "chargetui/http.h"
#include "chargetui/json.h"
#include "chargetui/secret.h"
#include "http_internal.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#ifndef CHARGETUI_VERSION
#define CHARGETUI_VERSION "0"
#endif

#define DEFAULT_CONNECT_MS 10000L
#define DEFAULT_GET_MS 30000L
#define DEFAULT_POST_MS 60000L
#define DEFAULT_MAX_BYTES ((size_t)8 * 1024 * 1024)
#define DEFAULT_LOW_SPEED_S 20L
#define DEFAULT_CHARGE_VERSION "2026-03-01"
/* The longest one curl_multi_poll (and one backoff sleep slice) blocks: the
 * worst-case delay before a cancel nobody woke us for is seen (NET-8: q exits
 * within 1 s, and joining workers must leave most of that second). */
#define CANCEL_POLL_MS 50

/* What one attempt received; reset before each try. */
struct attempt {
	char *body;
	size_t len, cap;
	bool too_large;
	bool oom;
	char *content_type;
	char *retry_after;
	char *request_id;
	char *should_retry;
	bool replayed;
	int sent; /* requests sent in this try: libcurl re-sends once by itself
	             when a reused connection turns out dead */
};

struct http_client {
	CURL *h;
	CURLM *m;   /* drives h; holds the kept-alive connections (see top) */
	char *base; /* without a trailing slash */
	const struct secret *key;
	bool read_only;
	long get_timeout_ms, post_timeout_ms;
	size_t max_bytes;
	int max_attempts;
	char *charge_version;
	struct http_clock clock;
	struct rate_bucket *bucket;
	const volatile int *cancel;
	struct http_trace *trace;
	uint64_t rng;
	struct attempt at;
	char curl_err[CURL_ERROR_SIZE]; /* curl's own words for the last failure */
	struct http_handle_options applied;
};

/* --- errors --- */

static void err_set(struct api_error *e, enum api_err_kind kind, const char *fmt, ...)
{
	int attempts = e->attempts;
	double ra = e->retry_after_s;
	long status = e->http_status;
	api_error_clear(e);
	e->attempts = attempts;
	e->retry_after_s = ra;
	e->http_status = status;
	e->kind = kind;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&e->detail, fmt, ap) < 0)
		e->detail = NULL;
	va_end(ap);
}

/* --- the real clock --- */

/* The flag is set by another thread (the UI on quit); an atomic load keeps
 * that well defined (and TSan quiet) for writers using __atomic_store_n. */
static bool cancelled(const struct http_client *c)
{
	return c->cancel && __atomic_load_n(c->cancel, __ATOMIC_RELAXED);
}

static double real_now(void *ctx)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double real_wall(void *ctx)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleeps in short slices so a cancel (NET-8) ends a backoff promptly.  The
 * slices wait in curl_multi_poll with no transfer attached, which only
 * watches libcurl's wakeup pipe: http_client_wakeup ends a slice at once. */
static void real_sleep(void *ctx, double seconds)
{
	const struct http_client *c = ctx;
	double end = real_now(NULL) + seconds;
	for (;;) {
		if (cancelled(c))
			return;
		double left = end - real_now(NULL);
		if (left <= 0)
			return;
		int ms = left * 1000 < CANCEL_POLL_MS ? (int)(left * 1000) + 1 : CANCEL_POLL_MS;
		if (curl_multi_poll(c->m, NULL, 0, ms, NULL) != CURLM_OK) {
			struct timespec ts = {0, (long)ms * 1000000L};
			nanosleep(&ts, NULL);
		}
	}
}

static double client_jitter(struct http_client *c)
{
	/* xorshift64*: jitter needs spread, not secrecy. */
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return (double)((c->rng * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

/* --- curl callbacks --- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct http_client *c = ud;
	struct attempt *a = &c->at;
	size_t n = size * nmemb;
	/* Counted on decoded bytes, so a gzip bomb stops here too (NET-7). */
	if (n > c->max_bytes - a->len) {
		a->too_large = true;
		return 0;
	}
	if (a->len + n + 1 > a->cap) {
		size_t cap = a->cap ? a->cap : 4096;
		while (cap < a->len + n + 1)
			cap *= 2;
		if (cap > c->max_bytes + 1)
			cap = c->max_bytes + 1;
		char *p = realloc(a->body, cap);
		if (!p) {
			a->oom = true;
			return 0;
		}
		a->body = p;
		a->cap = cap;
	}
	memcpy(a->body + a->len, data, n);
	a->len += n;
	a->body[a->len] = '\0';
	return n;
}

static void attempt_reset(struct attempt *a)
{
	free(a->body);
	free(a->content_type);
	free(a->retry_after);
	free(a->request_id);
	free(a->should_retry);
	memset(a, 0, sizeof *a);
}

static void header_take(char **slot, const char *v, size_t n)
{
	free(*slot);
	*slot = strndup(v, n);
}

static size_t on_header(char *buf, size_t size, size_t nmemb, void *ud)
{
	struct attempt *a = &((struct http_client *)ud)->at;
	size_t n = size * nmemb;
	if (n >= 5 && strncmp(buf, "HTTP/", 5) == 0) {
		/* A new response (after a 100 Continue): forget the last one's. */
		char *body = a->body;
		size_t len = a->len, cap = a->cap;
		int sent = a->sent;
		a->body = NULL;
		attempt_reset(a);
		a->body = body, a->len = len, a->cap = cap, a->sent = sent;
		return n;
	}
	const char *colon = memchr(buf, ':', n);
	if (!colon)
		return n;
	size_t nl = (size_t)(colon - buf);
	const char *v = colon + 1, *end = buf + n;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	size_t vl = (size_t)(end - v);
#define IS(name) (nl == sizeof(name) - 1 && strncasecmp(buf, name, nl) == 0)
	if (IS("Content-Type"))
		header_take(&a->content_type, v, vl);
	else if (IS("Retry-After"))
		header_take(&a->retry_after, v, vl);
	else if (IS("Request-Id"))
		header_take(&a->request_id, v, vl);
	else if (IS("Stripe-Should-Retry") || IS("Charge-Should-Retry"))
		header_take(&a->should_retry, v, vl);
	else if (IS("Idempotent-Replayed"))
		a->replayed = vl == 4 && strncasecmp(v, "true", 4) == 0;
#undef IS
	return n;
}

static int on_prereq(void *ud, char *ip, char *local_ip, int port, int local_port)
{
	(void)ip, (void)local_ip, (void)port, (void)local_port;
	((struct http_client *)ud)->at.sent++;
	return CURL_PREREQFUNC_OK;
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)dt, (void)dn, (void)ut, (void)un;
	return cancelled(ud) ? 1 : 0;
}

/* --- client --- */

/* The hardening options are set from one struct http_handle_options, which
 * http_client_options() hands to tests once libcurl accepted them all: what
 * a test reads is what the handle was given, not a second list of literals
 * that could drift from the setopt calls. */
static int client_setopts(struct http_client *c, const struct http_config *cfg, bool loopback)
{
	CURL *h = c->h;
	const struct http_handle_options o = {
	    .protocols = loopback ? "https,http" : "https",
	    .redir_protocols = "https",
	    .followlocation = 0,
	    .nosignal = 1,
	    .verifypeer = 1,
	    .verifyhost = 2,
	    .connect_timeout_ms =
	        cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : DEFAULT_CONNECT_MS,
	    .get_timeout_ms = c->get_timeout_ms,   /* set per request (http_send) */
	    .post_timeout_ms = c->post_timeout_ms, /* likewise */
	    .low_speed_limit = 1,
	    .low_speed_time_s =
	        cfg->low_speed_time_s > 0 ? cfg->low_speed_time_s : DEFAULT_LOW_SPEED_S,
	    .max_filesize = (long long)c->max_bytes,
	    .accept_encoding = true,
	    .verbose = c->trace != NULL,
	    .debug_function = c->trace != NULL,
	    .xferinfo = true,
	};
	CURLcode rc = CURLE_OK;
#define SET(opt, val)                                                                              \
	if (rc == CURLE_OK)                                                                        \
	rc = curl_easy_setopt(h, opt, val)
	SET(CURLOPT_PROTOCOLS_STR, o.protocols);
	SET(CURLOPT_REDIR_PROTOCOLS_STR, o.redir_protocols);
	SET(CURLOPT_FOLLOWLOCATION, o.followlocation);
	SET(CURLOPT_NOSIGNAL, o.nosignal);
	SET(CURLOPT_SSL_VERIFYPEER, o.verifypeer);
	SET(CURLOPT_SSL_VERIFYHOST, o.verifyhost);
	SET(CURLOPT_CONNECTTIMEOUT_MS, o.connect_timeout_ms);
	SET(CURLOPT_LOW_SPEED_LIMIT, o.low_speed_limit);
	SET(CURLOPT_LOW_SPEED_TIME, o.low_speed_time_s);
	if (o.accept_encoding)
		SET(CURLOPT_ACCEPT_ENCODING, "");
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o.max_filesize);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, c);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, c);
	if (o.xferinfo) {
		SET(CURLOPT_NOPROGRESS, 0L);
		SET(CURLOPT_XFERINFOFUNCTION, on_progress);
		SET(CURLOPT_XFERINFODATA, c);
	}
	SET(CURLOPT_PREREQFUNCTION, on_prereq);
	SET(CURLOPT_PREREQDATA, c);
	SET(CURLOPT_USERAGENT, "chargetui/" CHARGETUI_VERSION);
	SET(CURLOPT_ERRORBUFFER, c->curl_err);
	if (cfg->cacert)
		SET(CURLOPT_CAINFO, cfg->cacert);
	if (o.debug_function) {
		/* The one exception to SEC-5's "never VERBOSE": libcurl calls a
		 * DEBUGFUNCTION only while VERBOSE is on, so --debug-log needs
		 * both.  The function is installed first and replaces curl's
		 * stderr printer, so nothing reaches stderr and every line
		 * passes the redaction in http_trace.c.  Without --debug-log
		 * VERBOSE stays off (http_client_options() lets a test check). */
		SET(CURLOPT_DEBUGFUNCTION, http_trace_curl_cb);
		SET(CURLOPT_DEBUGDATA, c->trace);
		SET(CURLOPT_VERBOSE, (long)o.verbose); /* check-source: allow (SEC-5, see above) */
	}
#undef SET
	if (rc != CURLE_OK)
		return -1;
	c->applied = o;
	return 0;
}

void http_client_options(const struct http_client *c, struct http_handle_options *out)
{
	*out = c->applied;
}

/* A configured value that becomes a header: visible ASCII and spaces only. */
static bool header_value_ok(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p < 0x20 || *p >= 0x7f)
			return false;
	}
	return true;
}

static int client_fill(struct http_client *c, const struct http_config *cfg)
{
	size_t bl = strlen(cfg->base_url);
	while (bl > 0 && cfg->base_url[bl - 1] == '/')
		bl--;
	c->base = strndup(cfg->base_url, bl);
	c->charge_version =
	    strdup(cfg->charge_version ? cfg->charge_version : DEFAULT_CHARGE_VERSION);
	c->key = cfg->key;
	c->read_only = cfg->read_only;
	c->get_timeout_ms = cfg->get_timeout_ms > 0 ? cfg->get_timeout_ms : DEFAULT_GET_MS;
	c->post_timeout_ms = cfg->post_timeout_ms > 0 ? cfg->post_timeout_ms : DEFAULT_POST_MS;
	c->max_bytes = cfg->max_response_bytes > 0 ? cfg->max_response_bytes : DEFAULT_MAX_BYTES;
	c->max_attempts = cfg->max_attempts > 0 ? cfg->max_attempts : HTTP_DEFAULT_MAX_ATTEMPTS;
	c->bucket = cfg->bucket;
	c->cancel = cfg->cancel;
	if (cfg->clock) {
		c->clock = *cfg->clock;
	} else {
		c->clock = (struct http_clock){real_now, real_wall, real_sleep, c};
	}
	http_random_bytes(&c->rng, sizeof c->rng);
	c->rng |= 1;
	return c->base && c->charge_version ? 0 : -1;
}

struct http_client *http_client_new(const struct http_config *cfg, struct api_error *err)
{
	char why[256];
	bool loopback = false;
	api_error_clear(err);
	err->retry_after_s = -1;
	if (!cfg || !cfg->base_url) {
		err_set(err, API_ERR_REFUSED, "no base URL");
		return NULL;
	}
	if (http_base_check(cfg->base_url, &loopback, why, sizeof why) != 0) {
		err_set(err, API_ERR_REFUSED, "%s", why);
		return NULL;
	}
	if (cfg->charge_version && !header_value_ok(cfg->charge_version)) {
		err_set(err, API_ERR_REFUSED, "invalid Charge-Version");
		return NULL;
	}
	struct http_client *c = calloc(1, sizeof *c);
	if (!c || client_fill(c, cfg) != 0 || !(c->h = curl_easy_init()) ||
	    !(c->m = curl_multi_init())) {
		http_client_free(c);
		err_set(err, API_ERR_INTERNAL, "out of memory or curl init failed");
		return NULL;
	}
	if (cfg->debug_log_path &&
	    !(c->trace = http_trace_open(cfg->debug_log_path, cfg->key, why, sizeof why))) {
		http_client_free(c);
		err_set(err, API_ERR_REFUSED, "%s", why);
		return NULL;
	}
	if (client_setopts(c, cfg, loopback) != 0) {
		http_client_free(c);
		err_set(err, API_ERR_INTERNAL, "curl rejected an option (libcurl too old?)");
		return NULL;
	}
	return c;
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	/* h is never left attached to m (transfer() removes it), so the
	 * order is free; the multi first closes the cached connections. */
	if (c->m)
		curl_multi_cleanup(c->m);
	if (c->h)
		curl_easy_cleanup(c->h);
	http_trace_close(c->trace);
	attempt_reset(&c->at);
	free(c->base);
	free(c->charge_version);
	free(c);
}

void http_client_wakeup(struct http_client *c)
{
	/* libcurl documents curl_multi_wakeup as callable from any thread
	 * (7.68+); c->m is set before the client is handed to anyone. */
	if (c && c->m)
		curl_multi_wakeup(c->m);
}

void http_response_clear(struct http_response *r)
{
	if (!r)
		return;
	free(r->body);
	free(r->content_type);
	free(r->request_id);
	memset(r, 0, sizeof *r);
}

/* --- one logical request --- */

/* The URL of a request: base + target (+ ?query), or an absolute URL taken
 * from a response.  Either way the result must pass the origin check, so a
 * path from an id or a page link can never leave the base (NET-3, NET-10). */
static char *build_url(const struct http_client *c, const char *target, const char *query,
                       struct api_error *err)
{
	bool absolute =
	    strncasecmp(target, "http://", 7) == 0 || strncasecmp(target, "https://", 8) == 0;
	char *url = NULL;
	int n;
	if (absolute)
		n = asprintf(&url, "%s%s%s", target, query ? (strchr(target, '?') ? "&" : "?") : "",
		             query ? query : "");
	else
		n = asprintf(&url, "%s%s%s%s", c->base, target[0] == '/' ? "" : "/", target,
		             query ? (strchr(target, '?') ? "&" : "?") : "");
	if (n < 0) {
		err_set(err, API_ERR_INTERNAL, "out of memory");
		return NULL;
	}
	if (!absolute && query) {
		char *full = NULL;
		n = asprintf(&full, "%s%s", url, query);
		free(url);
		url = n < 0 ? NULL : full;
		if (!url) {
			err_set(err, API_ERR_INTERNAL, "out of memory");
			return NULL;
		}
	}
	if (!http_same_origin(c->base, url)) {
		err_set(err, API_ERR_REFUSED,
		        absolute ? "refused cross-origin page link"
		                 : "refused request path outside the API base");
		free(url);
		return NULL;
	}
	return url;
}

/* Free a header list after wiping it: one entry holds the key. */
static void headers_free(struct curl_slist *l)
{
	for (struct curl_slist *p = l; p; p = p->next)
		explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

static struct curl_slist *headers_build(const struct http_client *c, bool has_body,
                                        const char *idem_key)
{
	struct curl_slist *l = NULL, *t;
	char line[1400];
	const char *key = secret_value(c->key);
	bool ok = true;
#define ADD(s)                                                                                     \
	do {                                                                                       \
		if (ok && (t = curl_slist_append(l, s)) != NULL)                                   \
			l = t;                                                                     \
		else                                                                               \
			ok = false;                                                                \
	} while (0)
	if (key) {
		ok = (size_t)snprintf(line, sizeof line, "Authorization: Bearer %s", key) <
		     sizeof line;
		ADD(line);
		explicit_bzero(line, sizeof line);
	}
	snprintf(line, sizeof line, "Charge-Version: %s", c->charge_version);
	ADD(line);
	ADD("Accept: application/json");
	/* No 100-continue round trip for our small bodies. */
	ADD("Expect:");
	if (has_body)
		ADD("Content-Type: application/json");
	if (idem_key) {
		snprintf(line, sizeof line, "Idempotency-Key: %s", idem_key);
		ADD(line);
	}
#undef ADD
	if (!ok) {
		headers_free(l);
		return NULL;
	}
	return l;
}

static int request_setopts(struct http_client *c, const char *method, const char *url,
                           const char *body, struct curl_slist *hdrs)
{
	CURL *h = c->h;
	bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
	CURLcode rc = curl_easy_setopt(h, CURLOPT_URL, url);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	if (rc == CURLE_OK && post) {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		                 (curl_off_t)(body ? strlen(body) : 0));
		rc = curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
	} else if (rc == CURLE_OK) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
		rc = curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, get ? NULL : method);
	}
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
		                      get ? c->get_timeout_ms : c->post_timeout_ms);
	return rc == CURLE_OK ? 0 : -1;
}

static bool content_type_json(const char *ct)
{
	if (!ct)
		return false;
	size_t n = strlen("application/json");
	return strncasecmp(ct, "application/json", n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static const char *status_phrase(long status)
{
	switch (status) {
	case 500:
		return "internal server error";
	case 502:
		return "bad gateway";
	case 503:
		return "service unavailable";
	case 504:
		return "gateway timeout";
	default:
		return "HTTP error";
	}
}

/* curl's failure in our words; a no-response outcome keeps NETWORK/TIMEOUT
 * here and becomes UNKNOWN for a POST at the end of http_send. */
static void curl_failure(struct api_error *err, CURLcode cc, bool too_large, const char *why)
{
	/* curl's buffer names the cause ("SSL certificate problem: self-signed
	 * certificate", NET-2); it holds host and port, never headers. */
	const char *words = why && why[0] ? why : curl_easy_strerror(cc);
	if (too_large || cc == CURLE_FILESIZE_EXCEEDED) {
		err_set(err, API_ERR_TOO_LARGE, "response too large");
	} else if (cc == CURLE_ABORTED_BY_CALLBACK) {
		err_set(err, API_ERR_CANCELLED, "cancelled");
	} else if (cc == CURLE_OPERATION_TIMEDOUT) {
		err_set(err, API_ERR_TIMEOUT, "%s", words);
	} else if (cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CONNECT_ERROR ||
	           cc == CURLE_SSL_CACERT_BADFILE || cc == CURLE_SSL_CERTPROBLEM ||
	           cc == CURLE_SSL_ISSUER_ERROR || cc == CURLE_SSL_PINNEDPUBKEYNOTMATCH ||
	           cc == CURLE_SSL_INVALIDCERTSTATUS || cc == CURLE_SSL_CRL_BADFILE) {
		err_set(err, API_ERR_TLS, "%s", words);
	} else if (cc == CURLE_UNSUPPORTED_PROTOCOL) {
		err_set(err, API_ERR_REFUSED, "refused protocol (%s)", words);
	} else {
		err_set(err, API_ERR_NETWORK, "%s", words);
	}
}

/* err from a non-2xx, non-3xx answer: the server's error object when there is
 * one; a proxy's HTML page becomes "bad gateway (502) from proxy" (NET-9). */
static void status_error(struct http_client *c, long status, struct api_error *err)
{
	struct attempt *a = &c->at;
	int attempts = err->attempts;
	api_error_clear(err);
	json_decode_error(a->body ? a->body : "", a->len, status, err);
	err->kind = API_ERR_HTTP;
	err->http_status = status;
	err->attempts = attempts;
	err->retry_after_s = http_retry_after_parse(a->retry_after, c->clock.wall(c->clock.ctx));
	if (!err->request_id && a->request_id)
		err->request_id = strdup(a->request_id);
	if (!content_type_json(a->content_type) && !err->detail &&
	    asprintf(&err->detail, "%s (%ld) from proxy", status_phrase(status), status) < 0)
		err->detail = NULL;
}

enum verdict { V_OK, V_FAIL, V_RETRY };

static enum verdict judge(struct http_client *c, const char *method, CURLcode cc, long status,
                          int attempt, struct api_error *err, double *delay)
{
	struct attempt *a = &c->at;
	bool too_long = false;
	struct retry_input in = {
	    .method = method,
	    .curl_code = (int)cc,
	    .status = status,
	    .retry_after = a->retry_after,
	    .should_retry = a->should_retry,
	    .attempt = attempt,
	    .max_attempts = c->max_attempts,
	    .jitter01 = client_jitter(c),
	    .now_wall = c->clock.wall(c->clock.ctx),
	};
	if (cc != CURLE_OK) {
		curl_failure(err, cc, a->too_large, c->curl_err);
		if (a->oom)
			err_set(err, API_ERR_INTERNAL, "out of memory reading the response");
		if (a->too_large || a->oom || cc == CURLE_ABORTED_BY_CALLBACK)
			return V_FAIL;
		return http_retry_classify(&in, delay, &too_long) ? V_RETRY : V_FAIL;
	}
	if (status >= 200 && status < 300) {
		if (content_type_json(a->content_type))
			return V_OK;
		err_set(err, API_ERR_MALFORMED, "malformed response: not application/json (%ld)",
		        status);
		err->http_status = status;
		return V_FAIL;
	}
	if (status >= 300 && status < 400) {
		err_set(err, API_ERR_REDIRECT, "unexpected redirect (%ld)", status);
		err->http_status = status;
		return V_FAIL;
	}
	status_error(c, status, err);
	in.error_code = err->code;
	if (http_retry_classify(&in, delay, &too_long))
		return V_RETRY;
	if (too_long) {
		free(err->detail);
		err->kind = API_ERR_RATE_LIMITED;
		if (asprintf(&err->detail, "retry after %.0f s", err->retry_after_s) < 0)
			err->detail = NULL;
	}
	return V_FAIL;
}

static void take_response(struct http_client *c, long status, struct http_response *resp)
{
	struct attempt *a = &c->at;
	resp->status = status;
	resp->body = a->body ? a->body : calloc(1, 1);
	resp->len = a->body ? a->len : 0;
	resp->content_type = a->content_type;
	resp->request_id = a->request_id;
	resp->replayed = a->replayed;
	a->body = NULL;
	a->content_type = NULL;
	a->request_id = NULL;
	attempt_reset(a);
}

static void trace_attempt(struct http_client *c, const char *method, const char *url,
                          const char *body, int attempt)
{
	if (!c->trace)
		return;
	char line[2200];
	int n = snprintf(line, sizeof line, "== %s %.2000s (attempt %d)", method, url, attempt);
	http_trace_lines(c->trace, "", line, n < 0 ? 0 : (size_t)n);
	if (body)
		http_trace_body(c->trace, ">> ", body, strlen(body));
}

static void trace_result(struct http_client *c, CURLcode cc, long status)
{
	if (!c->trace)
		return;
	if (c->at.body)
		http_trace_body(c->trace, "<< ", c->at.body, c->at.len);
	char line[160];
	int n = cc == CURLE_OK
	            ? snprintf(line, sizeof line, "== status %ld", status)
	            : snprintf(line, sizeof line, "== failed: %s", curl_easy_strerror(cc));
	http_trace_lines(c->trace, "", line, n < 0 ? 0 : (size_t)n);
}

/* A multi-level failure as a CURLcode, so judge() and the retry classifier
 * see what they saw from curl_easy_perform; curl_err keeps the real words. */
static CURLcode multi_failure(struct http_client *c, CURLMcode mc)
{
	snprintf(c->curl_err, sizeof c->curl_err, "%s", curl_multi_strerror(mc));
	return mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT;
}

/* True once libcurl has reported our transfer done, with its result. */
static bool transfer_done(struct http_client *c, CURLcode *cc)
{
	bool done = false;
	int left;
	CURLMsg *msg;
	while ((msg = curl_multi_info_read(c->m, &left)) != NULL) {
		if (msg->msg == CURLMSG_DONE && msg->easy_handle == c->h) {
			*cc = msg->data.result;
			done = true;
		}
	}
	return done;
}

/* curl_easy_perform, but looking at the cancel flag at least every
 * CANCEL_POLL_MS.  A cancel is reported as CURLE_ABORTED_BY_CALLBACK, as when
 * on_progress aborts, so the mapping downstream is the same either way.  A
 * transfer that finished wins over a cancel seen in the same turn. */
static CURLcode transfer(struct http_client *c)
{
	CURLMcode mc = curl_multi_add_handle(c->m, c->h);
	if (mc != CURLM_OK)
		return multi_failure(c, mc);
	CURLcode cc = CURLE_OK;
	for (;;) {
		int running = 0;
		mc = curl_multi_perform(c->m, &running);
		if (mc != CURLM_OK) {
			cc = multi_failure(c, mc);
			break;
		}
		if (transfer_done(c, &cc))
			break;
		if (running == 0) {
			/* libcurl queues the DONE message in the perform call
			 * that ends the transfer, so this is not expected. */
			snprintf(c->curl_err, sizeof c->curl_err,
			         "transfer ended without a result");
			cc = CURLE_FAILED_INIT;
			break;
		}
		if (cancelled(c)) {
			cc = CURLE_ABORTED_BY_CALLBACK;
			break;
		}
		mc = curl_multi_poll(c->m, NULL, 0, CANCEL_POLL_MS, NULL);
		if (mc != CURLM_OK) {
			cc = multi_failure(c, mc);
			break;
		}
	}
	/* Removing an unfinished transfer closes its connection; a finished
	 * one's stays in m's cache for the next request. */
	curl_multi_remove_handle(c->m, c->h);
	return cc;
}

/* The request may have reached the server but we do not know what it did. */
static bool outcome_ambiguous(CURLcode cc)
{
	return cc == CURLE_SEND_ERROR || cc == CURLE_RECV_ERROR || cc == CURLE_GOT_NOTHING ||
	       cc == CURLE_PARTIAL_FILE || cc == CURLE_OPERATION_TIMEDOUT ||
	       cc == CURLE_ABORTED_BY_CALLBACK;
}

static int run_attempts(struct http_client *c, const char *method, const char *url,
                        const char *body, struct http_response *resp, struct api_error *err)
{
	bool ambiguous = false, post = strcmp(method, "POST") == 0;
	CURLcode cc = CURLE_OK;
	long status = 0;
	int resent = 0; /* libcurl's own re-sends, counted in err->attempts */
	for (int attempt = 1;; attempt++) {
		if (cancelled(c) || rate_bucket_take(c->bucket, c->cancel) != 0) {
			err_set(err, API_ERR_CANCELLED, "cancelled");
			break;
		}
		attempt_reset(&c->at);
		c->curl_err[0] = '\0';
		trace_attempt(c, method, url, body, attempt);
		cc = transfer(c);
		status = 0;
		if (cc == CURLE_OK)
			curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &status);
		trace_result(c, cc, status);
		if (c->at.sent > 1)
			resent += c->at.sent - 1;
		err->attempts = attempt + resent;
		ambiguous |= outcome_ambiguous(cc);
		double delay = 0;
		enum verdict v = judge(c, method, cc, status, attempt, err, &delay);
		if (v == V_OK) {
			take_response(c, status, resp);
			api_error_clear(err);
			err->attempts = attempt + resent;
			err->retry_after_s = -1;
			return 0;
		}
		if (v == V_FAIL)
			break;
		if (status == 429)
			rate_bucket_pause(c->bucket, delay);
		c->clock.sleep(c->clock.ctx, delay);
	}
	attempt_reset(&c->at);
	/* A POST that may have been applied is not "failed" (RTY-8).  A 5xx
	 * after an ambiguous try proves nothing either: the earlier try may
	 * have committed before the server started failing. */
	if (post && ambiguous && (cc != CURLE_OK || status >= 500)) {
		if (err->kind == API_ERR_CANCELLED)
			err_set(err, API_ERR_CANCELLED, "cancelled \u2014 outcome unknown, verify");
		else if (err->kind != API_ERR_TOO_LARGE)
			err_set(err, API_ERR_UNKNOWN, "unknown \u2014 verify");
	}
	return -1;
}

static int send_prepare(struct http_client *c, const char *method, const char *idem_key,
                        char key[256], struct api_error *err)
{
	bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
	if (!get && c->read_only) {
		err_set(err, API_ERR_REFUSED, "read-only mode: %s refused",
		        post ? "POST" : "DELETE");
		return -1;
	}
	if (!get && !post && strcmp(method, "DELETE") != 0) {
		err_set(err, API_ERR_REFUSED, "unsupported method");
		return -1;
	}
	key[0] = '\0';
	if (post && idem_key) {
		if (!http_idem_key_valid(idem_key)) {
			err_set(err, API_ERR_REFUSED, "invalid Idempotency-Key");
			return -1;
		}
		snprintf(key, 256, "%s", idem_key);
	} else if (post) {
		/* Made once here, so every retry below carries the same key. */
		http_idempotency_key(key);
	}
	return 0;
}

int http_send(struct http_client *c, const char *method, const char *target, const char *query,
              const char *body, const char *idem_key, struct http_response *resp,
              struct api_error *err)
{
	char key[256];
	api_error_clear(err);
	err->retry_after_s = -1;
	if (resp)
		memset(resp, 0, sizeof *resp);
	if (!c || !method || !target || !resp) {
		err_set(err, API_ERR_INTERNAL, "http_send: missing argument");
		return -1;
	}
	if (send_prepare(c, method, idem_key, key, err) != 0)
		return -1;
	char *url = build_url(c, target, query, err);
	if (!url)
		return -1;
	struct curl_slist *hdrs = headers_build(c, body != NULL, key[0] ? key : NULL);
	int rc = -1;
	if (!hdrs || request_setopts(c, method, url, body, hdrs) != 0)
		err_set(err, API_ERR_INTERNAL, "out of memory building the request");
	else
		rc = run_attempts(c, method, url, body, resp, err);
	/* The handle outlives this call: drop pointers to what we free. */
	curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, NULL);
	headers_free(hdrs);
	free(url);
	return rc;
}
