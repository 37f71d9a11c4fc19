/*
 * cmd.c — the `:` command line.  A few commands take an argument (:fleet,
 * :driver, :sort, :theme, :filter); every other word is an action name from
 * the table, so `:refresh` or `:edit` go through the same read-only check as
 * their keys.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chargetui/cli.h"
#include "chargetui/sanitize.h"
#include "chargetui/sync.h"
#include "ui_priv.h"

/* A fleet by id, else the first (in the list's order) whose name starts
 * with the text, case-insensitively.  Commands are rare, so a scan of the
 * fleets is fine here. */
static const struct fleet *cmd_find_fleet(struct ui *ui, const char *arg)
{
	const struct fleet *f = store_fleet(ui->store, arg);
	if (f)
		return f;
	struct store_view *v = list_state(ui->panes[UI_P_FLEETS])->view;
	size_t n = store_view_len(v), alen = strlen(arg);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			f = store_view_fleet(v, i);
			if (!f || f->name.st != FIELD_SET)
				continue;
			/* Pass 0: name prefix; pass 1: anywhere in the name. */
			if (pass == 0 ? strncasecmp(f->name.v, arg, alen) == 0
				      : strcasestr(f->name.v, arg) != NULL)
				return f;
		}
	}
	return NULL;
}

static unsigned cmd_fleet(struct ui *ui, const char *arg)
{
	if (!*arg) {
		ui_message(ui, true, ":fleet needs a name or an id");
		return UI_HANDLED | UI_REDRAW;
	}
	struct pane *fp = ui->panes[UI_P_FLEETS];
	const struct fleet *f = cmd_find_fleet(ui, arg);
	if (!f) {
		/* A filter may hide it: look again without one. */
		list_set_filter(fp, "");
		f = cmd_find_fleet(ui, arg);
	}
	if (!f || f->id.st != FIELD_SET) {
		ui_message(ui, true, "no fleet matches that name or id");
		return UI_HANDLED | UI_REDRAW;
	}
	char id[UI_ID_MAX];
	snprintf(id, sizeof(id), "%s", f->id.v);
	list_set_filter(fp, "");
	ui_focus(ui, UI_P_FLEETS);
	return ui_open_fleet(ui, id, false);
}

/* Select a driver known to the store; clears what would hide it. */
bool cmd_show_driver(struct ui *ui, const char *id)
{
	struct pane *dp = ui->panes[UI_P_DRIVERS];
	if (!store_driver(ui->store, id))
		return false;
	if (!list_select_id(dp, id)) {
		list_set_filter(dp, "");
		if (!list_select_id(dp, id)) {
			/* Not in the fleet shown: show all drivers. */
			ui->drivers_all = true;
			ui_sync_scope(ui);
			if (!list_select_id(dp, id))
				return false;
		}
	}
	ui_focus(ui, UI_P_DRIVER_DETAIL);
	return true;
}

static unsigned cmd_driver(struct ui *ui, const char *arg)
{
	if (!*arg) {
		ui_message(ui, true, ":driver needs an id (drv_...)");
		return UI_HANDLED | UI_REDRAW;
	}
	if (cmd_show_driver(ui, arg))
		return UI_HANDLED | UI_REDRAW;
	if (!ui->sync || strlen(arg) >= UI_ID_MAX) {
		ui_message(ui, true, "no driver with that id");
		return UI_HANDLED | UI_REDRAW;
	}
	/* Not loaded yet: ask for it, and select it when it arrives. */
	struct job j = {.kind = JOB_DRIVER_GET, .id = strdup(arg)};
	if (!j.id)
		return UI_HANDLED;
	int n = snprintf(ui->want_driver, sizeof(ui->want_driver), "%s", arg);
	if (n < 0 || (size_t)n >= sizeof(ui->want_driver)) { /* longer than any id */
		free(j.id);
		ui_message(ui, true, "no driver with that id");
		return UI_HANDLED | UI_REDRAW;
	}
	ui->want_driver_job = ui_submit(ui, &j, NULL);
	ui_message(ui, false, "looking up the driver%s", text_glyph("…", "..."));
	return UI_HANDLED | UI_REDRAW;
}

static unsigned cmd_sort(struct ui *ui, const char *arg)
{
	bool desc = false;
	char key[32];
	if (*arg == '-') {
		desc = true;
		arg++;
	}
	if (sscanf(arg, "%31s", key) != 1) {
		ui_message(ui, true, ":sort COLUMN [desc] (a column title, updated or default)");
		return UI_HANDLED | UI_REDRAW;
	}
	if (strstr(arg, " desc"))
		desc = true;
	int f = ui->focus == UI_P_FLEETS || ui->focus == UI_P_FLEET_DETAIL ? UI_P_FLEETS
									     : UI_P_DRIVERS;
	if (list_sort_by_name(ui->panes[f], key, desc) != 0)
		ui_message(ui, true, "no such sort key here: a sortable column title, updated or default");
	return UI_HANDLED | UI_REDRAW;
}

static unsigned cmd_theme(struct ui *ui, const char *arg)
{
	if (!cli_name_ok(arg)) {
		ui_message(ui, true, ":theme NAME (default light solarized-dark high-contrast mono)");
		return UI_HANDLED | UI_REDRAW;
	}
	ui_set_theme(ui, arg);
	return UI_HANDLED | UI_REDRAW | UI_REPAINT;
}

static unsigned cmd_filter(struct ui *ui, const char *arg)
{
	int f = ui->focus == UI_P_FLEETS || ui->focus == UI_P_FLEET_DETAIL ? UI_P_FLEETS
									     : UI_P_DRIVERS;
	list_set_filter(ui->panes[f], arg);
	return UI_HANDLED | UI_REDRAW;
}

unsigned cmd_exec(struct ui *ui, const char *line)
{
	while (*line == ' ')
		line++;
	char word[48];
	size_t wl = strcspn(line, " ");
	if (wl == 0)
		return UI_HANDLED | UI_REDRAW;
	if (wl >= sizeof(word))
		wl = sizeof(word) - 1;
	memcpy(word, line, wl);
	word[wl] = '\0';
	const char *arg = line + strcspn(line, " ");
	while (*arg == ' ')
		arg++;
	char argbuf[256];
	snprintf(argbuf, sizeof(argbuf), "%s", arg);
	for (size_t n = strlen(argbuf); n && argbuf[n - 1] == ' '; n--)
		argbuf[n - 1] = '\0';
	if (!strcmp(word, "q") || !strcmp(word, "q!") || !strcmp(word, "quit") ||
	    !strcmp(word, "qa"))
		return ui_run_action(ui, ACT_QUIT);
	if (!strcmp(word, "fleet") || !strcmp(word, "f"))
		return cmd_fleet(ui, argbuf);
	if (!strcmp(word, "driver") || !strcmp(word, "d"))
		return cmd_driver(ui, argbuf);
	if (!strcmp(word, "sort"))
		return cmd_sort(ui, argbuf);
	if (!strcmp(word, "theme"))
		return cmd_theme(ui, argbuf);
	if (!strcmp(word, "filter"))
		return cmd_filter(ui, argbuf);
	if (!strcmp(word, "all"))
		return ui_run_action(ui, ACT_ALL_DRIVERS);
	int a = action_by_name(word);
	if (a != ACT_NONE) {
		/* The focused pane gets the first go, as with the action's key. */
		struct key_event ev = {.action = a};
		const char *why;
		if (!action_allowed(a, ui->o.read_only, ui->o.kiosk, &why))
			return ui_run_action(ui, a); /* says why */
		struct pane *p = ui->panes[ui->focus];
		unsigned r = p->ops->key(p, ui, &ev);
		return r & UI_HANDLED ? r : ui_run_action(ui, a);
	}
	char shown[64];
	san_display(word, strlen(word), 30, SAN_ELLIPSIS | (text_ascii() ? SAN_ASCII : 0), shown,
		    sizeof(shown));
	ui_message(ui, true, "unknown command: %s (:help lists them)", shown);
	return UI_HANDLED | UI_REDRAW;
}
