/*
 * test_terminal_harness.c — the e2e harness itself, against programs whose
 * output we know: if the pty + libvterm reader, the SAN-2 scanner or the
 * process controls were wrong, every other e2e test would be wrong with it.
 */
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <curl/curl.h>

#include "mockctl.h"
#include "term.h"

/* A request as the console would make it (not the oracle's): its own key,
 * no oracle header.  Returns the HTTP status. */
static long console_like(const char *method, const char *url, const char *body, const char *idem)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char ih[128];
	h = curl_slist_append(h, "Authorization: Bearer ch_sk_test_console0123456789abcdefAB");
	h = curl_slist_append(h, "Content-Type: application/json");
	if (idem) {
		snprintf(ih, sizeof ih, "Idempotency-Key: %s", idem);
		h = curl_slist_append(h, ih);
	}
	FILE *devnull = fopen("/dev/null", "w");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, devnull);
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	long code = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	fclose(devnull);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return code;
}

static struct term *sh(const char *script, int rows, int cols)
{
	const char *argv[] = { "/bin/sh", "-c", script, NULL };
	struct term_opts o = { .rows = rows, .cols = cols };
	struct term *t = term_spawn(argv, &o);
	ck_assert_ptr_nonnull(t);
	return t;
}

START_TEST(screen_text_and_positions)
{
	struct term *t = sh("printf 'hello\\033[3;5Hwörld €1.00'; sleep 5", 10, 40);
	ck_assert(term_wait_for(t, "wörld €1.00", 3000));
	int r, c;
	ck_assert_int_eq(term_find(t, "hello", &r, &c), 0);
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(c, 0);
	ck_assert_int_eq(term_find(t, "€1", &r, &c), 0);
	ck_assert_int_eq(r, 2);
	ck_assert_int_eq(c, 10); /* "wörld " is 6 cells from column 4 */
	char *row = term_row(t, 2);
	ck_assert_int_eq(strncmp(row, "    wörld", strlen("    wörld")), 0);
	free(row);
	ck_assert_int_eq(term_raw_has_forbidden(t, NULL, 0), 0);
	term_free(t);
}
END_TEST

START_TEST(attributes_and_colours)
{
	struct term *t = sh("printf '\\033[1;31mB\\033[0m \\033[7mR\\033[0m \\033[38;5;208mO'; sleep 5",
			    5, 20);
	ck_assert(term_wait_for(t, "B R O", 3000));
	struct term_cell_attrs a;
	ck_assert_int_eq(term_cell_attrs(t, 0, 0, &a), 0);
	ck_assert(a.bold);
	ck_assert_int_eq(a.fg_index, 1);
	ck_assert_int_eq(term_cell_attrs(t, 0, 2, &a), 0);
	ck_assert(a.reverse && !a.bold);
	ck_assert_int_eq(term_cell_attrs(t, 0, 4, &a), 0);
	ck_assert_int_eq(a.fg_index, 208);
	term_free(t);
}
END_TEST

START_TEST(forbidden_sequences_are_found)
{
	static const struct {
		const char *bytes;
		int bad;
	} cases[] = {
		{ "plain \033[1mbold\033[0m \xe2\x82\xac", 0 },
		{ "\033]0;title\007", 1 },
		{ "\033P1$r\033\\", 1 },
		{ "\033_apc\033\\", 1 },
		{ "\033^pm\033\\", 1 },
		{ "\033Xsos\033\\", 1 },
		{ "raw \x9b" "31m", 1 },
		{ "utf8 \xc2\x9b" "31m", 1 },
		{ "\xc2\xa0 nbsp is fine", 0 },
		{ "\xe2\x80\x9c quotes use 80..9F as continuation", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char why[128];
		int got = term_bytes_have_forbidden((const unsigned char *)cases[i].bytes,
						    strlen(cases[i].bytes), why, sizeof why);
		ck_assert_msg(got == cases[i].bad, "case %zu: got %d (%s)", i, got, why);
	}
	/* And through a real pty: an OSC written by a program is caught. */
	struct term *t = sh("printf 'x\\033]0;pwned\\007y'; sleep 5", 5, 20);
	ck_assert(term_wait_for(t, "xy", 3000));
	char *title = term_title(t);
	ck_assert_str_eq(title, "pwned");
	free(title);
	ck_assert_int_eq(term_raw_has_forbidden(t, NULL, 0), 1);
	term_free(t);
}
END_TEST

START_TEST(keys_resize_and_exit)
{
	/* The shell echoes what it reads and the size it sees after SIGWINCH. */
	struct term *t = sh("trap 'stty size' WINCH; read line; echo \"got:$line\";"
			    " while :; do sleep 0.05; done", 24, 80);
	ck_assert(term_wait_idle(t, 100, 2000));
	term_send_keys(t, "abc");
	term_send_key(t, TK_ENTER);
	ck_assert(term_wait_for(t, "got:abc", 3000));
	ck_assert_int_eq(term_set_size(t, 30, 100), 0);
	ck_assert(term_wait_for(t, "30 100", 3000));
	ck_assert_int_eq(term_cols(t), 100);
	ck_assert(term_cpu_seconds(t) >= 0);
	ck_assert(term_rss_kb(t) > 0);
	size_t mark = term_mark(t);
	ck_assert_int_eq(term_bytes_written_since(t, mark), 0);
	term_kill(t, SIGTERM);
	int st;
	ck_assert_int_eq(term_wait_exit(t, 2000, &st), 0);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	term_free(t);
}
END_TEST

START_TEST(closing_the_master_hangs_up)
{
	struct term *t = sh("while :; do sleep 0.05; done", 24, 80);
	ck_assert(term_wait_idle(t, 100, 2000));
	double t0 = term_now_ms();
	term_close_master(t);
	int st;
	ck_assert_int_eq(term_wait_exit(t, 2000, &st), 0);
	ck_assert(term_now_ms() - t0 < 2000);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGHUP);
	term_free(t);
}
END_TEST

START_TEST(alternate_screen_is_tracked)
{
	struct term *t = sh("printf 'normal\\033[?1049hALT'; sleep 0.3; printf '\\033[?1049l'; sleep 5",
			    10, 40);
	ck_assert(term_wait_for(t, "ALT", 3000));
	ck_assert(term_altscreen(t));
	ck_assert(term_wait_gone(t, "ALT", 3000));
	ck_assert(!term_altscreen(t));
	ck_assert(term_wait_for(t, "normal", 100));
	ck_assert(term_raw_contains(t, "\033[?1049l", 0));
	term_free(t);
}
END_TEST

START_TEST(mock_control_round_trip)
{
	struct mockctl *mc = mockctl_start(NULL);
	ck_assert_ptr_nonnull(mc);
	cJSON *fleets = mockctl_get_all(mc, "/fleets?limit=5");
	ck_assert_ptr_nonnull(fleets);
	ck_assert_int_eq(cJSON_GetArraySize(fleets), 12); /* followed next_page_url */
	cJSON *drivers = mockctl_get_all(mc, "/drivers?limit=100");
	ck_assert_ptr_nonnull(drivers);
	ck_assert_int_eq(cJSON_GetArraySize(drivers), 240);

	/* The oracle's reads are not in the log; a console's are, with body and key. */
	struct mock_reqs log;
	ck_assert_int_eq(mockctl_requests(mc, 0, &log), 0);
	ck_assert_uint_eq(log.n, 0);
	mock_reqs_clear(&log);
	const char *id = jstr(cJSON_GetArrayItem(drivers, 0), "id");
	char url[256];
	snprintf(url, sizeof url, "%s/drivers/%s", mockctl_base(mc), id);
	ck_assert_int_eq(console_like("POST", url, "{\"phone\":\"+33612345678\"}", "idem-1"), 200);
	ck_assert_int_eq(console_like("GET", url, NULL, NULL), 200);
	ck_assert_int_eq(mockctl_requests(mc, 0, &log), 0);
	ck_assert_uint_eq(log.n, 2);
	ck_assert_str_eq(log.v[0].method, "POST");
	ck_assert_str_eq(log.v[0].idem_key, "idem-1");
	ck_assert_ptr_nonnull(strstr(log.v[0].body, "+33612345678"));
	ck_assert_uint_eq(mock_reqs_mutating(&log), 1);
	ck_assert_uint_eq(mock_reqs_count(&log, "GET", "/v1/drivers/"), 1);
	long seq = log.v[1].seq;
	mock_reqs_clear(&log);
	ck_assert_int_eq(mockctl_last_seq(mc), seq);

	/* Faults switch at run time; counted ones disarm. */
	ck_assert_int_eq(mockctl_faults(mc, "status=503x1"), 0);
	ck_assert_int_eq(console_like("GET", url, NULL, NULL), 503);
	ck_assert_int_eq(console_like("GET", url, NULL, NULL), 200);
	ck_assert_int_eq(mockctl_faults(mc, "error_rate=1:503"), 0);
	ck_assert_int_eq(console_like("GET", url, NULL, NULL), 503);
	ck_assert_int_eq(mockctl_faults(mc, "clear"), 0);
	ck_assert_int_eq(console_like("GET", url, NULL, NULL), 200);

	/* Ticks move the account. */
	cJSON *before = mockctl_get_all(mc, "/fleets?limit=100");
	ck_assert_int_eq(mockctl_tick(mc, 5), 0);
	cJSON *after = mockctl_get_all(mc, "/fleets?limit=100");
	char *b = cJSON_PrintUnformatted(before), *a = cJSON_PrintUnformatted(after);
	ck_assert_str_ne(a, b);
	free(a);
	free(b);
	cJSON_Delete(before);
	cJSON_Delete(after);
	cJSON_Delete(fleets);
	cJSON_Delete(drivers);
	mockctl_stop(mc);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("terminal_harness");
	TCase *tc = tcase_create("pty_vterm");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, screen_text_and_positions);
	tcase_add_test(tc, attributes_and_colours);
	tcase_add_test(tc, forbidden_sequences_are_found);
	tcase_add_test(tc, keys_resize_and_exit);
	tcase_add_test(tc, closing_the_master_hangs_up);
	tcase_add_test(tc, alternate_screen_is_tracked);
	tcase_add_test(tc, mock_control_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
