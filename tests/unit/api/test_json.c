/*
 * test_json.c — the JSON door: every fixture decodes to exactly its values,
 * patches encode to exactly the request fixtures' bytes, and the tolerance
 * rules of JSN-2..JSN-7 hold.
 */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "chargetui/json.h"
#include "chargetui/timefmt.h"

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", CT_FIXTURES, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The fixture re-printed compactly by cJSON: the bytes a request must equal. */
static char *compact_fixture(const char *name)
{
	size_t len;
	char *buf = slurp(name, &len), *out;
	cJSON *j = cJSON_ParseWithLength(buf, len);

	ck_assert_ptr_nonnull(j);
	out = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	free(buf);
	return out;
}

static int64_t ts(const char *s)
{
	int64_t ms;

	ck_assert_int_eq(ts_parse_rfc3339(s, &ms), 0);
	return ms;
}

#define ASSERT_STR(f, want)                                                                        \
	do {                                                                                       \
		ck_assert_int_eq((f).st, FIELD_SET);                                               \
		ck_assert_str_eq((f).v, (want));                                                   \
	} while (0)
#define ASSERT_LIST1(l, want)                                                                      \
	do {                                                                                       \
		ck_assert_int_eq((l).st, FIELD_SET);                                               \
		ck_assert_uint_eq((l).n, 1);                                                       \
		ck_assert_str_eq((l).v[0], (want));                                                \
	} while (0)

struct drv_expect {
	const char *file, *id, *created, *fleet, *phone, *policy, *station, *updated, *vehicle;
};

static const struct drv_expect drv_fixtures[] = {
    {"driver_attach_response.json", "drv_pG7WUA9VqdyE5aecCMG52LHfe9GriKAS",
     "2026-04-01T00:13:30.836Z", "flt_AIquEM0HEys6hfT24YqvYcfoAGnj3ZAI", NULL,
     "pol_xfyXXHSkulv2zRfNglV1hBe9wl4bY1Xy", "chst_OO72mx3zdAd5mswmTda2fpXHvLFYzAbm",
     "2026-04-01T01:13:23.895Z", "veh_GSNdIjaKyEAjtJRJOxTSecFn2eRshZwT"},
    {"driver_detach_response.json", "drv_jFme4vQtEAyhWAWt18YgmYvHSUL4AXx5",
     "2026-04-01T00:15:50.826Z", NULL, NULL, "pol_63Y8tKmKLDoFZzg2OtBQp4RHJ8zFT4Lq",
     "chst_4FZiRdOLdrq4vqnFI8mycph4eAuqoJsU", "2026-04-01T01:16:32.263Z",
     "veh_Qy85Av6BkY1gGKQM5fhqc543tAXpxsAk"},
    {"driver_update_response.json", "drv_ETjCYs2UoLbMuKHS0CKfu8EUxXGMMj2V",
     "2026-04-01T00:36:43.890Z", "flt_grOWx6EexbLtcXYJiCsSmRVeA5r1rbEc", "+33189000029",
     "pol_dhAZs1vmCVr8gAkknRkPzJQ5u8EMQwFh", "chst_uiIgEAEpjxf5JVAowpX8AUuhy2x3wAMd",
     "2026-04-01T01:36:42.785Z", "veh_6T4Jc2F3VnFFAPu6dpWop9lduX6iBAbu"},
};

START_TEST(test_driver_fixtures)
{
	const struct drv_expect *x = &drv_fixtures[_i];
	struct driver d = {0};
	struct api_error err = {0};
	size_t len;
	char *buf = slurp(x->file, &len);

	ck_assert_int_eq(json_decode_driver(buf, len, &d, &err), 0);
	ASSERT_STR(d.id, x->id);
	ASSERT_STR(d.object, "driver");
	ck_assert_int_eq(d.created.st, FIELD_SET);
	ck_assert_int_eq(d.created.ms, ts(x->created));
	ASSERT_STR(d.email, "example@example.com");
	if (x->fleet) {
		ASSERT_LIST1(d.fleets, x->fleet);
	} else {
		ck_assert_int_eq(d.fleets.st, FIELD_SET);
		ck_assert_uint_eq(d.fleets.n, 0);
	}
	ck_assert_int_eq(d.license_number.st, FIELD_NULL);
	ck_assert_ptr_null(d.license_number.v);
	ck_assert_int_eq(d.metadata.st, FIELD_SET);
	ck_assert_uint_eq(d.metadata.n, 0);
	ASSERT_STR(d.name, "Example Driver");
	if (x->phone)
		ASSERT_STR(d.phone, x->phone);
	else
		ck_assert_int_eq(d.phone.st, FIELD_NULL);
	ASSERT_LIST1(d.policy_ids, x->policy);
	ck_assert_int_eq(d.preferences.st, FIELD_SET);
	ASSERT_STR(d.preferences.charging_speed, "fast");
	ASSERT_STR(d.preferences.currency, "eur");
	ck_assert_int_eq(d.preferences.default_payment_method.st, FIELD_NULL);
	ck_assert_int_eq(d.preferences.max_price_per_kwh.st, FIELD_NULL);
	ck_assert_int_eq(d.preferences.notifications.st, FIELD_SET);
	ck_assert(d.preferences.notifications.v);
	ASSERT_LIST1(d.preferences.preferred_charging_stations, x->station);
	ASSERT_LIST1(d.preferences.preferred_cpos, "example_operator");
	ASSERT_STR(d.status, "active");
	ck_assert_int_eq(d.updated.st, FIELD_SET);
	ck_assert_int_eq(d.updated.ms, ts(x->updated));
	ASSERT_LIST1(d.vehicles, x->vehicle);
	ck_assert_int_eq(d.wallet_balance.st, FIELD_SET);
	ck_assert_int_eq(d.wallet_balance.v, 1875);
	driver_clear(&d);
	api_error_clear(&err);
	free(buf);
}
END_TEST

START_TEST(test_fleet_fixture)
{
	struct fleet f = {0};
	struct api_error err = {0};
	size_t len;
	char *buf = slurp("fleet_object.json", &len);

	ck_assert_int_eq(json_decode_fleet(buf, len, &f, &err), 0);
	ASSERT_STR(f.id, "flt_nnMosKd4naheDFTiLmLhZ3Yw64xg9enI");
	ASSERT_STR(f.object, "fleet");
	ck_assert_int_eq(f.address.st, FIELD_SET);
	ASSERT_STR(f.address.city, "Paris");
	ASSERT_STR(f.address.country, "FR");
	ASSERT_STR(f.address.line1, "10 Rue de la Paix");
	ASSERT_STR(f.address.line2, "Batiment A");
	ASSERT_STR(f.address.postal_code, "75002");
	ASSERT_STR(f.address.state, "Ile-de-France");
	ck_assert_int_eq(f.created.ms, ts("2026-04-01T00:24:36.653Z"));
	ck_assert_int_eq(f.created.ms, 1775003076653LL);
	ck_assert_int_eq(f.description.st, FIELD_NULL);
	ASSERT_STR(f.email, "example@example.com");
	ck_assert_int_eq(f.metadata.st, FIELD_SET);
	ck_assert_uint_eq(f.metadata.n, 0);
	ASSERT_STR(f.metric_system, "international_system");
	ASSERT_STR(f.name, "Example Fleet");
	ck_assert_int_eq(f.phone.st, FIELD_NULL);
	ASSERT_LIST1(f.policy_ids, "pol_AGfBZOUmASNfvtGqjDwK8byoVlMzuAll");
	ck_assert_int_eq(f.preferences.st, FIELD_SET);
	ASSERT_STR(f.preferences.billing_cycle, "monthly");
	ASSERT_STR(f.preferences.default_currency, "eur");
	ck_assert_int_eq(f.preferences.default_payment_method.st, FIELD_NULL);
	ck_assert_int_eq(f.preferences.notifications.st, FIELD_SET);
	ck_assert(f.preferences.notifications.v);
	ASSERT_STR(f.preferences.report_frequency, "weekly");
	ASSERT_STR(f.status, "active");
	ASSERT_STR(f.timezone, "Europe/Paris");
	ck_assert_int_eq(f.total_drivers.st, FIELD_SET);
	ck_assert_int_eq(f.total_drivers.v, 24);
	ck_assert_int_eq(f.total_energy_consumed_kwh.st, FIELD_SET);
	ck_assert(f.total_energy_consumed_kwh.v == 4825.4);
	ck_assert_int_eq(f.total_sessions.v, 186);
	ck_assert_int_eq(f.total_vehicles.v, 18);
	ck_assert_int_eq(f.updated.ms, ts("2026-04-01T01:24:44.642Z"));
	ck_assert_int_eq(f.wallet_balance.st, FIELD_SET);
	ck_assert_int_eq(f.wallet_balance.v, 32150);
	fleet_clear(&f);
	api_error_clear(&err);
	free(buf);
}
END_TEST

/* ---- encoders ---------------------------------------------------------- */

START_TEST(test_encode_phone_only)
{
	struct driver_patch p = {0};
	char *want = compact_fixture("driver_update_request.json"), *got;

	p.set = DRV_PHONE;
	ck_assert_int_eq(opt_str_set(&p.v.phone, "+33189000029"), 0);
	/* Values for unset fields must not leak into the body. */
	ck_assert_int_eq(opt_str_set(&p.v.name, "Not Sent"), 0);
	got = json_encode_driver_patch(&p);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, want);
	ck_assert_str_eq(got, "{\"phone\":\"+33189000029\"}");
	free(got);
	free(want);
	driver_patch_clear(&p);
}
END_TEST

/* The patch from a diff of the fixture against itself-with-a-new-phone. */
START_TEST(test_encode_from_diff_matches_fixture)
{
	struct driver before = {0}, after = {0};
	struct driver_patch p = {0};
	struct api_error err = {0};
	size_t len;
	char *buf = slurp("driver_attach_response.json", &len), *got, *want;

	ck_assert_int_eq(json_decode_driver(buf, len, &before, &err), 0);
	ck_assert_int_eq(driver_copy(&after, &before), 0);
	ck_assert_int_eq(opt_str_set(&after.phone, "+33189000029"), 0);
	ck_assert_int_eq(driver_diff(&before, &after, &p), 1);
	got = json_encode_driver_patch(&p);
	want = compact_fixture("driver_update_request.json");
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	/* Unchanged: no field in the patch, nothing in the body. */
	ck_assert_int_eq(driver_diff(&after, &after, &p), 0);
	got = json_encode_driver_patch(&p);
	ck_assert_str_eq(got, "{}");
	free(got);
	free(buf);
	driver_patch_clear(&p);
	driver_clear(&before);
	driver_clear(&after);
}
END_TEST

START_TEST(test_encode_fleet_ref)
{
	char *got = json_encode_fleet_ref("flt_AIquEM0HEys6hfT24YqvYcfoAGnj3ZAI");
	char *want = compact_fixture("driver_attach_request.json");

	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	got = json_encode_fleet_ref("flt_HpGdGBwWHWAAZnAxuxiPdUiO8uLj8Kk8");
	want = compact_fixture("driver_detach_request.json");
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
}
END_TEST

START_TEST(test_encode_driver_full_order)
{
	struct driver_patch p = {0};
	struct driver_prefs *pr = &p.v.preferences;
	char *got;

	p.set = DRV_NAME | DRV_LICENSE_NUMBER | DRV_STATUS | DRV_PREF_CURRENCY |
	        DRV_PREF_MAX_PRICE_PER_KWH | DRV_PREF_NOTIFICATIONS | DRV_PREF_PREFERRED_CPOS |
	        DRV_METADATA;
	opt_str_set(&p.v.status, "suspended");
	opt_str_set(&p.v.name, "Ann \"Q\"");
	opt_str_set(&p.v.license_number, NULL);
	opt_str_set(&pr->currency, "usd");
	pr->max_price_per_kwh.st = FIELD_SET;
	pr->max_price_per_kwh.v = 9007199254740991LL; /* cJSON's %g would print 9.007e+15 */
	pr->notifications.st = FIELD_SET;
	pr->notifications.v = false;
	pr->preferred_cpos.st = FIELD_SET;
	pr->preferred_cpos.n = 2;
	pr->preferred_cpos.v = calloc(2, sizeof(char *));
	pr->preferred_cpos.v[0] = strdup("a");
	pr->preferred_cpos.v[1] = strdup("b");
	p.meta.st = FIELD_SET;
	p.meta.n = 2;
	p.meta.keys = calloc(2, sizeof(char *));
	p.meta.vals = calloc(2, sizeof(char *));
	p.meta.keys[0] = strdup("team");
	p.meta.vals[0] = strdup("north");
	p.meta.keys[1] = strdup("gone"); /* vals[1] NULL: removal */
	got = json_encode_driver_patch(&p);
	ck_assert_str_eq(got, "{\"name\":\"Ann \\\"Q\\\"\",\"license_number\":null,"
	                      "\"status\":\"suspended\",\"preferences\":{\"currency\":\"usd\","
	                      "\"max_price_per_kwh\":9007199254740991,\"notifications\":false,"
	                      "\"preferred_cpos\":[\"a\",\"b\"]},"
	                      "\"metadata\":{\"team\":\"north\",\"gone\":\"\"}}");
	free(got);
	driver_patch_clear(&p);
}
END_TEST

START_TEST(test_encode_fleet_patch)
{
	struct fleet_patch p = {0};
	char *got;

	p.set = FLT_NAME | FLT_ADDRESS | FLT_PREF_REPORT_FREQUENCY | FLT_DESCRIPTION;
	p.addr_set = ADDR_CITY | ADDR_LINE2;
	opt_str_set(&p.v.name, "Lyon Depot");
	opt_str_set(&p.v.description, NULL);
	opt_str_set(&p.v.address.city, "Lyon");
	opt_str_set(&p.v.address.line2, NULL);
	opt_str_set(&p.v.address.country, "FR"); /* not in addr_set: not sent */
	opt_str_set(&p.v.preferences.report_frequency, "daily");
	got = json_encode_fleet_patch(&p);
	ck_assert_str_eq(got, "{\"name\":\"Lyon Depot\",\"description\":null,"
	                      "\"address\":{\"city\":\"Lyon\",\"line2\":null},"
	                      "\"preferences\":{\"report_frequency\":\"daily\"}}");
	free(got);
	fleet_patch_clear(&p);
	got = json_encode_fleet_patch(&p);
	ck_assert_str_eq(got, "{}");
	free(got);
}
END_TEST

/* ---- JSN-2: whole body, clean errors ------------------------------------ */

static const char *const malformed[] = {
    "{\"id\":\"drv_1\",",
    "[",
    "\"abc",
    "{\"a\":1}garbage",
    "",
    "   \n",
    "{\"a\":1}\0{}",
    "<html><body>502</body></html>",
    "{\"a\":1} }",
    "nul",
    "{\"a\":1}\x01",
    "\x01{\"a\":1}",
    "{\"id\":\"x\"}\0",
    "{\"id\":\"a\0b\"}",
};

START_TEST(test_malformed)
{
	const char *body = malformed[_i];
	/* Rows with an embedded NUL carry their real length. */
	size_t len = _i == 6 ? 10 : _i == 12 ? 11 : _i == 13 ? 12 : strlen(body);
	struct driver d = {0};
	struct api_error err = {0};

	ck_assert_int_eq(json_decode_driver(body, len, &d, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_MALFORMED);
	ck_assert_ptr_nonnull(err.detail);
	ck_assert_ptr_nonnull(strstr(err.detail, "malformed response"));
	ck_assert_ptr_null(d.id.v);
	api_error_clear(&err);
}
END_TEST

START_TEST(test_not_terminated_and_trailing_ws)
{
	/* A buffer that is not NUL-terminated: only len bytes may be read. */
	char *b = malloc(20);
	struct driver d = {0};
	struct api_error err = {0};

	memcpy(b, "{\"id\":\"drv_x\"} \r\n\t", 18);
	ck_assert_int_eq(json_decode_driver(b, 18, &d, &err), 0);
	ASSERT_STR(d.id, "drv_x");
	driver_clear(&d);
	ck_assert_int_eq(json_decode_driver(b, 13, &d, &err), -1); /* cut mid-object */
	ck_assert_int_eq(err.kind, API_ERR_MALFORMED);
	api_error_clear(&err);
	free(b);
	/* An array where an object is expected. */
	ck_assert_int_eq(json_decode_fleet("[1]", 3, &(struct fleet){0}, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_MALFORMED);
	api_error_clear(&err);
}
END_TEST

/* ---- JSN-4: depth ------------------------------------------------------- */

static char *nested(int depth)
{
	size_t n = (size_t)depth * 2 + 64;
	char *b = malloc(n), *p = b;

	p += sprintf(p, "{\"id\":\"drv_1\",\"metadata\":");
	for (int i = 0; i < depth; i++)
		*p++ = '[';
	for (int i = 0; i < depth; i++)
		*p++ = ']';
	*p++ = '}';
	*p = '\0';
	return b;
}

START_TEST(test_depth)
{
	struct driver d = {0};
	struct api_error err = {0};
	char *b = nested(998); /* 999 levels with the outer object */

	ck_assert_int_eq(json_decode_driver(b, strlen(b), &d, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_TOO_DEEP);
	ck_assert_str_eq(err.detail, "response too deep");
	free(b);
	api_error_clear(&err);
	b = nested(1001);
	ck_assert_int_eq(json_decode_driver(b, strlen(b), &d, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_MALFORMED);
	free(b);
	api_error_clear(&err);
	/* 30 levels is fine, and the field itself reads as the wrong type. */
	b = nested(30);
	ck_assert_int_eq(json_decode_driver(b, strlen(b), &d, &err), 0);
	ck_assert_int_eq(d.metadata.st, FIELD_INVALID);
	ASSERT_STR(d.id, "drv_1");
	free(b);
	driver_clear(&d);
	/* 33 containers deep is refused: the walker bound is 32. */
	b = nested(33);
	ck_assert_int_eq(json_decode_driver(b, strlen(b), &d, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_TOO_DEEP);
	free(b);
	api_error_clear(&err);
}
END_TEST

/* JSN-4: workers run on a 512 KiB stack; the deep case must fit in half. */
static void *deep_worker(void *arg)
{
	struct driver d = {0};
	struct api_error err = {0};
	char *b = nested(998);
	int rc = json_decode_driver(b, strlen(b), &d, &err);

	*(int *)arg = rc == -1 && err.kind == API_ERR_TOO_DEEP;
	free(b);
	api_error_clear(&err);
	return NULL;
}

START_TEST(test_depth_small_stack)
{
	pthread_attr_t attr;
	pthread_t th;
	int ok = 0;

	pthread_attr_init(&attr);
	ck_assert_int_eq(pthread_attr_setstacksize(&attr, 256 * 1024), 0);
	ck_assert_int_eq(pthread_create(&th, &attr, deep_worker, &ok), 0);
	pthread_join(th, NULL);
	pthread_attr_destroy(&attr);
	ck_assert(ok);
}
END_TEST

/* ---- JSN-5: null, missing, wrong type, duplicates ---------------------- */

START_TEST(test_field_states)
{
	const char *body = "{\"id\":\"drv_1\",\"id\":\"drv_2\",\"ID\":\"drv_3\",\"name\":null,"
	                   "\"email\":42,\"phone\":[\"x\"],\"status\":\"weird_new_status\","
	                   "\"fleets\":[\"flt_1\",7],\"policy_ids\":null,\"vehicles\":\"veh\","
	                   "\"created\":1775003076,\"updated\":\"yesterday\","
	                   "\"metadata\":{\"a\":\"1\",\"b\":\"2\",\"a\":\"3\"},"
	                   "\"preferences\":{\"charging_notifications\":false,\"payment_method\":"
	                   "\"pm_1\",\"preferred_stations\":[\"chst_1\"],\"currency\":\"eur\","
	                   "\"max_price_per_kwh\":true,\"unknown_pref\":{\"x\":1}},"
	                   "\"wallet_balance\":\"1875\",\"future_field\":[1,2,3]}";
	struct driver d = {0};
	struct api_error err = {0};

	ck_assert_int_eq(json_decode_driver(body, strlen(body), &d, &err), 0);
	ASSERT_STR(d.id, "drv_1"); /* first duplicate wins, case-sensitive */
	ck_assert_int_eq(d.name.st, FIELD_NULL);
	ck_assert_int_eq(d.email.st, FIELD_INVALID);
	ck_assert_ptr_null(d.email.v);
	ck_assert_int_eq(d.phone.st, FIELD_INVALID);
	ASSERT_STR(d.status, "weird_new_status");
	ck_assert_int_eq(d.fleets.st, FIELD_INVALID);
	ck_assert_uint_eq(d.fleets.n, 0);
	ck_assert_int_eq(d.policy_ids.st, FIELD_NULL);
	ck_assert_int_eq(d.vehicles.st, FIELD_INVALID);
	ck_assert_int_eq(d.created.st, FIELD_SET);
	ck_assert_int_eq(d.created.ms, 1775003076000LL);
	ck_assert_int_eq(d.updated.st, FIELD_INVALID);
	ck_assert_int_eq(d.license_number.st, FIELD_MISSING);
	ck_assert_int_eq(d.metadata.st, FIELD_SET);
	ck_assert_uint_eq(d.metadata.n, 2);
	ck_assert_str_eq(d.metadata.keys[0], "a");
	ck_assert_str_eq(d.metadata.vals[0], "1");
	ck_assert_str_eq(d.metadata.keys[1], "b");
	ck_assert_int_eq(d.preferences.notifications.st, FIELD_SET);
	ck_assert(!d.preferences.notifications.v);
	ASSERT_STR(d.preferences.default_payment_method, "pm_1");
	ASSERT_LIST1(d.preferences.preferred_charging_stations, "chst_1");
	ck_assert_int_eq(d.preferences.max_price_per_kwh.st, FIELD_INVALID);
	ck_assert_int_eq(d.preferences.charging_speed.st, FIELD_MISSING);
	ck_assert_int_eq(d.preferences.preferred_cpos.st, FIELD_MISSING);
	ck_assert_int_eq(d.wallet_balance.st, FIELD_INVALID);
	driver_clear(&d);
	api_error_clear(&err);
}
END_TEST

START_TEST(test_new_pref_name_wins_over_old)
{
	const char *body = "{\"preferences\":{\"notifications\":true,\"charging_notifications\":"
	                   "false,\"default_payment_method\":null,\"payment_method\":\"pm_old\"},"
	                   "\"metadata\":{\"k\":1}}";
	struct driver d = {0};
	struct api_error err = {0};

	ck_assert_int_eq(json_decode_driver(body, strlen(body), &d, &err), 0);
	ck_assert(d.preferences.notifications.v);
	ck_assert_int_eq(d.preferences.default_payment_method.st, FIELD_NULL);
	ck_assert_int_eq(d.metadata.st, FIELD_INVALID);
	ck_assert_int_eq(d.id.st, FIELD_MISSING);
	driver_clear(&d);
}
END_TEST

START_TEST(test_preferences_wrong_type)
{
	const char *body = "{\"preferences\":[1],\"address\":\"Paris\"}";
	struct driver d = {0};
	struct fleet f = {0};
	struct api_error err = {0};

	ck_assert_int_eq(json_decode_driver(body, strlen(body), &d, &err), 0);
	ck_assert_int_eq(d.preferences.st, FIELD_INVALID);
	ck_assert_int_eq(d.preferences.currency.st, FIELD_MISSING);
	ck_assert_int_eq(json_decode_fleet(body, strlen(body), &f, &err), 0);
	ck_assert_int_eq(f.address.st, FIELD_INVALID);
	ck_assert_int_eq(f.preferences.st, FIELD_INVALID);
	driver_clear(&d);
	fleet_clear(&f);
}
END_TEST

/* ---- JSN-6: money ------------------------------------------------------ */

static const struct {
	const char *lit;
	enum field_state st;
	int64_t v;
} amounts[] = {
    {"1875", FIELD_SET, 1875},
    {"-250", FIELD_SET, -250},
    {"0", FIELD_SET, 0},
    {"1.875e3", FIELD_SET, 1875},
    {"9007199254740991", FIELD_SET, 9007199254740991LL},
    {"-9007199254740991", FIELD_SET, -9007199254740991LL},
    {"9007199254740992", FIELD_INVALID, 0},
    {"9007199254740993", FIELD_INVALID, 0}, /* strtod gives 2^53: cannot round-trip */
    {"-9007199254740992", FIELD_INVALID, 0},
    {"1e20", FIELD_INVALID, 0},
    {"-1e20", FIELD_INVALID, 0},
    {"-0", FIELD_INVALID, 0},
    {"-0.0", FIELD_INVALID, 0},
    {"1.5", FIELD_INVALID, 0},
    {"1e400", FIELD_INVALID, 0},
    {"-1e400", FIELD_INVALID, 0},
    {"1234567890123456789012345678901234567890123456789012345678901234567890", FIELD_INVALID, 0},
    {"true", FIELD_INVALID, 0},
    {"null", FIELD_NULL, 0},
};

START_TEST(test_money_values)
{
	char body[256];
	struct fleet f = {0};
	struct api_error err = {0};

	snprintf(body, sizeof(body), "{\"wallet_balance\":%s,\"total_sessions\":%s}",
	         amounts[_i].lit, amounts[_i].lit);
	ck_assert_int_eq(json_decode_fleet(body, strlen(body), &f, &err), 0);
	ck_assert_msg(f.wallet_balance.st == amounts[_i].st, "%s: state %d", amounts[_i].lit,
	              f.wallet_balance.st);
	ck_assert_int_eq(f.total_sessions.st, amounts[_i].st);
	if (amounts[_i].st == FIELD_SET)
		ck_assert_int_eq(f.wallet_balance.v, amounts[_i].v);
	fleet_clear(&f);
}
END_TEST

START_TEST(test_energy_float)
{
	const char *body = "{\"total_energy_consumed_kwh\":1e400,\"total_drivers\":24.0}";
	struct fleet f = {0};
	struct api_error err = {0};

	ck_assert_int_eq(json_decode_fleet(body, strlen(body), &f, &err), 0);
	ck_assert_int_eq(f.total_energy_consumed_kwh.st, FIELD_INVALID);
	ck_assert_int_eq(f.total_drivers.st, FIELD_SET);
	ck_assert_int_eq(f.total_drivers.v, 24);
	fleet_clear(&f);
}
END_TEST

/* ---- JSN-7: \u0000 ------------------------------------------------------ */

START_TEST(test_nul_in_string)
{
	const char *body = "{\"name\":\"Eve\\u0000\\u001b[2J\",\"id\":\"drv_1\"}";
	struct driver d = {0};
	struct api_error err = {0};

	ck_assert_int_eq(json_decode_driver(body, strlen(body), &d, &err), 0);
	ASSERT_STR(d.name, "Eve");
	ASSERT_STR(d.id, "drv_1");
	driver_clear(&d);
}
END_TEST

/* ---- timestamps --------------------------------------------------------- */

START_TEST(test_timestamps)
{
	const char *body = "{\"created\":\"2026-04-01T02:13:30.836+02:00\",\"updated\":1.5}";
	struct fleet f = {0};
	struct api_error err = {0};

	ck_assert_int_eq(json_decode_fleet(body, strlen(body), &f, &err), 0);
	ck_assert_int_eq(f.created.ms, ts("2026-04-01T00:13:30.836Z"));
	ck_assert_int_eq(f.updated.st, FIELD_INVALID);
	fleet_clear(&f);
}
END_TEST

/* ---- list pages --------------------------------------------------------- */

START_TEST(test_page_current)
{
	size_t len;
	char *fx = slurp("driver_update_response.json", &len), *body = malloc(len * 2 + 512);
	struct driver_page p = {0};
	struct api_error err = {0};

	sprintf(body,
	        "{\"data\":[%s,%s],\"next_page_url\":\"https://api.chargeapi.co/v1/drivers?page="
	        "page_7OgQ&limit=2\",\"previous_page_url\":null}",
	        fx, fx);
	ck_assert_int_eq(json_decode_driver_page(body, strlen(body), &p, &err), 0);
	ck_assert_uint_eq(p.n, 2);
	ASSERT_STR(p.items[1].phone, "+33189000029");
	ck_assert_int_eq(p.items[0].wallet_balance.v, 1875);
	ck_assert_str_eq(p.next_url, "https://api.chargeapi.co/v1/drivers?page=page_7OgQ&limit=2");
	ck_assert_ptr_null(p.prev_url);
	ck_assert(!p.legacy);
	driver_page_clear(&p);
	ck_assert_uint_eq(p.n, 0);
	free(body);
	free(fx);
}
END_TEST

START_TEST(test_page_legacy)
{
	size_t len;
	char *fx = slurp("fleet_object.json", &len), *body = malloc(len + 512);
	struct fleet_page p = {0};
	struct api_error err = {0};

	sprintf(body,
	        "{\"object\":\"list\",\"url\":\"/v1/fleets\",\"has_more\":true,\"data\":[%s]}", fx);
	ck_assert_int_eq(json_decode_fleet_page(body, strlen(body), &p, &err), 0);
	ck_assert_uint_eq(p.n, 1);
	ck_assert(p.legacy);
	ck_assert(p.has_more);
	ck_assert_ptr_null(p.next_url);
	ASSERT_STR(p.items[0].id, "flt_nnMosKd4naheDFTiLmLhZ3Yw64xg9enI");
	ck_assert_int_eq(p.items[0].wallet_balance.v, 32150);
	fleet_page_clear(&p);
	sprintf(body, "{\"object\":\"list\",\"has_more\":false,\"data\":[]}");
	ck_assert_int_eq(json_decode_fleet_page(body, strlen(body), &p, &err), 0);
	ck_assert(p.legacy);
	ck_assert(!p.has_more);
	ck_assert_uint_eq(p.n, 0);
	fleet_page_clear(&p);
	free(body);
	free(fx);
}
END_TEST

START_TEST(test_page_malformed)
{
	static const char *const bad[] = {
	    "{\"data\":{}}",
	    "{\"next_page_url\":null}",
	    "{\"data\":[1]}",
	    "{\"data\":[],\"next_page_url\":5}",
	    "[]",
	};
	struct driver_page p = {0};
	struct api_error err = {0};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(json_decode_driver_page(bad[i], strlen(bad[i]), &p, &err), -1);
		ck_assert_int_eq(err.kind, API_ERR_MALFORMED);
		ck_assert_uint_eq(p.n, 0);
		api_error_clear(&err);
	}
}
END_TEST

/* ---- error objects ------------------------------------------------------ */

START_TEST(test_error_top_level)
{
	const char *body =
	    "{ \"object\": \"error\", \"type\": \"invalid_request_error\", \"code\": "
	    "\"fleet_not_found\", \"message\": \"Fleet not found.\", \"param\": "
	    "\"fleet\", \"status\": 404, \"request\": "
	    "\"req_6R3M9pQ4bV2kLs8nT1xY7wEf5cZa0HdJ\", \"doc_url\": "
	    "\"https://docs.chargeapi.co/errors#fleet_not_found\" }";
	struct api_error e = {0};
	char line[256];

	e.attempts = 1;
	json_decode_error(body, strlen(body), 404, &e);
	ck_assert_int_eq(e.kind, API_ERR_HTTP);
	ck_assert_int_eq(e.http_status, 404);
	ck_assert_str_eq(e.type, "invalid_request_error");
	ck_assert_str_eq(e.code, "fleet_not_found");
	ck_assert_str_eq(e.message, "Fleet not found.");
	ck_assert_str_eq(e.param, "fleet");
	ck_assert_str_eq(e.request_id, "req_6R3M9pQ4bV2kLs8nT1xY7wEf5cZa0HdJ");
	ck_assert_str_eq(e.doc_url, "https://docs.chargeapi.co/errors#fleet_not_found");
	ck_assert_int_eq(e.attempts, 1);
	ck_assert_str_eq(
	    api_error_format(&e, line, sizeof(line)),
	    "Fleet not found. (404 fleet_not_found, req_6R3M9pQ4bV2kLs8nT1xY7wEf5cZa0HdJ)");
	/* Decoding again replaces the fields without leaking (ASan). */
	json_decode_error(body, strlen(body), 404, &e);
	ck_assert_str_eq(e.code, "fleet_not_found");
	api_error_clear(&e);
}
END_TEST

START_TEST(test_error_wrapped_and_html)
{
	const char *wrapped = "{\"error\":{\"type\":\"invalid_request_error\",\"code\":"
	                      "\"driver_fleet_conflict\",\"message\":\"Driver already attached.\","
	                      "\"request_id\":\"req_1\"}}";
	const char *html = "<html><head><title>502 Bad Gateway</title></head></html>";
	struct api_error e = {0};
	char line[256];

	json_decode_error(wrapped, strlen(wrapped), 409, &e);
	ck_assert_str_eq(e.code, "driver_fleet_conflict");
	ck_assert_str_eq(e.message, "Driver already attached.");
	ck_assert_str_eq(e.request_id, "req_1");
	ck_assert_ptr_null(e.param);
	ck_assert_str_eq(api_error_format(&e, line, sizeof(line)),
	                 "driver is already in that fleet (409)");
	json_decode_error(html, strlen(html), 502, &e);
	ck_assert_int_eq(e.kind, API_ERR_HTTP);
	ck_assert_int_eq(e.http_status, 502);
	ck_assert_ptr_null(e.type);
	ck_assert_ptr_null(e.code);
	ck_assert_ptr_null(e.message);
	ck_assert_ptr_null(e.request_id);
	ck_assert_str_eq(api_error_format(&e, line, sizeof(line)), "bad gateway (502) from proxy");
	json_decode_error(NULL, 0, 503, &e);
	ck_assert_str_eq(api_error_format(&e, line, sizeof(line)),
	                 "service unavailable (503) from proxy");
	json_decode_error("{\"message\":7,\"code\":[]}", 23, 500, &e);
	ck_assert_ptr_null(e.message);
	ck_assert_ptr_null(e.code);
	json_decode_error("{\"error\":\"upstream timeout\"}", 28, 504, &e);
	ck_assert_str_eq(e.message, "upstream timeout");
	ck_assert_str_eq(api_error_format(&e, line, sizeof(line)), "upstream timeout (504)");
	api_error_clear(&e);
}
END_TEST

static Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *t = tcase_create("decode");

	tcase_add_loop_test(t, test_driver_fixtures, 0,
	                    (int)(sizeof(drv_fixtures) / sizeof(drv_fixtures[0])));
	tcase_add_test(t, test_fleet_fixture);
	tcase_add_loop_test(t, test_malformed, 0, (int)(sizeof(malformed) / sizeof(malformed[0])));
	tcase_add_test(t, test_not_terminated_and_trailing_ws);
	tcase_add_test(t, test_depth);
	tcase_add_test(t, test_depth_small_stack);
	tcase_add_test(t, test_field_states);
	tcase_add_test(t, test_new_pref_name_wins_over_old);
	tcase_add_test(t, test_preferences_wrong_type);
	tcase_add_loop_test(t, test_money_values, 0, (int)(sizeof(amounts) / sizeof(amounts[0])));
	tcase_add_test(t, test_energy_float);
	tcase_add_test(t, test_nul_in_string);
	tcase_add_test(t, test_timestamps);
	tcase_add_test(t, test_page_current);
	tcase_add_test(t, test_page_legacy);
	tcase_add_test(t, test_page_malformed);
	tcase_add_test(t, test_error_top_level);
	tcase_add_test(t, test_error_wrapped_and_html);
	suite_add_tcase(s, t);
	t = tcase_create("encode");
	tcase_add_test(t, test_encode_phone_only);
	tcase_add_test(t, test_encode_from_diff_matches_fixture);
	tcase_add_test(t, test_encode_fleet_ref);
	tcase_add_test(t, test_encode_driver_full_order);
	tcase_add_test(t, test_encode_fleet_patch);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(json_suite());
	int failed;

	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
