#!/usr/bin/env bash
# Reconnect replay: a stream cut by force and reopened with Last-Event-ID
# gets exactly the events it missed, in order and once each, then live
# ones; a client reset again and again mid-stream misses nothing; a
# Last-Event-ID older than the retained log, or newer than its head, or of
# another epoch of the log (a restore) or none (a plain id from before
# epochs), gets the "nitro.gap" event, then live events.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$IT_SRC/tests/integration/live_lib.sh"
live_require
it_setup
live_start 2
check() { python3 "$LIVE_CLIENT" check "$IT_DIR/$1.ev" --ids "$2"; }

# ---- cut by force, reopened with Last-Event-ID ----
live_listen a --timeout 30
a=$LIVE_LAST_PID
t_run "a fresh stream says hello" live_wait_hello a
t_like "$(live_pub t.x 3)" ' first 1 last 3$' "events 1-3 published"
t_run "the stream receives them" live_wait_events a 3
kill -KILL "$a"
wait "$a" 2>/dev/null
t_like "$(live_pub t.x 50)" ' first 4 last 53$' "events 4-53 published while it is away"
live_listen b --last-id "$(live_id 3)" --expect 60 --timeout 30
b=$LIVE_LAST_PID
t_run "reopened with Last-Event-ID: 3, it is replayed 50 events" live_wait_events b 50
t_like "$(live_pub t.x 10)" ' first 54 last 63$' "events 54-63 published live"
live_wait_exit "$b" 10
t_is "$?" 0 "the reopened stream ends after its 60 events"
t_like "$(check b 4-63)" '^ok events 60 ' "exactly 4..63 in order, once each"
t_is "$(grep -c '^- hello' "$IT_DIR/b.ev")" 0 "a resumed stream is not sent the fresh state"

# ---- reset every 7 events while 200 are published ----
live_listen c --reconnect --drop-every 7 --last-id "$(live_id 63)" --expect 200 --timeout 60
c=$LIVE_LAST_PID
for i in $(seq 20); do
	live_pub t.x 10 >/dev/null
	sleep 0.02
done
live_wait_exit "$c" 30
t_is "$?" 0 "a client reset every 7 events gets its 200 events"
t_like "$(check c 64-263)" '^ok events 200 ' "exactly 64..263 in order, once each"
n=$(grep -c '^# reconnect' "$IT_DIR/c.ev")
t_like "$n" '^(2[89]|[3-9][0-9])$' "across $n reconnections"

# ---- beyond retention ----
t_is "$(it_curl -X POST "$IT_URL/prune?keep=5")" "removed 258" "the log keeps events 259-263"
live_listen d --last-id "$(live_id 258)" --expect 5 --timeout 10
live_wait_exit "$LIVE_LAST_PID" 10
t_like "$(check d 259-263)" '^ok events 5 replayed 5 ' \
    "Last-Event-ID 258, the edge of retention: replayed 259..263, no gap"
live_listen e --last-id "$(live_id 257)" --expect 2 --timeout 10
e=$LIVE_LAST_PID
t_run "Last-Event-ID 257 (258 is gone): an event arrives" live_wait_events e 1
live_pub t.x 1 >/dev/null
live_wait_exit "$e" 10
t_like "$(grep -vE '^[#-]' "$IT_DIR/e.ev" | sed -n 1p)" \
    '^263 nitro\.gap [0-9]+ payload \{\}\|pid [0-9]+\|replay 1$' \
    "it is nitro.gap with the head's id, 263"
t_like "$(grep -vE '^[#-]' "$IT_DIR/e.ev" | sed -n 2p)" '^264 t\.x [0-9]+ payload \{"i":1,' \
    "then the stream is live: event 264"
live_listen f --last-id "$(live_id 999999)" --expect 1 --timeout 10
live_wait_exit "$LIVE_LAST_PID" 10
t_like "$(grep -vE '^[#-]' "$IT_DIR/f.ev")" '^264 nitro\.gap ' \
    "Last-Event-ID beyond the log's head: nitro.gap"

# ---- ids of another epoch ----
epoch=$(live_id 0)
epoch=${epoch%-0}
live_listen g --last-id 262 --expect 1 --timeout 10
live_wait_exit "$LIVE_LAST_PID" 10
t_like "$(grep -vE '^[#-]' "$IT_DIR/g.ev")" '^264 nitro\.gap ' \
    "a plain Last-Event-ID from before epochs (262): nitro.gap, not event 263"
live_listen h --last-id "$((epoch + 1))-262" --expect 1 --timeout 10
live_wait_exit "$LIVE_LAST_PID" 10
t_like "$(grep -vE '^[#-]' "$IT_DIR/h.ev")" '^264 nitro\.gap ' \
    "an id of another epoch (a restored log's): nitro.gap"
python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT count(*) FROM nitro_events WHERE id = 263").fetchone()[0])' "$LIVE_DB" |
    grep -qx 1 || fail "event 263 is still in the log"
for w in "${IT_WORKERS[@]}"; do
	it_alive "$w" || fail "worker $w died"
done
it_done
