/*
 * test_form_status.c — a risky change asks first: the user picks
 * "suspended" for a driver's status and saves; the form asks "suspend this
 * driver?", and nothing is sent until a deliberate y (Enter does not answer
 * it, n goes back).  Then exactly one POST /v1/drivers/ID with body
 * {"status":"suspended"}.  Notifications toggled with Space go out as
 * {"preferences":{"notifications":BOOL}}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e_form.h"

/* ---- helpers of this test (the shared ones: tests/lib/e2e_form.h) */

static bool active_driver(const cJSON *d)
{
	const char *st = jstr(d, "status");
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "fleets")) == 1 && st &&
	       !strcmp(st, "active");
}

static bool notif_driver(const cJSON *d)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(d, "preferences");
	return active_driver(d) && cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(p, "notifications"));
}

START_TEST(suspending_asks_and_waits_for_a_deliberate_yes)
{
	struct e2e_form_run r;
	e2e_form_run_start(&r, "form_status_suspend", active_driver);
	struct e2e *e = r.e;
	long since = mockctl_last_seq(e->mc);
	e2e_form_open(e);
	e2e_form_pick_option(e, 4, "suspended"); /* Name Email Phone License -> Status */
	ck_assert(term_wait_gone(e->t, "type to filter", 3000));
	char *row = e2e_row_with(e, "Status");
	ck_assert_msg(row && strstr(row, "suspended"), "status row: %s", row);
	free(row);

	e2e_form_save(e);
	E2E_WAIT(e, "suspend this driver?", 3000);
	term_send_key(e->t, TK_ENTER); /* not an answer to a risky question */
	e2e_assert_no_post(e, since, 400);
	E2E_WAIT(e, "suspend this driver?", 1000);
	term_send_keys(e->t, "n");
	ck_assert(term_wait_gone(e->t, "suspend this driver?", 3000));
	E2E_WAIT(e, "Edit driver", 1000);
	e2e_assert_no_post(e, since, 300);

	e2e_form_save(e);
	E2E_WAIT(e, "suspend this driver?", 3000);
	term_send_keys(e->t, "y");
	e2e_expect_one_post(e, since, r.path, "{\"status\":\"suspended\"}");
	ck_assert(term_wait_gone(e->t, "Edit driver", 5000));
	cJSON *srv = e2e_server_driver(e, r.id);
	ck_assert_str_eq(jstr(srv, "status"), "suspended");
	cJSON_Delete(srv);
	e2e_form_run_end(&r);
}
END_TEST

START_TEST(notifications_toggle_sends_only_that_preference)
{
	char want[128];
	struct e2e_form_run r;
	e2e_form_run_start(&r, "form_status_notifications", notif_driver);
	struct e2e *e = r.e;
	bool was = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(drv_prefs(r.drv), "notifications"));
	snprintf(want, sizeof want, "{\"preferences\":{\"notifications\":%s}}", was ? "false" : "true");
	long since = mockctl_last_seq(e->mc);
	e2e_form_open(e);
	for (int i = 0; i < 9; i++) /* ... Max price / kWh -> Notifications */
		term_send_key(e->t, TK_TAB);
	term_send_keys(e->t, " ");
	ck_assert(term_wait_idle(e->t, 200, 3000));
	char *row = e2e_row_with(e, "Notifications");
	ck_assert_msg(row && has_token(row, was ? "off" : "on"), "notifications row: %s", row);
	free(row);
	e2e_form_save(e);
	e2e_expect_one_post(e, since, r.path, want);
	cJSON *srv = e2e_server_driver(e, r.id);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(drv_prefs(srv), "notifications")) ==
		  !was);
	cJSON_Delete(srv);
	e2e_form_run_end(&r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("form_status");
	TCase *tc = tcase_create("status");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, suspending_asks_and_waits_for_a_deliberate_yes);
	tcase_add_test(tc, notifications_toggle_sends_only_that_preference);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
