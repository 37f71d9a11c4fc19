/*
 * theme.h — UI elements named once (htop's colour-scheme table) and the
 * theme files that map them to colours and attributes.
 *
 * File format (docs/themes.md): one line per element,
 *     element = fg bg attrs...
 * colours: default black red green yellow blue magenta cyan white,
 *          brightblack … brightwhite, color0 … color255;
 * attrs:   bold reverse underline dim standout italic none.
 * '#' starts a comment.  Elements a file does not name keep the built-in
 * default, so a theme may be short.
 *
 * Themes only pick from the terminal's existing palette (init_pair); the
 * console never redefines a colour (init_color would emit OSC 4, SAN-2).
 * Colours the terminal lacks are mapped down to the nearest of 16 or 8; with
 * no colours or NO_COLOR the built-in monochrome scheme (attributes only) is
 * used so meaning survives.
 *
 * Parsing and resolving are pure (no curses); theme_apply() and theme_attr()
 * are UI-thread only.
 */
#ifndef CHARGETUI_THEME_H
#define CHARGETUI_THEME_H

#include <stdbool.h>
#include <stddef.h>

enum theme_elem {
	TE_NORMAL = 0,   /* background of every window */
	TE_TITLE,        /* pane titles */
	TE_BORDER,
	TE_BORDER_FOCUS, /* the border of the focused pane */
	TE_HEADER,       /* column headers */
	TE_ROW,
	TE_ROW_SELECTED, /* the cursor row in the focused pane */
	TE_ROW_CURSOR,   /* the cursor row in an unfocused pane */
	TE_ROW_MARKED,
	TE_STATUS,       /* the status line */
	TE_BADGE_TEST,
	TE_BADGE_LIVE,
	TE_BADGE_READONLY,
	TE_STALE,
	TE_CHANGED,      /* a value that just changed (brief highlight) */
	TE_ERROR,
	TE_MESSAGE,      /* informational status messages */
	TE_DIM,          /* secondary text, "—" for missing values */
	TE_DETAIL_KEY,
	TE_DETAIL_VALUE,
	TE_HELP_KEY,
	TE_HELP_TEXT,
	TE_PROMPT,       /* the / and : input line */
	TE_ST_ACTIVE,    /* status column values */
	TE_ST_SUSPENDED,
	TE_ST_ARCHIVED,
	TE_DIALOG,       /* dialog background (forms, help) */
	TE_DIALOG_BORDER,
	TE_KIOSK_NAME,   /* --kiosk wall: the fleet's name, names in the strip */
	TE_KIOSK_FIGURE, /* the big figures */
	TE_KIOSK_LABEL,  /* what a figure is, the small exact figure, the strip */
	TE_COUNT
};

/* Attribute bits of a style (independent of curses' A_* values). */
enum theme_attr_bits {
	TA_BOLD = 1u << 0,
	TA_REVERSE = 1u << 1,
	TA_UNDERLINE = 1u << 2,
	TA_DIM = 1u << 3,
	TA_STANDOUT = 1u << 4,
	TA_ITALIC = 1u << 5,
};

#define THEME_DEFAULT_COLOR (-1)

struct theme_style {
	short fg, bg;   /* -1: the terminal's default; 0..255 */
	unsigned attrs; /* theme_attr_bits */
};

struct theme {
	struct theme_style el[TE_COUNT];
};

/* "row_selected" -> TE_ROW_SELECTED; -1 when unknown. */
int theme_elem_from_name(const char *name);
const char *theme_elem_name(enum theme_elem e);

/* The built-in schemes: "default" (colour) and "mono" (attributes only). */
void theme_builtin(struct theme *t, bool mono);

/* Parse text over *t (which keeps what the text does not set).  Every bad
 * line is reported as "ORIGIN:LINE: why" (lines joined by '\n') into err.
 * Returns the number of bad lines (0: all good). */
int theme_parse(const char *text, const char *origin, struct theme *t, char *err, size_t errn);

/* Find NAME.theme in $XDG_CONFIG_HOME/chargetui/themes (or
 * ~/.config/chargetui/themes), CHARGETUI_THEMEDIR, then
 * CHARGETUI_SRC_THEMEDIR, and parse it over the built-in default.  0 on
 * success; -1 when not found or unreadable (err says where it looked);
 * a file with bad lines loads the good ones and returns 1 with err set. */
int theme_load(const char *name, struct theme *t, char *err, size_t errn);

/* Map a colour to a terminal with `colors` colours (256, 16, 8): 0..255 in,
 * nearest of the first 16 or 8 out.  -1 stays -1. */
short theme_color_downgrade(short c, int colors);

/* Fit a theme to a terminal: colours downgraded; when colors < 8 or mono is
 * set (NO_COLOR), the built-in monochrome scheme replaces it.  When the
 * terminal has no default colours (use_default_colors failed), -1 becomes
 * white on black. */
void theme_resolve(const struct theme *in, int colors, bool default_ok, bool mono,
		   struct theme *out);

/* UI thread: init_pair() every element of a resolved theme (colour pair
 * element+1) and remember the attributes; with mono no pair is set. */
void theme_apply(const struct theme *resolved, bool mono);
/* The curses attributes (colour pair | A_*) of an element. */
unsigned long theme_attr(enum theme_elem e);

#endif
