/*
 * config.h — the config file, its profiles, and the environment overrides.
 *
 * File: $XDG_CONFIG_HOME/chargetui/config (default ~/.config/chargetui/config),
 * an INI-like text:
 *
 *     # comments start with # or ; at the start of a line, or after a space
 *     # in an unquoted value (quote a value that must hold " #" or " ;")
 *     default_profile = work          ; top level: defaults for every profile
 *     refresh = 5
 *     [profile work]
 *     base_url = "https://api.chargeapi.co/v1"
 *     key_file = ~/.charge/work.key
 *     read_only = yes
 *     [keys]                          ; rebinding: action = key, for the UI
 *     quit = Q
 *
 * Keys: base_url key key_command key_file theme refresh read_only live
 * connect_timeout get_timeout post_timeout (seconds) max_response (bytes)
 * rate (req/s).  Values may be quoted with "" or ''.  Top-level keys (before
 * any section, or in [default]) apply to every profile; the selected
 * profile's keys override them.  Unknown keys are errors (a typo must not
 * silently drop a setting).  Errors read "FILE:LINE: message" and never echo
 * a value (it could be the key).
 *
 * SEC-2: a file that holds a `key` must be a regular file owned by us, mode
 * 0600 or stricter, and not a symlink; otherwise config_load() refuses with a
 * message naming the file and `chmod 600 FILE`.  The check is done here on
 * the opened descriptor (the same rule secret_load() applies to key files).
 *
 * Ownership: struct config owns every string in it; config_free() releases
 * them and wipes `key` with explicit_bzero.  Pass `key` to secret_load() as
 * secret_sources.config_key and then config_forget_key() it.
 */
#ifndef CHARGETUI_CONFIG_H
#define CHARGETUI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* Caps: a longer line or a bigger file is an error, not a truncation. */
#define CONFIG_MAX_LINE 4096
#define CONFIG_MAX_FILE (256 * 1024)
#define CONFIG_KEY_COMMAND_MAX 4096

struct config_binding {
	char *action; /* as written, e.g. "quit" */
	char *key;    /* as written, e.g. "Q", "^X", "F5" (the UI parses it) */
};

struct config {
	char *path;        /* the file read, or NULL when there was none */
	char *profile;     /* the profile applied, or NULL (top level only) */
	char *base_url;    /* NULL: the UI's default */
	char *key;         /* secret: never print it; wiped by config_free() */
	char *key_command; /* run once by config_run_key_command() */
	char *key_file;    /* ~ expanded */
	char *theme;
	double refresh_s;  /* default 5; < 0: no refresh thread (refresh = off or 0) */
	bool read_only;
	bool live;
	long connect_timeout_ms; /* 0: http.h's default */
	long get_timeout_ms;
	long post_timeout_ms;
	size_t max_response_bytes;
	double rate_per_s; /* 0: sync's default (20) */
	struct config_binding *bindings; /* [keys] section, in file order */
	size_t nbindings;
	char **profiles;   /* every [profile NAME] seen, in file order */
	size_t nprofiles;
	bool key_from_env;  /* CHARGE_API_KEY replaced the file's key */
	bool base_from_env; /* CHARGE_API_BASE replaced base_url */
};

/* Defaults, no file. */
void config_init(struct config *c);
void config_free(struct config *c);
/* Wipe and drop the key once it has been moved into a struct secret. */
void config_forget_key(struct config *c);

/* "$XDG_CONFIG_HOME/chargetui/config" or "$HOME/.config/chargetui/config".
 * 0, or -1 when neither variable is usable or buf is too small. */
int config_default_path(char *buf, size_t n);

/* Read path (NULL: the default path) and apply profile (NULL: the file's
 * default_profile, else the top level).  A missing file is not an error
 * (c->path stays NULL) unless the caller named a profile.  0, or -1 with
 * errbuf set ("FILE:LINE: message"); on error *c is back to defaults. */
int config_load(struct config *c, const char *path, const char *profile, char *errbuf,
		size_t n);
/* The parser alone (no file system, no permission check), for tests and the
 * fuzzer (TST-1 target 5).  `name` is used in messages. */
int config_parse(struct config *c, const char *text, size_t len, const char *name,
		 const char *profile, char *errbuf, size_t n);

/* CHARGE_API_KEY replaces key, CHARGE_API_BASE replaces base_url (empty
 * values are ignored).  0, or -1 on ENOMEM.  (main may instead hand
 * getenv("CHARGE_API_KEY") to secret_load() as env_value, which applies the
 * same precedence, SEC-1; calling both is harmless.) */
int config_apply_env(struct config *c);

/* Run key_command once through /bin/sh -c, before any thread exists, and
 * return its stdout (at most CONFIG_KEY_COMMAND_MAX bytes, whitespace
 * trimmed) in *out (caller wipes and frees).  This is the only child process
 * chargetui ever spawns, and it runs before the key is known, so no child
 * ever sees the key in its argv or environment (SEC-1).  A non-zero exit,
 * empty output or oversized output is an error.  0, or -1 with errbuf set. */
int config_run_key_command(const char *cmd, char **out, char *errbuf, size_t n);

/* Store key under [profile NAME] (NULL: the top level) of path (NULL: the
 * default path), for `chargetui login`.  Creates the directory 0700 and
 * writes a new file 0600 by open(O_CREAT|O_EXCL|O_NOFOLLOW) + rename, keeping
 * every other line of an existing file.  0, or -1 with errbuf set. */
int config_write_key(const char *path, const char *profile, const char *key, char *errbuf,
		     size_t n);

#endif
