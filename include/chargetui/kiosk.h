/*
 * kiosk.h — the parts of the --kiosk wall screen that need no terminal, so
 * they are tested without one: a block font for figures read from across a
 * room, the layout that picks its size for the screen, and the exit chord.
 * The pane that draws them is src/ui/pane_kiosk.c (UI thread).
 *
 * The font is 3x5 pixels a glyph (digits, A-Z, space and . , - ' /).  In a
 * UTF-8 locale two pixel rows share a cell as half blocks ("█▀▄"), so a line
 * of glyphs is 3 rows high at scale 1; otherwise each pixel is a '#' and a
 * line is 5 rows.  At scale s every pixel is s cells wide and s pixel rows
 * high.  Glyphs are separated by one (scaled) blank pixel column.
 */
#ifndef CHARGETUI_KIOSK_H
#define CHARGETUI_KIOSK_H

#include <stdbool.h>
#include <stddef.h>

#define KFONT_ROWS 5 /* pixel rows of every glyph */
#define KFONT_MAX_SCALE 3

/* True when c has a glyph; lower-case letters are drawn as capitals. */
bool kfont_has(char c);
/* Columns s takes at scale, or -1 when a character has no glyph. */
int kfont_width(const char *s, int scale);
/* Screen rows one line of glyphs takes at scale. */
int kfont_height(int scale, bool ascii);
/* Screen row `row` (0 <= row < kfont_height) of s drawn big into buf: the
 * UTF-8 half blocks, or '#' with ascii, and spaces, exactly kfont_width
 * columns.  Returns those columns, or -1 (no glyph, bad row or scale, buf
 * too small). */
int kfont_row(const char *s, int scale, bool ascii, int row, char *buf, size_t n);
/* The part of a formatted figure the font draws big: its first run of
 * digits and separators, and the sign before it ("€1,234.50" -> "1,234.50",
 * "-€3.00" -> "-3.00", "CHF 12.50" -> "12.50", "18.75 X9Y" -> "18.75"); the
 * unit is said in small text.  "" when there are no digits.  Returns buf. */
char *kfont_figure(const char *formatted, char *buf, size_t n);

/* --- layout: five figures in tiles, under the fleet's name --- */

#define KIOSK_NFIG 5 /* drivers, vehicles, sessions, energy, wallet */

struct kiosk_tile {
	int y, x, w, h; /* h: the label row, the figure, the exact figure's row */
	int scale;      /* of the big figure; 0: the figure in small text */
	int fig_y;      /* where the big figure (or the small text) goes */
};

struct kiosk_layout {
	bool small;  /* no room for big figures: one line of text per figure */
	int per_row; /* tiles in a row: 5, 3, 2 or 1 (the last row may hold fewer) */
	struct kiosk_tile tile[KIOSK_NFIG];
	int name_scale;     /* 0: the name as one line of text */
	int name_y, name_h; /* a big name's rows include its exact text under it */
	int lines_y;        /* small: the first of the five lines */
	int strip_y;        /* the bottom strip: account totals, then the next fleets */
};

/* Lay out a rows x cols wall.  name: the fleet's name as the font would draw
 * it, or NULL when it has characters the font lacks (it is then one line of
 * text); figs: the big parts (kfont_figure) of the five figures, "" for
 * none.  The figures of a row of tiles share one scale (the largest all of
 * them fit at; one that fits at none is small text).  Picks, in order of
 * preference: the most figures big, the largest figures, a big name, the
 * fewest rows of tiles. */
void kiosk_layout(int rows, int cols, bool ascii, const char *name,
                  const char *const figs[KIOSK_NFIG], struct kiosk_layout *out);

/* --- the exit chord: Ctrl-] then q within KIOSK_CHORD_S seconds --- */

#define KIOSK_CHORD_KEY 0x1d /* Ctrl-], telnet's escape character */
#define KIOSK_CHORD_S 2.0

struct kiosk_chord {
	double armed_at; /* when Ctrl-] came (monotonic seconds), <0: not armed */
};

void kiosk_chord_init(struct kiosk_chord *c);
/* Feed every key (is_code: a KEY_* code).  True when this key completes the
 * chord; any other key in between disarms it, a late q does nothing. */
bool kiosk_chord_feed(struct kiosk_chord *c, int code, bool is_code, double now);

#endif
