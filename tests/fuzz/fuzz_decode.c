/*
 * fuzz_decode.c — TST-1 target 1: response bytes -> every decoder -> the
 * sanitizer over each decoded string.  Not part of ctest; see scripts/fuzz.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/json.h"
#include "chargetui/sanitize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void show(const struct opt_str *s)
{
	char out[256];

	if (s->st == FIELD_SET)
		san_display(s->v, strlen(s->v), 40, SAN_ELLIPSIS, out, sizeof(out));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct driver d = {0};
	struct fleet f = {0};
	struct driver_page dp = {0};
	struct fleet_page fp = {0};
	struct api_error err = {0};
	char line[512];

	if (json_decode_driver(buf, size, &d, &err) == 0) {
		struct driver_patch p = {0};
		struct driver copy = {0};
		char *body;

		show(&d.name);
		show(&d.email);
		driver_copy(&copy, &d);
		opt_str_set(&copy.phone, "+33189000029");
		driver_diff(&d, &copy, &p);
		body = json_encode_driver_patch(&p);
		free(body);
		driver_patch_clear(&p);
		driver_clear(&copy);
	}
	driver_clear(&d);
	api_error_clear(&err);
	if (json_decode_fleet(buf, size, &f, &err) == 0) {
		show(&f.name);
		show(&f.address.city);
	}
	fleet_clear(&f);
	api_error_clear(&err);
	if (json_decode_driver_page(buf, size, &dp, &err) == 0)
		for (size_t i = 0; i < dp.n; i++)
			show(&dp.items[i].name);
	driver_page_clear(&dp);
	api_error_clear(&err);
	json_decode_fleet_page(buf, size, &fp, &err);
	fleet_page_clear(&fp);
	api_error_clear(&err);
	json_decode_error(buf, size, 400, &err);
	api_error_format(&err, line, sizeof(line));
	san_display(line, strlen(line), 80, SAN_ELLIPSIS, line, 0);
	api_error_clear(&err);
	return 0;
}
