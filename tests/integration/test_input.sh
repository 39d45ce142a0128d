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

# ---- error bodies quote the request as valid, escaped text ----
# raw_http REQUEST: send REQUEST (printf %b escapes) to nginx as is and
# print the response body (curl would percent-encode the raw bytes).
raw_http() {
	timeout 10 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" && printf "%b" "$1" >&3 && cat <&3' \
	    "$IT_PORT" "$1" | tr -d '\r' | sed '1,/^$/d'
}
utf8_ok() { iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1; }
e60=$(printf '\\xc3\\xa9%.0s' $(seq 60))
raw_http "GET /$e60 HTTP/1.0\r\nHost: x\r\n\r\n" >"$B"
t_like "$(cat "$B")" 'no route for GET /(é){49}\.\.\.\.' "a 404 quoting 121 bytes of é cuts at a character, marked"
utf8_ok <"$B" && pass "and the page is valid UTF-8" || fail "and the page is valid UTF-8" "$(od -c "$B" | tail -5)"
raw_http "GET /a\xff\xc3b<i> HTTP/1.0\r\nHost: x\r\nAccept: application/json\r\n\r\n" >"$B"
if python3 -c 'import json,sys; m=json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))["error"]["message"]; sys.exit(0 if "/a\ufffd\ufffdb<i>" in m else 1)' "$B"
then pass "a JSON 404 with raw bytes in the path is valid JSON, bytes shown as U+FFFD"
else fail "a JSON 404 with raw bytes in the path is valid JSON, bytes shown as U+FFFD" "$(od -c "$B" | head -5)"
fi
raw_http "GET /a\xff\xc3b<i> HTTP/1.0\r\nHost: x\r\n\r\n" >"$B"
utf8_ok <"$B" && ! grep -q '<i>' "$B" && grep -q '/a��b&lt;i&gt;' "$B" &&
    pass "an HTML 404 with raw bytes is valid UTF-8 and escaped" ||
    fail "an HTML 404 with raw bytes is valid UTF-8 and escaped" "$(od -c "$B" | head -5)"

# ---- access log fields are bounded ----
# longest_log: the longest line the workers have logged so far.
longest_log() { awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$IT_DIR/workers.stderr"; }
long=$(head -c 7120 /dev/zero | tr '\0' 'p')
t_is "$(get "$IT_URL/$long")" 400 "a 7 KiB path is refused (over the 4 KiB limit)"
it_wait_grep "$IT_DIR/workers.stderr" 'path_bytes=7121' >/dev/null
t_like "$(grep -o 'path="/p*\.\.\." path_bytes=7121' "$IT_DIR/workers.stderr")" '^path="/p{511}\.\.\." path_bytes=7121$' \
    "its access log line has 512 bytes of the path, the cut marked, and its length"
# A 1 MB method nginx would never pass: FastCGI records laid out by
# fcgi_raw.py (not libfcgi) straight to a worker's socket.
python3 - "$IT_SRC/tests/integration" "$IT_DIR/w.sock" <<'PY' >"$B" 2>&1
import sys
sys.path.insert(0, sys.argv[1])
import fcgi_raw
s = fcgi_raw.connect(sys.argv[2], 10)
s.sendall(fcgi_raw.whole_request("M" * 1000000, "/"))
out, end = fcgi_raw.read_response(s)
print("status", out.split(b"\r\n")[0].decode("latin-1"))
PY
t_like "$(cat "$B")" '^status Status: [0-9]{3}' "a raw FastCGI request with a 1 MB method is answered"
it_wait_grep "$IT_DIR/workers.stderr" 'method_bytes=1000000' >/dev/null
t_like "$(grep -o 'method="M*\.\.\." method_bytes=1000000' "$IT_DIR/workers.stderr")" \
    '^method="M{32}\.\.\." method_bytes=1000000$' "its access log line has 32 bytes of the method, the cut marked"
t_like "$(longest_log)" '^[0-9]{1,3}$' "no access log line reaches 1,000 bytes"

# ---- the workers are all still here ----
alive=0
for p in "${IT_WORKERS[@]}"; do it_alive "$p" && alive=$((alive + 1)); done
t_is "$alive" 2 "both workers survived every request"
it_done
