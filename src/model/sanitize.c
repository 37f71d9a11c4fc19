/*
 * sanitize.c — untrusted text to terminal, log or API (SAN-1..SAN-14).
 *
 * One engine: decode strict UTF-8 one code point at a time, turn each into a
 * "piece" (its output bytes and display width) by a fixed per-code-point
 * policy, and append pieces whole while they fit the width and the buffer.
 * Nothing is ever passed through because it "looks like" a sequence the
 * terminal would accept (less's lesson): every byte is classified alone.
 *
 * Pieces are atomic: a wide character, "^[" or "<U+202E>" is never split, so
 * a cut can only shorten the output.  For the ellipsis we remember the last
 * position where an ellipsis would still fit, and rewind there when the next
 * piece does not fit: one pass, O(n) in the (capped) input.
 *
 * Combining marks attach to the previous visible character; at most two are
 * kept (SAN-7, xterm CVE-2021-27135).  A mark with nothing to attach to (start
 * of string, or after a placeholder) is shown on U+25CC DOTTED CIRCLE so it
 * cannot merge into whatever cell precedes the field on screen.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/sanitize.h"
#include "wcwidth_table.h"

#define SAN_BAD 0xFFFFFFFFu /* decoder: invalid byte */
#define SAN_MAX_MARKS 2

enum san_mode { SAN_MODE_DISPLAY, SAN_MODE_LOG, SAN_MODE_WIDTH };

struct san_out {
	char *buf;
	size_t cap; /* bytes available including the NUL (0: count only) */
	size_t len;
	int width;
	int max; /* -1: unlimited */
	unsigned flags;
	enum san_mode mode;
	int full;
	int cut_ok; /* an ellipsis fits after cut_len */
	size_t cut_len;
	int cut_w;
};

/* ---- tables ------------------------------------------------------------ */

static int san_in(const struct san_range *t, size_t n, unsigned cp)
{
	size_t lo = 0, hi = n;

	if (n == 0 || cp < t[0].lo || cp > t[n - 1].hi)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp > t[mid].hi)
			lo = mid + 1;
		else if (cp < t[mid].lo)
			hi = mid;
		else
			return 1;
	}
	return 0;
}

static int san_is_format(unsigned cp)
{
	return san_in(san_tab_format, san_tab_format_n, cp);
}

static int san_is_control(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

int san_wcwidth(unsigned cp)
{
	if (san_is_control(cp) || cp > 0x10FFFF)
		return -1;
	if (cp < 0x7F)
		return 1;
	if (san_in(san_tab_invalid, san_tab_invalid_n, cp))
		return -1;
	if (san_in(san_tab_zero, san_tab_zero_n, cp) || san_is_format(cp))
		return 0;
	if (san_in(san_tab_wide, san_tab_wide_n, cp))
		return 2;
	return 1;
}

/* ---- UTF-8 ------------------------------------------------------------- */

/* Strict decode of one code point from s[0..n): rejects overlongs, surrogates
 * and values past U+10FFFF.  Returns the bytes used; an invalid sequence uses
 * exactly one byte and gives SAN_BAD, so each bad byte is replaced on its own. */
static size_t san_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], need, lo = 0x80, hi = 0xBF;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF)
		need = 1, *cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		need = 2, *cp = c & 0x0F, lo = c == 0xE0 ? 0xA0 : 0x80,
		hi = c == 0xED ? 0x9F : 0xBF;
	else if (c >= 0xF0 && c <= 0xF4)
		need = 3, *cp = c & 0x07, lo = c == 0xF0 ? 0x90 : 0x80,
		hi = c == 0xF4 ? 0x8F : 0xBF;
	else
		goto bad;
	if (n <= need || s[1] < lo || s[1] > hi)
		goto bad;
	for (unsigned i = 1; i <= need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		*cp = (*cp << 6) | (s[i] & 0x3F);
	}
	return need + 1;
bad:
	*cp = SAN_BAD;
	return 1;
}

size_t san_utf8_encode(unsigned cp, char t[4])
{
	if (cp < 0x80) {
		t[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		t[0] = (char)(0xC0 | cp >> 6);
		t[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		t[0] = (char)(0xE0 | cp >> 12);
		t[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		t[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	t[0] = (char)(0xF0 | cp >> 18);
	t[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	t[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	t[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* ---- output ------------------------------------------------------------ */

static void san_ellipsis(const struct san_out *o, const char **t, size_t *tl)
{
	*t = (o->flags & SAN_ASCII) ? "~" : "\xE2\x80\xA6";
	*tl = strlen(*t);
}

static void san_mark_cut(struct san_out *o)
{
	const char *e;
	size_t el;

	san_ellipsis(o, &e, &el);
	if (o->max >= 0 && o->width + 1 <= o->max && (o->cap == 0 || o->len + el < o->cap)) {
		o->cut_ok = 1;
		o->cut_len = o->len;
		o->cut_w = o->width;
	}
}

/* No more pieces fit: rewind to the last cut point and add the ellipsis. */
static void san_stop(struct san_out *o)
{
	const char *e;
	size_t el;

	o->full = 1;
	if (!(o->flags & SAN_ELLIPSIS) || !o->cut_ok)
		return;
	san_ellipsis(o, &e, &el);
	o->len = o->cut_len;
	o->width = o->cut_w + 1;
	if (o->cap)
		memcpy(o->buf + o->len, e, el);
	o->len += el;
}

static void san_put(struct san_out *o, const char *t, size_t tl, int w)
{
	if (o->full)
		return;
	if ((o->max >= 0 && o->width + w > o->max) || (o->cap && o->len + tl >= o->cap)) {
		san_stop(o);
		return;
	}
	if (o->cap)
		memcpy(o->buf + o->len, t, tl);
	o->len += tl;
	o->width += w;
	san_mark_cut(o);
}

/* ---- policy: one code point -> one piece ------------------------------- */

static void san_put_ph(struct san_out *o, unsigned cp)
{
	char t[24];
	int n;

	if (o->mode == SAN_MODE_LOG)
		n = snprintf(t, sizeof(t), cp > 0xFFFF ? "\\U%08x" : "\\u%04x", cp);
	else
		n = snprintf(t, sizeof(t), "<U+%04X>", cp);
	san_put(o, t, (size_t)n, o->mode == SAN_MODE_LOG ? 0 : n);
}

static void san_put_control(struct san_out *o, unsigned cp)
{
	char t[8];
	int n;

	if (cp >= 0x80) {
		san_put_ph(o, cp);
		return;
	}
	if (o->mode == SAN_MODE_LOG) {
		const char *named = cp == '\n'   ? "\\n"
		                    : cp == '\r' ? "\\r"
		                    : cp == '\t' ? "\\t"
		                                 : NULL;

		n = named ? snprintf(t, sizeof(t), "%s", named)
		          : snprintf(t, sizeof(t), "\\x%02x", cp);
	} else {
		t[0] = '^';
		t[1] = (char)(cp ^ 0x40); /* ESC -> '[', DEL -> '?' */
		n = 2;
	}
	san_put(o, t, (size_t)n, o->mode == SAN_MODE_LOG ? 0 : n);
}

/* marks: -1 when there is no base to attach to, else marks kept on the base. */
static void san_put_mark(struct san_out *o, unsigned cp, int *marks)
{
	char t[8];
	size_t n = 0;
	int w = 0;

	if (*marks >= SAN_MAX_MARKS)
		return;
	if (o->flags & SAN_ASCII) {
		san_put(o, "?", 1, 1);
		*marks = *marks < 0 ? 1 : *marks + 1;
		return;
	}
	if (*marks < 0 && o->mode != SAN_MODE_LOG) {
		n = san_utf8_encode(0x25CC, t);
		w = 1;
	}
	n += san_utf8_encode(cp, t + n);
	san_put(o, t, n, w);
	*marks = *marks < 0 ? 1 : *marks + 1;
}

static void san_put_cp(struct san_out *o, unsigned cp, int *marks)
{
	char t[8];
	int w;

	if (cp == SAN_BAD) {
		if (o->mode == SAN_MODE_LOG)
			return; /* handled by the caller, which knows the byte */
		cp = 0xFFFD;
	}
	if (san_is_control(cp)) {
		san_put_control(o, cp);
		*marks = -1;
		return;
	}
	if (san_is_format(cp)) {
		san_put_ph(o, cp);
		*marks = -1;
		return;
	}
	w = san_wcwidth(cp);
	if (w == 0) {
		san_put_mark(o, cp, marks);
		return;
	}
	if (w < 0) {
		if (o->mode == SAN_MODE_LOG) {
			san_put_ph(o, cp);
			*marks = -1;
			return;
		}
		cp = 0xFFFD, w = 1;
	}
	*marks = 0;
	if (o->flags & SAN_ASCII && cp >= 0x80)
		san_put(o, "?", 1, 1);
	else if (o->mode == SAN_MODE_LOG && cp == '\\')
		san_put(o, "\\\\", 2, 0);
	else
		san_put(o, t, san_utf8_encode(cp, t), w);
}

static void san_run(const char *in, size_t len, struct san_out *o)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t end = len, i = 0;
	int marks = -1;

	/* SAN-10: cut very long input first, on a character boundary. */
	if (len > SAN_INPUT_CAP) {
		end = SAN_INPUT_CAP;
		for (int k = 0; k < 3 && end > 0 && (s[end] & 0xC0) == 0x80; k++)
			end--;
	}
	while (i < end && !o->full) {
		unsigned cp;
		size_t k = san_decode(s + i, end - i, &cp);

		if (cp == SAN_BAD && o->mode == SAN_MODE_LOG) {
			char t[8];

			snprintf(t, sizeof(t), "\\x%02x", s[i]);
			san_put(o, t, 4, 0);
			marks = -1;
		} else {
			san_put_cp(o, cp, &marks);
		}
		i += k;
	}
	if (end < len && !o->full) {
		const char *e;
		size_t el;

		san_ellipsis(o, &e, &el);
		san_put(o, e, el, 1);
	}
}

/* ---- public API -------------------------------------------------------- */

int san_display(const char *in, size_t len, int max_width, unsigned flags, char *out, size_t outsz)
{
	struct san_out o = {.buf = out,
	                    .cap = outsz,
	                    .max = max_width < 0 ? -1 : max_width,
	                    .flags = flags,
	                    .mode = SAN_MODE_DISPLAY};

	if (!out || outsz == 0)
		return 0;
	san_mark_cut(&o);
	if (in)
		san_run(in, len, &o);
	if ((flags & SAN_PAD) && o.max >= 0) {
		while (o.width < o.max && o.len + 1 < o.cap) {
			o.buf[o.len++] = ' ';
			o.width++;
		}
	}
	o.buf[o.len] = '\0';
	return o.width;
}

/* Worst case growth is 4x: one byte -> "\xff" (log), two bytes -> "<U+0080>". */
static char *san_alloc_run(const char *in, enum san_mode mode)
{
	size_t len = strlen(in), n = (len > SAN_INPUT_CAP ? SAN_INPUT_CAP : len) * 4 + 16;
	struct san_out o = {.max = -1, .mode = mode};

	if (!(o.buf = malloc(n)))
		return NULL;
	o.cap = n;
	san_run(in, len, &o);
	o.buf[o.len] = '\0';
	return o.buf;
}

char *san_dup(const char *in)
{
	return san_alloc_run(in ? in : "", SAN_MODE_DISPLAY);
}

char *san_log(const char *in, size_t len)
{
	size_t n = (len > SAN_INPUT_CAP ? SAN_INPUT_CAP : len) * 4 + 16;
	struct san_out o = {.max = -1, .mode = SAN_MODE_LOG};

	if (!(o.buf = malloc(n)))
		return NULL;
	o.cap = n;
	if (in)
		san_run(in, len, &o);
	o.buf[o.len] = '\0';
	return o.buf;
}

int san_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = s ? strlen(s) : 0;
	int w = 0, marks = -1;

	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t k = san_decode(p + i, len - i, &cp);
		struct san_out o = {.max = -1, .mode = SAN_MODE_WIDTH};

		san_put_cp(&o, cp, &marks);
		w += o.width;
		i += k;
	}
	return w;
}

bool san_input_ok(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s)
		return len == 0;
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t k = san_decode(p + i, len - i, &cp);

		if (cp == SAN_BAD || san_is_control(cp) || san_is_format(cp))
			return false;
		i += k;
	}
	return true;
}
