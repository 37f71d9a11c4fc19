/*
 * test_form_create.c — a user creates a driver with `n` from a fleet's
 * drivers pane: fills name and email, saves (^O).  On the wire: one
 * POST /v1/drivers whose body is exactly the name and email, then — as the
 * form says ("Add to fleet in view  on") — one POST .../attach to the fleet
 * in view; each with its own Idempotency-Key.  The new driver appears in
 * the list.  With the toggle off, no attach.  A missing email or a bad email
 * shape puts an error at the field and sends nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e_form.h"

#define NEW_NAME "Zed Createdriver"
#define NEW_EMAIL "zed.createdriver@example.com"

/* ---- helpers of this test (the shared ones: tests/lib/e2e_form.h) */

static bool any_driver(const cJSON *d)
{
	(void)d;
	return true;
}

/* Focus a plain-named fleet's drivers pane; its id in fid. */
static struct e2e *start_in_fleet(const char *name, char *fid, size_t n)
{
	struct e2e *e = e2e_form_start(name, NULL, NULL);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	int ia = -1;
	cJSON *drv = oracle_pick_driver(e->mc, fleets, text_plain, any_driver, &ia);
	ck_assert_ptr_nonnull(drv);
	snprintf(fid, n, "%s", jstr(cJSON_GetArrayItem(fleets, ia), "id"));
	e2e_goto_driver(e, fleets, ia, jstr(drv, "id"));
	cJSON_Delete(drv);
	cJSON_Delete(fleets);
	return e;
}

/* n: the create form, open and quiet; returns the request log's position
 * before the key. */
static long open_create(struct e2e *e)
{
	long since = mockctl_last_seq(e->mc);
	term_send_keys(e->t, "n");
	E2E_WAIT(e, "New driver in ", 3000);
	E2E_WAIT(e, "Add to fleet in view", 3000);
	ck_assert(term_wait_idle(e->t, 200, 3000));
	return since;
}

/* In the open create form: Name, then Email (the next field). */
static void fill_name_and_email(struct e2e *e)
{
	e2e_form_set_field(e, 0, NEW_NAME);
	e2e_form_set_field(e, 1, NEW_EMAIL);
}

START_TEST(create_sends_name_and_email_then_attaches_to_the_fleet_in_view)
{
	char fid[96];
	struct e2e *e = start_in_fleet("form_create", fid, sizeof fid);
	int row = -1;
	ck_assert_int_eq(term_find(e->t, "Add to fleet in view", &row, NULL), -1);
	long since = open_create(e);
	/* What the form says it will do. */
	char *toggle = e2e_row_with(e, "Add to fleet in view");
	ck_assert_msg(toggle && has_token(toggle, "on"), "attach toggle row: %s", toggle);
	free(toggle);
	fill_name_and_email(e);
	e2e_form_save(e);

	struct mock_reqs log;
	e2e_wait_posts(e, since, 2, 5000, &log);
	size_t posts = mock_reqs_count(&log, "POST", NULL);
	if (posts != 2)
		e2e_dump(e, "after create");
	ck_assert_msg(posts == 2, "%zu POSTs, want create + attach", posts);
	ck_assert_uint_eq(mock_reqs_mutating(&log), 2);
	const struct mock_req *c = NULL, *a = NULL;
	for (size_t i = 0; i < log.n; i++)
		if (strcmp(log.v[i].method, "POST") == 0)
			*(c ? &a : &c) = &log.v[i];
	ck_assert_str_eq(c->path, "/v1/drivers");
	ck_assert_msg(c->body && !strcmp(c->body, "{\"name\":\"" NEW_NAME "\",\"email\":\"" NEW_EMAIL "\"}"),
		      "create body %s", c->body ? c->body : "(none)");
	ck_assert_msg(c->idem_key && *c->idem_key, "create without Idempotency-Key");
	ck_assert_int_eq(c->status, 200);

	/* The server's new driver, and the attach of exactly that driver. */
	cJSON *all = mockctl_get_all(e->mc, "/drivers?limit=100");
	const cJSON *d, *nd = NULL;
	cJSON_ArrayForEach(d, all)
		if (jstr(d, "email") && !strcmp(jstr(d, "email"), NEW_EMAIL))
			nd = d;
	ck_assert_msg(nd != NULL, "the mock has no driver " NEW_EMAIL);
	char want_path[192], want_body[160];
	snprintf(want_path, sizeof want_path, "/v1/drivers/%s/attach", jstr(nd, "id"));
	snprintf(want_body, sizeof want_body, "{\"fleet\":\"%s\"}", fid);
	ck_assert_str_eq(a->path, want_path);
	ck_assert_msg(a->body && !strcmp(a->body, want_body), "attach body %s", a->body);
	ck_assert_msg(a->idem_key && *a->idem_key && strcmp(a->idem_key, c->idem_key) != 0,
		      "attach needs its own Idempotency-Key");
	const cJSON *nf = cJSON_GetObjectItemCaseSensitive(nd, "fleets");
	ck_assert_int_eq(cJSON_GetArraySize(nf), 1);
	ck_assert_str_eq(cJSON_GetArrayItem(nf, 0)->valuestring, fid);
	ck_assert_str_eq(jstr(nd, "name"), NEW_NAME);
	cJSON_Delete(all);
	mock_reqs_clear(&log);

	/* On screen: the form is gone, a confirmation, the driver in the list. */
	ck_assert(term_wait_gone(e->t, "New driver in ", 5000));
	E2E_WAIT(e, "created driver", 5000);
	int col = -1;
	bool listed = false;
	for (double end = term_now_ms() + 5000; !listed && term_now_ms() < end;) {
		listed = term_find_from(e->t, 2, NEW_NAME, &row, &col) == 0 && col > 47 &&
			 row < term_rows(e->t) / 2 + 2;
		if (!listed)
			term_wait_output(e->t, term_mark(e->t), 100);
	}
	if (!listed)
		e2e_dump(e, "new driver in the list");
	ck_assert_msg(listed, "the new driver is not in the drivers list");
	e2e_finish(e);
}
END_TEST

START_TEST(create_with_attach_toggled_off_sends_no_attach)
{
	char fid[96];
	struct e2e *e = start_in_fleet("form_create_no_attach", fid, sizeof fid);
	long since = open_create(e);
	fill_name_and_email(e);
	for (int i = 0; i < 11; i++) /* Email ... + metadata key -> Add to fleet in view */
		term_send_key(e->t, TK_TAB);
	term_send_keys(e->t, " ");
	ck_assert(term_wait_idle(e->t, 200, 3000));
	char *toggle = e2e_row_with(e, "Add to fleet in view");
	bool off = toggle && has_token(toggle, "off");
	if (!off)
		e2e_dump(e, "attach toggle");
	ck_assert_msg(off, "Space did not turn the attach toggle off: %s", toggle);
	free(toggle);
	e2e_form_save(e);
	struct mock_reqs log;
	e2e_wait_posts(e, since, 1, 5000, &log);
	mock_reqs_clear(&log);
	E2E_WAIT(e, "created driver", 5000);
	term_wait_idle(e->t, 500, 3000);
	ck_assert_int_eq(mockctl_requests(e->mc, since, &log), 0);
	ck_assert_uint_eq(mock_reqs_mutating(&log), 1);
	ck_assert_uint_eq(mock_reqs_count(&log, "POST", "/v1/drivers"), 1);
	for (size_t i = 0; i < log.n; i++)
		if (!strcmp(log.v[i].method, "POST"))
			ck_assert_str_eq(log.v[i].path, "/v1/drivers");
	mock_reqs_clear(&log);
	e2e_finish(e);
}
END_TEST

START_TEST(missing_or_bad_email_is_shown_at_the_field_and_nothing_is_sent)
{
	char fid[96];
	struct e2e *e = start_in_fleet("form_create_bad_email", fid, sizeof fid);
	long since = open_create(e);

	/* Name only. */
	e2e_form_set_field(e, 0, NEW_NAME);
	e2e_form_save(e);
	e2e_form_field_error(e, "Email *", "required");
	e2e_assert_no_post(e, since, 400);
	E2E_WAIT(e, "New driver in ", 1000);

	/* No @ (a failed save puts the focus on the first field in error). */
	e2e_form_set_field(e, 0, "zed.example.com");
	e2e_form_save(e);
	e2e_form_field_error(e, "Email *", "not an email address");
	e2e_assert_no_post(e, since, 400);

	/* A space. */
	e2e_form_set_field(e, 0, "zed created@example.com");
	e2e_form_save(e);
	e2e_form_field_error(e, "Email *", "not an email address");
	e2e_assert_no_post(e, since, 400);

	/* The form is still open with the user's input intact. */
	E2E_WAIT(e, "New driver in ", 1000);
	E2E_WAIT(e, NEW_NAME, 1000);
	E2E_WAIT(e, "zed created@example.com", 1000);
	cJSON *all = mockctl_get_all(e->mc, "/drivers?limit=100");
	ck_assert_ptr_nonnull(all);
	const cJSON *d;
	cJSON_ArrayForEach(d, all)
		ck_assert_msg(!jstr(d, "name") || strcmp(jstr(d, "name"), NEW_NAME) != 0,
			      "a driver was created");
	cJSON_Delete(all);
	e2e_finish(e);
}
END_TEST

/* Optional fields filled on create go out with name and email, nothing
 * else: exactly name, email, phone and preferences.charging_speed. */
START_TEST(create_with_optional_fields_sends_exactly_those)
{
	char fid[96];
	struct e2e *e = start_in_fleet("form_create_optional", fid, sizeof fid);
	long since = open_create(e);
	fill_name_and_email(e);
	e2e_form_set_field(e, 1, "+33189000031"); /* Email -> Phone */
	e2e_form_pick_option(e, 2, "ultra"); /* Phone License -> Charging speed (no Status) */
	ck_assert(term_wait_gone(e->t, "type to filter", 3000));
	e2e_form_save(e);
	struct mock_reqs log;
	e2e_wait_posts(e, since, 2, 5000, &log);
	const struct mock_req *c = NULL;
	for (size_t i = 0; i < log.n; i++)
		if (!c && !strcmp(log.v[i].method, "POST"))
			c = &log.v[i];
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->path, "/v1/drivers");
	cJSON *b = cJSON_Parse(c->body ? c->body : "");
	ck_assert_msg(b != NULL, "create body is not JSON: %s", c->body);
	const cJSON *pr = cJSON_GetObjectItemCaseSensitive(b, "preferences");
	bool ok = cJSON_GetArraySize(b) == 4 && jstr(b, "name") && !strcmp(jstr(b, "name"), NEW_NAME) &&
		  jstr(b, "email") && !strcmp(jstr(b, "email"), NEW_EMAIL) && jstr(b, "phone") &&
		  !strcmp(jstr(b, "phone"), "+33189000031") && cJSON_GetArraySize(pr) == 1 &&
		  jstr(pr, "charging_speed") && !strcmp(jstr(pr, "charging_speed"), "ultra_fast");
	ck_assert_msg(ok, "create body %s", c->body);
	cJSON_Delete(b);
	mock_reqs_clear(&log);
	E2E_WAIT(e, "created driver", 5000);
	e2e_finish(e);
}
END_TEST

/* The create goes through but the attach to the fleet in view fails (503
 * on every attempt).  The driver exists now: whatever the console shows,
 * saving the form again must not create a second driver. */
START_TEST(attach_failing_after_create_never_creates_twice)
{
	char fid[96];
	struct e2e *e = start_in_fleet("form_create_attach_fails", fid, sizeof fid);
	/* "/v1/drivers/" matches the attach, not the create (/v1/drivers). */
	ck_assert_int_eq(mockctl_faults(e->mc, "status=503x3,path=/v1/drivers/,method=POST"), 0);
	long since = open_create(e);
	fill_name_and_email(e);
	e2e_form_save(e);
	struct mock_reqs log;
	e2e_wait_posts(e, since, 4, 15000, &log); /* create + 3 attach attempts */
	ck_assert_uint_eq(mock_reqs_count(&log, "POST", NULL), 4);
	mock_reqs_clear(&log);
	ck_assert(term_wait_idle(e->t, 500, 5000));
	/* The user is told the driver exists and why it is not in the fleet. */
	E2E_WAIT(e, "created, but not attached", 3000);
	E2E_WAIT(e, "HTTP 503", 1000);
	/* A user who sees the form still open saves again. */
	if (term_find(e->t, "New driver in ", NULL, NULL) == 0) {
		e2e_form_save(e);
		term_wait_idle(e->t, 1000, 8000);
	}
	ck_assert_int_eq(mockctl_requests(e->mc, since, &log), 0);
	size_t creates = 0;
	for (size_t i = 0; i < log.n; i++)
		creates += !strcmp(log.v[i].method, "POST") && !strcmp(log.v[i].path, "/v1/drivers") &&
			   log.v[i].status == 200;
	mock_reqs_clear(&log);
	cJSON *all = mockctl_get_all(e->mc, "/drivers?limit=100");
	ck_assert_ptr_nonnull(all);
	int made = 0;
	const cJSON *d;
	cJSON_ArrayForEach(d, all)
		made += jstr(d, "email") && !strcmp(jstr(d, "email"), NEW_EMAIL);
	cJSON_Delete(all);
	if (made != 1 || creates != 1)
		e2e_dump(e, "after a create whose attach failed, saved again");
	ck_assert_msg(made == 1 && creates == 1,
		      "%d drivers named " NEW_EMAIL " on the server, %zu creates applied (want 1)",
		      made, creates);
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("form_create");
	TCase *tc = tcase_create("create");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, create_sends_name_and_email_then_attaches_to_the_fleet_in_view);
	tcase_add_test(tc, create_with_attach_toggled_off_sends_no_attach);
	tcase_add_test(tc, missing_or_bad_email_is_shown_at_the_field_and_nothing_is_sent);
	tcase_add_test(tc, create_with_optional_fields_sends_exactly_those);
	tcase_add_test(tc, attach_failing_after_create_never_creates_twice);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
