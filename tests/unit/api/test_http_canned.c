/* What charge-mock cannot serve, from a canned loopback server: the legacy
 * list shape (has_more + starting_after), a gzip bomb (NET-7 counts decoded
 * bytes), cancel during a stall (NET-8), a should-retry header, and an HTTP
 * error from a non-JSON body. */
#include <arpa/inet.h>
#include <check.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "chargetui/api.h"
#include "chargetui/http.h"

/* One connection = one request = one canned response (Connection: close). */
struct canned {
	int lfd, port;
	pthread_t th;
	const char *const *responses; /* NULL entry: accept and never answer */
	size_t nresp_len[8];          /* explicit lengths for binary responses, 0: strlen */
	int n;
	int served;
	char requests[8][2048];
	volatile int stop;
};

static void read_request(int c, char *h, size_t cap)
{
	size_t n = 0;
	h[0] = '\0';
	while (n < cap - 1 && !strstr(h, "\r\n\r\n")) {
		ssize_t r = read(c, h + n, cap - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		h[n] = '\0';
	}
}

static void *canned_run(void *arg)
{
	struct canned *s = arg;
	for (int i = 0; i < s->n; i++) {
		int c = accept(s->lfd, NULL, NULL);
		if (c < 0)
			break;
		read_request(c, s->requests[i], sizeof s->requests[i]);
		s->served++;
		const char *r = s->responses[i];
		if (!r) {
			while (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED))
				usleep(10000);
			close(c);
			break;
		}
		size_t len = s->nresp_len[i] ? s->nresp_len[i] : strlen(r);
		for (size_t off = 0; off < len;) {
			ssize_t w = write(c, r + off, len - off);
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		shutdown(c, SHUT_WR);
		char sink[256];
		while (read(c, sink, sizeof sink) > 0)
			;
		close(c);
	}
	return NULL;
}

static void canned_start(struct canned *s, const char *const *responses, int n)
{
	memset(s, 0, sizeof *s);
	s->responses = responses;
	s->n = n;
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	ck_assert_int_eq(bind(s->lfd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(s->lfd, 8), 0);
	socklen_t l = sizeof a;
	getsockname(s->lfd, (struct sockaddr *)&a, &l);
	s->port = ntohs(a.sin_port);
}

static void canned_go(struct canned *s)
{
	pthread_create(&s->th, NULL, canned_run, s);
}

static void canned_stop(struct canned *s)
{
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELAXED);
	shutdown(s->lfd, SHUT_RDWR);
	pthread_join(s->th, NULL);
	close(s->lfd);
}

static char *json_response(const char *status, const char *extra, const char *body)
{
	char *r = NULL;
	ck_assert_int_ge(asprintf(&r,
	                          "HTTP/1.1 %s\r\nContent-Type: application/json\r\n%s"
	                          "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
	                          status, extra, strlen(body), body),
	                 0);
	return r;
}

static void base_of(const struct canned *s, char *out, size_t n)
{
	snprintf(out, n, "http://127.0.0.1:%d/v1", s->port);
}

START_TEST(legacy_list_pages_with_starting_after)
{
	char *r1 = json_response("200 OK", "",
	                         "{\"object\":\"list\",\"url\":\"/v1/drivers\",\"has_more\":true,"
	                         "\"data\":[{\"id\":\"drv_a\",\"object\":\"driver\"},"
	                         "{\"id\":\"drv_b\",\"object\":\"driver\"}]}");
	char *r2 = json_response("200 OK", "",
	                         "{\"object\":\"list\",\"url\":\"/v1/drivers\",\"has_more\":false,"
	                         "\"data\":[{\"id\":\"drv_c\",\"object\":\"driver\"}]}");
	const char *resp[] = {r1, r2};
	struct canned s;
	canned_start(&s, resp, 2);
	canned_go(&s);
	char base[64];
	base_of(&s, base, sizeof base);
	struct http_config cfg = {.base_url = base};
	struct api_error err = {0};
	struct api *a = api_new(&cfg, &err);
	ck_assert_ptr_nonnull(a);
	struct list_query q = {.limit = 2, .fleet = "flt_x y&z"};
	struct api_iter *it = api_drivers_iter(a, &q);
	struct driver_page p;
	ck_assert_int_eq(api_iter_next_drivers(it, &p, &err), 1);
	ck_assert(p.legacy && p.has_more);
	ck_assert_int_eq(p.n, 2);
	driver_page_clear(&p);
	ck_assert_int_eq(api_iter_next_drivers(it, &p, &err), 1);
	ck_assert_int_eq(p.n, 1);
	ck_assert_str_eq(p.items[0].id.v, "drv_c");
	driver_page_clear(&p);
	ck_assert_int_eq(api_iter_next_drivers(it, &p, &err), 0);
	api_iter_free(it);
	api_free(a);
	canned_stop(&s);
	ck_assert_int_eq(s.served, 2);
	/* query values escaped (NET-10); the cursor is the last id of page 1 */
	ck_assert_ptr_nonnull(
	    strstr(s.requests[0], "GET /v1/drivers?limit=2&fleet=flt_x%20y%26z HTTP/1.1\r\n"));
	ck_assert_ptr_nonnull(strstr(
	    s.requests[1],
	    "GET /v1/drivers?limit=2&fleet=flt_x%20y%26z&starting_after=drv_b HTTP/1.1\r\n"));
	free(r1);
	free(r2);
}
END_TEST

/* A list whose next link repeats itself would page forever. */
START_TEST(repeating_next_link_stops)
{
	char body[512], *r[2];
	struct canned s;
	const char *resp[2] = {NULL, NULL};
	canned_start(&s, resp, 2);
	for (int i = 0; i < 2; i++) {
		snprintf(body, sizeof body,
		         "{\"data\":[{\"id\":\"drv_%c\"}],\"next_page_url\":"
		         "\"http://127.0.0.1:%d/v1/drivers?page=same\",\"previous_page_url\":null}",
		         'a' + i, s.port);
		r[i] = json_response("200 OK", "", body);
		resp[i] = r[i];
	}
	canned_go(&s);
	char base[64];
	base_of(&s, base, sizeof base);
	struct http_config cfg = {.base_url = base};
	struct api_error err = {0};
	struct api *a = api_new(&cfg, &err);
	struct api_iter *it = api_drivers_iter(a, NULL);
	struct driver_page p;
	ck_assert_int_eq(api_iter_next_drivers(it, &p, &err), 1);
	driver_page_clear(&p);
	ck_assert_int_eq(api_iter_next_drivers(it, &p, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_MALFORMED);
	api_error_clear(&err);
	api_iter_free(it);
	api_free(a);
	canned_stop(&s);
	ck_assert_ptr_nonnull(strstr(s.requests[1], "GET /v1/drivers?page=same HTTP/1.1"));
	free(r[0]);
	free(r[1]);
}
END_TEST

/* NET-7: 20 MB of zeros gzip'ed to a few KB; the cap counts decoded bytes. */
START_TEST(gzip_bomb_capped)
{
	char dir[] = "/tmp/ct_gz_XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char cmd[256], path[128];
	snprintf(path, sizeof path, "%s/bomb.gz", dir);
	snprintf(cmd, sizeof cmd, "head -c 20000000 /dev/zero | gzip -9 > %s", path);
	ck_assert_int_eq(system(cmd), 0);
	FILE *f = fopen(path, "rb");
	static char gz[1 << 20];
	size_t gzlen = fread(gz, 1, sizeof gz, f);
	fclose(f);
	ck_assert_int_lt(gzlen, 100000);
	static char resp[(1 << 20) + 512];
	int hl =
	    snprintf(resp, 512,
	             "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	             "Content-Encoding: gzip\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
	             gzlen);
	memcpy(resp + hl, gz, gzlen);
	const char *rs[] = {resp};
	struct canned s;
	canned_start(&s, rs, 1);
	s.nresp_len[0] = (size_t)hl + gzlen;
	canned_go(&s);
	char base[64];
	base_of(&s, base, sizeof base);
	struct http_config cfg = {.base_url = base, .max_response_bytes = 8u << 20};
	struct api_error err = {0};
	struct http_client *c = http_client_new(&cfg, &err);
	struct http_response r;
	ck_assert_int_eq(http_send(c, "GET", "/drivers", NULL, NULL, NULL, &r, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_TOO_LARGE);
	ck_assert_int_eq(err.attempts, 1);
	api_error_clear(&err);
	http_client_free(c);
	canned_stop(&s);
	ck_assert_ptr_nonnull(strstr(s.requests[0], "Accept-Encoding: "));
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

struct canceller {
	volatile int *flag;
	int after_ms;
};

static void *cancel_later(void *arg)
{
	struct canceller *c = arg;
	usleep((useconds_t)c->after_ms * 1000);
	__atomic_store_n(c->flag, 1, __ATOMIC_RELAXED);
	return NULL;
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* NET-8: a stalled request ends promptly once the cancel flag is set, well
 * before its own timeout, and is not retried. */
START_TEST(cancel_during_stall)
{
	const char *rs[] = {NULL};
	struct canned s;
	canned_start(&s, rs, 1);
	canned_go(&s);
	char base[64];
	base_of(&s, base, sizeof base);
	volatile int flag = 0;
	struct http_config cfg = {.base_url = base, .cancel = &flag, .get_timeout_ms = 20000};
	struct api_error err = {0};
	struct http_client *c = http_client_new(&cfg, &err);
	struct canceller cc = {&flag, 200};
	pthread_t th;
	pthread_create(&th, NULL, cancel_later, &cc);
	struct http_response r;
	double t0 = mono();
	ck_assert_int_eq(http_send(c, "GET", "/drivers", NULL, NULL, NULL, &r, &err), -1);
	double dt = mono() - t0;
	pthread_join(th, NULL);
	ck_assert_int_eq(err.kind, API_ERR_CANCELLED);
	ck_assert_int_eq(err.attempts, 1);
	ck_assert_msg(dt < 1.5, "cancel took %f s", dt);
	api_error_clear(&err);
	http_client_free(c);
	canned_stop(&s);
}
END_TEST

/* The backoff sleep itself wakes on cancel: a 503 with Retry-After: 30 and a
 * cancel 200 ms later ends the call in well under 30 s. */
START_TEST(cancel_during_backoff)
{
	char *r1 =
	    json_response("503 Service Unavailable", "Retry-After: 30\r\n",
	                  "{\"object\":\"error\",\"type\":\"api_error\",\"message\":\"busy\"}");
	const char *rs[] = {r1};
	struct canned s;
	canned_start(&s, rs, 1);
	canned_go(&s);
	char base[64];
	base_of(&s, base, sizeof base);
	volatile int flag = 0;
	struct http_config cfg = {.base_url = base, .cancel = &flag};
	struct api_error err = {0};
	struct http_client *c = http_client_new(&cfg, &err);
	struct canceller cc = {&flag, 200};
	pthread_t th;
	pthread_create(&th, NULL, cancel_later, &cc);
	struct http_response r;
	double t0 = mono();
	ck_assert_int_eq(http_send(c, "GET", "/drivers", NULL, NULL, NULL, &r, &err), -1);
	pthread_join(th, NULL);
	ck_assert_msg(mono() - t0 < 2.0, "took %f s", mono() - t0);
	ck_assert_int_eq(err.kind, API_ERR_CANCELLED);
	api_error_clear(&err);
	http_client_free(c);
	canned_stop(&s);
	free(r1);
}
END_TEST

/* A should-retry header overrides the status table both ways. */
START_TEST(should_retry_header_obeyed)
{
	char *r1 = json_response("400 Bad Request", "Stripe-Should-Retry: true\r\n",
	                         "{\"object\":\"error\",\"code\":\"lock_timeout\"}");
	char *r2 = json_response("200 OK", "Idempotent-Replayed: true\r\nRequest-Id: req_abc\r\n",
	                         "{\"id\":\"drv_1\",\"object\":\"driver\"}");
	const char *rs[] = {r1, r2};
	struct canned s;
	canned_start(&s, rs, 2);
	canned_go(&s);
	char base[64];
	base_of(&s, base, sizeof base);
	struct http_config cfg = {.base_url = base};
	struct api_error err = {0};
	struct http_client *c = http_client_new(&cfg, &err);
	struct http_response r;
	ck_assert_int_eq(
	    http_send(c, "POST", "/drivers/drv_1", NULL, "{\"name\":\"x\"}", "key-1", &r, &err), 0);
	ck_assert_int_eq(err.attempts, 2);
	ck_assert(r.replayed);
	ck_assert_str_eq(r.request_id, "req_abc");
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(r.len, strlen("{\"id\":\"drv_1\",\"object\":\"driver\"}"));
	ck_assert_int_eq(r.body[r.len], '\0');
	http_response_clear(&r);
	http_client_free(c);
	canned_stop(&s);
	for (int i = 0; i < 2; i++)
		ck_assert_ptr_nonnull(strstr(s.requests[i], "Idempotency-Key: key-1\r\n"));
	free(r1);
	free(r2);
}
END_TEST

/* 500 with a text body: an HTTP error with no server fields, said plainly. */
START_TEST(plain_text_error)
{
	const char *r1 = "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n"
	                 "Content-Length: 9\r\nConnection: close\r\n\r\nnot found";
	const char *rs[] = {r1};
	struct canned s;
	canned_start(&s, rs, 1);
	canned_go(&s);
	char base[64];
	base_of(&s, base, sizeof base);
	struct http_config cfg = {.base_url = base};
	struct api_error err = {0};
	struct http_client *c = http_client_new(&cfg, &err);
	struct http_response r;
	ck_assert_int_eq(http_send(c, "GET", "/drivers/drv_1", NULL, NULL, NULL, &r, &err), -1);
	ck_assert_int_eq(err.kind, API_ERR_HTTP);
	ck_assert_int_eq(err.http_status, 404);
	ck_assert_ptr_null(err.code);
	ck_assert_int_eq(err.attempts, 1);
	api_error_clear(&err);
	http_client_free(c);
	canned_stop(&s);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("http_canned");
	TCase *tc = tcase_create("canned");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, legacy_list_pages_with_starting_after);
	tcase_add_test(tc, repeating_next_link_stops);
	tcase_add_test(tc, gzip_bomb_capped);
	tcase_add_test(tc, cancel_during_stall);
	tcase_add_test(tc, cancel_during_backoff);
	tcase_add_test(tc, should_retry_header_obeyed);
	tcase_add_test(tc, plain_text_error);
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
