/*
 * edit.h — the driver and fleet edit forms as values: build a form from a
 * record, turn the user's edits into a patch, map API errors back to fields,
 * and notice when the record moved on the server.  No curses (form_view.c
 * draws, edit_actions.c plugs these into the console).
 *
 * SAN-11: a form is built from the raw record; only fields the user edited
 * AND changed contribute to `after`, so driver_diff(orig, after) names
 * exactly what the user changed and nothing else is written back.
 *
 * Ownership: *_open / *_create return an object the caller frees with the
 * matching *_free.  Patches and `after` structs are the caller's to *_clear.
 */
#ifndef CHARGETUI_EDIT_H
#define CHARGETUI_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "chargetui/form.h"
#include "chargetui/model.h"

struct job;

/* Field ids beyond the model's bits, for rows that are not patch fields. */
#define EDIT_ROW_SAVE 0x80000000u
#define EDIT_ROW_ATTACH 0x40000000u /* create: attach to the fleet in view (toggle) */

struct edit_driver {
	struct form *form;
	struct driver orig; /* the record as opened, raw */
	bool create;
	char *fleet_id; /* create: attach to this fleet afterwards, or NULL */
};

struct edit_fleet {
	struct form *form;
	struct fleet orig;
};

/* An edit form over a copy of d.  NULL on ENOMEM. */
struct edit_driver *edit_driver_open(const struct driver *d);
/* A create form (name and email required); fleet_id (may be NULL) is the
 * fleet in view the new driver is attached to. */
struct edit_driver *edit_driver_create(const char *fleet_id);
void edit_driver_free(struct edit_driver *e);

/* After form_validate passed: fill *after (the record with the user's
 * changes; caller clears) and *patch (caller clears).  Update: the patch is
 * driver_diff(orig, after).  Create: DRV_NAME|DRV_EMAIL plus every filled
 * field.  Returns the number of changed fields (0: send nothing), or -1
 * (ENOMEM, or a field that does not parse: its error is set). */
int edit_driver_result(struct edit_driver *e, struct driver *after, struct driver_patch *patch);

/* A JOB_DRIVER_UPDATE or JOB_DRIVER_CREATE for the form's changes.  Returns
 * the number of changed fields (0: *job untouched, nothing to send) or -1.
 * A fresh job carries no Idempotency-Key: sync_submit makes one per intent. */
int edit_driver_job(struct edit_driver *e, struct job *job);

/* The record as the server now has it (a refresh, or a GET before saving).
 * If its `updated` moved since the form opened, mark the form in conflict,
 * put the server's value beside every field it changed (theirs vs yours),
 * and return true. */
bool edit_driver_server_moved(struct edit_driver *e, const struct driver *theirs);

/* How many of the user's changes the server's record theirs does not
 * have yet (0: every change is already there, e.g. a save whose outcome
 * was unknown did apply — RTY-8's verify), or -1. */
int edit_driver_pending(struct edit_driver *e, const struct driver *theirs);

/* An error reply: the sanitized message goes to the field `param` names
 * ("phone", "preferences[currency]", "preferences.currency", "metadata[k]"),
 * or to the form's banner; the form stays open with its input intact. */
void edit_driver_apply_error(struct edit_driver *e, const struct api_error *err);

/* "Suspend this driver?" when the form changes status to suspended or
 * archived, else NULL (form_confirm_fn, installed by edit_driver_open). */
const char *edit_driver_confirm(const struct form *f, void *ctx);

/* The same for fleets (address subfields are FLT_ADDRESS + ADDR_* sub). */
struct edit_fleet *edit_fleet_open(const struct fleet *fl);
void edit_fleet_free(struct edit_fleet *e);
int edit_fleet_result(struct edit_fleet *e, struct fleet *after, struct fleet_patch *patch);
int edit_fleet_job(struct edit_fleet *e, struct job *job);
bool edit_fleet_server_moved(struct edit_fleet *e, const struct fleet *theirs);
int edit_fleet_pending(struct edit_fleet *e, const struct fleet *theirs);
void edit_fleet_apply_error(struct edit_fleet *e, const struct api_error *err);
const char *edit_fleet_confirm(const struct form *f, void *ctx);

/* Which field an API error's param names: "a[b]" and "a.b" are the same
 * path; "metadata[key]" finds that key's row (or the add row).  Returns the
 * field index or -1.  fleet selects the fleet's names. */
ssize_t edit_param_field(const struct form *f, const char *param, bool fleet);

/* Attach / detach jobs.  0, or -1 (ENOMEM or an id that is not an id). */
int edit_attach_job(const char *driver_id, const char *fleet_id, struct job *job);
int edit_detach_job(const char *driver_id, const char *fleet_id, struct job *job);

enum edit_op { EDIT_OP_UPDATE, EDIT_OP_CREATE, EDIT_OP_ATTACH, EDIT_OP_DETACH };
/* An error in plain words for the status line, already sanitized:
 * 409 driver_fleet_conflict -> "the driver is already in that fleet"
 * (attach) / "the driver is not in that fleet" (detach); 404 fleet_not_found
 * -> "that fleet does not exist (any more)"; others via api_error_format.
 * Returns buf. */
char *edit_error_words(const struct api_error *err, enum edit_op op, char *buf, size_t n);

/* Minor units as the text a user edits: 1875 eur -> "18.75", jpy -> "1875".
 * Returns buf. */
char *edit_minor_text(int64_t minor, const char *currency, char *buf, size_t n);

/* The fields a patch changes, for a one-line confirmation: named by the
 * form's own labels in form order, first letter lowercased ("phone, charging
 * speed"), then each changed metadata key as "metadata.KEY" (sanitized, cut
 * to 20 columns); after max names, "+N more".  set / addr_set / meta are a
 * patch's (driver_patch: addr_set 0).  Writes a terminated string to buf (a
 * name that would not fit is counted in "+N more") and returns the number of
 * changed fields. */
size_t edit_changed_names(const struct form *f, uint32_t set, uint32_t addr_set,
                          const struct meta_map *meta, size_t max, char *buf, size_t n);

/* Install the e / n / a / d handlers (ACT_EDIT, ACT_NEW, ACT_ATTACH,
 * ACT_DETACH) into the action table; called once from ui_extensions_init(). */
void edit_actions_register(void);

/* --- shared by edit_driver.c and edit_fleet.c (not for other callers) --- */

/* Text of a value as a form field holds it; *out is malloc'd, or NULL when
 * the value is null, missing or invalid.  0, or -1 on ENOMEM. */
int edit_str_text(const struct opt_str *s, char **out);
int edit_bool_text(const struct opt_bool *b, char **out);
int edit_list_text(const struct str_list *l, char **out);
int edit_money_text(const struct opt_i64 *m, const char *currency, char **out);
/* Field text back to a value: "" is null.  0, or -1 (ENOMEM / no parse). */
int edit_text_to_str(struct opt_str *dst, const char *text);
int edit_text_to_bool(struct opt_bool *dst, const char *text);
int edit_text_to_list(struct str_list *dst, const char *text);
int edit_text_to_money(struct opt_i64 *dst, const char *text, const char *currency);
/* Set key to text in m, or remove it when text is "".  0 or -1. */
int edit_meta_apply(struct meta_map *m, const char *key, const char *text);
/* Add metadata rows and the "+ add key" row for m.  0 or -1. */
int edit_add_meta_rows(struct form *f, unsigned id, const struct meta_map *m);
/* Field checks (form_check_fn) over val_*. */
const char *edit_check_text(const struct form *f, const struct form_field *fld);
const char *edit_check_email(const struct form *f, const struct form_field *fld);
const char *edit_check_phone(const struct form *f, const struct form_field *fld);
const char *edit_check_choice(const struct form *f, const struct form_field *fld);
const char *edit_check_currency(const struct form *f, const struct form_field *fld);
const char *edit_check_toggle(const struct form *f, const struct form_field *fld);
const char *edit_check_payment_method(const struct form *f, const struct form_field *fld);
const char *edit_check_stations(const struct form *f, const struct form_field *fld);
const char *edit_check_cpos(const struct form *f, const struct form_field *fld);
const char *edit_check_meta(const struct form *f, const struct form_field *fld);
const char *edit_check_timezone(const struct form *f, const struct form_field *fld);
const char *edit_check_country(const struct form *f, const struct form_field *fld);
/* Put an API error on the field its param names, or on the banner. */
void edit_apply_error(struct form *f, const struct api_error *err, bool fleet);

#endif
