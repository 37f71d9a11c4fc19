/*
 * config_key.c — the two places the config touches a key outside parsing:
 * running key_command, and writing a key into the file for `chargetui login`.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chargetui/config.h"

extern char **environ;

static int errf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Fill the caller's error buffer; always -1, so `return errf(...)` reads. */
static int errf(char *buf, size_t n, const char *fmt, ...)
{
	if (buf && n) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(buf, n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Read the child's stdout to EOF (so it never blocks on a full pipe), keeping
 * at most cap bytes; returns the total it wrote. */
static size_t drain(int fd, char *buf, size_t cap)
{
	size_t total = 0;
	char sink[512];
	for (;;) {
		char *dst = total < cap ? buf + total : sink;
		size_t room = total < cap ? cap - total : sizeof(sink);
		ssize_t r = read(fd, dst, room);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return total;
		total += (size_t)r;
	}
}

static pid_t spawn_sh(const char *cmd, int out_fd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	pid_t pid = -1;
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE); /* main ignores it; the shell should not */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	char *argv[] = {"sh", "-c", (char *)cmd, NULL};
	if (posix_spawn(&pid, "/bin/sh", &fa, &at, argv, environ) != 0)
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return pid;
}

static int wait_ok(pid_t pid, char *errbuf, size_t n)
{
	int st = 0;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return errf(errbuf, n, "key_command: %s", strerror(errno));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st))
		return errf(errbuf, n, "key_command failed (exit status %d)", WEXITSTATUS(st));
	return errf(errbuf, n, "key_command failed (signal %d)",
		    WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

int config_run_key_command(const char *cmd, char **out, char *errbuf, size_t n)
{
	*out = NULL;
	int p[2];
	if (!cmd || !*cmd)
		return errf(errbuf, n, "key_command is empty");
	if (pipe2(p, O_CLOEXEC) < 0)
		return errf(errbuf, n, "key_command: %s", strerror(errno));
	pid_t pid = spawn_sh(cmd, p[1]);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return errf(errbuf, n, "key_command: cannot run /bin/sh");
	}
	char buf[CONFIG_KEY_COMMAND_MAX];
	size_t total = drain(p[0], buf, sizeof(buf));
	close(p[0]);
	int rc = wait_ok(pid, errbuf, n);
	size_t len = total < sizeof(buf) ? total : sizeof(buf);
	size_t a = 0, b = len;
	while (a < b && strchr(" \t\r\n", buf[a]))
		a++;
	while (b > a && strchr(" \t\r\n", buf[b - 1]))
		b--;
	if (rc == 0 && total > sizeof(buf))
		rc = errf(errbuf, n, "key_command printed more than %d bytes",
			      CONFIG_KEY_COMMAND_MAX);
	else if (rc == 0 && a == b)
		rc = errf(errbuf, n, "key_command printed nothing");
	else if (rc == 0 && memchr(buf + a, '\0', b - a))
		rc = errf(errbuf, n, "key_command printed a NUL byte");
	if (rc == 0 && !(*out = strndup(buf + a, b - a)))
		rc = errf(errbuf, n, "out of memory");
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

/* ---- writing ---- */

static bool key_ok(const char *k)
{
	size_t n = strlen(k);
	if (n == 0 || n > 512)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = k[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* Create every missing directory of path's parent, mode 0700. */
static int make_dirs(const char *path)
{
	char *d = strdup(path);
	if (!d)
		return -1;
	char *slash = strrchr(d, '/');
	if (slash && slash != d)
		*slash = '\0';
	else {
		free(d);
		return 0;
	}
	for (char *p = d + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(d, 0700) < 0 && errno != EEXIST) {
				free(d);
				return -1;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	free(d);
	return 0;
}

struct buf {
	char *p;
	size_t n, cap;
	bool oom;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t nc = (b->n + n + 1) * 2;
		char *np = malloc(nc);
		if (!np) {
			b->oom = true;
			return;
		}
		if (b->p) {
			memcpy(np, b->p, b->n);
			explicit_bzero(b->p, b->cap);
			free(b->p);
		}
		b->p = np;
		b->cap = nc;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void put_key(struct buf *b, const char *key)
{
	put(b, "key = ", 6);
	put(b, key, strlen(key));
	put(b, "\n", 1);
}

static const char *skip_ws(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* Is [s, end) the header "[profile NAME]" (NAME optionally quoted)? */
static bool is_profile_header(const char *s, const char *end, const char *name)
{
	s = skip_ws(s, end);
	if (s == end || *s != '[')
		return false;
	s = skip_ws(s + 1, end);
	if (end - s < 8 || strncmp(s, "profile", 7) != 0 || (s[7] != ' ' && s[7] != '\t'))
		return false;
	s = skip_ws(s + 8, end);
	size_t nl = strlen(name);
	bool quoted = s < end && (*s == '"' || *s == '\'');
	if (quoted)
		s++;
	if ((size_t)(end - s) < nl || strncmp(s, name, nl) != 0)
		return false;
	s += nl + (quoted ? 1 : 0);
	s = skip_ws(s, end);
	return s < end && *s == ']';
}

static bool is_key_line(const char *s, const char *end)
{
	s = skip_ws(s, end);
	if (end - s < 3 || strncmp(s, "key", 3) != 0)
		return false;
	s = skip_ws(s + 3, end);
	return s < end && *s == '=';
}

/* The old text with the target section's key lines replaced by one. */
static void rewrite(struct buf *b, const char *old, size_t len, const char *profile,
		    const char *key)
{
	bool in_target = profile == NULL, done = false;
	for (size_t off = 0; off < len;) {
		const char *s = old + off, *nl = memchr(s, '\n', len - off);
		const char *end = nl ? nl : old + len;
		const char *t = skip_ws(s, end);
		if (t < end && *t == '[') {
			if (in_target && !done)
				put_key(b, key), done = true;
			in_target = profile && is_profile_header(s, end, profile);
		}
		if (!(in_target && is_key_line(s, end))) {
			put(b, s, (size_t)(end - s));
			put(b, "\n", 1);
		}
		if (in_target && !done && t < end && *t == '[')
			put_key(b, key), done = true;
		off = (size_t)(end - old) + (nl ? 1 : 0);
	}
	if (!done && profile) {
		put(b, "\n[profile ", 10);
		put(b, profile, strlen(profile));
		put(b, "]\n", 2);
	}
	if (!done)
		put_key(b, key);
}

static int read_old(const char *path, char **text, size_t *len)
{
	*text = NULL;
	*len = 0;
	FILE *f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -1;
	char *buf = malloc(CONFIG_MAX_FILE + 1);
	size_t n = buf ? fread(buf, 1, CONFIG_MAX_FILE + 1, f) : 0;
	fclose(f);
	if (!buf || n > CONFIG_MAX_FILE) {
		free(buf);
		errno = buf ? EFBIG : ENOMEM;
		return -1;
	}
	*text = buf;
	*len = n;
	return 0;
}

static int write_new(const char *path, const struct buf *b)
{
	char tmp[4200];
	int fd = -1;
	for (int i = 0; fd < 0 && i < 100; i++) {
		if (snprintf(tmp, sizeof(tmp), "%s.%ld.%d.tmp", path, (long)getpid(), i) >=
		    (int)sizeof(tmp))
			return errno = ENAMETOOLONG, -1;
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return -1;
	}
	if (fd < 0)
		return -1;
	size_t off = 0;
	while (off < b->n) {
		ssize_t w = write(fd, b->p + off, b->n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	int saved = errno;
	if (off < b->n || fsync(fd) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
		saved = errno;
		if (off < b->n)
			close(fd);
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}

int config_write_key(const char *path, const char *profile, const char *key, char *errbuf,
		     size_t n)
{
	char def[4096];
	if (!key || !key_ok(key))
		return errf(errbuf, n, "that does not look like an API key");
	if (profile && (!*profile || strpbrk(profile, "[]\"'\n\r\t ")))
		return errf(errbuf, n, "a profile name cannot hold spaces, quotes or []");
	if (!path) {
		if (config_default_path(def, sizeof(def)) < 0)
			return errf(errbuf, n, "no config directory (HOME unset)");
		path = def;
	}
	if (make_dirs(path) < 0)
		return errf(errbuf, n, "%s: cannot create its directory: %s", path,
				strerror(errno));
	char *old = NULL;
	size_t len = 0;
	if (read_old(path, &old, &len) < 0)
		return errf(errbuf, n, "%s: cannot read: %s", path, strerror(errno));
	struct buf b = {0};
	rewrite(&b, old, len, profile, key);
	int rc = 0;
	if (b.oom)
		rc = errf(errbuf, n, "out of memory");
	else if (write_new(path, &b) < 0)
		rc = errf(errbuf, n, "%s: cannot write: %s", path, strerror(errno));
	if (old) {
		explicit_bzero(old, len);
		free(old);
	}
	if (b.p) {
		explicit_bzero(b.p, b.cap);
		free(b.p);
	}
	return rc;
}
