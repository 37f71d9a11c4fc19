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

#include "e2e.h"

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

/* No C0 or DEL (seeded names are Unicode; the hostile ones are not used). */
static bool printable(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return false;
	return s != NULL;
}

typedef bool (*drv_pred)(const cJSON *d);

/* The first plain-named driver (oracle) matching pred in a fleet; its
 * fleet's index (API order = the fleets pane's order) in *ia.  The caller
 * deletes the returned copy. */
static cJSON *pick_driver(struct mockctl *mc, const cJSON *fleets, drv_pred pred, int *ia)
{
	for (int i = 0; i < cJSON_GetArraySize(fleets); i++) {
		const cJSON *f = cJSON_GetArrayItem(fleets, i);
		if (!printable(jstr(f, "name")) || jint(f, "total_drivers", 0) < 2)
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

/* The single POST of the log; fails unless there is exactly one, to path,
 * with an Idempotency-Key and exactly the body want. */
static void assert_one_post(struct e2e *e, const struct mock_reqs *log, const char *path,
			    const char *want)
{
	size_t posts = mock_reqs_count(log, "POST", NULL);
	if (posts != 1)
		e2e_dump(e, "POST count");
	ck_assert_msg(posts == 1, "%zu POSTs for one save (want 1)", posts);
	ck_assert_uint_eq(mock_reqs_mutating(log), 1);
	for (size_t i = 0; i < log->n; i++) {
		if (strcmp(log->v[i].method, "POST") != 0)
			continue;
		ck_assert_str_eq(log->v[i].path, path);
		ck_assert_msg(log->v[i].idem_key && *log->v[i].idem_key &&
				      strlen(log->v[i].idem_key) <= 255,
			      "POST without a usable Idempotency-Key");
		ck_assert_msg(log->v[i].body && strcmp(log->v[i].body, want) == 0,
			      "POST body %s, want exactly %s", log->v[i].body ? log->v[i].body : "(none)",
			      want);
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

static bool two_meta_keys(const cJSON *d)
{
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "metadata")) == 2;
}

static struct e2e *start_at(const char *name, drv_pred pred, char *id, size_t n, cJSON **drv_out)
{
	struct e2e *e = start(name, NULL);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	int ia = -1;
	cJSON *drv = pick_driver(e->mc, fleets, pred, &ia);
	ck_assert_ptr_nonnull(drv);
	snprintf(id, n, "%s", jstr(drv, "id"));
	goto_driver(e, fleets, ia, id);
	cJSON_Delete(fleets);
	*drv_out = drv;
	return e;
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
	char id[96], path[160], want[256];
	cJSON *drv;
	struct e2e *e = start_at("form_metadata_value", two_meta_keys, id, sizeof id, &drv);
	snprintf(path, sizeof path, "/v1/drivers/%s", id);
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(drv, "metadata");
	const cJSON *k0 = cJSON_GetArrayItem(meta, 0), *k1 = cJSON_GetArrayItem(meta, 1);
	ck_assert(cJSON_IsString(k0) && cJSON_IsString(k1));
	snprintf(want, sizeof want, "{\"metadata\":{\"%s\":\"changed-e2e\"}}", k0->string);
	long since = mockctl_last_seq(e->mc);
	open_form(e);
	set_field(e, tabs_to(e, k0->string), "changed-e2e");
	save(e);
	struct mock_reqs log;
	wait_posts(e, since, 1, 5000, &log);
	assert_one_post(e, &log, path, want);
	mock_reqs_clear(&log);
	cJSON *srv = server_driver(e, id);
	const cJSON *sm = cJSON_GetObjectItemCaseSensitive(srv, "metadata");
	ck_assert_str_eq(jstr(sm, k0->string), "changed-e2e");
	ck_assert_str_eq(jstr(sm, k1->string), k1->valuestring); /* merged, kept */
	ck_assert_int_eq(cJSON_GetArraySize(sm), 2);
	cJSON_Delete(srv);
	cJSON_Delete(drv);
	e2e_finish(e);
}
END_TEST

/* Type a 42-character key on the "+ metadata key" row and press Enter. */
static void type_long_key(struct e2e *e)
{
	open_form(e);
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
	char id[96];
	cJSON *drv;
	struct e2e *e = start_at("form_metadata_long_key", two_meta_keys, id, sizeof id, &drv);
	long since = mockctl_last_seq(e->mc);
	type_long_key(e);
	save(e);
	assert_no_post(e, since, 500);
	cJSON *srv = server_driver(e, id);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(srv, "metadata")), 2);
	cJSON_Delete(srv);
	cJSON_Delete(drv);
	e2e_finish(e);
}
END_TEST

/* With the refused key still in the field, ^O behaves as for any other
 * field in error (test_form_retry: phone "12 34"): the form stays open
 * with the input and its error.  It must not report "nothing changed" and
 * close, dropping what the user typed. */
START_TEST(save_with_a_refused_key_pending_keeps_the_form)
{
	char id[96];
	cJSON *drv;
	struct e2e *e = start_at("form_metadata_long_key_save", two_meta_keys, id, sizeof id, &drv);
	long since = mockctl_last_seq(e->mc);
	type_long_key(e);
	save(e);
	term_wait_idle(e->t, 400, 3000);
	bool open = term_find(e->t, "Edit driver", NULL, NULL) == 0 &&
		    term_find(e->t, "k2345678901234567890", NULL, NULL) == 0;
	if (!open)
		e2e_dump(e, "^O with a refused metadata key pending");
	assert_no_post(e, since, 300);
	ck_assert_msg(open, "^O closed the form and dropped the refused key the user typed");
	cJSON_Delete(drv);
	e2e_finish(e);
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
