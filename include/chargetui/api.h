/*
 * api.h — the Charge endpoints chargetui uses, over http.h, decoded by json.h.
 * It knows nothing of terminals.  A struct api is one thread's (it owns an
 * http_client); make one per worker.
 *
 * Every function returns 0 and fills *out (caller *_clear()s it), or -1 with
 * *err filled (caller api_error_clear()s it).  *out is overwritten (zeroed
 * first, never freed: clear an old value before reusing the struct); *err
 * follows the conventions in http.h.  IDs are checked with
 * http_id_valid() before they go into a path (NET-10).  idem_key may be NULL
 * (a fresh key is made and used for every retry of this call); callers that
 * must survive a crash (bulk journal) pass their own.
 */
#ifndef CHARGETUI_API_H
#define CHARGETUI_API_H

#include "chargetui/http.h"
#include "chargetui/model.h"

struct api;

struct api *api_new(const struct http_config *cfg, struct api_error *err);
void api_free(struct api *a);
/* Make a's current wait notice its cancel flag now (http_client_wakeup): the
 * one call that may come from another thread while a is in use.  Set the
 * flag first.  NULL is a no-op. */
void api_wakeup(struct api *a);

struct list_query {
	const char *fleet;   /* drivers: ?fleet= */
	const char *vehicle;
	const char *status;
	const char *driver;  /* fleets: ?driver= */
	int limit;           /* 1..100; 0: 100 */
};

/* One page: page_url NULL for the first page (built from q), otherwise a
 * next/prev URL from a previous page (checked with http_same_origin). */
int api_drivers_list(struct api *a, const struct list_query *q, const char *page_url,
		     struct driver_page *out, struct api_error *err);
int api_fleets_list(struct api *a, const struct list_query *q, const char *page_url,
		    struct fleet_page *out, struct api_error *err);

/* Iterators that follow next_page_url (or starting_after for the legacy
 * shape) until the end.  next() returns 1 with a page, 0 at the end, -1 on
 * error (the iterator can be retried by calling next() again). */
struct api_iter;
struct api_iter *api_drivers_iter(struct api *a, const struct list_query *q);
struct api_iter *api_fleets_iter(struct api *a, const struct list_query *q);
int api_iter_next_drivers(struct api_iter *it, struct driver_page *out, struct api_error *err);
int api_iter_next_fleets(struct api_iter *it, struct fleet_page *out, struct api_error *err);
void api_iter_free(struct api_iter *it);

int api_driver_get(struct api *a, const char *id, struct driver *out, struct api_error *err);
int api_driver_create(struct api *a, const struct driver_patch *p, const char *idem_key,
		      struct driver *out, struct api_error *err);
/* A patch with nothing set sends nothing and returns 0 with out cleared
 * (the id is still checked). */
int api_driver_update(struct api *a, const char *id, const struct driver_patch *p,
		      const char *idem_key, struct driver *out, struct api_error *err);
int api_driver_attach(struct api *a, const char *id, const char *fleet_id, const char *idem_key,
		      struct driver *out, struct api_error *err);
int api_driver_detach(struct api *a, const char *id, const char *fleet_id, const char *idem_key,
		      struct driver *out, struct api_error *err);
int api_driver_delete(struct api *a, const char *id, struct api_error *err);

int api_fleet_get(struct api *a, const char *id, struct fleet *out, struct api_error *err);
int api_fleet_create(struct api *a, const struct fleet_patch *p, const char *idem_key,
		     struct fleet *out, struct api_error *err);
int api_fleet_update(struct api *a, const char *id, const struct fleet_patch *p,
		     const char *idem_key, struct fleet *out, struct api_error *err);

#endif
