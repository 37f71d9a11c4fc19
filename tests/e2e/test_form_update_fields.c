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

static const cJSON *prefs(const cJSON *d)
{
	return cJSON_GetObjectItemCaseSensitive(d, "preferences");
}

/* ---- predicates */

static bool one_fleet(const cJSON *d)
{
	const char *ph = jstr(d, "phone");
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "fleets")) == 1 &&
	       !(ph && strcmp(ph, NEW_PHONE) == 0);
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
	const cJSON *mp = cJSON_GetObjectItemCaseSensitive(prefs(d), "max_price_per_kwh");
	const char *cur = jstr(prefs(d), "currency");
	return one_fleet(d) && cur && strcmp(cur, "jpy") == 0 &&
	       !(cJSON_IsNumber(mp) && mp->valuedouble == 25);
}

/* ---- the runs */

struct run {
	struct e2e *e;
	cJSON *fleets, *drv;
	char id[96], path[160];
};

static void run_start(struct run *r, const char *name, drv_pred pred)
{
	r->e = start(name, NULL);
	r->fleets = mockctl_get_all(r->e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(r->fleets);
	int ia = -1;
	r->drv = pick_driver(r->e->mc, r->fleets, pred, &ia);
	ck_assert_msg(r->drv != NULL, "no driver for this test in the mock");
	snprintf(r->id, sizeof r->id, "%s", jstr(r->drv, "id"));
	snprintf(r->path, sizeof r->path, "/v1/drivers/%s", r->id);
	goto_driver(r->e, r->fleets, ia, r->id);
}

static void run_end(struct run *r)
{
	cJSON_Delete(r->drv);
	cJSON_Delete(r->fleets);
	e2e_finish(r->e);
}

/* Esc on a changed form asks first: n keeps editing (input intact), y
 * discards; nothing is sent either way.  Arrows move like Tab. */
START_TEST(esc_on_a_changed_form_asks_and_discard_sends_nothing)
{
	struct run r;
	run_start(&r, "form_update_discard", has_phone);
	struct e2e *e = r.e;
	long since = mockctl_last_seq(e->mc);
	open_form(e);
	term_send_key(e->t, TK_DOWN); /* Name -> Email */
	term_send_key(e->t, TK_DOWN); /* Email -> Phone */
	term_send_key(e->t, TK_DOWN); /* Phone -> License number */
	term_send_key(e->t, TK_BACKTAB); /* back to Phone */
	set_field(e, 0, NEW_PHONE);
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
	assert_no_post(e, since, 500);
	/* Opened again: the server's phone, not the discarded one. */
	open_form(e);
	row = e2e_row_with(e, "Phone");
	ck_assert_msg(row && strstr(row, jstr(r.drv, "phone")) && !strstr(row, NEW_PHONE),
		      "reopened form shows %s", row);
	free(row);
	term_send_key(e->t, TK_ESC);
	ck_assert(term_wait_gone(e->t, "Edit driver", 3000));
	assert_no_post(e, since, 300);
	run_end(&r);
}
END_TEST

/* Emptying the phone clears it: {"phone":null}, nothing else. */
START_TEST(emptied_phone_is_sent_as_null)
{
	struct run r;
	run_start(&r, "form_update_clear_phone", has_phone);
	struct e2e *e = r.e;
	long since = mockctl_last_seq(e->mc);
	open_form(e);
	set_field(e, 2, "");
	save(e);
	struct mock_reqs log;
	wait_posts(e, since, 1, 5000, &log);
	assert_one_post(e, &log, r.path, "{\"phone\":null}");
	mock_reqs_clear(&log);
	cJSON *after = server_driver(e, r.id);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(after, "phone")));
	ck_assert_str_eq(jstr(after, "name"), jstr(r.drv, "name"));
	cJSON_Delete(after);
	run_end(&r);
}
END_TEST

/* Del on a metadata row removes that key: {"metadata":{"KEY":""}} (or
 * null, which the contract reads the same), nothing else. */
START_TEST(deleted_metadata_key_sends_only_that_key)
{
	struct run r;
	run_start(&r, "form_update_meta_delete", one_meta_key);
	struct e2e *e = r.e;
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(r.drv, "metadata");
	const char *key = cJSON_GetArrayItem(meta, 0)->string;
	char want_empty[160], want_null[160];
	snprintf(want_empty, sizeof want_empty, "{\"metadata\":{\"%s\":\"\"}}", key);
	snprintf(want_null, sizeof want_null, "{\"metadata\":{\"%s\":null}}", key);
	long since = mockctl_last_seq(e->mc);
	open_form(e);
	e2e_wait_str(e, key, 2000);
	for (int i = 0; i < 12; i++) /* past the 12 fields: the metadata row */
		term_send_key(e->t, TK_TAB);
	term_send_key(e->t, TK_DEL);
	ck_assert(term_wait_idle(e->t, 200, 3000));
	save(e);
	struct mock_reqs log;
	wait_posts(e, since, 1, 5000, &log);
	ck_assert_uint_eq(mock_reqs_count(&log, "POST", NULL), 1);
	for (size_t i = 0; i < log.n; i++)
		if (!strcmp(log.v[i].method, "POST") && log.v[i].body &&
		    !strcmp(log.v[i].body, want_null))
			snprintf(want_empty, sizeof want_empty, "%s", want_null);
	assert_one_post(e, &log, r.path, want_empty);
	mock_reqs_clear(&log);
	cJSON *after = server_driver(e, r.id);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(after, "metadata")), 0);
	cJSON_Delete(after);
	run_end(&r);
}
END_TEST

/* Yen has no minor unit: "0.25" is refused at the field (nothing sent),
 * "25" goes out as 25. */
START_TEST(max_price_in_yen_has_no_minor_unit)
{
	struct run r;
	run_start(&r, "form_update_max_price_jpy", jpy_driver);
	struct e2e *e = r.e;
	long since = mockctl_last_seq(e->mc);
	open_form(e);
	set_field(e, 8, "0.25");
	save(e);
	int row = -1, er = -1;
	bool shown = false;
	for (double end = term_now_ms() + 3000; !shown && term_now_ms() < end;) {
		shown = term_find(e->t, "Max price", &row, NULL) == 0 &&
			term_find_from(e->t, row + 1, "not an amount in this currency", &er, NULL) == 0 &&
			er == row + 1;
		if (!shown)
			term_wait_output(e->t, term_mark(e->t), 100);
	}
	if (!shown)
		e2e_dump(e, "0.25 yen");
	ck_assert_msg(shown, "no error under Max price for 0.25 yen");
	assert_no_post(e, since, 400);
	set_field(e, 0, "25"); /* the failed save put the focus on the field */
	save(e);
	struct mock_reqs log;
	wait_posts(e, since, 1, 5000, &log);
	assert_one_post(e, &log, r.path, "{\"preferences\":{\"max_price_per_kwh\":25}}");
	mock_reqs_clear(&log);
	cJSON *after = server_driver(e, r.id);
	ck_assert_int_eq(jint(prefs(after), "max_price_per_kwh", -1), 25);
	cJSON_Delete(after);
	run_end(&r);
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
