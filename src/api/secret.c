/*
 * secret.c — the API key in one locked page (SEC-6), its redacted forms
 * (SEC-3, SEC-4), and where it is read from (SEC-1, SEC-2).
 *
 * The key gets its own anonymous mapping instead of a malloc'd block so that
 * mlock and MADV_DONTDUMP cover it and nothing else, and munlock cannot unlock
 * a page some other allocation shares.
 */
#include "chargetui/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

/* Longest key we accept; keys are ~40 chars, a config line could be longer. */
#define SECRET_MAX 1024

struct secret {
	char *buf;  /* NUL-terminated key inside a private mapping */
	size_t len; /* key length */
	size_t map; /* mapping size */
	bool locked;
};

static void (*free_observer)(const void *buf, size_t len);

void secret_free_observe(void (*fn)(const void *buf, size_t len))
{
	free_observer = fn;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

struct secret *secret_new(const char *key, size_t len)
{
	if (!key)
		return NULL;
	while (len > 0 && is_space(*key)) {
		key++;
		len--;
	}
	while (len > 0 && is_space(key[len - 1]))
		len--;
	if (len == 0 || len > SECRET_MAX)
		return NULL;
	/* The key becomes a header value: anything but visible ASCII (a CR/LF
	 * above all) would let a key file inject headers. */
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)key[i] <= 0x20 || (unsigned char)key[i] >= 0x7f)
			return NULL;
	}
	struct secret *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	long page = sysconf(_SC_PAGESIZE);
	s->map = page > 0 ? (size_t)page : 4096;
	while (s->map < len + 1)
		s->map *= 2;
	void *m = mmap(NULL, s->map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		free(s);
		return NULL;
	}
	s->buf = m;
	/* Best effort: RLIMIT_MEMLOCK may be tiny in containers.  An unlocked
	 * page still keeps the key out of core dumps (DONTDUMP) and is wiped. */
	s->locked = mlock(s->buf, s->map) == 0;
	(void)madvise(s->buf, s->map, MADV_DONTDUMP);
	memcpy(s->buf, key, len);
	s->buf[len] = '\0';
	s->len = len;
	return s;
}

void secret_free(struct secret *s)
{
	if (!s)
		return;
	explicit_bzero(s->buf, s->map);
	if (free_observer)
		free_observer(s->buf, s->map);
	if (s->locked)
		munlock(s->buf, s->map);
	munmap(s->buf, s->map);
	explicit_bzero(s, sizeof *s);
	free(s);
}

const char *secret_value(const struct secret *s)
{
	return s ? s->buf : NULL;
}

bool secret_is_live(const struct secret *s)
{
	return s &&
	       (strncmp(s->buf, "ch_sk_live_", 11) == 0 || strncmp(s->buf, "ch_rk_live_", 11) == 0);
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Length of a ch_(sk|rk)_(test|live)_ prefix at p, or 0. */
static size_t key_prefix_len(const char *p)
{
	if (strncmp(p, "ch_", 3) != 0)
		return 0;
	if (strncmp(p + 3, "sk_", 3) != 0 && strncmp(p + 3, "rk_", 3) != 0)
		return 0;
	if (strncmp(p + 6, "test_", 5) == 0 || strncmp(p + 6, "live_", 5) == 0)
		return 11;
	return 0;
}

/* "…" in UTF-8. */
static const char ELLIPSIS[] = "\xe2\x80\xa6";

/* Redacted form of a key with prefix length pl and tail length tl: the
 * prefix, an ellipsis, and the last 4 only when the tail is long enough that
 * 4 characters reveal little (>= 12); short tails show nothing. */
static size_t redact_into(const char *key, size_t pl, size_t tl, char *out, size_t n)
{
	size_t show = tl >= 12 ? 4 : 0;
	size_t need = pl + 3 + show;
	if (n == 0)
		return 0;
	if (need + 1 > n) {
		out[0] = '\0';
		return 0;
	}
	memcpy(out, key, pl);
	memcpy(out + pl, ELLIPSIS, 3);
	memcpy(out + pl + 3, key + pl + tl - show, show);
	out[need] = '\0';
	return need;
}

char *secret_redacted(const struct secret *s, char *buf, size_t n)
{
	if (!buf || n == 0)
		return buf;
	buf[0] = '\0';
	if (!s)
		return buf;
	size_t pl = key_prefix_len(s->buf);
	if (pl == 0) {
		/* Not a Charge-shaped key: say nothing about its content. */
		snprintf(buf, n, "%s", "[redacted]");
		return buf;
	}
	redact_into(s->buf, pl, s->len - pl, buf, n);
	return buf;
}

/* Replace the Bearer token after "authorization:" at p (case-insensitive)
 * in place; returns the number of bytes removed from the string. */
static size_t redact_bearer(char *s, size_t at)
{
	char *p = s + at + strlen("authorization:");
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncasecmp(p, "bearer", 6) != 0)
		return 0;
	p += 6;
	while (*p == ' ' || *p == '\t')
		p++;
	char *end = p;
	while (*end && *end != '\r' && *end != '\n' && *end != '"' && *end != ',')
		end++;
	size_t tok = (size_t)(end - p);
	static const char mark[] = "[redacted]";
	if (tok == 0 || (tok == sizeof mark - 1 && strncmp(p, mark, tok) == 0))
		return 0;
	if (tok < sizeof mark - 1) {
		/* Never grow the string: a short token becomes stars. */
		memset(p, '*', tok);
		return 0;
	}
	memcpy(p, mark, sizeof mark - 1);
	memmove(p + sizeof mark - 1, end, strlen(end) + 1);
	return tok - (sizeof mark - 1);
}

void secret_redact_text(char *s)
{
	if (!s)
		return;
	for (size_t i = 0; s[i]; i++) {
		if ((s[i] == 'a' || s[i] == 'A') && strncasecmp(s + i, "authorization:", 14) == 0) {
			redact_bearer(s, i);
			continue;
		}
		size_t pl = key_prefix_len(s + i);
		if (pl == 0 || (i > 0 && is_alnum(s[i - 1])))
			continue;
		size_t tl = 0;
		while (is_alnum(s[i + pl + tl]))
			tl++;
		if (tl == 0)
			continue;
		char red[64];
		size_t rl = redact_into(s + i, pl, tl, red, sizeof red);
		size_t old = pl + tl;
		if (rl == 0 || rl > old) {
			/* Too short to shorten: hide the tail with stars. */
			memset(s + i + pl, '*', tl);
			i += old - 1;
			continue;
		}
		memcpy(s + i, red, rl);
		memmove(s + i + rl, s + i + old, strlen(s + i + old) + 1);
		i += rl - 1;
	}
}

/* --- loading (SEC-1, SEC-2) --- */

/* Open a key file refusing symlinks, files owned by others and modes that let
 * group or others read it.  Returns an fd or -1 with errbuf set. */
static int open_private_file(const char *path, const char *what, char *errbuf, size_t n)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ELOOP)
			snprintf(errbuf, n,
			         "refusing %s %s: it is a symlink; point at the file itself", what,
			         path);
		else
			snprintf(errbuf, n, "cannot open %s %s: %s", what, path, strerror(errno));
		return -1;
	}
	struct stat st;
	const char *bad = NULL;
	char why[160];
	if (fstat(fd, &st) != 0) {
		snprintf(why, sizeof why, "cannot stat: %s", strerror(errno));
		bad = why;
	} else if (!S_ISREG(st.st_mode)) {
		bad = "not a regular file";
	} else if (st.st_uid != getuid()) {
		bad = "owned by another user";
	} else if ((st.st_mode & 077) != 0) {
		snprintf(why, sizeof why, "mode %04o lets others read it; run: chmod 600 %s",
		         (unsigned)(st.st_mode & 07777), path);
		bad = why;
	}
	if (bad) {
		snprintf(errbuf, n, "refusing %s %s: %s", what, path, bad);
		close(fd);
		return -1;
	}
	return fd;
}

/* Read the first line of fd (up to SECRET_MAX bytes) into a secret. */
static struct secret *read_key_line(int fd, bool nonblock_ok)
{
	char buf[SECRET_MAX + 2];
	size_t len = 0;
	while (len < sizeof buf) {
		ssize_t r = read(fd, buf + len, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN && !nonblock_ok)
			continue;
		if (r <= 0 || buf[len] == '\n')
			break;
		len++;
	}
	struct secret *s = len <= SECRET_MAX ? secret_new(buf, len) : NULL;
	explicit_bzero(buf, sizeof buf);
	return s;
}

/* --api-key-stdin from a terminal: no echo while the key is typed, so it
 * never sits on the screen or in a scrollback (SEC-3). */
static struct secret *read_key_line_quiet(int fd)
{
	struct termios saved, quiet;
	bool tty = isatty(fd) && tcgetattr(fd, &saved) == 0;
	if (tty) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		tty = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	struct secret *s = read_key_line(fd, false);
	if (tty)
		tcsetattr(fd, TCSAFLUSH, &saved);
	return s;
}

static int load_file(const char *path, struct secret **out, char *errbuf, size_t n)
{
	int fd = open_private_file(path, "key file", errbuf, n);
	if (fd < 0)
		return -1;
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	*out = read_key_line(fd, false);
	close(fd);
	if (!*out) {
		snprintf(errbuf, n, "key file %s holds no key", path);
		return -1;
	}
	return 0;
}

int secret_load(const struct secret_sources *src, struct secret **out, char *errbuf, size_t n)
{
	*out = NULL;
	if (errbuf && n)
		errbuf[0] = '\0';
	if (src->env_value && *src->env_value) {
		*out = secret_new(src->env_value, strlen(src->env_value));
		if (!*out)
			snprintf(errbuf, n, "CHARGE_API_KEY holds no usable key");
		return *out ? 0 : -1;
	}
	if (src->key_file)
		return load_file(src->key_file, out, errbuf, n);
	if (src->from_stdin) {
		*out = read_key_line_quiet(STDIN_FILENO);
		if (!*out)
			snprintf(errbuf, n, "--api-key-stdin: no key on standard input");
		return *out ? 0 : -1;
	}
	if (src->config_key && *src->config_key) {
		if (src->config_path) {
			int fd = open_private_file(src->config_path, "config file", errbuf, n);
			if (fd < 0)
				return -1;
			close(fd);
		}
		*out = secret_new(src->config_key, strlen(src->config_key));
		if (!*out)
			snprintf(errbuf, n, "the config file's key is empty or too long");
		return *out ? 0 : -1;
	}
	return 0;
}
