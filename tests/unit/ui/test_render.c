/*
 * test_render.c — the panes drawn into a real curses screen (newterm on
 * /dev/null, 40 x 240) from a store filled with known records, read back
 * from curses' own idea of the screen: columns, money, ellipsis on a long
 * CJK name, hostile names in caret form, filter, too-small, the status line.
 */
#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>
#include <curses.h>

#include "chargetui/json.h"
#include "chargetui/store.h"
#include "chargetui/sync.h"
#include "chargetui/ui.h"

static SCREEN *scr;
static FILE *out_f, *in_f;
static struct store *st;
static struct ui *ui;

static void put_fleet(const char *json)
{
	struct fleet f = {0};
	struct api_error e = {0};
	ck_assert_msg(json_decode_fleet(json, strlen(json), &f, &e) == 0, "bad fleet fixture");
	store_put_fleet(st, &f);
	fleet_clear(&f);
}

static void put_driver(const char *json)
{
	struct driver d = {0};
	struct api_error e = {0};
	ck_assert_msg(json_decode_driver(json, strlen(json), &d, &e) == 0, "bad driver fixture");
	store_put_driver(st, &d);
	driver_clear(&d);
}

#define FLEET_JSON(id, name, extra)                                                               \
	"{\"id\":\"" id "\",\"object\":\"fleet\",\"name\":\"" name "\",\"status\":\"active\","   \
	"\"total_drivers\":24,\"total_vehicles\":18,\"total_sessions\":186,"                      \
	"\"total_energy_consumed_kwh\":4825.4,\"wallet_balance\":32150,"                          \
	"\"preferences\":{\"default_currency\":\"eur\",\"billing_cycle\":\"monthly\"}" extra "}"

static void setup_screen(int rows, int cols, bool read_only)
{
	char r[16], c[16];
	snprintf(r, sizeof(r), "%d", rows);
	snprintf(c, sizeof(c), "%d", cols);
	setenv("LINES", r, 1);
	setenv("COLUMNS", c, 1);
	setenv("TERM", "xterm-256color", 1);
	ck_assert_ptr_nonnull(setlocale(LC_CTYPE, "C.UTF-8"));
	out_f = fopen("/dev/null", "w");
	in_f = fopen("/dev/null", "r");
	scr = newterm("xterm-256color", out_f, in_f);
	ck_assert_ptr_nonnull(scr);
	set_term(scr);
	start_color();
	st = store_new();
	put_fleet(FLEET_JSON("flt_1", "Example Fleet", ""));
	put_fleet(FLEET_JSON("flt_2", "東京都港区のとても長い名前の充電フリート東京都港区のとても長い名前", ""));
	put_fleet(FLEET_JSON("flt_3", "A\\u001b[2J\\u001b]0;pwned\\u0007B", ""));
	put_fleet("{\"id\":\"flt_4\",\"name\":\"Good\\rEVIL\",\"status\":\"active\","
		  "\"wallet_balance\":187500,\"preferences\":{\"default_currency\":\"jpy\"}}");
	put_driver("{\"id\":\"drv_1\",\"name\":\"Marie Curie\",\"email\":\"marie@example.com\","
		   "\"status\":\"suspended\",\"wallet_balance\":1875,\"fleets\":[\"flt_1\"],"
		   "\"vehicles\":[\"veh_1\",\"veh_2\"],\"preferences\":{\"currency\":\"eur\","
		   "\"charging_speed\":\"fast\",\"notifications\":true}}");
	struct ui_options o = {
		.store = st,
		.key_redacted = "ch_sk_test_…abcd",
		.read_only = read_only,
		.in_fd = -1,
		.signal_fd = -1,
	};
	char err[256];
	ui = ui_new(&o, err, sizeof(err));
	ck_assert_msg(ui != NULL, "ui_new: %s", err);
	ui_draw(ui);
}

static void teardown_screen(void)
{
	ui_free(ui);
	ui = NULL;
	endwin();
	delscreen(scr);
	fclose(out_f);
	fclose(in_f);
	store_free(st);
}

/* Row y of the screen as UTF-8 (wide characters once). */
static char *row_text(int y)
{
	wchar_t w[1024];
	static char buf[4096];
	int n = mvwinnwstr(curscr, y, 0, w, 1000);
	ck_assert_int_ge(n, 0);
	w[n] = 0;
	size_t len = wcstombs(buf, w, sizeof(buf) - 1);
	ck_assert(len != (size_t)-1);
	buf[len] = '\0';
	return buf;
}

static int find_row(const char *needle)
{
	for (int y = 0; y < LINES; y++)
		if (strstr(row_text(y), needle))
			return y;
	return -1;
}

/* The list row of a record: its name and its status on one line (a pane
 * title may hold the name too). */
static int find_list_row(const char *name)
{
	for (int y = 0; y < LINES; y++) {
		const char *r = row_text(y);
		if (strstr(r, name) && (strstr(r, "active") || strstr(r, "suspended")))
			return y;
	}
	return -1;
}

/* Display column where needle starts in row y, or -1. */
static int find_col(int y, const char *needle)
{
	char *row = row_text(y);
	char *at = strstr(row, needle);
	if (!at)
		return -1;
	*at = '\0';
	wchar_t w[1024];
	size_t n = mbstowcs(w, row, 1023);
	ck_assert(n != (size_t)-1);
	return wcswidth(w, n);
}

START_TEST(fleet_columns_and_money)
{
	setup_screen(40, 240, false);
	int y = find_list_row("Example Fleet");
	ck_assert_msg(y > 0, "fleet row not drawn");
	char *row = row_text(y);
	ck_assert_msg(strstr(row, "€321.50"), "wallet as money: %s", row);
	ck_assert_msg(strstr(row, "4,825.4"), "energy: %s", row);
	ck_assert_msg(strstr(row, " 186 "), "sessions: %s", row);
	ck_assert_msg(strstr(row, " 24 "), "drivers: %s", row);
	ck_assert_msg(strstr(row, "active"), "status: %s", row);
	/* The yen has no minor unit: 187500 is ¥187,500. */
	y = find_row("EVIL");
	ck_assert_msg(strstr(row_text(y), "¥187,500"), "jpy: %s", row_text(y));
	/* The header names the columns over the values. */
	int hy = find_row("sessions");
	ck_assert_int_ge(hy, 0);
	ck_assert_int_lt(hy, find_list_row("Example Fleet"));
	teardown_screen();
}
END_TEST

START_TEST(cjk_name_cut_with_ellipsis_columns_aligned)
{
	setup_screen(40, 240, false);
	int y = find_row("東京都");
	ck_assert_int_ge(y, 0);
	ck_assert_msg(strstr(row_text(y), "…"), "no ellipsis: %s", row_text(y));
	int ref = find_list_row("Example Fleet");
	ck_assert_int_eq(find_col(y, "active"), find_col(ref, "active"));
	ck_assert_int_eq(find_col(y, "€321.50"), find_col(ref, "€321.50"));
	teardown_screen();
}
END_TEST

START_TEST(hostile_names_in_caret_form)
{
	setup_screen(40, 240, false);
	int y = find_row("A^[[2J^[]0;pwned^GB");
	ck_assert_msg(y >= 0, "SAN-1 name not in caret form");
	y = find_row("Good^MEVIL");
	ck_assert_msg(y >= 0, "SAN-4 CR not shown as ^M");
	/* The columns after a hostile name stay where they belong. */
	ck_assert_int_eq(find_col(y, "active"), find_col(find_list_row("Example Fleet"), "active"));
	teardown_screen();
}
END_TEST

START_TEST(drivers_and_detail)
{
	setup_screen(40, 240, false);
	int y = find_list_row("Marie Curie");
	ck_assert_int_ge(y, 0);
	char *row = row_text(y);
	ck_assert_msg(strstr(row, "€18.75"), "driver balance: %s", row);
	ck_assert_msg(strstr(row, "suspended"), "driver status: %s", row);
	ck_assert_msg(strstr(row, "fast"), "charging speed: %s", row);
	/* Its detail shows every field, e.g. the email and notifications. */
	ck_assert_int_ge(find_row("marie@example.com"), 0);
	ck_assert_int_ge(find_row("notifications"), 0);
	ck_assert_int_ge(find_row("billing cycle"), 0);
	teardown_screen();
}
END_TEST

START_TEST(filter_narrows_and_escape_clears)
{
	setup_screen(40, 240, false);
	ui_key(ui, '/', false);
	ui_key(ui, 'e', false);
	ui_key(ui, 'x', false);
	ui_key(ui, 'a', false);
	ui_draw(ui);
	ck_assert_int_ge(find_list_row("Example Fleet"), 0);
	ck_assert_int_lt(find_row("東京都"), 0);
	ui_key(ui, 27, false); /* Esc: filter cleared */
	ui_draw(ui);
	ck_assert_int_ge(find_row("東京都"), 0);
	/* Wide characters are typed as themselves; ^U clears, Enter keeps. */
	ui_key(ui, '/', false);
	ui_key(ui, 0x6771, false); /* 東 */
	ui_key(ui, 0x4eac, false); /* 京 */
	ui_key(ui, '\r', false);
	ui_draw(ui);
	ck_assert_int_ge(find_row("東京都"), 0);
	ck_assert_int_lt(find_list_row("Example Fleet"), 0);
	ck_assert_msg(find_row("/東京") >= 0, "the kept filter is shown in the title");
	ui_key(ui, '/', false);
	ui_key(ui, 21, false); /* ^U */
	ui_key(ui, 0x1b, false);
	ui_draw(ui);
	ck_assert_int_ge(find_list_row("Example Fleet"), 0);
	teardown_screen();
}
END_TEST

START_TEST(status_line_badges_and_redacted_key)
{
	setup_screen(40, 240, true);
	char *last = row_text(LINES - 1);
	ck_assert_msg(strstr(last, "TEST"), "badge: %s", last);
	ck_assert_msg(strstr(last, "READ-ONLY"), "read-only badge: %s", last);
	ck_assert_msg(strstr(last, "ch_sk_test_…abcd"), "redacted key: %s", last);
	/* A writing action is refused with a reason on the status line. */
	ui_key(ui, 'e', false);
	ui_draw(ui);
	ck_assert_msg(strstr(row_text(LINES - 1), "read-only"), "%s", row_text(LINES - 1));
	teardown_screen();
}
END_TEST

START_TEST(too_small_says_so)
{
	setup_screen(40, 240, false);
	resizeterm(10, 50);
	ui_key(ui, KEY_RESIZE, true);
	ui_layout_for_tests(ui);
	ui_draw(ui);
	ck_assert_int_ge(find_row("terminal too small (60x15 needed)"), 0);
	resizeterm(40, 240);
	ui_layout_for_tests(ui);
	ui_draw(ui);
	ck_assert_int_lt(find_row("too small"), 0);
	ck_assert_int_ge(find_list_row("Example Fleet"), 0);
	teardown_screen();
}
END_TEST

START_TEST(sort_by_wallet_keeps_selection)
{
	setup_screen(40, 240, false);
	ck_assert_ptr_nonnull(ui_selection(ui).fleet);
	const char *before = ui_selection(ui).fleet->id.v;
	char id[32];
	snprintf(id, sizeof(id), "%s", before);
	ui_key(ui, 'S', false);
	ui_key(ui, 's', false);
	ui_draw(ui);
	ck_assert_str_eq(ui_selection(ui).fleet->id.v, id);
	teardown_screen();
}
END_TEST

static void type(const char *s)
{
	for (; *s; s++)
		ui_key(ui, (unsigned char)*s, false);
}

/* The command line sorts and jumps; an unknown command says so. */
START_TEST(command_line_sort_and_jump)
{
	setup_screen(40, 240, false);
	type(":sort wallet desc\r");
	ui_draw(ui);
	int first = find_list_row("EVIL"); /* ¥187,500 = 187500 minor units, the most */
	ck_assert_int_ge(first, 0);
	ck_assert_int_eq(first, find_row("wallet") + 1);
	ck_assert_msg(strstr(row_text(find_row("wallet")), "wallet▼"), "%s",
		      row_text(find_row("wallet")));
	type(":fleet exa\r");
	ui_draw(ui);
	ck_assert_str_eq(ui_selection(ui).fleet->id.v, "flt_1");
	/* Tab completes a command word as far as it is unambiguous. */
	type(":ref\t\r");
	ui_draw(ui);
	ck_assert_msg(strstr(row_text(LINES - 1), "refreshing"), "%s", row_text(LINES - 1));
	type(":nonsense\r");
	ui_draw(ui);
	ck_assert_msg(strstr(row_text(LINES - 1), "unknown command"), "%s", row_text(LINES - 1));
	teardown_screen();
}
END_TEST

START_TEST(marks_for_bulk_actions)
{
	setup_screen(40, 240, false);
	type(":fleet example\r");
	ui_key(ui, '\t', false); /* the drivers of Example Fleet */
	ui_key(ui, ' ', false);
	ui_draw(ui);
	size_t n = 0;
	const char *const *ids = ui_marked(ui, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(ids[0], "drv_1");
	ck_assert_msg(strstr(row_text(LINES - 1), "1 marked"), "%s", row_text(LINES - 1));
	int y = find_list_row("Marie Curie");
	ck_assert_int_ge(find_col(y, "*"), 0);
	ui_key(ui, 'U', false);
	ui_draw(ui);
	ui_marked(ui, &n);
	ck_assert_uint_eq(n, 0);
	ui_key(ui, 'M', false); /* every driver the list shows */
	ui_marked(ui, &n);
	ck_assert_uint_eq(n, 1);
	teardown_screen();
	/* Marks feed writes: refused in read-only like the writes. */
	setup_screen(40, 240, true);
	ui_key(ui, '\t', false);
	ui_key(ui, ' ', false);
	ui_marked(ui, &n);
	ck_assert_uint_eq(n, 0);
	teardown_screen();
}
END_TEST

/* A refresh that moves a balance redraws that cell highlighted, and only
 * that cell of the row. */
START_TEST(refresh_change_is_highlighted)
{
	setup_screen(40, 240, false);
	struct reply *r = calloc(1, sizeof(*r));
	ck_assert_ptr_nonnull(r);
	r->kind = REPLY_FLEET;
	r->origin = ORIGIN_REFRESH;
	r->done = true;
	const char *json = FLEET_JSON("flt_1", "Example Fleet", "");
	struct api_error e = {0};
	ck_assert_int_eq(json_decode_fleet(json, strlen(json), &r->fleet, &e), 0);
	r->fleet.wallet_balance.v = 99999; /* €999.99 */
	ui_apply_replies(ui, r);
	ui_key(ui, 'j', false); /* move the cursor off the row: plain row colours */
	ui_draw(ui);
	int y = find_list_row("Example Fleet");
	ck_assert_int_ge(y, 0);
	int x = find_col(y, "€999.99");
	ck_assert_msg(x >= 0, "new balance not drawn: %s", row_text(y));
	cchar_t cc;
	attr_t a;
	short pair;
	wchar_t wc[CCHARW_MAX + 1];
	ck_assert_int_eq(mvwin_wch(curscr, y, x + 1, &cc), OK);
	getcchar(&cc, wc, &a, &pair, NULL);
	ck_assert_int_eq(pair, TE_CHANGED + 1);
	int sx = find_col(y, "active");
	ck_assert_int_eq(mvwin_wch(curscr, y, sx, &cc), OK);
	getcchar(&cc, wc, &a, &pair, NULL);
	ck_assert_int_ne(pair, TE_CHANGED + 1);
	teardown_screen();
}
END_TEST

static struct reply *status_reply(bool ok, int64_t last_ok_ms)
{
	struct reply *r = calloc(1, sizeof(*r));
	ck_assert_ptr_nonnull(r);
	r->kind = REPLY_REFRESH_STATUS;
	r->origin = ORIGIN_REFRESH;
	/* Not done: with no sync here the console's first-load job ids are 0
	 * too, and a done reply with job id 0 would pass for their end. */
	r->done = false;
	r->refresh_ok = ok;
	r->refreshed_at_ms = last_ok_ms;
	if (!ok) {
		r->err.kind = API_ERR_HTTP;
		r->err.http_status = 503;
	}
	return r;
}

/* The status line's clock is when the data on screen last changed: a
 * round that confirms the same values leaves the line as it was; a change
 * moves it; a failed round shows "stale since" the last good refresh, and
 * the next good round takes that away. */
START_TEST(status_clock_moves_only_with_data)
{
	setup_screen(40, 240, false);
	char before[4096];
	snprintf(before, sizeof(before), "%s", row_text(LINES - 1));
	ck_assert_msg(strstr(before, "--:--"), "no data loaded through replies: %s", before);
	ui_apply_replies(ui, status_reply(true, 1700000000000LL));
	ui_draw(ui);
	ck_assert_str_eq(row_text(LINES - 1), before);

	struct reply *r = calloc(1, sizeof(*r));
	ck_assert_ptr_nonnull(r);
	r->kind = REPLY_FLEET;
	r->origin = ORIGIN_REFRESH;
	const char *json = FLEET_JSON("flt_1", "Example Fleet", "");
	struct api_error e = {0};
	ck_assert_int_eq(json_decode_fleet(json, strlen(json), &r->fleet, &e), 0);
	r->fleet.wallet_balance.v = 12345;
	ui_apply_replies(ui, r);
	ui_draw(ui);
	ck_assert_msg(!strstr(row_text(LINES - 1), "--:--"), "clock not moved: %s",
		      row_text(LINES - 1));

	time_t last_ok = 1700000000;
	struct tm tm;
	char want[64], hms[16];
	localtime_r(&last_ok, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	snprintf(want, sizeof(want), "stale since %s", hms);
	ui_apply_replies(ui, status_reply(false, (int64_t)last_ok * 1000));
	ui_draw(ui);
	ck_assert_msg(strstr(row_text(LINES - 1), want), "want \"%s\": %s", want,
		      row_text(LINES - 1));
	ui_apply_replies(ui, status_reply(true, (int64_t)last_ok * 1000 + 5000));
	ui_draw(ui);
	ck_assert_msg(!strstr(row_text(LINES - 1), "stale"), "%s", row_text(LINES - 1));
	teardown_screen();
}
END_TEST

static Suite *render_suite(void)
{
	Suite *s = suite_create("render");
	TCase *tc = tcase_create("panes");
	tcase_add_test(tc, fleet_columns_and_money);
	tcase_add_test(tc, cjk_name_cut_with_ellipsis_columns_aligned);
	tcase_add_test(tc, hostile_names_in_caret_form);
	tcase_add_test(tc, drivers_and_detail);
	tcase_add_test(tc, filter_narrows_and_escape_clears);
	tcase_add_test(tc, status_line_badges_and_redacted_key);
	tcase_add_test(tc, too_small_says_so);
	tcase_add_test(tc, sort_by_wallet_keeps_selection);
	tcase_add_test(tc, refresh_change_is_highlighted);
	tcase_add_test(tc, status_clock_moves_only_with_data);
	tcase_add_test(tc, command_line_sort_and_jump);
	tcase_add_test(tc, marks_for_bulk_actions);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(render_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
