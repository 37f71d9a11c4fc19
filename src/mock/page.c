/*
 * page.c — opaque page tokens and stable pagination.
 *
 * A token names a position, not an offset: "the records created before
 * record #k" (next) or "after record #k" (previous).  Records keep their
 * creation index for life (deletes leave tombstones), so records created
 * while a client pages never shift a later page into duplicates.
 *
 * The 32-byte plaintext (magic, kind, direction, anchor) goes through a
 * 6-round Feistel network keyed from the seed, then base62 (43 digits, since
 * 62^43 > 2^256).  Clients cannot build or edit a token; a token from another
 * mock, another collection, or with one character changed fails the magic
 * check and is answered 400 parameter_invalid.  The same seed gives the same
 * tokens, so a seeded first page is byte-identical across runs.
 */
#include "internal.h"

#include <string.h>

#define MK_TOKEN_DIGITS 43
static const char mk_b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
static const uint8_t mk_magic[4] = {'C', 'T', 'p', 'g'};

static void mk_round(const uint64_t key[4], int round, const uint64_t in[2], uint64_t out[2])
{
	uint64_t a = mk_mix64(in[0] ^ key[round & 3] ^ (uint64_t)round * 0x51ed270b27e1ULL);
	uint64_t b = mk_mix64(in[1] ^ key[(round + 1) & 3] ^ a);
	out[0] = a ^ mk_mix64(b + key[(round + 2) & 3]);
	out[1] = b;
}

static void mk_feistel(const uint64_t key[4], uint64_t blk[4], bool decrypt)
{
	uint64_t *l = blk, *r = blk + 2, f[2];
	for (int i = 0; i < 6; i++) {
		int round = decrypt ? 5 - i : i;
		if (!decrypt) {
			mk_round(key, round, r, f);
			uint64_t nl[2] = {r[0], r[1]};
			r[0] = l[0] ^ f[0];
			r[1] = l[1] ^ f[1];
			l[0] = nl[0];
			l[1] = nl[1];
		} else {
			mk_round(key, round, l, f);
			uint64_t nr[2] = {l[0], l[1]};
			l[0] = r[0] ^ f[0];
			l[1] = r[1] ^ f[1];
			r[0] = nr[0];
			r[1] = nr[1];
		}
	}
}

static void mk_blk_to_bytes(const uint64_t blk[4], uint8_t out[32])
{
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 8; j++)
			out[i * 8 + j] = (uint8_t)(blk[i] >> (56 - 8 * j));
}

static void mk_bytes_to_blk(const uint8_t in[32], uint64_t blk[4])
{
	for (int i = 0; i < 4; i++) {
		blk[i] = 0;
		for (int j = 0; j < 8; j++)
			blk[i] = (blk[i] << 8) | in[i * 8 + j];
	}
}

void mk_page_token(const struct mk_state *st, int kind, bool prev, int64_t anchor, char *out)
{
	uint8_t b[32] = {0};
	memcpy(b, mk_magic, 4);
	b[4] = (uint8_t)kind;
	b[5] = prev ? 1 : 0;
	/* Stored +1: an empty page's previous link may name position -1. */
	for (int j = 0; j < 8; j++)
		b[8 + j] = (uint8_t)((uint64_t)(anchor + 1) >> (56 - 8 * j));
	uint64_t blk[4];
	mk_bytes_to_blk(b, blk);
	mk_feistel(st->page_key, blk, false);
	mk_blk_to_bytes(blk, b);
	/* Big-endian 256-bit number -> 43 base-62 digits by long division. */
	char digits[MK_TOKEN_DIGITS];
	for (int d = MK_TOKEN_DIGITS - 1; d >= 0; d--) {
		unsigned rem = 0;
		for (int i = 0; i < 32; i++) {
			unsigned cur = rem * 256 + b[i];
			b[i] = (uint8_t)(cur / 62);
			rem = cur % 62;
		}
		digits[d] = mk_b62[rem];
	}
	memcpy(out, "page_", 5);
	memcpy(out + 5, digits, MK_TOKEN_DIGITS);
	out[5 + MK_TOKEN_DIGITS] = '\0';
}

int mk_page_parse(const struct mk_state *st, int kind, const char *tok, bool *prev, int64_t *anchor)
{
	if (strncmp(tok, "page_", 5) != 0 || strlen(tok) != 5 + MK_TOKEN_DIGITS)
		return -1;
	uint8_t b[32] = {0};
	for (int d = 0; d < MK_TOKEN_DIGITS; d++) {
		const char *p = strchr(mk_b62, tok[5 + d]);
		if (!p || !*p)
			return -1;
		unsigned carry = (unsigned)(p - mk_b62);
		for (int i = 31; i >= 0; i--) {
			unsigned cur = b[i] * 62u + carry;
			b[i] = (uint8_t)cur;
			carry = cur >> 8;
		}
		if (carry)
			return -1; /* more than 256 bits */
	}
	uint64_t blk[4];
	mk_bytes_to_blk(b, blk);
	mk_feistel(st->page_key, blk, true);
	mk_blk_to_bytes(blk, b);
	if (memcmp(b, mk_magic, 4) != 0 || b[4] != kind || b[5] > 1 || b[6] || b[7])
		return -1;
	for (int i = 16; i < 32; i++)
		if (b[i])
			return -1;
	uint64_t a = 0;
	for (int j = 0; j < 8; j++)
		a = (a << 8) | b[8 + j];
	if (a > INT32_MAX)
		return -1;
	*prev = b[5] == 1;
	*anchor = (int64_t)a - 1;
	return 0;
}

static bool mk_any_match(const struct mk_state *st, int from, int to, mk_match_fn match,
                         const void *filter)
{
	/* Inclusive range, either direction; stops at the first match. */
	int step = from <= to ? 1 : -1;
	for (int i = from; step > 0 ? i <= to : i >= to; i += step)
		if (match(st, i, filter))
			return true;
	return false;
}

void mk_page_collect(const struct mk_state *st, int total, mk_match_fn match, const void *filter,
                     int limit, bool has_token, bool prev, int64_t anchor, struct mk_page *out)
{
	out->idx = mk_xcalloc((size_t)limit, sizeof *out->idx);
	out->n = 0;
	out->has_newer = out->has_older = false;
	/* Tokens name existing positions, but stay in range whatever happens. */
	if (anchor >= total)
		anchor = total;
	if (!prev && anchor < 0)
		anchor = 0;
	if (!has_token || !prev) {
		int start = has_token ? (int)anchor - 1 : total - 1;
		int i = start;
		for (; i >= 0 && out->n < limit; i--)
			if (match(st, i, filter))
				out->idx[out->n++] = i;
		out->has_older = i >= 0 && mk_any_match(st, i, 0, match, filter);
		if (has_token) {
			int from = out->n ? out->idx[0] + 1 : (int)anchor;
			out->has_newer =
			    from <= total - 1 && mk_any_match(st, from, total - 1, match, filter);
		}
		out->next_anchor = out->n ? out->idx[out->n - 1] : 0;
		out->prev_anchor = out->n ? out->idx[0] : anchor - 1;
		return;
	}
	/* Previous page: the `limit` records just newer than the anchor. */
	int i = (int)anchor + 1;
	for (; i < total && out->n < limit; i++)
		if (match(st, i, filter))
			out->idx[out->n++] = i;
	out->has_newer = i < total && mk_any_match(st, i, total - 1, match, filter);
	int below = out->n ? out->idx[0] - 1 : (int)anchor;
	if (below > total - 1)
		below = total - 1;
	out->has_older = below >= 0 && mk_any_match(st, below, 0, match, filter);
	out->next_anchor = out->n ? out->idx[0] : anchor + 1;
	out->prev_anchor = out->n ? out->idx[out->n - 1] : anchor;
	for (int a = 0, b = out->n - 1; a < b; a++, b--) {
		int t = out->idx[a];
		out->idx[a] = out->idx[b];
		out->idx[b] = t;
	}
}
