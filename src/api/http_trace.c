/*
 * http_trace.c — the --debug-log file (SEC-4, SEC-5).  curl's own tracing
 * goes through CURLOPT_DEBUGFUNCTION into here, never to stderr; bodies are
 * logged by http.c once a transfer is complete, so a key split across two
 * network chunks is still seen whole by the redaction.
 *
 * Every line is redacted (Authorization, anything shaped like a Charge key,
 * and the configured key verbatim in case it is not Charge-shaped) and then
 * has its control and non-ASCII bytes escaped, so the log can be viewed with
 * cat or less without a server string driving the terminal (SAN-9).
 */
#include "chargetui/http.h"
#include "chargetui/secret.h"
#include "http_internal.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A body is logged up to this size; the rest is summarised. */
#define TRACE_BODY_MAX (16 * 1024)

struct http_trace {
	int fd;
	const struct secret *key;
};

struct http_trace *http_trace_open(const char *path, const struct secret *key, char *why, size_t n)
{
	int fd =
	    open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0) {
		snprintf(why, n, "cannot open debug log %s: %s", path,
		         errno == ELOOP ? "it is a symlink" : strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != getuid()) {
		snprintf(why, n, "refusing debug log %s: not a regular file of ours", path);
		close(fd);
		return NULL;
	}
	/* A log that others can read would hand them request bodies. */
	if ((st.st_mode & 077) != 0 && fchmod(fd, 0600) != 0) {
		snprintf(why, n, "cannot chmod 600 debug log %s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	struct http_trace *t = calloc(1, sizeof *t);
	if (!t) {
		close(fd);
		snprintf(why, n, "out of memory");
		return NULL;
	}
	t->fd = fd;
	t->key = key;
	return t;
}

void http_trace_close(struct http_trace *t)
{
	if (!t)
		return;
	close(t->fd);
	free(t);
}

/* Escape one line (without its newline) into out; out holds 4*len+1. */
static void escape_line(const char *s, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			out[o++] = (char)c;
		} else if (c == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
		} else if (c == '\t' || c == '\r' || c == '\n') {
			out[o++] = '\\';
			out[o++] = c == '\t' ? 't' : c == '\r' ? 'r' : 'n';
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
}

/* The configured key verbatim, for keys not shaped like ch_sk_…. */
static void redact_exact(char *line, const struct secret *key)
{
	const char *k = secret_value(key);
	size_t kl = k ? strlen(k) : 0;
	if (kl < 4)
		return;
	for (char *p = line; (p = strstr(p, k)) != NULL; p += kl)
		memset(p, '*', kl);
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* a failing debug log must not fail the request */
		buf += w;
		len -= (size_t)w;
	}
}

/* Log data as lines starting with prefix, redacted and escaped, written with
 * one write() so lines of clients sharing the file do not interleave. */
void http_trace_lines(struct http_trace *t, const char *prefix, const char *data, size_t len)
{
	if (!t || !data)
		return;
	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	size_t pl = strlen(prefix);
	size_t cap = len * 4 + (len + 1) * (pl + 2) + 1;
	char *out = malloc(cap);
	char *line = malloc(len * 4 + 1);
	if (!out || !line) {
		free(out);
		free(line);
		return;
	}
	size_t o = 0, start = 0;
	while (start < len || (start == 0 && len == 0)) {
		const char *nl = memchr(data + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - data) : len;
		size_t l = end - start;
		if (l > 0 && data[start + l - 1] == '\r')
			l--;
		escape_line(data + start, l, line);
		secret_redact_text(line);
		redact_exact(line, t->key);
		size_t ll = strlen(line);
		memcpy(out + o, prefix, pl);
		memcpy(out + o + pl, line, ll);
		o += pl + ll;
		out[o++] = '\n';
		start = end + 1;
		if (!nl || start >= len)
			break;
	}
	write_all(t->fd, out, o);
	explicit_bzero(line, len * 4 + 1);
	free(line);
	free(out);
}

void http_trace_body(struct http_trace *t, const char *prefix, const char *body, size_t len)
{
	if (!t || !body)
		return;
	http_trace_lines(t, prefix, body, len > TRACE_BODY_MAX ? TRACE_BODY_MAX : len);
	if (len > TRACE_BODY_MAX) {
		char note[96];
		int n = snprintf(note, sizeof note, "%s[%zu more bytes not logged]", prefix,
		                 len - TRACE_BODY_MAX);
		http_trace_lines(t, "", note, (size_t)n);
	}
}

void http_trace_event(struct http_trace *t, int type, const char *data, size_t size)
{
	switch (type) {
	case CURLINFO_TEXT:
		http_trace_lines(t, "* ", data, size);
		break;
	case CURLINFO_HEADER_OUT:
		http_trace_lines(t, "> ", data, size);
		break;
	case CURLINFO_HEADER_IN:
		http_trace_lines(t, "< ", data, size);
		break;
	default:
		/* Bodies are logged whole by http.c; TLS records never. */
		break;
	}
}

int http_trace_curl_cb(CURL *h, curl_infotype type, char *data, size_t size, void *userp)
{
	(void)h;
	http_trace_event(userp, (int)type, data, size);
	return 0;
}
