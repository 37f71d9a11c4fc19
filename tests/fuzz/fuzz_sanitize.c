/*
 * fuzz_sanitize.c — TST-1 target 2: the sanitizer alone, asserting SAN-14:
 * output is valid UTF-8, has no C0/DEL/C1/bidi/format character, and its
 * width is within the requested width.  The first input byte picks width and
 * flags.  Not part of ctest; see scripts/fuzz.sh.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chargetui/sanitize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Strict UTF-8 decode of one code point; -1 on invalid. */
static int next_cp(const unsigned char **p, unsigned *cp)
{
	const unsigned char *s = *p;
	int n = s[0] < 0x80             ? 1
	        : (s[0] & 0xE0) == 0xC0 ? 2
	        : (s[0] & 0xF0) == 0xE0 ? 3
	        : (s[0] & 0xF8) == 0xF0 ? 4
	                                : 0;

	if (!n)
		return -1;
	*cp = n == 1 ? s[0] : s[0] & (0x7F >> n);
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

static void check(const char *out, int w, int maxw)
{
	const unsigned char *p = (const unsigned char *)out;
	unsigned cp;

	while (*p) {
		assert(next_cp(&p, &cp) == 0);
		assert(!(cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)));
		assert(!(cp >= 0x202A && cp <= 0x202E) && !(cp >= 0x2066 && cp <= 0x2069));
		assert(cp != 0x200B && cp != 0x200E && cp != 0x200F && cp != 0x061C &&
		       cp != 0xFEFF);
		assert(san_wcwidth(cp) >= 0);
	}
	assert(maxw < 0 || w <= maxw);
	assert(san_width(out) == w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[64 * 1024];
	int maxw;
	unsigned flags;
	char *s;

	if (size == 0)
		return 0;
	maxw = (int)(data[0] & 0x3F) - 1;
	flags = data[0] >> 6;
	flags = (flags & 1 ? SAN_ELLIPSIS : 0) | (flags & 2 ? SAN_ASCII : 0);
	check(out, san_display((const char *)data + 1, size - 1, maxw, flags, out, sizeof(out)),
	      maxw);
	check(out, san_display((const char *)data + 1, size - 1, maxw, flags | SAN_PAD, out, 7),
	      maxw);
	s = san_log((const char *)data + 1, size - 1);
	assert(s && !strchr(s, '\n') && !strchr(s, '\x1b'));
	free(s);
	san_input_ok((const char *)data + 1, size - 1);
	return 0;
}
