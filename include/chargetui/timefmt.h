/*
 * timefmt.h — timestamps.  The API writes RFC 3339 UTC with milliseconds;
 * older docs wrote integer UNIX seconds.  We keep int64 ms since the epoch.
 */
#ifndef CHARGETUI_TIMEFMT_H
#define CHARGETUI_TIMEFMT_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

/* "2026-04-01T00:13:30.836Z", "…:30Z", "…:30.8+02:00".  0 or -1. */
int ts_parse_rfc3339(const char *s, int64_t *ms_out);
/* "2026-04-01T00:13:30.836Z" (always UTC, always ms).  Needs n >= 25. */
char *ts_format_rfc3339(int64_t ms, char *buf, size_t n);
/* "2026-04-01 02:13" in IANA zone tz (NULL or invalid: UTC), thread-safe
 * (does not touch the process TZ): the zone is read from
 * /usr/share/zoneinfo/<tz> by our own TZif reader (POSIX rule footer for
 * instants past the last transition) and cached.  tz must start with a letter
 * and hold only [A-Za-z0-9/_+-], no "..".  Returns buf.  Both formatters clamp
 * to years 0000..9999. */
char *ts_format_local(int64_t ms, const char *tz, char *buf, size_t n);
/* "14:03:09" (or "14:03" without seconds) in the process's local time, or
 * "--:--:--" / "--:--" when ms <= 0: the status line's and the kiosk wall's
 * clocks.  Returns buf. */
char *ts_format_clock(int64_t ms, bool seconds, char *buf, size_t n);
/* Wall clock now, ms since epoch; monotonic seconds. */
int64_t ts_now_ms(void);
double ts_mono(void);

#endif
