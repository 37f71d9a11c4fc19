/*
 * test_form_attach_detach.c — a user attaches a driver to another fleet
 * (`a`, types part of the fleet's name in the searchable picker, Enter) and
 * detaches it again (`d`, picks the fleet, confirms with y).  On the wire:
 * exactly one POST /v1/drivers/ID/attach, then one .../detach, each with
 * body exactly {"fleet":"flt_…"} and an Idempotency-Key; nothing before the
 * confirmation.  On screen: the fleet's driver count in the fleets pane goes
 * up by one and back down (contract: total_drivers follows on the next read).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e_form.h"

/* ---- helpers of this test (the shared ones: tests/lib/e2e_form.h) */

/* The driver count the fleets pane shows for the fleet whose name starts
 * with pre: the second-to-last number of its row (drivers, sessions), or -1. */
static long fleet_count_shown(struct e2e *e, const char *pre)
{
	int row = -1, col = -1;
	if (term_find_from(e->t, 2, pre, &row, &col) != 0 || col > 40)
		return -1;
	char *text = term_row(e->t, row);
	if (!text)
		return -1;
	char *cut = strstr(text, "││"); /* the fleets pane ends here */
	if (cut)
		*cut = 0;
	long nums[2] = { -1, -1 };
	int got = 0;
	char *p = text + strlen(text);
	while (p > text && got < 2) {
		while (p > text && !(p[-1] >= '0' && p[-1] <= '9'))
			p--;
		char *endp = p;
		while (p > text && ((p[-1] >= '0' && p[-1] <= '9') || p[-1] == ','))
			p--;
		if (endp == p)
			break;
		long v = 0;
		for (char *q = p; q < endp; q++)
			if (*q != ',')
				v = v * 10 + (*q - '0');
		nums[got++] = v;
	}
	free(text);
	return got == 2 ? nums[1] : -1;
}

static void wait_fleet_count(struct e2e *e, const char *pre, long want, const char *why)
{
	long shown = -1;
	for (double end = term_now_ms() + 8000; term_now_ms() < end;) {
		shown = fleet_count_shown(e, pre);
		if (shown == want)
			return;
		term_wait_output(e->t, term_mark(e->t), 200);
	}
	e2e_dump(e, why);
	ck_abort_msg("%s: fleet %s shows %ld drivers, want %ld", why, pre, shown, want);
}

/* Type the first 6 characters of the fleet's name into an open picker. */
static void type_filter(struct e2e *e, const char *name)
{
	for (const char *k = name; *k && k < name + 6; k++) {
		term_send_bytes(e->t, k, 1);
		term_wait_idle(e->t, 50, 1000);
	}
	ck_assert(term_wait_idle(e->t, 150, 3000));
}

/* One run: the console, the oracle's fleets, and the first driver matching
 * pred in the first plain-named fleet (its id, and that fleet's index ia);
 * no key sent yet. */
struct pick {
	struct e2e *e;
	cJSON *fleets, *drv;
	int ia;
	char id[96];
};

static void pick_start(struct pick *p, const char *name, const char *const *args,
		       e2e_drv_pred pred)
{
	p->e = e2e_form_start(name, args, NULL);
	p->fleets = mockctl_get_all(p->e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(p->fleets);
	p->ia = -1;
	p->drv = oracle_pick_driver(p->e->mc, p->fleets, text_plain, pred, &p->ia);
	ck_assert_ptr_nonnull(p->drv);
	snprintf(p->id, sizeof p->id, "%s", jstr(p->drv, "id"));
}

static void pick_end(struct pick *p)
{
	cJSON_Delete(p->drv);
	cJSON_Delete(p->fleets);
	e2e_finish(p->e);
}

/* d on the selected driver (id), pick the fleet (fid) by typing its name,
 * Enter: a question, and nothing sent while it waits (quiet_ms); y sends
 * exactly one POST /v1/drivers/ID/detach {"fleet":"FID"}. */
static void detach_confirmed(struct e2e *e, const char *id, const char *name, const char *fid,
			     int quiet_ms)
{
	char path[192], body[160];
	long since = mockctl_last_seq(e->mc);
	term_send_keys(e->t, "d");
	E2E_WAIT(e, "Detach from fleet", 3000);
	type_filter(e, name);
	term_send_key(e->t, TK_ENTER);
	E2E_WAIT(e, "detach ", 3000);
	e2e_assert_no_post(e, since, quiet_ms);
	term_send_keys(e->t, "y");
	snprintf(path, sizeof path, "/v1/drivers/%s/detach", id);
	snprintf(body, sizeof body, "{\"fleet\":\"%s\"}", fid);
	e2e_expect_one_post(e, since, path, body);
}

/* The server has the driver (id) in one fleet, and not in fid. */
static void assert_server_detached(struct e2e *e, const char *id, const char *fid)
{
	cJSON *srv = e2e_server_driver(e, id);
	ck_assert(!id_in_list(cJSON_GetObjectItemCaseSensitive(srv, "fleets"), fid));
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(srv, "fleets")), 1);
	cJSON_Delete(srv);
}

/* The first fleet the driver is not in with a plain name of 6+ characters
 * whose first six no other fleet's name starts with (typing them finds it
 * alone).  With by_second_word, also a second word of 4+ characters whose
 * first six hold no space and are in no other fleet's name (any case).
 * NULL if none. */
static const cJSON *attach_target(const cJSON *fleets, const cJSON *drv, bool by_second_word)
{
	const cJSON *f, *g;
	cJSON_ArrayForEach(f, fleets)
	{
		const char *name = jstr(f, "name");
		const char *sp = text_plain(name) ? strchr(name, ' ') : NULL;
		if (!text_plain(name) || strlen(name) < 6 ||
		    (by_second_word && (!sp || strlen(sp + 1) < 4)) ||
		    id_in_list(cJSON_GetObjectItemCaseSensitive(drv, "fleets"), jstr(f, "id")))
			continue;
		char mid[8] = "";
		if (by_second_word)
			snprintf(mid, sizeof mid, "%.6s", sp + 1);
		int same = 0, mids = 0;
		cJSON_ArrayForEach(g, fleets)
		{
			same += jstr(g, "name") && strncmp(jstr(g, "name"), name, 6) == 0;
			mids += jstr(g, "name") && strcasestr(jstr(g, "name"), mid) != NULL;
		}
		if (same == 1 && (!by_second_word || (mids == 1 && !strchr(mid, ' '))))
			return f;
	}
	return NULL;
}

START_TEST(attach_then_detach)
{
	const char *args[] = { "--refresh", "1", NULL };
	struct pick p;
	pick_start(&p, "form_attach_detach", args, drv_one_fleet);
	struct e2e *e = p.e;
	const cJSON *fleets = p.fleets, *drv = p.drv;
	const char *id = p.id;

	/* Target: a plain-named fleet the driver is not in, whose first six
	 * characters, and the first six of its second word, no other fleet's
	 * name holds (so typing either finds it alone: attach types part of
	 * the second word, detach the start). */
	const cJSON *t = attach_target(fleets, drv, true);
	ck_assert_msg(t != NULL, "no fleet to attach to");
	char tid[96], tname[128], tpre[64];
	snprintf(tid, sizeof tid, "%s", jstr(t, "id"));
	snprintf(tname, sizeof tname, "%s", jstr(t, "name"));
	expect_prefix(tname, 12, tpre, sizeof tpre);
	long before = jint(t, "total_drivers", -1);
	ck_assert_int_ge(before, 0);

	e2e_goto_driver(e, fleets, p.ia, id);
	wait_fleet_count(e, tpre, before, "fleet count before attach");

	/* Attach. */
	char want_path[192], want_body[160];
	snprintf(want_body, sizeof want_body, "{\"fleet\":\"%s\"}", tid);
	long since = mockctl_last_seq(e->mc);
	term_send_keys(e->t, "a");
	E2E_WAIT(e, "Attach to fleet", 3000);
	type_filter(e, strchr(tname, ' ') + 1); /* part of the name, from its middle */
	E2E_WAIT(e, " 1 of ", 3000); /* the picker kept that one fleet */
	term_send_key(e->t, TK_ENTER);
	snprintf(want_path, sizeof want_path, "/v1/drivers/%s/attach", id);
	e2e_expect_one_post(e, since, want_path, want_body);
	E2E_WAIT(e, "attached", 5000);
	wait_fleet_count(e, tpre, before + 1, "fleet count after attach");
	cJSON *srv = e2e_server_driver(e, id);
	ck_assert(id_in_list(cJSON_GetObjectItemCaseSensitive(srv, "fleets"), tid));
	cJSON_Delete(srv);

	/* Detach: two fleets now, so a picker, then a question; nothing is
	 * sent before y. */
	detach_confirmed(e, id, tname, tid, 400);
	E2E_WAIT(e, "detached", 5000);
	wait_fleet_count(e, tpre, before, "fleet count after detach");
	assert_server_detached(e, id, tid);
	pick_end(&p);
}
END_TEST

/* RTY-1's own case: the mock applies the attach and closes the connection
 * before answering.  The console retries with the same key and body, the
 * mock replays its first answer, and the driver is attached once: the
 * console says "attached" (not a 409 "already in that fleet") and the
 * count goes up by exactly one. */
START_TEST(attach_reset_after_commit_is_applied_once)
{
	const char *args[] = { "--refresh", "1", NULL };
	struct pick p;
	pick_start(&p, "form_attach_reset_after_commit", args, drv_one_fleet);
	struct e2e *e = p.e;
	const cJSON *fleets = p.fleets, *drv = p.drv;
	const char *id = p.id;
	const cJSON *t = attach_target(fleets, drv, false), *f, *g;
	ck_assert_ptr_nonnull(t);
	char tid[96], tname[128], tpre[64], want_path[192], want_body[160];
	snprintf(tid, sizeof tid, "%s", jstr(t, "id"));
	snprintf(tname, sizeof tname, "%s", jstr(t, "name"));
	expect_prefix(tname, 12, tpre, sizeof tpre);
	long before = jint(t, "total_drivers", -1);
	e2e_goto_driver(e, fleets, p.ia, id);
	wait_fleet_count(e, tpre, before, "fleet count before attach");

	ck_assert_int_eq(mockctl_faults(e->mc, "drop=after,path=/v1/drivers/,method=POST"), 0);
	long since = mockctl_last_seq(e->mc);
	term_send_keys(e->t, "a");
	E2E_WAIT(e, "Attach to fleet", 3000);
	type_filter(e, tname);
	term_send_key(e->t, TK_ENTER);
	struct mock_reqs log;
	e2e_wait_posts(e, since, 2, 10000, &log);
	mock_reqs_clear(&log);
	E2E_WAIT(e, "attached", 10000);
	term_wait_idle(e->t, 500, 3000);
	ck_assert_int_eq(mockctl_requests(e->mc, since, &log), 0);
	snprintf(want_path, sizeof want_path, "/v1/drivers/%s/attach", id);
	snprintf(want_body, sizeof want_body, "{\"fleet\":\"%s\"}", tid);
	size_t posts = mock_reqs_count(&log, "POST", NULL);
	ck_assert_msg(posts >= 2, "%zu attach requests, want the dropped one and a retry", posts);
	const char *key = NULL;
	bool ok200 = false;
	for (size_t i = 0; i < log.n; i++) {
		if (strcmp(log.v[i].method, "POST"))
			continue;
		ck_assert_str_eq(log.v[i].path, want_path);
		ck_assert_msg(log.v[i].body && !strcmp(log.v[i].body, want_body), "body %s",
			      log.v[i].body ? log.v[i].body : "(none)");
		ck_assert_msg(log.v[i].idem_key && *log.v[i].idem_key, "attach without a key");
		if (!key)
			key = log.v[i].idem_key;
		ck_assert_msg(!strcmp(log.v[i].idem_key, key), "retry with another key: %s vs %s",
			      log.v[i].idem_key, key);
		ok200 |= log.v[i].status == 200;
	}
	ck_assert_msg(ok200, "no attempt got the (replayed) 200");
	mock_reqs_clear(&log);
	ck_assert_msg(term_find(e->t, "already", NULL, NULL) != 0, "console reports a conflict");
	wait_fleet_count(e, tpre, before + 1, "fleet count after attach");
	cJSON *tf = mockctl_get(e->mc, "/fleets?limit=100", NULL);
	ck_assert_ptr_nonnull(tf);
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(tf, "data"))
		if (!strcmp(jstr(f, "id"), tid))
			ck_assert_int_eq(jint(f, "total_drivers", -1), before + 1);
	cJSON_Delete(tf);
	cJSON *srv = e2e_server_driver(e, id);
	int n = 0;
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(srv, "fleets"))
		n += cJSON_IsString(g) && !strcmp(g->valuestring, tid);
	ck_assert_int_eq(n, 1);
	cJSON_Delete(srv);
	pick_end(&p);
}
END_TEST

static bool two_fleets(const cJSON *d)
{
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "fleets")) == 2;
}

/* Detach a driver from the fleet in view: one POST .../detach with that
 * fleet, and the driver leaves the list in view (its count drops by one). */
START_TEST(detach_from_the_fleet_in_view)
{
	const char *args[] = { "--refresh", "1", NULL };
	struct pick p;
	pick_start(&p, "form_detach_in_view", args, two_fleets);
	struct e2e *e = p.e;
	const cJSON *a = cJSON_GetArrayItem(p.fleets, p.ia);
	char aid[96], aname[128], apre[64], want[192];
	snprintf(aid, sizeof aid, "%s", jstr(a, "id"));
	snprintf(aname, sizeof aname, "%s", jstr(a, "name"));
	expect_prefix(aname, 12, apre, sizeof apre);
	long n = jint(a, "total_drivers", -1);
	e2e_goto_driver(e, p.fleets, p.ia, p.id);
	snprintf(want, sizeof want, "%s (%ld)", aname, n);
	e2e_wait_str(e, want, 3000);

	detach_confirmed(e, p.id, aname, aid, 300);
	snprintf(want, sizeof want, "%s (%ld)", aname, n - 1);
	e2e_wait_str(e, want, 8000);
	wait_fleet_count(e, apre, n - 1, "fleet count after detach");
	assert_server_detached(e, p.id, aid);
	pick_end(&p);
}
END_TEST

/* n / Esc on the question: no detach is sent. */
START_TEST(detach_declined_sends_nothing)
{
	struct pick p;
	pick_start(&p, "form_detach_declined", NULL, drv_one_fleet);
	struct e2e *e = p.e;
	e2e_goto_driver(e, p.fleets, p.ia, p.id);
	long since = mockctl_last_seq(e->mc);
	term_send_keys(e->t, "d");
	E2E_WAIT(e, "detach ", 3000); /* one fleet: straight to the question */
	term_send_keys(e->t, "n");
	ck_assert(term_wait_gone(e->t, "detach ", 3000));
	term_send_keys(e->t, "d");
	E2E_WAIT(e, "detach ", 3000);
	term_send_key(e->t, TK_ESC);
	ck_assert(term_wait_gone(e->t, "detach ", 3000));
	e2e_assert_no_post(e, since, 500);
	cJSON *srv = e2e_server_driver(e, p.id);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(srv, "fleets")), 1);
	cJSON_Delete(srv);
	pick_end(&p);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("form_attach_detach");
	TCase *tc = tcase_create("attach");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, attach_then_detach);
	tcase_add_test(tc, detach_declined_sends_nothing);
	tcase_add_test(tc, detach_from_the_fleet_in_view);
	tcase_add_test(tc, attach_reset_after_commit_is_applied_once);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
