/*
 * secret.h — the API key.  It lives in one mlock'ed buffer, is wiped with
 * explicit_bzero when freed (SEC-6), and leaves this module only as the
 * Authorization header (http.c) or in redacted form ("ch_sk_test_…abcd").
 */
#ifndef CHARGETUI_SECRET_H
#define CHARGETUI_SECRET_H

#include <stdbool.h>
#include <stddef.h>

struct secret;

/* Copy len bytes of key (surrounding whitespace trimmed) into a new locked
 * buffer.  NULL on ENOMEM, an empty key, or a key with bytes other than
 * visible ASCII (it becomes a header value). */
struct secret *secret_new(const char *key, size_t len);
/* Wipe and free; NULL is fine. */
void secret_free(struct secret *s);
/* The key itself.  Only the HTTP layer calls this. */
const char *secret_value(const struct secret *s);
/* "ch_sk_test_…abcd" (prefix + last 4).  Returns buf. */
char *secret_redacted(const struct secret *s, char *buf, size_t n);
bool secret_is_live(const struct secret *s); /* ch_sk_live_ / ch_rk_live_ */

/* Where keys come from, in precedence order (SEC-1): the CHARGE_API_KEY
 * environment variable, --api-key-file PATH, --api-key-stdin, then the config
 * file's key.  A file must be a regular file owned by us with mode 0600 or
 * stricter, not a symlink (SEC-2); otherwise the load fails with a message
 * naming the file and the fix.  *out is NULL when no source has a key.
 * 0, or -1 with errbuf set. */
struct secret_sources {
	const char *env_value;   /* getenv("CHARGE_API_KEY") */
	const char *key_file;    /* --api-key-file */
	bool from_stdin;         /* --api-key-stdin */
	const char *config_key;  /* key = … from the config profile, or NULL */
	const char *config_path; /* for messages */
};
int secret_load(const struct secret_sources *src, struct secret **out, char *errbuf, size_t n);

/* Replace, in place, every ch_(sk|rk)_(test|live)_[A-Za-z0-9]+ in s with its
 * redacted form, and "Authorization: Bearer …" with "Bearer [redacted]"
 * (SEC-4).  The result is never longer than s. */
void secret_redact_text(char *s);

/* Test hook (SEC-6): fn is called by secret_free() with the key's buffer
 * after it has been wiped and before it is unmapped, so a test can check that
 * every byte is zero.  NULL removes the hook.  Not for production use; not
 * thread-safe against concurrent secret_free(). */
void secret_free_observe(void (*fn)(const void *buf, size_t len));

#endif
