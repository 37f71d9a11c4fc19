/*
 * test_edit_actions.c — the e / n / a / d keys in the real console (ui_new on
 * a /dev/null curses screen) against an in-process charge-mock through the
 * real sync workers.  Every test asserts the requests the mock received
 * (curl's lesson: check the bytes sent, not only the screen).
 */
#include <check.h>
#include <curses.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "chargetui/edit.h"
#include "chargetui/json.h"
#include "chargetui/secret.h"
#include "chargetui/store.h"
#include "chargetui/sync.h"
#include "chargetui/ui.h"
#include "mockctl.h"

#define TEST_KEY "ch_sk_test_editsuite0123456789ab"

static SCREEN *scr;
static FILE *out_f, *in_f;
static struct mockctl *mc;
static struct secret *key;
static struct sync *sy;
static struct store *st;
static struct ui *ui;

static void load_store(void)
{
	cJSON *all = mockctl_get_all(mc, "/fleets?limit=100");
	ck_assert_ptr_nonnull(all);
	cJSON *it;
	cJSON_ArrayForEach(it, all)
	{
		char *txt = cJSON_PrintUnformatted(it);
		struct fleet f = {0};
		struct api_error e = {0};
		ck_assert_int_eq(json_decode_fleet(txt, strlen(txt), &f, &e), 0);
		store_put_fleet(st, &f);
		fleet_clear(&f);
		free(txt);
	}
	cJSON_Delete(all);
	all = mockctl_get_all(mc, "/drivers?limit=100");
	ck_assert_ptr_nonnull(all);
	cJSON_ArrayForEach(it, all)
	{
		char *txt = cJSON_PrintUnformatted(it);
		struct driver d = {0};
		struct api_error e = {0};
		ck_assert_int_eq(json_decode_driver(txt, strlen(txt), &d, &e), 0);
		store_put_driver(st, &d);
		driver_clear(&d);
		free(txt);
	}
	cJSON_Delete(all);
}

static void setup(void)
{
	setenv("LINES", "40", 1);
	setenv("COLUMNS", "200", 1);
	ck_assert_ptr_nonnull(setlocale(LC_CTYPE, "C.UTF-8"));
	struct mock_options o = {.fleets = 4, .drivers = 40, .quiet = true, .rate_limit = -1};
	mc = mockctl_start(&o);
	ck_assert_ptr_nonnull(mc);
	key = secret_new(TEST_KEY, strlen(TEST_KEY));
	struct sync_config cfg = {.workers = 2, .refresh_s = -1};
	cfg.http.base_url = mockctl_base(mc);
	cfg.http.key = key;
	struct api_error err = {0};
	sy = sync_new(&cfg, &err);
	ck_assert_ptr_nonnull(sy);
	out_f = fopen("/dev/null", "w");
	in_f = fopen("/dev/null", "r");
	scr = newterm("xterm-256color", out_f, in_f);
	ck_assert_ptr_nonnull(scr);
	set_term(scr);
	start_color();
	st = store_new();
}

/* The console, once the store holds what the test arranged on the server. */
static void start_ui(void)
{
	load_store();
	struct ui_options o = {.store = st, .sync = sy, .in_fd = -1, .signal_fd = -1};
	char err[256];
	ui = ui_new(&o, err, sizeof err);
	ck_assert_msg(ui != NULL, "ui_new: %s", err);
	edit_actions_register(); /* what ui_extensions_init() does once wired */
	ui_draw(ui);
}

static void teardown(void)
{
	ui_free(ui);
	ui = NULL;
	sync_free(sy);
	endwin();
	delscreen(scr);
	fclose(out_f);
	fclose(in_f);
	store_free(st);
	secret_free(key);
	mockctl_stop(mc);
}

static char *row_text(int y)
{
	wchar_t w[1024];
	static char buf[4096];
	int n = mvwinnwstr(curscr, y, 0, w, 1000);
	ck_assert_int_ge(n, 0);
	w[n] = 0;
	size_t len = wcstombs(buf, w, sizeof buf - 1);
	ck_assert(len != (size_t)-1);
	buf[len] = 0;
	return buf;
}

static int find_row(const char *needle)
{
	for (int y = 0; y < LINES; y++)
		if (strstr(row_text(y), needle))
			return y;
	return -1;
}

static void keys(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		/* ASCII only in these tests; UTF-8 input is covered in test_form. */
		ui_key(ui, *p++, false);
		ui_draw(ui);
	}
}

static void key_code(int code)
{
	ui_key(ui, code, true);
	ui_draw(ui);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Feed replies to the console as its loop would, until needle is on screen
 * (NULL: just for secs). */
static bool pump_until(const char *needle, double secs)
{
	double end = now_s() + secs;
	for (;;) {
		if (needle && find_row(needle) >= 0)
			return true;
		double left = end - now_s();
		if (left <= 0)
			return false;
		struct pollfd p = {.fd = sync_wake_fd(sy), .events = POLLIN};
		if (poll(&p, 1, (int)(left * 1000) + 1) > 0) {
			ui_apply_replies(ui, sync_take(sy));
			ui_draw(ui);
		}
	}
}

/* All drivers in view, the drivers list focused. */
static void focus_drivers(void)
{
	keys("A");
	if (!ui_selection(ui).driver_focus)
		keys("\t");
}

static const struct driver *selected_driver(void)
{
	struct ui_selection s = ui_selection(ui);
	ck_assert(s.driver_focus);
	ck_assert_ptr_nonnull(s.driver);
	return s.driver;
}

/* Someone else changes a driver: through a second client, so the console's
 * store does not hear of it. */
static void server_rename(const char *driver_id, const char *name)
{
	struct sync_config cfg = {.workers = 1, .refresh_s = -1};
	cfg.http.base_url = mockctl_base(mc);
	cfg.http.key = key;
	struct api_error err = {0};
	struct sync *other = sync_new(&cfg, &err);
	ck_assert_ptr_nonnull(other);
	struct job j = {.kind = JOB_DRIVER_UPDATE};
	j.id = strdup(driver_id);
	j.dpatch.set = DRV_NAME;
	opt_str_set(&j.dpatch.v.name, name);
	sync_submit(other, &j);
	struct pollfd p = {.fd = sync_wake_fd(other), .events = POLLIN};
	ck_assert_int_gt(poll(&p, 1, 10000), 0);
	struct reply *r = sync_take(other);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->kind, REPLY_DRIVER);
	reply_free(r);
	sync_free(other);
}

/* The log since mark, keeping only requests whose path starts with prefix:
 * the console may list drivers in the background (GET /v1/drivers), which
 * is not what these tests look at. */
static void requests_under(long mark, const char *prefix, struct mock_reqs *r)
{
	ck_assert_int_eq(mockctl_requests(mc, mark, r), 0);
	size_t k = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (strncmp(r->v[i].path, prefix, strlen(prefix)) == 0) {
			r->v[k++] = r->v[i];
			continue;
		}
		free(r->v[i].method);
		free(r->v[i].path);
		free(r->v[i].query);
		free(r->v[i].body);
		free(r->v[i].idem_key);
	}
	r->n = k;
}

static cJSON *server_get(const char *path)
{
	cJSON *o = mockctl_get(mc, path, NULL);
	ck_assert_ptr_nonnull(o);
	return o;
}

START_TEST(test_edit_phone_only_sends_phone)
{
	setup();
	/* The newest drivers get hostile names (SAN-1 first). */
	ck_assert_int_eq(mockctl_faults(mc, "hostile=1"), 0);
	start_ui();
	focus_drivers();
	const struct driver *d = selected_driver();
	char did[96], path[128], raw_name[256];
	snprintf(did, sizeof did, "%s", d->id.v);
	snprintf(path, sizeof path, "/drivers/%s", did);
	snprintf(raw_name, sizeof raw_name, "%s", d->name.v);
	ck_assert_msg(strchr(raw_name, 0x1b) != NULL, "first driver has no ESC in its name");
	long mark = mockctl_last_seq(mc);
	keys("e");
	ck_assert_int_ge(find_row("Edit driver"), 0);
	ck_assert_int_ge(find_row("^["), 0);
	keys("\t\t\n\x15+33189000077\x0f"); /* Tab Tab to phone, Enter, ^U, type, ^O */
	ck_assert_msg(pump_until("saved driver", 10), "no confirmation");
	ck_assert_int_lt(find_row("Edit driver"), 0); /* closed */
	/* It names what changed, and the hostile name reaches it sanitized. */
	const char *line = row_text(find_row("saved driver"));
	ck_assert_msg(strstr(line, ": phone") != NULL, "confirmation: %s", line);
	ck_assert_ptr_nonnull(strstr(line, "^["));
	struct mock_reqs r = {0};
	requests_under(mark, "/v1/drivers/", &r);
	ck_assert_int_eq((int)r.n, 2);
	ck_assert_str_eq(r.v[0].method, "GET"); /* the freshness check */
	ck_assert_str_eq(r.v[1].method, "POST");
	char vpath[160];
	snprintf(vpath, sizeof vpath, "/v1/drivers/%s", did);
	ck_assert_str_eq(r.v[1].path, vpath);
	ck_assert_str_eq(r.v[1].body, "{\"phone\":\"+33189000077\"}");
	ck_assert_ptr_nonnull(r.v[1].idem_key);
	mock_reqs_clear(&r);
	/* The raw name is untouched on the server; the store has the reply. */
	snprintf(path, sizeof path, "/drivers/%s", did);
	cJSON *after = server_get(path);
	ck_assert_str_eq(jstr(after, "name"), raw_name);
	ck_assert_str_eq(jstr(after, "phone"), "+33189000077");
	cJSON_Delete(after);
	pump_until(NULL, 0.2);
	ck_assert_str_eq(store_driver(st, did)->phone.v, "+33189000077");
	teardown();
}
END_TEST

START_TEST(test_unchanged_save_sends_nothing)
{
	setup();
	start_ui();
	focus_drivers();
	long mark = mockctl_last_seq(mc);
	keys("e");
	key_code(KEY_F(2)); /* F2 saves like ^S */
	ck_assert_int_ge(find_row("nothing changed"), 0);
	ck_assert_int_lt(find_row("Edit driver"), 0);
	keys("e\x1b"); /* Esc with nothing changed closes without asking */
	ck_assert_int_lt(find_row("Edit driver"), 0);
	pump_until(NULL, 0.3);
	struct mock_reqs r = {0};
	requests_under(mark, "/v1/drivers/", &r);
	ck_assert_int_eq((int)r.n, 0);
	mock_reqs_clear(&r);
	mockctl_requests(mc, mark, &r);
	ck_assert_int_eq((int)mock_reqs_mutating(&r), 0);
	mock_reqs_clear(&r);
	teardown();
}
END_TEST

START_TEST(test_conflict_shown_before_sending)
{
	setup();
	start_ui();
	focus_drivers();
	char did[96], path[128];
	snprintf(did, sizeof did, "%s", selected_driver()->id.v);
	snprintf(path, sizeof path, "/drivers/%s", did);
	keys("e\t\t\n\x15+33189000078\n");
	/* Someone else renames the driver meanwhile. */
	long mark0 = mockctl_last_seq(mc);
	server_rename(did, "Renamed Elsewhere");
	long mark = mockctl_last_seq(mc);
	ck_assert_int_gt(mark, mark0);
	keys("\x0f");
	ck_assert_msg(pump_until("save yours anyway", 10), "no conflict question");
	ck_assert_int_ge(find_row("theirs:"), 0);
	ck_assert_int_ge(find_row("Renamed Elsewhere"), 0);
	struct mock_reqs r = {0};
	mockctl_requests(mc, mark, &r);
	ck_assert_int_eq((int)mock_reqs_mutating(&r), 0); /* nothing sent yet */
	mock_reqs_clear(&r);
	keys("\n"); /* save mine anyway */
	ck_assert_msg(pump_until("saved driver", 10), "not saved after the conflict");
	requests_under(mark, "/v1/drivers/", &r);
	ck_assert_int_eq((int)mock_reqs_mutating(&r), 1);
	ck_assert_str_eq(r.v[r.n - 1].method, "POST");
	ck_assert_str_eq(r.v[r.n - 1].body, "{\"phone\":\"+33189000078\"}");
	mock_reqs_clear(&r);
	cJSON *after = server_get(path);
	ck_assert_str_eq(jstr(after, "name"), "Renamed Elsewhere");
	cJSON_Delete(after);
	teardown();
}
END_TEST

START_TEST(test_refresh_under_open_form_shows_conflict)
{
	setup();
	start_ui();
	focus_drivers();
	char did[96];
	snprintf(did, sizeof did, "%s", selected_driver()->id.v);
	keys("e");
	ck_assert_int_lt(find_row("theirs:"), 0);
	server_rename(did, "Renamed By Refresh");
	/* A refresh brings the new version into the store, as the refresh
	 * thread would; the open form notices without a key press. */
	struct job j = {.kind = JOB_DRIVER_GET};
	j.id = strdup(did);
	sync_submit(sy, &j);
	ck_assert_msg(pump_until("Renamed By Refresh", 10), "store change not shown in the form");
	ck_assert_int_ge(find_row("theirs:"), 0);
	ck_assert_int_ge(find_row("changed on the server"), 0);
	ck_assert_int_ge(find_row("Edit driver"), 0);
	teardown();
}
END_TEST

START_TEST(test_api_error_keeps_form_open)
{
	setup();
	start_ui();
	focus_drivers();
	keys("e\t\t\n\x15+33189000079\n");
	ck_assert_int_eq(mockctl_faults(mc, "status=404x1,method=POST"), 0);
	keys("\x0f");
	ck_assert_msg(pump_until("+33189000079", 10), "input lost");
	pump_until(NULL, 1.0);
	ck_assert_int_ge(find_row("Edit driver"), 0); /* still open */
	ck_assert_int_ge(find_row("+33189000079"), 0);
	/* Saving again after a 4xx is a new intent with a new key (RTY-2). */
	long mark = mockctl_last_seq(mc);
	keys("\x0f");
	ck_assert_msg(pump_until("saved driver", 10), "second save failed");
	struct mock_reqs r = {0};
	mockctl_requests(mc, mark, &r);
	ck_assert_int_eq((int)mock_reqs_mutating(&r), 1);
	mock_reqs_clear(&r);
	teardown();
}
END_TEST

/* Open a driver's form, change its phone, save, under a fault on POSTs. */
static void save_phone_under_fault(const char *fault, const char *phone, char *did, size_t n)
{
	focus_drivers();
	snprintf(did, n, "%s", selected_driver()->id.v);
	ck_assert_int_eq(mockctl_faults(mc, fault), 0);
	char k[64];
	snprintf(k, sizeof k, "e\t\t\n\x15%s\x0f", phone);
	keys(k);
	ck_assert_msg(pump_until("saving again is safe", 20), "no unknown-outcome banner");
	ck_assert_int_ge(find_row("Edit driver"), 0); /* kept open, input intact */
	ck_assert_int_ge(find_row(phone), 0);
	ck_assert_int_eq(mockctl_faults(mc, "clear"), 0);
}

START_TEST(test_server_refusal_lands_at_the_field)
{
	setup();
	start_ui();
	focus_drivers();
	/* A 25-character key is fine here, but the mock counts its 50 bytes:
	 * the server's refusal (param "metadata") lands on the metadata rows. */
	keys("e");
	ck_assert_int_ge(find_row("+ metadata key"), 0);
	key_code(KEY_UP); /* Name wraps to [ Save ] */
	key_code(KEY_UP); /* then the add row above it */
	keys("\n");
	for (int i = 0; i < 25; i++) {
		ui_key(ui, 0xe9, false);
		ui_draw(ui);
	}
	keys("\nv\x0f");
	ck_assert_msg(pump_until("Metadata keys must be", 10), "server message not at the field");
	/* Under the new key's row (its value "v" is on the row above). */
	int y = find_row("Metadata keys must be");
	ck_assert_int_gt(y, 0);
	ck_assert_ptr_nonnull(strstr(row_text(y - 1), "meta \xc3\xa9"));
	ck_assert_int_ge(find_row("Edit driver"), 0);
	ck_assert_int_ge(find_row("refused a field"), 0);
	teardown();
}
END_TEST

START_TEST(test_unknown_outcome_resave_reuses_key)
{
	setup();
	start_ui();
	char did[96];
	long mark = mockctl_last_seq(mc);
	/* No attempt reaches the handler: the change is not applied.  More
	 * drops armed than tries made (curl may re-send once on a reused
	 * connection that died); the leftovers are cleared before re-saving. */
	save_phone_under_fault("drop=beforex8,method=POST", "+33189000080", did, sizeof did);
	keys("\x0f");
	ck_assert_msg(pump_until("saved driver", 10), "re-save failed");
	struct mock_reqs r = {0};
	requests_under(mark, "/v1/drivers/", &r);
	const char *first = NULL;
	size_t posts = 0;
	for (size_t i = 0; i < r.n; i++) {
		if (strcmp(r.v[i].method, "POST") != 0)
			continue;
		posts++;
		ck_assert_ptr_nonnull(r.v[i].idem_key);
		if (!first)
			first = r.v[i].idem_key;
		/* RTY-1: one logical change, one key, on every try and re-save. */
		ck_assert_str_eq(r.v[i].idem_key, first);
		ck_assert_str_eq(r.v[i].body, "{\"phone\":\"+33189000080\"}");
	}
	ck_assert_int_ge((int)posts, 3); /* the tries, then the re-save */
	mock_reqs_clear(&r);
	teardown();
}
END_TEST

START_TEST(test_unknown_outcome_verified_applied)
{
	setup();
	start_ui();
	char did[96];
	/* Every attempt is applied, then the connection drops. */
	save_phone_under_fault("drop=afterx8,method=POST", "+33189000081", did, sizeof did);
	long mark = mockctl_last_seq(mc);
	keys("\x0f");
	ck_assert_msg(pump_until("already has these values", 10), "not verified");
	ck_assert_int_ge(find_row("did apply"), 0);
	ck_assert_int_lt(find_row("Edit driver"), 0);
	struct mock_reqs r = {0};
	mockctl_requests(mc, mark, &r);
	ck_assert_int_eq((int)mock_reqs_mutating(&r), 0); /* verified by a GET, not re-sent */
	mock_reqs_clear(&r);
	teardown();
}
END_TEST

START_TEST(test_attach_then_detach_with_confirmation)
{
	setup();
	start_ui();
	focus_drivers();
	char did[96];
	const struct driver *d = selected_driver();
	snprintf(did, sizeof did, "%s", d->id.v);
	size_t before = d->fleets.n;
	long mark = mockctl_last_seq(mc);
	keys("a");
	ck_assert_int_ge(find_row("Attach to fleet"), 0);
	keys("\n");
	ck_assert_msg(pump_until("attached", 10), "no attach confirmation");
	struct mock_reqs r = {0};
	requests_under(mark, "/v1/drivers/", &r);
	ck_assert_int_eq((int)r.n, 1);
	ck_assert_ptr_nonnull(strstr(r.v[0].path, "/attach"));
	ck_assert_ptr_nonnull(strstr(r.v[0].body, "\"fleet\":\"flt_"));
	mock_reqs_clear(&r);
	pump_until(NULL, 0.2);
	ck_assert_int_eq((int)store_driver(st, did)->fleets.n, (int)before + 1);

	/* Detach asks first; 'n' sends nothing. */
	mark = mockctl_last_seq(mc);
	keys("d");
	if (find_row("Detach from fleet") >= 0)
		keys("\n");
	ck_assert_int_ge(find_row("detach "), 0);
	keys("n");
	pump_until(NULL, 0.3);
	requests_under(mark, "/v1/drivers/", &r);
	ck_assert_int_eq((int)r.n, 0);
	mock_reqs_clear(&r);
	keys("d");
	if (find_row("Detach from fleet") >= 0)
		keys("\n");
	keys("y");
	ck_assert_msg(pump_until("detached", 10), "no detach confirmation");
	requests_under(mark, "/v1/drivers/", &r);
	ck_assert_int_eq((int)r.n, 1);
	ck_assert_ptr_nonnull(strstr(r.v[0].path, "/detach"));
	mock_reqs_clear(&r);
	teardown();
}
END_TEST

START_TEST(test_create_in_fleet_in_view)
{
	setup();
	start_ui();
	keys("\n"); /* open the selected fleet: its drivers are in view */
	struct ui_selection s = ui_selection(ui);
	ck_assert_ptr_nonnull(s.scope_fleet_id);
	char fid[96];
	snprintf(fid, sizeof fid, "%s", s.scope_fleet_id);
	long mark = mockctl_last_seq(mc);
	keys("n");
	ck_assert_int_ge(find_row("New driver in"), 0);
	keys("\x0f"); /* name and email are required */
	ck_assert_int_ge(find_row("required"), 0);
	keys("\n\x15Marie Curie\n\t\n\x15marie@example.com\n\x0f");
	ck_assert_msg(pump_until("created driver", 10), "no create confirmation");
	ck_assert_int_ge(find_row("(attached to "), 0);
	struct mock_reqs r = {0};
	mockctl_requests(mc, mark, &r);
	/* Opening the fleet also lists its drivers (GETs): look at the writes. */
	const struct mock_req *w[2] = {0};
	size_t nw = 0;
	for (size_t i = 0; i < r.n; i++)
		if (strcmp(r.v[i].method, "GET") != 0 && nw < 2)
			w[nw++] = &r.v[i];
	ck_assert_int_eq((int)mock_reqs_mutating(&r), 2);
	ck_assert_str_eq(w[0]->path, "/v1/drivers");
	ck_assert_str_eq(w[0]->body, "{\"name\":\"Marie Curie\",\"email\":\"marie@example.com\"}");
	ck_assert_ptr_nonnull(strstr(w[1]->path, "/attach"));
	ck_assert_ptr_nonnull(strstr(w[1]->body, fid));
	mock_reqs_clear(&r);
	teardown();
}
END_TEST

START_TEST(test_edit_fleet_address_line)
{
	setup();
	start_ui();
	struct ui_selection s = ui_selection(ui);
	ck_assert(!s.driver_focus);
	ck_assert_ptr_nonnull(s.fleet);
	char fid[96];
	snprintf(fid, sizeof fid, "%s", s.fleet->id.v);
	long mark = mockctl_last_seq(mc);
	keys("e");
	ck_assert_int_ge(find_row("Edit fleet"), 0);
	/* Name, Email, Phone, Description, Time zone, Units, Line 1, Line 2,
	 * Postal code, City: nine Tabs. */
	keys("\t\t\t\t\t\t\t\t\t\n\x15Lyon\n\x0f");
	ck_assert_msg(pump_until("saved fleet", 10), "no fleet confirmation");
	const char *line = row_text(find_row("saved fleet"));
	ck_assert_msg(strstr(line, ": city") != NULL, "confirmation: %s", line);
	struct mock_reqs r = {0};
	requests_under(mark, "/v1/fleets/", &r);
	ck_assert_int_eq((int)mock_reqs_mutating(&r), 1);
	ck_assert_str_eq(r.v[r.n - 1].method, "POST");
	ck_assert_str_eq(r.v[r.n - 1].body, "{\"address\":{\"city\":\"Lyon\"}}");
	mock_reqs_clear(&r);
	teardown();
}
END_TEST

/* Issue #4: the create goes through, the attach after it fails on every
 * try.  The driver exists: the form closes (it can never be sent again), the
 * store has the driver, and the status line says what happened. */
START_TEST(test_create_whose_attach_fails_closes_the_form)
{
	setup();
	start_ui();
	keys("\n"); /* open the selected fleet: its drivers are in view */
	ck_assert_ptr_nonnull(ui_selection(ui).scope_fleet_id);
	/* "/v1/drivers/" matches the attach, not the create (/v1/drivers). */
	ck_assert_int_eq(mockctl_faults(mc, "status=503x3,path=/v1/drivers/,method=POST"), 0);
	long mark = mockctl_last_seq(mc);
	keys("n");
	keys("\n\x15Marie Curie\n\t\n\x15marie@example.com\n\x0f");
	ck_assert_msg(pump_until("created, but not attached to", 20), "no attach-failed message");
	const char *line = row_text(find_row("created, but not attached to"));
	ck_assert_msg(strstr(line, "driver Marie Curie created") != NULL, "%s", line);
	ck_assert_int_lt(find_row("New driver in"), 0); /* closed */
	/* A save key now reaches no form. */
	keys("\x0f");
	pump_until(NULL, 0.5);
	struct mock_reqs r = {0};
	mockctl_requests(mc, mark, &r);
	size_t creates = 0;
	for (size_t i = 0; i < r.n; i++)
		creates += !strcmp(r.v[i].method, "POST") && !strcmp(r.v[i].path, "/v1/drivers");
	ck_assert_uint_eq(creates, 1);
	ck_assert_uint_eq(mock_reqs_count(&r, "POST", "/v1/drivers/"), 3);
	mock_reqs_clear(&r);
	/* In the store at once, as the server made it (in no fleet). */
	cJSON *all = mockctl_get_all(mc, "/drivers?limit=100");
	ck_assert_ptr_nonnull(all);
	const cJSON *d, *nd = NULL;
	cJSON_ArrayForEach(d, all)
	{
		if (jstr(d, "email") && !strcmp(jstr(d, "email"), "marie@example.com"))
			nd = d;
	}
	ck_assert_ptr_nonnull(nd);
	const struct driver *sd = store_driver(st, jstr(nd, "id"));
	ck_assert_ptr_nonnull(sd);
	ck_assert_str_eq(sd->name.v, "Marie Curie");
	cJSON_Delete(all);
	teardown();
}
END_TEST

/* The confirmation's list of what changed, from a patch's bits and keys. */
START_TEST(test_changed_names)
{
	struct driver d = {0};
	ck_assert_int_eq(opt_str_set(&d.id, "drv_test0001"), 0);
	ck_assert_int_eq(opt_str_set(&d.name, "Ada"), 0);
	struct edit_driver *ed = edit_driver_open(&d);
	ck_assert_ptr_nonnull(ed);
	struct meta_map m = {0};
	char *keys_[] = {"tier", "a\x1b[2Jb"}, *vals[] = {"gold", NULL};
	m.st = FIELD_SET;
	m.n = 2;
	m.keys = keys_;
	m.vals = vals;
	char buf[192];
	uint32_t set = DRV_METADATA | DRV_PREF_CURRENCY | DRV_PHONE;
	/* Form order, the form's labels as words, metadata keys sanitized. */
	ck_assert_uint_eq(edit_changed_names(ed->form, set, 0, &m, 5, buf, sizeof buf), 4);
	ck_assert_str_eq(buf, "phone, currency, metadata.tier, metadata.a^[[2Jb");
	ck_assert_uint_eq(edit_changed_names(ed->form, set, 0, &m, 2, buf, sizeof buf), 4);
	ck_assert_str_eq(buf, "phone, currency +2 more");
	size_t k = edit_changed_names(ed->form, DRV_PREF_MAX_PRICE_PER_KWH, 0, NULL, 3, buf,
	                              sizeof buf);
	ck_assert_uint_eq(k, 1);
	ck_assert_str_eq(buf, "max price / kWh"); /* kWh keeps its case */
	ck_assert_uint_eq(edit_changed_names(ed->form, 0, 0, NULL, 3, buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "");
	/* A name that would crowd out "+N more" is counted in it instead. */
	ck_assert_uint_eq(edit_changed_names(ed->form, set, 0, NULL, 3, buf, 36), 2);
	ck_assert_str_eq(buf, "phone +1 more");
	edit_driver_free(ed);
	driver_clear(&d);

	struct fleet f = {0};
	ck_assert_int_eq(opt_str_set(&f.id, "flt_test0001"), 0);
	struct edit_fleet *ef = edit_fleet_open(&f);
	ck_assert_ptr_nonnull(ef);
	/* The address names only its lines that changed. */
	ck_assert_uint_eq(edit_changed_names(ef->form, FLT_ADDRESS | FLT_TIMEZONE,
	                                     ADDR_CITY | ADDR_LINE2, NULL, 3, buf, sizeof buf),
	                  3);
	ck_assert_str_eq(buf, "time zone, address line 2, city");
	edit_fleet_free(ef);
	fleet_clear(&f);
}
END_TEST

static Suite *edit_suite(void)
{
	Suite *s = suite_create("edit_actions");
	TCase *tc = tcase_create("console");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_edit_phone_only_sends_phone);
	tcase_add_test(tc, test_unchanged_save_sends_nothing);
	tcase_add_test(tc, test_conflict_shown_before_sending);
	tcase_add_test(tc, test_refresh_under_open_form_shows_conflict);
	tcase_add_test(tc, test_api_error_keeps_form_open);
	tcase_add_test(tc, test_server_refusal_lands_at_the_field);
	tcase_add_test(tc, test_unknown_outcome_resave_reuses_key);
	tcase_add_test(tc, test_unknown_outcome_verified_applied);
	tcase_add_test(tc, test_attach_then_detach_with_confirmation);
	tcase_add_test(tc, test_create_in_fleet_in_view);
	tcase_add_test(tc, test_edit_fleet_address_line);
	tcase_add_test(tc, test_create_whose_attach_fails_closes_the_form);
	tcase_add_test(tc, test_changed_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(edit_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
