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

live_listen_many 4 30
t_run "four streams open and say hello" live_wait_hello "${LIVE_NAMES[@]}"
t_is "$(live_workers_serving)" 2 "the streams are parked in both workers"
t_is "$(live_pub_spread 0.05)" 2 "the events were published by both workers"

t_run "every stream received its $K events and ended" live_all_exited
res=$(live_check_all)
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
