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

static char *mk_payload_dup(int i)
{
	size_t len;
	const char *p = mock_hostile_payload(i, &len);
	return mk_xstrndup(p, len);
}

/* Level 2: every other free-text field of the record, so no column is safe. */
static void mk_hostile_driver_fields(struct mk_driver *d, int k)
{
	free(d->phone);
	d->phone = mk_payload_dup((k + 1) % MK_NHOSTILE);
	free(d->license_number);
	d->license_number = mk_payload_dup((k + 2) % MK_NHOSTILE);
	char *v = mk_payload_dup((k + 3) % 9); /* metadata values stop at 500 */
	mk_meta_set(&d->metadata, "note", v);
	free(v);
	size_t len;
	mk_strv_clear(&d->prefs.cpos);
	mk_strv_push(&d->prefs.cpos, mock_hostile_payload(0, &len));
}

void mk_apply_hostile(struct mk_state *st, int level)
{
	int64_t now = mk_state_now(st);
	int k = 0;
	for (int i = st->ndrivers - 1; i >= 0 && k < MK_NHOSTILE; i--) {
		struct mk_driver *d = st->drivers[i];
		if (d->deleted)
			continue;
		free(d->name);
		d->name = mk_payload_dup(k);
		if (level >= 2)
			mk_hostile_driver_fields(d, k);
		d->updated = now;
		k++;
	}
	/* Fleets get the escape, bidi and invalid UTF-8 payloads. */
	static const int fleet_payloads[] = {0, 6, 7};
	for (int i = st->nfleets - 1, j = 0; i >= 0 && j < 3; i--, j++) {
		struct mk_fleet *f = st->fleets[i];
		free(f->name);
		f->name = mk_payload_dup(fleet_payloads[j]);
		if (level >= 2) {
			free(f->description);
			f->description = mk_payload_dup((fleet_payloads[j] + 1) % MK_NHOSTILE);
			free(f->address[MK_ADDR_CITY]);
			f->address[MK_ADDR_CITY] =
			    mk_payload_dup((fleet_payloads[j] + 2) % MK_NHOSTILE);
		}
		f->updated = now;
	}
}
