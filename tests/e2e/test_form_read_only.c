/*
 * test_form_read_only.c — with --read-only, the form keys e, n, a and d
 * open no form, picker or question (the status line says why), in the
 * drivers pane and in the fleets pane, and the mock's request log holds no
 * POST at all.  The control run without --read-only shows the same keys do
 * open their dialogs, so their absence means something.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e_form.h"

/* ---- helpers of this test (the shared ones: tests/lib/e2e_form.h) */

/* Texts only a form, picker or question shows. */
static const char *const dialog_texts[] = {
	"Edit driver", "Edit fleet", "New driver", "Attach to fleet", "Detach from fleet",
	"y yes  n/Esc no", "F2/^O save", "type to filter",
};

static const char *dialog_on_screen(struct e2e *e)
{
	for (size_t i = 0; i < sizeof dialog_texts / sizeof dialog_texts[0]; i++)
		if (term_find(e->t, dialog_texts[i], NULL, NULL) == 0)
			return dialog_texts[i];
	return NULL;
}

START_TEST(read_only_opens_no_form_and_sends_no_post)
{
	static const struct {
		const char *key, *msg;
	} keys[] = {
		{ "e", "edit: not allowed (read-only)" },
		{ "n", "new: not allowed (read-only)" },
		{ "a", "attach: not allowed (read-only)" },
		{ "d", "detach: not allowed (read-only)" },
	};
	const char *args[] = { "--read-only", NULL };
	struct e2e *e = e2e_form_start_at("form_read_only", args, text_plain, drv_one_fleet, NULL,
					  0, NULL);
	for (int pane = 0; pane < 2; pane++) {
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			term_send_keys(e->t, keys[i].key);
			e2e_wait_str(e, keys[i].msg, 3000);
			term_wait_idle(e->t, 200, 2000);
			const char *d = dialog_on_screen(e);
			if (d)
				e2e_dump(e, keys[i].msg);
			ck_assert_msg(d == NULL, "pane %d, key %s opened a dialog (%s)", pane,
				      keys[i].key, d);
			/* Whatever a stray hand would do next to finish it. */
			term_send_keys(e->t, "y");
			term_send_keys(e->t, "\x0f");
			term_wait_idle(e->t, 150, 2000);
			ck_assert(!term_exited(e->t));
		}
		term_send_key(e->t, TK_TAB); /* the fleets pane */
		term_wait_idle(e->t, 200, 2000);
	}
	/* Nothing was ever written, over the whole run. */
	e2e_assert_no_post(e, 0, 500);
	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(e->mc, 0, &log), 0);
	ck_assert_uint_gt(log.n, 0); /* it did talk to the mock (GETs) */
	ck_assert_uint_eq(mock_reqs_count(&log, "POST", NULL), 0);
	mock_reqs_clear(&log);
	e2e_finish(e);
}
END_TEST

/* Control: the same keys without --read-only open their dialogs. */
START_TEST(without_read_only_the_same_keys_open_dialogs)
{
	static const struct {
		const char *key, *title;
	} keys[] = {
		{ "e", "Edit driver" },
		{ "n", "New driver" },
		{ "a", "Attach to fleet" },
		{ "d", "y yes  n/Esc no" },
	};
	struct e2e *e = e2e_form_start_at("form_read_only_control", NULL, text_plain, drv_one_fleet,
					  NULL, 0, NULL);
	long since = mockctl_last_seq(e->mc);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		term_send_keys(e->t, keys[i].key);
		e2e_wait_str(e, keys[i].title, 3000);
		term_send_key(e->t, TK_ESC);
		if (!term_wait_gone(e->t, keys[i].title, 3000)) {
			e2e_dump(e, keys[i].title);
			ck_abort_msg("Esc did not close %s", keys[i].title);
		}
	}
	e2e_assert_no_post(e, since, 300);
	e2e_finish(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("form_read_only");
	TCase *tc = tcase_create("read_only");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, read_only_opens_no_form_and_sends_no_post);
	tcase_add_test(tc, without_read_only_the_same_keys_open_dialogs);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
