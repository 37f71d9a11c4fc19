/*
 * form.c — fields, edited flags, validation and the keys of an edit form.
 *
 * Two modes: moving between fields (Tab, arrows), and editing the focused
 * field's text (Enter, or simply typing).  Questions (discard changes?
 * suspend this driver? theirs vs yours) are a third state that takes every
 * key until answered, so the main loop never blocks in a modal loop and
 * replies keep flowing while a question is open.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/form.h"
#include "chargetui/paste.h"
#include "chargetui/validate.h"

#define FORM_CTRL(c) ((c)&0x1f)
#define FORM_ESC 27

static char *form_strdup(const char *s)
{
	return strdup(s ? s : "");
}

struct form *form_new(const char *title)
{
	struct form *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->title = form_strdup(title);
	if (!f->title) {
		free(f);
		return NULL;
	}
	return f;
}

static void form_field_free(struct form_field *fld)
{
	free(fld->label);
	free(fld->meta_key);
	free(fld->orig);
	led_free(&fld->ed);
	free(fld->error);
	free(fld->theirs);
}

void form_free(struct form *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		form_field_free(&f->f[i]);
	free(f->f);
	free(f->title);
	free(f->before_edit);
	free(f->banner);
	free(f);
}

static int form_grow(struct form *f)
{
	if (f->n < f->cap)
		return 0;
	size_t cap = f->cap ? f->cap * 2 : 16;
	struct form_field *nf = realloc(f->f, cap * sizeof *nf);
	if (!nf)
		return -1;
	f->f = nf;
	f->cap = cap;
	return 0;
}

static int form_field_init(struct form_field *fld, enum form_kind kind, unsigned id, unsigned sub,
                           const char *label, const char *orig)
{
	memset(fld, 0, sizeof *fld);
	fld->kind = kind;
	fld->id = id;
	fld->sub = sub;
	fld->orig_null = orig == NULL;
	fld->label = form_strdup(label);
	fld->orig = form_strdup(orig);
	if (!fld->label || !fld->orig || led_set(&fld->ed, fld->orig) != 0) {
		form_field_free(fld);
		return -1;
	}
	return 0;
}

ssize_t form_add(struct form *f, enum form_kind kind, unsigned id, unsigned sub, const char *label,
                 const char *orig)
{
	if (form_grow(f) != 0)
		return -1;
	if (form_field_init(&f->f[f->n], kind, id, sub, label, orig) != 0)
		return -1;
	return (ssize_t)f->n++;
}

ssize_t form_add_meta(struct form *f, unsigned id, const char *key, const char *orig)
{
	if (form_grow(f) != 0)
		return -1;
	size_t at = f->n;
	for (size_t i = 0; i < f->n; i++)
		if (f->f[i].kind == FORM_META_ADD && f->f[i].id == id) {
			at = i;
			break;
		}
	struct form_field fld;
	if (form_field_init(&fld, FORM_META, id, 0, key, orig) != 0)
		return -1;
	fld.meta_key = strdup(key);
	if (!fld.meta_key) {
		form_field_free(&fld);
		return -1;
	}
	memmove(&f->f[at + 1], &f->f[at], (f->n - at) * sizeof *f->f);
	f->f[at] = fld;
	f->n++;
	if (f->focus >= at && f->n > 1)
		f->focus++;
	return (ssize_t)at;
}

ssize_t form_find(const struct form *f, unsigned id, unsigned sub, const char *meta_key)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct form_field *fld = &f->f[i];
		if (fld->id != id || fld->sub != sub)
			continue;
		if (meta_key && (fld->kind != FORM_META || strcmp(fld->meta_key, meta_key) != 0))
			continue;
		if (!meta_key && fld->kind == FORM_META)
			continue;
		return (ssize_t)i;
	}
	return -1;
}

int form_set_text(struct form *f, size_t i, const char *text)
{
	if (i >= f->n || led_set(&f->f[i].ed, text) != 0)
		return -1;
	f->f[i].edited = true;
	return 0;
}

const char *form_text(const struct form *f, size_t i)
{
	return i < f->n ? f->f[i].ed.buf : "";
}

bool form_field_changed(const struct form_field *fld)
{
	if (fld->kind == FORM_BUTTON || fld->kind == FORM_META_ADD)
		return false;
	return fld->edited && strcmp(fld->ed.buf, fld->orig) != 0;
}

size_t form_changed_count(const struct form *f)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++)
		n += form_field_changed(&f->f[i]);
	return n;
}

static int form_replace(char **slot, const char *msg)
{
	char *c = NULL;
	if (msg && !(c = strdup(msg)))
		return -1;
	free(*slot);
	*slot = c;
	return 0;
}

int form_set_error(struct form *f, size_t i, const char *msg)
{
	return i < f->n ? form_replace(&f->f[i].error, msg) : -1;
}

int form_set_banner(struct form *f, const char *msg)
{
	return form_replace(&f->banner, msg);
}

int form_set_theirs(struct form *f, size_t i, const char *theirs)
{
	return i < f->n ? form_replace(&f->f[i].theirs, theirs) : -1;
}

void form_clear_errors(struct form *f)
{
	for (size_t i = 0; i < f->n; i++)
		form_replace(&f->f[i].error, NULL);
	form_replace(&f->banner, NULL);
}

static const char *form_check_field(const struct form *f, const struct form_field *fld)
{
	if (fld->required && fld->kind != FORM_META) {
		const char *bad = val_required(fld->ed.buf);
		if (bad)
			return bad;
	}
	if (fld->check)
		return fld->check(f, fld);
	return val_text(fld->ed.buf);
}

static size_t form_meta_count(const struct form *f, unsigned id)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++)
		if (f->f[i].kind == FORM_META && f->f[i].id == id && f->f[i].ed.buf[0])
			n++;
	return n;
}

/* The name waiting on a "+ add key" row: NULL when it is empty or would be
 * accepted, else why it was refused. */
static const char *form_check_meta_add(const struct form *f, const struct form_field *add)
{
	const char *key = add->ed.buf;
	if (!key[0])
		return NULL;
	const char *bad = val_meta_key(key);
	if (!bad && form_find(f, add->id, 0, key) >= 0)
		bad = "that key is already in the list";
	return bad;
}

int form_validate(struct form *f)
{
	int bad = 0;
	ssize_t first = -1;
	for (size_t i = 0; i < f->n; i++) {
		struct form_field *fld = &f->f[i];
		const char *msg = NULL;
		if (fld->kind == FORM_BUTTON)
			continue;
		/* A refused key still on the add row is input the user typed:
		 * saving must stop there, not drop it silently. */
		if (fld->kind == FORM_META_ADD)
			msg = form_check_meta_add(f, fld);
		else if (f->create || form_field_changed(fld))
			msg = form_check_field(f, fld);
		/* Only a new key can push the count over: it carries the error. */
		if (!msg && fld->kind == FORM_META && fld->orig_null && form_field_changed(fld) &&
		    fld->ed.buf[0])
			msg = val_meta_count(form_meta_count(f, fld->id));
		form_set_error(f, i, msg);
		if (msg) {
			bad++;
			if (first < 0)
				first = (ssize_t)i;
		}
	}
	if (first >= 0)
		f->focus = (size_t)first;
	return bad;
}

static ssize_t form_option_index(const struct form_field *fld)
{
	for (size_t k = 0; fld->options && fld->options[k]; k++)
		if (strcmp(fld->options[k], fld->ed.buf) == 0)
			return (ssize_t)k;
	return -1;
}

int form_choice_step(struct form *f, size_t i, int dir)
{
	struct form_field *fld = &f->f[i];
	if (fld->kind != FORM_CHOICE || !fld->options || !fld->options[0])
		return -1;
	ssize_t n = 0;
	while (fld->options[n])
		n++;
	ssize_t k = form_option_index(fld);
	/* An unknown value the server sent is not in the ring: the first step
	 * lands on the first (or last) offered value. */
	if (k < 0)
		k = dir > 0 ? 0 : n - 1;
	else
		k = ((k + dir) % n + n) % n;
	return form_set_text(f, i, fld->options[k]);
}

int form_choose(struct form *f, size_t i, const char *value)
{
	if (i >= f->n || f->f[i].kind != FORM_CHOICE)
		return -1;
	return form_set_text(f, i, value);
}

static void form_toggle(struct form *f, size_t i)
{
	form_set_text(f, i, strcmp(f->f[i].ed.buf, "on") == 0 ? "off" : "on");
}

static bool form_is_texty(enum form_kind k)
{
	return k == FORM_TEXT || k == FORM_MONEY || k == FORM_LIST || k == FORM_META ||
	       k == FORM_META_ADD;
}

static void form_move(struct form *f, int dir)
{
	if (f->n == 0)
		return;
	f->focus = dir > 0 ? (f->focus + 1) % f->n : (f->focus + f->n - 1) % f->n;
}

static void form_begin_edit(struct form *f)
{
	struct form_field *fld = &f->f[f->focus];
	free(f->before_edit);
	f->before_edit = strdup(fld->ed.buf);
	f->editing = true;
	led_end(&fld->ed);
}

/* Turn the "+ add key" row's text into a new metadata row. */
static void form_commit_meta_add(struct form *f)
{
	struct form_field *add = &f->f[f->focus];
	const char *key = add->ed.buf;
	if (!key[0])
		return;
	const char *bad = form_check_meta_add(f, add);
	if (bad) {
		form_set_error(f, f->focus, bad);
		return;
	}
	char *k = strdup(key);
	if (!k)
		return;
	led_set(&add->ed, "");
	add->edited = false;
	form_set_error(f, f->focus, NULL);
	ssize_t at = form_add_meta(f, add->id, k, NULL);
	free(k);
	if (at < 0)
		return;
	f->focus = (size_t)at;
	form_begin_edit(f);
}

static void form_commit_edit(struct form *f)
{
	struct form_field *fld = &f->f[f->focus];
	f->editing = false;
	free(f->before_edit);
	f->before_edit = NULL;
	if (fld->kind == FORM_META_ADD) {
		form_commit_meta_add(f);
		return;
	}
	form_set_error(f, f->focus, form_field_changed(fld) ? form_check_field(f, fld) : NULL);
}

static void form_abort_edit(struct form *f)
{
	struct form_field *fld = &f->f[f->focus];
	if (f->before_edit)
		led_set(&fld->ed, f->before_edit);
	f->editing = false;
	free(f->before_edit);
	f->before_edit = NULL;
}

static enum form_reaction form_submit(struct form *f)
{
	if (f->editing)
		form_commit_edit(f);
	if (form_validate(f) > 0)
		return FORM_REDRAW;
	if (!f->create && form_changed_count(f) == 0)
		return FORM_SUBMIT; /* the owner sees an empty patch and sends nothing */
	if (f->conflict && !f->conflict_seen) {
		f->ask = FORM_ASK_CONFLICT;
		f->ask_text = "changed on the server since you opened it: save yours anyway?";
		return FORM_REDRAW;
	}
	const char *q = f->confirm ? f->confirm(f, f->confirm_ctx) : NULL;
	if (q && !f->confirmed) {
		f->ask = FORM_ASK_CONFIRM;
		f->ask_text = q;
		return FORM_REDRAW;
	}
	f->confirmed = false;
	return FORM_SUBMIT;
}

static bool form_is_enter(bool keycode, wint_t ch)
{
	return keycode ? ch == KEY_ENTER : (ch == '\n' || ch == '\r');
}

/* Save from anywhere: F2, ^O (nano's write-out), and ^S for terminals with
 * flow control off; in cbreak mode with IXON on, ^S never reaches us. */
static bool form_is_save(bool keycode, wint_t ch)
{
	if (keycode)
		return ch == KEY_F(2);
	return ch == FORM_CTRL('o') || ch == FORM_CTRL('s');
}

static enum form_reaction form_answer(struct form *f, bool keycode, wint_t ch)
{
	bool yes = !keycode && (ch == 'y' || ch == 'Y');
	bool no = !keycode && (ch == 'n' || ch == 'N' || ch == FORM_ESC);
	enum form_ask ask = f->ask;
	/* Enter answers yes only where yes loses nothing: leaving an unchanged
	 * form never asks, and a risky change wants a deliberate 'y'. */
	if (form_is_enter(keycode, ch) && ask != FORM_ASK_CONFIRM)
		yes = true;
	if (!yes && !no)
		return FORM_NONE;
	f->ask = FORM_ASK_NONE;
	f->ask_text = NULL;
	if (no)
		return FORM_REDRAW;
	if (ask == FORM_ASK_DISCARD)
		return FORM_CANCEL;
	if (ask == FORM_ASK_CONFLICT)
		f->conflict_seen = true;
	if (ask == FORM_ASK_CONFIRM)
		f->confirmed = true;
	return form_submit(f);
}

/* Keys that move, shared by both modes.  Returns true if handled. */
static bool form_move_key(struct form *f, bool keycode, wint_t ch)
{
	int dir = 0;
	if ((!keycode && ch == '\t') || (keycode && ch == KEY_DOWN))
		dir = 1;
	else if (keycode && (ch == KEY_BTAB || ch == KEY_UP))
		dir = -1;
	if (!dir)
		return false;
	if (f->editing)
		form_commit_edit(f);
	form_move(f, dir);
	return true;
}

static enum form_reaction form_insert(struct form *f, wint_t ch)
{
	struct form_field *fld = &f->f[f->focus];
	int r = led_insert_cp(&fld->ed, (uint32_t)ch);
	if (r == 1)
		form_set_error(f, f->focus, "control or invisible characters are not allowed");
	else if (r == 0) {
		fld->edited = true;
		form_set_error(f, f->focus, NULL);
	}
	return FORM_REDRAW;
}

static enum form_reaction form_edit_key(struct form *f, bool keycode, wint_t ch)
{
	struct form_field *fld = &f->f[f->focus];
	if (form_is_enter(keycode, ch)) {
		form_commit_edit(f);
		return FORM_REDRAW;
	}
	if (form_move_key(f, keycode, ch))
		return FORM_REDRAW;
	if (form_is_save(keycode, ch))
		return form_submit(f); /* commits the field being edited first */
	/* The line editor's own keys (led_key), then Esc, then a character. */
	int r = led_key(&fld->ed, keycode, ch);
	if (r < 0 && keycode)
		return FORM_NONE;
	if (r < 0 && ch == FORM_ESC) {
		form_abort_edit(f);
		return FORM_REDRAW;
	}
	if (r < 0)
		return form_insert(f, ch);
	if (r > 0) {
		fld->edited = true;
		form_set_error(f, f->focus, NULL);
	}
	return FORM_REDRAW;
}

static enum form_reaction form_enter_field(struct form *f)
{
	struct form_field *fld = &f->f[f->focus];
	switch (fld->kind) {
	case FORM_BUTTON:
		return form_submit(f);
	case FORM_TOGGLE:
		form_toggle(f, f->focus);
		return FORM_REDRAW;
	case FORM_CHOICE:
		return FORM_PICK;
	default:
		form_begin_edit(f);
		return FORM_REDRAW;
	}
}

static enum form_reaction form_nav_key(struct form *f, bool keycode, wint_t ch)
{
	struct form_field *fld = &f->f[f->focus];
	if (form_move_key(f, keycode, ch))
		return FORM_REDRAW;
	if (form_is_enter(keycode, ch))
		return form_enter_field(f);
	if (!keycode && ch == FORM_ESC) {
		if (form_changed_count(f) == 0)
			return FORM_CANCEL;
		f->ask = FORM_ASK_DISCARD;
		f->ask_text = "discard your changes?";
		return FORM_REDRAW;
	}
	if (form_is_save(keycode, ch))
		return form_submit(f);
	if (fld->kind == FORM_CHOICE &&
	    (ch == ' ' || (keycode && (ch == KEY_LEFT || ch == KEY_RIGHT)))) {
		form_choice_step(f, f->focus, keycode && ch == KEY_LEFT ? -1 : 1);
		return FORM_REDRAW;
	}
	if (fld->kind == FORM_TOGGLE &&
	    (ch == ' ' || (keycode && (ch == KEY_LEFT || ch == KEY_RIGHT)))) {
		form_toggle(f, f->focus);
		return FORM_REDRAW;
	}
	if (fld->kind == FORM_META && keycode && ch == KEY_DC) {
		form_set_text(f, f->focus, ""); /* "" removes the key (contract) */
		return FORM_REDRAW;
	}
	/* Typing on a text field starts editing it, at the end of its text. */
	if (!keycode && ch >= 0x20 && form_is_texty(fld->kind)) {
		form_begin_edit(f);
		return form_insert(f, ch);
	}
	return FORM_NONE;
}

enum form_reaction form_paste(struct form *f, const char *text, const char *refused)
{
	if (f->n == 0 || f->ask != FORM_ASK_NONE)
		return FORM_NONE;
	struct form_field *fld = &f->f[f->focus];
	if (!form_is_texty(fld->kind)) {
		form_set_error(f, f->focus, "only a text field takes a paste");
		return FORM_REDRAW;
	}
	if (refused) { /* the field keeps its text, editing or not */
		form_set_error(f, f->focus, refused);
		return FORM_REDRAW;
	}
	if (!text)
		text = "";
	if (!f->editing)
		form_begin_edit(f);
	size_t len = strlen(text);
	int r = led_insert_str(&fld->ed, text, len);
	if (r == 1)
		form_set_error(f, f->focus, PASTE_MSG_CONTROL);
	else if (r == 0) {
		fld->edited = fld->edited || len > 0;
		form_set_error(f, f->focus, NULL);
	}
	return FORM_REDRAW;
}

enum form_reaction form_key(struct form *f, bool keycode, wint_t ch)
{
	if (keycode && ch == PASTE_KEY) {
		const struct paste *p = paste_current();
		return p ? form_paste(f, p->text ? p->text : "", p->refused) : FORM_NONE;
	}
	if (f->n == 0)
		return !keycode && ch == FORM_ESC ? FORM_CANCEL : FORM_NONE;
	if (f->ask != FORM_ASK_NONE)
		return form_answer(f, keycode, ch);
	if (f->editing)
		return form_edit_key(f, keycode, ch);
	return form_nav_key(f, keycode, ch);
}

ssize_t form_split_list(const char *text, char ***out)
{
	*out = NULL;
	size_t n = 0, cap = 0;
	char **v = NULL;
	const char *p = text ? text : "";
	while (*p) {
		while (*p == ',' || *p == ' ')
			p++;
		size_t len = strcspn(p, ", ");
		if (!len)
			break;
		if (n == cap) {
			cap = cap ? cap * 2 : 4;
			char **nv = realloc(v, cap * sizeof *nv);
			if (!nv)
				goto fail;
			v = nv;
		}
		if (!(v[n] = strndup(p, len)))
			goto fail;
		n++;
		p += len;
	}
	*out = v;
	return (ssize_t)n;
fail:
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return -1;
}

char *form_join_list(char *const *items, size_t n)
{
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(items[i]) + 2;
	char *s = malloc(len), *p = s;
	if (!s)
		return NULL;
	*p = 0;
	for (size_t i = 0; i < n; i++) {
		if (i)
			p = stpcpy(p, ", ");
		p = stpcpy(p, items[i]);
	}
	return s;
}
