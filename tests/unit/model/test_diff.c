/*
 * test_diff.c — driver_diff / fleet_diff per field type, and that a patch
 * holds exactly the changes (SAN-11: untouched hostile fields never go back).
 * Encoding lives in ct_api, so here the patch itself is inspected.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/model.h"

static void set_list(struct str_list *l, int n, const char *a, const char *b)
{
	str_list_clear(l);
	l->st = FIELD_SET;
	l->n = (size_t)n;
	l->v = calloc(2, sizeof(char *));
	if (n > 0)
		l->v[0] = strdup(a);
	if (n > 1)
		l->v[1] = strdup(b);
}

static void meta_put(struct meta_map *m, const char *k, const char *v)
{
	m->keys = realloc(m->keys, (m->n + 1) * sizeof(char *));
	m->vals = realloc(m->vals, (m->n + 1) * sizeof(char *));
	m->keys[m->n] = strdup(k);
	m->vals[m->n] = strdup(v);
	m->n++;
	m->st = FIELD_SET;
}

/* A driver like the fixtures, with a hostile name that must never be sent. */
static void make_driver(struct driver *d)
{
	memset(d, 0, sizeof(*d));
	opt_str_set(&d->id, "drv_1");
	opt_str_set(&d->name, "Eve\x1b]0;pwned\x07");
	opt_str_set(&d->email, "example@example.com");
	opt_str_set(&d->phone, NULL);
	opt_str_set(&d->license_number, NULL);
	opt_str_set(&d->status, "active");
	d->wallet_balance = (struct opt_i64){FIELD_SET, 1875};
	d->preferences.st = FIELD_SET;
	opt_str_set(&d->preferences.charging_speed, "fast");
	opt_str_set(&d->preferences.currency, "eur");
	opt_str_set(&d->preferences.default_payment_method, NULL);
	d->preferences.max_price_per_kwh = (struct opt_i64){FIELD_NULL, 0};
	d->preferences.notifications = (struct opt_bool){FIELD_SET, true};
	set_list(&d->preferences.preferred_charging_stations, 1, "chst_1", NULL);
	set_list(&d->preferences.preferred_cpos, 1, "example_operator", NULL);
	set_list(&d->fleets, 1, "flt_1", NULL);
	d->metadata.st = FIELD_SET;
	meta_put(&d->metadata, "team", "north");
	meta_put(&d->metadata, "badge", "42");
}

struct fx {
	struct driver a, b;
	struct driver_patch p;
};

static void fx_init(struct fx *f)
{
	make_driver(&f->a);
	memset(&f->b, 0, sizeof(f->b));
	ck_assert_int_eq(driver_copy(&f->b, &f->a), 0);
	memset(&f->p, 0, sizeof(f->p));
}

static void fx_done(struct fx *f)
{
	driver_clear(&f->a);
	driver_clear(&f->b);
	driver_patch_clear(&f->p);
}

START_TEST(test_unchanged)
{
	struct fx f;

	fx_init(&f);
	ck_assert_int_eq(driver_diff(&f.a, &f.b, &f.p), 0);
	ck_assert_uint_eq(f.p.set, 0);
	ck_assert_uint_eq(f.p.meta.n, 0);
	/* Read-only fields are not part of an update. */
	f.b.wallet_balance.v = 1;
	set_list(&f.b.fleets, 0, NULL, NULL);
	ck_assert_int_eq(driver_diff(&f.a, &f.b, &f.p), 0);
	fx_done(&f);
}
END_TEST

START_TEST(test_string_change)
{
	struct fx f;

	fx_init(&f);
	opt_str_set(&f.b.phone, "+33189000029");
	ck_assert_int_eq(driver_diff(&f.a, &f.b, &f.p), 1);
	ck_assert_uint_eq(f.p.set, DRV_PHONE);
	ck_assert_int_eq(f.p.v.phone.st, FIELD_SET);
	ck_assert_str_eq(f.p.v.phone.v, "+33189000029");
	ck_assert_int_eq(f.p.v.name.st, FIELD_MISSING); /* the hostile name stays home */
	fx_done(&f);
}
END_TEST

START_TEST(test_null_vs_set)
{
	struct fx f;

	fx_init(&f);
	opt_str_set(&f.b.email, NULL);        /* set -> null */
	opt_str_set(&f.b.license_number, ""); /* null -> "" is a change too */
	ck_assert_int_eq(driver_diff(&f.a, &f.b, &f.p), 2);
	ck_assert_uint_eq(f.p.set, DRV_EMAIL | DRV_LICENSE_NUMBER);
	ck_assert_int_eq(f.p.v.email.st, FIELD_NULL);
	ck_assert_int_eq(f.p.v.license_number.st, FIELD_SET);
	ck_assert_str_eq(f.p.v.license_number.v, "");
	fx_done(&f);
}
END_TEST

START_TEST(test_byte_exact)
{
	struct fx f;

	fx_init(&f);
	opt_str_set(&f.b.status, "Active");            /* case matters */
	opt_str_set(&f.b.name, "Eve\x1b]0;pwned\x07"); /* same bytes, new allocation */
	ck_assert_int_eq(driver_diff(&f.a, &f.b, &f.p), 1);
	ck_assert_uint_eq(f.p.set, DRV_STATUS);
	fx_done(&f);
}
END_TEST

START_TEST(test_missing_or_invalid_not_sent)
{
	struct fx f;

	fx_init(&f);
	opt_str_clear(&f.b.email); /* missing */
	f.b.status.st = FIELD_INVALID;
	free(f.b.status.v);
	f.b.status.v = NULL;
	ck_assert_int_eq(driver_diff(&f.a, &f.b, &f.p), 0);
	fx_done(&f);
}
END_TEST

START_TEST(test_prefs_key_by_key)
{
	struct fx f;

	fx_init(&f);
	f.b.preferences.notifications.v = false;                             /* bool */
	f.b.preferences.max_price_per_kwh = (struct opt_i64){FIELD_SET, 45}; /* null -> money */
	opt_str_set(&f.b.preferences.currency, "usd");
	ck_assert_int_eq(driver_diff(&f.a, &f.b, &f.p), 3);
	ck_assert_uint_eq(f.p.set,
	                  DRV_PREF_NOTIFICATIONS | DRV_PREF_MAX_PRICE_PER_KWH | DRV_PREF_CURRENCY);
	ck_assert_int_eq(f.p.v.preferences.notifications.st, FIELD_SET);
	ck_assert(!f.p.v.preferences.notifications.v);
	ck_assert_int_eq(f.p.v.preferences.max_price_per_kwh.v, 45);
	ck_assert_str_eq(f.p.v.preferences.currency.v, "usd");
	ck_assert_int_eq(f.p.v.preferences.charging_speed.st, FIELD_MISSING);
	/* money changed back to null */
	driver_clear(&f.a);
	ck_assert_int_eq(driver_copy(&f.a, &f.b), 0);
	f.b.preferences.max_price_per_kwh = (struct opt_i64){FIELD_NULL, 0};
	ck_assert_int_eq(driver_diff(&f.a, &f.b, &f.p), 1);
	ck_assert_int_eq(f.p.v.preferences.max_price_per_kwh.st, FIELD_NULL);
	/* same money value: nothing */
	f.b.preferences.max_price_per_kwh = (struct opt_i64){FIELD_SET, 45};
	ck_assert_int_eq(driver_diff(&f.a, &f.b, &f.p), 0);
	fx_done(&f);
}
END_TEST

START_TEST(test_arrays_whole)
{
	struct fx f;

	fx_init(&f);
	set_list(&f.b.preferences.preferred_cpos, 2, "example_operator", "other");
	ck_assert_int_eq(driver_diff(&f.a, &f.b, &f.p), 1);
	ck_assert_uint_eq(f.p.set, DRV_PREF_PREFERRED_CPOS);
	ck_assert_uint_eq(f.p.v.preferences.preferred_cpos.n, 2);
	ck_assert_str_eq(f.p.v.preferences.preferred_cpos.v[1], "other");
	/* Same length, different element. */
	set_list(&f.b.preferences.preferred_cpos, 1, "example_operator", NULL);
	set_list(&f.b.preferences.preferred_charging_stations, 1, "chst_2", NULL);
	ck_assert_int_eq(driver_diff(&f.a, &f.b, &f.p), 1);
	ck_assert_uint_eq(f.p.set, DRV_PREF_PREFERRED_CHARGING_STATIONS);
	/* Emptied. */
	set_list(&f.b.preferences.preferred_charging_stations, 0, NULL, NULL);
	ck_assert_int_eq(driver_diff(&f.a, &f.b, &f.p), 1);
	ck_assert_int_eq(f.p.v.preferences.preferred_charging_stations.st, FIELD_SET);
	ck_assert_uint_eq(f.p.v.preferences.preferred_charging_stations.n, 0);
	fx_done(&f);
}
END_TEST

static const char *meta_find(const struct meta_map *m, const char *k, int *found)
{
	*found = 0;
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->keys[i], k) == 0) {
			*found = 1;
			return m->vals[i];
		}
	return NULL;
}

START_TEST(test_metadata)
{
	struct fx f;
	int found;

	fx_init(&f);
	/* Rebuild b's metadata: team changed, badge removed, shift added. */
	meta_map_clear(&f.b.metadata);
	meta_put(&f.b.metadata, "team", "south");
	meta_put(&f.b.metadata, "shift", "night");
	ck_assert_int_eq(driver_diff(&f.a, &f.b, &f.p), 1);
	ck_assert_uint_eq(f.p.set, DRV_METADATA);
	ck_assert_uint_eq(f.p.meta.n, 3);
	ck_assert_str_eq(meta_find(&f.p.meta, "team", &found), "south");
	ck_assert_str_eq(meta_find(&f.p.meta, "shift", &found), "night");
	ck_assert_ptr_null(meta_find(&f.p.meta, "badge", &found));
	ck_assert(found); /* present with NULL: remove */
	/* unchanged metadata in a different order: nothing */
	meta_map_clear(&f.b.metadata);
	meta_put(&f.b.metadata, "badge", "42");
	meta_put(&f.b.metadata, "team", "north");
	ck_assert_int_eq(driver_diff(&f.a, &f.b, &f.p), 0);
	ck_assert_uint_eq(f.p.meta.n, 0);
	fx_done(&f);
}
END_TEST

START_TEST(test_fleet_diff)
{
	struct fleet a = {0}, b = {0};
	struct fleet_patch p = {0};

	opt_str_set(&a.name, "Example Fleet");
	a.address.st = FIELD_SET;
	opt_str_set(&a.address.city, "Paris");
	opt_str_set(&a.address.line2, "Batiment A");
	a.preferences.st = FIELD_SET;
	opt_str_set(&a.preferences.billing_cycle, "monthly");
	a.preferences.notifications = (struct opt_bool){FIELD_SET, true};
	ck_assert_int_eq(fleet_copy(&b, &a), 0);
	ck_assert_int_eq(fleet_diff(&a, &b, &p), 0);
	opt_str_set(&b.address.city, "Lyon");
	opt_str_set(&b.address.line2, NULL);
	opt_str_set(&b.preferences.billing_cycle, "weekly");
	opt_str_set(&b.timezone, "Europe/Paris");
	ck_assert_int_eq(fleet_diff(&a, &b, &p), 3);
	ck_assert_uint_eq(p.set, FLT_ADDRESS | FLT_PREF_BILLING_CYCLE | FLT_TIMEZONE);
	ck_assert_uint_eq(p.addr_set, ADDR_CITY | ADDR_LINE2);
	ck_assert_str_eq(p.v.address.city.v, "Lyon");
	ck_assert_int_eq(p.v.address.line2.st, FIELD_NULL);
	ck_assert_str_eq(p.v.preferences.billing_cycle.v, "weekly");
	fleet_clear(&a);
	fleet_clear(&b);
	fleet_patch_clear(&p);
	ck_assert_uint_eq(p.set, 0);
	ck_assert_uint_eq(p.addr_set, 0);
}
END_TEST

static Suite *diff_suite(void)
{
	Suite *s = suite_create("diff");
	TCase *t = tcase_create("diff");

	tcase_add_test(t, test_unchanged);
	tcase_add_test(t, test_string_change);
	tcase_add_test(t, test_null_vs_set);
	tcase_add_test(t, test_byte_exact);
	tcase_add_test(t, test_missing_or_invalid_not_sent);
	tcase_add_test(t, test_prefs_key_by_key);
	tcase_add_test(t, test_arrays_whole);
	tcase_add_test(t, test_metadata);
	tcase_add_test(t, test_fleet_diff);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(diff_suite());
	int failed;

	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
