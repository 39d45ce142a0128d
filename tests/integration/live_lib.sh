# tests/integration/live_lib.sh: sourced by the live-stream tests after
# lib.sh.  Workers of tests/integration/live_app, each on its own socket
# so that nginx (round robin over them) spreads streams across processes;
# a shared SQLite event log in $IT_DIR/live.db; clients are
# tests/integration/sse_client.py, started in the background and tracked
# in IT_PIDS so that the EXIT trap stops them.

IT_APP=$IT_BUILD/tests/integration/live_app
LIVE_CLIENT=$IT_SRC/tests/integration/sse_client.py
LIVE_SOCKS=()		# socket of each worker, in start order

# live_require: lib.sh's prerequisites, plus python3 for the client.
live_require() {
	it_require
	if ! command -v python3 >/dev/null 2>&1; then
		echo "1..0 # SKIP python3 not installed"; exit 0
	fi
	export LIVE_DB=${LIVE_DB:-}
}

# live_spawn SOCK [APP-ARGS...]: one worker under spawn-fcgi on SOCK; its
# PID goes to IT_WORKERS and LIVE_LAST_PID.
live_spawn() {
	local sock=$1
	shift
	it_spawn "$sock" 1 "$IT_APP" "$@"
	LIVE_LAST_PID=${IT_SPAWNED[0]}
	LIVE_SOCKS+=("$sock")
}

# live_start N [APP-ARGS...]: N workers on sockets w0..wN-1 sharing
# $IT_DIR/live.db, and nginx in front of all of them.
live_start() {
	local n=$1 i up=""
	shift
	export LIVE_DB=$IT_DIR/live.db
	LIVE_LOG=${LIVE_LOG:-$LIVE_DB}
	for ((i = 0; i < n; i++)); do
		live_spawn "$IT_DIR/w$i.sock" "$@"
		# lib.sh writes "server ADDRESS;": the other servers ride along.
		up+="${up:+; server }unix:$IT_DIR/w$i.sock"
	done
	it_start_nginx "$up"
}

# live_listen NAME [CLIENT-ARGS...]: a client on $LIVE_PATH (default
# /sse/live) in the background, its events in $IT_DIR/NAME.ev; sets
# LIVE_LAST_PID.
live_listen() {
	local name=$1
	shift
	python3 "$LIVE_CLIENT" listen "$IT_URL${LIVE_PATH:-/sse/live}" "$IT_DIR/$name.ev" "$@" \
	    2>>"$IT_DIR/$name.stderr" &
	LIVE_LAST_PID=$!
	IT_PIDS+=("$LIVE_LAST_PID")
}

# live_example PROGRAM: the example $IT_BUILD/examples/PROGRAM/PROGRAM as
# two workers sharing $NITRO_DB, with a stand-in Datastar client in
# NITRO_DATASTAR_JS, behind nginx; streams on /live.  With LIVE_STORE=pg
# NITRO_DB is a throwaway PostgreSQL (tests/pg_lib.sh) instead of a SQLite
# file: the same program, the same checks.
live_example() {
	live_require
	IT_APP=$IT_BUILD/examples/$1/$1
	[ -x "$IT_APP" ] || { echo "Bail out! $IT_APP is not built"; exit 1; }
	it_setup
	if [ "${LIVE_STORE:-}" = pg ]; then
		. "$IT_SRC/tests/pg_lib.sh"
		pg_start "$IT_DIR" || { echo "1..0 # SKIP $PG_WHY"; exit 0; }
		trap 'pg_stop; it_cleanup' EXIT
		export NITRO_DB=$PG_URL
	else
		export NITRO_DB=$IT_DIR/$1.db
	fi
	export NITRO_DATASTAR_JS=$IT_DIR/datastar.js
	printf '// Datastar stand-in\n' >"$NITRO_DATASTAR_JS"
	LIVE_LOG=$NITRO_DB
	live_start 2
	LIVE_PATH=/live
}

# live_id_events NAME: the events with an id of NAME's stream, as "id data".
live_id_events() { grep -vE '^[#-]' "$IT_DIR/$1.ev" | cut -d' ' -f1,4-; }

# live_log_sql SQL: run SQL on the workers' event log ($LIVE_LOG: a SQLite
# file, or a postgresql:// URL run through pg_lib.sh's pg_psql); prints
# the first column of the first row of the last statement, if any.  The
# log's tables are the same on both stores (nitro_events, nitro_event_log).
live_log_sql() {
	case $LIVE_LOG in
	postgresql://* | postgres://*)
		pg_psql -At -c "$1" | head -n 1 ;;
	*)
		python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
row = None
for q in sys.argv[2].split(";"):
    if q.strip():
        row = db.execute(q).fetchone()
db.commit()
if row is not None:
    print(row[0])' "$LIVE_LOG" "$1" ;;
	esac
}

# live_id N: the SSE id of event N of the workers' log ($LIVE_LOG): "E-N"
# with the log's epoch, as a browser would hold it.
live_id() { echo "$(live_log_sql 'SELECT epoch FROM nitro_event_log')-$1"; }

# live_gap_reconnect NAME: forget every event of the workers' log but the
# newest, as retention would (raising the floor), then reconnect as NAME,
# a stream that saw only event 1, and wait (10 s) for the one event it is
# sent: nitro.gap.
live_gap_reconnect() {
	live_log_sql 'UPDATE nitro_event_log SET floor = (SELECT max(id) - 1 FROM nitro_events);
DELETE FROM nitro_events WHERE id < (SELECT max(id) FROM nitro_events)'
	live_listen "$1" --last-id "$(live_id 1)" --expect 1 --timeout 10
	live_wait_exit "$LIVE_LAST_PID" 10
}

# live_events NAME: how many events (not hello, not comments) NAME has.
live_events() {
	[ -f "$IT_DIR/$1.ev" ] || { echo 0; return; }
	grep -cvE '^[#-]' "$IT_DIR/$1.ev"
}

# live_wait_events NAME N [SECONDS]: wait (default 10 s) for N events.
live_wait_events() {
	local i
	for ((i = 0; i < ${3:-10} * 20; i++)); do
		[ "$(live_events "$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

# live_wait_hello NAME...: wait up to 10 s until each stream said hello.
live_wait_hello() {
	local name
	for name in "$@"; do
		it_wait_grep "$IT_DIR/$name.ev" '^- hello' ||
		    it_wait_grep "$IT_DIR/$name.ev" '^- hello' || return 1
	done
}

# live_hello_pid NAME: the worker that served NAME's fresh stream.
live_hello_pid() { sed -nE 's/^- hello [0-9]+ pid ([0-9]+)$/\1/p' "$IT_DIR/$1.ev" | head -n 1; }

# live_listen_many COUNT SECONDS: COUNT clients s1..sCOUNT expecting
# $K events within SECONDS; sets LIVE_NAMES and LIVE_PIDS.
live_listen_many() {
	local i
	LIVE_NAMES=() LIVE_PIDS=()
	for ((i = 1; i <= $1; i++)); do
		live_listen "s$i" --expect "$K" --timeout "$2"
		LIVE_NAMES+=("s$i")
		LIVE_PIDS+=("$LIVE_LAST_PID")
	done
}

# live_workers_serving: how many workers serve the LIVE_NAMES streams.
live_workers_serving() {
	local n
	for n in "${LIVE_NAMES[@]}"; do live_hello_pid "$n"; done | sort -u | wc -l
}

# live_pub_spread GAP: $K events on topic t.a, one POST each, GAP seconds
# apart (nginx sends each to the next worker); prints how many workers
# published them.
live_pub_spread() {
	local i
	for ((i = 1; i <= K; i++)); do
		live_pub t.a 1 | sed -nE 's/^pid ([0-9]+) .*/\1/p'
		sleep "$1"
	done | sort -u | wc -l
}

# live_all_exited: every LIVE_PIDS client got its events and ended (20 s).
live_all_exited() {
	local p ok=1
	for p in "${LIVE_PIDS[@]}"; do
		live_wait_exit "$p" 20 || ok=0
	done
	[ $ok -eq 1 ]
}

# live_check_all: the client's check of every LIVE_NAMES stream against
# ids 1..$K ("ok events N replayed R p50 X p99 Y max Z" or "bad ...").
live_check_all() {
	python3 "$LIVE_CLIENT" check $(printf "$IT_DIR/%s.ev " "${LIVE_NAMES[@]}") --ids "1-$K"
}

# live_pub TOPIC N: publish N events through nginx (whichever worker).
live_pub() { it_curl -X POST "$IT_URL/pub?topic=$1&n=$2"; }

# live_info: the hub statistics of whichever worker answers.
live_info() { it_curl "$IT_URL/info"; }

# live_field TEXT NAME: the number after NAME in a "name value ..." line.
live_field() { sed -nE "s/.*(^| )$2 ([0-9]+).*/\2/p" <<<"$1" | head -n 1; }

# live_wait_exit PID SECONDS: wait for a background child; its status.
live_wait_exit() {
	local i
	for ((i = 0; i < $2 * 20; i++)); do
		it_alive "$1" || break
		sleep 0.05
	done
	it_alive "$1" && return 255
	wait "$1"
}

# live_skip DESC: a check that cannot be made here (TAP SKIP).
live_skip() { t_n=$((t_n + 1)); echo "ok $t_n # SKIP $1"; }

# live_quiet: true when the 1-minute load average is below the CPU count,
# so that latency targets can be held to.
live_quiet() {
	awk -v n="$(nproc)" '{ exit !($1 < n) }' /proc/loadavg
}
