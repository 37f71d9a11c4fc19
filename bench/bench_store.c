/*
 * bench_store — the store's figures for 100,000 drivers: per-keystroke filter
 * time while typing and erasing, sort times, record size and resident memory.
 * Drivers are decoded from JSON by the real decoder (json_decode_driver), so
 * the heap figure is what the console would hold.  Prints figures, not
 * pass/fail.  Usage: bench_store [N]   (default 100000)
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chargetui/json.h"
#include "chargetui/store.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

static const char *first[] = {"Marie", "Mario", "Anna", "Lars", "Chloé", "Ülrich", "Martha",
			      "Omar", "Sofia", "Jean", "Li", "Ngozi", "Pavel", "Inès", "Kenji",
			      "Amara"};
static const char *last[] = {"Curie", "Rossi", "Müller", "Dubois", "Nguyen", "Okafor",
			     "Kowalski", "García", "Smith", "Tanaka", "Haddad", "Larsen"};

/* 32 base62 characters derived from (kind, n): ids as long as the API's. */
static void mk_id(char *out, const char *prefix, unsigned kind, unsigned n)
{
	static const char b62[] =
		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	uint64_t x = (uint64_t)kind * 0x9E3779B97F4A7C15ull ^ ((uint64_t)n + 1) * 0xBF58476D1CE4E5B9ull;
	size_t k = strlen(prefix);
	memcpy(out, prefix, k);
	for (int i = 0; i < 32; i++) {
		x ^= x >> 29;
		x *= 0x94D049BB133111EBull;
		out[k + i] = b62[(x >> 33) % 62];
	}
	out[k + 32] = '\0';
}

/* A driver shaped like charge-mock's (and the contract's): 36-character ids,
 * one fleet of 50, one policy of 8, 0-2 stations of 40, 0-1 CPO of 6, 1-2
 * vehicles of its own. */
static int make_json(char *buf, size_t n, unsigned i)
{
	const char *f = first[i % 16], *l = last[(i / 16) % 12];
	char id[40], fl[40], pol[40], st1[40], st2[40], v1[40], v2[40];
	mk_id(id, "drv_", 1, i);
	mk_id(fl, "flt_", 2, i % 50);
	mk_id(pol, "pol_", 3, i % 8);
	mk_id(st1, "chst_", 4, i % 40);
	mk_id(st2, "chst_", 4, (i / 3) % 40);
	mk_id(v1, "veh_", 5, i);
	mk_id(v2, "veh_", 6, i);
	char stations[100] = "", cpo[40] = "", veh[100];
	if (i % 3 == 1)
		snprintf(stations, sizeof(stations), "\"%s\"", st1);
	else if (i % 3 == 2)
		snprintf(stations, sizeof(stations), "\"%s\",\"%s\"", st1, st2);
	if (i % 2)
		snprintf(cpo, sizeof(cpo), "\"cpo_operator_%u\"", i % 6);
	if (i % 2)
		snprintf(veh, sizeof(veh), "\"%s\",\"%s\"", v1, v2);
	else
		snprintf(veh, sizeof(veh), "\"%s\"", v1);
	return snprintf(
		buf, n,
		"{\"id\":\"%s\",\"object\":\"driver\",\"created\":\"2026-03-%02uT10:%02u:00.000Z\","
		"\"email\":\"%c.%s%u@fleet%u.example.com\",\"fleets\":[\"%s\"],"
		"\"license_number\":\"PL-%08u\",\"metadata\":{},\"name\":\"%s %s\","
		"\"phone\":\"+4822%07u\",\"policy_ids\":[\"%s\"],"
		"\"preferences\":{\"charging_speed\":\"fast\",\"currency\":\"pln\","
		"\"default_payment_method\":null,\"max_price_per_kwh\":null,\"notifications\":true,"
		"\"preferred_charging_stations\":[%s],\"preferred_cpos\":[%s]},"
		"\"status\":\"active\",\"updated\":\"2026-04-01T00:13:30.836Z\","
		"\"vehicles\":[%s],\"wallet_balance\":%u}",
		id, 1 + i % 28, i % 60, f[0] | 0x20, l, i, i % 97, fl, i, f, l, i % 10000000, pol,
		stations, cpo, veh, (i * 7919) % 100000);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Type the sequence key by key (then erase it), `rounds` times; each step is
 * what a keystroke costs the UI: set the filter, read the length, find the
 * selected id. */
static void typing(struct store_view *v, const char *label, const char *const *steps,
		   size_t nsteps, int rounds)
{
	double *t = calloc(nsteps * (size_t)rounds, sizeof(double));
	size_t k = 0;
	size_t last_len = 0;
	char sel[40]; /* a driver that exists, so the find really scans the rows */
	mk_id(sel, "drv_", 1, 4242);
	for (int r = 0; r < rounds; r++) {
		for (size_t i = 0; i < nsteps; i++) {
			double t0 = now_ms();
			store_view_set_filter(v, steps[i]);
			last_len = store_view_len(v);
			store_view_find(v, sel);
			t[k++] = now_ms() - t0;
		}
	}
	qsort(t, k, sizeof(double), cmp_d);
	printf("  %-28s %3zu keys: median %6.2f ms  p95 %6.2f ms  max %6.2f ms  (last: %zu rows)\n",
	       label, k, t[k / 2], t[(k * 95) / 100], t[k - 1], last_len);
	free(t);
}

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 100000;
	long rss0 = rss_kib();
	struct mallinfo2 m0 = mallinfo2();
	struct store *s = store_new();
	char buf[2048];
	double t0 = now_ms();
	for (unsigned i = 0; i < n; i++) {
		struct driver d = {0};
		struct api_error err = {0};
		int len = make_json(buf, sizeof(buf), i);
		if (json_decode_driver(buf, (size_t)len, &d, &err) < 0) {
			fprintf(stderr, "decode failed: %s\n", err.detail ? err.detail : "?");
			return 1;
		}
		store_put_driver(s, &d);
	}
	double load_ms = now_ms() - t0;
	struct mallinfo2 m1 = mallinfo2();
	long rss1 = rss_kib();
	printf("bench_store: %u drivers\n", n);
	printf("  load (decode + put)          %.0f ms\n", load_ms);
	printf("  JSON per driver              ~%d bytes (mock-like: 36-char ids, arrays)\n",
	       make_json(buf, sizeof(buf), 4242));
	printf("  sizeof(struct driver)        %zu bytes\n", sizeof(struct driver));
	printf("  heap per driver              %.0f bytes (record, strings, haystack, index)\n",
	       (double)(m1.uordblks - m0.uordblks) / n);
	printf("  RSS before / after load      %.1f / %.1f MiB (free in heap %.1f MiB)\n",
	       rss0 / 1024.0, rss1 / 1024.0, (double)m1.fordblks / 1048576.0);
	malloc_trim(0);
	printf("  RSS after malloc_trim        %.1f MiB\n", rss_kib() / 1024.0);

	struct store_view *v = store_view_new(s, VIEW_DRIVERS);
	static const struct {
		enum sort_key k;
		const char *name;
	} sorts[] = {{SORT_DEFAULT, "default (newest)"}, {SORT_NAME, "name"},
		     {SORT_BALANCE, "balance"}, {SORT_STATUS, "status"}};
	for (size_t i = 0; i < 4; i++) {
		t0 = now_ms();
		store_view_set_sort(v, sorts[i].k, false);
		store_view_len(v);
		printf("  sort by %-20s %.1f ms\n", sorts[i].name, now_ms() - t0);
	}
	printf("  RSS with a sorted view       %.1f MiB\n", rss_kib() / 1024.0);
	/* Drivers are materialized on access: what drawing a screen of rows
	 * costs, and walking every row's id (mark all) without materializing. */
	t0 = now_ms();
	for (int r = 0; r < 100; r++) {
		store_tick(s);
		for (size_t i = 0; i < 40; i++)
			store_view_driver(v, (size_t)r * 997 + i);
	}
	printf("  materialize 40 rows          %.3f ms (new epoch each screen)\n",
	       (now_ms() - t0) / 100);
	t0 = now_ms();
	size_t idbytes = 0;
	for (size_t i = 0; i < n; i++)
		idbytes += strlen(store_view_id(v, i));
	printf("  every row's id (%zu bytes)  %.1f ms\n", idbytes, now_ms() - t0);

	printf("filter keystrokes (name sort, 10 rounds each):\n");
	static const char *mari[] = {"m", "ma", "mar", "mari", "marie", "marie ", "marie c",
				     "marie cu", "marie c", "marie ", "marie", "mari", "mar",
				     "ma", "m", ""};
	typing(v, "type+erase 'marie cu'", mari, 16, 10);
	static const char *dom[] = {"f", "fl", "fle", "flee", "fleet", "fleet4", "fleet42"};
	typing(v, "type 'fleet42' (email)", dom, 7, 10);
	static const char *uni[] = {"m", "mü", "mül", "müll", "MÜLLER"};
	typing(v, "type 'müller' (UTF-8)", uni, 5, 10);
	static const char *widen[] = {"zzzz", "e", "zzzz", "e"};
	typing(v, "worst: widen to ~all rows", widen, 4, 10);
	char fid[40];
	mk_id(fid, "flt_", 2, 42);
	store_view_set_fleet(v, fid);
	static const char *fl[] = {"a", "an", "ann", "anna"};
	typing(v, "in one fleet 'anna'", fl, 4, 10);

	/* What a refresh round costs the UI with 100,000 drivers on screen: 60
	 * balances move, then the view is read again. */
	store_view_set_fleet(v, NULL);
	store_view_set_filter(v, "");
	printf("refresh of 60 visible balances, then redraw (10 rounds):\n");
	for (int sk = 0; sk < 2; sk++) {
		store_view_set_sort(v, sk ? SORT_BALANCE : SORT_NAME, false);
		store_view_len(v);
		double worst = 0, total = 0;
		for (int r = 0; r < 10; r++) {
			t0 = now_ms();
			for (unsigned i = 0; i < 60; i++) {
				struct driver d = {0};
				struct api_error err = {0};
				unsigned k = (i * 1597u + (unsigned)r) % n;
				int len = make_json(buf, sizeof(buf), k);
				if (json_decode_driver(buf, (size_t)len, &d, &err) < 0)
					return 1;
				d.wallet_balance.v += 1000 * (sk + 1) + r;
				store_put_driver(s, &d);
			}
			store_view_len(v);
			double dt = now_ms() - t0;
			total += dt;
			worst = dt > worst ? dt : worst;
		}
		printf("  sorted by %-8s             mean %6.2f ms  max %6.2f ms\n",
		       sk ? "balance" : "name", total / 10, worst);
	}
	/* First load arrives as pages of 100; the view is read after each. */
	struct store *s2 = store_new();
	struct store_view *v2 = store_view_new(s2, VIEW_DRIVERS);
	store_view_set_sort(v2, SORT_NAME, false);
	double worst = 0;
	t0 = now_ms();
	for (unsigned p = 0; p < n / 100; p++) {
		double tp = now_ms();
		for (unsigned i = p * 100; i < p * 100 + 100; i++) {
			struct driver d = {0};
			struct api_error err = {0};
			int len = make_json(buf, sizeof(buf), i);
			if (json_decode_driver(buf, (size_t)len, &d, &err) < 0)
				return 1;
			store_put_driver(s2, &d);
		}
		store_view_len(v2);
		double dt = now_ms() - tp;
		worst = dt > worst ? dt : worst;
	}
	printf("first load in pages of 100, view read after each page:\n");
	printf("  total %.0f ms, worst page %.2f ms\n", now_ms() - t0, worst);
	store_view_free(v2);
	store_free(s2);

	store_view_free(v);
	store_free(s);
	return 0;
}
