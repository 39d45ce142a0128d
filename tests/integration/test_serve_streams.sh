#!/usr/bin/env bash
# `nitro serve` sizes nginx for the streams its workers hold: 3,000 live
# streams at once through it (nginx's old 4,096 connections held about
# 2,047, two connections a stream), loopback only.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$IT_SRC/tests/integration/live_lib.sh"
live_require
it_setup
NITRO=$IT_BUILD/nitro
run=$IT_DIR/run
N=3000
export LIVE_DB=$IT_DIR/live.db

port=$(it_free_port)
"$NITRO" serve --app "$IT_APP" --port "$port" --workers 1 --streams 4000 \
    --run-dir "$run" --print-config >"$IT_DIR/printed"
conns=$(sed -nE 's/^[[:space:]]*worker_connections ([0-9]+);/\1/p' "$IT_DIR/printed")
files=$(sed -nE 's/^worker_rlimit_nofile ([0-9]+);/\1/p' "$IT_DIR/printed")
t_like "$conns" '^[0-9]+$' "worker_connections is set ($conns)"
t_run "two connections for each of the 4000 streams, and more" test "${conns:-0}" -gt 8000
t_run "worker_rlimit_nofile is above the connections ($files)" test "${files:-0}" -gt "${conns:-0}"

"$NITRO" serve --app "$IT_APP" --port "$port" --workers 1 --streams 4000 \
    --run-dir "$run" >"$IT_DIR/serve.out" 2>"$IT_DIR/serve.stderr" &
serve=$!
IT_PIDS+=("$serve")
t_run "serve starts" it_wait_grep "$IT_DIR/serve.out" "http://127.0.0.1:$port/"
got=$(timeout 120 python3 "$LIVE_CLIENT" storm "http://127.0.0.1:$port/sse/live" "$N")
diag "streams held at once through nitro serve: ${got#held }"
t_is "$got" "held $N" "$N streams held at once through nitro serve"
t_is "$(grep -c 'worker_connections are not enough' "$run/nginx-error.log")" 0 \
    "nginx never ran out of connections"
kill -TERM "$serve"
wait "$serve"
t_is "$?" 0 "serve stops"
it_done
