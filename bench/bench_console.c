/*
 * bench_console.c — figures for the console as a person meets it: the real
 * chargetui binary in a pty at 120x40, TERM=xterm-256color, read through
 * libvterm, against an in-process charge-mock on loopback.  Not pass/fail.
 *
 *   bench_console [--quick] [--only first|keys|idle|refresh|rss]
 *   (--quick: 10,000 drivers where 100,000 is asked)
 *
 * Rows of the table:
 *  - first screen: ms from spawn until the first fleet row, until the first
 *    driver row (after j to the first fleet with drivers), and until the
 *    status line counts all 10,000 drivers;
 *  - keystroke latency while 100,000 drivers load: `j`, then wait until the
 *    highlighted row moves (median and worst of 20);
 *  - idle: bytes written in 30 s with nothing happening (six refresh rounds
 *    that find the same values), CPU-s per minute;
 *  - refresh cost: after one mock tick (three times), and after five at
 *    once (more values in one round), the values that changed on screen
 *    (a cell-by-cell diff of the screen) and the bytes of the update that
 *    drew them highlighted, apart from the bytes of the later update that
 *    took the highlight away; each per changed value beyond the values' own
 *    characters (BENCH_DEBUG=1 prints every update's bytes);
 *  - memory: VmRSS once 100,000 drivers are loaded and requests stopped.
 *
 * The mock's rate limit is off: these are the console's figures, not the
 * server's throttle (the console's own client-side bucket still applies).
 */
#include <signal.h>
#include <stdint.h>
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

/* Long enough for the CPU figure: /proc counts in 10 ms ticks, so over 30 s
 * one tick is 0.02 CPU-s per minute. */
#define IDLE_S 30

static void bench_idle(size_t *bytes, double *cpu_per_min)
{
	struct run r;
	*bytes = 0;
	*cpu_per_min = -1;
	if (!run_start(&r, 240, "5") || !term_wait_for(r.t, r.first_fleet, 30000)) {
		run_stop(&r);
		return;
	}
	wait_all_loaded(&r, 240, 30000);
	term_wait_idle(r.t, 1000, 10000);
	size_t mark = term_mark(r.t);
	double c0 = term_cpu_seconds(r.t);
	sleep_ms(IDLE_S * 1000);
	*bytes = term_bytes_written_since(r.t, mark);
	*cpu_per_min = (term_cpu_seconds(r.t) - c0) * 60.0 / IDLE_S;
	run_stop(&r);
}

/* One burst of output: the bytes of one screen update (ncurses writes an
 * update in one go; bursts are apart by more than SEG_GAP_MS). */
struct seg {
	double at; /* ms since the recording started */
	size_t from, to;
};
#define SEG_GAP_MS 25
#define REFRESH_TRIALS 3 /* ticks, each measured alone */
#define SEG_MAX 64

/* Record the program's output for ms, burst by burst. */
static int record_segments(struct term *t, double ms, struct seg *segs)
{
	int n = 0;
	double t0 = term_now_ms(), last = -1;
	size_t seen = term_mark(t);
	while (term_now_ms() - t0 < ms) {
		term_wait_output(t, seen, 2);
		size_t now = term_mark(t);
		if (now == seen)
			continue;
		double at = term_now_ms() - t0;
		if (n > 0 && at - last <= SEG_GAP_MS) {
			segs[n - 1].to = now;
		} else if (n < SEG_MAX) {
			segs[n++] = (struct seg){at, seen, now};
		}
		last = at;
		seen = now;
	}
	return n;
}

/* The screen's characters, one code point per cell (malloc'd). */
static uint32_t *screen_cells(struct term *t)
{
	int rows = term_rows(t), cols = term_cols(t);
	uint32_t *g = calloc((size_t)rows * (size_t)cols, sizeof *g);
	for (int y = 0; g && y < rows; y++)
		for (int x = 0; x < cols; x++) {
			struct term_cell_attrs a;
			if (term_cell_attrs(t, y, x, &a) == 0)
				g[y * cols + x] = a.ch ? a.ch : ' ';
		}
	return g;
}

static size_t utf8_len(uint32_t c)
{
	return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

/* Values on screen that differ between two grids: each run of changed
 * cells widened to the blank-delimited token around it in `after`.  *chars
 * gets the UTF-8 bytes of those tokens as they now read. */
static int changed_values(const uint32_t *before, const uint32_t *after, int rows, int cols,
			  size_t *chars)
{
	int k = 0;
	*chars = 0;
	for (int y = 0; y < rows; y++) {
		const uint32_t *b = before + y * cols, *a = after + y * cols;
		for (int x = 0; x < cols; x++) {
			if (a[x] == b[x])
				continue;
			int s = x, e = x;
			while (s > 0 && a[s - 1] != ' ' && a[s - 1] < 0x2500)
				s--;
			while (e + 1 < cols && (a[e + 1] != ' ' || b[e + 1] != a[e + 1]) &&
			       a[e + 1] < 0x2500)
				e++;
			for (int i = s; i <= e; i++)
				*chars += a[i] == ' ' ? 0 : utf8_len(a[i]);
			k++;
			x = e;
		}
	}
	return k;
}

static void dump_bytes(struct term *t, const char *what, size_t from, size_t to)
{
	size_t len = 0;
	unsigned char *raw = term_raw_bytes(t, &len);
	fprintf(stderr, "%s (%zu B): ", what, to - from);
	for (size_t i = from; raw && i < to && i < len; i++) {
		if (raw[i] == 0x1b)
			fputs("\\e", stderr);
		else if (raw[i] < 0x20)
			fprintf(stderr, "^%c", raw[i] + 64);
		else
			fputc(raw[i], stderr);
	}
	fputc('\n', stderr);
	free(raw);
}

/* What the bytes of an update are for: attributes (SGR, and the charset
 * reset of sgr0), cursor movement, or text. */
struct byte_kinds {
	size_t sgr, move, text, other;
};

static void byte_kinds_add(struct term *t, size_t from, size_t to, struct byte_kinds *k)
{
	size_t len = 0;
	unsigned char *raw = term_raw_bytes(t, &len);
	for (size_t i = from; raw && i < to && i < len;) {
		if (raw[i] == 0x1b && i + 2 < len && raw[i + 1] == '(') {
			k->sgr += 3;
			i += 3;
		} else if (raw[i] == 0x1b && i + 1 < len && raw[i + 1] == '[') {
			size_t j = i + 2;
			while (j < len && j < to && (raw[j] < 0x40 || raw[j] > 0x7e))
				j++;
			size_t n = j + 1 - i;
			if (j < len && raw[j] == 'm')
				k->sgr += n;
			else if (j < len && strchr("HfdGABCDEF", raw[j]))
				k->move += n;
			else
				k->other += n;
			i = j + 1;
		} else if (raw[i] == '\b' || raw[i] == '\r' || raw[i] == '\n') {
			k->move++;
			i++;
		} else if (raw[i] < 0x20) {
			k->other++;
			i++;
		} else {
			k->text++;
			i++;
		}
	}
	free(raw);
}

struct refresh_cost {
	size_t quiet_bytes; /* two rounds that changed nothing */
	int values;	    /* values on screen the tick changed */
	size_t chars;	    /* their characters (UTF-8 bytes) as they now read */
	size_t write_bytes; /* the update(s) that drew them, highlighted */
	size_t expiry_bytes; /* the update(s) that took the highlight away */
	size_t other_bytes;  /* anything later (a next round's changes) */
	int writes, expiries;
	struct byte_kinds wk, ek; /* the refresh write's and the expiry's bytes by kind */
};

/* Sort the bursts after a tick: those within 1.5 s of the first drew the
 * new values; those 1.5 to 2.9 s later removed the highlight (it lasts
 * 2 s); anything after that belongs to a later round. */
static void classify(struct term *t, const struct seg *segs, int n, struct refresh_cost *c)
{
	bool debug = getenv("BENCH_DEBUG") != NULL;
	for (int i = 0; i < n; i++) {
		double rel = segs[i].at - segs[0].at;
		size_t b = segs[i].to - segs[i].from;
		char what[64];
		if (rel < 1500) {
			c->write_bytes += b;
			c->writes++;
			byte_kinds_add(t, segs[i].from, segs[i].to, &c->wk);
			snprintf(what, sizeof what, "write  +%5.0f ms", rel);
		} else if (rel < 2900) {
			c->expiry_bytes += b;
			c->expiries++;
			byte_kinds_add(t, segs[i].from, segs[i].to, &c->ek);
			snprintf(what, sizeof what, "expiry +%5.0f ms", rel);
		} else {
			c->other_bytes += b;
			snprintf(what, sizeof what, "later  +%5.0f ms", rel);
		}
		if (debug)
			dump_bytes(t, what, segs[i].from, segs[i].to);
	}
}

/* One measured change: `ticks` activity steps at once, then the round that
 * shows them and the expiry of their highlight. */
static void refresh_trial(struct run *r, int ticks, struct refresh_cost *c)
{
	uint32_t *before = screen_cells(r->t);
	mockctl_tick(r->mc, ticks);
	struct seg segs[SEG_MAX];
	int n = record_segments(r->t, 5800, segs);
	uint32_t *after = screen_cells(r->t);
	size_t chars = 0;
	if (before && after)
		c->values += changed_values(before, after, term_rows(r->t), term_cols(r->t), &chars);
	c->chars += chars;
	classify(r->t, segs, n, c);
	free(before);
	free(after);
}

/* c: single ticks, measured one by one; big: one round that shows five
 * ticks' changes at once (more values per update). */
static void bench_refresh_bytes(struct refresh_cost *c, struct refresh_cost *big)
{
	struct run r;
	memset(c, 0, sizeof *c);
	memset(big, 0, sizeof *big);
	c->values = big->values = -1;
	if (!run_start(&r, 240, "3") || !term_wait_for(r.t, r.first_fleet, 30000)) {
		run_stop(&r);
		return;
	}
	wait_all_loaded(&r, 240, 30000);
	term_wait_idle(r.t, 1500, 10000);
	size_t mark = term_mark(r.t);
	sleep_ms(6500); /* two refresh rounds with nothing changed */
	c->quiet_bytes = term_bytes_written_since(r.t, mark);
	c->values = big->values = 0;
	for (int trial = 0; trial < REFRESH_TRIALS; trial++)
		refresh_trial(&r, 1, c);
	refresh_trial(&r, 5, big);
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

static void print_refresh(const struct refresh_cost *c, const char *what)
{
	int k = c->values > 0 ? c->values : 1;
	printf("%-44s%10s %7d\n", "refresh: values changed on screen", what, c->values);
	printf("%-52s %12zu B\n", "  their characters (UTF-8 bytes)", c->chars);
	printf("%-44s%6d upd %9zu B\n", "  refresh write: bytes", c->writes, c->write_bytes);
	printf("%-44s%6d upd %9zu B\n", "  highlight expiry: bytes", c->expiries, c->expiry_bytes);
	printf("%-52s %12zu B\n", "  later rounds: bytes", c->other_bytes);
	printf("%-40s%4zu/%4zu/%4zu/%4zu B\n", "  refresh write: attrs/moves/text/other", c->wk.sgr,
	       c->wk.move, c->wk.text, c->wk.other);
	printf("%-40s%4zu/%4zu/%4zu/%4zu B\n", "  expiry: attrs/moves/text/other", c->ek.sgr,
	       c->ek.move, c->ek.text, c->ek.other);
	printf("%-52s %12.1f B\n", "  write per changed value, beyond its chars",
	       ((double)c->write_bytes - (double)c->chars) / k);
	printf("%-52s %12.1f B\n", "  expiry per changed value, beyond its chars",
	       ((double)c->expiry_bytes - (double)c->chars) / k);
	printf("%-52s %12.1f B\n", "  both per changed value, chars counted once",
	       ((double)c->write_bytes + (double)c->expiry_bytes - (double)c->chars) / k);
}

int main(int argc, char **argv)
{
	bool quick = false;
	const char *only = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0)
			quick = true;
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
			only = argv[++i];
	}
	int big = quick ? 10000 : 100000;
	signal(SIGPIPE, SIG_IGN);
	double fleet_ms = -1, driver_ms = -1, all_ms = -1, med = -1, worst = -1, cpu_min = -1;
	double settle = -1;
	size_t idle_bytes = 0, gets = 0;
	int samples = 0;
	long rss = -1;
	struct refresh_cost rc = {.values = -1}, rc5 = {.values = -1};
#define RUN(name) (!only || strcmp(only, name) == 0)
	if (RUN("first"))
		bench_first_screen(&fleet_ms, &driver_ms, &all_ms);
	if (RUN("keys"))
		bench_keys(big, &med, &worst, &samples);
	if (RUN("idle"))
		bench_idle(&idle_bytes, &cpu_min);
	if (RUN("refresh"))
		bench_refresh_bytes(&rc, &rc5);
	if (RUN("rss"))
		bench_rss(big, &rss, &settle, &gets);

	printf("chargetui console benchmark (120x40, xterm-256color, loopback charge-mock)\n");
	printf("%-52s %14s\n", "measure", "value");
	if (RUN("first")) {
		printf("%-52s %12.0f ms\n", "first screen, 10,000 drivers: first fleet row",
		       fleet_ms);
		printf("%-52s %12.0f ms\n", "first screen, 10,000 drivers: first driver row (j)",
		       driver_ms);
		printf("%-52s %12.0f ms\n", "10,000 drivers: all loaded (status line)", all_ms);
	}
	if (RUN("keys")) {
		printf("%-44s%6d drv %9.1f ms\n", "keystroke latency while loading, median", big,
		       med);
		printf("%-44s%6d drv %9.1f ms\n", "keystroke latency while loading, worst", big,
		       worst);
		printf("%-52s %12d\n", "  (keystrokes measured, of 20)", samples);
	}
	if (RUN("idle")) {
		printf("%-52s %12zu B\n", "idle: bytes written in 30 s (refresh 5 s: 6 rounds)",
		       idle_bytes);
		printf("%-52s %12.3f s\n", "idle: CPU-seconds per minute", cpu_min);
	}
	if (RUN("refresh")) {
		printf("%-52s %12zu B\n", "refresh, nothing changed: bytes in 2 rounds",
		       rc.quiet_bytes);
		print_refresh(&rc, "3 x 1 tick");
		print_refresh(&rc5, "5 ticks");
	}
	if (RUN("rss")) {
		printf("%-44s%6d drv %9ld KiB\n", "resident memory once loaded (VmRSS)", big, rss);
		printf("%-52s %12.1f s\n", "  time until requests stopped", settle);
		printf("%-52s %12zu\n", "  GET /v1/drivers requests made", gets);
	}
	return 0;
}
