/*
 * test_form_unknown.c — a save whose outcome is unknown (every attempt got
 * no answer, RTY-8).  The form stays open and says so.  If the change did
 * not apply, saving again sends it with the SAME Idempotency-Key (RTY-1);
 * if it did, saving again verifies and sends nothing; a different change
 * saved after it gets a NEW key (RTY-2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e_form.h"

#define NEW_PHONE "+33189000029"

/* ---- helpers of this test (the shared ones: tests/lib/e2e_form.h) */

static bool one_fleet(const cJSON *d)
{
	const char *ph = jstr(d, "phone");
	return drv_one_fleet(d) && ph && strcmp(ph, NEW_PHONE) != 0;
}

/* At a one-fleet driver (*since: the log's position then), every attempt
 * of a save of a new phone gets no answer: the outcome is unknown (RTY-8).
 * The form stays open and says so; nothing is lost. */
static void save_into_silence(struct e2e_form_run *r, const char *name, const char *spec,
			      long *since)
{
	e2e_form_run_start_at(r, name, NULL, text_plain, one_fleet);
	struct e2e *e = r->e;
	*since = mockctl_last_seq(e->mc);
	ck_assert_int_eq(mockctl_faults(e->mc, spec), 0);
	e2e_form_edit_and_save(e, 2, NEW_PHONE);
	struct mock_reqs log;
	e2e_wait_posts(e, *since, 3, 20000, &log);
	mock_reqs_clear(&log);
	E2E_WAIT(e, "outcome unknown", 20000);
	ck_assert_int_eq(mockctl_faults(e->mc, "clear"), 0);
	E2E_WAIT(e, "Edit driver", 1000);
	E2E_WAIT(e, NEW_PHONE, 1000);
}

/* All POSTs since `since` carry one key and one body; their count. */
static size_t posts_share_one_key(struct e2e *e, long since, const char *body)
{
	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, since, &log), 0);
	const char *key = NULL;
	size_t n = 0;
	for (size_t i = 0; i < log.n; i++) {
		if (strcmp(log.v[i].method, "POST"))
			continue;
		n++;
		ck_assert_msg(log.v[i].idem_key && *log.v[i].idem_key, "POST without a key");
		if (!key)
			key = log.v[i].idem_key;
		ck_assert_msg(!strcmp(key, log.v[i].idem_key),
			      "POST %zu of one change has another key (%s, first %s)", n,
			      log.v[i].idem_key, key);
		ck_assert_str_eq(log.v[i].body, body);
	}
	mock_reqs_clear(&log);
	return n;
}

/* Not applied (dropped before commit): saving again sends the same change
 * with the same Idempotency-Key as the lost attempts (RTY-1). */
START_TEST(unknown_outcome_not_applied_is_resent_with_the_same_key)
{
	struct e2e_form_run r;
	long since;
	save_into_silence(&r, "form_retry_unknown_not_applied",
			  "drop=beforex30,path=/v1/drivers/,method=POST", &since);
	struct e2e *e = r.e;
	cJSON *srv = e2e_server_driver(e, r.id);
	ck_assert_str_eq(jstr(srv, "phone"), jstr(r.drv, "phone"));
	cJSON_Delete(srv);
	long mid = mockctl_last_seq(e->mc);
	e2e_form_save(e);
	struct mock_reqs log;
	e2e_wait_posts(e, mid, 1, 5000, &log);
	ck_assert_uint_eq(mock_reqs_count(&log, "POST", r.path), 1);
	mock_reqs_clear(&log);
	ck_assert(term_wait_gone(e->t, "Edit driver", 5000));
	size_t n = posts_share_one_key(e, since, "{\"phone\":\"" NEW_PHONE "\"}");
	ck_assert_uint_ge(n, 4);
	srv = e2e_server_driver(e, r.id);
	ck_assert_str_eq(jstr(srv, "phone"), NEW_PHONE);
	cJSON_Delete(srv);
	e2e_form_run_end(&r);
}
END_TEST

/* Applied (dropped after commit): saving again first reads the driver,
 * sees the change is there (RTY-8's verify) and sends nothing more. */
START_TEST(unknown_outcome_applied_is_verified_not_resent)
{
	struct e2e_form_run r;
	long since;
	save_into_silence(&r, "form_retry_unknown_applied",
			  "drop=afterx30,path=/v1/drivers/,method=POST", &since);
	struct e2e *e = r.e;
	cJSON *srv = e2e_server_driver(e, r.id);
	ck_assert_str_eq(jstr(srv, "phone"), NEW_PHONE); /* it did apply */
	cJSON_Delete(srv);
	long mid = mockctl_last_seq(e->mc);
	e2e_form_save(e);
	E2E_WAIT(e, "already has", 5000);
	ck_assert(term_wait_gone(e->t, "Edit driver", 3000));
	e2e_assert_no_post(e, mid, 500);
	posts_share_one_key(e, since, "{\"phone\":\"" NEW_PHONE "\"}");
	e2e_form_run_end(&r);
}
END_TEST

/* Not applied, then the user changes the value before saving again: that
 * is another intent, so a new key (the old key with another body would be
 * refused by the server as idempotency_key_mismatch). */
START_TEST(unknown_outcome_then_another_change_gets_a_new_key)
{
	struct e2e_form_run r;
	long since;
	save_into_silence(&r, "form_unknown_other_change",
			  "drop=beforex30,path=/v1/drivers/,method=POST", &since);
	struct e2e *e = r.e;
	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, since, &log), 0);
	char key1[300] = "";
	for (size_t i = 0; i < log.n; i++)
		if (!strcmp(log.v[i].method, "POST") && log.v[i].idem_key)
			snprintf(key1, sizeof key1, "%s", log.v[i].idem_key);
	mock_reqs_clear(&log);
	ck_assert(key1[0]);
	long mid = mockctl_last_seq(e->mc);
	e2e_form_set_field(e, 0, "+33189000030"); /* focus is still on Phone */
	e2e_form_save(e);
	e2e_wait_posts(e, mid, 1, 5000, &log);
	size_t posts = mock_reqs_count(&log, "POST", r.path);
	ck_assert_uint_eq(posts, 1);
	for (size_t i = 0; i < log.n; i++)
		if (!strcmp(log.v[i].method, "POST")) {
			ck_assert_str_eq(log.v[i].body, "{\"phone\":\"+33189000030\"}");
			ck_assert_msg(log.v[i].idem_key && strcmp(log.v[i].idem_key, key1) != 0,
				      "another change reuses the key of the lost one");
			ck_assert_int_eq(log.v[i].status, 200);
		}
	mock_reqs_clear(&log);
	ck_assert(term_wait_gone(e->t, "Edit driver", 5000));
	cJSON *srv = e2e_server_driver(e, r.id);
	ck_assert_str_eq(jstr(srv, "phone"), "+33189000030");
	cJSON_Delete(srv);
	e2e_form_run_end(&r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("form_unknown");
	TCase *tc = tcase_create("unknown");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, unknown_outcome_not_applied_is_resent_with_the_same_key);
	tcase_add_test(tc, unknown_outcome_applied_is_verified_not_resent);
	tcase_add_test(tc, unknown_outcome_then_another_change_gets_a_new_key);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
