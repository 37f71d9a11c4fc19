/*
 * http_bucket.c — the client-side token bucket of RTY-7.  One bucket is
 * shared by every worker and the refresh thread of a console, so the sum of
 * their requests stays under the limit whatever mix of work is running.
 */
#include "chargetui/http.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct rate_bucket {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	double rate;  /* tokens per second */
	double burst; /* capacity */
	double tokens;
	double last;         /* CLOCK_MONOTONIC seconds of the last refill */
	double paused_until; /* no token before this (a 429's Retry-After, RTY-6) */
};

static double mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct rate_bucket *rate_bucket_new(double per_second, int burst)
{
	if (!(per_second > 0) || burst < 1)
		return NULL;
	struct rate_bucket *b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (pthread_mutex_init(&b->mu, NULL) != 0 || pthread_cond_init(&b->cv, &ca) != 0) {
		pthread_condattr_destroy(&ca);
		free(b);
		return NULL;
	}
	pthread_condattr_destroy(&ca);
	b->rate = per_second;
	b->burst = burst;
	b->tokens = burst;
	b->last = mono_now();
	return b;
}

void rate_bucket_free(struct rate_bucket *b)
{
	if (!b)
		return;
	pthread_cond_destroy(&b->cv);
	pthread_mutex_destroy(&b->mu);
	free(b);
}

static void refill(struct rate_bucket *b)
{
	double now = mono_now();
	b->tokens += (now - b->last) * b->rate;
	if (b->tokens > b->burst)
		b->tokens = b->burst;
	b->last = now;
}

/* Waits in slices of at most 50 ms so a cancel flag set by another thread is
 * seen promptly without needing a broadcast from the canceller. */
int rate_bucket_take(struct rate_bucket *b, const volatile int *cancel)
{
	if (!b)
		return 0;
	pthread_mutex_lock(&b->mu);
	for (;;) {
		if (cancel && __atomic_load_n(cancel, __ATOMIC_RELAXED)) {
			pthread_mutex_unlock(&b->mu);
			return -1;
		}
		refill(b);
		double pause = b->paused_until - mono_now();
		if (pause <= 0 && b->tokens >= 1.0) {
			b->tokens -= 1.0;
			pthread_mutex_unlock(&b->mu);
			return 0;
		}
		double wait = pause > 0 ? pause : (1.0 - b->tokens) / b->rate;
		if (wait > 0.05)
			wait = 0.05;
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		long ns = ts.tv_nsec + (long)(wait * 1e9);
		ts.tv_sec += ns / 1000000000L;
		ts.tv_nsec = ns % 1000000000L;
		int rc = pthread_cond_timedwait(&b->cv, &b->mu, &ts);
		(void)rc; /* ETIMEDOUT and spurious wake-ups both loop */
	}
}

void rate_bucket_pause(struct rate_bucket *b, double seconds)
{
	if (!b || !(seconds > 0))
		return;
	pthread_mutex_lock(&b->mu);
	double until = mono_now() + seconds;
	if (until > b->paused_until)
		b->paused_until = until;
	pthread_mutex_unlock(&b->mu);
}
