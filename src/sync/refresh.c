/*
 * refresh.c — the refresh thread (RTY-10).
 *
 * One round at a time (single-flight): GET every visible fleet and driver
 * (at most SYNC_VISIBLE_MAX, fleets first), then one page of the background
 * walk, which alternates between all fleets and all drivers and continues
 * from the last next_page_url, so the whole account is revisited slowly at a
 * cost of one request per round.  Before each GET the thread waits until no
 * user job is queued: what the user asked for goes first.
 *
 * The thread has its own struct api with max_attempts = 1: the round is the
 * retry.  The first failure ends the round (no point sending 60 GETs into a
 * 503 wall), and the next round waits sync_refresh_delay(): the interval
 * after success, an exponential backoff with jitter after failures, capped at
 * 8 intervals and never shorter than one.  A 401 stops the timer (SEC-10);
 * only sync_refresh_now() tries again.  The timer is a timed condition wait,
 * so an idle console costs nothing.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

double sync_refresh_delay(double refresh_s, int fails, double jitter01)
{
	if (fails <= 0)
		return refresh_s;
	double d = refresh_s;
	for (int i = 1; i < fails && d < refresh_s * 8; i++)
		d *= 2;
	if (d > refresh_s * 8)
		d = refresh_s * 8;
	d *= 0.5 + 0.5 * jitter01;
	return d < refresh_s ? refresh_s : d;
}

struct walk {
	bool drivers; /* walking drivers (else fleets) */
	char *next_url; /* NULL: first page */
};

struct snapshot {
	char **fleets, **drivers;
	size_t nf, nd;
};

static void snapshot_free(struct snapshot *sn)
{
	for (size_t i = 0; i < sn->nf; i++)
		free(sn->fleets[i]);
	for (size_t i = 0; i < sn->nd; i++)
		free(sn->drivers[i]);
	free(sn->fleets);
	free(sn->drivers);
	memset(sn, 0, sizeof(*sn));
}

/* Copy what is visible, capped; called with mu held. */
static void snapshot_take(struct sync *s, struct snapshot *sn)
{
	size_t nf = s->nvis_fleets < SYNC_VISIBLE_MAX ? s->nvis_fleets : SYNC_VISIBLE_MAX;
	size_t room = SYNC_VISIBLE_MAX - nf;
	size_t nd = s->nvis_drivers < room ? s->nvis_drivers : room;
	sn->fleets = nf ? calloc(nf, sizeof(char *)) : NULL;
	sn->drivers = nd ? calloc(nd, sizeof(char *)) : NULL;
	for (size_t i = 0; sn->fleets && i < nf; i++)
		if ((sn->fleets[sn->nf] = strdup(s->vis_fleets[i])))
			sn->nf++;
	for (size_t i = 0; sn->drivers && i < nd; i++)
		if ((sn->drivers[sn->nd] = strdup(s->vis_drivers[i])))
			sn->nd++;
}

/* Wait while user jobs are queued; false when stopping. */
static bool wait_user_idle(struct sync *s)
{
	pthread_mutex_lock(&s->mu);
	while (!s->stop && s->q_head)
		pthread_cond_wait(&s->cv_refresh, &s->mu);
	bool go = !s->stop;
	pthread_mutex_unlock(&s->mu);
	return go;
}

static bool is_not_found(const struct api_error *e)
{
	return e->kind == API_ERR_HTTP && e->http_status == 404;
}

static struct reply *rf_reply(enum job_kind job, enum reply_kind kind)
{
	return sync_reply_new(0, 0, job, kind, ORIGIN_REFRESH, true);
}

/* GET one visible object and post it (or its deletion).  0, or -1 with *err. */
static int refresh_one(struct sync *s, bool fleet, const char *id, struct api_error *err)
{
	enum job_kind job = fleet ? JOB_FLEET_GET : JOB_DRIVER_GET;
	struct reply *r = rf_reply(job, fleet ? REPLY_FLEET : REPLY_DRIVER);
	if (!r) {
		err->kind = API_ERR_INTERNAL;
		return -1;
	}
	int rc = fleet ? api_fleet_get(s->rf_api, id, &r->fleet, err)
		       : api_driver_get(s->rf_api, id, &r->driver, err);
	if (rc < 0 && is_not_found(err)) {
		/* Deleted elsewhere: tell the UI, and the round is still good. */
		api_error_clear(err);
		r->kind = REPLY_DELETED;
		rc = opt_str_set(fleet ? &r->fleet.id : &r->driver.id, id);
	}
	if (rc < 0) {
		reply_free(r);
		return -1;
	}
	sync_post(s, r);
	return 0;
}

/* One page of the background walk. */
static int refresh_walk(struct sync *s, struct walk *w, struct api_error *err)
{
	struct list_query q = {.limit = SYNC_WALK_LIMIT};
	struct reply *r = rf_reply(w->drivers ? JOB_DRIVERS_LIST : JOB_FLEETS_LIST,
				   w->drivers ? REPLY_DRIVER_PAGE : REPLY_FLEET_PAGE);
	if (!r) {
		err->kind = API_ERR_INTERNAL;
		return -1;
	}
	int rc = w->drivers ? api_drivers_list(s->rf_api, &q, w->next_url, &r->dpage, err)
			    : api_fleets_list(s->rf_api, &q, w->next_url, &r->fpage, err);
	if (rc < 0) {
		reply_free(r);
		return -1;
	}
	const char *next = w->drivers ? r->dpage.next_url : r->fpage.next_url;
	char *copy = next ? strdup(next) : NULL;
	free(w->next_url);
	w->next_url = copy;
	if (!copy && !s->fleets_only)
		w->drivers = !w->drivers; /* the end (or ENOMEM): the other list */
	sync_post(s, r);
	return 0;
}

static int refresh_round(struct sync *s, struct walk *w, struct api_error *err)
{
	struct snapshot sn = {0};
	pthread_mutex_lock(&s->mu);
	snapshot_take(s, &sn);
	pthread_mutex_unlock(&s->mu);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sn.nf + sn.nd; i++) {
		if (!wait_user_idle(s))
			rc = -1;
		else if (i < sn.nf)
			rc = refresh_one(s, true, sn.fleets[i], err);
		else
			rc = refresh_one(s, false, sn.drivers[i - sn.nf], err);
	}
	if (rc == 0)
		rc = wait_user_idle(s) ? refresh_walk(s, w, err) : -1;
	snapshot_free(&sn);
	return rc;
}

static void post_status(struct sync *s, bool ok, int64_t last_ok_ms, struct api_error *err)
{
	struct reply *r = rf_reply(JOB_FLEETS_LIST, REPLY_REFRESH_STATUS);
	if (!r) {
		api_error_clear(err);
		return;
	}
	r->refresh_ok = ok;
	r->refreshed_at_ms = last_ok_ms;
	r->err = *err;
	memset(err, 0, sizeof(*err));
	sync_post(s, r);
}

static struct timespec abs_time(double t)
{
	struct timespec ts;
	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* Sleep until the next round is due; false when stopping.  mu held. */
static bool wait_round(struct sync *s, double due, bool auth_stopped)
{
	while (!s->stop && !s->rf_now) {
		if (auth_stopped) {
			pthread_cond_wait(&s->cv_refresh, &s->mu);
			continue;
		}
		if (sync_mono_now() >= due)
			break;
		struct timespec ts = abs_time(due);
		pthread_cond_timedwait(&s->cv_refresh, &s->mu, &ts);
	}
	s->rf_now = false;
	return !s->stop;
}

void *sync_refresh_main(void *arg)
{
	struct sync *s = arg;
	pthread_setname_np(pthread_self(), "ct-refresh");
	struct walk w = {0};
	int fails = 0;
	bool auth_stopped = false;
	int64_t last_ok_ms = 0;
	unsigned seed = (unsigned)(sync_mono_now() * 1e6);
	double due = sync_mono_now() + s->refresh_s;
	pthread_mutex_lock(&s->mu);
	while (wait_round(s, due, auth_stopped)) {
		pthread_mutex_unlock(&s->mu);
		double start = sync_mono_now();
		struct api_error err = {0};
		int rc = refresh_round(s, &w, &err);
		pthread_mutex_lock(&s->mu);
		bool stopping = s->stop;
		pthread_mutex_unlock(&s->mu);
		if (stopping) {
			api_error_clear(&err);
			pthread_mutex_lock(&s->mu);
			break;
		}
		if (rc == 0) {
			fails = 0;
			auth_stopped = false;
			last_ok_ms = sync_wall_ms();
		} else {
			fails++;
			auth_stopped = err.kind == API_ERR_HTTP && err.http_status == 401;
		}
		post_status(s, rc == 0, last_ok_ms, &err);
		double j = (double)rand_r(&seed) / ((double)RAND_MAX + 1.0);
		due = start + sync_refresh_delay(s->refresh_s, fails, j);
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	free(w.next_url);
	return NULL;
}
