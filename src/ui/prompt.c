/*
 * prompt.c — the input line at the bottom: `/` filters the list as you type
 * (Enter keeps the filter, Esc clears it), `:` takes a command (Enter runs
 * it, Esc drops it).  Typed text is UTF-8; controls are never inserted.
 */
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "chargetui/paste.h"
#include "chargetui/sanitize.h"
#include "ui_priv.h"

unsigned prompt_open(struct ui *ui, int mode)
{
	struct prompt *pr = &ui->prompt;
	memset(pr, 0, sizeof(*pr));
	pr->mode = mode;
	if (mode == '/') {
		int f = ui->focus == UI_P_FLEETS || ui->focus == UI_P_FLEET_DETAIL ? UI_P_FLEETS
		                                                                   : UI_P_DRIVERS;
		pr->target = ui->panes[f];
		struct list_state *ls = list_state(pr->target);
		snprintf(pr->saved, sizeof(pr->saved), "%s", ls->filter);
		/* Start from the current filter, so `/` then typing refines it. */
		snprintf(pr->buf, sizeof(pr->buf), "%s", ls->filter);
		pr->len = strlen(pr->buf);
		if (f != ui->focus)
			ui_focus(ui, f);
	}
	curs_set(1);
	return UI_HANDLED | UI_REDRAW;
}

static void prompt_close(struct ui *ui)
{
	ui->prompt.mode = 0;
	curs_set(0);
}

static size_t utf8_encode(unsigned cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static void prompt_backspace(struct prompt *pr)
{
	while (pr->len > 0) {
		unsigned char c = (unsigned char)pr->buf[--pr->len];
		if ((c & 0xc0) != 0x80)
			break;
	}
	pr->buf[pr->len] = '\0';
}

/* Ctrl-W: the word before the cursor and the blanks after it. */
static void prompt_kill_word(struct prompt *pr)
{
	while (pr->len > 0 && pr->buf[pr->len - 1] == ' ')
		pr->len--;
	while (pr->len > 0 && pr->buf[pr->len - 1] != ' ')
		pr->len--;
	pr->buf[pr->len] = '\0';
}

static void prompt_insert(struct prompt *pr, unsigned cp)
{
	char enc[4];
	if (cp > 0x10ffff || (text_ascii() && cp >= 0x80))
		return;
	size_t n = utf8_encode(cp, enc);
	/* A control, bidi override or invisible format never enters the line
	 * (SAN-12): what is typed here is what the filter searches for. */
	if (!san_input_ok(enc, n) || pr->len + n >= sizeof(pr->buf))
		return;
	memcpy(pr->buf + pr->len, enc, n);
	pr->len += n;
	pr->buf[pr->len] = '\0';
}

static unsigned prompt_finish(struct ui *ui, bool accept)
{
	struct prompt *pr = &ui->prompt;
	int mode = pr->mode;
	char line[sizeof(pr->buf)];
	snprintf(line, sizeof(line), "%s", pr->buf);
	prompt_close(ui);
	if (mode == '/') {
		list_set_filter(pr->target, accept ? line : "");
		return UI_HANDLED | UI_REDRAW;
	}
	return accept ? cmd_exec(ui, line) : UI_HANDLED | UI_REDRAW;
}

/* Tab on the command line: complete the command word from the commands and
 * the action table, as far as it is unambiguous (vim, k9s). */
static void prompt_complete(struct prompt *pr)
{
	static const char *const cmds[] = {"fleet",  "driver", "sort", "theme",
	                                   "filter", "all",    "q"};
	if (pr->mode != ':' || strchr(pr->buf, ' '))
		return;
	char common[64] = "";
	int matches = 0;
	size_t len = pr->len;
	int total = (int)(sizeof(cmds) / sizeof(cmds[0])) + action_count();
	for (int i = 0; i < total; i++) {
		const char *name = NULL;
		if (i < (int)(sizeof(cmds) / sizeof(cmds[0])))
			name = cmds[i];
		else if (action_get(i - (int)(sizeof(cmds) / sizeof(cmds[0]))))
			name = action_get(i - (int)(sizeof(cmds) / sizeof(cmds[0])))->name;
		if (!name || strncmp(name, pr->buf, len) != 0)
			continue;
		if (matches++ == 0) {
			snprintf(common, sizeof(common), "%s", name);
			continue;
		}
		size_t k = 0;
		while (common[k] && common[k] == name[k])
			k++;
		common[k] = '\0';
	}
	if (!matches || strlen(common) <= len)
		return;
	snprintf(pr->buf, sizeof(pr->buf), "%s%s", common, matches == 1 ? " " : "");
	pr->len = strlen(pr->buf);
}

/* A paste goes into the line whole, or not at all with a word why; it is
 * never run, not even a pasted line break (SAN-12). */
static void prompt_paste(struct ui *ui, struct prompt *pr)
{
	const struct paste *p = paste_current();
	if (!p)
		return;
	const char *why = p->refused;
	size_t n = p->text ? p->len : 0;
	if (!why && text_ascii())
		for (size_t i = 0; i < n && !why; i++)
			if ((unsigned char)p->text[i] >= 0x80)
				why = "only ASCII can be typed here (paste refused)";
	if (!why && pr->len + n >= sizeof(pr->buf))
		why = "too long for the input line (paste refused)";
	if (why) {
		ui_message(ui, true, "%s", why);
		return;
	}
	memcpy(pr->buf + pr->len, p->text, n);
	pr->len += n;
	pr->buf[pr->len] = '\0';
}

unsigned prompt_key(struct ui *ui, const struct key_event *ev)
{
	struct prompt *pr = &ui->prompt;
	int c = ev->code;
	if (ev->is_code && c == PASTE_KEY)
		prompt_paste(ui, pr);
	else if (!ev->is_code && c == 27)
		return prompt_finish(ui, false);
	else if ((!ev->is_code && (c == '\n' || c == '\r')) || (ev->is_code && c == KEY_ENTER))
		return prompt_finish(ui, true);
	else if ((ev->is_code && c == KEY_BACKSPACE) || (!ev->is_code && (c == 127 || c == 8))) {
		if (pr->len == 0 && pr->mode == ':')
			return prompt_finish(ui, false); /* vim: backspace on empty leaves */
		prompt_backspace(pr);
	} else if (!ev->is_code && c == 21) { /* Ctrl-U */
		pr->len = 0;
		pr->buf[0] = '\0';
	} else if (!ev->is_code && c == 23) { /* Ctrl-W */
		prompt_kill_word(pr);
	} else if (!ev->is_code && c == '\t') {
		prompt_complete(pr);
	} else if (!ev->is_code && c >= 0x20) {
		prompt_insert(pr, (unsigned)c);
	} else {
		return UI_HANDLED;
	}
	if (pr->mode == '/') /* incremental: the list follows every key */
		list_set_filter(pr->target, pr->buf);
	return UI_HANDLED | UI_REDRAW;
}

void prompt_draw(struct ui *ui)
{
	WINDOW *w = ui->status;
	struct prompt *pr = &ui->prompt;
	int width = getmaxx(w);
	leaveok(w, FALSE); /* the cursor shows where typing goes */
	wbkgdset(w, (chtype)theme_attr(TE_PROMPT) | ' ');
	werase(w);
	char lead[2] = {(char)pr->mode, '\0'};
	wattrset(w, (attr_t)theme_attr(TE_PROMPT));
	mvwaddstr(w, 0, 0, lead);
	/* Show the end of a line longer than the screen (the cursor is there). */
	const char *shown = pr->buf;
	while (text_width(shown) > width - 3 && *shown) {
		shown++;
		while ((*shown & 0xc0) == 0x80)
			shown++;
	}
	int x = 1 + text_put(w, 0, 1, width - 2, shown, 0, theme_attr(TE_PROMPT));
	/* The line covers the status line: an error (a refused paste) is
	 * shown at its right end, where the typing is not. */
	int mw = ui->message_error ? text_width(ui->message) : 0;
	if (mw > 0 && x + 2 + mw < width)
		text_put(w, 0, width - 1 - mw, mw, ui->message, 0, theme_attr(TE_ERROR));
	wmove(w, 0, x < width ? x : width - 1);
	wnoutrefresh(w);
}
