#!/usr/bin/env bash
# A worker listening by itself (--listen unix:...) behind nginx: its socket
# mode, its logfmt access log on stderr, and a graceful SIGTERM: the
# request in flight completes with 200 and the worker exits 0.
. "${top_srcdir:-.}/tests/integration/lib.sh"
it_require
it_setup
it_start_listener fg "unix:$IT_DIR/x.sock"
app=$IT_LAST_PID
it_wait_file "$IT_DIR/x.sock"
t_is "$(stat -c '%a %F' "$IT_DIR/x.sock" 2>&1)" "660 socket" "--listen unix: creates a socket with mode 0660"
it_start_nginx "unix:$IT_DIR/x.sock"

t_is "$(it_curl "$IT_URL/hello/log")" "Hello, log!" "the worker answers through nginx"

# ---- access log: one logfmt line per request on stderr ----
line=""
for i in $(seq 20); do
	line=$(grep -E '(^| )path=/hello/log( |$)' "$IT_DIR/fg.stderr" | tail -n 1)
	[ -n "$line" ] && break
	sleep 0.1
done
t_like "$line" '^ts=[0-9T:.-]+Z ' "the access log line starts with a timestamp"
t_like "$line" ' method=GET( |$)' "it has the method"
t_like "$line" ' status=200( |$)' "it has the status"
t_like "$line" ' bytes=12( |$)' "it has the body size"
t_like "$line" ' (us|usec|micros|duration_us|elapsed_us)=[0-9]+( |$)' "it has the microseconds"
bad=$(grep -vE '^ts=[^ ]+ level=[a-z]+ ' "$IT_DIR/fg.stderr" | head -n 3)
t_is "$bad" "" "every stderr line is logfmt with ts and level"

# ---- SIGTERM with a request in flight ----
curl -s --max-time 20 -o "$IT_DIR/slow.body" -w '%{http_code}' "$IT_URL/slow" \
    >"$IT_DIR/slow.code" 2>&1 &
client=$!
sleep 0.7			# the request is inside the 2 s handler
start=$(date +%s%N)
kill -TERM "$app"
wait "$client"
t_is "$(cat "$IT_DIR/slow.code")" 200 "the request in flight completes with 200"
t_is "$(cat "$IT_DIR/slow.body")" "slept" "with its whole body"
wait "$app"
rc=$?
t_is "$rc" 0 "the worker exits 0 after SIGTERM"
ms=$((($(date +%s%N) - start) / 1000000))
t_like "$ms" '^([0-9]{1,3}|[1-4][0-9]{3})$' "it exits within the 5 s grace period (took ${ms} ms)"
t_like "$(grep -E 'path=/slow( |$)' "$IT_DIR/fg.stderr")" 'status=200' "the finished request was logged"
t_is "$(it_status "$IT_URL/hello/late")" 502 "after the worker left, nginx answers 502"

# ---- SIGTERM when idle: a prompt, clean exit ----
it_start_listener idle "unix:$IT_DIR/y.sock"
idle=$IT_LAST_PID
it_wait_file "$IT_DIR/y.sock"
start=$(date +%s%N)
kill -TERM "$idle"
wait "$idle"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
t_is "$rc" 0 "an idle worker exits 0 on SIGTERM"
t_like "$ms" '^[0-9]{1,4}$' "promptly (took ${ms} ms)"
it_done
