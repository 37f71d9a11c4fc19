/*
 * test_form_update.c — the driver edit form, asserted on the wire: a user
 * opens a driver (e), changes one thing, saves (^O), and the mock's request
 * log holds exactly one POST /v1/drivers/ID whose body is exactly what was
 * changed (contract: "the console sends only what the user changed"), with
 * an Idempotency-Key (RTY-1).  Preferences and metadata send only the
 * changed key; money typed in money units goes out in minor units; saving
 * an unchanged form sends nothing; Esc on an unchanged form just closes.
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

static bool eur_driver(const cJSON *d)
{
	const cJSON *mp = cJSON_GetObjectItemCaseSensitive(drv_prefs(d), "max_price_per_kwh");
	const char *cur = jstr(drv_prefs(d), "currency");
	return one_fleet(d) && cur && strcmp(cur, "eur") == 0 &&
	       !(cJSON_IsNumber(mp) && mp->valuedouble == 25);
}

/* ---- the runs */

/* RTY-1: the key is a UUIDv4 (8-4-4-4-12 lowercase or uppercase hex,
 * version 4, variant 10xx). */
static bool uuid_v4(const char *k)
{
	static const char shape[] = "xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx";
	if (!k || strlen(k) != sizeof shape - 1)
		return false;
	for (size_t i = 0; shape[i]; i++) {
		char c = k[i];
		bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
		if (shape[i] == '-' ? c != '-' : shape[i] == '4' ? c != '4' :
		    shape[i] == 'V' ? !strchr("89abAB", c) : !hex)
			return false;
	}
	return true;
}

/* Change only the phone: the body is byte for byte {"phone":"..."}. */
static void phone_save(struct e2e_form_run *r)
{
	struct e2e *e = r->e;
	long since = mockctl_last_seq(e->mc);
	e2e_form_edit_and_save(e, 2, NEW_PHONE); /* Name -> Email -> Phone */
	struct mock_reqs log;
	e2e_wait_posts(e, since, 1, 5000, &log);
	e2e_assert_one_post(e, &log, r->path, "{\"phone\":\"" NEW_PHONE "\"}");
	for (size_t i = 0; i < log.n; i++)
		if (!strcmp(log.v[i].method, "POST"))
			ck_assert_msg(uuid_v4(log.v[i].idem_key), "Idempotency-Key %s is not a UUIDv4",
				      log.v[i].idem_key);
	mock_reqs_clear(&log);
	if (!term_wait_gone(e->t, "Edit driver", 5000)) {
		e2e_dump(e, "form still open after a successful save");
		ck_abort_msg("form did not close after saving");
	}
}

START_TEST(phone_only_is_sent_byte_exact)
{
	struct e2e_form_run r;
	e2e_form_run_start(&r, "form_update_phone", one_fleet);
	phone_save(&r);
	/* The detail pane shows the new phone, the status line confirms. */
	char *row = NULL;
	for (double end = term_now_ms() + 5000; term_now_ms() < end;) {
		free(row);
		row = e2e_row_with(r.e, NEW_PHONE);
		if (row && strstr(row, "phone"))
			break;
		term_wait_output(r.e->t, term_mark(r.e->t), 100);
	}
	if (!row || !strstr(row, "phone"))
		e2e_dump(r.e, "detail pane after save");
	ck_assert_msg(row && strstr(row, "phone"), "detail pane does not show the new phone");
	free(row);
	E2E_WAIT(r.e, "saved driver", 3000);
	cJSON *after = e2e_server_driver(r.e, r.id);
	ck_assert_str_eq(jstr(after, "phone"), NEW_PHONE);
	ck_assert_str_eq(jstr(after, "name"), jstr(r.drv, "name"));
	ck_assert_str_eq(jstr(after, "email"), jstr(r.drv, "email"));
	cJSON_Delete(after);
	e2e_form_run_end(&r);
}
END_TEST

/* The issue: "a one-line confirmation names what changed". */
START_TEST(confirmation_names_what_changed)
{
	struct e2e_form_run r;
	e2e_form_run_start(&r, "form_update_confirmation", one_fleet);
	phone_save(&r);
	E2E_WAIT(r.e, "saved driver", 3000);
	int row = -1;
	ck_assert_int_eq(term_find(r.e->t, "saved driver", &row, NULL), 0);
	char *line = term_row(r.e->t, row);
	bool names = line && strstr(line, "phone") != NULL;
	if (!names)
		e2e_dump(r.e, "confirmation line");
	ck_assert_msg(names, "the confirmation does not name the changed field (phone): \"%s\"",
		      line ? line : "");
	free(line);
	e2e_form_run_end(&r);
}
END_TEST

static const char *other_speed(const char *cur)
{
	return cur && strcmp(cur, "slow") == 0 ? "standard" : "slow";
}

START_TEST(preference_and_metadata_send_only_the_changed_key)
{
	struct e2e_form_run r;
	e2e_form_run_start(&r, "form_update_prefs_meta", one_fleet);
	struct e2e *e = r.e;
	const char *speed = other_speed(jstr(drv_prefs(r.drv), "charging_speed"));
	char want[256];

	/* Charging speed through its pick list. */
	long since = mockctl_last_seq(e->mc);
	e2e_form_open(e);
	e2e_form_pick_option(e, 5, speed); /* Name Email Phone License Status -> Charging speed */
	E2E_WAIT(e, "Edit driver", 3000);
	ck_assert(term_wait_idle(e->t, 150, 3000));
	e2e_form_save(e);
	snprintf(want, sizeof want, "{\"preferences\":{\"charging_speed\":\"%s\"}}", speed);
	e2e_expect_one_post(e, since, r.path, want);
	ck_assert(term_wait_gone(e->t, "Edit driver", 5000));

	/* A new metadata key: the "+ metadata key" row follows the 12 fields
	 * and the driver's existing keys. */
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(r.drv, "metadata");
	int nmeta = cJSON_GetArraySize(meta);
	since = mockctl_last_seq(e->mc);
	e2e_form_open(e);
	for (int i = 0; i < 12 + nmeta; i++)
		term_send_key(e->t, TK_TAB);
	term_send_key(e->t, TK_ENTER);
	term_send_keys(e->t, "e2e_team");
	term_send_key(e->t, TK_ENTER);
	E2E_WAIT(e, "e2e_team", 3000);
	term_send_keys(e->t, "blue");
	term_send_key(e->t, TK_ENTER);
	ck_assert(term_wait_idle(e->t, 150, 3000));
	e2e_form_save(e);
	e2e_expect_one_post(e, since, r.path, "{\"metadata\":{\"e2e_team\":\"blue\"}}");

	/* Server side: both changes, nothing else touched. */
	cJSON *after = e2e_server_driver(e, r.id);
	ck_assert_str_eq(jstr(drv_prefs(after), "charging_speed"), speed);
	const cJSON *am = cJSON_GetObjectItemCaseSensitive(after, "metadata");
	ck_assert_str_eq(jstr(am, "e2e_team"), "blue");
	ck_assert_int_eq(cJSON_GetArraySize(am), nmeta + 1);
	ck_assert_str_eq(jstr(after, "name"), jstr(r.drv, "name"));
	cJSON_Delete(after);
	e2e_form_run_end(&r);
}
END_TEST

START_TEST(max_price_typed_in_money_units_is_sent_in_minor_units)
{
	struct e2e_form_run r;
	e2e_form_run_start(&r, "form_update_max_price", eur_driver);
	struct e2e *e = r.e;
	long since = mockctl_last_seq(e->mc);
	e2e_form_edit_and_save(e, 8, "0.25"); /* ... Currency, Payment method -> Max price / kWh */
	e2e_expect_one_post(e, since, r.path, "{\"preferences\":{\"max_price_per_kwh\":25}}");
	cJSON *after = e2e_server_driver(e, r.id);
	ck_assert_int_eq(jint(drv_prefs(after), "max_price_per_kwh", -1), 25);
	ck_assert_str_eq(jstr(drv_prefs(after), "currency"), "eur");
	cJSON_Delete(after);
	/* Opened again, the form reads it back in money units. */
	ck_assert(term_wait_gone(e->t, "Edit driver", 5000));
	e2e_form_open(e);
	char *row = e2e_row_with(e, "Max price");
	if (!row || !strstr(row, "0.25"))
		e2e_dump(e, "max price read back");
	ck_assert_msg(row && strstr(row, "0.25") && !strstr(row, "25.00"),
		      "form shows max price as \"%s\"", row ? row : "");
	free(row);
	term_send_key(e->t, TK_ESC);
	ck_assert(term_wait_gone(e->t, "Edit driver", 3000));
	e2e_form_run_end(&r);
}
END_TEST

START_TEST(unchanged_form_sends_nothing_and_esc_just_closes)
{
	struct e2e_form_run r;
	e2e_form_run_start(&r, "form_update_unchanged", one_fleet);
	struct e2e *e = r.e;
	long since = mockctl_last_seq(e->mc);

	/* Save an untouched form. */
	e2e_form_open(e);
	e2e_form_save(e);
	E2E_WAIT(e, "nothing changed", 3000);
	ck_assert(term_wait_gone(e->t, "Edit driver", 3000));
	e2e_assert_no_post(e, since, 500);

	/* A field entered and left as it was is still unchanged. */
	e2e_form_edit_and_save(e, 2, jstr(r.drv, "phone") ? jstr(r.drv, "phone") : "");
	E2E_WAIT(e, "nothing changed", 3000);
	ck_assert(term_wait_gone(e->t, "Edit driver", 3000));
	e2e_assert_no_post(e, since, 500);

	/* Esc on an unchanged form: closed at once, no question. */
	e2e_form_open(e);
	term_send_key(e->t, TK_ESC);
	ck_assert(term_wait_idle(e->t, 300, 3000));
	bool asked = term_find(e->t, "discard", NULL, NULL) == 0;
	bool open = term_find(e->t, "Edit driver", NULL, NULL) == 0;
	if (asked || open)
		e2e_dump(e, "after Esc on an unchanged form");
	ck_assert_msg(!asked, "Esc on an unchanged form asks to discard");
	ck_assert_msg(!open, "Esc on an unchanged form left it open");
	e2e_assert_no_post(e, since, 300);
	ck_assert(!term_exited(e->t));
	e2e_form_run_end(&r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("form_update");
	TCase *tc = tcase_create("update");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, phone_only_is_sent_byte_exact);
	tcase_add_test(tc, confirmation_names_what_changed);
	tcase_add_test(tc, preference_and_metadata_send_only_the_changed_key);
	tcase_add_test(tc, max_price_typed_in_money_units_is_sent_in_minor_units);
	tcase_add_test(tc, unchanged_form_sends_nothing_and_esc_just_closes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
