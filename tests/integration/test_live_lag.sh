#!/usr/bin/env bash
# A stream that resumes (Last-Event-ID) on a worker whose hub has not yet
# read the newest events, as happens on a worker that held no stream: it
# must still be told of a gap when the events after its id are no longer
# kept, and the events it missed must still be flagged as replayed.
# Timing decides whether that worker's hub has caught up (it looks once a
# second when idle), so each case is tried five times.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$IT_SRC/tests/integration/live_lib.sh"
live_require
it_setup
live_start 2
sleep 1.2
# Requests alternate between the two workers (nginx round robin); a case
# served by the worker that published proves nothing and is not counted.
pub_pid() { sed -nE 's/^pid ([0-9]+) .*/\1/p' <<<"$1"; }

# ---- a gap beyond retention ----
silent=0 tried=0
for k in 1 2 3 4 5; do
	pub=$(live_pub t.g 100)			# worker X
	last=$(sed -nE 's/.* last ([0-9]+)$/\1/p' <<<"$pub")
	it_curl -X POST "$IT_URL/prune?keep=5" >/dev/null	# worker Y
	live_info >/dev/null			# X
	live_listen "g$k" --last-id "$(live_id $((last - 90)))" --expect 1 --timeout 5	# Y
	live_wait_exit "$LIVE_LAST_PID" 6
	line=$(grep -vE '^[#-]' "$IT_DIR/g$k.ev" | head -n 1)
	[[ $line == *"|pid $(pub_pid "$pub")|"* ]] && continue	# no lag there
	tried=$((tried + 1))
	[[ $line == *" nitro.gap "* ]] || { silent=$((silent + 1)); diag "attempt $k: $line"; }
	sleep 0.3
done
t_like "$tried" '^[1-5]$' "a stream resumed on the other worker ($tried times)"
t_is "$silent" 0 "each time, the events after its id being gone, it got nitro.gap"

# ---- the missed events are replays ----
flat=0 tried=0
for k in 1 2 3 4 5; do
	before=$(sed -nE 's/.* last ([0-9]+)$/\1/p' <<<"$(live_pub t.r 1)")	# X
	pub=$(live_pub t.r 20)			# Y
	live_listen "r$k" --last-id "$(live_id "$before")" --expect 20 --timeout 5	# X
	live_wait_exit "$LIVE_LAST_PID" 6
	grep -q "|pid $(pub_pid "$pub")|" "$IT_DIR/r$k.ev" && continue
	tried=$((tried + 1))
	n=$(grep -c '|replay 1$' "$IT_DIR/r$k.ev")
	[ "$n" = 20 ] || { flat=$((flat + 1)); diag "attempt $k: $n of 20 flagged replay"; }
	sleep 0.3
done
t_like "$tried" '^[1-5]$' "a stream resumed on the other worker ($tried times)"
t_is "$flat" 0 "each time, the 20 events it missed came flagged replay 1"
it_done
