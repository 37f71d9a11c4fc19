/*
 * e2e_form.h — what the end-to-end form tests (tests/e2e/test_form_*.c and
 * the edit/attach tests) share: pick a driver from the mock's oracle, walk
 * the console to it, drive its edit form with keys, and read the mock's
 * request log for the writes a save sent.
 *
 * Every helper that can fail does so with ck_assert (the screen dumped where
 * a person would want to see it), so a test reads as its scenario only.
 * Waits are on the terminal's output or the request log, never a fixed sleep.
 */
#ifndef CT_E2E_FORM_H
#define CT_E2E_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include "e2e.h"

/* ---- predicates on oracle data */

typedef bool (*e2e_text_pred)(const char *s);
typedef bool (*e2e_drv_pred)(const cJSON *d);

/* Printable ASCII only (0x20-0x7e); false for NULL. */
bool text_plain(const char *s);
/* No C0 control or DEL (Unicode allowed); false for NULL. */
bool text_printable(const char *s);
/* Is the string id one of the JSON array's strings? */
bool id_in_list(const cJSON *arr, const char *id);
/* The driver is in exactly one fleet. */
bool drv_one_fleet(const cJSON *d);
/* The driver's "preferences" object (borrowed from d), or NULL. */
const cJSON *drv_prefs(const cJSON *d);

/* ---- the oracle */

/* The first plain-named driver (text_plain) matching pred in the first fleet
 * whose name passes fleet_ok and that has at least 2 drivers; that fleet's
 * index in fleets (API order = the fleets pane's order) in *ia.  NULL if
 * none.  The caller deletes the returned copy. */
cJSON *oracle_pick_driver(struct mockctl *mc, const cJSON *fleets, e2e_text_pred fleet_ok,
			  e2e_drv_pred pred, int *ia);
/* GET /v1/drivers/ID from the oracle (fails the test if it cannot).  The
 * caller deletes it. */
cJSON *e2e_server_driver(struct e2e *e, const char *id);

/* ---- starting and walking the console */

/* The starters below take the build dir, as e2e_start does; the macros
 * pass CT_BINARY_DIR (defined for each test program, not for this library). */

/* Start the mock (all fleets and drivers, seed 7, no rate limit, quiet; with
 * these faults unless NULL) and the console with extra args (NULL-terminated
 * or NULL); waits for "Fleets (" (10 s) and then 300 ms of quiet (5 s).
 * Finish it with e2e_finish. */
struct e2e *e2e_form_start_in(const char *bin_dir, const char *name, const char *const *args,
			      const char *faults);
#define e2e_form_start(...) e2e_form_start_in(CT_BINARY_DIR, __VA_ARGS__)

/* e2e_form_start, then oracle_pick_driver(fleet_ok, pred) (fails if none)
 * and e2e_goto_driver to it.  The driver's id is copied into id (unless
 * NULL); *drv_out gets the oracle copy for the caller to delete (with
 * drv_out NULL it is deleted here). */
struct e2e *e2e_form_start_at_in(const char *bin_dir, const char *name, const char *const *args,
				 e2e_text_pred fleet_ok, e2e_drv_pred pred, char *id, size_t n,
				 cJSON **drv_out);
#define e2e_form_start_at(...) e2e_form_start_at_in(CT_BINARY_DIR, __VA_ARGS__)

/* One run at a selected driver: the console, the oracle's copy of the driver
 * (owned by the run), its id and the path of its update ("/v1/drivers/ID"). */
struct e2e_form_run {
	struct e2e *e;
	cJSON *drv;
	char id[96], path[160];
};
/* e2e_form_start_at with no args, a printable-named fleet and pred. */
void e2e_form_run_start_in(const char *bin_dir, struct e2e_form_run *r, const char *name,
			   e2e_drv_pred pred);
#define e2e_form_run_start(...) e2e_form_run_start_in(CT_BINARY_DIR, __VA_ARGS__)
/* e2e_form_start_at with these args (NULL-terminated or NULL), fleet_ok and pred. */
void e2e_form_run_start_at_in(const char *bin_dir, struct e2e_form_run *r, const char *name,
			      const char *const *args, e2e_text_pred fleet_ok, e2e_drv_pred pred);
#define e2e_form_run_start_at(...) e2e_form_run_start_at_in(CT_BINARY_DIR, __VA_ARGS__)
/* Delete the driver copy and e2e_finish the console. */
void e2e_form_run_end(struct e2e_form_run *r);

/* The selected driver's id as the detail pane shows it, into id ("" if
 * none); reads the screen once, does not wait. */
void e2e_detail_driver_id(struct e2e *e, char *id, size_t n);

/* The first screen row at or after `from` holding text in the right-hand
 * panes (after the first "││"), or -1; reads the screen once. */
int e2e_right_row_with(struct e2e *e, int from, const char *text);

/* From the fleets pane at its first row: select fleet ia (waits for its
 * drivers pane, 5 s), Tab to the drivers, and move down until the detail
 * pane shows driver id (up to 80 steps, each waiting up to 3 s for the
 * detail); fails with the screen dumped if it never does. */
void e2e_goto_driver(struct e2e *e, const cJSON *fleets, int ia, const char *id);

/* From the fleets pane at its first row: select fleet ia, wait (10 s) until
 * one of `drivers` is on screen by its name's first 10 characters, Tab to
 * the drivers and return the driver whose row is highlighted (borrowed from
 * drivers); fails with the screen dumped if none is. */
const cJSON *e2e_select_first_driver(struct e2e *e, int ia, const cJSON *drivers);

/* ---- the form */

/* e on the selected driver; waits (3 s each) for "Edit driver", "Phone"
 * and 200 ms of quiet. */
void e2e_form_open(struct e2e *e);
/* From the form's first field: Tab `tabs` times, Enter, ^U, type text,
 * Enter; waits for 200 ms of quiet (3 s). */
void e2e_form_set_field(struct e2e *e, int tabs, const char *text);
/* From the current field: Tab `tabs` times, Enter on a pick-list field,
 * wait (3 s) for "type to filter", type text, wait for 150 ms of quiet
 * (3 s), Enter; does not wait for the list to close. */
void e2e_form_pick_option(struct e2e *e, int tabs, const char *text);
/* ^O (^S may be eaten by IXON); does not wait. */
void e2e_form_save(struct e2e *e);
/* The user changes one field and saves: e2e_form_open, e2e_form_set_field,
 * e2e_form_save. */
void e2e_form_edit_and_save(struct e2e *e, int tabs, const char *text);
/* Within 3 s, the row right under the row holding label holds msg; fails
 * with the screen dumped otherwise. */
void e2e_form_field_error(struct e2e *e, const char *label, const char *msg);

/* ---- the request log */

/* The console's requests since `since` into *log (the caller clears it),
 * once at least n POSTs are in or after ms. */
void e2e_wait_posts(struct e2e *e, long since, size_t n, int ms, struct mock_reqs *log);
/* Fails unless the log holds exactly one POST and one write in all, to
 * path, with a usable Idempotency-Key (1-255 bytes), and (unless want is
 * NULL) exactly the body want. */
void e2e_assert_one_post(struct e2e *e, const struct mock_reqs *log, const char *path,
			 const char *want);
/* e2e_wait_posts for one POST since `since` (5 s), then e2e_assert_one_post
 * on that log (path, want). */
void e2e_expect_one_post(struct e2e *e, long since, const char *path, const char *want);
/* Waits for quiet_ms of quiet on screen (up to quiet_ms + 3 s), then fails
 * if any write was sent since `since` (listing them). */
void e2e_assert_no_post(struct e2e *e, long since, int quiet_ms);

#endif
