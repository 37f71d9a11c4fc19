/*
 * test_filter.c — a user in the drivers pane types `/` and part of a name:
 * the list narrows to the matching drivers as they type; Esc brings the
 * whole list back.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "e2e.h"

#define NAME_CHARS 12

static bool ci_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (const char *p = hay; *p; p++)
		if (strncasecmp(p, needle, n) == 0)
			return true;
	return false;
}

/* The last word of a name: what a person types to find someone. */
static void last_word(const char *name, char *out, size_t n)
{
	const char *sp = strrchr(name, ' ');
	snprintf(out, n, "%s", sp ? sp + 1 : name);
}

START_TEST(slash_filter_narrows_drivers_and_esc_restores)
{
	struct e2e *e = e2e_start("filter", NULL);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	/* The first fleet with a few drivers, reached with j. */
	int ia = oracle_fleet_with_drivers(fleets, 0, 3);
	ck_assert_int_ge(ia, 0);
	const cJSON *fa = cJSON_GetArrayItem(fleets, ia);
	char pre[128];
	cJSON *drivers = oracle_fleet_drivers(e->mc, fa);
	ck_assert_ptr_nonnull(drivers);
	expect_prefix(jstr(cJSON_GetArrayItem(fleets, 0), "name"), NAME_CHARS, pre, sizeof pre);
	e2e_wait_str(e, pre, 10000);
	for (int i = 0; i < ia; i++)
		term_send_keys(e->t, "j");
	expect_prefix(jstr(fa, "name"), NAME_CHARS, pre, sizeof pre);
	char title[160];
	snprintf(title, sizeof title, "Drivers · %s", pre);
	e2e_wait_str(e, title, 5000);

	/* A: the first driver of the fleet the screen shows; B: another shown
	 * driver whose name does not hold A's last word.  Retried while the
	 * fleet's drivers arrive. */
	const cJSON *a = NULL, *b = NULL;
	char word[64] = "", apre[128] = "", bpre[128] = "";
	double end = term_now_ms() + 10000;
	while ((!a || !b) && term_now_ms() < end) {
		term_wait_idle(e->t, 300, 2000);
		a = b = NULL;
		const cJSON *d;
		cJSON_ArrayForEach(d, drivers)
		{
			expect_prefix(jstr(d, "name"), NAME_CHARS, pre, sizeof pre);
			if (!pre[0] || term_find(e->t, pre, NULL, NULL) != 0)
				continue;
			if (!a) {
				a = d;
				snprintf(apre, sizeof apre, "%s", pre);
				last_word(jstr(d, "name"), word, sizeof word);
			} else if (!b && !ci_contains(jstr(d, "name"), word)) {
				b = d;
				snprintf(bpre, sizeof bpre, "%s", pre);
			}
		}
	}
	if (!a || !b)
		e2e_dump(e, "drivers of the first fleet");
	ck_assert_msg(a && b, "need two drivers of the first fleet on screen");

	term_send_key(e->t, TK_TAB);
	ck_assert(term_wait_idle(e->t, 200, 5000));
	term_send_keys(e->t, "/");
	term_send_keys(e->t, word);
	if (!term_wait_gone(e->t, bpre, 3000))
		e2e_dump(e, "after typing the filter");
	ck_assert_msg(term_find(e->t, bpre, NULL, NULL) != 0, "filter \"%s\" left %s on screen", word,
		      jstr(b, "name"));
	e2e_wait_str(e, apre, 3000);
	e2e_wait_str(e, word, 100); /* the filter text itself is visible */

	term_send_key(e->t, TK_ESC);
	e2e_wait_str(e, bpre, 3000);
	e2e_wait_str(e, apre, 100);

	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, 0, &log), 0);
	ck_assert_uint_eq(mock_reqs_mutating(&log), 0);
	mock_reqs_clear(&log);
	cJSON_Delete(drivers);
	cJSON_Delete(fleets);
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("filter");
	TCase *tc = tcase_create("filter");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, slash_filter_narrows_drivers_and_esc_restores);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
