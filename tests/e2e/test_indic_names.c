/*
 * test_indic_names.c — a fleet is renamed to Devanagari text while a user
 * watches: the name's spacing vowel signs (Mc: ा ि ी, one column each in the
 * terminal) and its non-spacing marks (Mn: ं ्, none) must be counted the way
 * the terminal draws them, or every column after the name on that row
 * would be pushed or pulled against the rows above and below.  The
 * terminal here is libvterm, so this checks our widths against a real
 * emulator's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

/* "हिंदी कार्यालय" (Hindi office): ha i(Mc) anusvara(Mn) da ii(Mc), space,
 * ka aa(Mc) ra virama(Mn) ya aa(Mc) la ya: 4 + 1 + 7 = 12 columns.  Three
 * times over it is longer than the name column, so the console must cut it
 * where the terminal will have drawn exactly the column's width. */
#define DEVANAGARI                                                                                 \
	"\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\x82\xE0\xA4\xA6\xE0\xA5\x80 "                            \
	"\xE0\xA4\x95\xE0\xA4\xBE\xE0\xA4\xB0\xE0\xA5\x8D\xE0\xA4\xAF\xE0\xA4\xBE\xE0\xA4\xB2"     \
	"\xE0\xA4\xAF"
#define LONG_NAME DEVANAGARI " " DEVANAGARI " " DEVANAGARI

/* The code point libvterm holds in a cell, 0 for an empty one. */
static int cell_ch(struct e2e *e, int y, int x)
{
	struct term_cell_attrs a;
	return term_cell_attrs(e->t, y, x, &a) == 0 ? (int)a.ch : -1;
}

/* Column where the ASCII word w starts on row y, cell by cell, or -1. */
static int word_col(struct e2e *e, int y, const char *w)
{
	int n = (int)strlen(w);
	for (int x = 0; x + n <= term_cols(e->t); x++) {
		int i = 0;
		while (i < n && cell_ch(e, y, x + i) == (unsigned char)w[i])
			i++;
		if (i == n)
			return x;
	}
	return -1;
}

START_TEST(devanagari_name_keeps_the_columns)
{
	const char *args[] = {"--refresh", "1", NULL};
	struct e2e_opts o = {.args = args};
	struct e2e *e = e2e_start("indic_names", &o);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	const cJSON *f0 = cJSON_GetArrayItem(fleets, 0), *f1 = cJSON_GetArrayItem(fleets, 1);
	ck_assert_str_eq(jstr(f1, "status"), "active");
	char pre[128];
	expect_prefix(jstr(f1, "name"), 6, pre, sizeof pre);
	e2e_wait_str(e, pre, 10000);

	char url[512];
	long status = 0;
	snprintf(url, sizeof url, "%s/fleets/%s", mockctl_base(e->mc), jstr(f0, "id"));
	free(mockctl_http("POST", url, "{\"name\": \"" LONG_NAME "\", \"status\": \"active\"}",
	                  &status));
	ck_assert_int_eq(status, 200);
	E2E_WAIT(e, DEVANAGARI, 5000);
	term_wait_idle(e->t, 2500, 8000); /* the change highlight is gone too */

	/* In the list (row 2 on), not the drivers pane's title. */
	int row = -1, other = -1;
	ck_assert_int_eq(term_find_from(e->t, 2, DEVANAGARI, &row, NULL), 0);
	ck_assert_int_eq(term_find_from(e->t, 2, pre, &other, NULL), 0);
	int st = word_col(e, row, "active"), st_o = word_col(e, other, "active");
	int ell = cell_ch(e, row, st - 2), gap = cell_ch(e, row, st - 1);
	if (st != st_o || ell != 0x2026 || gap != ' ')
		e2e_dump(e, "the renamed row against the next");
	/* The status column starts where it does on the next row, and the
	 * name's ellipsis sits in the name column's last cell: libvterm drew
	 * the cut name in exactly the columns we counted. */
	ck_assert_msg(st == st_o && st > 0, "status at column %d, %d on the next row", st, st_o);
	ck_assert_msg(ell == 0x2026, "U+%04X, not the ellipsis, before the column gap", ell);
	ck_assert_msg(gap == ' ', "U+%04X in the gap before the status column", gap);
	cJSON_Delete(fleets);
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("indic_names");
	TCase *tc = tcase_create("indic");
	tcase_set_timeout(tc, 40);
	tcase_add_test(tc, devanagari_name_keeps_the_columns);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
