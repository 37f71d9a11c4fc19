/*
 * test_mock_cli.c — the charge-mock program: prints its base URL first and
 * flushes, serves the API, and exits 0 on SIGTERM/SIGINT; rejects bad flags
 * with status 2.  Needs the charge-mock target built (CT_BINARY_DIR).
 */
#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MOCK_BIN CT_BINARY_DIR "/charge-mock"

struct child {
	pid_t pid;
	int out; /* read end of its stdout */
};

static struct child spawn(char *const argv[])
{
	ck_assert_msg(access(MOCK_BIN, X_OK) == 0,
	              "%s missing: build the charge-mock target before this test", MOCK_BIN);
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(MOCK_BIN, argv);
		_exit(127);
	}
	close(fds[1]);
	return (struct child){pid, fds[0]};
}

/* First line of the child's stdout, waiting at most 5 s. */
static void read_line(int fd, char *out, size_t n)
{
	size_t len = 0;
	out[0] = '\0';
	while (len + 1 < n) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ck_assert_msg(poll(&p, 1, 5000) == 1, "no URL line within 5 s (got \"%s\")", out);
		ssize_t r = read(fd, out + len, 1);
		if (r <= 0 || out[len] == '\n')
			break;
		out[++len] = '\0';
	}
	out[len] = '\0';
}

/* Exit status within timeout_ms, or -1. */
static int wait_exit(pid_t pid, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 20) {
		int st;
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		struct timespec ts = {0, 20 * 1000000L};
		nanosleep(&ts, NULL);
	}
	return -1;
}

static size_t sink(char *d, size_t s, size_t n, void *u)
{
	size_t *total = u;
	(void)d;
	*total += s * n;
	return s * n;
}

static long get_status(const char *url, size_t *bytes)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Authorization: Bearer ch_sk_test_cli");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, bytes);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	long status = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return status;
}

static void serve_and_stop(int sig)
{
	char *argv[] = {"charge-mock", "--port", "0", "--seed", "3", "--quiet", NULL};
	struct child ch = spawn(argv);
	char line[256];
	read_line(ch.out, line, sizeof line);
	ck_assert_msg(strncmp(line, "http://127.0.0.1:", 17) == 0, "first line: %s", line);
	size_t ll = strlen(line);
	ck_assert_msg(ll > 3 && strcmp(line + ll - 3, "/v1") == 0, "first line: %s", line);
	char url[300];
	snprintf(url, sizeof url, "%s/fleets", line);
	size_t bytes = 0;
	ck_assert_int_eq(get_status(url, &bytes), 200);
	ck_assert_uint_gt(bytes, 100);
	ck_assert_int_eq(kill(ch.pid, sig), 0);
	ck_assert_int_eq(wait_exit(ch.pid, 3000), 0);
	close(ch.out);
}

START_TEST(test_url_line_get_sigterm)
{
	serve_and_stop(SIGTERM);
}
END_TEST

START_TEST(test_sigint)
{
	serve_and_stop(SIGINT);
}
END_TEST

START_TEST(test_flags)
{
	char *help[] = {"charge-mock", "--help", NULL};
	struct child ch = spawn(help);
	char line[256];
	read_line(ch.out, line, sizeof line);
	ck_assert_ptr_nonnull(strstr(line, "usage: charge-mock"));
	ck_assert_int_eq(wait_exit(ch.pid, 3000), 0);
	close(ch.out);
	char *bad[] = {"charge-mock", "--port", "99999", NULL};
	ch = spawn(bad);
	ck_assert_int_eq(wait_exit(ch.pid, 3000), 2);
	close(ch.out);
	char *faults[] = {"charge-mock", "--port", "0", "--faults", "nonsense=1", "--quiet", NULL};
	ch = spawn(faults);
	ck_assert_int_eq(wait_exit(ch.pid, 3000), 1);
	close(ch.out);
	char *ver[] = {"charge-mock", "--version", NULL};
	ch = spawn(ver);
	read_line(ch.out, line, sizeof line);
	ck_assert(strncmp(line, "charge-mock ", 12) == 0);
	ck_assert_int_eq(wait_exit(ch.pid, 3000), 0);
	close(ch.out);
}
END_TEST

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	Suite *s = suite_create("mock_cli");
	TCase *tc = tcase_create("cli");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_url_line_get_sigterm);
	tcase_add_test(tc, test_sigint);
	tcase_add_test(tc, test_flags);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed ? 1 : 0;
}
