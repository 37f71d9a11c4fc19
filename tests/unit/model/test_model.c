/*
 * test_model.c — ownership: deep copies are equal and independent, clears
 * zero and may be repeated.  Run under ASan/LSan to catch leaks and
 * double frees (the CHARGETUI_SANITIZE=asan build).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/model.h"

static void list(struct str_list *l, const char *a, const char *b)
{
	l->st = FIELD_SET;
	l->n = b ? 2 : 1;
	l->v = calloc(l->n, sizeof(char *));
	l->v[0] = strdup(a);
	if (b)
		l->v[1] = strdup(b);
}

static void make_driver(struct driver *d)
{
	memset(d, 0, sizeof(*d));
	opt_str_set(&d->id, "drv_1");
	opt_str_set(&d->object, "driver");
	d->created = (struct opt_time){FIELD_SET, 1775002410836LL};
	opt_str_set(&d->email, "a@b.c");
	list(&d->fleets, "flt_1", "flt_2");
	opt_str_set(&d->license_number, NULL);
	d->metadata.st = FIELD_SET;
	d->metadata.n = 2;
	d->metadata.keys = calloc(2, sizeof(char *));
	d->metadata.vals = calloc(2, sizeof(char *));
	d->metadata.keys[0] = strdup("k");
	d->metadata.vals[0] = strdup("v");
	d->metadata.keys[1] = strdup("gone"); /* NULL value, as in a patch */
	opt_str_set(&d->name, "Name");
	opt_str_set(&d->phone, "+33");
	list(&d->policy_ids, "pol_1", NULL);
	d->preferences.st = FIELD_SET;
	opt_str_set(&d->preferences.charging_speed, "fast");
	opt_str_set(&d->preferences.currency, "eur");
	opt_str_set(&d->preferences.default_payment_method, "pm_1");
	d->preferences.max_price_per_kwh = (struct opt_i64){FIELD_SET, 45};
	d->preferences.notifications = (struct opt_bool){FIELD_SET, true};
	list(&d->preferences.preferred_charging_stations, "chst_1", NULL);
	list(&d->preferences.preferred_cpos, "op", "op2");
	opt_str_set(&d->status, "active");
	d->updated = (struct opt_time){FIELD_SET, 1775002410837LL};
	list(&d->vehicles, "veh_1", NULL);
	d->wallet_balance = (struct opt_i64){FIELD_INVALID, 0};
}

static void assert_str_same(const struct opt_str *a, const struct opt_str *b)
{
	ck_assert_int_eq(a->st, b->st);
	if (a->st == FIELD_SET) {
		ck_assert_str_eq(a->v, b->v);
		ck_assert_ptr_ne(a->v, b->v); /* deep, not shared */
	} else {
		ck_assert_ptr_null(b->v);
	}
}

static void assert_list_same(const struct str_list *a, const struct str_list *b)
{
	ck_assert_int_eq(a->st, b->st);
	ck_assert_uint_eq(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		ck_assert_str_eq(a->v[i], b->v[i]);
		ck_assert_ptr_ne(a->v[i], b->v[i]);
	}
}

START_TEST(test_driver_copy_clear)
{
	struct driver a, b = {0};

	make_driver(&a);
	ck_assert_int_eq(driver_copy(&b, &a), 0);
	assert_str_same(&a.id, &b.id);
	assert_str_same(&a.object, &b.object);
	ck_assert_int_eq(b.created.ms, a.created.ms);
	assert_str_same(&a.email, &b.email);
	assert_list_same(&a.fleets, &b.fleets);
	assert_str_same(&a.license_number, &b.license_number);
	ck_assert_uint_eq(b.metadata.n, 2);
	ck_assert_str_eq(b.metadata.vals[0], "v");
	ck_assert_ptr_null(b.metadata.vals[1]);
	assert_str_same(&a.name, &b.name);
	assert_str_same(&a.phone, &b.phone);
	assert_list_same(&a.policy_ids, &b.policy_ids);
	ck_assert_int_eq(b.preferences.st, FIELD_SET);
	assert_str_same(&a.preferences.charging_speed, &b.preferences.charging_speed);
	assert_str_same(&a.preferences.currency, &b.preferences.currency);
	assert_str_same(&a.preferences.default_payment_method,
	                &b.preferences.default_payment_method);
	ck_assert_int_eq(b.preferences.max_price_per_kwh.v, 45);
	ck_assert(b.preferences.notifications.v);
	assert_list_same(&a.preferences.preferred_charging_stations,
	                 &b.preferences.preferred_charging_stations);
	assert_list_same(&a.preferences.preferred_cpos, &b.preferences.preferred_cpos);
	assert_str_same(&a.status, &b.status);
	ck_assert_int_eq(b.updated.ms, a.updated.ms);
	assert_list_same(&a.vehicles, &b.vehicles);
	ck_assert_int_eq(b.wallet_balance.st, FIELD_INVALID);
	/* Independent: clearing the source leaves the copy intact. */
	driver_clear(&a);
	ck_assert_str_eq(b.name.v, "Name");
	/* Copy over a used struct releases what it held (ASan: no leak). */
	make_driver(&a);
	opt_str_set(&a.name, "Other");
	ck_assert_int_eq(driver_copy(&b, &a), 0);
	ck_assert_str_eq(b.name.v, "Other");
	driver_clear(&a);
	driver_clear(&b);
	driver_clear(&b); /* twice is harmless */
	ck_assert_int_eq(b.name.st, FIELD_MISSING);
	ck_assert_ptr_null(b.fleets.v);
	ck_assert_uint_eq(b.metadata.n, 0);
}
END_TEST

START_TEST(test_fleet_copy_clear)
{
	struct fleet a = {0}, b = {0};

	opt_str_set(&a.id, "flt_1");
	a.address.st = FIELD_SET;
	opt_str_set(&a.address.city, "Paris");
	opt_str_set(&a.address.line2, NULL);
	opt_str_set(&a.timezone, "Europe/Paris");
	a.total_energy_consumed_kwh = (struct opt_f64){FIELD_SET, 4825.4};
	a.total_drivers = (struct opt_i64){FIELD_SET, 24};
	a.preferences.st = FIELD_SET;
	opt_str_set(&a.preferences.report_frequency, "weekly");
	list(&a.policy_ids, "pol_1", NULL);
	ck_assert_int_eq(fleet_copy(&b, &a), 0);
	assert_str_same(&a.address.city, &b.address.city);
	ck_assert_int_eq(b.address.line2.st, FIELD_NULL);
	ck_assert_int_eq(b.address.st, FIELD_SET);
	assert_str_same(&a.timezone, &b.timezone);
	ck_assert(b.total_energy_consumed_kwh.v == 4825.4);
	ck_assert_int_eq(b.total_drivers.v, 24);
	assert_str_same(&a.preferences.report_frequency, &b.preferences.report_frequency);
	assert_list_same(&a.policy_ids, &b.policy_ids);
	fleet_clear(&a);
	fleet_clear(&b);
	fleet_clear(&b);
	ck_assert_int_eq(b.address.st, FIELD_MISSING);
}
END_TEST

START_TEST(test_opt_str_set)
{
	struct opt_str s = {0}, t = {0};

	ck_assert_int_eq(opt_str_set(&s, "x"), 0);
	ck_assert_int_eq(s.st, FIELD_SET);
	ck_assert_int_eq(opt_str_set(&s, s.v), 0); /* from itself: copied before freeing */
	ck_assert_str_eq(s.v, "x");
	ck_assert_int_eq(opt_str_set(&s, NULL), 0);
	ck_assert_int_eq(s.st, FIELD_NULL);
	ck_assert_ptr_null(s.v);
	ck_assert_int_eq(opt_str_copy(&t, &s), 0);
	ck_assert_int_eq(t.st, FIELD_NULL);
	opt_str_set(&s, "");
	ck_assert_int_eq(opt_str_copy(&t, &s), 0);
	ck_assert_str_eq(t.v, "");
	ck_assert_int_eq(opt_str_copy(&t, &t), 0); /* self copy */
	ck_assert_str_eq(t.v, "");
	opt_str_clear(&s);
	opt_str_clear(&t);
	ck_assert_int_eq(t.st, FIELD_MISSING);
}
END_TEST

START_TEST(test_pages_patches_errors)
{
	struct driver_page dp = {0};
	struct fleet_page fp = {0};
	struct driver_patch p = {0};
	struct api_error e = {0}, c = {0};

	dp.n = 2;
	dp.items = calloc(2, sizeof(*dp.items));
	make_driver(&dp.items[0]);
	make_driver(&dp.items[1]);
	dp.next_url = strdup("https://x/v1/drivers?page=2");
	driver_page_clear(&dp);
	driver_page_clear(&dp);
	ck_assert_ptr_null(dp.items);
	fp.n = 1;
	fp.items = calloc(1, sizeof(*fp.items));
	opt_str_set(&fp.items[0].name, "F");
	fleet_page_clear(&fp);
	ck_assert_uint_eq(fp.n, 0);
	p.set = DRV_NAME;
	make_driver(&p.v);
	driver_patch_clear(&p);
	ck_assert_uint_eq(p.set, 0);
	e.kind = API_ERR_HTTP;
	e.http_status = 404;
	e.code = strdup("fleet_not_found");
	e.request_id = strdup("req_1");
	e.retry_after_s = 2.5;
	e.attempts = 3;
	ck_assert_int_eq(api_error_copy(&c, &e), 0);
	ck_assert_str_eq(c.code, "fleet_not_found");
	ck_assert_ptr_ne(c.code, e.code);
	ck_assert_ptr_null(c.message);
	ck_assert(c.retry_after_s == 2.5);
	ck_assert_int_eq(c.attempts, 3);
	ck_assert_int_eq(api_error_copy(&c, &c), 0);
	api_error_clear(&e);
	ck_assert_str_eq(c.request_id, "req_1");
	api_error_clear(&c);
	ck_assert_int_eq(c.kind, API_OK);
	ck_assert(c.retry_after_s < 0);
	ck_assert_ptr_null(c.code);
}
END_TEST

START_TEST(test_list_meta_copy)
{
	struct str_list a = {0}, b = {0};
	struct meta_map m = {0}, n = {0};

	a.st = FIELD_NULL;
	ck_assert_int_eq(str_list_copy(&b, &a), 0);
	ck_assert_int_eq(b.st, FIELD_NULL);
	ck_assert_ptr_null(b.v);
	list(&a, "x", "y");
	ck_assert_int_eq(str_list_copy(&b, &a), 0);
	assert_list_same(&a, &b);
	m.st = FIELD_INVALID;
	ck_assert_int_eq(meta_map_copy(&n, &m), 0);
	ck_assert_int_eq(n.st, FIELD_INVALID);
	str_list_clear(&a);
	str_list_clear(&b);
	meta_map_clear(&m);
	meta_map_clear(&n);
}
END_TEST

static Suite *model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *t = tcase_create("model");

	tcase_add_test(t, test_driver_copy_clear);
	tcase_add_test(t, test_fleet_copy_clear);
	tcase_add_test(t, test_opt_str_set);
	tcase_add_test(t, test_pages_patches_errors);
	tcase_add_test(t, test_list_meta_copy);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(model_suite());
	int failed;

	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
