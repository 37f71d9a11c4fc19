/*
 * test_form_update_fields.c — more of the driver edit form on the wire
 * (test_form_update.c has the main cases): Esc on a changed form asks
 * before discarding and sends nothing; an emptied phone goes out as null;
 * Del on a metadata row removes only that key; a yen price has no minor
 * unit.  Each save is exactly one POST /v1/drivers/ID with exactly the
 * changed value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e_form.h"

#define NEW_PHONE "+33189000029"

/* ---- predicates */

static bool one_fleet(const cJSON *d)
{
	const char *ph = jstr(d, "phone");
	return drv_one_fleet(d) && !(ph && strcmp(ph, NEW_PHONE) == 0);
}

static bool has_phone(const cJSON *d)
{
	return one_fleet(d) && jstr(d, "phone") != NULL;
}

static bool one_meta_key(const cJSON *d)
{
	return one_fleet(d) && cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "metadata")) == 1;
}

static bool jpy_driver(const cJSON *d)
{
	const cJSON *mp = cJSON_GetObjectItemCaseSensitive(drv_prefs(d), "max_price_per_kwh");
	const char *cur = jstr(drv_prefs(d), "currency");
	return one_fleet(d) && cur && strcmp(cur, "jpy") == 0 &&
	       !(cJSON_IsNumber(mp) && mp->valuedouble == 25);
}

/* ---- the runs */

/* Esc on a changed form asks first: n keeps editing (input intact), y
 * discards; nothing is sent either way.  Arrows move like Tab. */
START_TEST(esc_on_a_changed_form_asks_and_discard_sends_nothing)
{
	struct e2e_form_run r;
	e2e_form_run_start(&r, "form_update_discard", has_phone);
	struct e2e *e = r.e;
	long since = mockctl_last_seq(e->mc);
	e2e_form_open(e);
	term_send_key(e->t, TK_DOWN); /* Name -> Email */
	term_send_key(e->t, TK_DOWN); /* Email -> Phone */
	term_send_key(e->t, TK_DOWN); /* Phone -> License number */
	term_send_key(e->t, TK_BACKTAB); /* back to Phone */
	e2e_form_set_field(e, 0, NEW_PHONE);
	char *row = e2e_row_with(e, "Phone");
	ck_assert_msg(row && strstr(row, NEW_PHONE), "arrows/Shift-Tab did not reach Phone: %s", row);
	free(row);
	term_send_key(e->t, TK_ESC);
	E2E_WAIT(e, "discard your changes?", 3000);
	term_send_keys(e->t, "n");
	ck_assert(term_wait_gone(e->t, "discard your changes?", 3000));
	E2E_WAIT(e, "Edit driver", 1000);
	E2E_WAIT(e, NEW_PHONE, 1000);
	term_send_key(e->t, TK_ESC);
	E2E_WAIT(e, "discard your changes?", 3000);
	term_send_keys(e->t, "y");
	if (!term_wait_gone(e->t, "Edit driver", 3000)) {
		e2e_dump(e, "after y to discard");
		ck_abort_msg("y did not discard the form");
	}
	e2e_assert_no_post(e, since, 500);
	/* Opened again: the server's phone, not the discarded one. */
	e2e_form_open(e);
	row = e2e_row_with(e, "Phone");
	ck_assert_msg(row && strstr(row, jstr(r.drv, "phone")) && !strstr(row, NEW_PHONE),
		      "reopened form shows %s", row);
	free(row);
	term_send_key(e->t, TK_ESC);
	ck_assert(term_wait_gone(e->t, "Edit driver", 3000));
	e2e_assert_no_post(e, since, 300);
	e2e_form_run_end(&r);
}
END_TEST

/* Emptying the phone clears it: {"phone":null}, nothing else. */
START_TEST(emptied_phone_is_sent_as_null)
{
	struct e2e_form_run r;
	e2e_form_run_start(&r, "form_update_clear_phone", has_phone);
	struct e2e *e = r.e;
	long since = mockctl_last_seq(e->mc);
	e2e_form_edit_and_save(e, 2, "");
	e2e_expect_one_post(e, since, r.path, "{\"phone\":null}");
	cJSON *after = e2e_server_driver(e, r.id);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(after, "phone")));
	ck_assert_str_eq(jstr(after, "name"), jstr(r.drv, "name"));
	cJSON_Delete(after);
	e2e_form_run_end(&r);
}
END_TEST

/* Del on a metadata row removes that key: {"metadata":{"KEY":""}} (or
 * null, which the contract reads the same), nothing else. */
START_TEST(deleted_metadata_key_sends_only_that_key)
{
	struct e2e_form_run r;
	e2e_form_run_start(&r, "form_update_meta_delete", one_meta_key);
	struct e2e *e = r.e;
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(r.drv, "metadata");
	const char *key = cJSON_GetArrayItem(meta, 0)->string;
	char want_empty[160], want_null[160];
	snprintf(want_empty, sizeof want_empty, "{\"metadata\":{\"%s\":\"\"}}", key);
	snprintf(want_null, sizeof want_null, "{\"metadata\":{\"%s\":null}}", key);
	long since = mockctl_last_seq(e->mc);
	e2e_form_open(e);
	e2e_wait_str(e, key, 2000);
	for (int i = 0; i < 12; i++) /* past the 12 fields: the metadata row */
		term_send_key(e->t, TK_TAB);
	term_send_key(e->t, TK_DEL);
	ck_assert(term_wait_idle(e->t, 200, 3000));
	e2e_form_save(e);
	struct mock_reqs log;
	e2e_wait_posts(e, since, 1, 5000, &log);
	ck_assert_uint_eq(mock_reqs_count(&log, "POST", NULL), 1);
	for (size_t i = 0; i < log.n; i++)
		if (!strcmp(log.v[i].method, "POST") && log.v[i].body &&
		    !strcmp(log.v[i].body, want_null))
			snprintf(want_empty, sizeof want_empty, "%s", want_null);
	e2e_assert_one_post(e, &log, r.path, want_empty);
	mock_reqs_clear(&log);
	cJSON *after = e2e_server_driver(e, r.id);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(after, "metadata")), 0);
	cJSON_Delete(after);
	e2e_form_run_end(&r);
}
END_TEST

/* Yen has no minor unit: "0.25" is refused at the field (nothing sent),
 * "25" goes out as 25. */
START_TEST(max_price_in_yen_has_no_minor_unit)
{
	struct e2e_form_run r;
	e2e_form_run_start(&r, "form_update_max_price_jpy", jpy_driver);
	struct e2e *e = r.e;
	long since = mockctl_last_seq(e->mc);
	e2e_form_edit_and_save(e, 8, "0.25");
	e2e_form_field_error(e, "Max price", "not an amount in this currency");
	e2e_assert_no_post(e, since, 400);
	e2e_form_set_field(e, 0, "25"); /* the failed save put the focus on the field */
	e2e_form_save(e);
	e2e_expect_one_post(e, since, r.path, "{\"preferences\":{\"max_price_per_kwh\":25}}");
	cJSON *after = e2e_server_driver(e, r.id);
	ck_assert_int_eq(jint(drv_prefs(after), "max_price_per_kwh", -1), 25);
	cJSON_Delete(after);
	e2e_form_run_end(&r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("form_update_fields");
	TCase *tc = tcase_create("fields");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, esc_on_a_changed_form_asks_and_discard_sends_nothing);
	tcase_add_test(tc, emptied_phone_is_sent_as_null);
	tcase_add_test(tc, deleted_metadata_key_sends_only_that_key);
	tcase_add_test(tc, max_price_in_yen_has_no_minor_unit);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
