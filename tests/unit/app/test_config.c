/* Unit tests for src/app/config.c and config_key.c. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chargetui/config.h"

static char tmpdir[256];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ct_config_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

static int parse(struct config *c, const char *text, const char *profile, char *err, size_t n)
{
	return config_parse(c, text, strlen(text), "cfg", profile, err, n);
}

static const char *sample =
	"# comment\n"
	"; another comment\n"
	"default_profile = work\n"
	"refresh = 7.5        # inline comment\n"
	"theme = dark\n"
	"rate = 10\n"
	"\n"
	"[profile work]\n"
	"  base_url = \"https://api.chargeapi.co/v1\"\n"
	"key = 'ch_sk_test_work1234'\n"
	"read_only = yes\n"
	"get_timeout = 2.5\n"
	"max_response = 1048576\n"
	"[profile demo]\n"
	"base_url = http://127.0.0.1:8080/v1\n"
	"live = true\n"
	"refresh = off\n"
	"key_command = pass show charge ; a comment after a space\n"
	"[keys]   ; rebinding\n"
	"quit = Q\n"
	"filter = \"/\"\n"
	"[default]\n"
	"connect_timeout = 3\n";

START_TEST(test_parse_profiles)
{
	struct config c;
	char err[256] = "";
	config_init(&c);
	ck_assert_int_eq(parse(&c, sample, NULL, err, sizeof(err)), 0);
	ck_assert_str_eq(c.profile, "work"); /* default_profile */
	ck_assert_str_eq(c.base_url, "https://api.chargeapi.co/v1");
	ck_assert_str_eq(c.key, "ch_sk_test_work1234");
	ck_assert(c.read_only);
	ck_assert(!c.live);
	ck_assert(c.refresh_s == 7.5);
	ck_assert(c.rate_per_s == 10);
	ck_assert_str_eq(c.theme, "dark");
	ck_assert_int_eq(c.get_timeout_ms, 2500);
	ck_assert_int_eq(c.connect_timeout_ms, 3000); /* [default] is the top level */
	ck_assert_uint_eq(c.max_response_bytes, 1048576);
	ck_assert_uint_eq(c.nbindings, 2);
	ck_assert_str_eq(c.bindings[0].action, "quit");
	ck_assert_str_eq(c.bindings[0].key, "Q");
	ck_assert_str_eq(c.bindings[1].key, "/");
	ck_assert_uint_eq(c.nprofiles, 2);
	ck_assert_str_eq(c.profiles[1], "demo");

	ck_assert_int_eq(parse(&c, sample, "demo", err, sizeof(err)), 0);
	ck_assert_str_eq(c.profile, "demo");
	ck_assert_str_eq(c.base_url, "http://127.0.0.1:8080/v1");
	ck_assert_ptr_null(c.key);
	ck_assert(c.live);
	ck_assert(!c.read_only);
	ck_assert(c.refresh_s < 0); /* off */
	ck_assert_str_eq(c.key_command, "pass show charge");
	ck_assert_str_eq(c.theme, "dark"); /* inherited from the top level */

	/* no profile at all: top level only */
	ck_assert_int_eq(parse(&c, "refresh = 3\n[profile x]\nrefresh = 4\n", NULL, err,
			       sizeof(err)),
			 0);
	ck_assert_ptr_null(c.profile);
	ck_assert(c.refresh_s == 3);
	/* CRLF and no final newline */
	ck_assert_int_eq(parse(&c, "theme = a\r\n[profile p]\r\ntheme=\"b c\"", "p", err,
			       sizeof(err)),
			 0);
	ck_assert_str_eq(c.theme, "b c");
	config_free(&c);
}
END_TEST

struct bad {
	const char *text;
	const char *want; /* substring of the message */
};

START_TEST(test_parse_errors)
{
	static const struct bad bad[] = {
		{"refresh = 5\ncolour = red\n", "cfg:2: unknown key 'colour'"},
		{"[profile a]\nread_only = maybe\n", "cfg:2: read_only: expected true or false"},
		{"\n\nbase_url = \"http://x\n", "cfg:3: unterminated quote"},
		{"base_url = \"a\" junk\n", "cfg:1: unterminated quote or text after"},
		{"[profiles a]\n", "cfg:1: unknown section"},
		{"[profile]\n", "cfg:1: a profile needs a name"},
		{"[profile a\n", "cfg:1: expected [profile NAME]"},
		{"[keys] x\n", "cfg:1: expected [profile NAME]"},
		{"just words\n", "cfg:1: expected key = value"},
		{" = 3\n", "cfg:1: expected key = value"},
		{"refresh = -1\n", "cfg:1: refresh: expected seconds"},
		{"rate = 0\n", "cfg:1: rate:"},
		{"get_timeout = 1e9\n", "cfg:1: get_timeout: expected seconds"},
		{"max_response = 12\n", "cfg:1: max_response:"},
		{"[profile a]\ndefault_profile = a\n", "cfg:2: default_profile belongs at the top"},
		{"default_profile = nope\n[profile a]\n", "cfg:1: no [profile nope]"},
		/* an unused profile's typo is still reported */
		{"[profile a]\n[profile b]\nrefesh = 1\n", "cfg:3: unknown key 'refesh'"},
	};
	struct config c;
	config_init(&c);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[256] = "";
		ck_assert_int_eq(parse(&c, bad[i].text, NULL, err, sizeof(err)), -1);
		ck_assert_msg(strstr(err, bad[i].want), "%zu: '%s' lacks '%s'", i, err,
			      bad[i].want);
		ck_assert_ptr_null(c.base_url); /* back to defaults */
		ck_assert(c.refresh_s == 5);
	}
	char err[256] = "";
	ck_assert_int_eq(parse(&c, "[profile a]\n", "b", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "no [profile b]"));

	/* caps */
	char *longline = malloc(CONFIG_MAX_LINE + 20);
	memset(longline, 'x', CONFIG_MAX_LINE + 10);
	memcpy(longline, "theme = ", 8);
	longline[CONFIG_MAX_LINE + 10] = '\0';
	ck_assert_int_eq(parse(&c, longline, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "cfg:1: line longer than"));
	free(longline);
	ck_assert_int_eq(config_parse(&c, "theme = a\0b\n", 12, "cfg", NULL, err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "NUL"));
	ck_assert_int_eq(config_parse(&c, "", CONFIG_MAX_FILE + 1, "cfg", NULL, err, sizeof(err)),
			 -1);
	config_free(&c);
}
END_TEST

START_TEST(test_errors_never_echo_values)
{
	static const char *leaks[] = {
		"ch_sk_test_SECRET123\n",
		"ch_sk_test_SECRET123 = 1\n",
		"refresh = ch_sk_test_SECRET123\n",
		"read_only = ch_sk_test_SECRET123\n",
		"key = \"ch_sk_test_SECRET123\n",
		"[profile ch_sk_test_SECRET123]\n[profile b]\n",
	};
	struct config c;
	config_init(&c);
	for (size_t i = 0; i < sizeof(leaks) / sizeof(leaks[0]); i++) {
		char err[256] = "";
		const char *prof = i == 5 ? "x" : NULL;
		ck_assert_int_eq(parse(&c, leaks[i], prof, err, sizeof(err)), -1);
		ck_assert_msg(!strstr(err, "SECRET"), "%zu leaked: %s", i, err);
		ck_assert_msg(strstr(err, "cfg:") == err, "%zu: %s", i, err);
	}
	config_free(&c);
}
END_TEST

START_TEST(test_env_override)
{
	struct config c;
	char err[256];
	config_init(&c);
	ck_assert_int_eq(parse(&c, "base_url = https://a/v1\nkey = ch_sk_test_file\n", NULL, err,
			       sizeof(err)),
			 0);
	setenv("CHARGE_API_KEY", "ch_sk_test_env", 1);
	setenv("CHARGE_API_BASE", "http://127.0.0.1:9/v1", 1);
	ck_assert_int_eq(config_apply_env(&c), 0);
	ck_assert_str_eq(c.key, "ch_sk_test_env");
	ck_assert_str_eq(c.base_url, "http://127.0.0.1:9/v1");
	ck_assert(c.key_from_env && c.base_from_env);
	config_forget_key(&c);
	ck_assert_ptr_null(c.key);
	/* empty values are ignored */
	setenv("CHARGE_API_KEY", "", 1);
	unsetenv("CHARGE_API_BASE");
	config_free(&c);
	ck_assert_int_eq(parse(&c, "base_url = https://a/v1\n", NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(config_apply_env(&c), 0);
	ck_assert_ptr_null(c.key);
	ck_assert_str_eq(c.base_url, "https://a/v1");
	ck_assert(!c.key_from_env && !c.base_from_env);
	unsetenv("CHARGE_API_KEY");
	config_free(&c);
}
END_TEST

START_TEST(test_load_permissions)
{
	char path[512], link[512], err[512];
	struct config c;
	config_init(&c);
	snprintf(path, sizeof(path), "%s/config", tmpdir);
	snprintf(link, sizeof(link), "%s/link", tmpdir);

	/* missing file: defaults, not an error (unless a profile was asked) */
	ck_assert_int_eq(config_load(&c, path, NULL, err, sizeof(err)), 0);
	ck_assert_ptr_null(c.path);
	ck_assert_int_eq(config_load(&c, path, "work", err, sizeof(err)), -1);

	write_file(path, "[profile p]\nkey = ch_sk_test_abcd1234\n", 0644);
	ck_assert_int_eq(config_load(&c, path, "p", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_ptr_nonnull(strstr(err, "chmod 600"));
	ck_assert_ptr_nonnull(strstr(err, "0644"));
	ck_assert_ptr_null(strstr(err, "abcd1234"));
	ck_assert_ptr_null(c.key);

	ck_assert_int_eq(chmod(path, 0600), 0);
	ck_assert_int_eq(config_load(&c, path, "p", err, sizeof(err)), 0);
	ck_assert_str_eq(c.key, "ch_sk_test_abcd1234");
	ck_assert_str_eq(c.path, path);

	/* a symlink to a 0600 file holding a key: refused */
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_int_eq(config_load(&c, link, "p", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "symlink"));
	ck_assert_ptr_nonnull(strstr(err, link));

	/* owned by another user: refused (only root can set that up here) */
	if (geteuid() == 0) {
		ck_assert_int_eq(chown(path, 65534, 65534), 0);
		ck_assert_int_eq(config_load(&c, path, "p", err, sizeof(err)), -1);
		ck_assert_ptr_nonnull(strstr(err, "owned by uid 65534"));
		ck_assert_int_eq(chown(path, 0, 0), 0);
	}

	/* without a key, a 0644 file and a symlinked one are fine */
	write_file(path, "theme = x\n", 0644);
	ck_assert_int_eq(config_load(&c, path, NULL, err, sizeof(err)), 0);
	ck_assert_str_eq(c.theme, "x");
	ck_assert_int_eq(config_load(&c, link, NULL, err, sizeof(err)), 0);
	ck_assert_str_eq(c.theme, "x");

	/* a directory is not a config file */
	ck_assert_int_eq(config_load(&c, tmpdir, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	config_free(&c);
}
END_TEST

START_TEST(test_default_path)
{
	char buf[512];
	char *old_xdg = getenv("XDG_CONFIG_HOME") ? strdup(getenv("XDG_CONFIG_HOME")) : NULL;
	setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
	ck_assert_int_eq(config_default_path(buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/x/cfg/chargetui/config");
	setenv("XDG_CONFIG_HOME", "relative", 1); /* invalid per the spec */
	setenv("HOME", "/home/u", 1);
	ck_assert_int_eq(config_default_path(buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/home/u/.config/chargetui/config");
	ck_assert_int_eq(config_default_path(buf, 8), -1);
	if (old_xdg)
		setenv("XDG_CONFIG_HOME", old_xdg, 1);
	else
		unsetenv("XDG_CONFIG_HOME");
	free(old_xdg);
}
END_TEST

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	static char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

START_TEST(test_write_key)
{
	char dir[512], path[600], err[512];
	struct stat st;
	snprintf(dir, sizeof(dir), "%s/xdg/chargetui", tmpdir);
	snprintf(path, sizeof(path), "%s/config", dir);
	ck_assert_int_eq(config_write_key(path, "work", "ch_sk_test_new1", err, sizeof(err)), 0);
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0600);

	struct config c;
	config_init(&c);
	ck_assert_int_eq(config_load(&c, path, "work", err, sizeof(err)), 0);
	ck_assert_str_eq(c.key, "ch_sk_test_new1");

	/* rewrite: other lines kept, the old key replaced, a new profile added */
	write_file(path,
		   "# mine\ntheme = t\n[profile work]\nkey = ch_sk_test_old\nread_only = 1\n"
		   "[profile other]\nkey = ch_sk_test_other\n",
		   0600);
	ck_assert_int_eq(config_write_key(path, "work", "ch_sk_test_new2", err, sizeof(err)), 0);
	ck_assert_int_eq(config_write_key(path, "fresh", "ch_sk_test_new3", err, sizeof(err)), 0);
	ck_assert_int_eq(config_write_key(path, NULL, "ch_sk_test_top", err, sizeof(err)), 0);
	const char *text = slurp(path);
	ck_assert_ptr_null(strstr(text, "ch_sk_test_old"));
	ck_assert_ptr_nonnull(strstr(text, "# mine\n"));
	ck_assert_ptr_nonnull(strstr(text, "ch_sk_test_other"));
	ck_assert_int_eq(config_load(&c, path, "work", err, sizeof(err)), 0);
	ck_assert_str_eq(c.key, "ch_sk_test_new2");
	ck_assert(c.read_only);
	ck_assert_str_eq(c.theme, "t");
	ck_assert_int_eq(config_load(&c, path, "fresh", err, sizeof(err)), 0);
	ck_assert_str_eq(c.key, "ch_sk_test_new3");
	ck_assert_int_eq(config_load(&c, path, "other", err, sizeof(err)), 0);
	ck_assert_str_eq(c.key, "ch_sk_test_other");
	ck_assert_int_eq(config_load(&c, path, NULL, err, sizeof(err)), 0);
	ck_assert_str_eq(c.key, "ch_sk_test_top");
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	config_free(&c);

	/* no temp file left behind; bad inputs refused */
	char cmd[700];
	snprintf(cmd, sizeof(cmd), "test $(ls -A '%s' | wc -l) -eq 1", dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(config_write_key(path, "w", "has space", err, sizeof(err)), -1);
	ck_assert_int_eq(config_write_key(path, "a]b", "ch_sk_test_x", err, sizeof(err)), -1);
}
END_TEST

START_TEST(test_key_command)
{
	char *out = NULL, err[256] = "";
	ck_assert_int_eq(config_run_key_command("printf '  ch_sk_test_cmd42 \\n'", &out, err,
						sizeof(err)),
			 0);
	ck_assert_str_eq(out, "ch_sk_test_cmd42");
	free(out);
	ck_assert_int_eq(config_run_key_command("echo ch_sk_test_x; exit 3", &out, err,
						sizeof(err)),
			 -1);
	ck_assert_ptr_null(out);
	ck_assert_ptr_nonnull(strstr(err, "exit status 3"));
	ck_assert_ptr_null(strstr(err, "ch_sk_test_x"));
	ck_assert_int_eq(config_run_key_command("true", &out, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "printed nothing"));
	/* oversized output is drained (the child does not hang) and refused */
	ck_assert_int_eq(config_run_key_command("head -c 100000 /dev/zero | tr '\\0' a", &out,
						err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "more than 4096"));
	ck_assert_int_eq(config_run_key_command("kill -9 $$", &out, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "signal 9"));
	ck_assert_int_eq(config_run_key_command("", &out, err, sizeof(err)), -1);
}
END_TEST

/* TST-1 target 5 in miniature: random edits of a valid file never crash the
 * parser (ASan), every failure names the file, and no message ever holds the
 * key planted in the text. */
START_TEST(test_parse_random_edits)
{
	static const char *base = "default_profile = p\nrefresh = 2\n[profile p]\n"
				  "key = \"ch_sk_test_PLANTEDsecret99\"\nread_only = on\n"
				  "[keys]\nquit = Q\n";
	static const char alphabet[] = "[]=\"'#; \t\n\r\\xzk0\x01\xc3\xff";
	size_t blen = strlen(base);
	char text[256];
	unsigned rnd = 12345;
	struct config c;
	config_init(&c);
	for (int iter = 0; iter < 5000; iter++) {
		memcpy(text, base, blen);
		size_t len = blen;
		for (int e = 0; e < 1 + iter % 4; e++) {
			rnd = rnd * 1103515245u + 12345u;
			size_t at = (rnd >> 8) % len;
			char ch = alphabet[(rnd >> 20) % (sizeof(alphabet) - 1)];
			if ((rnd >> 4) % 3 == 0 && len < sizeof(text) - 1)
				memmove(text + at + 1, text + at, len++ - at); /* insert */
			else if ((rnd >> 4) % 3 == 1 && len > 1) {
				memmove(text + at, text + at + 1, --len - at); /* delete */
				continue;
			}
			text[at] = ch;
		}
		char err[256] = "";
		if (config_parse(&c, text, len, "cfg", NULL, err, sizeof(err)) < 0) {
			ck_assert_msg(strncmp(err, "cfg", 3) == 0, "%s", err);
			ck_assert_msg(!strstr(err, "PLANTED"), "leak: %s", err);
			ck_assert_ptr_null(c.key);
		}
	}
	config_free(&c);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_parse_profiles);
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_errors_never_echo_values);
	tcase_add_test(tc, test_env_override);
	tcase_add_test(tc, test_load_permissions);
	tcase_add_test(tc, test_default_path);
	tcase_add_test(tc, test_write_key);
	tcase_add_test(tc, test_key_command);
	tcase_add_test(tc, test_parse_random_edits);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(config_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
