/*
 * json.h — bytes <-> model structs, with cJSON.  The only place that decodes a
 * Charge object (style.md: one door each).
 *
 * Tolerant in what it reads: unknown fields ignored, nulls and missing fields
 * recorded in the opt state, wrong types become FIELD_INVALID (JSN-5), money
 * and counts never pass through valueint (JSN-6), both timestamp forms read,
 * walkers bounded at depth 32 (JSN-4).  Parsing always uses
 * cJSON_ParseWithLengthOpts(buf, len, &end, 1) and requires the whole body be
 * consumed (JSN-2).  `buf` need not be NUL-terminated, but callers that own
 * the buffer keep it NUL-terminated too (CVE-2023-53154 guard).
 *
 * Exact in what it writes: encoders emit only the fields a patch sets, in API
 * order, as compact JSON (`{"phone":"+33189000029"}`).
 *
 * Decoders return 0 and fill *out (which the caller later *_clear()s), or -1
 * with err->kind = API_ERR_MALFORMED or API_ERR_TOO_DEEP (or API_ERR_INTERNAL
 * on out of memory) and err->detail set; on failure *out is left cleared.
 * Returned char * are malloc'd, caller frees.
 *
 * Reading rules (decisions):
 *  - duplicate keys: the first occurrence wins (objects and metadata alike);
 *  - money/counts: integral, finite, |v| <= 2^53 - 1 (2^53 itself is refused:
 *    9007199254740993 parses to it, so it would not round-trip); a negative
 *    zero ("-0", "-0.0") is FIELD_INVALID like 1.5 or 1e20: no integer
 *    serializer writes it (JSN-6);
 *  - timestamps: RFC 3339 string or integer UNIX seconds (|s| <= 10^15);
 *  - a string with \u0000 keeps the prefix before it (cJSON truncates, JSN-7);
 *  - metadata: an object of strings (max 256 keys); any non-string value makes
 *    the whole map FIELD_INVALID;
 *  - str_list: an array of strings; any other element makes it FIELD_INVALID;
 *  - old preference names (charging_notifications, payment_method,
 *    preferred_stations) are read when the current name is absent;
 *  - a list page whose data is not an array of objects, or whose page links
 *    are not strings/null, is API_ERR_MALFORMED (never silently "no more").
 *
 * Writing rules: a removed metadata key (vals[i] == NULL) is sent as "";
 * FIELD_NULL as null; a set bit whose value is MISSING/INVALID is skipped;
 * integers are written as integer literals (never through a double).
 */
#ifndef CHARGETUI_JSON_H
#define CHARGETUI_JSON_H

#include <stddef.h>
#include "chargetui/model.h"

int json_decode_driver(const char *buf, size_t len, struct driver *out, struct api_error *err);
int json_decode_fleet(const char *buf, size_t len, struct fleet *out, struct api_error *err);
int json_decode_driver_page(const char *buf, size_t len, struct driver_page *out,
			    struct api_error *err);
int json_decode_fleet_page(const char *buf, size_t len, struct fleet_page *out,
			   struct api_error *err);

/* Fill err from an error response body: the current top-level error object,
 * the Stripe-style {"error": {...}} wrapper, or a non-JSON body (a proxy's
 * HTML), which leaves the server fields NULL.  Sets kind = API_ERR_HTTP and
 * http_status = status.  Never fails (allocation failure leaves fields NULL). */
void json_decode_error(const char *buf, size_t len, long status, struct api_error *err);

/* Update/create bodies: only the fields p->set names.  NULL on ENOMEM. */
char *json_encode_driver_patch(const struct driver_patch *p);
char *json_encode_fleet_patch(const struct fleet_patch *p);
/* {"fleet":"flt_…"} for attach/detach. */
char *json_encode_fleet_ref(const char *fleet_id);

#endif
