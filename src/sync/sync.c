/*
 * sync.c — the job queue, the worker pool and the reply list (redis bio.c).
 *
 * Workers block on a condition variable for jobs; each owns a struct api and
 * a cancel flag wired into its http_config (NET-8).  Replies are appended to
 * one locked list, and a byte is written to a non-blocking pipe only when the
 * list goes from empty to non-empty; sync_take() swaps the whole list out and
 * drains the pipe under the same lock, so a wake-up is never lost and the UI
 * never needs to spin (TTY-1).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

double sync_mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int64_t sync_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void job_clear(struct job *j)
{
	if (!j)
		return;
	free(j->id);
	free(j->fleet_id);
	free(j->status);
	driver_patch_clear(&j->dpatch);
	fleet_patch_clear(&j->fpatch);
	memset(j, 0, sizeof(*j));
}

void reply_free(struct reply *r)
{
	while (r) {
		struct reply *next = r->next;
		api_error_clear(&r->err);
		api_error_clear(&r->attach_err);
		driver_page_clear(&r->dpage);
		fleet_page_clear(&r->fpage);
		driver_clear(&r->driver);
		fleet_clear(&r->fleet);
		free(r);
		r = next;
	}
}

struct reply *sync_reply_new(uint64_t job_id, uint64_t tag, enum job_kind job,
			     enum reply_kind kind, enum job_origin origin, bool done)
{
	struct reply *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->job_id = job_id;
	r->tag = tag;
	r->job = job;
	r->kind = kind;
	r->origin = origin;
	r->done = done;
	return r;
}

void sync_post(struct sync *s, struct reply *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&s->mu);
	bool was_empty = s->r_head == NULL;
	if (s->r_tail)
		s->r_tail->next = r;
	else
		s->r_head = r;
	s->r_tail = r;
	if (r->kind == REPLY_DRIVER_PAGE || r->kind == REPLY_FLEET_PAGE)
		s->pending_pages++;
	if (was_empty) {
		/* The pipe holds at most one byte at a time, so it never fills;
		 * EAGAIN would only mean a byte is already there. */
		ssize_t w;
		do
			w = write(s->wake_wr, "!", 1);
		while (w < 0 && errno == EINTR);
	}
	pthread_mutex_unlock(&s->mu);
}

static struct reply *job_reply(const struct sjob *j, enum reply_kind kind, bool done)
{
	struct reply *r = sync_reply_new(j->id, j->job.tag, j->job.kind, kind, ORIGIN_USER, done);
	if (r)
		memcpy(r->idem_key, j->job.idem_key, sizeof(r->idem_key));
	return r;
}

/* Post an error reply that ends the job; takes *err. */
static void post_error(struct sync *s, const struct sjob *j, struct api_error *err)
{
	struct reply *r = job_reply(j, REPLY_ERROR, true);
	if (r)
		r->err = *err;
	else
		api_error_clear(err);
	memset(err, 0, sizeof(*err));
	sync_post(s, r);
}

static bool is_cancelled(struct worker *w)
{
	return __atomic_load_n(&w->cancel, __ATOMIC_RELAXED) != 0;
}

static void set_cancelled(struct api_error *err)
{
	api_error_clear(err);
	err->kind = API_ERR_CANCELLED;
	err->detail = strdup("cancelled");
}

/* Flow control: wait until the UI has taken enough pages (or we are
 * cancelled or stopping). */
static void wait_taken(struct worker *w)
{
	struct sync *s = w->s;
	pthread_mutex_lock(&s->mu);
	while (!s->stop && !is_cancelled(w) && s->pending_pages >= SYNC_MAX_PENDING_PAGES)
		pthread_cond_wait(&s->cv_taken, &s->mu);
	pthread_mutex_unlock(&s->mu);
}

/* All pages of a list, one reply each, so the first page shows at once. */
static void run_list(struct worker *w, const struct sjob *j)
{
	struct list_query q = {.status = j->job.status, .limit = 100};
	bool drivers = j->job.kind == JOB_DRIVERS_LIST;
	if (drivers)
		q.fleet = j->job.fleet_id;
	struct api_iter *it = drivers ? api_drivers_iter(w->api, &q) : api_fleets_iter(w->api, &q);
	struct api_error err = {0};
	if (!it) {
		err.kind = API_ERR_INTERNAL;
		err.detail = strdup("out of memory");
		post_error(w->s, j, &err);
		return;
	}
	for (;;) {
		wait_taken(w);
		struct reply *r = job_reply(j, drivers ? REPLY_DRIVER_PAGE : REPLY_FLEET_PAGE, false);
		int rc = -1;
		if (is_cancelled(w))
			set_cancelled(&err);
		else if (!r)
			err.kind = API_ERR_INTERNAL;
		else if (drivers)
			rc = api_iter_next_drivers(it, &r->dpage, &err);
		else
			rc = api_iter_next_fleets(it, &r->fpage, &err);
		if (rc < 0) {
			reply_free(r);
			post_error(w->s, j, &err);
			break;
		}
		/* rc == 0 only after a page that still claimed a next one. */
		bool more = drivers ? (r->dpage.next_url || (r->dpage.legacy && r->dpage.has_more))
				    : (r->fpage.next_url || (r->fpage.legacy && r->fpage.has_more));
		bool done = r->done = rc == 0 || !more;
		sync_post(w->s, r); /* r is the UI's from here on: never touch it again */
		if (done)
			break;
	}
	api_iter_free(it);
}

/* A create, then the attach to the fleet in view as a second logical
 * operation with its own key (made by the HTTP layer); the reply carries the
 * create's key.  Once the create succeeded the job has succeeded: a failed
 * attach goes to r->attach_err beside the created driver, never to err, or
 * the UI would take the driver for not made and create it again. */
static int run_create(struct worker *w, const struct job *jb, struct reply *r,
		      struct api_error *err)
{
	if (api_driver_create(w->api, &jb->dpatch, jb->idem_key, &r->driver, err) < 0)
		return -1;
	if (!jb->fleet_id)
		return 0;
	if (!r->driver.id.v) {
		r->attach_err.kind = API_ERR_INTERNAL;
		r->attach_err.detail = strdup("the server gave the new driver no id");
		return 0;
	}
	struct driver attached = {0};
	if (api_driver_attach(w->api, r->driver.id.v, jb->fleet_id, NULL, &attached,
			      &r->attach_err) < 0) {
		if (r->attach_err.kind == API_OK)
			r->attach_err.kind = API_ERR_INTERNAL;
		return 0;
	}
	api_error_clear(&r->attach_err);
	driver_clear(&r->driver);
	r->driver = attached;
	return 0;
}

/* Calls that return one driver, into r->driver. */
static int run_driver_call(struct worker *w, const struct job *jb, struct reply *r,
			   struct api_error *err)
{
	const char *k = jb->idem_key;
	struct driver *out = &r->driver;
	switch (jb->kind) {
	case JOB_DRIVER_GET:
		return api_driver_get(w->api, jb->id, out, err);
	case JOB_DRIVER_UPDATE:
		return api_driver_update(w->api, jb->id, &jb->dpatch, k, out, err);
	case JOB_DRIVER_ATTACH:
		return api_driver_attach(w->api, jb->id, jb->fleet_id, k, out, err);
	case JOB_DRIVER_DETACH:
		return api_driver_detach(w->api, jb->id, jb->fleet_id, k, out, err);
	case JOB_DRIVER_CREATE:
		return run_create(w, jb, r, err);
	default:
		return -1;
	}
}

static void run_one(struct worker *w, const struct sjob *j)
{
	const struct job *jb = &j->job;
	struct api_error err = {0};
	struct reply *r = NULL;
	int rc = -1;
	switch (jb->kind) {
	case JOB_FLEET_GET:
	case JOB_FLEET_CREATE:
	case JOB_FLEET_UPDATE:
		r = job_reply(j, REPLY_FLEET, true);
		if (!r)
			break;
		if (jb->kind == JOB_FLEET_GET)
			rc = api_fleet_get(w->api, jb->id, &r->fleet, &err);
		else if (jb->kind == JOB_FLEET_CREATE)
			rc = api_fleet_create(w->api, &jb->fpatch, jb->idem_key, &r->fleet, &err);
		else
			rc = api_fleet_update(w->api, jb->id, &jb->fpatch, jb->idem_key, &r->fleet,
					      &err);
		break;
	case JOB_DRIVER_DELETE:
		r = job_reply(j, REPLY_DELETED, true);
		if (!r)
			break;
		rc = api_driver_delete(w->api, jb->id, &err);
		if (rc == 0 && opt_str_set(&r->driver.id, jb->id) < 0)
			rc = -1;
		break;
	default:
		r = job_reply(j, REPLY_DRIVER, true);
		if (r)
			rc = run_driver_call(w, jb, r, &err);
		break;
	}
	if (rc == 0) {
		sync_post(w->s, r);
		return;
	}
	reply_free(r);
	if (err.kind == API_OK)
		err.kind = API_ERR_INTERNAL;
	post_error(w->s, j, &err);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct sync *s = w->s;
	pthread_setname_np(pthread_self(), "ct-worker"); /* for top -H and the tests */
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->stop && !s->q_head)
			pthread_cond_wait(&s->cv_work, &s->mu);
		if (s->stop)
			break;
		struct sjob *j = s->q_head;
		s->q_head = j->next;
		if (!s->q_head) {
			s->q_tail = NULL;
			/* the refresh thread yields while user jobs wait */
			pthread_cond_broadcast(&s->cv_refresh);
		}
		w->cur = j;
		__atomic_store_n(&w->cancel, 0, __ATOMIC_RELAXED);
		pthread_mutex_unlock(&s->mu);

		if (j->job.kind == JOB_FLEETS_LIST || j->job.kind == JOB_DRIVERS_LIST)
			run_list(w, j);
		else
			run_one(w, j);

		pthread_mutex_lock(&s->mu);
		w->cur = NULL;
		pthread_mutex_unlock(&s->mu);
		job_clear(&j->job);
		free(j);
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* TTY-2: whatever the caller's mask, threads we start never take the
 * terminal's signals; the UI thread does. */
static int start_thread(pthread_t *th, void *(*fn)(void *), void *arg)
{
	sigset_t block, old;
	sigemptyset(&block);
	int sigs[] = {SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGCONT};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&block, sigs[i]);
	pthread_attr_t attr;
	if (pthread_attr_init(&attr) != 0)
		return -1;
	pthread_attr_setstacksize(&attr, SYNC_STACK_SIZE);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	int rc = pthread_create(th, &attr, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	return rc == 0 ? 0 : -1;
}

static void fail(struct api_error *err, enum api_err_kind kind, const char *what)
{
	if (!err)
		return;
	memset(err, 0, sizeof(*err));
	err->kind = kind;
	err->detail = strdup(what);
}

/* The http_config each thread's api gets: ours, with owned strings. */
static struct http_config thread_http(const struct sync *s, const struct http_config *base,
				      const volatile int *cancel)
{
	struct http_config h = *base;
	h.base_url = s->base_url;
	h.cacert = s->cacert;
	h.charge_version = s->charge_version;
	h.debug_log_path = s->debug_log_path;
	h.bucket = s->bucket;
	h.cancel = cancel;
	return h;
}

static int sync_init(struct sync *s, const struct sync_config *cfg, struct api_error *err)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
		fail(err, API_ERR_INTERNAL, "cannot create the wake pipe");
		return -1;
	}
	s->wake_rd = fds[0];
	s->wake_wr = fds[1];
	s->next_id = 1;
	s->refresh_s = cfg->refresh_s == 0 ? 5 : cfg->refresh_s;
	s->fleets_only = cfg->fleets_only;
	s->nworkers = cfg->workers > 0 ? cfg->workers : 4;
	double rate = cfg->rate_per_s > 0 ? cfg->rate_per_s : 20;
	s->bucket = rate_bucket_new(rate, rate < 1 ? 1 : (int)rate);
	s->base_url = dup_or_null(cfg->http.base_url);
	s->cacert = dup_or_null(cfg->http.cacert);
	s->charge_version = dup_or_null(cfg->http.charge_version);
	s->debug_log_path = dup_or_null(cfg->http.debug_log_path);
	s->workers = calloc((size_t)s->nworkers, sizeof(*s->workers));
	if (!s->bucket || !s->workers || (cfg->http.base_url && !s->base_url)) {
		fail(err, API_ERR_INTERNAL, "out of memory");
		return -1;
	}
	for (int i = 0; i < s->nworkers; i++) {
		struct worker *w = &s->workers[i];
		w->s = s;
		struct http_config h = thread_http(s, &cfg->http, &w->cancel);
		w->api = api_new(&h, err);
		if (!w->api)
			return -1;
	}
	if (s->refresh_s > 0) {
		/* One try per refresh GET: the round's own backoff is the retry,
		 * so a 503 wall costs one request per round, not three. */
		struct http_config h = thread_http(s, &cfg->http, &s->rf_cancel);
		h.max_attempts = 1;
		s->rf_api = api_new(&h, err);
		if (!s->rf_api)
			return -1;
	}
	return 0;
}

struct sync *sync_new(const struct sync_config *cfg, struct api_error *err)
{
	struct sync *s = calloc(1, sizeof(*s));
	if (!s) {
		fail(err, API_ERR_INTERNAL, "out of memory");
		return NULL;
	}
	s->wake_rd = s->wake_wr = -1;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv_work, NULL);
	pthread_cond_init(&s->cv_taken, NULL);
	pthread_cond_init(&s->cv_refresh, &ca);
	pthread_condattr_destroy(&ca);
	if (sync_init(s, cfg, err) < 0) {
		sync_free(s);
		return NULL;
	}
	for (int i = 0; i < s->nworkers; i++) {
		if (start_thread(&s->workers[i].th, worker_main, &s->workers[i]) < 0) {
			fail(err, API_ERR_INTERNAL, "cannot start a worker thread");
			sync_free(s);
			return NULL;
		}
		s->workers[i].started = true;
	}
	if (s->rf_api) {
		if (start_thread(&s->rf_th, sync_refresh_main, s) < 0) {
			fail(err, API_ERR_INTERNAL, "cannot start the refresh thread");
			sync_free(s);
			return NULL;
		}
		s->rf_started = true;
	}
	return s;
}

int sync_wake_fd(const struct sync *s)
{
	return s->wake_rd;
}

static bool is_post(enum job_kind k)
{
	switch (k) {
	case JOB_DRIVER_CREATE:
	case JOB_DRIVER_UPDATE:
	case JOB_DRIVER_ATTACH:
	case JOB_DRIVER_DETACH:
	case JOB_FLEET_CREATE:
	case JOB_FLEET_UPDATE:
		return true;
	default:
		return false;
	}
}

uint64_t sync_submit(struct sync *s, struct job *job)
{
	struct sjob *j = calloc(1, sizeof(*j));
	if (!j) {
		job_clear(job);
		return 0;
	}
	j->job = *job;
	memset(job, 0, sizeof(*job));
	if (is_post(j->job.kind) && !j->job.idem_key[0])
		http_idempotency_key(j->job.idem_key);
	pthread_mutex_lock(&s->mu);
	j->id = s->next_id++;
	if (s->q_tail)
		s->q_tail->next = j;
	else
		s->q_head = j;
	s->q_tail = j;
	pthread_cond_signal(&s->cv_work);
	uint64_t id = j->id;
	pthread_mutex_unlock(&s->mu);
	return id;
}

void sync_cancel(struct sync *s, uint64_t job_id)
{
	struct sjob *found = NULL;
	pthread_mutex_lock(&s->mu);
	for (struct sjob **pp = &s->q_head; *pp; pp = &(*pp)->next) {
		if ((*pp)->id == job_id) {
			found = *pp;
			*pp = found->next;
			if (s->q_tail == found) {
				s->q_tail = NULL;
				for (struct sjob *q = s->q_head; q; q = q->next)
					s->q_tail = q;
			}
			break;
		}
	}
	for (int i = 0; !found && i < s->nworkers; i++)
		if (s->workers[i].cur && s->workers[i].cur->id == job_id) {
			__atomic_store_n(&s->workers[i].cancel, 1, __ATOMIC_RELAXED);
			/* a stalled transfer sees the flag now, not at its next poll */
			api_wakeup(s->workers[i].api);
			pthread_cond_broadcast(&s->cv_taken);
		}
	if (!s->q_head)
		pthread_cond_broadcast(&s->cv_refresh);
	pthread_mutex_unlock(&s->mu);
	if (found) {
		/* Never started: it still gets its one final reply. */
		struct api_error err = {0};
		set_cancelled(&err);
		post_error(s, found, &err);
		job_clear(&found->job);
		free(found);
	}
}

struct reply *sync_take(struct sync *s)
{
	pthread_mutex_lock(&s->mu);
	struct reply *r = s->r_head;
	s->r_head = s->r_tail = NULL;
	s->pending_pages = 0;
	pthread_cond_broadcast(&s->cv_taken);
	char buf[64];
	while (read(s->wake_rd, buf, sizeof(buf)) > 0)
		;
	pthread_mutex_unlock(&s->mu);
	return r;
}

static void free_ids(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static char **copy_ids(const char *const *ids, size_t n, size_t *out_n)
{
	*out_n = 0;
	if (!n)
		return NULL;
	char **v = calloc(n, sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (ids[i] && !(v[*out_n] = strdup(ids[i])))
			break;
		if (ids[i])
			(*out_n)++;
	}
	return v;
}

void sync_set_visible(struct sync *s, const char *const *fleet_ids, size_t nf,
		      const char *const *driver_ids, size_t nd)
{
	size_t cf = 0, cd = 0;
	char **f = copy_ids(fleet_ids, nf, &cf);
	char **d = copy_ids(driver_ids, nd, &cd);
	pthread_mutex_lock(&s->mu);
	char **of = s->vis_fleets, **od = s->vis_drivers;
	size_t onf = s->nvis_fleets, ond = s->nvis_drivers;
	s->vis_fleets = f;
	s->nvis_fleets = cf;
	s->vis_drivers = d;
	s->nvis_drivers = cd;
	pthread_mutex_unlock(&s->mu);
	free_ids(of, onf);
	free_ids(od, ond);
}

void sync_refresh_now(struct sync *s)
{
	pthread_mutex_lock(&s->mu);
	s->rf_now = true;
	pthread_cond_broadcast(&s->cv_refresh);
	pthread_mutex_unlock(&s->mu);
}

static void sync_stop_threads(struct sync *s)
{
	pthread_mutex_lock(&s->mu);
	s->stop = true;
	for (int i = 0; s->workers && i < s->nworkers; i++) {
		__atomic_store_n(&s->workers[i].cancel, 1, __ATOMIC_RELAXED);
		api_wakeup(s->workers[i].api);
	}
	__atomic_store_n(&s->rf_cancel, 1, __ATOMIC_RELAXED);
	api_wakeup(s->rf_api);
	pthread_cond_broadcast(&s->cv_work);
	pthread_cond_broadcast(&s->cv_refresh);
	pthread_cond_broadcast(&s->cv_taken);
	pthread_mutex_unlock(&s->mu);
	for (int i = 0; s->workers && i < s->nworkers; i++)
		if (s->workers[i].started)
			pthread_join(s->workers[i].th, NULL);
	if (s->rf_started)
		pthread_join(s->rf_th, NULL);
}

void sync_free(struct sync *s)
{
	if (!s)
		return;
	sync_stop_threads(s);
	/* Every thread is joined: nothing below can still be in use. */
	for (struct sjob *j = s->q_head, *next; j; j = next) {
		next = j->next;
		job_clear(&j->job);
		free(j);
	}
	reply_free(s->r_head);
	for (int i = 0; s->workers && i < s->nworkers; i++)
		api_free(s->workers[i].api);
	free(s->workers);
	api_free(s->rf_api);
	rate_bucket_free(s->bucket);
	free_ids(s->vis_fleets, s->nvis_fleets);
	free_ids(s->vis_drivers, s->nvis_drivers);
	if (s->wake_rd >= 0)
		close(s->wake_rd);
	if (s->wake_wr >= 0)
		close(s->wake_wr);
	free(s->base_url);
	free(s->cacert);
	free(s->charge_version);
	free(s->debug_log_path);
	pthread_cond_destroy(&s->cv_work);
	pthread_cond_destroy(&s->cv_taken);
	pthread_cond_destroy(&s->cv_refresh);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
