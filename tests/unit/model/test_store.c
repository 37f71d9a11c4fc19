/* Unit tests for src/model/store.c: index, change masks, views. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chargetui/store.h"

static void set_str(struct opt_str *s, const char *v)
{
	ck_assert_int_eq(opt_str_set(s, v), 0);
}

static void set_list(struct str_list *l, const char *a, const char *b)
{
	l->st = FIELD_SET;
	l->n = (a != NULL) + (b != NULL);
	l->v = calloc(2, sizeof(char *));
	ck_assert_ptr_nonnull(l->v);
	size_t i = 0;
	if (a)
		l->v[i++] = strdup(a);
	if (b)
		l->v[i++] = strdup(b);
}

/* A driver with the searchable fields set; fleet may be NULL. */
static struct driver mkdrv(const char *id, const char *name, const char *email,
			   const char *phone, int64_t balance, int64_t created, const char *fleet)
{
	struct driver d;
	memset(&d, 0, sizeof(d));
	set_str(&d.id, id);
	set_str(&d.name, name);
	set_str(&d.email, email);
	if (phone)
		set_str(&d.phone, phone);
	else
		d.phone.st = FIELD_NULL;
	set_str(&d.status, "active");
	d.wallet_balance.st = FIELD_SET;
	d.wallet_balance.v = balance;
	d.created.st = FIELD_SET;
	d.created.ms = created;
	set_list(&d.fleets, fleet, NULL);
	set_list(&d.vehicles, NULL, NULL);
	return d;
}

static struct fleet mkflt(const char *id, const char *name, int64_t sessions, double kwh)
{
	struct fleet f;
	memset(&f, 0, sizeof(f));
	set_str(&f.id, id);
	set_str(&f.name, name);
	f.total_sessions.st = FIELD_SET;
	f.total_sessions.v = sessions;
	f.total_energy_consumed_kwh.st = FIELD_SET;
	f.total_energy_consumed_kwh.v = kwh;
	f.total_drivers.st = FIELD_SET;
	f.total_drivers.v = 3;
	f.wallet_balance.st = FIELD_SET;
	f.wallet_balance.v = 100;
	return f;
}

static unsigned put(struct store *s, struct driver d)
{
	return store_put_driver(s, &d);
}

START_TEST(test_put_replace_masks)
{
	struct store *s = store_new();
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(put(s, mkdrv("drv_1", "Ann", "a@x", NULL, 10, 1, NULL)), STORE_NEW);
	ck_assert_uint_eq(store_driver_count(s), 1);
	const struct driver *d = store_driver(s, "drv_1");
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(d->name.v, "Ann");
	/* identical -> 0 */
	ck_assert_uint_eq(put(s, mkdrv("drv_1", "Ann", "a@x", NULL, 10, 1, NULL)), 0);
	/* balance only */
	ck_assert_uint_eq(put(s, mkdrv("drv_1", "Ann", "a@x", NULL, 11, 1, NULL)),
			  STORE_CHG_BALANCE);
	/* name -> other; fleets -> drivers bit */
	ck_assert_uint_eq(put(s, mkdrv("drv_1", "Anne", "a@x", NULL, 11, 1, NULL)),
			  STORE_CHG_OTHER);
	ck_assert_uint_eq(put(s, mkdrv("drv_1", "Anne", "a@x", NULL, 11, 1, "flt_1")),
			  STORE_CHG_DRIVERS);
	/* `updated` alone counts as other, but not beside a balance change */
	struct driver u = mkdrv("drv_1", "Anne", "a@x", NULL, 11, 1, "flt_1");
	u.updated.st = FIELD_SET;
	u.updated.ms = 5;
	ck_assert_uint_eq(store_put_driver(s, &u), STORE_CHG_OTHER);
	ck_assert_int_eq(u.id.st, FIELD_MISSING); /* taken, left cleared */
	u = mkdrv("drv_1", "Anne", "a@x", NULL, 12, 1, "flt_1");
	u.updated.st = FIELD_SET;
	u.updated.ms = 6;
	ck_assert_uint_eq(store_put_driver(s, &u), STORE_CHG_BALANCE);
	/* a put ends the epoch: fetch the driver again */
	d = store_driver(s, "drv_1");
	ck_assert_int_eq(d->wallet_balance.v, 12);
	/* a record that outgrows its first allocation, then shrinks again, reads
	 * back exactly */
	char longname[600];
	memset(longname, 'z', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ck_assert_uint_eq(put(s, mkdrv("drv_1", longname, "a@x", "+1", 12, 1, "flt_1")),
			  STORE_CHG_OTHER);
	d = store_driver(s, "drv_1");
	ck_assert_str_eq(d->name.v, longname);
	ck_assert_str_eq(d->phone.v, "+1");
	ck_assert_str_eq(d->fleets.v[0], "flt_1");
	ck_assert_uint_eq(put(s, mkdrv("drv_1", "Anne", "a@x", NULL, 12, 1, "flt_1")),
			  STORE_CHG_OTHER);
	d = store_driver(s, "drv_1");
	ck_assert_str_eq(d->name.v, "Anne");
	ck_assert_int_eq(d->phone.st, FIELD_NULL);
	ck_assert_ptr_null(d->phone.v);
	ck_assert_str_eq(d->status.v, "active");
	/* no id -> dropped */
	struct driver noid = mkdrv("drv_2", "X", "x", NULL, 0, 0, NULL);
	opt_str_clear(&noid.id);
	ck_assert_uint_eq(store_put_driver(s, &noid), 0);
	ck_assert_uint_eq(store_driver_count(s), 1);
	ck_assert_ptr_null(store_driver(s, "drv_2"));

	struct fleet f = mkflt("flt_1", "Depot", 10, 1.5);
	ck_assert_uint_eq(store_put_fleet(s, &f), STORE_NEW);
	f = mkflt("flt_1", "Depot", 11, 2.5);
	ck_assert_uint_eq(store_put_fleet(s, &f), STORE_CHG_SESSIONS | STORE_CHG_ENERGY);
	f = mkflt("flt_1", "Depot", 11, 2.5);
	f.total_drivers.v = 4;
	f.wallet_balance.v = 1;
	ck_assert_uint_eq(store_put_fleet(s, &f), STORE_CHG_DRIVERS | STORE_CHG_BALANCE);
	ck_assert_uint_eq(store_fleet_count(s), 1);
	ck_assert_str_eq(store_fleet(s, "flt_1")->name.v, "Depot");

	ck_assert(store_remove_fleet(s, "flt_1"));
	ck_assert(!store_remove_fleet(s, "flt_1"));
	ck_assert_ptr_null(store_fleet(s, "flt_1"));
	ck_assert_uint_eq(store_fleet_count(s), 0);
	ck_assert(store_remove_driver(s, "drv_1"));
	ck_assert(!store_remove_driver(s, "drv_1"));
	ck_assert_uint_eq(store_driver_count(s), 0);
	store_free(s);
}
END_TEST

START_TEST(test_index_many_and_remove)
{
	struct store *s = store_new();
	char id[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(id, sizeof(id), "drv_%d", i);
		ck_assert_uint_eq(put(s, mkdrv(id, "n", "e", NULL, i, i, NULL)), STORE_NEW);
	}
	for (int i = 0; i < 5000; i += 2) {
		snprintf(id, sizeof(id), "drv_%d", i);
		ck_assert(store_remove_driver(s, id));
	}
	/* re-add some over the tombstones */
	for (int i = 0; i < 1000; i += 2) {
		snprintf(id, sizeof(id), "drv_%d", i);
		ck_assert_uint_eq(put(s, mkdrv(id, "n", "e", NULL, i, i, NULL)), STORE_NEW);
	}
	ck_assert_uint_eq(store_driver_count(s), 2500 + 500);
	for (int i = 0; i < 5000; i++) {
		snprintf(id, sizeof(id), "drv_%d", i);
		const struct driver *d = store_driver(s, id);
		bool want = (i % 2) || i < 1000;
		ck_assert_msg((d != NULL) == want, "%s", id);
		if (d)
			ck_assert_int_eq(d->wallet_balance.v, i);
	}
	store_free(s);
}
END_TEST

static struct store *sample(void)
{
	struct store *s = store_new();
	put(s, mkdrv("drv_a1", "Marie Curie", "marie@example.com", "+33100000001", 500, 10,
		     "flt_x"));
	put(s, mkdrv("drv_b2", "Martin Luther", "ml@example.org", NULL, -20, 20, "flt_y"));
	put(s, mkdrv("drv_c3", "ÉMILE Zola", "zola@example.fr", "+33100000003", 500, 30, "flt_x"));
	put(s, mkdrv("drv_d4", "bob", "BOB@EXAMPLE.COM", "+4470000", 7, 40, NULL));
	put(s, mkdrv("drv_e5", "Ωmega Ünïcode", "o@x", NULL, 0, 50, "flt_x"));
	return s;
}

static const char *row_id(struct store_view *v, size_t i)
{
	const struct driver *d = store_view_driver(v, i);
	return d ? d->id.v : NULL;
}

START_TEST(test_view_fleet_and_filter)
{
	struct store *s = sample();
	struct store_view *v = store_view_new(s, VIEW_DRIVERS);
	ck_assert_uint_eq(store_view_len(v), 5);
	/* default sort: newest first */
	ck_assert_str_eq(row_id(v, 0), "drv_e5");
	ck_assert_str_eq(row_id(v, 4), "drv_a1");
	ck_assert_ptr_null(store_view_fleet(v, 0)); /* wrong kind */

	store_view_set_fleet(v, "flt_x");
	ck_assert_uint_eq(store_view_len(v), 3);
	store_view_set_filter(v, "MAR"); /* name, case-insensitive */
	ck_assert_uint_eq(store_view_len(v), 1);
	ck_assert_str_eq(row_id(v, 0), "drv_a1");
	store_view_set_fleet(v, NULL);
	ck_assert_uint_eq(store_view_len(v), 2); /* Marie, Martin */

	store_view_set_filter(v, "example.com"); /* email, incl. upper-case stored */
	ck_assert_uint_eq(store_view_len(v), 2);
	store_view_set_filter(v, "drv_c"); /* id */
	ck_assert_uint_eq(store_view_len(v), 1);
	ck_assert_str_eq(row_id(v, 0), "drv_c3");
	store_view_set_filter(v, "+4470"); /* phone */
	ck_assert_str_eq(row_id(v, 0), "drv_d4");
	ck_assert_uint_eq(store_view_len(v), 1);
	store_view_set_filter(v, "émile"); /* Latin-1 fold: É == é */
	ck_assert_uint_eq(store_view_len(v), 1);
	ck_assert_str_eq(row_id(v, 0), "drv_c3");
	store_view_set_filter(v, "Ωmega ün"); /* other UTF-8 passes through */
	ck_assert_uint_eq(store_view_len(v), 1);
	ck_assert_str_eq(row_id(v, 0), "drv_e5");
	store_view_set_filter(v, "curie\x1fmarie"); /* no match across fields */
	ck_assert_uint_eq(store_view_len(v), 0);
	store_view_set_filter(v, "zzz");
	ck_assert_uint_eq(store_view_len(v), 0);
	ck_assert_int_eq(store_view_find(v, "drv_a1"), -1);
	store_view_set_filter(v, "");
	ck_assert_uint_eq(store_view_len(v), 5);
	store_view_set_filter(v, NULL);
	ck_assert_uint_eq(store_view_len(v), 5);
	store_view_free(v);
	store_free(s);
}
END_TEST

START_TEST(test_view_narrow_widen_and_updates)
{
	struct store *s = sample();
	struct store_view *v = store_view_new(s, VIEW_DRIVERS);
	const char *steps[] = {"m", "ma", "mar", "mari", "mar", "ma", "m", "", "e", "ex"};
	size_t want[] = {5, 2, 2, 1, 2, 2, 5, 5, 5, 4};
	/* "m" also hits "example" in the e-mails; "ex": all but o@x */
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		store_view_set_filter(v, steps[i]);
		ck_assert_msg(store_view_len(v) == want[i], "'%s': %zu", steps[i],
			      store_view_len(v));
	}
	/* A store change under a narrowed view is seen. */
	store_view_set_filter(v, "mar");
	ck_assert_uint_eq(store_view_len(v), 2);
	put(s, mkdrv("drv_f6", "Mark Twain", "mt@x", NULL, 1, 60, NULL));
	store_view_set_filter(v, "mark");
	ck_assert_uint_eq(store_view_len(v), 1);
	ck_assert_str_eq(row_id(v, 0), "drv_f6");
	/* rename out of the filter */
	put(s, mkdrv("drv_f6", "Samuel Clemens", "sc@x", NULL, 1, 60, NULL));
	ck_assert_uint_eq(store_view_len(v), 0);
	store_view_set_filter(v, NULL);
	ck_assert_uint_eq(store_view_len(v), 6);
	ck_assert(store_remove_driver(s, "drv_a1"));
	ck_assert_uint_eq(store_view_len(v), 5);
	ck_assert_int_eq(store_view_find(v, "drv_a1"), -1);
	store_view_free(v);
	store_free(s);
}
END_TEST

static void expect_order(struct store_view *v, const char *const *ids, size_t n)
{
	ck_assert_uint_eq(store_view_len(v), n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(strcmp(row_id(v, i), ids[i]) == 0, "row %zu: %s != %s", i,
			      row_id(v, i), ids[i]);
}

START_TEST(test_view_sorts_stable_selection)
{
	struct store *s = sample();
	struct store_view *v = store_view_new(s, VIEW_DRIVERS);
	store_view_set_sort(v, SORT_NAME, false);
	/* casefolded bytes: bob < marie < martin < émile (0xC3) < Ωmega (0xCE) */
	const char *by_name[] = {"drv_d4", "drv_a1", "drv_b2", "drv_c3", "drv_e5"};
	expect_order(v, by_name, 5);
	store_view_set_sort(v, SORT_NAME, true);
	const char *by_name_d[] = {"drv_e5", "drv_c3", "drv_b2", "drv_a1", "drv_d4"};
	expect_order(v, by_name_d, 5);

	/* balance: 500 (a1), 500 (c3) tie keeps insertion order both ways */
	store_view_set_sort(v, SORT_BALANCE, false);
	const char *by_bal[] = {"drv_b2", "drv_e5", "drv_d4", "drv_a1", "drv_c3"};
	expect_order(v, by_bal, 5);
	store_view_set_sort(v, SORT_BALANCE, true);
	const char *by_bal_d[] = {"drv_a1", "drv_c3", "drv_d4", "drv_e5", "drv_b2"};
	expect_order(v, by_bal_d, 5);

	/* selection by id survives a re-sort and a refresh that moves the row */
	ck_assert_int_eq(store_view_find(v, "drv_d4"), 2);
	put(s, mkdrv("drv_d4", "bob", "BOB@EXAMPLE.COM", "+4470000", 9999, 40, NULL));
	ck_assert_int_eq(store_view_find(v, "drv_d4"), 0);
	store_view_set_sort(v, SORT_BALANCE, false);
	ck_assert_int_eq(store_view_find(v, "drv_d4"), 4);

	/* a missing balance sorts last in both directions */
	struct driver nb = mkdrv("drv_g7", "nobal", "n@x", NULL, 0, 70, NULL);
	nb.wallet_balance.st = FIELD_NULL;
	store_put_driver(s, &nb);
	ck_assert_int_eq(store_view_find(v, "drv_g7"), 5);
	store_view_set_sort(v, SORT_BALANCE, true);
	ck_assert_int_eq(store_view_find(v, "drv_g7"), 5);

	store_view_set_sort(v, SORT_DEFAULT, true); /* oldest first */
	ck_assert_str_eq(row_id(v, 0), "drv_a1");
	store_view_free(v);

	/* fleets: sessions, energy, drivers */
	struct fleet f = mkflt("flt_1", "b", 5, 3.0);
	store_put_fleet(s, &f);
	f = mkflt("flt_2", "A", 9, 1.0);
	store_put_fleet(s, &f);
	f = mkflt("flt_3", "c", 1, 2.0);
	store_put_fleet(s, &f);
	v = store_view_new(s, VIEW_FLEETS);
	ck_assert_ptr_null(store_view_driver(v, 0));
	store_view_set_sort(v, SORT_SESSIONS, false);
	ck_assert_str_eq(store_view_fleet(v, 0)->id.v, "flt_3");
	store_view_set_sort(v, SORT_ENERGY, true);
	ck_assert_str_eq(store_view_fleet(v, 0)->id.v, "flt_1");
	store_view_set_sort(v, SORT_NAME, false);
	ck_assert_str_eq(store_view_fleet(v, 0)->id.v, "flt_2");
	store_view_set_filter(v, "C");
	ck_assert_uint_eq(store_view_len(v), 1);
	ck_assert_int_eq(store_view_find(v, "flt_3"), 0);
	store_view_free(v);
	store_free(s);
}
END_TEST

/* Views kept up to date incrementally (merges of new pages, updates that
 * leave the order alone) must read exactly like a view built from scratch. */
static void same_as_fresh(struct store *s, struct store_view *v, enum sort_key k, bool desc,
			  const char *fleet, const char *filter)
{
	struct store_view *f = store_view_new(s, VIEW_DRIVERS);
	store_view_set_sort(f, k, desc);
	store_view_set_fleet(f, fleet);
	store_view_set_filter(f, filter);
	size_t n = store_view_len(f);
	ck_assert_uint_eq(store_view_len(v), n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(store_view_driver(v, i) == store_view_driver(f, i),
			      "key %d desc %d row %zu", k, desc, i);
	store_view_free(f);
}

START_TEST(test_incremental_views_match_rebuild)
{
	static const char *names[] = {"Zoe", "adam", "Émile", "bob", "Marie", "marc", "Ünal"};
	struct store *s = store_new();
	enum sort_key keys[] = {SORT_DEFAULT, SORT_NAME, SORT_BALANCE, SORT_UPDATED};
	struct store_view *v[8];
	for (int i = 0; i < 8; i++) {
		v[i] = store_view_new(s, VIEW_DRIVERS);
		store_view_set_sort(v[i], keys[i % 4], i >= 4);
		store_view_set_fleet(v[i], i % 3 == 0 ? "flt_a" : NULL);
		store_view_set_filter(v[i], i % 2 ? "ma" : NULL);
	}
	unsigned rnd = 7;
	char id[32], name[64];
	for (int page = 0; page < 12; page++) {
		for (int j = 0; j < 50; j++) {
			rnd = rnd * 1103515245u + 12345u;
			int n = (int)(rnd >> 8) % 400; /* some pages replace existing ids */
			snprintf(id, sizeof(id), "drv_%d", n);
			snprintf(name, sizeof(name), "%s %d", names[n % 7], (int)(rnd % 5));
			struct driver d = mkdrv(id, name, "x@y", NULL, (int64_t)(rnd % 97),
						n % 50, (rnd >> 4) % 2 ? "flt_a" : "flt_b");
			d.updated.st = FIELD_SET;
			d.updated.ms = (int64_t)(rnd % 13);
			store_put_driver(s, &d);
		}
		if (page == 6) {
			snprintf(id, sizeof(id), "drv_%d", 1 + (int)(rnd % 399));
			store_remove_driver(s, id);
		}
		for (int i = 0; i < 8; i++)
			same_as_fresh(s, v[i], keys[i % 4], i >= 4, i % 3 == 0 ? "flt_a" : NULL,
				      i % 2 ? "ma" : NULL);
	}
	for (int i = 0; i < 8; i++)
		store_view_free(v[i]);
	store_free(s);
}
END_TEST

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* v filtered by needle holds exactly the rows of the unfiltered `all` (same
 * sort) that contain it, in the same order (ASCII needles, so strcasestr
 * folds exactly as the store does). */
static void same_as_brute(struct store *s, struct store_view *v, enum sort_key key, bool desc,
			  const char *needle)
{
	struct store_view *all = store_view_new(s, VIEW_DRIVERS); /* built fresh */
	store_view_set_sort(all, key, desc);
	size_t k = 0, n = store_view_len(v);
	for (size_t r = 0; r < store_view_len(all); r++) {
		const struct driver *d = store_view_driver(all, r);
		if (!strcasestr(d->name.v, needle) && !strcasestr(d->email.v, needle) &&
		    !strcasestr(d->id.v, needle))
			continue;
		ck_assert_msg(store_view_driver(v, k) == d, "'%s' row %zu", needle, k);
		k++;
	}
	ck_assert_uint_eq(k, n);
	store_view_free(all);
}

/* 100,000 drivers: every filter result is checked against a brute-force
 * count; timings are printed, not asserted (the bench reports them). */
START_TEST(test_filter_100k)
{
	static const char *first[] = {"Marie", "Mario", "Anna", "Lars", "Chloé", "Ülrich",
				      "Martha", "Omar"};
	struct store *s = store_new();
	char id[32], name[64], email[64];
	for (int i = 0; i < 100000; i++) {
		snprintf(id, sizeof(id), "drv_%06d", i);
		snprintf(name, sizeof(name), "%s N%d", first[i % 8], i);
		snprintf(email, sizeof(email), "u%d@fleet%d.example", i, i % 97);
		put(s, mkdrv(id, name, email, NULL, i % 1000, i, i % 3 ? "flt_a" : "flt_b"));
	}
	ck_assert_uint_eq(store_driver_count(s), 100000);
	struct store_view *v = store_view_new(s, VIEW_DRIVERS);
	store_view_set_sort(v, SORT_NAME, false);
	double t0 = now_ms();
	ck_assert_uint_eq(store_view_len(v), 100000);
	printf("100k: sort by name %.2f ms\n", now_ms() - t0);
	/* Marie/Mario/Martha match "mar", "Omar" too; "mari": Marie+Mario. */
	const char *steps[] = {"m", "ma", "mar", "mari", "marie", "mari", "mar", "ma"};
	size_t want[] = {100000, 50000, 50000, 25000, 12500, 25000, 50000, 50000};
	for (size_t i = 0; i < 8; i++) {
		t0 = now_ms();
		store_view_set_filter(v, steps[i]);
		size_t n = store_view_len(v);
		printf("100k: filter '%s' -> %zu rows in %.2f ms\n", steps[i], n, now_ms() - t0);
		ck_assert_msg(n == want[i], "'%s': %zu != %zu", steps[i], n, want[i]);
		same_as_brute(s, v, SORT_NAME, false, steps[i]);
	}
	store_view_set_filter(v, "chloé");
	ck_assert_uint_eq(store_view_len(v), 12500);
	store_view_set_filter(v, "ÜLRICH");
	ck_assert_uint_eq(store_view_len(v), 12500);
	store_view_set_fleet(v, "flt_b");
	ck_assert_uint_eq(store_view_len(v), 4166); /* i % 8 == 5 and i % 3 == 0 */
	store_view_set_fleet(v, NULL);
	/* the big-scan path after the view was patched (balances moved, rows
	 * re-placed) and merged (a page of new drivers) */
	store_view_set_sort(v, SORT_BALANCE, true);
	store_view_set_filter(v, "ma");
	store_view_len(v);
	for (int i = 0; i < 500; i++) {
		snprintf(id, sizeof(id), "drv_%06d", i * 37);
		snprintf(name, sizeof(name), "%s N%d", first[(i * 37) % 8], i * 37);
		snprintf(email, sizeof(email), "u%d@fleet%d.example", i * 37, (i * 37) % 97);
		put(s, mkdrv(id, name, email, NULL, 5000 + i, i * 37, (i * 37) % 3 ? "flt_a" : "flt_b"));
	}
	for (int i = 100000; i < 103000; i++) {
		snprintf(id, sizeof(id), "drv_%06d", i);
		snprintf(name, sizeof(name), "%s N%d", first[i % 8], i);
		put(s, mkdrv(id, name, "new@x", NULL, i % 7000, i, "flt_a"));
	}
	const char *again[] = {"m", "ma", "mar", "omar", "ar"};
	for (size_t i = 0; i < 5; i++) {
		store_view_set_filter(v, again[i]);
		same_as_brute(s, v, SORT_BALANCE, true, again[i]);
	}
	store_view_free(v);
	store_free(s);
}
END_TEST

/* ---- packed records and the materialization cache ---- */

static void ck_opt(const struct opt_str *a, const struct opt_str *b, const char *what)
{
	ck_assert_msg(a->st == b->st, "%s state", what);
	ck_assert_msg((a->v == NULL) == (b->v == NULL), "%s null", what);
	if (a->v)
		ck_assert_msg(strcmp(a->v, b->v) == 0, "%s: '%s' != '%s'", what, a->v, b->v);
}

static void ck_list(const struct str_list *a, const struct str_list *b, const char *what)
{
	ck_assert_msg(a->st == b->st && a->n == b->n, "%s", what);
	for (size_t i = 0; i < a->n; i++) {
		ck_assert_msg((a->v[i] == NULL) == (b->v[i] == NULL), "%s[%zu]", what, i);
		if (a->v[i])
			ck_assert_str_eq(a->v[i], b->v[i]);
	}
}

/* Every field of the materialized driver reads back as put. */
static void ck_same_driver(const struct driver *a, const struct driver *b)
{
	ck_opt(&a->id, &b->id, "id");
	ck_opt(&a->object, &b->object, "object");
	ck_opt(&a->email, &b->email, "email");
	ck_opt(&a->license_number, &b->license_number, "license");
	ck_opt(&a->name, &b->name, "name");
	ck_opt(&a->phone, &b->phone, "phone");
	ck_opt(&a->status, &b->status, "status");
	ck_list(&a->fleets, &b->fleets, "fleets");
	ck_list(&a->policy_ids, &b->policy_ids, "policies");
	ck_list(&a->vehicles, &b->vehicles, "vehicles");
	ck_assert(a->created.st == b->created.st && a->created.ms == b->created.ms);
	ck_assert(a->updated.st == b->updated.st && a->updated.ms == b->updated.ms);
	ck_assert(a->wallet_balance.st == b->wallet_balance.st &&
		  a->wallet_balance.v == b->wallet_balance.v);
	ck_assert_int_eq(a->metadata.st, b->metadata.st);
	ck_assert_uint_eq(a->metadata.n, b->metadata.n);
	for (size_t i = 0; i < a->metadata.n; i++) {
		ck_assert_str_eq(a->metadata.keys[i], b->metadata.keys[i]);
		ck_assert_str_eq(a->metadata.vals[i], b->metadata.vals[i]);
	}
	const struct driver_prefs *p = &a->preferences, *q = &b->preferences;
	ck_assert_int_eq(p->st, q->st);
	ck_opt(&p->charging_speed, &q->charging_speed, "speed");
	ck_opt(&p->currency, &q->currency, "currency");
	ck_opt(&p->default_payment_method, &q->default_payment_method, "pm");
	ck_assert(p->max_price_per_kwh.st == q->max_price_per_kwh.st &&
		  (p->max_price_per_kwh.st != FIELD_SET ||
		   p->max_price_per_kwh.v == q->max_price_per_kwh.v));
	ck_assert(p->notifications.st == q->notifications.st &&
		  p->notifications.v == q->notifications.v);
	ck_list(&p->preferred_charging_stations, &q->preferred_charging_stations, "stations");
	ck_list(&p->preferred_cpos, &q->preferred_cpos, "cpos");
}

/* A driver that uses every field, varied by i: states, case (shared with
 * the haystack or not), pooled and long strings, metadata. */
static struct driver mkfull(int i)
{
	char id[48], buf[160];
	snprintf(id, sizeof(id), i % 2 ? "drv_%05d" : "DRV_Mixed%05d", i);
	snprintf(buf, sizeof(buf), "Name %d", i);
	struct driver d = mkdrv(id, buf, i % 3 ? "lower@x.example" : "Upper@X.example",
				i % 4 ? "+4822000" : NULL, i * 10, i, i % 5 ? "flt_a" : NULL);
	set_str(&d.object, "driver");
	if (i % 7)
		set_str(&d.license_number, "PL-1");
	else
		d.license_number.st = FIELD_INVALID;
	set_list(&d.policy_ids, "pol_1", i % 2 ? "pol_2" : NULL);
	str_list_clear(&d.vehicles);
	memset(buf, 'v', 100);
	snprintf(buf + 100, 20, "%d", i); /* too long for the pool */
	set_list(&d.vehicles, buf, i % 3 ? "veh_b" : NULL);
	d.updated.st = i % 6 ? FIELD_SET : FIELD_NULL;
	d.updated.ms = i % 6 ? 1000 + i : 0;
	struct driver_prefs *p = &d.preferences;
	p->st = FIELD_SET;
	set_str(&p->charging_speed, "fast");
	set_str(&p->currency, "pln");
	p->default_payment_method.st = FIELD_NULL;
	p->max_price_per_kwh.st = i % 2 ? FIELD_SET : FIELD_NULL;
	p->max_price_per_kwh.v = i % 2 ? -(int64_t)i * 1000003 : 0;
	p->notifications.st = FIELD_SET;
	p->notifications.v = i % 3 == 0;
	set_list(&p->preferred_charging_stations, i % 2 ? "chst_1" : NULL, NULL);
	p->preferred_cpos.st = FIELD_INVALID;
	if (i % 4 == 1) {
		struct meta_map *m = &d.metadata;
		m->st = FIELD_SET;
		m->n = 2;
		m->keys = calloc(2, sizeof(char *));
		m->vals = calloc(2, sizeof(char *));
		ck_assert(m->keys && m->vals);
		m->keys[0] = strdup("k");
		m->vals[0] = strdup("");
		m->keys[1] = strdup("team");
		snprintf(buf, sizeof(buf), "t%d", i);
		m->vals[1] = strdup(buf);
	} else {
		d.metadata.st = i % 4 ? FIELD_NULL : FIELD_MISSING;
	}
	return d;
}

#define NFULL 1500 /* well over the cache's 512 kept slots */

/* Within one epoch nothing is evicted: every pointer of 1,500 drivers
 * fetched one after another stays valid and reads back as put (ASan
 * checks the "valid"), and the same driver gives the same pointer. */
START_TEST(test_cache_holds_an_epoch)
{
	struct store *s = store_new();
	struct driver *want = calloc(NFULL, sizeof(*want));
	const struct driver **got = calloc(NFULL, sizeof(*got));
	ck_assert(want && got);
	for (int i = 0; i < NFULL; i++) {
		struct driver d = mkfull(i);
		ck_assert_int_eq(driver_copy(&want[i], &d), 0);
		ck_assert_uint_eq(store_put_driver(s, &d), STORE_NEW);
	}
	struct store_view *v = store_view_new(s, VIEW_DRIVERS);
	store_view_set_sort(v, SORT_NAME, false);
	ck_assert_uint_eq(store_view_len(v), NFULL);
	for (int i = 0; i < NFULL; i++) {
		got[i] = store_driver(s, want[i].id.v);
		ck_assert_ptr_nonnull(got[i]);
	}
	for (size_t r = 0; r < NFULL; r++) {
		const struct driver *d = store_view_driver(v, r);
		ck_assert_str_eq(store_view_id(v, r), d->id.v);
		ck_assert_ptr_eq(store_driver(s, d->id.v), d);
	}
	for (int i = 0; i < NFULL; i++)
		ck_same_driver(got[i], &want[i]);
	/* The next epoch: fetched again, equal again, with the extra slots of
	 * the last one freed. */
	store_tick(s);
	for (int k = 0; k < 3; k++) {
		for (int i = 0; i < NFULL; i += k + 1)
			ck_same_driver(store_driver(s, want[i].id.v), &want[i]);
		store_tick(s);
	}
	for (int i = 0; i < NFULL; i++)
		driver_clear(&want[i]);
	free(want);
	free(got);
	store_view_free(v);
	store_free(s);
}
END_TEST

/* Across epochs: a put or a remove ends the epoch; what is fetched after
 * it reads the new values, including a record whose slot was reused for
 * others in between, and a replaced record that outgrew its block. */
START_TEST(test_cache_across_epochs)
{
	struct store *s = store_new();
	for (int i = 0; i < NFULL; i++)
		put(s, mkfull(i));
	struct driver want = mkfull(7);
	const struct driver *d = store_driver(s, want.id.v);
	ck_same_driver(d, &want);
	driver_clear(&want);
	/* balance moves: the new value, not the old materialization */
	struct driver u = mkfull(7);
	u.wallet_balance.v = 99;
	ck_assert_uint_eq(store_put_driver(s, &u), STORE_CHG_BALANCE);
	d = store_driver(s, "drv_00007");
	ck_assert_int_eq(d->wallet_balance.v, 99);
	/* others fill the cache, then a longer version of 7 */
	for (int i = 0; i < NFULL; i++)
		ck_assert_ptr_nonnull(store_driver(s, i % 2 ? "drv_00001" : "DRV_Mixed00000"));
	for (int i = 100; i < 100 + NFULL / 2; i++) {
		char id[48];
		snprintf(id, sizeof(id), i % 2 ? "drv_%05d" : "DRV_Mixed%05d", i);
		ck_assert_ptr_nonnull(store_driver(s, id));
	}
	want = mkfull(7);
	char longname[400];
	memset(longname, 'Q', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	set_str(&want.name, longname);
	u = mkfull(7);
	ck_assert_int_eq(driver_copy(&u, &want), 0);
	ck_assert_uint_eq(store_put_driver(s, &u), STORE_CHG_OTHER | STORE_CHG_BALANCE);
	ck_same_driver(store_driver(s, "drv_00007"), &want);
	driver_clear(&want);
	ck_assert(store_remove_driver(s, "drv_00007"));
	ck_assert_ptr_null(store_driver(s, "drv_00007"));
	ck_assert_ptr_nonnull(store_driver(s, "drv_00009"));
	store_tick(s);
	store_free(s);
}
END_TEST

static Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_put_replace_masks);
	tcase_add_test(tc, test_index_many_and_remove);
	tcase_add_test(tc, test_view_fleet_and_filter);
	tcase_add_test(tc, test_view_narrow_widen_and_updates);
	tcase_add_test(tc, test_view_sorts_stable_selection);
	tcase_add_test(tc, test_incremental_views_match_rebuild);
	tcase_add_test(tc, test_filter_100k);
	tcase_add_test(tc, test_cache_holds_an_epoch);
	tcase_add_test(tc, test_cache_across_epochs);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(store_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
