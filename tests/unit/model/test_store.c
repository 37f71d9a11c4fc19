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
	ck_assert_ptr_eq(store_driver(s, "drv_1"), d); /* same record, in place */
	ck_assert_int_eq(d->wallet_balance.v, 12);
	/* a record that outgrows its first allocation, then shrinks again, keeps
	 * its address and reads back exactly */
	char longname[600];
	memset(longname, 'z', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ck_assert_uint_eq(put(s, mkdrv("drv_1", longname, "a@x", "+1", 12, 1, "flt_1")),
			  STORE_CHG_OTHER);
	ck_assert_ptr_eq(store_driver(s, "drv_1"), d);
	ck_assert_str_eq(d->name.v, longname);
	ck_assert_str_eq(d->phone.v, "+1");
	ck_assert_str_eq(d->fleets.v[0], "flt_1");
	ck_assert_uint_eq(put(s, mkdrv("drv_1", "Anne", "a@x", NULL, 12, 1, "flt_1")),
			  STORE_CHG_OTHER);
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
