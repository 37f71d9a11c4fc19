/*
 * test_kiosk_font.c — the --kiosk wall's block font, layout and exit chord,
 * without a terminal: the digits look as drawn here (the test's own
 * pictures), the UTF-8 half blocks hold the same pixels as the ASCII '#'
 * form at every scale, every layout from 60x14 to 250x80 keeps its figures
 * inside their tiles and above the strip, and the chord needs Ctrl-] then q
 * within two seconds.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/kiosk.h"

/* The digits as a person draws them on squared paper: the spec. */
static const char *const digit_pic[10][KFONT_ROWS] = {
    {"###", "# #", "# #", "# #", "###"}, {" # ", "## ", " # ", " # ", "###"},
    {"###", "  #", "###", "#  ", "###"}, {"###", "  #", " ##", "  #", "###"},
    {"# #", "# #", "###", "  #", "  #"}, {"###", "#  ", "###", "  #", "###"},
    {"###", "#  ", "###", "# #", "###"}, {"###", "  #", "  #", "  #", "  #"},
    {"###", "# #", "###", "# #", "###"}, {"###", "# #", "###", "  #", "###"},
};

START_TEST(digits_match_the_pictures)
{
	char want[KFONT_ROWS][128] = {{0}}, row[512];
	for (int d = 0; d < 10; d++)
		for (int r = 0; r < KFONT_ROWS; r++)
			snprintf(want[r] + strlen(want[r]), sizeof(want[r]) - strlen(want[r]),
			         "%s%s", d ? " " : "", digit_pic[d][r]);
	ck_assert_int_eq(kfont_width("0123456789", 1), 39);
	ck_assert_int_eq(kfont_height(1, true), 5);
	for (int r = 0; r < KFONT_ROWS; r++) {
		ck_assert_int_eq(kfont_row("0123456789", 1, true, r, row, sizeof(row)), 39);
		ck_assert_str_eq(row, want[r]);
	}
	/* Separators are narrow: "1,234.5" = 3+2+3+3+3+1+3 pixels + 6 gaps. */
	ck_assert_int_eq(kfont_width("1,234.5", 1), 24);
	ck_assert_int_eq(kfont_width("1,234.5", 2), 48);
}
END_TEST

/* The pixel at (y, x) of the ASCII form at a scale, for comparing. */
static bool ascii_px(const char *s, int scale, int y, int x)
{
	char row[2048];
	if (y >= kfont_height(scale, true))
		return false;
	ck_assert_int_ge(kfont_row(s, scale, true, y, row, sizeof(row)), 0);
	return row[x] == '#';
}

START_TEST(half_blocks_hold_the_same_pixels)
{
	const char *s = "0123456789 ,.-'/ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	for (int scale = 1; scale <= KFONT_MAX_SCALE; scale++) {
		int w = kfont_width(s, scale), h = kfont_height(scale, false);
		ck_assert_int_eq(h, (KFONT_ROWS * scale + 1) / 2);
		for (int r = 0; r < h; r++) {
			char row[8192];
			ck_assert_int_eq(kfont_row(s, scale, false, r, row, sizeof(row)), w);
			const char *c = row;
			for (int x = 0; x < w; x++) {
				bool top = ascii_px(s, scale, 2 * r, x);
				bool bottom = ascii_px(s, scale, 2 * r + 1, x);
				const char *want = top && bottom ? "█"
				                   : top         ? "▀"
				                   : bottom      ? "▄"
				                                 : " ";
				ck_assert_msg(strncmp(c, want, strlen(want)) == 0,
				              "scale %d row %d col %d", scale, r, x);
				c += strlen(want);
			}
			ck_assert_str_eq(c, "");
		}
	}
}
END_TEST

/* A reader (the e2e test's decoder) splits a line of glyphs at its blank
 * columns, so no glyph may have one inside it. */
START_TEST(no_glyph_has_a_blank_column)
{
	const char *all = "0123456789,.-'/ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	for (const char *c = all; *c; c++) {
		char one[2] = {*c, 0};
		int w = kfont_width(one, 1);
		for (int x = 0; x < w; x++) {
			bool any = false;
			for (int y = 0; y < KFONT_ROWS; y++)
				any |= ascii_px(one, 1, y, x);
			ck_assert_msg(any, "'%c' has a blank column %d", *c, x);
		}
	}
}
END_TEST

START_TEST(what_the_font_refuses)
{
	char row[64];
	ck_assert(kfont_has('7') && kfont_has('q') && kfont_has(' '));
	ck_assert(!kfont_has('\033') && !kfont_has('\0') && !kfont_has('@'));
	ck_assert_int_eq(kfont_width("€12", 1), -1);
	ck_assert_int_eq(kfont_width("a\033[2J", 1), -1);
	ck_assert_int_eq(kfont_width("", 1), 0);
	ck_assert_int_eq(kfont_row("12", 1, true, 5, row, sizeof(row)), -1);  /* no row 5 */
	ck_assert_int_eq(kfont_row("12", 1, false, 3, row, sizeof(row)), -1); /* 3 rows */
	ck_assert_int_eq(kfont_row("12", 1, true, 0, row, 4), -1);            /* buf too small */
	ck_assert_int_eq(kfont_row("12", 4, true, 0, row, sizeof(row)), -1);  /* scale */
	ck_assert_int_eq(kfont_row("Paris Électrique", 1, true, 0, row, sizeof(row)), -1);
}
END_TEST

START_TEST(figure_keeps_digits_and_separators)
{
	char b[64];
	ck_assert_str_eq(kfont_figure("€1,234.50", b, sizeof(b)), "1,234.50");
	ck_assert_str_eq(kfont_figure("-€3.00", b, sizeof(b)), "-3.00");
	ck_assert_str_eq(kfont_figure("CHF 12.50", b, sizeof(b)), "12.50");
	ck_assert_str_eq(kfont_figure("18.75 XYZ", b, sizeof(b)), "18.75");
	ck_assert_str_eq(kfont_figure("4,825.4 kWh", b, sizeof(b)), "4,825.4");
	ck_assert_str_eq(kfont_figure("¥1,875", b, sizeof(b)), "1,875");
	ck_assert_str_eq(kfont_figure("—", b, sizeof(b)), "");
	ck_assert_str_eq(kfont_figure("invalid", b, sizeof(b)), "");
	ck_assert_str_eq(kfont_figure(NULL, b, sizeof(b)), "");
	ck_assert_str_eq(kfont_figure("123456", b, 4), "123");
	/* The unit is the server's text: its digits are not the figure's. */
	ck_assert_str_eq(kfont_figure("18.75 X9Y", b, sizeof(b)), "18.75");
	ck_assert_str_eq(kfont_figure("18.75 -1", b, sizeof(b)), "18.75");
}
END_TEST

static const char *const figs_typical[KIOSK_NFIG] = {"1,234", "87", "12,345", "45,678.9",
                                                     "22,900.49"};

static bool tiles_overlap(const struct kiosk_tile *a, const struct kiosk_tile *b)
{
	return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

/* Every size: the tiles stay on screen, apart, below the name and above the
 * strip; a big figure fits its tile; the figures of a row share a scale. */
START_TEST(layouts_fit_every_size)
{
	for (int ascii = 0; ascii <= 1; ascii++) {
		for (int rows = 14; rows <= 80; rows += 3) {
			for (int cols = 60; cols <= 250; cols += 7) {
				struct kiosk_layout l;
				kiosk_layout(rows, cols, ascii, "BAY AREA RIDESHARE", figs_typical,
				             &l);
				ck_assert_int_le(l.strip_y + 2, rows);
				if (l.small) {
					ck_assert_int_le(l.lines_y + KIOSK_NFIG, l.strip_y);
					continue;
				}
				ck_assert_int_ge(l.name_y, 2);
				if (l.name_scale)
					ck_assert_int_le(
					    kfont_width("BAY AREA RIDESHARE", l.name_scale),
					    cols - 2);
				for (int i = 0; i < KIOSK_NFIG; i++) {
					const struct kiosk_tile *t = &l.tile[i];
					ck_assert_int_ge(t->y, l.name_y + l.name_h);
					ck_assert_int_le(t->y + t->h, l.strip_y);
					ck_assert_int_le(t->x + t->w, cols);
					if (t->scale) {
						ck_assert_int_le(
						    kfont_width(figs_typical[i], t->scale),
						    t->w - 2);
						ck_assert_int_le(t->fig_y +
						                     kfont_height(t->scale, ascii),
						                 t->y + t->h - 1);
					}
					for (int j = 0; j < i; j++) {
						ck_assert(!tiles_overlap(t, &l.tile[j]));
						if (t->y == l.tile[j].y && t->scale &&
						    l.tile[j].scale)
							ck_assert_int_eq(t->scale, l.tile[j].scale);
					}
				}
			}
		}
	}
}
END_TEST

START_TEST(bigger_screens_get_bigger_figures)
{
	struct kiosk_layout a, b, c;
	kiosk_layout(40, 120, false, "LONDON COURIERS", figs_typical, &a);
	kiosk_layout(60, 200, false, "LONDON COURIERS", figs_typical, &b);
	kiosk_layout(24, 80, false, NULL, figs_typical, &c);
	ck_assert(!a.small && !b.small);
	for (int i = 0; i < KIOSK_NFIG; i++) {
		ck_assert_int_ge(a.tile[i].scale, 1); /* 120x40: all five big */
		ck_assert_int_ge(b.tile[i].scale, a.tile[i].scale);
	}
	ck_assert_int_gt(b.tile[0].scale, 1);
	ck_assert_int_eq(c.name_scale, 0); /* no glyphs for it: one line */
	ck_assert_int_eq(c.name_h, 1);
	/* Too little room for any big figure, or none to draw: one line each. */
	struct kiosk_layout d;
	kiosk_layout(11, 60, true, NULL, figs_typical, &d);
	ck_assert(d.small);
	const char *const none[KIOSK_NFIG] = {"", "", "", "", ""};
	kiosk_layout(40, 120, false, NULL, none, &d);
	ck_assert(d.small);
	/* At the smallest screen the console draws (60x15), the short ones
	 * are still big. */
	kiosk_layout(15, 60, true, NULL, figs_typical, &d);
	ck_assert(!d.small && d.tile[1].scale == 1);
}
END_TEST

START_TEST(chord_needs_ctrl_bracket_then_q_in_time)
{
	struct kiosk_chord c;
	kiosk_chord_init(&c);
	ck_assert(!kiosk_chord_feed(&c, 'q', false, 10.0));
	ck_assert(!kiosk_chord_feed(&c, 3, false, 10.1)); /* ^C */
	ck_assert(!kiosk_chord_feed(&c, KIOSK_CHORD_KEY, false, 11.0));
	ck_assert(kiosk_chord_feed(&c, 'q', false, 12.5));
	ck_assert(!kiosk_chord_feed(&c, 'q', false, 12.6)); /* used up */
	/* too late */
	ck_assert(!kiosk_chord_feed(&c, KIOSK_CHORD_KEY, false, 20.0));
	ck_assert(!kiosk_chord_feed(&c, 'q', false, 22.5));
	/* another key in between */
	ck_assert(!kiosk_chord_feed(&c, KIOSK_CHORD_KEY, false, 30.0));
	ck_assert(!kiosk_chord_feed(&c, 'x', false, 30.1));
	ck_assert(!kiosk_chord_feed(&c, 'q', false, 30.2));
	/* a function key in between (is_code) */
	ck_assert(!kiosk_chord_feed(&c, KIOSK_CHORD_KEY, false, 40.0));
	ck_assert(!kiosk_chord_feed(&c, 'q', true, 40.1));
	ck_assert(!kiosk_chord_feed(&c, 'q', false, 40.2));
	/* ^] twice re-arms; Q works too */
	ck_assert(!kiosk_chord_feed(&c, KIOSK_CHORD_KEY, false, 50.0));
	ck_assert(!kiosk_chord_feed(&c, KIOSK_CHORD_KEY, false, 51.0));
	ck_assert(kiosk_chord_feed(&c, 'Q', false, 52.9));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kiosk_font");
	TCase *tc = tcase_create("kiosk");
	tcase_add_test(tc, digits_match_the_pictures);
	tcase_add_test(tc, half_blocks_hold_the_same_pixels);
	tcase_add_test(tc, no_glyph_has_a_blank_column);
	tcase_add_test(tc, what_the_font_refuses);
	tcase_add_test(tc, figure_keeps_digits_and_separators);
	tcase_add_test(tc, layouts_fit_every_size);
	tcase_add_test(tc, bigger_screens_get_bigger_figures);
	tcase_add_test(tc, chord_needs_ctrl_bracket_then_q_in_time);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
