#!/usr/bin/env bash
# A burst is not a slow client: another worker publishes 100 events of
# 8 KiB (800 KiB) in quick succession; a client that reads as fast as it
# can must get all of them on its stream, not be dropped as too slow
# (with every other stream of the worker, in a broadcast) because the
# hub wrote the whole burst faster than any socket drains.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$IT_SRC/tests/integration/live_lib.sh"
live_require
it_setup
live_start 2		# default hub options
live_listen fast --expect 100 --timeout 30			# worker X
t_run "a reading client opens a stream" live_wait_hello fast
t_like "$(live_pub t.b 100\&pad=8192)" ' first 1 last 100$' "a burst is published"	# Y
live_wait_exit "$LIVE_LAST_PID" 30
t_is "$?" 0 "the client got the 100 events on its stream"
t_is "$(grep -c '^# end' "$IT_DIR/fast.ev")" 0 "without being cut"
t_like "$(python3 "$LIVE_CLIENT" check "$IT_DIR/fast.ev" --ids 1-100)" '^ok events 100 ' \
    "in order, once each"
it_done
