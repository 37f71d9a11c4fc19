/*
 * main.c — chargetui, start to end.  Everything that must happen before the
 * first thread happens here, in this order (NET-5, NET-6, JSN-3, SEC-6,
 * TTY-2, TTY-8): locale, process hardening, options, config and key, the
 * terminal check, signals blocked, curl initialised; then the demo server
 * and the workers start, curses starts, the console runs, and everything is
 * torn down in reverse (workers joined before anything they use is freed).
 */
#include <curl/curl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chargetui/cli.h"
#include "chargetui/config.h"
#include "chargetui/mock.h"
#include "chargetui/sanitize.h"
#include "chargetui/secret.h"
#include "chargetui/store.h"
#include "chargetui/sync.h"
#include "chargetui/term.h"
#include "chargetui/theme.h"
#include "chargetui/ui.h"

#define DEFAULT_BASE_URL "https://api.chargeapi.co/v1"
/* Any ch_sk_test_ key works against charge-mock; this one says what it is. */
#define DEMO_KEY "ch_sk_test_demo0000000000000000demo"

struct app {
	struct cli_options opt;
	struct config cfg;
	struct secret *key;
	struct mock *mock;
	struct store *store;
	struct sync *sync;
	const char *base_url;
	const char *theme;
	double refresh_s;
	bool read_only, live;
	int signal_fd;
};

static int app_configure(struct app *a);
static int app_load_key(struct app *a);
static int app_start_workers(struct app *a);
static int app_console(struct app *a);
static void app_teardown(struct app *a);
static int fail(const char *what, const char *detail);

int main(int argc, char **argv)
{
	struct app a = {.signal_fd = -1};
	setlocale(LC_CTYPE, ""); /* the only setlocale; LC_NUMERIC stays "C" (JSN-3) */
	term_harden_process();   /* SEC-6 */
	config_init(&a.cfg);

	switch (cli_parse(argc, argv, &a.opt, stdout, stderr)) {
	case CLI_EXIT_OK: return 0;
	case CLI_EXIT_USAGE: return CLI_EXIT_USAGE_CODE;
	case CLI_RUN: break;
	}
	if (getuid() != geteuid() || getgid() != getegid()) /* TTY-9 */
		return fail("chargetui must not run setuid or setgid", NULL);
	if (a.opt.kiosk) { /* TTY-9: no terminfo from the environment */
		unsetenv("TERMINFO");
		unsetenv("TERMINFO_DIRS");
	}
	int rc = app_configure(&a);           /* config file, key, theme, TERM */
	if (rc == 0) {
		a.signal_fd = term_signals_block(); /* before any thread (TTY-2) */
		curl_global_init(CURL_GLOBAL_DEFAULT); /* before any thread (NET-6) */
		rc = a.signal_fd < 0 ? fail("cannot watch signals (signalfd)", NULL)
				     : app_start_workers(&a); /* demo server, sync workers */
		if (rc == 0)
			rc = app_console(&a); /* curses, the main loop */
		app_teardown(&a);
		curl_global_cleanup();
	} else {
		secret_free(a.key); /* wiped even when we stop early (SEC-6) */
	}
	config_free(&a.cfg);
	return rc;
}

/* --- the steps --- */

/* Messages to stderr pass the sanitizer's log form (SAN-9): a config path
 * or a server's words may hold anything. */
static int fail(const char *what, const char *detail)
{
	char *w = san_log(what, strlen(what));
	char *d = detail ? san_log(detail, strlen(detail)) : NULL;
	fprintf(stderr, "chargetui: %s%s%s\n", w ? w : "error", d ? ": " : "", d ? d : "");
	free(w);
	free(d);
	return CLI_EXIT_USAGE_CODE;
}

static int app_check_bindings(const struct config *c)
{
	ui_actions_init();
	for (size_t i = 0; i < c->nbindings; i++) {
		struct key_event k;
		const char *act = c->bindings[i].action, *key = c->bindings[i].key;
		if (strcmp(act, "none") != 0 && action_by_name(act) == ACT_NONE)
			return fail("[keys]: unknown action", act);
		if (action_key_parse(key, &k) != 0)
			return fail("[keys]: unknown key", key);
	}
	return 0;
}

static int app_configure(struct app *a)
{
	char err[1024];
	const struct cli_options *o = &a->opt;
	/* The demo keeps the user's theme and keys but never their account: a
	 * config it cannot read is not its business. */
	if (config_load(&a->cfg, NULL, o->profile, err, sizeof(err)) != 0) {
		if (!o->demo)
			return fail(err, NULL);
		config_free(&a->cfg);
		config_init(&a->cfg);
	}
	if (!o->demo)
		config_apply_env(&a->cfg);
	a->base_url = o->base_url ? o->base_url : a->cfg.base_url ? a->cfg.base_url
								  : DEFAULT_BASE_URL;
	a->theme = o->theme ? o->theme : a->cfg.theme ? a->cfg.theme : "default";
	/* config's "refresh = off" is -1 and must stay off (no refresh thread). */
	a->refresh_s = o->refresh_s > 0 ? o->refresh_s : a->cfg.refresh_s != 0 ? a->cfg.refresh_s : 5;
	a->read_only = o->read_only || o->kiosk || a->cfg.read_only;
	a->live = o->live || a->cfg.live;
	struct theme t;
	if (!cli_name_ok(a->theme) || theme_load(a->theme, &t, err, sizeof(err)) < 0)
		return fail("no such theme", err[0] ? err : a->theme);
	int rc = app_check_bindings(&a->cfg);
	if (rc == 0)
		rc = app_load_key(a);
	if (rc == 0 && term_check(err, sizeof(err)) != 0) /* TTY-8, before curses */
		rc = fail(err, NULL);
	return rc;
}

static int app_load_key(struct app *a)
{
	char err[1024];
	if (a->opt.demo) {
		a->key = secret_new(DEMO_KEY, strlen(DEMO_KEY));
		return a->key ? 0 : fail("out of memory", NULL);
	}
	char *from_cmd = NULL;
	const char *env = getenv("CHARGE_API_KEY");
	bool other = (env && *env) || a->opt.api_key_file || a->opt.api_key_stdin ||
		     a->cfg.key_file || (a->cfg.key && !a->cfg.key_from_env);
	/* key_command is the one child process, run now, before any thread. */
	if (!other && a->cfg.key_command &&
	    config_run_key_command(a->cfg.key_command, &from_cmd, err, sizeof(err)) != 0)
		return fail(err, NULL);
	struct secret_sources src = {
		.env_value = env,
		.key_file = a->opt.api_key_file ? a->opt.api_key_file : a->cfg.key_file,
		.from_stdin = a->opt.api_key_stdin,
		.config_key = from_cmd ? from_cmd : a->cfg.key_from_env ? NULL : a->cfg.key,
		.config_path = a->cfg.path,
	};
	int rc = secret_load(&src, &a->key, err, sizeof(err));
	if (from_cmd) {
		explicit_bzero(from_cmd, strlen(from_cmd));
		free(from_cmd);
	}
	config_forget_key(&a->cfg);
	if (rc != 0)
		return fail(err, NULL);
	if (!a->key)
		return fail("no API key: set CHARGE_API_KEY, use --api-key-file or "
			    "--api-key-stdin, or put key_file in the config (try --demo)",
			    NULL);
	return cli_check_live(&a->opt, secret_is_live(a->key) && !a->live, stderr);
}

static int app_start_workers(struct app *a)
{
	char err[512];
	if (a->opt.demo) {
		struct mock_options mo = {
			.host = "127.0.0.1", .port = 0, .seed = 42, .fleets = -1,
			.drivers = -1, .rate_limit = -1, .activity_s = 3, .quiet = true,
		};
		a->mock = mock_start(&mo, err, sizeof(err));
		if (!a->mock)
			return fail("cannot start the demo server", err);
		a->base_url = mock_base_url(a->mock);
	}
	a->store = store_new();
	if (!a->store)
		return fail("out of memory", NULL);
	struct sync_config sc = {
		.http = {
			.base_url = a->base_url,
			.key = a->key,
			.read_only = a->read_only,
			.connect_timeout_ms = a->cfg.connect_timeout_ms,
			.get_timeout_ms = a->cfg.get_timeout_ms,
			.post_timeout_ms = a->cfg.post_timeout_ms,
			.max_response_bytes = a->cfg.max_response_bytes,
			.cacert = a->opt.cacert,
			.debug_log_path = a->opt.debug_log,
		},
		.refresh_s = a->refresh_s,
		.rate_per_s = a->cfg.rate_per_s,
		.fleets_only = a->opt.kiosk, /* the wall shows no drivers */
	};
	struct api_error e = {0};
	a->sync = sync_new(&sc, &e);
	if (!a->sync) {
		char buf[512];
		api_error_format(&e, buf, sizeof(buf));
		api_error_clear(&e);
		return fail("cannot use that API base", buf);
	}
	return 0;
}

static int app_console(struct app *a)
{
	char err[512], redacted[64];
	int in_fd = term_start(a->opt.kiosk, err, sizeof(err));
	if (in_fd < 0)
		return fail(err, NULL);
	struct ui_options uo = {
		.store = a->store,
		.sync = a->sync,
		.theme = a->theme,
		.key_redacted = secret_redacted(a->key, redacted, sizeof(redacted)),
		.account = a->opt.demo ? "demo" : a->cfg.profile,
		.live = secret_is_live(a->key),
		.read_only = a->read_only,
		.kiosk = a->opt.kiosk,
		.kiosk_rotate_s = a->opt.rotate_s,
		.in_fd = in_fd,
		.signal_fd = a->signal_fd,
		.no_color = getenv("NO_COLOR") && *getenv("NO_COLOR"),
	};
	struct ui *ui = ui_new(&uo, err, sizeof(err));
	if (!ui) {
		term_stop(false);
		return fail(err, NULL);
	}
	for (size_t i = 0; i < a->cfg.nbindings; i++)
		keymap_bind(a->cfg.bindings[i].action, a->cfg.bindings[i].key);
	int rc = ui_run(ui);
	bool hung_up = ui_hung_up(ui);
	sync_free(a->sync); /* cancel and join before the UI's state goes */
	a->sync = NULL;
	ui_free(ui);
	term_stop(hung_up);
	return rc;
}

static void app_teardown(struct app *a)
{
	sync_free(a->sync);
	mock_stop(a->mock);
	store_free(a->store);
	secret_free(a->key);
	if (a->signal_fd >= 0)
		close(a->signal_fd);
}
