/*
 * fmt.c — values of the model as display text (before the sanitizer cuts
 * them to a column), and the table of values that just changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chargetui/money.h"
#include "chargetui/timefmt.h"
#include "ui_priv.h"

double ui_now(void)
{
	return ts_mono();
}

/* A value that is not there reads "—"; one of the wrong type "invalid"
 * (JSN-5), so a broken field never hides the rest of the row. */
static const char *fmt_state(enum field_state st)
{
	if (st == FIELD_INVALID)
		return "invalid";
	return text_glyph("—", "-");
}

const char *fmt_i64(const struct opt_i64 *v, char *buf, size_t n)
{
	if (v->st != FIELD_SET)
		return fmt_state(v->st);
	snprintf(buf, n, "%lld", (long long)v->v);
	return buf;
}

const char *fmt_money(const struct opt_i64 *v, const struct opt_str *cur, char *buf, size_t n)
{
	if (v->st == FIELD_INVALID)
		return "invalid amount";
	if (v->st != FIELD_SET)
		return fmt_state(v->st);
	return money_format(v->v, cur->st == FIELD_SET ? cur->v : NULL, buf, n);
}

const char *fmt_str(const struct opt_str *v, char *buf, size_t n)
{
	(void)buf;
	(void)n;
	if (v->st != FIELD_SET)
		return fmt_state(v->st);
	return v->v;
}

const char *fmt_time(const struct opt_time *t, const char *tz, char *buf, size_t n)
{
	if (t->st != FIELD_SET)
		return fmt_state(t->st);
	if (tz)
		return ts_format_local(t->ms, tz, buf, n);
	/* No zone of its own: the user's local time. */
	time_t secs = (time_t)(t->ms / 1000);
	struct tm tm;
	if (!localtime_r(&secs, &tm) || strftime(buf, n, "%Y-%m-%d %H:%M %Z", &tm) == 0)
		return ts_format_rfc3339(t->ms, buf, n);
	return buf;
}

const char *fmt_bool(const struct opt_bool *b, const char *yes, const char *no, char *buf,
		     size_t n)
{
	(void)buf;
	(void)n;
	if (b->st != FIELD_SET)
		return fmt_state(b->st);
	return b->v ? yes : no;
}

const char *fmt_list(const struct str_list *l, char *buf, size_t n)
{
	if (l->st != FIELD_SET)
		return fmt_state(l->st);
	if (l->n == 0)
		return "none";
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < l->n && used + 1 < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "",
					 l->v[i] ? l->v[i] : "");
	return buf;
}

enum theme_elem fmt_status_elem(const struct opt_str *s)
{
	if (s->st != FIELD_SET)
		return TE_DIM;
	if (strcmp(s->v, "active") == 0)
		return TE_ST_ACTIVE;
	if (strcmp(s->v, "suspended") == 0)
		return TE_ST_SUSPENDED;
	if (strcmp(s->v, "archived") == 0)
		return TE_ST_ARCHIVED;
	return TE_ROW;
}

/* --- highlights: open addressing keyed by id; expiry prunes by rebuild --- */

#define HL_CAP 4096

static size_t hl_hash(const char *s)
{
	size_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

void hl_init(struct hl_table *h)
{
	h->e = calloc(HL_CAP, sizeof(*h->e));
	h->cap = h->e ? HL_CAP : 0;
	h->n = 0;
}

void hl_free(struct hl_table *h)
{
	free(h->e);
	memset(h, 0, sizeof(*h));
}

static struct hl_entry *hl_slot(const struct hl_table *h, const char *id)
{
	if (!h->cap)
		return NULL;
	size_t i = hl_hash(id) & (h->cap - 1);
	for (size_t k = 0; k < h->cap; k++, i = (i + 1) & (h->cap - 1)) {
		struct hl_entry *e = &h->e[i];
		if (!e->id[0] || strcmp(e->id, id) == 0)
			return e;
	}
	return NULL;
}

void hl_add(struct hl_table *h, const char *id, unsigned mask, double until)
{
	/* Kept at most three quarters full; past that a change is simply not
	 * highlighted, which is harmless. */
	if (!id || !*id || strlen(id) >= UI_ID_MAX || h->n * 4 >= h->cap * 3)
		return;
	struct hl_entry *e = hl_slot(h, id);
	if (!e)
		return;
	if (!e->id[0]) {
		snprintf(e->id, sizeof(e->id), "%s", id);
		e->mask = 0;
		h->n++;
	}
	e->mask |= mask;
	e->until = until;
	if (h->n == 1 || until < h->next)
		h->next = until;
}

unsigned hl_get(const struct hl_table *h, const char *id, double now)
{
	if (!h->n || !id)
		return 0;
	struct hl_entry *e = hl_slot(h, id);
	return e && e->id[0] && e->until > now ? e->mask : 0;
}

/* When the first highlight expires, those due within HL_EXPIRE_SLACK_S go
 * with it: a refresh round's changes arrive a GET apart, and taking their
 * highlights away in one screen update costs one attribute switch and one
 * wake-up instead of one per reply. */
#define HL_EXPIRE_SLACK_S 0.5

double hl_prune(struct hl_table *h, double now)
{
	if (!h->n)
		return -1;
	if (now < h->next) /* nothing expired yet: no rebuild */
		return h->next;
	now += HL_EXPIRE_SLACK_S;
	double next = -1;
	struct hl_entry *old = h->e;
	size_t cap = h->cap;
	hl_init(h);
	if (!h->cap) {
		h->e = old; /* keep the old table rather than lose it */
		h->cap = cap;
		return -1;
	}
	for (size_t i = 0; i < cap; i++) {
		if (!old[i].id[0] || old[i].until <= now)
			continue;
		hl_add(h, old[i].id, old[i].mask, old[i].until);
		if (next < 0 || old[i].until < next)
			next = old[i].until;
	}
	free(old);
	return next;
}
