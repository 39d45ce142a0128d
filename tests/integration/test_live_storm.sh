#!/usr/bin/env bash
# A storm of client disconnects: 300 streams opened and dropped at once,
# four times (clean closes and TCP resets), while events are published.
# Afterwards the worker holds no stream, and its file descriptors and
# resident memory are where they were before the storm.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$IT_SRC/tests/integration/live_lib.sh"
live_require
it_setup
live_start 1
w=${IT_WORKERS[0]}
N=300

fds() { ls "/proc/$w/fd" | wc -l; }
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$w/status"; }
# drained: wait up to 10 s for the worker to hold no stream.
drained() {
	local i
	for i in $(seq 100); do
		[ "$(live_field "$(live_info)" streams)" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}
storm() { python3 "$LIVE_CLIENT" storm "$IT_URL/sse/live" "$N" "$@"; }

# A first storm warms the allocator and nginx up; then measure.
t_is "$(storm)" "held $N" "warm-up: $N streams held at once, then dropped"
t_run "the worker drops them all" drained
fd0=$(fds) rss0=$(rss)
diag "before: $fd0 descriptors, $rss0 KiB resident"

for round in 1 2 3 4; do
	mode=""
	[ $((round % 2)) -eq 0 ] && mode=--rst
	live_pub t.s 5 >/dev/null &
	t_is "$(storm $mode)" "held $N" "storm $round${mode:+ (resets)}: $N streams held, then dropped"
	wait $!
	t_run "storm $round: the worker drops them all" drained
done
info=$(live_info)
t_is "$(live_field "$info" parked)" "$(live_field "$info" closed)" \
    "every parked stream was closed ($(live_field "$info" closed))"
fd1=$(fds) rss1=$(rss)
diag "after: $fd1 descriptors, $rss1 KiB resident"
t_is "$fd1" "$fd0" "file descriptors are where they were"
# A sanitizer's quarantine keeps freed memory for a while: no measure.
if grep -qa AddressSanitizer "$IT_BUILD/tests/integration/.libs/live_app" "$IT_APP" \
    2>/dev/null; then
	live_skip "resident memory: built with AddressSanitizer"
else
	t_like "$((rss1 - rss0))" '^(-[0-9]+|[0-9]|[1-9][0-9]{1,2})$' \
	    "resident memory grew by less than 1 MiB ($((rss1 - rss0)) KiB)"
fi
t_run "the worker is alive" it_alive "$w"
t_like "$(live_pub t.s 1)" "^pid $w " "and still serves requests"
it_done
