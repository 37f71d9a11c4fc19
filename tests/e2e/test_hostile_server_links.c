/*
 * test_hostile_server_links.c — the server (or something in front of it)
 * tries to send the console elsewhere with its key:
 *  - list pages carry a next_page_url on another loopback port (NET-3);
 *  - responses are 302 redirects to another port (NET-1).
 * A second mock listens on that other port.  The user sees the refusal
 * ("refused cross-origin page link", "unexpected redirect (302)") and the
 * other listener receives nothing, so no Bearer key leaks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

/* faults = key + the other listener's base URL + path. */
static void run(const char *name, const char *key, const char *path, const char *shown)
{
	/* The listener the console must never reach. */
	struct mockctl *other = mockctl_start(NULL);
	ck_assert_ptr_nonnull(other);
	char faults[512];
	snprintf(faults, sizeof faults, "%s%s%s", key, mockctl_base(other), path);
	struct mock_options mo = { .fleets = -1, .drivers = -1, .quiet = true, .faults = faults };
	struct e2e_opts o = { .mock = &mo };
	struct e2e *e = e2e_start(name, &o);
	e2e_wait_str(e, shown, 10000);
	ck_assert(term_wait_idle(e->t, 500, 5000));
	ck_assert(!term_exited(e->t));

	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(other, 0, &log), 0);
	size_t leaked = log.n;
	mock_reqs_clear(&log);
	ck_assert_msg(leaked == 0, "the other listener received %zu requests", leaked);
	e2e_finish(e);
	mockctl_stop(other);
}

START_TEST(cross_origin_next_page_is_refused)
{
	run("hostile_next_page", "next_page_url=", "/drivers?page=stolen",
	    "refused cross-origin page link");
}
END_TEST

START_TEST(redirect_to_another_port_is_not_followed)
{
	run("hostile_redirect", "redirect=", "/fleets", "unexpected redirect (302)");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("hostile_server_links");
	TCase *tc = tcase_create("links");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, cross_origin_next_page_is_refused);
	tcase_add_test(tc, redirect_to_another_port_is_not_followed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e2e_run(suite());
}
