/*
 * respond.c — turning a response value into bytes on the wire, including
 * the wire-level faults: a Content-Length larger than the body (truncate), a
 * chunked body of N bytes (oversized) and a slow body (drip).
 */
#include "internal.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mk_out_free(struct mk_out *o)
{
	free(o->body);
	free(o->ctype);
	free(o->retry_after);
	free(o->location);
	o->body = o->ctype = o->retry_after = o->location = NULL;
	o->len = 0;
}

static void mk_out_set(struct mk_out *o, int status, char *body, const char *ctype)
{
	free(o->body);
	free(o->ctype);
	o->status = status;
	o->body = body;
	o->len = strlen(body);
	o->ctype = mk_xstrdup(ctype);
}

void mk_out_json(struct mk_out *o, int status, cJSON *json)
{
	char *s = cJSON_PrintUnformatted(json);
	cJSON_Delete(json);
	if (!s)
		s = mk_xstrdup("{}");
	/* cJSON allocates with malloc (no hooks installed), so free() owns it. */
	mk_out_set(o, status, s, "application/json");
}

void mk_out_error(struct mk_out *o, int status, const char *type, const char *code,
                  const char *message, const char *param)
{
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "object", "error");
	cJSON_AddStringToObject(e, "type", type);
	if (code)
		cJSON_AddStringToObject(e, "code", code);
	else
		cJSON_AddNullToObject(e, "code");
	cJSON_AddStringToObject(e, "message", message);
	if (param)
		cJSON_AddStringToObject(e, "param", param);
	else
		cJSON_AddNullToObject(e, "param");
	cJSON_AddNumberToObject(e, "status", status);
	cJSON_AddStringToObject(e, "request", o->request_id);
	char doc[160];
	snprintf(doc, sizeof doc, "https://docs.chargeapi.co/errors#%s", code ? code : "");
	cJSON_AddStringToObject(e, "doc_url", doc);
	mk_out_json(o, status, e);
}

struct mk_reader {
	struct mock *m;
	char *body;
	size_t len;
	long long oversized; /* > 0: generate this many bytes instead of body */
	long drip_bps;
	bool truncate;
};

static void mk_reader_free(void *cls)
{
	struct mk_reader *r = cls;
	free(r->body);
	free(r);
}

/* Bytes [pos, pos+n) of the generated oversized body {"data":"xxxx…"};
 * filled in bulk, since a test may ask for hundreds of megabytes. */
static void mk_oversized_fill(char *buf, long long total, long long pos, size_t n)
{
	static const char head[] = "{\"data\":\"";
	long long end = pos + (long long)n, hl = (long long)sizeof head - 1;
	memset(buf, 'x', n);
	for (long long i = pos; i < end && i < hl; i++)
		buf[i - pos] = head[i];
	for (long long i = total - 2; i < total; i++)
		if (i >= pos && i < end)
			buf[i - pos] = i == total - 2 ? '"' : '}';
}

static ssize_t mk_reader_cb(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct mk_reader *r = cls;
	long long total = r->oversized > 0 ? r->oversized : (long long)r->len;
	if ((long long)pos >= total)
		return r->truncate ? MHD_CONTENT_READER_END_WITH_ERROR
		                   : MHD_CONTENT_READER_END_OF_STREAM;
	size_t n = (size_t)(total - (long long)pos);
	if (n > max)
		n = max;
	if (r->drip_bps > 0) {
		size_t chunk = (size_t)(r->drip_bps / 10 > 0 ? r->drip_bps / 10 : 1);
		if (n > chunk)
			n = chunk;
		if (!mk_sleep(r->m, (int64_t)n * 1000 / r->drip_bps))
			return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	if (r->oversized > 0)
		mk_oversized_fill(buf, total, (long long)pos, n);
	else
		memcpy(buf, r->body + pos, n);
	return (ssize_t)n;
}

int mk_out_send(struct mock *m, struct MHD_Connection *con, struct mk_out *o, bool truncate,
                long long oversized, long drip_bps)
{
	struct MHD_Response *resp;
	if (!truncate && oversized <= 0 && drip_bps <= 0) {
		resp = MHD_create_response_from_buffer(o->len, o->body, MHD_RESPMEM_MUST_FREE);
		if (resp)
			o->body = NULL;
	} else {
		struct mk_reader *r = mk_xcalloc(1, sizeof *r);
		r->m = m;
		r->body = o->body;
		r->len = o->len;
		o->body = NULL;
		r->oversized = oversized > 11 ? oversized : oversized > 0 ? 11 : 0;
		r->drip_bps = drip_bps;
		r->truncate = truncate && oversized <= 0;
		/* truncate: promise more than we send, then end with an error. */
		uint64_t size = oversized > 0 ? MHD_SIZE_UNKNOWN
		                : r->truncate ? (uint64_t)r->len * 2 + 64
		                              : (uint64_t)r->len;
		resp =
		    MHD_create_response_from_callback(size, 4096, mk_reader_cb, r, mk_reader_free);
		if (!resp)
			mk_reader_free(r);
	}
	if (!resp)
		return MK_DROP;
	MHD_add_response_header(resp, "Content-Type", o->ctype ? o->ctype : "application/json");
	MHD_add_response_header(resp, "Request-Id", o->request_id);
	if (o->retry_after)
		MHD_add_response_header(resp, "Retry-After", o->retry_after);
	if (o->location)
		MHD_add_response_header(resp, "Location", o->location);
	if (o->replayed)
		MHD_add_response_header(resp, "Idempotent-Replayed", "true");
	enum MHD_Result ok = MHD_queue_response(con, (unsigned)o->status, resp);
	MHD_destroy_response(resp);
	return ok == MHD_YES ? MK_SENT : MK_DROP;
}
