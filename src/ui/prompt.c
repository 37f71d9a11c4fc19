/*
 * prompt.c — the input line at the bottom: `/` filters the list as you type
 * (Enter keeps the filter, Esc clears it), `:` takes a command (Enter runs
 * it, Esc drops it).  Typed text is UTF-8; controls are never inserted.
 * The line is the forms' line editor (form.h): arrows, Home/End, ^A ^E ^K
 * ^U ^W and Delete work as in readline.
 */
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "chargetui/paste.h"
#include "chargetui/sanitize.h"
#include "ui_priv.h"

/* Bytes a line may hold: a filter or a command, not a document. */
#define PROMPT_MAX 255

unsigned prompt_open(struct ui *ui, int mode)
{
	struct prompt *pr = &ui->prompt;
	led_free(&pr->ed);
	memset(pr, 0, sizeof(*pr));
	pr->mode = mode;
	const char *start = "";
	if (mode == '/') {
		int f = ui->focus == UI_P_FLEETS || ui->focus == UI_P_FLEET_DETAIL ? UI_P_FLEETS
		                                                                   : UI_P_DRIVERS;
		pr->target = ui->panes[f];
		struct list_state *ls = list_state(pr->target);
		snprintf(pr->saved, sizeof(pr->saved), "%s", ls->filter);
		/* Start from the current filter, so `/` then typing refines it. */
		start = ls->filter;
		if (f != ui->focus)
			ui_focus(ui, f);
	}
	if (led_set(&pr->ed, start) != 0) {
		pr->mode = 0;
		ui_message(ui, true, "out of memory");
		return UI_HANDLED | UI_REDRAW;
	}
	curs_set(1);
	return UI_HANDLED | UI_REDRAW;
}

static void prompt_close(struct ui *ui)
{
	ui->prompt.mode = 0;
	led_free(&ui->prompt.ed);
	curs_set(0);
}

void prompt_free(struct ui *ui)
{
	led_free(&ui->prompt.ed);
}

static void prompt_insert(struct prompt *pr, unsigned cp)
{
	if (cp > 0x10ffff || (text_ascii() && cp >= 0x80))
		return;
	/* A control, bidi override or invisible format never enters the line
	 * (SAN-12, led_insert_cp refuses it): what is typed here is what the
	 * filter searches for. */
	if (pr->ed.len + 4 > PROMPT_MAX)
		return;
	(void)led_insert_cp(&pr->ed, (uint32_t)cp);
}

static unsigned prompt_finish(struct ui *ui, bool accept)
{
	struct prompt *pr = &ui->prompt;
	int mode = pr->mode;
	char line[PROMPT_MAX + 1];
	snprintf(line, sizeof(line), "%s", pr->ed.buf ? pr->ed.buf : "");
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
	if (pr->mode != ':' || strchr(pr->ed.buf, ' ') || pr->ed.cur != pr->ed.len)
		return;
	char common[64] = "";
	int matches = 0;
	size_t len = pr->ed.len;
	const int ncmds = (int)(sizeof(cmds) / sizeof(cmds[0]));
	for (int i = 0; i < ncmds + action_count(); i++) {
		const struct action *a = i < ncmds ? NULL : action_get(i - ncmds);
		const char *name = i < ncmds ? cmds[i] : a ? a->name : NULL;
		if (!name || strncmp(name, pr->ed.buf, len) != 0)
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
	char line[96];
	snprintf(line, sizeof(line), "%s%s", common, matches == 1 ? " " : "");
	(void)led_set(&pr->ed, line); /* on ENOMEM the old line stays */
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
	if (!why && pr->ed.len + n > PROMPT_MAX)
		why = "too long for the input line (paste refused)";
	if (!why && n && led_insert_str(&pr->ed, p->text, n) != 0)
		why = PASTE_MSG_CONTROL;
	if (why)
		ui_message(ui, true, "%s", why);
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
	else if (pr->ed.len == 0 && pr->mode == ':' &&
	         ((ev->is_code && c == KEY_BACKSPACE) || (!ev->is_code && (c == 127 || c == 8))))
		return prompt_finish(ui, false); /* vim: backspace on empty leaves */
	else if (led_key(&pr->ed, ev->is_code, (wint_t)c) >= 0) {
		/* moved or cut: the same keys as in a form field */
	} else if (!ev->is_code && c == '\t') {
		prompt_complete(pr);
	} else if (!ev->is_code && c >= 0x20) {
		prompt_insert(pr, (unsigned)c);
	} else {
		return UI_HANDLED;
	}
	if (pr->mode == '/') /* incremental: the list follows every key */
		list_set_filter(pr->target, pr->ed.buf);
	return UI_HANDLED | UI_REDRAW;
}

/* Columns of the first n bytes of s, as drawn. */
static int prompt_prefix_width(const char *s, size_t n)
{
	char tmp[PROMPT_MAX + 1];
	snprintf(tmp, sizeof(tmp), "%.*s", (int)n, s);
	return text_width(tmp);
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
	/* A line longer than the screen scrolls so the cursor stays in view. */
	const char *line = pr->ed.buf ? pr->ed.buf : "";
	int cur = led_cursor_col(&pr->ed), room = width - 3;
	size_t skip = 0;
	while (skip < pr->ed.cur && cur - prompt_prefix_width(line, skip) > room) {
		skip++;
		while (skip < pr->ed.len && (line[skip] & 0xc0) == 0x80)
			skip++;
	}
	int x = 1 + text_put(w, 0, 1, width - 2, line + skip, 0, theme_attr(TE_PROMPT));
	/* The line covers the status line: an error (a refused paste) is
	 * shown at its right end, where the typing is not. */
	int mw = ui->message_error ? text_width(ui->message) : 0;
	if (mw > 0 && x + 2 + mw < width)
		text_put(w, 0, width - 1 - mw, mw, ui->message, 0, theme_attr(TE_ERROR));
	int cx = 1 + cur - prompt_prefix_width(line, skip);
	wmove(w, 0, cx < width ? cx : width - 1);
	wnoutrefresh(w);
}
