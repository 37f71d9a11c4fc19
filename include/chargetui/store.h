/*
 * store.h — every fleet and driver the console knows, indexed by id, and the
 * views (filtered, sorted row lists) the panes draw.  UI thread only: workers
 * never touch it; their replies are applied here by the UI thread.
 *
 * Records keep the raw API values (SAN-11).  Views keep the selection by id
 * across refreshes and re-sorts (tmux's stable tag).  A view is recomputed
 * lazily when the store, the filter or the sort changed; a filter that
 * extends the previous one only scans the previous result (so typing over
 * 100,000 drivers stays under 10 ms a key).
 */
#ifndef CHARGETUI_STORE_H
#define CHARGETUI_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "chargetui/model.h"

/* What changed when a record was put (for brief highlighting). */
enum store_change {
	STORE_NEW = 1u << 0,
	STORE_CHG_BALANCE = 1u << 1,  /* wallet_balance */
	STORE_CHG_SESSIONS = 1u << 2, /* total_sessions (fleet) */
	STORE_CHG_ENERGY = 1u << 3,   /* total_energy_consumed_kwh */
	STORE_CHG_DRIVERS = 1u << 4,  /* total_drivers / fleets[] membership */
	STORE_CHG_VEHICLES = 1u << 5,
	STORE_CHG_OTHER = 1u << 6,    /* any other field */
};

struct store;
struct store *store_new(void);
void store_free(struct store *s);

/* Insert or replace by id, taking ownership of *d (left cleared).  Returns a
 * store_change mask (0: identical, nothing to redraw); a record with no id is
 * dropped and returns 0. */
unsigned store_put_driver(struct store *s, struct driver *d);
unsigned store_put_fleet(struct store *s, struct fleet *f);
bool store_remove_driver(struct store *s, const char *id);
/* A fleet gone from the server (a refresh's REPLY_DELETED with fleet.id). */
bool store_remove_fleet(struct store *s, const char *id);

/* Records are read-only (const): copy one with driver_copy() to edit it.
 *
 * Fleets: a pointer from store_fleet() or store_view_fleet() stays valid
 * until that fleet is removed or the store freed; a put of the same id
 * replaces the contents in place (same pointer, new strings).
 *
 * Drivers are kept packed and materialized on access into a cache, so a
 * pointer from store_driver() or store_view_driver(), and every string and
 * array reached through it, stays valid only until the next call of
 * store_tick(), store_put_driver(), store_remove_driver() or store_free()
 * (an "epoch"), whichever comes first.  Within an epoch nothing is evicted,
 * however many drivers are fetched, and fetching the same driver twice gives
 * the same pointer.  Never keep a driver pointer across a put, a remove or a
 * loop turn: keep its id (or a driver_copy()) and fetch it again.
 * store_driver() returns NULL also on ENOMEM. */
const struct driver *store_driver(const struct store *s, const char *id);
const struct fleet *store_fleet(const struct store *s, const char *id);
/* Ends the epoch (see above): the UI calls it once per loop turn, before it
 * applies replies and draws, so the cache holds only what one turn drew. */
void store_tick(struct store *s);
size_t store_driver_count(const struct store *s);
size_t store_fleet_count(const struct store *s);

enum view_kind { VIEW_FLEETS, VIEW_DRIVERS };

enum sort_key {
	SORT_DEFAULT = 0, /* the API's order (newest first) */
	SORT_NAME,
	SORT_STATUS,
	SORT_BALANCE,
	SORT_SESSIONS, /* fleets: total_sessions; drivers: vehicles count */
	SORT_DRIVERS,  /* fleets: total_drivers */
	SORT_ENERGY,
	SORT_UPDATED,
};

/* A view borrows its store: free every view before the store.  Views are
 * cheap (a few pointer arrays); the UI keeps one per list pane. */
struct store_view;
struct store_view *store_view_new(struct store *s, enum view_kind kind);
void store_view_free(struct store_view *v);
/* Drivers views only: restrict to members of fleet_id (NULL: all drivers). */
void store_view_set_fleet(struct store_view *v, const char *fleet_id);
/* Case-insensitive substring over name, email, id and phone ("" or NULL: all). */
void store_view_set_filter(struct store_view *v, const char *text);
void store_view_set_sort(struct store_view *v, enum sort_key key, bool descending);
size_t store_view_len(struct store_view *v);
/* Row i of the view (i < len), or NULL.  Lifetimes: see store_driver(). */
const struct driver *store_view_driver(struct store_view *v, size_t i);
const struct fleet *store_view_fleet(struct store_view *v, size_t i);
/* The id of row i (either kind) without materializing the record, or NULL:
 * for walking a whole view (marking every row).  Valid until that record is
 * put again or removed, or the store freed. */
const char *store_view_id(struct store_view *v, size_t i);
/* Row of the record with this id, or -1 when it is not in the view. */
ssize_t store_view_find(struct store_view *v, const char *id);

#endif
