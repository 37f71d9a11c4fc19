/*
 * server.c — the mock's life cycle on libmicrohttpd: start, stop, the access
 * handler that gathers a request, the activity thread, and the sleeps that
 * stop() can interrupt.
 *
 * Threading: MHD runs one thread per connection, so a stalled or dripping
 * response blocks only its own connection.  stop() raises `stopping` and
 * broadcasts stop_cv before MHD_stop_daemon joins those threads, so a stall
 * never makes stop hang.
 */
#include "internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MK_BODY_MAX (2u << 20)

static void mk_deadline(struct timespec *ts, int64_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

bool mk_sleep(struct mock *m, int64_t ms)
{
	struct timespec ts;
	mk_deadline(&ts, ms > 0 ? ms : 0);
	pthread_mutex_lock(&m->mu);
	while (!m->stopping && pthread_cond_timedwait(&m->stop_cv, &m->mu, &ts) != ETIMEDOUT)
		;
	bool ok = !m->stopping;
	pthread_mutex_unlock(&m->mu);
	return ok;
}

void mk_stall(struct mock *m)
{
	pthread_mutex_lock(&m->mu);
	while (!m->stopping)
		pthread_cond_wait(&m->stop_cv, &m->mu);
	pthread_mutex_unlock(&m->mu);
}

static void *mk_activity_main(void *arg)
{
	struct mock *m = arg;
	int64_t period = (int64_t)(m->activity_s * 1000.0);
	if (period < 1)
		period = 1;
	pthread_mutex_lock(&m->mu);
	while (!m->stopping) {
		struct timespec ts;
		mk_deadline(&ts, period);
		while (!m->stopping &&
		       pthread_cond_timedwait(&m->stop_cv, &m->mu, &ts) != ETIMEDOUT)
			;
		if (!m->stopping)
			mk_activity_step(&m->st);
	}
	pthread_mutex_unlock(&m->mu);
	return NULL;
}

static void *mk_uri_cb(void *cls, const char *uri, struct MHD_Connection *con)
{
	(void)cls;
	(void)con;
	struct mk_conn *rc = mk_xcalloc(1, sizeof *rc);
	rc->uri = mk_xstrdup(uri ? uri : "");
	return rc;
}

static void mk_completed(void *cls, struct MHD_Connection *con, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)con;
	(void)toe;
	struct mk_conn *rc = *con_cls;
	if (rc) {
		free(rc->uri);
		free(rc->body.p);
		free(rc);
		*con_cls = NULL;
	}
}

static enum MHD_Result mk_access(void *cls, struct MHD_Connection *con, const char *url,
                                 const char *method, const char *version, const char *upload,
                                 size_t *upload_size, void **con_cls)
{
	(void)version;
	struct mock *m = cls;
	struct mk_conn *rc = *con_cls;
	if (!rc) {
		rc = mk_uri_cb(NULL, url, con);
		*con_cls = rc;
	}
	if (!rc->started) {
		rc->started = true;
		return MHD_YES;
	}
	if (*upload_size) {
		if (rc->body.len + *upload_size > MK_BODY_MAX)
			rc->too_large = true;
		else
			mk_buf_add(&rc->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	int r = strncmp(url, "/__mock/", 8) == 0 ? mk_admin(m, con, url, method, rc)
	                                         : mk_serve(m, con, url, method, rc);
	return r == MK_SENT ? MHD_YES : MHD_NO;
}

static bool mk_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, host, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

static int mk_listen(struct mock *m, const char *host, int port, char *err, size_t errlen)
{
	struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
	const struct sockaddr *sa;
	unsigned flags =
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
	if (inet_pton(AF_INET, host, &a4.sin_addr) == 1) {
		sa = (const struct sockaddr *)&a4;
	} else if (inet_pton(AF_INET6, host, &a6.sin6_addr) == 1) {
		sa = (const struct sockaddr *)&a6;
		flags |= MHD_USE_IPv6;
	} else {
		snprintf(err, errlen, "--host must be a numeric IPv4 or IPv6 address: %s", host);
		return -1;
	}
	if (!m->quiet)
		flags |= MHD_USE_ERROR_LOG;
	m->daemon = MHD_start_daemon(
	    flags, (uint16_t)port, NULL, NULL, mk_access, m, MHD_OPTION_SOCK_ADDR, sa,
	    MHD_OPTION_URI_LOG_CALLBACK, mk_uri_cb, m, MHD_OPTION_NOTIFY_COMPLETED, mk_completed, m,
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1, MHD_OPTION_END);
	if (!m->daemon) {
		snprintf(err, errlen, "cannot listen on %s port %d: %s", host, port,
		         errno ? strerror(errno) : "libmicrohttpd failed");
		return -1;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(m->daemon, MHD_DAEMON_INFO_BIND_PORT);
	m->port = di && di->port ? di->port : port;
	/* Connection threads already run and read root under the lock. */
	pthread_mutex_lock(&m->mu);
	bool v6 = sa->sa_family == AF_INET6;
	snprintf(m->root, sizeof m->root, "http://%s%.64s%s:%d", v6 ? "[" : "", host, v6 ? "]" : "",
	         m->port);
	memcpy(m->base, m->root, sizeof m->root);
	strcat(m->base, "/v1");
	pthread_mutex_unlock(&m->mu);
	return 0;
}

static void mk_free(struct mock *m)
{
	mk_state_free(&m->st);
	mk_faults_free(&m->faults);
	free(m->api_key);
	mk_log_clear(m);
	free(m->log);
	for (size_t i = 0; i < m->nidem; i++) {
		free(m->idem[i]->key);
		free(m->idem[i]->body);
		free(m->idem[i]->resp);
		free(m->idem[i]->ctype);
		free(m->idem[i]);
	}
	free(m->idem);
	mk_index_free(&m->idem_ix);
	for (int i = 0; i < m->nbuckets; i++)
		free(m->buckets[i].key);
	free(m->buckets);
	pthread_mutex_destroy(&m->mu);
	pthread_cond_destroy(&m->stop_cv);
	free(m);
}

static struct mock *mk_new(const struct mock_options *opt)
{
	struct mock *m = mk_xcalloc(1, sizeof *m);
	pthread_mutex_init(&m->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&m->stop_cv, &ca);
	pthread_condattr_destroy(&ca);
	uint64_t seed = opt->seed ? opt->seed : 1;
	mk_state_init(&m->st, seed);
	mk_rng_seed(&m->frng, seed ^ 0x6661756c7473ULL);
	mk_index_init(&m->idem_ix);
	m->api_key = mk_xstrdup(opt->api_key);
	m->rate_limit = opt->rate_limit;
	m->activity_s = opt->activity_s;
	m->quiet = opt->quiet;
	return m;
}

struct mock *mock_start(const struct mock_options *opt, char *errbuf, size_t errlen)
{
	static const struct mock_options defaults = {.fleets = -1, .drivers = -1};
	char dummy[8];
	if (!errbuf || !errlen) {
		errbuf = dummy;
		errlen = sizeof dummy;
	}
	errbuf[0] = '\0';
	if (!opt)
		opt = &defaults;
	const char *host = opt->host ? opt->host : "127.0.0.1";
	if (opt->port < 0 || opt->port > 65535) {
		snprintf(errbuf, errlen, "port out of range: %d", opt->port);
		return NULL;
	}
	struct mock *m = mk_new(opt);
	if (opt->faults && mk_faults_parse(opt->faults, &m->faults, errbuf, errlen) != 0) {
		mk_free(m);
		return NULL;
	}
	int fleets = opt->fleets < 0 ? 12 : opt->fleets;
	int drivers = opt->drivers < 0 ? 240 : opt->drivers;
	mk_seed(&m->st, fleets, drivers);
	if (m->faults.hostile)
		mk_apply_hostile(&m->st, m->faults.hostile);
	if (!mk_is_loopback(host) && !m->quiet)
		fprintf(stderr, "charge-mock: warning: listening on non-loopback address %s\n",
		        host);
	if (mk_listen(m, host, opt->port, errbuf, errlen) != 0) {
		mk_free(m);
		return NULL;
	}
	if (m->activity_s > 0) {
		if (pthread_create(&m->activity, NULL, mk_activity_main, m) != 0) {
			snprintf(errbuf, errlen, "cannot start the activity thread");
			MHD_stop_daemon(m->daemon);
			mk_free(m);
			return NULL;
		}
		m->has_activity = true;
	}
	return m;
}

const char *mock_base_url(const struct mock *m)
{
	return m->base;
}

const char *mock_root_url(const struct mock *m)
{
	return m->root;
}

int mock_port(const struct mock *m)
{
	return m->port;
}

int mock_set_faults(struct mock *m, const char *spec, char *errbuf, size_t errlen)
{
	struct mk_faults f;
	if (mk_faults_parse(spec, &f, errbuf, errlen) != 0)
		return -1;
	pthread_mutex_lock(&m->mu);
	mk_faults_free(&m->faults);
	m->faults = f;
	if (f.hostile)
		mk_apply_hostile(&m->st, f.hostile);
	pthread_mutex_unlock(&m->mu);
	return 0;
}

void mock_stop(struct mock *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->mu);
	m->stopping = true;
	pthread_cond_broadcast(&m->stop_cv);
	pthread_mutex_unlock(&m->mu);
	if (m->has_activity)
		pthread_join(m->activity, NULL);
	MHD_stop_daemon(m->daemon);
	mk_free(m);
}
