/*
 * internal.h — what sync.c (queue, workers, replies) and refresh.c (the
 * refresh thread) share.  Everything below `mu` is guarded by it unless its
 * comment says otherwise.
 */
#ifndef CHARGETUI_SYNC_INTERNAL_H
#define CHARGETUI_SYNC_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "chargetui/api.h"
#include "chargetui/sync.h"

#define SYNC_STACK_SIZE (512 * 1024) /* JSN-4: independent of ulimit -s */
#define SYNC_VISIBLE_MAX 60          /* objects refreshed first, per round */
#define SYNC_WALK_LIMIT 100          /* page size of the background walk */
/* A list job waits while this many pages sit untaken: the network must not
 * outrun the UI, or a 100,000-driver load piles up decoded pages (tens of
 * MiB that the heap keeps after they are freed). */
#define SYNC_MAX_PENDING_PAGES 4

struct sjob {
	struct sjob *next;
	uint64_t id;
	struct job job;
};

struct worker {
	struct sync *s;
	pthread_t th;
	bool started;
	struct api *api;   /* this thread's only */
	volatile int cancel; /* http_config.cancel; written with __atomic */
	struct sjob *cur;  /* the job running, or NULL */
};

struct sync {
	pthread_mutex_t mu;
	pthread_cond_t cv_work;    /* workers: a job was queued, or stop */
	pthread_cond_t cv_refresh; /* refresh thread: now, idle queue, or stop */
	pthread_cond_t cv_taken;   /* list jobs: the UI took the replies, or stop */
	size_t pending_pages;      /* list pages posted and not yet taken */
	bool stop;
	uint64_t next_id;
	struct sjob *q_head, *q_tail;
	struct reply *r_head, *r_tail;
	int wake_rd, wake_wr; /* the pipe; written only on empty -> non-empty */

	/* Strings the http configs point at, owned here so the caller's may go. */
	char *base_url, *cacert, *charge_version, *debug_log_path;
	struct rate_bucket *bucket;
	struct worker *workers;
	int nworkers;

	/* refresh thread */
	double refresh_s;
	bool fleets_only; /* sync_config.fleets_only */
	bool rf_started;
	pthread_t rf_th;
	struct api *rf_api;
	volatile int rf_cancel; /* set only by sync_free */
	bool rf_now;            /* sync_refresh_now() was called */
	char **vis_fleets, **vis_drivers;
	size_t nvis_fleets, nvis_drivers;
};

/* Append one reply and wake the UI (locks mu). */
void sync_post(struct sync *s, struct reply *r);
/* A reply for job id/tag/kind/origin; NULL on ENOMEM (then nothing is sent:
 * the one case where a reply can be lost, documented in sync.h). */
struct reply *sync_reply_new(uint64_t job_id, uint64_t tag, enum job_kind job,
			     enum reply_kind kind, enum job_origin origin, bool done);
/* CLOCK_MONOTONIC and wall clock, in seconds / ms. */
double sync_mono_now(void);
int64_t sync_wall_ms(void);

void *sync_refresh_main(void *arg);

#endif
