#!/bin/sh
# Source rules a compiler cannot enforce (reliability.md JSN-1, JSN-3, JSN-8,
# SEC-5, SAN-2).  Prints what it checked; exits non-zero on a violation.
set -u
cd "$(dirname "$0")/.."
fail=0
v=$(dpkg-query -W -f='${Version}' libcjson-dev 2>/dev/null || echo none)
echo "check-source: libcjson-dev $v"
if [ "$v" = none ] || dpkg --compare-versions "$v" lt "1.7.15-1+deb12u3"; then
	echo "check-source: libcjson-dev must be >= 1.7.15-1+deb12u3 (CVE-2023-53154)" >&2
	fail=1
elif dpkg --compare-versions "$v" lt "1.7.15-1+deb12u4"; then
	echo "check-source: warning: libcjson-dev below 1.7.15-1+deb12u4" >&2
fi
forbid() { # pattern, reason
	hits=$(grep -rnE "$1" src include --include='*.c' --include='*.h' | grep -v 'check-source: allow')
	if [ -n "$hits" ]; then
		echo "check-source: forbidden ($2):" >&2
		echo "$hits" >&2
		fail=1
	fi
}
forbid 'cJSON_GetErrorPtr' 'JSN-3'
forbid 'cJSON_Duplicate|cJSON_Compare|cJSON_Create[A-Za-z]*Reference|cJSON_Utils|cJSONUtils_' 'JSN-8'
forbid 'CURLOPT_VERBOSE' 'SEC-5'
forbid '\binit_(extended_)?color[[:space:]]*\(' 'SAN-2: themes use the existing palette'
forbid 'setlocale[[:space:]]*\([[:space:]]*LC_ALL' 'JSN-3: LC_CTYPE only'
n=$(grep -rn 'setlocale[[:space:]]*(' src --include='*.c' | wc -l)
if [ "$n" -gt 1 ]; then
	echo "check-source: setlocale called $n times; only once, in main (JSN-3)" >&2
	fail=1
fi
[ $fail -eq 0 ] && echo "check-source: ok"
exit $fail
