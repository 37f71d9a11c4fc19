/*
 * e2e.c — shared start/finish of an end-to-end test (e2e.h).
 */
#include "e2e.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static void spawn_console(struct e2e *e, const char *bin_dir, const struct e2e_opts *o)
{
	char bin[1024], env_base[512], env_key[128], env_home[128], env_cfg[160], env_state[160];
	snprintf(bin, sizeof bin, "%s/chargetui", bin_dir);
	const char *argv[64];
	char script[512];
	int a = 0;
	if (o && o->shell_after) {
		snprintf(script, sizeof script, "\"$0\" \"$@\"; echo \"EXIT=$?\"; %s", o->shell_after);
		argv[a++] = "/bin/sh";
		argv[a++] = "-c";
		argv[a++] = script;
		e->wrapped = true;
	}
	argv[a++] = bin;
	for (int i = 0; o && o->args && o->args[i] && a < 63; i++)
		argv[a++] = o->args[i];
	argv[a] = NULL;

	/* A fresh HOME and XDG dirs: no developer config, journal or key file
	 * can change what the test sees. */
	const char *env[64];
	int k = 0;
	snprintf(env_home, sizeof env_home, "HOME=%s", e->home);
	snprintf(env_cfg, sizeof env_cfg, "XDG_CONFIG_HOME=%s/config", e->home);
	snprintf(env_state, sizeof env_state, "XDG_STATE_HOME=%s/state", e->home);
	env[k++] = env_home;
	env[k++] = env_cfg;
	env[k++] = env_state;
	if (e->mc) {
		snprintf(env_base, sizeof env_base, "CHARGE_API_BASE=%s", mockctl_base(e->mc));
		env[k++] = env_base;
	}
	if (!o || !o->no_key) {
		snprintf(env_key, sizeof env_key, "CHARGE_API_KEY=%s", E2E_KEY);
		env[k++] = env_key;
	}
	for (int i = 0; o && o->env && o->env[i] && k < 63; i++)
		env[k++] = o->env[i];
	env[k] = NULL;

	struct term_opts to = {
		.rows = o && o->rows ? o->rows : 40,
		.cols = o && o->cols ? o->cols : 120,
		/* CT_E2E_TERM=tmux-256color reruns the suite under tmux's terminfo
		 * (SAN-2 must hold for both). */
		.term = o && o->term ? o->term : getenv("CT_E2E_TERM"),
		.env = env,
		.record_path = e->raw_path, /* kept even when the test fails */
		.ignore_sighup = o && o->ignore_sighup,
	};
	e->t = term_spawn(argv, &to);
}

struct e2e *e2e_start_in(const char *bin_dir, const char *name, const struct e2e_opts *o)
{
	struct e2e *e = calloc(1, sizeof *e);
	ck_assert_ptr_nonnull(e);
	snprintf(e->name, sizeof e->name, "%s", name);
	snprintf(e->home, sizeof e->home, "/tmp/ct-e2e-XXXXXX");
	ck_assert_msg(mkdtemp(e->home) != NULL, "mkdtemp failed");
	char raw_dir[900];
	snprintf(raw_dir, sizeof raw_dir, "%s/e2e-raw", bin_dir);
	mkdir(raw_dir, 0755);
	snprintf(e->raw_path, sizeof e->raw_path, "%s/%s.raw", raw_dir, name);
	if (!o || !o->no_mock) {
		e->mc = mockctl_start(o ? o->mock : NULL);
		ck_assert_msg(e->mc != NULL, "%s: charge-mock did not start", name);
	}
	spawn_console(e, bin_dir, o);
	ck_assert_msg(e->t != NULL, "%s: could not spawn chargetui in a pty", name);
	return e;
}

pid_t e2e_console_pid(struct e2e *e)
{
	if (!e->wrapped)
		return term_pid(e->t);
	char path[96];
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)term_pid(e->t),
		 (int)term_pid(e->t));
	for (double end = term_now_ms() + 2000; term_now_ms() < end;) {
		FILE *f = fopen(path, "r");
		int pid = -1;
		if (f) {
			if (fscanf(f, "%d", &pid) != 1)
				pid = -1;
			fclose(f);
		}
		if (pid > 0)
			return pid;
		term_wait_output(e->t, term_mark(e->t), 20);
	}
	return -1;
}

void e2e_dump(struct e2e *e, const char *why)
{
	char *s = term_screen_text(e->t);
	fprintf(stderr, "---- %s: %s (screen %dx%d) ----\n%s\n----\n", e->name, why ? why : "",
		term_cols(e->t), term_rows(e->t), s ? s : "(none)");
	free(s);
}

static void rm_tree(const char *dir)
{
	/* The directory is ours (mkdtemp) and shallow; a failure only leaves
	 * litter in /tmp. */
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "e2e: could not remove %s\n", dir);
}

void e2e_finish(struct e2e *e)
{
	char why[160];
	int bad = term_raw_has_forbidden(e->t, why, sizeof why);
	/* SEC-3 and SAN-13 hold for every test, not only the ones about them:
	 * the whole key never reaches the terminal, and no data sets a title. */
	char *title = term_title(e->t);
	if (!bad && term_raw_contains(e->t, E2E_KEY, 0))
		bad = 1, snprintf(why, sizeof why, "the full API key is in the stream (SEC-3)");
	if (!bad && title && strstr(title, "pwned"))
		bad = 1, snprintf(why, sizeof why, "terminal title set from data (SAN-13)");
	free(title);
	if (bad)
		e2e_dump(e, why);
	term_free(e->t);
	mockctl_stop(e->mc);
	rm_tree(e->home);
	char name[64];
	snprintf(name, sizeof name, "%s", e->name);
	free(e);
	ck_assert_msg(!bad, "%s: the raw pty stream fails: %s", name, why);
}

char *e2e_row_with(struct e2e *e, const char *text)
{
	int r;
	return term_find(e->t, text, &r, NULL) == 0 ? term_row(e->t, r) : NULL;
}

void e2e_wait_str(struct e2e *e, const char *text, int ms)
{
	if (!term_wait_for(e->t, text, ms)) {
		char why[512];
		snprintf(why, sizeof why, "waiting for: %s", text);
		e2e_dump(e, why);
		ck_abort_msg("%s: \"%s\" not on screen after %d ms", e->name, text, ms);
	}
}

void e2e_wait_first_fleet(struct e2e *e, int chars, char *pre, size_t n, int ms)
{
	cJSON *fleets = mockctl_get_all(e->mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(fleets);
	expect_prefix(jstr(cJSON_GetArrayItem(fleets, 0), "name"), chars, pre, n);
	cJSON_Delete(fleets);
	e2e_wait_str(e, pre, ms);
}

char *expect_count(long long v, char *buf, size_t n)
{
	char digits[32];
	snprintf(digits, sizeof digits, "%lld", v < 0 ? -v : v);
	size_t len = strlen(digits), o = 0;
	char tmp[48];
	if (v < 0)
		tmp[o++] = '-';
	for (size_t i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			tmp[o++] = ',';
		tmp[o++] = digits[i];
	}
	tmp[o] = '\0';
	snprintf(buf, n, "%s", tmp);
	return buf;
}

char *expect_money(int64_t minor, const char *currency, char *buf, size_t n)
{
	static const struct {
		const char *code, *sym;
		int exp;
	} tab[] = {
		{ "eur", "€", 2 }, { "usd", "$", 2 }, { "gbp", "£", 2 },
		{ "jpy", "¥", 0 }, { "chf", "CHF ", 2 },
	};
	const char *sym = NULL;
	int exp = 2;
	for (size_t i = 0; currency && i < sizeof tab / sizeof tab[0]; i++)
		if (strcasecmp(currency, tab[i].code) == 0) {
			sym = tab[i].sym;
			exp = tab[i].exp;
		}
	uint64_t mag = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	uint64_t div = exp == 0 ? 1 : 100;
	char units[48], frac[8] = "";
	expect_count((long long)(mag / div), units, sizeof units);
	if (exp)
		snprintf(frac, sizeof frac, ".%02" PRIu64, mag % div);
	/* No symbol: the ISO code first, upper case ("CAD 31,051.82", as a
	 * bank statement writes it; the seeded PLN, AED and CAD fleets). */
	char code[8] = "";
	for (size_t i = 0; currency && currency[i] && i + 1 < sizeof code; i++)
		code[i] = (char)toupper((unsigned char)currency[i]);
	if (!sym && code[0])
		sym = code;
	snprintf(buf, n, "%s%s%s%s%s", minor < 0 ? "-" : "", sym ? sym : "",
		 sym == code ? " " : "", units, frac);
	return buf;
}

bool row_has_all(const char *row, const char *const *needles)
{
	for (int i = 0; row && needles[i]; i++)
		if (!strstr(row, needles[i]))
			return false;
	return row != NULL;
}

bool has_token(const char *hay, const char *needle)
{
	size_t nl = strlen(needle);
	for (const char *p = hay; hay && (p = strstr(p, needle)) != NULL; p++) {
		bool left_ok = p == hay || !isalnum((unsigned char)p[-1]);
		bool right_ok = !isalnum((unsigned char)p[nl]);
		if (left_ok && right_ok)
			return true;
	}
	return false;
}

char *expect_prefix(const char *name, int n, char *buf, size_t bufsz)
{
	size_t o = 0;
	buf[0] = '\0';
	for (const unsigned char *p = (const unsigned char *)(name ? name : ""); *p && n > 0;) {
		if (*p < 0x20 || *p == 0x7f)
			return buf[0] = '\0', buf;
		size_t len = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
		if (o + len + 1 > bufsz)
			break;
		memcpy(buf + o, p, len);
		o += len;
		p += len;
		n--;
	}
	buf[o] = '\0';
	return buf;
}

struct style {
	bool rev;
	uint8_t bg[3];
};

static bool style_eq(const struct style *a, const struct style *b)
{
	return a->rev == b->rev && memcmp(a->bg, b->bg, 3) == 0;
}

int e2e_highlight_row(struct e2e *e, int col, int row_from, int row_to)
{
	struct style st[512];
	int n = 0;
	for (int r = row_from; r < row_to && n < 512; r++, n++) {
		struct term_cell_attrs a;
		term_cell_attrs(e->t, r, col, &a);
		st[n].rev = a.reverse;
		memcpy(st[n].bg, a.bg_rgb, 3);
	}
	/* The common style is the one most rows share; the selection is the
	 * only row with a different one. */
	int best = -1, best_count = 0;
	for (int i = 0; i < n; i++) {
		int c = 0;
		for (int j = 0; j < n; j++)
			c += style_eq(&st[i], &st[j]);
		if (c > best_count) {
			best_count = c;
			best = i;
		}
	}
	int odd = -1;
	for (int i = 0; best >= 0 && i < n; i++) {
		if (style_eq(&st[i], &st[best]))
			continue;
		if (odd >= 0 && !style_eq(&st[i], &st[odd]))
			return -1;
		if (odd < 0)
			odd = i;
	}
	return odd < 0 ? -1 : row_from + odd;
}

int e2e_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

bool has_number(const char *hay, long long v)
{
	char plain[32], grouped[40];
	snprintf(plain, sizeof plain, "%lld", v);
	expect_count(v, grouped, sizeof grouped);
	return has_token(hay, plain) || has_token(hay, grouped);
}

cJSON *oracle_fleet_drivers(struct mockctl *mc, const cJSON *fleet)
{
	char q[200];
	snprintf(q, sizeof q, "/drivers?fleet=%s&limit=100", jstr(fleet, "id"));
	return mockctl_get_all(mc, q);
}

int oracle_fleet_with_drivers(const cJSON *fleets, int from, int min)
{
	for (int i = from; i < cJSON_GetArraySize(fleets); i++) {
		const cJSON *f = cJSON_GetArrayItem(fleets, i);
		if (jint(f, "total_drivers", 0) >= min)
			return i;
	}
	return -1;
}
