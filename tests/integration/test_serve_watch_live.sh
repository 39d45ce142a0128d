#!/usr/bin/env bash
# `nitro serve --watch` under open live streams: a change to a source file
# is rebuilt and the workers restarted; the restart ends every stream at
# once (none is left hanging on an old worker); a client that reconnects
# by itself with Last-Event-ID, as a page does, gets every event published
# before, during and after the restart exactly once, in order; a stream
# opened afresh after the restart with the last id an ended stream saw is
# replayed exactly what it missed; and the new build is what serves them.
# The project is tests/integration/watch_app.c (see watch_lib.sh), its
# store a SQLite file whose event log every worker follows.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$IT_SRC/tests/integration/live_lib.sh"
. "$IT_SRC/tests/integration/watch_lib.sh"
live_require
it_setup
command -v cc >/dev/null 2>&1 || { echo "1..0 # SKIP no C compiler"; exit 0; }

proj=$IT_DIR/proj
log=$IT_DIR/serve
watch_project "$proj" one
t_run "the project builds" test -x "$proj/app"
port=$(it_free_port)
watch_serve "$proj" "$port" "$log"
t_run "nitro serve --watch listens" it_wait_port "$port"
it_wait_file "$IT_DIR/run/w1.sock"
IT_URL=http://127.0.0.1:$port LIVE_PATH=/sse LIVE_LOG=$IT_DIR/watch.db

# pub TEXT: publish one event; its answer and status on one line, which is
# appended to $IT_DIR/pubs.
pub() {
	local r
	r=$(curl -s --max-time 10 -X POST -w ' %{http_code}' "$IT_URL/pub?text=$1" | tr -d '\n')
	echo "$r" >>"$IT_DIR/pubs"
	echo "$r"
}
# ids: the ids of the events published so far, one a line.
ids() { sed -nE 's/.* last ([0-9]+) 200$/\1/p' "$IT_DIR/pubs"; }

# Two pages' streams: a reconnects by itself, c does not (it shows when
# and how its stream ended).
live_listen a --reconnect --timeout 90
a=$LIVE_LAST_PID
live_listen c --timeout 90
c=$LIVE_LAST_PID
t_run "two streams open" live_wait_hello a c
t_like "$(grep -h '^- hello' "$IT_DIR/a.ev" "$IT_DIR/c.ev")" '^- hello [0-9]+ pid [0-9]+ build one$' \
    "served by the first build"
for i in 1 2 3; do pub "before$i" >/dev/null; done
t_run "both streams get the three events published before the change" \
    eval 'live_wait_events a 3 && live_wait_events c 3'

# The change; an event published every 0.05 s until every worker runs the
# new build (60 s at most).
watch_set "$proj" two
c_end=""
for i in $(seq 600); do
	grep -q 'every worker runs the new build' "$log.stderr" && break
	pub "during$i" >/dev/null
	[ -z "$c_end" ] && ! it_alive "$c" && c_end=$(date +%s.%N)
	sleep 0.05
done
t_run "the change is rebuilt and every worker restarted" \
    watch_wait_log "$log" 'every worker runs the new build' 1
# Its worker is gone, so c's stream has ended: an upper bound of when.
[ -z "$c_end" ] && ! it_alive "$c" && c_end=$(date +%s.%N)
live_wait_exit "$c" 10
t_is "$?" 2 "the restart ended the stream that does not reconnect"
built=$(stat -c '%.9Y' "$proj/app")
t_like "$(awk -v e="${c_end:-0}" -v b="$built" 'BEGIN { print (e > 0 && e - b < 5) ? "soon" : e - b }')" \
    '^soon$' "within 5 s of the new build (not held by an old worker)"
during=$(($(wc -l <"$IT_DIR/pubs") - 3))
t_like "$during" '^([3-9]|[1-9][0-9]+)$' \
    "events were published while the change was built and the workers restarted ($during)"

# Events published after c ended; then a stream opened with the last id c
# saw: exactly what c missed, replayed, then live.
c_last=$(live_id_events c | tail -n 1 | cut -d' ' -f1)
for i in 1 2 3; do pub "missed$i" >/dev/null; done
missed=$(($(ids | tail -n 1) - c_last))
live_listen b --last-id "$(live_id "$c_last")" --timeout 60
b=$LIVE_LAST_PID
t_run "a stream opened with the last id c saw is sent the $missed it missed" \
    live_wait_events b "$missed" 20
for i in 1 2 3; do pub "after$i" >/dev/null; done
first=$(ids | head -n 1) last=$(ids | tail -n 1)
t_is "$(ids | wc -l)" "$((last - first + 1))" "the published events have ids $first to $last"
t_is "$(grep -vE ' 200$' "$IT_DIR/pubs")" "" "every publish was answered 200"
t_run "the self-reconnecting stream gets them all" live_wait_events a "$((last - first + 1))" 20
t_run "and then the events published after" \
    live_wait_events b "$((last - c_last))" 20
t_like "$(python3 "$LIVE_CLIENT" check "$IT_DIR/a.ev" --ids "$first-$last")" '^ok ' \
    "the self-reconnecting stream: each event once, in order"
t_like "$(grep -c '^# reconnect' "$IT_DIR/a.ev")" '^[1-9]' "it reconnected after the restart cut it"
res=$(python3 "$LIVE_CLIENT" check "$IT_DIR/b.ev" --ids "$((c_last + 1))-$last")
t_like "$res" '^ok ' "the stream opened with Last-Event-ID: each event once, in order"
t_like "$res" " replayed $missed " \
    "the events it missed are replayed, the later ones sent live"
t_is "$(grep -c '^- hello' "$IT_DIR/b.ev")" 0 "a stream with Last-Event-ID is not sent the whole view"
t_is "$(live_id_events b | sed -E 's/.*\|//' | sort -u)" "build two" \
    "the new build renders every event of the stream opened after the restart"
t_is "$(live_id_events a | tail -n 3 | sed -E 's/.*\|//' | sort -u)" "build two" \
    "and the later events of the stream that reconnected"
t_is "$(for i in 1 2 3 4; do curl -s --max-time 10 "$IT_URL/" | grep -o '<p id="build">[a-z]*'; done | sort -u)" \
    '<p id="build">two' "every worker serves the page of the new build"

it_stop "$a" TERM
it_stop "$b" TERM
kill -TERM "$WATCH_PID"
live_wait_exit "$WATCH_PID" 20
t_is "$?" 0 "serve stops on SIGTERM"
it_done
