/*
 * ui_priv.h — what the files of src/ui share and nobody else needs: the
 * console's state, the generic list pane, the change highlights and the
 * input line.  UI thread only.
 */
#ifndef CHARGETUI_UI_PRIV_H
#define CHARGETUI_UI_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chargetui/form.h"
#include "chargetui/pane.h"
#include "chargetui/store.h"
#include "chargetui/theme.h"
#include "chargetui/ui.h"

#define UI_MIN_ROWS 15
#define UI_MIN_COLS 60
#define UI_HIGHLIGHT_S 2.0
#define UI_KIOSK_ROTATE_S 15.0 /* a wall screen shows each fleet this long (--rotate) */
#define UI_ID_MAX 80

/* --- change highlights: id -> which values changed, until when --- */
struct hl_entry {
	char id[UI_ID_MAX];
	unsigned mask;
	double until; /* ts_mono() seconds */
};
struct hl_table {
	struct hl_entry *e; /* open addressing, cap a power of two */
	size_t cap, n;
	double next; /* the earliest expiry in the table */
};
void hl_init(struct hl_table *h);
void hl_free(struct hl_table *h);
void hl_add(struct hl_table *h, const char *id, unsigned mask, double until);
unsigned hl_get(const struct hl_table *h, const char *id, double now);
/* Drop expired entries; returns the nearest expiry still pending, or -1. */
double hl_prune(struct hl_table *h, double now);

/* --- marks: driver ids marked for a bulk action, sorted --- */
struct markset {
	char **ids;
	size_t n, cap;
};
bool mark_has(const struct markset *m, const char *id);
bool mark_toggle(struct markset *m, const char *id);
size_t mark_view(struct markset *m, struct store_view *v);
void mark_clear(struct markset *m);

/* --- the generic list pane (fleets and drivers are two column sets) --- */
struct list_col {
	const char *title;
	int width;  /* 0: the flexible column (takes what is left) */
	int prio;   /* lower is shown first when the pane is narrow */
	bool right; /* right-aligned (numbers, money) */
	enum sort_key sort;  /* SORT_DEFAULT: not sortable */
	unsigned change;     /* store_change bits that highlight this cell */
	/* The cell: raw API text or our own formatting in buf. */
	const char *(*text)(struct ui *ui, const void *rec, char *buf, size_t n);
	/* Optional: an element for the value (e.g. status colours). */
	enum theme_elem (*elem)(const void *rec);
};

struct list_def {
	const char *kind;
	enum view_kind view;
	const struct list_col *cols;
	int ncols;
	const void *(*row)(struct store_view *v, size_t i);
	const char *(*id)(const void *rec);
	/* Title text (our words and sanitized names) into buf. */
	void (*title)(struct ui *ui, struct pane *p, char *buf, size_t n);
	/* Enter on a row. */
	unsigned (*open)(struct ui *ui, const void *rec);
	bool markable; /* rows can be marked for a bulk action (drivers) */
};

struct list_state {
	const struct list_def *def;
	struct store_view *view;
	int sort_col; /* index into cols, -1: the API's order */
	bool desc;
	size_t sel, top;
	char sel_id[UI_ID_MAX];
	char filter[256];
	int rows;              /* data rows that fit */
	int colw[16];          /* width of each column now, 0: hidden */
};

struct pane *list_pane_new(struct ui *ui, const struct list_def *def);
struct list_state *list_state(struct pane *p);
/* The selected record, or NULL. */
const void *list_selected(struct pane *p);
void list_set_filter(struct pane *p, const char *text);
bool list_select_id(struct pane *p, const char *id);
/* Select the record drawn on window row y (a mouse click); false if none. */
bool list_select_screen_row(struct pane *p, int y);
/* Up to max ids of the rows on screen now. */
size_t list_visible_ids(struct pane *p, const char **ids, size_t max);
/* Sort by a key name ("name", "balance", "-name" for descending); 0 or -1. */
int list_sort_by_name(struct pane *p, const char *key, bool desc);

extern const struct list_def fleets_list_def;
extern const struct list_def drivers_list_def;

/* Detail panes: every field of the selected fleet / driver. */
struct pane *detail_pane_new(bool driver);
/* pane_kiosk.c: the --kiosk wall view.  It gets every key (ui_key). */
struct pane *kiosk_pane_new(struct ui *ui);
/* The next (dir > 0) or previous fleet on the wall, wrapping around. */
void kiosk_step(struct ui *ui, int dir);
/* The fleet on the wall and those named as next: what the refresh thread
 * should keep current. */
size_t kiosk_visible_ids(struct ui *ui, const char **ids, size_t max);
/* Seconds each fleet stays on the wall. */
double kiosk_rotate_s(const struct ui *ui);
/* Help: every action of the table, with its keys. */
struct pane *help_dialog_new(struct ui *ui);

/* --- the input line (/ filter and : command) --- */
struct prompt {
	int mode;      /* 0: closed, '/' or ':' */
	struct led ed; /* the line and its cursor; owned, freed on close */
	struct pane *target; /* the list a filter applies to */
	char saved[256];     /* filter before the prompt opened (Esc restores "") */
};

/* --- the console --- */
enum { UI_P_FLEETS, UI_P_DRIVERS, UI_P_FLEET_DETAIL, UI_P_DRIVER_DETAIL, UI_NPANES };

struct ui_owner {
	uint64_t job;
	struct pane *owner;
};

struct ui {
	struct ui_options o;
	struct store *store;
	struct sync *sync;
	struct pane *panes[UI_NPANES];
	struct pane *wall; /* --kiosk: the wall view, in place of the four panes */
	int focus;
	bool zoom;
	struct pane *dialogs[8];
	int ndialogs;
	WINDOW *status;
	struct prompt prompt;
	struct hl_table hl;
	struct markset marks;
	struct theme theme;
	char theme_name[72];
	bool mono;
	int rows, cols;
	bool too_small;
	/* data state */
	char scope_fleet[UI_ID_MAX]; /* drivers list shows this fleet; "" all */
	bool drivers_all;            /* A: all drivers, not the fleet under the cursor */
	uint64_t scope_job;          /* the per-fleet drivers load in flight, 0: none */
	bool loading_fleets, loading_drivers, all_drivers_loaded;
	bool fleets_failed, drivers_failed; /* a first load that `r` must redo */
	uint64_t fleets_job, drivers_job;
	char want_driver[UI_ID_MAX]; /* :driver ID waiting for its GET */
	uint64_t want_driver_job;
	int64_t refreshed_ms;        /* wall clock of the last good refresh, 0: never */
	int64_t data_ms;             /* wall clock the data last changed or loaded, 0: never */
	bool stale;
	char error[512];     /* last API error, raw (sanitized when drawn) */
	char message[256];   /* until the next key */
	bool message_error;
	struct ui_owner owners[32];
	uint64_t visible_hash;
	double rotate_at; /* kiosk: when to show the next fleet (ui_now), 0: off */
	/* loop state */
	bool quit, hung_up, dirty, repaint;
	int exit_code;
};

/* ui.c */
void ui_focus(struct ui *ui, int pane);
unsigned ui_open_fleet(struct ui *ui, const char *fleet_id, bool focus_drivers);
/* The drivers list follows the fleet under the cursor (unless drivers_all). */
void ui_sync_scope(struct ui *ui);
void ui_layout(struct ui *ui);
void ui_set_theme(struct ui *ui, const char *name);
/* mouse.c: a click focuses and selects, the wheel scrolls. */
unsigned ui_mouse(struct ui *ui);
/* reply.c: the first loads (fleets, then every driver) */
void ui_start_loading(struct ui *ui);
/* Redo a first load that failed (after an outage, or on `r`). */
void ui_reload_failed(struct ui *ui);
/* status.c */
void status_draw(struct ui *ui);
/* prompt.c */
unsigned prompt_open(struct ui *ui, int mode);
unsigned prompt_key(struct ui *ui, const struct key_event *ev);
void prompt_draw(struct ui *ui);
void prompt_free(struct ui *ui); /* the open line's memory, if any */
/* cmd.c */
unsigned cmd_exec(struct ui *ui, const char *line);
/* Select a driver the store knows, clearing a filter or scope that hides it. */
bool cmd_show_driver(struct ui *ui, const char *id);
unsigned ui_run_action(struct ui *ui, int action);
/* format helpers (fmt.c) */
const char *fmt_i64(const struct opt_i64 *v, char *buf, size_t n);
const char *fmt_money(const struct opt_i64 *v, const struct opt_str *cur, char *buf, size_t n);
const char *fmt_str(const struct opt_str *v, char *buf, size_t n);
const char *fmt_time(const struct opt_time *t, const char *tz, char *buf, size_t n);
const char *fmt_bool(const struct opt_bool *b, const char *yes, const char *no, char *buf,
		     size_t n);
const char *fmt_list(const struct str_list *l, char *buf, size_t n);
enum theme_elem fmt_status_elem(const struct opt_str *status);
double ui_now(void);

#endif
