/*
 * charge-mock — the Charge API mock as a program.  Parses flags, starts the
 * server (src/mock), prints the base URL, and waits for SIGINT/SIGTERM.
 */
#include "chargetui/mock.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CHARGETUI_VERSION
#define CHARGETUI_VERSION "dev"
#endif

static void usage(FILE *f)
{
	fputs("usage: charge-mock [--host ADDR] [--port N] [--seed N] [--fleets N] [--drivers N]\n"
	      "                   [--api-key KEY] [--rate-limit N] [--activity SECONDS]\n"
	      "                   [--faults SPEC] [--quiet] [--help] [--version]\n"
	      "\n"
	      "A stateful in-memory Charge API server for tests and demos.\n"
	      "  --host ADDR         numeric address to bind (default 127.0.0.1; a\n"
	      "                      non-loopback address must be given explicitly)\n"
	      "  --port N            TCP port (default 8417; 0 = ephemeral)\n"
	      "  --seed N            seed of the generated account (default 1)\n"
	      "  --fleets N          seeded fleets (default 12)\n"
	      "  --drivers N         seeded drivers (default 240)\n"
	      "  --api-key KEY       accept only this key (default: any ch_sk_test_/ch_sk_live_)\n"
	      "  --rate-limit N      requests/s per key (default 25 test, 100 live; <0 off)\n"
	      "  --activity SECONDS  simulate activity every SECONDS (default off)\n"
	      "  --faults SPEC       initial fault spec (see charge-mock(1))\n"
	      "  --quiet             no log lines on stderr\n"
	      "The first line on stdout is the base URL, e.g. http://127.0.0.1:8417/v1\n",
	      f);
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || !*s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_double(const char *s, double *out)
{
	char *end;
	errno = 0;
	*out = strtod(s, &end);
	return (errno || !*s || *end) ? -1 : 0;
}

static int parse_args(int argc, char **argv, struct mock_options *o)
{
	static const struct option longopts[] = {{"host", required_argument, 0, 'H'},
	                                         {"port", required_argument, 0, 'p'},
	                                         {"seed", required_argument, 0, 's'},
	                                         {"fleets", required_argument, 0, 'f'},
	                                         {"drivers", required_argument, 0, 'd'},
	                                         {"api-key", required_argument, 0, 'k'},
	                                         {"rate-limit", required_argument, 0, 'r'},
	                                         {"activity", required_argument, 0, 'a'},
	                                         {"faults", required_argument, 0, 'F'},
	                                         {"quiet", no_argument, 0, 'q'},
	                                         {"help", no_argument, 0, 'h'},
	                                         {"version", no_argument, 0, 'V'},
	                                         {0, 0, 0, 0}};
	int c, li = 0;
	long v;
	while ((c = getopt_long(argc, argv, "", longopts, &li)) != -1) {
		int bad = 0;
		switch (c) {
		case 'H':
			o->host = optarg;
			break;
		case 'p':
			bad = parse_long(optarg, 0, 65535, &v);
			o->port = (int)v;
			break;
		case 's':
			bad = parse_long(optarg, 0, 0x7fffffffL, &v);
			o->seed = (uint64_t)v;
			break;
		case 'f':
			bad = parse_long(optarg, 0, 100000, &v);
			o->fleets = (int)v;
			break;
		case 'd':
			bad = parse_long(optarg, 0, 10000000, &v);
			o->drivers = (int)v;
			break;
		case 'k':
			o->api_key = optarg;
			break;
		case 'r':
			bad = parse_double(optarg, &o->rate_limit);
			break;
		case 'a':
			bad = parse_double(optarg, &o->activity_s) || o->activity_s < 0;
			break;
		case 'F':
			o->faults = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("charge-mock %s\n", CHARGETUI_VERSION);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
		if (bad) {
			fprintf(stderr, "charge-mock: bad value for --%s: %s\n", longopts[li].name,
			        optarg);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "charge-mock: unexpected argument: %s\n", argv[optind]);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct mock_options o = {.port = 8417, .fleets = -1, .drivers = -1};
	if (parse_args(argc, argv, &o) != 0)
		return 2;
	/* Block the stop signals in every thread; main takes them with sigwait. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	char err[256];
	struct mock *m = mock_start(&o, err, sizeof err);
	if (!m) {
		fprintf(stderr, "charge-mock: %s\n", err);
		return 1;
	}
	printf("%s\n", mock_base_url(m));
	fflush(stdout);
	if (!o.quiet)
		fprintf(stderr, "charge-mock: serving %s (admin under %s/__mock/)\n",
		        mock_base_url(m), mock_root_url(m));
	int sig = 0;
	sigwait(&set, &sig);
	if (!o.quiet)
		fprintf(stderr, "charge-mock: %s, stopping\n", strsignal(sig));
	mock_stop(m);
	return 0;
}
