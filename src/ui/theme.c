/*
 * theme.c — theme files to colour pairs.  Parsing and resolving are pure so
 * the tests need no terminal; only theme_apply() touches curses, and it never
 * redefines a colour (no init_color: that would emit OSC 4, SAN-2).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curses.h>

#include "chargetui/theme.h"

#ifndef CHARGETUI_THEMEDIR
#define CHARGETUI_THEMEDIR "/usr/local/share/chargetui/themes"
#endif
#ifndef CHARGETUI_SRC_THEMEDIR
#define CHARGETUI_SRC_THEMEDIR "themes"
#endif

static const char *const theme_names[TE_COUNT] = {
	[TE_NORMAL] = "normal",
	[TE_TITLE] = "title",
	[TE_BORDER] = "border",
	[TE_BORDER_FOCUS] = "border_focus",
	[TE_HEADER] = "header",
	[TE_ROW] = "row",
	[TE_ROW_SELECTED] = "row_selected",
	[TE_ROW_CURSOR] = "row_cursor",
	[TE_ROW_MARKED] = "row_marked",
	[TE_STATUS] = "status",
	[TE_BADGE_TEST] = "badge_test",
	[TE_BADGE_LIVE] = "badge_live",
	[TE_BADGE_READONLY] = "badge_readonly",
	[TE_STALE] = "stale",
	[TE_CHANGED] = "changed",
	[TE_ERROR] = "error",
	[TE_MESSAGE] = "message",
	[TE_DIM] = "dim",
	[TE_DETAIL_KEY] = "detail_key",
	[TE_DETAIL_VALUE] = "detail_value",
	[TE_HELP_KEY] = "help_key",
	[TE_HELP_TEXT] = "help_text",
	[TE_PROMPT] = "prompt",
	[TE_ST_ACTIVE] = "status_active",
	[TE_ST_SUSPENDED] = "status_suspended",
	[TE_ST_ARCHIVED] = "status_archived",
	[TE_DIALOG] = "dialog",
	[TE_DIALOG_BORDER] = "dialog_border",
	[TE_KIOSK_NAME] = "kiosk_name",
	[TE_KIOSK_FIGURE] = "kiosk_figure",
	[TE_KIOSK_LABEL] = "kiosk_label",
};

int theme_elem_from_name(const char *name)
{
	for (int i = 0; i < TE_COUNT; i++)
		if (theme_names[i] && strcmp(theme_names[i], name) == 0)
			return i;
	return -1;
}

const char *theme_elem_name(enum theme_elem e)
{
	return (unsigned)e < TE_COUNT ? theme_names[e] : "?";
}

/* The built-in schemes are written in the file format itself, so they are
 * parsed by the same code as a user's file and documented by example. */
static const char theme_default_text[] =
	"normal = default default\n"
	"title = cyan default bold\n"
	"border = blue default\n"
	"border_focus = cyan default bold\n"
	"header = yellow default bold\n"
	"row = default default\n"
	"row_selected = black cyan\n"
	"row_cursor = default default reverse\n"
	"row_marked = magenta default bold\n"
	"status = white blue\n"
	"badge_test = black yellow bold\n"
	"badge_live = brightwhite red bold\n"
	"badge_readonly = black cyan bold\n"
	"stale = black brightred bold\n"
	"changed = default default reverse\n"
	"error = brightred default bold\n"
	"message = green default\n"
	"dim = brightblack default\n"
	"detail_key = cyan default\n"
	"detail_value = default default\n"
	"help_key = yellow default bold\n"
	"help_text = default default\n"
	"prompt = default default bold\n"
	"status_active = green default\n"
	"status_suspended = yellow default\n"
	"status_archived = brightblack default\n"
	"dialog = default default\n"
	"dialog_border = cyan default bold\n"
	"kiosk_name = brightwhite default bold\n"
	"kiosk_figure = yellow default bold\n"
	"kiosk_label = cyan default\n";

static const char theme_mono_text[] =
	"normal = default default none\n"
	"title = default default bold\n"
	"border = default default none\n"
	"border_focus = default default bold\n"
	"header = default default underline\n"
	"row = default default none\n"
	"row_selected = default default reverse\n"
	"row_cursor = default default underline\n"
	"row_marked = default default bold\n"
	"status = default default reverse\n"
	"badge_test = default default bold\n"
	"badge_live = default default bold reverse\n"
	"badge_readonly = default default bold\n"
	"stale = default default bold underline\n"
	"changed = default default bold underline\n"
	"error = default default bold\n"
	"message = default default none\n"
	"dim = default default dim\n"
	"detail_key = default default bold\n"
	"detail_value = default default none\n"
	"help_key = default default bold\n"
	"help_text = default default none\n"
	"prompt = default default bold\n"
	"status_active = default default none\n"
	"status_suspended = default default bold\n"
	"status_archived = default default dim\n"
	"dialog = default default none\n"
	"dialog_border = default default bold\n"
	"kiosk_name = default default bold\n"
	"kiosk_figure = default default bold\n"
	"kiosk_label = default default none\n";

void theme_builtin(struct theme *t, bool mono)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < TE_COUNT; i++)
		t->el[i].fg = t->el[i].bg = THEME_DEFAULT_COLOR;
	theme_parse(mono ? theme_mono_text : theme_default_text, "builtin", t, NULL, 0);
}

static const char *const theme_base_colors[8] = {"black", "red",     "green", "yellow",
						  "blue",  "magenta", "cyan",  "white"};

/* 0 and the colour, or -1 for an unknown word. */
static int theme_color(const char *w, short *out)
{
	if (strcasecmp(w, "default") == 0) {
		*out = THEME_DEFAULT_COLOR;
		return 0;
	}
	bool bright = strncasecmp(w, "bright", 6) == 0;
	const char *base = bright ? w + 6 : w;
	for (int i = 0; i < 8; i++) {
		if (strcasecmp(base, theme_base_colors[i]) == 0) {
			*out = (short)(bright ? i + 8 : i);
			return 0;
		}
	}
	if (strncasecmp(w, "color", 5) == 0 && w[5]) {
		char *end;
		errno = 0;
		long v = strtol(w + 5, &end, 10);
		if (!errno && *end == '\0' && v >= 0 && v <= 255 && w[5] >= '0' && w[5] <= '9') {
			*out = (short)v;
			return 0;
		}
	}
	return -1;
}

static int theme_attr_word(const char *w, unsigned *attrs)
{
	static const struct {
		const char *name;
		unsigned bit;
	} words[] = {
		{"bold", TA_BOLD},	   {"reverse", TA_REVERSE},   {"underline", TA_UNDERLINE},
		{"dim", TA_DIM},	   {"standout", TA_STANDOUT}, {"italic", TA_ITALIC},
		{"none", 0},
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcasecmp(w, words[i].name) == 0) {
			*attrs |= words[i].bit;
			return 0;
		}
	}
	return -1;
}

static void theme_report(char *err, size_t errn, const char *origin, int line, const char *why,
			 const char *word)
{
	if (!err || errn == 0)
		return;
	size_t used = strlen(err);
	if (used + 1 >= errn)
		return;
	snprintf(err + used, errn - used, "%s%s:%d: %s%s%.40s%s", used ? "\n" : "", origin, line,
		 why, word ? " '" : "", word ? word : "", word ? "'" : "");
}

/* One "element = fg bg attrs..." line (comment and blanks already gone).
 * Returns NULL when good, or why it is bad (and the offending word). */
static const char *theme_line(char *line, struct theme *t, const char **word)
{
	char *eq = strchr(line, '=');
	if (!eq)
		return "expected 'element = fg bg attrs'";
	*eq = '\0';
	char *save = NULL;
	char *name = strtok_r(line, " \t", &save);
	if (!name || strtok_r(NULL, " \t", &save))
		return "expected one element name before '='";
	int el = theme_elem_from_name(name);
	if (el < 0) {
		*word = name;
		return "unknown element";
	}
	struct theme_style st = {THEME_DEFAULT_COLOR, THEME_DEFAULT_COLOR, 0};
	char *fg = strtok_r(eq + 1, " \t", &save);
	char *bg = fg ? strtok_r(NULL, " \t", &save) : NULL;
	if (!fg || !bg)
		return "expected a foreground and a background colour";
	if (theme_color(fg, &st.fg) != 0) {
		*word = fg;
		return "unknown colour";
	}
	if (theme_color(bg, &st.bg) != 0) {
		*word = bg;
		return "unknown colour";
	}
	for (char *a; (a = strtok_r(NULL, " \t", &save));) {
		if (theme_attr_word(a, &st.attrs) != 0) {
			*word = a;
			return "unknown attribute";
		}
	}
	t->el[el] = st;
	return NULL;
}

int theme_parse(const char *text, const char *origin, struct theme *t, char *err, size_t errn)
{
	if (err && errn)
		err[0] = '\0';
	int bad = 0, lineno = 0;
	const char *p = text;
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		lineno++;
		char buf[512];
		if (len >= sizeof(buf)) {
			theme_report(err, errn, origin, lineno, "line too long", NULL);
			bad++;
		} else {
			memcpy(buf, p, len);
			buf[len] = '\0';
			char *hash = strchr(buf, '#');
			if (hash)
				*hash = '\0';
			buf[strcspn(buf, "\r")] = '\0';
			if (strspn(buf, " \t") != strlen(buf)) {
				const char *word = NULL;
				const char *why = theme_line(buf, t, &word);
				if (why) {
					theme_report(err, errn, origin, lineno, why, word);
					bad++;
				}
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	return bad;
}

static char *theme_read_file(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0;
	/* A theme is a few dozen short lines; 64 KiB is a generous cap. */
	buf = malloc(65536 + 1);
	if (buf)
		cap = fread(buf, 1, 65536, f);
	fclose(f);
	if (buf)
		buf[cap] = '\0';
	return buf;
}

int theme_load(const char *name, struct theme *t, char *err, size_t errn)
{
	theme_builtin(t, false);
	if (err && errn)
		err[0] = '\0';
	char dirs[3][1024];
	int nd = 0;
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	if (xdg && *xdg == '/')
		snprintf(dirs[nd++], sizeof(dirs[0]), "%s/chargetui/themes", xdg);
	else if (home && *home == '/')
		snprintf(dirs[nd++], sizeof(dirs[0]), "%s/.config/chargetui/themes", home);
	snprintf(dirs[nd++], sizeof(dirs[0]), "%s", CHARGETUI_THEMEDIR);
	snprintf(dirs[nd++], sizeof(dirs[0]), "%s", CHARGETUI_SRC_THEMEDIR);
	for (int i = 0; i < nd; i++) {
		char path[1200];
		snprintf(path, sizeof(path), "%.1023s/%.64s.theme", dirs[i], name);
		char *text = theme_read_file(path);
		if (!text)
			continue;
		int bad = theme_parse(text, path, t, err, errn);
		free(text);
		return bad ? 1 : 0;
	}
	if (strcmp(name, "default") == 0 || strcmp(name, "mono") == 0) {
		theme_builtin(t, strcmp(name, "mono") == 0);
		return 0;
	}
	if (err && errn)
		snprintf(err, errn, "theme '%s' not found in %s, %s or %s", name, dirs[0],
			 nd > 1 ? dirs[1] : "", nd > 2 ? dirs[2] : "");
	return -1;
}

/* The xterm 256-colour palette as RGB, to find the nearest of the basic 16. */
static void theme_rgb(int c, int rgb[3])
{
	static const int base16[16][3] = {
		{0, 0, 0},	 {205, 0, 0},	{0, 205, 0},   {205, 205, 0},
		{0, 0, 238},	 {205, 0, 205}, {0, 205, 205}, {229, 229, 229},
		{127, 127, 127}, {255, 0, 0},	{0, 255, 0},   {255, 255, 0},
		{92, 92, 255},	 {255, 0, 255}, {0, 255, 255}, {255, 255, 255},
	};
	if (c < 16) {
		memcpy(rgb, base16[c], sizeof(base16[c]));
	} else if (c < 232) {
		static const int steps[6] = {0, 95, 135, 175, 215, 255};
		int i = c - 16;
		rgb[0] = steps[i / 36];
		rgb[1] = steps[(i / 6) % 6];
		rgb[2] = steps[i % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
	}
}

short theme_color_downgrade(short c, int colors)
{
	if (c < 0 || c < colors)
		return c;
	int limit = colors >= 16 ? 16 : 8;
	if (c < 16) /* bright to base: the same hue */
		return (short)(c & 7);
	int rgb[3], best = 0;
	long best_d = -1;
	theme_rgb(c, rgb);
	for (int i = 0; i < limit; i++) {
		int q[3];
		theme_rgb(i, q);
		long d = 0;
		for (int k = 0; k < 3; k++)
			d += (long)(rgb[k] - q[k]) * (rgb[k] - q[k]);
		if (best_d < 0 || d < best_d) {
			best_d = d;
			best = i;
		}
	}
	return (short)best;
}

void theme_resolve(const struct theme *in, int colors, bool default_ok, bool mono,
		   struct theme *out)
{
	if (mono || colors < 8) {
		theme_builtin(out, true);
		return;
	}
	*out = *in;
	for (int i = 0; i < TE_COUNT; i++) {
		struct theme_style *s = &out->el[i];
		short fg0 = s->fg, bg0 = s->bg;
		/* A bright foreground that had to lose its brightness keeps it
		 * as bold, the way 8-colour terminals have always shown it;
		 * bright black would become black, so it is dim white. */
		if (s->fg == 8 && colors < 16) {
			s->fg = COLOR_WHITE;
			s->attrs |= TA_DIM;
		} else if (s->fg > 8 && s->fg < 16 && colors < 16) {
			s->attrs |= TA_BOLD;
		}
		s->fg = theme_color_downgrade(s->fg, colors);
		s->bg = theme_color_downgrade(s->bg, colors);
		if (!default_ok) {
			if (s->fg < 0)
				s->fg = COLOR_WHITE;
			if (s->bg < 0)
				s->bg = COLOR_BLACK;
		}
		/* Two near shades (solarized's grey on darker grey) can land on
		 * the same basic colour: the text would vanish.  Keep it
		 * readable with whichever of black and white contrasts. */
		if (s->fg >= 0 && s->fg == s->bg && fg0 != bg0) {
			int rgb[3];
			theme_rgb(s->bg, rgb);
			s->fg = (rgb[0] * 3 + rgb[1] * 6 + rgb[2]) / 10 < 128 ? COLOR_WHITE
									      : COLOR_BLACK;
		}
	}
}

static unsigned long theme_curses_attrs[TE_COUNT];

static unsigned long theme_to_curses(unsigned a)
{
	unsigned long r = A_NORMAL;
	if (a & TA_BOLD)
		r |= A_BOLD;
	if (a & TA_REVERSE)
		r |= A_REVERSE;
	if (a & TA_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & TA_DIM)
		r |= A_DIM;
	if (a & TA_STANDOUT)
		r |= A_STANDOUT;
#ifdef A_ITALIC
	if (a & TA_ITALIC)
		r |= A_ITALIC;
#endif
	return r;
}

void theme_apply(const struct theme *resolved, bool mono)
{
	for (int i = 0; i < TE_COUNT; i++) {
		const struct theme_style *s = &resolved->el[i];
		unsigned long a = theme_to_curses(s->attrs);
		if (!mono && i + 1 < COLOR_PAIRS && init_pair((short)(i + 1), s->fg, s->bg) == OK)
			a |= COLOR_PAIR(i + 1);
		theme_curses_attrs[i] = a;
	}
}

unsigned long theme_attr(enum theme_elem e)
{
	return (unsigned)e < TE_COUNT ? theme_curses_attrs[e] : A_NORMAL;
}
