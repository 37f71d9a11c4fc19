/*
 * util.c — allocation, the deterministic generator, ids, time, the string
 * index and a byte buffer: the small tools every charge-mock file uses.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void mk_oom(void)
{
	fputs("charge-mock: out of memory\n", stderr);
	abort();
}

void *mk_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		mk_oom();
	return p;
}

void *mk_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		mk_oom();
	return p;
}

void *mk_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		mk_oom();
	return q;
}

char *mk_xstrdup(const char *s)
{
	return s ? mk_xstrndup(s, strlen(s)) : NULL;
}

char *mk_xstrndup(const char *s, size_t n)
{
	char *p = mk_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *mk_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	char *p = mk_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

uint64_t mk_mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void mk_rng_seed(struct mk_rng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++) {
		x = mk_mix64(x);
		r->s[i] = x ? x : 1;
	}
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t mk_rng_next(struct mk_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

uint64_t mk_rng_below(struct mk_rng *r, uint64_t n)
{
	/* Modulo bias is irrelevant for demo data; n is always small. */
	return n ? mk_rng_next(r) % n : 0;
}

double mk_rng_unit(struct mk_rng *r)
{
	return (double)(mk_rng_next(r) >> 11) / 9007199254740992.0;
}

static const char mk_alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

void mk_rng_id(struct mk_rng *r, const char *prefix, char *out)
{
	size_t pl = strlen(prefix);
	memcpy(out, prefix, pl);
	for (int i = 0; i < MK_ID_BODY; i += 8) {
		uint64_t x = mk_rng_next(r);
		for (int j = 0; j < 8; j++, x >>= 8)
			out[pl + (size_t)i + (size_t)j] = mk_alnum[(x & 0xff) % 62];
	}
	out[pl + MK_ID_BODY] = '\0';
}

int64_t mk_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void mk_format_time(int64_t ms, char *out)
{
	time_t secs = (time_t)(ms / 1000);
	int frac = (int)(ms % 1000);
	if (frac < 0) {
		frac += 1000;
		secs -= 1;
	}
	struct tm tm;
	gmtime_r(&secs, &tm);
	/* The moduli only tell the compiler each field fits its width. */
	snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ",
	         (unsigned)(tm.tm_year + 1900) % 10000u, (unsigned)(tm.tm_mon + 1) % 100u,
	         (unsigned)tm.tm_mday % 100u, (unsigned)tm.tm_hour % 100u,
	         (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u, (unsigned)frac % 1000u);
}

/* ---- string index ------------------------------------------------------ */

#define MK_TOMB ((const char *)1)

static uint64_t mk_hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

void mk_index_init(struct mk_index *ix)
{
	ix->cap = 64;
	ix->used = ix->live = 0;
	ix->slots = mk_xcalloc(ix->cap, sizeof *ix->slots);
}

void mk_index_free(struct mk_index *ix)
{
	free(ix->slots);
	ix->slots = NULL;
	ix->cap = ix->used = ix->live = 0;
}

static void mk_index_grow(struct mk_index *ix)
{
	struct mk_slot *old = ix->slots;
	size_t oldcap = ix->cap;
	/* Rehash into a table at most half full of live keys; tombstones go. */
	while (ix->live * 2 >= ix->cap)
		ix->cap *= 2;
	ix->slots = mk_xcalloc(ix->cap, sizeof *ix->slots);
	ix->used = ix->live = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key && old[i].key != MK_TOMB)
			mk_index_put(ix, old[i].key, old[i].val);
	free(old);
}

void mk_index_put(struct mk_index *ix, const char *key, int32_t val)
{
	if ((ix->used + 1) * 4 >= ix->cap * 3)
		mk_index_grow(ix);
	size_t mask = ix->cap - 1;
	size_t i = mk_hash_str(key) & mask;
	struct mk_slot *tomb = NULL;
	for (;; i = (i + 1) & mask) {
		struct mk_slot *s = &ix->slots[i];
		if (!s->key) {
			if (tomb) {
				s = tomb;
			} else {
				ix->used++;
			}
			s->key = key;
			s->val = val;
			ix->live++;
			return;
		}
		if (s->key == MK_TOMB) {
			if (!tomb)
				tomb = s;
		} else if (strcmp(s->key, key) == 0) {
			s->key = key;
			s->val = val;
			return;
		}
	}
}

static struct mk_slot *mk_index_slot(const struct mk_index *ix, const char *key)
{
	size_t mask = ix->cap - 1;
	for (size_t i = mk_hash_str(key) & mask;; i = (i + 1) & mask) {
		struct mk_slot *s = &ix->slots[i];
		if (!s->key)
			return NULL;
		if (s->key != MK_TOMB && strcmp(s->key, key) == 0)
			return s;
	}
}

int32_t mk_index_get(const struct mk_index *ix, const char *key)
{
	struct mk_slot *s = mk_index_slot(ix, key);
	return s ? s->val : -1;
}

void mk_index_del(struct mk_index *ix, const char *key)
{
	struct mk_slot *s = mk_index_slot(ix, key);
	if (s) {
		s->key = MK_TOMB;
		ix->live--;
	}
}

/* ---- byte buffer -------------------------------------------------------- */

void mk_buf_add(struct mk_buf *b, const void *data, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (b->len + n + 1 > cap)
			cap *= 2;
		b->p = mk_xrealloc(b->p, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void mk_buf_adds(struct mk_buf *b, const char *s)
{
	mk_buf_add(b, s, strlen(s));
}

void mk_buf_urlenc(struct mk_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			mk_buf_add(b, s, 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			mk_buf_add(b, e, 3);
		}
	}
}
