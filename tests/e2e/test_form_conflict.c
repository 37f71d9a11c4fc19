/*
 * test_form_conflict.c — someone else changes a driver while a user has its
 * edit form open.  The user changes the phone and saves: the console reads
 * the driver again first, sees it moved, and shows theirs against yours —
 * sending nothing until the user chooses.  Esc goes back to the form (still
 * nothing sent); "save yours anyway" sends exactly one POST, with only the
 * user's change, so the other person's name change survives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "e2e.h"

#define NEW_PHONE "+33189000029"
#define THEIR_NAME "Theirs Changedname"

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

static bool one_fleet(const cJSON *d)
{
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "fleets")) == 1;
}

static size_t sink(char *p, size_t sz, size_t n, void *u)
{
	(void)p;
	(void)u;
	return sz * n;
}

/* Another client's update: POST base/drivers/ID with a JSON body, the
 * oracle's key and header (so the console's log leaves it out).  Status. */
static long their_update(struct e2e *e, const char *id, const char *body)
{
	char url[512];
	snprintf(url, sizeof url, "%s/drivers/%s", mockctl_base(e->mc), id);
	CURL *c = curl_easy_init();
	ck_assert_ptr_nonnull(c);
	struct curl_slist *h = NULL;
	h = curl_slist_append(h, "Authorization: Bearer " MOCKCTL_KEY);
	h = curl_slist_append(h, "X-Ct-Oracle: 1");
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Idempotency-Key: 9d1c5f2e-0b7a-4c1e-9a55-e2e-conflict-1");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	long code = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return code;
}

/* The "theirs:" line under the Name field shows their new name. */
static void assert_theirs_shown(struct e2e *e)
{
	E2E_WAIT(e, "theirs:", 5000);
	int nr = -1, tr = -1;
	ck_assert_int_eq(term_find(e->t, "Name *", &nr, NULL), 0);
	ck_assert_int_eq(term_find_from(e->t, nr, "theirs:", &tr, NULL), 0);
	char *row = term_row(e->t, tr);
	bool ok = tr == nr + 1 && row && strstr(row, THEIR_NAME);
	if (!ok)
		e2e_dump(e, "theirs vs yours");
	ck_assert_msg(ok, "no \"theirs: " THEIR_NAME "\" under Name (row %d): %s", tr, row);
	free(row);
}

START_TEST(conflict_is_shown_and_nothing_sent_until_the_user_chooses)
{
	struct e2e *e = start("form_conflict", NULL);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	int ia = -1;
	cJSON *drv = pick_driver(e->mc, fleets, one_fleet, &ia);
	ck_assert_ptr_nonnull(drv);
	char id[96], path[160];
	snprintf(id, sizeof id, "%s", jstr(drv, "id"));
	snprintf(path, sizeof path, "/v1/drivers/%s", id);
	goto_driver(e, fleets, ia, id);

	open_form(e);
	long since = mockctl_last_seq(e->mc);
	/* Someone else renames the driver. */
	ck_assert_int_eq(their_update(e, id, "{\"name\":\"" THEIR_NAME "\"}"), 200);
	cJSON *srv = server_driver(e, id);
	ck_assert_str_eq(jstr(srv, "name"), THEIR_NAME);
	cJSON_Delete(srv);

	/* The user changes the phone and saves. */
	set_field(e, 2, NEW_PHONE);
	save(e);
	E2E_WAIT(e, "changed on the server", 5000);
	assert_theirs_shown(e);
	assert_no_post(e, since, 500);

	/* Esc: back to the form, still nothing sent, the input kept. */
	term_send_key(e->t, TK_ESC);
	if (!term_wait_gone(e->t, "save yours anyway", 3000)) {
		e2e_dump(e, "Esc at the conflict question");
		ck_abort_msg("Esc did not leave the conflict question");
	}
	E2E_WAIT(e, "Edit driver", 1000);
	E2E_WAIT(e, NEW_PHONE, 1000);
	assert_no_post(e, since, 400);

	/* Save again: asked again; Enter = save yours anyway. */
	save(e);
	E2E_WAIT(e, "changed on the server", 5000);
	assert_no_post(e, since, 300);
	term_send_key(e->t, TK_ENTER);
	struct mock_reqs log;
	wait_posts(e, since, 1, 5000, &log);
	assert_one_post(e, &log, path, "{\"phone\":\"" NEW_PHONE "\"}");
	mock_reqs_clear(&log);
	ck_assert(term_wait_gone(e->t, "Edit driver", 5000));
	/* Nothing more follows. */
	assert_no_post(e, mockctl_last_seq(e->mc), 500);

	srv = server_driver(e, id);
	ck_assert_str_eq(jstr(srv, "phone"), NEW_PHONE);
	ck_assert_str_eq(jstr(srv, "name"), THEIR_NAME); /* theirs survives */
	cJSON_Delete(srv);
	cJSON_Delete(drv);
	cJSON_Delete(fleets);
	e2e_finish(e);
}
END_TEST

/* The user edits the very field they changed: yours wins only when chosen,
 * and then the POST holds yours. */
START_TEST(conflict_on_the_same_field_overwrites_only_when_chosen)
{
	struct e2e *e = start("form_conflict_same_field", NULL);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	int ia = -1;
	cJSON *drv = pick_driver(e->mc, fleets, one_fleet, &ia);
	ck_assert_ptr_nonnull(drv);
	char id[96], path[160];
	snprintf(id, sizeof id, "%s", jstr(drv, "id"));
	snprintf(path, sizeof path, "/v1/drivers/%s", id);
	goto_driver(e, fleets, ia, id);

	open_form(e);
	long since = mockctl_last_seq(e->mc);
	ck_assert_int_eq(their_update(e, id, "{\"name\":\"" THEIR_NAME "\"}"), 200);
	set_field(e, 0, "Yours Changedname");
	save(e);
	E2E_WAIT(e, "changed on the server", 5000);
	assert_theirs_shown(e);
	E2E_WAIT(e, "Yours Changedname", 1000);
	assert_no_post(e, since, 500);
	term_send_key(e->t, TK_ENTER);
	struct mock_reqs log;
	wait_posts(e, since, 1, 5000, &log);
	assert_one_post(e, &log, path, "{\"name\":\"Yours Changedname\"}");
	mock_reqs_clear(&log);
	cJSON *srv = server_driver(e, id);
	ck_assert_str_eq(jstr(srv, "name"), "Yours Changedname");
	cJSON_Delete(srv);
	cJSON_Delete(drv);
	cJSON_Delete(fleets);
	e2e_finish(e);
}
END_TEST

/* No false alarm: the user's own save is not "someone else's change".
 * Two saves in a row on one driver: the second is not asked about, sends
 * only its own field, and carries a new Idempotency-Key (another intent). */
START_TEST(own_earlier_save_is_not_a_conflict)
{
	struct e2e *e = start("form_conflict_own_save", NULL);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	int ia = -1;
	cJSON *drv = pick_driver(e->mc, fleets, one_fleet, &ia);
	ck_assert_ptr_nonnull(drv);
	char id[96], path[160], key1[300];
	snprintf(id, sizeof id, "%s", jstr(drv, "id"));
	snprintf(path, sizeof path, "/v1/drivers/%s", id);
	goto_driver(e, fleets, ia, id);

	long since = mockctl_last_seq(e->mc);
	open_form(e);
	set_field(e, 2, NEW_PHONE);
	save(e);
	struct mock_reqs log;
	wait_posts(e, since, 1, 5000, &log);
	assert_one_post(e, &log, path, "{\"phone\":\"" NEW_PHONE "\"}");
	for (size_t i = 0; i < log.n; i++)
		if (!strcmp(log.v[i].method, "POST"))
			snprintf(key1, sizeof key1, "%s", log.v[i].idem_key);
	mock_reqs_clear(&log);
	ck_assert(term_wait_gone(e->t, "Edit driver", 5000));
	E2E_WAIT(e, "saved driver", 3000);

	since = mockctl_last_seq(e->mc);
	open_form(e);
	E2E_WAIT(e, NEW_PHONE, 2000); /* the form opens on the saved record */
	set_field(e, 3, "LIC-E2E-0001"); /* License number */
	save(e);
	wait_posts(e, since, 1, 5000, &log);
	bool asked = term_find(e->t, "changed on the server", NULL, NULL) == 0;
	if (asked)
		e2e_dump(e, "second save");
	ck_assert_msg(!asked, "the user's own earlier save is shown as a conflict");
	assert_one_post(e, &log, path, "{\"license_number\":\"LIC-E2E-0001\"}");
	for (size_t i = 0; i < log.n; i++)
		if (!strcmp(log.v[i].method, "POST"))
			ck_assert_msg(strcmp(log.v[i].idem_key, key1) != 0,
				      "a new change reuses the key of the previous one");
	mock_reqs_clear(&log);
	cJSON *srv = server_driver(e, id);
	ck_assert_str_eq(jstr(srv, "phone"), NEW_PHONE);
	ck_assert_str_eq(jstr(srv, "license_number"), "LIC-E2E-0001");
	cJSON_Delete(srv);
	cJSON_Delete(drv);
	cJSON_Delete(fleets);
	e2e_finish(e);
}
END_TEST

/* Someone else already made the very change the user is saving: the
 * console reads the driver first, sees its values are there, and sends
 * nothing (no POST, no question). */
START_TEST(same_change_made_elsewhere_sends_nothing)
{
	struct e2e *e = start("form_conflict_same_change", NULL);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	int ia = -1;
	cJSON *drv = pick_driver(e->mc, fleets, one_fleet, &ia);
	ck_assert_ptr_nonnull(drv);
	char id[96];
	snprintf(id, sizeof id, "%s", jstr(drv, "id"));
	goto_driver(e, fleets, ia, id);
	open_form(e);
	long since = mockctl_last_seq(e->mc);
	ck_assert_int_eq(their_update(e, id, "{\"phone\":\"" NEW_PHONE "\"}"), 200);
	set_field(e, 2, NEW_PHONE);
	save(e);
	E2E_WAIT(e, "already has", 5000);
	ck_assert(term_wait_gone(e->t, "Edit driver", 3000));
	assert_no_post(e, since, 500);
	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, since, &log), 0);
	ck_assert_uint_ge(mock_reqs_count(&log, "GET", NULL), 1); /* it did look */
	mock_reqs_clear(&log);
	cJSON_Delete(drv);
	cJSON_Delete(fleets);
	e2e_finish(e);
}
END_TEST

/* With background refresh on, the form notices the other change by itself
 * (edit_actions.c: the store moved past what the user has seen) and shows
 * theirs before the user even saves; still nothing is sent. */
START_TEST(background_refresh_shows_theirs_while_the_form_is_open)
{
	const char *args[] = { "--refresh", "1", NULL };
	struct e2e *e = start("form_conflict_refresh", args);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	int ia = -1;
	cJSON *drv = pick_driver(e->mc, fleets, one_fleet, &ia);
	ck_assert_ptr_nonnull(drv);
	char id[96];
	snprintf(id, sizeof id, "%s", jstr(drv, "id"));
	goto_driver(e, fleets, ia, id);
	open_form(e);
	long since = mockctl_last_seq(e->mc);
	ck_assert_int_eq(their_update(e, id, "{\"name\":\"" THEIR_NAME "\"}"), 200);
	set_field(e, 2, NEW_PHONE);
	if (!term_wait_for(e->t, "theirs:", 8000)) {
		e2e_dump(e, "form open during background refresh");
		ck_abort_msg("the form did not show theirs after a background refresh");
	}
	assert_theirs_shown(e);
	assert_no_post(e, since, 300);
	cJSON_Delete(drv);
	cJSON_Delete(fleets);
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("form_conflict");
	TCase *tc = tcase_create("conflict");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, conflict_is_shown_and_nothing_sent_until_the_user_chooses);
	tcase_add_test(tc, conflict_on_the_same_field_overwrites_only_when_chosen);
	tcase_add_test(tc, own_earlier_save_is_not_a_conflict);
	tcase_add_test(tc, background_refresh_shows_theirs_while_the_form_is_open);
	tcase_add_test(tc, same_change_made_elsewhere_sends_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
