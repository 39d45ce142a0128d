#!/usr/bin/env bash
# Middleware through nginx and a spawn-fcgi worker: a guard on /admin that
# no spelling of the path gets past (curl --path-as-is sends it raw; nginx
# passes $request_uri as sent, or refuses it), an application-wide
# after-function on every answer, and a live stream's after-function that
# runs once, before the hub has the stream.
. "${top_srcdir:-.}/tests/integration/lib.sh"
it_require
it_setup
it_start_workers 1
it_start_nginx

H=$IT_DIR/headers
B=$IT_DIR/body
get() { curl -s --path-as-is --max-time 20 -D "$H" -o "$B" -w '%{http_code}' "$@"; }

# Guarded: the guard answers whatever the router would have.
for p in /admin /admin/ /admin/users /admin/users/ /admin/nothing /admin//users \
    '/admin/users?x=1' /%61dmin/users /%61%64%6d%69%6e; do
	t_is "$(get "$IT_URL$p")" 401 "GET $p: the guard answers 401"
	t_like "$(cat "$B")" 'Sign in first' "GET $p: with the guard's page"
done
for m in POST DELETE OPTIONS HEAD; do
	t_is "$(get -X "$m" "$IT_URL/admin/users")" 401 "$m /admin/users: 401 too"
done
# Not /admin to the router, so not to the guard either: nothing under
# /admin answers (nginx may refuse some spellings with 400 first).
for p in /Admin/users //admin/users /./admin/users /x/../admin/users \
    /admin%2Fusers /admin%2F.. '/admin;x/users' /%2561dmin/users; do
	s=$(get "$IT_URL$p")
	t_like "$s" '^(400|404)$' "GET $p: $s, not an admin page"
	t_is "$(grep -c 'admin page' "$B")" 0 "GET $p: no admin handler ran"
done
t_is "$(get "$IT_URL/administrator")" 200 "/administrator is not under /admin"

# With the cookie the handler runs and reads what the guard set.
t_is "$(it_curl -b admin=yes "$IT_URL/admin/users")" "admin page /admin/users for admin" \
    "signed in: the handler reads the guard's value"
t_is "$(it_curl -b admin=yes --path-as-is "$IT_URL/%61dmin/users")" \
    "admin page /%61dmin/users for admin" "signed in: the encoded spelling routes the same"

# The application-wide after-function's header is on every answer.
for p in / /admin /nothing-here /fail /error; do
	get "$IT_URL$p" >/dev/null
	t_is "$(it_header "$H" X-Mw)" after "GET $p: the after-function's header"
done
t_is "$(get -X PUT "$IT_URL/hello/x")" 405 "405"
t_is "$(it_header "$H" X-Mw)" after "405: the after-function's header"

# A live stream: its after-function ran before the hub took it (its
# header is in the stream's head), once, and not again when it ends.
t_is "$(it_curl "$IT_URL/mw/count")" 0 "no after-call yet"
curl -s --max-time 2 -D "$H" -o /dev/null "$IT_URL/live"
t_is "$(it_header "$H" X-Live-After)" 1 "the live stream's head carries the after-function's header"
t_like "$(it_header "$H" Content-Type)" '^text/event-stream' "and it is the stream"
for _ in $(seq 50); do
	[ "$(it_curl "$IT_URL/hub")" = "streams=0 parked=1" ] && break
	sleep 0.1
done
t_is "$(it_curl "$IT_URL/hub")" "streams=0 parked=1" "the hub dropped the stream"
t_is "$(it_curl "$IT_URL/mw/count")" 1 "the after-function ran once in all"

# ---- request ids ----
# nginx passes its $request_id (deploy/nginx): 32 hex digits, in the
# response header and in the worker's access log line, whatever the
# client sent; on pages, 404s, 413s, the cross-site 403, stream heads.
ids=()
check_id() {
	local what=$1 id
	id=$(it_header "$H" X-Request-Id)
	t_like "$id" '^[0-9a-f]{32}$' "$what: X-Request-Id is nginx's id"
	ids+=("$id")
}
get "$IT_URL/" >/dev/null; check_id "a page"
get "$IT_URL/nothing" >/dev/null; check_id "a 404"
head -c 1100000 /dev/zero | tr '\0' a >"$IT_DIR/big"
t_is "$(get -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @"$IT_DIR/big" \
    "$IT_URL/form")" 413 "a body over the app's limit: 413"
check_id "the 413"
t_is "$(get -X POST -H 'Origin: https://evil.example' "$IT_URL/form")" 403 "a cross-site POST: 403"
check_id "the 403"
t_is "$(get -H 'X-Request-Id: client-chosen' "$IT_URL/")" 200 "a client's own id"
check_id "a client's X-Request-Id is replaced by nginx's"
curl -s --max-time 2 -D "$H" -o /dev/null "$IT_URL/sse" >/dev/null
check_id "a stream's head"
t_is "$(printf '%s\n' "${ids[@]}" | sort -u | wc -l)" "${#ids[@]}" "every request its own id"
for id in "${ids[0]}" "${ids[2]}" "${ids[3]}"; do
	it_wait_grep "$IT_DIR/workers.stderr" "rid=$id" >/dev/null 2>&1
	t_is "$(grep -c "rid=$id" "$IT_DIR/workers.stderr")" 1 "the access log line has rid=$id"
done

it_done
