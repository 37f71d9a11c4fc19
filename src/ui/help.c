/*
 * help.c — the `?` screen, generated from the action table and the key map
 * as they are now (rebinding shows), plus the command-line commands.  Writing
 * actions are marked when read-only refuses them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_priv.h"

struct help {
	size_t top;
	int rows;
	bool read_only, kiosk;
};

static const char *const help_commands[][2] = {
	{":fleet NAME|ID", "jump to a fleet (name prefix or id) and show its drivers"},
	{":driver ID", "jump to a driver by id (fetched if not loaded yet)"},
	{":sort KEY [desc]", "a column title (name status balance …), updated or default"},
	{":filter TEXT", "filter the focused list"},
	{":theme NAME", "default light solarized-dark high-contrast mono, or yours"},
	{":all", "all drivers"},
	{":q", "quit"},
	{":ACTION", "any action below by name, e.g. :refresh"},
};
#define HELP_NCMD (sizeof(help_commands) / sizeof(help_commands[0]))

/* The status line's clock and stale marker, after the keys (the first one
 * gets the refresh glyph in front). */
static const char *const help_status[][2] = {
	{"HH:MM", "the minute the data on screen last changed (loaded, or a refresh brought news)"},
	{"(no stale)", "the last refresh round succeeded: values are at most one period old"},
	{"stale since HH:MM:SS", "refreshes fail; the values shown were last confirmed then"},
};
#define HELP_NSTATUS (sizeof(help_status) / sizeof(help_status[0]))

static size_t help_lines(void)
{
	return 2 + HELP_NCMD + 2 + (size_t)action_count() + 2 + HELP_NSTATUS;
}

/* Lines after the keys: a blank, the title, a blank, then help_status. */
static void help_status_line(WINDOW *w, int y, size_t i, int width)
{
	int kw = 22;
	if (i == 1) {
		text_put(w, y, 2, width - 4, "Status line", 0, theme_attr(TE_HEADER));
		return;
	}
	if (i < 3 || i - 3 >= HELP_NSTATUS)
		return;
	char key[64];
	snprintf(key, sizeof(key), "%s%s", i == 3 ? text_glyph("⟳ ", "@ ") : "",
		 help_status[i - 3][0]);
	text_put(w, y, 2, kw, key, 0, theme_attr(TE_HELP_KEY));
	text_put(w, y, 2 + kw, width - kw - 4, help_status[i - 3][1], 0, theme_attr(TE_HELP_TEXT));
}

static void help_line(struct help *h, WINDOW *w, int y, size_t i, int width)
{
	int kw = 22;
	if (i == 0 || i == 2 + HELP_NCMD) {
		text_put(w, y, 2, width - 4, i == 0 ? "Commands" : "Keys", 0, theme_attr(TE_HEADER));
		return;
	}
	if (i == 1 || i == 1 + HELP_NCMD + 2)
		return;
	if (i < 2 + HELP_NCMD) {
		text_put(w, y, 2, kw, help_commands[i - 2][0], 0, theme_attr(TE_HELP_KEY));
		text_put(w, y, 2 + kw, width - kw - 4, help_commands[i - 2][1], 0,
			 theme_attr(TE_HELP_TEXT));
		return;
	}
	int id = (int)(i - (2 + HELP_NCMD + 2)) + 1;
	if (id >= action_count()) {
		help_status_line(w, y, (size_t)(id - action_count()), width);
		return;
	}
	const struct action *a = action_get(id);
	if (!a)
		return;
	char keys[64], line[256];
	keymap_keys_of(id, keys, sizeof(keys));
	const char *why = NULL;
	bool ok = action_allowed(id, h->read_only, h->kiosk, &why);
	snprintf(line, sizeof(line), "%-13s %s%s%s%s", a->name, a->help, ok ? "" : " (",
		 ok ? "" : why, ok ? "" : ")");
	text_put(w, y, 2, kw, keys[0] ? keys : "(unbound)", 0, theme_attr(TE_HELP_KEY));
	text_put(w, y, 2 + kw, width - kw - 4, line, 0,
		 theme_attr(ok ? TE_HELP_TEXT : TE_DIM));
}

static void help_draw(struct pane *p, struct ui *ui)
{
	struct help *h = p->data;
	WINDOW *w = p->win;
	wbkgdset(w, (chtype)theme_attr(TE_DIALOG) | ' ');
	werase(w);
	pane_box(p, "Help - j/k scroll, Esc or q closes", true);
	h->rows = p->h - 2;
	size_t n = help_lines();
	if (h->top + (size_t)h->rows > n)
		h->top = n > (size_t)h->rows ? n - (size_t)h->rows : 0;
	for (int r = 0; r < h->rows && h->top + (size_t)r < n; r++)
		help_line(h, w, 1 + r, h->top + (size_t)r, p->w);
	wnoutrefresh(w);
}

static unsigned help_key(struct pane *p, struct ui *ui, const struct key_event *ev)
{
	struct help *h = p->data;
	size_t page = h->rows > 1 ? (size_t)h->rows - 1 : 1;
	if (!ev->is_code && (ev->code == 'q' || ev->code == 27 || ev->code == '?'))
		return UI_CLOSE | UI_HANDLED;
	switch (ev->action) {
	case ACT_DOWN: h->top++; break;
	case ACT_UP: h->top = h->top ? h->top - 1 : 0; break;
	case ACT_PAGE_DOWN: h->top += page; break;
	case ACT_PAGE_UP: h->top = h->top > page ? h->top - page : 0; break;
	case ACT_TOP: h->top = 0; break;
	case ACT_BOTTOM: h->top = help_lines(); break;
	case ACT_HELP: case ACT_ESCAPE: case ACT_QUIT: return UI_CLOSE | UI_HANDLED;
	default: break;
	}
	return UI_HANDLED | UI_REDRAW;
}

static void help_resize(struct pane *p, struct ui *ui, int y, int x, int h, int w)
{
	int want = (int)help_lines() + 2;
	pane_center(p, h, w, want, w > 100 ? 96 : w - 4);
}

static void help_free(struct pane *p)
{
	free(p->data);
}

static const struct pane_ops help_ops = {
	.kind = "help",
	.draw = help_draw,
	.key = help_key,
	.resize = help_resize,
	.free = help_free,
};

struct pane *help_dialog_new(struct ui *ui)
{
	struct help *h = calloc(1, sizeof(*h));
	struct pane *p = h ? pane_new(&help_ops, h) : NULL;
	if (!p) {
		free(h);
		return NULL;
	}
	h->read_only = ui->o.read_only;
	h->kiosk = ui->o.kiosk;
	return p;
}
