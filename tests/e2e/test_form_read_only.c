/*
 * test_form_read_only.c — with --read-only, the form keys e, n, a and d
 * open no form, picker or question (the status line says why), in the
 * drivers pane and in the fleets pane, and the mock's request log holds no
 * POST at all.  The control run without --read-only shows the same keys do
 * open their dialogs, so their absence means something.
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

static bool one_fleet(const cJSON *d)
{
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "fleets")) == 1;
}

/* Texts only a form, picker or question shows. */
static const char *const dialog_texts[] = {
	"Edit driver", "Edit fleet", "New driver", "Attach to fleet", "Detach from fleet",
	"y yes  n/Esc no", "F2/^O save", "type to filter",
};

static const char *dialog_on_screen(struct e2e *e)
{
	for (size_t i = 0; i < sizeof dialog_texts / sizeof dialog_texts[0]; i++)
		if (term_find(e->t, dialog_texts[i], NULL, NULL) == 0)
			return dialog_texts[i];
	return NULL;
}

static struct e2e *start_at_driver(const char *name, const char *const *args)
{
	struct e2e *e = start(name, args);
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	int ia = -1;
	cJSON *drv = pick_driver(e->mc, fleets, one_fleet, &ia);
	ck_assert_ptr_nonnull(drv);
	goto_driver(e, fleets, ia, jstr(drv, "id"));
	cJSON_Delete(drv);
	cJSON_Delete(fleets);
	return e;
}

START_TEST(read_only_opens_no_form_and_sends_no_post)
{
	static const struct {
		const char *key, *msg;
	} keys[] = {
		{ "e", "edit: not allowed (read-only)" },
		{ "n", "new: not allowed (read-only)" },
		{ "a", "attach: not allowed (read-only)" },
		{ "d", "detach: not allowed (read-only)" },
	};
	const char *args[] = { "--read-only", NULL };
	struct e2e *e = start_at_driver("form_read_only", args);
	for (int pane = 0; pane < 2; pane++) {
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			term_send_keys(e->t, keys[i].key);
			e2e_wait_str(e, keys[i].msg, 3000);
			term_wait_idle(e->t, 200, 2000);
			const char *d = dialog_on_screen(e);
			if (d)
				e2e_dump(e, keys[i].msg);
			ck_assert_msg(d == NULL, "pane %d, key %s opened a dialog (%s)", pane,
				      keys[i].key, d);
			/* Whatever a stray hand would do next to finish it. */
			term_send_keys(e->t, "y");
			term_send_keys(e->t, "\x0f");
			term_wait_idle(e->t, 150, 2000);
			ck_assert(!term_exited(e->t));
		}
		term_send_key(e->t, TK_TAB); /* the fleets pane */
		term_wait_idle(e->t, 200, 2000);
	}
	/* Nothing was ever written, over the whole run. */
	assert_no_post(e, 0, 500);
	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, 0, &log), 0);
	ck_assert_uint_gt(log.n, 0); /* it did talk to the mock (GETs) */
	ck_assert_uint_eq(mock_reqs_count(&log, "POST", NULL), 0);
	mock_reqs_clear(&log);
	e2e_finish(e);
}
END_TEST

/* Control: the same keys without --read-only open their dialogs. */
START_TEST(without_read_only_the_same_keys_open_dialogs)
{
	static const struct {
		const char *key, *title;
	} keys[] = {
		{ "e", "Edit driver" },
		{ "n", "New driver" },
		{ "a", "Attach to fleet" },
		{ "d", "y yes  n/Esc no" },
	};
	struct e2e *e = start_at_driver("form_read_only_control", NULL);
	long since = mockctl_last_seq(e->mc);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		term_send_keys(e->t, keys[i].key);
		e2e_wait_str(e, keys[i].title, 3000);
		term_send_key(e->t, TK_ESC);
		if (!term_wait_gone(e->t, keys[i].title, 3000)) {
			e2e_dump(e, keys[i].title);
			ck_abort_msg("Esc did not close %s", keys[i].title);
		}
	}
	assert_no_post(e, since, 300);
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("form_read_only");
	TCase *tc = tcase_create("read_only");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, read_only_opens_no_form_and_sends_no_post);
	tcase_add_test(tc, without_read_only_the_same_keys_open_dialogs);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
