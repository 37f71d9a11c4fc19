/*
 * test_paste.c — bracketed paste (SAN-12): the assembler as data (markers,
 * refusals and their reasons, limits), a form taking a paste whole or not at
 * all, and the console with its input on a pipe, where no pasted byte may
 * act as a key.
 */
#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <curses.h>

#include "chargetui/form.h"
#include "chargetui/pane.h"
#include "chargetui/paste.h"
#include "chargetui/store.h"
#include "chargetui/ui.h"
#include "pipe_console.h"

/* ---- the assembler */

/* Feed a UTF-8 string as wget_wch would hand it over, one code point each. */
static void feed_text(struct paste *p, const char *s)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	setlocale(LC_CTYPE, "C.UTF-8");
	size_t left = strlen(s);
	while (left) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, left, &st);
		ck_assert(n != (size_t)-1 && n != (size_t)-2 && n != 0);
		ck_assert_int_eq(paste_feed(p, (int)wc, false, 1.0), PASTE_TAKEN);
		s += n;
		left -= n;
	}
}

/* One whole paste of s; returns the reason it was refused, or NULL. */
static const char *paste_of(struct paste *p, const char *s)
{
	ck_assert_int_eq(paste_feed(p, PASTE_KEY_BEGIN, true, 1.0), PASTE_TAKEN);
	feed_text(p, s);
	ck_assert_int_eq(paste_feed(p, PASTE_KEY_END, true, 1.0), PASTE_DONE);
	return p->refused;
}

START_TEST(test_plain_paste_is_kept_whole)
{
	struct paste p;
	paste_init(&p);
	ck_assert_ptr_null(paste_of(&p, "Zoë 李 +33 1 89"));
	ck_assert_str_eq(p.text, "Zoë 李 +33 1 89");
	ck_assert_uint_eq(p.len, strlen("Zoë 李 +33 1 89"));
	ck_assert(!p.active);
	/* The next paste starts empty. */
	ck_assert_ptr_null(paste_of(&p, "x"));
	ck_assert_str_eq(p.text, "x");
	paste_free(&p);
}
END_TEST

START_TEST(test_keys_outside_a_paste_pass)
{
	struct paste p;
	paste_init(&p);
	ck_assert_int_eq(paste_feed(&p, 'q', false, 1.0), PASTE_PASS);
	ck_assert_int_eq(paste_feed(&p, 27, false, 1.0), PASTE_PASS);
	ck_assert_int_eq(paste_feed(&p, KEY_UP, true, 1.0), PASTE_PASS);
	/* A resize inside a paste is the terminal's, not the paste's. */
	ck_assert_int_eq(paste_feed(&p, PASTE_KEY_BEGIN, true, 1.0), PASTE_TAKEN);
	ck_assert_int_eq(paste_feed(&p, KEY_RESIZE, true, 1.0), PASTE_PASS);
	ck_assert_int_eq(paste_feed(&p, PASTE_KEY_END, true, 1.0), PASTE_DONE);
	ck_assert_ptr_null(p.refused);
	paste_free(&p);
}
END_TEST

/* Every refused class, each in an otherwise plain paste: nothing of it is
 * kept that is not plain, and the reason is the control one. */
START_TEST(test_refused_characters_refuse_the_paste)
{
	static const char *const bad[] = {
	    "a\x1b[201~b",    /* ESC: a pasted end marker as characters */
	    "a\x1b[2Jb",      /* ESC: any sequence */
	    "a\007b",         /* C0 BEL */
	    "a\tb",           /* C0 TAB */
	    "a\177b",         /* DEL */
	    "a\302\23331mb",  /* C1 CSI (U+009B) */
	    "a\342\200\256b", /* U+202E bidi override */
	    "a\342\201\246b", /* U+2066 bidi isolate */
	    "a\342\200\213b", /* U+200B invisible */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct paste p;
		paste_init(&p);
		const char *why = paste_of(&p, bad[i]);
		ck_assert_msg(why != NULL, "case %zu not refused", i);
		ck_assert_str_eq(why, PASTE_MSG_CONTROL);
		ck_assert_ptr_nonnull(strstr(why, "control or invisible"));
		for (size_t k = 0; k < p.len; k++)
			ck_assert((unsigned char)p.text[k] >= 0x20 && p.text[k] != 0x7f);
		paste_free(&p);
	}
}
END_TEST

START_TEST(test_escape_sequences_inside_a_paste_are_refused)
{
	struct paste p;
	paste_init(&p);
	/* curses decoded "\e[A" inside the paste into an arrow. */
	paste_feed(&p, PASTE_KEY_BEGIN, true, 1.0);
	feed_text(&p, "ab");
	ck_assert_int_eq(paste_feed(&p, KEY_UP, true, 1.0), PASTE_TAKEN);
	ck_assert_int_eq(paste_feed(&p, PASTE_KEY_END, true, 1.0), PASTE_DONE);
	ck_assert_str_eq(p.refused, PASTE_MSG_CONTROL);
	/* A second start marker inside is pasted text too. */
	paste_feed(&p, PASTE_KEY_BEGIN, true, 1.0);
	ck_assert_ptr_null(p.refused);
	ck_assert_int_eq(paste_feed(&p, PASTE_KEY_BEGIN, true, 1.0), PASTE_TAKEN);
	ck_assert_int_eq(paste_feed(&p, PASTE_KEY_END, true, 1.0), PASTE_DONE);
	ck_assert_str_eq(p.refused, PASTE_MSG_CONTROL);
	paste_free(&p);
}
END_TEST

START_TEST(test_stray_end_marker_is_refused)
{
	struct paste p;
	paste_init(&p);
	ck_assert_int_eq(paste_feed(&p, PASTE_KEY_END, true, 1.0), PASTE_STRAY);
	ck_assert_str_eq(p.refused, PASTE_MSG_CONTROL);
	ck_assert_uint_eq(p.len, 0);
	paste_free(&p);
}
END_TEST

START_TEST(test_line_breaks_and_length)
{
	struct paste p;
	paste_init(&p);
	ck_assert_str_eq(paste_of(&p, "one\ntwo"), PASTE_MSG_NEWLINE);
	ck_assert_str_eq(paste_of(&p, "one\rtwo"), PASTE_MSG_NEWLINE);
	ck_assert_str_eq(paste_of(&p, "one\r\ntwo"), PASTE_MSG_NEWLINE);
	ck_assert_str_eq(paste_of(&p, "one\n\n"), PASTE_MSG_NEWLINE);
	ck_assert_str_eq(paste_of(&p, "\none"), PASTE_MSG_NEWLINE);
	/* A copied line's own end is dropped, not refused. */
	ck_assert_ptr_null(paste_of(&p, "+33189000029\n"));
	ck_assert_str_eq(p.text, "+33189000029");
	ck_assert_ptr_null(paste_of(&p, "+33189000029\r\n"));
	ck_assert_str_eq(p.text, "+33189000029");
	ck_assert_ptr_null(paste_of(&p, "x\r"));
	ck_assert_str_eq(p.text, "x");
	/* A control character's reason wins, in either order. */
	ck_assert_str_eq(paste_of(&p, "one\n\x1b"), PASTE_MSG_CONTROL);
	ck_assert_str_eq(paste_of(&p, "\x1b\none"), PASTE_MSG_CONTROL);
	/* Exactly PASTE_MAX bytes fit; one more does not. */
	char *big = malloc(PASTE_MAX + 2);
	ck_assert_ptr_nonnull(big);
	memset(big, 'a', PASTE_MAX);
	big[PASTE_MAX] = '\0';
	ck_assert_ptr_null(paste_of(&p, big));
	ck_assert_uint_eq(p.len, PASTE_MAX);
	strcat(big, "a");
	ck_assert_str_eq(paste_of(&p, big), PASTE_MSG_LONG);
	ck_assert_uint_le(p.len, PASTE_MAX);
	free(big);
	paste_free(&p);
}
END_TEST

START_TEST(test_a_paste_that_never_ends_goes_stale)
{
	struct paste p;
	paste_init(&p);
	paste_feed(&p, PASTE_KEY_BEGIN, true, 10.0);
	paste_feed(&p, 'a', false, 10.5);
	ck_assert(!paste_stale(&p, 10.5 + PASTE_STALE_S - 0.1));
	ck_assert(paste_stale(&p, 10.5 + PASTE_STALE_S + 0.1));
	paste_reset(&p);
	ck_assert(!paste_stale(&p, 100.0));
	paste_free(&p);
}
END_TEST

/* ---- a form takes a paste whole or not at all */

static struct form *two_fields(void)
{
	struct form *f = form_new("t");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(form_add(f, FORM_TEXT, 1, 0, "License", "AB"), 0);
	ck_assert_int_eq(form_add(f, FORM_TOGGLE, 2, 0, "Active", "on"), 1);
	return f;
}

START_TEST(test_form_paste_goes_in_at_the_cursor)
{
	struct form *f = two_fields();
	/* Not editing yet: the paste starts editing, at the end. */
	ck_assert_int_eq(form_paste(f, "CD", NULL), FORM_REDRAW);
	ck_assert(f->editing);
	ck_assert_str_eq(form_text(f, 0), "ABCD");
	led_home(&f->f[0].ed);
	ck_assert_int_eq(form_paste(f, "é-", NULL), FORM_REDRAW);
	ck_assert_str_eq(form_text(f, 0), "é-ABCD");
	ck_assert(f->f[0].edited);
	ck_assert_ptr_null(f->f[0].error);
	form_free(f);
}
END_TEST

START_TEST(test_form_refused_paste_changes_nothing)
{
	struct form *f = two_fields();
	form_key(f, false, '\r'); /* edit License */
	ck_assert(f->editing);
	ck_assert_int_eq(form_paste(f, "", PASTE_MSG_CONTROL), FORM_REDRAW);
	ck_assert_str_eq(form_text(f, 0), "AB");
	ck_assert(f->editing); /* still editing: nothing acted as Esc */
	ck_assert_str_eq(f->f[0].error, PASTE_MSG_CONTROL);
	ck_assert(!f->f[0].edited);
	/* Text the caller did not check is checked here all the same. */
	ck_assert_int_eq(form_paste(f, "C\x1b[201~D", NULL), FORM_REDRAW);
	ck_assert_str_eq(form_text(f, 0), "AB");
	ck_assert_str_eq(f->f[0].error, PASTE_MSG_CONTROL);
	/* A plain key clears the error, as for a typed refusal. */
	form_key(f, false, 'x');
	ck_assert_ptr_null(f->f[0].error);
	form_free(f);
}
END_TEST

START_TEST(test_form_paste_never_answers_or_toggles)
{
	struct form *f = two_fields();
	f->focus = 1; /* the toggle */
	ck_assert_int_eq(form_paste(f, " ", NULL), FORM_REDRAW);
	ck_assert_str_eq(form_text(f, 1), "on");
	ck_assert_ptr_nonnull(f->f[1].error);
	/* With a question open, a pasted "y" is not an answer. */
	f->focus = 0;
	form_set_text(f, 0, "changed");
	ck_assert_int_eq(form_key(f, false, 27), FORM_REDRAW);
	ck_assert_int_eq(f->ask, FORM_ASK_DISCARD);
	ck_assert_int_eq(form_paste(f, "y", NULL), FORM_NONE);
	ck_assert_int_eq(f->ask, FORM_ASK_DISCARD);
	ck_assert_str_eq(form_text(f, 0), "changed");
	/* PASTE_KEY outside a delivery (no paste_current) does nothing. */
	ck_assert_int_eq(form_key(f, true, PASTE_KEY), FORM_NONE);
	form_free(f);
}
END_TEST

START_TEST(test_led_insert_str_is_all_or_nothing)
{
	struct led e = {0};
	ck_assert_int_eq(led_set(&e, "ab"), 0);
	e.cur = 1;
	ck_assert_int_eq(led_insert_str(&e, "xy", 2), 0);
	ck_assert_str_eq(e.buf, "axyb");
	ck_assert_uint_eq(e.cur, 3);
	ck_assert_int_eq(led_insert_str(&e, "ok\x1b", 3), 1);
	ck_assert_int_eq(led_insert_str(&e, "\xc3", 1), 1); /* cut UTF-8 */
	ck_assert_str_eq(e.buf, "axyb");
	ck_assert_uint_eq(e.cur, 3);
	led_free(&e);
}
END_TEST

/* ---- the console, input on a pipe: no pasted byte acts as a key */

/* Hand bytes to the console the way its loop does (every key waiting,
 * through ui_key) and say whether anything asked it to quit. */
static bool console_quits(const char *bytes)
{
	struct pipe_console pc;
	pipe_console_open(&pc);
	/* What term_start binds. */
	define_key("\x1b[200~", PASTE_KEY_BEGIN);
	define_key("\x1b[201~", PASTE_KEY_END);
	pipe_console_type(&pc, bytes);
	unsigned all = 0;
	wint_t ch;
	int rc;
	while ((rc = wget_wch(stdscr, &ch)) != ERR)
		all |= ui_key(pc.ui, (int)ch, rc == KEY_CODE_YES);
	pipe_console_close(&pc);
	return (all & UI_QUIT) != 0;
}

START_TEST(test_console_paste_in_a_list_runs_no_key)
{
	ck_assert(console_quits("q")); /* the keys do quit when typed */
	ck_assert(!console_quits("\x1b[200~q\x1b[201~"));
	ck_assert(!console_quits("\x1b[200~:q\r\x1b[201~"));
	/* The control run: a q typed after the paste still quits. */
	ck_assert(console_quits("\x1b[200~x\x1b[201~q"));
}
END_TEST

START_TEST(test_console_pasted_end_marker_runs_no_key)
{
	/* No paste mode: the marker comes through as pasted text. */
	ck_assert(!console_quits("\x1b[201~q"));
	/* Paste mode, text carrying its own end marker then a q. */
	ck_assert(!console_quits("\x1b[200~x\x1b[201~q\x1b[201~"));
	ck_assert(!console_quits(":\x1b[200~x\x1b[201~q\r\x1b[201~"));
}
END_TEST

START_TEST(test_console_paste_into_the_command_line)
{
	/* Pasted "q" is text on the line; the Enter typed after runs it. */
	ck_assert(console_quits(":\x1b[200~q\x1b[201~\r"));
	/* A pasted line break is refused, so nothing runs. */
	ck_assert(!console_quits(":\x1b[200~q\r\x1b[201~"));
	ck_assert(!console_quits(":\x1b[200~q\x1b\x1b[201~\r"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("paste");
	TCase *tc = tcase_create("paste");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_plain_paste_is_kept_whole);
	tcase_add_test(tc, test_keys_outside_a_paste_pass);
	tcase_add_test(tc, test_refused_characters_refuse_the_paste);
	tcase_add_test(tc, test_escape_sequences_inside_a_paste_are_refused);
	tcase_add_test(tc, test_stray_end_marker_is_refused);
	tcase_add_test(tc, test_line_breaks_and_length);
	tcase_add_test(tc, test_a_paste_that_never_ends_goes_stale);
	tcase_add_test(tc, test_form_paste_goes_in_at_the_cursor);
	tcase_add_test(tc, test_form_refused_paste_changes_nothing);
	tcase_add_test(tc, test_form_paste_never_answers_or_toggles);
	tcase_add_test(tc, test_led_insert_str_is_all_or_nothing);
	tcase_add_test(tc, test_console_paste_in_a_list_runs_no_key);
	tcase_add_test(tc, test_console_pasted_end_marker_runs_no_key);
	tcase_add_test(tc, test_console_paste_into_the_command_line);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
