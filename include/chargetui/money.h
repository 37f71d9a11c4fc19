/*
 * money.h — amounts in a currency's minor units, as int64_t end to end.
 * Never a C int, never a double (contract: "never through a C int or a
 * double").  Formatting is locale-independent (LC_NUMERIC stays "C").
 */
#ifndef CHARGETUI_MONEY_H
#define CHARGETUI_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Digits after the decimal point for an ISO 4217 code, case-insensitive:
 * 2 for most, 0 for jpy krw clp isk vnd xaf xof …, 3 for bhd jod kwd omr tnd.
 * Unknown codes: 2. */
int money_exponent(const char *currency);

/* "€18.75", "$1,234.56", "£0.05", "¥1,875", "-€3.00", "CHF 12.50", and for an
 * unknown or missing code "18.75 XYZ" / "18.75".  Writes at most n bytes
 * including the NUL (UTF-8); returns buf. */
char *money_format(int64_t minor, const char *currency, char *buf, size_t n);

/* Parse what a user typed in money units ("18.75", "18,75", "1 234.5", "€18")
 * into minor units for the currency.  Refuses more decimals than the currency
 * has, signs unless allow_negative, overflow.  0 on success, -1 otherwise. */
int money_parse(const char *text, const char *currency, bool allow_negative, int64_t *out);

/* Energy "4,825.4 kWh" (one decimal, thousands separators). */
char *energy_format(double kwh, char *buf, size_t n);

/* A count with thousands separators: "12,345", "-7".  Returns buf. */
char *count_format(int64_t v, char *buf, size_t n);

#endif
