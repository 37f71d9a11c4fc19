/*
 * test_key_rejected.c — the key is revoked while a user watches with
 * --refresh 1 (every request now gets 401): the status line says
 * "key rejected (401)", the data on screen stays, and the console does not
 * keep hammering the server with the same key (SEC-10, RTY-3: 401 is never
 * retried).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "e2e.h"

START_TEST(revoked_key_stops_refresh_and_says_so)
{
	const char *args[] = { "--refresh", "1", NULL };
	struct e2e_opts o = { .args = args };
	struct e2e *e = e2e_start("key_rejected", &o);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	char pre[128];
	const cJSON *f0 = cJSON_GetArrayItem(fleets, 0);
	expect_prefix(jstr(f0, "name"), 12, pre, sizeof pre);
	e2e_wait_str(e, pre, 10000);
	ck_assert(term_wait_idle(e->t, 300, 5000));

	ck_assert_int_eq(mockctl_faults(e->mc, "unauthorized=100000"), 0);
	E2E_WAIT(e, "key rejected (401)", 5000);

	/* From now on, 3 refresh periods: at most one more attempt. */
	long seq = mockctl_last_seq(e->mc);
	struct timespec ts = { 3, 0 };
	nanosleep(&ts, NULL); /* the property is "nothing happens for a while" */
	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, seq, &log), 0);
	size_t more = log.n;
	mock_reqs_clear(&log);
	fprintf(stderr, "key_rejected: %zu requests in the 3 s after the 401\n", more);
	ck_assert_msg(more <= 1, "%zu requests with a rejected key in 3 s", more);

	char *row = e2e_row_with(e, pre);
	bool kept = row && has_number(row, jint(f0, "total_drivers", -1));
	free(row);
	ck_assert_msg(kept, "the fleets' data went away after the 401");
	ck_assert_msg(!term_raw_contains(e->t, E2E_KEY, 0), "the key was printed whole");
	cJSON_Delete(fleets);
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("key_rejected");
	TCase *tc = tcase_create("401");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, revoked_key_stops_refresh_and_says_so);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
