/*
 * test_sanitize.c — SAN-1..SAN-14: a table of the reliability rows with their
 * exact expected output, and property tests (TST-2) over random code points
 * and random bytes checking the SAN-14 invariant with an independent checker.
 */
#include <check.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "chargetui/sanitize.h"

struct row {
	const char *name;
	const char *in;
	size_t len; /* 0: strlen */
	int width;
	unsigned flags;
	const char *want;
	int want_w;
};

#define ELL "\xE2\x80\xA6"
#define FFFD "\xEF\xBF\xBD"

static const struct row rows[] = {
    /* SAN-1: caret notation, nothing reaches the terminal raw. */
    {"SAN-1",
     "A\x1b[2J\x1b]0;pwned\x07"
     "B",
     0, -1, 0, "A^[[2J^[]0;pwned^GB", 19},
    /* SAN-3: 8-bit CSI in UTF-8 and as a raw byte. */
    {"SAN-3 utf8",
     "\xC2\x9b"
     "31mRED",
     0, -1, 0, "<U+009B>31mRED", 14},
    {"SAN-3 raw",
     "\x9b"
     "31mRED",
     0, -1, 0, FFFD "31mRED", 7},
    /* SAN-4: one row, control visible. */
    {"SAN-4 CR", "Good\rEVIL", 0, -1, 0, "Good^MEVIL", 10},
    {"SAN-4 BS", "x\bY", 0, -1, 0, "x^HY", 4},
    {"SAN-4 TAB", "a\tb", 0, -1, 0, "a^Ib", 4},
    {"SAN-4 LF", "line1\nline2", 0, -1, 0, "line1^Jline2", 12},
    {"DEL",
     "a\x7f"
     "b",
     0, -1, 0, "a^?b", 4},
    {"NUL", "a\0b", 3, -1, 0, "a^@b", 4},
    /* SAN-5: bidi and invisible format characters. */
    {"SAN-5 RLO",
     "abc\xE2\x80\xAE"
     "def",
     0, -1, 0, "abc<U+202E>def", 14},
    {"SAN-5 LRI..PDI", "\xE2\x81\xA6x\xE2\x81\xA9", 0, -1, 0, "<U+2066>x<U+2069>", 17},
    {"SAN-5 LRM RLM", "\xE2\x80\x8E\xE2\x80\x8F", 0, -1, 0, "<U+200E><U+200F>", 16},
    {"SAN-5 ALM", "\xD8\x9C", 0, -1, 0, "<U+061C>", 8},
    {"SAN-5 ZWSP",
     "a\xE2\x80\x8B"
     "b",
     0, -1, 0, "a<U+200B>b", 10},
    {"SAN-5 BOM", "\xEF\xBB\xBFx", 0, -1, 0, "<U+FEFF>x", 9},
    {"SAN-5 LSEP",
     "a\xE2\x80\xA8"
     "b",
     0, -1, 0, "a<U+2028>b", 10},
    {"SAN-5 tag", "\xF3\xA0\x80\x81", 0, -1, 0, "<U+E0001>", 9},
    /* SAN-6: invalid UTF-8, each bad byte to U+FFFD. */
    {"SAN-6 FF",
     "a\xFF"
     "b",
     0, -1, 0, "a" FFFD "b", 3},
    {"SAN-6 overlong", "\xC0\xAF", 0, -1, 0, FFFD FFFD, 2},
    {"SAN-6 surrogate", "\xED\xA0\x80", 0, -1, 0, FFFD FFFD FFFD, 3},
    {"SAN-6 truncated", "ab\xC2", 0, -1, 0, "ab" FFFD, 3},
    {"SAN-6 truncated 3", "\xE2\x82", 0, -1, 0, FFFD FFFD, 2},
    {"SAN-6 too big", "\xF4\x90\x80\x80", 0, -1, 0, FFFD FFFD FFFD FFFD, 4},
    {"SAN-6 lone cont", "\x80x", 0, -1, 0, FFFD "x", 2},
    /* SAN-7: at most two combining marks per base. */
    {"SAN-7",
     "a\xCC\x81\xCC\x81\xCC\x81\xCC\x81"
     "b",
     0, -1, 0,
     "a\xCC\x81\xCC\x81"
     "b",
     2},
    {"SAN-7 leading", "\xCC\x81x", 0, -1, 0, "\xE2\x97\x8C\xCC\x81x", 2},
    {"SAN-7 after ctl", "\x1b\xCC\x81", 0, -1, 0, "^[\xE2\x97\x8C\xCC\x81", 3},
    /* SAN-8: width, wide chars never split, ellipsis, wcwidth < 0. */
    {"SAN-8 cjk fit", "\xE6\x97\xA5\xE6\x9C\xAC", 0, 4, SAN_ELLIPSIS, "\xE6\x97\xA5\xE6\x9C\xAC",
     4},
    {"SAN-8 cjk cut", "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 0, 4, SAN_ELLIPSIS,
     "\xE6\x97\xA5" ELL, 3},
    {"SAN-8 cjk odd", "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 0, 5, SAN_ELLIPSIS,
     "\xE6\x97\xA5\xE6\x9C\xAC" ELL, 5},
    {"SAN-8 no ellipsis", "\xE6\x97\xA5\xE6\x9C\xAC", 0, 3, 0, "\xE6\x97\xA5", 2},
    {"SAN-8 emoji",
     "\xF0\x9F\x94\x8B"
     "ok",
     0, -1, 0,
     "\xF0\x9F\x94\x8B"
     "ok",
     4},
    {"SAN-8 emoji cut", "\xF0\x9F\x94\x8B\xF0\x9F\x94\x8B", 0, 3, SAN_ELLIPSIS,
     "\xF0\x9F\x94\x8B" ELL, 3},
    {"SAN-8 private", "\xEE\x80\x80", 0, -1, 0, FFFD, 1},
    {"SAN-8 unassigned", "\xCD\xB8z", 0, -1, 0, FFFD "z", 2},
    {"SAN-8 ext G wide", "\xF0\xB0\x80\x80z", 0, -1, 0, "\xF0\xB0\x80\x80z", 3},
    {"SAN-8 noncharacter", "\xEF\xBF\xBE", 0, -1, 0, FFFD, 1},
    {"SAN-8 ascii cut", "Example Driver", 0, 8, SAN_ELLIPSIS, "Example" ELL, 8},
    {"SAN-8 exact", "Example", 0, 7, SAN_ELLIPSIS, "Example", 7},
    {"SAN-8 placeholder atomic", "ab\x1b", 0, 3, 0, "ab", 2},
    {"SAN-8 pad", "ab", 0, 5, SAN_PAD, "ab   ", 5},
    {"SAN-8 pad wide", "\xE6\x97\xA5", 0, 3, SAN_PAD | SAN_ELLIPSIS, "\xE6\x97\xA5 ", 3},
    {"SAN-8 zero", "abc", 0, 0, SAN_ELLIPSIS, "", 0},
    {"SAN-8 one", "abc", 0, 1, SAN_ELLIPSIS, ELL, 1},
    /* SAN_ASCII: non-UTF-8 locale. */
    {"ASCII", "caf\xC3\xA9 \xE6\x97\xA5\x1b", 0, -1, SAN_ASCII, "caf? ?^[", 8},
    {"ASCII cut", "abcdef", 0, 4, SAN_ASCII | SAN_ELLIPSIS, "abc~", 4},
    {"ASCII marks", "a\xCC\x81\xCC\x81\xCC\x81", 0, -1, SAN_ASCII, "a??", 3},
    {"ASCII C1", "\xC2\x85", 0, -1, SAN_ASCII, "<U+0085>", 8},
    /* Plain text passes unchanged. */
    {"plain",
     "Marie Curie \xE2\x82\xAC"
     "18.75",
     0, -1, 0,
     "Marie Curie \xE2\x82\xAC"
     "18.75",
     18},
    {"nbsp",
     "a\xC2\xA0"
     "b",
     0, -1, 0,
     "a\xC2\xA0"
     "b",
     3},
};

/* SAN-12 is about input: see test_input_ok. SAN-9: see test_log. */

/* The rows above must fail if the sanitizer passed text through unchanged:
 * a guard that the table itself is meaningful. */
START_TEST(test_rows)
{
	const struct row *r = &rows[_i];
	size_t len = r->len ? r->len : strlen(r->in);
	char out[512];
	int w;

	memset(out, 'Z', sizeof(out));
	w = san_display(r->in, len, r->width, r->flags, out, sizeof(out));
	ck_assert_msg(strcmp(out, r->want) == 0, "%s: got \"%s\" want \"%s\"", r->name, out,
	              r->want);
	ck_assert_msg(w == r->want_w, "%s: width %d want %d", r->name, w, r->want_w);
	ck_assert_int_eq(san_width(out), w);
}
END_TEST

/* ---- an independent SAN-14 checker -------------------------------------- */

/* Decode valid UTF-8 strictly; returns -1 on any invalid sequence. */
static int next_cp(const unsigned char **p, unsigned *cp)
{
	const unsigned char *s = *p;
	int n;

	if (s[0] < 0x80) {
		*cp = s[0];
		n = 1;
	} else if ((s[0] & 0xE0) == 0xC0) {
		*cp = s[0] & 0x1F;
		n = 2;
	} else if ((s[0] & 0xF0) == 0xE0) {
		*cp = s[0] & 0x0F;
		n = 3;
	} else if ((s[0] & 0xF8) == 0xF0) {
		*cp = s[0] & 0x07;
		n = 4;
	} else {
		return -1;
	}
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		*cp = *cp << 6 | (s[i] & 0x3F);
	}
	if ((n == 2 && *cp < 0x80) || (n == 3 && *cp < 0x800) || (n == 4 && *cp < 0x10000) ||
	    *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
		return -1;
	*p += n;
	return 0;
}

static int forbidden(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200B || cp == 0x200C || cp == 0x200D ||
	       cp == 0x200E || cp == 0x200F || cp == 0x061C || cp == 0xFEFF || cp == 0x00AD ||
	       cp == 0x2028 || cp == 0x2029 || (cp >= 0x2060 && cp <= 0x2064) ||
	       (cp >= 0xE0000 && cp <= 0xE007F) || (cp >= 0xFFF9 && cp <= 0xFFFB);
}

/* Check's ck_assert writes a checkpoint per call, which costs millions of
 * syscalls in a property loop; this checker asserts only on failure. */
#define REQUIRE(cond, ...)                                                                         \
	do {                                                                                       \
		if (!(cond))                                                                       \
			ck_abort_msg(__VA_ARGS__);                                                 \
	} while (0)

static void check_invariant(const char *out, int w, int maxw, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)out;
	unsigned cp;
	int marks = 0;

	while (*p) {
		REQUIRE(next_cp(&p, &cp) == 0, "invalid UTF-8 in output \"%s\"", out);
		REQUIRE(!forbidden(cp), "forbidden U+%04X in output", cp);
		REQUIRE(!(flags & SAN_ASCII) || cp < 0x80, "non-ASCII U+%04X with SAN_ASCII", cp);
		if (san_wcwidth(cp) == 0) {
			REQUIRE(++marks <= 2, "more than 2 marks in \"%s\"", out);
		} else {
			REQUIRE(san_wcwidth(cp) > 0, "U+%04X has width < 0", cp);
			marks = 0;
		}
	}
	REQUIRE(maxw < 0 || w <= maxw, "width %d > %d", w, maxw);
	REQUIRE(san_width(out) == w, "returned width %d, measured %d", w, san_width(out));
	REQUIRE(maxw < 0 || !(flags & SAN_PAD) || w == maxw, "padded width %d != %d", w, maxw);
}

static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)rng_state;
}

static size_t put_utf8(unsigned cp, char *t)
{
	if (cp < 0x80) {
		t[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		t[0] = (char)(0xC0 | cp >> 6);
		t[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		t[0] = (char)(0xE0 | cp >> 12);
		t[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		t[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	t[0] = (char)(0xF0 | cp >> 18);
	t[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	t[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	t[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Code points from the interesting ranges, surrogates included (encoded as
 * the bytes a buggy producer would send). */
static unsigned random_cp(void)
{
	switch (rnd() % 8) {
	case 0:
		return rnd() % 0xA1; /* U+0000..U+00A0 */
	case 1:
		return 0x2000 + rnd() % 0x70; /* U+2000..U+206F */
	case 2:
		return 0x300 + rnd() % 0x70; /* combining */
	case 3:
		return 0x3000 + rnd() % 0x7000; /* CJK */
	case 4:
		return 0x1F300 + rnd() % 0x700; /* emoji */
	case 5:
		return 0xD800 + rnd() % 0x800; /* surrogates */
	case 6:
		return rnd() % 0x110000;
	default:
		return 0x20 + rnd() % 0x5F;
	}
}

static void run_property(const char *in, size_t len)
{
	static const int widths[] = {-1, 0, 1, 2, 3, 7, 20, 80};
	static const unsigned flagsets[] = {0,
	                                    SAN_ELLIPSIS,
	                                    SAN_PAD,
	                                    SAN_ELLIPSIS | SAN_PAD,
	                                    SAN_ASCII | SAN_ELLIPSIS,
	                                    SAN_ASCII | SAN_PAD};
	char out[4096];

	for (size_t wi = 0; wi < sizeof(widths) / sizeof(widths[0]); wi++) {
		for (size_t fi = 0; fi < sizeof(flagsets) / sizeof(flagsets[0]); fi++) {
			int w = san_display(in, len, widths[wi], flagsets[fi], out, sizeof(out));

			check_invariant(out, w, widths[wi], flagsets[fi]);
		}
	}
	/* A tiny buffer: cut, never overflowed, still valid. */
	for (size_t sz = 1; sz < 12; sz++) {
		char small[12];
		int w;

		memset(small, 'Z', sizeof(small));
		w = san_display(in, len, -1, SAN_ELLIPSIS, small, sz);
		REQUIRE(memchr(small, '\0', sz) != NULL, "not terminated within %zu bytes", sz);
		REQUIRE(small[sz] == 'Z', "wrote past a %zu-byte buffer", sz);
		check_invariant(small, w, -1, 0);
	}
}

START_TEST(test_all_low_and_general_punct)
{
	char buf[8];

	/* Every single code point of U+0000..U+00A0 and U+2000..U+206F alone. */
	for (unsigned cp = 0; cp <= 0x2070; cp = cp == 0xA0 ? 0x2000 : cp + 1) {
		size_t n = put_utf8(cp, buf);

		run_property(buf, n);
	}
}
END_TEST

START_TEST(test_random_code_points)
{
	char in[256];

	rng_state = 0x9E3779B97F4A7C15ull ^ (uint64_t)_i;
	for (int iter = 0; iter < 300; iter++) {
		size_t n = 0, k = rnd() % 40;

		for (size_t i = 0; i < k; i++)
			n += put_utf8(random_cp(), in + n);
		run_property(in, n);
	}
}
END_TEST

START_TEST(test_random_bytes)
{
	char in[128];

	rng_state = 0xD1B54A32D192ED03ull ^ (uint64_t)_i;
	for (int iter = 0; iter < 300; iter++) {
		size_t n = rnd() % sizeof(in);

		for (size_t i = 0; i < n; i++)
			in[i] = (char)rnd();
		run_property(in, n);
	}
}
END_TEST

/* ---- SAN-10: 1 MiB ------------------------------------------------------ */

START_TEST(test_huge_input)
{
	size_t n = 1u << 20;
	char *in = malloc(n), *dup;
	char out[64 * 1024];
	struct timespec a, b;
	int w;

	memset(in, 'x', n);
	/* A multi-byte char straddling the cap must not become U+FFFD. */
	memcpy(in + SAN_INPUT_CAP - 1, "\xE2\x82\xAC", 3);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 100; i++)
		w = san_display(in, n, -1, 0, out, sizeof(out));
	clock_gettime(CLOCK_MONOTONIC, &b);
	ck_assert_int_eq(w, SAN_INPUT_CAP); /* 4095 'x' (the euro is past the cap) + ellipsis */
	ck_assert_uint_eq(strlen(out), SAN_INPUT_CAP - 1 + 3);
	ck_assert_str_eq(out + SAN_INPUT_CAP - 1, ELL);
	ck_assert_ptr_null(strstr(out, FFFD));
	/* 100 passes over a 1 MiB input: bounded by the cap, not the length. */
	ck_assert_double_lt((double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9,
	                    1.0);
	in[n - 1] = '\0';
	dup = san_dup(in);
	ck_assert_uint_le(strlen(dup), SAN_INPUT_CAP + 3);
	free(dup);
	free(in);
}
END_TEST

/* ---- SAN-9: logs -------------------------------------------------------- */

START_TEST(test_log)
{
	const char *in = "A\x1b]0;x\x07\r\n\t\\ \xC2\x9b\xE2\x80\xAE\xFF\xF3\xA0\x80\x81"
	                 "ok";
	char *l = san_log(in, strlen(in));

	ck_assert_str_eq(l, "A\\x1b]0;x\\x07\\r\\n\\t\\\\ \\u009b\\u202e\\xff\\U000e0001ok");
	ck_assert_ptr_null(strchr(l, '\n'));
	free(l);
	l = san_log(NULL, 0);
	ck_assert_str_eq(l, "");
	free(l);
	l = san_log("caf\xC3\xA9", 5);
	ck_assert_str_eq(l, "caf\xC3\xA9");
	free(l);
}
END_TEST

START_TEST(test_dup)
{
	char *d = san_dup("x\x1b[31my");

	ck_assert_str_eq(d, "x^[[31my");
	free(d);
	d = san_dup(NULL);
	ck_assert_str_eq(d, "");
	free(d);
}
END_TEST

/* ---- SAN-12: input ------------------------------------------------------ */

START_TEST(test_input_ok)
{
	static const struct {
		const char *s;
		bool ok;
	} cases[] = {
	    {"+33189000029", true},  {"Marie Curie", true},   {"\xE6\x97\xA5\xE6\x9C\xAC", true},
	    {"Jos\xC3\xA9", true},   {"e\xCC\x81", true},     {"\x1b[201~", false},
	    {"a\tb", false},         {"a\nb", false},         {"a\x7f", false},
	    {"\xC2\x9b", false},     {"\xE2\x80\xAE", false}, {"\xE2\x81\xA6", false},
	    {"\xE2\x80\x8B", false}, {"\xEF\xBB\xBF", false}, {"\xFF", false},
	    {"\xC0\xAF", false},     {"\xED\xA0\x80", false}, {"\xC2", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(san_input_ok(cases[i].s, strlen(cases[i].s)) == cases[i].ok,
		              "case %zu", i);
	ck_assert(!san_input_ok("a\0b", 3));
	ck_assert(san_input_ok("", 0));
}
END_TEST

START_TEST(test_wcwidth)
{
	ck_assert_int_eq(san_wcwidth('a'), 1);
	ck_assert_int_eq(san_wcwidth(0x1b), -1);
	ck_assert_int_eq(san_wcwidth(0x7f), -1);
	ck_assert_int_eq(san_wcwidth(0x9b), -1);
	ck_assert_int_eq(san_wcwidth(0x301), 0);
	ck_assert_int_eq(san_wcwidth(0x200B), 0);
	ck_assert_int_eq(san_wcwidth(0x65E5), 2);
	ck_assert_int_eq(san_wcwidth(0xFF21), 2); /* fullwidth A */
	ck_assert_int_eq(san_wcwidth(0x1F50B), 2);
	ck_assert_int_eq(san_wcwidth(0x1FA70), 2);
	ck_assert_int_eq(san_wcwidth(0xAC00), 2); /* Hangul syllable */
	ck_assert_int_eq(san_wcwidth(0x1160), 0); /* Hangul medial jamo */
	ck_assert_int_eq(san_wcwidth(0xE000), -1);
	ck_assert_int_eq(san_wcwidth(0xD800), -1);
	ck_assert_int_eq(san_wcwidth(0x110000), -1);
	ck_assert_int_eq(san_wcwidth(0x20AC), 1);
	ck_assert_int_eq(san_width("\xE6\x97\xA5"
	                           "a\xCC\x81"),
	                 3);
}
END_TEST

/* Indic scripts: spacing combining marks (Mc: the vowel signs AA, I, II,
 * O, AU of Devanagari...) take a column of their own in xterm, libvterm and
 * glibc; only the non-spacing ones (Mn: virama, anusvara, vowel sign U...)
 * join the letter before them.  "नमस्ते" is na ma sa+virama ta+e: 4 columns;
 * "हिंदी" is ha, i (Mc), anusvara (Mn), da, ii (Mc): 4; "कार" ka aa ra: 3. */
START_TEST(test_devanagari_width)
{
	ck_assert_int_eq(san_wcwidth(0x093E), 1); /* DEVANAGARI VOWEL SIGN AA (Mc) */
	ck_assert_int_eq(san_wcwidth(0x093F), 1); /* I */
	ck_assert_int_eq(san_wcwidth(0x0940), 1); /* II */
	for (unsigned cp = 0x0949; cp <= 0x094C; cp++)
		ck_assert_int_eq(san_wcwidth(cp), 1); /* candra O, short O, O, AU */
	ck_assert_int_eq(san_wcwidth(0x0903), 1); /* visarga (Mc) */
	ck_assert_int_eq(san_wcwidth(0x0941), 0); /* vowel sign U (Mn) */
	ck_assert_int_eq(san_wcwidth(0x094D), 0); /* virama (Mn) */
	ck_assert_int_eq(san_wcwidth(0x0902), 0); /* anusvara (Mn) */
	ck_assert_int_eq(san_wcwidth(0x0BBE), 1); /* TAMIL VOWEL SIGN AA (Mc) */
	ck_assert_int_eq(san_wcwidth(0x0D3E), 1); /* MALAYALAM VOWEL SIGN AA (Mc) */
	ck_assert_int_eq(san_width("\xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D"
				   "\xE0\xA4\xA4\xE0\xA5\x87"),
			 4);
	ck_assert_int_eq(san_width("\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\x82\xE0\xA4\xA6"
				   "\xE0\xA5\x80"),
			 4);
	ck_assert_int_eq(san_width("\xE0\xA4\x95\xE0\xA4\xBE\xE0\xA4\xB0"), 3);
	/* Cut to 3 columns, "हिंदी" keeps ha, i with the anusvara on it, and da:
	 * the Mn mark stays with its letter, the Mc sign ii is a column of its
	 * own and is what goes. */
	char out[64];
	ck_assert_int_eq(san_display("\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\x82\xE0\xA4\xA6"
				     "\xE0\xA5\x80",
				     15, 3, 0, out, sizeof(out)),
			 3);
	ck_assert_str_eq(out, "\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\x82\xE0\xA4\xA6");
}
END_TEST

/* The Indic blocks (Devanagari to Malayalam) against the C library's
 * wcwidth, which is what ncurses lays cells out by: every code point both
 * know must agree, or a name in those scripts would push the columns after
 * it.  (Code points newer than the C library's Unicode are left out.) */
START_TEST(test_indic_matches_libc)
{
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		return; /* no UTF-8 locale here: nothing to compare with */
	int compared = 0;
	for (unsigned cp = 0x0900; cp <= 0x0D7F; cp++) {
		int libc = wcwidth((wchar_t)cp), ours = san_wcwidth(cp);
		if (libc < 0 || ours < 0)
			continue;
		ck_assert_msg(ours == libc, "U+%04X: width %d, the C library says %d", cp, ours,
			      libc);
		compared++;
	}
	setlocale(LC_CTYPE, "C");
	ck_assert_int_gt(compared, 700);
}
END_TEST

static Suite *san_suite(void)
{
	Suite *s = suite_create("sanitize");
	TCase *t = tcase_create("table");

	tcase_add_loop_test(t, test_rows, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(t, test_log);
	tcase_add_test(t, test_dup);
	tcase_add_test(t, test_input_ok);
	tcase_add_test(t, test_wcwidth);
	tcase_add_test(t, test_devanagari_width);
	tcase_add_test(t, test_indic_matches_libc);
	tcase_add_test(t, test_huge_input);
	suite_add_tcase(s, t);
	t = tcase_create("property");
	tcase_set_timeout(t, 120);
	tcase_add_test(t, test_all_low_and_general_punct);
	tcase_add_loop_test(t, test_random_code_points, 0, 4);
	tcase_add_loop_test(t, test_random_bytes, 0, 4);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(san_suite());
	int failed;

	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
