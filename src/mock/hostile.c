/*
 * hostile.c — the SAN payloads of reliability.md §1 as stored names.
 *
 *  0  SAN-1   "A" ESC "[2J" ESC "]0;pwned" BEL "B"   (clear screen, set title)
 *  1  SAN-3   U+009B "31mRED"                         (8-bit CSI, as UTF-8 C2 9B)
 *  2  SAN-4   "Good\rEVIL"
 *  3  SAN-4   "x\bY"
 *  4  SAN-4   "a\tb"
 *  5  SAN-4   "line1\nline2"
 *  6  SAN-5   bidi and invisible characters: U+202E, U+202A..U+202D, U+2066..U+2069,
 *             U+200E, U+200F, U+061C, U+200B, U+FEFF around plain words
 *  7  SAN-6   invalid UTF-8: lone FF, overlong C0 AF, surrogate ED A0 80, and a
 *             truncated C2 at the very end.  The JSON carries these raw bytes
 *             (cJSON prints string bytes >= 0x20 unchanged), so the client's
 *             decoder sees exactly what a broken server would send.
 *  8  SAN-7   "a" followed by 300 x U+0301 COMBINING ACUTE ACCENT
 *  9  SAN-10-lite  a 64 KiB name (the real SAN-10 uses 1 MiB; 64 KiB keeps list
 *             pages reasonable while still far past any display cap)
 */
#include "internal.h"

#include <pthread.h>
#include <string.h>

static const char mk_san1[] = "A\x1b[2J\x1b]0;pwned\x07"
                              "B";
static const char mk_san3[] = "\xc2\x9b"
                              "31mRED";
static const char mk_san4a[] = "Good\rEVIL";
static const char mk_san4b[] = "x\bY";
static const char mk_san4c[] = "a\tb";
static const char mk_san4d[] = "line1\nline2";
static const char mk_san5[] = "Fleet \xe2\x80\xae"
                              "evil\xe2\x80\xac \xe2\x80\xaa"
                              "l\xe2\x80\xab"
                              "r\xe2\x80\xad"
                              "o \xe2\x81\xa6"
                              "iso\xe2\x81\xa9 \xe2\x81\xa7"
                              "x\xe2\x81\xa8"
                              "y \xe2\x80\x8e"
                              "lrm\xe2\x80\x8f"
                              "rlm \xd8\x9c"
                              "alm zero\xe2\x80\x8bwidth\xef\xbb\xbf"
                              "bom";
static const char mk_san6[] = "bad\xff mid\xc0\xaf sur\xed\xa0\x80 end\xc2";

#define MK_SAN7_MARKS 300
#define MK_SAN10_LEN 65536

static char mk_san7[1 + 2 * MK_SAN7_MARKS + 1];
static char mk_san10[MK_SAN10_LEN + 1];
static pthread_once_t mk_hostile_once = PTHREAD_ONCE_INIT;

static void mk_hostile_init(void)
{
	mk_san7[0] = 'a';
	for (int i = 0; i < MK_SAN7_MARKS; i++) {
		mk_san7[1 + 2 * i] = '\xcc';
		mk_san7[2 + 2 * i] = '\x81';
	}
	static const char word[] = "Very Long Driver Name ";
	for (size_t i = 0; i < MK_SAN10_LEN; i++)
		mk_san10[i] = word[i % (sizeof word - 1)];
}

const char *mock_hostile_payload(int i, size_t *len)
{
	pthread_once(&mk_hostile_once, mk_hostile_init);
	static const struct {
		const char *s;
		size_t len;
	} fixed[] = {
	    {mk_san1, sizeof mk_san1 - 1},   {mk_san3, sizeof mk_san3 - 1},
	    {mk_san4a, sizeof mk_san4a - 1}, {mk_san4b, sizeof mk_san4b - 1},
	    {mk_san4c, sizeof mk_san4c - 1}, {mk_san4d, sizeof mk_san4d - 1},
	    {mk_san5, sizeof mk_san5 - 1},   {mk_san6, sizeof mk_san6 - 1},
	};
	if (i >= 0 && i < 8) {
		if (len)
			*len = fixed[i].len;
		return fixed[i].s;
	}
	if (i == 8) {
		if (len)
			*len = sizeof mk_san7 - 1;
		return mk_san7;
	}
	if (i == 9) {
		if (len)
			*len = MK_SAN10_LEN;
		return mk_san10;
	}
	if (len)
		*len = 0;
	return NULL;
}
