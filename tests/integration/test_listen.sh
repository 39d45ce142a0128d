#!/usr/bin/env bash
# The same binary in its other modes: listening on TCP by itself behind
# nginx (loopback only), and answering one request as plain CGI.
. "${top_srcdir:-.}/tests/integration/lib.sh"
it_require
it_setup

# ---- --listen HOST:PORT ----
port=$(it_free_port)
it_start_listener tcp "127.0.0.1:$port"
tcp=$IT_LAST_PID
t_run "--listen 127.0.0.1:PORT listens" it_wait_port "$port"
it_start_nginx "127.0.0.1:$port"
t_is "$(it_curl "$IT_URL/hello/tcp")" "Hello, tcp!" "a request over TCP FastCGI"
t_is "$(it_curl -d 'name=a&msg=b' "$IT_URL/form")" "$(printf 'name=a\nmsg=b')" "a form over TCP FastCGI"
t_run "the TCP worker is alive" it_alive "$tcp"

port2=$(it_free_port)
timeout 5 "$IT_APP" --listen "0.0.0.0:$port2" </dev/null >/dev/null 2>"$IT_DIR/public.stderr"
rc=$?
t_like "$rc" '^[1-9][0-9]*$' "--listen on 0.0.0.0 without --public is refused"
t_run "and the refusal is not a timeout" test "$rc" -ne 124
t_like "$(cat "$IT_DIR/public.stderr")" 'level=error' "the refusal is logged as an error"

# ---- CGI: one request, stdin not a socket ----
# cgi METHOD URI [BODY [CONTENT-TYPE]]: run the app as a CGI program;
# its output, CRs removed, goes to $out; returns the app's exit status.
cgi() {
	local path=${2%%\?*} query=""
	[ "$path" != "$2" ] && query=${2#*\?}
	printf '%s' "${3:-}" >"$IT_DIR/cgi.in"
	env -i PATH="$PATH" GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 \
	    SERVER_SOFTWARE=test SERVER_NAME=localhost SERVER_PORT=80 \
	    REMOTE_ADDR=127.0.0.1 REQUEST_METHOD="$1" REQUEST_URI="$2" \
	    DOCUMENT_URI="$path" SCRIPT_NAME="$path" PATH_INFO="" \
	    QUERY_STRING="$query" CONTENT_LENGTH="${3:+${#3}}" \
	    CONTENT_TYPE="${4:-}" HTTP_ACCEPT="text/html" \
	    timeout 10 "$IT_APP" <"$IT_DIR/cgi.in" >"$IT_DIR/cgi.out" \
	    2>"$IT_DIR/cgi.stderr"
	local rc=$?
	out=$(tr -d '\r' <"$IT_DIR/cgi.out")
	return $rc
}
body() { printf '%s' "$out" | sed '1,/^$/d'; }

cgi GET /hello/cgi
t_is "$?" 0 "CGI: the program exits 0"
t_like "$(printf '%s' "$out" | head -n 1)" '^Status: 200' "CGI: Status 200 first"
t_like "$out" '^Content-Type: text/plain' "CGI: Content-Type header"
t_is "$(body)" "Hello, cgi!" "CGI: the body after a blank line"
cgi HEAD /hello/cgi
t_is "$(body)" "" "CGI: HEAD has headers only"
t_like "$out" '^Content-Length: 12$' "CGI: HEAD gives GET's Content-Length"
cgi POST /form 'name=c+g&msg=i' application/x-www-form-urlencoded
t_is "$(body)" "$(printf 'name=c g\nmsg=i')" "CGI: a form post read from stdin"
cgi GET '/query?q=x%20y'
t_is "$(body)" "q=x y" "CGI: the query string"
cgi GET /nope
t_like "$(printf '%s' "$out" | head -n 1)" '^Status: 404' "CGI: 404 for an unknown path"
cgi GET '/sse?n=2'
t_like "$out" '^X-Accel-Buffering: no' "CGI: a stream says X-Accel-Buffering: no"
t_like "$out" '^Content-Type: text/event-stream' "CGI: a stream is text/event-stream"
t_is "$(body)" "$(printf 'event: datastar-patch-signals\nid: 1\ndata: signals {"count":1}\n\nevent: datastar-patch-signals\nid: 2\ndata: signals {"count":2}')" \
    "CGI: the stream's events"
it_done
