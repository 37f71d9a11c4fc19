/*
 * cli.h — the command line of chargetui, parsed into a plain struct.
 *
 * Parsing prints nothing except --help / --version to `out` and one usage
 * error to `err`, and never exits: main() turns the result into an exit code
 * (0 after --help/--version, 2 for a usage error).  The key itself is never an
 * option (SEC-1): only --api-key-file PATH and --api-key-stdin name sources.
 */
#ifndef CHARGETUI_CLI_H
#define CHARGETUI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#define CLI_EXIT_USAGE_CODE 2

struct cli_options {
	bool demo;          /* embedded charge-mock and a demo test key */
	bool read_only;     /* --read-only (also implied by --kiosk) */
	bool kiosk;         /* --kiosk */
	bool live;          /* --live: a live key is allowed (SEC-7) */
	bool api_key_stdin; /* --api-key-stdin */
	const char *profile;      /* --profile NAME, or NULL */
	const char *theme;        /* --theme NAME, or NULL */
	const char *base_url;     /* --base-url URL, or NULL */
	const char *cacert;       /* --cacert FILE, or NULL */
	const char *debug_log;    /* --debug-log FILE, or NULL */
	const char *api_key_file; /* --api-key-file PATH, or NULL */
	double refresh_s;         /* --refresh SECONDS; 0 when not given */
	double rotate_s;          /* --rotate SECONDS (--kiosk only); 0 when not given */
};

enum cli_result {
	CLI_RUN = 0,    /* options parsed: go on */
	CLI_EXIT_OK,    /* --help or --version printed: exit 0 */
	CLI_EXIT_USAGE, /* a usage error printed to err: exit 2 */
};

/* Parse argv (not modified; strings in *o point into it).  Resets getopt's
 * state first, so it can be called more than once (tests). */
enum cli_result cli_parse(int argc, char **argv, struct cli_options *o, FILE *out, FILE *err);

/* The --help text. */
void cli_usage(FILE *out);

/* SEC-7: a live key (ch_sk_live_ / ch_rk_live_) needs --live.  Returns 0 when
 * the key may be used, or 2 after writing "refusing live key without --live"
 * to err. */
int cli_check_live(const struct cli_options *o, bool key_is_live, FILE *err);

/* True for a theme or profile name we accept: [A-Za-z0-9_.-], no leading
 * dot, at most 64 bytes (a name never becomes a path outside its dir). */
bool cli_name_ok(const char *name);

#endif
