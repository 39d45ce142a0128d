#!/usr/bin/env bash
# SIGTERM with parked streams: every stream ends at once, as a network
# error (so that Datastar reconnects, to a worker that stays) rather than
# a clean end, and the worker exits 0 promptly.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$IT_SRC/tests/integration/live_lib.sh"
live_require
it_setup
export LIVE_DB=$IT_DIR/live.db
it_start_listener fg "unix:$IT_DIR/x.sock"
app=$IT_LAST_PID
it_wait_file "$IT_DIR/x.sock"
it_start_nginx "unix:$IT_DIR/x.sock"

pids=()
for i in 1 2 3 4 5; do
	live_listen "s$i" --timeout 30
	pids+=("$LIVE_LAST_PID")
done
# And one HTTP/1.1 client, as browsers are: a chunked response.
curl -sS -N --max-time 30 -o "$IT_DIR/curl.out" "$IT_URL/sse/live" 2>"$IT_DIR/curl.err" &
cpid=$!
IT_PIDS+=("$cpid")
t_run "five streams say hello" live_wait_hello s1 s2 s3 s4 s5
t_run "and the curl stream" it_wait_grep "$IT_DIR/curl.out" '^event: hello'
live_pub t.q 1 >/dev/null
t_run "the streams are live" live_wait_events s5 1
t_is "$(live_field "$(live_info)" streams)" 6 "the worker holds six"

start=$(date +%s%N)
kill -TERM "$app"
ended=0
for p in "${pids[@]}"; do
	live_wait_exit "$p" 5
	[ $? -eq 2 ] && ended=$((ended + 1))
done
ms=$((($(date +%s%N) - start) / 1000000))
t_is "$ended" 5 "every stream ended (the clients saw the end of the response)"
t_like "$ms" '^[0-9]{1,3}$|^1[0-9]{3}$' "within 2 s of SIGTERM (took $ms ms)"
live_wait_exit "$cpid" 5
rc=$?
t_like "$rc" '^(18|56)$' "curl sees a broken transfer (exit $rc), not a clean end, so a browser reconnects"
live_wait_exit "$app" 10
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
t_is "$rc" 0 "the worker exits 0"
t_like "$ms" '^[0-9]{1,3}$|^[1-4][0-9]{3}$' "within 5 s (took $ms ms)"
t_is "$(grep -c '^# end' "$IT_DIR"/s*.ev | awk -F: '{ n += $2 } END { print n }')" 5 \
    "each client recorded one end"
it_done
