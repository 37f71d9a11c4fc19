/*
 * action.c — the one action table and the key map built from it.  The help
 * screen, the `:` command line, [keys] rebinding and the read-only check all
 * read this table, so an action cannot exist in one of them and not the
 * others (the k9s plugin lesson, design.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curses.h>

#include "chargetui/ui.h"

#define ACTION_MAX 96

static struct action action_table[ACTION_MAX] = {
	[ACT_QUIT] = {"quit", "q <F10>", "quit chargetui", false, false, NULL},
	[ACT_HELP] = {"help", "? <F1>", "show every key and command", false, true, NULL},
	[ACT_COMMAND] = {"command", ":", "command line (:fleet NAME, :driver ID, :sort KEY, :theme NAME, :q)",
			 false, false, NULL},
	[ACT_FILTER] = {"filter", "/", "filter the list as you type (name, email, id, phone)", false,
			true, NULL},
	[ACT_ESCAPE] = {"escape", "<Esc>", "close what is open: dialog, input line, filter, zoom; then back to the fleets", false,
			true, NULL},
	[ACT_REFRESH] = {"refresh", "r C-r", "refresh now", false, true, NULL},
	[ACT_REDRAW] = {"redraw", "C-l", "repaint the whole screen", false, true, NULL},
	[ACT_DOWN] = {"down", "j <Down>", "next row", false, true, NULL},
	[ACT_UP] = {"up", "k <Up>", "previous row", false, true, NULL},
	[ACT_PAGE_DOWN] = {"page-down", "<PageDown> C-f", "next page", false, true, NULL},
	[ACT_PAGE_UP] = {"page-up", "<PageUp> C-b", "previous page", false, true, NULL},
	[ACT_TOP] = {"top", "g <Home>", "first row", false, true, NULL},
	[ACT_BOTTOM] = {"bottom", "G <End>", "last row", false, true, NULL},
	[ACT_NEXT_PANE] = {"next-pane", "<Tab>", "focus the next pane", false, true, NULL},
	[ACT_PREV_PANE] = {"prev-pane", "<BackTab>", "focus the previous pane", false, true, NULL},
	[ACT_PANE_LEFT] = {"pane-left", "h <Left>", "focus the pane to the left", false, true, NULL},
	[ACT_PANE_RIGHT] = {"pane-right", "l <Right>", "focus the pane to the right", false, true,
			    NULL},
	[ACT_OPEN] = {"open", "<Enter>", "open: a fleet shows its drivers, a driver its details",
		      false, true, NULL},
	[ACT_ALL_DRIVERS] = {"all-drivers", "A", "all drivers, or back to the drivers of the fleet under the cursor", false,
			     true, NULL},
	[ACT_ZOOM] = {"zoom", "z", "zoom the focused pane to the whole screen and back", false,
		      true, NULL},
	[ACT_SORT_NEXT] = {"sort", "s", "sort by the next column", false, true, NULL},
	[ACT_SORT_REVERSE] = {"sort-reverse", "S", "reverse the sort order", false, true, NULL},
	[ACT_SORT_1] = {"sort-1", "1", "sort by column 1", false, true, NULL},
	[ACT_SORT_2] = {"sort-2", "2", "sort by column 2", false, true, NULL},
	[ACT_SORT_3] = {"sort-3", "3", "sort by column 3", false, true, NULL},
	[ACT_SORT_4] = {"sort-4", "4", "sort by column 4", false, true, NULL},
	[ACT_SORT_5] = {"sort-5", "5", "sort by column 5", false, true, NULL},
	[ACT_SORT_6] = {"sort-6", "6", "sort by column 6", false, true, NULL},
	[ACT_EDIT] = {"edit", "e", "edit the selected driver or fleet", true, false, NULL},
	[ACT_NEW] = {"new", "n", "create a driver or fleet", true, false, NULL},
	[ACT_ATTACH] = {"attach", "a", "attach the driver(s) to a fleet", true, false, NULL},
	[ACT_DETACH] = {"detach", "d", "detach the driver(s) from the fleet", true, false, NULL},
	[ACT_DELETE] = {"delete", "D", "delete the driver", true, false, NULL},
	[ACT_SET_STATUS] = {"set-status", "t", "set the status of the selection", true, false,
			    NULL},
	[ACT_MARK] = {"mark", "<Space>", "mark or unmark the driver for a bulk action", true, false,
		      NULL},
	[ACT_MARK_ALL] = {"mark-all", "M", "mark every driver the list shows (filtered)", true, false,
			  NULL},
	[ACT_UNMARK_ALL] = {"unmark-all", "U", "clear every mark", true, false, NULL},
};
static int action_n = ACT_BUILTIN_COUNT;

const struct action *action_get(int id)
{
	if (id <= ACT_NONE || id >= action_n || !action_table[id].name)
		return NULL;
	return &action_table[id];
}

int action_count(void)
{
	return action_n;
}

int action_by_name(const char *name)
{
	for (int i = 1; i < action_n; i++)
		if (action_table[i].name && strcmp(action_table[i].name, name) == 0)
			return i;
	return ACT_NONE;
}

int action_register(const struct action *a)
{
	if (!a || !a->name || action_n >= ACTION_MAX || action_by_name(a->name) != ACT_NONE)
		return -1;
	action_table[action_n] = *a;
	return action_n++;
}

void action_set_handler(int id, action_fn fn)
{
	if (id > ACT_NONE && id < action_n)
		action_table[id].run = fn;
}

bool action_allowed(int id, bool read_only, bool kiosk, const char **why)
{
	const struct action *a = action_get(id);
	if (!a) {
		*why = "unknown action";
		return false;
	}
	if (kiosk && !a->kiosk_ok) {
		*why = "kiosk mode";
		return false;
	}
	if (read_only && a->writes) {
		*why = "read-only";
		return false;
	}
	return true;
}

/* --- key specs --- */

static const struct {
	const char *name;
	int code;
	bool is_code;
} key_names[] = {
	{"Up", KEY_UP, true},	       {"Down", KEY_DOWN, true},
	{"Left", KEY_LEFT, true},      {"Right", KEY_RIGHT, true},
	{"PageUp", KEY_PPAGE, true},   {"PageDown", KEY_NPAGE, true},
	{"Home", KEY_HOME, true},      {"End", KEY_END, true},
	{"Enter", '\n', false},	       {"Tab", '\t', false},
	{"BackTab", KEY_BTAB, true},   {"Esc", 27, false},
	{"Space", ' ', false},	       {"Backspace", KEY_BACKSPACE, true},
	{"Delete", KEY_DC, true},      {"Insert", KEY_IC, true},
};

int action_key_parse(const char *spec, struct key_event *out)
{
	memset(out, 0, sizeof(*out));
	size_t len = spec ? strlen(spec) : 0;
	if (len == 1 && (unsigned char)spec[0] > ' ' && (unsigned char)spec[0] < 0x7f) {
		out->code = spec[0];
		return 0;
	}
	/* "C-x" and "^X" are both Ctrl-X (the config file documents ^X). */
	bool ctrl = (len == 3 && (spec[0] == 'C' || spec[0] == 'c') && spec[1] == '-') ||
		    (len == 2 && spec[0] == '^');
	if (ctrl) {
		char c = spec[len - 1];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < '@' || c > '_')
			return -1;
		out->code = c - '@';
		return 0;
	}
	/* Named keys with or without the brackets: "<Up>", "Up", "F5". */
	bool br = len >= 3 && spec[0] == '<' && spec[len - 1] == '>';
	char name[16];
	size_t nlen = br ? len - 2 : len;
	if (nlen == 0 || nlen >= sizeof(name))
		return -1;
	memcpy(name, spec + (br ? 1 : 0), nlen);
	name[nlen] = '\0';
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++) {
		if (strcasecmp(name, key_names[i].name) == 0) {
			out->code = key_names[i].code;
			out->is_code = key_names[i].is_code;
			return 0;
		}
	}
	if ((name[0] == 'F' || name[0] == 'f') && name[1]) {
		char *end;
		long n = strtol(name + 1, &end, 10);
		if (*end == '\0' && n >= 1 && n <= 12) {
			out->code = KEY_F((int)n);
			out->is_code = true;
			return 0;
		}
	}
	return -1;
}

char *action_key_name(const struct key_event *k, char *buf, size_t n)
{
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++) {
		if (key_names[i].code == k->code && key_names[i].is_code == k->is_code) {
			snprintf(buf, n, "<%s>", key_names[i].name);
			return buf;
		}
	}
	if (k->is_code && k->code >= KEY_F(1) && k->code <= KEY_F(12))
		snprintf(buf, n, "<F%d>", k->code - KEY_F(0));
	else if (!k->is_code && k->code > 0 && k->code < ' ')
		snprintf(buf, n, "C-%c", k->code + 'a' - 1);
	else if (!k->is_code && k->code > ' ' && k->code < 0x7f)
		snprintf(buf, n, "%c", k->code);
	else
		snprintf(buf, n, "<%d>", k->code);
	return buf;
}

/* --- the key map: plain ASCII characters and curses key codes --- */

static int keymap_chars[128];
static int keymap_codes[KEY_MAX + 1];

static int *keymap_slot(const struct key_event *k)
{
	if (k->is_code)
		return k->code >= 0 && k->code <= KEY_MAX ? &keymap_codes[k->code] : NULL;
	/* Enter arrives as \r or \n depending on the terminal's icrnl. */
	int c = k->code == '\r' ? '\n' : k->code;
	return c >= 0 && c < 128 ? &keymap_chars[c] : NULL;
}

static void keymap_add_defaults(int id)
{
	const char *keys = action_table[id].keys;
	char buf[128];
	if (!keys)
		return;
	snprintf(buf, sizeof(buf), "%s", keys);
	char *save = NULL;
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		struct key_event k;
		int *slot;
		if (action_key_parse(t, &k) == 0 && (slot = keymap_slot(&k)) && !*slot)
			*slot = id;
	}
}

void keymap_reset(void)
{
	memset(keymap_chars, 0, sizeof(keymap_chars));
	memset(keymap_codes, 0, sizeof(keymap_codes));
	for (int i = 1; i < action_n; i++)
		keymap_add_defaults(i);
	/* KEY_ENTER from a keypad is Enter too. */
	if (!keymap_codes[KEY_ENTER])
		keymap_codes[KEY_ENTER] = keymap_chars['\n'];
}

int keymap_bind(const char *action_name, const char *key_spec)
{
	struct key_event k;
	int id = strcmp(action_name, "none") == 0 ? ACT_NONE : action_by_name(action_name);
	if ((id == ACT_NONE && strcmp(action_name, "none") != 0) ||
	    action_key_parse(key_spec, &k) != 0)
		return -1;
	int *slot = keymap_slot(&k);
	if (!slot)
		return -1;
	*slot = id;
	return 0;
}

int keymap_lookup(const struct key_event *k)
{
	int *slot = keymap_slot(k);
	return slot ? *slot : ACT_NONE;
}

char *keymap_keys_of(int id, char *buf, size_t n)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int c = 0; c < 128; c++) {
		if (keymap_chars[c] != id || id == ACT_NONE)
			continue;
		struct key_event k = {.code = c};
		char name[24];
		action_key_name(&k, name, sizeof(name));
		used += (size_t)snprintf(buf + used, used < n ? n - used : 0, "%s%s",
					 used ? " " : "", name);
		if (used >= n)
			return buf;
	}
	for (int c = 0; c <= KEY_MAX; c++) {
		if (keymap_codes[c] != id || id == ACT_NONE || c == KEY_ENTER)
			continue;
		struct key_event k = {.code = c, .is_code = true};
		char name[24];
		action_key_name(&k, name, sizeof(name));
		used += (size_t)snprintf(buf + used, used < n ? n - used : 0, "%s%s",
					 used ? " " : "", name);
		if (used >= n)
			return buf;
	}
	return buf;
}

void ui_actions_init(void)
{
	static bool extended; /* the table is process-wide: extend it once */
	if (!extended) {
		ui_extensions_init();
		extended = true;
		keymap_reset();
	}
}
