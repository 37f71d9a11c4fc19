/*
 * picker.c — a searchable list: the fleet to attach a driver to, the fleet
 * to detach it from, or a value of a long pick list (currencies).
 *
 * The filter is re-run over every row on each key: pickers hold at most a
 * few thousand rows (an account's fleets, ISO currencies), so a linear scan
 * per key is well under a millisecond and keeps no index to go stale.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/form.h"
#include "chargetui/model.h"
#include "chargetui/pane.h"
#include "chargetui/sanitize.h"
#include "chargetui/theme.h"

struct picker {
	char *title;
	char **labels, **keys;
	size_t n;
	size_t *match; /* indexes of the rows the filter keeps, in order */
	size_t nmatch;
	size_t sel, top; /* within match */
	struct led filter;
	int page; /* rows shown at the last draw (PgUp/PgDn step) */
};

void picker_free(struct picker *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->labels[i]);
		free(p->keys[i]);
	}
	free(p->labels);
	free(p->keys);
	free(p->match);
	free(p->title);
	led_free(&p->filter);
	free(p);
}

/* ASCII case-insensitive substring; non-ASCII bytes compare exactly. */
static bool pk_contains(const char *hay, const char *needle, size_t nlen)
{
	if (!nlen)
		return true;
	for (; *hay; hay++) {
		size_t k = 0;
		while (k < nlen && hay[k] &&
		       tolower((unsigned char)hay[k]) == tolower((unsigned char)needle[k]))
			k++;
		if (k == nlen)
			return true;
	}
	return false;
}

/* Every space-separated word of the filter must match label or key. */
static bool pk_matches(const struct picker *p, size_t i)
{
	const char *q = p->filter.buf ? p->filter.buf : "";
	while (*q) {
		while (*q == ' ')
			q++;
		size_t len = strcspn(q, " ");
		if (len && !pk_contains(p->labels[i], q, len) && !pk_contains(p->keys[i], q, len))
			return false;
		q += len;
	}
	return true;
}

static void pk_refilter(struct picker *p)
{
	const char *keep = picker_selected(p);
	size_t keep_i = p->n;
	for (size_t i = 0; keep && i < p->n; i++)
		if (p->keys[i] == keep)
			keep_i = i;
	p->nmatch = 0;
	p->sel = 0;
	for (size_t i = 0; i < p->n; i++) {
		if (!pk_matches(p, i))
			continue;
		if (i == keep_i)
			p->sel = p->nmatch;
		p->match[p->nmatch++] = i;
	}
	p->top = 0;
}

struct picker *picker_new(const char *title, const char *const *labels, const char *const *keys,
                          size_t n, const char *current)
{
	struct picker *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->title = strdup(title ? title : "");
	p->labels = calloc(n + 1, sizeof *p->labels);
	p->keys = calloc(n + 1, sizeof *p->keys);
	p->match = calloc(n + 1, sizeof *p->match);
	if (!p->title || !p->labels || !p->keys || !p->match || led_set(&p->filter, "") != 0)
		goto fail;
	for (; p->n < n; p->n++) {
		p->labels[p->n] = strdup(labels[p->n] ? labels[p->n] : "");
		p->keys[p->n] = strdup(keys[p->n] ? keys[p->n] : "");
		if (!p->labels[p->n] || !p->keys[p->n]) {
			p->n++;
			goto fail;
		}
	}
	pk_refilter(p);
	for (size_t m = 0; current && m < p->nmatch; m++)
		if (strcmp(p->keys[p->match[m]], current) == 0)
			p->sel = m;
	return p;
fail:
	picker_free(p);
	return NULL;
}

struct picker *picker_from_fleets(const char *title, const struct fleet *const *fleets, size_t n,
                                  const char *current)
{
	const char **labels = calloc(n + 1, sizeof *labels);
	const char **keys = calloc(n + 1, sizeof *keys);
	size_t k = 0;
	struct picker *p = NULL;
	if (!labels || !keys)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct fleet *fl = fleets[i];
		if (!fl || fl->id.st != FIELD_SET || !fl->id.v)
			continue;
		labels[k] = fl->name.st == FIELD_SET && fl->name.v ? fl->name.v : "";
		keys[k++] = fl->id.v;
	}
	p = picker_new(title, labels, keys, k, current);
out:
	free(labels);
	free(keys);
	return p;
}

const char *picker_selected(const struct picker *p)
{
	return p->nmatch ? p->keys[p->match[p->sel]] : NULL;
}

size_t picker_count(const struct picker *p)
{
	return p->nmatch;
}

const char *picker_filter(const struct picker *p)
{
	return p->filter.buf;
}

static void pk_move(struct picker *p, long d)
{
	if (!p->nmatch)
		return;
	long s = (long)p->sel + d;
	if (s < 0)
		s = 0;
	if (s >= (long)p->nmatch)
		s = (long)p->nmatch - 1;
	p->sel = (size_t)s;
}

static enum picker_reaction pk_code(struct picker *p, wint_t ch)
{
	long page = p->page > 1 ? p->page - 1 : 10;
	switch (ch) {
	case KEY_UP:
		pk_move(p, -1);
		return PICKER_REDRAW;
	case KEY_DOWN:
		pk_move(p, 1);
		return PICKER_REDRAW;
	case KEY_PPAGE:
		pk_move(p, -page);
		return PICKER_REDRAW;
	case KEY_NPAGE:
		pk_move(p, page);
		return PICKER_REDRAW;
	case KEY_HOME:
		p->sel = 0;
		return PICKER_REDRAW;
	case KEY_END:
		pk_move(p, (long)p->nmatch);
		return PICKER_REDRAW;
	case KEY_ENTER:
		return p->nmatch ? PICKER_PICKED : PICKER_NONE;
	case KEY_BACKSPACE:
		if (!led_backspace(&p->filter))
			return PICKER_NONE;
		pk_refilter(p);
		return PICKER_REDRAW;
	}
	return PICKER_NONE;
}

enum picker_reaction picker_key(struct picker *p, bool keycode, wint_t ch)
{
	if (keycode)
		return pk_code(p, ch);
	bool changed = false;
	switch (ch) {
	case '\n':
	case '\r':
		return p->nmatch ? PICKER_PICKED : PICKER_NONE;
	case 27:
		return PICKER_CANCEL;
	case 0x0e:
		pk_move(p, 1);
		return PICKER_REDRAW; /* Ctrl-N */
	case 0x10:
		pk_move(p, -1);
		return PICKER_REDRAW; /* Ctrl-P */
	case 0x08:
	case 0x7f:
		changed = led_backspace(&p->filter);
		break;
	case 0x15:
		changed = led_kill_to_start(&p->filter);
		break;
	case 0x17:
		changed = led_kill_word(&p->filter);
		break;
	default:
		changed = led_insert_cp(&p->filter, (uint32_t)ch) == 0;
		break;
	}
	if (!changed)
		return PICKER_NONE;
	pk_refilter(p);
	return PICKER_REDRAW;
}

void picker_draw(WINDOW *w, struct picker *p)
{
	int h, wd;
	getmaxyx(w, h, wd);
	wattrset(w, theme_attr(TE_DIALOG));
	werase(w);
	wattrset(w, theme_attr(TE_DIALOG_BORDER));
	box(w, 0, 0);
	text_put(w, 0, 2, wd - 4, p->title, 0, theme_attr(TE_TITLE));
	wattrset(w, theme_attr(TE_PROMPT));
	mvwaddstr(w, 1, 2, "/ ");
	text_put(w, 1, 4, wd - 6, p->filter.buf, SAN_PAD, theme_attr(TE_PROMPT));
	int rows = h - 4;
	p->page = rows;
	if (rows < 1)
		goto out;
	if (p->sel < p->top)
		p->top = p->sel;
	if (p->sel >= p->top + (size_t)rows)
		p->top = p->sel - (size_t)rows + 1;
	int keyw = wd / 3;
	for (int r = 0; r < rows && p->top + (size_t)r < p->nmatch; r++) {
		size_t m = p->top + (size_t)r, i = p->match[m];
		unsigned long a = theme_attr(m == p->sel ? TE_ROW_SELECTED : TE_ROW);
		wattrset(w, a);
		mvwhline(w, 2 + r, 1, ' ', wd - 2);
		text_put(w, 2 + r, 2, wd - keyw - 5, p->labels[i], 0, a);
		text_put(w, 2 + r, wd - keyw - 2, keyw, p->keys[i], 0, a | A_DIM);
	}
	if (!p->nmatch)
		text_put(w, 2, 2, wd - 4, "no match", 0, theme_attr(TE_DIM));
out:;
	char foot[96];
	snprintf(foot, sizeof foot, "%zu of %zu  type to filter  Enter pick  Esc cancel", p->nmatch,
	         p->n);
	text_put(w, h - 2, 2, wd - 4, foot, 0, theme_attr(TE_DIM));
	wmove(w, 1, 4 + text_width(p->filter.buf));
	wnoutrefresh(w);
}
