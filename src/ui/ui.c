/*
 * ui.c — the console's state: panes, layout, focus, key dispatch and the one
 * place that draws.  The loop around it is loop.c; replies are reply.c.
 *
 * Layout (design.md): fleets list over the fleet's details on the left,
 * drivers list over the driver's details on the right, a status line at the
 * bottom.  `z` zooms the focused pane to the whole area.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/paste.h"
#include "chargetui/sync.h"
#include "chargetui/term.h"
#include "ui_priv.h"

static int ui_create_panes(struct ui *ui)
{
	ui->panes[UI_P_FLEETS] = list_pane_new(ui, &fleets_list_def);
	ui->panes[UI_P_DRIVERS] = list_pane_new(ui, &drivers_list_def);
	ui->panes[UI_P_FLEET_DETAIL] = detail_pane_new(false);
	ui->panes[UI_P_DRIVER_DETAIL] = detail_pane_new(true);
	for (int i = 0; i < UI_NPANES; i++)
		if (!ui->panes[i])
			return -1;
	/* Kiosk: the wall view is drawn instead; the fleets list stays (hidden)
	 * as the order and selection the wall rotates through. */
	if (ui->o.kiosk && !(ui->wall = kiosk_pane_new(ui)))
		return -1;
	return 0;
}

void ui_set_theme(struct ui *ui, const char *name)
{
	char err[512];
	struct theme t, resolved;
	int r = theme_load(name, &t, err, sizeof(err));
	if (r < 0) {
		ui_message(ui, true, "%s", err);
		return;
	}
	if (r > 0) /* bad lines: the good ones still apply */
		ui_message(ui, true, "%s", err);
	snprintf(ui->theme_name, sizeof(ui->theme_name), "%s", name);
	bool mono = ui->o.no_color || !has_colors() || strcmp(name, "mono") == 0;
	/* Even in mono: pair 0 is then the terminal's own colours, not the
	 * white on black curses would otherwise assume. */
	bool default_ok = has_colors() && use_default_colors() == OK;
	theme_resolve(&t, mono ? 0 : COLORS, default_ok, mono, &resolved);
	ui->theme = resolved;
	ui->mono = mono;
	theme_apply(&resolved, mono);
	ui->repaint = ui->dirty = true;
}

struct ui *ui_new(const struct ui_options *o, char *err, size_t n)
{
	struct ui *ui = calloc(1, sizeof(*ui));
	if (!ui) {
		snprintf(err, n, "out of memory");
		return NULL;
	}
	ui->o = *o;
	/* TTY-8: outside a UTF-8 locale, ASCII borders and '?' for the rest. */
	text_set_ascii(!term_utf8());
	ui->store = o->store;
	ui->sync = o->sync;
	hl_init(&ui->hl);
	ui_actions_init();
	ui_set_theme(ui, o->theme ? o->theme : "default");
	if (!ui->theme_name[0]) /* not found: say so, and use the default */
		ui_set_theme(ui, "default");
	if (ui_create_panes(ui) != 0 || !(ui->status = newwin(1, 1, 0, 0))) {
		snprintf(err, n, "out of memory creating the panes");
		ui_free(ui);
		return NULL;
	}
	ui_focus(ui, UI_P_FLEETS);
	ui_layout(ui);
	ui->dirty = true;
	return ui;
}

void ui_free(struct ui *ui)
{
	if (!ui)
		return;
	for (int i = 0; i < ui->ndialogs; i++)
		pane_free(ui->dialogs[i]);
	for (int i = 0; i < UI_NPANES; i++)
		pane_free(ui->panes[i]);
	pane_free(ui->wall);
	if (ui->status)
		delwin(ui->status);
	hl_free(&ui->hl);
	mark_clear(&ui->marks);
	prompt_free(ui);
	free(ui);
}

void ui_layout(struct ui *ui)
{
	getmaxyx(stdscr, ui->rows, ui->cols);
	ui->too_small = ui->rows < UI_MIN_ROWS || ui->cols < UI_MIN_COLS;
	if (ui->status) {
		wresize(ui->status, 1, ui->cols > 0 ? ui->cols : 1);
		mvwin(ui->status, ui->rows > 0 ? ui->rows - 1 : 0, 0);
	}
	int area = ui->rows - 1;
	int lw = ui->cols * 2 / 5;
	int listh = area * 3 / 5; /* the lists are what one scans most */
	int geo[UI_NPANES][4] = {
		[UI_P_FLEETS] = {0, 0, listh, lw},
		[UI_P_DRIVERS] = {0, lw, listh, ui->cols - lw},
		[UI_P_FLEET_DETAIL] = {listh, 0, area - listh, lw},
		[UI_P_DRIVER_DETAIL] = {listh, lw, area - listh, ui->cols - lw},
	};
	for (int i = 0; i < UI_NPANES; i++) {
		struct pane *p = ui->panes[i];
		int *g = geo[i];
		if (ui->too_small || ui->wall || (ui->zoom && i != ui->focus))
			p->ops->resize(p, ui, 0, 0, 0, 0);
		else if (ui->zoom)
			p->ops->resize(p, ui, 0, 0, area, ui->cols);
		else
			p->ops->resize(p, ui, g[0], g[1], g[2], g[3]);
	}
	if (ui->wall) /* the wall shows the status line's badges itself */
		ui->wall->ops->resize(ui->wall, ui, 0, 0, ui->too_small ? 0 : ui->rows, ui->cols);
	for (int i = 0; i < ui->ndialogs; i++)
		ui->dialogs[i]->ops->resize(ui->dialogs[i], ui, 0, 0, area, ui->cols);
	ui->dirty = true;
}

void ui_layout_for_tests(struct ui *ui)
{
	ui_layout(ui);
}

void ui_focus(struct ui *ui, int pane)
{
	if (pane < 0 || pane >= UI_NPANES)
		return;
	ui->focus = pane;
	for (int i = 0; i < UI_NPANES; i++)
		ui->panes[i]->focused = i == pane;
	if (ui->zoom)
		ui_layout(ui);
	ui->dirty = true;
}

struct ui_selection ui_selection(struct ui *ui)
{
	struct ui_selection s = {0};
	s.fleet = list_selected(ui->panes[UI_P_FLEETS]);
	s.driver = list_selected(ui->panes[UI_P_DRIVERS]);
	s.driver_focus = ui->focus == UI_P_DRIVERS || ui->focus == UI_P_DRIVER_DETAIL;
	s.scope_fleet_id = ui->scope_fleet[0] ? ui->scope_fleet : NULL;
	return s;
}

struct store *ui_store(struct ui *ui)
{
	return ui->store;
}

struct sync *ui_sync(struct ui *ui)
{
	return ui->sync;
}

bool ui_read_only(const struct ui *ui)
{
	return ui->o.read_only || ui->o.kiosk;
}

bool ui_hung_up(const struct ui *ui)
{
	return ui->hung_up;
}

void ui_message(struct ui *ui, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ui->message, sizeof(ui->message), fmt, ap);
	va_end(ap);
	/* One line: a multi-line theme complaint shows its first line. */
	ui->message[strcspn(ui->message, "\n")] = '\0';
	ui->message_error = error;
	ui->dirty = true;
}

void ui_dialog_push(struct ui *ui, struct pane *dialog)
{
	if (!dialog)
		return;
	if (ui->ndialogs >= (int)(sizeof(ui->dialogs) / sizeof(ui->dialogs[0]))) {
		pane_free(dialog);
		return;
	}
	ui->dialogs[ui->ndialogs++] = dialog;
	dialog->focused = true;
	dialog->ops->resize(dialog, ui, 0, 0, ui->rows - 1, ui->cols);
	ui->dirty = true;
}

void ui_dialog_close(struct ui *ui, struct pane *d)
{
	int at = -1;
	for (int i = 0; i < ui->ndialogs; i++)
		if (ui->dialogs[i] == d)
			at = i;
	if (at < 0)
		return;
	memmove(&ui->dialogs[at], &ui->dialogs[at + 1],
		(size_t)(ui->ndialogs - at - 1) * sizeof(ui->dialogs[0]));
	ui->ndialogs--;
	for (size_t i = 0; i < sizeof(ui->owners) / sizeof(ui->owners[0]); i++)
		if (ui->owners[i].owner == d)
			ui->owners[i].owner = NULL;
	pane_free(d);
	ui->dirty = true;
	/* The panes under it must be redrawn where it was. */
	for (int i = 0; i < UI_NPANES; i++)
		if (ui->panes[i]->win)
			touchwin(ui->panes[i]->win);
}


uint64_t ui_submit(struct ui *ui, struct job *job, struct pane *owner)
{
	if (!ui->sync) {
		job_clear(job);
		return 0;
	}
	uint64_t id = sync_submit(ui->sync, job);
	if (owner) {
		for (size_t i = 0; i < sizeof(ui->owners) / sizeof(ui->owners[0]); i++) {
			if (!ui->owners[i].owner) {
				ui->owners[i].job = id;
				ui->owners[i].owner = owner;
				break;
			}
		}
	}
	return id;
}

/* Point the drivers list at a fleet ("" or NULL: all drivers).  Until every
 * driver has loaded, that fleet's own drivers are asked for first so its
 * list is complete at once; the previous such load is cancelled, so moving
 * fast over many fleets keeps one request in flight, not one per key. */
static void ui_set_scope(struct ui *ui, const char *fleet_id)
{
	if (!fleet_id)
		fleet_id = "";
	if (strcmp(ui->scope_fleet, fleet_id) == 0)
		return;
	snprintf(ui->scope_fleet, sizeof(ui->scope_fleet), "%s", fleet_id);
	store_view_set_fleet(list_state(ui->panes[UI_P_DRIVERS])->view,
			     *fleet_id ? fleet_id : NULL);
	ui->dirty = true;
	if (!ui->sync || ui->all_drivers_loaded)
		return;
	if (ui->scope_job)
		sync_cancel(ui->sync, ui->scope_job);
	ui->scope_job = 0;
	if (!*fleet_id)
		return;
	struct job j = {.kind = JOB_DRIVERS_LIST};
	j.fleet_id = strdup(fleet_id);
	if (j.fleet_id)
		ui->scope_job = ui_submit(ui, &j, NULL);
}

void ui_sync_scope(struct ui *ui)
{
	if (ui->drivers_all) {
		ui_set_scope(ui, NULL);
		return;
	}
	const struct fleet *f = list_selected(ui->panes[UI_P_FLEETS]);
	ui_set_scope(ui, f && f->id.st == FIELD_SET ? f->id.v : NULL);
}

/* Enter on a fleet (or :fleet): its drivers, with the focus on them. */
unsigned ui_open_fleet(struct ui *ui, const char *fleet_id, bool focus_drivers)
{
	ui->drivers_all = false;
	list_select_id(ui->panes[UI_P_FLEETS], fleet_id);
	ui_set_scope(ui, fleet_id);
	if (focus_drivers)
		ui_focus(ui, UI_P_DRIVERS);
	return UI_HANDLED | UI_REDRAW;
}

static void ui_draw_too_small(struct ui *ui)
{
	werase(stdscr);
	const char *msg = "terminal too small (60x15 needed)";
	int len = (int)strlen(msg);
	int y = ui->rows / 2, x = ui->cols > len ? (ui->cols - len) / 2 : 0;
	wattrset(stdscr, (attr_t)theme_attr(TE_ERROR));
	mvwaddnstr(stdscr, y, x, msg, ui->cols);
	wnoutrefresh(stdscr);
}

static void ui_publish_visible(struct ui *ui)
{
	if (!ui->sync)
		return;
	const char *f[128], *d[128];
	size_t nf = ui->wall ? kiosk_visible_ids(ui, f, 128)
			     : list_visible_ids(ui->panes[UI_P_FLEETS], f, 128);
	size_t nd = list_visible_ids(ui->panes[UI_P_DRIVERS], d, 128);
	/* The refresh thread only needs to hear when the set changes. */
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < nf + nd; i++)
		for (const char *c = i < nf ? f[i] : d[i - nf]; *c; c++)
			h = (h ^ (unsigned char)*c) * 1099511628211ull;
	h ^= nf * 31 + nd;
	if (h == ui->visible_hash)
		return;
	ui->visible_hash = h;
	sync_set_visible(ui->sync, f, nf, d, nd);
}

void ui_draw(struct ui *ui)
{
	if (ui->repaint) {
		clearok(curscr, TRUE);
		ui->repaint = false;
	}
	if (!ui->wall) /* the wall lists no drivers, so it needs no scope */
		ui_sync_scope(ui);
	if (ui->too_small) {
		ui_draw_too_small(ui);
	} else if (ui->wall) {
		ui->wall->ops->draw(ui->wall, ui);
	} else {
		for (int i = 0; i < UI_NPANES; i++) {
			struct pane *p = ui->panes[i];
			if (!p->hidden && p->win)
				p->ops->draw(p, ui);
		}
		for (int i = 0; i < ui->ndialogs; i++) {
			struct pane *p = ui->dialogs[i];
			if (!p->hidden && p->win) {
				touchwin(p->win);
				p->ops->draw(p, ui);
			}
		}
	}
	if (!ui->wall || ui->too_small)
		status_draw(ui);
	if (ui->prompt.mode)
		prompt_draw(ui);
	doupdate();
	ui_publish_visible(ui);
	ui->dirty = false;
}

static unsigned ui_pane_move(struct ui *ui, int action)
{
	static const int next[UI_NPANES] = {UI_P_DRIVERS, UI_P_DRIVER_DETAIL, UI_P_FLEETS,
					    UI_P_FLEET_DETAIL};
	static const int prev[UI_NPANES] = {UI_P_FLEET_DETAIL, UI_P_FLEETS, UI_P_DRIVER_DETAIL,
					    UI_P_DRIVERS};
	static const int left[UI_NPANES] = {UI_P_FLEETS, UI_P_FLEETS, UI_P_FLEET_DETAIL,
					    UI_P_FLEET_DETAIL};
	static const int right[UI_NPANES] = {UI_P_DRIVERS, UI_P_DRIVERS, UI_P_DRIVER_DETAIL,
					     UI_P_DRIVER_DETAIL};
	const int *to = action == ACT_NEXT_PANE ? next
			: action == ACT_PREV_PANE ? prev
			: action == ACT_PANE_LEFT ? left
						  : right;
	ui_focus(ui, to[ui->focus]);
	return UI_HANDLED | UI_REDRAW;
}

/* A: all drivers, and back to following the fleet under the cursor. */
static unsigned ui_toggle_all_drivers(struct ui *ui)
{
	ui->drivers_all = !ui->drivers_all;
	ui_sync_scope(ui);
	return UI_HANDLED | UI_REDRAW;
}

/* Esc with nothing open: leave the zoom, then step back towards the fleets. */
static unsigned ui_escape(struct ui *ui)
{
	if (ui->zoom) {
		ui->zoom = false;
		ui_layout(ui);
	} else if (ui->focus == UI_P_DRIVER_DETAIL) {
		ui_focus(ui, UI_P_DRIVERS);
	} else if (ui->focus != UI_P_FLEETS) {
		ui_focus(ui, UI_P_FLEETS);
	}
	return UI_HANDLED | UI_REDRAW;
}

/* The console's own answer to an action no pane took. */
unsigned ui_run_action(struct ui *ui, int action)
{
	const char *why = NULL;
	const struct action *a = action_get(action);
	if (!a)
		return UI_IGNORED;
	if (!action_allowed(action, ui->o.read_only, ui->o.kiosk, &why)) {
		ui_message(ui, true, "%s: not allowed (%s)", a->name, why);
		return UI_HANDLED | UI_REDRAW;
	}
	if (a->run)
		return a->run(ui, action);
	switch (action) {
	case ACT_QUIT: return UI_QUIT;
	case ACT_HELP: ui_dialog_push(ui, help_dialog_new(ui)); return UI_HANDLED | UI_REDRAW;
	case ACT_COMMAND: return prompt_open(ui, ':');
	case ACT_FILTER: return prompt_open(ui, '/');
	case ACT_REFRESH:
		if (ui->sync)
			sync_refresh_now(ui->sync);
		ui_reload_failed(ui);
		ui_message(ui, false, "refreshing%s", text_glyph("…", "..."));
		return UI_HANDLED | UI_REDRAW;
	case ACT_REDRAW: return UI_HANDLED | UI_REPAINT;
	case ACT_NEXT_PANE: case ACT_PREV_PANE: case ACT_PANE_LEFT: case ACT_PANE_RIGHT:
		return ui_pane_move(ui, action);
	case ACT_ALL_DRIVERS: return ui_toggle_all_drivers(ui);
	case ACT_ZOOM:
		ui->zoom = !ui->zoom;
		ui_layout(ui);
		return UI_HANDLED | UI_REDRAW;
	case ACT_ESCAPE: return ui_escape(ui);
	case ACT_MARK: case ACT_MARK_ALL:
		ui_message(ui, true, "marks are for drivers: mark them in the drivers list");
		return UI_HANDLED | UI_REDRAW;
	case ACT_UNMARK_ALL: ui_unmark_all(ui); return UI_HANDLED | UI_REDRAW;
	default:
		if (a->writes)
			ui_message(ui, true, "%s: not available in this build", a->name);
		return UI_HANDLED | UI_REDRAW;
	}
}

/* ^C ^Z ^\ arrive as keys (raw mode).  Outside text fields they do what
 * their signals would; in a dialog or the input line ^C is Esc.  In kiosk
 * mode they do nothing.  Returns true when the key was one of them. */
static bool ui_control_key(struct ui *ui, int *code, unsigned *r)
{
	if (*code != 3 && *code != 26 && *code != 28)
		return false;
	*r = UI_HANDLED;
	if (ui->o.kiosk)
		return true;
	if (*code == 26) {
		term_suspend();
		ui_layout(ui);
		*r |= UI_REPAINT | UI_REDRAW;
		return true;
	}
	if (*code == 3 && (ui->ndialogs || ui->prompt.mode)) {
		*code = 27; /* cancel what is open, keep running */
		return false;
	}
	ui->quit = true;
	ui->exit_code = 128 + (*code == 3 ? SIGINT : SIGQUIT);
	return true;
}

/* One key: the top dialog, the prompt, then the focused pane, then the
 * action's own handler.  Read-only refuses a writing action before any of
 * them sees it (CHECK_READONLY). */
unsigned ui_key(struct ui *ui, int code, bool is_code)
{
	unsigned r;
	if (paste_intercept(ui, code, is_code, &r)) /* pasted text is never keys */
		return r;
	if (ui->wall) { /* kiosk: the wall takes every key, ^C ^Z ^\ included */
		struct key_event kev = {.code = code, .is_code = is_code};
		kev.action = keymap_lookup(&kev);
		return ui->wall->ops->key(ui->wall, ui, &kev);
	}
	if (!is_code && ui_control_key(ui, &code, &r))
		return r;
	struct key_event ev = {.code = code, .is_code = is_code};
	ev.action = keymap_lookup(&ev);
	ui->message[0] = '\0';
	if (is_code && code == KEY_RESIZE)
		return UI_RELAYOUT | UI_REDRAW;
	if (is_code && code == KEY_MOUSE)
		return ui_mouse(ui);
	if (ui->ndialogs) {
		struct pane *d = ui->dialogs[ui->ndialogs - 1];
		r = d->ops->key(d, ui, &ev);
		if (r & UI_CLOSE) /* by identity: it may have closed others */
			ui_dialog_close(ui, d);
		return r | UI_REDRAW;
	}
	if (ui->prompt.mode)
		return prompt_key(ui, &ev) | UI_REDRAW;
	if (ev.action == ACT_NONE)
		return UI_IGNORED;
	const char *why = NULL;
	if (!action_allowed(ev.action, ui->o.read_only, ui->o.kiosk, &why)) {
		ui_message(ui, true, "%s: not allowed (%s)", action_get(ev.action)->name, why);
		return UI_HANDLED | UI_REDRAW;
	}
	if (ui->too_small && ev.action != ACT_QUIT)
		return UI_IGNORED;
	struct pane *p = ui->panes[ui->focus];
	r = p->ops->key(p, ui, &ev);
	if (r & UI_HANDLED)
		return r;
	return ui_run_action(ui, ev.action);
}
