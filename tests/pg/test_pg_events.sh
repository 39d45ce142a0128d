#!/usr/bin/env bash
# The PostgreSQL event transport on a throwaway cluster (tests/pg_lib.sh),
# driven by tests/pg/pg_events: the in-process checks (outbox, holes,
# epoch, floor); events published by one process and followed by another,
# woken by NOTIFY within a bound; a follower that catches up after its
# listening connection is killed (pg_terminate_backend) and after the
# server crashes and restarts (pg_ctl restart -m immediate); the backstop
# poll that finds an event whose NOTIFY never came; and ids in commit
# order: publishers that commit out of id order, random delays inside
# their transactions, and fast followers that must see every committed id,
# strictly increasing, none skipped -- and the same with the ordering
# guard switched off must be caught skipping (the test can fail).  Also
# a crash that loses commits a follower read (synchronous_commit off):
# the follower draws a new epoch.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$IT_SRC/tests/pg_lib.sh"
PGE=$IT_BUILD/tests/pg/pg_events
[ -x "$PGE" ] || { echo "Bail out! $PGE is not built"; exit 1; }
it_setup
trap 'pg_stop; it_cleanup' EXIT
if ! pg_start "$IT_DIR"; then
	echo "1..0 # SKIP $PG_WHY"
	exit 0
fi

# ---- in-process checks, renumbered ----
"$PGE" check >"$IT_DIR/check.out" 2>"$IT_DIR/check.stderr"
rc=$?
while IFS= read -r line; do
	case $line in
	"ok "*) pass "check: ${line#ok * - }" ;;
	"not ok "*) fail "check: ${line#not ok * - }" ;;
	"#"*) echo "$line" ;;
	esac
done <"$IT_DIR/check.out"
t_is "$rc" 0 "the in-process checks ran to their end"

# follow NAME SECONDS EXPECT MODE: a follower in the background; waits
# until it follows (its head read); sets PID.
follow() {
	"$PGE" follow "$2" "$3" "$4" >"$IT_DIR/$1.out" 2>>"$IT_DIR/$1.stderr" &
	PID=$!
	IT_PIDS+=("$PID")
	it_wait_grep "$IT_DIR/$1.out" '^# ready' || fail "follower $1 started"
}
# ids NAME: the ids a follower saw, one line.
ids() { grep -v '^#' "$IT_DIR/$1.out" | cut -d' ' -f1 | tr '\n' ' '; }
# wait_exit PID SECONDS: its status (255: still running).
wait_exit() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$1" 2>/dev/null && return 255
	wait "$1"
}
# head: the newest id.
head_id() { pg_psql -At -c 'SELECT coalesce(max(id), 0) FROM nitro_events'; }
# committed FROM: the ids after FROM, one line.
committed() { pg_psql -At -c "SELECT id FROM nitro_events WHERE id > $1 ORDER BY id" | tr '\n' ' '; }

# ---- across processes, woken by NOTIFY ----
from=$(head_id)
follow a 30 20 watch
"$PGE" publish 20 0 50 >/dev/null 2>>"$IT_DIR/pub.stderr"
wait_exit "$PID" 20
t_is "$?" 0 "a follower in another process gets the 20 events"
t_is "$(ids a)" "$(committed "$from")" "all of them, in id order"
lat=$(grep -v '^#' "$IT_DIR/a.out" | cut -d' ' -f2 | sort -n |
    awk '{ v[NR] = $1 } END { printf "%d %d", v[int(NR / 2) + 1] / 1000, v[NR] / 1000 }')
diag "NOTIFY wake latency: p50 ${lat% *} ms, max ${lat#* } ms"
# The backstop poll is 2 s: far below it, every event came by NOTIFY.
t_like "${lat#* }" '^[0-9]{1,3}$' "each within a second of its commit: woken by NOTIFY"

# across NAME WHAT CMD...: a follower NAME gets 10 events, CMD runs (t_*
# checks of its own), 20 more are published: it must get all 30, exactly
# the committed ones.
across() {
	local name=$1 what=$2
	shift 2
	from=$(head_id)
	follow "$name" 60 30 watch
	"$PGE" publish 10 0 0 >/dev/null 2>>"$IT_DIR/pub.stderr"
	it_wait_grep "$IT_DIR/$name.out" "^$((from + 10)) " || fail "the first 10 arrive"
	"$@"
	"$PGE" publish 20 0 0 >/dev/null 2>>"$IT_DIR/pub.stderr"
	wait_exit "$PID" 30
	t_is "$?" 0 "$what, the follower gets all 30 events"
	t_is "$(ids "$name")" "$(committed "$from")" "exactly the committed ones, in order, once each"
}

# ---- the listening connection killed ----
kill_listener() {
	t_is "$(pg_psql -At -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
	    WHERE application_name = 'nitro-listen'")" 1 \
	    "its listening connection is found by name and terminated"
}
across b "after pg_terminate_backend of its listening connection" kill_listener

# ---- the server crashed and restarted ----
# The test cluster runs with synchronous_commit off (fast, and a crash
# loses the last commits); a real one keeps it on: first that.
pg_psql -c 'ALTER DATABASE nitro SET synchronous_commit = on'
crash() { t_run "pg_ctl restart -m immediate" pg_restart_immediate; }
across c "after a crash and restart of the server" crash
t_is "$(grep -c '^# epoch' "$IT_DIR/c.out")" 0 "nothing was lost: the epoch stays"

# Without synchronous_commit a crash may lose commits a follower already
# read, and their ids are handed out again: the follower must see the log
# went back and draw a new epoch, so that no browser takes the new events
# for the ones it holds.
pg_psql -c 'ALTER DATABASE nitro SET synchronous_commit = off'
from=$(head_id)
follow e 60 1000 watch
"$PGE" publish 10 0 0 >/dev/null 2>>"$IT_DIR/pub.stderr"
it_wait_grep "$IT_DIR/e.out" "^$((from + 10)) " || fail "the first 10 arrive"
crash
"$PGE" publish 10 0 0 >/dev/null 2>>"$IT_DIR/pub.stderr"
sleep 3
seen=$(sed '/^# epoch/q' "$IT_DIR/e.out" | grep -v '^#' | cut -d' ' -f1 | tr '\n' ' ')
now=$(committed "$from")
if [ "${now#"$seen"}" = "$now" ] && [ -n "$seen" ]; then
	diag "the crash lost events that were read (saw: $seen; now: $now)"
	t_is "$(grep -c '^# epoch' "$IT_DIR/e.out")" 1 "the log went back: a new epoch"
else
	diag "the crash lost nothing that was read"
	t_is "$(grep -c '^# epoch' "$IT_DIR/e.out")" 0 "nothing was lost: the epoch stays"
fi
kill "$PID" 2>/dev/null
pg_psql -c 'ALTER DATABASE nitro SET synchronous_commit = on'

# ---- a NOTIFY that never came ----
follow d 20 1 watch
sleep 0.3
pg_psql -c "INSERT INTO nitro_events(topic, payload, time) VALUES ('t.silent', '{}', 0)"
wait_exit "$PID" 15
t_is "$?" 0 "an event written without NOTIFY is found by the backstop poll"

# ---- ids in commit order ----
# order RUN [unordered]: 4 publishers of 40 events, 0-20 ms inside each
# transaction, and 2 followers reading every millisecond; prints how many
# followers saw exactly the committed ids.
order() {
	local run=$1 f pids=() good=0
	from=$(head_id)
	follow "o${run}1" 60 160 spin
	local f1=$PID
	follow "o${run}2" 60 160 spin
	local f2=$PID
	for f in 1 2 3 4; do
		"$PGE" publish 40 20 0 ${2:-} >/dev/null 2>>"$IT_DIR/pub.stderr" &
		pids+=($!)
	done
	for f in "${pids[@]}"; do wait "$f"; done
	want=$(committed "$from")
	for f in 1 2; do
		wait_exit "$([ $f = 1 ] && echo "$f1" || echo "$f2")" 10
		[ "$(ids "o$run$f")" = "$want" ] && good=$((good + 1))
	done
	echo "$good"
}
t_is "$(order g)" 2 "with the guard, every follower saw every committed id, in order"
caught=0
for run in u1 u2 u3; do
	[ "$(order "$run" unordered)" -lt 2 ] && { caught=1; break; }
done
t_is "$caught" 1 "without the guard, a follower is caught skipping an id that committed late"
it_done
