/*
 * test_actions.c — the one action table: every action has a name and help,
 * no two actions share a default key, read-only refuses every writing action
 * (and nothing else), kiosk refuses quit and the command line, and the key
 * specs of the config file parse.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curses.h>

#include "chargetui/ui.h"

START_TEST(every_action_has_help)
{
	ui_actions_init();
	ck_assert_int_ge(action_count(), ACT_BUILTIN_COUNT);
	for (int id = 1; id < action_count(); id++) {
		const struct action *a = action_get(id);
		ck_assert_msg(a != NULL, "action %d missing from the table", id);
		ck_assert_msg(a->name && *a->name, "action %d has no name", id);
		ck_assert_msg(a->help && strlen(a->help) > 5, "%s has no help text", a->name);
		ck_assert_int_eq(action_by_name(a->name), id);
	}
}
END_TEST

START_TEST(no_two_actions_share_a_default_key)
{
	struct {
		struct key_event k;
		int id;
	} seen[256];
	int n = 0;
	for (int id = 1; id < action_count(); id++) {
		const struct action *a = action_get(id);
		if (!a->keys)
			continue;
		char buf[128];
		snprintf(buf, sizeof(buf), "%s", a->keys);
		char *save = NULL;
		for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
			struct key_event k;
			ck_assert_msg(action_key_parse(t, &k) == 0, "%s: bad key '%s'", a->name, t);
			for (int i = 0; i < n; i++)
				ck_assert_msg(!(seen[i].k.code == k.code && seen[i].k.is_code == k.is_code),
					      "key %s of %s is also %s's", t, a->name,
					      action_get(seen[i].id)->name);
			ck_assert_int_lt(n, 256);
			seen[n].k = k;
			seen[n++].id = id;
		}
	}
	ck_assert_int_gt(n, 20);
}
END_TEST

START_TEST(read_only_blocks_every_writer)
{
	int writers = 0;
	for (int id = 1; id < action_count(); id++) {
		const struct action *a = action_get(id);
		const char *why = NULL;
		bool ok = action_allowed(id, true, false, &why);
		if (a->writes) {
			writers++;
			ck_assert_msg(!ok, "%s allowed in read-only", a->name);
			ck_assert_str_eq(why, "read-only");
		} else {
			ck_assert_msg(ok, "%s refused in read-only", a->name);
		}
		ck_assert(action_allowed(id, false, false, &why));
	}
	ck_assert_int_ge(writers, 5); /* edit new attach detach delete … */
	/* A registered writer is refused the same way. */
	struct action extra = {"test-write", NULL, "a writing action from a test", true, false, NULL};
	int id = action_register(&extra);
	ck_assert_int_gt(id, 0);
	const char *why;
	ck_assert(!action_allowed(id, true, false, &why));
	ck_assert_int_eq(action_register(&extra), -1); /* the name is taken */
}
END_TEST

START_TEST(kiosk_refuses_quit_command_and_writes)
{
	const char *why;
	ck_assert(!action_allowed(ACT_QUIT, true, true, &why));
	ck_assert(!action_allowed(ACT_COMMAND, true, true, &why));
	ck_assert(!action_allowed(ACT_EDIT, true, true, &why));
	ck_assert(action_allowed(ACT_DOWN, true, true, &why));
	ck_assert(action_allowed(ACT_HELP, true, true, &why));
}
END_TEST

START_TEST(key_specs)
{
	struct key_event k;
	ck_assert_int_eq(action_key_parse("q", &k), 0);
	ck_assert(k.code == 'q' && !k.is_code);
	ck_assert_int_eq(action_key_parse("C-l", &k), 0);
	ck_assert_int_eq(k.code, 12);
	ck_assert_int_eq(action_key_parse("^X", &k), 0);
	ck_assert_int_eq(k.code, 24);
	ck_assert_int_eq(action_key_parse("<Down>", &k), 0);
	ck_assert(k.code == KEY_DOWN && k.is_code);
	ck_assert_int_eq(action_key_parse("F5", &k), 0);
	ck_assert(k.code == KEY_F(5) && k.is_code);
	ck_assert_int_eq(action_key_parse("<Esc>", &k), 0);
	ck_assert_int_eq(k.code, 27);
	ck_assert_int_ne(action_key_parse("", &k), 0);
	ck_assert_int_ne(action_key_parse("<Nope>", &k), 0);
	ck_assert_int_ne(action_key_parse("F13", &k), 0);
	ck_assert_int_ne(action_key_parse("ab", &k), 0);
	char buf[32];
	k = (struct key_event){.code = KEY_NPAGE, .is_code = true};
	ck_assert_str_eq(action_key_name(&k, buf, sizeof(buf)), "<PageDown>");
}
END_TEST

START_TEST(rebinding)
{
	ui_actions_init();
	struct key_event k = {.code = 'Q'};
	ck_assert_int_eq(keymap_lookup(&k), ACT_NONE);
	ck_assert_int_eq(keymap_bind("quit", "Q"), 0);
	ck_assert_int_eq(keymap_lookup(&k), ACT_QUIT);
	k.code = 'q';
	ck_assert_int_eq(keymap_lookup(&k), ACT_QUIT); /* the default stays */
	ck_assert_int_eq(keymap_bind("none", "q"), 0);
	ck_assert_int_eq(keymap_lookup(&k), ACT_NONE);
	ck_assert_int_eq(keymap_bind("no-such-action", "x"), -1);
	ck_assert_int_eq(keymap_bind("quit", "<Bogus>"), -1);
	char keys[64];
	ck_assert_str_eq(keymap_keys_of(ACT_QUIT, keys, sizeof(keys)), "Q <F10>");
	/* Enter arrives as \r or \n; both open. */
	keymap_reset();
	k.code = '\r';
	ck_assert_int_eq(keymap_lookup(&k), ACT_OPEN);
	k.code = '\n';
	ck_assert_int_eq(keymap_lookup(&k), ACT_OPEN);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("actions");
	TCase *tc = tcase_create("table");
	tcase_add_test(tc, every_action_has_help);
	tcase_add_test(tc, no_two_actions_share_a_default_key);
	tcase_add_test(tc, read_only_blocks_every_writer);
	tcase_add_test(tc, kiosk_refuses_quit_command_and_writes);
	tcase_add_test(tc, key_specs);
	tcase_add_test(tc, rebinding);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
