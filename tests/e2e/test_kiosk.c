/*
 * test_kiosk.c — `chargetui --kiosk` on a wall screen (TTY-7):
 *  - a passer-by presses everything: letters, write keys with their
 *    dialogs, q, Ctrl-C, Ctrl-Z, Ctrl-\, `:q`, mouse clicks all over.  The
 *    console is still running, not stopped, still showing the wall with its
 *    KIOSK badge; the server's log holds only GETs; no driver's email or
 *    phone ever reached the terminal; the fleets' hostile names (hostile=1)
 *    reached it neutralised.
 *  - the wall: the first fleet's five totals in big block digits, read off
 *    the screen by a decoder of the test's own (and the exact figures in
 *    small text), then the next fleet after the --rotate period; q, ^C, ^Z,
 *    `:` do nothing; when every request fails it says STALE and keeps
 *    rotating; Ctrl-] then x then q, or Ctrl-] and a late q, do nothing;
 *    Ctrl-] then q exits with status 0 and gives the terminal back.
 * Expected values come from the mock's JSON (the oracle).
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"

static void keys(struct e2e *e, const char *s)
{
	for (; *s; s++) {
		term_send_bytes(e->t, s, 1);
		term_wait_idle(e->t, 40, 1000);
	}
}

/* SGR mouse press and release at (row, col), 1-based as the protocol wants. */
static void click(struct e2e *e, int row, int col, int button)
{
	char seq[64];
	snprintf(seq, sizeof seq, "\033[<%d;%d;%dM\033[<%d;%d;%dm", button, col, row, button, col,
		 row);
	term_send_keys(e->t, seq);
	term_wait_idle(e->t, 40, 1000);
}

/* SEC: no driver's email or phone was ever written to the terminal, not
 * even for a moment (the raw stream, not just the last screen). */
static void expect_no_personal_data(struct e2e *e)
{
	cJSON *drivers = mockctl_get_all(e->mc, "/drivers?limit=100");
	ck_assert_ptr_nonnull(drivers);
	ck_assert_int_gt(cJSON_GetArraySize(drivers), 0);
	const cJSON *d;
	cJSON_ArrayForEach(d, drivers)
	{
		const char *email = jstr(d, "email"), *phone = jstr(d, "phone");
		ck_assert_msg(!email || !*email || !term_raw_contains(e->t, email, 0),
			      "driver email %s on a kiosk screen", email);
		ck_assert_msg(!phone || strlen(phone) < 6 || !term_raw_contains(e->t, phone, 0),
			      "driver phone %s on a kiosk screen", phone);
	}
	cJSON_Delete(drivers);
}

START_TEST(kiosk_survives_every_key_and_click_and_only_reads)
{
	/* The newest fleets (the wall's first, and next in its strip) carry
	 * hostile names: e2e_finish checks the stream (SAN-2). */
	struct mock_options mo = { .fleets = -1, .drivers = -1, .quiet = true,
				   .faults = "hostile=1" };
	const char *args[] = { "--kiosk", NULL };
	struct e2e_opts o = { .args = args, .mock = &mo };
	struct e2e *e = e2e_start("kiosk", &o);
	E2E_WAIT(e, "KIOSK", 10000);
	E2E_WAIT(e, "FLEET 1 OF", 10000);
	ck_assert(term_wait_idle(e->t, 300, 5000));

	keys(e, "qQ\x03\x1a\x1c"); /* q, Q, ^C, ^Z, ^\ : no way out */
	keys(e, "e\t\t\r\x15+33612345678\r\x0f\033\033");
	keys(e, "tj\ry\r\033\033aj\ry\r\033\033dy\r\033\033 t\033Dy\r\033\033");
	keys(e, "nKiosk Visitor\tkiosk@example.com\x0f\033\033");
	keys(e, ":q\r\033!sh\r\033");
	keys(e, "abcdefghijklmnoprstuvwxyzABCDEFGHIJKLMNOPRSTUVWXYZ0123456789 /?*+-=\t\r");
	for (int r = 1; r <= 40; r += 5) /* the wall has nothing to click */
		for (int c = 1; c <= 120; c += 17)
			click(e, r, c, (r + c) % 3);
	keys(e, "q\x03");
	ck_assert(term_wait_idle(e->t, 500, 5000));
	/* A wall with nothing new writes nothing (the next rotation is 15 s
	 * after the last key; refreshes that find nothing new draw nothing). */
	size_t quiet = term_mark(e->t);
	usleep(2000 * 1000);
	ck_assert_msg(term_bytes_written_since(e->t, quiet) == 0, "idle wall wrote %zu bytes",
		      term_bytes_written_since(e->t, quiet));

	ck_assert_msg(!term_exited(e->t), "the kiosk console exited");
	char state = term_proc_state(e->t);
	ck_assert_msg(state != 'T' && state != 't', "the kiosk console is stopped (Ctrl-Z)");
	term_send_key(e->t, TK_ESC);
	term_send_key(e->t, TK_ESC);
	E2E_WAIT(e, "KIOSK", 3000);
	E2E_WAIT(e, "FLEET ", 3000);
	ck_assert_msg(term_find(e->t, "Fleets (", NULL, NULL) != 0, "a list pane on the wall");
	expect_no_personal_data(e);

	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, 0, &log), 0);
	size_t writes = mock_reqs_mutating(&log);
	/* The wall shows fleets only: no driver list is fetched for it. */
	size_t driver_lists = mock_reqs_count(&log, "GET", "/v1/drivers");
	for (size_t i = 0; i < log.n; i++)
		if (strcmp(log.v[i].method, "GET") != 0)
			fprintf(stderr, "kiosk: %s %s\n", log.v[i].method, log.v[i].path);
		else if (!strncmp(log.v[i].path, "/v1/drivers", 11))
			fprintf(stderr, "kiosk: GET %s\n", log.v[i].path);
	mock_reqs_clear(&log);
	ck_assert_msg(writes == 0, "kiosk sent %zu non-GET requests", writes);
	ck_assert_msg(driver_lists == 0, "kiosk fetched drivers %zu times", driver_lists);
	e2e_finish(e);
}
END_TEST

/* --- reading big digits off the screen --- */

/* The glyphs as the test draws them: 3x5 pixels ('.' and ',' narrower). */
static const struct {
	char c;
	const char *px[5];
} glyphs[] = {
	{'0', {"###", "#.#", "#.#", "#.#", "###"}}, {'1', {".#.", "##.", ".#.", ".#.", "###"}},
	{'2', {"###", "..#", "###", "#..", "###"}}, {'3', {"###", "..#", ".##", "..#", "###"}},
	{'4', {"#.#", "#.#", "###", "..#", "..#"}}, {'5', {"###", "#..", "###", "..#", "###"}},
	{'6', {"###", "#..", "###", "#.#", "###"}}, {'7', {"###", "..#", "..#", "..#", "..#"}},
	{'8', {"###", "#.#", "###", "#.#", "###"}}, {'9', {"###", "#.#", "###", "..#", "###"}},
	{'.', {".", ".", ".", ".", "#"}},	    {',', {"..", "..", "..", ".#", "#."}},
	{'-', {"...", "...", "###", "...", "..."}},
};

#define PX_MAX_W 256
#define PX_MAX_H 128

struct pixels {
	int h, w;
	bool p[PX_MAX_H][PX_MAX_W];
};

/* Half blocks to pixels: each screen row is two pixel rows. */
static void screen_pixels(struct e2e *e, struct pixels *g)
{
	memset(g, 0, sizeof(*g));
	g->w = term_cols(e->t) < PX_MAX_W ? term_cols(e->t) : PX_MAX_W;
	g->h = term_rows(e->t) * 2 < PX_MAX_H ? term_rows(e->t) * 2 : PX_MAX_H;
	for (int r = 0; r < g->h / 2; r++) {
		char *s = term_row(e->t, r);
		int x = 0;
		for (const char *c = s; *c && x < g->w; x++) {
			bool top = strncmp(c, "█", 3) == 0 || strncmp(c, "▀", 3) == 0;
			bool bottom = strncmp(c, "█", 3) == 0 || strncmp(c, "▄", 3) == 0;
			g->p[2 * r][x] = top;
			g->p[2 * r + 1][x] = bottom;
			unsigned char b = (unsigned char)*c;
			int len = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
			if (b >= 0xe3 && b <= 0xed) /* CJK: two cells (not in big rows) */
				x++;
			c += len;
		}
		free(s);
	}
}

static bool col_blank(const struct pixels *g, int x, int y0, int y1)
{
	for (int y = y0; y < y1; y++)
		if (g->p[y][x])
			return false;
	return true;
}

/* One glyph at columns [x0, x1), top pixel row y, scale s. */
static char decode_glyph(const struct pixels *g, int x0, int x1, int y, int s)
{
	int w = (x1 - x0) / s;
	for (size_t i = 0; i < sizeof(glyphs) / sizeof(glyphs[0]); i++) {
		if ((int)strlen(glyphs[i].px[0]) != w || (x1 - x0) % s)
			continue;
		bool same = true;
		for (int r = 0; r < 5 && same; r++)
			for (int c = 0; c < w && same; c++)
				same = (glyphs[i].px[r][c] == '#') ==
				       (y + r * s < g->h && g->p[y + r * s][x0 + c * s]);
		if (same)
			return glyphs[i].c;
	}
	return '?';
}

/* A word: glyph runs in [x0, x1) of the band [y0, y1). */
static void decode_word(const struct pixels *g, int x0, int x1, int y0, int y1, char *out,
			size_t n)
{
	int top = -1, bottom = -1;
	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++)
			if (g->p[y][x]) {
				top = top < 0 ? y : top;
				bottom = y;
			}
	int s = (bottom - top + 1) / 5;
	size_t len = 0;
	out[0] = '\0';
	if (top < 0 || s < 1 || (bottom - top + 1) % 5)
		return;
	for (int x = x0; x < x1 && len + 1 < n;) {
		if (col_blank(g, x, top, bottom + 1)) {
			x++;
			continue;
		}
		int e = x;
		while (e < x1 && !col_blank(g, e, top, bottom + 1))
			e++;
		out[len++] = decode_glyph(g, x, e, top, s);
		x = e;
	}
	out[len] = '\0';
}

/* Every big figure on the screen, joined by '|': "0|12|1,234|". */
static void big_figures(struct e2e *e, char *out, size_t n)
{
	static struct pixels g;
	screen_pixels(e, &g);
	out[0] = '|';
	out[1] = '\0';
	for (int y0 = 0; y0 < g.h;) {
		int y1 = y0;
		while (y1 < g.h) {
			bool any = false;
			for (int x = 0; x < g.w && !any; x++)
				any = g.p[y1][x];
			if (!any)
				break;
			y1++;
		}
		if (y1 == y0) {
			y0++;
			continue;
		}
		/* words: glyph runs closer than 4 blank columns */
		for (int x = 0; x < g.w;) {
			if (col_blank(&g, x, y0, y1)) {
				x++;
				continue;
			}
			int end = x, blank = 0;
			for (int c = x; c < g.w && blank < 4; c++) {
				blank = col_blank(&g, c, y0, y1) ? blank + 1 : 0;
				if (!blank)
					end = c + 1;
			}
			char word[128];
			decode_word(&g, x, end, y0, y1, word, sizeof word);
			size_t used = strlen(out);
			snprintf(out + used, n - used, "%s|", word);
			x = end;
		}
		y0 = y1;
	}
}

/* The five figures of a fleet as the wall draws them big, from the JSON. */
static void expect_figures(const cJSON *f, char want[5][64])
{
	char money[64];
	expect_count(jint(f, "total_drivers", -1), want[0], 64);
	expect_count(jint(f, "total_vehicles", -1), want[1], 64);
	expect_count(jint(f, "total_sessions", -1), want[2], 64);
	const cJSON *kwh = cJSON_GetObjectItemCaseSensitive(f, "total_energy_consumed_kwh");
	long long tenths = (long long)floor((cJSON_IsNumber(kwh) ? kwh->valuedouble : 0) * 10 + 0.5);
	char whole[48];
	snprintf(want[3], 64, "%s.%lld", expect_count(tenths / 10, whole, sizeof whole),
		 tenths % 10);
	const cJSON *prefs = cJSON_GetObjectItemCaseSensitive(f, "preferences");
	expect_money(jint(f, "wallet_balance", 0), jstr(prefs, "default_currency"), money,
		     sizeof money);
	size_t o = 0;
	for (const char *c = money; *c; c++)
		if ((*c >= '0' && *c <= '9') || *c == '.' || *c == ',' || *c == '-')
			want[4][o++] = *c;
	want[4][o] = '\0';
}

/* Wait until the wall shows fleet i, then read its five figures big (the
 * exact figures are in small text under them too). */
static void expect_wall_shows(struct e2e *e, const cJSON *fleets, int i, int ms)
{
	char want[5][64], found[2048], label[32];
	const cJSON *f = cJSON_GetArrayItem(fleets, i);
	snprintf(label, sizeof label, "FLEET %d OF %d", i + 1, cJSON_GetArraySize(fleets));
	e2e_wait_str(e, label, ms);
	expect_figures(f, want);
	ck_assert(term_wait_idle(e->t, 150, 3000));
	char count[64];
	e2e_wait_str(e, expect_count(jint(f, "total_sessions", -1), count, sizeof count), 100);
	big_figures(e, found, sizeof found);
	fprintf(stderr, "kiosk_wall: fleet %d, big on screen: %s\n", i + 1, found);
	for (int k = 0; k < 5; k++) {
		char tok[80];
		int tn = snprintf(tok, sizeof tok, "|%s|", want[k]);
		ck_assert(tn > 0 && (size_t)tn < sizeof tok);
		if (!strstr(found, tok))
			e2e_dump(e, "big figures");
		ck_assert_msg(strstr(found, tok), "fleet %d: big \"%s\" not among %s", i, want[k],
			      found);
	}
}

/* The k of "FLEET k OF n" in the wall's header, 0 when not shown. */
static int shown_fleet(struct e2e *e)
{
	char *row = term_row(e->t, 0);
	const char *at = row ? strstr(row, "FLEET ") : NULL;
	int k = 0;
	if (at && sscanf(at, "FLEET %d OF", &k) != 1)
		k = 0;
	free(row);
	return k;
}

START_TEST(wall_shows_totals_rotates_goes_stale_and_exits_on_the_chord)
{
	const char *args[] = { "--kiosk", "--rotate", "2", "--refresh", "1", NULL };
	struct e2e_opts o = { .args = args };
	struct e2e *e = e2e_start("kiosk_wall", &o);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	ck_assert_int_ge(cJSON_GetArraySize(fleets), 3);

	expect_wall_shows(e, fleets, 0, 10000);
	char pre[128];
	expect_prefix(jstr(cJSON_GetArrayItem(fleets, 1), "name"), 10, pre, sizeof pre);
	e2e_wait_str(e, pre, 100); /* named as next */
	expect_wall_shows(e, fleets, 1, 4000);

	/* Resize: laid out again for 80x24 (a key first holds the rotation
	 * back); too small at 40x10; back at 120x40. */
	keys(e, "x");
	ck_assert_int_eq(term_set_size(e->t, 24, 80), 0);
	E2E_WAIT(e, "KIOSK", 2000);
	ck_assert(term_wait_idle(e->t, 200, 3000));
	ck_assert_int_gt(shown_fleet(e), 0);
	expect_wall_shows(e, fleets, shown_fleet(e) - 1, 100);
	ck_assert_int_eq(term_set_size(e->t, 10, 40), 0);
	E2E_WAIT(e, "too small", 2000);
	ck_assert_int_eq(term_set_size(e->t, 40, 120), 0);
	E2E_WAIT(e, "KIOSK", 2000);

	/* No way out for a passer-by, and no command line. */
	keys(e, "q\x03\x1a\x1c:q\r");
	ck_assert_msg(!term_exited(e->t), "q / ^C / :q ended the kiosk");
	char state = term_proc_state(e->t);
	ck_assert_msg(state != 'T' && state != 't', "the kiosk console is stopped (Ctrl-Z)");

	/* An outage: STALE, and the wall goes on rotating with the last values. */
	ck_assert_int_eq(mockctl_faults(e->mc, "error_rate=1:503"), 0);
	E2E_WAIT(e, "STALE", 6000);
	int shown = shown_fleet(e); /* 1-based: the next one's index is the same */
	expect_wall_shows(e, fleets, shown % cJSON_GetArraySize(fleets), 4000);
	ck_assert_msg(term_find(e->t, "STALE", NULL, NULL) == 0, "STALE gone while failing");
	ck_assert_int_eq(mockctl_faults(e->mc, "clear"), 0);

	/* Half a chord, or a chord too slow, does nothing. */
	keys(e, "\x1dxq");
	term_send_bytes(e->t, "\x1d", 1);
	usleep(2300 * 1000); /* past the chord's 2 s */
	keys(e, "q");
	ck_assert_msg(!term_exited(e->t), "the kiosk left without the whole chord");

	size_t mark = term_mark(e->t);
	term_send_bytes(e->t, "\x1dq", 2);
	int st = -1;
	ck_assert_msg(term_wait_exit(e->t, 1000, &st) == 0, "Ctrl-] q did not end the kiosk");
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status 0x%x, not 0", st);
	ck_assert(term_wait_eof(e->t, 2000));
	ck_assert_msg(term_raw_contains(e->t, "\033[?1049l", mark), "no rmcup after the chord");
	ck_assert_msg(!term_altscreen(e->t), "left in the alternate screen");
	bool visible;
	term_cursor(e->t, NULL, NULL, &visible);
	ck_assert_msg(visible, "cursor left invisible");
	expect_no_personal_data(e);
	cJSON_Delete(fleets);
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("kiosk");
	TCase *tc = tcase_create("kiosk");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, kiosk_survives_every_key_and_click_and_only_reads);
	tcase_add_test(tc, wall_shows_totals_rotates_goes_stale_and_exits_on_the_chord);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
