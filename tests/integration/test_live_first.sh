#!/usr/bin/env bash
# A first render its client never reads cannot freeze a worker.  With one
# accept thread, a stream whose 4 MiB first page the client never reads
# leaves that thread free for the next request: the page waits in the hub
# like any other write, under the same slow-client policy (closed when
# nothing drained for LIVE_WRITE_MS, 3 s here, and counted in
# dropped_slow).  A client that reads gets the whole page, then events.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$IT_SRC/tests/integration/live_lib.sh"
live_require
it_setup
PAGE=4194304
LIVE_WRITE_MS=3000 live_start 1 --threads 1

python3 "$LIVE_CLIENT" mute "$IT_URL/sse/live?first=$PAGE" 60 >"$IT_DIR/mute.out" 2>&1 &
IT_PIDS+=("$!")
t_run "a client asks for a stream with a 4 MiB first page and reads nothing" \
    it_wait_grep "$IT_DIR/mute.out" '^sent$'
# The worker takes the stream and renders its page; every /info must be
# answered within 3 s by the same (only) thread meanwhile.  Time-bound
# waits, not counted ones: a busy machine stretches every step.
info_until() {		# FIELD VALUE SECONDS: poll /info until FIELD is VALUE
	local end=$((SECONDS + $3))
	while :; do
		info=$(curl -sS --max-time 3 "$IT_URL/info" 2>&1)
		[ "$(live_field "$info" "$1")" = "$2" ] && return 0
		[[ $info =~ ^pid ]] || return 1	# not answered in time
		[ $SECONDS -lt $end ] || return 1
		sleep 0.1
	done
}
# (On a machine slow enough, the first answer may come after the drop.)
info_until streams 1 15 || [ "$(live_field "$info" dropped_slow)" = 1 ]
t_like "$info" '^pid [0-9]+ streams (1 |0 .* dropped_slow 1$)' \
    "the worker's only thread answers the next request at once"
info_until dropped_slow 1 30
t_is "$(live_field "$info" dropped_slow)" 1 "the unread page is dropped as too slow"
t_is "$(live_field "$info" streams)" 0 "and the stream with it"

LIVE_PATH="/sse/live?first=$PAGE" live_listen big --expect 3 --timeout 30
big=$LIVE_LAST_PID
t_run "a reading client gets its first page" live_wait_hello big
pad=$(sed -n 's/^- hello .*|pad //p' "$IT_DIR/big.ev" | head -n 1 | tr -d '\n' | wc -c)
t_is "$pad" "$PAGE" "all of it"
live_pub t.a 3 >/dev/null
live_wait_exit "$big" 20
t_is "$?" 0 "then the events published after it"
t_run "the worker is alive" it_alive "${IT_WORKERS[0]}"
it_done
