/*
 * faults.c — the fault spec language of mock.h: parse it into a struct, and
 * print what is still armed.  Applying faults is server.c's business.
 *
 * Items are split on commas; a piece without '=' continues the value before
 * it, so values may hold commas.  A count suffix "xN" is read only on the keys
 * documented with [xN], and only when the value ends in x followed by digits.
 */
#include "internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int mk_ferr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int mk_ferr(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool mk_parse_ll(const char *s, long long lo, long long hi, long long *out)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static bool mk_parse_int(const char *s, int lo, int hi, int *out)
{
	long long v;
	if (!mk_parse_ll(s, lo, hi, &v))
		return false;
	*out = (int)v;
	return true;
}

/* Split "VALUExN" in place; *n = 1 when there is no suffix. */
static bool mk_split_count(char *v, int *n)
{
	*n = 1;
	char *x = strrchr(v, 'x');
	if (!x || x == v || !x[1] || strspn(x + 1, "0123456789") != strlen(x + 1))
		return true;
	if (!mk_parse_int(x + 1, 1, 1000000000, n))
		return false;
	*x = '\0';
	return true;
}

static int mk_parse_when(char *v, int *when, int *n)
{
	if (!mk_split_count(v, n))
		return -1;
	if (strcmp(v, "before") == 0)
		*when = MK_BEFORE;
	else if (strcmp(v, "after") == 0)
		*when = MK_AFTER;
	else
		return -1;
	return 0;
}

/* The plain counters: next N matching requests. */
static int *mk_counter(struct mk_faults *f, const char *k)
{
	if (strcmp(k, "truncate") == 0)
		return &f->truncate_n;
	if (strcmp(k, "invalid_json") == 0)
		return &f->invalid_json_n;
	if (strcmp(k, "html502") == 0)
		return &f->html502_n;
	if (strcmp(k, "unauthorized") == 0)
		return &f->unauthorized_n;
	return NULL;
}

/* Items whose value is a number (or two).  -2: not one of them. */
static int mk_parse_numeric(const char *k, char *v, struct mk_faults *f)
{
	long long ll;
	int *counter = mk_counter(f, k);
	char *colon = strchr(v, ':');
	if (counter)
		return mk_parse_int(v, 0, 1000000000, counter) ? 0 : -1;
	if (strcmp(k, "latency") == 0) {
		if (colon)
			*colon = '\0';
		return mk_parse_int(v, 0, 600000, &f->latency_ms) &&
		               (!colon || mk_parse_int(colon + 1, 0, 600000, &f->jitter_ms))
		           ? 0
		           : -1;
	}
	if (strcmp(k, "error_rate") == 0) {
		if (colon)
			*colon = '\0';
		char *end;
		f->error_rate = strtod(v, &end);
		f->error_status = 503;
		if (!*v || *end || f->error_rate < 0 || f->error_rate > 1)
			return -1;
		return !colon || mk_parse_int(colon + 1, 100, 599, &f->error_status) ? 0 : -1;
	}
	if (strcmp(k, "status") == 0) {
		if (!mk_split_count(v, &f->status_n))
			return -1;
		return mk_parse_int(v, 100, 599, &f->status_code) ? 0 : -1;
	}
	if (strcmp(k, "storm") == 0) {
		f->status_code = 429;
		return mk_parse_int(v, 0, 1000000000, &f->status_n) ? 0 : -1;
	}
	if (strcmp(k, "oversized") == 0 || strcmp(k, "drip") == 0) {
		if (!mk_parse_ll(v, 0, k[0] == 'o' ? 1LL << 40 : 1LL << 30, &ll))
			return -1;
		if (k[0] == 'o')
			f->oversized = ll;
		else
			f->drip_bps = (long)ll;
		return 0;
	}
	if (strcmp(k, "hostile") == 0) {
		int h;
		if (!mk_parse_int(v, 0, 2, &h))
			return -1;
		f->hostile = h;
		return 0;
	}
	return -2;
}

static int mk_set_text(char **dst, const char *v)
{
	if (!*v || strpbrk(v, "\r\n"))
		return -1; /* these go into headers */
	free(*dst);
	*dst = mk_xstrdup(v);
	return 0;
}

/* One key=value item; v is writable.  -2: unknown key. */
static int mk_parse_item(const char *k, char *v, struct mk_faults *f)
{
	int r = mk_parse_numeric(k, v, f);
	if (r != -2)
		return r;
	if (strcmp(k, "drop") == 0)
		return mk_parse_when(v, &f->drop_when, &f->drop_n);
	if (strcmp(k, "stall") == 0)
		return mk_parse_when(v, &f->stall_when, &f->stall_n);
	if (strcmp(k, "content_type") == 0)
		return mk_split_count(v, &f->content_type_n) ? mk_set_text(&f->content_type, v)
		                                             : -1;
	if (strcmp(k, "redirect") == 0)
		return mk_split_count(v, &f->redirect_n) ? mk_set_text(&f->redirect, v) : -1;
	if (strcmp(k, "retry_after") == 0)
		return mk_set_text(&f->retry_after, v);
	if (strcmp(k, "next_page_url") == 0)
		return mk_set_text(&f->next_page_url, v);
	if (strcmp(k, "path") == 0)
		return mk_set_text(&f->path, v);
	if (strcmp(k, "method") == 0) {
		if (strcmp(v, "GET") && strcmp(v, "POST") && strcmp(v, "DELETE"))
			return -1;
		return mk_set_text(&f->method, v);
	}
	return -2;
}

static void mk_trim(char **item)
{
	*item += strspn(*item, " \t\r\n");
	size_t len = strlen(*item);
	while (len && strchr(" \t\r\n", (*item)[len - 1]))
		(*item)[--len] = '\0';
}

/* Apply one complete "key=value" (or "clear") to out. */
static int mk_apply_item(char *item, struct mk_faults *out, char *err, size_t errlen)
{
	mk_trim(&item);
	if (!*item)
		return 0;
	if (strcmp(item, "clear") == 0) {
		mk_faults_free(out);
		return 0;
	}
	char *eq = strchr(item, '=');
	if (!eq)
		return mk_ferr(err, errlen, "fault item \"%s\" is not key=value", item);
	*eq = '\0';
	int r = mk_parse_item(item, eq + 1, out);
	if (r == -2)
		return mk_ferr(err, errlen, "unknown fault \"%s\"", item);
	if (r != 0)
		return mk_ferr(err, errlen, "bad value for fault \"%s\": \"%s\"", item, eq + 1);
	return 0;
}

/* A piece with no '=' (and not "clear") continues the previous value, so
 * an HTTP-date ("retry_after=Wed, 21 Oct 2015 07:28:00 GMT") or a URL with
 * a comma survives the comma split. */
int mk_faults_parse(const char *spec, struct mk_faults *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!spec)
		return 0;
	struct mk_buf cur = {0};
	const char *p = spec;
	int rc = 0;
	while (rc == 0) {
		size_t n = strcspn(p, ",");
		char *piece = mk_xstrndup(p, n), *t = piece;
		mk_trim(&t);
		bool starts = strchr(t, '=') || strcmp(t, "clear") == 0 || !cur.len;
		if (starts && cur.len) {
			rc = mk_apply_item(cur.p, out, err, errlen);
			cur.len = 0;
		}
		if (!starts)
			mk_buf_adds(&cur, ",");
		mk_buf_add(&cur, piece, n);
		free(piece);
		if (!p[n])
			break;
		p += n + 1;
	}
	if (rc == 0 && cur.len)
		rc = mk_apply_item(cur.p, out, err, errlen);
	free(cur.p);
	if (rc != 0)
		mk_faults_free(out);
	return rc;
}

void mk_faults_free(struct mk_faults *f)
{
	free(f->retry_after);
	free(f->content_type);
	free(f->redirect);
	free(f->next_page_url);
	free(f->path);
	free(f->method);
	memset(f, 0, sizeof *f);
}

static void mk_item(struct mk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void mk_item(struct mk_buf *b, const char *fmt, ...)
{
	char tmp[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (b->len)
		mk_buf_adds(b, ",");
	mk_buf_adds(b, tmp);
}

static const char *mk_when_name(int w)
{
	return w == MK_BEFORE ? "before" : "after";
}

char *mk_faults_format(const struct mk_faults *f)
{
	struct mk_buf b = {0};
	mk_buf_adds(&b, "");
	if (f->latency_ms || f->jitter_ms)
		mk_item(&b, "latency=%d:%d", f->latency_ms, f->jitter_ms);
	if (f->error_rate > 0)
		mk_item(&b, "error_rate=%g:%d", f->error_rate, f->error_status);
	if (f->status_n > 0)
		mk_item(&b, "status=%dx%d", f->status_code, f->status_n);
	if (f->retry_after)
		mk_item(&b, "retry_after=%s", f->retry_after);
	if (f->drop_n > 0)
		mk_item(&b, "drop=%sx%d", mk_when_name(f->drop_when), f->drop_n);
	if (f->stall_n > 0)
		mk_item(&b, "stall=%sx%d", mk_when_name(f->stall_when), f->stall_n);
	if (f->truncate_n > 0)
		mk_item(&b, "truncate=%d", f->truncate_n);
	if (f->invalid_json_n > 0)
		mk_item(&b, "invalid_json=%d", f->invalid_json_n);
	if (f->html502_n > 0)
		mk_item(&b, "html502=%d", f->html502_n);
	if (f->content_type_n > 0)
		mk_item(&b, "content_type=%sx%d", f->content_type, f->content_type_n);
	if (f->oversized > 0)
		mk_item(&b, "oversized=%lld", f->oversized);
	if (f->drip_bps > 0)
		mk_item(&b, "drip=%ld", f->drip_bps);
	if (f->redirect_n > 0)
		mk_item(&b, "redirect=%sx%d", f->redirect, f->redirect_n);
	if (f->next_page_url)
		mk_item(&b, "next_page_url=%s", f->next_page_url);
	if (f->unauthorized_n > 0)
		mk_item(&b, "unauthorized=%d", f->unauthorized_n);
	if (f->hostile)
		mk_item(&b, "hostile=%d", f->hostile);
	if (f->path)
		mk_item(&b, "path=%s", f->path);
	if (f->method)
		mk_item(&b, "method=%s", f->method);
	return b.p;
}
