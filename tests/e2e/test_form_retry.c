/*
 * test_form_retry.c — a save that meets a 503 is retried (RTY-1, RTY-3):
 * the mock's log shows the 503 attempt and the successful retry with the
 * SAME Idempotency-Key and byte-identical bodies, and the server holds the
 * change once.  A value the form refuses (phone not E.164, a control or
 * invisible character pasted, SAN-12) is shown at the field and nothing
 * is sent.
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

/* The field's error line: the screen row right under the row holding label. */
static void assert_field_error(struct e2e *e, const char *label, const char *msg)
{
	int row = -1, er = -1;
	bool ok = false;
	for (double end = term_now_ms() + 3000; !ok && term_now_ms() < end;) {
		ok = term_find(e->t, label, &row, NULL) == 0 &&
		     term_find_from(e->t, row + 1, msg, &er, NULL) == 0 && er == row + 1;
		if (!ok)
			term_wait_output(e->t, term_mark(e->t), 100);
	}
	if (!ok)
		e2e_dump(e, msg);
	ck_assert_msg(ok, "no \"%s\" under the %s field", msg, label);
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

START_TEST(a_503_is_retried_with_the_same_key_and_body)
{
	char id[96], path[160];
	cJSON *drv;
	struct e2e *e = start_at_driver("form_retry_503", id, sizeof id, &drv);
	snprintf(path, sizeof path, "/v1/drivers/%s", id);
	ck_assert_int_eq(mockctl_faults(e->mc, "status=503x1,path=/v1/drivers/,method=POST"), 0);

	long since = mockctl_last_seq(e->mc);
	open_form(e);
	set_field(e, 2, NEW_PHONE);
	save(e);
	struct mock_reqs log;
	wait_posts(e, since, 2, 10000, &log);
	size_t posts = mock_reqs_count(&log, "POST", NULL);
	if (posts != 2)
		e2e_dump(e, "after a save that met a 503");
	ck_assert_msg(posts == 2, "%zu POSTs, want the 503 attempt and one retry", posts);
	const struct mock_req *p[2] = { NULL, NULL };
	for (size_t i = 0, k = 0; i < log.n; i++)
		if (!strcmp(log.v[i].method, "POST"))
			p[k++] = &log.v[i];
	ck_assert_int_eq(p[0]->status, 503);
	ck_assert_int_eq(p[1]->status, 200);
	for (int i = 0; i < 2; i++) {
		ck_assert_str_eq(p[i]->path, path);
		ck_assert_msg(p[i]->body && !strcmp(p[i]->body, "{\"phone\":\"" NEW_PHONE "\"}"),
			      "attempt %d body %s", i + 1, p[i]->body ? p[i]->body : "(none)");
		ck_assert_msg(p[i]->idem_key && *p[i]->idem_key, "attempt %d has no key", i + 1);
	}
	ck_assert_str_eq(p[0]->idem_key, p[1]->idem_key);
	ck_assert_str_eq(p[0]->body, p[1]->body);
	mock_reqs_clear(&log);

	/* The form closes with a confirmation; nothing more is sent. */
	ck_assert(term_wait_gone(e->t, "Edit driver", 5000));
	E2E_WAIT(e, "saved driver", 3000);
	assert_no_post(e, mockctl_last_seq(e->mc), 500);
	ck_assert(mockctl_requests(e->mc, since, &log) == 0);
	ck_assert_uint_eq(mock_reqs_mutating(&log), 2);
	mock_reqs_clear(&log);

	/* One change on the server: the phone, nothing else. */
	cJSON *srv = server_driver(e, id);
	ck_assert_str_eq(jstr(srv, "phone"), NEW_PHONE);
	ck_assert_str_eq(jstr(srv, "name"), jstr(drv, "name"));
	ck_assert_str_eq(jstr(srv, "email"), jstr(drv, "email"));
	cJSON_Delete(srv);
	cJSON_Delete(drv);
	e2e_finish(e);
}
END_TEST

/* 503 three times: three attempts (RTY-4), one key, one body; then the
 * form stays open with the input intact and the error in it, the server
 * is untouched, and saving again (the mock healthy) applies it. */
START_TEST(retries_exhausted_keep_the_form_and_saving_again_applies)
{
	char id[96], path[160];
	cJSON *drv;
	struct e2e *e = start_at_driver("form_retry_exhausted", id, sizeof id, &drv);
	snprintf(path, sizeof path, "/v1/drivers/%s", id);
	ck_assert_int_eq(mockctl_faults(e->mc, "status=503x3,path=/v1/drivers/,method=POST"), 0);

	long since = mockctl_last_seq(e->mc);
	open_form(e);
	set_field(e, 2, NEW_PHONE);
	save(e);
	struct mock_reqs log;
	wait_posts(e, since, 3, 15000, &log);
	/* Let a (wrong) fourth attempt show itself. */
	mock_reqs_clear(&log);
	term_wait_idle(e->t, 1500, 8000);
	ck_assert_int_eq(mockctl_requests(e->mc, since, &log), 0);
	size_t posts = mock_reqs_count(&log, "POST", NULL);
	if (posts != 3)
		e2e_dump(e, "after three 503s");
	ck_assert_msg(posts == 3, "%zu attempts, want 3 (at most 2 retries)", posts);
	const char *key = NULL, *body = NULL;
	for (size_t i = 0; i < log.n; i++) {
		if (strcmp(log.v[i].method, "POST"))
			continue;
		ck_assert_int_eq(log.v[i].status, 503);
		ck_assert_str_eq(log.v[i].path, path);
		ck_assert_msg(log.v[i].idem_key && *log.v[i].idem_key, "attempt without a key");
		if (!key) {
			key = log.v[i].idem_key;
			body = log.v[i].body;
		}
		ck_assert_str_eq(log.v[i].idem_key, key);
		ck_assert_str_eq(log.v[i].body, body);
	}
	ck_assert_str_eq(body, "{\"phone\":\"" NEW_PHONE "\"}");
	mock_reqs_clear(&log);
	E2E_WAIT(e, "Edit driver", 1000);
	E2E_WAIT(e, NEW_PHONE, 1000);
	/* The error, in the form's banner (under its title). */
	int tr = -1;
	ck_assert_int_eq(term_find(e->t, "Edit driver", &tr, NULL), 0);
	char *banner = term_row(e->t, tr + 1);
	if (!banner || !has_token(banner, "503"))
		e2e_dump(e, "banner after three 503s");
	ck_assert_msg(banner && has_token(banner, "503"), "no 503 error in the form: %s", banner);
	free(banner);
	cJSON *srv = server_driver(e, id);
	ck_assert_str_eq(jstr(srv, "phone"), jstr(drv, "phone"));
	cJSON_Delete(srv);

	since = mockctl_last_seq(e->mc);
	save(e);
	wait_posts(e, since, 1, 5000, &log);
	ck_assert_uint_eq(mock_reqs_count(&log, "POST", path), 1);
	for (size_t i = 0; i < log.n; i++)
		if (!strcmp(log.v[i].method, "POST")) {
			ck_assert_int_eq(log.v[i].status, 200);
			ck_assert_str_eq(log.v[i].body, "{\"phone\":\"" NEW_PHONE "\"}");
		}
	mock_reqs_clear(&log);
	ck_assert(term_wait_gone(e->t, "Edit driver", 5000));
	srv = server_driver(e, id);
	ck_assert_str_eq(jstr(srv, "phone"), NEW_PHONE);
	cJSON_Delete(srv);
	cJSON_Delete(drv);
	e2e_finish(e);
}
END_TEST

START_TEST(a_phone_that_is_not_e164_is_shown_at_the_field_and_not_sent)
{
	char id[96];
	cJSON *drv;
	struct e2e *e = start_at_driver("form_retry_bad_phone", id, sizeof id, &drv);
	long since = mockctl_last_seq(e->mc);
	open_form(e);
	set_field(e, 2, "12 34");
	assert_field_error(e, "Phone", "E.164");
	save(e);
	assert_field_error(e, "Phone", "E.164");
	assert_no_post(e, since, 500);
	E2E_WAIT(e, "Edit driver", 1000); /* still open, input intact */
	E2E_WAIT(e, "12 34", 1000);
	cJSON *srv = server_driver(e, id);
	ck_assert_str_eq(jstr(srv, "phone"), jstr(drv, "phone"));
	cJSON_Delete(srv);
	cJSON_Delete(drv);
	e2e_finish(e);
}
END_TEST

/* SAN-12: a pasted bidi override (U+202E), a C1 CSI (U+009B) and a C0
 * (^G, BEL) are refused with an inline error; the field keeps its value, so
 * saving sends nothing. */
START_TEST(control_characters_are_refused_at_the_field)
{
	static const char *const bad[] = { "\xe2\x80\xae", "\xc2\x9b", "\x07" };
	static const char *const what[] = { "U+202E (pasted)", "U+009B (C1 CSI)", "^G (C0 BEL)" };
	char id[96];
	cJSON *drv;
	struct e2e *e = start_at_driver("form_retry_control_char", id, sizeof id, &drv);
	long since = mockctl_last_seq(e->mc);
	open_form(e);
	term_send_key(e->t, TK_TAB);
	term_send_key(e->t, TK_TAB);
	term_send_key(e->t, TK_ENTER); /* edit Phone, cursor at its end */
	ck_assert(term_wait_idle(e->t, 200, 3000));
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		term_send_keys(e->t, bad[i]);
		if (!term_wait_for(e->t, "control or invisible", 3000)) {
			e2e_dump(e, "refused character");
			ck_abort_msg("no inline error for %s", what[i]);
		}
		assert_field_error(e, "Phone", "control or invisible characters are not allowed");
		term_send_keys(e->t, "x"); /* a plain key clears the error... */
		ck_assert(term_wait_gone(e->t, "control or invisible", 3000));
		term_send_key(e->t, TK_BACKSPACE); /* ...and goes again */
		ck_assert(term_wait_idle(e->t, 150, 3000));
	}
	term_send_key(e->t, TK_ENTER);
	ck_assert(term_wait_idle(e->t, 200, 3000));
	save(e);
	E2E_WAIT(e, "nothing changed", 3000);
	assert_no_post(e, since, 500);
	cJSON *srv = server_driver(e, id);
	ck_assert_str_eq(jstr(srv, "phone"), jstr(drv, "phone"));
	cJSON_Delete(srv);
	cJSON_Delete(drv);
	e2e_finish(e);
}
END_TEST

/* SAN-12: a pasted "ESC [201~" (the end of a bracketed paste, as a
 * terminal without paste mode passes it through) is refused with an inline
 * error, like any other control character; neither it nor its tail is
 * sent.  Typed into the free-text License number field, then Enter and
 * save the way a user would. */
START_TEST(pasted_esc_sequence_is_refused_at_the_field)
{
	char id[96];
	cJSON *drv;
	struct e2e *e = start_at_driver("form_retry_pasted_esc", id, sizeof id, &drv);
	long since = mockctl_last_seq(e->mc);
	open_form(e);
	for (int i = 0; i < 3; i++) /* Name Email Phone -> License number (free text) */
		term_send_key(e->t, TK_TAB);
	term_send_key(e->t, TK_ENTER);
	term_send_keys(e->t, "\x15LIC");
	ck_assert(term_wait_idle(e->t, 200, 3000));
	term_send_keys(e->t, "\x1b[201~0029"); /* one paste: as one write */
	bool shown = term_wait_for(e->t, "control or invisible", 3000);
	if (!shown)
		e2e_dump(e, "after a pasted ESC [201~");
	/* Whatever happened, finish the way a user would and check the wire. */
	term_send_key(e->t, TK_ENTER);
	term_wait_idle(e->t, 200, 3000);
	save(e);
	term_wait_idle(e->t, 800, 5000);
	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, since, &log), 0);
	for (size_t i = 0; i < log.n; i++)
		ck_assert_msg(!log.v[i].body || (!strstr(log.v[i].body, "201~") &&
						 !strstr(log.v[i].body, "\\u001b")),
			      "sent %s", log.v[i].body);
	mock_reqs_clear(&log);
	ck_assert_msg(shown, "no inline error for a pasted ESC [201~ (SAN-12)");
	cJSON_Delete(drv);
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("form_retry");
	TCase *tc = tcase_create("retry");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, a_503_is_retried_with_the_same_key_and_body);
	tcase_add_test(tc, retries_exhausted_keep_the_form_and_saving_again_applies);
	tcase_add_test(tc, a_phone_that_is_not_e164_is_shown_at_the_field_and_not_sent);
	tcase_add_test(tc, control_characters_are_refused_at_the_field);
	tcase_add_test(tc, pasted_esc_sequence_is_refused_at_the_field);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
