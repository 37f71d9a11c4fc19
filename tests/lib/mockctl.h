/*
 * mockctl.h — drive an in-process charge-mock from a test: start it, read its
 * request log, switch faults, run activity ticks, and read the API the way a
 * test oracle would (to compute what the screen should show from the
 * server's own JSON, never from the console's code).
 *
 * The oracle's own requests carry a test-only header (X-Ct-Oracle: 1) and a
 * key of their own, so mockctl_requests() leaves them out and they never
 * share a rate-limit bucket with the console under test.
 *
 * Ownership: cJSON trees returned here are the caller's (cJSON_Delete);
 * struct mock_reqs is released with mock_reqs_clear().
 */
#ifndef CT_MOCKCTL_H
#define CT_MOCKCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>
#include "chargetui/mock.h"

#define MOCKCTL_KEY "ch_sk_test_oracle0123456789abcdefABCD"

struct mockctl;

/* Start a mock.  opt NULL: defaults (12 fleets, 240 drivers, seed 1, quiet).
 * NULL on failure, with the reason on stderr. */
struct mockctl *mockctl_start(const struct mock_options *opt);
void mockctl_stop(struct mockctl *mc);
const char *mockctl_base(const struct mockctl *mc); /* http://127.0.0.1:P/v1 */
const char *mockctl_root(const struct mockctl *mc); /* http://127.0.0.1:P */
struct mock *mockctl_mock(struct mockctl *mc);

struct mock_req {
	long seq;
	int status;
	char *method;
	char *path;
	char *query;    /* "" when none */
	char *body;     /* NULL when none */
	char *idem_key; /* Idempotency-Key header, NULL when absent */
};

struct mock_reqs {
	size_t n;
	struct mock_req *v;
};

/* The console's requests with seq > since (0: all), oldest first.  0 or -1. */
int mockctl_requests(struct mockctl *mc, long since, struct mock_reqs *out);
void mock_reqs_clear(struct mock_reqs *r);
/* How many requests match method (NULL: any) and path prefix (NULL: any). */
size_t mock_reqs_count(const struct mock_reqs *r, const char *method, const char *path_prefix);
/* Requests whose method is not GET (nor HEAD). */
size_t mock_reqs_mutating(const struct mock_reqs *r);
/* Highest seq in the log so far (a mark for "since"), -1 on error. */
long mockctl_last_seq(struct mockctl *mc);
int mockctl_clear_requests(struct mockctl *mc);

/* POST /__mock/faults (spec "" or "clear" removes every fault).  0 or -1. */
int mockctl_faults(struct mockctl *mc, const char *spec);
/* POST /__mock/tick n times.  0 or -1. */
int mockctl_tick(struct mockctl *mc, int n);

/* GET base + path_query (e.g. "/fleets?limit=100") with the oracle key;
 * parsed JSON or NULL (non-2xx or bad JSON).  *status gets the HTTP status
 * if status is not NULL. */
cJSON *mockctl_get(struct mockctl *mc, const char *path_query, long *status);
/* GET a list and follow next_page_url to the end: one cJSON array holding
 * every object, or NULL. */
cJSON *mockctl_get_all(struct mockctl *mc, const char *path_query);

/* Low-level: any method on an absolute URL with the oracle header and key.
 * Returns the malloc'd body (NUL-terminated) or NULL; *status the code. */
char *mockctl_http(const char *method, const char *url, const char *body, long *status);

/* Tiny JSON accessors for oracle code: NULL/def when missing or wrong type. */
const char *jstr(const cJSON *o, const char *key);
long long jint(const cJSON *o, const char *key, long long def);

#endif
