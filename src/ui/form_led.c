/*
 * form_led.c — the line editor under every text field of a form.
 *
 * The buffer is raw UTF-8 (it may start out holding whatever the server sent,
 * invalid bytes included); the cursor is a byte offset that only ever rests
 * on the first byte of a character cluster.  A cluster is a code point and
 * the zero-width code points after it (combining marks), so "e" + U+0301 is
 * one step of the arrow keys and one Backspace, as the user sees one letter.
 */
#include <stdlib.h>
#include <string.h>

#include "chargetui/form.h"
#include "chargetui/sanitize.h"

/* Decode one code point at s[0..n); invalid bytes decode as U+FFFD of
 * length 1, so a walk over raw server text never stalls or overreads. */
static uint32_t led_decode(const char *s, size_t n, size_t *len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t need;
	if (p[0] < 0x80) {
		*len = 1;
		return p[0];
	} else if ((p[0] & 0xE0) == 0xC0) {
		cp = p[0] & 0x1F, need = 2;
	} else if ((p[0] & 0xF0) == 0xE0) {
		cp = p[0] & 0x0F, need = 3;
	} else if ((p[0] & 0xF8) == 0xF0) {
		cp = p[0] & 0x07, need = 4;
	} else {
		*len = 1;
		return 0xFFFD;
	}
	if (need > n) {
		*len = 1;
		return 0xFFFD;
	}
	for (size_t i = 1; i < need; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*len = 1;
			return 0xFFFD;
		}
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < min[need] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
		*len = 1;
		return 0xFFFD;
	}
	*len = need;
	return cp;
}

static int led_reserve(struct led *e, size_t need)
{
	if (need + 1 <= e->cap)
		return 0;
	size_t cap = e->cap ? e->cap : 32;
	while (cap < need + 1)
		cap *= 2;
	char *nb = realloc(e->buf, cap);
	if (!nb)
		return -1;
	e->buf = nb;
	e->cap = cap;
	return 0;
}

int led_set(struct led *e, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (led_reserve(e, n) != 0)
		return -1;
	if (n)
		memcpy(e->buf, s, n);
	e->buf[n] = 0;
	e->len = e->cur = n;
	return 0;
}

void led_free(struct led *e)
{
	free(e->buf);
	memset(e, 0, sizeof *e);
}

/* Start of the character before byte offset pos (pos > 0). */
static size_t led_prev_cp(const struct led *e, size_t pos)
{
	size_t p = pos - 1;
	/* Step back over at most 3 continuation bytes; a longer run is invalid
	 * text, whose bytes count one each. */
	for (int i = 0; i < 3 && p > 0 && ((unsigned char)e->buf[p] & 0xC0) == 0x80; i++)
		p--;
	size_t len;
	led_decode(e->buf + p, e->len - p, &len);
	return p + len == pos ? p : pos - 1;
}

static bool led_zero_width_at(const struct led *e, size_t pos)
{
	size_t len;
	uint32_t cp = led_decode(e->buf + pos, e->len - pos, &len);
	return cp >= 0x300 && san_wcwidth(cp) == 0;
}

static size_t led_next_cluster(const struct led *e, size_t pos)
{
	size_t len;
	if (pos >= e->len)
		return e->len;
	led_decode(e->buf + pos, e->len - pos, &len);
	pos += len;
	while (pos < e->len && led_zero_width_at(e, pos)) {
		led_decode(e->buf + pos, e->len - pos, &len);
		pos += len;
	}
	return pos;
}

static size_t led_prev_cluster(const struct led *e, size_t pos)
{
	if (pos == 0)
		return 0;
	pos = led_prev_cp(e, pos);
	while (pos > 0 && led_zero_width_at(e, pos))
		pos = led_prev_cp(e, pos);
	return pos;
}

int led_insert_str(struct led *e, const char *s, size_t len)
{
	/* Checked whole before anything moves, so a paste goes in entire or
	 * not at all (SAN-12). */
	if (!san_input_ok(s, len))
		return 1;
	if (led_reserve(e, e->len + len) != 0)
		return -1;
	memmove(e->buf + e->cur + len, e->buf + e->cur, e->len - e->cur + 1);
	memcpy(e->buf + e->cur, s, len);
	e->len += len;
	e->cur += len;
	return 0;
}

int led_insert_cp(struct led *e, uint32_t cp)
{
	char enc[4];
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 1;
	return led_insert_str(e, enc, san_utf8_encode(cp, enc));
}

static void led_cut(struct led *e, size_t from, size_t to)
{
	memmove(e->buf + from, e->buf + to, e->len - to + 1);
	e->len -= to - from;
	e->cur = from;
}

void led_left(struct led *e)
{
	e->cur = led_prev_cluster(e, e->cur);
}

void led_right(struct led *e)
{
	e->cur = led_next_cluster(e, e->cur);
}

void led_home(struct led *e)
{
	e->cur = 0;
}

void led_end(struct led *e)
{
	e->cur = e->len;
}

bool led_backspace(struct led *e)
{
	if (e->cur == 0)
		return false;
	led_cut(e, led_prev_cluster(e, e->cur), e->cur);
	return true;
}

bool led_delete(struct led *e)
{
	if (e->cur >= e->len)
		return false;
	size_t cur = e->cur;
	led_cut(e, cur, led_next_cluster(e, cur));
	return true;
}

bool led_kill_to_start(struct led *e)
{
	if (e->cur == 0)
		return false;
	led_cut(e, 0, e->cur);
	return true;
}

bool led_kill_to_end(struct led *e)
{
	if (e->cur >= e->len)
		return false;
	e->len = e->cur;
	e->buf[e->len] = 0;
	return true;
}

bool led_kill_word(struct led *e)
{
	size_t p = e->cur;
	/* readline's unix-word-rubout: whitespace, then the word before it. */
	while (p > 0 && e->buf[p - 1] == ' ')
		p--;
	while (p > 0 && e->buf[p - 1] != ' ')
		p = led_prev_cp(e, p);
	if (p == e->cur)
		return false;
	led_cut(e, p, e->cur);
	return true;
}

int led_cursor_col(const struct led *e)
{
	if (!e->buf || e->cur == 0)
		return 0;
	/* Measure through the sanitizer itself, so the cursor sits where the
	 * shown text puts it ("^[" for ESC, "<U+202E>" for bidi, 2 for CJK).
	 * The worst expansion is 3 input bytes -> 8 output bytes. */
	size_t cur = e->cur < SAN_INPUT_CAP ? e->cur : SAN_INPUT_CAP;
	size_t sz = cur * 4 + 16;
	char *tmp = malloc(sz);
	if (!tmp)
		return 0;
	int w = san_display(e->buf, cur, -1, 0, tmp, sz);
	free(tmp);
	return w;
}

#define LED_CTRL(c) ((c)&0x1f)

int led_key(struct led *e, bool keycode, wint_t ch)
{
	if (keycode) {
		switch (ch) {
		case KEY_LEFT:
			led_left(e);
			return 0;
		case KEY_RIGHT:
			led_right(e);
			return 0;
		case KEY_HOME:
			led_home(e);
			return 0;
		case KEY_END:
			led_end(e);
			return 0;
		case KEY_BACKSPACE:
			return led_backspace(e);
		case KEY_DC:
			return led_delete(e);
		default:
			return -1;
		}
	}
	switch (ch) {
	case LED_CTRL('a'):
		led_home(e);
		return 0;
	case LED_CTRL('e'):
		led_end(e);
		return 0;
	case LED_CTRL('b'):
		led_left(e);
		return 0;
	case LED_CTRL('f'):
		led_right(e);
		return 0;
	case LED_CTRL('u'):
		return led_kill_to_start(e);
	case LED_CTRL('k'):
		return led_kill_to_end(e);
	case LED_CTRL('w'):
		return led_kill_word(e);
	case LED_CTRL('d'):
		return led_delete(e);
	case LED_CTRL('h'):
	case 0x7f:
		return led_backspace(e);
	default:
		return -1;
	}
}
