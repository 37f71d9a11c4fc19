/*
 * test_form_hostile.c — SAN-11 in the edit form: a driver whose stored name
 * holds ESC sequences (hostile payload 0, "A" ESC "[2J" ESC "]0;pwned" BEL
 * "B").  The user opens the Name field (it shows the neutralised text),
 * types and rubs out a character, leaves it as it was, changes only the
 * phone and saves: the POST body is exactly {"phone":"..."} and the raw
 * name on the server is untouched.  Saving with only the name opened sends
 * nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e_form.h"

#define NEW_PHONE "+33189000029"

/* ---- helpers of this test (the shared ones: tests/lib/e2e_form.h) */

/* The hostile driver with this raw name and its fleet's index. */
static cJSON *hostile_driver(struct mockctl *mc, const cJSON *fleets, const char *name, int *ia)
{
	cJSON *all = mockctl_get_all(mc, "/drivers?limit=100");
	ck_assert_ptr_nonnull(all);
	const cJSON *d;
	cJSON *hit = NULL;
	cJSON_ArrayForEach(d, all)
		if (!hit && jstr(d, "name") && !strcmp(jstr(d, "name"), name))
			hit = cJSON_Duplicate(d, true);
	cJSON_Delete(all);
	ck_assert_msg(hit != NULL, "no hostile driver in the mock");
	const cJSON *fl = cJSON_GetObjectItemCaseSensitive(hit, "fleets");
	const char *fid = cJSON_GetArraySize(fl) > 0 ? cJSON_GetArrayItem(fl, 0)->valuestring : "";
	*ia = -1;
	for (int i = 0; i < cJSON_GetArraySize(fleets); i++)
		if (!strcmp(jstr(cJSON_GetArrayItem(fleets, i), "id"), fid))
			*ia = i;
	ck_assert_int_ge(*ia, 0);
	return hit;
}

static const char san1[] = "A\x1b[2J\x1b]0;pwned\x07"
			   "B";

static struct e2e *start_hostile(const char *name, char *id, size_t n, cJSON **drv_out)
{
	struct e2e *e = e2e_form_start(name, NULL, "hostile=1");
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	int ia = -1;
	cJSON *drv = hostile_driver(e->mc, fleets, san1, &ia);
	snprintf(id, n, "%s", jstr(drv, "id"));
	e2e_goto_driver(e, fleets, ia, id);
	cJSON_Delete(fleets);
	*drv_out = drv;
	return e;
}

/* Enter the Name field, type and rub out a character, leave it. */
static void touch_name(struct e2e *e)
{
	term_send_key(e->t, TK_ENTER);
	ck_assert(term_wait_idle(e->t, 150, 3000));
	/* (Entering a field puts the cursor at its end; no End key, whose
	 * encoding differs between terminal types.) */
	term_send_keys(e->t, "x");
	ck_assert(term_wait_idle(e->t, 150, 3000));
	/* The field is open and shows the name neutralised, "x" after it. */
	char *row = e2e_row_with(e, "Name *");
	bool open = row && strstr(row, "Bx") && strstr(row, "pwned");
	if (!open)
		e2e_dump(e, "editing the hostile name");
	ck_assert_msg(open, "Name field not open as expected: %s", row);
	free(row);
	term_send_key(e->t, TK_BACKSPACE);
	term_send_key(e->t, TK_ENTER);
	ck_assert(term_wait_idle(e->t, 200, 3000));
}

START_TEST(opened_name_is_not_written_back)
{
	char id[96], path[160];
	cJSON *drv;
	struct e2e *e = start_hostile("form_hostile_name", id, sizeof id, &drv);
	snprintf(path, sizeof path, "/v1/drivers/%s", id);
	long since = mockctl_last_seq(e->mc);
	e2e_form_open(e);
	touch_name(e);
	char *row = e2e_row_with(e, "Name *");
	bool bad = row && (strstr(row, "required") || strstr(row, "not allowed"));
	free(row);
	if (bad)
		e2e_dump(e, "name row after touching it");
	e2e_form_set_field(e, 2, NEW_PHONE);
	e2e_form_save(e);
	e2e_expect_one_post(e, since, path, "{\"phone\":\"" NEW_PHONE "\"}");
	cJSON *srv = e2e_server_driver(e, id);
	ck_assert_msg(jstr(srv, "name") && !strcmp(jstr(srv, "name"), san1),
		      "the raw name changed on the server");
	ck_assert_str_eq(jstr(srv, "phone"), NEW_PHONE);
	cJSON_Delete(srv);
	cJSON_Delete(drv);
	e2e_finish(e);
}
END_TEST

START_TEST(only_the_name_opened_sends_nothing)
{
	char id[96];
	cJSON *drv;
	struct e2e *e = start_hostile("form_hostile_name_only", id, sizeof id, &drv);
	long since = mockctl_last_seq(e->mc);
	e2e_form_open(e);
	touch_name(e);
	e2e_form_save(e);
	bool nothing = term_wait_for(e->t, "nothing changed", 3000);
	if (!nothing)
		e2e_dump(e, "saving after only opening the name");
	e2e_assert_no_post(e, since, 500);
	ck_assert_msg(nothing, "no \"nothing changed\" after saving an untouched hostile name");
	cJSON *srv = e2e_server_driver(e, id);
	ck_assert(jstr(srv, "name") && !strcmp(jstr(srv, "name"), san1));
	cJSON_Delete(srv);
	cJSON_Delete(drv);
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("form_hostile");
	TCase *tc = tcase_create("hostile");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, opened_name_is_not_written_back);
	tcase_add_test(tc, only_the_name_opened_sends_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
