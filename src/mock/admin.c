/*
 * admin.c — the /__mock/ paths tests use to look inside and steer the mock:
 * requests (log), faults (spec), tick (one activity step), state (counts).
 * They need no API key and are never logged or faulted.
 */
#include "internal.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

static void mk_admin_raw(struct mk_out *o, int status, char *body)
{
	mk_out_free(o);
	o->status = status;
	o->body = body;
	o->len = strlen(body);
	o->ctype = mk_xstrdup("application/json");
}

static void mk_admin_requests(struct mock *m, struct MHD_Connection *con, const char *method,
                              struct mk_out *o)
{
	if (strcmp(method, "GET") == 0) {
		const char *s = MHD_lookup_connection_value(con, MHD_GET_ARGUMENT_KIND, "since");
		uint64_t since = s ? strtoull(s, NULL, 10) : 0;
		pthread_mutex_lock(&m->mu);
		char *body = mk_log_json(m, since);
		pthread_mutex_unlock(&m->mu);
		mk_admin_raw(o, 200, body);
	} else if (strcmp(method, "DELETE") == 0) {
		pthread_mutex_lock(&m->mu);
		mk_log_clear(m);
		pthread_mutex_unlock(&m->mu);
		mk_admin_raw(o, 200, mk_xstrdup("{\"deleted\":true}"));
	} else {
		mk_out_error(o, 405, "invalid_request_error", "method_not_allowed",
		             "Use GET or DELETE.", NULL);
	}
}

static void mk_admin_faults(struct mock *m, const char *method, const struct mk_conn *rc,
                            struct mk_out *o)
{
	char err[256] = "";
	int rc_ = 0;
	if (strcmp(method, "POST") == 0)
		rc_ = mock_set_faults(m, rc->body.p ? rc->body.p : "", err, sizeof err);
	else if (strcmp(method, "DELETE") == 0)
		rc_ = mock_set_faults(m, "", err, sizeof err);
	else if (strcmp(method, "GET") != 0) {
		mk_out_error(o, 405, "invalid_request_error", "method_not_allowed",
		             "Use GET, POST or DELETE.", NULL);
		return;
	}
	if (rc_ != 0) {
		mk_out_error(o, 400, "invalid_request_error", "parameter_invalid", err, "faults");
		return;
	}
	pthread_mutex_lock(&m->mu);
	char *spec = mk_faults_format(&m->faults);
	pthread_mutex_unlock(&m->mu);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "spec", spec);
	free(spec);
	mk_out_json(o, 200, j);
}

static void mk_admin_tick_state(struct mock *m, bool tick, struct mk_out *o)
{
	cJSON *j = cJSON_CreateObject();
	pthread_mutex_lock(&m->mu);
	if (tick)
		cJSON_AddNumberToObject(j, "started", mk_activity_step(&m->st));
	cJSON_AddNumberToObject(j, "fleets", m->st.nfleets);
	cJSON_AddNumberToObject(j, "drivers", m->st.live_drivers);
	cJSON_AddNumberToObject(j, "requests", (double)m->nlog);
	cJSON_AddNumberToObject(j, "sessions", m->st.nsessions);
	pthread_mutex_unlock(&m->mu);
	mk_out_json(o, 200, j);
}

int mk_admin(struct mock *m, struct MHD_Connection *con, const char *url, const char *method,
             struct mk_conn *rc)
{
	struct mk_out o = {0};
	pthread_mutex_lock(&m->mu);
	mk_rng_id(&m->frng, "req_", o.request_id);
	pthread_mutex_unlock(&m->mu);
	if (strcmp(url, "/__mock/requests") == 0)
		mk_admin_requests(m, con, method, &o);
	else if (strcmp(url, "/__mock/faults") == 0)
		mk_admin_faults(m, method, rc, &o);
	else if (strcmp(url, "/__mock/tick") == 0 && strcmp(method, "POST") == 0)
		mk_admin_tick_state(m, true, &o);
	else if (strcmp(url, "/__mock/state") == 0 && strcmp(method, "GET") == 0)
		mk_admin_tick_state(m, false, &o);
	else
		mk_out_error(&o, 404, "invalid_request_error", "resource_missing",
		             "Unknown /__mock/ path or method.", NULL);
	int r = mk_out_send(m, con, &o, false, 0, 0);
	mk_out_free(&o);
	return r;
}
