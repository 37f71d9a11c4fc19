/* test_form.c — the form model without a terminal: line editing (wide and
 * combining characters), edited flags and SAN-11, patches, money, metadata,
 * API error -> field, conflicts, confirmations, create. */
#include <check.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/edit.h"
#include "chargetui/form.h"
#include "chargetui/json.h"
#include "chargetui/sync.h"

/* ---- helpers */

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", CT_FIXTURES, name);
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "open %s", path);
	static char buf[65536];
	*len = fread(buf, 1, sizeof buf - 1, f);
	buf[*len] = 0;
	fclose(f);
	return buf;
}

static void load_driver(struct driver *d)
{
	size_t len;
	char *buf = slurp("driver_update_response.json", &len);
	struct api_error err = {0};
	ck_assert_int_eq(json_decode_driver(buf, len, d, &err), 0);
}

/* Decode UTF-8 one code point at a time, as wget_wch would hand them over. */
static uint32_t next_cp(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t cp;
	int n;
	if (p[0] < 0x80)
		cp = p[0], n = 1;
	else if ((p[0] & 0xE0) == 0xC0)
		cp = p[0] & 0x1F, n = 2;
	else if ((p[0] & 0xF0) == 0xE0)
		cp = p[0] & 0x0F, n = 3;
	else
		cp = p[0] & 0x07, n = 4;
	for (int i = 1; i < n; i++)
		cp = (cp << 6) | (p[i] & 0x3F);
	*s += n;
	return cp;
}

static enum form_reaction type(struct form *f, const char *s)
{
	enum form_reaction r = FORM_NONE;
	while (*s)
		r = form_key(f, false, (wint_t)next_cp(&s));
	return r;
}

static enum form_reaction key(struct form *f, int code)
{
	return form_key(f, true, (wint_t)code);
}

static enum form_reaction ch(struct form *f, int c)
{
	return form_key(f, false, (wint_t)c);
}

static size_t focus_on(struct form *f, unsigned id, unsigned sub)
{
	ssize_t i = form_find(f, id, sub, NULL);
	ck_assert_int_ge(i, 0);
	f->focus = (size_t)i;
	return (size_t)i;
}

static size_t save_row(const struct form *f)
{
	ssize_t i = form_find(f, EDIT_ROW_SAVE, 0, NULL);
	ck_assert_int_ge(i, 0);
	return (size_t)i;
}

static enum form_reaction save(struct form *f)
{
	f->focus = save_row(f);
	return ch(f, '\n');
}

/* Replace a text field's content the way a user would: Enter, Ctrl-U, type, Enter. */
static void retype(struct form *f, unsigned id, unsigned sub, const char *text)
{
	focus_on(f, id, sub);
	ck_assert_int_eq(ch(f, '\n'), FORM_REDRAW);
	ck_assert(f->editing);
	ch(f, 0x15);
	type(f, text);
	ch(f, '\n');
	ck_assert(!f->editing);
}

static char *encode(const struct driver_patch *p)
{
	char *body = json_encode_driver_patch(p);
	ck_assert_ptr_nonnull(body);
	return body;
}

/* ---- line editor */

START_TEST(test_led_ascii_and_readline_keys)
{
	struct led e = {0};
	ck_assert_int_eq(led_set(&e, ""), 0);
	for (const char *s = "hello big world"; *s; s++)
		ck_assert_int_eq(led_insert_cp(&e, (uint32_t)*s), 0);
	ck_assert_str_eq(e.buf, "hello big world");
	ck_assert_int_eq(led_cursor_col(&e), 15);
	ck_assert(led_kill_word(&e)); /* Ctrl-W */
	ck_assert_str_eq(e.buf, "hello big ");
	ck_assert(led_kill_word(&e));
	ck_assert_str_eq(e.buf, "hello ");
	led_home(&e);
	ck_assert_int_eq(led_cursor_col(&e), 0);
	led_right(&e);
	led_right(&e);
	ck_assert(led_kill_to_end(&e)); /* Ctrl-K */
	ck_assert_str_eq(e.buf, "he");
	led_insert_cp(&e, 'y');
	led_left(&e);
	ck_assert(led_kill_to_start(&e)); /* Ctrl-U */
	ck_assert_str_eq(e.buf, "y");
	ck_assert_int_eq((int)e.cur, 0);
	ck_assert(!led_backspace(&e));
	ck_assert(led_delete(&e));
	ck_assert_str_eq(e.buf, "");
	led_free(&e);
}
END_TEST

START_TEST(test_led_wide_and_combining)
{
	struct led e = {0};
	led_set(&e, "");
	/* 王 (wide), e + U+0301 (combining), 🚗 (wide, 4 bytes) */
	led_insert_cp(&e, 0x738B);
	led_insert_cp(&e, 'e');
	led_insert_cp(&e, 0x0301);
	led_insert_cp(&e, 0x1F697);
	ck_assert_str_eq(e.buf, "\xe7\x8e\x8b"
	                        "e\xcc\x81"
	                        "\xf0\x9f\x9a\x97");
	ck_assert_int_eq(led_cursor_col(&e), 2 + 1 + 2);
	led_left(&e); /* before 🚗 */
	ck_assert_int_eq(led_cursor_col(&e), 3);
	ck_assert_int_eq((int)e.cur, 6);
	led_left(&e); /* before e+acute: one step over the cluster */
	ck_assert_int_eq((int)e.cur, 3);
	ck_assert_int_eq(led_cursor_col(&e), 2);
	led_left(&e);
	ck_assert_int_eq((int)e.cur, 0);
	led_right(&e);
	led_right(&e); /* over the cluster, never between e and its accent */
	ck_assert_int_eq((int)e.cur, 6);
	ck_assert(led_backspace(&e)); /* removes e and its accent together */
	ck_assert_str_eq(e.buf, "\xe7\x8e\x8b\xf0\x9f\x9a\x97");
	led_end(&e);
	ck_assert(led_backspace(&e));
	ck_assert_str_eq(e.buf, "\xe7\x8e\x8b");
	led_free(&e);
}
END_TEST

START_TEST(test_led_refuses_controls)
{
	struct led e = {0};
	led_set(&e, "ok");
	static const uint32_t bad[] = {0x1b, 0x07,   0x0a,   0x0d,   0x09,   0x7f,   0x9b,
	                               0x85, 0x202e, 0x2066, 0x200b, 0xfeff, 0xd800, 0x110000};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(led_insert_cp(&e, bad[i]) == 1, "U+%04X accepted", bad[i]);
	ck_assert_str_eq(e.buf, "ok");
	led_free(&e);
}
END_TEST

START_TEST(test_led_raw_escape_cursor)
{
	/* A raw value holding ESC shows as "^[": the cursor counts 2 columns. */
	struct led e = {0};
	led_set(&e, "A\x1b[2JB");
	ck_assert_int_eq(led_cursor_col(&e), 1 + 2 + 3 + 1);
	led_home(&e);
	led_right(&e);
	led_right(&e);
	ck_assert_int_eq(led_cursor_col(&e), 3);
	led_free(&e);
}
END_TEST

START_TEST(test_led_key_shared_keys)
{
	/* The keys a form field and the / : line share; the rest are theirs. */
	struct led e = {0};
	led_set(&e, "ab cd");
	ck_assert_int_eq(led_key(&e, true, KEY_HOME), 0);
	ck_assert_int_eq(led_key(&e, false, 0x05), 0); /* ^E */
	ck_assert_int_eq(led_key(&e, false, 0x17), 1); /* ^W */
	ck_assert_str_eq(e.buf, "ab ");
	ck_assert_int_eq(led_key(&e, false, 0x7f), 1);
	ck_assert_int_eq(led_key(&e, false, 0x01), 0);         /* ^A */
	ck_assert_int_eq(led_key(&e, true, KEY_BACKSPACE), 0); /* nothing before */
	ck_assert_int_eq(led_key(&e, false, 0x04), 1);         /* ^D */
	ck_assert_str_eq(e.buf, "b");
	const wint_t theirs[] = {'x', 27, '\t', '\r', '\n', 0x0f};
	for (size_t i = 0; i < sizeof theirs / sizeof theirs[0]; i++)
		ck_assert_int_eq(led_key(&e, false, theirs[i]), -1);
	ck_assert_int_eq(led_key(&e, true, KEY_ENTER), -1);
	ck_assert_str_eq(e.buf, "b");
	led_free(&e);
}
END_TEST

/* ---- keys in a form */

START_TEST(test_form_keys_edit_text)
{
	struct form *f = form_new("t");
	ssize_t a = form_add(f, FORM_TEXT, 1, 0, "A", "start");
	form_add(f, FORM_TEXT, 2, 0, "B", NULL);
	ck_assert_int_eq(a, 0);
	/* Typing in navigation starts editing at the end. */
	type(f, " 日本");
	ck_assert(f->editing);
	ck_assert_str_eq(form_text(f, 0), "start 日本");
	ch(f, 0x01); /* Ctrl-A */
	type(f, ">");
	ch(f, 0x05); /* Ctrl-E */
	ch(f, 0x17); /* Ctrl-W */
	ck_assert_str_eq(form_text(f, 0), ">start ");
	key(f, KEY_LEFT);
	key(f, KEY_HOME);
	key(f, KEY_DC);
	ck_assert_str_eq(form_text(f, 0), "start ");
	/* Esc in the editor restores the text from before this edit. */
	ch(f, 27);
	ck_assert(!f->editing);
	ck_assert_str_eq(form_text(f, 0), "start");
	/* Tab moves, Shift-Tab and Up come back. */
	ch(f, '\t');
	ck_assert_int_eq((int)f->focus, 1);
	key(f, KEY_BTAB);
	ck_assert_int_eq((int)f->focus, 0);
	key(f, KEY_DOWN);
	ck_assert_int_eq((int)f->focus, 1);
	key(f, KEY_UP);
	ck_assert_int_eq((int)f->focus, 0);
	/* SAN-12: a bidi override typed in is refused, with an error at the field. */
	ch(f, '\n');
	form_key(f, false, 0x202e);
	ck_assert_str_eq(form_text(f, 0), "start");
	ck_assert_ptr_nonnull(f->f[0].error);
	form_key(f, false, 0x16); /* Ctrl-V: a control, not text */
	ck_assert_str_eq(form_text(f, 0), "start");
	form_free(f);
}
END_TEST

START_TEST(test_form_edited_flag_and_revert)
{
	struct form *f = form_new("t");
	form_add(f, FORM_TEXT, 1, 0, "A", "abc");
	ck_assert(!f->f[0].edited);
	ch(f, '\n');
	ch(f, '\n'); /* opened and closed: not edited */
	ck_assert(!f->f[0].edited);
	ck_assert_int_eq((int)form_changed_count(f), 0);
	type(f, "d");
	ch(f, '\n');
	ck_assert(f->f[0].edited);
	ck_assert(form_field_changed(&f->f[0]));
	ch(f, '\n');
	key(f, KEY_BACKSPACE);
	ch(f, '\n');
	/* Edited back to the original: edited, but not a change to send. */
	ck_assert(f->f[0].edited);
	ck_assert(!form_field_changed(&f->f[0]));
	form_free(f);
}
END_TEST

START_TEST(test_form_escape_asks_only_when_changed)
{
	struct form *f = form_new("t");
	form_add(f, FORM_TEXT, 1, 0, "A", "abc");
	ck_assert_int_eq(ch(f, 27), FORM_CANCEL);
	type(f, "x");
	ch(f, '\n');
	ck_assert_int_eq(ch(f, 27), FORM_REDRAW);
	ck_assert_int_eq(f->ask, FORM_ASK_DISCARD);
	ck_assert_int_eq(ch(f, 'n'), FORM_REDRAW);
	ck_assert_int_eq(f->ask, FORM_ASK_NONE);
	ck_assert_str_eq(form_text(f, 0), "abcx");
	ch(f, 27);
	ck_assert_int_eq(ch(f, 'y'), FORM_CANCEL);
	form_free(f);
}
END_TEST

START_TEST(test_form_choice_and_toggle)
{
	static const char *const opts[] = {"slow", "standard", "fast", "ultra_fast", NULL};
	struct form *f = form_new("t");
	form_add(f, FORM_CHOICE, 1, 0, "Speed", "turbo"); /* unknown value as sent */
	f->f[0].options = opts;
	form_add(f, FORM_TOGGLE, 2, 0, "Notify", "on");
	ck_assert_int_eq(ch(f, '\n'), FORM_PICK);
	ch(f, ' ');
	ck_assert_str_eq(form_text(f, 0), "slow");
	key(f, KEY_LEFT);
	ck_assert_str_eq(form_text(f, 0), "ultra_fast");
	key(f, KEY_RIGHT);
	ck_assert_str_eq(form_text(f, 0), "slow");
	ck_assert_int_eq(form_choose(f, 0, "fast"), 0);
	ck_assert_str_eq(form_text(f, 0), "fast");
	ch(f, '\t');
	ch(f, ' ');
	ck_assert_str_eq(form_text(f, 1), "off");
	ch(f, '\n');
	ck_assert_str_eq(form_text(f, 1), "on");
	ck_assert(!form_field_changed(&f->f[1]));
	form_free(f);
}
END_TEST

/* ---- the driver form */

START_TEST(test_driver_san11_phone_only)
{
	struct driver d = {0};
	load_driver(&d);
	opt_str_set(&d.name, "A\x1b[2J\x1b]0;pwned\x07"
	                     "B");
	struct edit_driver *e = edit_driver_open(&d);
	ck_assert_ptr_nonnull(e);
	/* The name field holds the raw bytes; the user opens and leaves it. */
	size_t ni = focus_on(e->form, DRV_NAME, 0);
	ck_assert_str_eq(e->form->f[ni].orig, d.name.v);
	ch(e->form, '\n');
	ch(e->form, '\n');
	retype(e->form, DRV_PHONE, 0, "+33189000030");
	ck_assert_int_eq(save(e->form), FORM_SUBMIT);
	struct driver after;
	struct driver_patch p;
	ck_assert_int_eq(edit_driver_result(e, &after, &p), 1);
	ck_assert_uint_eq(p.set, DRV_PHONE);
	ck_assert_str_eq(p.v.phone.v, "+33189000030");
	ck_assert_str_eq(after.name.v, d.name.v); /* raw, not "^[" */
	char *body = encode(&p);
	ck_assert_str_eq(body, "{\"phone\":\"+33189000030\"}");
	free(body);
	driver_patch_clear(&p);
	driver_clear(&after);
	edit_driver_free(e);
	driver_clear(&d);
}
END_TEST

START_TEST(test_driver_unchanged_save_sends_nothing)
{
	struct driver d = {0};
	load_driver(&d);
	struct edit_driver *e = edit_driver_open(&d);
	ck_assert_int_eq(save(e->form), FORM_SUBMIT);
	struct job job;
	memset(&job, 0, sizeof job);
	ck_assert_int_eq(edit_driver_job(e, &job), 0);
	ck_assert_ptr_null(job.id);
	/* A toggle flipped twice is no change either. */
	focus_on(e->form, DRV_PREF_NOTIFICATIONS, 0);
	ch(e->form, ' ');
	ch(e->form, ' ');
	ck_assert_int_eq(edit_driver_job(e, &job), 0);
	edit_driver_free(e);
	driver_clear(&d);
}
END_TEST

START_TEST(test_driver_money_minor_units)
{
	struct driver d = {0};
	load_driver(&d);
	d.preferences.max_price_per_kwh.st = FIELD_SET;
	d.preferences.max_price_per_kwh.v = 42;
	struct edit_driver *e = edit_driver_open(&d);
	size_t mi = focus_on(e->form, DRV_PREF_MAX_PRICE_PER_KWH, 0);
	ck_assert_str_eq(form_text(e->form, mi), "0.42");
	retype(e->form, DRV_PREF_MAX_PRICE_PER_KWH, 0, "18.75");
	struct driver after;
	struct driver_patch p;
	ck_assert_int_eq(edit_driver_result(e, &after, &p), 1);
	ck_assert_uint_eq(p.set, DRV_PREF_MAX_PRICE_PER_KWH);
	ck_assert_int_eq(p.v.preferences.max_price_per_kwh.v, 1875);
	driver_patch_clear(&p);
	driver_clear(&after);
	/* In yen the same typed amount has no minor unit. */
	size_t ci = focus_on(e->form, DRV_PREF_CURRENCY, 0);
	form_choose(e->form, ci, "jpy");
	retype(e->form, DRV_PREF_MAX_PRICE_PER_KWH, 0, "1875");
	ck_assert_int_eq(edit_driver_result(e, &after, &p), 2);
	ck_assert_uint_eq(p.set, DRV_PREF_MAX_PRICE_PER_KWH | DRV_PREF_CURRENCY);
	ck_assert_int_eq(p.v.preferences.max_price_per_kwh.v, 1875);
	ck_assert_str_eq(p.v.preferences.currency.v, "jpy");
	driver_patch_clear(&p);
	driver_clear(&after);
	/* 18.75 in yen does not parse: the form says so at the field. */
	retype(e->form, DRV_PREF_MAX_PRICE_PER_KWH, 0, "18.75");
	ck_assert_ptr_nonnull(e->form->f[mi].error);
	ck_assert_int_eq(save(e->form), FORM_REDRAW);
	ck_assert_int_eq((int)e->form->focus, (int)mi);
	/* Negative money is refused. */
	retype(e->form, DRV_PREF_MAX_PRICE_PER_KWH, 0, "-1");
	ck_assert_ptr_nonnull(e->form->f[mi].error);
	/* Empty: no maximum (null). */
	retype(e->form, DRV_PREF_MAX_PRICE_PER_KWH, 0, "");
	ck_assert_int_eq(edit_driver_result(e, &after, &p), 2);
	ck_assert_int_eq(p.v.preferences.max_price_per_kwh.st, FIELD_NULL);
	driver_patch_clear(&p);
	driver_clear(&after);
	edit_driver_free(e);
	driver_clear(&d);
}
END_TEST

START_TEST(test_driver_preferences_key_by_key)
{
	struct driver d = {0};
	load_driver(&d);
	struct edit_driver *e = edit_driver_open(&d);
	focus_on(e->form, DRV_PREF_CHARGING_SPEED, 0);
	ch(e->form, ' '); /* fast -> ultra_fast */
	retype(e->form, DRV_PREF_PREFERRED_CPOS, 0, "example_operator, ionity");
	struct driver after;
	struct driver_patch p;
	ck_assert_int_eq(edit_driver_result(e, &after, &p), 2);
	ck_assert_uint_eq(p.set, DRV_PREF_CHARGING_SPEED | DRV_PREF_PREFERRED_CPOS);
	char *body = encode(&p);
	ck_assert_str_eq(body, "{\"preferences\":{\"charging_speed\":\"ultra_fast\","
	                       "\"preferred_cpos\":[\"example_operator\",\"ionity\"]}}");
	free(body);
	driver_patch_clear(&p);
	driver_clear(&after);
	/* A station id that is not one is stopped before sending. */
	size_t si = focus_on(e->form, DRV_PREF_PREFERRED_CHARGING_STATIONS, 0);
	retype(e->form, DRV_PREF_PREFERRED_CHARGING_STATIONS, 0, "chst_ok, cs_456");
	ck_assert_ptr_nonnull(e->form->f[si].error);
	edit_driver_free(e);
	driver_clear(&d);
}
END_TEST

START_TEST(test_driver_metadata_add_change_remove)
{
	struct driver d = {0};
	load_driver(&d);
	edit_meta_apply(&d.metadata, "team", "north");
	edit_meta_apply(&d.metadata, "badge", "42");
	struct edit_driver *e = edit_driver_open(&d);
	struct form *f = e->form;
	ssize_t team = form_find(f, DRV_METADATA, 0, "team");
	ssize_t badge = form_find(f, DRV_METADATA, 0, "badge");
	ck_assert_int_ge(team, 0);
	ck_assert_int_ge(badge, 0);
	/* change team */
	f->focus = (size_t)team;
	ch(f, '\n');
	ch(f, 0x15);
	type(f, "south");
	ch(f, '\n');
	/* remove badge with Delete */
	f->focus = (size_t)badge;
	key(f, KEY_DC);
	/* add a key through the add row: key, Enter, value, Enter */
	for (size_t i = 0; i < f->n; i++)
		if (f->f[i].kind == FORM_META_ADD)
			f->focus = i;
	ch(f, '\n');
	type(f, "depot");
	ch(f, '\n');
	ck_assert(f->editing);
	ck_assert_int_eq(f->f[f->focus].kind, FORM_META);
	type(f, "Lyon");
	ch(f, '\n');
	struct driver after;
	struct driver_patch p;
	ck_assert_int_eq(edit_driver_result(e, &after, &p), 1);
	ck_assert_uint_eq(p.set, DRV_METADATA);
	ck_assert_int_eq((int)p.meta.n, 3);
	int seen = 0;
	for (size_t i = 0; i < p.meta.n; i++) {
		if (!strcmp(p.meta.keys[i], "team")) {
			ck_assert_str_eq(p.meta.vals[i], "south");
			seen |= 1;
		}
		if (!strcmp(p.meta.keys[i], "badge")) {
			ck_assert_ptr_null(p.meta.vals[i]);
			seen |= 2;
		}
		if (!strcmp(p.meta.keys[i], "depot")) {
			ck_assert_str_eq(p.meta.vals[i], "Lyon");
			seen |= 4;
		}
	}
	ck_assert_int_eq(seen, 7);
	driver_patch_clear(&p);
	driver_clear(&after);
	/* A duplicate key and a 41-character key are refused at the add row. */
	ck_assert_int_eq(f->f[f->focus].kind, FORM_META);
	for (size_t i = 0; i < f->n; i++)
		if (f->f[i].kind == FORM_META_ADD)
			f->focus = i;
	size_t add = f->focus;
	ch(f, '\n');
	type(f, "team");
	ch(f, '\n');
	ck_assert_ptr_nonnull(f->f[add].error);
	ch(f, '\n');
	ch(f, 0x15);
	type(f, "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk");
	ch(f, '\n');
	ck_assert_ptr_nonnull(f->f[add].error);
	edit_driver_free(e);
	driver_clear(&d);
}
END_TEST

START_TEST(test_metadata_fifty_keys)
{
	struct driver d = {0};
	load_driver(&d);
	char k[16];
	for (int i = 0; i < 50; i++) {
		snprintf(k, sizeof k, "k%02d", i);
		edit_meta_apply(&d.metadata, k, "v");
	}
	struct edit_driver *e = edit_driver_open(&d);
	struct form *f = e->form;
	/* Changing one of 50 keys is fine. */
	f->focus = (size_t)form_find(f, DRV_METADATA, 0, "k07");
	type(f, "w");
	ch(f, '\n');
	ck_assert_ptr_null(f->f[f->focus].error);
	/* A 51st key is refused before sending. */
	for (size_t i = 0; i < f->n; i++)
		if (f->f[i].kind == FORM_META_ADD)
			f->focus = i;
	ch(f, '\n');
	type(f, "extra");
	ch(f, '\n');
	type(f, "x");
	ck_assert_int_eq(ch(f, 0x13), FORM_REDRAW); /* ^S while editing: commit, validate */
	ck_assert(!f->editing);
	ssize_t x = form_find(f, DRV_METADATA, 0, "extra");
	ck_assert_int_ge(x, 0);
	ck_assert_ptr_nonnull(f->f[x].error);
	ck_assert_int_eq((int)f->focus, (int)x);
	/* Removing another key makes room again. */
	f->focus = (size_t)form_find(f, DRV_METADATA, 0, "k00");
	key(f, KEY_DC);
	ck_assert_int_eq(ch(f, 0x13), FORM_SUBMIT);
	edit_driver_free(e);
	driver_clear(&d);
}
END_TEST

START_TEST(test_param_to_field)
{
	struct driver d = {0};
	load_driver(&d);
	edit_meta_apply(&d.metadata, "team", "north");
	struct edit_driver *e = edit_driver_open(&d);
	struct form *f = e->form;
	static const struct {
		const char *param;
		unsigned id;
	} rows[] = {
	    {"phone", DRV_PHONE},
	    {"email", DRV_EMAIL},
	    {"preferences[currency]", DRV_PREF_CURRENCY},
	    {"preferences.currency", DRV_PREF_CURRENCY},
	    {"preferences[preferred_cpos][1]", DRV_PREF_PREFERRED_CPOS},
	    {"preferences[max_price_per_kwh]", DRV_PREF_MAX_PRICE_PER_KWH},
	    {"preferences", DRV_PREF_CHARGING_SPEED},
	    {"metadata[team]", DRV_METADATA},
	    {"metadata", DRV_METADATA},
	    {"status", DRV_STATUS},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		ssize_t k = edit_param_field(f, rows[i].param, false);
		ck_assert_msg(k >= 0 && f->f[k].id == rows[i].id, "param %s", rows[i].param);
	}
	ssize_t t = edit_param_field(f, "metadata[team]", false);
	ck_assert_int_eq(f->f[t].kind, FORM_META);
	ck_assert_str_eq(f->f[t].meta_key, "team");
	ck_assert_int_eq(f->f[edit_param_field(f, "metadata", false)].kind, FORM_META_ADD);
	ck_assert_int_lt(edit_param_field(f, "nonsense", false), 0);
	ck_assert_int_lt(edit_param_field(f, "phonebook", false), 0);
	ck_assert_int_lt(edit_param_field(f, NULL, false), 0);

	/* The API's message lands at the field, sanitized; input stays. */
	retype(f, DRV_PHONE, 0, "+33189000031");
	struct api_error err = {.kind = API_ERR_HTTP, .http_status = 400};
	err.code = (char *)"parameter_invalid";
	err.param = (char *)"phone";
	err.message = (char *)"Invalid phone \x1b[31mnumber";
	edit_driver_apply_error(e, &err);
	size_t pi = (size_t)form_find(f, DRV_PHONE, 0, NULL);
	ck_assert_int_eq((int)f->focus, (int)pi);
	ck_assert_str_eq(f->f[pi].error, "Invalid phone ^[[31mnumber");
	ck_assert_str_eq(form_text(f, pi), "+33189000031");
	edit_driver_free(e);
	driver_clear(&d);

	struct fleet fl = {0};
	size_t len;
	char *buf = slurp("fleet_object.json", &len);
	struct api_error derr = {0};
	ck_assert_int_eq(json_decode_fleet(buf, len, &fl, &derr), 0);
	struct edit_fleet *ef = edit_fleet_open(&fl);
	ssize_t c = edit_param_field(ef->form, "address[city]", true);
	ck_assert_int_ge(c, 0);
	ck_assert_uint_eq(ef->form->f[c].sub, ADDR_CITY);
	c = edit_param_field(ef->form, "preferences.report_frequency", true);
	ck_assert_uint_eq(ef->form->f[c].id, FLT_PREF_REPORT_FREQUENCY);
	edit_fleet_free(ef);
	fleet_clear(&fl);
}
END_TEST

START_TEST(test_error_words)
{
	char buf[256];
	struct api_error err = {.kind = API_ERR_HTTP, .http_status = 409};
	err.code = (char *)"driver_fleet_conflict";
	err.message = (char *)"Conflict.";
	ck_assert_str_eq(edit_error_words(&err, EDIT_OP_ATTACH, buf, sizeof buf),
	                 "the driver is already in that fleet");
	ck_assert_str_eq(edit_error_words(&err, EDIT_OP_DETACH, buf, sizeof buf),
	                 "the driver is not in that fleet");
	err.http_status = 404;
	err.code = (char *)"fleet_not_found";
	ck_assert_str_eq(edit_error_words(&err, EDIT_OP_ATTACH, buf, sizeof buf),
	                 "that fleet does not exist (any more)");
	err.code = (char *)"weird";
	err.message = (char *)"bad \x1b]0;x\x07 thing";
	edit_error_words(&err, EDIT_OP_UPDATE, buf, sizeof buf);
	ck_assert_ptr_null(strchr(buf, 0x1b));
	ck_assert_ptr_null(strchr(buf, 0x07));
}
END_TEST

START_TEST(test_conflict_theirs_vs_yours)
{
	struct driver d = {0};
	load_driver(&d);
	struct edit_driver *e = edit_driver_open(&d);
	retype(e->form, DRV_PHONE, 0, "+33189000099");
	struct driver theirs = {0};
	driver_copy(&theirs, &d);
	ck_assert(!edit_driver_server_moved(e, &theirs)); /* same updated */
	theirs.updated.ms += 60000;
	theirs.wallet_balance.v += 500; /* activity, not an edit */
	ck_assert(!edit_driver_server_moved(e, &theirs));
	ck_assert(!e->form->conflict);
	opt_str_set(&theirs.name, "Renamed Elsewhere");
	ck_assert(edit_driver_server_moved(e, &theirs));
	size_t ni = (size_t)form_find(e->form, DRV_NAME, 0, NULL);
	size_t pi = (size_t)form_find(e->form, DRV_PHONE, 0, NULL);
	ck_assert_str_eq(e->form->f[ni].theirs, "Renamed Elsewhere");
	ck_assert_ptr_null(e->form->f[pi].theirs);
	/* Nothing is sent before the user has seen theirs vs yours. */
	ck_assert_int_eq(save(e->form), FORM_REDRAW);
	ck_assert_int_eq(e->form->ask, FORM_ASK_CONFLICT);
	ck_assert_int_eq(ch(e->form, 27), FORM_REDRAW);
	ck_assert_int_eq(save(e->form), FORM_REDRAW);
	ck_assert_int_eq(ch(e->form, '\n'), FORM_SUBMIT);
	/* Only the user's change goes out: their rename is not overwritten. */
	struct job job;
	ck_assert_int_eq(edit_driver_job(e, &job), 1);
	ck_assert_int_eq(job.kind, JOB_DRIVER_UPDATE);
	ck_assert_str_eq(job.id, d.id.v);
	ck_assert_uint_eq(job.dpatch.set, DRV_PHONE);
	job_clear(&job);
	driver_clear(&theirs);
	edit_driver_free(e);
	driver_clear(&d);
}
END_TEST

START_TEST(test_pending_against_server)
{
	struct driver d = {0};
	load_driver(&d);
	struct edit_driver *e = edit_driver_open(&d);
	retype(e->form, DRV_PHONE, 0, "+33189000055");
	retype(e->form, DRV_LICENSE_NUMBER, 0, "B-77");
	ck_assert_int_eq(edit_driver_pending(e, &d), 2);
	/* The server has one of them (and a new name nobody here typed). */
	struct driver theirs = {0};
	driver_copy(&theirs, &d);
	opt_str_set(&theirs.phone, "+33189000055");
	opt_str_set(&theirs.name, "Elsewhere");
	ck_assert_int_eq(edit_driver_pending(e, &theirs), 1);
	opt_str_set(&theirs.license_number, "B-77");
	ck_assert_int_eq(edit_driver_pending(e, &theirs), 0);
	driver_clear(&theirs);
	edit_driver_free(e);
	driver_clear(&d);
}
END_TEST

START_TEST(test_status_confirmation)
{
	struct driver d = {0};
	load_driver(&d);
	struct edit_driver *e = edit_driver_open(&d);
	size_t si = focus_on(e->form, DRV_STATUS, 0);
	form_choose(e->form, si, "suspended");
	ck_assert_int_eq(save(e->form), FORM_REDRAW);
	ck_assert_int_eq(e->form->ask, FORM_ASK_CONFIRM);
	ck_assert_ptr_nonnull(strstr(e->form->ask_text, "suspend"));
	ck_assert_int_eq(ch(e->form, '\n'), FORM_NONE); /* Enter is not a yes here */
	ck_assert_int_eq(ch(e->form, 'n'), FORM_REDRAW);
	ck_assert_int_eq(save(e->form), FORM_REDRAW);
	ck_assert_int_eq(ch(e->form, 'y'), FORM_SUBMIT);
	/* Back to active: no question. */
	form_choose(e->form, si, "active");
	form_choose(e->form, si, "active");
	ck_assert_int_eq(save(e->form), FORM_SUBMIT);
	/* Any other change: no question either. */
	retype(e->form, DRV_LICENSE_NUMBER, 0, "B-123");
	ck_assert_int_eq(save(e->form), FORM_SUBMIT);
	edit_driver_free(e);
	driver_clear(&d);
}
END_TEST

START_TEST(test_create_driver)
{
	struct edit_driver *e = edit_driver_create("flt_grOWx6EexbLtcXYJiCsSmRVeA5r1rbEc");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_lt(form_find(e->form, DRV_STATUS, 0, NULL), 0);
	/* Name and email are required. */
	ck_assert_int_eq(save(e->form), FORM_REDRAW);
	size_t ni = (size_t)form_find(e->form, DRV_NAME, 0, NULL);
	size_t ei = (size_t)form_find(e->form, DRV_EMAIL, 0, NULL);
	ck_assert_ptr_nonnull(e->form->f[ni].error);
	ck_assert_ptr_nonnull(e->form->f[ei].error);
	ck_assert_int_eq((int)e->form->focus, (int)ni);
	retype(e->form, DRV_NAME, 0, "Marie Curie");
	retype(e->form, DRV_EMAIL, 0, "marie@example");
	ck_assert_int_eq(save(e->form), FORM_REDRAW);
	ck_assert_int_eq((int)e->form->focus, (int)ei);
	retype(e->form, DRV_EMAIL, 0, "marie@example.com");
	retype(e->form, DRV_PHONE, 0, "+33189000029");
	ck_assert_int_eq(save(e->form), FORM_SUBMIT);
	struct job job;
	ck_assert_int_eq(edit_driver_job(e, &job), 3);
	ck_assert_int_eq(job.kind, JOB_DRIVER_CREATE);
	ck_assert_str_eq(job.fleet_id, "flt_grOWx6EexbLtcXYJiCsSmRVeA5r1rbEc");
	ck_assert_uint_eq(job.dpatch.set, DRV_NAME | DRV_EMAIL | DRV_PHONE);
	char *body = encode(&job.dpatch);
	ck_assert_str_eq(body, "{\"name\":\"Marie Curie\",\"email\":\"marie@example.com\","
	                       "\"phone\":\"+33189000029\"}");
	free(body);
	job_clear(&job);
	/* Switching "Add to fleet in view" off creates it outside any fleet. */
	size_t ai = focus_on(e->form, EDIT_ROW_ATTACH, 0);
	ck_assert_str_eq(form_text(e->form, ai), "on");
	ch(e->form, ' ');
	ck_assert_int_eq(edit_driver_job(e, &job), 3);
	ck_assert_ptr_null(job.fleet_id);
	ck_assert_uint_eq(job.dpatch.set, DRV_NAME | DRV_EMAIL | DRV_PHONE);
	job_clear(&job);
	edit_driver_free(e);
	/* With no fleet in view there is no such row. */
	e = edit_driver_create(NULL);
	ck_assert_int_lt(form_find(e->form, EDIT_ROW_ATTACH, 0, NULL), 0);
	edit_driver_free(e);
}
END_TEST

START_TEST(test_fleet_address_and_prefs)
{
	struct fleet fl = {0};
	size_t len;
	char *buf = slurp("fleet_object.json", &len);
	struct api_error derr = {0};
	ck_assert_int_eq(json_decode_fleet(buf, len, &fl, &derr), 0);
	struct edit_fleet *e = edit_fleet_open(&fl);
	ck_assert_ptr_nonnull(e);
	retype(e->form, FLT_ADDRESS, ADDR_CITY, "Lyon");
	size_t ri = focus_on(e->form, FLT_PREF_REPORT_FREQUENCY, 0);
	form_choose(e->form, ri, "daily");
	ck_assert_int_eq(save(e->form), FORM_SUBMIT);
	struct job job;
	ck_assert_int_eq(edit_fleet_job(e, &job), 2);
	ck_assert_int_eq(job.kind, JOB_FLEET_UPDATE);
	ck_assert_uint_eq(job.fpatch.set, FLT_ADDRESS | FLT_PREF_REPORT_FREQUENCY);
	ck_assert_uint_eq(job.fpatch.addr_set, ADDR_CITY);
	char *body = json_encode_fleet_patch(&job.fpatch);
	ck_assert_str_eq(body, "{\"address\":{\"city\":\"Lyon\"},"
	                       "\"preferences\":{\"report_frequency\":\"daily\"}}");
	free(body);
	job_clear(&job);
	/* Time zone and units are checked before sending. */
	size_t ti = focus_on(e->form, FLT_TIMEZONE, 0);
	retype(e->form, FLT_TIMEZONE, 0, "../../etc/passwd");
	ck_assert_ptr_nonnull(e->form->f[ti].error);
	retype(e->form, FLT_TIMEZONE, 0, "Europe/Paris");
	ck_assert_ptr_null(e->form->f[ti].error);
	size_t si = focus_on(e->form, FLT_STATUS, 0);
	form_choose(e->form, si, "archived");
	ck_assert_int_eq(save(e->form), FORM_REDRAW);
	ck_assert_int_eq(e->form->ask, FORM_ASK_CONFIRM);
	edit_fleet_free(e);
	fleet_clear(&fl);
}
END_TEST

START_TEST(test_attach_detach_jobs)
{
	struct job job;
	ck_assert_int_eq(edit_attach_job("drv_1", "flt_2", &job), 0);
	ck_assert_int_eq(job.kind, JOB_DRIVER_ATTACH);
	ck_assert_str_eq(job.id, "drv_1");
	ck_assert_str_eq(job.fleet_id, "flt_2");
	job_clear(&job);
	ck_assert_int_eq(edit_detach_job("drv_1", "flt_2", &job), 0);
	ck_assert_int_eq(job.kind, JOB_DRIVER_DETACH);
	job_clear(&job);
	ck_assert_int_eq(edit_attach_job("drv_x/../../v1", "flt_2", &job), -1);
	ck_assert_int_eq(edit_attach_job("drv_1", "drv_2", &job), -1);
}
END_TEST

/* Issue #4: a key refused on the add row (over 40 characters) is still
 * there when the user saves: the save stops at it, with its error, and
 * nothing of the metadata goes out. */
START_TEST(test_refused_meta_key_pending_blocks_save)
{
	struct driver d = {0};
	load_driver(&d);
	edit_meta_apply(&d.metadata, "team", "north");
	struct edit_driver *e = edit_driver_open(&d);
	struct form *f = e->form;
	size_t add = 0;
	for (size_t i = 0; i < f->n; i++)
		if (f->f[i].kind == FORM_META_ADD)
			add = i;
	f->focus = add;
	ch(f, '\n');
	type(f, "k23456789012345678901234567890123456789012"); /* 42 */
	ch(f, '\n');
	ck_assert_ptr_nonnull(f->f[add].error);
	ck_assert_int_eq(ch(f, 0x0f), FORM_REDRAW); /* ^O: not FORM_SUBMIT */
	ck_assert_int_eq((int)f->focus, (int)add);
	ck_assert_ptr_nonnull(strstr(f->f[add].error, "over 40"));
	ck_assert_str_eq(form_text(f, add), "k23456789012345678901234567890123456789012");
	/* The same while still editing the add row: ^O commits, then stops. */
	f->focus = add;
	ch(f, '\n');
	ck_assert(f->editing);
	ck_assert_int_eq(ch(f, 0x0f), FORM_REDRAW);
	ck_assert_ptr_nonnull(f->f[add].error);
	/* A duplicate name is refused the same way. */
	form_set_text(f, add, "team");
	ck_assert_int_eq(ch(f, 0x0f), FORM_REDRAW);
	ck_assert_ptr_nonnull(strstr(f->f[add].error, "already"));
	/* Clearing the row lets the (empty) save through. */
	form_set_text(f, add, "");
	ck_assert_int_eq(ch(f, 0x0f), FORM_SUBMIT);
	edit_driver_free(e);
	driver_clear(&d);
}
END_TEST

static Suite *form_suite(void)
{
	Suite *s = suite_create("form");
	TCase *tc = tcase_create("model");
	tcase_add_test(tc, test_led_ascii_and_readline_keys);
	tcase_add_test(tc, test_led_wide_and_combining);
	tcase_add_test(tc, test_led_refuses_controls);
	tcase_add_test(tc, test_led_raw_escape_cursor);
	tcase_add_test(tc, test_led_key_shared_keys);
	tcase_add_test(tc, test_form_keys_edit_text);
	tcase_add_test(tc, test_form_edited_flag_and_revert);
	tcase_add_test(tc, test_form_escape_asks_only_when_changed);
	tcase_add_test(tc, test_form_choice_and_toggle);
	tcase_add_test(tc, test_driver_san11_phone_only);
	tcase_add_test(tc, test_driver_unchanged_save_sends_nothing);
	tcase_add_test(tc, test_driver_money_minor_units);
	tcase_add_test(tc, test_driver_preferences_key_by_key);
	tcase_add_test(tc, test_driver_metadata_add_change_remove);
	tcase_add_test(tc, test_metadata_fifty_keys);
	tcase_add_test(tc, test_refused_meta_key_pending_blocks_save);
	tcase_add_test(tc, test_param_to_field);
	tcase_add_test(tc, test_error_words);
	tcase_add_test(tc, test_conflict_theirs_vs_yours);
	tcase_add_test(tc, test_pending_against_server);
	tcase_add_test(tc, test_status_confirmation);
	tcase_add_test(tc, test_create_driver);
	tcase_add_test(tc, test_fleet_address_and_prefs);
	tcase_add_test(tc, test_attach_detach_jobs);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(form_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
