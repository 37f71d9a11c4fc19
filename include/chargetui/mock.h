/*
 * mock.h — charge-mock, a stateful in-memory Charge API server on
 * libmicrohttpd, as a library: embedded by `chargetui --demo`, run by the
 * `charge-mock` binary, and started by tests.  It follows
 * ../shared/api/contract.md to the letter and is written independently of the
 * client library (it links neither src/api nor src/model), so the client is
 * tested against a second implementation of the contract, not against itself.
 *
 * HTTP surface
 *   /v1/fleets, /v1/fleets/{id}                   GET list/retrieve, POST create/update
 *   /v1/drivers, /v1/drivers/{id}                 GET list (fleet, vehicle, status filters)
 *                                                 /retrieve, POST create/update, DELETE
 *   /v1/drivers/{id}/attach, /detach              POST {"fleet": "flt_…"}
 *   /v1/charging_sessions, /{id}                  GET list (driver, fleet, vehicle, status)
 *                                                 /retrieve (read-only; made by seed + activity)
 *   /__mock/requests      GET: JSON array of served requests, oldest first:
 *                           {"seq", "method", "path", "query", "headers": {name: value},
 *                            "body" (string or null), "status", "time_ms", "request_id"}
 *                         headers exclude Authorization; ?since=SEQ returns seq > SEQ.
 *                         status 0 = dropped or stalled (no response sent).
 *                         DELETE: clear the log.  Requests to /__mock/ are not logged.
 *   /__mock/faults        POST body = a fault spec (below) replacing the current one;
 *                         GET returns the current spec; DELETE clears.  All three
 *                         answer {"spec": "<what is still armed, canonical form>"};
 *                         a bad spec gets 400 with an error object.
 *   /__mock/tick          POST: run one activity step now (as --activity would);
 *                         answers {"started": N, ...the /__mock/state counts}.
 *   /__mock/state         GET: {"fleets": N, "drivers": N, "requests": N, "sessions": N}
 *                         (drivers: not deleted; requests: entries in the log).
 * /__mock/ paths need no key and are never logged, rate-limited or faulted.
 * A /v1 request carrying the header X-Ct-Oracle (a test oracle reading the
 * truth, see tests/lib/mockctl.h) is never faulted either; it is logged.
 *
 * Fault spec: comma-separated key=value items, the same for --faults and
 * POST /__mock/faults.  Counted faults ("xN", default 1) apply to the next N
 * matching /v1 requests and then disarm themselves.
 *   latency=MS[:JITTER_MS]    delay every response
 *   error_rate=P[:STATUS]     answer a fraction P of requests with STATUS (default 503)
 *   status=CODE[xN]           answer the next N with CODE and an error object
 *                             (429 gets code rate_limit_exceeded and Retry-After)
 *   retry_after=VALUE         the literal Retry-After for injected 429s (default "1")
 *   storm=N                   the next N requests get 429 (same as status=429xN)
 *   drop=before|after[xN]     close the connection with no response; "after" first
 *                             applies the request (commits the change), then drops
 *   stall=before|after[xN]    never answer (until the mock stops); "after" commits first
 *   truncate=N                Content-Length larger than the body actually sent
 *   invalid_json=N            2xx bodies cut in half
 *   html502=N                 502 with a text/html proxy page
 *   content_type=TYPE[xN]     2xx bodies served with this Content-Type
 *   oversized=BYTES           the next response is a chunked body of BYTES bytes
 *   drip=BYTES_PER_S          send bodies at this rate
 *   redirect=URL[xN]          302 with Location: URL
 *   next_page_url=URL         list responses carry this next_page_url
 *   unauthorized=N            the next N requests get 401 authentication_error
 *   hostile=1                 the stored names of the newest 10 drivers and 3 fleets
 *                             become the SAN-1..SAN-10 payloads (see mock_hostile_payload):
 *                             newest driver = payload 0 … 10th newest = payload 9;
 *                             newest fleet = 0 (SAN-1), then 6 (SAN-5), then 7 (SAN-6)
 *   hostile=2                 (extension) as 1, and also those drivers' phone,
 *                             license_number, metadata "note" and preferred_cpos and
 *                             those fleets' description and address.city; injected
 *                             error objects then carry payloads in message, code,
 *                             param and doc_url (SAN-9)
 *   path=PREFIX               only requests whose path starts with PREFIX match
 *   method=GET|POST|DELETE    only requests with this method match
 * An empty spec or "clear" removes every fault.  Only one response-replacing
 * fault fires per request, in this order: drop, stall, redirect, unauthorized,
 * status/storm, error_rate, html502; the others stay armed for later requests.
 * latency, truncate, oversized, drip, invalid_json and content_type combine
 * with whatever answer is sent.  A comma-separated piece without "=" continues
 * the previous value (so retry_after can be an HTTP-date); an "xN" suffix is
 * read only on the keys documented with [xN].
 * Full reference: docs/charge-mock.md and charge-mock(1).
 */
#ifndef CHARGETUI_MOCK_H
#define CHARGETUI_MOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mock_options {
	const char *host;     /* NULL: "127.0.0.1" */
	int port;             /* 0: ephemeral (the charge-mock binary defaults to 8417) */
	uint64_t seed;        /* 0: 1 */
	int fleets;           /* <0: default 12; 0: none */
	int drivers;          /* <0: default 240; 0: none */
	const char *api_key;  /* NULL: any ch_sk_test_…/ch_sk_live_… key, and read-only
	                         ch_rk_test_…/ch_rk_live_… keys (403 permission_denied
	                         on anything but GET) */
	double rate_limit;    /* per key, req/s; 0: 25 test / 100 live; <0: off */
	double activity_s;    /* 0: no activity */
	const char *faults;   /* initial fault spec, or NULL */
	bool quiet;           /* no log lines on stderr */
};

struct mock;

/* Start serving in background threads.  NULL with errbuf set on failure. */
struct mock *mock_start(const struct mock_options *opt, char *errbuf, size_t errlen);
/* "http://127.0.0.1:PORT/v1": the base URL a client configures. */
const char *mock_base_url(const struct mock *m);
/* "http://127.0.0.1:PORT": where /__mock/ lives. */
const char *mock_root_url(const struct mock *m);
int mock_port(const struct mock *m);
/* Replace the fault spec; 0, or -1 with errbuf set for a bad spec. */
int mock_set_faults(struct mock *m, const char *spec, char *errbuf, size_t errlen);
/* Stop serving, free everything.  NULL is fine. */
void mock_stop(struct mock *m);

/* The hostile payloads (index 0..9 = SAN-1, SAN-3, SAN-4 ×4, SAN-5, SAN-6,
 * SAN-7, SAN-10-lite; exact list documented in src/mock/hostile.c).  Returns
 * a static string and sets *len (payloads may hold bytes cJSON keeps). */
const char *mock_hostile_payload(int i, size_t *len);

#endif
