#!/usr/bin/env bash
# Requests and responses through nginx and two spawn-fcgi workers: pages,
# parameters, forms, uploads, JSON, limits, malformed input, routing rules.
. "${top_srcdir:-.}/tests/integration/lib.sh"
it_require
it_setup
it_start_workers 2
it_start_nginx

H=$IT_DIR/headers
B=$IT_DIR/body

# get ARGS...: run curl, headers to $H, body to $B; print the status.
get() { curl -s --max-time 20 -D "$H" -o "$B" -w '%{http_code}' "$@"; }

# ---- a page ----
t_is "$(get "$IT_URL/")" 200 "GET / answers 200"
t_like "$(it_header "$H" Content-Type)" '^text/html' "GET / is HTML"
t_is "$(cat "$B")" "$(printf '<!doctype html>\n<html><head><title>Nitro test</title></head>\n<body><h1>Nitro integration app</h1></body></html>')" \
    "GET / body is the page, byte for byte"
t_is "$(it_header "$H" Content-Length)" "$(wc -c <"$B" | tr -d ' ')" \
    "a buffered body carries its Content-Length"

# ---- path and query parameters ----
t_is "$(it_curl "$IT_URL/hello/world")" "Hello, world!" "path parameter"
t_is "$(it_curl "$IT_URL/hello/J%C3%B6rg%20X")" "Hello, Jörg X!" \
    "path parameter is percent-decoded"
t_is "$(it_curl "$IT_URL/query?q=a%20b+c&x=1")" "q=a b c" \
    "query parameter decoded, + is a space"
t_is "$(it_curl "$IT_URL/query?x=1")" "q=(absent)" "absent query parameter"
t_is "$(get "$IT_URL/query?q=%zz")" 400 "bad percent-encoding in the query: 400"
t_like "$(cat "$B")" '[Pp]ercent|encod' "the 400 says what is wrong"

# ---- urlencoded form ----
t_is "$(it_curl -d 'name=Ada+Lovelace&msg=hi%21%0A2' "$IT_URL/form")" \
    "$(printf 'name=Ada Lovelace\nmsg=hi!\n2')" "urlencoded form fields"
t_is "$(it_curl -d 'msg=only' "$IT_URL/form")" "$(printf 'name=(absent)\nmsg=only')" \
    "absent form field"
t_is "$(get -d 'name=%G1' "$IT_URL/form")" 400 "bad percent-encoding in a form: 400"
t_like "$(cat "$B")" '[Pp]ercent|encod' "the form 400 says what is wrong"

# ---- multipart upload ----
head -c 200000 /dev/urandom >"$IT_DIR/up.bin"
read -r sum size _ < <(cksum <"$IT_DIR/up.bin")
t_is "$(get -F title=report -F "file=@$IT_DIR/up.bin;type=application/octet-stream" \
    "$IT_URL/upload")" 200 "multipart upload: 200"
t_is "$(cat "$B")" "$(printf 'title=report\nfilename=up.bin\ntype=application/octet-stream\nsize=%s\ncksum=%s' "$size" "$sum")" \
    "upload: field, file name, type, size and checksum"
printf 'hello\r\n--not the boundary\r\n' >"$IT_DIR/tricky.txt"
read -r sum size _ < <(cksum <"$IT_DIR/tricky.txt")
t_is "$(it_curl -F "file=@$IT_DIR/tricky.txt;type=text/plain" "$IT_URL/upload")" \
    "$(printf 'title=(absent)\nfilename=tricky.txt\ntype=text/plain\nsize=%s\ncksum=%s' "$size" "$sum")" \
    "a file holding CRLF and dashes arrives intact"
t_is "$(it_curl -F title=x "$IT_URL/upload" -o /dev/null -w '%{http_code}')" 400 \
    "multipart without the file part: the handler's 400"
t_is "$(get -H 'Content-Type: multipart/form-data; boundary=XYZ' \
    --data-binary $'--ABC\r\nContent-Disposition: form-data; name="file"\r\n\r\nx\r\n--ABC--\r\n' \
    "$IT_URL/upload")" 400 "broken multipart (wrong boundary): 400"
t_like "$(cat "$B")" '[Mm]ultipart|boundary' "the multipart 400 says what is wrong"
t_is "$(get -H 'Content-Type: multipart/form-data' --data-binary 'x' "$IT_URL/upload")" \
    400 "multipart without a boundary parameter: 400"
t_is "$(get -H 'Content-Type: multipart/form-data; boundary=XYZ' \
    --data-binary $'--XYZ\r\nContent-Disposition: form-data; name="file"\r\n\r\nunterminated' \
    "$IT_URL/upload")" 400 "multipart without its closing boundary: 400"

# ---- JSON ----
t_is "$(it_curl -H 'Content-Type: application/json' -d '{"name":"Ada","n":[1,2]}' "$IT_URL/json")" \
    '{"echo":"Ada"}' "JSON body field echoed"
t_is "$(it_curl -H 'Content-Type: application/json' -d '{"name":{"a":[true,null]}}' "$IT_URL/json")" \
    '{"echo":{"a":[true,null]}}' "nested JSON value echoed"
t_is "$(get -H 'Content-Type: application/json' -d '{"name":' "$IT_URL/json")" 400 \
    "invalid JSON: 400"
t_like "$(cat "$B")" 'JSON' "the JSON 400 says what is wrong"
deep=$(printf '%0.s[' $(seq 100))$(printf '%0.s]' $(seq 100))
t_is "$(get -H 'Content-Type: application/json' -d "{\"name\":$deep}" "$IT_URL/json")" \
    400 "JSON nested deeper than the limit: 400"
t_like "$(get -H 'Content-Type: text/plain' -d '{"name":"x"}' "$IT_URL/json")" '^415$' \
    "JSON accessor on a text/plain body: 415"

# ---- Datastar signals ----
t_is "$(it_curl -H 'Datastar-Request: true' "$IT_URL/signals?datastar=%7B%22a%22%3A1%7D")" \
    '{"datastar":1,"signals":{"a":1}}' "GET signals from the datastar query parameter"
t_is "$(it_curl -H 'Datastar-Request: true' -H 'Content-Type: application/json' \
    -d '{"b":"x"}' "$IT_URL/signals")" '{"datastar":1,"signals":{"b":"x"}}' \
    "POST signals from the JSON body"
t_is "$(it_curl "$IT_URL/signals")" '{"datastar":0,"signals":null}' "no signals"

# ---- limits ----
head -c 1572864 /dev/zero | tr '\0' 'a' | sed 's/^/name=/' >"$IT_DIR/big.txt"
t_is "$(get --data-binary "@$IT_DIR/big.txt" "$IT_URL/form")" 413 \
    "a 1.5 MiB body over the 1 MiB limit: 413 from the app"
t_like "$(cat "$B")" 'body' "the 413 names the body limit"
t_like "$(cat "$B")" '1048576|1 ?MiB|1024 ?KiB' "the 413 gives the limit's size"
long=$(head -c 70000 /dev/zero | tr '\0' 'v')
t_is "$(get -d "name=$long" "$IT_URL/form")" 413 "a form value over 64 KiB: 413"

# ---- errors and routing ----
t_is "$(get "$IT_URL/nope")" 404 "unknown path: 404"
t_like "$(it_header "$H" Content-Type)" '^text/html' "404 page is HTML by default"
t_is "$(get -H 'Accept: application/json' "$IT_URL/nope")" 404 "404 asked as JSON"
t_like "$(it_header "$H" Content-Type)" '^application/json' "404 is JSON when the client asks for JSON"
t_is "$(get -X PUT "$IT_URL/hello/x")" 405 "PUT on a GET/DELETE route: 405"
t_like "$(it_header "$H" Allow)" 'GET' "405 carries Allow with GET"
t_like "$(it_header "$H" Allow)" 'DELETE' "405 Allow lists DELETE too"
t_is "$(get -I "$IT_URL/hello/x")" 200 "HEAD on a GET route: 200"
t_is "$(curl -s -I --max-time 20 -o /dev/null -w '%{size_download}' "$IT_URL/hello/x")" 0 \
    "HEAD has no body"
t_is "$(it_header "$H" Content-Length)" 10 "HEAD gives GET's Content-Length"
code=$(get -X OPTIONS "$IT_URL/hello/x")
t_like "$code" '^20[04]$' "OPTIONS: 200 or 204"
t_like "$(it_header "$H" Allow)" 'GET.*|DELETE' "OPTIONS lists the methods in Allow"
code=$(get "$IT_URL/hello/x/")
t_like "$code" '^30[178]$' "trailing slash on a route without one: redirect"
t_is "$(it_header "$H" Location)" "/hello/x" "the redirect drops the trailing slash"
t_is "$(get "$IT_URL/error")" 409 "handler error page with its status"
t_like "$(cat "$B")" 'conflict for the test' "the error page holds the message"
t_is "$(get -H 'Accept: application/json' "$IT_URL/error")" 409 "JSON error page status"
t_like "$(cat "$B")" '"conflict for the test"' "the JSON error holds the message"
t_is "$(get "$IT_URL/fail")" 500 "a handler returning an error: 500"
t_is "$(get "$IT_URL/redirect")" 303 "redirect status"
t_is "$(it_header "$H" Location)" "/hello/redirected" "redirect Location"

# ---- response headers ----
t_is "$(get "$IT_URL/cookie")" 200 "cookie route"
sc=$(it_header "$H" Set-Cookie)
t_like "$sc" '^sid=abc123(;|$)' "Set-Cookie name and value"
t_like "$sc" 'Max-Age=60' "cookie Max-Age"
t_like "$sc" '; ?Secure' "cookie Secure"
t_like "$sc" '; ?HttpOnly' "cookie HttpOnly"
t_like "$sc" 'SameSite=Lax' "cookie SameSite"
t_is "$(get "$IT_URL/inject")" 200 "header injection route"
t_is "$(cat "$B")" "refused" "CR LF in a header value is refused"
t_is "$(it_header "$H" X-Injected)" "" "and nothing was injected"

# ---- the workers are all still here ----
alive=0
for p in "${IT_WORKERS[@]}"; do it_alive "$p" && alive=$((alive + 1)); done
t_is "$alive" 2 "both workers survived every request"
it_done
