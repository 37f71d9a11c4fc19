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

static bool eur_driver(const cJSON *d)
{
	const cJSON *mp = cJSON_GetObjectItemCaseSensitive(prefs(d), "max_price_per_kwh");
	const char *cur = jstr(prefs(d), "currency");
	return one_fleet(d) && cur && strcmp(cur, "eur") == 0 &&
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
static void phone_save(struct run *r)
{
	struct e2e *e = r->e;
	long since = mockctl_last_seq(e->mc);
	open_form(e);
	set_field(e, 2, NEW_PHONE); /* Name -> Email -> Phone */
	save(e);
	struct mock_reqs log;
	wait_posts(e, since, 1, 5000, &log);
	assert_one_post(e, &log, r->path, "{\"phone\":\"" NEW_PHONE "\"}");
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
	struct run r;
	run_start(&r, "form_update_phone", one_fleet);
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
	cJSON *after = server_driver(r.e, r.id);
	ck_assert_str_eq(jstr(after, "phone"), NEW_PHONE);
	ck_assert_str_eq(jstr(after, "name"), jstr(r.drv, "name"));
	ck_assert_str_eq(jstr(after, "email"), jstr(r.drv, "email"));
	cJSON_Delete(after);
	run_end(&r);
}
END_TEST

/* The issue: "a one-line confirmation names what changed". */
START_TEST(confirmation_names_what_changed)
{
	struct run r;
	run_start(&r, "form_update_confirmation", one_fleet);
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
	run_end(&r);
}
END_TEST

static const char *other_speed(const char *cur)
{
	return cur && strcmp(cur, "slow") == 0 ? "standard" : "slow";
}

START_TEST(preference_and_metadata_send_only_the_changed_key)
{
	struct run r;
	run_start(&r, "form_update_prefs_meta", one_fleet);
	struct e2e *e = r.e;
	const char *speed = other_speed(jstr(prefs(r.drv), "charging_speed"));
	char want[256];

	/* Charging speed through its pick list. */
	long since = mockctl_last_seq(e->mc);
	open_form(e);
	for (int i = 0; i < 5; i++) /* Name Email Phone License Status -> Charging speed */
		term_send_key(e->t, TK_TAB);
	term_send_key(e->t, TK_ENTER);
	E2E_WAIT(e, "type to filter", 3000);
	term_send_keys(e->t, speed);
	ck_assert(term_wait_idle(e->t, 150, 3000));
	term_send_key(e->t, TK_ENTER);
	E2E_WAIT(e, "Edit driver", 3000);
	ck_assert(term_wait_idle(e->t, 150, 3000));
	save(e);
	struct mock_reqs log;
	wait_posts(e, since, 1, 5000, &log);
	snprintf(want, sizeof want, "{\"preferences\":{\"charging_speed\":\"%s\"}}", speed);
	assert_one_post(e, &log, r.path, want);
	mock_reqs_clear(&log);
	ck_assert(term_wait_gone(e->t, "Edit driver", 5000));

	/* A new metadata key: the "+ metadata key" row follows the 12 fields
	 * and the driver's existing keys. */
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(r.drv, "metadata");
	int nmeta = cJSON_GetArraySize(meta);
	since = mockctl_last_seq(e->mc);
	open_form(e);
	for (int i = 0; i < 12 + nmeta; i++)
		term_send_key(e->t, TK_TAB);
	term_send_key(e->t, TK_ENTER);
	term_send_keys(e->t, "e2e_team");
	term_send_key(e->t, TK_ENTER);
	E2E_WAIT(e, "e2e_team", 3000);
	term_send_keys(e->t, "blue");
	term_send_key(e->t, TK_ENTER);
	ck_assert(term_wait_idle(e->t, 150, 3000));
	save(e);
	wait_posts(e, since, 1, 5000, &log);
	assert_one_post(e, &log, r.path, "{\"metadata\":{\"e2e_team\":\"blue\"}}");
	mock_reqs_clear(&log);

	/* Server side: both changes, nothing else touched. */
	cJSON *after = server_driver(e, r.id);
	ck_assert_str_eq(jstr(prefs(after), "charging_speed"), speed);
	const cJSON *am = cJSON_GetObjectItemCaseSensitive(after, "metadata");
	ck_assert_str_eq(jstr(am, "e2e_team"), "blue");
	ck_assert_int_eq(cJSON_GetArraySize(am), nmeta + 1);
	ck_assert_str_eq(jstr(after, "name"), jstr(r.drv, "name"));
	cJSON_Delete(after);
	run_end(&r);
}
END_TEST

START_TEST(max_price_typed_in_money_units_is_sent_in_minor_units)
{
	struct run r;
	run_start(&r, "form_update_max_price", eur_driver);
	struct e2e *e = r.e;
	long since = mockctl_last_seq(e->mc);
	open_form(e);
	set_field(e, 8, "0.25"); /* ... Currency, Payment method -> Max price / kWh */
	save(e);
	struct mock_reqs log;
	wait_posts(e, since, 1, 5000, &log);
	assert_one_post(e, &log, r.path, "{\"preferences\":{\"max_price_per_kwh\":25}}");
	mock_reqs_clear(&log);
	cJSON *after = server_driver(e, r.id);
	ck_assert_int_eq(jint(prefs(after), "max_price_per_kwh", -1), 25);
	ck_assert_str_eq(jstr(prefs(after), "currency"), "eur");
	cJSON_Delete(after);
	/* Opened again, the form reads it back in money units. */
	ck_assert(term_wait_gone(e->t, "Edit driver", 5000));
	open_form(e);
	char *row = e2e_row_with(e, "Max price");
	if (!row || !strstr(row, "0.25"))
		e2e_dump(e, "max price read back");
	ck_assert_msg(row && strstr(row, "0.25") && !strstr(row, "25.00"),
		      "form shows max price as \"%s\"", row ? row : "");
	free(row);
	term_send_key(e->t, TK_ESC);
	ck_assert(term_wait_gone(e->t, "Edit driver", 3000));
	run_end(&r);
}
END_TEST

START_TEST(unchanged_form_sends_nothing_and_esc_just_closes)
{
	struct run r;
	run_start(&r, "form_update_unchanged", one_fleet);
	struct e2e *e = r.e;
	long since = mockctl_last_seq(e->mc);

	/* Save an untouched form. */
	open_form(e);
	save(e);
	E2E_WAIT(e, "nothing changed", 3000);
	ck_assert(term_wait_gone(e->t, "Edit driver", 3000));
	assert_no_post(e, since, 500);

	/* A field entered and left as it was is still unchanged. */
	open_form(e);
	set_field(e, 2, jstr(r.drv, "phone") ? jstr(r.drv, "phone") : "");
	save(e);
	E2E_WAIT(e, "nothing changed", 3000);
	ck_assert(term_wait_gone(e->t, "Edit driver", 3000));
	assert_no_post(e, since, 500);

	/* Esc on an unchanged form: closed at once, no question. */
	open_form(e);
	term_send_key(e->t, TK_ESC);
	ck_assert(term_wait_idle(e->t, 300, 3000));
	bool asked = term_find(e->t, "discard", NULL, NULL) == 0;
	bool open = term_find(e->t, "Edit driver", NULL, NULL) == 0;
	if (asked || open)
		e2e_dump(e, "after Esc on an unchanged form");
	ck_assert_msg(!asked, "Esc on an unchanged form asks to discard");
	ck_assert_msg(!open, "Esc on an unchanged form left it open");
	assert_no_post(e, since, 300);
	ck_assert(!term_exited(e->t));
	run_end(&r);
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
