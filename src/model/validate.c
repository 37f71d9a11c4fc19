/*
 * validate.c — the checks a form runs before it sends anything.
 *
 * The messages are short and name the rule, not the input, because the form
 * shows them next to the field the user is looking at.
 */
#include "chargetui/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chargetui/money.h"
#include "chargetui/sanitize.h"

const char *const val_driver_status[] = {"active", "suspended", "archived", NULL};
const char *const val_fleet_status[] = {"active", "suspended", "archived", NULL};
const char *const val_charging_speed[] = {"slow", "standard", "fast", "ultra_fast", NULL};
const char *const val_billing_cycle[] = {"weekly", "monthly", "quarterly", NULL};
const char *const val_report_frequency[] = {"daily", "weekly", "monthly", NULL};
const char *const val_metric_system[] = {"international_system", "us_customary_system",
                                         "imperial_system", NULL};

/* Active ISO 4217 currencies a price can be set in, as of 2025: fund codes
 * (bov, clf, usn …), precious metals, SDR and the test codes are left out
 * because no charge point bills in them; withdrawn codes (hrk, cuc, sll, zwl)
 * too.  ang stays beside its successor xcg during the changeover.  Sorted,
 * for bsearch. */
const char *const val_currencies[] = {
    "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd", "bdt",
    "bgn", "bhd", "bif", "bmd", "bnd", "bob", "brl", "bsd", "btn", "bwp", "byn", "bzd", "cad",
    "cdf", "chf", "clp", "cny", "cop", "crc", "cup", "cve", "czk", "djf", "dkk", "dop", "dzd",
    "egp", "ern", "etb", "eur", "fjd", "fkp", "gbp", "gel", "ghs", "gip", "gmd", "gnf", "gtq",
    "gyd", "hkd", "hnl", "htg", "huf", "idr", "ils", "inr", "iqd", "irr", "isk", "jmd", "jod",
    "jpy", "kes", "kgs", "khr", "kmf", "kpw", "krw", "kwd", "kyd", "kzt", "lak", "lbp", "lkr",
    "lrd", "lsl", "lyd", "mad", "mdl", "mga", "mkd", "mmk", "mnt", "mop", "mru", "mur", "mvr",
    "mwk", "mxn", "myr", "mzn", "nad", "ngn", "nio", "nok", "npr", "nzd", "omr", "pab", "pen",
    "pgk", "php", "pkr", "pln", "pyg", "qar", "ron", "rsd", "rub", "rwf", "sar", "sbd", "scr",
    "sdg", "sek", "sgd", "shp", "sle", "sos", "srd", "ssp", "stn", "svc", "syp", "szl", "thb",
    "tjs", "tmt", "tnd", "top", "try", "ttd", "twd", "tzs", "uah", "ugx", "usd", "uyu", "uzs",
    "ves", "vnd", "vuv", "wst", "xaf", "xcd", "xcg", "xof", "xpf", "yer", "zar", "zmw", "zwg",
    NULL,
};

static const char MSG_CONTROL[] = "control or invisible characters are not allowed";
static const char MSG_TOO_LONG[] = "too long";

size_t val_utf8_chars(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xC0) != 0x80)
			n++;
	return n;
}

const char *val_text(const char *s)
{
	if (!s)
		return NULL;
	size_t len = strlen(s);
	if (len > VAL_TEXT_MAX)
		return MSG_TOO_LONG;
	if (!san_input_ok(s, len))
		return MSG_CONTROL;
	return NULL;
}

static bool val_blank(const char *s)
{
	if (!s)
		return true;
	for (; *s; s++)
		if (*s != ' ')
			return false;
	return true;
}

const char *val_required(const char *s)
{
	if (val_blank(s))
		return "required";
	return val_text(s);
}

static bool val_email_char_ok(unsigned char c)
{
	/* Spaces and ASCII controls are never part of an address; non-ASCII is
	 * allowed (internationalised addresses) once san_input_ok passed. */
	return c > ' ' && c != 0x7f && c != '<' && c != '>' && c != ',' && c != ';';
}

const char *val_email(const char *s)
{
	const char *bad = val_text(s);
	if (bad || !s || !*s)
		return bad;
	if (strlen(s) > VAL_EMAIL_MAX)
		return MSG_TOO_LONG;
	const char *at = strchr(s, '@');
	if (!at || strchr(at + 1, '@'))
		return "not an email address (one @ needed)";
	for (const char *p = s; *p; p++)
		if (!val_email_char_ok((unsigned char)*p))
			return "not an email address (no spaces)";
	const char *dom = at + 1;
	const char *dot = strchr(dom, '.');
	if (at == s || !*dom || !dot || dot == dom || dom[strlen(dom) - 1] == '.')
		return "not an email address";
	if (strstr(dom, ".."))
		return "not an email address";
	return NULL;
}

const char *val_phone(const char *s)
{
	const char *bad = val_text(s);
	if (bad || !s || !*s)
		return bad;
	static const char msg[] = "phone must be E.164: + and 8 to 15 digits";
	if (s[0] != '+' || s[1] < '1' || s[1] > '9')
		return msg;
	size_t n = 0;
	for (const char *p = s + 1; *p; p++, n++)
		if (*p < '0' || *p > '9')
			return msg;
	if (n < 8 || n > 15)
		return msg;
	return NULL;
}

static int val_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool val_currency_known(const char *code)
{
	if (!code)
		return false;
	size_t n = sizeof(val_currencies) / sizeof(val_currencies[0]) - 1;
	return bsearch(&code, val_currencies, n, sizeof(val_currencies[0]), val_cmp_str) != NULL;
}

const char *val_currency(const char *s)
{
	if (!s || !*s)
		return NULL;
	if (strlen(s) != 3)
		return "currency is three letters (eur, usd)";
	for (int i = 0; i < 3; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return "currency is three lowercase letters (eur, usd)";
	if (!val_currency_known(s))
		return "not an active ISO 4217 currency";
	return NULL;
}

bool val_in_set(const char *s, const char *const *allowed)
{
	for (; s && *allowed; allowed++)
		if (strcmp(s, *allowed) == 0)
			return true;
	return false;
}

const char *val_enum(const char *s, const char *const *allowed)
{
	if (!s || !*s)
		return NULL;
	if (!val_in_set(s, allowed))
		return "not one of the allowed values";
	return NULL;
}

/* A zone name component: letters, digits, '_', '-', '+', starting with a
 * letter ("GMT+5" has a '+'; "Port-au-Prince" has '-').  No "." at all, so
 * no component can walk out of the zoneinfo directory. */
static bool val_tz_component_ok(const char *p, size_t n)
{
	if (n == 0 || n > 30)
		return false;
	if (!((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		          (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '+';
		if (!ok)
			return false;
	}
	return true;
}

const char *val_timezone(const char *s, const char *zoneinfo_dir)
{
	static const char msg[] = "not an IANA time zone (Europe/Paris)";
	if (!s || !*s)
		return NULL;
	if (strlen(s) > 64)
		return msg;
	for (const char *p = s;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (!val_tz_component_ok(p, n))
			return msg;
		if (!slash)
			break;
		p = slash + 1;
	}
	const char *dir = zoneinfo_dir ? zoneinfo_dir : "/usr/share/zoneinfo";
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return NULL; /* no database here: the shape is all we can check */
	char path[256];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, s) >= sizeof path)
		return msg;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return "unknown time zone";
	return NULL;
}

const char *val_money(const char *text, const char *currency, int64_t *minor)
{
	const char *bad = val_text(text);
	if (bad || !text || val_blank(text))
		return bad;
	if (strchr(text, '-'))
		return "must not be negative";
	int64_t v;
	if (money_parse(text, currency, false, &v) != 0)
		return "not an amount in this currency";
	if (v < 0)
		return "must not be negative";
	if (minor)
		*minor = v;
	return NULL;
}

const char *val_meta_key(const char *key)
{
	if (!key || !*key)
		return "metadata key is empty";
	const char *bad = val_text(key);
	if (bad)
		return bad;
	if (val_utf8_chars(key) > VAL_META_KEY_MAX)
		return "metadata key over 40 characters";
	return NULL;
}

const char *val_meta_value(const char *value)
{
	const char *bad = val_text(value);
	if (bad)
		return bad;
	if (value && val_utf8_chars(value) > VAL_META_VALUE_MAX)
		return "metadata value over 500 characters";
	return NULL;
}

const char *val_meta_count(size_t nkeys)
{
	return nkeys > VAL_META_MAX_KEYS ? "more than 50 metadata keys" : NULL;
}

const char *val_id(const char *s, const char *prefix)
{
	if (!s || !*s)
		return NULL;
	size_t pl = strlen(prefix);
	if (strncmp(s, prefix, pl) != 0)
		return "wrong kind of id";
	size_t n = 0;
	for (const char *p = s + pl; *p; p++, n++) {
		char c = *p;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			return "id has characters an id cannot have";
	}
	if (n == 0 || n > 64)
		return "id has the wrong length";
	return NULL;
}

const char *val_payment_method(const char *s)
{
	const char *bad = val_id(s, "pm_");
	return bad ? "not a payment method id (pm_…)" : NULL;
}

const char *val_station_id(const char *s)
{
	const char *bad = val_id(s, "chst_");
	return bad ? "not a charging station id (chst_…)" : NULL;
}

const char *val_fleet_id(const char *s)
{
	const char *bad = val_id(s, "flt_");
	return bad ? "not a fleet id (flt_…)" : NULL;
}

const char *val_cpo_id(const char *s)
{
	if (!s || !*s)
		return NULL;
	size_t n = 0;
	for (const char *p = s; *p; p++, n++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return "operator id is lowercase letters, digits, _ and -";
	}
	return n > 64 ? MSG_TOO_LONG : NULL;
}

const char *val_country(const char *s)
{
	if (!s || !*s)
		return NULL;
	if (strlen(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z')
		return "country is two capital letters (FR)";
	return NULL;
}
