/*
 * http.h — the one path that sends HTTP (style.md: one door each).  Read-only
 * refusal, redaction, retries, idempotency, the size cap and the origin
 * checks live here and nowhere else.
 *
 * A struct http_client owns one curl easy handle and is used by one thread at
 * a time (NET-6).  Hardening (NET-1..NET-10): https only (http only when the
 * base host is loopback), no redirects followed, timeouts, low-speed limit,
 * NOSIGNAL, response cap counted on decoded bytes, Charge-Version header,
 * Idempotency-Key on every POST (the same on every retry), Bearer key only in
 * the header, never VERBOSE; debug tracing through CURLOPT_DEBUGFUNCTION with
 * keys redacted.
 *
 * Retries (RTY-3..RTY-5, RTY-8): connection errors, 429 (after Retry-After up
 * to 60 s) and 500/502/503/504 only; min(0.5 s * 2^(n-1), 5 s) * jitter
 * [0.5, 1], floor 0.5 s; at most max_attempts tries.  A POST whose tries all
 * end with no response returns API_ERR_UNKNOWN ("unknown — verify"), never a
 * plain failure.
 */
#ifndef CHARGETUI_HTTP_H
#define CHARGETUI_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "chargetui/model.h"

struct secret;

/* An injectable clock so retry tests need not sleep for real. */
struct http_clock {
	double (*now)(void *ctx);                /* seconds, monotonic */
	double (*wall)(void *ctx);               /* seconds since epoch (HTTP-date Retry-After) */
	void (*sleep)(void *ctx, double seconds); /* may return early if cancelled */
	void *ctx;
};

/* Client-side token bucket shared by every client of a console (RTY-7):
 * thread-safe; take() blocks until a token is free or *cancel is set (checked
 * every 50 ms with an atomic load, see http_config.cancel). */
struct rate_bucket;
struct rate_bucket *rate_bucket_new(double per_second, int burst);
void rate_bucket_free(struct rate_bucket *b);
/* 0 when a token was taken, -1 when cancelled. */
int rate_bucket_take(struct rate_bucket *b, const volatile int *cancel);
/* Hand out no token for the next `seconds` (never shortens a pause).  A client
 * that gets a 429 it will retry pauses its bucket for the wait, so a 429 holds
 * back every worker and the refresh thread sharing it, not only the one that
 * got it (RTY-6). */
void rate_bucket_pause(struct rate_bucket *b, double seconds);

struct http_config {
	const char *base_url;          /* "https://api.chargeapi.co/v1" or "http://127.0.0.1:P/v1" */
	const struct secret *key;      /* borrowed; NULL sends no Authorization */
	bool read_only;                /* refuse every non-GET before the network (kiosk, --read-only) */
	long connect_timeout_ms;       /* 0: 10000 */
	long get_timeout_ms;           /* 0: 30000 */
	long post_timeout_ms;          /* 0: 60000 */
	size_t max_response_bytes;     /* 0: 8 MiB */
	int max_attempts;              /* 0: 3 */
	const char *cacert;            /* --cacert, or NULL */
	const char *charge_version;    /* NULL: "2026-03-01" */
	const char *debug_log_path;    /* --debug-log, or NULL */
	const struct http_clock *clock; /* NULL: the real clock */
	struct rate_bucket *bucket;    /* NULL: none */
	const volatile int *cancel;    /* when non-NULL and *cancel != 0, abort transfers and
					* backoff sleeps (NET-8); read with relaxed atomic loads,
					* so set it from another thread with
					* __atomic_store_n(&flag, 1, __ATOMIC_RELAXED) */
	long low_speed_time_s;         /* 0: 20 (LOW_SPEED_LIMIT is 1 B/s over this) */
};

struct http_response {
	long status;
	char *body; /* NUL-terminated (len + 1 allocated), owned */
	size_t len;
	char *content_type;
	char *request_id; /* Request-Id header if any */
	bool replayed;    /* Idempotent-Replayed: true */
};
void http_response_clear(struct http_response *r);

struct http_client;

/* What http_client_new set on its curl handle, recorded once libcurl had
 * accepted every option (NET-1, NET-2, NET-4, NET-5, NET-7), so a unit test
 * can assert the hardening without a network.  verbose is on only together
 * with debug_function (--debug-log): libcurl calls a DEBUGFUNCTION only in
 * verbose mode, and with one installed nothing reaches stderr (SEC-5). */
struct http_handle_options {
	const char *protocols;       /* "https" or, for a loopback base, "https,http" */
	const char *redir_protocols; /* "https" */
	long followlocation, nosignal, verifypeer, verifyhost;
	long connect_timeout_ms, get_timeout_ms, post_timeout_ms;
	long low_speed_limit, low_speed_time_s;
	long long max_filesize;
	bool accept_encoding, verbose, debug_function, xferinfo;
};
void http_client_options(const struct http_client *c, struct http_handle_options *out);

/* Validates the base URL (scheme, loopback rule; a file:, ftp:, gopher: or
 * non-loopback http: base is refused with API_ERR_REFUSED).  NULL on error. */
struct http_client *http_client_new(const struct http_config *cfg, struct api_error *err);
void http_client_free(struct http_client *c);

/* Make c's current wait (a stalled transfer, or a backoff sleep) look at its
 * cancel flag now instead of within the next 50 ms.  The one call here that
 * may be made from another thread while c is in use: set the cancel flag
 * first, then call this.  A wakeup with nothing waiting only makes the
 * client's next wait return early once. */
void http_client_wakeup(struct http_client *c);

/* Conventions for every function here and in api.h: *err must be zeroed
 * ({0}) or hold an earlier error, since it is cleared (api_error_clear) before
 * it is filled; on success it is cleared too, with attempts still set.
 * err->attempts counts the requests made, including the one re-send libcurl
 * does by itself when a reused keep-alive connection turns out dead (same
 * bytes, same Idempotency-Key).  err->retry_after_s is -1 unless a
 * Retry-After header came with the last answer.  *resp is overwritten. */

/* Send one logical request, with retries.  target is a path under the base
 * ("/drivers/drv_…") or an absolute URL taken from a response, which must pass
 * http_same_origin() first.  query is "a=b&c=d" already escaped, or NULL.
 * body is JSON or NULL.  idem_key: for POST, the key to use on every try; NULL
 * makes one.  On 2xx with application/json: 0 and *resp filled.  Otherwise -1
 * and *err filled (for an HTTP error status, from the error body). */
int http_send(struct http_client *c, const char *method, const char *target,
	      const char *query, const char *body, const char *idem_key,
	      struct http_response *resp, struct api_error *err);

/* --- pure helpers, exposed for tests and for the other layers --- */

/* A fresh UUIDv4 from getrandom(2) into out (37 bytes). */
void http_idempotency_key(char out[37]);

/* NET-3: same scheme, host and port as base, and path under base's path. */
bool http_same_origin(const char *base_url, const char *url);

/* NET-10: ^[a-z]+_[A-Za-z0-9]{1,64}$ */
bool http_id_valid(const char *id);

/* RTY-3 classification.  curl_code is a CURLcode (0 when a response came).
 * Returns true when the attempt should be retried; *delay_s is how long to
 * wait first (from Retry-After or the backoff).  attempt counts from 1.
 * Sets *too_long when a 429's Retry-After is beyond 60 s (no auto retry). */
struct retry_input {
	const char *method;
	int curl_code;
	long status;
	const char *retry_after;  /* header value or NULL */
	const char *should_retry; /* a Stripe-Should-Retry-style header, or NULL */
	const char *error_code;   /* error object's code, or NULL */
	int attempt;
	int max_attempts;
	double jitter01;          /* uniform [0, 1) */
	double now_wall;          /* seconds since epoch */
};
bool http_retry_classify(const struct retry_input *in, double *delay_s, bool *too_long);
/* Seconds to wait from a Retry-After value (delta-seconds or HTTP-date), or -1
 * when malformed. */
double http_retry_after_parse(const char *v, double now_wall);
/* min(0.5 * 2^(attempt-1), 5) * (0.5 + 0.5 * jitter01), floor 0.5. */
double http_backoff(int attempt, double jitter01);

/* --- the --debug-log trace (SEC-4, SEC-5), exposed so a unit test can feed
 * it a header block; http_client_new opens one when debug_log_path is set ---
 *
 * The file is opened O_APPEND|O_NOFOLLOW, created 0600 (an existing looser
 * file is chmod'ed 0600), and refused when not a regular file of ours.  key is
 * borrowed and only used to redact its own verbatim occurrences. */
struct http_trace;
struct http_trace *http_trace_open(const char *path, const struct secret *key, char *why,
				   size_t n);
void http_trace_close(struct http_trace *t);
/* One curl debug event (type is a curl_infotype: TEXT, HEADER_IN, HEADER_OUT;
 * data events are ignored, bodies are logged whole by http_send). */
void http_trace_event(struct http_trace *t, int type, const char *data, size_t size);
/* Log text as prefixed lines, redacted with secret_redact_text and with
 * control bytes escaped (\r, \n, \t, \xNN). */
void http_trace_lines(struct http_trace *t, const char *prefix, const char *data, size_t len);

#endif
