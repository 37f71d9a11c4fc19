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

#include "e2e_form.h"

#define NEW_PHONE "+33189000029"

/* ---- helpers of this test (the shared ones: tests/lib/e2e_form.h) */

static bool one_fleet(const cJSON *d)
{
	const char *ph = jstr(d, "phone");
	return drv_one_fleet(d) && ph && strcmp(ph, NEW_PHONE) != 0;
}

/* At a one-fleet driver with these faults set on the mock, the user changes
 * the phone and saves; *since is the log's position before the form opened,
 * *log the requests since then once n POSTs are in (or after ms). */
static void save_phone_against(struct e2e_form_run *r, const char *name, const char *faults,
			       size_t n, int ms, long *since, struct mock_reqs *log)
{
	e2e_form_run_start_at(r, name, NULL, text_plain, one_fleet);
	ck_assert_int_eq(mockctl_faults(r->e->mc, faults), 0);
	*since = mockctl_last_seq(r->e->mc);
	e2e_form_edit_and_save(r->e, 2, NEW_PHONE);
	e2e_wait_posts(r->e, *since, n, ms, log);
}

START_TEST(a_503_is_retried_with_the_same_key_and_body)
{
	struct e2e_form_run r;
	long since;
	struct mock_reqs log;
	save_phone_against(&r, "form_retry_503", "status=503x1,path=/v1/drivers/,method=POST", 2,
			   10000, &since, &log);
	struct e2e *e = r.e;
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
		ck_assert_str_eq(p[i]->path, r.path);
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
	e2e_assert_no_post(e, mockctl_last_seq(e->mc), 500);
	ck_assert(mockctl_requests(e->mc, since, &log) == 0);
	ck_assert_uint_eq(mock_reqs_mutating(&log), 2);
	mock_reqs_clear(&log);

	/* One change on the server: the phone, nothing else. */
	cJSON *srv = e2e_server_driver(e, r.id);
	ck_assert_str_eq(jstr(srv, "phone"), NEW_PHONE);
	ck_assert_str_eq(jstr(srv, "name"), jstr(r.drv, "name"));
	ck_assert_str_eq(jstr(srv, "email"), jstr(r.drv, "email"));
	cJSON_Delete(srv);
	e2e_form_run_end(&r);
}
END_TEST

/* 503 three times: three attempts (RTY-4), one key, one body; then the
 * form stays open with the input intact and the error in it, the server
 * is untouched, and saving again (the mock healthy) applies it. */
START_TEST(retries_exhausted_keep_the_form_and_saving_again_applies)
{
	struct e2e_form_run r;
	long since;
	struct mock_reqs log;
	save_phone_against(&r, "form_retry_exhausted", "status=503x3,path=/v1/drivers/,method=POST",
			   3, 15000, &since, &log);
	struct e2e *e = r.e;
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
		ck_assert_str_eq(log.v[i].path, r.path);
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
	cJSON *srv = e2e_server_driver(e, r.id);
	ck_assert_str_eq(jstr(srv, "phone"), jstr(r.drv, "phone"));
	cJSON_Delete(srv);

	since = mockctl_last_seq(e->mc);
	e2e_form_save(e);
	e2e_wait_posts(e, since, 1, 5000, &log);
	ck_assert_uint_eq(mock_reqs_count(&log, "POST", r.path), 1);
	for (size_t i = 0; i < log.n; i++)
		if (!strcmp(log.v[i].method, "POST")) {
			ck_assert_int_eq(log.v[i].status, 200);
			ck_assert_str_eq(log.v[i].body, "{\"phone\":\"" NEW_PHONE "\"}");
		}
	mock_reqs_clear(&log);
	ck_assert(term_wait_gone(e->t, "Edit driver", 5000));
	srv = e2e_server_driver(e, r.id);
	ck_assert_str_eq(jstr(srv, "phone"), NEW_PHONE);
	cJSON_Delete(srv);
	e2e_form_run_end(&r);
}
END_TEST

START_TEST(a_phone_that_is_not_e164_is_shown_at_the_field_and_not_sent)
{
	struct e2e_form_run r;
	e2e_form_run_start_at(&r, "form_retry_bad_phone", NULL, text_plain, one_fleet);
	struct e2e *e = r.e;
	long since = mockctl_last_seq(e->mc);
	e2e_form_open(e);
	e2e_form_set_field(e, 2, "12 34");
	e2e_form_field_error(e, "Phone", "E.164");
	e2e_form_save(e);
	e2e_form_field_error(e, "Phone", "E.164");
	e2e_assert_no_post(e, since, 500);
	E2E_WAIT(e, "Edit driver", 1000); /* still open, input intact */
	E2E_WAIT(e, "12 34", 1000);
	cJSON *srv = e2e_server_driver(e, r.id);
	ck_assert_str_eq(jstr(srv, "phone"), jstr(r.drv, "phone"));
	cJSON_Delete(srv);
	e2e_form_run_end(&r);
}
END_TEST

/* SAN-12: a pasted bidi override (U+202E), a C1 CSI (U+009B) and a C0
 * (^G, BEL) are refused with an inline error; the field keeps its value, so
 * saving sends nothing. */
START_TEST(control_characters_are_refused_at_the_field)
{
	static const char *const bad[] = { "\xe2\x80\xae", "\xc2\x9b", "\x07" };
	static const char *const what[] = { "U+202E (pasted)", "U+009B (C1 CSI)", "^G (C0 BEL)" };
	struct e2e_form_run r;
	e2e_form_run_start_at(&r, "form_retry_control_char", NULL, text_plain, one_fleet);
	struct e2e *e = r.e;
	long since = mockctl_last_seq(e->mc);
	e2e_form_open(e);
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
		e2e_form_field_error(e, "Phone", "control or invisible characters are not allowed");
		term_send_keys(e->t, "x"); /* a plain key clears the error... */
		ck_assert(term_wait_gone(e->t, "control or invisible", 3000));
		term_send_key(e->t, TK_BACKSPACE); /* ...and goes again */
		ck_assert(term_wait_idle(e->t, 150, 3000));
	}
	term_send_key(e->t, TK_ENTER);
	ck_assert(term_wait_idle(e->t, 200, 3000));
	e2e_form_save(e);
	E2E_WAIT(e, "nothing changed", 3000);
	e2e_assert_no_post(e, since, 500);
	cJSON *srv = e2e_server_driver(e, r.id);
	ck_assert_str_eq(jstr(srv, "phone"), jstr(r.drv, "phone"));
	cJSON_Delete(srv);
	e2e_form_run_end(&r);
}
END_TEST

/* The edit form of a one-fleet driver open, editing License number (free
 * text) with "LIC" typed: where the paste tests paste.  *since is the
 * request log's position before the form opened. */
static struct e2e *start_in_license_field(struct e2e_form_run *r, const char *name, long *since)
{
	e2e_form_run_start_at(r, name, NULL, text_plain, one_fleet);
	struct e2e *e = r->e;
	*since = mockctl_last_seq(e->mc);
	e2e_form_open(e);
	for (int i = 0; i < 3; i++) /* Name Email Phone -> License number */
		term_send_key(e->t, TK_TAB);
	term_send_key(e->t, TK_ENTER);
	term_send_keys(e->t, "\x15LIC");
	ck_assert(term_wait_idle(e->t, 200, 3000));
	return e;
}

/* Finish the way a user would (Enter, save) and fail if any request since
 * `since` carried either string in its body. */
static void save_then_assert_not_sent(struct e2e *e, long since, const char *a, const char *b)
{
	term_send_key(e->t, TK_ENTER);
	term_wait_idle(e->t, 200, 3000);
	e2e_form_save(e);
	term_wait_idle(e->t, 800, 5000);
	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, since, &log), 0);
	for (size_t i = 0; i < log.n; i++)
		ck_assert_msg(!log.v[i].body ||
				      (!strstr(log.v[i].body, a) && !strstr(log.v[i].body, b)),
			      "sent %s", log.v[i].body);
	mock_reqs_clear(&log);
}

/* SAN-12: a pasted "ESC [201~" (the end of a bracketed paste, as a
 * terminal without paste mode passes it through) is refused with an inline
 * error, like any other control character; neither it nor its tail is
 * sent.  Typed into the free-text License number field, then Enter and
 * save the way a user would. */
START_TEST(pasted_esc_sequence_is_refused_at_the_field)
{
	struct e2e_form_run r;
	long since;
	struct e2e *e = start_in_license_field(&r, "form_retry_pasted_esc", &since);
	term_send_keys(e->t, "\x1b[201~0029"); /* one paste: as one write */
	bool shown = term_wait_for(e->t, "control or invisible", 3000);
	if (!shown)
		e2e_dump(e, "after a pasted ESC [201~");
	/* Whatever happened, finish the way a user would and check the wire. */
	save_then_assert_not_sent(e, since, "201~", "\\u001b");
	ck_assert_msg(shown, "no inline error for a pasted ESC [201~ (SAN-12)");
	e2e_form_run_end(&r);
}
END_TEST

/* A real bracketed paste (the terminal wraps it in ESC [200~ ... ESC [201~
 * because the console turned the mode on): a copied phone number with its
 * line's own CR at the end goes into the field whole, and the save sends
 * exactly it.  The mode is on while the console runs. */
START_TEST(a_bracketed_paste_is_taken_whole)
{
	struct e2e_form_run r;
	e2e_form_run_start_at(&r, "form_retry_paste_whole", NULL, text_plain, one_fleet);
	struct e2e *e = r.e;
	ck_assert_msg(term_raw_contains(e->t, "\x1b[?2004h", 0), "bracketed paste never turned on");
	long since = mockctl_last_seq(e->mc);
	e2e_form_open(e);
	for (int i = 0; i < 2; i++) /* Name Email -> Phone */
		term_send_key(e->t, TK_TAB);
	term_send_key(e->t, TK_ENTER);
	term_send_keys(e->t, "\x15");
	ck_assert(term_wait_idle(e->t, 200, 3000));
	term_send_keys(e->t, "\x1b[200~" NEW_PHONE "\r\x1b[201~"); /* one paste, one write */
	ck_assert(term_wait_idle(e->t, 200, 3000));
	term_send_key(e->t, TK_ENTER);
	ck_assert(term_wait_idle(e->t, 200, 3000));
	e2e_form_save(e);
	struct mock_reqs log;
	e2e_wait_posts(e, since, 1, 10000, &log);
	e2e_assert_one_post(e, &log, r.path, "{\"phone\":\"" NEW_PHONE "\"}");
	mock_reqs_clear(&log);
	E2E_WAIT(e, "saved driver", 5000);
	e2e_form_run_end(&r);
}
END_TEST

/* A bracketed paste that carries an escape sequence (an arrow key's
 * ESC [D in the middle) is refused whole at the field: none of it is
 * inserted, the arrow does not move the cursor, and nothing is sent. */
START_TEST(a_bracketed_paste_with_an_escape_is_refused_whole)
{
	struct e2e_form_run r;
	long since;
	struct e2e *e = start_in_license_field(&r, "form_retry_paste_refused", &since);
	term_send_keys(e->t, "\x1b[200~PASTED\x1b[DXY\x1b[201~");
	E2E_WAIT(e, "control or invisible", 3000);
	ck_assert_msg(!term_wait_for(e->t, "PASTED", 300), "refused paste was inserted");
	save_then_assert_not_sent(e, since, "PASTED", "XY");
	e2e_form_run_end(&r);
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
	tcase_add_test(tc, a_bracketed_paste_is_taken_whole);
	tcase_add_test(tc, a_bracketed_paste_with_an_escape_is_refused_whole);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
