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

#include "e2e.h"

#define NEW_PHONE "+33189000029"

/* ---- helpers (static: tests/lib belongs to another engineer) */

static struct e2e *start(const char *name, const char *const *args)
{
	struct mock_options mo = { .fleets = -1, .drivers = -1, .seed = 7, .rate_limit = -1,
				   .quiet = true };
	struct e2e_opts o = { .mock = &mo, .args = args };
	struct e2e *e = e2e_start(name, &o);
	E2E_WAIT(e, "Fleets (", 10000);
	ck_assert(term_wait_idle(e->t, 300, 5000));
	return e;
}

static bool plain(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return s != NULL;
}

typedef bool (*drv_pred)(const cJSON *d);

/* The first driver (oracle) matching pred in a plain-named fleet; its
 * fleet's index (API order = the fleets pane's order) in *ia.  The caller
 * deletes the returned copy. */
static cJSON *pick_driver(struct mockctl *mc, const cJSON *fleets, drv_pred pred, int *ia)
{
	for (int i = 0; i < cJSON_GetArraySize(fleets); i++) {
		const cJSON *f = cJSON_GetArrayItem(fleets, i);
		if (!plain(jstr(f, "name")) || jint(f, "total_drivers", 0) < 2)
			continue;
		cJSON *ds = oracle_fleet_drivers(mc, f);
		const cJSON *d;
		cJSON *hit = NULL;
		cJSON_ArrayForEach(d, ds)
			if (!hit && plain(jstr(d, "name")) && pred(d))
				hit = cJSON_Duplicate(d, true);
		cJSON_Delete(ds);
		if (hit) {
			*ia = i;
			return hit;
		}
	}
	return NULL;
}

/* The selected driver's id as the detail pane shows it ("" if none). */
static void detail_driver_id(struct e2e *e, char *id, size_t n)
{
	id[0] = 0;
	char *s = term_screen_text(e->t);
	const char *p = s ? strstr(s, "drv_") : NULL;
	size_t k = 0;
	while (p && k + 1 < n && (p[k] == '_' || (p[k] >= '0' && p[k] <= '9') ||
				  (p[k] >= 'a' && p[k] <= 'z') || (p[k] >= 'A' && p[k] <= 'Z'))) {
		id[k] = p[k];
		k++;
	}
	id[k] = 0;
	free(s);
}

/* The first screen row at or after `from` holding text in the right-hand
 * panes (after the first "││"), or -1. */
static int right_row_with(struct e2e *e, int from, const char *text)
{
	for (int r = from; r < term_rows(e->t); r++) {
		char *s = term_row(e->t, r);
		const char *cut = s ? strstr(s, "││") : NULL;
		bool hit = cut && strstr(cut, text);
		free(s);
		if (hit)
			return r;
	}
	return -1;
}

/* Select fleet ia in the fleets pane, focus its drivers, move down until
 * the detail pane shows driver id (first in one go to the row holding its
 * name when that row is on screen, then one step at a time). */
static void goto_driver(struct e2e *e, const cJSON *fleets, int ia, const char *id)
{
	for (int i = 0; i < ia; i++)
		term_send_keys(e->t, "j");
	char want[96], pre[64];
	expect_prefix(jstr(cJSON_GetArrayItem(fleets, ia), "name"), 8, pre, sizeof pre);
	snprintf(want, sizeof want, "Drivers · %s", pre);
	e2e_wait_str(e, want, 5000);
	ck_assert(term_wait_idle(e->t, 200, 5000));
	term_send_key(e->t, TK_TAB);
	ck_assert(term_wait_idle(e->t, 200, 5000));
	char path[128];
	snprintf(path, sizeof path, "/drivers/%s", id);
	cJSON *d = mockctl_get(e->mc, path, NULL);
	ck_assert_ptr_nonnull(d);
	expect_prefix(jstr(d, "name"), 10, pre, sizeof pre);
	cJSON_Delete(d);
	int sel = right_row_with(e, 1, "▶"), at = pre[0] ? right_row_with(e, 1, pre) : -1;
	for (int i = 0; sel > 0 && at > sel && i < at - sel; i++)
		term_send_keys(e->t, "j");
	char now[96] = "";
	for (int i = 0; i < 80; i++) {
		for (double end = term_now_ms() + 3000; term_now_ms() < end;) {
			term_wait_idle(e->t, 150, 1000);
			detail_driver_id(e, now, sizeof now);
			if (now[0])
				break;
		}
		if (strcmp(now, id) == 0)
			return;
		term_send_keys(e->t, "j");
	}
	e2e_dump(e, id);
	ck_abort_msg("could not select driver %s (detail shows %s)", id, now);
}

/* The console's requests since `since`, once at least `n` POSTs are in
 * (or timeout). */
static void wait_posts(struct e2e *e, long since, size_t n, int ms, struct mock_reqs *log)
{
	for (double end = term_now_ms() + ms;;) {
		ck_assert_int_eq(mockctl_requests(e->mc, since, log), 0);
		if (mock_reqs_count(log, "POST", NULL) >= n || term_now_ms() > end)
			return;
		mock_reqs_clear(log);
		term_wait_output(e->t, term_mark(e->t), 100);
	}
}

/* No POST arrives for `quiet_ms` after the UI settled. */
static void assert_no_post(struct e2e *e, long since, int quiet_ms)
{
	term_wait_idle(e->t, quiet_ms, quiet_ms + 3000);
	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, since, &log), 0);
	size_t m = mock_reqs_mutating(&log);
	if (m)
		e2e_dump(e, "unexpected write");
	for (size_t i = 0; m && i < log.n; i++)
		fprintf(stderr, "  %s %s %s\n", log.v[i].method, log.v[i].path,
			log.v[i].body ? log.v[i].body : "");
	mock_reqs_clear(&log);
	ck_assert_msg(m == 0, "%zu writes sent, want none", m);
}

static void open_form(struct e2e *e)
{
	term_send_keys(e->t, "e");
	E2E_WAIT(e, "Edit driver", 3000);
	E2E_WAIT(e, "Phone", 3000);
	ck_assert(term_wait_idle(e->t, 200, 3000));
}

/* From the form's first field: Tab n times, Enter, clear, type, Enter. */
static void set_field(struct e2e *e, int tabs, const char *text)
{
	for (int i = 0; i < tabs; i++)
		term_send_key(e->t, TK_TAB);
	term_send_key(e->t, TK_ENTER);
	term_send_keys(e->t, "\x15"); /* ^U */
	term_send_keys(e->t, text);
	term_send_key(e->t, TK_ENTER);
	ck_assert(term_wait_idle(e->t, 200, 3000));
}

static void save(struct e2e *e)
{
	term_send_keys(e->t, "\x0f"); /* ^O (^S may be eaten by IXON) */
}

static cJSON *server_driver(struct e2e *e, const char *id)
{
	char path[128];
	snprintf(path, sizeof path, "/drivers/%s", id);
	cJSON *d = mockctl_get(e->mc, path, NULL);
	ck_assert_ptr_nonnull(d);
	return d;
}

static bool one_fleet(const cJSON *d)
{
	const char *ph = jstr(d, "phone");
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "fleets")) == 1 && ph &&
	       strcmp(ph, NEW_PHONE) != 0;
}

static struct e2e *start_at_driver(const char *name, char *id, size_t n, cJSON **drv_out)
{
	struct e2e *e = start(name, NULL);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	int ia = -1;
	cJSON *drv = pick_driver(e->mc, fleets, one_fleet, &ia);
	ck_assert_ptr_nonnull(drv);
	snprintf(id, n, "%s", jstr(drv, "id"));
	goto_driver(e, fleets, ia, id);
	cJSON_Delete(fleets);
	*drv_out = drv;
	return e;
}

/* Every attempt of a save gets no answer: the outcome is unknown (RTY-8).
 * The form stays open and says so; nothing is lost. */
static void save_into_silence(struct e2e *e, const char *spec, long since)
{
	ck_assert_int_eq(mockctl_faults(e->mc, spec), 0);
	open_form(e);
	set_field(e, 2, NEW_PHONE);
	save(e);
	struct mock_reqs log;
	wait_posts(e, since, 3, 20000, &log);
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
	char id[96], path[160];
	cJSON *drv;
	struct e2e *e = start_at_driver("form_retry_unknown_not_applied", id, sizeof id, &drv);
	snprintf(path, sizeof path, "/v1/drivers/%s", id);
	long since = mockctl_last_seq(e->mc);
	save_into_silence(e, "drop=beforex30,path=/v1/drivers/,method=POST", since);
	cJSON *srv = server_driver(e, id);
	ck_assert_str_eq(jstr(srv, "phone"), jstr(drv, "phone"));
	cJSON_Delete(srv);
	long mid = mockctl_last_seq(e->mc);
	save(e);
	struct mock_reqs log;
	wait_posts(e, mid, 1, 5000, &log);
	ck_assert_uint_eq(mock_reqs_count(&log, "POST", path), 1);
	mock_reqs_clear(&log);
	ck_assert(term_wait_gone(e->t, "Edit driver", 5000));
	size_t n = posts_share_one_key(e, since, "{\"phone\":\"" NEW_PHONE "\"}");
	ck_assert_uint_ge(n, 4);
	srv = server_driver(e, id);
	ck_assert_str_eq(jstr(srv, "phone"), NEW_PHONE);
	cJSON_Delete(srv);
	cJSON_Delete(drv);
	e2e_finish(e);
}
END_TEST

/* Applied (dropped after commit): saving again first reads the driver,
 * sees the change is there (RTY-8's verify) and sends nothing more. */
START_TEST(unknown_outcome_applied_is_verified_not_resent)
{
	char id[96];
	cJSON *drv;
	struct e2e *e = start_at_driver("form_retry_unknown_applied", id, sizeof id, &drv);
	long since = mockctl_last_seq(e->mc);
	save_into_silence(e, "drop=afterx30,path=/v1/drivers/,method=POST", since);
	cJSON *srv = server_driver(e, id);
	ck_assert_str_eq(jstr(srv, "phone"), NEW_PHONE); /* it did apply */
	cJSON_Delete(srv);
	long mid = mockctl_last_seq(e->mc);
	save(e);
	E2E_WAIT(e, "already has", 5000);
	ck_assert(term_wait_gone(e->t, "Edit driver", 3000));
	assert_no_post(e, mid, 500);
	posts_share_one_key(e, since, "{\"phone\":\"" NEW_PHONE "\"}");
	cJSON_Delete(drv);
	e2e_finish(e);
}
END_TEST

/* Not applied, then the user changes the value before saving again: that
 * is another intent, so a new key (the old key with another body would be
 * refused by the server as idempotency_key_mismatch). */
START_TEST(unknown_outcome_then_another_change_gets_a_new_key)
{
	char id[96], path[160];
	cJSON *drv;
	struct e2e *e = start_at_driver("form_unknown_other_change", id, sizeof id, &drv);
	snprintf(path, sizeof path, "/v1/drivers/%s", id);
	long since = mockctl_last_seq(e->mc);
	save_into_silence(e, "drop=beforex30,path=/v1/drivers/,method=POST", since);
	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, since, &log), 0);
	char key1[300] = "";
	for (size_t i = 0; i < log.n; i++)
		if (!strcmp(log.v[i].method, "POST") && log.v[i].idem_key)
			snprintf(key1, sizeof key1, "%s", log.v[i].idem_key);
	mock_reqs_clear(&log);
	ck_assert(key1[0]);
	long mid = mockctl_last_seq(e->mc);
	set_field(e, 0, "+33189000030"); /* focus is still on Phone */
	save(e);
	wait_posts(e, mid, 1, 5000, &log);
	size_t posts = mock_reqs_count(&log, "POST", path);
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
	cJSON *srv = server_driver(e, id);
	ck_assert_str_eq(jstr(srv, "phone"), "+33189000030");
	cJSON_Delete(srv);
	cJSON_Delete(drv);
	e2e_finish(e);
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
