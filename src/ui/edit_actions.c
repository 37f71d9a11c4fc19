/*
 * edit_actions.c — the e / n / a / d keys: forms, pickers and confirmations
 * as one dialog pane (pane.h), plugged in with action_set_handler.
 *
 * Saving is two steps.  First a GET of the record: if its `updated` moved
 * since the form opened, the form shows theirs against yours and sends
 * nothing until the user says so.  Then the update, with only the changed
 * fields.  The dialog stays open, keys ignored, while a request is out: an
 * error puts the API's words at the field with the input intact; success
 * closes it with a one-line confirmation.
 *
 * A save whose outcome is unknown (RTY-8) keeps the form open; saving the
 * same change again reuses the Idempotency-Key of the first attempt
 * (RTY-1), a different change gets a new one (RTY-2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/edit.h"
#include "chargetui/json.h"
#include "chargetui/sanitize.h"
#include "chargetui/store.h"
#include "chargetui/sync.h"
#include "chargetui/ui.h"

#define ED_ID_MAX 80 /* ids are <prefix>_ and at most 64 characters (NET-10) */
/* A confirmation names this many changed fields, then "+N more": with the
 * record's name it still fits the status line beside the badges. */
#define ED_NAMES_MAX 3
#define ED_MORE_ROOM 24      /* bytes kept for " +N more" (N a size_t) */
#define ED_CONFIRM_NAME_W 24 /* columns of the record's name in a confirmation */

enum ed_mode {
	ED_DRIVER,      /* edit or create a driver */
	ED_FLEET,       /* edit a fleet */
	ED_ATTACH,      /* pick a fleet to attach the driver to */
	ED_DETACH_PICK, /* pick which of its fleets to detach it from */
	ED_DETACH_ASK,  /* "detach X from Y?" */
};

struct ed {
	enum ed_mode mode;
	struct edit_driver *drv;
	struct edit_fleet *flt;
	struct picker *pick; /* ED_ATTACH / ED_DETACH_PICK, or a choice field's list */
	char driver_id[ED_ID_MAX];
	char fleet_id[ED_ID_MAX];
	char question[sizeof "detach  from ?" + 2 * 128]; /* two names of < 128 bytes */
	int64_t base_ms; /* server `updated` the user has seen */
	uint64_t get_job, save_job;
	bool busy;
	char busy_text[64];
	char changed[192];  /* what the save in flight changes, for its confirmation */
	char retry_key[64]; /* key of a save whose outcome is unknown */
	char *retry_body;   /* the body it sent */
};

static struct ed *ed_of(struct pane *p)
{
	return p->data;
}

static void ed_free(struct pane *p)
{
	struct ed *e = ed_of(p);
	if (!e)
		return;
	edit_driver_free(e->drv);
	edit_fleet_free(e->flt);
	picker_free(e->pick);
	free(e->retry_body);
	free(e);
	p->data = NULL;
}

static struct form *ed_form(struct ed *e)
{
	return e->drv ? e->drv->form : e->flt ? e->flt->form : NULL;
}

/* Close this dialog from its own reply callback (ui_dialog_close is safe
 * there; from key() we return UI_CLOSE instead). */
static void ed_close(struct ui *ui, struct pane *p)
{
	ui_dialog_close(ui, p);
}

/* A record's name as screen text, at most width columns. */
static const char *ed_name_w(const struct opt_str *s, int width, char *buf, size_t n)
{
	const char *raw = s->st == FIELD_SET && s->v ? s->v : "?";
	san_display(raw, strlen(raw), width, SAN_ELLIPSIS, buf, n);
	return buf;
}

static const char *ed_name(const struct opt_str *s, char *buf, size_t n)
{
	return ed_name_w(s, 40, buf, n);
}

static const char *ed_fleet_name_w(struct ui *ui, const char *id, int width, char *buf, size_t n)
{
	const struct fleet *fl = store_fleet(ui_store(ui), id);
	if (fl && fl->name.st == FIELD_SET)
		return ed_name_w(&fl->name, width, buf, n);
	san_display(id, strlen(id), width, SAN_ELLIPSIS, buf, n);
	return buf;
}

static const char *ed_fleet_name(struct ui *ui, const char *id, char *buf, size_t n)
{
	return ed_fleet_name_w(ui, id, 40, buf, n);
}

/* ---- drawing */

/* The record as the store has it now moved past what the user has seen:
 * mark the conflict once per new version. */
static void ed_check_store(struct ui *ui, struct ed *e)
{
	if (e->drv && !e->drv->create && e->drv->orig.id.v) {
		const struct driver *d = store_driver(ui_store(ui), e->drv->orig.id.v);
		if (d && d->updated.st == FIELD_SET && d->updated.ms != e->base_ms &&
		    edit_driver_server_moved(e->drv, d))
			e->base_ms = d->updated.ms;
	} else if (e->flt && e->flt->orig.id.v) {
		const struct fleet *f = store_fleet(ui_store(ui), e->flt->orig.id.v);
		if (f && f->updated.st == FIELD_SET && f->updated.ms != e->base_ms &&
		    edit_fleet_server_moved(e->flt, f))
			e->base_ms = f->updated.ms;
	}
}

static void ed_draw_question(WINDOW *w, const char *q)
{
	int h, wd;
	getmaxyx(w, h, wd);
	wattrset(w, theme_attr(TE_DIALOG));
	werase(w);
	wattrset(w, theme_attr(TE_DIALOG_BORDER));
	box(w, 0, 0);
	text_put(w, h / 2 - 1, 2, wd - 4, q, 0, theme_attr(TE_TITLE) | A_BOLD);
	text_put(w, h / 2 + 1, 2, wd - 4, "y yes  n/Esc no", 0, theme_attr(TE_DIM));
	wnoutrefresh(w);
}

static void ed_draw(struct pane *p, struct ui *ui)
{
	struct ed *e = ed_of(p);
	WINDOW *w = p->win;
	if (!w)
		return;
	if (e->mode == ED_DETACH_ASK || (!e->pick && !ed_form(e))) {
		/* A question, or an attach on its way once its fleet is picked. */
		ed_draw_question(w, e->busy ? e->busy_text : e->question);
		return;
	}
	if (e->pick) {
		picker_draw(w, e->pick);
		if (e->busy)
			text_put(w, getmaxy(w) - 2, 2, getmaxx(w) - 4, e->busy_text, SAN_PAD,
			         theme_attr(TE_MESSAGE));
		wnoutrefresh(w);
		return;
	}
	struct form *f = ed_form(e);
	if (!e->busy)
		ed_check_store(ui, e);
	if (e->busy)
		form_set_banner(f, e->busy_text);
	form_draw(w, f);
}

static void ed_resize(struct pane *p, struct ui *ui, int y, int x, int h, int w)
{
	struct ed *e = ed_of(p);
	struct form *f = ed_form(e);
	/* A form gets a row per field plus room for a few errors; it scrolls
	 * when more are shown. */
	int dh = e->mode == ED_DETACH_ASK || (!f && !e->pick) ? 7 : f ? (int)f->n + 10 : h - 2;
	int dw = e->mode == ED_DETACH_ASK ? 60 : 96;
	if (dh > h - 2)
		dh = h - 2;
	if (dh > 40)
		dh = 40;
	pane_center(p, h, w, dh, dw < w - 2 ? dw : w - 2);
}

/* ---- sending */

static uint64_t ed_submit(struct ui *ui, struct pane *p, struct job *job, const char *what)
{
	struct ed *e = ed_of(p);
	uint64_t id = ui_submit(ui, job, p);
	if (!id) {
		ui_message(ui, true, "%s: no connection to send it on", what);
		return 0;
	}
	e->busy = true;
	snprintf(e->busy_text, sizeof e->busy_text, "%s…", what);
	return id;
}

/* Before saving: read the record again, to catch a change made elsewhere. */
static unsigned ed_save_begin(struct ui *ui, struct pane *p)
{
	struct ed *e = ed_of(p);
	struct job job = {0};
	if (e->drv && e->drv->create)
		return 0;
	job.kind = e->drv ? JOB_DRIVER_GET : JOB_FLEET_GET;
	job.id = strdup(e->drv ? e->drv->orig.id.v : e->flt->orig.id.v);
	if (!job.id)
		return UI_HANDLED;
	e->get_job = ed_submit(ui, p, &job, "checking for changes");
	return UI_HANDLED;
}

/* Reuse the unknown-outcome key when the same body goes out again. */
static void ed_idempotency(struct ed *e, struct job *job)
{
	char *body = job->kind == JOB_FLEET_UPDATE ? json_encode_fleet_patch(&job->fpatch)
	                                           : json_encode_driver_patch(&job->dpatch);
	if (body && e->retry_body && e->retry_key[0] && strcmp(body, e->retry_body) == 0)
		snprintf(job->idem_key, sizeof job->idem_key, "%s", e->retry_key);
	free(e->retry_body);
	e->retry_body = body;
	e->retry_key[0] = 0;
}

/* A form label as a word inside a sentence: "Phone" -> "phone", while
 * "kWh" or an all-caps label keeps its case. */
static void ed_label_word(const char *label, char *buf, size_t n)
{
	int w = snprintf(buf, n, "%s", label);
	if (w < 0 || !n)
		return;
	if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
		buf[0] = (char)(buf[0] - 'A' + 'a');
}

/* Append ", word" (or "word" first) while fewer than max are named.  Room
 * for " +N more" is always kept, so a word that would crowd it out is
 * counted there instead of being cut. */
static void ed_name_add(char *buf, size_t n, size_t *named, size_t max, const char *word)
{
	size_t len = strlen(buf), need = (*named ? 2 : 0) + strlen(word);
	if (*named >= max || len + need + ED_MORE_ROOM >= n)
		return;
	snprintf(buf + len, n - len, "%s%s", *named ? ", " : "", word);
	(*named)++;
}

size_t edit_changed_names(const struct form *f, uint32_t set, uint32_t addr_set,
                          const struct meta_map *meta, size_t max, char *buf, size_t n)
{
	size_t total = 0, named = 0;
	char word[96];
	if (!n)
		return 0;
	buf[0] = '\0';
	for (size_t i = 0; f && i < f->n; i++) {
		const struct form_field *fld = &f->f[i];
		if (fld->kind == FORM_META || fld->kind == FORM_META_ADD ||
		    fld->kind == FORM_BUTTON || !(fld->id & set) ||
		    (fld->sub && !(fld->sub & addr_set)))
			continue;
		ed_label_word(fld->label ? fld->label : "?", word, sizeof word);
		total++;
		ed_name_add(buf, n, &named, max, word);
	}
	for (size_t i = 0; meta && meta->st == FIELD_SET && i < meta->n; i++) {
		/* Keys are the user's or the server's raw bytes: sanitized here. */
		char key[64];
		const char *k = meta->keys[i] ? meta->keys[i] : "";
		san_display(k, strlen(k), 20, SAN_ELLIPSIS, key, sizeof key);
		snprintf(word, sizeof word, "metadata.%s", key);
		total++;
		ed_name_add(buf, n, &named, max, word);
	}
	if (total > named) {
		size_t len = strlen(buf);
		int w =
		    snprintf(buf + len, n - len, "%s+%zu more", named ? " " : "", total - named);
		(void)w; /* fits unless n < ED_MORE_ROOM; cut, it is still terminated */
	}
	return total;
}

/* The names of what the job about to go out changes, taken from its patch
 * (the diff edit_*_job already made), not from a second diff. */
static void ed_note_changes(struct ed *e, const struct job *job)
{
	e->changed[0] = '\0';
	if (job->kind == JOB_DRIVER_UPDATE)
		edit_changed_names(e->drv->form, job->dpatch.set, 0, &job->dpatch.meta,
		                   ED_NAMES_MAX, e->changed, sizeof e->changed);
	else if (job->kind == JOB_FLEET_UPDATE)
		edit_changed_names(e->flt->form, job->fpatch.set, job->fpatch.addr_set,
		                   &job->fpatch.meta, ED_NAMES_MAX, e->changed, sizeof e->changed);
}

static unsigned ed_save_send(struct ui *ui, struct pane *p)
{
	struct ed *e = ed_of(p);
	struct job job = {0};
	int n = e->drv ? edit_driver_job(e->drv, &job) : edit_fleet_job(e->flt, &job);
	if (n < 0)
		return UI_HANDLED | UI_REDRAW;
	if (n == 0) {
		ui_message(ui, false, "nothing changed, nothing sent");
		ed_close(ui, p);
		return UI_HANDLED | UI_REDRAW;
	}
	ed_idempotency(e, &job);
	ed_note_changes(e, &job);
	e->save_job = ed_submit(ui, p, &job, e->drv && e->drv->create ? "creating" : "saving");
	return UI_HANDLED | UI_REDRAW;
}

/* ---- keys */

static unsigned ed_pick_choice(struct ui *ui, struct ed *e)
{
	struct form *f = ed_form(e);
	const struct form_field *fld = &f->f[f->focus];
	size_t n = 0;
	while (fld->options && fld->options[n])
		n++;
	e->pick = picker_new(fld->label, fld->options, fld->options, n, fld->ed.buf);
	return UI_HANDLED | UI_REDRAW;
}

static unsigned ed_form_key(struct ui *ui, struct pane *p, bool code, int ch)
{
	struct ed *e = ed_of(p);
	struct form *f = ed_form(e);
	if (e->pick) {
		enum picker_reaction r = picker_key(e->pick, code, (wint_t)ch);
		if (r == PICKER_PICKED)
			form_choose(f, f->focus, picker_selected(e->pick));
		if (r == PICKER_PICKED || r == PICKER_CANCEL) {
			picker_free(e->pick);
			e->pick = NULL;
		}
		return UI_HANDLED | UI_REDRAW;
	}
	switch (form_key(f, code, (wint_t)ch)) {
	case FORM_CANCEL:
		return UI_HANDLED | UI_CLOSE;
	case FORM_PICK:
		return ed_pick_choice(ui, e);
	case FORM_SUBMIT:
		form_clear_errors(f);
		if (!f->create && form_changed_count(f) == 0) {
			ui_message(ui, false, "nothing changed, nothing sent");
			return UI_HANDLED | UI_CLOSE;
		}
		return f->create ? ed_save_send(ui, p) : ed_save_begin(ui, p);
	default:
		return UI_HANDLED | UI_REDRAW;
	}
}

static unsigned ed_ref_send(struct ui *ui, struct pane *p, bool attach)
{
	struct ed *e = ed_of(p);
	struct job job;
	int rc = attach ? edit_attach_job(e->driver_id, e->fleet_id, &job)
	                : edit_detach_job(e->driver_id, e->fleet_id, &job);
	if (rc != 0) {
		ui_message(ui, true, "%s: not a valid driver or fleet id",
		           attach ? "attach" : "detach");
		return UI_HANDLED | UI_CLOSE;
	}
	e->save_job = ed_submit(ui, p, &job, attach ? "attaching" : "detaching");
	return UI_HANDLED | UI_REDRAW;
}

static void ed_detach_question(struct ui *ui, struct ed *e)
{
	char dn[128], fn[128];
	const struct driver *d = store_driver(ui_store(ui), e->driver_id);
	/* question holds both names whole (see its size); the dialog cuts
	 * what does not fit on screen when it draws. */
	snprintf(e->question, sizeof e->question, "detach %s from %s?",
	         d ? ed_name(&d->name, dn, sizeof dn) : e->driver_id,
	         ed_fleet_name(ui, e->fleet_id, fn, sizeof fn));
	e->mode = ED_DETACH_ASK;
}

static unsigned ed_pick_key(struct ui *ui, struct pane *p, bool code, int ch)
{
	struct ed *e = ed_of(p);
	enum picker_reaction r = picker_key(e->pick, code, (wint_t)ch);
	if (r == PICKER_CANCEL)
		return UI_HANDLED | UI_CLOSE;
	if (r != PICKER_PICKED)
		return UI_HANDLED | UI_REDRAW;
	snprintf(e->fleet_id, sizeof e->fleet_id, "%s", picker_selected(e->pick));
	picker_free(e->pick);
	e->pick = NULL;
	if (e->mode == ED_ATTACH)
		return ed_ref_send(ui, p, true);
	ed_detach_question(ui, e);
	return UI_HANDLED | UI_REDRAW | UI_RELAYOUT;
}

static unsigned ed_key(struct pane *p, struct ui *ui, const struct key_event *ev)
{
	struct ed *e = ed_of(p);
	bool code = ev->is_code;
	int ch = ev->code;
	if (code && ch == KEY_RESIZE)
		return UI_IGNORED;
	if (e->busy)
		return UI_HANDLED; /* a request is out: its answer decides what next */
	switch (e->mode) {
	case ED_DRIVER:
	case ED_FLEET:
		return ed_form_key(ui, p, code, ch);
	case ED_ATTACH:
	case ED_DETACH_PICK:
		return ed_pick_key(ui, p, code, ch);
	case ED_DETACH_ASK:
		if (!code && (ch == 'y' || ch == 'Y'))
			return ed_ref_send(ui, p, false);
		if (!code && (ch == 'n' || ch == 'N' || ch == 27))
			return UI_HANDLED | UI_CLOSE;
		return UI_HANDLED;
	}
	return UI_HANDLED;
}

/* ---- replies */

static void ed_conflict_found(struct ed *e, const struct opt_time *updated, bool moved)
{
	struct form *f = ed_form(e);
	if (!moved)
		return;
	e->base_ms = updated->ms;
	f->ask = FORM_ASK_CONFLICT;
	f->ask_text = "changed on the server since you opened it: save yours anyway?";
}

/* The server already has every change the form would send: nothing to
 * send.  After an unknown outcome this is the verify of RTY-8. */
static bool ed_already_there(struct ui *ui, struct pane *p, const struct reply *r)
{
	struct ed *e = ed_of(p);
	int left = -1;
	if (r->kind == REPLY_DRIVER && e->drv)
		left = edit_driver_pending(e->drv, &r->driver);
	else if (r->kind == REPLY_FLEET && e->flt)
		left = edit_fleet_pending(e->flt, &r->fleet);
	if (left != 0)
		return false;
	char name[128];
	const struct opt_str *nm = r->kind == REPLY_DRIVER ? &r->driver.name : &r->fleet.name;
	ui_message(ui, false, "%s %s: the server already has these values%s",
	           r->kind == REPLY_DRIVER ? "driver" : "fleet", ed_name(nm, name, sizeof name),
	           e->retry_key[0] ? " (the earlier save did apply)" : "");
	ed_close(ui, p);
	return true;
}

static unsigned ed_got_fresh(struct ui *ui, struct pane *p, const struct reply *r)
{
	struct ed *e = ed_of(p);
	bool moved = false;
	if (ed_already_there(ui, p, r))
		return UI_REDRAW;
	if (r->kind == REPLY_DRIVER && e->drv) {
		moved = r->driver.updated.ms != e->base_ms &&
		        edit_driver_server_moved(e->drv, &r->driver);
		ed_conflict_found(e, &r->driver.updated, moved);
	} else if (r->kind == REPLY_FLEET && e->flt) {
		moved =
		    r->fleet.updated.ms != e->base_ms && edit_fleet_server_moved(e->flt, &r->fleet);
		ed_conflict_found(e, &r->fleet.updated, moved);
	}
	return moved ? UI_REDRAW : ed_save_send(ui, p);
}

static void ed_form_error(struct ui *ui, struct pane *p, const struct reply *r)
{
	struct ed *e = ed_of(p);
	const struct api_error *err = &r->err;
	struct form *f = ed_form(e);
	char words[300], why[200];
	if (err->kind == API_ERR_UNKNOWN || err->kind == API_ERR_NETWORK ||
	    err->kind == API_ERR_TIMEOUT) {
		/* Maybe applied: the same change saved again reuses this key. */
		snprintf(e->retry_key, sizeof e->retry_key, "%s", r->idem_key);
		snprintf(words, sizeof words, "outcome unknown (%s): saving again is safe",
		         edit_error_words(err, EDIT_OP_UPDATE, why, sizeof why));
		form_set_banner(f, words);
		return;
	}
	if (e->drv)
		edit_driver_apply_error(e->drv, err);
	else
		edit_fleet_apply_error(e->flt, err);
}

/* A create whose attach failed made the driver all the same: say so and
 * close the form, so it is never sent again (attach can be retried with a).
 * Names are cut short here: the reason has to fit on the status line too. */
static void ed_created(struct ui *ui, struct ed *e, const struct reply *r)
{
	char name[128], fleet[128], words[300];
	const struct api_error *ae = &r->attach_err;
	ed_name_w(&r->driver.name, ED_CONFIRM_NAME_W, name, sizeof name);
	if (!e->drv->fleet_id) {
		ui_message(ui, false, "created driver %s", name);
		return;
	}
	ed_fleet_name_w(ui, e->drv->fleet_id, ED_CONFIRM_NAME_W, fleet, sizeof fleet);
	if (ae->kind == API_OK) {
		ui_message(ui, false, "created driver %s (attached to %s)", name, fleet);
		return;
	}
	edit_error_words(ae, EDIT_OP_ATTACH, words, sizeof words);
	if (ae->kind == API_ERR_UNKNOWN || ae->kind == API_ERR_NETWORK ||
	    ae->kind == API_ERR_TIMEOUT)
		ui_message(ui, true, "driver %s created; attaching to %s: outcome unknown (%s)",
		           name, fleet, words);
	else
		ui_message(ui, true, "driver %s created, but not attached to %s: %s", name, fleet,
		           words);
}

/* "saved driver NAME: phone, charging speed" */
static void ed_saved(struct ui *ui, struct ed *e, const char *what, const struct opt_str *nm)
{
	char name[128];
	ed_name_w(nm, ED_CONFIRM_NAME_W, name, sizeof name);
	ui_message(ui, false, "saved %s %s%s%s", what, name, e->changed[0] ? ": " : "", e->changed);
}

static void ed_done(struct ui *ui, struct pane *p, const struct reply *r)
{
	struct ed *e = ed_of(p);
	char name[128], fleet[128];
	if (r->kind == REPLY_FLEET) {
		ed_saved(ui, e, "fleet", &r->fleet.name);
	} else if (e->mode == ED_ATTACH || e->mode == ED_DETACH_ASK) {
		ui_message(ui, false, "%s %s %s %s", e->mode == ED_ATTACH ? "attached" : "detached",
		           ed_name(&r->driver.name, name, sizeof name),
		           e->mode == ED_ATTACH ? "to" : "from",
		           ed_fleet_name(ui, e->fleet_id, fleet, sizeof fleet));
	} else if (e->drv->create) {
		ed_created(ui, e, r);
	} else {
		ed_saved(ui, e, "driver", &r->driver.name);
	}
	ed_close(ui, p);
}

static void ed_reply(struct pane *p, struct ui *ui, const struct reply *r)
{
	struct ed *e = ed_of(p);
	if (r->job_id != e->get_job && r->job_id != e->save_job)
		return;
	bool was_get = r->job_id == e->get_job;
	e->busy = false;
	e->get_job = e->save_job = 0;
	if (ed_form(e))
		form_set_banner(ed_form(e), NULL);
	if (r->kind == REPLY_ERROR) {
		char words[300];
		if (ed_form(e)) {
			ed_form_error(ui, p, r);
			return;
		}
		ui_message(ui, true, "%s",
		           edit_error_words(&r->err,
		                            e->mode == ED_ATTACH ? EDIT_OP_ATTACH : EDIT_OP_DETACH,
		                            words, sizeof words));
		ed_close(ui, p);
		return;
	}
	if (was_get)
		ed_got_fresh(ui, p, r);
	else
		ed_done(ui, p, r);
}

static const struct pane_ops ed_ops = {
    .kind = "edit",
    .draw = ed_draw,
    .key = ed_key,
    .resize = ed_resize,
    .free = ed_free,
    .reply = ed_reply,
};

/* ---- the actions */

static unsigned ed_push(struct ui *ui, struct ed *e)
{
	struct pane *p = pane_new(&ed_ops, e);
	if (!p) {
		struct pane tmp = {.data = e};
		ed_free(&tmp);
		ui_message(ui, true, "out of memory");
		return UI_HANDLED | UI_REDRAW;
	}
	ui_dialog_push(ui, p);
	return UI_HANDLED | UI_REDRAW;
}

static unsigned ed_act_edit(struct ui *ui, int action)
{
	struct ui_selection s = ui_selection(ui);
	struct ed *e = calloc(1, sizeof *e);
	if (!e)
		return UI_HANDLED;
	if (s.driver_focus && !s.driver) {
		free(e);
		ui_message(ui, true, "edit: no driver selected");
		return UI_HANDLED | UI_REDRAW;
	}
	if (s.driver_focus) {
		e->mode = ED_DRIVER;
		e->drv = edit_driver_open(s.driver);
		e->base_ms = s.driver->updated.ms;
	} else if (s.fleet) {
		e->mode = ED_FLEET;
		e->flt = edit_fleet_open(s.fleet);
		e->base_ms = s.fleet->updated.ms;
	} else {
		free(e);
		ui_message(ui, true, "edit: select a driver or a fleet first");
		return UI_HANDLED | UI_REDRAW;
	}
	if (!ed_form(e)) {
		free(e);
		ui_message(ui, true, "edit: out of memory");
		return UI_HANDLED | UI_REDRAW;
	}
	return ed_push(ui, e);
}

static unsigned ed_act_new(struct ui *ui, int action)
{
	struct ui_selection s = ui_selection(ui);
	const char *fleet = s.scope_fleet_id;
	if (!fleet && !s.driver_focus && s.fleet && s.fleet->id.st == FIELD_SET)
		fleet = s.fleet->id.v;
	struct ed *e = calloc(1, sizeof *e);
	if (!e || !(e->drv = edit_driver_create(fleet))) {
		free(e);
		ui_message(ui, true, "new: out of memory");
		return UI_HANDLED | UI_REDRAW;
	}
	e->mode = ED_DRIVER;
	if (fleet) {
		char name[128], title[192];
		snprintf(title, sizeof title, "New driver in %s",
		         ed_fleet_name(ui, fleet, name, sizeof name));
		free(e->drv->form->title);
		e->drv->form->title = strdup(title);
		if (!e->drv->form->title) {
			edit_driver_free(e->drv);
			free(e);
			return UI_HANDLED;
		}
	}
	return ed_push(ui, e);
}

static bool ed_in(const struct str_list *l, const char *id)
{
	for (size_t i = 0; l->st == FIELD_SET && i < l->n; i++)
		if (l->v[i] && strcmp(l->v[i], id) == 0)
			return true;
	return false;
}

/* Fleets to offer: every fleet the store knows (attach: minus the driver's),
 * or the driver's own fleets (detach). */
static struct picker *ed_fleet_picker(struct ui *ui, const struct driver *d, bool attach,
                                      const char *current)
{
	struct store_view *v = store_view_new(ui_store(ui), VIEW_FLEETS);
	if (!v)
		return NULL;
	store_view_set_sort(v, SORT_NAME, false);
	size_t n = store_view_len(v), k = 0;
	const struct fleet **fl = calloc(n + d->fleets.n + 1, sizeof *fl);
	struct fleet *unknown = calloc(d->fleets.n + 1, sizeof *unknown);
	struct picker *p = NULL;
	if (fl && unknown) {
		for (size_t i = 0; i < n; i++) {
			const struct fleet *f = store_view_fleet(v, i);
			if (f && f->id.v && ed_in(&d->fleets, f->id.v) != attach)
				fl[k++] = f;
		}
		/* A fleet the driver is in but the store has not loaded still
		 * has to be offered for detaching, by its id. */
		for (size_t i = 0; !attach && i < d->fleets.n; i++)
			if (d->fleets.v[i] && !store_fleet(ui_store(ui), d->fleets.v[i]) &&
			    opt_str_set(&unknown[i].id, d->fleets.v[i]) == 0 &&
			    opt_str_set(&unknown[i].name, d->fleets.v[i]) == 0)
				fl[k++] = &unknown[i];
		p = picker_from_fleets(attach ? "Attach to fleet" : "Detach from fleet", fl, k,
		                       current);
	}
	for (size_t i = 0; unknown && i < d->fleets.n; i++)
		fleet_clear(&unknown[i]);
	free(unknown);
	free(fl);
	store_view_free(v);
	return p;
}

static unsigned ed_act_ref(struct ui *ui, bool attach)
{
	struct ui_selection s = ui_selection(ui);
	const struct driver *d = s.driver;
	const char *what = attach ? "attach" : "detach";
	if (!d || d->id.st != FIELD_SET) {
		ui_message(ui, true, "%s: select a driver first", what);
		return UI_HANDLED | UI_REDRAW;
	}
	size_t nf = d->fleets.st == FIELD_SET ? d->fleets.n : 0;
	if (!attach && nf == 0) {
		ui_message(ui, true, "detach: this driver is in no fleet");
		return UI_HANDLED | UI_REDRAW;
	}
	struct ed *e = calloc(1, sizeof *e);
	if (!e)
		return UI_HANDLED;
	snprintf(e->driver_id, sizeof e->driver_id, "%s", d->id.v);
	if (!attach && nf == 1) {
		snprintf(e->fleet_id, sizeof e->fleet_id, "%s", d->fleets.v[0]);
		ed_detach_question(ui, e);
		return ed_push(ui, e);
	}
	e->mode = attach ? ED_ATTACH : ED_DETACH_PICK;
	e->pick = ed_fleet_picker(ui, d, attach, s.scope_fleet_id);
	if (!e->pick || (attach && picker_count(e->pick) == 0)) {
		ui_message(ui, true, "%s: %s", what,
		           e->pick ? "no other fleet to attach to" : "out of memory");
		picker_free(e->pick);
		free(e);
		return UI_HANDLED | UI_REDRAW;
	}
	return ed_push(ui, e);
}

static unsigned ed_act_attach(struct ui *ui, int action)
{
	return ed_act_ref(ui, true);
}

static unsigned ed_act_detach(struct ui *ui, int action)
{
	return ed_act_ref(ui, false);
}

void edit_actions_register(void)
{
	action_set_handler(ACT_EDIT, ed_act_edit);
	action_set_handler(ACT_NEW, ed_act_new);
	action_set_handler(ACT_ATTACH, ed_act_attach);
	action_set_handler(ACT_DETACH, ed_act_detach);
}
