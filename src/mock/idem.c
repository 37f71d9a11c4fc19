/*
 * idem.c — Idempotency-Key replay (contract: "charge-mock replays the first
 * response for a repeated key and identical body, for 24 h").  Keys are
 * scoped by API key.  Only responses the handler produced are stored; 401,
 * 429 and injected faults never reach it, so a retry after them runs for real.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define MK_IDEM_TTL_MS (24LL * 3600 * 1000)
#define MK_IDEM_PURGE_AT 10000

bool mk_idem_replay(struct mock *m, const char *ikey, const struct mk_conn *rc, struct mk_out *o)
{
	int32_t i = mk_index_get(&m->idem_ix, ikey);
	if (i < 0)
		return false;
	const struct mk_idem *e = m->idem[i];
	if (e->expires_ms < mk_now_ms())
		return false;
	if (e->body_len != rc->body.len ||
	    (e->body_len && memcmp(e->body, rc->body.p, e->body_len) != 0)) {
		mk_out_error(o, 400, "invalid_request_error", "idempotency_key_mismatch",
		             "This Idempotency-Key was already used with a different request body.",
		             NULL);
		return true;
	}
	mk_out_free(o);
	o->status = e->status;
	o->body = mk_xstrdup(e->resp);
	o->len = strlen(e->resp);
	o->ctype = mk_xstrdup(e->ctype);
	memcpy(o->request_id, e->request_id, sizeof o->request_id);
	o->replayed = true;
	return true;
}

static void mk_idem_entry_free(struct mk_idem *e)
{
	free(e->key);
	free(e->body);
	free(e->resp);
	free(e->ctype);
	free(e);
}

/* Drop expired entries once the table is large; rebuilds the index. */
static void mk_idem_purge(struct mock *m)
{
	int64_t now = mk_now_ms();
	size_t w = 0;
	for (size_t r = 0; r < m->nidem; r++) {
		if (m->idem[r]->expires_ms < now)
			mk_idem_entry_free(m->idem[r]);
		else
			m->idem[w++] = m->idem[r];
	}
	m->nidem = w;
	mk_index_free(&m->idem_ix);
	mk_index_init(&m->idem_ix);
	for (size_t i = 0; i < m->nidem; i++)
		mk_index_put(&m->idem_ix, m->idem[i]->key, (int32_t)i);
}

void mk_idem_store(struct mock *m, const char *ikey, const struct mk_conn *rc,
                   const struct mk_out *o)
{
	int32_t i = mk_index_get(&m->idem_ix, ikey);
	struct mk_idem *e;
	if (i >= 0) { /* an expired entry: reuse its slot */
		e = m->idem[i];
		free(e->body);
		free(e->resp);
		free(e->ctype);
	} else {
		if (m->nidem >= MK_IDEM_PURGE_AT && m->nidem % 1000 == 0)
			mk_idem_purge(m);
		e = mk_xcalloc(1, sizeof *e);
		e->key = mk_xstrdup(ikey);
		m->idem = mk_xrealloc(m->idem, sizeof *m->idem * (m->nidem + 1));
		m->idem[m->nidem] = e;
		mk_index_put(&m->idem_ix, e->key, (int32_t)m->nidem);
		m->nidem++;
	}
	e->body = mk_xstrndup(rc->body.p ? rc->body.p : "", rc->body.len);
	e->body_len = rc->body.len;
	e->status = o->status;
	e->resp = mk_xstrndup(o->body ? o->body : "", o->len);
	e->ctype = mk_xstrdup(o->ctype ? o->ctype : "application/json");
	memcpy(e->request_id, o->request_id, sizeof e->request_id);
	e->expires_ms = mk_now_ms() + MK_IDEM_TTL_MS;
}
