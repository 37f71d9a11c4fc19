/*
 * test_edit_driver_phone.c — a user opens a driver's edit form (e), changes
 * only the phone, and saves (^O).  The server receives exactly one POST to
 * that driver whose body holds only the phone, with an Idempotency-Key
 * (contract: "the console sends only what the user changed"; RTY-1), and
 * the new phone is on screen.  With hostile names (SAN-11) the neutralised
 * name is never written back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e_form.h"

#define NEW_PHONE "+33612345678"

/* e, Tab to Phone, Enter, clear, type, Enter, ^O. */
static void edit_phone(struct e2e *e)
{
	term_send_keys(e->t, "e");
	E2E_WAIT(e, "Phone", 3000);
	ck_assert(term_wait_idle(e->t, 200, 3000));
	e2e_form_set_field(e, 2, NEW_PHONE); /* Name -> Email -> Phone */
	e2e_form_save(e);
}

/* Exactly one POST, to /v1/drivers/ID, body {"phone": NEW_PHONE} only. */
static void check_log(struct e2e *e, long since, const char *id)
{
	char path[128];
	snprintf(path, sizeof path, "/v1/drivers/%s", id);
	struct mock_reqs log;
	e2e_wait_posts(e, since, 1, 5000, &log);
	e2e_assert_one_post(e, &log, path, NULL); /* the body as JSON, below */
	for (size_t i = 0; i < log.n; i++) {
		if (strcmp(log.v[i].method, "POST") != 0)
			continue;
		cJSON *body = cJSON_Parse(log.v[i].body ? log.v[i].body : "");
		ck_assert_msg(body != NULL, "POST body is not JSON: %s", log.v[i].body);
		ck_assert_msg(cJSON_GetArraySize(body) == 1 && jstr(body, "phone") &&
				      strcmp(jstr(body, "phone"), NEW_PHONE) == 0,
			      "body sends more than the phone: %s", log.v[i].body);
		cJSON_Delete(body);
	}
	mock_reqs_clear(&log);
}

/* On the selected driver (id): edit_phone, check_log, the new phone on
 * screen (5 s); returns the server's driver afterwards (the caller deletes). */
static cJSON *edit_phone_checked(struct e2e *e, const char *id)
{
	long since = mockctl_last_seq(e->mc);
	edit_phone(e);
	check_log(e, since, id);
	E2E_WAIT(e, NEW_PHONE, 5000);
	char path[100];
	snprintf(path, sizeof path, "/drivers/%s", id);
	cJSON *after = mockctl_get(e->mc, path, NULL);
	ck_assert_ptr_nonnull(after);
	return after;
}

static int fleet_index(const cJSON *fleets, const char *id)
{
	for (int i = 0; id && i < cJSON_GetArraySize(fleets); i++)
		if (strcmp(jstr(cJSON_GetArrayItem(fleets, i), "id"), id) == 0)
			return i;
	return -1;
}

/* Move down the drivers pane until the highlighted row shows `shown`. */
static void select_driver_shown(struct e2e *e, const char *shown)
{
	int col = -1;
	for (int i = 0; i < 60; i++) {
		ck_assert(term_wait_idle(e->t, 100, 3000));
		int row;
		if (col < 0 && term_find(e->t, shown, &row, &col) != 0)
			col = -1;
		if (col >= 0) {
			int sel = e2e_highlight_row(e, col, 1, term_rows(e->t) - 1);
			char *text = sel >= 0 ? term_row(e->t, sel) : NULL;
			bool hit = text && strstr(text, shown);
			free(text);
			if (hit)
				return;
		}
		term_send_keys(e->t, "j");
	}
	e2e_dump(e, shown);
	ck_abort_msg("could not select the driver shown as %s", shown);
}

/* SAN-11: the driver named "Good\rEVIL" (hostile payload 2), shown as
 * "Good^MEVIL"; edit its phone: the caret form is never sent back. */
static void run_hostile(void)
{
	struct mock_options mo = { .fleets = -1, .drivers = -1, .quiet = true,
				   .faults = "hostile=1" };
	struct e2e_opts o = { .mock = &mo };
	struct e2e *e = e2e_start("edit_driver_phone_hostile", &o);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	cJSON *page = mockctl_get(e->mc, "/drivers?limit=10", NULL);
	ck_assert(fleets && page);
	const cJSON *d, *target = NULL;
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(page, "data"))
		if (jstr(d, "name") && strcmp(jstr(d, "name"), "Good\rEVIL") == 0)
			target = d;
	ck_assert_msg(target != NULL, "hostile driver Good\\rEVIL not in the mock");
	const cJSON *fl = cJSON_GetObjectItemCaseSensitive(target, "fleets");
	int ia = fleet_index(fleets, cJSON_GetArraySize(fl) > 0 ? cJSON_GetArrayItem(fl, 0)->valuestring
								: NULL);
	ck_assert_int_ge(ia, 0);
	e2e_wait_str(e, "Fleets (", 10000);
	ck_assert(term_wait_idle(e->t, 300, 5000));
	for (int i = 0; i < ia; i++)
		term_send_keys(e->t, "j");
	e2e_wait_str(e, "Good^MEVIL", 5000);
	term_send_key(e->t, TK_TAB);
	select_driver_shown(e, "Good^MEVIL");

	cJSON *after = edit_phone_checked(e, jstr(target, "id"));
	ck_assert_str_eq(jstr(after, "name"), "Good\rEVIL"); /* raw, not "Good^MEVIL" */
	ck_assert_str_eq(jstr(after, "phone"), NEW_PHONE);
	cJSON_Delete(after);
	cJSON_Delete(page);
	cJSON_Delete(fleets);
	e2e_finish(e);
}

static void run(const char *name)
{
	struct mock_options mo = { .fleets = -1, .drivers = -1, .quiet = true };
	struct e2e_opts o = { .mock = &mo };
	struct e2e *e = e2e_start(name, &o);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	int ia = oracle_fleet_with_drivers(fleets, 0, 3);
	ck_assert_int_ge(ia, 0);
	cJSON *drivers = oracle_fleet_drivers(e->mc, cJSON_GetArrayItem(fleets, ia));
	ck_assert_ptr_nonnull(drivers);
	char pre[64];
	expect_prefix(jstr(cJSON_GetArrayItem(fleets, ia), "name"), 10, pre, sizeof pre);
	e2e_wait_str(e, pre, 10000);

	const cJSON *d = e2e_select_first_driver(e, ia, drivers);
	cJSON *after = edit_phone_checked(e, jstr(d, "id"));
	ck_assert_str_eq(jstr(after, "phone"), NEW_PHONE);
	ck_assert_str_eq(jstr(after, "name"), jstr(d, "name")); /* untouched, raw */
	cJSON_Delete(after);
	cJSON_Delete(drivers);
	cJSON_Delete(fleets);
	e2e_finish(e);
}

START_TEST(edit_phone_sends_only_the_phone)
{
	run("edit_driver_phone");
}
END_TEST

START_TEST(edit_phone_of_a_driver_with_a_hostile_name)
{
	run_hostile();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("edit_driver_phone");
	TCase *tc = tcase_create("edit");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, edit_phone_sends_only_the_phone);
	tcase_add_test(tc, edit_phone_of_a_driver_with_a_hostile_name);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
