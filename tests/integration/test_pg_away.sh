#!/usr/bin/env bash
# TodoMVC on PostgreSQL behind nginx (two workers) while the database is
# away and when it comes back, as deployed: the page, a write and the
# health endpoint answer 503 with a reason within a bound (never a 500, a
# hang or a crash: the same worker processes serve throughout); an open
# live stream keeps its worker free; once the server is started again on
# the same data directory and port every request answers 200 without
# restarting a worker, and the stream resumes with exact replay.  Then a
# server that accepts the statement but does not finish it (a table held
# locked): the statement timeout, set in the URL (configuration, not
# code), ends the request with 503 in bounded time; and one whose server
# processes are stopped (kill -STOP), where no statement timeout can
# fire: the calls stop waiting after it, in bounded time too; and the
# same for the processes of the connections that LISTEN for events.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$IT_SRC/tests/integration/live_lib.sh"
IT_APP=$IT_BUILD/examples/todomvc/todomvc
live_require
it_setup
. "$IT_SRC/tests/pg_lib.sh"
pg_start "$IT_DIR" || { echo "1..0 # SKIP $PG_WHY"; exit 0; }
trap 'pg_stop; it_cleanup' EXIT
# The URL carries the timeouts: 2 s to connect, statements cancelled
# after 1.5 s.
export NITRO_DB="$PG_URL?connect_timeout=2&options=-c%20statement_timeout%3D1500"
export NITRO_DATASTAR_JS=$IT_DIR/datastar.js
printf '// Datastar stand-in\n' >"$NITRO_DATASTAR_JS"
LIVE_LOG=$PG_URL LIVE_PATH=/todos/live
live_start 2
BOUND=10	# seconds: any answer while the database is away

# req NAME ARGS...: one request bounded by $BOUND s through nginx; prints
# "STATUS SECONDS", the body in $IT_DIR/NAME.
req() {
	local name=$1
	shift
	curl -s --max-time "$BOUND" -o "$IT_DIR/$name" -w '%{http_code} %{time_total}' \
	    "$@"
}
DS=(-H 'Datastar-Request: true' -H 'Content-Type: application/json')
add() { req add -X POST "${DS[@]}" --data "{\"title\":\"$1\",\"filter\":\"all\"}" "$IT_URL/todos"; }
# status_under ANSWER CODE: ANSWER ("STATUS SECONDS") is CODE within BOUND.
status_under() { awk -v c="$2" -v b="$BOUND" '{ exit !($1 == c && $2 < b) }' <<<"$1"; }
# each_is CODE NAME ARGS...: two requests (one per worker, nginx
# alternates) each answer CODE within the bound.
each_is() {
	local code=$1 name=$2 got="" a
	shift 2
	for a in 1 2; do
		a=$(req "$name" "$@")
		status_under "$a" "$code" || got+="$a; "
	done
	[ -z "$got" ] || { diag "$name: $got"; return 1; }
}
# ids NAME: the ids of NAME's events, one line.
ids() { live_id_events "$1" | cut -d' ' -f1 | tr '\n' ' '; }
# retry SECONDS CMD...: CMD until it succeeds, every 0.2 s, at most SECONDS.
retry() {
	local i
	for ((i = 0; i < $1 * 5; i++)); do
		"${@:2}" && return 0
		sleep 0.2
	done
	return 1
}
workers_same() {
	local w
	for w in "${IT_WORKERS[@]}"; do it_alive "$w" || return 1; done
}

t_is "$(add one | cut -d' ' -f1)" 200 "with the database up a todo is added: 200"
live_listen s --reconnect --timeout 60
stream=$LIVE_LAST_PID
t_run "a live stream is open" it_wait_grep "$IT_DIR/s.ev" '^- datastar-patch-elements'
add two >/dev/null
t_run "and gets the next change" live_wait_events s 1

# ---- the server stopped ----
pg_stop
t_run "with the server stopped, the page answers 503 within ${BOUND} s" \
    each_is 503 page "$IT_URL/"
t_like "$(cat "$IT_DIR/page")" 'database is unavailable|connection was lost' "saying the database is away"
t_run "a write answers 503 too" each_is 503 add -X POST "${DS[@]}" \
    --data '{"title":"lost","filter":"all"}' "$IT_URL/todos"
t_run "so does the health endpoint" each_is 503 health "$IT_URL/healthz"
t_like "$(cat "$IT_DIR/health")" '"failed":"database"' "which names the database"
t_run "no worker crashed" workers_same
t_run "the stream's worker still answers" each_is 503 page2 "$IT_URL/"

# ---- the server back on the same data directory and port ----
t_run "the server starts again on its data directory and port" pg_resume
back() { status_under "$(req page "$IT_URL/")" 200 && status_under "$(req page "$IT_URL/")" 200; }
t_run "within 10 s both workers answer the page again" retry 10 back
t_like "$(cat "$IT_DIR/page")" '>two</label>' "with the data of before"
t_is "$(add three | cut -d' ' -f1)" 200 "a write succeeds"
t_run "the health endpoint is 200 again" retry 10 each_is 200 health "$IT_URL/healthz"
t_run "the same workers serve" workers_same
t_run "the open stream gets the change" live_wait_events s 2 15
t_is "$(ids s)" "2 3 " "its events in order, each once"
live_listen r --last-id "$(live_id 1)" --expect 2 --timeout 10
t_run "a reconnect with Last-Event-ID (event 1) ends after its replay" \
    live_wait_exit "$LIVE_LAST_PID" 10
t_is "$(ids r)" "2 3 " "and is sent exactly events 2 and 3"

# ---- a server that does not finish the statement ----
pg_psql -c 'BEGIN; LOCK TABLE todo IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(30)' \
    >/dev/null 2>&1 &
locker=$!
IT_PIDS+=("$locker")
retry 5 test "$(pg_psql -At -c "SELECT count(*) FROM pg_locks WHERE relation = 'todo'::regclass AND mode = 'AccessExclusiveLock' AND granted")" = 1
t_run "with the table locked, the page answers 503 within ${BOUND} s" each_is 503 page "$IT_URL/"
t_like "$(cat "$IT_DIR/page")" 'busy' "saying the server is busy"
t_run "a write too" each_is 503 add -X POST "${DS[@]}" \
    --data '{"title":"late","filter":"all"}' "$IT_URL/todos"
it_stop "$locker" TERM
pg_psql -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()" >/dev/null
t_run "once the lock is gone, the page answers 200 again" retry 10 each_is 200 page "$IT_URL/"
t_run "the same workers serve" workers_same
# ---- a server that takes the statement and never answers ----
# The server processes of the workers' request connections stopped (not
# the listening ones, "nitro listen"): statement_timeout cannot fire in a
# process that does not run, so the calls give their connection up after
# it and 2 s more; a read runs again on a new connection.
backends=$(pg_psql -At -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'nitro'")
t_like "$backends" '^[0-9]+$' "the workers' connections are found"
kill -STOP $backends
t_run "with them stopped, the page still answers 200 within ${BOUND} s" \
    each_is 200 page "$IT_URL/"
# A write is not run again (it may have committed): 503 or, on a thread
# whose connection is new, 200; never a 500 or a hang.
writes=""
for i in 1 2; do
	writes+="$(add "stopped $i" | cut -d' ' -f1) "
done
t_like "$writes" '^((200|503) ){2}$' "a write answers 200 or 503 within ${BOUND} s"
kill -CONT $backends
t_run "the health endpoint is 200" each_is 200 health "$IT_URL/healthz"
t_run "the same workers serve" workers_same

# ---- the listening connections' server processes stopped ----
# No notification comes through a stopped process; the follower's
# backstop query (every 2 s) waits at most the statement timeout and 2 s
# more, then the follower connects again and reads what it missed: the
# stream gets the change late, not never, and its hub is not stuck.
listeners=$(pg_psql -At -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'nitro-listen'")
t_is "$(wc -w <<<"$listeners")" 2 "the workers' two listening connections are found"
kill -STOP $listeners
seen=$(live_id_events s | wc -l)
t_is "$(add heard | cut -d' ' -f1)" 200 "with them stopped, a todo is added: 200"
t_run "the open stream gets the change within 15 s" live_wait_events s $((seen + 1)) 15
t_like "$(live_id_events s | tail -n 1)" 'heard' "the change that was added"
t_run "the health endpoint is 200" retry 10 each_is 200 health "$IT_URL/healthz"
t_like "$(pg_psql -At -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'nitro-listen' AND state IS NOT NULL")" \
    '^[2-4]$' "the followers listen on new connections"
kill -CONT $listeners
t_run "the same workers serve" workers_same
it_stop "$stream" TERM
it_done
