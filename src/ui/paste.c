/*
 * paste.c — bracketed paste: the keys between ESC [200~ and ESC [201~
 * become one paste, taken whole or refused whole (SAN-12).
 *
 * The attack this is built against: text that carries its own ESC [201~
 * ends the paste early, and what follows it arrives as if typed (^O saves a
 * form, Enter answers a question).  A terminal sends a paste in one write,
 * so whatever is already waiting behind an end marker came with the paste;
 * a person cannot type that fast.  That tail is read at once: if it holds
 * another end marker, the paste and its tail are refused together; if not,
 * the tail is handled as keys after the paste.
 */
#include <stdlib.h>
#include <string.h>
#include <curses.h>

#include "chargetui/paste.h"
#include "chargetui/sanitize.h"
#include "ui_priv.h"

/* Keys read behind an end marker that are still replayed as keys. */
#define PASTE_TAIL_MAX 256
/* Bound on one drain of waiting input, so a flood cannot hold the loop. */
#define PASTE_DRAIN_MAX 65536

void paste_init(struct paste *p)
{
	memset(p, 0, sizeof *p);
}

void paste_free(struct paste *p)
{
	free(p->text);
	paste_init(p);
}

void paste_reset(struct paste *p)
{
	p->len = 0;
	if (p->text)
		p->text[0] = '\0';
	p->active = false;
	p->refused = NULL;
	p->nl = 0;
}

void paste_refuse(struct paste *p, const char *why)
{
	if (!p->refused || strcmp(why, PASTE_MSG_CONTROL) == 0)
		p->refused = why;
}

bool paste_stale(const struct paste *p, double now)
{
	return p->active && now - p->last > PASTE_STALE_S;
}

/* Keep one pasted character, or note why the paste cannot be taken.  A
 * refused character is not kept: the paste will not be inserted anyway. */
static void paste_add_char(struct paste *p, int code)
{
	char enc[4];
	unsigned cp = (unsigned)code;
	/* Every field is one line, but a line copied from a terminal or an
	 * editor usually brings its own end (\n or \r\n): that one is dropped.
	 * A break followed by anything else is a second line. */
	if (cp == '\n' || cp == '\r') {
		if (!p->nl)
			p->nl = (int)cp;
		else if (p->nl == '\r' && cp == '\n')
			p->nl = '\n';
		else
			paste_refuse(p, PASTE_MSG_NEWLINE);
		return;
	}
	if (p->nl) {
		paste_refuse(p, PASTE_MSG_NEWLINE);
		p->nl = 0;
	}
	if (code < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
		paste_refuse(p, PASTE_MSG_CONTROL);
		return;
	}
	size_t n = san_utf8_encode(cp, enc);
	if (!san_input_ok(enc, n)) {
		paste_refuse(p, PASTE_MSG_CONTROL);
		return;
	}
	if (p->len + n > PASTE_MAX) {
		paste_refuse(p, PASTE_MSG_LONG);
		return;
	}
	if (p->len + n + 1 > p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 256;
		while (cap < p->len + n + 1)
			cap *= 2;
		char *t = realloc(p->text, cap);
		if (!t) { /* what cannot be kept whole is not inserted */
			paste_refuse(p, PASTE_MSG_LONG);
			return;
		}
		p->text = t;
		p->cap = cap;
	}
	memcpy(p->text + p->len, enc, n);
	p->len += n;
	p->text[p->len] = '\0';
}

enum paste_step paste_feed(struct paste *p, int code, bool is_code, double now)
{
	if (is_code && code == PASTE_KEY_BEGIN && !p->active) {
		paste_reset(p);
		p->active = true;
		p->last = now;
		return PASTE_TAKEN;
	}
	if (is_code && code == PASTE_KEY_END) {
		bool was = p->active;
		p->active = false;
		if (was)
			return PASTE_DONE;
		paste_reset(p);
		paste_refuse(p, PASTE_MSG_CONTROL);
		return PASTE_STRAY;
	}
	/* A resize is the terminal's, not the paste's. */
	if (!p->active || (is_code && code == KEY_RESIZE))
		return PASTE_PASS;
	p->last = now;
	/* Any other key code here was an escape sequence inside the text
	 * (an arrow, a mouse report, a second start marker). */
	if (is_code)
		paste_refuse(p, PASTE_MSG_CONTROL);
	else
		paste_add_char(p, code);
	return PASTE_TAKEN;
}

/* ---- the console's side */

struct paste_key {
	int code;
	bool is_code;
};

static struct paste paste_in;                /* the paste being read */
static const struct paste *paste_delivering; /* while PASTE_KEY is handled */

const struct paste *paste_current(void)
{
	return paste_delivering;
}

/* Read the keys already waiting (the same write as the paste), keeping the
 * first PASTE_TAIL_MAX.  *end is set if another end marker is among them,
 * *over if more were waiting than kept. */
static size_t paste_read_tail(struct paste_key *tail, bool *end, bool *over)
{
	size_t n = 0;
	wint_t ch;
	int rc;
	for (size_t i = 0; i < PASTE_DRAIN_MAX && (rc = wget_wch(stdscr, &ch)) != ERR; i++) {
		bool code = rc == KEY_CODE_YES;
		if (code && (int)ch == PASTE_KEY_END)
			*end = true;
		if (n < PASTE_TAIL_MAX)
			tail[n++] = (struct paste_key){(int)ch, code};
		else
			*over = true;
	}
	return n;
}

/* Hand the paste to whoever has the keys: the top dialog (a form's field),
 * the input line, else nobody, with a word why. */
static unsigned paste_deliver(struct ui *ui, const struct paste *p)
{
	if (!ui->ndialogs && !ui->prompt.mode) {
		ui_message(ui, true, "paste ignored: press / or : first, or edit a field");
		return UI_HANDLED | UI_REDRAW;
	}
	paste_delivering = p;
	unsigned r = ui_key(ui, PASTE_KEY, true);
	paste_delivering = NULL;
	return r;
}

/* The end marker came: read what came with it, then deliver. */
static unsigned paste_finish(struct ui *ui, enum paste_step step)
{
	struct paste_key tail[PASTE_TAIL_MAX];
	bool end = false, over = false;
	size_t n = paste_read_tail(tail, &end, &over);
	/* A second end marker in the same write: the first was inside the
	 * pasted text, and the keys between them were pasted too. */
	if (step == PASTE_STRAY || end || over) {
		paste_refuse(&paste_in, PASTE_MSG_CONTROL);
		n = 0;
	}
	unsigned r = paste_deliver(ui, &paste_in);
	paste_free(&paste_in); /* pastes are rare: hold no buffer between them */
	for (size_t i = 0; i < n && !ui->quit; i++)
		r |= ui_key(ui, tail[i].code, tail[i].is_code);
	return r;
}

bool paste_intercept(struct ui *ui, int code, bool is_code, unsigned *r)
{
	if (is_code && code == PASTE_KEY)
		return false; /* our own delivery, on its way to the receiver */
	double now = ui_now();
	/* The end marker never came (a terminal glitch): what was gathered
	 * is dropped, and this key is a key again. */
	if (paste_stale(&paste_in, now))
		paste_reset(&paste_in);
	enum paste_step step = paste_feed(&paste_in, code, is_code, now);
	if (step == PASTE_PASS)
		return false;
	*r = UI_HANDLED;
	if (step != PASTE_TAKEN)
		*r |= paste_finish(ui, step);
	return true;
}
