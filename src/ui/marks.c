/*
 * marks.c — drivers marked for a bulk action (space, M, U).  A sorted array
 * of ids: a visible row asks bsearch whether it is marked (O(log n) per row
 * drawn), and marking every filtered driver of 100,000 is one sort.  Marks
 * are by id, so they survive refreshes, re-sorts and filters.
 */
#include <stdlib.h>
#include <string.h>

#include "ui_priv.h"

static int mark_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static ssize_t mark_find(const struct markset *m, const char *id, size_t *ins)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(m->ids[mid], id);
		if (c == 0)
			return (ssize_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (ins)
		*ins = lo;
	return -1;
}

static int mark_reserve(struct markset *m, size_t want)
{
	if (want <= m->cap)
		return 0;
	size_t cap = m->cap ? m->cap : 64;
	while (cap < want)
		cap *= 2;
	char **ids = realloc(m->ids, cap * sizeof(*ids));
	if (!ids)
		return -1;
	m->ids = ids;
	m->cap = cap;
	return 0;
}

bool mark_has(const struct markset *m, const char *id)
{
	return m->n && id && mark_find(m, id, NULL) >= 0;
}

/* Returns true when the id is marked afterwards. */
bool mark_toggle(struct markset *m, const char *id)
{
	size_t at = 0;
	ssize_t i = mark_find(m, id, &at);
	if (i >= 0) {
		free(m->ids[i]);
		memmove(&m->ids[i], &m->ids[i + 1], (m->n - (size_t)i - 1) * sizeof(*m->ids));
		m->n--;
		return false;
	}
	char *dup = strdup(id);
	if (!dup || mark_reserve(m, m->n + 1) != 0) {
		free(dup);
		return false;
	}
	memmove(&m->ids[at + 1], &m->ids[at], (m->n - at) * sizeof(*m->ids));
	m->ids[at] = dup;
	m->n++;
	return true;
}

/* Mark every row of a drivers view: append, sort, drop duplicates. */
size_t mark_view(struct markset *m, struct store_view *v)
{
	size_t len = store_view_len(v), before = m->n;
	if (mark_reserve(m, m->n + len) != 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		/* The id alone: materializing 100,000 records would undo the
		 * store's compact form (RSS 54 -> 110 MiB). */
		const char *id = store_view_id(v, i);
		if (id && (m->ids[m->n] = strdup(id)))
			m->n++;
	}
	qsort(m->ids, m->n, sizeof(*m->ids), mark_cmp);
	size_t w = 0;
	for (size_t r = 0; r < m->n; r++) {
		if (w && strcmp(m->ids[w - 1], m->ids[r]) == 0)
			free(m->ids[r]);
		else
			m->ids[w++] = m->ids[r];
	}
	m->n = w;
	return m->n - before;
}

void mark_clear(struct markset *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->ids[i]);
	free(m->ids);
	memset(m, 0, sizeof(*m));
}

const char *const *ui_marked(struct ui *ui, size_t *n)
{
	*n = ui->marks.n;
	return (const char *const *)ui->marks.ids;
}

void ui_unmark_all(struct ui *ui)
{
	mark_clear(&ui->marks);
	ui->dirty = true;
}
