/*
 * test_form_conflict.c — someone else changes a driver while a user has its
 * edit form open.  The user changes the phone and saves: the console reads
 * the driver again first, sees it moved, and shows theirs against yours —
 * sending nothing until the user chooses.  Esc goes back to the form (still
 * nothing sent); "save yours anyway" sends exactly one POST, with only the
 * user's change, so the other person's name change survives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "e2e_form.h"

#define NEW_PHONE "+33189000029"
#define THEIR_NAME "Theirs Changedname"

/* ---- helpers of this test (the shared ones: tests/lib/e2e_form.h) */

static size_t sink(char *p, size_t sz, size_t n, void *u)
{
	(void)p;
	(void)u;
	return sz * n;
}

/* Another client's update: POST base/drivers/ID with a JSON body, the
 * oracle's key and header (so the console's log leaves it out).  Status. */
static long their_update(struct e2e *e, const char *id, const char *body)
{
	char url[512];
	snprintf(url, sizeof url, "%s/drivers/%s", mockctl_base(e->mc), id);
	CURL *c = curl_easy_init();
	ck_assert_ptr_nonnull(c);
	struct curl_slist *h = NULL;
	h = curl_slist_append(h, "Authorization: Bearer " MOCKCTL_KEY);
	h = curl_slist_append(h, "X-Ct-Oracle: 1");
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Idempotency-Key: 9d1c5f2e-0b7a-4c1e-9a55-e2e-conflict-1");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	long code = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return code;
}

/* The "theirs:" line under the Name field shows their new name. */
static void assert_theirs_shown(struct e2e *e)
{
	E2E_WAIT(e, "theirs:", 5000);
	int nr = -1, tr = -1;
	ck_assert_int_eq(term_find(e->t, "Name *", &nr, NULL), 0);
	ck_assert_int_eq(term_find_from(e->t, nr, "theirs:", &tr, NULL), 0);
	char *row = term_row(e->t, tr);
	bool ok = tr == nr + 1 && row && strstr(row, THEIR_NAME);
	if (!ok)
		e2e_dump(e, "theirs vs yours");
	ck_assert_msg(ok, "no \"theirs: " THEIR_NAME "\" under Name (row %d): %s", tr, row);
	free(row);
}

/* The edit form open at a one-fleet driver (*since: the log's position
 * then), and another client's update with body `theirs` applied (200). */
static struct e2e *open_then_theirs(struct e2e_form_run *r, const char *name,
				    const char *const *args, const char *theirs, long *since)
{
	e2e_form_run_start_at(r, name, args, text_plain, drv_one_fleet);
	struct e2e *e = r->e;
	e2e_form_open(e);
	*since = mockctl_last_seq(e->mc);
	ck_assert_int_eq(their_update(e, r->id, theirs), 200);
	return e;
}

START_TEST(conflict_is_shown_and_nothing_sent_until_the_user_chooses)
{
	struct e2e_form_run r;
	long since;
	/* Someone else renames the driver. */
	struct e2e *e = open_then_theirs(&r, "form_conflict", NULL,
					 "{\"name\":\"" THEIR_NAME "\"}", &since);
	cJSON *srv = e2e_server_driver(e, r.id);
	ck_assert_str_eq(jstr(srv, "name"), THEIR_NAME);
	cJSON_Delete(srv);

	/* The user changes the phone and saves. */
	e2e_form_set_field(e, 2, NEW_PHONE);
	e2e_form_save(e);
	E2E_WAIT(e, "changed on the server", 5000);
	assert_theirs_shown(e);
	e2e_assert_no_post(e, since, 500);

	/* Esc: back to the form, still nothing sent, the input kept. */
	term_send_key(e->t, TK_ESC);
	if (!term_wait_gone(e->t, "save yours anyway", 3000)) {
		e2e_dump(e, "Esc at the conflict question");
		ck_abort_msg("Esc did not leave the conflict question");
	}
	E2E_WAIT(e, "Edit driver", 1000);
	E2E_WAIT(e, NEW_PHONE, 1000);
	e2e_assert_no_post(e, since, 400);

	/* Save again: asked again; Enter = save yours anyway. */
	e2e_form_save(e);
	E2E_WAIT(e, "changed on the server", 5000);
	e2e_assert_no_post(e, since, 300);
	term_send_key(e->t, TK_ENTER);
	e2e_expect_one_post(e, since, r.path, "{\"phone\":\"" NEW_PHONE "\"}");
	ck_assert(term_wait_gone(e->t, "Edit driver", 5000));
	/* Nothing more follows. */
	e2e_assert_no_post(e, mockctl_last_seq(e->mc), 500);

	srv = e2e_server_driver(e, r.id);
	ck_assert_str_eq(jstr(srv, "phone"), NEW_PHONE);
	ck_assert_str_eq(jstr(srv, "name"), THEIR_NAME); /* theirs survives */
	cJSON_Delete(srv);
	e2e_form_run_end(&r);
}
END_TEST

/* The user edits the very field they changed: yours wins only when chosen,
 * and then the POST holds yours. */
START_TEST(conflict_on_the_same_field_overwrites_only_when_chosen)
{
	struct e2e_form_run r;
	long since;
	struct e2e *e = open_then_theirs(&r, "form_conflict_same_field", NULL,
					 "{\"name\":\"" THEIR_NAME "\"}", &since);
	e2e_form_set_field(e, 0, "Yours Changedname");
	e2e_form_save(e);
	E2E_WAIT(e, "changed on the server", 5000);
	assert_theirs_shown(e);
	E2E_WAIT(e, "Yours Changedname", 1000);
	e2e_assert_no_post(e, since, 500);
	term_send_key(e->t, TK_ENTER);
	e2e_expect_one_post(e, since, r.path, "{\"name\":\"Yours Changedname\"}");
	cJSON *srv = e2e_server_driver(e, r.id);
	ck_assert_str_eq(jstr(srv, "name"), "Yours Changedname");
	cJSON_Delete(srv);
	e2e_form_run_end(&r);
}
END_TEST

/* No false alarm: the user's own save is not "someone else's change".
 * Two saves in a row on one driver: the second is not asked about, sends
 * only its own field, and carries a new Idempotency-Key (another intent). */
START_TEST(own_earlier_save_is_not_a_conflict)
{
	char key1[300];
	struct e2e_form_run r;
	e2e_form_run_start_at(&r, "form_conflict_own_save", NULL, text_plain, drv_one_fleet);
	struct e2e *e = r.e;

	long since = mockctl_last_seq(e->mc);
	e2e_form_edit_and_save(e, 2, NEW_PHONE);
	struct mock_reqs log;
	e2e_wait_posts(e, since, 1, 5000, &log);
	e2e_assert_one_post(e, &log, r.path, "{\"phone\":\"" NEW_PHONE "\"}");
	for (size_t i = 0; i < log.n; i++)
		if (!strcmp(log.v[i].method, "POST"))
			snprintf(key1, sizeof key1, "%s", log.v[i].idem_key);
	mock_reqs_clear(&log);
	ck_assert(term_wait_gone(e->t, "Edit driver", 5000));
	E2E_WAIT(e, "saved driver", 3000);

	since = mockctl_last_seq(e->mc);
	e2e_form_open(e);
	E2E_WAIT(e, NEW_PHONE, 2000); /* the form opens on the saved record */
	e2e_form_set_field(e, 3, "LIC-E2E-0001"); /* License number */
	e2e_form_save(e);
	e2e_wait_posts(e, since, 1, 5000, &log);
	bool asked = term_find(e->t, "changed on the server", NULL, NULL) == 0;
	if (asked)
		e2e_dump(e, "second save");
	ck_assert_msg(!asked, "the user's own earlier save is shown as a conflict");
	e2e_assert_one_post(e, &log, r.path, "{\"license_number\":\"LIC-E2E-0001\"}");
	for (size_t i = 0; i < log.n; i++)
		if (!strcmp(log.v[i].method, "POST"))
			ck_assert_msg(strcmp(log.v[i].idem_key, key1) != 0,
				      "a new change reuses the key of the previous one");
	mock_reqs_clear(&log);
	cJSON *srv = e2e_server_driver(e, r.id);
	ck_assert_str_eq(jstr(srv, "phone"), NEW_PHONE);
	ck_assert_str_eq(jstr(srv, "license_number"), "LIC-E2E-0001");
	cJSON_Delete(srv);
	e2e_form_run_end(&r);
}
END_TEST

/* Someone else already made the very change the user is saving: the
 * console reads the driver first, sees its values are there, and sends
 * nothing (no POST, no question). */
START_TEST(same_change_made_elsewhere_sends_nothing)
{
	struct e2e_form_run r;
	long since;
	struct e2e *e = open_then_theirs(&r, "form_conflict_same_change", NULL,
					 "{\"phone\":\"" NEW_PHONE "\"}", &since);
	e2e_form_set_field(e, 2, NEW_PHONE);
	e2e_form_save(e);
	E2E_WAIT(e, "already has", 5000);
	ck_assert(term_wait_gone(e->t, "Edit driver", 3000));
	e2e_assert_no_post(e, since, 500);
	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, since, &log), 0);
	ck_assert_uint_ge(mock_reqs_count(&log, "GET", NULL), 1); /* it did look */
	mock_reqs_clear(&log);
	e2e_form_run_end(&r);
}
END_TEST

/* With background refresh on, the form notices the other change by itself
 * (edit_actions.c: the store moved past what the user has seen) and shows
 * theirs before the user even saves; still nothing is sent. */
START_TEST(background_refresh_shows_theirs_while_the_form_is_open)
{
	const char *args[] = { "--refresh", "1", NULL };
	struct e2e_form_run r;
	long since;
	struct e2e *e = open_then_theirs(&r, "form_conflict_refresh", args,
					 "{\"name\":\"" THEIR_NAME "\"}", &since);
	e2e_form_set_field(e, 2, NEW_PHONE);
	if (!term_wait_for(e->t, "theirs:", 8000)) {
		e2e_dump(e, "form open during background refresh");
		ck_abort_msg("the form did not show theirs after a background refresh");
	}
	assert_theirs_shown(e);
	e2e_assert_no_post(e, since, 300);
	e2e_form_run_end(&r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("form_conflict");
	TCase *tc = tcase_create("conflict");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, conflict_is_shown_and_nothing_sent_until_the_user_chooses);
	tcase_add_test(tc, conflict_on_the_same_field_overwrites_only_when_chosen);
	tcase_add_test(tc, own_earlier_save_is_not_a_conflict);
	tcase_add_test(tc, background_refresh_shows_theirs_while_the_form_is_open);
	tcase_add_test(tc, same_change_made_elsewhere_sends_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
