#!/usr/bin/env bash
# Input that must never be served as something else (issue 14), through
# nginx and two spawn-fcgi workers: JSON strings that a NUL would cut and
# raw control bytes in them, malformed cookies, error bodies that echo
# what the client sent, and access log lines for huge requests.
. "${top_srcdir:-.}/tests/integration/lib.sh"
it_require
it_setup
it_start_workers 2
it_start_nginx

H=$IT_DIR/headers
B=$IT_DIR/body

# get ARGS...: run curl, headers to $H, body to $B; print the status.
get() { curl -s --max-time 20 -D "$H" -o "$B" -w '%{http_code}' "$@"; }
json() { get -H 'Content-Type: application/json' --data-binary "$1" "$IT_URL/json"; }

# ---- JSON strings ----
t_is "$(json '{"name":"u0000\u0000hidden"}')" 400 "JSON \\u0000 in a value: 400, not cut to u0000"
t_like "$(cat "$B")" 'u0000 in a string' "the 400 names \\u0000"
t_is "$(json '{"name\u0000x":"v","name":"w"}')" 400 "JSON \\u0000 in a key: 400"
t_is "$(json $'{"name":"a\tb"}')" 400 "raw tab inside a JSON string: 400"
t_like "$(cat "$B")" 'control byte' "the 400 names the control byte"
t_is "$(json $'{"name":"a\x01b"}')" 400 "raw 0x01 inside a JSON string: 400"
t_is "$(it_curl -H 'Content-Type: application/json' --data-binary $'{\n\t"name": "a\\tb\\u0001"\n}' \
    "$IT_URL/json")" '{"echo":"a\tb\u0001"}' "escaped control characters and white space between tokens pass"
t_is "$(get -H 'Datastar-Request: true' "$IT_URL/signals?datastar=%7B%22a%22%3A%22x%5Cu0000y%22%7D")" \
    400 "Datastar signals with \\u0000 in the query: 400"

# ---- cookies ----
t_is "$(get -H 'Cookie: sid=abc' "$IT_URL/cookie")" 200 "a good cookie"
t_is "$(cat "$B")" "sid=abc" "is read"
t_is "$(get -H 'Cookie: other; sid=abc' "$IT_URL/cookie")" 400 "a cookie without '=': 400"
t_like "$(cat "$B")" "without &#x27;=&#x27;|without '='" "the 400 says what is wrong"
t_is "$(get -H $'Cookie: sid=a\x7fb' "$IT_URL/cookie")" 400 "a cookie with 0x7f: 400, not absent"
t_like "$(cat "$B")" 'control byte' "the 400 names the control byte"
t_is "$(get -H 'Cookie: =abc' "$IT_URL/cookie")" 400 "a cookie without a name: 400"
t_is "$(get -H 'Cookie: sid=abc;; ' "$IT_URL/cookie")" 200 "empty pieces are nothing"

# ---- the workers are all still here ----
alive=0
for p in "${IT_WORKERS[@]}"; do it_alive "$p" && alive=$((alive + 1)); done
t_is "$alive" 2 "both workers survived every request"
it_done
