/*
 * store.c — records by id, and the filtered, sorted views the panes draw.
 *
 * Every record carries a precomputed haystack: "name\0email\0id\0phone",
 * case-folded, so a filter keystroke is one memmem() per candidate and never
 * allocates.  The fold is ASCII A-Z plus the Latin-1 letters of UTF-8 (U+00C0
 * to U+00DE, two bytes C3 80..9E); every other byte passes through unchanged,
 * so "É" finds "é" but Greek or Cyrillic capitals only match themselves.  The
 * NUL separator keeps a filter (a C string) from matching across two fields,
 * and makes each part a C string a packed driver can point at.
 *
 * A view keeps two row lists: `base` (fleet restriction + sort, rebuilt only
 * when the store, the fleet or the sort changed) and `rows` (base filtered).
 * A filter that contains the previous filter can only shrink the result, so
 * it rescans `rows`; any other filter rescans `base`.  Neither re-sorts, since
 * filtering keeps order.  Selection is by id: the UI asks store_view_find()
 * for the row of the id it had, so a rebuild never moves the cursor.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/store.h"

#define HAY_SEP '\0'

/* The part of a record the views and the index need, first in both record
 * kinds so a view can hold either as a struct rec *. */
/* 32 bytes: at 100,000 drivers every 8 bytes here is 0.8 MB. */
struct rec {
	char *hay;         /* folded "name\0email\0id\0phone" */
	const char *id;    /* points into the record's own id (or its hay) */
	uint32_t hay_len;
	uint32_t name_len; /* folded name is hay[0..name_len) */
	uint32_t seq;      /* insertion order: the stable tie-break */
	uint32_t pos;      /* index in its table's `all` array */
};

/* A driver as the store keeps it: the few values sorting needs as plain
 * fields, every other value encoded back to back in `block` (see "Packing"),
 * and, in the same allocation, room for that block (one malloc per record).
 * A later put that needs more room than inl moves the block out to its own
 * allocation.  A struct driver exists only while materialized (see "The
 * cache"): at 100,000 drivers its 392 bytes per record were half the heap. */
struct drec {
	struct rec r;
	char *block;      /* inl, or a separate allocation */
	uint64_t sts;     /* 2 bits per field state, see enum dst */
	int64_t created;  /* ms, when sts says FIELD_SET */
	int64_t updated;
	int64_t wallet;
	uint32_t nfleets; /* sort keys too: SORT_DRIVERS, SORT_SESSIONS */
	uint32_t nveh;
	uint32_t mat;     /* cache slot + 1 of its materialized driver, 0: none */
	uint32_t inl_cap;
	char inl[];
};

struct frec {
	struct rec r;
	struct fleet f;
};

/* Open addressing with linear probing; TOMB marks a removed slot so probes
 * continue past it. */
static struct rec tomb_rec;
#define TOMB (&tomb_rec)

/* What a view's order or filter can depend on.  A put bumps the counter of
 * each aspect it changed, so a balance tick re-sorts only views sorted by
 * balance, and re-filters none. */
enum kdep {
	K_TEXT,    /* name, email, phone: the haystack and the name order */
	K_STATUS,
	K_BALANCE,
	K_COUNT1,  /* drivers: vehicles count; fleets: total_sessions */
	K_COUNT2,  /* drivers: fleets count; fleets: total_drivers */
	K_ENERGY,
	K_UPDATED,
	K_CREATED,
	K_MEMBER,  /* drivers: the fleets list (a fleet view's membership) */
	K_N
};

/* The last CHG_LOG changes to existing records, so a view can move just the
 * rows whose sort key changed instead of sorting everything again. */
#define CHG_LOG 1024

struct chg {
	struct rec *r;
	unsigned deps;
};

struct table {
	struct chg log[CHG_LOG]; /* change number c is log[(c - 1) % CHG_LOG] */
	uint64_t nchg;           /* changes so far */
	struct rec **slots;
	size_t cap;   /* power of two */
	size_t used;  /* live + tombstones */
	struct rec **all; /* additions append; a removal swaps the last in */
	size_t n, all_cap;
	uint64_t removes;
	uint64_t kgen[K_N];
};

/* The pool of shared strings; see "Interning" below. */
struct intern {
	char **slots; /* open addressing, no deletions */
	size_t cap, n, bytes;
	char *chunk;  /* strings are carved from 64 KiB chunks */
	size_t chunk_used;
	char **chunks;
	size_t nchunks;
	bool broken; /* an allocation failed: add nothing more (see struct enc) */
};

/* One materialized driver: strings point into its record's block or into
 * the pool; list arrays point into ptrs. */
struct mat {
	struct driver d;
	struct drec *owner; /* NULL once the record was replaced or removed */
	uint64_t epoch;     /* the epoch it was last handed out in */
	char **ptrs;
	size_t pcap;
};

struct mcache {
	struct mat **v; /* v[i] never moves while it exists: callers hold &v[i]->d */
	size_t n, cap;
	size_t cursor;  /* v[0..cursor) are known pinned in this epoch */
	uint64_t epoch;
};

struct store {
	struct table drivers;
	struct table fleets;
	struct intern pool;
	struct mcache cache;
	struct mat scratch; /* the old version of a record being replaced */
	uint64_t seq;
};

/* One filter's result.  Levels form a chain: each level's filter contains
 * the one below it, so its rows are a subset of the rows below. */
struct level {
	char *filter;
	struct rec **rows;
	size_t n;
};

struct store_view {
	struct store *s;
	enum view_kind kind;
	char *fleet_id;
	char *filter; /* folded; "" for none */
	enum sort_key key;
	bool desc;
	struct rec **base;
	size_t nbase, base_cap;
	bool base_valid;
	uint64_t base_ver;     /* bumped whenever base changes */
	uint64_t base_removes; /* the table's counters base was built at */
	uint64_t base_sortgen, base_membergen;
	size_t base_all_n;     /* table->all[0..base_all_n) are in base */
	uint64_t base_nchg;    /* the table's change count base reflects */
	uint64_t rows_textgen, rows_base_ver;
	struct level *lv; /* lv[nlv-1] is the current filter's result */
	size_t nlv, lv_cap, lv_rows;
	struct rec **rows; /* what the UI sees: base or the top level's rows */
	size_t nrows;
	bool rows_valid;
};

/* ---- folding ---- */

/* The fold's one rule, for fold_into and fold_is_same alike: byte i of s
 * folds (adds 0x20) when it is A-Z, or the second byte of À..Þ (C3 80..9E)
 * other than × (C3 97). */
static bool fold_hits(const unsigned char *s, size_t i)
{
	unsigned char c = s[i];
	return (c >= 'A' && c <= 'Z') ||
	       (i > 0 && s[i - 1] == 0xC3 && c >= 0x80 && c <= 0x9E && c != 0x97);
}

/* Fold src into dst (same length: every fold keeps the byte count). */
static void fold_into(char *dst, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	for (size_t i = 0; i < len; i++)
		dst[i] = (char)(fold_hits(s, i) ? s[i] + 0x20 : s[i]);
}

static char *fold_dup(const char *s)
{
	size_t len = s ? strlen(s) : 0;
	char *out = malloc(len + 1);
	if (!out)
		return NULL;
	fold_into(out, s ? s : "", len);
	out[len] = '\0';
	return out;
}

static const char *os(const struct opt_str *s)
{
	return s->st == FIELD_SET && s->v ? s->v : "";
}

/* Bytes of the haystack of these four fields, without the NUL. */
static size_t hay_size(const char *const parts[4])
{
	size_t total = 3;
	for (int i = 0; i < 4; i++)
		total += strlen(parts[i]);
	return total;
}

/* Write the haystack into hay (hay_size + 1 bytes) and describe it in r. */
static void hay_write(struct rec *r, char *hay, const char *const parts[4])
{
	size_t off = 0;
	for (int i = 0; i < 4; i++) {
		size_t len = strlen(parts[i]);
		fold_into(hay + off, parts[i], len);
		if (i == 0)
			r->name_len = (uint32_t)len;
		off += len;
		if (i < 3)
			hay[off++] = HAY_SEP;
	}
	hay[off] = '\0';
	r->hay = hay;
	r->hay_len = (uint32_t)off;
}

/* Fleets (a few hundred) keep a separately allocated haystack. */
static int rec_set_hay(struct rec *r, const char *name, const char *email, const char *id,
		       const char *phone)
{
	const char *parts[4] = {name, email, id, phone};
	char *hay = malloc(hay_size(parts) + 1);
	if (!hay)
		return -1;
	free(r->hay);
	hay_write(r, hay, parts);
	return 0;
}

/* Interning.  Fleet, policy, station and CPO ids, and the enum-like strings
 * (object, status, currency, charging speed), repeat across drivers: a real
 * account has a few dozen of each for 100,000 drivers.  The store keeps one
 * copy of each such string (up to INTERN_MAX_LEN bytes) in a pool that lives
 * as long as the store and never shrinks; past INTERN_MAX_BYTES, strings are
 * simply stored in the record again, so a server sending ever-new ids cannot
 * grow it without bound.  With the mock's drivers this saves ~150 bytes a
 * driver. */
#define INTERN_MAX_LEN 64
#define INTERN_MAX_BYTES (4u << 20)
#define INTERN_CHUNK 65536

static uint64_t hash_str(const char *s);

static int intern_rehash(struct intern *in)
{
	size_t nc = in->cap ? in->cap * 2 : 256;
	char **slots = calloc(nc, sizeof(*slots));
	if (!slots)
		return -1;
	for (size_t i = 0; i < in->cap; i++) {
		if (!in->slots[i])
			continue;
		size_t j = hash_str(in->slots[i]) & (nc - 1);
		while (slots[j])
			j = (j + 1) & (nc - 1);
		slots[j] = in->slots[i];
	}
	free(in->slots);
	in->slots = slots;
	in->cap = nc;
	return 0;
}

static char *intern_copy(struct intern *in, const char *s, size_t len)
{
	if (!in->chunk || in->chunk_used + len + 1 > INTERN_CHUNK) {
		char **cs = realloc(in->chunks, (in->nchunks + 1) * sizeof(*cs));
		if (!cs)
			return NULL;
		in->chunks = cs;
		if (!(in->chunk = malloc(INTERN_CHUNK)))
			return NULL;
		in->chunks[in->nchunks++] = in->chunk;
		in->chunk_used = 0;
	}
	char *d = memcpy(in->chunk + in->chunk_used, s, len + 1);
	in->chunk_used += len + 1;
	in->bytes += len + 1;
	return d;
}

/* The pooled copy of s, added if there is room; NULL when s is not pooled
 * (too long, pool full, or ENOMEM): the caller stores its own copy. */
static char *intern_get(struct intern *in, const char *s)
{
	size_t len = strlen(s);
	if (!in || len > INTERN_MAX_LEN)
		return NULL;
	size_t i = 0;
	if (in->cap) {
		for (i = hash_str(s) & (in->cap - 1); in->slots[i]; i = (i + 1) & (in->cap - 1))
			if (strcmp(in->slots[i], s) == 0)
				return in->slots[i];
	}
	if (in->broken || in->bytes + len + 1 > INTERN_MAX_BYTES)
		return NULL;
	if ((in->n + 1) * 2 > in->cap) {
		if (intern_rehash(in) < 0) {
			in->broken = true;
			return NULL;
		}
		for (i = hash_str(s) & (in->cap - 1); in->slots[i]; i = (i + 1) & (in->cap - 1))
			;
	}
	char *d = intern_copy(in, s, len);
	if (d) {
		in->slots[i] = d;
		in->n++;
	} else {
		in->broken = true;
	}
	return d;
}

static void intern_free(struct intern *in)
{
	for (size_t i = 0; i < in->nchunks; i++)
		free(in->chunks[i]);
	free(in->chunks);
	free(in->slots);
	memset(in, 0, sizeof(*in));
}

/* ---- packing ----
 *
 * A decoded driver is a dozen small allocations plus a 392-byte struct for
 * ~150 bytes of text.  The store keeps each driver as a struct drec: field
 * states two bits each in `sts`, the sort keys as plain fields, and in
 * `block` every other value back to back, in a fixed order (enc_driver):
 *
 *   string:  tag 0 (NULL) | tag 1, bytes, NUL | tag 2, 4-byte pool ref |
 *            tag 3 (the same bytes as its part of the haystack)
 *   list:    count (varint, or nfleets/nveh), then its strings
 *   integer: 8 bytes, only when its state is FIELD_SET
 *
 * followed by the haystack.  status comes first and the fleets right after
 * the id, so sorting by status and the fleet restriction read them without
 * decoding the rest.  Tag 3 stores email and phone (and lowercase names and
 * ids) once: the haystack's parts are NUL-separated, so a part whose fold
 * is itself is a C string the driver can point at. */

/* Field states, two bits each in drec.sts. */
enum dst {
	DS_ID, DS_OBJECT, DS_CREATED, DS_EMAIL, DS_FLEETS, DS_LICENSE, DS_META, DS_NAME,
	DS_PHONE, DS_POLICY, DS_PREFS, DS_SPEED, DS_CURRENCY, DS_DPM, DS_MAXPRICE, DS_NOTIF,
	DS_NOTIF_V, DS_STATIONS, DS_CPOS, DS_STATUS, DS_UPDATED, DS_VEHICLES, DS_WALLET
};

enum { TAG_NULL, TAG_INLINE, TAG_POOL, TAG_HAY };

/* The haystack part a string may share: name, email, id, phone. */
enum { HAY_NAME, HAY_EMAIL, HAY_ID, HAY_PHONE, HAY_NONE = -1 };

static void sts_put(uint64_t *sts, enum dst f, unsigned v)
{
	*sts |= (uint64_t)(v & 3u) << (2 * f);
}

static enum field_state sts_get(uint64_t sts, enum dst f)
{
	return (enum field_state)((sts >> (2 * f)) & 3u);
}

/* True when folding s leaves it unchanged: a haystack part it can share. */
static bool fold_is_same(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; p[i]; i++)
		if (fold_hits(p, i))
			return false;
	return true;
}

/* A pool string as a 4-byte reference: chunk number and offset (a chunk is
 * 64 KiB, so the offset fits 16 bits). */
static bool intern_ref(const struct intern *in, const char *p, uint32_t *ref)
{
	uintptr_t x = (uintptr_t)p;
	for (size_t i = 0; i < in->nchunks; i++) {
		uintptr_t c = (uintptr_t)in->chunks[i];
		if (x >= c && x < c + INTERN_CHUNK) {
			*ref = (uint32_t)(i << 16 | (x - c));
			return true;
		}
	}
	return false;
}

static const char *intern_at(const struct intern *in, uint32_t ref)
{
	return in->chunks[ref >> 16] + (ref & 0xFFFFu);
}

/* The encoder measures (out == NULL) or writes; both passes take the same
 * path, and the measuring pass already added pooled strings to the pool, so
 * the writing pass finds them: both agree on every byte.  That needs the
 * writing pass never to pool a string the measuring pass could not: the
 * pool's limits only tighten, and after one allocation failure it adds
 * nothing more (a retry that succeeded would give a string of two bytes or
 * less a 5-byte reference where 4 or fewer were measured). */
struct enc {
	char *out;
	size_t n;
	struct intern *in;
};

static void enc_bytes(struct enc *e, const void *p, size_t len)
{
	if (e->out)
		memcpy(e->out + e->n, p, len);
	e->n += len;
}

static void enc_byte(struct enc *e, unsigned b)
{
	unsigned char c = (unsigned char)b;
	enc_bytes(e, &c, 1);
}

static void enc_varint(struct enc *e, size_t v)
{
	for (; v >= 0x80; v >>= 7)
		enc_byte(e, (unsigned)(v & 0x7F) | 0x80);
	enc_byte(e, (unsigned)v);
}

static void enc_str(struct enc *e, const char *s, bool pool)
{
	uint32_t ref = 0;
	const char *pooled = s && pool ? intern_get(e->in, s) : NULL;
	if (!s) {
		enc_byte(e, TAG_NULL);
	} else if (pooled && intern_ref(e->in, pooled, &ref)) {
		enc_byte(e, TAG_POOL);
		enc_bytes(e, &ref, sizeof(ref));
	} else {
		enc_byte(e, TAG_INLINE);
		enc_bytes(e, s, strlen(s) + 1);
	}
}

/* A field that is also a haystack part: stored once when the part is the
 * very same bytes. */
static void enc_hay_str(struct enc *e, const struct opt_str *o)
{
	if (o->st == FIELD_SET && o->v && fold_is_same(o->v))
		enc_byte(e, TAG_HAY);
	else
		enc_str(e, o->v, false);
}

static void enc_list(struct enc *e, const struct str_list *l, bool pool, bool counted)
{
	size_t n = l->v ? l->n : 0;
	if (counted)
		enc_varint(e, n);
	for (size_t i = 0; i < n; i++)
		enc_str(e, l->v[i], pool);
}

static void enc_meta(struct enc *e, const struct meta_map *m)
{
	size_t n = m->keys && m->vals ? m->n : 0;
	enc_varint(e, n);
	for (size_t i = 0; i < n; i++) {
		enc_str(e, m->keys[i], false);
		enc_str(e, m->vals[i], false);
	}
}

/* The block of src, in the order dec_driver() reads it. */
static void enc_driver(struct enc *e, const struct driver *src)
{
	const struct driver_prefs *p = &src->preferences;
	enc_str(e, src->status.v, true);
	enc_hay_str(e, &src->id);
	enc_list(e, &src->fleets, true, false);
	enc_str(e, src->object.v, true);
	enc_hay_str(e, &src->email);
	enc_str(e, src->license_number.v, false);
	enc_hay_str(e, &src->name);
	enc_hay_str(e, &src->phone);
	enc_list(e, &src->policy_ids, true, true);
	enc_str(e, p->charging_speed.v, true);
	enc_str(e, p->currency.v, true);
	enc_str(e, p->default_payment_method.v, false);
	enc_list(e, &p->preferred_charging_stations, true, true);
	enc_list(e, &p->preferred_cpos, true, true);
	enc_list(e, &src->vehicles, false, false);
	enc_meta(e, &src->metadata);
	if (p->max_price_per_kwh.st == FIELD_SET)
		enc_bytes(e, &p->max_price_per_kwh.v, sizeof(int64_t));
}

static uint64_t driver_sts(const struct driver *d)
{
	const struct driver_prefs *p = &d->preferences;
	uint64_t s = 0;
	sts_put(&s, DS_ID, d->id.st);
	sts_put(&s, DS_OBJECT, d->object.st);
	sts_put(&s, DS_CREATED, d->created.st);
	sts_put(&s, DS_EMAIL, d->email.st);
	sts_put(&s, DS_FLEETS, d->fleets.st);
	sts_put(&s, DS_LICENSE, d->license_number.st);
	sts_put(&s, DS_META, d->metadata.st);
	sts_put(&s, DS_NAME, d->name.st);
	sts_put(&s, DS_PHONE, d->phone.st);
	sts_put(&s, DS_POLICY, d->policy_ids.st);
	sts_put(&s, DS_PREFS, p->st);
	sts_put(&s, DS_SPEED, p->charging_speed.st);
	sts_put(&s, DS_CURRENCY, p->currency.st);
	sts_put(&s, DS_DPM, p->default_payment_method.st);
	sts_put(&s, DS_MAXPRICE, p->max_price_per_kwh.st);
	sts_put(&s, DS_NOTIF, p->notifications.st);
	sts_put(&s, DS_NOTIF_V, p->notifications.v ? 1u : 0u);
	sts_put(&s, DS_STATIONS, p->preferred_charging_stations.st);
	sts_put(&s, DS_CPOS, p->preferred_cpos.st);
	sts_put(&s, DS_STATUS, d->status.st);
	sts_put(&s, DS_UPDATED, d->updated.st);
	sts_put(&s, DS_VEHICLES, d->vehicles.st);
	sts_put(&s, DS_WALLET, d->wallet_balance.st);
	return s;
}

static void hay_parts(const struct driver *src, const char *parts[4])
{
	parts[HAY_NAME] = os(&src->name);
	parts[HAY_EMAIL] = os(&src->email);
	parts[HAY_ID] = src->id.v;
	parts[HAY_PHONE] = os(&src->phone);
}

/* Bytes the block needs for src (values, then the haystack). */
static size_t driver_packed_size(struct intern *in, const struct driver *src)
{
	struct enc m = {.in = in};
	const char *parts[4];
	enc_driver(&m, src);
	hay_parts(src, parts);
	return m.n + hay_size(parts) + 1;
}

/* Pack *src (left untouched) into r and r->block (as big as
 * driver_packed_size() said). */
static void driver_pack(struct intern *in, struct drec *r, const struct driver *src)
{
	struct enc w = {.out = r->block, .in = in};
	const char *parts[4];
	enc_driver(&w, src);
	hay_parts(src, parts);
	hay_write(&r->r, r->block + w.n, parts);
	r->sts = driver_sts(src);
	r->created = src->created.ms;
	r->updated = src->updated.ms;
	r->wallet = src->wallet_balance.v;
	r->nfleets = (uint32_t)(src->fleets.v ? src->fleets.n : 0);
	r->nveh = (uint32_t)(src->vehicles.v ? src->vehicles.n : 0);
}

/* ---- unpacking ---- */

/* Reads a block.  Materializing counts the list slots first (ptrs NULL),
 * then fills them. */
struct dec {
	const unsigned char *p;
	const struct intern *in;
	const char *hay[4]; /* the haystack's parts, each NUL-terminated */
	char **ptrs;        /* NULL: only count */
	size_t np;
};

static void dec_init(struct dec *dc, const struct drec *r, const struct intern *in, char **ptrs)
{
	const char *h = r->r.hay;
	dc->p = (const unsigned char *)r->block;
	dc->in = in;
	for (int i = 0; i < 4; i++) {
		dc->hay[i] = h;
		h += strlen(h) + 1;
	}
	dc->ptrs = ptrs;
	dc->np = 0;
}

static size_t dec_varint(struct dec *dc)
{
	size_t v = 0;
	for (unsigned sh = 0;; sh += 7) {
		unsigned b = *dc->p++;
		v |= (size_t)(b & 0x7F) << sh;
		if (!(b & 0x80))
			return v;
	}
}

/* The next string; hay_part says which haystack part tag 3 means. */
static const char *dec_str(struct dec *dc, int hay_part)
{
	uint32_t ref = 0;
	const char *s = NULL;
	switch (*dc->p++) {
	case TAG_INLINE:
		s = (const char *)dc->p;
		dc->p += strlen(s) + 1;
		break;
	case TAG_POOL:
		memcpy(&ref, dc->p, sizeof(ref));
		dc->p += sizeof(ref);
		s = intern_at(dc->in, ref);
		break;
	case TAG_HAY:
		s = hay_part >= 0 ? dc->hay[hay_part] : NULL;
		break;
	default:
		break;
	}
	return s;
}

/* The model's char * fields are not const; the store hands the driver out
 * as const, so nothing writes through these. */
static struct opt_str dec_opt(struct dec *dc, uint64_t sts, enum dst f, int hay_part)
{
	return (struct opt_str){sts_get(sts, f), (char *)(uintptr_t)dec_str(dc, hay_part)};
}

static char **dec_strs(struct dec *dc, size_t n)
{
	char **v = dc->ptrs && n ? dc->ptrs + dc->np : NULL;
	for (size_t i = 0; i < n; i++) {
		const char *s = dec_str(dc, HAY_NONE);
		if (v)
			v[i] = (char *)(uintptr_t)s;
	}
	dc->np += n;
	return v;
}

static struct str_list dec_list(struct dec *dc, uint64_t sts, enum dst f, size_t n)
{
	struct str_list l = {sts_get(sts, f), n, NULL};
	l.v = dec_strs(dc, n);
	return l;
}

static void dec_meta(struct dec *dc, struct meta_map *m, uint64_t sts)
{
	size_t n = dec_varint(dc);
	m->st = sts_get(sts, DS_META);
	m->n = n;
	m->keys = dc->ptrs && n ? dc->ptrs + dc->np : NULL;
	m->vals = dc->ptrs && n ? dc->ptrs + dc->np + n : NULL;
	for (size_t i = 0; i < n; i++) {
		const char *k = dec_str(dc, HAY_NONE), *v = dec_str(dc, HAY_NONE);
		if (m->keys) {
			m->keys[i] = (char *)(uintptr_t)k;
			m->vals[i] = (char *)(uintptr_t)v;
		}
	}
	dc->np += 2 * n;
}

static void dec_prefs(struct dec *dc, struct driver_prefs *p, uint64_t sts)
{
	p->st = sts_get(sts, DS_PREFS);
	p->charging_speed = dec_opt(dc, sts, DS_SPEED, HAY_NONE);
	p->currency = dec_opt(dc, sts, DS_CURRENCY, HAY_NONE);
	p->default_payment_method = dec_opt(dc, sts, DS_DPM, HAY_NONE);
	p->preferred_charging_stations = dec_list(dc, sts, DS_STATIONS, dec_varint(dc));
	p->preferred_cpos = dec_list(dc, sts, DS_CPOS, dec_varint(dc));
	p->max_price_per_kwh.st = sts_get(sts, DS_MAXPRICE);
	p->notifications.st = sts_get(sts, DS_NOTIF);
	p->notifications.v = sts_get(sts, DS_NOTIF_V) != 0;
}

/* Materialize r into *d; returns the list slots used (dc->ptrs must have
 * that many, or be NULL to count them).  Mirrors enc_driver(). */
static size_t dec_driver(struct dec *dc, const struct drec *r, struct driver *d)
{
	uint64_t s = r->sts;
	memset(d, 0, sizeof(*d));
	d->status = dec_opt(dc, s, DS_STATUS, HAY_NONE);
	d->id = dec_opt(dc, s, DS_ID, HAY_ID);
	d->fleets = dec_list(dc, s, DS_FLEETS, r->nfleets);
	d->object = dec_opt(dc, s, DS_OBJECT, HAY_NONE);
	d->email = dec_opt(dc, s, DS_EMAIL, HAY_EMAIL);
	d->license_number = dec_opt(dc, s, DS_LICENSE, HAY_NONE);
	d->name = dec_opt(dc, s, DS_NAME, HAY_NAME);
	d->phone = dec_opt(dc, s, DS_PHONE, HAY_PHONE);
	d->policy_ids = dec_list(dc, s, DS_POLICY, dec_varint(dc));
	dec_prefs(dc, &d->preferences, s);
	d->vehicles = dec_list(dc, s, DS_VEHICLES, r->nveh);
	dec_meta(dc, &d->metadata, s);
	if (d->preferences.max_price_per_kwh.st == FIELD_SET) {
		memcpy(&d->preferences.max_price_per_kwh.v, dc->p, sizeof(int64_t));
		dc->p += sizeof(int64_t);
	}
	d->created = (struct opt_time){sts_get(s, DS_CREATED), r->created};
	d->updated = (struct opt_time){sts_get(s, DS_UPDATED), r->updated};
	d->wallet_balance = (struct opt_i64){sts_get(s, DS_WALLET), r->wallet};
	return dc->np;
}

/* Materialize r into m (its ptrs grown to fit); -1 on ENOMEM. */
static int mat_fill(struct mat *m, const struct drec *r, const struct intern *in)
{
	struct dec dc;
	dec_init(&dc, r, in, NULL);
	size_t need = dec_driver(&dc, r, &m->d);
	if (need > m->pcap) {
		char **p = realloc(m->ptrs, need * sizeof(*p));
		if (!p)
			return -1;
		m->ptrs = p;
		m->pcap = need;
	}
	dec_init(&dc, r, in, m->ptrs);
	dec_driver(&dc, r, &m->d);
	return 0;
}

/* The status string sorting compares ("" when unset), read without
 * materializing: it is the block's first value. */
static const char *drec_status(const struct drec *r, const struct intern *in)
{
	struct dec dc;
	dc.p = (const unsigned char *)r->block;
	dc.in = in;
	const char *s = dec_str(&dc, HAY_NONE);
	return s && sts_get(r->sts, DS_STATUS) == FIELD_SET ? s : "";
}

/* Whether r's fleets list holds fleet_id: status and id, then the fleets.
 * Both are only skipped, so no haystack part is needed (dec_init would
 * measure all four for every record a fleet restriction scans). */
static bool drec_in_fleet(const struct drec *r, const struct intern *in, const char *fleet_id)
{
	struct dec dc = {.p = (const unsigned char *)r->block, .in = in};
	dec_str(&dc, HAY_NONE);
	dec_str(&dc, HAY_NONE);
	for (uint32_t i = 0; i < r->nfleets; i++) {
		const char *f = dec_str(&dc, HAY_NONE);
		if (f && strcmp(f, fleet_id) == 0)
			return true;
	}
	return false;
}

/* ---- the cache ----
 *
 * store_driver() and store_view_driver() hand out a struct driver
 * materialized from the record, whose strings point into the record's block
 * or the pool (no copies).  The rule callers rely on (store.h): a pointer
 * stays valid until the next store_tick(), store_put_driver(),
 * store_remove_driver() or store_free().  Each of those starts a new epoch;
 * within an epoch nothing is evicted, however many drivers are materialized
 * (the same record twice gives the same pointer), so a turn of the UI loop
 * may hold every pointer it got.  A new epoch lets old slots be reused, and
 * past CACHE_KEEP slots the extra ones are freed, so one turn that touched
 * every driver (mark all) does not keep 100,000 structs. */
#define CACHE_KEEP 512

static void mat_free(struct mat *m)
{
	if (m->owner)
		m->owner->mat = 0;
	free(m->ptrs);
	free(m);
}

static void cache_bump(struct store *s)
{
	struct mcache *c = &s->cache;
	c->epoch++;
	c->cursor = 0;
	while (c->n > CACHE_KEEP)
		mat_free(c->v[--c->n]);
}

/* r no longer matches its materialized driver (replaced or removed). */
static void cache_forget(struct store *s, struct drec *r)
{
	struct mcache *c = &s->cache;
	if (r->mat && r->mat <= c->n && c->v[r->mat - 1]->owner == r)
		c->v[r->mat - 1]->owner = NULL;
	r->mat = 0;
}

/* A slot not handed out in this epoch, or a new one; NULL on ENOMEM. */
static struct mat *cache_slot(struct mcache *c, uint32_t *idx)
{
	for (; c->cursor < c->n; c->cursor++) {
		struct mat *m = c->v[c->cursor];
		if (m->epoch != c->epoch) {
			if (m->owner)
				m->owner->mat = 0;
			m->owner = NULL;
			*idx = (uint32_t)c->cursor++;
			return m;
		}
	}
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 64;
		struct mat **v = realloc(c->v, nc * sizeof(*v));
		if (!v)
			return NULL;
		c->v = v;
		c->cap = nc;
	}
	struct mat *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	c->v[c->n] = m;
	*idx = (uint32_t)c->n++;
	c->cursor = c->n;
	return m;
}

/* The cache is not part of the store's observable state: the const
 * accessors may fill it. */
static const struct driver *materialize(const struct store *cs, struct drec *r)
{
	struct store *s = (struct store *)(uintptr_t)cs;
	struct mcache *c = &s->cache;
	if (r->mat && r->mat <= c->n && c->v[r->mat - 1]->owner == r) {
		c->v[r->mat - 1]->epoch = c->epoch;
		return &c->v[r->mat - 1]->d;
	}
	uint32_t idx = 0;
	struct mat *m = cache_slot(c, &idx);
	if (!m || mat_fill(m, r, &s->pool) < 0)
		return NULL;
	m->owner = r;
	m->epoch = c->epoch;
	r->mat = idx + 1;
	return &m->d;
}

static void cache_free(struct mcache *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i]->ptrs);
		free(c->v[i]);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

void store_tick(struct store *s)
{
	cache_bump(s);
}

/* ---- hash index ---- */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static struct rec *table_find(const struct table *t, const char *id)
{
	if (!t->cap || !id)
		return NULL;
	size_t mask = t->cap - 1;
	for (size_t i = hash_str(id) & mask;; i = (i + 1) & mask) {
		struct rec *r = t->slots[i];
		if (!r)
			return NULL;
		if (r != TOMB && strcmp(r->id, id) == 0)
			return r;
	}
}

static void slot_insert(struct rec **slots, size_t cap, struct rec *r)
{
	size_t mask = cap - 1;
	size_t i = hash_str(r->id) & mask;
	while (slots[i] && slots[i] != TOMB)
		i = (i + 1) & mask;
	slots[i] = r;
}

/* Make room for one more entry: grow (or just drop tombstones) when live +
 * tombstones would pass 70 %. */
static int table_reserve(struct table *t)
{
	if (t->n == t->all_cap) {
		size_t nc = t->all_cap ? t->all_cap * 2 : 64;
		struct rec **a = realloc(t->all, nc * sizeof(*a));
		if (!a)
			return -1;
		t->all = a;
		t->all_cap = nc;
	}
	if ((t->used + 1) * 10 < t->cap * 7)
		return 0;
	size_t nc = t->cap ? t->cap : 64;
	while ((t->n + 1) * 10 >= nc * 5)
		nc *= 2;
	struct rec **slots = calloc(nc, sizeof(*slots));
	if (!slots)
		return -1;
	for (size_t i = 0; i < t->n; i++)
		slot_insert(slots, nc, t->all[i]);
	free(t->slots);
	t->slots = slots;
	t->cap = nc;
	t->used = t->n;
	return 0;
}

static void table_add(struct table *t, struct rec *r)
{
	slot_insert(t->slots, t->cap, r);
	t->used++;
	r->pos = t->n;
	t->all[t->n++] = r;
}

static void table_unlink(struct table *t, struct rec *r)
{
	size_t mask = t->cap - 1;
	for (size_t i = hash_str(r->id) & mask;; i = (i + 1) & mask) {
		if (t->slots[i] == r) {
			t->slots[i] = TOMB;
			break;
		}
	}
	t->all[r->pos] = t->all[--t->n];
	t->all[r->pos]->pos = r->pos;
	t->removes++;
}

/* Record that r changed in the aspects `deps`.  A logged pointer is only
 * read by views built after it was logged and before any removal (a removal
 * forces a full rebuild), so it never points at a freed record. */
static void table_bump(struct table *t, struct rec *r, unsigned deps)
{
	if (!deps)
		return;
	for (int k = 0; k < K_N; k++)
		if (deps & (1u << k))
			t->kgen[k]++;
	t->log[t->nchg % CHG_LOG] = (struct chg){r, deps};
	t->nchg++;
}

/* ---- equality, for the change masks ---- */

static bool str_eq(const struct opt_str *a, const struct opt_str *b)
{
	if (a->st != b->st)
		return false;
	return a->st != FIELD_SET || strcmp(a->v ? a->v : "", b->v ? b->v : "") == 0;
}

static bool i64_eq(const struct opt_i64 *a, const struct opt_i64 *b)
{
	return a->st == b->st && (a->st != FIELD_SET || a->v == b->v);
}

static bool f64_eq(const struct opt_f64 *a, const struct opt_f64 *b)
{
	return a->st == b->st && (a->st != FIELD_SET || a->v == b->v);
}

static bool bool_eq(const struct opt_bool *a, const struct opt_bool *b)
{
	return a->st == b->st && (a->st != FIELD_SET || a->v == b->v);
}

static bool time_eq(const struct opt_time *a, const struct opt_time *b)
{
	return a->st == b->st && (a->st != FIELD_SET || a->ms == b->ms);
}

static bool list_eq(const struct str_list *a, const struct str_list *b)
{
	if (a->st != b->st || a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i] ? a->v[i] : "", b->v[i] ? b->v[i] : "") != 0)
			return false;
	return true;
}

static bool cstr_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool meta_eq(const struct meta_map *a, const struct meta_map *b)
{
	if (a->st != b->st || a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!cstr_eq(a->keys[i], b->keys[i]) || !cstr_eq(a->vals[i], b->vals[i]))
			return false;
	return true;
}

static bool dprefs_eq(const struct driver_prefs *a, const struct driver_prefs *b)
{
	return a->st == b->st && str_eq(&a->charging_speed, &b->charging_speed) &&
	       str_eq(&a->currency, &b->currency) &&
	       str_eq(&a->default_payment_method, &b->default_payment_method) &&
	       i64_eq(&a->max_price_per_kwh, &b->max_price_per_kwh) &&
	       bool_eq(&a->notifications, &b->notifications) &&
	       list_eq(&a->preferred_charging_stations, &b->preferred_charging_stations) &&
	       list_eq(&a->preferred_cpos, &b->preferred_cpos);
}

static unsigned driver_changes(const struct driver *a, const struct driver *b)
{
	unsigned m = 0;
	if (!i64_eq(&a->wallet_balance, &b->wallet_balance))
		m |= STORE_CHG_BALANCE;
	if (!list_eq(&a->fleets, &b->fleets))
		m |= STORE_CHG_DRIVERS;
	if (!list_eq(&a->vehicles, &b->vehicles))
		m |= STORE_CHG_VEHICLES;
	bool same = str_eq(&a->object, &b->object) && time_eq(&a->created, &b->created) &&
		    str_eq(&a->email, &b->email) &&
		    str_eq(&a->license_number, &b->license_number) &&
		    meta_eq(&a->metadata, &b->metadata) && str_eq(&a->name, &b->name) &&
		    str_eq(&a->phone, &b->phone) && list_eq(&a->policy_ids, &b->policy_ids) &&
		    dprefs_eq(&a->preferences, &b->preferences) &&
		    str_eq(&a->status, &b->status);
	/* `updated` moves with every server-side change; it only counts on its
	 * own, so a balance tick does not also read as "other". */
	if (!same || (!m && !time_eq(&a->updated, &b->updated)))
		m |= STORE_CHG_OTHER;
	return m;
}

static bool addr_eq(const struct address *a, const struct address *b)
{
	return a->st == b->st && str_eq(&a->city, &b->city) && str_eq(&a->country, &b->country) &&
	       str_eq(&a->line1, &b->line1) && str_eq(&a->line2, &b->line2) &&
	       str_eq(&a->postal_code, &b->postal_code) && str_eq(&a->state, &b->state);
}

static bool fprefs_eq(const struct fleet_prefs *a, const struct fleet_prefs *b)
{
	return a->st == b->st && str_eq(&a->billing_cycle, &b->billing_cycle) &&
	       str_eq(&a->default_currency, &b->default_currency) &&
	       str_eq(&a->default_payment_method, &b->default_payment_method) &&
	       bool_eq(&a->notifications, &b->notifications) &&
	       str_eq(&a->report_frequency, &b->report_frequency);
}

static unsigned fleet_changes(const struct fleet *a, const struct fleet *b)
{
	unsigned m = 0;
	if (!i64_eq(&a->wallet_balance, &b->wallet_balance))
		m |= STORE_CHG_BALANCE;
	if (!i64_eq(&a->total_sessions, &b->total_sessions))
		m |= STORE_CHG_SESSIONS;
	if (!f64_eq(&a->total_energy_consumed_kwh, &b->total_energy_consumed_kwh))
		m |= STORE_CHG_ENERGY;
	if (!i64_eq(&a->total_drivers, &b->total_drivers))
		m |= STORE_CHG_DRIVERS;
	if (!i64_eq(&a->total_vehicles, &b->total_vehicles))
		m |= STORE_CHG_VEHICLES;
	bool same = str_eq(&a->object, &b->object) && addr_eq(&a->address, &b->address) &&
		    time_eq(&a->created, &b->created) &&
		    str_eq(&a->description, &b->description) && str_eq(&a->email, &b->email) &&
		    meta_eq(&a->metadata, &b->metadata) &&
		    str_eq(&a->metric_system, &b->metric_system) && str_eq(&a->name, &b->name) &&
		    str_eq(&a->phone, &b->phone) && list_eq(&a->policy_ids, &b->policy_ids) &&
		    fprefs_eq(&a->preferences, &b->preferences) &&
		    str_eq(&a->status, &b->status) && str_eq(&a->timezone, &b->timezone);
	if (!same || (!m && !time_eq(&a->updated, &b->updated)))
		m |= STORE_CHG_OTHER;
	return m;
}

#define KB(k) (1u << (k))

static unsigned driver_deps(const struct driver *a, const struct driver *b)
{
	unsigned k = 0;
	if (!str_eq(&a->name, &b->name) || !str_eq(&a->email, &b->email) ||
	    !str_eq(&a->phone, &b->phone))
		k |= KB(K_TEXT);
	if (!str_eq(&a->status, &b->status))
		k |= KB(K_STATUS);
	if (!i64_eq(&a->wallet_balance, &b->wallet_balance))
		k |= KB(K_BALANCE);
	if (a->vehicles.n != b->vehicles.n)
		k |= KB(K_COUNT1);
	if (!list_eq(&a->fleets, &b->fleets))
		k |= KB(K_COUNT2) | KB(K_MEMBER);
	if (!time_eq(&a->updated, &b->updated))
		k |= KB(K_UPDATED);
	if (!time_eq(&a->created, &b->created))
		k |= KB(K_CREATED);
	return k;
}

static unsigned fleet_deps(const struct fleet *a, const struct fleet *b)
{
	unsigned k = 0;
	if (!str_eq(&a->name, &b->name) || !str_eq(&a->email, &b->email) ||
	    !str_eq(&a->phone, &b->phone))
		k |= KB(K_TEXT);
	if (!str_eq(&a->status, &b->status))
		k |= KB(K_STATUS);
	if (!i64_eq(&a->wallet_balance, &b->wallet_balance))
		k |= KB(K_BALANCE);
	if (!i64_eq(&a->total_sessions, &b->total_sessions))
		k |= KB(K_COUNT1);
	if (!i64_eq(&a->total_drivers, &b->total_drivers))
		k |= KB(K_COUNT2);
	if (!f64_eq(&a->total_energy_consumed_kwh, &b->total_energy_consumed_kwh))
		k |= KB(K_ENERGY);
	if (!time_eq(&a->updated, &b->updated))
		k |= KB(K_UPDATED);
	if (!time_eq(&a->created, &b->created))
		k |= KB(K_CREATED);
	return k;
}

/* ---- store ---- */

struct store *store_new(void)
{
	return calloc(1, sizeof(struct store));
}

static void drec_free(struct drec *r)
{
	if (r->block != r->inl)
		free(r->block);
	free(r);
}

static void table_free(struct table *t, bool drivers)
{
	for (size_t i = 0; i < t->n; i++) {
		struct rec *r = t->all[i];
		if (drivers) {
			drec_free((struct drec *)r);
			continue;
		}
		fleet_clear(&((struct frec *)r)->f);
		free(r->hay);
		free(r);
	}
	free(t->all);
	free(t->slots);
}

void store_free(struct store *s)
{
	if (!s)
		return;
	cache_free(&s->cache);
	free(s->scratch.ptrs);
	table_free(&s->drivers, true);
	table_free(&s->fleets, false);
	intern_free(&s->pool);
	free(s);
}

/* A new record, its block inline. */
static struct drec *drec_new(size_t size)
{
	struct drec *r = calloc(1, sizeof(*r) + size);
	if (r) {
		r->block = r->inl;
		r->inl_cap = (uint32_t)size;
	}
	return r;
}

/* The id inside the block (the index keys on it): status, then the id. */
static const char *drec_id(const struct drec *r, const struct intern *in)
{
	struct dec dc;
	dec_init(&dc, r, in, NULL);
	dec_str(&dc, HAY_NONE);
	return dec_str(&dc, HAY_ID);
}

/* The old version of r, against d: its change mask, logged for the views.
 * Then r's old block goes and `block` takes its place.  -1 on ENOMEM. */
static int drec_replace(struct store *s, struct drec *r, const struct driver *d, char *block,
			unsigned *mask)
{
	if (mat_fill(&s->scratch, r, &s->pool) < 0)
		return -1;
	*mask = driver_changes(&s->scratch.d, d);
	table_bump(&s->drivers, &r->r, driver_deps(&s->scratch.d, d));
	cache_forget(s, r);
	if (r->block != r->inl && r->block != block)
		free(r->block);
	r->block = block;
	return 0;
}

unsigned store_put_driver(struct store *s, struct driver *d)
{
	unsigned m = STORE_NEW;
	cache_bump(s); /* every driver pointer handed out so far is void */
	size_t size = d->id.st == FIELD_SET && d->id.v && d->id.v[0]
			      ? driver_packed_size(&s->pool, d) : 0;
	if (!size || size > UINT32_MAX) {
		driver_clear(d);
		return 0;
	}
	struct drec *r = (struct drec *)table_find(&s->drivers, d->id.v);
	bool fresh = r == NULL;
	if (!fresh) {
		char *block = size <= r->inl_cap ? r->inl : malloc(size);
		if (!block || drec_replace(s, r, d, block, &m) < 0) {
			if (block != r->inl)
				free(block);
			driver_clear(d);
			return 0;
		}
	} else {
		r = drec_new(size);
		if (!r || table_reserve(&s->drivers) < 0) {
			free(r);
			driver_clear(d);
			return 0;
		}
		r->r.seq = ++s->seq;
	}
	driver_pack(&s->pool, r, d);
	driver_clear(d);
	r->r.id = drec_id(r, &s->pool);
	if (fresh)
		table_add(&s->drivers, &r->r);
	return m;
}

unsigned store_put_fleet(struct store *s, struct fleet *f)
{
	if (f->id.st != FIELD_SET || !f->id.v || !f->id.v[0]) {
		fleet_clear(f);
		return 0;
	}
	struct rec hay = {0};
	if (rec_set_hay(&hay, os(&f->name), os(&f->email), f->id.v, os(&f->phone)) < 0) {
		fleet_clear(f);
		return 0;
	}
	struct frec *old = (struct frec *)table_find(&s->fleets, f->id.v);
	if (old) {
		unsigned m = fleet_changes(&old->f, f);
		table_bump(&s->fleets, &old->r, fleet_deps(&old->f, f));
		fleet_clear(&old->f);
		old->f = *f;
		memset(f, 0, sizeof(*f));
		free(old->r.hay);
		old->r.hay = hay.hay;
		old->r.hay_len = hay.hay_len;
		old->r.name_len = hay.name_len;
		old->r.id = old->f.id.v;
		return m;
	}
	struct frec *nr = calloc(1, sizeof(*nr));
	if (!nr || table_reserve(&s->fleets) < 0) {
		free(nr);
		free(hay.hay);
		fleet_clear(f);
		return 0;
	}
	nr->f = *f;
	memset(f, 0, sizeof(*f));
	nr->r = hay;
	nr->r.id = nr->f.id.v;
	nr->r.seq = ++s->seq;
	table_add(&s->fleets, &nr->r);
	return STORE_NEW;
}

bool store_remove_driver(struct store *s, const char *id)
{
	cache_bump(s);
	struct drec *r = (struct drec *)table_find(&s->drivers, id);
	if (!r)
		return false;
	cache_forget(s, r);
	table_unlink(&s->drivers, &r->r);
	drec_free(r);
	return true;
}

bool store_remove_fleet(struct store *s, const char *id)
{
	struct frec *r = (struct frec *)table_find(&s->fleets, id);
	if (!r)
		return false;
	table_unlink(&s->fleets, &r->r);
	fleet_clear(&r->f);
	free(r->r.hay);
	free(r);
	return true;
}

const struct driver *store_driver(const struct store *s, const char *id)
{
	struct drec *r = (struct drec *)table_find(&s->drivers, id);
	return r ? materialize(s, r) : NULL;
}

const struct fleet *store_fleet(const struct store *s, const char *id)
{
	struct frec *r = (struct frec *)table_find(&s->fleets, id);
	return r ? &r->f : NULL;
}

size_t store_driver_count(const struct store *s)
{
	return s->drivers.n;
}

size_t store_fleet_count(const struct store *s)
{
	return s->fleets.n;
}

/* ---- sorting ---- */

static int cmp_i64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

/* Missing, null and invalid values sort after every set value, whatever the
 * direction, so "—" rows never hide the real extremes. */
static int cmp_state(enum field_state a, enum field_state b, bool *decided)
{
	*decided = true;
	if (a == FIELD_SET && b != FIELD_SET)
		return -1;
	if (a != FIELD_SET && b == FIELD_SET)
		return 1;
	*decided = a != FIELD_SET;
	return 0;
}

static int cmp_name(const struct rec *a, const struct rec *b)
{
	size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
	int c = memcmp(a->hay, b->hay, n);
	return c ? c : cmp_i64((int64_t)a->name_len, (int64_t)b->name_len);
}

static int cmp_str(const struct opt_str *a, const struct opt_str *b)
{
	return strcmp(os(a), os(b));
}

/* Two set-or-not int64s: unset values sort last (*last). */
static int cmp_set_i64(enum field_state sa, int64_t a, enum field_state sb, int64_t b,
		       bool *last)
{
	bool decided = false;
	int c = cmp_state(sa, sb, &decided);
	*last = decided;
	return decided ? c : cmp_i64(a, b);
}

/* The API's order, newest first: the "ascending" default is created
 * descending (unset values still last). */
static int cmp_newest(enum field_state sa, int64_t a, enum field_state sb, int64_t b, bool *last)
{
	return cmp_set_i64(sa, b, sb, a, last);
}

/* Primary key comparison, ascending, on the packed records (a sort never
 * materializes); *last set when a value is unset and so must stay last
 * regardless of direction. */
static int cmp_driver_key(enum sort_key k, const struct rec *ra, const struct rec *rb, bool *last,
			  const struct intern *in)
{
	const struct drec *a = (const struct drec *)ra;
	const struct drec *b = (const struct drec *)rb;
	*last = false;
	switch (k) {
	case SORT_NAME:
		return cmp_name(ra, rb);
	case SORT_STATUS:
		return strcmp(drec_status(a, in), drec_status(b, in));
	case SORT_BALANCE:
		return cmp_set_i64(sts_get(a->sts, DS_WALLET), a->wallet,
				   sts_get(b->sts, DS_WALLET), b->wallet, last);
	case SORT_SESSIONS:
		return cmp_i64((int64_t)a->nveh, (int64_t)b->nveh);
	case SORT_DRIVERS:
		return cmp_i64((int64_t)a->nfleets, (int64_t)b->nfleets);
	case SORT_UPDATED:
		return cmp_set_i64(sts_get(a->sts, DS_UPDATED), a->updated,
				   sts_get(b->sts, DS_UPDATED), b->updated, last);
	case SORT_ENERGY:
	case SORT_DEFAULT:
		break;
	}
	return cmp_newest(sts_get(a->sts, DS_CREATED), a->created, sts_get(b->sts, DS_CREATED),
			  b->created, last);
}

static int cmp_f64(const struct opt_f64 *a, const struct opt_f64 *b, bool *last)
{
	bool decided = false;
	int c = cmp_state(a->st, b->st, &decided);
	*last = decided;
	return decided ? c : (a->v > b->v) - (a->v < b->v);
}

static int cmp_opt_i64(const struct opt_i64 *a, const struct opt_i64 *b, bool *last)
{
	return cmp_set_i64(a->st, a->v, b->st, b->v, last);
}

static int cmp_fleet_key(enum sort_key k, const struct rec *ra, const struct rec *rb, bool *last)
{
	const struct fleet *a = &((const struct frec *)ra)->f;
	const struct fleet *b = &((const struct frec *)rb)->f;
	*last = false;
	switch (k) {
	case SORT_NAME:
		return cmp_name(ra, rb);
	case SORT_STATUS:
		return cmp_str(&a->status, &b->status);
	case SORT_BALANCE:
		return cmp_opt_i64(&a->wallet_balance, &b->wallet_balance, last);
	case SORT_SESSIONS:
		return cmp_opt_i64(&a->total_sessions, &b->total_sessions, last);
	case SORT_DRIVERS:
		return cmp_opt_i64(&a->total_drivers, &b->total_drivers, last);
	case SORT_ENERGY:
		return cmp_f64(&a->total_energy_consumed_kwh, &b->total_energy_consumed_kwh, last);
	case SORT_UPDATED:
		return cmp_set_i64(a->updated.st, a->updated.ms, b->updated.st, b->updated.ms, last);
	case SORT_DEFAULT:
		break;
	}
	return cmp_newest(a->created.st, a->created.ms, b->created.st, b->created.ms, last);
}

/* qsort has no context argument in C11; views are UI-thread only, so one
 * static context is safe here. */
static const struct store_view *sort_ctx;

static int cmp_rows(const void *pa, const void *pb)
{
	const struct rec *a = *(struct rec *const *)pa;
	const struct rec *b = *(struct rec *const *)pb;
	bool last = false;
	int c = sort_ctx->kind == VIEW_DRIVERS
			? cmp_driver_key(sort_ctx->key, a, b, &last, &sort_ctx->s->pool)
			: cmp_fleet_key(sort_ctx->key, a, b, &last);
	if (c && sort_ctx->desc && !last)
		c = -c;
	if (c)
		return c;
	/* Ties keep insertion order in both directions: a stable sort. */
	return cmp_i64((int64_t)a->seq, (int64_t)b->seq);
}

/* ---- views ---- */

struct store_view *store_view_new(struct store *s, enum view_kind kind)
{
	struct store_view *v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->s = s;
	v->kind = kind;
	v->filter = calloc(1, 1);
	if (!v->filter) {
		free(v);
		return NULL;
	}
	return v;
}

static void levels_truncate(struct store_view *v, size_t keep)
{
	while (v->nlv > keep) {
		struct level *l = &v->lv[--v->nlv];
		v->lv_rows -= l->n;
		free(l->filter);
		free(l->rows);
	}
}

void store_view_free(struct store_view *v)
{
	if (!v)
		return;
	levels_truncate(v, 0);
	free(v->lv);
	free(v->fleet_id);
	free(v->filter);
	free(v->base);
	free(v);
}

static void view_invalidate(struct store_view *v)
{
	v->base_valid = false;
	v->rows_valid = false;
}

void store_view_set_fleet(struct store_view *v, const char *fleet_id)
{
	if (cstr_eq(v->fleet_id, fleet_id && *fleet_id ? fleet_id : NULL))
		return;
	free(v->fleet_id);
	v->fleet_id = fleet_id && *fleet_id ? strdup(fleet_id) : NULL;
	view_invalidate(v);
}

void store_view_set_filter(struct store_view *v, const char *text)
{
	char *f = fold_dup(text);
	if (!f)
		return; /* ENOMEM: keep the old filter rather than show everything */
	free(v->filter);
	v->filter = f;
	v->rows_valid = false;
}

void store_view_set_sort(struct store_view *v, enum sort_key key, bool descending)
{
	if (v->key == key && v->desc == descending)
		return;
	v->key = key;
	v->desc = descending;
	view_invalidate(v);
}

static struct table *view_table(const struct store_view *v)
{
	return v->kind == VIEW_DRIVERS ? &v->s->drivers : &v->s->fleets;
}

static bool in_fleet(const struct store_view *v, const struct rec *r)
{
	return drec_in_fleet((const struct drec *)r, &v->s->pool, v->fleet_id);
}

static int grow(struct rec ***a, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t nc = *cap ? *cap : 64;
	while (nc < need)
		nc *= 2;
	struct rec **p = realloc(*a, nc * sizeof(*p));
	if (!p)
		return -1;
	*a = p;
	*cap = nc;
	return 0;
}

/* The aspect a view's order depends on. */
static enum kdep sort_dep(const struct store_view *v)
{
	switch (v->key) {
	case SORT_NAME:
		return K_TEXT;
	case SORT_STATUS:
		return K_STATUS;
	case SORT_BALANCE:
		return K_BALANCE;
	case SORT_SESSIONS:
		return K_COUNT1;
	case SORT_DRIVERS:
		return K_COUNT2;
	case SORT_ENERGY:
		return v->kind == VIEW_FLEETS ? K_ENERGY : K_CREATED;
	case SORT_UPDATED:
		return K_UPDATED;
	case SORT_DEFAULT:
		break;
	}
	return K_CREATED;
}

/* base = the table's records restricted to the fleet, sorted. */
static int view_build_base(struct store_view *v)
{
	struct table *t = view_table(v);
	if (grow(&v->base, &v->base_cap, t->n) < 0)
		return -1;
	bool restrict_fleet = v->kind == VIEW_DRIVERS && v->fleet_id;
	size_t n = 0;
	for (size_t i = 0; i < t->n; i++)
		if (!restrict_fleet || in_fleet(v, t->all[i]))
			v->base[n++] = t->all[i];
	v->nbase = n;
	sort_ctx = v;
	if (n > 1) /* base is still NULL for an empty table: qsort(NULL) is UB */
		qsort(v->base, n, sizeof(*v->base), cmp_rows);
	sort_ctx = NULL;
	v->base_valid = true;
	v->base_ver++;
	v->base_removes = t->removes;
	v->base_sortgen = t->kgen[sort_dep(v)];
	v->base_membergen = t->kgen[K_MEMBER];
	v->base_all_n = t->n;
	v->base_nchg = t->nchg;
	return 0;
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (struct rec *const *)a, y = (uintptr_t) * (struct rec *const *)b;
	return (x > y) - (x < y);
}

/* Merge the sorted add[0..k) into base (which has room), from the end. */
static void merge_into_base(struct store_view *v, struct rec **add, size_t k)
{
	size_t i = v->nbase, j = k, w = v->nbase + k;
	sort_ctx = v;
	if (k > 1)
		qsort(add, k, sizeof(*add), cmp_rows);
	while (j > 0) {
		if (i > 0 && cmp_rows(&v->base[i - 1], &add[j - 1]) > 0)
			v->base[--w] = v->base[--i];
		else
			v->base[--w] = add[--j];
	}
	sort_ctx = NULL;
	v->nbase += k;
	v->base_ver++;
}

/* Some existing records changed what base's order (or fleet membership)
 * depends on, and the change log still holds every one of those changes:
 * take those rows out and merge them back in at their new places.  A
 * refresh round that moves 60 balances then costs O(n) pointer compares,
 * not a sort of 100,000 rows.  -1 when the log is too short (rebuild). */
static int view_patch(struct store_view *v, unsigned deps)
{
	struct table *t = view_table(v);
	if (t->nchg - v->base_nchg > CHG_LOG)
		return -1;
	size_t k = 0, cap = (size_t)(t->nchg - v->base_nchg);
	struct rec **chg = malloc((cap ? cap : 1) * sizeof(*chg));
	if (!chg || grow(&v->base, &v->base_cap, v->nbase + cap) < 0) {
		free(chg);
		return -1;
	}
	for (uint64_t c = v->base_nchg; c < t->nchg; c++) {
		const struct chg *e = &t->log[c % CHG_LOG];
		/* records added since base was built arrive by view_merge_new */
		if ((e->deps & deps) && e->r->pos < v->base_all_n)
			chg[k++] = e->r;
	}
	qsort(chg, k, sizeof(*chg), cmp_ptr);
	size_t u = 0;
	for (size_t i = 0; i < k; i++)
		if (!u || chg[u - 1] != chg[i])
			chg[u++] = chg[i];
	size_t w = 0;
	for (size_t i = 0; i < v->nbase; i++)
		if (!bsearch(&v->base[i], chg, u, sizeof(*chg), cmp_ptr))
			v->base[w++] = v->base[i];
	v->nbase = w;
	size_t back = 0;
	bool restrict_fleet = v->kind == VIEW_DRIVERS && v->fleet_id;
	for (size_t i = 0; i < u; i++)
		if (!restrict_fleet || in_fleet(v, chg[i]))
			chg[back++] = chg[i];
	merge_into_base(v, chg, back);
	free(chg);
	v->base_sortgen = t->kgen[sort_dep(v)];
	v->base_membergen = t->kgen[K_MEMBER];
	return 0;
}

/* Records were only added since base was built (a list page arrived): sort
 * the newcomers and merge them in from the end, O(n + k log k) instead of a
 * full sort, so loading 100,000 drivers page by page stays smooth. */
static int view_merge_new(struct store_view *v)
{
	struct table *t = view_table(v);
	size_t k = t->n - v->base_all_n, kk = 0;
	struct rec **add = malloc(k * sizeof(*add));
	if (!add || grow(&v->base, &v->base_cap, v->nbase + k) < 0) {
		free(add);
		return -1;
	}
	bool restrict_fleet = v->kind == VIEW_DRIVERS && v->fleet_id;
	for (size_t i = v->base_all_n; i < t->n; i++)
		if (!restrict_fleet || in_fleet(v, t->all[i]))
			add[kk++] = t->all[i];
	merge_into_base(v, add, kk);
	free(add);
	v->base_all_n = t->n;
	return 0;
}

/* memchr for the first byte, the second byte inline, then memcmp: on
 * haystacks of ~60-130 bytes this is several times faster than memmem(),
 * whose per-call setup dominates, and the inline byte skips most false
 * starts in random-looking ids. */
static bool hay_has(const struct rec *r, const char *f, size_t flen)
{
	if (r->hay_len < flen)
		return false;
	const char *p = r->hay, *last = r->hay + (r->hay_len - flen);
	while (p <= last && (p = memchr(p, f[0], (size_t)(last - p) + 1))) {
		if (flen == 1 || (p[1] == f[1] && memcmp(p + 2, f + 2, flen - 2) == 0))
			return true;
		p++;
	}
	return false;
}

/* Keep the rows of src whose haystack contains filter f into dst. */
static size_t view_scan(const char *f, struct rec **dst, struct rec *const *src, size_t n)
{
	size_t flen = strlen(f), out = 0;
	for (size_t i = 0; i < n; i++)
		if (hay_has(src[i], f, flen))
			dst[out++] = src[i];
	return out;
}

/* Make the current filter the top level.  Typing forward scans only the
 * level below; a backspace finds its filter still on the chain and costs
 * nothing; anything else rescans from the deepest level whose filter the
 * new one contains (at worst, base).  The chain holds at most about two
 * bases' worth of rows; the oldest levels go first. */
static int view_filter(struct store_view *v)
{
	const char *f = v->filter;
	size_t keep = v->nlv;
	while (keep > 0 && !strstr(f, v->lv[keep - 1].filter))
		keep--;
	levels_truncate(v, keep);
	if (keep > 0 && strcmp(v->lv[keep - 1].filter, f) == 0)
		return 0;
	struct rec *const *src = keep ? v->lv[keep - 1].rows : v->base;
	size_t n = keep ? v->lv[keep - 1].n : v->nbase;
	if (v->nlv == v->lv_cap) {
		size_t nc = v->lv_cap ? v->lv_cap * 2 : 8;
		struct level *l = realloc(v->lv, nc * sizeof(*l));
		if (!l)
			return -1;
		v->lv = l;
		v->lv_cap = nc;
	}
	struct level nl = {strdup(f), malloc((n ? n : 1) * sizeof(struct rec *)), 0};
	if (!nl.filter || !nl.rows) {
		free(nl.filter);
		free(nl.rows);
		return -1;
	}
	nl.n = view_scan(f, nl.rows, src, n);
	v->lv[v->nlv++] = nl;
	v->lv_rows += nl.n;
	while (v->nlv > 1 && v->lv_rows > 2 * v->nbase + 1024) {
		v->lv_rows -= v->lv[0].n;
		free(v->lv[0].filter);
		free(v->lv[0].rows);
		memmove(v->lv, v->lv + 1, --v->nlv * sizeof(*v->lv));
	}
	return 0;
}

/* Bring rows up to date; on ENOMEM the view shows nothing rather than stale
 * pointers. */
static void view_update(struct store_view *v)
{
	struct table *t = view_table(v);
	bool restricted = v->kind == VIEW_DRIVERS && v->fleet_id;
	unsigned deps = KB(sort_dep(v)) | (restricted ? KB(K_MEMBER) : 0);
	bool moved = v->base_sortgen != t->kgen[sort_dep(v)] ||
		     (restricted && v->base_membergen != t->kgen[K_MEMBER]);
	int rc = 0;
	if (!v->base_valid || v->base_removes != t->removes ||
	    (moved && view_patch(v, deps) < 0))
		rc = view_build_base(v);
	else if (t->n != v->base_all_n)
		rc = view_merge_new(v);
	v->base_nchg = t->nchg; /* changes not in deps left the order as it was */
	if (rc < 0) {
		v->base_valid = v->rows_valid = false;
		v->nbase = v->nrows = 0;
		return;
	}
	bool fresh = v->rows_textgen == t->kgen[K_TEXT] && v->rows_base_ver == v->base_ver;
	if (v->rows_valid && fresh)
		return;
	if (!fresh)
		levels_truncate(v, 0); /* results of an older base or older text */
	v->rows_textgen = t->kgen[K_TEXT];
	v->rows_base_ver = v->base_ver;
	if (!v->filter[0]) {
		v->rows = v->base;
		v->nrows = v->nbase;
	} else if (view_filter(v) < 0) {
		v->nrows = 0;
		return;
	} else {
		v->rows = v->lv[v->nlv - 1].rows;
		v->nrows = v->lv[v->nlv - 1].n;
	}
	v->rows_valid = true;
}

size_t store_view_len(struct store_view *v)
{
	view_update(v);
	return v->nrows;
}

const struct driver *store_view_driver(struct store_view *v, size_t i)
{
	if (v->kind != VIEW_DRIVERS)
		return NULL;
	view_update(v);
	return i < v->nrows ? materialize(v->s, (struct drec *)v->rows[i]) : NULL;
}

const struct fleet *store_view_fleet(struct store_view *v, size_t i)
{
	if (v->kind != VIEW_FLEETS)
		return NULL;
	view_update(v);
	return i < v->nrows ? &((struct frec *)v->rows[i])->f : NULL;
}

const char *store_view_id(struct store_view *v, size_t i)
{
	view_update(v);
	return i < v->nrows ? v->rows[i]->id : NULL;
}

ssize_t store_view_find(struct store_view *v, const char *id)
{
	struct rec *r = table_find(view_table(v), id);
	if (!r)
		return -1;
	view_update(v);
	for (size_t i = 0; i < v->nrows; i++)
		if (v->rows[i] == r)
			return (ssize_t)i;
	return -1;
}
