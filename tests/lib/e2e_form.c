/*
 * e2e_form.c — the form tests' shared steps (e2e_form.h).  These were copied
 * into each tests/e2e/test_form_*.c; they live here once so that a change to
 * how the console is walked or the log is read is made in one place.
 */
#include "e2e_form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool text_plain(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return s != NULL;
}

bool text_printable(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return false;
	return s != NULL;
}

bool id_in_list(const cJSON *arr, const char *id)
{
	const cJSON *x;
	cJSON_ArrayForEach(x, arr)
		if (cJSON_IsString(x) && strcmp(x->valuestring, id) == 0)
			return true;
	return false;
}

bool drv_one_fleet(const cJSON *d)
{
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "fleets")) == 1;
}

const cJSON *drv_prefs(const cJSON *d)
{
	return cJSON_GetObjectItemCaseSensitive(d, "preferences");
}

cJSON *oracle_pick_driver(struct mockctl *mc, const cJSON *fleets, e2e_text_pred fleet_ok,
			  e2e_drv_pred pred, int *ia)
{
	for (int i = 0; i < cJSON_GetArraySize(fleets); i++) {
		const cJSON *f = cJSON_GetArrayItem(fleets, i);
		if (!fleet_ok(jstr(f, "name")) || jint(f, "total_drivers", 0) < 2)
			continue;
		cJSON *ds = oracle_fleet_drivers(mc, f);
		const cJSON *d;
		cJSON *hit = NULL;
		cJSON_ArrayForEach(d, ds)
			if (!hit && text_plain(jstr(d, "name")) && pred(d))
				hit = cJSON_Duplicate(d, true);
		cJSON_Delete(ds);
		if (hit) {
			*ia = i;
			return hit;
		}
	}
	return NULL;
}

cJSON *e2e_server_driver(struct e2e *e, const char *id)
{
	char path[128];
	snprintf(path, sizeof path, "/drivers/%s", id);
	cJSON *d = mockctl_get(e->mc, path, NULL);
	ck_assert_ptr_nonnull(d);
	return d;
}

struct e2e *e2e_form_start_in(const char *bin_dir, const char *name, const char *const *args,
			      const char *faults)
{
	struct mock_options mo = { .fleets = -1, .drivers = -1, .seed = 7, .rate_limit = -1,
				   .quiet = true, .faults = faults };
	struct e2e_opts o = { .mock = &mo, .args = args };
	struct e2e *e = e2e_start_in(bin_dir, name, &o);
	E2E_WAIT(e, "Fleets (", 10000);
	ck_assert(term_wait_idle(e->t, 300, 5000));
	return e;
}

struct e2e *e2e_form_start_at_in(const char *bin_dir, const char *name, const char *const *args,
				 e2e_text_pred fleet_ok, e2e_drv_pred pred, char *id, size_t n,
				 cJSON **drv_out)
{
	struct e2e *e = e2e_form_start_in(bin_dir, name, args, NULL);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	int ia = -1;
	cJSON *drv = oracle_pick_driver(e->mc, fleets, fleet_ok, pred, &ia);
	ck_assert_msg(drv != NULL, "no driver for this test in the mock");
	if (id)
		snprintf(id, n, "%s", jstr(drv, "id"));
	e2e_goto_driver(e, fleets, ia, jstr(drv, "id"));
	cJSON_Delete(fleets);
	if (drv_out)
		*drv_out = drv;
	else
		cJSON_Delete(drv);
	return e;
}

void e2e_form_run_start_at_in(const char *bin_dir, struct e2e_form_run *r, const char *name,
			      const char *const *args, e2e_text_pred fleet_ok, e2e_drv_pred pred)
{
	r->e = e2e_form_start_at_in(bin_dir, name, args, fleet_ok, pred, r->id, sizeof r->id,
				    &r->drv);
	snprintf(r->path, sizeof r->path, "/v1/drivers/%s", r->id);
}

void e2e_form_run_start_in(const char *bin_dir, struct e2e_form_run *r, const char *name,
			   e2e_drv_pred pred)
{
	e2e_form_run_start_at_in(bin_dir, r, name, NULL, text_printable, pred);
}

void e2e_form_run_end(struct e2e_form_run *r)
{
	cJSON_Delete(r->drv);
	e2e_finish(r->e);
}

void e2e_detail_driver_id(struct e2e *e, char *id, size_t n)
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

int e2e_right_row_with(struct e2e *e, int from, const char *text)
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

/* First in one go to the row holding the driver's name when that row is on
 * screen, then one step at a time until the detail pane agrees. */
void e2e_goto_driver(struct e2e *e, const cJSON *fleets, int ia, const char *id)
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
	cJSON *d = e2e_server_driver(e, id);
	expect_prefix(jstr(d, "name"), 10, pre, sizeof pre);
	cJSON_Delete(d);
	int sel = e2e_right_row_with(e, 1, "▶"), at = pre[0] ? e2e_right_row_with(e, 1, pre) : -1;
	for (int i = 0; sel > 0 && at > sel && i < at - sel; i++)
		term_send_keys(e->t, "j");
	char now[96] = "";
	for (int i = 0; i < 80; i++) {
		for (double end = term_now_ms() + 3000; term_now_ms() < end;) {
			term_wait_idle(e->t, 150, 1000);
			e2e_detail_driver_id(e, now, sizeof now);
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

/* The driver of `drivers` whose name's first 10 characters are on row. */
static const cJSON *driver_on_row(struct e2e *e, const cJSON *drivers, int row)
{
	char *text = term_row(e->t, row);
	const cJSON *d, *hit = NULL;
	cJSON_ArrayForEach(d, drivers)
	{
		char pre[64];
		expect_prefix(jstr(d, "name"), 10, pre, sizeof pre);
		if (pre[0] && text && strstr(text, pre)) {
			hit = d;
			break;
		}
	}
	free(text);
	return hit;
}

const cJSON *e2e_select_first_driver(struct e2e *e, int ia, const cJSON *drivers)
{
	for (int i = 0; i < ia; i++)
		term_send_keys(e->t, "j");
	int col = -1;
	double end = term_now_ms() + 10000;
	while (col < 0 && term_now_ms() < end) {
		term_wait_idle(e->t, 200, 2000);
		const cJSON *d;
		cJSON_ArrayForEach(d, drivers)
		{
			char pre[64];
			expect_prefix(jstr(d, "name"), 10, pre, sizeof pre);
			if (pre[0] && term_find(e->t, pre, NULL, &col) == 0)
				break;
			col = -1;
		}
	}
	ck_assert_msg(col >= 0, "no driver of the fleet on screen");
	term_send_key(e->t, TK_TAB);
	ck_assert(term_wait_idle(e->t, 200, 3000));
	int sel = e2e_highlight_row(e, col, 1, term_rows(e->t) - 1);
	const cJSON *d = sel >= 0 ? driver_on_row(e, drivers, sel) : NULL;
	if (!d)
		e2e_dump(e, "selected driver");
	ck_assert_msg(d != NULL, "no selected driver found (row %d)", sel);
	return d;
}

void e2e_form_open(struct e2e *e)
{
	term_send_keys(e->t, "e");
	E2E_WAIT(e, "Edit driver", 3000);
	E2E_WAIT(e, "Phone", 3000);
	ck_assert(term_wait_idle(e->t, 200, 3000));
}

void e2e_form_set_field(struct e2e *e, int tabs, const char *text)
{
	for (int i = 0; i < tabs; i++)
		term_send_key(e->t, TK_TAB);
	term_send_key(e->t, TK_ENTER);
	term_send_keys(e->t, "\x15"); /* ^U */
	term_send_keys(e->t, text);
	term_send_key(e->t, TK_ENTER);
	ck_assert(term_wait_idle(e->t, 200, 3000));
}

void e2e_form_pick_option(struct e2e *e, int tabs, const char *text)
{
	for (int i = 0; i < tabs; i++)
		term_send_key(e->t, TK_TAB);
	term_send_key(e->t, TK_ENTER);
	E2E_WAIT(e, "type to filter", 3000);
	term_send_keys(e->t, text);
	ck_assert(term_wait_idle(e->t, 150, 3000));
	term_send_key(e->t, TK_ENTER);
}

void e2e_form_save(struct e2e *e)
{
	term_send_keys(e->t, "\x0f"); /* ^O (^S may be eaten by IXON) */
}

void e2e_form_edit_and_save(struct e2e *e, int tabs, const char *text)
{
	e2e_form_open(e);
	e2e_form_set_field(e, tabs, text);
	e2e_form_save(e);
}

void e2e_form_field_error(struct e2e *e, const char *label, const char *msg)
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

void e2e_wait_posts(struct e2e *e, long since, size_t n, int ms, struct mock_reqs *log)
{
	for (double end = term_now_ms() + ms;;) {
		ck_assert_int_eq(mockctl_requests(e->mc, since, log), 0);
		if (mock_reqs_count(log, "POST", NULL) >= n || term_now_ms() > end)
			return;
		mock_reqs_clear(log);
		term_wait_output(e->t, term_mark(e->t), 100);
	}
}

void e2e_assert_one_post(struct e2e *e, const struct mock_reqs *log, const char *path,
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
		ck_assert_msg(!want || (log->v[i].body && strcmp(log->v[i].body, want) == 0),
			      "POST body %s, want exactly %s",
			      log->v[i].body ? log->v[i].body : "(none)", want);
	}
}

void e2e_expect_one_post(struct e2e *e, long since, const char *path, const char *want)
{
	struct mock_reqs log;
	e2e_wait_posts(e, since, 1, 5000, &log);
	e2e_assert_one_post(e, &log, path, want);
	mock_reqs_clear(&log);
}

void e2e_assert_no_post(struct e2e *e, long since, int quiet_ms)
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
