/*
 * http_retry.c — RTY-3..RTY-5 as pure functions: which outcomes are retried,
 * how long to wait, and how Retry-After is read.  Kept free of curl handles
 * and clocks so the table-driven test and the fuzz target cover all of it.
 */
#include "http_internal.h"

#include <ctype.h>
#include <curl/curl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* A 429 whose Retry-After is further than this is reported, not waited for
 * (stripe-python's cap, RTY-5). */
#define RETRY_AFTER_CAP_S 60.0

double http_backoff(int attempt, double jitter01)
{
	if (attempt < 1)
		attempt = 1;
	if (!(jitter01 >= 0.0))
		jitter01 = 0.0;
	if (jitter01 > 1.0)
		jitter01 = 1.0;
	double base = attempt > 8 ? 5.0 : 0.5 * (double)(1u << (attempt - 1));
	if (base > 5.0)
		base = 5.0;
	double d = base * (0.5 + 0.5 * jitter01);
	return d < 0.5 ? 0.5 : d;
}

static int month_index(const char *m)
{
	static const char *const names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	for (int i = 0; i < 12; i++) {
		if (strncmp(m, names[i], 3) == 0)
			return i;
	}
	return -1;
}

static bool read_num(const char **p, int digits, int *out)
{
	int v = 0;
	for (int i = 0; i < digits; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += digits;
	*out = v;
	return true;
}

/* IMF-fixdate only ("Sun, 06 Nov 1994 08:49:37 GMT"), the form RFC 9110 says
 * senders must use.  Parsed by hand: strptime's %a/%b depend on LC_TIME.
 * Returns epoch seconds or -1. */
static double parse_imf_date(const char *s)
{
	static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	bool day_ok = false;
	for (int i = 0; i < 7; i++)
		day_ok |= strncmp(s, days[i], 3) == 0;
	if (!day_ok || strncmp(s + 3, ", ", 2) != 0)
		return -1;
	const char *p = s + 5;
	struct tm tm = {0};
	int mday, year, hh, mm, ss;
	if (!read_num(&p, 2, &mday) || *p++ != ' ')
		return -1;
	int mon = month_index(p);
	if (mon < 0)
		return -1;
	p += 3;
	if (*p++ != ' ' || !read_num(&p, 4, &year) || *p++ != ' ' || !read_num(&p, 2, &hh) ||
	    *p++ != ':' || !read_num(&p, 2, &mm) || *p++ != ':' || !read_num(&p, 2, &ss))
		return -1;
	if (strcmp(p, " GMT") != 0)
		return -1;
	if (mday < 1 || mday > 31 || hh > 23 || mm > 59 || ss > 60)
		return -1;
	tm.tm_mday = mday;
	tm.tm_mon = mon;
	tm.tm_year = year - 1900;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	time_t t = timegm(&tm);
	return t == (time_t)-1 ? -1 : (double)t;
}

double http_retry_after_parse(const char *v, double now_wall)
{
	if (!v)
		return -1;
	while (*v == ' ' || *v == '\t')
		v++;
	char buf[64];
	size_t n = strlen(v);
	while (n > 0 &&
	       (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r' || v[n - 1] == '\n'))
		n--;
	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	if (isdigit((unsigned char)buf[0])) {
		double secs = 0;
		for (size_t i = 0; i < n; i++) {
			if (!isdigit((unsigned char)buf[i]))
				return -1; /* "1.5", "3s", "-1": malformed */
			secs = secs * 10 + (buf[i] - '0');
		}
		return secs;
	}
	double t = parse_imf_date(buf);
	if (t < 0)
		return -1;
	double d = t - now_wall;
	return d < 0 ? 0 : d;
}

/* The no-response outcomes of RTY-3: the request may or may not have reached
 * the server, so a POST is retried with the same Idempotency-Key. */
bool http_curl_code_retryable(int code)
{
	switch (code) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_OPERATION_TIMEDOUT:
		return true;
	default:
		return false;
	}
}

/* Charge's 409s are real conflicts (driver_fleet_conflict); only a lock or an
 * idempotent request still in flight is worth trying again. */
static bool conflict_is_transient(const char *code)
{
	if (!code)
		return false;
	static const char *const transient[] = {"idempotency_key_in_use", "idempotency_in_progress",
	                                        "lock_timeout", "resource_locked",
	                                        "request_in_progress"};
	for (size_t i = 0; i < sizeof transient / sizeof transient[0]; i++) {
		if (strcmp(code, transient[i]) == 0)
			return true;
	}
	return false;
}

/* Whether the outcome is of a retryable kind, ignoring the attempt budget.
 * *delay_s is set for 429s that carry a usable Retry-After. */
static bool retryable_kind(const struct retry_input *in, double *delay_s, bool *too_long)
{
	if (in->curl_code != 0)
		return http_curl_code_retryable(in->curl_code);
	if (in->should_retry) {
		if (strcasecmp(in->should_retry, "true") == 0)
			return true;
		if (strcasecmp(in->should_retry, "false") == 0)
			return false;
	}
	switch (in->status) {
	case 429: {
		double ra = http_retry_after_parse(in->retry_after, in->now_wall);
		if (ra > RETRY_AFTER_CAP_S) {
			*too_long = true;
			return false;
		}
		if (ra > 0)
			*delay_s = ra;
		return true;
	}
	case 500:
	case 502:
	case 503:
	case 504:
		return true;
	case 409:
		return conflict_is_transient(in->error_code);
	default:
		return false;
	}
}

bool http_retry_classify(const struct retry_input *in, double *delay_s, bool *too_long)
{
	double ra_delay = -1;
	*too_long = false;
	*delay_s = 0;
	if (!retryable_kind(in, &ra_delay, too_long))
		return false;
	int max = in->max_attempts > 0 ? in->max_attempts : HTTP_DEFAULT_MAX_ATTEMPTS;
	if (in->attempt >= max)
		return false;
	*delay_s = ra_delay > 0 ? ra_delay : http_backoff(in->attempt, in->jitter01);
	return true;
}
