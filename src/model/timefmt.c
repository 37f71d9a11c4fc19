/*
 * timefmt.c — RFC 3339 in and out, and local display in an IANA zone.
 *
 * Local time never goes through setenv("TZ")/tzset()/localtime(): those touch
 * process-wide state that other threads read.  We read the zone's TZif file
 * ourselves (v2+ 64-bit section, v1 fallback) and use the POSIX TZ rule in its
 * footer for instants past the last transition (slim zone files stop early).
 * Parsed zones are cached, so a redraw of many rows costs one file read.
 *
 * Calendar arithmetic is proleptic Gregorian with 64-bit days (Howard
 * Hinnant's days_from_civil), so dates before 1970 and leap years need no
 * special cases.  A leap second "23:59:60" is accepted and lands on the next
 * second, as POSIX time does.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chargetui/timefmt.h"

#define TZ_DIR "/usr/share/zoneinfo/"
#define TZ_MAX_FILE (256 * 1024)
#define TZ_CACHE 8

static int64_t tf_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void tf_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static bool tf_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned tf_mdays(int64_t y, unsigned m)
{
	static const unsigned md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && tf_leap(y) ? 29 : md[m - 1];
}

/* Exactly n digits at *p, advancing it. */
static int tf_digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int tf_expect(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

/* "Z" or "+HH:MM" / "-HH:MM" -> seconds east of UTC. */
static int tf_offset(const char **p, int *off)
{
	int sign, hh, mm;

	if (**p == 'Z' || **p == 'z') {
		(*p)++;
		*off = 0;
		return 0;
	}
	if (**p != '+' && **p != '-')
		return -1;
	sign = **p == '-' ? -1 : 1;
	(*p)++;
	if (tf_digits(p, 2, &hh) < 0 || tf_expect(p, ':') < 0 || tf_digits(p, 2, &mm) < 0 ||
	    hh > 23 || mm > 59)
		return -1;
	*off = sign * (hh * 3600 + mm * 60);
	return 0;
}

int ts_parse_rfc3339(const char *s, int64_t *ms_out)
{
	const char *p = s;
	int y, mo, d, h, mi, se, ms = 0, off, n = 0;

	if (!s || tf_digits(&p, 4, &y) < 0 || tf_expect(&p, '-') < 0 || tf_digits(&p, 2, &mo) < 0 ||
	    tf_expect(&p, '-') < 0 || tf_digits(&p, 2, &d) < 0)
		return -1;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	p++;
	if (tf_digits(&p, 2, &h) < 0 || tf_expect(&p, ':') < 0 || tf_digits(&p, 2, &mi) < 0 ||
	    tf_expect(&p, ':') < 0 || tf_digits(&p, 2, &se) < 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || (unsigned)d > tf_mdays(y, (unsigned)mo) || h > 23 ||
	    mi > 59 || se > 60)
		return -1;
	if (*p == '.') {
		p++;
		/* Any number of digits; the first three are the ms (truncated). */
		for (; isdigit((unsigned char)*p); p++, n++)
			if (n < 3)
				ms = ms * 10 + (*p - '0');
		if (n == 0)
			return -1;
		for (; n < 3; n++)
			ms *= 10;
	}
	if (tf_offset(&p, &off) < 0 || *p != '\0')
		return -1;
	*ms_out = ((tf_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 +
	            se - off) *
	           1000) +
	          ms;
	return 0;
}

/* Floor division, so that instants before 1970 fall on the right day. */
static int64_t tf_floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

struct tf_civil {
	int64_t y;
	unsigned mo, d, h, mi, s, ms;
};

static void tf_split(int64_t ms, struct tf_civil *c)
{
	int64_t secs = tf_floordiv(ms, 1000), days = tf_floordiv(secs, 86400);
	int64_t sod = secs - days * 86400;

	c->ms = (unsigned)(ms - secs * 1000);
	tf_civil_from_days(days, &c->y, &c->mo, &c->d);
	c->h = (unsigned)(sod / 3600);
	c->mi = (unsigned)(sod / 60 % 60);
	c->s = (unsigned)(sod % 60);
}

/* Extreme int64 ms values would overflow the offset arithmetic and print
 * 12-digit years; clamp to years 0..9999 which is all the API can mean. */
#define TF_MS_MIN (-62167219200000LL) /* 0000-01-01T00:00:00Z */
#define TF_MS_MAX (253402300799999LL) /* 9999-12-31T23:59:59.999Z */

static int64_t tf_clamp(int64_t ms)
{
	return ms < TF_MS_MIN ? TF_MS_MIN : ms > TF_MS_MAX ? TF_MS_MAX : ms;
}

char *ts_format_rfc3339(int64_t ms, char *buf, size_t n)
{
	struct tf_civil c;

	if (!buf || n == 0)
		return buf;
	tf_split(tf_clamp(ms), &c);
	snprintf(buf, n, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ", (long long)c.y, c.mo, c.d, c.h,
	         c.mi, c.s, c.ms);
	return buf;
}

/* ---- POSIX TZ rule (TZif footer) ------------------------------------- */

struct tf_rule_date {
	int kind; /* 'M' month.week.day, 'J' julian 1..365 no leap, 'D' zero-based day */
	int m, w, d, n;
	int32_t time; /* seconds after local midnight */
};

struct tf_posix {
	bool valid, has_dst;
	int32_t std_off, dst_off; /* seconds east of UTC */
	struct tf_rule_date start, end;
};

/* Zone abbreviation: alphabetic, or <...> quoted. */
static int tf_px_name(const char **p)
{
	const char *s = *p;

	if (*s == '<') {
		while (*s && *s != '>')
			s++;
		if (*s != '>')
			return -1;
		*p = s + 1;
		return 0;
	}
	while (isalpha((unsigned char)*s))
		s++;
	if (s - *p < 3)
		return -1;
	*p = s;
	return 0;
}

/* [+-]hh[:mm[:ss]] -> seconds; hours up to 167 (rule times may exceed 24). */
static int tf_px_hms(const char **p, int32_t *out)
{
	int sign = 1;
	long v[3] = {0, 0, 0};
	char *e;

	if (**p == '+' || **p == '-')
		sign = *(*p)++ == '-' ? -1 : 1;
	for (int i = 0; i < 3; i++) {
		if (!isdigit((unsigned char)**p))
			return i == 0 ? -1 : 0;
		v[i] = strtol(*p, &e, 10);
		if (v[i] > 167 || (i > 0 && v[i] > 59))
			return -1;
		*p = e;
		*out = sign * (int32_t)(v[0] * 3600 + v[1] * 60 + v[2]);
		if (**p != ':')
			return 0;
		(*p)++;
	}
	return 0;
}

static int tf_px_date(const char **p, struct tf_rule_date *r)
{
	char *e;

	r->time = 7200;
	if (**p == 'M') {
		r->kind = 'M';
		r->m = (int)strtol(*p + 1, &e, 10);
		if (*e != '.')
			return -1;
		r->w = (int)strtol(e + 1, &e, 10);
		if (*e != '.')
			return -1;
		r->d = (int)strtol(e + 1, &e, 10);
		if (r->m < 1 || r->m > 12 || r->w < 1 || r->w > 5 || r->d < 0 || r->d > 6)
			return -1;
	} else {
		r->kind = **p == 'J' ? 'J' : 'D';
		r->n = (int)strtol(*p + (r->kind == 'J'), &e, 10);
		if (e == *p + (r->kind == 'J') || r->n < 0 || r->n > 365)
			return -1;
	}
	*p = e;
	if (**p == '/') {
		(*p)++;
		return tf_px_hms(p, &r->time);
	}
	return 0;
}

/* "CET-1CEST,M3.5.0,M10.5.0/3": note POSIX offsets are west-positive. */
static void tf_px_parse(const char *s, struct tf_posix *px)
{
	int32_t off;

	memset(px, 0, sizeof(*px));
	if (tf_px_name(&s) < 0 || tf_px_hms(&s, &off) < 0)
		return;
	px->std_off = -off;
	if (*s == '\0') {
		px->valid = true;
		return;
	}
	if (tf_px_name(&s) < 0)
		return;
	px->dst_off = px->std_off + 3600;
	if (*s != ',' && tf_px_hms(&s, &off) == 0)
		px->dst_off = -off;
	if (*s++ != ',' || tf_px_date(&s, &px->start) < 0 || *s++ != ',' ||
	    tf_px_date(&s, &px->end) < 0 || *s != '\0')
		return;
	px->has_dst = true;
	px->valid = true;
}

/* Local-time seconds since the epoch at which rule date r happens in year y. */
static int64_t tf_px_when(int64_t y, const struct tf_rule_date *r)
{
	int64_t day;

	if (r->kind == 'J') {
		day = tf_days_from_civil(y, 1, 1) + r->n - 1;
		if (tf_leap(y) && r->n >= 60)
			day++;
	} else if (r->kind == 'D') {
		day = tf_days_from_civil(y, 1, 1) + r->n;
	} else {
		int64_t first = tf_days_from_civil(y, (unsigned)r->m, 1);
		int wd = (int)((first + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday */
		int64_t dd = first + (r->d - wd + 7) % 7 + (r->w - 1) * 7;

		while (dd >= first + tf_mdays(y, (unsigned)r->m))
			dd -= 7;
		day = dd;
	}
	return day * 86400 + r->time;
}

static int32_t tf_px_offset(const struct tf_posix *px, int64_t t)
{
	struct tf_civil c;
	int64_t start, end;

	if (!px->has_dst)
		return px->std_off;
	tf_split(t * 1000, &c);
	/* Start is in standard local time, end in daylight local time. */
	start = tf_px_when(c.y, &px->start) - px->std_off;
	end = tf_px_when(c.y, &px->end) - px->dst_off;
	if (start < end)
		return t >= start && t < end ? px->dst_off : px->std_off;
	return t >= end && t < start ? px->std_off : px->dst_off; /* southern hemisphere */
}

/* ---- TZif ------------------------------------------------------------- */

struct tf_zone {
	char name[64];
	size_t n;      /* transitions */
	int64_t *at;   /* transition instants, UTC seconds */
	int32_t *off;  /* offset in effect from at[i] */
	int32_t first; /* offset before the first transition */
	struct tf_posix px;
};

static uint32_t tf_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t tf_be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)tf_be32(p) << 32 | tf_be32(p + 4));
}

/* Parse one TZif data block; *used gets its size.  tsz is 4 (v1) or 8. */
static int tf_block(const unsigned char *b, size_t len, int tsz, struct tf_zone *z, size_t *used)
{
	uint32_t cnt[6]; /* isut, isstd, leap, time, type, char */
	const unsigned char *t, *idx, *types;
	size_t need;

	if (len < 44 || memcmp(b, "TZif", 4) != 0)
		return -1;
	for (int i = 0; i < 6; i++)
		if ((cnt[i] = tf_be32(b + 20 + 4 * i)) > 65536)
			return -1;
	need = 44 + (size_t)cnt[3] * (tsz + 1) + cnt[4] * 6 + cnt[5] + cnt[2] * (tsz + 4) + cnt[1] +
	       cnt[0];
	if (need > len || cnt[4] == 0)
		return -1;
	*used = need;
	t = b + 44;
	idx = t + (size_t)cnt[3] * tsz;
	types = idx + cnt[3];
	for (uint32_t i = 0; i < cnt[3]; i++)
		if (idx[i] >= cnt[4])
			return -1;
	z->at = calloc(cnt[3] + 1, sizeof(*z->at));
	z->off = calloc(cnt[3] + 1, sizeof(*z->off));
	if (!z->at || !z->off)
		return -1;
	z->n = cnt[3];
	for (uint32_t i = 0; i < cnt[3]; i++) {
		z->at[i] = tsz == 8 ? tf_be64(t + 8 * i) : (int32_t)tf_be32(t + 4 * i);
		z->off[i] = (int32_t)tf_be32(types + 6 * idx[i]);
	}
	z->first = (int32_t)tf_be32(types); /* type 0 (RFC 8536 §3.2) */
	return 0;
}

static void tf_zone_free(struct tf_zone *z)
{
	if (!z)
		return;
	free(z->at);
	free(z->off);
	free(z);
}

static unsigned char *tf_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rbe");
	unsigned char *b;

	if (!f)
		return NULL;
	b = malloc(TZ_MAX_FILE);
	*len = b ? fread(b, 1, TZ_MAX_FILE, f) : 0;
	fclose(f);
	return b;
}

static struct tf_zone *tf_zone_load(const char *name)
{
	char path[128];
	size_t len, used;
	unsigned char *b;
	struct tf_zone *z = calloc(1, sizeof(*z));

	snprintf(path, sizeof(path), TZ_DIR "%s", name);
	if (!z || !(b = tf_read_file(path, &len))) {
		free(z);
		return NULL;
	}
	snprintf(z->name, sizeof(z->name), "%s", name);
	if (tf_block(b, len, 4, z, &used) < 0)
		goto fail;
	if (b[4] >= '2') { /* v2+: replace with the 64-bit block and read the footer */
		free(z->at);
		free(z->off);
		z->at = NULL;
		z->off = NULL;
		size_t used2;
		if (tf_block(b + used, len - used, 8, z, &used2) < 0)
			goto fail;
		used += used2;
		if (used + 1 < len && b[used] == '\n') {
			char foot[128];
			size_t k = 0;
			for (size_t i = used + 1; i < len && b[i] != '\n' && k + 1 < sizeof(foot);
			     i++)
				foot[k++] = (char)b[i];
			foot[k] = '\0';
			tf_px_parse(foot, &z->px);
		}
	}
	free(b);
	return z;
fail:
	free(b);
	tf_zone_free(z);
	return NULL;
}

static bool tf_name_ok(const char *tz)
{
	size_t n = strlen(tz);

	if (n == 0 || n >= 64 || !isalpha((unsigned char)tz[0]) || strstr(tz, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)tz[i]) && !strchr("/_+-", tz[i]))
			return false;
	return true;
}

static pthread_mutex_t tf_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tf_zone *tf_cache[TZ_CACHE];
static unsigned tf_cache_next;

/* Offset (seconds east) of zone tz at UTC second t; 0 for an unusable zone. */
static int32_t tf_zone_offset(const char *tz, int64_t t, bool *ok)
{
	struct tf_zone *z = NULL;
	int32_t off;

	*ok = false;
	if (!tz || !tf_name_ok(tz))
		return 0;
	pthread_mutex_lock(&tf_lock);
	for (unsigned i = 0; i < TZ_CACHE && !z; i++)
		if (tf_cache[i] && strcmp(tf_cache[i]->name, tz) == 0)
			z = tf_cache[i];
	if (!z && (z = tf_zone_load(tz))) {
		tf_zone_free(tf_cache[tf_cache_next]);
		tf_cache[tf_cache_next] = z;
		tf_cache_next = (tf_cache_next + 1) % TZ_CACHE;
	}
	if (!z) {
		pthread_mutex_unlock(&tf_lock);
		return 0;
	}
	*ok = true;
	if (z->n == 0 || t < z->at[0]) {
		off = z->n == 0 && z->px.valid ? tf_px_offset(&z->px, t) : z->first;
	} else if (t >= z->at[z->n - 1] && z->px.valid) {
		off = tf_px_offset(&z->px, t);
	} else {
		size_t lo = 0, hi = z->n; /* last at[i] <= t */
		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;
			if (z->at[mid] <= t)
				lo = mid;
			else
				hi = mid;
		}
		off = z->off[lo];
	}
	pthread_mutex_unlock(&tf_lock);
	return off;
}

char *ts_format_local(int64_t ms, const char *tz, char *buf, size_t n)
{
	struct tf_civil c;
	bool ok;
	int32_t off;

	if (!buf || n == 0)
		return buf;
	ms = tf_clamp(ms);
	off = tf_zone_offset(tz, tf_floordiv(ms, 1000), &ok);
	tf_split(ms + (int64_t)off * 1000, &c);
	/* An unusable zone reads as UTC (header contract); ok is kept for clarity. */
	(void)ok;
	snprintf(buf, n, "%04lld-%02u-%02u %02u:%02u", (long long)c.y, c.mo, c.d, c.h, c.mi);
	return buf;
}

int64_t ts_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double ts_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *ts_format_clock(int64_t ms, bool seconds, char *buf, size_t n)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (!buf || n == 0)
		return buf;
	snprintf(buf, n, "%s", seconds ? "--:--:--" : "--:--");
	if (ms > 0 && localtime_r(&t, &tm))
		strftime(buf, n, seconds ? "%H:%M:%S" : "%H:%M", &tm);
	return buf;
}
