#!/usr/bin/env bash
# Across workers without polling: with the hubs' poll interval at 5 s, an
# event published in one worker still reaches the streams parked in the
# other at once, because the hub waits on the SQLite log's watch
# descriptor (inotify on the WAL file, nitro_sql_follower_fd).  Polling
# alone would take 2.5 s on average.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$IT_SRC/tests/integration/live_lib.sh"
live_require
it_setup
export LIVE_POLL_MS=5000
live_start 2
K=20		# events

names=()
for i in 1 2 3 4; do
	live_listen "s$i" --expect $K --timeout 30
	names+=("s$i")
	pids+=("$LIVE_LAST_PID")
done
t_run "four streams open and say hello" live_wait_hello "${names[@]}"
served=$(for n in "${names[@]}"; do live_hello_pid "$n"; done | sort -u | wc -l)
t_is "$served" 2 "the streams are parked in both workers"

publishers=$(for ((i = 1; i <= K; i++)); do
	live_pub t.a 1 | sed -nE 's/^pid ([0-9]+) .*/\1/p'
	sleep 0.05
done | sort -u | wc -l)
t_is "$publishers" 2 "the events were published by both workers"

ok=1
for p in "${pids[@]}"; do
	live_wait_exit "$p" 20 || ok=0
done
t_is "$ok" 1 "every stream received its $K events and ended"
res=$(python3 "$LIVE_CLIENT" check $(printf "$IT_DIR/%s.ev " "${names[@]}") --ids "1-$K")
t_like "$res" "^ok events $((K * 4)) replayed 0 " \
    "each stream got events 1..$K exactly once, in order"
diag "delivery latency across workers, polling every 5 s (ms): $res"
max=$(sed -nE 's/.* max ([0-9.]+)$/\1/p' <<<"$res")
# Far under the poll interval: every event came by the watch, not a poll.
under() { awk -v m="${max:-999999}" -v l="$1" 'BEGIN { exit !(m < l) }'; }
t_run "the slowest delivery took under 1 s (${max:-?} ms)" under 1000
for w in "${IT_WORKERS[@]}"; do
	it_alive "$w" || fail "worker $w died"
done
it_done
