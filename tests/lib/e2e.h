/*
 * e2e.h — the shape every end-to-end test shares: its own charge-mock, the
 * real chargetui binary in a real pty read through libvterm, and at the end
 * the SAN-2 byte-stream check plus a saved copy of the raw output
 * (<build>/e2e-raw/<name>.raw), so TST-6 holds for every test.
 *
 * Include from a test compiled with CT_BINARY_DIR defined (tests/CMakeLists).
 */
#ifndef CT_E2E_H
#define CT_E2E_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include "mockctl.h"
#include "term.h"

#define E2E_KEY "ch_sk_test_e2e0123456789abcdefABCDEF"

struct e2e_opts {
	const struct mock_options *mock; /* NULL: mock defaults */
	bool no_mock;                    /* do not start a mock (e.g. --demo) */
	bool no_key;                     /* do not set CHARGE_API_KEY */
	const char *const *args;         /* extra argv after the binary, NULL-terminated */
	const char *const *env;          /* extra environment, NULL-terminated */
	int rows, cols;                  /* 0: 40 x 120 */
	const char *term;                /* NULL: $CT_E2E_TERM, else xterm-256color */
	/* Run the console under /bin/sh and then this shell code, as a user's
	 * shell would after it exits: "$BIN" ARGS; echo "EXIT=$?"; AFTER.
	 * The console is then the shell's child (see e2e_console_pid). */
	const char *shell_after;
	bool ignore_sighup; /* the nohup case (TTY-5) */
};

struct e2e {
	struct mockctl *mc; /* NULL with no_mock */
	bool wrapped;       /* console runs under /bin/sh (shell_after) */
	struct term *t;
	char name[64];
	char home[64];  /* a fresh HOME / XDG dirs for this run */
	char raw_path[1024];
};

/* Start mock + console.  Fails the current Check test if either cannot start. */
struct e2e *e2e_start_in(const char *bin_dir, const char *name, const struct e2e_opts *o);
#define e2e_start(name, o) e2e_start_in(CT_BINARY_DIR, (name), (o))

/* The console's pid: the pty's child, or the shell's child (shell_after).
 * -1 if not found within 2 s. */
pid_t e2e_console_pid(struct e2e *e);

/* SAN-2 over everything the console wrote, plus SEC-3 (the whole test key
 * never in it) and SAN-13 (no title set from data) (ck_assert); stop the
 * console (SIGKILL if still running) and the mock, free.  The raw stream
 * is already in <build>/e2e-raw/<name>.raw. */
void e2e_finish(struct e2e *e);

/* Print the current screen (and why) to stderr: a failing test shows what a
 * person would have seen. */
void e2e_dump(struct e2e *e, const char *why);

/* The screen row that holds text (malloc'd), or NULL. */
char *e2e_row_with(struct e2e *e, const char *text);

/* Fail the test with the screen dumped unless text appears within ms. */
#define E2E_WAIT(e, text, ms)                                                              \
	do {                                                                               \
		if (!term_wait_for((e)->t, (text), (ms))) {                                \
			e2e_dump((e), "waiting for: " text);                               \
			ck_abort_msg("%s: \"%s\" not on screen after %d ms", (e)->name,    \
				     (text), (ms));                                        \
		}                                                                          \
	} while (0)

/* Same with a runtime string. */
void e2e_wait_str(struct e2e *e, const char *text, int ms);
/* The first screen is up: the first `chars` characters of the first fleet's
 * name (as the mock's own API lists it) are on screen within ms, else the
 * test fails with the screen dumped.  The prefix waited for goes to pre. */
void e2e_wait_first_fleet(struct e2e *e, int chars, char *pre, size_t n, int ms);

/* Money the way the contract and design say a person reads it ("€18.75",
 * "$1,234.56", "¥1,875", "-€3.00", "CAD 31,051.82"): written here independently of the
 * console's money.c so the test is an oracle, not a mirror. */
char *expect_money(int64_t minor, const char *currency, char *buf, size_t n);
/* Integer with thousands separators ("4,825"). */
char *expect_count(long long v, char *buf, size_t n);

/* Does the row contain every one of the NULL-terminated needles? */
bool row_has_all(const char *row, const char *const *needles);

/* Whole-word match: needle in hay with no digit or letter on either side
 * (so "24" does not match inside "240"). */
bool has_token(const char *hay, const char *needle);

/* Does hay show the integer v as a whole token, "1234" or "1,234"? */
bool has_number(const char *hay, long long v);

/* The first n characters (code points) of name, for matching a name the
 * console may cut to its column width; NULL-safe.  buf gets "" if name holds
 * a control character (its display form is the sanitizer's business). */
char *expect_prefix(const char *name, int n, char *buf, size_t bufsz);

/* The row in [row_from, row_to) drawn differently at column col (reverse, or
 * another background) from most rows there: the list's selection, as a
 * person sees it.  -1 if no single row stands out. */
int e2e_highlight_row(struct e2e *e, int col, int row_from, int row_to);

/* Oracle: every driver of a fleet (GET /v1/drivers?fleet=ID, all pages). */
cJSON *oracle_fleet_drivers(struct mockctl *mc, const cJSON *fleet);
/* Index in fleets (API order, which the fleets pane shows) of the first
 * fleet at or after `from` whose total_drivers >= min; -1 if none. */
int oracle_fleet_with_drivers(const cJSON *fleets, int from, int min);

/* Run a suite (CK_NORMAL) and return the process exit status. */
int e2e_run(Suite *s);

#endif
