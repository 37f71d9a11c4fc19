/*
 * sync.h — everything that waits on the network, off the UI thread.
 *
 * The UI submits jobs; worker threads (each with its own struct api) run them
 * and append replies to a locked list, then write one byte to a pipe whose
 * read end the UI polls beside stdin (redis bio.c).  The UI takes the whole
 * list at once and applies it to the store unlocked.  Workers never touch
 * curses or the store (TTY-1).
 *
 * The refresh thread wakes every refresh_s seconds, single-flight (RTY-10):
 * it GETs what the UI said is visible first, then walks the rest slowly, and
 * posts the objects it read as ORIGIN_REFRESH replies plus one
 * REPLY_REFRESH_STATUS per round.  It only sends GETs.  On failure it backs
 * off (cap refresh_s * 8) and never retries faster than the interval.
 *
 * What the refresh thread posts (origin ORIGIN_REFRESH, job_id 0, done):
 * REPLY_FLEET / REPLY_DRIVER for a visible object; REPLY_DELETED (job
 * JOB_FLEET_GET with fleet.id, or JOB_DRIVER_GET with driver.id) when a
 * visible object is gone (404); REPLY_FLEET_PAGE / REPLY_DRIVER_PAGE for one
 * page of the background walk (apply it to the store; it is not a list the
 * user asked for); and REPLY_REFRESH_STATUS (err says why when !refresh_ok;
 * a 401 there means the timer has stopped).  Refresh GETs wait while user
 * jobs are queued, so the user's requests always go first.
 *
 * Threads started here get a 512 KiB stack (JSN-4) and have SIGWINCH SIGINT
 * SIGTERM SIGHUP SIGQUIT SIGTSTP SIGCONT blocked whatever the caller's mask
 * (TTY-2).  cfg->http.key is borrowed and must outlive the struct sync; the
 * other strings of cfg are copied.  A reply is lost only when allocating it
 * fails.
 *
 * All requests share one rate bucket (RTY-7).  sync_free() cancels in-flight
 * transfers (NET-8) and joins every thread before it frees anything they
 * could still hand back.
 */
#ifndef CHARGETUI_SYNC_H
#define CHARGETUI_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "chargetui/http.h"
#include "chargetui/model.h"

enum job_kind {
	JOB_FLEETS_LIST,   /* all pages; one reply per page */
	JOB_DRIVERS_LIST,  /* all pages (fleet_id: that fleet's drivers); one reply per page */
	JOB_FLEET_GET,
	JOB_DRIVER_GET,
	JOB_DRIVER_CREATE, /* dpatch; then attach to fleet_id if set (see attach_err) */
	JOB_DRIVER_UPDATE, /* id, dpatch */
	JOB_DRIVER_ATTACH, /* id, fleet_id */
	JOB_DRIVER_DETACH, /* id, fleet_id */
	JOB_DRIVER_DELETE, /* id */
	JOB_FLEET_CREATE,  /* fpatch */
	JOB_FLEET_UPDATE,  /* id, fpatch */
};

enum job_origin { ORIGIN_USER = 0, ORIGIN_REFRESH };

struct job {
	enum job_kind kind;
	char *id;
	char *fleet_id;
	char *status;             /* list filter */
	struct driver_patch dpatch;
	struct fleet_patch fpatch;
	char idem_key[64];        /* POSTs: filled by sync_submit() when empty */
	uint64_t tag;             /* the caller's cookie, returned in replies */
};
/* Release what a job owns (sync_submit takes ownership; use this only for a
 * job you did not submit). */
void job_clear(struct job *j);

enum reply_kind {
	REPLY_DRIVER_PAGE,
	REPLY_FLEET_PAGE,
	REPLY_DRIVER,
	REPLY_FLEET,
	REPLY_DELETED,
	REPLY_ERROR,          /* err says what; the job is done */
	REPLY_REFRESH_STATUS, /* one per refresh round */
};

struct reply {
	struct reply *next;
	uint64_t job_id;
	uint64_t tag;
	enum job_kind job;
	enum reply_kind kind;
	enum job_origin origin;
	bool done;              /* last reply of its job */
	struct api_error err;   /* kind API_OK unless REPLY_ERROR / a failed refresh */
	/* JOB_DRIVER_CREATE with a fleet_id: why the attach after the create
	 * failed (kind API_OK when it attached, or when none was asked).  A
	 * failed attach still gives a REPLY_DRIVER holding the created driver,
	 * unattached: the driver exists whatever this says, so the create must
	 * never be sent again.  (A failed create is a REPLY_ERROR in err, and no
	 * attach was tried.)  Owned by the reply; reply_free clears it. */
	struct api_error attach_err;
	struct driver_page dpage;
	struct fleet_page fpage;
	struct driver driver;   /* REPLY_DRIVER; for REPLY_DELETED only id is set */
	struct fleet fleet;
	char idem_key[64];      /* the key a POST used (for "unknown — verify") */
	bool refresh_ok;        /* REPLY_REFRESH_STATUS */
	int64_t refreshed_at_ms;/* wall clock of the last good refresh */
};
/* Free a whole list of replies (follows next). */
void reply_free(struct reply *r);

struct sync_config {
	struct http_config http; /* base, key, read_only, timeouts …; bucket set by sync */
	int workers;             /* 0: 4 */
	double refresh_s;        /* 0: 5; <0: no refresh thread */
	double rate_per_s;       /* client bucket; 0: 20 */
	bool fleets_only;        /* the background walk skips drivers (the kiosk wall) */
};

struct sync;
struct sync *sync_new(const struct sync_config *cfg, struct api_error *err);
/* Readable when replies wait; the UI polls it. */
int sync_wake_fd(const struct sync *s);
/* Take ownership of *job (left cleared); returns the job id (>0), or 0 when
 * out of memory (the job is dropped and no reply will come). */
uint64_t sync_submit(struct sync *s, struct job *job);
/* Cancel a queued or running job; its reply, if any, has API_ERR_CANCELLED. */
void sync_cancel(struct sync *s, uint64_t job_id);
/* Every reply waiting, oldest first (NULL when none); drains the wake pipe. */
struct reply *sync_take(struct sync *s);
/* Tell the refresh thread what is on screen (copied). */
void sync_set_visible(struct sync *s, const char *const *fleet_ids, size_t nf,
		      const char *const *driver_ids, size_t nd);
/* Start a refresh round now (the `r` key); also the only way to resume
 * after a 401 stopped the timer (SEC-10). */
void sync_refresh_now(struct sync *s);
/* Seconds between refresh rounds after `fails` consecutive failed rounds:
 * refresh_s after a success, else refresh_s * 2^(fails-1) capped at
 * refresh_s * 8, times (0.5 + 0.5 * jitter01), never below refresh_s. */
double sync_refresh_delay(double refresh_s, int fails, double jitter01);
void sync_free(struct sync *s);

#endif
