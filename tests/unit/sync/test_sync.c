/* Unit tests for src/sync: queue, workers, wake pipe, cancel, refresh thread,
 * all against a real in-process charge-mock. */
#include <check.h>
#include <curl/curl.h>
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chargetui/secret.h"
#include "chargetui/store.h"
#include "chargetui/sync.h"
#include "mockctl.h"

#define TEST_KEY "ch_sk_test_syncsuite0123456789ab"

static struct mockctl *mc;
static struct secret *key;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void start_mock(int drivers)
{
	struct mock_options o = {.fleets = 12, .drivers = drivers, .quiet = true,
				 .rate_limit = -1};
	mc = mockctl_start(&o);
	ck_assert_ptr_nonnull(mc);
	key = secret_new(TEST_KEY, strlen(TEST_KEY));
	ck_assert_ptr_nonnull(key);
}

/* The id of the mock's newest fleet (the first its list gives). */
static void first_fleet_id(char *fid, size_t n)
{
	cJSON *fl = mockctl_get(mc, "/fleets?limit=1", NULL);
	ck_assert_ptr_nonnull(fl);
	const char *id =
	    jstr(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(fl, "data"), 0), "id");
	ck_assert_ptr_nonnull(id);
	snprintf(fid, n, "%s", id);
	cJSON_Delete(fl);
}

static void stop_mock(void)
{
	mockctl_stop(mc);
	secret_free(key);
	mc = NULL;
	key = NULL;
}

static struct sync *new_sync_cfg(int workers, double refresh_s, double rate, bool read_only)
{
	struct sync_config cfg = {.workers = workers, .refresh_s = refresh_s, .rate_per_s = rate};
	cfg.http.read_only = read_only;
	cfg.http.base_url = mockctl_base(mc);
	cfg.http.key = key;
	cfg.http.get_timeout_ms = 20000;
	struct api_error err = {0};
	struct sync *s = sync_new(&cfg, &err);
	ck_assert_msg(s != NULL, "sync_new: %s", err.detail ? err.detail : "?");
	return s;
}

static struct sync *new_sync(int workers, double refresh_s)
{
	/* the mock's own limit is off; ours is set high so timing tests are
	 * about what they test */
	return new_sync_cfg(workers, refresh_s, 1000, false);
}

/* Replies collected so far, in arrival order. */
struct got {
	struct reply *head, *tail;
	size_t n;
};

/* Wait on the wake fd (never a spin) up to ms; append what arrived. */
static size_t pump(struct sync *s, struct got *g, int ms)
{
	struct pollfd p = {.fd = sync_wake_fd(s), .events = POLLIN};
	if (poll(&p, 1, ms) <= 0)
		return 0;
	struct reply *r = sync_take(s);
	ck_assert_msg(r != NULL, "woken with nothing to take");
	size_t n = 0;
	while (r) {
		struct reply *next = r->next;
		r->next = NULL;
		if (g->tail)
			g->tail->next = r;
		else
			g->head = r;
		g->tail = r;
		g->n++;
		n++;
		r = next;
	}
	return n;
}

typedef bool (*until_fn)(const struct reply *r, void *ctx);

/* Pump until a reply satisfies fn (returned) or the deadline passes.  Only
 * replies that arrive after `after` are looked at (NULL: all of them). */
static const struct reply *wait_after(struct sync *s, struct got *g, const struct reply *after,
				      double secs, until_fn fn, void *ctx)
{
	double end = now_s() + secs;
	const struct reply *seen = after;
	for (;;) {
		for (const struct reply *r = seen ? seen->next : g->head; r; r = r->next) {
			seen = r;
			if (fn(r, ctx))
				return r;
		}
		double left = end - now_s();
		if (left <= 0)
			return NULL;
		pump(s, g, (int)(left * 1000) + 1);
	}
}

/* Any reply so far or to come. */
static const struct reply *wait_for(struct sync *s, struct got *g, double secs, until_fn fn,
				    void *ctx)
{
	return wait_after(s, g, NULL, secs, fn, ctx);
}

/* Only replies still to come. */
static const struct reply *wait_new(struct sync *s, struct got *g, double secs, until_fn fn,
				    void *ctx)
{
	return wait_after(s, g, g->tail, secs, fn, ctx);
}

static bool is_done(const struct reply *r, void *ctx)
{
	uint64_t id = *(const uint64_t *)ctx;
	return r->job_id == id && r->done;
}

static bool is_status(const struct reply *r, void *ctx)
{
	(void)ctx;
	return r->kind == REPLY_REFRESH_STATUS;
}

static bool is_status_ok(const struct reply *r, void *ctx)
{
	(void)ctx;
	return r->kind == REPLY_REFRESH_STATUS && r->refresh_ok;
}

/* The first n driver ids, from the oracle. */
static size_t driver_ids(char ids[][48], size_t n, const char *query)
{
	char q[64];
	snprintf(q, sizeof(q), "/drivers?limit=%zu%s", n, query ? query : "");
	cJSON *j = mockctl_get(mc, q, NULL);
	ck_assert_ptr_nonnull(j);
	cJSON *data = cJSON_GetObjectItemCaseSensitive(j, "data");
	size_t k = 0;
	cJSON *it;
	cJSON_ArrayForEach(it, data)
	{
		if (k < n)
			snprintf(ids[k++], 48, "%s", jstr(it, "id"));
	}
	cJSON_Delete(j);
	return k;
}

static uint64_t submit_get(struct sync *s, const char *id, uint64_t tag)
{
	struct job j = {.kind = JOB_DRIVER_GET, .id = strdup(id), .tag = tag};
	return sync_submit(s, &j);
}

/* A create with this name and email, attached to fleet_id when not NULL. */
static uint64_t submit_create(struct sync *s, const char *fleet_id, const char *name,
			      const char *email)
{
	struct job c = {.kind = JOB_DRIVER_CREATE, .fleet_id = fleet_id ? strdup(fleet_id) : NULL};
	c.dpatch.set = DRV_NAME | DRV_EMAIL;
	ck_assert_int_eq(opt_str_set(&c.dpatch.v.name, name), 0);
	ck_assert_int_eq(opt_str_set(&c.dpatch.v.email, email), 0);
	return sync_submit(s, &c);
}

START_TEST(test_list_every_page)
{
	start_mock(450);
	struct sync *s = new_sync(2, -1);
	struct pollfd p = {.fd = sync_wake_fd(s), .events = POLLIN};
	ck_assert_int_eq(poll(&p, 1, 0), 0); /* nothing yet */
	struct job j = {.kind = JOB_DRIVERS_LIST, .tag = 77};
	uint64_t id = sync_submit(s, &j);
	ck_assert_uint_gt(id, 0);
	ck_assert_int_eq(j.kind, 0); /* taken */

	struct store *st = store_new();
	struct got g = {0};
	ck_assert_ptr_nonnull(wait_for(s, &g, 20, is_done, &id));
	size_t pages = 0, dones = 0;
	for (struct reply *r = g.head; r; r = r->next) {
		ck_assert_int_eq(r->kind, REPLY_DRIVER_PAGE);
		ck_assert_uint_eq(r->tag, 77);
		ck_assert_int_eq(r->origin, ORIGIN_USER);
		pages++;
		dones += r->done;
		for (size_t i = 0; i < r->dpage.n; i++)
			ck_assert_uint_eq(store_put_driver(st, &r->dpage.items[i]), STORE_NEW);
	}
	ck_assert_uint_eq(store_driver_count(st), 450); /* all, and no duplicate */
	ck_assert_uint_ge(pages, 5);                    /* one reply per page */
	ck_assert_uint_eq(dones, 1);
	ck_assert(g.tail->done);
	ck_assert_int_eq(poll(&p, 1, 0), 0); /* sync_take drained the pipe */

	/* flow control: a UI that does not take replies holds the list job at
	 * a few pages, and it resumes when the UI takes them */
	struct job slow = {.kind = JOB_DRIVERS_LIST};
	id = sync_submit(s, &slow);
	usleep(500 * 1000);
	struct reply *first = sync_take(s);
	size_t held = 0;
	for (struct reply *r = first; r; r = r->next)
		held++;
	ck_assert_uint_ge(held, 1);
	ck_assert_uint_le(held, 4);
	reply_free(first);
	struct got g2 = {0};
	ck_assert_ptr_nonnull(wait_for(s, &g2, 20, is_done, &id));
	size_t rest = 0;
	for (struct reply *r = g2.head; r; r = r->next)
		rest += r->dpage.n;
	ck_assert_uint_eq(rest, 450 - held * 100);
	reply_free(g2.head);
	ck_assert_ptr_null(sync_take(s));

	reply_free(g.head);

	/* one fleet's drivers: the filter reaches the server */
	char fid[48], q[96];
	first_fleet_id(fid, sizeof(fid));
	snprintf(q, sizeof(q), "/drivers?limit=100&fleet=%s", fid);
	cJSON *members = mockctl_get_all(mc, q);
	ck_assert_ptr_nonnull(members);
	int want = cJSON_GetArraySize(members);
	cJSON_Delete(members);
	struct job f = {.kind = JOB_DRIVERS_LIST, .fleet_id = strdup(fid)};
	id = sync_submit(s, &f);
	g = (struct got){0};
	ck_assert_ptr_nonnull(wait_for(s, &g, 20, is_done, &id));
	int n = 0;
	for (struct reply *r = g.head; r; r = r->next) {
		ck_assert_int_eq(r->kind, REPLY_DRIVER_PAGE);
		for (size_t i = 0; i < r->dpage.n; i++, n++) {
			const struct str_list *l = &r->dpage.items[i].fleets;
			bool member = false;
			for (size_t k = 0; k < l->n; k++)
				member |= strcmp(l->v[k], fid) == 0;
			ck_assert(member);
		}
	}
	ck_assert_int_eq(n, want);
	reply_free(g.head);
	store_free(st);
	sync_free(s);
	stop_mock();
}
END_TEST

START_TEST(test_user_jobs_before_refresh)
{
	start_mock(60);
	char ids[8][48];
	ck_assert_uint_eq(driver_ids(ids, 8, NULL), 8);
	ck_assert_int_eq(mockctl_faults(mc, "latency=120"), 0);
	struct sync *s = new_sync(1, 1000); /* the timer never fires by itself */
	const char *vis[4] = {ids[4], ids[5], ids[6], ids[7]};
	sync_set_visible(s, NULL, 0, vis, 4);
	uint64_t last = 0;
	for (int i = 0; i < 4; i++)
		last = submit_get(s, ids[i], (uint64_t)i);
	sync_refresh_now(s);
	struct got g = {0};
	ck_assert_ptr_nonnull(wait_for(s, &g, 20, is_status, NULL));
	ck_assert_ptr_nonnull(wait_for(s, &g, 20, is_done, &last));
	size_t user_before = 0, refresh_drivers = 0;
	bool refresh_seen = false;
	for (struct reply *r = g.head; r; r = r->next) {
		if (r->origin == ORIGIN_REFRESH && r->kind == REPLY_DRIVER) {
			refresh_seen = true;
			refresh_drivers++;
		} else if (r->origin == ORIGIN_USER) {
			ck_assert_int_eq(r->kind, REPLY_DRIVER);
			if (!refresh_seen)
				user_before++;
		}
	}
	/* With one worker the refresh GETs wait while user jobs are queued: at
	 * most the last user job can run beside the first refresh GET. */
	ck_assert_uint_ge(user_before, 3);
	ck_assert_uint_eq(refresh_drivers, 4);
	reply_free(g.head);
	sync_free(s);
	stop_mock();
}
END_TEST

START_TEST(test_cancel_stalled_and_queued)
{
	start_mock(20);
	char ids[2][48];
	ck_assert_uint_eq(driver_ids(ids, 2, NULL), 2);
	ck_assert_int_eq(mockctl_faults(mc, "stall=before"), 0);
	struct sync *s = new_sync(1, -1);
	uint64_t a = submit_get(s, ids[0], 1);
	uint64_t b = submit_get(s, ids[1], 2); /* queued behind the stalled one */
	usleep(200 * 1000);
	struct got g = {0};
	double t0 = now_s();
	sync_cancel(s, b);
	const struct reply *rb = wait_for(s, &g, 2, is_done, &b);
	ck_assert_ptr_nonnull(rb);
	ck_assert_msg(now_s() - t0 < 0.2, "queued cancel took %.2f s", now_s() - t0);
	ck_assert_int_eq(rb->kind, REPLY_ERROR);
	ck_assert_int_eq(rb->err.kind, API_ERR_CANCELLED);
	ck_assert_uint_eq(rb->tag, 2);
	t0 = now_s();
	sync_cancel(s, a);
	const struct reply *ra = wait_for(s, &g, 2, is_done, &a);
	printf("cancel of a stalled request: %.3f s\n", now_s() - t0);
	ck_assert_ptr_nonnull(ra);
	ck_assert_int_eq(ra->kind, REPLY_ERROR);
	ck_assert_int_eq(ra->err.kind, API_ERR_CANCELLED);
	/* libcurl 7.88's easy loop calls the progress callback (where the HTTP
	 * layer reads the cancel flag) only when its poll returns, at most ~1 s
	 * apart while a response stalls: that is the bound here. */
	ck_assert_msg(now_s() - t0 < 1.2, "cancel took %.2f s", now_s() - t0);
	sync_cancel(s, 9999); /* unknown: harmless */
	reply_free(g.head);
	sync_free(s);
	stop_mock();
}
END_TEST

START_TEST(test_free_while_stalled)
{
	start_mock(20);
	char ids[3][48];
	ck_assert_uint_eq(driver_ids(ids, 3, NULL), 3);
	ck_assert_int_eq(mockctl_faults(mc, "stall=before"), 0);
	struct sync *s = new_sync(2, 0.05);
	sync_set_visible(s, NULL, 0, (const char *const[]){ids[2]}, 1);
	submit_get(s, ids[0], 1);
	submit_get(s, ids[1], 2);
	submit_get(s, ids[2], 3); /* stays queued */
	usleep(300 * 1000);       /* both workers and the refresh thread stall */
	double t0 = now_s();
	sync_free(s);
	double took = now_s() - t0;
	printf("sync_free with 3 stalled requests: %.3f s\n", took);
	ck_assert_msg(took < 1.0, "sync_free took %.2f s", took);
	stop_mock();
}
END_TEST

START_TEST(test_post_carries_idem_key)
{
	start_mock(20);
	char ids[1][48];
	ck_assert_uint_eq(driver_ids(ids, 1, NULL), 1);
	long mark = mockctl_last_seq(mc);
	struct sync *s = new_sync(2, -1);
	struct job j = {.kind = JOB_DRIVER_UPDATE, .id = strdup(ids[0]), .tag = 5};
	j.dpatch.set = DRV_PHONE;
	ck_assert_int_eq(opt_str_set(&j.dpatch.v.phone, "+33189000029"), 0);
	uint64_t id = sync_submit(s, &j);
	struct got g = {0};
	const struct reply *r = wait_for(s, &g, 20, is_done, &id);
	ck_assert_ptr_nonnull(r);
	ck_assert_msg(r->kind == REPLY_DRIVER, "kind %d err %d", r->kind, r->err.kind);
	ck_assert_str_eq(r->driver.phone.v, "+33189000029");
	ck_assert_uint_eq(strlen(r->idem_key), 36);

	/* a caller's own key (the bulk journal) is kept */
	struct job k = {.kind = JOB_DRIVER_UPDATE, .id = strdup(ids[0])};
	k.dpatch.set = DRV_PHONE;
	ck_assert_int_eq(opt_str_set(&k.dpatch.v.phone, "+33189000030"), 0);
	snprintf(k.idem_key, sizeof(k.idem_key), "journal-key-0001");
	uint64_t id2 = sync_submit(s, &k);
	const struct reply *r2 = wait_for(s, &g, 20, is_done, &id2);
	ck_assert_ptr_nonnull(r2);
	ck_assert_str_eq(r2->idem_key, "journal-key-0001");

	struct mock_reqs log = {0};
	ck_assert_int_eq(mockctl_requests(mc, mark, &log), 0);
	ck_assert_uint_eq(mock_reqs_count(&log, "POST", "/v1/drivers/"), 2);
	size_t matched = 0;
	for (size_t i = 0; i < log.n; i++)
		if (log.v[i].idem_key && (strcmp(log.v[i].idem_key, r->idem_key) == 0 ||
					  strcmp(log.v[i].idem_key, "journal-key-0001") == 0))
			matched++;
	ck_assert_uint_eq(matched, 2);
	mock_reqs_clear(&log);
	reply_free(g.head);
	sync_free(s);
	stop_mock();
}
END_TEST

struct bal {
	const char *id;
	long long balance;
};

static bool is_new_balance(const struct reply *r, void *ctx)
{
	const struct bal *b = ctx;
	return r->origin == ORIGIN_REFRESH && r->kind == REPLY_DRIVER && r->driver.id.v &&
	       strcmp(r->driver.id.v, b->id) == 0 && r->driver.wallet_balance.v == b->balance;
}

/* Ids and balances of every driver, from the oracle. */
static cJSON *all_drivers(void)
{
	cJSON *a = mockctl_get_all(mc, "/drivers?limit=100");
	ck_assert_ptr_nonnull(a);
	return a;
}

START_TEST(test_refresh_sees_tick)
{
	start_mock(40);
	cJSON *before = all_drivers();
	ck_assert_int_eq(mockctl_tick(mc, 3), 0);
	cJSON *after = all_drivers();
	/* find a driver whose balance the activity step moved */
	static char id[48];
	long long nb = 0;
	cJSON *x, *y;
	cJSON_ArrayForEach(x, after)
	{
		cJSON_ArrayForEach(y, before)
		{
			if (strcmp(jstr(x, "id"), jstr(y, "id")) == 0 &&
			    jint(x, "wallet_balance", 0) != jint(y, "wallet_balance", 0) && !id[0]) {
				snprintf(id, sizeof(id), "%s", jstr(x, "id"));
				nb = jint(x, "wallet_balance", 0);
			}
		}
	}
	cJSON_Delete(before);
	cJSON_Delete(after);
	ck_assert_msg(id[0], "no balance moved after 3 ticks");

	struct sync *s = new_sync(1, 0.2);
	sync_set_visible(s, NULL, 0, (const char *const[]){id}, 1);
	struct got g = {0};
	struct bal want = {id, nb};
	ck_assert_ptr_nonnull(wait_for(s, &g, 3, is_new_balance, &want));
	const struct reply *st = wait_new(s, &g, 3, is_status, NULL);
	ck_assert_ptr_nonnull(st);
	ck_assert(st->refresh_ok);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts); /* not time(): it may lag a few ms */
	int64_t now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	ck_assert_msg(st->refreshed_at_ms > now_ms - 5000 && st->refreshed_at_ms <= now_ms,
		      "refreshed_at_ms %lld, now %lld", (long long)st->refreshed_at_ms,
		      (long long)now_ms);
	/* the walk posted list pages too */
	bool walk_page = false;
	ck_assert_ptr_nonnull(wait_new(s, &g, 3, is_status, NULL));
	for (struct reply *r = g.head; r; r = r->next)
		if (r->origin == ORIGIN_REFRESH &&
		    (r->kind == REPLY_FLEET_PAGE || r->kind == REPLY_DRIVER_PAGE))
			walk_page = true;
	ck_assert(walk_page);
	reply_free(g.head);
	sync_free(s);
	stop_mock();
}
END_TEST

START_TEST(test_refresh_backoff_and_recovery)
{
	start_mock(20);
	char ids[1][48];
	ck_assert_uint_eq(driver_ids(ids, 1, NULL), 1);
	ck_assert_int_eq(mockctl_faults(mc, "status=503x1000"), 0);
	long mark = mockctl_last_seq(mc);
	const double interval = 0.2;
	struct sync *s = new_sync(1, interval);
	sync_set_visible(s, NULL, 0, (const char *const[]){ids[0]}, 1);
	double t0 = now_s();
	struct got g = {0};
	while (now_s() - t0 < 3.0)
		pump(s, &g, 100);
	double elapsed = now_s() - t0;
	size_t statuses = 0;
	for (struct reply *r = g.head; r; r = r->next) {
		if (r->kind != REPLY_REFRESH_STATUS)
			continue;
		statuses++;
		ck_assert(!r->refresh_ok);
		ck_assert_int_eq(r->refreshed_at_ms, 0);
		ck_assert_int_eq(r->err.http_status, 503);
	}
	ck_assert_uint_ge(statuses, 2);
	struct mock_reqs log = {0};
	ck_assert_int_eq(mockctl_requests(mc, mark, &log), 0);
	size_t sent = log.n;
	mock_reqs_clear(&log);
	printf("refresh under 503: %zu requests, %zu rounds in %.2f s\n", sent, statuses, elapsed);
	ck_assert_msg(sent <= (size_t)(elapsed / interval) + 1, "%zu requests in %.2f s", sent,
		      elapsed);
	ck_assert_msg(sent < 10, "backoff did not slow down: %zu requests", sent);

	ck_assert_int_eq(mockctl_faults(mc, "clear"), 0);
	double t1 = now_s();
	const struct reply *ok = wait_new(s, &g, interval * 8 + 1.0, is_status_ok, NULL);
	ck_assert_msg(ok != NULL, "no recovery within one capped backoff");
	printf("recovered after %.2f s\n", now_s() - t1);
	ck_assert(ok->refreshed_at_ms > 0);
	reply_free(g.head);
	sync_free(s);
	stop_mock();
}
END_TEST

START_TEST(test_refresh_stops_on_401)
{
	start_mock(20);
	char ids[1][48];
	ck_assert_uint_eq(driver_ids(ids, 1, NULL), 1);
	ck_assert_int_eq(mockctl_faults(mc, "unauthorized=1000"), 0);
	struct sync *s = new_sync(1, 0.1);
	sync_set_visible(s, NULL, 0, (const char *const[]){ids[0]}, 1);
	struct got g = {0};
	const struct reply *st = wait_for(s, &g, 3, is_status, NULL);
	ck_assert_ptr_nonnull(st);
	ck_assert(!st->refresh_ok);
	ck_assert_int_eq(st->err.http_status, 401);
	long mark = mockctl_last_seq(mc);
	double t0 = now_s();
	while (now_s() - t0 < 1.0)
		pump(s, &g, 100);
	struct mock_reqs log = {0};
	ck_assert_int_eq(mockctl_requests(mc, mark, &log), 0);
	ck_assert_uint_eq(log.n, 0); /* no retry loop with a rejected key */
	mock_reqs_clear(&log);
	/* the user's `r` tries once more */
	ck_assert_int_eq(mockctl_faults(mc, "clear"), 0);
	sync_refresh_now(s);
	ck_assert_ptr_nonnull(wait_new(s, &g, 3, is_status_ok, NULL));
	reply_free(g.head);
	sync_free(s);
	stop_mock();
}
END_TEST

static bool is_refresh_deleted(const struct reply *r, void *ctx)
{
	return r->origin == ORIGIN_REFRESH && r->kind == REPLY_DELETED && r->driver.id.v &&
	       strcmp(r->driver.id.v, (const char *)ctx) == 0;
}

START_TEST(test_create_attach_delete)
{
	start_mock(10);
	char fid[48];
	first_fleet_id(fid, sizeof(fid));
	struct sync *s = new_sync(2, 0.1);
	uint64_t id = submit_create(s, fid, "Ada Lovelace", "ada@example.com");
	struct got g = {0};
	const struct reply *r = wait_for(s, &g, 20, is_done, &id);
	ck_assert_ptr_nonnull(r);
	ck_assert_msg(r->kind == REPLY_DRIVER, "kind %d err %d", r->kind, r->err.kind);
	ck_assert_str_eq(r->driver.name.v, "Ada Lovelace");
	ck_assert_uint_eq(r->driver.fleets.n, 1); /* attached after the create */
	ck_assert_str_eq(r->driver.fleets.v[0], fid);
	ck_assert_uint_eq(strlen(r->idem_key), 36);
	char did[48];
	snprintf(did, sizeof(did), "%s", r->driver.id.v);

	/* the refresh thread reports a visible driver deleted elsewhere */
	sync_set_visible(s, NULL, 0, (const char *const[]){did}, 1);
	struct job d = {.kind = JOB_DRIVER_DELETE, .id = strdup(did)};
	id = sync_submit(s, &d);
	r = wait_for(s, &g, 20, is_done, &id);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->kind, REPLY_DELETED);
	ck_assert_str_eq(r->driver.id.v, did);
	ck_assert_ptr_nonnull(wait_for(s, &g, 3, is_refresh_deleted, did));
	const struct reply *st = wait_new(s, &g, 3, is_status, NULL);
	ck_assert_ptr_nonnull(st);
	ck_assert(st->refresh_ok); /* a 404 is news, not a failure */
	reply_free(g.head);
	sync_free(s);
	stop_mock();
}
END_TEST

static bool is_email(const cJSON *d, const char *email)
{
	return jstr(d, "email") && strcmp(jstr(d, "email"), email) == 0;
}

/* Drivers the server has with this email (the oracle). */
static int count_email(const char *email)
{
	cJSON *all = all_drivers();
	int n = 0;
	cJSON *it;
	cJSON_ArrayForEach(it, all)
	{
		n += is_email(it, email);
	}
	cJSON_Delete(all);
	return n;
}

/* Issue #4: the create went through and only the attach after it failed.
 * The reply must say the driver exists (REPLY_DRIVER, err API_OK) and carry
 * the attach's error apart, whatever that error is: a 5xx after retries
 * here, a 404 for a fleet that is gone below. */
START_TEST(test_create_whose_attach_fails_returns_the_driver)
{
	start_mock(10);
	char fid[48];
	first_fleet_id(fid, sizeof(fid));
	/* "/v1/drivers/" matches the attach, not the create (/v1/drivers). */
	ck_assert_int_eq(mockctl_faults(mc, "status=503x3,path=/v1/drivers/,method=POST"), 0);
	long mark = mockctl_last_seq(mc);
	struct sync *s = new_sync(2, -1);
	uint64_t id = submit_create(s, fid, "Grace Hopper", "grace@example.com");
	struct got g = {0};
	const struct reply *r = wait_for(s, &g, 20, is_done, &id);
	ck_assert_ptr_nonnull(r);
	ck_assert_msg(r->kind == REPLY_DRIVER, "kind %d err %d", r->kind, r->err.kind);
	ck_assert_int_eq(r->err.kind, API_OK);
	ck_assert_ptr_nonnull(r->driver.id.v);
	ck_assert_str_eq(r->driver.name.v, "Grace Hopper");
	ck_assert_uint_eq(r->driver.fleets.n, 0); /* created, not attached */
	ck_assert_int_ne(r->attach_err.kind, API_OK);
	ck_assert_int_eq(r->attach_err.http_status, 503);
	ck_assert_uint_eq(strlen(r->idem_key), 36); /* the create's key */
	struct mock_reqs log = {0};
	ck_assert_int_eq(mockctl_requests(mc, mark, &log), 0);
	ck_assert_uint_eq(mock_reqs_count(&log, "POST", "/v1/drivers"), 4); /* 1 + 3 tries */
	size_t creates = 0;
	for (size_t i = 0; i < log.n; i++)
		creates += strcmp(log.v[i].path, "/v1/drivers") == 0;
	ck_assert_uint_eq(creates, 1);
	mock_reqs_clear(&log);
	ck_assert_int_eq(count_email("grace@example.com"), 1);

	/* A fleet that does not exist: a 404 on the attach, same shape. */
	ck_assert_int_eq(mockctl_faults(mc, "clear"), 0);
	id = submit_create(s, "flt_gone0000000000", "Alan Turing", "alan@example.com");
	r = wait_for(s, &g, 20, is_done, &id);
	ck_assert_ptr_nonnull(r);
	ck_assert_msg(r->kind == REPLY_DRIVER, "kind %d err %d", r->kind, r->err.kind);
	ck_assert_str_eq(r->driver.name.v, "Alan Turing");
	ck_assert_int_eq(r->attach_err.kind, API_ERR_HTTP);
	ck_assert_int_eq(r->attach_err.http_status, 404);
	ck_assert_int_eq(count_email("alan@example.com"), 1);

	/* And a create with no fleet has no attach error at all. */
	id = submit_create(s, NULL, "Edsger Dijkstra", "edsger@example.com");
	r = wait_for(s, &g, 20, is_done, &id);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->kind, REPLY_DRIVER);
	ck_assert_int_eq(r->attach_err.kind, API_OK);
	reply_free(g.head);
	sync_free(s);
	stop_mock();
}
END_TEST

/* Every id of a list, from the oracle. */
static size_t all_ids(const char *what, char ids[][48], size_t max)
{
	char q[64];
	snprintf(q, sizeof(q), "/%s?limit=100", what);
	cJSON *a = mockctl_get_all(mc, q);
	ck_assert_ptr_nonnull(a);
	size_t n = 0;
	cJSON *it;
	cJSON_ArrayForEach(it, a)
	{
		if (n < max)
			snprintf(ids[n++], 48, "%s", jstr(it, "id"));
	}
	cJSON_Delete(a);
	return n;
}

START_TEST(test_refresh_caps_visible)
{
	static char f[5][48], d[100][48];
	start_mock(150);
	ck_assert_uint_eq(all_ids("fleets", f, 5), 5);
	ck_assert_uint_eq(all_ids("drivers", d, 100), 100);
	const char *fv[5], *dv[100];
	for (int i = 0; i < 5; i++)
		fv[i] = f[i];
	for (int i = 0; i < 100; i++)
		dv[i] = d[i];
	long mark = mockctl_last_seq(mc);
	struct sync *s = new_sync(1, 1000);
	sync_set_visible(s, fv, 5, dv, 100);
	sync_refresh_now(s);
	struct got g = {0};
	const struct reply *st = wait_for(s, &g, 20, is_status, NULL);
	ck_assert_ptr_nonnull(st);
	ck_assert(st->refresh_ok);
	struct mock_reqs log = {0};
	ck_assert_int_eq(mockctl_requests(mc, mark, &log), 0);
	/* fleets first, then drivers, 60 objects in all, then one walk page */
	ck_assert_uint_eq(log.n, 61);
	ck_assert_uint_eq(mock_reqs_count(&log, "GET", "/v1/fleets/"), 5);
	ck_assert_uint_eq(mock_reqs_count(&log, "GET", "/v1/drivers/"), 55);
	for (size_t i = 0; i < 5; i++)
		ck_assert_ptr_nonnull(strstr(log.v[i].path, "/v1/fleets/"));
	ck_assert_str_eq(log.v[60].path, "/v1/fleets"); /* the walk starts with fleets */
	ck_assert_uint_eq(mock_reqs_mutating(&log), 0);
	mock_reqs_clear(&log);
	size_t objects = 0;
	for (struct reply *r = g.head; r; r = r->next)
		objects += r->origin == ORIGIN_REFRESH &&
			   (r->kind == REPLY_FLEET || r->kind == REPLY_DRIVER);
	ck_assert_uint_eq(objects, 60);
	reply_free(g.head);
	sync_free(s);
	stop_mock();
}
END_TEST

START_TEST(test_read_only_refuses_posts)
{
	start_mock(10);
	char ids[1][48];
	ck_assert_uint_eq(driver_ids(ids, 1, NULL), 1);
	long mark = mockctl_last_seq(mc);
	struct sync *s = new_sync_cfg(2, -1, 1000, true);
	struct job j = {.kind = JOB_DRIVER_UPDATE, .id = strdup(ids[0])};
	j.dpatch.set = DRV_PHONE;
	ck_assert_int_eq(opt_str_set(&j.dpatch.v.phone, "+33189000031"), 0);
	uint64_t id = sync_submit(s, &j);
	uint64_t id2 = submit_get(s, ids[0], 2);
	struct got g = {0};
	const struct reply *r = wait_for(s, &g, 10, is_done, &id);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->kind, REPLY_ERROR);
	ck_assert_int_eq(r->err.kind, API_ERR_REFUSED);
	r = wait_for(s, &g, 10, is_done, &id2);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->kind, REPLY_DRIVER); /* reading still works */
	struct mock_reqs log = {0};
	ck_assert_int_eq(mockctl_requests(mc, mark, &log), 0);
	ck_assert_uint_eq(mock_reqs_mutating(&log), 0);
	ck_assert_uint_eq(log.n, 1);
	mock_reqs_clear(&log);
	reply_free(g.head);
	sync_free(s);
	stop_mock();
}
END_TEST

/* RTY-7: one bucket for every worker.  25 GETs at 10/s (burst 10) on four
 * workers need about 1.5 s; four private buckets would take no time. */
START_TEST(test_one_rate_bucket)
{
	start_mock(10);
	char ids[1][48];
	ck_assert_uint_eq(driver_ids(ids, 1, NULL), 1);
	struct sync *s = new_sync_cfg(4, -1, 10, false);
	double t0 = now_s();
	for (int i = 0; i < 25; i++)
		submit_get(s, ids[0], (uint64_t)i);
	struct got g = {0};
	size_t done = 0;
	while (done < 25 && now_s() - t0 < 20) {
		pump(s, &g, 500);
		done = 0;
		for (struct reply *r = g.head; r; r = r->next)
			done += r->done && r->kind == REPLY_DRIVER;
	}
	double took = now_s() - t0;
	printf("25 GETs at 10/s on 4 workers: %.2f s\n", took);
	ck_assert_uint_eq(done, 25);
	ck_assert_msg(took > 1.2, "rate bucket not shared: %.2f s", took);
	reply_free(g.head);
	sync_free(s);
	stop_mock();
}
END_TEST

START_TEST(test_refresh_delay)
{
	ck_assert(sync_refresh_delay(5, 0, 0.9) == 5);
	ck_assert(sync_refresh_delay(5, 1, 0.0) == 5);   /* floor: the interval */
	ck_assert(sync_refresh_delay(5, 3, 0.999) > 19); /* 20 * ~1 */
	ck_assert(sync_refresh_delay(5, 3, 0.0) == 10);
	for (int f = 1; f < 50; f++)
		for (double j = 0; j < 1; j += 0.25) {
			double d = sync_refresh_delay(2, f, j);
			ck_assert(d >= 2 && d <= 16);
		}
	ck_assert(sync_refresh_delay(2, 40, 0.999) > 15.9);
}
END_TEST

/* SigBlk of a thread, from /proc. */
static unsigned long long sigblk(const char *task)
{
	char path[300], line[256];
	snprintf(path, sizeof(path), "/proc/self/task/%s/status", task);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	unsigned long long v = 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SigBlk: %llx", &v) == 1)
			break;
	fclose(f);
	return v;
}

START_TEST(test_threads_block_terminal_signals)
{
	start_mock(5);
	sigset_t none, old;
	sigemptyset(&none);
	pthread_sigmask(SIG_SETMASK, &none, &old); /* whatever main does */
	struct sync *s = new_sync(3, 1);
	unsigned long long want = 0;
	int sigs[] = {SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGCONT};
	for (size_t i = 0; i < 7; i++)
		want |= 1ull << (sigs[i] - 1);
	usleep(100 * 1000); /* let the threads name themselves */
	DIR *d = opendir("/proc/self/task");
	ck_assert_ptr_nonnull(d);
	struct dirent *e;
	int ours = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[300], comm[32] = "";
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f || !fgets(comm, sizeof(comm), f)) {
			if (f)
				fclose(f);
			continue;
		}
		fclose(f);
		if (strcmp(comm, "ct-worker\n") != 0 && strcmp(comm, "ct-refresh\n") != 0)
			continue;
		ours++;
		ck_assert_msg((sigblk(e->d_name) & want) == want, "%s", comm);
	}
	closedir(d);
	ck_assert_int_eq(ours, 4); /* 3 workers + refresh */
	sigset_t cur;
	pthread_sigmask(SIG_SETMASK, NULL, &cur);
	ck_assert(!sigismember(&cur, SIGINT)); /* the caller's mask is restored */
	sync_free(s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	stop_mock();
}
END_TEST

static Suite *sync_suite(void)
{
	Suite *s = suite_create("sync");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_refresh_delay);
	tcase_add_test(tc, test_list_every_page);
	tcase_add_test(tc, test_user_jobs_before_refresh);
	tcase_add_test(tc, test_cancel_stalled_and_queued);
	tcase_add_test(tc, test_free_while_stalled);
	tcase_add_test(tc, test_post_carries_idem_key);
	tcase_add_test(tc, test_create_attach_delete);
	tcase_add_test(tc, test_create_whose_attach_fails_returns_the_driver);
	tcase_add_test(tc, test_refresh_caps_visible);
	tcase_add_test(tc, test_read_only_refuses_posts);
	tcase_add_test(tc, test_one_rate_bucket);
	tcase_add_test(tc, test_refresh_sees_tick);
	tcase_add_test(tc, test_refresh_backoff_and_recovery);
	tcase_add_test(tc, test_refresh_stops_on_401);
	tcase_add_test(tc, test_threads_block_terminal_signals);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT); /* NET-6: before any thread */
	SRunner *sr = srunner_create(sync_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
