/*
 * test_attach_driver.c — a user attaches a driver to another fleet: `a` on
 * the driver, types part of the fleet's name in the picker, Enter (and
 * confirms if asked).  The server receives exactly one
 * POST /v1/drivers/ID/attach {"fleet": "flt_…"} with an Idempotency-Key,
 * the driver is in that fleet afterwards, and the fleet's driver count on
 * screen follows (contract: total_drivers reflects it on the next read).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e_form.h"

START_TEST(attach_driver_to_another_fleet)
{
	const char *args[] = { "--refresh", "1", NULL };
	struct e2e_opts o = { .args = args };
	struct e2e *e = e2e_start("attach_driver", &o);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	int ia = oracle_fleet_with_drivers(fleets, 0, 3);
	ck_assert_int_ge(ia, 0);
	cJSON *drivers = oracle_fleet_drivers(e->mc, cJSON_GetArrayItem(fleets, ia));
	char pre[64], id[80];
	expect_prefix(jstr(cJSON_GetArrayItem(fleets, ia), "name"), 10, pre, sizeof pre);
	e2e_wait_str(e, pre, 10000);
	snprintf(id, sizeof id, "%s", jstr(e2e_select_first_driver(e, ia, drivers), "id"));

	/* Target: the first plain-named fleet the driver is not in. */
	char path[128];
	snprintf(path, sizeof path, "/drivers/%s", id);
	cJSON *before = mockctl_get(e->mc, path, NULL);
	ck_assert_ptr_nonnull(before);
	const cJSON *fl = cJSON_GetObjectItemCaseSensitive(before, "fleets"), *t = NULL, *f;
	cJSON_ArrayForEach(f, fleets)
		if (!t && !id_in_list(fl, jstr(f, "id")) && text_plain(jstr(f, "name")))
			t = f;
	ck_assert_msg(t != NULL, "no fleet to attach to");
	char tid[80], tname[16];
	snprintf(tid, sizeof tid, "%s", jstr(t, "id"));
	snprintf(tname, sizeof tname, "%s", jstr(t, "name"));
	long drivers_before = jint(t, "total_drivers", -1);

	long since = mockctl_last_seq(e->mc);
	term_send_keys(e->t, "a");
	E2E_WAIT(e, "Attach", 3000);
	for (const char *k = tname; *k && k < tname + 8; k++) {
		term_send_bytes(e->t, k, 1);
		term_wait_idle(e->t, 50, 1000);
	}
	term_send_key(e->t, TK_ENTER);
	ck_assert(term_wait_idle(e->t, 300, 3000));
	/* A confirmation, if the console asks for one. */
	if (term_find(e->t, "y/n", NULL, NULL) == 0 || term_find(e->t, "[y", NULL, NULL) == 0)
		term_send_keys(e->t, "y");

	struct mock_reqs log;
	size_t posts = 0;
	for (double end = term_now_ms() + 5000; posts == 0 && term_now_ms() < end;) {
		term_wait_output(e->t, term_mark(e->t), 100);
		ck_assert_int_eq(mockctl_requests(e->mc, since, &log), 0);
		posts = mock_reqs_count(&log, "POST", NULL);
		if (!posts)
			mock_reqs_clear(&log);
	}
	if (posts != 1)
		e2e_dump(e, "after attach");
	ck_assert_msg(posts == 1, "%zu POSTs for one attach", posts);
	char want_path[160];
	snprintf(want_path, sizeof want_path, "/v1/drivers/%s/attach", id);
	for (size_t i = 0; i < log.n; i++) {
		if (strcmp(log.v[i].method, "POST") != 0)
			continue;
		ck_assert_str_eq(log.v[i].path, want_path);
		ck_assert_msg(log.v[i].idem_key && *log.v[i].idem_key, "attach without Idempotency-Key");
		cJSON *body = cJSON_Parse(log.v[i].body ? log.v[i].body : "");
		ck_assert_msg(body && cJSON_GetArraySize(body) == 1 && jstr(body, "fleet") &&
				      strcmp(jstr(body, "fleet"), tid) == 0,
			      "attach body %s, want {\"fleet\":\"%s\"}", log.v[i].body, tid);
		cJSON_Delete(body);
	}
	mock_reqs_clear(&log);

	/* The server agrees, and the fleet's row shows one driver more. */
	cJSON *after = mockctl_get(e->mc, path, NULL);
	ck_assert(after && id_in_list(cJSON_GetObjectItemCaseSensitive(after, "fleets"), tid));
	char tpre[64];
	expect_prefix(jstr(t, "name"), 12, tpre, sizeof tpre);
	bool shown = false;
	for (double end = term_now_ms() + 5000; !shown && term_now_ms() < end;) {
		char *row = e2e_row_with(e, tpre);
		shown = row && has_number(row, drivers_before + 1);
		free(row);
		if (!shown)
			term_wait_output(e->t, term_mark(e->t), 100);
	}
	if (!shown)
		e2e_dump(e, "fleet count after attach");
	ck_assert_msg(shown, "%s does not show %ld drivers", tname, drivers_before + 1);

	cJSON_Delete(after);
	cJSON_Delete(before);
	cJSON_Delete(drivers);
	cJSON_Delete(fleets);
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("attach_driver");
	TCase *tc = tcase_create("attach");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, attach_driver_to_another_fleet);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
