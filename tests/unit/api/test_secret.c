/* SEC-1..SEC-4, SEC-6: the key's redacted forms, wiping, and where it is
 * loaded from. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chargetui/secret.h"

#define KEY "ch_sk_test_4eC39HqLyjWDarjtT1zdp7dc"
#define KEY2 "ch_sk_test_Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2"
#define KEY3 "ch_sk_test_Qq1Ww2Ee3Rr4Tt5Yy6Uu7Ii8"
#define KEY4 "ch_sk_test_Mm0Nn9Bb8Vv7Cc6Xx5Zz4Ll3"

static char tmpdir[64];

static void setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/ct_secret_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

START_TEST(redacted_prefix_last4)
{
	struct secret *s = secret_new("  " KEY "\n", strlen(KEY) + 3);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(secret_value(s), KEY);
	char buf[64];
	ck_assert_str_eq(secret_redacted(s, buf, sizeof buf), "ch_sk_test_\xe2\x80\xa6p7dc");
	ck_assert(!secret_is_live(s));
	/* too small a buffer gives nothing rather than a cut that shows more */
	ck_assert_str_eq(secret_redacted(s, buf, 10), "");
	secret_free(s);

	s = secret_new("ch_rk_live_abcdefghijklmnop", 27);
	ck_assert(secret_is_live(s));
	ck_assert_str_eq(secret_redacted(s, buf, sizeof buf), "ch_rk_live_\xe2\x80\xa6mnop");
	secret_free(s);
	/* a short tail shows none of itself */
	s = secret_new("ch_sk_live_abc", 14);
	ck_assert(secret_is_live(s));
	ck_assert_str_eq(secret_redacted(s, buf, sizeof buf), "ch_sk_live_\xe2\x80\xa6");
	secret_free(s);
	/* not Charge-shaped: nothing of it is shown */
	s = secret_new("hunter2hunter2", 14);
	ck_assert_str_eq(secret_redacted(s, buf, sizeof buf), "[redacted]");
	secret_free(s);
	ck_assert_ptr_null(secret_new("   \n", 4));
	ck_assert_ptr_null(secret_new("", 0));
	ck_assert_ptr_null(secret_new("ab\0cd", 5));
	/* a key is a header value: no CR/LF, spaces or controls inside it */
	ck_assert_ptr_null(secret_new("ch_sk_test_abc\r\nX-Evil: 1", 25));
	ck_assert_ptr_null(secret_new("ch_sk_test_abc def", 18));
	ck_assert_ptr_null(secret_new("ch_sk_test_\x1b[2J", 15));
	ck_assert_ptr_null(secret_new("ch_sk_test_\xc3\xa9", 13));
}
END_TEST

START_TEST(redact_header_block)
{
	char text[] = "POST /v1/drivers/drv_1 HTTP/1.1\r\n"
	              "Host: api.chargeapi.co\r\n"
	              "Authorization: Bearer " KEY "\r\n"
	              "authorization:   bearer sk_other_token_value_123\r\n"
	              "Charge-Version: 2026-03-01\r\n"
	              "X-Echo: " KEY2 "\r\n\r\n";
	size_t before = strlen(text);
	secret_redact_text(text);
	ck_assert(strlen(text) <= before);
	ck_assert_ptr_null(strstr(text, KEY));
	ck_assert_ptr_null(strstr(text, KEY2));
	ck_assert_ptr_null(strstr(text, "sk_other_token_value_123"));
	ck_assert_ptr_nonnull(strstr(text, "Authorization: Bearer [redacted]\r\n"));
	ck_assert_ptr_nonnull(strstr(text, "authorization:   bearer [redacted]\r\n"));
	ck_assert_ptr_nonnull(strstr(text, "X-Echo: ch_sk_test_\xe2\x80\xa6"
	                                   "3Ss2\r\n"));
	ck_assert_ptr_nonnull(strstr(text, "Charge-Version: 2026-03-01\r\n"));
	ck_assert_ptr_nonnull(strstr(text, "Host: api.chargeapi.co\r\n"));
}
END_TEST

START_TEST(redact_json_body)
{
	char text[] = "{\"message\":\"bad key " KEY "\",\"keys\":[\"" KEY3 "\",\"ch_rk_live_"
	              "Live0123456789abcd\"],"
	              "\"name\":\"xch_sk_test_notakeyboundary\",\"ok\":\"ch_sk_prod_abc\"}";
	secret_redact_text(text);
	ck_assert_ptr_null(strstr(text, KEY));
	ck_assert_ptr_null(strstr(text, KEY3));
	ck_assert_ptr_null(strstr(text, "Live0123456789abcd"));
	ck_assert_ptr_nonnull(strstr(text, "\"bad key ch_sk_test_\xe2\x80\xa6p7dc\""));
	ck_assert_ptr_nonnull(strstr(text, "\"ch_rk_live_\xe2\x80\xa6"
	                                   "abcd\""));
	/* not a key: unchanged */
	ck_assert_ptr_nonnull(strstr(text, "\"ok\":\"ch_sk_prod_abc\""));
	/* the JSON stays well formed: quotes and brackets untouched */
	ck_assert_ptr_nonnull(strstr(text, "],\"name\""));
	/* short keys are starred, never lengthened */
	char short_key[] = "k=ch_sk_test_ab;";
	secret_redact_text(short_key);
	ck_assert_str_eq(short_key, "k=ch_sk_test_**;");
	secret_redact_text(NULL);
}
END_TEST

static size_t observed_len;
static int observed_nonzero = -1;

static void observe(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	observed_len = len;
	observed_nonzero = 0;
	for (size_t i = 0; i < len; i++)
		observed_nonzero += p[i] != 0;
}

START_TEST(zero_after_free)
{
	secret_free_observe(observe);
	struct secret *s = secret_new(KEY, strlen(KEY));
	ck_assert_ptr_nonnull(s);
	observed_nonzero = -1;
	secret_free(s);
	ck_assert_int_ge(observed_len, strlen(KEY) + 1);
	ck_assert_int_eq(observed_nonzero, 0);
	secret_free_observe(NULL);
	secret_free(NULL);
}
END_TEST

START_TEST(file_0644_refused)
{
	char path[128], err[512];
	snprintf(path, sizeof path, "%s/key", tmpdir);
	write_file(path, KEY "\n", 0644);
	struct secret_sources src = {.key_file = path};
	struct secret *s = (struct secret *)1;
	ck_assert_int_eq(secret_load(&src, &s, err, sizeof err), -1);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(strstr(err, path));
	char fix[160];
	snprintf(fix, sizeof fix, "chmod 600 %s", path);
	ck_assert_msg(strstr(err, fix) != NULL, "message lacks the fix: %s", err);
	ck_assert_ptr_null(strstr(err, KEY));
	/* 0640 too; 0600 and 0400 are fine */
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_int_eq(secret_load(&src, &s, err, sizeof err), -1);
	ck_assert_int_eq(chmod(path, 0400), 0);
	ck_assert_int_eq(secret_load(&src, &s, err, sizeof err), 0);
	ck_assert_str_eq(secret_value(s), KEY);
	secret_free(s);
}
END_TEST

START_TEST(file_symlink_and_dir_refused)
{
	char path[128], link[128], err[512];
	snprintf(path, sizeof path, "%s/key", tmpdir);
	snprintf(link, sizeof link, "%s/link", tmpdir);
	write_file(path, KEY, 0600);
	ck_assert_int_eq(symlink(path, link), 0);
	struct secret_sources src = {.key_file = link};
	struct secret *s = NULL;
	ck_assert_int_eq(secret_load(&src, &s, err, sizeof err), -1);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(strstr(err, "symlink"));
	ck_assert_ptr_nonnull(strstr(err, link));
	src.key_file = tmpdir;
	ck_assert_int_eq(secret_load(&src, &s, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	/* an empty file holds no key */
	write_file(path, "\n", 0600);
	src.key_file = path;
	ck_assert_int_eq(secret_load(&src, &s, err, sizeof err), -1);
	ck_assert_ptr_null(s);
}
END_TEST

/* Point stdin at a pipe holding text. */
static int stdin_from(const char *text)
{
	int saved = dup(STDIN_FILENO), p[2];
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(write(p[1], text, strlen(text)), (ssize_t)strlen(text));
	close(p[1]);
	dup2(p[0], STDIN_FILENO);
	close(p[0]);
	return saved;
}

static void stdin_restore(int saved)
{
	dup2(saved, STDIN_FILENO);
	close(saved);
}

static const char *load(const struct secret_sources *src, struct secret **s)
{
	char err[512];
	ck_assert_msg(secret_load(src, s, err, sizeof err) == 0, "load failed: %s", err);
	return *s ? secret_value(*s) : NULL;
}

START_TEST(precedence)
{
	char path[128], cfg[128];
	snprintf(path, sizeof path, "%s/key", tmpdir);
	snprintf(cfg, sizeof cfg, "%s/config", tmpdir);
	write_file(path, KEY2 "\nsecond line ignored\n", 0600);
	write_file(cfg, "key = " KEY4 "\n", 0600);
	struct secret *s = NULL;
	int saved = stdin_from(KEY3 "\nnext\n");
	struct secret_sources src = {.env_value = KEY,
	                             .key_file = path,
	                             .from_stdin = true,
	                             .config_key = KEY4,
	                             .config_path = cfg};
	ck_assert_str_eq(load(&src, &s), KEY);
	secret_free(s);
	src.env_value = "";
	ck_assert_str_eq(load(&src, &s), KEY2);
	secret_free(s);
	src.key_file = NULL;
	ck_assert_str_eq(load(&src, &s), KEY3);
	secret_free(s);
	/* stdin is read one line only */
	char rest[16] = {0};
	ck_assert_int_eq(read(STDIN_FILENO, rest, sizeof rest - 1), 5);
	ck_assert_str_eq(rest, "next\n");
	stdin_restore(saved);
	src.from_stdin = false;
	ck_assert_str_eq(load(&src, &s), KEY4);
	secret_free(s);
	/* the config file's key is refused when the file is readable by others */
	ck_assert_int_eq(chmod(cfg, 0644), 0);
	char err[512];
	ck_assert_int_eq(secret_load(&src, &s, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "chmod 600"));
	src.config_key = NULL;
	ck_assert_ptr_null(load(&src, &s));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("secret");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, redacted_prefix_last4);
	tcase_add_test(tc, redact_header_block);
	tcase_add_test(tc, redact_json_body);
	tcase_add_test(tc, zero_after_free);
	tcase_add_test(tc, file_0644_refused);
	tcase_add_test(tc, file_symlink_and_dir_refused);
	tcase_add_test(tc, precedence);
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
