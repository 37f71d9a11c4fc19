/*
 * test_cli.c — the command line: --help and --version exit 0 with text,
 * unknown options and bad values are usage errors (exit 2) with a clean
 * message, there is no --api-key VALUE, and a live key needs --live.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/cli.h"
#include "chargetui/secret.h"

static char outbuf[8192], errbuf[8192];

static enum cli_result parse(struct cli_options *o, const char *const *args)
{
	char *argv[32];
	int argc = 0;
	argv[argc++] = (char *)"chargetui";
	for (; *args && argc < 31; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	FILE *out = fmemopen(outbuf, sizeof(outbuf), "w");
	FILE *err = fmemopen(errbuf, sizeof(errbuf), "w");
	enum cli_result r = cli_parse(argc, argv, o, out, err);
	fclose(out);
	fclose(err);
	return r;
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

START_TEST(help_and_version_exit_ok)
{
	struct cli_options o;
	ck_assert_int_eq(parse(&o, ARGS("--help")), CLI_EXIT_OK);
	ck_assert_msg(strstr(outbuf, "--demo") && strstr(outbuf, "--api-key-file"), "%s", outbuf);
	ck_assert_msg(!strstr(outbuf, "--api-key VALUE") && !strstr(outbuf, "--api-key "),
		      "help offers a key option");
	ck_assert_int_eq(parse(&o, ARGS("-h")), CLI_EXIT_OK);
	ck_assert_int_eq(parse(&o, ARGS("--version")), CLI_EXIT_OK);
	ck_assert_msg(strncmp(outbuf, "chargetui ", 10) == 0, "%s", outbuf);
}
END_TEST

START_TEST(unknown_option_is_usage_error)
{
	struct cli_options o;
	ck_assert_int_eq(parse(&o, ARGS("--bogus")), CLI_EXIT_USAGE);
	ck_assert_msg(strstr(errbuf, "unknown option") && strstr(errbuf, "--bogus"), "%s", errbuf);
	/* No way to pass the key itself on the command line (SEC-1). */
	ck_assert_int_eq(parse(&o, ARGS("--api-key", "ch_sk_test_x")), CLI_EXIT_USAGE);
	ck_assert_int_eq(parse(&o, ARGS("--refresh")), CLI_EXIT_USAGE);
	ck_assert_msg(strstr(errbuf, "needs a value"), "%s", errbuf);
	ck_assert_int_eq(parse(&o, ARGS("--refresh", "soon")), CLI_EXIT_USAGE);
	ck_assert_int_eq(parse(&o, ARGS("--refresh", "0")), CLI_EXIT_USAGE);
	ck_assert_int_eq(parse(&o, ARGS("--theme", "../../etc/passwd")), CLI_EXIT_USAGE);
	ck_assert_int_eq(parse(&o, ARGS("stray")), CLI_EXIT_USAGE);
	ck_assert_int_eq(parse(&o, ARGS("--api-key-file", "k", "--api-key-stdin")), CLI_EXIT_USAGE);
	/* An escape in a bad argument is not echoed raw. */
	ck_assert_int_eq(parse(&o, ARGS("--x\x1b]0;t\x07")), CLI_EXIT_USAGE);
	ck_assert_msg(!strchr(errbuf, '\x1b') && !strchr(errbuf, '\x07'), "raw control echoed");
}
END_TEST

START_TEST(options_parsed)
{
	struct cli_options o;
	ck_assert_int_eq(parse(&o, ARGS("--demo", "--theme", "mono", "--refresh", "2.5", "--kiosk")),
			 CLI_RUN);
	ck_assert(o.demo && o.kiosk && o.read_only);
	ck_assert_str_eq(o.theme, "mono");
	ck_assert(o.refresh_s > 2.49 && o.refresh_s < 2.51);
	ck_assert_int_eq(parse(&o, ARGS("--profile", "work", "--base-url", "https://x/v1",
					"--cacert", "ca.pem", "--debug-log", "d.log", "--live",
					"--api-key-file", "/k")),
			 CLI_RUN);
	ck_assert_str_eq(o.profile, "work");
	ck_assert_str_eq(o.base_url, "https://x/v1");
	ck_assert_str_eq(o.cacert, "ca.pem");
	ck_assert_str_eq(o.debug_log, "d.log");
	ck_assert_str_eq(o.api_key_file, "/k");
	ck_assert(o.live && !o.demo && !o.read_only);
	ck_assert_int_eq(o.refresh_s, 0);
}
END_TEST

START_TEST(live_key_needs_live)
{
	struct cli_options o;
	const char *live = "ch_sk_live_abcdefghijklmnop1234";
	struct secret *k = secret_new(live, strlen(live));
	ck_assert_ptr_nonnull(k);
	ck_assert(secret_is_live(k));
	ck_assert_int_eq(parse(&o, ARGS("--read-only")), CLI_RUN);
	FILE *err = fmemopen(errbuf, sizeof(errbuf), "w");
	ck_assert_int_eq(cli_check_live(&o, secret_is_live(k), err), 2);
	fclose(err);
	ck_assert_msg(strstr(errbuf, "refusing live key without --live"), "%s", errbuf);
	ck_assert_msg(!strstr(errbuf, "abcdefghijklmnop"), "the key was printed");
	ck_assert_int_eq(parse(&o, ARGS("--live")), CLI_RUN);
	err = fmemopen(errbuf, sizeof(errbuf), "w");
	ck_assert_int_eq(cli_check_live(&o, secret_is_live(k), err), 0);
	fclose(err);
	secret_free(k);
	const char *rk = "ch_rk_live_abcdefghijklmnop1234";
	k = secret_new(rk, strlen(rk));
	ck_assert(secret_is_live(k));
	ck_assert_int_eq(parse(&o, ARGS("--demo")), CLI_RUN);
	err = fmemopen(errbuf, sizeof(errbuf), "w");
	ck_assert_int_eq(cli_check_live(&o, secret_is_live(k), err), 2);
	fclose(err);
	secret_free(k);
}
END_TEST

/* --rotate sets the wall's period and only makes sense with --kiosk; the
 * help says how to leave a kiosk (the chord), since no key on the wall does. */
START_TEST(kiosk_rotate_and_exit_chord)
{
	struct cli_options o;
	ck_assert_int_eq(parse(&o, ARGS("--kiosk", "--rotate", "2.5")), CLI_RUN);
	ck_assert(o.kiosk && o.read_only);
	ck_assert(o.rotate_s > 2.49 && o.rotate_s < 2.51);
	ck_assert_int_eq(parse(&o, ARGS("--kiosk")), CLI_RUN);
	ck_assert(o.rotate_s == 0); /* the default (15 s) is the UI's */
	ck_assert_int_eq(parse(&o, ARGS("--rotate", "5")), CLI_EXIT_USAGE);
	ck_assert_msg(strstr(errbuf, "--kiosk"), "%s", errbuf);
	ck_assert_int_eq(parse(&o, ARGS("--kiosk", "--rotate", "0")), CLI_EXIT_USAGE);
	ck_assert_int_eq(parse(&o, ARGS("--kiosk", "--rotate", "soon")), CLI_EXIT_USAGE);
	ck_assert_int_eq(parse(&o, ARGS("--help")), CLI_EXIT_OK);
	ck_assert_msg(strstr(outbuf, "--rotate SECONDS") && strstr(outbuf, "Ctrl-] then q"), "%s",
		      outbuf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, help_and_version_exit_ok);
	tcase_add_test(tc, unknown_option_is_usage_error);
	tcase_add_test(tc, options_parsed);
	tcase_add_test(tc, live_key_needs_live);
	tcase_add_test(tc, kiosk_rotate_and_exit_chord);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
