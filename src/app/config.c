/*
 * config.c — the config file: parse, pick a profile, check the permissions
 * of a file that holds a key (SEC-2), apply the environment, run key_command,
 * and write a key back for `chargetui login`.
 *
 * Parsing is two passes over a list of (section, key, value, line) entries:
 * every entry is validated (so a typo in an unused profile is still reported
 * with its line), then the top level is applied, then the chosen profile.
 * Messages name the file and line and never quote a value: a value may be
 * the key.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chargetui/config.h"

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

enum sect { SECT_TOP, SECT_PROFILE, SECT_KEYS };

struct entry {
	enum sect sect;
	size_t profile; /* index into c->profiles when SECT_PROFILE */
	char *key, *val;
	int line;
};

struct parse {
	const char *name;
	char *errbuf;
	size_t errlen;
	struct entry *v;
	size_t n, cap;
	char *default_profile;
	int default_line;
};

static int perr(struct parse *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(struct parse *p, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->errbuf && p->errlen) {
		if (line > 0)
			snprintf(p->errbuf, p->errlen, "%s:%d: %s", p->name, line, msg);
		else
			snprintf(p->errbuf, p->errlen, "%s: %s", p->name, msg);
	}
	return -1;
}

/* A name is echoed in a message only when it cannot be a key. */
static const char *safe_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 32)
		return "?";
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || s[i] == '_' || s[i] == '-'))
			return "?";
	return s;
}

void config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->refresh_s = 5;
}

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void config_forget_key(struct config *c)
{
	wipe_free(c->key);
	c->key = NULL;
}

void config_free(struct config *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->profile);
	free(c->base_url);
	config_forget_key(c);
	free(c->key_command);
	free(c->key_file);
	free(c->theme);
	for (size_t i = 0; i < c->nbindings; i++) {
		free(c->bindings[i].action);
		free(c->bindings[i].key);
	}
	free(c->bindings);
	for (size_t i = 0; i < c->nprofiles; i++)
		free(c->profiles[i]);
	free(c->profiles);
	config_init(c);
}

int config_default_path(char *buf, size_t n)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int w;
	/* The XDG spec says a relative value is invalid and must be ignored. */
	if (xdg && xdg[0] == '/')
		w = snprintf(buf, n, "%s/chargetui/config", xdg);
	else if (home && home[0] == '/')
		w = snprintf(buf, n, "%s/.config/chargetui/config", home);
	else
		return -1;
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

/* ---- values ---- */

static int set_str(char **dst, const char *v)
{
	char *d = strdup(v);
	if (!d)
		return -1;
	if (dst && *dst)
		wipe_free(*dst);
	*dst = d;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *yes[] = {"1", "true", "yes", "on"};
	static const char *no[] = {"0", "false", "no", "off"};
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = true, 0;
		if (strcasecmp(v, no[i]) == 0)
			return *out = false, 0;
	}
	return -1;
}

static int parse_num(const char *v, double lo, double hi, double *out)
{
	char *end = NULL;
	errno = 0;
	double d = strtod(v, &end);
	if (errno || end == v || *end || !(d >= lo && d <= hi))
		return -1;
	*out = d;
	return 0;
}

/* "~/x" -> "$HOME/x"; anything else copied. */
static int set_path(char **dst, const char *v)
{
	const char *home = getenv("HOME");
	if (v[0] == '~' && v[1] == '/' && home) {
		char *d = NULL;
		if (asprintf(&d, "%s%s", home, v + 1) < 0)
			return -1;
		free(*dst);
		*dst = d;
		return 0;
	}
	return set_str(dst, v);
}

static int apply_num(struct parse *p, const struct entry *e, struct config *c)
{
	double d = 0;
	const char *k = e->key;
	if (strcmp(k, "refresh") == 0) {
		if (strcasecmp(e->val, "off") == 0)
			return c->refresh_s = -1, 0; /* "off": no refresh thread */
		if (parse_num(e->val, 0, 86400, &d) < 0)
			return perr(p, e->line, "refresh: expected seconds (0..86400) or off");
		c->refresh_s = d > 0 ? d : -1;
	} else if (strcmp(k, "rate") == 0) {
		if (parse_num(e->val, 0.1, 10000, &d) < 0)
			return perr(p, e->line, "rate: expected requests per second (0.1..10000)");
		c->rate_per_s = d;
	} else if (strcmp(k, "max_response") == 0) {
		if (parse_num(e->val, 1024, 1024.0 * 1024 * 1024, &d) < 0 || d != (double)(size_t)d)
			return perr(p, e->line, "max_response: expected bytes (1024..1073741824)");
		c->max_response_bytes = (size_t)d;
	} else {
		long *dst = strcmp(k, "connect_timeout") == 0 ? &c->connect_timeout_ms
			    : strcmp(k, "get_timeout") == 0   ? &c->get_timeout_ms
			    : strcmp(k, "post_timeout") == 0  ? &c->post_timeout_ms
							      : NULL;
		if (!dst)
			return 1; /* not a number key */
		if (parse_num(e->val, 0.001, 3600, &d) < 0)
			return perr(p, e->line, "%s: expected seconds (0.001..3600)", k);
		*dst = (long)(d * 1000 + 0.5);
	}
	return 0;
}

/* Apply one key = value of a top-level or profile section. */
static int apply_entry(struct parse *p, const struct entry *e, struct config *c)
{
	const char *k = e->key, *v = e->val;
	int rc = 0;
	if (strcmp(k, "base_url") == 0)
		rc = set_str(&c->base_url, v);
	else if (strcmp(k, "key") == 0)
		rc = set_str(&c->key, v);
	else if (strcmp(k, "key_command") == 0)
		rc = set_str(&c->key_command, v);
	else if (strcmp(k, "key_file") == 0)
		rc = set_path(&c->key_file, v);
	else if (strcmp(k, "theme") == 0)
		rc = set_str(&c->theme, v);
	else if (strcmp(k, "read_only") == 0 || strcmp(k, "live") == 0) {
		bool *dst = k[0] == 'r' ? &c->read_only : &c->live;
		if (parse_bool(v, dst) < 0)
			return perr(p, e->line, "%s: expected true or false", k);
	} else if (strcmp(k, "default_profile") == 0) {
		if (e->sect != SECT_TOP)
			return perr(p, e->line, "default_profile belongs at the top level");
	} else {
		rc = apply_num(p, e, c);
		if (rc == 1)
			return perr(p, e->line, "unknown key '%s'", safe_name(k));
		return rc;
	}
	return rc < 0 ? perr(p, e->line, "out of memory") : 0;
}

static int add_binding(struct config *c, const char *action, const char *key)
{
	struct config_binding *b = realloc(c->bindings, (c->nbindings + 1) * sizeof(*b));
	if (!b)
		return -1;
	c->bindings = b;
	b[c->nbindings].action = strdup(action);
	b[c->nbindings].key = strdup(key);
	if (!b[c->nbindings].action || !b[c->nbindings].key) {
		free(b[c->nbindings].action);
		free(b[c->nbindings].key);
		return -1;
	}
	c->nbindings++;
	return 0;
}

/* ---- lines ---- */

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* Unquote v in place: "..." or '...' (no escapes), or a bare value that ends
 * at a " #" / " ;" comment.  -1 when a quote is not closed or junk follows. */
static int unquote(char *v, char **out)
{
	if (v[0] == '"' || v[0] == '\'') {
		char *close = strchr(v + 1, v[0]);
		if (!close)
			return -1;
		*close = '\0';
		char *rest = trim(close + 1);
		if (*rest && *rest != '#' && *rest != ';')
			return -1;
		*out = v + 1;
		return 0;
	}
	for (char *q = v; *q; q++) {
		if ((*q == '#' || *q == ';') && q > v && (q[-1] == ' ' || q[-1] == '\t')) {
			*q = '\0';
			break;
		}
	}
	*out = trim(v);
	return 0;
}

static int add_profile(struct config *c, const char *name, size_t *idx)
{
	for (size_t i = 0; i < c->nprofiles; i++)
		if (strcmp(c->profiles[i], name) == 0)
			return *idx = i, 0;
	char **v = realloc(c->profiles, (c->nprofiles + 1) * sizeof(*v));
	if (!v)
		return -1;
	c->profiles = v;
	if (!(v[c->nprofiles] = strdup(name)))
		return -1;
	*idx = c->nprofiles++;
	return 0;
}

/* "[profile NAME]", "[default]" or "[keys]". */
static int parse_section(struct parse *p, struct config *c, char *s, int line, enum sect *sect,
			 size_t *prof)
{
	char *close = strchr(s, ']');
	char *rest = close ? trim(close + 1) : NULL;
	if (!close || (*rest && *rest != '#' && *rest != ';'))
		return perr(p, line, "expected [profile NAME], [default] or [keys]");
	*close = '\0';
	char *inner = trim(s + 1);
	if (strcmp(inner, "default") == 0) {
		*sect = SECT_TOP;
		return 0;
	}
	if (strcmp(inner, "keys") == 0) {
		*sect = SECT_KEYS;
		return 0;
	}
	if (strncmp(inner, "profile", 7) == 0 && (!inner[7] || inner[7] == ' ' || inner[7] == '\t')) {
		char *name = NULL;
		if (unquote(trim(inner + 7), &name) < 0 || !*name)
			return perr(p, line, "a profile needs a name: [profile NAME]");
		*sect = SECT_PROFILE;
		return add_profile(c, name, prof) < 0 ? perr(p, line, "out of memory") : 0;
	}
	return perr(p, line, "unknown section (expected [profile NAME], [default] or [keys])");
}

static int add_entry(struct parse *p, enum sect sect, size_t prof, const char *k, const char *v,
		     int line)
{
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 16;
		struct entry *e = realloc(p->v, nc * sizeof(*e));
		if (!e)
			return perr(p, line, "out of memory");
		p->v = e;
		p->cap = nc;
	}
	struct entry *e = &p->v[p->n];
	e->sect = sect;
	e->profile = prof;
	e->line = line;
	e->key = strdup(k);
	e->val = strdup(v);
	if (!e->key || !e->val) {
		free(e->key);
		wipe_free(e->val);
		return perr(p, line, "out of memory");
	}
	p->n++;
	return 0;
}

static int parse_line(struct parse *p, struct config *c, char *s, int line, enum sect *sect,
		      size_t *prof)
{
	s = trim(s);
	if (!*s || *s == '#' || *s == ';')
		return 0;
	if (*s == '[')
		return parse_section(p, c, s, line, sect, prof);
	char *eq = strchr(s, '=');
	if (!eq)
		return perr(p, line, "expected key = value");
	*eq = '\0';
	char *k = trim(s), *v = NULL;
	if (!*k)
		return perr(p, line, "expected key = value");
	if (unquote(trim(eq + 1), &v) < 0)
		return perr(p, line, "unterminated quote or text after the closing quote");
	if (*sect == SECT_TOP && strcmp(k, "default_profile") == 0) {
		free(p->default_profile);
		if (!(p->default_profile = strdup(v)))
			return perr(p, line, "out of memory");
		p->default_line = line;
	}
	return add_entry(p, *sect, *prof, k, v, line);
}

/* Split text into entries. */
static int parse_lines(struct parse *p, struct config *c, const char *text, size_t len)
{
	enum sect sect = SECT_TOP;
	size_t prof = 0;
	char buf[CONFIG_MAX_LINE + 2];
	int line = 0;
	for (size_t off = 0; off < len;) {
		line++;
		const char *nl = memchr(text + off, '\n', len - off);
		size_t ll = nl ? (size_t)(nl - (text + off)) : len - off;
		if (ll > CONFIG_MAX_LINE)
			return perr(p, line, "line longer than %d bytes", CONFIG_MAX_LINE);
		if (memchr(text + off, '\0', ll))
			return perr(p, line, "NUL byte in the file");
		memcpy(buf, text + off, ll);
		buf[ll] = '\0';
		int rc = parse_line(p, c, buf, line, &sect, &prof);
		explicit_bzero(buf, ll);
		if (rc < 0)
			return -1;
		off += ll + (nl ? 1 : 0);
	}
	return 0;
}

static void parse_free(struct parse *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].key);
		wipe_free(p->v[i].val);
	}
	free(p->v);
	free(p->default_profile);
}

/* Check every entry, then apply the top level and the chosen profile. */
static int apply_all(struct parse *p, struct config *c, const char *profile)
{
	for (size_t i = 0; i < p->n; i++) {
		struct config scratch;
		config_init(&scratch);
		int rc = p->v[i].sect == SECT_KEYS ? 0 : apply_entry(p, &p->v[i], &scratch);
		config_free(&scratch);
		if (rc < 0)
			return -1;
	}
	const char *want = profile ? profile : p->default_profile;
	size_t idx = 0;
	bool found = false;
	for (size_t i = 0; want && i < c->nprofiles; i++)
		if (strcmp(c->profiles[i], want) == 0)
			idx = i, found = true;
	if (want && !found)
		return perr(p, profile ? 0 : p->default_line, "no [profile %s]", safe_name(want));
	if (want && set_str(&c->profile, want) < 0)
		return perr(p, 0, "out of memory");
	for (size_t i = 0; i < p->n; i++) {
		const struct entry *e = &p->v[i];
		int rc = 0;
		if (e->sect == SECT_TOP)
			rc = apply_entry(p, e, c);
		else if (e->sect == SECT_KEYS && add_binding(c, e->key, e->val) < 0)
			rc = perr(p, e->line, "out of memory");
		if (rc < 0)
			return -1;
	}
	for (size_t i = 0; found && i < p->n; i++)
		if (p->v[i].sect == SECT_PROFILE && p->v[i].profile == idx &&
		    apply_entry(p, &p->v[i], c) < 0)
			return -1;
	return 0;
}

int config_parse(struct config *c, const char *text, size_t len, const char *name,
		 const char *profile, char *errbuf, size_t n)
{
	struct parse p = {.name = name ? name : "config", .errbuf = errbuf, .errlen = n};
	config_free(c);
	if (len > CONFIG_MAX_FILE)
		return perr(&p, 0, "larger than %d bytes", CONFIG_MAX_FILE);
	int rc = parse_lines(&p, c, text, len);
	if (rc == 0)
		rc = apply_all(&p, c, profile);
	parse_free(&p);
	if (rc < 0)
		config_free(c);
	return rc;
}

/* ---- the file ---- */

/* Open path without following a final symlink; *is_link tells whether it
 * was one (then it is opened through the link, and refused only if it holds
 * a key: dotfile managers symlink configs). */
static int open_config(const char *path, bool *is_link)
{
	*is_link = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0 && errno == ELOOP) {
		*is_link = true;
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	}
	return fd;
}

static int read_all(int fd, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	if (!buf)
		return -1;
	for (;;) {
		if (n == cap) {
			if (cap > CONFIG_MAX_FILE)
				break;
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return -1;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*out = buf;
	*len = n;
	return 0;
}

/* SEC-2, on the descriptor we read (no check-then-open race). */
static int check_key_file(const char *path, int fd, bool is_link, char *errbuf, size_t n)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return errf(errbuf, n, "%s: cannot stat: %s", path, strerror(errno));
	if (is_link)
		return errf(errbuf, n,
				"%s: holds an API key but is a symlink; refusing it (make it "
				"a regular file, then chmod 600 %s)",
				path, path);
	if (st.st_uid != geteuid())
		return errf(errbuf, n,
				"%s: holds an API key but is owned by uid %u, not you; refusing it",
				path, (unsigned)st.st_uid);
	if (st.st_mode & 077)
		return errf(errbuf, n,
				"%s: holds an API key but has mode %04o; refusing it. Fix: "
				"chmod 600 %s",
				path, (unsigned)(st.st_mode & 07777), path);
	return 0;
}

int config_load(struct config *c, const char *path, const char *profile, char *errbuf,
		size_t n)
{
	char def[4096];
	config_free(c);
	if (!path) {
		if (config_default_path(def, sizeof(def)) < 0)
			return profile ? errf(errbuf, n, "no config directory (HOME unset)") : 0;
		path = def;
	}
	bool is_link = false;
	int fd = open_config(path, &is_link);
	if (fd < 0) {
		if (errno == ENOENT && !profile)
			return 0;
		snprintf(errbuf, n, "%s: %s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	int rc = -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		snprintf(errbuf, n, "%s: not a regular file", path);
	else if (st.st_size > CONFIG_MAX_FILE)
		snprintf(errbuf, n, "%s: larger than %d bytes", path, CONFIG_MAX_FILE);
	else if (read_all(fd, &text, &len) < 0)
		snprintf(errbuf, n, "%s: cannot read: %s", path, strerror(errno));
	else
		rc = config_parse(c, text, len, path, profile, errbuf, n);
	if (rc == 0 && c->key && check_key_file(path, fd, is_link, errbuf, n) < 0)
		rc = -1;
	if (rc == 0 && !(c->path = strdup(path)))
		rc = -1;
	if (text) {
		explicit_bzero(text, len);
		free(text);
	}
	close(fd);
	if (rc < 0)
		config_free(c);
	return rc;
}

int config_apply_env(struct config *c)
{
	const char *k = getenv("CHARGE_API_KEY");
	const char *b = getenv("CHARGE_API_BASE");
	if (k && *k) {
		if (set_str(&c->key, k) < 0)
			return -1;
		c->key_from_env = true;
	}
	if (b && *b) {
		if (set_str(&c->base_url, b) < 0)
			return -1;
		c->base_from_env = true;
	}
	return 0;
}
