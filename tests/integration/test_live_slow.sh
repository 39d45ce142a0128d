#!/usr/bin/env bash
# A client that stops reading delays nobody: while 8 MiB of events pile up
# behind it, a reading client gets every event promptly; the stuck stream
# stops taking events once its queue passes the cap (LIVE_QUEUE, 64 KiB),
# is closed when nothing drained for the write deadline (LIVE_WRITE_MS,
# 1 s here), and the worker counts it in dropped_slow.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$IT_SRC/tests/integration/live_lib.sh"
live_require
it_setup
LIVE_QUEUE=65536 LIVE_WRITE_MS=1000 live_start 1

python3 "$LIVE_CLIENT" stuck "$IT_URL/sse/live" 60 >"$IT_DIR/stuck.out" 2>&1 &
IT_PIDS+=("$!")
t_run "a client opens a stream and stops reading" it_wait_grep "$IT_DIR/stuck.out" '^stuck$'
K=2000
live_listen fast --expect $K --timeout 60
fast=$LIVE_LAST_PID
t_run "a reading client opens one too" live_wait_hello fast
for i in $(seq 200); do		# 2000 events of 4 KiB, 10 at a time
	live_pub t.b 10\&pad=4096 >/dev/null || fail "publish $i"
done
live_wait_exit "$fast" 30
t_is "$?" 0 "the reading client got its $K events"
res=$(python3 "$LIVE_CLIENT" check "$IT_DIR/fast.ev" --ids "1-$K")
t_like "$res" "^ok events $K " "all of them, in order, once each"
diag "the reading client's latency (ms): $res"
for i in $(seq 100); do
	info=$(live_info)
	[ "$(live_field "$info" dropped_slow)" = 1 ] && break
	sleep 0.1
done
t_is "$(live_field "$info" dropped_slow)" 1 "the stuck stream was dropped as too slow"
t_is "$(live_field "$info" streams)" 0 "the worker holds no stream any more"
t_run "the worker is alive" it_alive "${IT_WORKERS[0]}"
it_done
