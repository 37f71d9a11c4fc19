/*
 * http_url.c — the URL checks of the HTTP layer: which base URLs may be used
 * at all (NET-1), which URLs taken from a response may receive our key
 * (NET-3), which ids may go into a path (NET-10), and the idempotency keys of
 * RTY-1.  Pure functions, so the fuzz target and the unit tests call them
 * without a network.
 */
#include "http_internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <curl/curl.h>

/* The parts of a URL the origin rules look at, each malloc'd by curl. */
struct url_parts {
	char *scheme, *host, *port, *path, *user, *password, *query;
};

static void url_parts_free(struct url_parts *p)
{
	curl_free(p->scheme);
	curl_free(p->host);
	curl_free(p->port);
	curl_free(p->path);
	curl_free(p->user);
	curl_free(p->password);
	curl_free(p->query);
	memset(p, 0, sizeof *p);
}

/* Raw-string screening before curl sees the URL: no whitespace, controls or
 * non-ASCII (curl would percent-encode some of those, and a server may then
 * decode them into a different path than the one we checked). */
static bool url_bytes_ok(const char *url)
{
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == '\\')
			return false;
	}
	return true;
}

static int url_split(const char *url, struct url_parts *out)
{
	memset(out, 0, sizeof *out);
	if (!url || !url_bytes_ok(url))
		return -1;
	CURLU *u = curl_url();
	if (!u)
		return -1;
	int rc = -1;
	/* CURLU_NON_SUPPORT_SCHEME lets us reject file:/gopher: with our own
	 * message instead of a parse failure; the scheme is checked below. */
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_SCHEME, &out->scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &out->path, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_HOST, &out->host, 0) != CURLUE_OK)
		out->host = NULL;
	if (curl_url_get(u, CURLUPART_PORT, &out->port, CURLU_DEFAULT_PORT) != CURLUE_OK)
		out->port = NULL;
	if (curl_url_get(u, CURLUPART_USER, &out->user, 0) != CURLUE_OK)
		out->user = NULL;
	if (curl_url_get(u, CURLUPART_PASSWORD, &out->password, 0) != CURLUE_OK)
		out->password = NULL;
	if (curl_url_get(u, CURLUPART_QUERY, &out->query, 0) != CURLUE_OK)
		out->query = NULL;
	rc = 0;
out:
	curl_url_cleanup(u);
	if (rc != 0)
		url_parts_free(out);
	return rc;
}

bool http_host_is_loopback(const char *host)
{
	if (!host || !*host)
		return false;
	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (strcmp(host, "[::1]") == 0 || strcmp(host, "::1") == 0)
		return true;
	struct in_addr a;
	if (inet_pton(AF_INET, host, &a) == 1)
		return (ntohl(a.s_addr) >> 24) == 127;
	return false;
}

int http_base_check(const char *base_url, bool *loopback, char *why, size_t n)
{
	struct url_parts p;
	*loopback = false;
	if (url_split(base_url, &p) != 0) {
		snprintf(why, n, "invalid base URL");
		return -1;
	}
	int rc = -1;
	bool https = strcasecmp(p.scheme, "https") == 0;
	bool http = strcasecmp(p.scheme, "http") == 0;
	if (!https && !http) {
		snprintf(why, n, "refused base URL scheme \"%.16s\" (https only)", p.scheme);
	} else if (!p.host || !*p.host) {
		snprintf(why, n, "base URL has no host");
	} else if (p.user || p.password) {
		snprintf(why, n, "refused base URL with user info");
	} else if (p.query) {
		snprintf(why, n, "refused base URL with a query");
	} else if (http && !http_host_is_loopback(p.host)) {
		snprintf(why, n, "refused plain http to a non-loopback host (https only)");
	} else {
		*loopback = http_host_is_loopback(p.host);
		rc = 0;
	}
	url_parts_free(&p);
	return rc;
}

/* "/v1" and "/v1/" both mean the prefix "/v1/". */
static bool path_under(const char *base_path, const char *path)
{
	size_t bl = strlen(base_path);
	while (bl > 0 && base_path[bl - 1] == '/')
		bl--;
	if (strncmp(path, base_path, bl) != 0)
		return false;
	if (bl == 0)
		return path[0] == '/';
	return path[bl] == '/' || path[bl] == '\0';
}

/* A path that a server might normalise into somewhere else: dot segments
 * (curl removes literal ones, but be explicit) and encoded dots or slashes. */
static bool path_suspicious(const char *path)
{
	if (strstr(path, "/../") || strstr(path, "/./"))
		return true;
	size_t l = strlen(path);
	if ((l >= 3 && strcmp(path + l - 3, "/..") == 0) ||
	    (l >= 2 && strcmp(path + l - 2, "/.") == 0))
		return true;
	for (const char *p = path; (p = strchr(p, '%')) != NULL; p++) {
		if (strncasecmp(p, "%2e", 3) == 0 || strncasecmp(p, "%2f", 3) == 0 ||
		    strncasecmp(p, "%5c", 3) == 0 || strncmp(p, "%00", 3) == 0)
			return true;
	}
	return false;
}

bool http_same_origin(const char *base_url, const char *url)
{
	struct url_parts b, u;
	if (url_split(base_url, &b) != 0)
		return false;
	if (url_split(url, &u) != 0) {
		url_parts_free(&b);
		return false;
	}
	bool ok = b.host && u.host && b.port && u.port && strcasecmp(b.scheme, u.scheme) == 0 &&
	          strcasecmp(b.host, u.host) == 0 && strcmp(b.port, u.port) == 0 && !u.user &&
	          !u.password && path_under(b.path, u.path) && !path_suspicious(u.path);
	/* The raw string must say the same: curl removes dot segments while
	 * parsing, so check the literal text too. */
	if (ok && (strstr(url, "/../") || strstr(url, "/./") || strchr(url, '@')))
		ok = false;
	url_parts_free(&b);
	url_parts_free(&u);
	return ok;
}

bool http_id_valid(const char *id)
{
	if (!id)
		return false;
	const char *p = id;
	while (*p >= 'a' && *p <= 'z')
		p++;
	if (p == id || *p != '_')
		return false;
	p++;
	size_t n = 0;
	while (isascii((unsigned char)*p) && isalnum((unsigned char)*p)) {
		p++;
		n++;
	}
	return *p == '\0' && n >= 1 && n <= 64;
}

bool http_idem_key_valid(const char *key)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++, n++) {
		if (*p <= 0x20 || *p >= 0x7f)
			return false;
	}
	return n >= 1 && n <= 255;
}

void http_random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;
	size_t got = 0;
	while (got < n) {
		ssize_t r = getrandom(p + got, n - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* getrandom cannot fail on Linux >= 3.17 once the pool
			 * is initialised; abort rather than send a guessable
			 * idempotency key that could replay another intent. */
			abort();
		}
		got += (size_t)r;
	}
}

void http_idempotency_key(char out[37])
{
	unsigned char b[16];
	http_random_bytes(b, sizeof b);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 0x0f];
	}
	out[o] = '\0';
}
