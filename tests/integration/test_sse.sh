#!/usr/bin/env bash
# Server-Sent Events through nginx: a short stream read to its end, byte
# for byte; events arrive while the stream is open (nothing buffers them);
# clients that go away mid-stream are noticed and never harm the worker.
. "${top_srcdir:-.}/tests/integration/lib.sh"
it_require
it_setup
export APP_STATS=$IT_DIR/stats
# Enough accept threads for every stream below to be served at once.
it_start_workers 1 --threads 8
it_start_nginx

H=$IT_DIR/headers
B=$IT_DIR/body

# events FROM TO: the bytes the app writes for events FROM..TO.
events() {
	local i
	for ((i = $1; i <= $2; i++)); do
		printf 'event: datastar-patch-signals\nid: %d\ndata: signals {"count":%d}\n\n' "$i" "$i"
	done
}

# disconnects: how many disconnects the workers have recorded.
disconnects() { [ -f "$APP_STATS" ] && wc -l <"$APP_STATS" | tr -d ' ' || echo 0; }

# wait_disconnects N: wait up to 5 s for N recorded disconnects.
wait_disconnects() {
	local i
	for i in $(seq 50); do
		[ "$(disconnects)" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# ---- a short stream, read to its end ----
code=$(curl -sS -N --max-time 20 -D "$H" -o "$B" -w '%{http_code}' "$IT_URL/sse?n=3")
t_is "$?:$code" "0:200" "short stream: 200 and a clean end"
t_like "$(it_header "$H" Content-Type)" '^text/event-stream' "Content-Type text/event-stream"
t_is "$(it_header "$H" Cache-Control)" "no-cache" "Cache-Control: no-cache"
events 1 3 >"$IT_DIR/want"
t_run "the body is exactly the three events" cmp -s "$B" "$IT_DIR/want"
[ "$t_failed" -eq 0 ] || diag "$(od -c "$B" | head -n 20)"

code=$(curl -sS -N --max-time 20 -o "$B" -w '%{http_code}' "$IT_URL/sse?n=0")
t_is "$code:$(wc -c <"$B" | tr -d ' ')" "200:0" "a stream with no events: 200, empty body"

curl -sS -N --max-time 30 -o "$B" "$IT_URL/sse?n=1000"
t_is "$?" 0 "a stream of 1000 events ends cleanly"
events 1 1000 >"$IT_DIR/want"
t_run "all 1000 events arrive in order, intact" cmp -s "$B" "$IT_DIR/want"

# ---- events arrive while the stream is open ----
curl -sS -N --max-time 1 -o "$B" "$IT_URL/sse/forever" 2>/dev/null
t_is "$?" 28 "the endless stream is cut by the client's time limit"
n=$(grep -c '^event: ' "$B")
t_like "$n" '^([5-9]|1[0-9])$' "about ten events (100 ms apart) arrived within one second: unbuffered"
events 1 "$n" >"$IT_DIR/want"
t_run "what arrived is whole events in order" cmp -s "$B" "$IT_DIR/want"

# ---- the client went away: the worker noticed and keeps serving ----
t_run "the worker notices the disconnect at its next write" wait_disconnects 1
t_is "$(it_curl "$IT_URL/hello/after")" "Hello, after!" "a following request succeeds"
t_run "the worker process is still alive" it_alive "${IT_WORKERS[0]}"

# Several clients leave at once, one stream ends early by itself.
before=$(disconnects)
pids=()
for i in 1 2 3 4 5; do
	curl -sS -N --max-time 0.$((2 + i)) -o /dev/null "$IT_URL/sse/forever" 2>/dev/null &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
t_run "five more disconnects are noticed" wait_disconnects $((before + 5))
stats=$(it_curl "$IT_URL/stats")
t_is "$stats" "$(printf 'pid=%s\ndisconnects=%s' "${IT_WORKERS[0]}" "$(disconnects)")" \
    "the same worker process served every stream and counted each disconnect"
t_is "$(it_curl "$IT_URL/sse?n=2")" "$(events 1 2)" "a new stream after the disconnects is whole"
t_run "the worker process is still alive at the end" it_alive "${IT_WORKERS[0]}"
it_done
