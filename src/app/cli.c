/*
 * cli.c — chargetui's options.  getopt_long, no global side effects besides
 * getopt's own state (reset on entry), nothing printed but --help/--version
 * and one usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/cli.h"

enum {
	OPT_DEMO = 256,
	OPT_PROFILE,
	OPT_THEME,
	OPT_REFRESH,
	OPT_READ_ONLY,
	OPT_KIOSK,
	OPT_ROTATE,
	OPT_LIVE,
	OPT_BASE_URL,
	OPT_CACERT,
	OPT_DEBUG_LOG,
	OPT_KEY_FILE,
	OPT_KEY_STDIN,
	OPT_VERSION,
};

static const struct option cli_longopts[] = {
	{"demo", no_argument, NULL, OPT_DEMO},
	{"profile", required_argument, NULL, OPT_PROFILE},
	{"theme", required_argument, NULL, OPT_THEME},
	{"refresh", required_argument, NULL, OPT_REFRESH},
	{"read-only", no_argument, NULL, OPT_READ_ONLY},
	{"kiosk", no_argument, NULL, OPT_KIOSK},
	{"rotate", required_argument, NULL, OPT_ROTATE},
	{"live", no_argument, NULL, OPT_LIVE},
	{"base-url", required_argument, NULL, OPT_BASE_URL},
	{"cacert", required_argument, NULL, OPT_CACERT},
	{"debug-log", required_argument, NULL, OPT_DEBUG_LOG},
	{"api-key-file", required_argument, NULL, OPT_KEY_FILE},
	{"api-key-stdin", no_argument, NULL, OPT_KEY_STDIN},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, OPT_VERSION},
	{NULL, 0, NULL, 0},
};

void cli_usage(FILE *out)
{
	fputs("Usage: chargetui [OPTION]...\n"
	      "A terminal console for the fleets and drivers of a Charge account.\n"
	      "\n"
	      "  --demo               run on a built-in demo server (no key needed)\n"
	      "  --profile NAME       use the [profile NAME] section of the config file\n"
	      "  --theme NAME         colour theme (default, light, solarized-dark,\n"
	      "                       high-contrast, mono, or your own)\n"
	      "  --refresh SECONDS    background refresh interval (default 5)\n"
	      "  --read-only          refuse every change, in the UI and the HTTP layer\n"
	      "  --kiosk              read-only wall screen: one fleet at a time in large\n"
	      "                       figures; no command line, q and ^C do nothing;\n"
	      "                       leave with Ctrl-] then q within 2 seconds\n"
	      "  --rotate SECONDS     with --kiosk: show each fleet this long (default 15)\n"
	      "  --live               allow a live key (ch_sk_live_/ch_rk_live_)\n"
	      "  --base-url URL       API base (default https://api.chargeapi.co/v1)\n"
	      "  --cacert FILE        trust this CA bundle (private CA)\n"
	      "  --debug-log FILE     append a redacted HTTP trace to FILE\n"
	      "  --api-key-file PATH  read the API key from PATH (mode 0600)\n"
	      "  --api-key-stdin      read the API key from standard input\n"
	      "  -h, --help           show this help and exit\n"
	      "      --version        show the version and exit\n"
	      "\n"
	      "The key comes from CHARGE_API_KEY, --api-key-file, --api-key-stdin or the\n"
	      "config file, in that order; there is no option that takes the key itself.\n"
	      "Exit status: 0 on quit, 2 on a usage or configuration error, 128+N after\n"
	      "signal N.  See chargetui(1).\n",
	      out);
}

bool cli_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n > 64 || name[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
		if (!ok)
			return false;
	}
	return true;
}

/* Seconds as a finite decimal in [0.05, 86400]: 50 ms is the fastest the
 * tests drive, a day the slowest that still makes sense on a wall screen. */
static int cli_parse_seconds(const char *s, double *out)
{
	char *end = NULL;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end != '\0' || !isfinite(v) || v < 0.05 || v > 86400)
		return -1;
	*out = v;
	return 0;
}

/* The user's own argument is echoed with anything but printable ASCII
 * escaped, so a pasted control sequence cannot reach the terminal. */
static void cli_put_escaped(FILE *err, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c < 0x7f)
			fputc(c, err);
		else
			fprintf(err, "\\x%02x", c);
	}
}

static enum cli_result cli_bad(FILE *err, const char *msg, const char *arg)
{
	fputs("chargetui: ", err);
	fputs(msg, err);
	if (arg) {
		fputs(" '", err);
		cli_put_escaped(err, arg);
		fputc('\'', err);
	}
	fputs("\nTry 'chargetui --help'.\n", err);
	return CLI_EXIT_USAGE;
}

static enum cli_result cli_one(int c, const char *arg, struct cli_options *o, FILE *out,
			       FILE *err)
{
	switch (c) {
	case OPT_DEMO: o->demo = true; break;
	case OPT_READ_ONLY: o->read_only = true; break;
	case OPT_KIOSK: o->kiosk = o->read_only = true; break;
	case OPT_LIVE: o->live = true; break;
	case OPT_KEY_STDIN: o->api_key_stdin = true; break;
	case OPT_BASE_URL: o->base_url = arg; break;
	case OPT_CACERT: o->cacert = arg; break;
	case OPT_DEBUG_LOG: o->debug_log = arg; break;
	case OPT_KEY_FILE: o->api_key_file = arg; break;
	case OPT_PROFILE:
		if (!cli_name_ok(arg))
			return cli_bad(err, "invalid profile name (letters, digits, _ . -):", arg);
		o->profile = arg;
		break;
	case OPT_THEME:
		if (!cli_name_ok(arg))
			return cli_bad(err, "invalid theme name (letters, digits, _ . -):", arg);
		o->theme = arg;
		break;
	case OPT_REFRESH:
		if (cli_parse_seconds(arg, &o->refresh_s) != 0)
			return cli_bad(err, "--refresh wants seconds between 0.05 and 86400, not", arg);
		break;
	case OPT_ROTATE:
		if (cli_parse_seconds(arg, &o->rotate_s) != 0)
			return cli_bad(err, "--rotate wants seconds between 0.05 and 86400, not", arg);
		break;
	case 'h': cli_usage(out); return CLI_EXIT_OK;
	case OPT_VERSION: fputs("chargetui " CHARGETUI_VERSION "\n", out); return CLI_EXIT_OK;
	default: return CLI_EXIT_USAGE;
	}
	return CLI_RUN;
}

enum cli_result cli_parse(int argc, char **argv, struct cli_options *o, FILE *out, FILE *err)
{
	memset(o, 0, sizeof(*o));
	optind = 0; /* GNU: full re-initialisation, so tests may parse twice */
	opterr = 0; /* our own message: getopt's would echo the raw argument */
	int c;
	while ((c = getopt_long(argc, argv, "+:h", cli_longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return cli_bad(err, c == ':' ? "option needs a value:" : "unknown option:",
				       argv[optind - 1]);
		enum cli_result r = cli_one(c, optarg, o, out, err);
		if (r != CLI_RUN)
			return r;
	}
	if (optind < argc)
		return cli_bad(err, "unexpected argument (chargetui takes options only):",
			       argv[optind]);
	if (o->rotate_s > 0 && !o->kiosk)
		return cli_bad(err, "--rotate is for the --kiosk wall screen", NULL);
	if (o->api_key_file && o->api_key_stdin)
		return cli_bad(err, "--api-key-file and --api-key-stdin exclude each other", NULL);
	if (o->demo && (o->api_key_file || o->api_key_stdin || o->base_url))
		return cli_bad(err, "--demo uses its own server and key; drop --base-url and --api-key-*",
			       NULL);
	return CLI_RUN;
}

int cli_check_live(const struct cli_options *o, bool key_is_live, FILE *err)
{
	if (key_is_live && !o->live) {
		fputs("chargetui: refusing live key without --live\n", err);
		return CLI_EXIT_USAGE_CODE;
	}
	return 0;
}
