/*
 * activity.c — simulated life, so a refreshing client has something to
 * show: each step finishes the sessions that were charging (energy and cost
 * booked, balances go down, low balances are topped up) and starts new ones
 * for a few drivers.  Every touched driver and fleet gets a new `updated`.
 * Also the hostile=1 fault, which rewrites stored names.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define R(n) ((int)mk_rng_below(&st->rng, (uint64_t)(n)))

void mk_active_push(struct mk_state *st, int session)
{
	if (st->nactive == st->capactive) {
		st->capactive = st->capactive ? st->capactive * 2 : 16;
		st->active = mk_xrealloc(st->active, sizeof *st->active * (size_t)st->capactive);
	}
	st->active[st->nactive++] = session;
}

static void mk_finish_session(struct mk_state *st, struct mk_session *s, int64_t now)
{
	bool yen = strcmp(s->currency, "jpy") == 0;
	int64_t add = 2000 + R(40000);
	s->energy_wh += add;
	s->status = MK_SESS_COMPLETED;
	s->ended = s->updated = now;
	int64_t price = yen ? 40 + R(30) : 35 + R(25);
	s->amount_due = s->amount_paid = s->energy_wh * price / 1000;
	struct mk_driver *d = st->drivers[s->driver];
	if (!d->deleted) {
		if (d->wallet_balance < s->amount_due)
			d->wallet_balance += yen ? 5000 : 5000 * (1 + R(4)); /* top-up */
		d->wallet_balance -= s->amount_due;
		d->updated = now;
	}
	if (s->fleet >= 0) {
		struct mk_fleet *f = st->fleets[s->fleet];
		f->energy_wh += add; /* the start was booked when it began */
		f->wallet_balance -= s->amount_due;
		if (f->wallet_balance < 0)
			f->wallet_balance += yen ? 500000 : 1000000;
		f->updated = now;
	}
}

static int mk_pick_driver(struct mk_state *st)
{
	for (int tries = 0; tries < 16 && st->ndrivers > 0; tries++) {
		int i = R(st->ndrivers);
		const struct mk_driver *d = st->drivers[i];
		if (!d->deleted && d->status == MK_ACTIVE && d->vehicles.n > 0)
			return i;
	}
	return -1;
}

int mk_activity_step(struct mk_state *st)
{
	int64_t now = mk_state_now(st);
	for (int i = 0; i < st->nactive; i++)
		mk_finish_session(st, &st->sessions[st->active[i]], now);
	st->nactive = 0;
	int want = st->live_drivers / 50;
	want = want < 1 ? 1 : want > 20 ? 20 : want;
	int started = 0;
	for (int k = 0; k < want; k++) {
		int di = mk_pick_driver(st);
		if (di < 0)
			continue;
		struct mk_session *s = mk_session_new(st, now);
		struct mk_driver *d = st->drivers[di];
		mk_seed_session_fill(st, s, d, di);
		s->status = MK_SESS_ACTIVE;
		s->energy_wh = R(3000);
		mk_session_account(st, s);
		if (s->fleet >= 0)
			st->fleets[s->fleet]->updated = now;
		d->updated = now;
		mk_active_push(st, (int)(s - st->sessions));
		started++;
	}
	return started;
}

void mk_apply_hostile(struct mk_state *st)
{
	int64_t now = mk_state_now(st);
	int k = 0;
	for (int i = st->ndrivers - 1; i >= 0 && k < MK_NHOSTILE; i--) {
		struct mk_driver *d = st->drivers[i];
		if (d->deleted)
			continue;
		size_t len;
		const char *p = mock_hostile_payload(k++, &len);
		free(d->name);
		d->name = mk_xstrndup(p, len);
		d->updated = now;
	}
	/* Fleets get the escape, bidi and invalid UTF-8 payloads. */
	static const int fleet_payloads[] = {0, 6, 7};
	for (int i = st->nfleets - 1, j = 0; i >= 0 && j < 3; i--, j++) {
		size_t len;
		const char *p = mock_hostile_payload(fleet_payloads[j], &len);
		free(st->fleets[i]->name);
		st->fleets[i]->name = mk_xstrndup(p, len);
		st->fleets[i]->updated = now;
	}
}
