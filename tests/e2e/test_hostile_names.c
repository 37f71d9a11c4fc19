/*
 * test_hostile_names.c — the account holds names crafted to attack a
 * terminal (mock fault hostile=1: escape sequences, 8-bit CSI, CR/BS/TAB/LF,
 * ...).  A user opening the console sees them neutralised in caret notation,
 * the screen is not cleared, the title is not changed, and the raw bytes the
 * console wrote hold no OSC, DCS or C1 (SAN-1..SAN-4, SAN-2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

/* Caret / <U+XXXX> form of C0, DEL and C1 per sanitize.h's policy, written
 * here on its own.  Returns false for names holding anything else this
 * small oracle does not model (bidi, invalid UTF-8, combining marks). */
static bool expected_display(const char *in, char *out, size_t n)
{
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)in; *p && o + 10 < n; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			out[o++] = '^';
			out[o++] = *p == 0x7f ? '?' : (char)(*p + 64);
		} else if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
			o += (size_t)snprintf(out + o, n - o, "<U+%04X>", p[1]);
			p++;
		} else if (*p >= 0x80) {
			return false;
		} else {
			out[o++] = (char)*p;
		}
	}
	out[o] = '\0';
	return true;
}

/* Cut a display string to its first n bytes (all ASCII here). */
static void cut(char *s, size_t n)
{
	if (strlen(s) > n)
		s[n] = '\0';
}

static int fleet_index(const cJSON *fleets, const char *id)
{
	int i = 0;
	const cJSON *f;
	cJSON_ArrayForEach(f, fleets)
	{
		if (id && jstr(f, "id") && strcmp(jstr(f, "id"), id) == 0)
			return i;
		i++;
	}
	return -1;
}

/* Move the fleets pane's cursor from *cur to idx with j/k. */
static void goto_fleet(struct e2e *e, int *cur, int idx)
{
	for (; *cur < idx; (*cur)++)
		term_send_keys(e->t, "j");
	for (; *cur > idx; (*cur)--)
		term_send_keys(e->t, "k");
}

/* Column of the first plain driver name of the fleet on screen, or -1. */
static int plain_driver_col(struct e2e *e, const cJSON *drivers)
{
	const cJSON *d;
	cJSON_ArrayForEach(d, drivers)
	{
		char pre[64];
		const char *n = jstr(d, "name");
		int col;
		expect_prefix(n, 8, pre, sizeof pre);
		if (pre[0] && strlen(pre) == 8 && !strpbrk(pre, "^<") &&
		    term_find(e->t, pre, NULL, &col) == 0)
			return col;
	}
	return -1;
}

/* SAN-1, SAN-3, SAN-4: each hostile driver (the newest ten) is shown in its
 * fleet's drivers pane in caret form, on one row, starting in the name
 * column like its neighbours (nothing jumped to column 0 or the next row). */
static void check_hostile_drivers(struct e2e *e, const cJSON *fleets)
{
	cJSON *page = mockctl_get(e->mc, "/drivers?limit=10", NULL);
	ck_assert_ptr_nonnull(page);
	const cJSON *d;
	int cur = 0, checked = 0;
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(page, "data"))
	{
		char want[256];
		const cJSON *fl = cJSON_GetObjectItemCaseSensitive(d, "fleets");
		int idx = fleet_index(fleets, cJSON_IsArray(fl) && cJSON_GetArraySize(fl) > 0
						      ? cJSON_GetArrayItem(fl, 0)->valuestring
						      : NULL);
		if (idx < 0 || !expected_display(jstr(d, "name"), want, sizeof want) ||
		    !strpbrk(want, "^<"))
			continue;
		cut(want, 8);
		goto_fleet(e, &cur, idx);
		cJSON *drivers = oracle_fleet_drivers(e->mc, cJSON_GetArrayItem(fleets, idx));
		/* The fleet's title and detail may show the same text: the list
		 * row is the one in the name column of the fleet's plain drivers. */
		int pc = -1, wc = -2;
		double end = term_now_ms() + 5000;
		while (wc != pc && term_now_ms() < end) {
			term_wait_idle(e->t, 100, 1000);
			pc = plain_driver_col(e, drivers);
			wc = -2;
			for (int r = 0, c; pc >= 0 && term_find_from(e->t, r, want, &r, &c) == 0; r++)
				if (c == pc)
					wc = c;
		}
		cJSON_Delete(drivers);
		if (pc < 0 || wc != pc)
			e2e_dump(e, want);
		ck_assert_msg(pc >= 0 && wc == pc, "\"%s\" not in the drivers' name column (%d)", want,
			      pc);
		checked++;
	}
	cJSON_Delete(page);
	ck_assert_msg(checked >= 4, "only %d hostile drivers found in fleets", checked);
}

START_TEST(hostile_names_render_neutralised)
{
	struct mock_options mo = { .fleets = -1, .drivers = -1, .quiet = true,
				   .faults = "hostile=1" };
	struct e2e_opts o = { .mock = &mo };
	struct e2e *e = e2e_start("hostile_names", &o);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);

	/* The oldest fleet is never made hostile (the newest 3 are): it must be
	 * on screen, so the page was drawn and nothing cleared it. */
	char plain[128] = "";
	int nf = cJSON_GetArraySize(fleets);
	expect_prefix(jstr(cJSON_GetArrayItem(fleets, nf - 1), "name"), 12, plain, sizeof plain);
	ck_assert_msg(plain[0], "the oldest fleet's name is not plain");
	e2e_wait_str(e, plain, 10000);
	ck_assert(term_wait_idle(e->t, 500, 5000));

	/* Every hostile fleet name this oracle can model is shown in caret
	 * form; at least the SAN-1 one must be among them. */
	int checked = 0;
	const cJSON *f;
	cJSON_ArrayForEach(f, fleets)
	{
		char want[512];
		const char *name = jstr(f, "name");
		if (!name || !expected_display(name, want, sizeof want) || !strpbrk(want, "^<"))
			continue;
		cut(want, 10);
		e2e_wait_str(e, want, 3000);
		checked++;
	}
	ck_assert_msg(checked >= 1, "no hostile fleet name found in the mock's data");
	e2e_wait_str(e, "A^[[2J^[]0;", 100); /* SAN-1, the literal from reliability.md */
	e2e_wait_str(e, plain, 100);

	char *title = term_title(e->t);
	ck_assert_msg(strstr(title, "pwned") == NULL, "terminal title changed to \"%s\"", title);
	free(title);
	ck_assert_msg(!term_raw_contains(e->t, "A\033[2J", 0), "the payload's ESC[2J reached the tty");
	ck_assert_msg(!term_raw_contains(e->t, "\033]0;pwned", 0), "the payload's OSC reached the tty");

	/* SAN-5, SAN-6: no bidi control and no invalid UTF-8 reaches the tty. */
	static const char *const never[] = { "\xe2\x80\xae", "\xe2\x80\xaa", "\xe2\x81\xa6",
					     "\xe2\x80\x8b", "\xef\xbb\xbf", "\xff",
					     "\xc0\xaf", "\xed\xa0\x80" };
	for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
		ck_assert_msg(!term_raw_contains(e->t, never[i], 0),
			      "hostile bytes #%zu reached the tty raw", i);

	/* The drivers, where the other payloads live. */
	check_hostile_drivers(e, fleets);
	e2e_wait_str(e, plain, 100);
	title = term_title(e->t);
	ck_assert_msg(strstr(title, "pwned") == NULL, "terminal title changed to \"%s\"", title);
	free(title);
	ck_assert(!term_exited(e->t));
	cJSON_Delete(fleets);
	e2e_finish(e); /* SAN-2 over the whole stream */
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("hostile_names");
	TCase *tc = tcase_create("hostile");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, hostile_names_render_neutralised);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
