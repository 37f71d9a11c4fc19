/*
 * The Charge docs' own curl examples, run with the real curl(1) against a
 * real charge-mock, must return the shapes of the docs' own responses
 * (tests/fixtures/, verbatim): the same keys, in the same order, with
 * compatible types.  This is the check a newcomer would do by hand when
 * pointing the docs at the mock, so it uses curl's --json exactly as the docs
 * do, not our client library.
 */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mockctl.h"

#define KEY "ch_sk_test_curlexamples0123456789abcdef"

static struct mockctl *mc;

static char *slurp_fd(int fd)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	ssize_t r;

	ck_assert_ptr_nonnull(buf);
	while ((r = read(fd, buf + len, cap - len - 1)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		ck_assert_int_ge(r, 0);
		len += (size_t)r;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
	}
	buf[len] = '\0';
	return buf;
}

/* Run curl with argv (no shell), return its stdout parsed as JSON. */
static cJSON *run_curl(const char *const *args)
{
	const char *argv[16] = {"curl", "-sS", "--fail-with-body", "-H",
				"Authorization: Bearer " KEY};
	int n = 5, fds[2], status;
	pid_t pid;

	for (; *args; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execvp("curl", (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	char *out = slurp_fd(fds[0]);
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "curl failed (status %d): %s", status, out);
	cJSON *j = cJSON_Parse(out);
	ck_assert_msg(j != NULL, "curl output is not JSON: %s", out);
	free(out);
	return j;
}

static cJSON *fixture(const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", CT_FIXTURES, name);
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "no fixture %s", path);
	char *text = slurp_fd(fileno(f));
	fclose(f);
	cJSON *j = cJSON_Parse(text);
	free(text);
	ck_assert_ptr_nonnull(j);
	return j;
}

/* Keys the API always fills; every other scalar may be null on some object
 * even where the docs' example happens to show a value (address.line2). */
static bool never_null(const char *where)
{
	static const char *const keys[] = {".id", ".object", ".created", ".updated", ".name",
					   ".status", ".wallet_balance", ".preferences"};
	const char *dot = strrchr(where, '.');
	for (size_t i = 0; dot && i < sizeof keys / sizeof *keys; i++)
		if (strcmp(dot, keys[i]) == 0)
			return true;
	return false;
}

/* Same keys in the same order, recursively; a null in the fixture accepts any
 * value (the docs show nullable fields as null); otherwise the same type. */
static void assert_shape(const cJSON *want, const cJSON *got, const char *where)
{
	if (cJSON_IsNull(want) || (cJSON_IsNull(got) && !never_null(where)))
		return;
	ck_assert_msg((want->type & 0xff) == (got->type & 0xff) ||
			      (cJSON_IsBool(want) && cJSON_IsBool(got)),
		      "%s: type differs", where);
	if (cJSON_IsObject(want)) {
		const cJSON *w = want->child, *g = got->child;
		for (; w && g; w = w->next, g = g->next) {
			char sub[256];
			ck_assert_msg(strcmp(w->string, g->string) == 0,
				      "%s: key '%s' where the docs have '%s'", where, g->string,
				      w->string);
			snprintf(sub, sizeof sub, "%s.%s", where, w->string);
			assert_shape(w, g, sub);
		}
		ck_assert_msg(w == NULL, "%s: missing key '%s'", where, w ? w->string : "");
		ck_assert_msg(g == NULL, "%s: extra key '%s'", where, g ? g->string : "");
	} else if (cJSON_IsArray(want) && cJSON_GetArraySize(want) > 0 &&
		   cJSON_GetArraySize(got) > 0) {
		assert_shape(want->child, got->child, where);
	}
}

/* A driver in exactly one fleet, and a fleet it is not in. */
static void pick_driver_and_other_fleet(char *drv, char *flt_in, char *flt_out, size_t n)
{
	cJSON *drivers = mockctl_get_all(mc, "/drivers?limit=100");
	cJSON *fleets = mockctl_get_all(mc, "/fleets?limit=100");
	const cJSON *d;

	ck_assert_ptr_nonnull(drivers);
	ck_assert_ptr_nonnull(fleets);
	drv[0] = '\0';
	cJSON_ArrayForEach(d, drivers) {
		const cJSON *fl = cJSON_GetObjectItemCaseSensitive(d, "fleets");
		if (cJSON_GetArraySize(fl) != 1)
			continue;
		snprintf(drv, n, "%s", jstr(d, "id"));
		snprintf(flt_in, n, "%s", cJSON_GetArrayItem(fl, 0)->valuestring);
		break;
	}
	ck_assert_msg(drv[0], "seed has no driver in exactly one fleet");
	const cJSON *f;
	cJSON_ArrayForEach(f, fleets) {
		if (strcmp(jstr(f, "id"), flt_in) != 0) {
			snprintf(flt_out, n, "%s", jstr(f, "id"));
			break;
		}
	}
	cJSON_Delete(drivers);
	cJSON_Delete(fleets);
}

static void setup(void)
{
	struct mock_options o = {.seed = 7, .fleets = 4, .drivers = 30, .rate_limit = -1,
				 .quiet = true};
	mc = mockctl_start(&o);
	ck_assert_ptr_nonnull(mc);
}

static void teardown(void)
{
	mockctl_stop(mc);
}

START_TEST(update_example)
{
	char drv[128], fin[128], fout[128], url[512];
	pick_driver_and_other_fleet(drv, fin, fout, sizeof drv);
	snprintf(url, sizeof url, "%s/drivers/%s", mockctl_base(mc), drv);
	/* curl https://api.chargeapi.co/v1/drivers/{driver} --json '{"phone": …}' */
	const char *args[] = {url, "--json", "{\"phone\": \"+33189000029\"}", NULL};
	cJSON *got = run_curl(args), *want = fixture("driver_update_response.json");
	assert_shape(want, got, "driver");
	ck_assert_str_eq(jstr(got, "phone"), "+33189000029");
	ck_assert_str_eq(jstr(got, "id"), drv);
	cJSON_Delete(got);
	cJSON_Delete(want);
}
END_TEST

START_TEST(attach_detach_examples)
{
	char drv[128], fin[128], fout[128], url[512], body[256];
	pick_driver_and_other_fleet(drv, fin, fout, sizeof drv);

	snprintf(url, sizeof url, "%s/drivers/%s/attach", mockctl_base(mc), drv);
	snprintf(body, sizeof body, "{\"fleet\": \"%s\"}", fout);
	const char *a[] = {url, "--json", body, NULL};
	cJSON *got = run_curl(a), *want = fixture("driver_attach_response.json");
	assert_shape(want, got, "attach");
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(got, "fleets")), 2);
	cJSON_Delete(got);
	cJSON_Delete(want);

	snprintf(url, sizeof url, "%s/drivers/%s/detach", mockctl_base(mc), drv);
	const char *d[] = {url, "--json", body, NULL};
	got = run_curl(d);
	want = fixture("driver_detach_response.json");
	assert_shape(want, got, "detach");
	const cJSON *fl = cJSON_GetObjectItem(got, "fleets");
	ck_assert_int_eq(cJSON_GetArraySize(fl), 1);
	ck_assert_str_eq(cJSON_GetArrayItem(fl, 0)->valuestring, fin);
	cJSON_Delete(got);
	cJSON_Delete(want);
}
END_TEST

START_TEST(fleet_and_list_examples)
{
	char drv[128], fin[128], fout[128], url[512];
	pick_driver_and_other_fleet(drv, fin, fout, sizeof drv);

	snprintf(url, sizeof url, "%s/fleets/%s", mockctl_base(mc), fin);
	const char *f[] = {url, NULL};
	cJSON *got = run_curl(f), *want = fixture("fleet_object.json");
	assert_shape(want, got, "fleet");
	cJSON_Delete(got);
	cJSON_Delete(want);

	/* curl -G https://api.chargeapi.co/v1/drivers -d fleet=… -d limit=10 */
	snprintf(url, sizeof url, "%s/drivers", mockctl_base(mc));
	char fleet_arg[160];
	snprintf(fleet_arg, sizeof fleet_arg, "fleet=%s", fin);
	const char *l[] = {"-G", url, "-d", fleet_arg, "-d", "limit=2", NULL};
	got = run_curl(l);
	const char *keys[] = {"data", "next_page_url", "previous_page_url"};
	const cJSON *k = got->child;
	for (size_t i = 0; i < 3; i++, k = k->next) {
		ck_assert_ptr_nonnull(k);
		ck_assert_str_eq(k->string, keys[i]);
	}
	ck_assert_ptr_null(k);
	want = fixture("driver_update_response.json");
	assert_shape(want, cJSON_GetArrayItem(cJSON_GetObjectItem(got, "data"), 0), "list.data");
	const char *next = jstr(got, "next_page_url");
	ck_assert_ptr_nonnull(next);
	ck_assert_msg(strncmp(next, mockctl_base(mc), strlen(mockctl_base(mc))) == 0,
		      "next_page_url %s does not point at the mock", next);
	ck_assert_ptr_nonnull(strstr(next, "page="));
	cJSON_Delete(got);
	cJSON_Delete(want);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("curl_examples");
	TCase *tc = tcase_create("docs");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, update_example);
	tcase_add_test(tc, attach_detach_examples);
	tcase_add_test(tc, fleet_and_list_examples);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
