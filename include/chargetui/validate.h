/*
 * validate.h — checks on what a user typed into a form, before anything is
 * sent.  Pure functions: no curses, no locale, no allocation.
 *
 * Every validator returns NULL when the value is acceptable, or a short
 * static message in plain words ("not an email address") that the form shows
 * at the field.  Unless a name says "required", an empty string is accepted:
 * it means "no value" (null) for an optional field.  Every validator of text
 * also refuses control characters, DEL, C1, bidi overrides and invisible
 * format characters (SAN-12, san_input_ok), so the console never writes such
 * bytes into the API.
 */
#ifndef CHARGETUI_VALIDATE_H
#define CHARGETUI_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VAL_EMAIL_MAX 254
#define VAL_META_MAX_KEYS 50
#define VAL_META_KEY_MAX 40    /* characters (code points), not bytes */
#define VAL_META_VALUE_MAX 500 /* characters (code points), not bytes */
#define VAL_TEXT_MAX 5000      /* any other free text, in bytes */

/* NULL-terminated value sets the console offers (contract.md). */
extern const char *const val_driver_status[];    /* active suspended archived */
extern const char *const val_fleet_status[];     /* active suspended archived */
extern const char *const val_charging_speed[];   /* slow standard fast ultra_fast */
extern const char *const val_billing_cycle[];    /* weekly monthly quarterly */
extern const char *const val_report_frequency[]; /* daily weekly monthly */
extern const char
    *const val_metric_system[]; /* international_system us_customary_system imperial_system */
/* Active ISO 4217 codes, lowercase, sorted. */
extern const char *const val_currencies[];

/* Any free text: valid UTF-8, no controls (SAN-12), at most VAL_TEXT_MAX. */
const char *val_text(const char *s);
/* Free text that must not be empty or only spaces. */
const char *val_required(const char *s);
/* One '@', non-empty local part, domain with a dot, no spaces, <= 254. */
const char *val_email(const char *s);
/* E.164: '+' then 8 to 15 digits, the first non-zero. */
const char *val_phone(const char *s);
/* Lowercase three letters from val_currencies. */
const char *val_currency(const char *s);
bool val_currency_known(const char *code);
/* One of a NULL-terminated set. */
const char *val_enum(const char *s, const char *const *allowed);
bool val_in_set(const char *s, const char *const *allowed);
/* IANA name shape ("Europe/Paris", "UTC", "America/Argentina/Buenos_Aires",
 * "Etc/GMT+5"), and, when zoneinfo_dir exists (NULL: /usr/share/zoneinfo),
 * that the zone file is there. */
const char *val_timezone(const char *s, const char *zoneinfo_dir);
/* Money typed in the currency's units ("18.75"), not negative; on success
 * *minor (may be NULL) receives minor units.  Empty is accepted (no value)
 * and leaves *minor untouched. */
const char *val_money(const char *text, const char *currency, int64_t *minor);
/* Metadata limits: key non-empty, <= 40 characters; value <= 500
 * characters; at most 50 keys in all. */
const char *val_meta_key(const char *key);
const char *val_meta_value(const char *value);
const char *val_meta_count(size_t nkeys);
/* API ids: "<prefix>" then 1..64 of [A-Za-z0-9] (NET-10 shape). */
const char *val_id(const char *s, const char *prefix);
const char *val_payment_method(const char *s); /* pm_… */
const char *val_station_id(const char *s);     /* chst_… */
const char *val_fleet_id(const char *s);       /* flt_… */
/* An operator id in preferred_cpos ("example_operator"): [a-z0-9_-], 1..64. */
const char *val_cpo_id(const char *s);
/* Country: ISO 3166-1 alpha-2 ("FR"). */
const char *val_country(const char *s);

/* Number of code points in valid UTF-8 s (bytes for invalid sequences). */
size_t val_utf8_chars(const char *s);

#endif
