/*
 * test_theme.c — the theme parser and resolver: a good file, bad lines
 * reported with their numbers (the good lines still apply), colours mapped
 * down to 16 and 8, mono, and every shipped theme parsing cleanly.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/theme.h"

START_TEST(good_file)
{
	struct theme t;
	char err[512];
	theme_builtin(&t, false);
	const char *text = "# comment line\n"
			   "\n"
			   "row_selected = black cyan bold reverse   # trailing comment\n"
			   "badge_live   = brightwhite red bold\n"
			   "changed = color82 default underline\n";
	ck_assert_int_eq(theme_parse(text, "good", &t, err, sizeof(err)), 0);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(t.el[TE_ROW_SELECTED].fg, 0);
	ck_assert_int_eq(t.el[TE_ROW_SELECTED].bg, 6);
	ck_assert_uint_eq(t.el[TE_ROW_SELECTED].attrs, TA_BOLD | TA_REVERSE);
	ck_assert_int_eq(t.el[TE_BADGE_LIVE].fg, 15);
	ck_assert_int_eq(t.el[TE_BADGE_LIVE].bg, 1);
	ck_assert_int_eq(t.el[TE_CHANGED].fg, 82);
	ck_assert_int_eq(t.el[TE_CHANGED].bg, THEME_DEFAULT_COLOR);
	ck_assert_uint_eq(t.el[TE_CHANGED].attrs, TA_UNDERLINE);
}
END_TEST

START_TEST(bad_lines_have_numbers)
{
	struct theme t;
	char err[1024];
	theme_builtin(&t, false);
	const char *text = "row = red default\n"          /* 1 good */
			   "bogus_element = red blue\n"   /* 2 unknown element */
			   "title = purple default\n"     /* 3 unknown colour */
			   "header = red blue sparkly\n"  /* 4 unknown attribute */
			   "border red blue\n"            /* 5 no '=' */
			   "dim = color256 default\n"     /* 6 out of range */
			   "status = red\n"               /* 7 missing background */
			   "error = yellow default bold\n"; /* 8 good */
	ck_assert_int_eq(theme_parse(text, "bad.theme", &t, err, sizeof(err)), 6);
	ck_assert_msg(strstr(err, "bad.theme:2: unknown element 'bogus_element'"), "%s", err);
	ck_assert_msg(strstr(err, "bad.theme:3: unknown colour 'purple'"), "%s", err);
	ck_assert_msg(strstr(err, "bad.theme:4: unknown attribute 'sparkly'"), "%s", err);
	ck_assert_msg(strstr(err, "bad.theme:5:"), "%s", err);
	ck_assert_msg(strstr(err, "bad.theme:6: unknown colour 'color256'"), "%s", err);
	ck_assert_msg(strstr(err, "bad.theme:7:"), "%s", err);
	ck_assert_msg(!strstr(err, ":1:") && !strstr(err, ":8:"), "%s", err);
	/* The good lines applied. */
	ck_assert_int_eq(t.el[TE_ROW].fg, 1);
	ck_assert_int_eq(t.el[TE_ERROR].fg, 3);
	ck_assert_uint_eq(t.el[TE_ERROR].attrs, TA_BOLD);
}
END_TEST

START_TEST(downgrade_to_16_and_8)
{
	/* Basic colours pass; bright loses brightness on 8 colours. */
	ck_assert_int_eq(theme_color_downgrade(3, 8), 3);
	ck_assert_int_eq(theme_color_downgrade(9, 16), 9);
	ck_assert_int_eq(theme_color_downgrade(9, 8), 1);
	ck_assert_int_eq(theme_color_downgrade(-1, 8), -1);
	/* 196 is pure red: bright red on 16, red on 8. */
	ck_assert_int_eq(theme_color_downgrade(196, 16), 9);
	ck_assert_int_eq(theme_color_downgrade(196, 8), 1);
	/* 21 is pure blue, 46 pure green, 16 black, 231 white. */
	ck_assert_int_eq(theme_color_downgrade(21, 8), 4);
	ck_assert_int_eq(theme_color_downgrade(46, 8), 2);
	ck_assert_int_eq(theme_color_downgrade(16, 8), 0);
	ck_assert_int_eq(theme_color_downgrade(231, 16), 15);
	ck_assert_int_eq(theme_color_downgrade(200, 256), 200);
	/* Every colour lands in range for 8 and 16. */
	for (int c = 0; c < 256; c++) {
		ck_assert_int_lt(theme_color_downgrade((short)c, 8), 8);
		ck_assert_int_lt(theme_color_downgrade((short)c, 16), 16);
	}
}
END_TEST

START_TEST(resolve_8_colours_and_no_defaults)
{
	struct theme t, r;
	theme_builtin(&t, false);
	t.el[TE_TITLE].fg = 208; /* orange */
	t.el[TE_TITLE].attrs = 0;
	t.el[TE_BADGE_LIVE].fg = 15;
	t.el[TE_BADGE_LIVE].attrs = 0;
	theme_resolve(&t, 8, false, false, &r);
	for (int i = 0; i < TE_COUNT; i++) {
		ck_assert_int_lt(r.el[i].fg, 8);
		ck_assert_int_lt(r.el[i].bg, 8);
		ck_assert_int_ge(r.el[i].fg, 0); /* no default colours: concrete */
		ck_assert_int_ge(r.el[i].bg, 0);
	}
	/* Bright white on an 8-colour terminal is white + bold. */
	ck_assert_int_eq(r.el[TE_BADGE_LIVE].fg, 7);
	ck_assert(r.el[TE_BADGE_LIVE].attrs & TA_BOLD);
}
END_TEST

/* Near shades that map to one basic colour must not hide the text. */
START_TEST(downgrade_keeps_text_visible)
{
	struct theme t, r;
	theme_builtin(&t, false);
	t.el[TE_DIM] = (struct theme_style){240, 234, 0};  /* grey on darker grey */
	t.el[TE_ROW] = (struct theme_style){252, 255, 0};  /* pale on white */
	for (int colors = 8; colors <= 16; colors += 8) {
		theme_resolve(&t, colors, true, false, &r);
		ck_assert_int_ne(r.el[TE_DIM].fg, r.el[TE_DIM].bg);
		ck_assert_int_ne(r.el[TE_ROW].fg, r.el[TE_ROW].bg);
	}
	/* Every shipped colour pair stays distinct on 8 colours. */
	theme_builtin(&t, false);
	theme_resolve(&t, 8, false, false, &r);
	for (int i = 0; i < TE_COUNT; i++)
		ck_assert_msg(r.el[i].fg != r.el[i].bg, "%s invisible", theme_elem_name(i));
}
END_TEST

START_TEST(mono_uses_attributes_only)
{
	struct theme t, r;
	theme_builtin(&t, false);
	theme_resolve(&t, 256, true, true, &r); /* NO_COLOR */
	for (int i = 0; i < TE_COUNT; i++) {
		ck_assert_int_eq(r.el[i].fg, THEME_DEFAULT_COLOR);
		ck_assert_int_eq(r.el[i].bg, THEME_DEFAULT_COLOR);
	}
	/* The meanings survive: selection, the live badge, changes, stale. */
	ck_assert(r.el[TE_ROW_SELECTED].attrs & TA_REVERSE);
	ck_assert(r.el[TE_BADGE_LIVE].attrs & TA_BOLD);
	ck_assert(r.el[TE_CHANGED].attrs != 0);
	ck_assert(r.el[TE_STALE].attrs != 0);
	/* A terminal with fewer than 8 colours gets the same. */
	struct theme r2;
	theme_resolve(&t, 2, true, false, &r2);
	ck_assert_mem_eq(&r, &r2, sizeof(r));
}
END_TEST

START_TEST(names_round_trip)
{
	for (int i = 0; i < TE_COUNT; i++) {
		const char *n = theme_elem_name((enum theme_elem)i);
		ck_assert_ptr_nonnull(n);
		ck_assert_int_eq(theme_elem_from_name(n), i);
	}
	ck_assert_int_eq(theme_elem_from_name("nope"), -1);
}
END_TEST

START_TEST(shipped_themes_parse_cleanly)
{
	const char *names[] = {"default", "light", "solarized-dark", "high-contrast", "mono"};
	setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[1024], err[1024];
		snprintf(path, sizeof(path), "%s/themes/%s.theme", CT_SOURCE_DIR, names[i]);
		FILE *f = fopen(path, "r");
		ck_assert_msg(f != NULL, "missing %s", path);
		static char text[65536];
		size_t n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
		text[n] = '\0';
		struct theme t;
		theme_builtin(&t, false);
		ck_assert_msg(theme_parse(text, path, &t, err, sizeof(err)) == 0, "%s", err);
		/* Every element is named in every shipped theme. */
		for (int e = 0; e < TE_COUNT; e++) {
			char key[64];
			snprintf(key, sizeof(key), "\n%s ", theme_elem_name((enum theme_elem)e));
			ck_assert_msg(strstr(text, key) || strncmp(text, key + 1, strlen(key + 1)) == 0,
				      "%s lacks %s", names[i], key + 1);
		}
	}
	struct theme t;
	char err[256];
	ck_assert_int_eq(theme_load("no-such-theme", &t, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "not found"), "%s", err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("theme");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, good_file);
	tcase_add_test(tc, bad_lines_have_numbers);
	tcase_add_test(tc, downgrade_to_16_and_8);
	tcase_add_test(tc, resolve_8_colours_and_no_defaults);
	tcase_add_test(tc, mono_uses_attributes_only);
	tcase_add_test(tc, downgrade_keeps_text_visible);
	tcase_add_test(tc, names_round_trip);
	tcase_add_test(tc, shipped_themes_parse_cleanly);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
