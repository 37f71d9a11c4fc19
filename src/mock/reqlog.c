/*
 * reqlog.c — the request log behind GET /__mock/requests: every served /v1
 * request with its method, path, raw query, headers (Authorization left
 * out, so the key never lands in a test's output), body, status and time.
 * Entries are serialized once, when recorded.
 */
#include "internal.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MK_LOG_MAX 100000

static enum MHD_Result mk_header_cb(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
	(void)kind;
	cJSON *h = cls;
	if (!key || strcasecmp(key, "Authorization") == 0 ||
	    cJSON_GetObjectItemCaseSensitive(h, key))
		return MHD_YES;
	cJSON_AddStringToObject(h, key, value ? value : "");
	return MHD_YES;
}

void mk_log_request(struct mock *m, struct MHD_Connection *con, const char *method, const char *url,
                    const struct mk_conn *rc, int status, int64_t t_ms, const char *request_id)
{
	cJSON *e = cJSON_CreateObject();
	cJSON *seq = cJSON_AddNumberToObject(e, "seq", 0);
	cJSON_AddStringToObject(e, "method", method);
	cJSON_AddStringToObject(e, "path", url);
	const char *q = rc->uri ? strchr(rc->uri, '?') : NULL;
	cJSON_AddStringToObject(e, "query", q ? q + 1 : "");
	cJSON *h = cJSON_AddObjectToObject(e, "headers");
	MHD_get_connection_values(con, MHD_HEADER_KIND, mk_header_cb, h);
	if (rc->body.len)
		cJSON_AddStringToObject(e, "body", rc->body.p);
	else
		cJSON_AddNullToObject(e, "body");
	cJSON_AddNumberToObject(e, "status", status);
	cJSON_AddNumberToObject(e, "time_ms", (double)t_ms);
	cJSON_AddStringToObject(e, "request_id", request_id);
	pthread_mutex_lock(&m->mu);
	uint64_t n = ++m->log_seq;
	cJSON_SetNumberValue(seq, (double)n);
	char *json = cJSON_PrintUnformatted(e);
	if (m->nlog == MK_LOG_MAX) {
		size_t drop = MK_LOG_MAX / 10;
		for (size_t i = 0; i < drop; i++)
			free(m->log[i].json);
		memmove(m->log, m->log + drop, sizeof *m->log * (m->nlog - drop));
		m->nlog -= drop;
	}
	if (m->nlog == m->caplog) {
		m->caplog = m->caplog ? m->caplog * 2 : 256;
		m->log = mk_xrealloc(m->log, sizeof *m->log * m->caplog);
	}
	m->log[m->nlog].seq = n;
	m->log[m->nlog].json = json ? json : mk_xstrdup("{}");
	m->nlog++;
	pthread_mutex_unlock(&m->mu);
	cJSON_Delete(e);
}

char *mk_log_json(struct mock *m, uint64_t since)
{
	struct mk_buf b = {0};
	mk_buf_adds(&b, "[");
	bool first = true;
	for (size_t i = 0; i < m->nlog; i++) {
		if (m->log[i].seq <= since)
			continue;
		if (!first)
			mk_buf_adds(&b, ",");
		mk_buf_adds(&b, m->log[i].json);
		first = false;
	}
	mk_buf_adds(&b, "]");
	return b.p;
}

void mk_log_clear(struct mock *m)
{
	for (size_t i = 0; i < m->nlog; i++)
		free(m->log[i].json);
	m->nlog = 0;
}
