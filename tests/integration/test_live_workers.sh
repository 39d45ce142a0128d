#!/usr/bin/env bash
# Live streams across worker processes: streams parked in three workers
# (nginx spreads them round robin), events published by POSTs that land on
# any worker; every stream receives every event once, in order, and the
# delivery latency (publish to receipt through nginx) is measured.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$IT_SRC/tests/integration/live_lib.sh"
live_require
it_setup
live_start 3
K=200		# events

live_listen_many 6 60
t_run "six streams open and say hello" live_wait_hello "${LIVE_NAMES[@]}"
t_is "$(live_workers_serving)" 3 "the streams are parked in all three workers"
t_is "$(live_field "$(live_info)" streams)" 2 "a worker holds two of them"

# One event per POST, 5 ms apart: each lands on the next worker.
t_is "$(live_pub_spread 0.005)" 3 "the events were published by all three workers"

t_run "every stream received its $K events and ended" live_all_exited
res=$(live_check_all)
t_like "$res" "^ok events $((K * 6)) replayed 0 " \
    "each stream got events 1..$K exactly once, in order, none replayed"
diag "delivery latency across workers (ms): $res"
p99=$(sed -nE 's/.* p99 ([0-9.]+) .*/\1/p' <<<"$res")
# at_most MS: the p99 is at most MS milliseconds.
at_most() { awk -v p="${p99:-999999}" -v m="$1" 'BEGIN { exit !(p <= m) }'; }
t_run "p99 delivery latency is under 200 ms (${p99:-?} ms)" at_most 200
# The target, 50 ms, says little on a machine busy with other work: there
# a miss is reported, not failed.
if at_most 50; then
	pass "p99 delivery latency is 50 ms or less"
elif live_quiet; then
	fail "p99 delivery latency is 50 ms or less" "p99 was ${p99:-?} ms"
else
	live_skip "p99 of 50 ms or less (${p99:-?} ms): load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) CPUs"
fi
for w in "${IT_WORKERS[@]}"; do
	it_alive "$w" || fail "worker $w died"
done
it_done
