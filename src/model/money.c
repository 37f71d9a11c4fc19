/*
 * money.c — minor units <-> text, with integers only.
 *
 * Formatting works on the unsigned magnitude so INT64_MIN needs no special
 * case, and never touches a double or the locale.  Parsing accepts what people
 * type in both European and English habits ("18,75", "1 234.5", "1,234.56")
 * and refuses anything ambiguous or more precise than the currency, because a
 * wrong guess here moves money.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "chargetui/money.h"

#define MONEY_LIMIT 9007199254740991LL /* 2^53 - 1: what JSON carries exactly (JSN-6) */

/* Codes whose minor unit is not 2 (ISO 4217 list). */
static const char *const money_exp0[] = {"bif", "clp", "djf", "gnf", "isk", "jpy",
                                         "kmf", "krw", "pyg", "rwf", "ugx", "uyi",
                                         "vnd", "vuv", "xaf", "xof", "xpf", NULL};
static const char *const money_exp3[] = {"bhd", "iqd", "jod", "kwd", "lyd", "omr", "tnd", NULL};
static const char *const money_exp4[] = {"clf", "uyw", NULL};

/* Other ISO 4217 codes we show as a prefix ("CHF 12.50"), as are the codes in
 * the exponent lists above; a well-formed code not listed anywhere is shown as
 * a suffix ("18.75 XYZ"), as the header says. */
static const char *const money_known[] = {
    "aed", "ars", "aud", "bgn", "brl", "cad", "chf", "cny", "czk", "dkk", "egp", "hkd",
    "huf", "idr", "ils", "inr", "mad", "mxn", "myr", "nok", "nzd", "php", "pln", "ron",
    "rub", "sar", "sek", "sgd", "thb", "try", "twd", "uah", "zar", NULL};

static int money_in(const char *const *list, const char *c)
{
	for (; *list; list++)
		if (strcasecmp(*list, c) == 0)
			return 1;
	return 0;
}

static int money_code_ok(const char *c)
{
	return c && strlen(c) == 3 && isalpha((unsigned char)c[0]) &&
	       isalpha((unsigned char)c[1]) && isalpha((unsigned char)c[2]);
}

int money_exponent(const char *currency)
{
	if (!money_code_ok(currency))
		return 2;
	if (money_in(money_exp0, currency))
		return 0;
	if (money_in(money_exp3, currency))
		return 3;
	if (money_in(money_exp4, currency))
		return 4;
	return 2;
}

static const char *money_symbol(const char *c)
{
	static const struct {
		const char *code, *sym;
	} syms[] = {
	    {"eur", "\xE2\x82\xAC"}, {"usd", "$"}, {"gbp", "\xC2\xA3"}, {"jpy", "\xC2\xA5"}};

	for (size_t i = 0; c && i < sizeof(syms) / sizeof(syms[0]); i++)
		if (strcasecmp(syms[i].code, c) == 0)
			return syms[i].sym;
	return NULL;
}

/* Digits of the magnitude with "," every three, and the fraction. */
static void money_digits(uint64_t mag, int e, char *out, size_t n)
{
	char rev[48];
	size_t k = 0, o = 0;
	int pos = 0;

	/* Build reversed: fraction digits, '.', integer digits with grouping. */
	for (int i = 0; i < e; i++, mag /= 10)
		rev[k++] = (char)('0' + mag % 10);
	if (e > 0)
		rev[k++] = '.';
	do {
		if (pos && pos % 3 == 0)
			rev[k++] = ',';
		rev[k++] = (char)('0' + mag % 10);
		mag /= 10;
		pos++;
	} while (mag);
	while (k && o + 1 < n)
		out[o++] = rev[--k];
	if (n)
		out[o] = '\0';
}

char *money_format(int64_t minor, const char *currency, char *buf, size_t n)
{
	char num[48], code[4] = "";
	uint64_t mag = minor < 0 ? (uint64_t)(-(minor + 1)) + 1 : (uint64_t)minor;
	const char *sign = minor < 0 ? "-" : "", *sym = money_symbol(currency);
	int e = money_exponent(currency);

	if (!buf || n == 0)
		return buf;
	money_digits(mag, e, num, sizeof(num));
	if (money_code_ok(currency))
		for (int i = 0; i < 3; i++)
			code[i] = (char)toupper((unsigned char)currency[i]);
	if (sym)
		snprintf(buf, n, "%s%s%s", sign, sym, num);
	else if (code[0] && (money_in(money_known, currency) || money_exponent(currency) != 2))
		snprintf(buf, n, "%s%s %s", sign, code, num);
	else if (code[0])
		snprintf(buf, n, "%s%s %s", sign, num, code);
	else
		snprintf(buf, n, "%s%s", sign, num);
	return buf;
}

/* ---- parsing ----------------------------------------------------------- */

/* Skip a currency marker at *p: a symbol or the code itself, then spaces. */
static void money_skip_marker(const char **p, const char *currency)
{
	const char *sym = money_symbol(currency);
	static const char *const any[] = {"\xE2\x82\xAC", "$", "\xC2\xA3", "\xC2\xA5"};

	for (size_t i = 0; i < 4; i++) {
		size_t l = strlen(any[i]);

		if (strncmp(*p, any[i], l) == 0 && sym && strcmp(sym, any[i]) == 0) {
			*p += l;
			goto spaces;
		}
	}
	if (money_code_ok(currency) && strncasecmp(*p, currency, 3) == 0 &&
	    !isalpha((unsigned char)(*p)[3]))
		*p += 3;
spaces:
	while (**p == ' ')
		(*p)++;
}

/* Length of a grouping space at p: ' ', NBSP, narrow NBSP, or "'". */
static size_t money_group_space(const char *p)
{
	if (*p == ' ' || *p == '\'')
		return 1;
	if (strncmp(p, "\xC2\xA0", 2) == 0)
		return 2;
	if (strncmp(p, "\xE2\x80\xAF", 3) == 0)
		return 3;
	return 0;
}

/* Copy the number's digits into digits[], recording where the decimal
 * separator fell (ndec = digits after it, -1 when none).  Decides which of
 * '.' and ',' is the decimal separator from the whole string (see top). */
static int money_scan(const char **pp, int e, char *digits, size_t cap, int *nd, int *ndec)
{
	const char *p = *pp, *q;
	int ndot = 0, ncomma = 0, run;
	char last = 0, dec = 0;

	for (q = p; isdigit((unsigned char)*q) || *q == '.' || *q == ',' || money_group_space(q);
	     q += money_group_space(q) ? money_group_space(q) : 1) {
		if (*q == '.' || *q == ',') {
			ndot += *q == '.';
			ncomma += *q == ',';
			last = *q;
		}
	}
	while (q > p && q[-1] == ' ') /* trailing spaces belong to no group */
		q--;
	if (ndot && ncomma)
		dec = last;
	else if (ndot == 1 || ncomma == 1)
		dec = ndot ? '.' : ',';
	*nd = 0;
	*ndec = -1;
	run = -1; /* digits since the last grouping separator, -1 before any */
	for (; p < q;) {
		size_t gs = money_group_space(p);

		if (isdigit((unsigned char)*p)) {
			if ((size_t)*nd + 1 >= cap)
				return -1;
			digits[(*nd)++] = *p++;
			if (*ndec >= 0)
				(*ndec)++;
			if (run >= 0)
				run++;
			continue;
		}
		if (*p == dec && *ndec < 0) {
			if (run >= 0 && run != 3)
				return -1;
			*ndec = 0;
			run = -1;
			p++;
			continue;
		}
		/* grouping: only in the integer part, groups of exactly three */
		if (*ndec >= 0 || *nd == 0 || (run >= 0 && run != 3))
			return -1;
		run = 0;
		p += gs ? gs : 1;
	}
	if (run >= 0 && run != 3)
		return -1;
	/* "1,875" for a currency without decimals is a thousands separator. */
	if (e == 0 && *ndec == 3 && ndot + ncomma == 1)
		*ndec = -1;
	*pp = q;
	return *nd > 0 ? 0 : -1;
}

int money_parse(const char *text, const char *currency, bool allow_negative, int64_t *out)
{
	const char *p = text;
	char digits[32];
	int e = money_exponent(currency), nd, ndec;
	bool neg = false;
	int64_t v = 0;

	if (!text || !out)
		return -1;
	while (*p == ' ')
		p++;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	while (*p == ' ')
		p++;
	money_skip_marker(&p, currency);
	if (money_scan(&p, e, digits, sizeof(digits), &nd, &ndec) < 0)
		return -1;
	while (*p == ' ')
		p++;
	money_skip_marker(&p, currency);
	if (*p != '\0' || ndec > e || (neg && !allow_negative))
		return -1;
	for (int i = 0; i < nd + (e - (ndec < 0 ? 0 : ndec)); i++) {
		int d = i < nd ? digits[i] - '0' : 0;

		if (v > (MONEY_LIMIT - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = neg ? -v : v;
	return 0;
}

/* Tenths of a kWh, rounded half away from zero, formatted with integers. */
char *energy_format(double kwh, char *buf, size_t n)
{
	char num[48];
	double t;
	uint64_t tenths;

	if (!buf || n == 0)
		return buf;
	if (!(kwh == kwh) || kwh > 9e16 || kwh < -9e16) { /* NaN, inf, absurd */
		snprintf(buf, n, "%s", "\xE2\x80\x94 kWh");
		return buf;
	}
	t = (kwh < 0 ? -kwh : kwh) * 10.0 + 0.5;
	tenths = (uint64_t)t;
	money_digits(tenths, 1, num, sizeof(num));
	snprintf(buf, n, "%s%s kWh", kwh < 0 && tenths ? "-" : "", num);
	return buf;
}

char *count_format(int64_t v, char *buf, size_t n)
{
	char num[32];
	uint64_t mag = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
	if (!buf || n == 0)
		return buf;
	money_digits(mag, 0, num, sizeof(num));
	snprintf(buf, n, "%s%s", v < 0 ? "-" : "", num);
	return buf;
}
