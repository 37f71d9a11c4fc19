/*
 * model.h — the Charge objects as C values: driver, fleet, list pages, API
 * errors, and the patches an edit produces.
 *
 * Every field the API may send as null, omit, or send with the wrong type is
 * an "opt" value with a state (JSN-5): the console shows "—" for null/missing
 * and "invalid" for a value of the wrong type, and keeps rendering the rest.
 *
 * Strings hold the raw bytes the server sent (after JSON unescaping), never a
 * sanitized form: sanitizing happens only on the way to the screen (SAN-11).
 *
 * Ownership: every char * and array inside these structs is owned by the
 * struct and released by the matching *_clear() function.  *_clear() leaves
 * the struct zeroed (all fields FIELD_MISSING) and is safe to call twice.
 * Structs are plain values: copy one with *_copy(), never with memcpy.
 */
#ifndef CHARGETUI_MODEL_H
#define CHARGETUI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum field_state {
	FIELD_MISSING = 0, /* key absent from the JSON */
	FIELD_NULL,        /* key present with value null */
	FIELD_SET,         /* key present with a value of the right type */
	FIELD_INVALID,     /* key present with a value of the wrong type or out of range */
};

struct opt_str {
	enum field_state st;
	char *v; /* NUL-terminated; non-NULL iff st == FIELD_SET */
};

/* Money in minor units and counts: |v| <= 2^53, integral (JSN-6). */
struct opt_i64 {
	enum field_state st;
	int64_t v;
};

struct opt_f64 {
	enum field_state st;
	double v; /* finite */
};

struct opt_bool {
	enum field_state st;
	bool v;
};

/* A timestamp, read from RFC 3339 ("2026-04-01T00:13:30.836Z") or integer
 * UNIX seconds (older docs).  ms since the UNIX epoch, UTC. */
struct opt_time {
	enum field_state st;
	int64_t ms;
};

struct str_list {
	enum field_state st;
	size_t n;
	char **v; /* n owned strings */
};

/* metadata: string -> string, in the order the server sent it.  In a patch a
 * NULL value means "remove this key" (sent as "" per contract). */
struct meta_map {
	enum field_state st;
	size_t n;
	char **keys;
	char **vals;
};

struct address {
	enum field_state st;
	struct opt_str city, country, line1, line2, postal_code, state;
};

struct driver_prefs {
	enum field_state st;
	struct opt_str charging_speed;         /* slow|standard|fast|ultra_fast, or as sent */
	struct opt_str currency;               /* lowercase ISO 4217 */
	struct opt_str default_payment_method; /* pm_… or null */
	struct opt_i64 max_price_per_kwh;      /* minor units of currency, or null */
	struct opt_bool notifications;
	struct str_list preferred_charging_stations;
	struct str_list preferred_cpos;
};

struct driver {
	struct opt_str id; /* drv_… */
	struct opt_str object;
	struct opt_time created;
	struct opt_str email;
	struct str_list fleets;
	struct opt_str license_number;
	struct meta_map metadata;
	struct opt_str name;
	struct opt_str phone;
	struct str_list policy_ids;
	struct driver_prefs preferences;
	struct opt_str status; /* active|suspended|archived, or as sent */
	struct opt_time updated;
	struct str_list vehicles;
	struct opt_i64 wallet_balance; /* minor units of preferences.currency */
};

struct fleet_prefs {
	enum field_state st;
	struct opt_str billing_cycle;    /* weekly|monthly|quarterly, or as sent */
	struct opt_str default_currency; /* lowercase ISO 4217 */
	struct opt_str default_payment_method;
	struct opt_bool notifications;
	struct opt_str report_frequency; /* daily|weekly|monthly, or as sent */
};

struct fleet {
	struct opt_str id; /* flt_… */
	struct opt_str object;
	struct address address;
	struct opt_time created;
	struct opt_str description;
	struct opt_str email;
	struct meta_map metadata;
	struct opt_str metric_system;
	struct opt_str name;
	struct opt_str phone;
	struct str_list policy_ids;
	struct fleet_prefs preferences;
	struct opt_str status;
	struct opt_str timezone; /* IANA */
	struct opt_i64 total_drivers;
	struct opt_f64 total_energy_consumed_kwh;
	struct opt_i64 total_sessions;
	struct opt_i64 total_vehicles;
	struct opt_time updated;
	struct opt_i64 wallet_balance; /* minor units of preferences.default_currency */
};

/* One page of a list.  Current shape: next/prev URLs.  Older shape
 * ({object:"list", has_more, data}): legacy = true and has_more set; the
 * iterator then pages with starting_after=<last id>. */
struct driver_page {
	size_t n;
	struct driver *items; /* n owned drivers */
	char *next_url;       /* absolute, or NULL */
	char *prev_url;
	bool legacy;
	bool has_more;
};

struct fleet_page {
	size_t n;
	struct fleet *items;
	char *next_url;
	char *prev_url;
	bool legacy;
	bool has_more;
};

/* What went wrong with a call, as a value (errors are values, style.md). */
enum api_err_kind {
	API_OK = 0,
	API_ERR_HTTP,       /* the server answered with a non-2xx status (see fields) */
	API_ERR_NETWORK,    /* no response: connect, send, receive, reset */
	API_ERR_TIMEOUT,    /* connect, total or low-speed timeout */
	API_ERR_UNKNOWN,    /* a POST whose outcome is unknown: verify before retrying (RTY-8) */
	API_ERR_MALFORMED,  /* 2xx body that is not the JSON we expect (JSN-2) */
	API_ERR_TOO_LARGE,  /* response over the size cap (NET-7) */
	API_ERR_TOO_DEEP,   /* JSON nested deeper than we walk (JSN-4) */
	API_ERR_REFUSED,    /* refused before sending: read-only, bad id, cross-origin link, bad base URL */
	API_ERR_REDIRECT,   /* 3xx: never followed (NET-1) */
	API_ERR_TLS,        /* certificate / TLS verification (NET-2) */
	API_ERR_CANCELLED,  /* cancelled by the caller (NET-8) */
	API_ERR_RATE_LIMITED, /* 429 with Retry-After too far ahead to wait for (RTY-5) */
	API_ERR_INTERNAL,   /* out of memory, curl init failure */
};

struct api_error {
	enum api_err_kind kind;
	long http_status;      /* 0 when no response */
	char *type;            /* server's error object fields, raw (sanitize to show) */
	char *code;
	char *message;
	char *param;
	char *request_id;      /* "req_…", kept for support */
	char *doc_url;
	char *detail;          /* our own words for kinds other than API_ERR_HTTP */
	double retry_after_s;  /* from Retry-After, -1 when absent or malformed */
	int attempts;          /* how many tries were made */
};

/* Fields of a driver an update or create may send, in API order.  A patch is a
 * set of these plus the values in `v`; only the set fields are encoded. */
enum driver_field {
	DRV_NAME = 1u << 0,
	DRV_EMAIL = 1u << 1,
	DRV_PHONE = 1u << 2,
	DRV_LICENSE_NUMBER = 1u << 3,
	DRV_STATUS = 1u << 4,
	DRV_PREF_CHARGING_SPEED = 1u << 5,
	DRV_PREF_CURRENCY = 1u << 6,
	DRV_PREF_DEFAULT_PAYMENT_METHOD = 1u << 7,
	DRV_PREF_MAX_PRICE_PER_KWH = 1u << 8,
	DRV_PREF_NOTIFICATIONS = 1u << 9,
	DRV_PREF_PREFERRED_CHARGING_STATIONS = 1u << 10,
	DRV_PREF_PREFERRED_CPOS = 1u << 11,
	DRV_METADATA = 1u << 12, /* meta holds only the changed keys */
};

struct driver_patch {
	uint32_t set;     /* driver_field bits */
	struct driver v;  /* values for the set fields (FIELD_NULL encodes as null) */
	struct meta_map meta; /* changed metadata keys; vals[i] == NULL removes key */
};

enum fleet_field {
	FLT_NAME = 1u << 0,
	FLT_EMAIL = 1u << 1,
	FLT_PHONE = 1u << 2,
	FLT_DESCRIPTION = 1u << 3,
	FLT_TIMEZONE = 1u << 4,
	FLT_METRIC_SYSTEM = 1u << 5,
	FLT_ADDRESS = 1u << 6, /* the address object's changed subfields, see addr_set */
	FLT_STATUS = 1u << 7,
	FLT_PREF_BILLING_CYCLE = 1u << 8,
	FLT_PREF_DEFAULT_CURRENCY = 1u << 9,
	FLT_PREF_DEFAULT_PAYMENT_METHOD = 1u << 10,
	FLT_PREF_NOTIFICATIONS = 1u << 11,
	FLT_PREF_REPORT_FREQUENCY = 1u << 12,
	FLT_METADATA = 1u << 13,
};

enum address_field {
	ADDR_CITY = 1u << 0,
	ADDR_COUNTRY = 1u << 1,
	ADDR_LINE1 = 1u << 2,
	ADDR_LINE2 = 1u << 3,
	ADDR_POSTAL_CODE = 1u << 4,
	ADDR_STATE = 1u << 5,
};

struct fleet_patch {
	uint32_t set;      /* fleet_field bits */
	uint32_t addr_set; /* address_field bits, when FLT_ADDRESS is set */
	struct fleet v;
	struct meta_map meta;
};

/* Release what the struct owns and zero it.  api_error_clear() is the one
 * exception to "zeroed": it leaves retry_after_s = -1 (absent), so a cleared
 * error never reads as "Retry-After: 0".  Structs passed as `out` to a decoder,
 * copy or diff must be zero-initialized or previously used (they are cleared
 * first). */
void opt_str_clear(struct opt_str *s);
void str_list_clear(struct str_list *l);
void meta_map_clear(struct meta_map *m);
void driver_clear(struct driver *d);
void fleet_clear(struct fleet *f);
void driver_page_clear(struct driver_page *p);
void fleet_page_clear(struct fleet_page *p);
void api_error_clear(struct api_error *e);
void driver_patch_clear(struct driver_patch *p);
void fleet_patch_clear(struct fleet_patch *p);

/* Deep copies.  Return 0, or -1 on allocation failure (dst is then cleared). */
int opt_str_copy(struct opt_str *dst, const struct opt_str *src);
int str_list_copy(struct str_list *dst, const struct str_list *src);
int meta_map_copy(struct meta_map *dst, const struct meta_map *src);
int driver_copy(struct driver *dst, const struct driver *src);
int fleet_copy(struct fleet *dst, const struct fleet *src);
int api_error_copy(struct api_error *dst, const struct api_error *src);

/* Set a string field to a copy of s (NULL sets FIELD_NULL).  0 or -1 (ENOMEM). */
int opt_str_set(struct opt_str *dst, const char *s);

/* Diff two versions of an object into a patch holding only what changed
 * (the whole point of "parameters you omit keep their current values").
 * Preferences and metadata are compared key by key; arrays as a whole.
 * Returns the number of changed fields (0: nothing to send), or -1 (ENOMEM).
 * The count is the number of patch bits set: metadata counts once however many
 * keys changed, the address once (FLT_ADDRESS) however many lines changed.  A
 * field whose new state is MISSING or INVALID has nothing to send and is not
 * part of the patch.  out->v.id is a copy of after->id (never encoded). */
int driver_diff(const struct driver *before, const struct driver *after, struct driver_patch *out);
int fleet_diff(const struct fleet *before, const struct fleet *after, struct fleet_patch *out);

/* One line for an error in plain words, e.g. "Fleet not found. (404
 * fleet_not_found, req_6R3M…)" or "bad gateway (502) from proxy" or "driver is
 * already in that fleet (409)".  Raw server text is included unsanitized: pass
 * the result through san_display() before the screen.  Never contains a key.
 * Writes at most n bytes including the NUL; returns buf. */
char *api_error_format(const struct api_error *e, char *buf, size_t n);

#endif
