#!/usr/bin/env bash
# The per-process stream limit: with max_streams 3, a fourth stream is
# answered 503 with a message and Retry-After, ordinary requests still
# work, and a freed place can be taken again.  Quiet streams get
# heartbeats (heartbeat_ms 300 here).
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$IT_SRC/tests/integration/live_lib.sh"
live_require
it_setup
LIVE_MAX=3 LIVE_BEAT_MS=300 live_start 1
H=$IT_DIR/headers B=$IT_DIR/body

pids=()
for i in 1 2 3; do
	live_listen "s$i" --timeout 30
	pids+=("$LIVE_LAST_PID")
done
t_run "three streams are open" live_wait_hello s1 s2 s3
sleep 2
n=$(grep -c '^# heartbeat' "$IT_DIR/s1.ev")
t_like "$n" '^[3-8]$' "a quiet stream got heartbeats: $n in about 2 s"
t_is "$(live_field "$(live_info)" streams)" 3 "the worker holds three"
code=$(curl -sS --max-time 5 -D "$H" -o "$B" -w '%{http_code}' "$IT_URL/sse/live")
t_is "$code" 503 "a fourth stream is refused with 503"
t_like "$(cat "$B")" 'limit of 3 live streams' "the body says why"
t_is "$(it_header "$H" Retry-After)" 5 "with Retry-After: 5"
t_like "$(it_header "$H" Content-Type)" '^(text/html|application/json)' "as an error page"
t_like "$(live_pub t.l 1)" ' first 1 last 1$' "other requests are served meanwhile"
t_run "the open streams get the event" live_wait_events s3 1

kill -KILL "${pids[0]}"
wait "${pids[0]}" 2>/dev/null
for i in $(seq 50); do
	[ "$(live_field "$(live_info)" streams)" = 2 ] && break
	sleep 0.1
done
t_is "$(live_field "$(live_info)" streams)" 2 "a client leaves: two streams"
live_listen s4 --timeout 30
t_run "a new stream takes the free place" live_wait_hello s4
code=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "$IT_URL/sse/live")
t_is "$code" 503 "and the next one is refused again"
it_done
