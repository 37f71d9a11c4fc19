/* http.c without charge-mock: the debug trace's redaction (SEC-4, SEC-5),
 * refusals that must never reach the network (read-only, cross-origin, bad
 * key), and the retry loop against a loopback socket that accepts and hangs
 * up, with an injected clock so nothing sleeps for real. */
#include <arpa/inet.h>
#include <check.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chargetui/http.h"
#include "chargetui/secret.h"

#define KEY "ch_sk_test_4eC39HqLyjWDarjtT1zdp7dc"

static char tmpdir[64];

static void setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/ct_http_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

START_TEST(trace_redacts_header_block)
{
	char path[128], why[256];
	snprintf(path, sizeof path, "%s/debug.log", tmpdir);
	struct secret *key = secret_new(KEY, strlen(KEY));
	struct http_trace *t = http_trace_open(path, key, why, sizeof why);
	ck_assert_msg(t != NULL, "%s", why);
	const char out[] = "POST /v1/drivers HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	                   "Authorization: Bearer " KEY "\r\nIdempotency-Key: abc\r\n\r\n";
	const char in[] = "HTTP/1.1 400 Bad Request\r\nX-Echo: " KEY "\r\n";
	const char text[] = "Connected \x1b]0;pwned\x07 to\r\n";
	http_trace_event(t, CURLINFO_HEADER_OUT, out, sizeof out - 1);
	http_trace_event(t, CURLINFO_HEADER_IN, in, sizeof in - 1);
	http_trace_event(t, CURLINFO_TEXT, text, sizeof text - 1);
	/* data events are not logged by the callback at all */
	http_trace_event(t, CURLINFO_DATA_IN, "{\"k\":\"" KEY "\"}", 10);
	http_trace_lines(t, "<< ", "{\"echo\":\"" KEY "\"}", strlen("{\"echo\":\"" KEY "\"}"));
	http_trace_close(t);

	const char *log = slurp(path);
	ck_assert_ptr_null(strstr(log, KEY));
	ck_assert_ptr_null(strstr(log, "4eC39HqLyjWDarjtT1zd"));
	ck_assert_ptr_nonnull(strstr(log, "> Authorization: Bearer [redacted]\n"));
	ck_assert_ptr_nonnull(strstr(log, "< X-Echo: ch_sk_test_\xe2\x80\xa6p7dc\n"));
	ck_assert_ptr_nonnull(strstr(log, "> Idempotency-Key: abc\n"));
	ck_assert_ptr_nonnull(strstr(log, "* Connected \\x1b]0;pwned\\x07 to\n"));
	ck_assert_ptr_nonnull(strstr(log, "<< {\"echo\":\"ch_sk_test_"));
	ck_assert_ptr_null(strchr(log, '\x1b'));
	ck_assert_ptr_null(strchr(log, '\r'));
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	secret_free(key);
}
END_TEST

/* A key that is not Charge-shaped is still never written verbatim. */
START_TEST(trace_redacts_exact_key)
{
	char path[128], why[256];
	snprintf(path, sizeof path, "%s/debug.log", tmpdir);
	struct secret *key = secret_new("opaqueSecretValue42", 19);
	struct http_trace *t = http_trace_open(path, key, why, sizeof why);
	ck_assert_ptr_nonnull(t);
	const char out[] = "X-Debug: opaqueSecretValue42\r\n";
	http_trace_event(t, CURLINFO_HEADER_OUT, out, sizeof out - 1);
	http_trace_close(t);
	ck_assert_ptr_null(strstr(slurp(path), "opaqueSecretValue42"));
	secret_free(key);
}
END_TEST

START_TEST(trace_file_modes)
{
	char path[128], link[128], why[256];
	snprintf(path, sizeof path, "%s/debug.log", tmpdir);
	snprintf(link, sizeof link, "%s/link.log", tmpdir);
	int fd = open(path, O_WRONLY | O_CREAT, 0644);
	ck_assert_int_ge(fd, 0);
	fchmod(fd, 0644);
	close(fd);
	struct http_trace *t = http_trace_open(path, NULL, why, sizeof why);
	ck_assert_ptr_nonnull(t);
	http_trace_close(t);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_ptr_null(http_trace_open(link, NULL, why, sizeof why));
	ck_assert_ptr_nonnull(strstr(why, "symlink"));
}
END_TEST

/* A loopback listener that counts connections and can hang up on them. */
struct fake {
	int lfd, port;
	pthread_t th;
	int serve; /* connections to accept before exiting */
	int accepted;
	char heads[4][2048];
};

static void *fake_run(void *arg)
{
	struct fake *f = arg;
	for (int i = 0; i < f->serve; i++) {
		int c = accept(f->lfd, NULL, NULL);
		if (c < 0)
			break;
		char *h = f->heads[i < 4 ? i : 3];
		size_t n = 0;
		while (n < 2047 && !strstr(h, "\r\n\r\n")) {
			ssize_t r = read(c, h + n, 2047 - n);
			if (r <= 0)
				break;
			n += (size_t)r;
			h[n] = '\0';
		}
		f->accepted++;
		close(c); /* no response: GOT_NOTHING on the client */
	}
	return NULL;
}

static void fake_start(struct fake *f, int serve)
{
	memset(f, 0, sizeof *f);
	f->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	ck_assert_int_eq(bind(f->lfd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(f->lfd, 8), 0);
	socklen_t l = sizeof a;
	getsockname(f->lfd, (struct sockaddr *)&a, &l);
	f->port = ntohs(a.sin_port);
	f->serve = serve;
	if (serve > 0)
		pthread_create(&f->th, NULL, fake_run, f);
}

/* true when a connection is waiting on a listener nobody accepts from */
static bool fake_pending(const struct fake *f)
{
	struct pollfd p = {.fd = f->lfd, .events = POLLIN};
	return poll(&p, 1, 100) > 0;
}

static void fake_stop(struct fake *f)
{
	if (f->serve > 0)
		pthread_join(f->th, NULL);
	close(f->lfd);
}

struct fake_clock {
	double t;
	int sleeps;
	double slept[8];
};

static double fc_now(void *ctx)
{
	return ((struct fake_clock *)ctx)->t;
}

static double fc_wall(void *ctx)
{
	return 1795582800.0 + ((struct fake_clock *)ctx)->t;
}

static void fc_sleep(void *ctx, double s)
{
	struct fake_clock *c = ctx;
	if (c->sleeps < 8)
		c->slept[c->sleeps] = s;
	c->sleeps++;
	c->t += s;
}

START_TEST(read_only_never_connects)
{
	struct fake f;
	fake_start(&f, 0);
	char base[64];
	snprintf(base, sizeof base, "http://127.0.0.1:%d/v1", f.port);
	struct secret *key = secret_new(KEY, strlen(KEY));
	struct http_config cfg = {.base_url = base, .key = key, .read_only = true};
	struct api_error err = {0};
	struct http_client *c = http_client_new(&cfg, &err);
	ck_assert_ptr_nonnull(c);
	struct http_response r;
	const char *methods[] = {"POST", "DELETE", "PUT", "PATCH"};
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(
		    http_send(c, methods[i], "/drivers/drv_1", NULL, "{}", NULL, &r, &err), -1);
		ck_assert_int_eq(err.kind, API_ERR_REFUSED);
		ck_assert_int_eq(err.attempts, 0);
		ck_assert_ptr_null(r.body);
	}
	ck_assert_ptr_nonnull(strstr(err.detail, "read-only"));
	ck_assert(!fake_pending(&f));
	/* cross-origin page links and escaping paths are refused the same way */
	char other[96];
	snprintf(other, sizeof other, "http://127.0.0.1:%d/v1/drivers?page=x", f.port + 1);
	ck_assert_int_eq(http_send(c, "GET", other, NULL, NULL, NULL, &r, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_REFUSED);
	ck_assert_str_eq(err.detail, "refused cross-origin page link");
	ck_assert_int_eq(http_send(c, "GET", "/../admin", NULL, NULL, NULL, &r, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_REFUSED);
	ck_assert(!fake_pending(&f));
	api_error_clear(&err);
	http_client_free(c);
	secret_free(key);
	fake_stop(&f);
}
END_TEST

/* RTY-1, RTY-8: three hang-ups on a POST, one Idempotency-Key, two backoff
 * sleeps within RTY-4's bounds, and the outcome is unknown, not failed. */
START_TEST(post_hangups_unknown_same_key)
{
	struct fake f;
	fake_start(&f, 3);
	char base[64];
	snprintf(base, sizeof base, "http://127.0.0.1:%d/v1", f.port);
	struct fake_clock fc = {0};
	struct http_clock clk = {fc_now, fc_wall, fc_sleep, &fc};
	struct http_config cfg = {.base_url = base, .clock = &clk};
	struct api_error err = {0};
	struct http_client *c = http_client_new(&cfg, &err);
	ck_assert_ptr_nonnull(c);
	struct http_response r;
	const char *body = "{\"fleet\":\"flt_1\"}";
	ck_assert_int_eq(http_send(c, "POST", "/drivers/drv_1/attach", NULL, body, NULL, &r, &err),
	                 -1);
	fake_stop(&f);
	ck_assert_int_eq(f.accepted, 3);
	ck_assert_int_eq(err.attempts, 3);
	ck_assert_int_eq(err.kind, API_ERR_UNKNOWN);
	ck_assert_str_eq(err.detail, "unknown \xe2\x80\x94 verify");
	ck_assert_int_eq(fc.sleeps, 2);
	ck_assert(fc.slept[0] >= 0.5 && fc.slept[0] <= 0.5);
	ck_assert(fc.slept[1] >= 0.5 && fc.slept[1] <= 1.0);
	const char *k0 = strstr(f.heads[0], "Idempotency-Key: ");
	ck_assert_ptr_nonnull(k0);
	char key[64];
	ck_assert_int_eq(sscanf(k0, "Idempotency-Key: %63[^\r]", key), 1);
	ck_assert_int_eq(strlen(key), 36);
	for (int i = 1; i < 3; i++)
		ck_assert_ptr_nonnull(strstr(f.heads[i], key));
	ck_assert_ptr_nonnull(strstr(f.heads[0], "POST /v1/drivers/drv_1/attach HTTP/1.1\r\n"));
	ck_assert_ptr_nonnull(strstr(f.heads[0], "Charge-Version: 2026-03-01\r\n"));
	ck_assert_ptr_nonnull(strstr(f.heads[0], "Content-Type: application/json\r\n"));
	ck_assert_ptr_nonnull(strstr(f.heads[0], "User-Agent: chargetui/"));
	/* no key configured: no Authorization at all */
	ck_assert_ptr_null(strstr(f.heads[0], "Authorization"));

	/* a GET hang-up is a network error, not unknown; a caller's key is used */
	fake_start(&f, 1);
	snprintf(base, sizeof base, "http://127.0.0.1:%d/v1", f.port);
	cfg.max_attempts = 1;
	http_client_free(c);
	c = http_client_new(&cfg, &err);
	ck_assert_int_eq(http_send(c, "GET", "/drivers", "limit=1", NULL, NULL, &r, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_NETWORK);
	ck_assert_int_eq(err.attempts, 1);
	fake_stop(&f);
	ck_assert_int_eq(http_send(c, "POST", "/drivers", NULL, "{}", "bad key\n", &r, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_REFUSED);
	api_error_clear(&err);
	http_client_free(c);
}
END_TEST

/* Nothing listening: connection refused is retried, and a POST that never
 * connected is a plain network failure, since nothing can have applied. */
START_TEST(connect_refused)
{
	struct fake f;
	fake_start(&f, 0);
	int port = f.port;
	fake_stop(&f);
	char base[64];
	snprintf(base, sizeof base, "http://127.0.0.1:%d/v1", port);
	struct fake_clock fc = {0};
	struct http_clock clk = {fc_now, fc_wall, fc_sleep, &fc};
	struct http_config cfg = {.base_url = base, .clock = &clk};
	struct api_error err = {0};
	struct http_client *c = http_client_new(&cfg, &err);
	struct http_response r;
	ck_assert_int_eq(http_send(c, "POST", "/drivers", NULL, "{}", NULL, &r, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_NETWORK);
	ck_assert_int_eq(err.attempts, 3);
	ck_assert_int_eq(fc.sleeps, 2);
	api_error_clear(&err);
	http_client_free(c);
}
END_TEST

/* NET-8: a cancel flag already set stops before any attempt. */
START_TEST(cancelled_before_start)
{
	struct fake f;
	fake_start(&f, 0);
	char base[64];
	snprintf(base, sizeof base, "http://127.0.0.1:%d/v1", f.port);
	volatile int cancel = 1;
	struct http_config cfg = {.base_url = base, .cancel = &cancel};
	struct api_error err = {0};
	struct http_client *c = http_client_new(&cfg, &err);
	struct http_response r;
	ck_assert_int_eq(http_send(c, "GET", "/drivers", NULL, NULL, NULL, &r, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_CANCELLED);
	ck_assert(!fake_pending(&f));
	api_error_clear(&err);
	http_client_free(c);
	fake_stop(&f);
}
END_TEST

/* NET-1, NET-2, NET-4, NET-5, NET-7: what the handle factory sets. */
START_TEST(handle_hardening)
{
	struct api_error err = {0};
	struct http_config cfg = {.base_url = "https://api.chargeapi.co/v1"};
	struct http_client *c = http_client_new(&cfg, &err);
	ck_assert_ptr_nonnull(c);
	struct http_handle_options o;
	http_client_options(c, &o);
	ck_assert_str_eq(o.protocols, "https");
	ck_assert_str_eq(o.redir_protocols, "https");
	ck_assert_int_eq(o.followlocation, 0);
	ck_assert_int_eq(o.nosignal, 1);
	ck_assert_int_eq(o.verifypeer, 1);
	ck_assert_int_eq(o.verifyhost, 2);
	ck_assert_int_eq(o.connect_timeout_ms, 10000);
	ck_assert_int_eq(o.get_timeout_ms, 30000);
	ck_assert_int_eq(o.post_timeout_ms, 60000);
	ck_assert_int_eq(o.low_speed_limit, 1);
	ck_assert_int_eq(o.low_speed_time_s, 20);
	ck_assert_int_eq(o.max_filesize, 8 << 20);
	ck_assert(o.accept_encoding && o.xferinfo);
	ck_assert(!o.verbose && !o.debug_function);
	http_client_free(c);

	char path[128];
	snprintf(path, sizeof path, "%s/debug.log", tmpdir);
	cfg = (struct http_config){.base_url = "http://127.0.0.1:9/v1",
	                           .connect_timeout_ms = 1500,
	                           .get_timeout_ms = 2000,
	                           .post_timeout_ms = 4000,
	                           .low_speed_time_s = 5,
	                           .max_response_bytes = 1000,
	                           .debug_log_path = path};
	c = http_client_new(&cfg, &err);
	ck_assert_ptr_nonnull(c);
	http_client_options(c, &o);
	ck_assert_str_eq(o.protocols, "https,http");
	ck_assert_str_eq(o.redir_protocols, "https");
	ck_assert_int_eq(o.nosignal, 1);
	ck_assert_int_eq(o.connect_timeout_ms, 1500);
	ck_assert_int_eq(o.get_timeout_ms, 2000);
	ck_assert_int_eq(o.post_timeout_ms, 4000);
	ck_assert_int_eq(o.low_speed_time_s, 5);
	ck_assert_int_eq(o.max_filesize, 1000);
	/* verbose only ever together with the redacting debug function */
	ck_assert(o.verbose && o.debug_function);
	http_client_free(c);
}
END_TEST

START_TEST(bucket_rate)
{
	struct rate_bucket *b = rate_bucket_new(50, 1);
	ck_assert_ptr_nonnull(b);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 11; i++)
		ck_assert_int_eq(rate_bucket_take(b, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double dt = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* 1 from the burst, then 10 at 50/s: at least 0.2 s */
	ck_assert_msg(dt >= 0.19, "took %f s", dt);
	volatile int cancel = 1;
	ck_assert_int_eq(rate_bucket_take(b, &cancel), -1);
	rate_bucket_free(b);
	ck_assert_ptr_null(rate_bucket_new(0, 1));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, trace_redacts_header_block);
	tcase_add_test(tc, trace_redacts_exact_key);
	tcase_add_test(tc, trace_file_modes);
	tcase_add_test(tc, read_only_never_connects);
	tcase_add_test(tc, post_hangups_unknown_same_key);
	tcase_add_test(tc, connect_refused);
	tcase_add_test(tc, cancelled_before_start);
	tcase_add_test(tc, handle_hardening);
	tcase_add_test(tc, bucket_rate);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
