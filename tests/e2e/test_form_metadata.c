/*
 * test_form_metadata.c — metadata in the driver edit form, on the wire.
 * Changing the value of one of two existing keys sends only that key
 * ({"metadata":{"KEY":"VALUE"}}; the server merges, the other key stays).
 * A key over 40 characters is refused at the field and nothing is sent;
 * saving with it pending keeps the form open like any other field error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e_form.h"

/* ---- helpers of this test (the shared ones: tests/lib/e2e_form.h) */

static bool two_meta_keys(const cJSON *d)
{
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "metadata")) == 2;
}

/* Tabs from Name to the form row holding text (rows below Operators are
 * one field each, as long as no error line is shown). */
static int tabs_to(struct e2e *e, const char *text)
{
	int ro = -1, rt = -1;
	ck_assert_int_eq(term_find(e->t, "Operators", &ro, NULL), 0);
	ck_assert_int_eq(term_find_from(e->t, ro, text, &rt, NULL), 0);
	return 11 + (rt - ro);
}

START_TEST(changed_value_of_one_key_sends_only_that_key)
{
	char want[256];
	struct e2e_form_run r;
	e2e_form_run_start(&r, "form_metadata_value", two_meta_keys);
	struct e2e *e = r.e;
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(r.drv, "metadata");
	const cJSON *k0 = cJSON_GetArrayItem(meta, 0), *k1 = cJSON_GetArrayItem(meta, 1);
	ck_assert(cJSON_IsString(k0) && cJSON_IsString(k1));
	snprintf(want, sizeof want, "{\"metadata\":{\"%s\":\"changed-e2e\"}}", k0->string);
	long since = mockctl_last_seq(e->mc);
	e2e_form_open(e);
	e2e_form_set_field(e, tabs_to(e, k0->string), "changed-e2e");
	e2e_form_save(e);
	e2e_expect_one_post(e, since, r.path, want);
	cJSON *srv = e2e_server_driver(e, r.id);
	const cJSON *sm = cJSON_GetObjectItemCaseSensitive(srv, "metadata");
	ck_assert_str_eq(jstr(sm, k0->string), "changed-e2e");
	ck_assert_str_eq(jstr(sm, k1->string), k1->valuestring); /* merged, kept */
	ck_assert_int_eq(cJSON_GetArraySize(sm), 2);
	cJSON_Delete(srv);
	e2e_form_run_end(&r);
}
END_TEST

/* Type a 42-character key on the "+ metadata key" row and press Enter. */
static void type_long_key(struct e2e *e)
{
	e2e_form_open(e);
	for (int i = 0, n = tabs_to(e, "+ metadata key"); i < n; i++)
		term_send_key(e->t, TK_TAB);
	term_send_key(e->t, TK_ENTER);
	term_send_keys(e->t, "k23456789012345678901234567890123456789012"); /* 42 */
	term_send_key(e->t, TK_ENTER);
	int row = -1, er = -1;
	bool shown = false;
	for (double end = term_now_ms() + 3000; !shown && term_now_ms() < end;) {
		shown = term_find(e->t, "k2345678901234567890", &row, NULL) == 0 &&
			term_find_from(e->t, row + 1, "over 40 characters", &er, NULL) == 0 &&
			er == row + 1;
		if (!shown)
			term_wait_output(e->t, term_mark(e->t), 100);
	}
	if (!shown)
		e2e_dump(e, "overlong metadata key");
	ck_assert_msg(shown, "no error under a 42-character metadata key");
}

START_TEST(overlong_key_is_refused_at_the_field_and_nothing_sent)
{
	struct e2e_form_run r;
	e2e_form_run_start(&r, "form_metadata_long_key", two_meta_keys);
	struct e2e *e = r.e;
	long since = mockctl_last_seq(e->mc);
	type_long_key(e);
	e2e_form_save(e);
	e2e_assert_no_post(e, since, 500);
	cJSON *srv = e2e_server_driver(e, r.id);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(srv, "metadata")), 2);
	cJSON_Delete(srv);
	e2e_form_run_end(&r);
}
END_TEST

/* With the refused key still in the field, ^O behaves as for any other
 * field in error (test_form_retry: phone "12 34"): the form stays open
 * with the input and its error.  It must not report "nothing changed" and
 * close, dropping what the user typed. */
START_TEST(save_with_a_refused_key_pending_keeps_the_form)
{
	struct e2e_form_run r;
	e2e_form_run_start(&r, "form_metadata_long_key_save", two_meta_keys);
	struct e2e *e = r.e;
	long since = mockctl_last_seq(e->mc);
	type_long_key(e);
	e2e_form_save(e);
	term_wait_idle(e->t, 400, 3000);
	bool open = term_find(e->t, "Edit driver", NULL, NULL) == 0 &&
		    term_find(e->t, "k2345678901234567890", NULL, NULL) == 0;
	if (!open)
		e2e_dump(e, "^O with a refused metadata key pending");
	e2e_assert_no_post(e, since, 300);
	ck_assert_msg(open, "^O closed the form and dropped the refused key the user typed");
	e2e_form_run_end(&r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("form_metadata");
	TCase *tc = tcase_create("metadata");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, changed_value_of_one_key_sends_only_that_key);
	tcase_add_test(tc, overlong_key_is_refused_at_the_field_and_nothing_sent);
	tcase_add_test(tc, save_with_a_refused_key_pending_keeps_the_form);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
