/* test_form_view.c — a form and a picker drawn into a curses screen on
 * /dev/null (newterm, no terminal), read back cell by cell. */
#include <check.h>
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "chargetui/edit.h"
#include "chargetui/form.h"
#include "chargetui/json.h"
#include "chargetui/pane.h"

static SCREEN *scr;
static FILE *fout, *fin;

static void screen_up(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	fout = fopen("/dev/null", "w");
	fin = fopen("/dev/null", "r");
	ck_assert_ptr_nonnull(fout);
	scr = newterm("xterm-256color", fout, fin);
	ck_assert_ptr_nonnull(scr);
	set_term(scr);
	text_set_ascii(false);
}

static void screen_down(void)
{
	endwin();
	delscreen(scr);
	fclose(fout);
	fclose(fin);
}

/* Row y of w as UTF-8 (wide characters once, trailing spaces trimmed). */
static char *row(WINDOW *w, int y)
{
	static char out[1024];
	wchar_t wbuf[512];
	int n = mvwinnwstr(w, y, 0, wbuf, 511);
	ck_assert_int_ge(n, 0);
	wbuf[n] = 0;
	size_t len = wcstombs(out, wbuf, sizeof out - 1);
	ck_assert_int_ne((int)len, -1);
	out[len] = 0;
	while (len && out[len - 1] == ' ')
		out[--len] = 0;
	return out;
}

/* The first row of w containing needle, or -1. */
static int find_row(WINDOW *w, const char *needle)
{
	int h = getmaxy(w);
	for (int y = 0; y < h; y++)
		if (strstr(row(w, y), needle))
			return y;
	return -1;
}

static void load_driver(struct driver *d)
{
	char path[512];
	snprintf(path, sizeof path, "%s/driver_update_response.json", CT_FIXTURES);
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	static char buf[65536];
	size_t len = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	struct api_error err = {0};
	ck_assert_int_eq(json_decode_driver(buf, len, d, &err), 0);
}

START_TEST(test_draw_labels_sanitized_value_and_error)
{
	screen_up();
	WINDOW *w = newwin(30, 80, 0, 0);
	struct driver d = {0};
	load_driver(&d);
	opt_str_set(&d.name, "A\x1b[2J\xe2\x80\xae"
	                     "B");
	struct edit_driver *e = edit_driver_open(&d);
	ck_assert(!form_draw(w, e->form));
	ck_assert_int_ge(find_row(w, "Edit driver"), 0);
	int ny = find_row(w, "Name *");
	ck_assert_int_ge(ny, 0);
	/* The raw ESC and RLO are shown neutralised, never written. */
	ck_assert_ptr_nonnull(strstr(row(w, ny), "A^[[2J<U+202E>B"));
	ck_assert_int_ge(find_row(w, "Email *"), 0);
	ck_assert_int_ge(find_row(w, "Max price / kWh"), 0);
	/* Money in currency units, with the currency the form has now. */
	ssize_t mi = form_find(e->form, DRV_PREF_MAX_PRICE_PER_KWH, 0, NULL);
	form_set_text(e->form, (size_t)mi, "18.75");
	form_draw(w, e->form);
	ck_assert_ptr_nonnull(strstr(row(w, find_row(w, "Max price / kWh")), "18.75 eur"));
	ck_assert_int_ge(find_row(w, "[ Save ]"), 0);
	ck_assert_int_ge(find_row(w, "Esc cancel"), 0);

	/* An API error lands under its field. */
	struct api_error err = {.kind = API_ERR_HTTP, .http_status = 400};
	err.param = (char *)"preferences[currency]";
	err.message = (char *)"Unsupported currency.";
	edit_driver_apply_error(e, &err);
	form_draw(w, e->form);
	int cy = find_row(w, "Currency");
	ck_assert_int_ge(cy, 0);
	ck_assert_int_eq(find_row(w, "Unsupported currency."), cy + 1);
	ck_assert_int_ge(find_row(w, "refused a field"), 0);
	delwin(w);
	edit_driver_free(e);
	driver_clear(&d);
	screen_down();
}
END_TEST

START_TEST(test_draw_cursor_wide_text)
{
	screen_up();
	WINDOW *w = newwin(30, 80, 0, 0);
	struct form *f = form_new("t");
	form_add(f, FORM_TEXT, 1, 0, "Name", "王");
	form_key(f, false, '\n');
	form_key(f, false, 'x');
	ck_assert(form_draw(w, f));
	int cury = getcury(w), curx = getcurx(w); /* reading rows moves it */
	int y = find_row(w, "王x");
	ck_assert_int_ge(y, 0);
	int vx = (int)(strstr(row(w, y), "王x") - row(w, y)); /* bytes == columns before it here */
	ck_assert_int_eq(cury, y);
	ck_assert_int_eq(curx, vx + 3);
	/* The insertion point is visible even with the terminal cursor hidden. */
	ck_assert(mvwinch(w, cury, curx) & A_REVERSE);
	ck_assert(!(mvwinch(w, cury, curx - 1) & A_REVERSE));
	/* A long value scrolls so the cursor stays inside the field. */
	for (int i = 0; i < 120; i++)
		form_key(f, false, 'a' + i % 26);
	ck_assert(form_draw(w, f));
	ck_assert_int_lt(getcurx(w), 80);
	delwin(w);
	form_free(f);
	screen_down();
}
END_TEST

START_TEST(test_draw_conflict_and_question)
{
	screen_up();
	WINDOW *w = newwin(34, 90, 0, 0);
	struct driver d = {0};
	load_driver(&d);
	struct edit_driver *e = edit_driver_open(&d);
	struct driver theirs = {0};
	driver_copy(&theirs, &d);
	theirs.updated.ms += 1000;
	opt_str_set(&theirs.email, "moved@example.com");
	ck_assert(edit_driver_server_moved(e, &theirs));
	form_draw(w, e->form);
	int ey = find_row(w, "Email *");
	ck_assert_int_ge(ey, 0);
	ck_assert_ptr_nonnull(strstr(row(w, ey + 1), "theirs:"));
	ck_assert_ptr_nonnull(strstr(row(w, ey + 1), "moved@example.com"));
	ck_assert_ptr_nonnull(strstr(row(w, ey), "example@example.com"));
	ck_assert_int_ge(find_row(w, "changed on the server"), 0);
	/* Status -> suspended asks, and the question is on screen. */
	ssize_t si = form_find(e->form, DRV_STATUS, 0, NULL);
	form_choose(e->form, (size_t)si, "suspended");
	e->form->conflict_seen = true;
	e->form->focus = (size_t)form_find(e->form, EDIT_ROW_SAVE, 0, NULL);
	ck_assert_int_eq(form_key(e->form, false, '\n'), FORM_REDRAW);
	form_draw(w, e->form);
	ck_assert_int_ge(find_row(w, "suspend this driver?"), 0);
	ck_assert_int_ge(find_row(w, "y yes  n no"), 0);
	driver_clear(&theirs);
	delwin(w);
	edit_driver_free(e);
	driver_clear(&d);
	screen_down();
}
END_TEST

static void make_fleet(struct fleet *fl, const char *id, const char *name)
{
	memset(fl, 0, sizeof *fl);
	opt_str_set(&fl->id, id);
	opt_str_set(&fl->name, name);
}

START_TEST(test_picker_filter_and_pick)
{
	struct fleet fl[4];
	make_fleet(&fl[0], "flt_paris1", "Example Fleet");
	make_fleet(&fl[1], "flt_lyon22", "Lyon Depot");
	make_fleet(&fl[2], "flt_lille3", "Lille \x1b[31mNord");
	make_fleet(&fl[3], "flt_tokyo4", "東京 デポ");
	const struct fleet *ptr[5] = {&fl[0], &fl[1], &fl[2], &fl[3], NULL};
	struct fleet noid = {0};
	ptr[4] = &noid;
	struct picker *p = picker_from_fleets("Attach to fleet", ptr, 5, "flt_lyon22");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq((int)picker_count(p), 4);
	ck_assert_str_eq(picker_selected(p), "flt_lyon22");
	ck_assert_int_eq(picker_key(p, false, 'L'), PICKER_REDRAW);
	ck_assert_int_eq((int)picker_count(p), 4); /* every id has an l in "flt_" */
	picker_key(p, false, 'i');
	ck_assert_int_eq((int)picker_count(p), 1);
	ck_assert_str_eq(picker_selected(p), "flt_lille3");
	picker_key(p, false, 0x15); /* Ctrl-U clears the filter */
	ck_assert_int_eq((int)picker_count(p), 4);
	const char *q = "東京";
	picker_key(p, false, 0x6771);
	picker_key(p, false, 0x4eac);
	ck_assert_str_eq(picker_filter(p), q);
	ck_assert_int_eq((int)picker_count(p), 1);
	ck_assert_str_eq(picker_selected(p), "flt_tokyo4");
	picker_key(p, false, 0x15);
	/* Two words must both match; ids match too. */
	for (const char *s = "depot lyon"; *s; s++)
		picker_key(p, false, (wint_t)*s);
	ck_assert_int_eq((int)picker_count(p), 1);
	picker_key(p, false, 0x15);
	for (const char *s = "flt_paris"; *s; s++)
		picker_key(p, false, (wint_t)*s);
	ck_assert_str_eq(picker_selected(p), "flt_paris1");
	ck_assert_int_eq(picker_key(p, false, '\n'), PICKER_PICKED);
	for (const char *s = "zzz"; *s; s++)
		picker_key(p, false, (wint_t)*s);
	ck_assert_int_eq((int)picker_count(p), 0);
	ck_assert_ptr_null(picker_selected(p));
	ck_assert_int_eq(picker_key(p, false, '\n'), PICKER_NONE);
	ck_assert_int_eq(picker_key(p, false, 27), PICKER_CANCEL);
	/* Arrows move within the matches. */
	picker_key(p, false, 0x15);
	picker_key(p, true, KEY_END);
	ck_assert_str_eq(picker_selected(p), "flt_tokyo4");
	picker_key(p, true, KEY_UP);
	ck_assert_str_eq(picker_selected(p), "flt_lille3");
	picker_key(p, true, KEY_HOME);
	ck_assert_str_eq(picker_selected(p), "flt_paris1");

	screen_up();
	WINDOW *w = newwin(12, 60, 0, 0);
	picker_draw(w, p);
	ck_assert_int_ge(find_row(w, "Attach to fleet"), 0);
	ck_assert_int_ge(find_row(w, "Lyon Depot"), 0);
	ck_assert_int_ge(find_row(w, "Lille ^[[31mNord"), 0);
	ck_assert_int_ge(find_row(w, "東京 デポ"), 0);
	ck_assert_int_ge(find_row(w, "4 of 4"), 0);
	delwin(w);
	screen_down();
	picker_free(p);
	for (int i = 0; i < 4; i++)
		fleet_clear(&fl[i]);
}
END_TEST

static Suite *view_suite(void)
{
	Suite *s = suite_create("form_view");
	TCase *tc = tcase_create("render");
	tcase_add_test(tc, test_draw_labels_sanitized_value_and_error);
	tcase_add_test(tc, test_draw_cursor_wide_text);
	tcase_add_test(tc, test_draw_conflict_and_question);
	tcase_add_test(tc, test_picker_filter_and_pick);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(view_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
