#!/bin/sh
# Build and run the libFuzzer targets in tests/fuzz/ for a bounded time
# (TST-1).  Not part of ctest.  Usage: scripts/fuzz.sh [seconds-per-target]
# Seeds: tests/fixtures/*.json plus the SAN-*/JSN-* payloads written below.
set -eu
SECS=${1:-60}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${FUZZ_OUT:-/tmp/chargetui-fuzz}
mkdir -p "$OUT/corpus_decode" "$OUT/corpus_sanitize"
CFLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I$ROOT/include"
MODEL="$ROOT/src/model/model.c $ROOT/src/model/diff.c $ROOT/src/model/error.c \
       $ROOT/src/model/sanitize.c $ROOT/src/model/wcwidth_table.c $ROOT/src/model/timefmt.c \
       $ROOT/src/model/money.c"
clang $CFLAGS -o "$OUT/fuzz_decode" "$ROOT/tests/fuzz/fuzz_decode.c" "$ROOT/src/api/json.c" \
	$MODEL $(pkg-config --cflags --libs libcjson) -lm -lpthread
clang $CFLAGS -o "$OUT/fuzz_sanitize" "$ROOT/tests/fuzz/fuzz_sanitize.c" \
	"$ROOT/src/model/sanitize.c" "$ROOT/src/model/wcwidth_table.c"
cp "$ROOT"/tests/fixtures/*.json "$OUT/corpus_decode/"
printf '{"name":"A\\u001b[2J\\u001b]0;pwned\\u0007B","wallet_balance":1e400}' >"$OUT/corpus_decode/san1"
printf '{"data":[{"id":"drv_1","metadata":{"a":"1","a":"2"}}],"next_page_url":null}' >"$OUT/corpus_decode/page"
printf '{"error":{"code":"x","message":"m\\u0000n"}}' >"$OUT/corpus_decode/err"
printf '\x3fA\x1b[2J\xc2\x9b\xe2\x80\xae\xff\xc0\xaf\xed\xa0\x80a\xcc\x81\xcc\x81\xcc\x81\xe6\x97\xa5' >"$OUT/corpus_sanitize/mix"
"$OUT/fuzz_decode" -max_total_time="$SECS" -max_len=65536 "$OUT/corpus_decode"
"$OUT/fuzz_sanitize" -max_total_time="$SECS" "$OUT/corpus_sanitize"
