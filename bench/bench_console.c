/*
 * bench_console.c — figures for the console as a person meets it: the real
 * chargetui binary in a pty at 120x40, TERM=xterm-256color, read through
 * libvterm, against an in-process charge-mock on loopback.  Not pass/fail.
 *
 *   bench_console [--quick]     (--quick: 10,000 drivers where 100,000 is asked)
 *
 * Rows of the table:
 *  - first screen: ms from spawn until the first fleet row, until the first
 *    driver row (after j to the first fleet with drivers), and until the
 *    status line counts all 10,000 drivers;
 *  - keystroke latency while 100,000 drivers load: `j`, then wait until the
 *    highlighted row moves (median and worst of 20);
 *  - idle: bytes written in 10 s with nothing happening, CPU-s per minute;
 *  - refresh cost: bytes a refresh writes per changed number (mock tick,
 *    minus the bytes of a refresh round that changed nothing);
 *  - memory: VmRSS once 100,000 drivers are loaded and requests stopped.
 *
 * The mock's rate limit is off: these are the console's figures, not the
 * server's throttle (the console's own client-side bucket still applies).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"

#define KEY "ch_sk_test_bench0123456789abcdefABCDEF"

struct run {
	struct mockctl *mc;
	struct term *t;
	char home[64];
	cJSON *fleets;
	char first_fleet[128];
	double spawned_ms;
};

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static bool run_start(struct run *r, int drivers, const char *refresh)
{
	memset(r, 0, sizeof *r);
	struct mock_options mo = { .fleets = 12, .drivers = drivers, .quiet = true,
				   .rate_limit = -1 };
	r->mc = mockctl_start(&mo);
	if (!r->mc)
		return false;
	r->fleets = mockctl_get_all(r->mc, "/fleets?limit=100");
	expect_prefix(jstr(cJSON_GetArrayItem(r->fleets, 0), "name"), 12, r->first_fleet,
		      sizeof r->first_fleet);
	snprintf(r->home, sizeof r->home, "/tmp/ct-bench-XXXXXX");
	if (!mkdtemp(r->home))
		return false;
	char base[256], home[96], cfg[128], state[128];
	snprintf(base, sizeof base, "CHARGE_API_BASE=%s", mockctl_base(r->mc));
	snprintf(home, sizeof home, "HOME=%s", r->home);
	snprintf(cfg, sizeof cfg, "XDG_CONFIG_HOME=%s/config", r->home);
	snprintf(state, sizeof state, "XDG_STATE_HOME=%s/state", r->home);
	const char *env[] = { base, "CHARGE_API_KEY=" KEY, home, cfg, state, NULL };
	const char *argv[] = { CT_BINARY_DIR "/chargetui", "--refresh", refresh, NULL };
	struct term_opts to = { .rows = 40, .cols = 120, .env = env };
	r->spawned_ms = term_now_ms();
	r->t = term_spawn(argv, &to);
	return r->t != NULL;
}

static void run_stop(struct run *r)
{
	term_free(r->t);
	mockctl_stop(r->mc);
	cJSON_Delete(r->fleets);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", r->home);
	if (system(cmd) != 0)
		fprintf(stderr, "bench: could not remove %s\n", r->home);
}

/* ms from spawn until any driver of fleet `idx` is on screen, or -1. */
static double wait_driver_row(struct run *r, int idx, int timeout_ms)
{
	char q[160];
	snprintf(q, sizeof q, "/drivers?fleet=%s&limit=100",
		 jstr(cJSON_GetArrayItem(r->fleets, idx), "id"));
	cJSON *d = mockctl_get(r->mc, q, NULL);
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(d, "data"), *it;
	double end = term_now_ms() + timeout_ms, got = -1;
	while (got < 0 && term_now_ms() < end) {
		cJSON_ArrayForEach(it, data)
		{
			char pre[128];
			expect_prefix(jstr(it, "name"), 12, pre, sizeof pre);
			if (pre[0] && term_find(r->t, pre, NULL, NULL) == 0) {
				got = term_now_ms() - r->spawned_ms;
				break;
			}
		}
		if (got < 0)
			term_wait_output(r->t, term_mark(r->t), 20);
	}
	cJSON_Delete(d);
	return got;
}

/* ms from spawn until the status line counts every driver, not loading. */
static double wait_all_loaded(struct run *r, int drivers, int timeout_ms)
{
	char want[64];
	snprintf(want, sizeof want, "%d drivers", drivers);
	double end = term_now_ms() + timeout_ms;
	while (term_now_ms() < end) {
		char *last = term_row(r->t, term_rows(r->t) - 1);
		bool done = last && strstr(last, want) && !strstr(last, "loading");
		free(last);
		if (done)
			return term_now_ms() - r->spawned_ms;
		term_wait_output(r->t, term_mark(r->t), 50);
	}
	return -1;
}

/* The first fleet row; then a person moves (j) to the first fleet that has
 * drivers and sees its first driver row; and when all drivers are in. */
static void bench_first_screen(double *fleet_ms, double *driver_ms, double *all_ms)
{
	struct run r;
	*fleet_ms = *driver_ms = *all_ms = -1;
	if (!run_start(&r, 10000, "5"))
		return;
	if (term_wait_for(r.t, r.first_fleet, 30000))
		*fleet_ms = term_now_ms() - r.spawned_ms;
	int idx = oracle_fleet_with_drivers(r.fleets, 0, 1);
	for (int i = 0; i < idx; i++)
		term_send_keys(r.t, "j");
	if (idx >= 0)
		*driver_ms = wait_driver_row(&r, idx, 30000);
	*all_ms = wait_all_loaded(&r, 10000, 60000);
	run_stop(&r);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median and worst ms from `j`/`k` until the fleet highlight moves. */
static void bench_keys(int drivers, double *median, double *worst, int *samples)
{
	struct run r;
	*median = *worst = -1;
	*samples = 0;
	if (!run_start(&r, drivers, "5") || !term_wait_for(r.t, r.first_fleet, 30000)) {
		run_stop(&r);
		return;
	}
	/* The second fleet's name only appears in the fleets list (the first
	 * one's is also in the titles of the panes that follow it). */
	char second[128];
	int col = 0;
	expect_prefix(jstr(cJSON_GetArrayItem(r.fleets, 1), "name"), 12, second, sizeof second);
	term_wait_for(r.t, second, 10000);
	term_find(r.t, second, NULL, &col);
	struct e2e view = { .t = r.t };
	double lat[20];
	int n = 0;
	for (int i = 0; i < 20; i++) {
		int before = e2e_highlight_row(&view, col, 1, 39);
		double t0 = term_now_ms();
		term_send_keys(r.t, i % 2 ? "k" : "j");
		int now = before;
		while (now == before && term_now_ms() - t0 < 2000) {
			term_wait_output(r.t, term_mark(r.t), 5);
			now = e2e_highlight_row(&view, col, 1, 39);
		}
		if (now != before && before >= 0)
			lat[n++] = term_now_ms() - t0;
		else if (getenv("BENCH_DEBUG"))
			fprintf(stderr, "key %d: highlight %d -> %d\n", i, before, now);
		sleep_ms(50);
	}
	if (n) {
		qsort(lat, (size_t)n, sizeof lat[0], cmp_double);
		*median = lat[n / 2];
		*worst = lat[n - 1];
	}
	*samples = n;
	run_stop(&r);
}

static void bench_idle(size_t *bytes, double *cpu_per_min)
{
	struct run r;
	*bytes = 0;
	*cpu_per_min = -1;
	if (!run_start(&r, 240, "5") || !term_wait_for(r.t, r.first_fleet, 30000)) {
		run_stop(&r);
		return;
	}
	term_wait_idle(r.t, 1000, 10000);
	size_t mark = term_mark(r.t);
	double c0 = term_cpu_seconds(r.t);
	sleep_ms(10000);
	*bytes = term_bytes_written_since(r.t, mark);
	*cpu_per_min = (term_cpu_seconds(r.t) - c0) * 6;
	run_stop(&r);
}

/* Numbers the screen shows that a tick changed: every fleet's totals (all
 * 12 are visible) and the first fleet's drivers' balances. */
static int changed_numbers(const cJSON *before, const cJSON *after)
{
	static const char *const fields[] = { "total_sessions", "wallet_balance",
					      "total_drivers", "total_vehicles" };
	int k = 0;
	for (int i = 0; i < cJSON_GetArraySize(after); i++) {
		const cJSON *b = cJSON_GetArrayItem(before, i), *a = cJSON_GetArrayItem(after, i);
		for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
			k += jint(a, fields[f], 0) != jint(b, fields[f], 0);
		const cJSON *eb = cJSON_GetObjectItemCaseSensitive(b, "total_energy_consumed_kwh");
		const cJSON *ea = cJSON_GetObjectItemCaseSensitive(a, "total_energy_consumed_kwh");
		k += cJSON_IsNumber(ea) && cJSON_IsNumber(eb) && ea->valuedouble != eb->valuedouble;
	}
	return k;
}

static void bench_refresh_bytes(double *per_value, int *changed, size_t *quiet_bytes)
{
	struct run r;
	*per_value = -1;
	*changed = 0;
	*quiet_bytes = 0;
	if (!run_start(&r, 240, "1") || !term_wait_for(r.t, r.first_fleet, 30000)) {
		run_stop(&r);
		return;
	}
	term_wait_idle(r.t, 1500, 10000);
	size_t mark = term_mark(r.t);
	sleep_ms(2500); /* two refresh rounds with nothing changed */
	*quiet_bytes = term_bytes_written_since(r.t, mark);
	cJSON *before = mockctl_get_all(r.mc, "/fleets?limit=100");
	mockctl_tick(r.mc, 1);
	cJSON *after = mockctl_get_all(r.mc, "/fleets?limit=100");
	*changed = changed_numbers(before, after);
	mark = term_mark(r.t);
	sleep_ms(2500);
	size_t bytes = term_bytes_written_since(r.t, mark);
	if (*changed > 0)
		*per_value = ((double)bytes - (double)*quiet_bytes) / *changed;
	cJSON_Delete(before);
	cJSON_Delete(after);
	run_stop(&r);
}

/* RSS once the console stopped asking the mock for more (loaded). */
static void bench_rss(int drivers, long *rss_kb, double *settle_s, size_t *gets)
{
	struct run r;
	*rss_kb = -1;
	*settle_s = -1;
	*gets = 0;
	if (!run_start(&r, drivers, "3600") || !term_wait_for(r.t, r.first_fleet, 60000)) {
		run_stop(&r);
		return;
	}
	long last = -2, seq;
	double quiet_since = term_now_ms(), end = term_now_ms() + 180000;
	while (term_now_ms() < end) {
		seq = mockctl_last_seq(r.mc);
		if (seq != last) {
			last = seq;
			quiet_since = term_now_ms();
		} else if (term_now_ms() - quiet_since > 2000) {
			break;
		}
		sleep_ms(200);
	}
	*settle_s = (quiet_since - r.spawned_ms) / 1000.0;
	*rss_kb = term_rss_kb(r.t);
	struct mock_reqs log;
	if (mockctl_requests(r.mc, 0, &log) == 0) {
		*gets = mock_reqs_count(&log, "GET", "/v1/drivers");
		mock_reqs_clear(&log);
	}
	run_stop(&r);
}

int main(int argc, char **argv)
{
	int big = argc > 1 && strcmp(argv[1], "--quick") == 0 ? 10000 : 100000;
	signal(SIGPIPE, SIG_IGN);
	double fleet_ms, driver_ms, all_ms, med, worst, cpu_min, per_value, settle;
	size_t idle_bytes, quiet, gets;
	int samples, changed;
	long rss;

	bench_first_screen(&fleet_ms, &driver_ms, &all_ms);
	bench_keys(big, &med, &worst, &samples);
	bench_idle(&idle_bytes, &cpu_min);
	bench_refresh_bytes(&per_value, &changed, &quiet);
	bench_rss(big, &rss, &settle, &gets);

	printf("chargetui console benchmark (120x40, xterm-256color, loopback charge-mock)\n");
	printf("%-52s %14s\n", "measure", "value");
	printf("%-52s %12.0f ms\n", "first screen, 10,000 drivers: first fleet row", fleet_ms);
	printf("%-52s %12.0f ms\n", "first screen, 10,000 drivers: first driver row (j)",
	       driver_ms);
	printf("%-52s %12.0f ms\n", "10,000 drivers: all loaded (status line)", all_ms);
	printf("%-44s%6d drv %9.1f ms\n", "keystroke latency while loading, median", big, med);
	printf("%-44s%6d drv %9.1f ms\n", "keystroke latency while loading, worst", big, worst);
	printf("%-52s %12d\n", "  (keystrokes measured, of 20)", samples);
	printf("%-52s %12zu B\n", "idle: bytes written in 10 s", idle_bytes);
	printf("%-52s %12.3f s\n", "idle: CPU-seconds per minute", cpu_min);
	printf("%-52s %12zu B\n", "refresh, nothing changed: bytes in 2 rounds", quiet);
	printf("%-52s %12d\n", "refresh after a tick: numbers changed", changed);
	printf("%-52s %12.1f B\n", "refresh after a tick: bytes per changed number", per_value);
	printf("%-44s%6d drv %9ld KiB\n", "resident memory once loaded (VmRSS)", big, rss);
	printf("%-52s %12.1f s\n", "  time until requests stopped", settle);
	printf("%-52s %12zu\n", "  GET /v1/drivers requests made", gets);
	return 0;
}
