/*
 * kiosk.c — the wall screen's block font, its layout and its exit chord:
 * pure functions (no curses), so a unit test reads the glyphs back.  The
 * drawing is pane_kiosk.c's.
 */
#include <string.h>

#include "chargetui/kiosk.h"

struct kglyph {
	char c;
	const char *px[KFONT_ROWS]; /* '#' set, '.' clear; every row as wide */
};

/* Hand-drawn so that no glyph has a blank column inside it: a reader (or
 * the e2e test's decoder) can split a line at its blank columns. */
static const struct kglyph kfont[] = {
    {'0', {"###", "#.#", "#.#", "#.#", "###"}}, {'1', {".#.", "##.", ".#.", ".#.", "###"}},
    {'2', {"###", "..#", "###", "#..", "###"}}, {'3', {"###", "..#", ".##", "..#", "###"}},
    {'4', {"#.#", "#.#", "###", "..#", "..#"}}, {'5', {"###", "#..", "###", "..#", "###"}},
    {'6', {"###", "#..", "###", "#.#", "###"}}, {'7', {"###", "..#", "..#", "..#", "..#"}},
    {'8', {"###", "#.#", "###", "#.#", "###"}}, {'9', {"###", "#.#", "###", "..#", "###"}},
    {'.', {".", ".", ".", ".", "#"}},           {',', {"..", "..", "..", ".#", "#."}},
    {'-', {"...", "...", "###", "...", "..."}}, {' ', {"..", "..", "..", "..", ".."}},
    {'\'', {"#", "#", ".", ".", "."}},          {'/', {"..#", "..#", ".#.", "#..", "#.."}},
    {'A', {".#.", "#.#", "###", "#.#", "#.#"}}, {'B', {"##.", "#.#", "##.", "#.#", "##."}},
    {'C', {".##", "#..", "#..", "#..", ".##"}}, {'D', {"##.", "#.#", "#.#", "#.#", "##."}},
    {'E', {"###", "#..", "##.", "#..", "###"}}, {'F', {"###", "#..", "##.", "#..", "#.."}},
    {'G', {".##", "#..", "#.#", "#.#", ".##"}}, {'H', {"#.#", "#.#", "###", "#.#", "#.#"}},
    {'I', {"###", ".#.", ".#.", ".#.", "###"}}, {'J', {"..#", "..#", "..#", "#.#", ".#."}},
    {'K', {"#.#", "#.#", "##.", "#.#", "#.#"}}, {'L', {"#..", "#..", "#..", "#..", "###"}},
    {'M', {"#.#", "###", "###", "#.#", "#.#"}}, {'N', {"##.", "#.#", "#.#", "#.#", "#.#"}},
    {'O', {".#.", "#.#", "#.#", "#.#", ".#."}}, {'P', {"##.", "#.#", "##.", "#..", "#.."}},
    {'Q', {".#.", "#.#", "#.#", "##.", ".##"}}, {'R', {"##.", "#.#", "##.", "#.#", "#.#"}},
    {'S', {".##", "#..", ".#.", "..#", "##."}}, {'T', {"###", ".#.", ".#.", ".#.", ".#."}},
    {'U', {"#.#", "#.#", "#.#", "#.#", "###"}}, {'V', {"#.#", "#.#", "#.#", "#.#", ".#."}},
    {'W', {"#.#", "#.#", "###", "###", "#.#"}}, {'X', {"#.#", "#.#", ".#.", "#.#", "#.#"}},
    {'Y', {"#.#", "#.#", ".#.", ".#.", ".#."}}, {'Z', {"###", "..#", ".#.", "#..", "###"}},
};

static const struct kglyph *kfont_glyph(char c)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	for (size_t i = 0; i < sizeof(kfont) / sizeof(kfont[0]); i++)
		if (kfont[i].c == c)
			return &kfont[i];
	return NULL;
}

bool kfont_has(char c)
{
	return c != '\0' && kfont_glyph(c) != NULL;
}

int kfont_width(const char *s, int scale)
{
	int w = 0;
	if (!s || scale < 1)
		return -1;
	for (const char *c = s; *c; c++) {
		const struct kglyph *g = kfont_glyph(*c);
		if (!g)
			return -1;
		w += ((int)strlen(g->px[0]) + (c[1] ? 1 : 0)) * scale;
	}
	return w;
}

int kfont_height(int scale, bool ascii)
{
	int px = KFONT_ROWS * scale;
	return ascii ? px : (px + 1) / 2;
}

/* Pixel row y (of KFONT_ROWS * scale) at cell column x of s: set or not. */
static bool kfont_pixel(const char *s, int scale, int y, int x)
{
	if (y < 0 || y >= KFONT_ROWS * scale)
		return false;
	for (const char *c = s; *c; c++) {
		const struct kglyph *g = kfont_glyph(*c);
		int w = (int)strlen(g->px[0]) * scale;
		if (x < w)
			return g->px[y / scale][x / scale] == '#';
		x -= w + scale; /* the glyph, then its gap */
		if (x < 0)
			return false;
	}
	return false;
}

int kfont_row(const char *s, int scale, bool ascii, int row, char *buf, size_t n)
{
	int w = kfont_width(s, scale);
	if (w < 0 || row < 0 || row >= kfont_height(scale, ascii) || scale > KFONT_MAX_SCALE ||
	    n < (size_t)w * 3 + 1)
		return -1;
	size_t len = 0;
	for (int x = 0; x < w; x++) {
		if (ascii) {
			buf[len++] = kfont_pixel(s, scale, row, x) ? '#' : ' ';
			continue;
		}
		bool top = kfont_pixel(s, scale, row * 2, x);
		bool bottom = kfont_pixel(s, scale, row * 2 + 1, x);
		const char *cell = top && bottom ? "█" : top ? "▀" : bottom ? "▄" : " ";
		size_t cl = strlen(cell);
		memcpy(buf + len, cell, cl);
		len += cl;
	}
	buf[len] = '\0';
	return w;
}

/* The first run of digits and separators, signed when a '-' comes before
 * it: a unit around the number (a currency code is the server's text) adds
 * no digits of its own. */
char *kfont_figure(const char *formatted, char *buf, size_t n)
{
	const char *s = formatted ? formatted : "";
	const char *d = strpbrk(s, "0123456789");
	size_t len = 0;
	if (n == 0)
		return buf;
	if (d && memchr(s, '-', (size_t)(d - s)) && len + 1 < n)
		buf[len++] = '-';
	for (; d && ((*d >= '0' && *d <= '9') || *d == '.' || *d == ',') && len + 1 < n; d++)
		buf[len++] = *d;
	buf[len] = '\0';
	return buf;
}

/* --- layout --- */

/* The largest scale up to max at which s fits width, 0 when none does. */
static int kiosk_fit(const char *s, int width, int max)
{
	for (int sc = max; s && s[0] && sc >= 1; sc--) {
		int w = kfont_width(s, sc);
		if (w >= 0 && w <= width)
			return sc;
	}
	return 0;
}

/* One row of tiles, figures [first, first + n), at row y: one scale for
 * all that fit (the smallest of their best).  Returns the row's height. */
static int kiosk_row(int cols, bool ascii, const char *const figs[KIOSK_NFIG], int first, int n,
                     int max, int y, struct kiosk_layout *l)
{
	int w = cols / n, scale = max + 1;
	for (int i = first; i < first + n; i++) {
		int s = kiosk_fit(figs[i], w - 2, max);
		if (s && s < scale)
			scale = s;
	}
	if (scale > max)
		scale = 0;
	int fig_h = scale ? kfont_height(scale, ascii) : 1;
	for (int i = first; i < first + n; i++) {
		struct kiosk_tile *t = &l->tile[i];
		t->y = y;
		t->x = (i - first) * w;
		t->w = w;
		t->h = fig_h + 2;
		t->scale = kiosk_fit(figs[i], w - 2, scale) ? scale : 0;
		t->fig_y = y + 1 + (t->scale ? 0 : fig_h / 2);
	}
	return fig_h + 2;
}

/* Rows a layout needs, with the tiles placed from the top (row 0). */
static int kiosk_try(int cols, bool ascii, int name_scale, const char *const figs[KIOSK_NFIG],
                     int max, int per_row, struct kiosk_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->per_row = per_row;
	l->name_scale = name_scale;
	/* a big name has its exact spelling under it: the font has no accents
	 * and no lower case */
	l->name_h = name_scale ? kfont_height(name_scale, ascii) + 1 : 1;
	int y = 0;
	for (int first = 0; first < KIOSK_NFIG; first += per_row) {
		int n = KIOSK_NFIG - first < per_row ? KIOSK_NFIG - first : per_row;
		y += kiosk_row(cols, ascii, figs, first, n, max, y, l) + 1;
	}
	/* header, blank, name, blank, the tiles with a blank after each row,
	 * the two strip rows */
	return 2 + l->name_h + 1 + y + 2;
}

static int kiosk_score(const struct kiosk_layout *l)
{
	int big = 0, sum = 0;
	for (int i = 0; i < KIOSK_NFIG; i++) {
		big += l->tile[i].scale > 0;
		sum += l->tile[i].scale;
	}
	return big * 1000 + sum * 50 + l->name_scale * 10 + l->per_row;
}

static void kiosk_small(int rows, struct kiosk_layout *out)
{
	memset(out, 0, sizeof(*out));
	out->small = true;
	out->name_y = 2;
	out->name_h = 1;
	out->lines_y = 4;
	out->strip_y = rows - 2 > out->lines_y + KIOSK_NFIG ? rows - 2 : out->lines_y + KIOSK_NFIG;
}

void kiosk_layout(int rows, int cols, bool ascii, const char *name,
                  const char *const figs[KIOSK_NFIG], struct kiosk_layout *out)
{
	static const int per_rows[] = {5, 3, 2, 1};
	struct kiosk_layout best, l;
	int best_score = -1, best_need = 0;
	for (int s = KFONT_MAX_SCALE; s >= 1; s--) {
		for (size_t k = 0; k < sizeof(per_rows) / sizeof(per_rows[0]); k++) {
			int ns = kiosk_fit(name, cols - 2, s);
			int need = kiosk_try(cols, ascii, ns, figs, s, per_rows[k], &l);
			if (need > rows && ns) /* a tall name gives way to the figures */
				need = kiosk_try(cols, ascii, 0, figs, s, per_rows[k], &l);
			int score = kiosk_score(&l);
			if (need > rows || score < 1000 || score <= best_score)
				continue;
			best = l;
			best_score = score;
			best_need = need;
		}
	}
	if (best_score < 0) {
		kiosk_small(rows, out);
		return;
	}
	/* Spare rows go above and below the name and tiles, not under them. */
	best.name_y = 2 + (rows - best_need) / 2;
	int dy = best.name_y + best.name_h + 1;
	for (int i = 0; i < KIOSK_NFIG; i++) {
		best.tile[i].y += dy;
		best.tile[i].fig_y += dy;
	}
	best.strip_y = rows - 2;
	*out = best;
}

/* --- the exit chord --- */

void kiosk_chord_init(struct kiosk_chord *c)
{
	c->armed_at = -1;
}

bool kiosk_chord_feed(struct kiosk_chord *c, int code, bool is_code, double now)
{
	bool armed = c->armed_at >= 0 && now - c->armed_at <= KIOSK_CHORD_S;
	c->armed_at = -1;
	if (!is_code && code == KIOSK_CHORD_KEY) {
		c->armed_at = now;
		return false;
	}
	return armed && !is_code && (code == 'q' || code == 'Q');
}
