/*
 * error.c — one line in plain words for an api_error.
 *
 * The words are chosen for the person at the console, not for the HTTP
 * spec: "key rejected (401)" tells them what to do, "HTTP 401" does not.  The
 * server's own message is used when it has one, with status, code and
 * request id in parentheses so a support ticket can quote them.  As a last
 * guard, anything shaped like an API key is redacted from the line (SEC-4),
 * in case a server or proxy echoed one back.
 */
#include <stdio.h>
#include <string.h>

#include "chargetui/model.h"

static const char *err_phrase(long status)
{
	switch (status) {
	case 400:
		return "bad request";
	case 401:
		return "key rejected";
	case 403:
		return "this key lacks permission";
	case 404:
		return "not found";
	case 409:
		return "conflict";
	case 422:
		return "request refused";
	case 429:
		return "rate limited";
	case 500:
		return "server error";
	case 502:
		return "bad gateway";
	case 503:
		return "service unavailable";
	case 504:
		return "gateway timeout";
	default:
		return status >= 500 ? "server error" : "request failed";
	}
}

/* "(404 fleet_not_found, req_…)" with whatever parts exist. */
static void err_tail(const struct api_error *e, char *t, size_t n)
{
	snprintf(t, n, " (%ld%s%s%s%s)", e->http_status, e->code ? " " : "", e->code ? e->code : "",
	         e->request_id ? ", " : "", e->request_id ? e->request_id : "");
}

static void err_http(const struct api_error *e, char *buf, size_t n)
{
	char tail[256];
	long st = e->http_status;

	err_tail(e, tail, sizeof(tail));
	/* Statuses whose meaning matters more than the server's wording. */
	if (st == 401 || st == 403 || st == 429) {
		snprintf(buf, n, "%s (%ld)", err_phrase(st), st);
		return;
	}
	if (e->code && strcmp(e->code, "driver_fleet_conflict") == 0) {
		int not_in = e->message &&
		             (strstr(e->message, "not in") || strstr(e->message, "not attached"));

		snprintf(buf, n, "driver is %s in that fleet (409)", not_in ? "not" : "already");
		return;
	}
	if (e->message && e->message[0]) {
		snprintf(buf, n, "%s%s", e->message, tail);
		return;
	}
	if (!e->code && !e->type) {
		/* No error object at all: a proxy or load balancer answered.  The
		 * HTTP layer, which saw the Content-Type, may have said so already. */
		if (e->detail && e->detail[0]) {
			snprintf(buf, n, "%s", e->detail);
			return;
		}
		snprintf(buf, n, "%s (%ld)%s", err_phrase(st), st,
		         st == 502 || st == 503 || st == 504 ? " from proxy" : "");
		return;
	}
	snprintf(buf, n, "%s%s", err_phrase(st), tail);
}

static void err_with_detail(const struct api_error *e, const char *words, char *buf, size_t n)
{
	char att[32] = "";

	if (e->attempts > 1)
		snprintf(att, sizeof(att), " after %d attempts", e->attempts);
	if (e->detail && e->detail[0] && strcmp(e->detail, words) != 0)
		snprintf(buf, n, "%s: %s%s", words, e->detail, att);
	else
		snprintf(buf, n, "%s%s", words, att);
}

/* Replace each ch_sk_… / ch_rk_… token with "[redacted]", in place. */
static void err_redact(char *buf, size_t n)
{
	char *p = buf;

	while ((p = strstr(p, "ch_")) != NULL) {
		char *q;
		size_t rest;

		if (strncmp(p + 3, "sk_", 3) != 0 && strncmp(p + 3, "rk_", 3) != 0) {
			p += 3;
			continue;
		}
		for (q = p + 6; (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
		                (*q >= '0' && *q <= '9') || *q == '_';
		     q++)
			;
		rest = strlen(q) + 1;
		if ((size_t)(p - buf) + 10 + rest > n) { /* no room: cut the line there */
			*p = '\0';
			return;
		}
		memmove(p + 10, q, rest);
		memcpy(p, "[redacted]", 10);
		p += 10;
	}
}

char *api_error_format(const struct api_error *e, char *buf, size_t n)
{
	if (!buf || n == 0)
		return buf;
	switch (e ? e->kind : API_OK) {
	case API_OK:
		snprintf(buf, n, "ok");
		break;
	case API_ERR_HTTP:
		err_http(e, buf, n);
		break;
	case API_ERR_NETWORK:
		err_with_detail(e, "network error", buf, n);
		break;
	case API_ERR_TIMEOUT:
		err_with_detail(e, "timed out", buf, n);
		break;
	case API_ERR_UNKNOWN:
		snprintf(buf, n, "unknown \xE2\x80\x94 verify: the server may have applied it");
		break;
	case API_ERR_MALFORMED:
		snprintf(buf, n, "%s", e->detail ? e->detail : "malformed response");
		break;
	case API_ERR_TOO_LARGE:
		snprintf(buf, n, "response too large");
		break;
	case API_ERR_TOO_DEEP:
		snprintf(buf, n, "response too deep");
		break;
	case API_ERR_REFUSED:
		if (e->detail && strstr(e->detail, "cross-origin"))
			snprintf(buf, n, "refused cross-origin page link");
		else
			err_with_detail(e, "refused", buf, n);
		break;
	case API_ERR_REDIRECT:
		snprintf(buf, n, "unexpected redirect (%ld)",
		         e->http_status ? e->http_status : 300);
		break;
	case API_ERR_TLS:
		err_with_detail(e, "TLS verification failed", buf, n);
		break;
	case API_ERR_CANCELLED:
		snprintf(buf, n, "cancelled");
		break;
	case API_ERR_RATE_LIMITED:
		err_with_detail(e, "rate limited (429)", buf, n);
		break;
	case API_ERR_INTERNAL:
		err_with_detail(e, "internal error", buf, n);
		break;
	default:
		snprintf(buf, n, "error");
		break;
	}
	err_redact(buf, n);
	return buf;
}
