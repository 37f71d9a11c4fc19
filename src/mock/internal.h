/*
 * internal.h — what the files of charge-mock share with each other.  Nothing
 * here is part of the mock.h seam: the rest of the project sees only mock.h.
 *
 * Memory: records are stored as compact C structs and serialized on demand.
 * Allocation failure inside the mock is fatal (mk_xmalloc aborts): the mock is
 * a test and demo server, and a half-applied mutation would be worse than a
 * clean crash.
 */
#ifndef CT_MOCK_INTERNAL_H
#define CT_MOCK_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "chargetui/mock.h"

#define MK_ID_BODY 32
#define MK_ID_MAX 48 /* longest prefix "cs_"/"drv_"… + 32 + NUL */

/* ---- util.c ---------------------------------------------------------- */

void *mk_xmalloc(size_t n);
void *mk_xcalloc(size_t n, size_t size);
void *mk_xrealloc(void *p, size_t n);
char *mk_xstrdup(const char *s); /* NULL stays NULL */
char *mk_xstrndup(const char *s, size_t n);
char *mk_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* xoshiro256** seeded by splitmix64: deterministic for a given --seed. */
struct mk_rng {
	uint64_t s[4];
};
void mk_rng_seed(struct mk_rng *r, uint64_t seed);
uint64_t mk_rng_next(struct mk_rng *r);
uint64_t mk_rng_below(struct mk_rng *r, uint64_t n);
double mk_rng_unit(struct mk_rng *r);
/* prefix + 32 alphanumerics into out[MK_ID_MAX]. */
void mk_rng_id(struct mk_rng *r, const char *prefix, char *out);
uint64_t mk_mix64(uint64_t x);

int64_t mk_now_ms(void);
/* "2026-04-01T00:13:30.836Z" into out (>= 32 bytes). */
void mk_format_time(int64_t ms, char *out);

/* Open-addressing string -> int index.  Keys are borrowed pointers into the
 * records, which never move (records are allocated one by one). */
struct mk_index {
	struct mk_slot {
		const char *key; /* NULL: empty; (const char *)1: tombstone */
		int32_t val;
	} * slots;
	size_t cap, used, live;
};
void mk_index_init(struct mk_index *ix);
void mk_index_free(struct mk_index *ix);
void mk_index_put(struct mk_index *ix, const char *key, int32_t val);
int32_t mk_index_get(const struct mk_index *ix, const char *key); /* -1 absent */
void mk_index_del(struct mk_index *ix, const char *key);

/* Growable byte buffer. */
struct mk_buf {
	char *p;
	size_t len, cap;
};
void mk_buf_add(struct mk_buf *b, const void *data, size_t n);
void mk_buf_adds(struct mk_buf *b, const char *s);
void mk_buf_urlenc(struct mk_buf *b, const char *s);

/* ---- state.c: the records --------------------------------------------- */

enum mk_status { MK_ACTIVE, MK_SUSPENDED, MK_ARCHIVED, MK_NSTATUS };
extern const char *const mk_status_names[MK_NSTATUS];
enum mk_metric { MK_SI, MK_US, MK_IMPERIAL, MK_NMETRIC };
extern const char *const mk_metric_names[MK_NMETRIC];
enum { MK_NSPEED = 4, MK_NCYCLE = 3, MK_NFREQ = 3, MK_NSESS_STATUS = 4 };
extern const char *const mk_speed_names[MK_NSPEED];
extern const char *const mk_cycle_names[MK_NCYCLE];
extern const char *const mk_freq_names[MK_NFREQ];
enum { MK_SESS_ACTIVE, MK_SESS_COMPLETED, MK_SESS_CANCELLED, MK_SESS_FAILED };
extern const char *const mk_sess_status_names[MK_NSESS_STATUS];
/* Index of s in names[0..n), or -1. */
int mk_enum_find(const char *const *names, int n, const char *s);

struct mk_strv {
	char **v;
	int n;
};
void mk_strv_push(struct mk_strv *sv, const char *s);
void mk_strv_clear(struct mk_strv *sv);
bool mk_strv_has(const struct mk_strv *sv, const char *s);

/* Metadata keeps insertion order, like the API's JSON objects. */
struct mk_meta {
	struct mk_kv {
		char *key, *val;
	} * v;
	int n;
};
const char *mk_meta_get(const struct mk_meta *m, const char *key);
void mk_meta_set(struct mk_meta *m, const char *key, const char *val); /* NULL/"": remove */
void mk_meta_clear(struct mk_meta *m);

struct mk_driver {
	char id[MK_ID_MAX];
	int64_t created, updated;
	char *email, *license_number, *name, *phone; /* license, phone nullable */
	int *fleets;                                 /* fleet indices, in attach order */
	int nfleets;
	struct mk_strv policy_ids;
	struct {
		int charging_speed;
		char currency[8];
		char *default_payment_method; /* nullable */
		bool has_max_price;
		int64_t max_price_per_kwh;
		bool notifications;
		struct mk_strv stations, cpos;
	} prefs;
	int status;
	struct mk_strv vehicles;
	int64_t wallet_balance;
	struct mk_meta metadata;
	bool deleted;
};

enum {
	MK_ADDR_CITY,
	MK_ADDR_COUNTRY,
	MK_ADDR_LINE1,
	MK_ADDR_LINE2,
	MK_ADDR_POSTAL,
	MK_ADDR_STATE,
	MK_NADDR
};
extern const char *const mk_addr_names[MK_NADDR];

struct mk_fleet {
	char id[MK_ID_MAX];
	char *address[MK_NADDR]; /* each nullable */
	int64_t created, updated;
	char *description, *email; /* nullable */
	struct mk_meta metadata;
	int metric_system;
	char *name, *phone; /* phone nullable */
	struct mk_strv policy_ids;
	struct {
		int billing_cycle;
		char default_currency[8];
		char *default_payment_method; /* nullable */
		bool notifications;
		int report_frequency;
	} prefs;
	int status;
	char *timezone;
	int64_t total_drivers, total_sessions, total_vehicles, energy_wh, wallet_balance;
};

struct mk_session {
	char id[MK_ID_MAX];
	int64_t amount_due, amount_paid;
	int station, connector, payment_method; /* indices into the pools */
	char country[4], currency[8];
	int64_t created, updated, started, ended; /* ended 0: null */
	int driver, fleet;                        /* fleet -1: null */
	char vehicle[MK_ID_MAX];
	int64_t energy_wh, limit_wh; /* limit 0: null */
	int status;
};

struct mk_state {
	struct mk_rng rng;
	uint64_t page_key[4];
	struct mk_fleet **fleets;
	int nfleets, capfleets;
	struct mk_driver **drivers;
	int ndrivers, capdrivers, live_drivers;
	struct mk_session *sessions;
	int nsessions, capsessions;
	struct mk_index fleet_ix, driver_ix, session_ix;
	/* Pools of ids the seed and activity draw from. */
	char (*stations)[MK_ID_MAX];
	char (*policies)[MK_ID_MAX];
	char (*payment_methods)[MK_ID_MAX];
	int nstations, npolicies, npayment_methods;
	int64_t last_ms; /* timestamps handed out never go backwards */
	int *active;     /* indices of sessions still charging */
	int nactive, capactive;
};

void mk_state_init(struct mk_state *st, uint64_t seed);
void mk_state_free(struct mk_state *st);
/* A fresh timestamp, strictly after the previous one handed out. */
int64_t mk_state_now(struct mk_state *st);
struct mk_fleet *mk_fleet_new(struct mk_state *st, int64_t created); /* appended, indexed */
struct mk_driver *mk_driver_new(struct mk_state *st, int64_t created);
struct mk_session *mk_session_new(struct mk_state *st, int64_t created);
int mk_fleet_find(const struct mk_state *st, const char *id);  /* index or -1 */
int mk_driver_find(const struct mk_state *st, const char *id); /* live only */
bool mk_driver_in_fleet(const struct mk_driver *d, int fleet);
/* Membership changes keep the fleet totals (drivers, vehicles) exact. */
void mk_driver_attach(struct mk_state *st, struct mk_driver *d, int fleet, int64_t now);
void mk_driver_detach(struct mk_state *st, struct mk_driver *d, int fleet, int64_t now);
void mk_driver_delete(struct mk_state *st, int idx, int64_t now);
void mk_session_account(struct mk_state *st, const struct mk_session *s); /* add to fleet */

cJSON *mk_driver_json(const struct mk_state *st, const struct mk_driver *d);
cJSON *mk_fleet_json(const struct mk_state *st, const struct mk_fleet *f);
cJSON *mk_session_json(const struct mk_state *st, const struct mk_session *s);

/* ---- seed.c / activity.c ------------------------------------------------ */

void mk_seed(struct mk_state *st, int fleets, int drivers);
/* Station, connector, vehicle, fleet, currency of a new session of driver
 * didx (who must have a vehicle). */
void mk_seed_session_fill(struct mk_state *st, struct mk_session *s, const struct mk_driver *d,
                          int didx);
void mk_active_push(struct mk_state *st, int session);
/* One step of simulated activity (new sessions, balances move).  Returns the
 * number of sessions started. */
int mk_activity_step(struct mk_state *st);
/* hostile=1: rename the newest 10 drivers and 3 fleets; level 2 also fills
 * their other free-text fields. */
void mk_apply_hostile(struct mk_state *st, int level);

/* ---- page.c ------------------------------------------------------------ */

enum mk_kind { MK_KIND_FLEET = 1, MK_KIND_DRIVER = 2, MK_KIND_SESSION = 3 };
/* Opaque "page_" + 43 chars naming a position (anchor record index) and a
 * direction, sealed with a key derived from the seed. */
void mk_page_token(const struct mk_state *st, int kind, bool prev, int64_t anchor, char *out);
/* 0 and fills prev/anchor, or -1 for a token this mock did not make. */
int mk_page_parse(const struct mk_state *st, int kind, const char *tok, bool *prev,
                  int64_t *anchor);

typedef bool (*mk_match_fn)(const struct mk_state *st, int idx, const void *filter);
struct mk_page {
	int *idx; /* newest first */
	int n;
	bool has_newer, has_older;
	int64_t next_anchor, prev_anchor; /* for the next/previous page tokens */
};
/* Collect one page of the records 0..total-1 (index order = creation order). */
void mk_page_collect(const struct mk_state *st, int total, mk_match_fn match, const void *filter,
                     int limit, bool has_token, bool prev, int64_t anchor, struct mk_page *out);

/* ---- faults.c ---------------------------------------------------------- */

enum mk_when { MK_NEVER, MK_BEFORE, MK_AFTER };
struct mk_faults {
	int latency_ms, jitter_ms;
	double error_rate;
	int error_status;
	int status_code, status_n;
	char *retry_after; /* NULL: "1" */
	int drop_when, drop_n;
	int stall_when, stall_n;
	int truncate_n, invalid_json_n, html502_n;
	char *content_type;
	int content_type_n;
	long long oversized;
	long drip_bps;
	char *redirect;
	int redirect_n;
	char *next_page_url;
	int unauthorized_n;
	int hostile; /* 0, 1 names, 2 names + other fields + injected errors */
	char *path, *method;
};
/* Parse spec into out (zeroed first).  0, or -1 with err set. */
int mk_faults_parse(const char *spec, struct mk_faults *out, char *err, size_t errlen);
void mk_faults_free(struct mk_faults *f);
/* Canonical spec of what is still armed ("" when nothing). Caller frees. */
char *mk_faults_format(const struct mk_faults *f);

/* ---- routes.c and the resource files: one /v1 request ------------------ */

struct mk_query {
	struct mk_qv {
		char *key, *val;
	} * v;
	int n;
};
const char *mk_query_get(const struct mk_query *q, const char *key);

struct mk_req {
	const char *method;
	const char *path; /* without the query */
	const struct mk_query *query;
	cJSON *body;      /* POST: the parsed object (never NULL for POST) */
	const char *root; /* "http://127.0.0.1:PORT", for list URLs */
	const char *next_page_override;
};

/* A handler fills json (success) or the error fields. */
struct mk_resp {
	int status;
	cJSON *json;
	const char *type, *code;
	char *message, *param; /* owned */
};
/* Set an error; type follows from status.  Returns -1 so handlers can
 * `return mk_err(...)`. */
int mk_err(struct mk_resp *r, int status, const char *code, const char *param, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void mk_resp_clear(struct mk_resp *r);
/* Route a /v1 request under the state lock. */
void mk_route(struct mk_state *st, const struct mk_req *rq, struct mk_resp *rs);

/* List plumbing shared by the resource files. */
struct mk_listq {
	int limit;
	bool has_token, prev;
	int64_t anchor;
};
/* Parse limit/page and reject unknown query keys (allowed: NULL-ended). */
int mk_list_args(const struct mk_state *st, const struct mk_req *rq, int kind,
                 const char *const *filters, struct mk_listq *lq, struct mk_resp *rs);
/* Build {"data","next_page_url","previous_page_url"} for a collected page. */
cJSON *mk_list_json(const struct mk_req *rq, const struct mk_state *st, int kind,
                    const char *const *filters, const struct mk_page *pg, cJSON *data, int limit);

/* Body validation helpers (validate.c).  Each returns 0 or -1 with rs set. */
int mk_check_keys(const cJSON *body, const char *const *allowed, struct mk_resp *rs);
int mk_check_string(const cJSON *v, const char *param, bool nullable, bool nonempty,
                    struct mk_resp *rs);
int mk_check_enum(const cJSON *v, const char *param, const char *const *names, int n,
                  struct mk_resp *rs);
int mk_check_bool(const cJSON *v, const char *param, struct mk_resp *rs);
int mk_check_currency(const cJSON *v, const char *param, struct mk_resp *rs);
int mk_check_email(const cJSON *v, const char *param, bool nullable, struct mk_resp *rs);
int mk_check_str_array(const cJSON *v, const char *param, struct mk_resp *rs);
int mk_check_metadata(const cJSON *v, const struct mk_meta *cur, struct mk_resp *rs);
void mk_apply_metadata(struct mk_meta *m, const cJSON *v);
/* Replace *dst with v's string (or NULL for JSON null). */
void mk_set_str(char **dst, const cJSON *v);
void mk_set_strv(struct mk_strv *sv, const cJSON *arr);

int mk_fleets_route(struct mk_state *st, const struct mk_req *rq, const char *id,
                    struct mk_resp *rs);
int mk_drivers_route(struct mk_state *st, const struct mk_req *rq, const char *id,
                     const char *action, struct mk_resp *rs);
int mk_sessions_route(struct mk_state *st, const struct mk_req *rq, const char *id,
                      struct mk_resp *rs);

/* ---- server.c, serve.c, admin.c, reqlog.c: the HTTP side ---------------- */

struct MHD_Connection;
struct MHD_Daemon;

struct mk_logent {
	uint64_t seq;
	char *json; /* one serialized entry */
};

struct mk_idem {
	char *key; /* api key "\x1f" idempotency key */
	char *body;
	size_t body_len;
	int status;
	char *resp, *ctype;
	char request_id[MK_ID_MAX];
	int64_t expires_ms;
};

struct mk_bucket {
	char *key;
	double tokens, last_s;
};

struct mock {
	struct MHD_Daemon *daemon;
	/* One lock for everything mutable: state, faults, log, idempotency,
	 * buckets.  Handlers are short; sleeps and stalls wait on stop_cv,
	 * which releases it. */
	pthread_mutex_t mu;
	pthread_cond_t stop_cv;
	bool stopping;
	struct mk_state st;
	struct mk_faults faults;
	struct mk_rng frng; /* request ids, jitter, error_rate */
	char *api_key;
	double rate_limit, activity_s;
	bool quiet;
	char base[100], root[96];
	int port;
	struct mk_logent *log;
	size_t nlog, caplog;
	uint64_t log_seq;
	struct mk_idem **idem;
	size_t nidem;
	struct mk_index idem_ix;
	struct mk_bucket *buckets;
	int nbuckets;
	pthread_t activity;
	bool has_activity;
};

/* Per-request scratch kept by MHD between access-handler calls. */
struct mk_conn {
	char *uri; /* raw, with the query */
	struct mk_buf body;
	bool started, too_large;
};

/* Sleep up to ms, waking early when the mock stops.  Returns false when
 * stopping.  Call without the lock. */
bool mk_sleep(struct mock *m, int64_t ms);
/* Block until the mock stops (the stall fault).  Call without the lock. */
void mk_stall(struct mock *m);

/* What goes back to the client. */
struct mk_out {
	int status;
	char *body; /* owned */
	size_t len;
	char *ctype;                  /* owned */
	char *retry_after, *location; /* owned, optional */
	bool replayed;
	char request_id[MK_ID_MAX];
};
void mk_out_free(struct mk_out *o);
void mk_out_error(struct mk_out *o, int status, const char *type, const char *code,
                  const char *message, const char *param);
void mk_out_json(struct mk_out *o, int status, cJSON *json); /* consumes json */
/* Turn out into an MHD response and queue it. */
int mk_out_send(struct mock *m, struct MHD_Connection *con, struct mk_out *o, bool truncate,
                long long oversized, long drip_bps);

enum mk_result_code { MK_SENT, MK_DROP };
/* Serve a /v1 (or unknown) request; MK_DROP means close without answer. */
int mk_serve(struct mock *m, struct MHD_Connection *con, const char *url, const char *method,
             struct mk_conn *rc);
int mk_admin(struct mock *m, struct MHD_Connection *con, const char *url, const char *method,
             struct mk_conn *rc);

/* Idempotency (idem.c), under the lock.  ikey = api key "\x1f" header.
 * replay: true when o was filled (the stored response, or a mismatch). */
bool mk_idem_replay(struct mock *m, const char *ikey, const struct mk_conn *rc, struct mk_out *o);
void mk_idem_store(struct mock *m, const char *ikey, const struct mk_conn *rc,
                   const struct mk_out *o);

/* Append one served request to the log (takes the lock). */
void mk_log_request(struct mock *m, struct MHD_Connection *con, const char *method, const char *url,
                    const struct mk_conn *rc, int status, int64_t t_ms, const char *request_id);
char *mk_log_json(struct mock *m, uint64_t since); /* under the lock */
void mk_log_clear(struct mock *m);                 /* under the lock */

/* ---- hostile.c --------------------------------------------------------- */
#define MK_NHOSTILE 10

#endif
