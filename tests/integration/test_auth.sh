#!/usr/bin/env bash
# Accounts and sessions through nginx and two spawn-fcgi worker processes
# of tests/integration/auth_app sharing one SQLite store: signup, login,
# a session seen by the other worker and after a restart, logout, wrong
# passwords, idle and absolute timeouts, login throttling per account and
# per client address (429 with Retry-After), the guard's three answers
# (303, 401, a Datastar redirect), guard bypass attempts, and the cookie's
# attributes.  With AUTH_STORE=pg (test_auth_pg.sh) the store is a
# throwaway PostgreSQL instead of SQLite: the same checks, no other code.
. "${top_srcdir:-.}/tests/integration/lib.sh"
it_require
APP=$IT_BUILD/tests/integration/auth_app
it_setup

if [ "${AUTH_STORE:-}" = pg ]; then
	. "$IT_SRC/tests/pg_lib.sh"
	pg_start "$IT_DIR" || { echo "1..0 # SKIP $PG_WHY"; exit 0; }
	trap 'pg_stop; it_cleanup' EXIT
	export AUTH_DB=$PG_URL
	# store_value SQL: the first column of the first row.
	store_value() { pg_psql -tA -c "$1"; }
else
	export AUTH_DB=$IT_DIR/auth.db
	store_value() {
		python3 -c 'import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone(); print(r[0] if r else "")' \
		    "$AUTH_DB" "$1"
	}
fi
export AUTH_IDLE_MS=60000 AUTH_ABSOLUTE_MS=120000 AUTH_WINDOW_MS=60000
export AUTH_ACCOUNT_FAILURES=3 AUTH_ADDRESS_FAILURES=6
# Two workers on sockets of their own: nginx takes turns between them.
workers() {
	it_spawn "$IT_DIR/w0.sock" 1 "$APP"
	it_spawn "$IT_DIR/w1.sock" 1 "$APP"
}
workers
it_start_nginx "unix:$IT_DIR/w0.sock; server unix:$IT_DIR/w1.sock"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

H=$IT_DIR/h	# the headers of the last request (curl -D)

# req [CURL-ARGS...] PATH: the status; headers in $H, body in $IT_DIR/body.
req() {
	local path=${*: -1}
	curl -s --max-time 20 -D "$H" -o "$IT_DIR/body" -w '%{http_code}' \
	    "${@:1:$#-1}" "$IT_URL$path"
}
# form EMAIL PASSWORD: the body of a form post.
form() { printf 'email=%s&password=%s' "$1" "$2"; }
# The session id the last response set ("" when it set none).
set_cookie() { it_header "$H" Set-Cookie; }
sid() { set_cookie | sed -nE 's/^nitro_session=([^;]*).*/\1/p'; }
body() { cat "$IT_DIR/body"; }

# ---- signup ----
t_is "$(req -d "$(form ann%40example.com 'correct horse')" /signup)" 303 "signup answers 303"
t_is "$(it_header "$H" Location)" /account "to /account"
ann=$(sid)
t_like "$ann" '^[0-9a-f]{64}$' "and sets a session id of 256 bits as hex"
cookie=$(set_cookie)
t_like "$cookie" '; Path=/(;|$)' "the cookie has Path=/"
t_like "$cookie" '; HttpOnly(;|$)' "and HttpOnly"
t_like "$cookie" '; SameSite=Lax(;|$)' "and SameSite=Lax"
t_like "$cookie" '; Max-Age=120(;|$)' "and lives no longer than a session may"
t_is "$(grep -c Secure <<<"$cookie")" 0 "and no Secure unless configured"
t_is "$(req -d "$(form ANN%40Example.com 'another one')" /signup)" 409 \
    "signup with an existing address (other case) is refused: 409"
t_like "$(body)" 'an account with this address exists' "with a message saying so"
t_is "$(sid)" "" "and no session"
t_is "$(req -d "$(form not-an-address 'correct horse')" /signup)" 422 "a malformed address: 422"
t_is "$(req -d "$(form bob%40example.com short)" /signup)" 422 "a short password: 422"
t_like "$(body)" 'password: at least 8 characters' "with the rule"

# ---- the session, in both workers ----
t_is "$(req -b "nitro_session=$ann" /account)" 200 "the session opens /account"
t_like "$(body)" '<p>ann@example.com</p>' "which shows the account"
pids=""
for i in $(seq 60); do
	req -b "nitro_session=$ann" /whoami >/dev/null
	line=$(body)
	[[ $line == *"user=ann@example.com"* ]] || { pids="wrong: $line"; break; }
	pids=$(printf '%s\n%s\n' "$pids" "${line%% *}" | sort -u | grep . )
	[ "$(wc -l <<<"$pids")" -ge 2 ] && break
done
t_is "$(wc -l <<<"$pids")" 2 "both worker processes see the session"

# ---- the guard ----
t_is "$(req /account)" 303 "without a session /account is 303"
t_is "$(it_header "$H" Location)" /login "to the login page"
t_is "$(req -H 'Datastar-Request: true' /account)" 200 "a Datastar request gets 200"
t_like "$(it_header "$H" Content-Type)" '^text/event-stream' "as an event stream"
t_like "$(body)" 'data: elements <script data-effect="el.remove\(\)">setTimeout\(\(\) => window.location.href = "/login"\)</script>' \
    "that sends the page to /login"
t_is "$(req /api/me)" 401 "an API path gets 401"
t_like "$(body)" '^\{"error":\{"status":401' "as JSON"
t_is "$(req -H 'Accept: application/json' /account)" 401 "so does a client asking for JSON"
t_is "$(req -b "nitro_session=$ann" /api/me)" 200 "with the session the API answers"

# ---- bypass attempts ----
forged=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
t_is "$(req -b "nitro_session=$forged" /account)" 303 "a made-up id opens nothing"
t_like "$(set_cookie)" '^nitro_session=; .*Max-Age=0' "and is told to go away"
digest=$(store_value "select digest from nitro_session limit 1")
t_like "$digest" '^[0-9a-f]{64}$' "the store holds a digest"
n=$(store_value "select count(*) from nitro_session where digest = '$ann'")
t_is "$n" 0 "never the id itself"
t_is "$(req -b "nitro_session=$digest" /account)" 303 "the digest read from the store opens nothing"
t_is "$(req -b "nitro_session=${ann^^}" /account)" 303 "the id in upper case opens nothing"
t_is "$(req -b "nitro_session=${ann}00" /account)" 303 "the id with more digits opens nothing"
t_is "$(req -H "Cookie: nitro_session=$(printf 'a%.0s' $(seq 4000))" /account)" 303 \
    "an overlong id opens nothing"
t_is "$(req -I /account)" 303 "HEAD /account is guarded too"
t_is "$(req -X POST /account)" 303 "and POST"
t_is "$(req '/account/')" 303 "/account/ is guarded"
s=$(req --path-as-is '//account')
t_like "$s" '^(303|404)$' "//account is not served without a session"
s=$(req '/%61ccount')
t_like "$s" '^(303|404)$' "/%61ccount is not served without a session"
s=$(req '/account;x')
t_like "$s" '^(303|404)$' "/account;x is not served without a session"
s=$(req --path-as-is '/api/../account')
t_like "$s" '^(303|404|400|401)$' "/api/../account is not served without a session"

# ---- logout changes the id ----
t_is "$(req -b "nitro_session=$ann" -X POST /logout)" 303 "POST /logout answers 303"
t_is "$(it_header "$H" Location)" /login "to the login page"
t_like "$(set_cookie)" '^nitro_session=; Path=/; Max-Age=0' "and deletes the cookie"
t_is "$(req -b "nitro_session=$ann" /account)" 303 "the old id opens nothing any more"

# ---- login ----
t_is "$(req -d "$(form ann%40example.com 'wrong horse')" /login)" 401 "a wrong password: 401"
t_like "$(body)" 'wrong email or password' "with the one message"
t_is "$(sid)" "" "and no session"
t_is "$(req -d "$(form nobody%40example.com 'wrong horse')" /login)" 401 \
    "an unknown address: the same 401"
t_like "$(body)" 'wrong email or password' "with the same message"
t_is "$(req -d "$(form ' Ann%40EXAMPLE.com ' 'correct horse')" /login)" 303 \
    "the right password logs in (address in another case, blanks around)"
a1=$(sid)
t_like "$a1" '^[0-9a-f]{64}$' "with a new session id"
t_is "$(req -b "nitro_session=$a1" /account)" 200 "that opens /account"
# Fixation: log in again while presenting a1: a1 ends, a2 is new.
t_is "$(req -b "nitro_session=$a1" -d "$(form ann%40example.com 'correct horse')" /login)" 303 \
    "logging in again"
a2=$(sid)
t_like "$a2" '^[0-9a-f]{64}$' "hands out another id"
t_run "not the one presented" test "$a2" != "$a1"
t_is "$(req -b "nitro_session=$a1" /account)" 303 "the presented id is ended"
t_is "$(req -b "nitro_session=$a2" /account)" 200 "the new one works"

# ---- restart: sessions live in the store ----
for pid in "${IT_WORKERS[@]}"; do it_stop "$pid" TERM; done
IT_WORKERS=()
export AUTH_SECURE=1
workers
t_is "$(req -b "nitro_session=$a2" /account)" 200 "after the workers restart the session still opens /account"
t_is "$(req -d "$(form ann%40example.com 'correct horse')" /login)" 303 "a login"
t_like "$(set_cookie)" '; Secure(;|$)' "sets a Secure cookie when configured"

# ---- throttling per account (3 per window) ----
t_is "$(req -d "$(form cat%40example.com 'meow meow meow')" /signup)" 303 "another account"
for i in 1 2 3; do
	req -d "$(form cat%40example.com 'woof woof woof')" /login >/dev/null
done
t_is "$(req -d "$(form cat%40example.com 'meow meow meow')" /login)" 429 \
    "after 3 failures even the right password is refused: 429"
retry=$(it_header "$H" Retry-After)
t_like "$retry" '^[0-9]+$' "with Retry-After"
t_run "of at most the window (60 s)" test "${retry:-0}" -ge 1 -a "${retry:-99}" -le 60
t_like "$(body)" 'too many failed logins' "and a message"
t_is "$(sid)" "" "and no session"
t_is "$(req -H 'Accept: application/json' -d "$(form cat%40example.com 'meow meow meow')" /login)" 429 \
    "a JSON client too"
t_like "$(body)" '^\{"error":\{"status":429' "in JSON"
t_is "$(req -d "$(form ann%40example.com 'correct horse')" /login)" 303 \
    "another account logs in from the same address"

# ---- throttling per client address (6 per window) ----
# 127.0.0.2 is this machine too: another client address for nginx.
for i in 1 2 3 4 5 6; do
	req --interface 127.0.0.2 -d "$(form "u$i%40example.com" 'nope nope')" /login >/dev/null
done
t_is "$(req --interface 127.0.0.2 -d "$(form ann%40example.com 'correct horse')" /login)" 429 \
    "after 6 failures from one address, its logins are refused"
t_like "$(it_header "$H" Retry-After)" '^[0-9]+$' "with Retry-After"
t_is "$(req --interface 127.0.0.3 -d "$(form ann%40example.com 'correct horse')" /login)" 303 \
    "another address logs in"
# ---- the store away: PostgreSQL stopped, then started again ----
if [ "${AUTH_STORE:-}" = pg ]; then
	t_is "$(req --interface 127.0.0.3 -d "$(form ann%40example.com 'correct horse')" /login)" 303 \
	    "a login before the store goes away"
	a5=$(sid)
	pg_stop
	for w in 1 2; do
		t_is "$(req -b "nitro_session=$a5" /account)" 503 \
		    "the store away: the guard answers 503 (request $w, each worker)"
	done
	t_like "$(body)" 'PostgreSQL|postgres|connect|unavailable' "with a message saying why"
	t_is "$(set_cookie)" "" "and leaves the cookie alone"
	t_is "$(req -H 'Datastar-Request: true' -b "nitro_session=$a5" /account)" 503 \
	    "a Datastar action: 503, not sent to the login page"
	t_is "$(req -d "$(form ann%40example.com 'correct horse')" /login)" 503 "login: 503"
	t_is "$(req -d "$(form zed%40example.com 'correct horse')" /signup)" 503 "signup: 503"
	t_is "$(req -b "nitro_session=$a5" -X POST /logout)" 503 "logout: 503"
	t_run "PostgreSQL starts again" pg_resume
	for w in 1 2; do
		t_is "$(req -b "nitro_session=$a5" /account)" 200 \
		    "the store back: the session opens /account again (request $w)"
	done
fi
# ---- timeouts: workers whose sessions end idle for 2 s or 6 s old ----
for pid in "${IT_WORKERS[@]}"; do it_stop "$pid" TERM; done
IT_WORKERS=()
export AUTH_IDLE_MS=2000 AUTH_ABSOLUTE_MS=6000
workers
t_is "$(req -d "$(form ann%40example.com 'correct horse')" /login)" 303 "a login"
a3=$(sid)
sleep 2.2
t_is "$(req -b "nitro_session=$a3" /account)" 303 "a session unused for 2 s has ended"
t_like "$(set_cookie)" '^nitro_session=; .*Max-Age=0' "and the browser is told to forget it"
t_is "$(req -b "nitro_session=$a2" /account)" 303 "so has an older one"
t0=$(now_ms)
t_is "$(req -d "$(form ann%40example.com 'correct horse')" /login)" 303 "a new login"
t1=$(now_ms)
a4=$(sid)
# Used every second while it is younger than 5 s (however slow the
# machine): alive past the idle time.
ok=1 last=0
while [ $(( $(now_ms) + 1000 - t0 )) -lt 5000 ]; do
	sleep 1
	[ "$(req -b "nitro_session=$a4" /account)" = 200 ] || ok=0
	last=$(( $(now_ms) - t1 ))
done
t_is "$ok" 1 "used every second, a session lives on"
t_run "past the idle time (last use ${last} ms after the login)" test "$last" -gt 2000
while [ $(( $(now_ms) - t1 )) -lt 6200 ]; do sleep 0.2; done
t_is "$(req -b "nitro_session=$a4" /account)" 303 "but ends 6 s after its login however used"

t_is "$(grep -c 'level=error' "$IT_DIR/workers.stderr")" 0 "the workers logged no error"
it_done
