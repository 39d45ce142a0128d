#!/usr/bin/env bash
# `nitro serve`: the generated configuration, nginx and spawn-fcgi workers
# started and served, a killed worker restarted, and SIGTERM stopping every
# process it started.
. "${top_srcdir:-.}/tests/integration/lib.sh"
it_require
it_setup
NITRO=$IT_BUILD/nitro
run=$IT_DIR/run

# ---- the command line ----
"$NITRO" help >"$IT_DIR/help" 2>&1
t_is "$?" 0 "nitro help exits 0"
t_like "$(cat "$IT_DIR/help")" '^  serve ' "nitro help lists serve"
"$NITRO" frobnicate >/dev/null 2>&1
t_is "$?" 2 "an unknown command exits 2"
"$NITRO" serve --port 1 >/dev/null 2>"$IT_DIR/err"
t_is "$?" 2 "serve without --app exits 2"
t_like "$(cat "$IT_DIR/err")" '--app' "and says --app is required"
"$NITRO" serve --app "$IT_DIR/nonexistent" --run-dir "$run" >/dev/null 2>&1
t_is "$?" 2 "serve with a missing program exits 2"

# ---- the configuration it writes ----
port=$(it_free_port)
"$NITRO" serve --app "$IT_APP" --port "$port" --workers 3 --run-dir "$run" \
    --max-body 3m --print-config >"$IT_DIR/printed"
t_is "$?" 0 "--print-config exits 0"
t_is "$(grep -c "server unix:$run/w[0-2].sock;" "$IT_DIR/printed")" 3 \
    "one upstream server per worker socket"
t_like "$(cat "$IT_DIR/printed")" "listen 127.0.0.1:$port;" "listens on loopback only"
t_like "$(cat "$IT_DIR/printed")" 'client_max_body_size 3m;' "--max-body sets client_max_body_size"
t_is "$(grep -c '@' "$IT_DIR/printed")" 0 "no template marker is left"

# ---- serving ----
"$NITRO" serve --app "$IT_APP" --port "$port" --workers 2 --run-dir "$run" \
    >"$IT_DIR/serve.out" 2>"$IT_DIR/serve.stderr" &
serve=$!
IT_PIDS+=("$serve")
t_run "nginx listens on the port" it_wait_port "$port"
it_wait_file "$run/w1.sock"
t_run "it prints the URL" it_wait_grep "$IT_DIR/serve.out" "http://127.0.0.1:$port/"
t_is "$(curl -s --max-time 10 "http://127.0.0.1:$port/hello/serve")" "Hello, serve!" \
    "a request through nginx to a worker"
t_is "$(stat -c %a "$run/w0.sock" "$run/w1.sock" | sort -u)" 660 "worker sockets have mode 0660"
t_run "the configuration file is in the run directory" test -s "$run/nginx.conf"
kids=$(it_children "$serve")
t_is "$(echo "$kids" | wc -l)" 3 "three children: nginx and two workers"
t_is "$(cat "$run/nginx.pid" 2>/dev/null)" "$(for k in $kids; do
	[ "$(readlink "/proc/$k/exe")" = "$(readlink -f "$NGINX")" ] && echo "$k"; done)" \
    "nginx's pid file names the nginx child"

# ---- a worker that dies is restarted ----
victim=$(curl -s --max-time 10 "http://127.0.0.1:$port/stats" | sed -n 's/^pid=//p')
t_like "$kids" "^$victim\$" "/stats names one of serve's workers"
# It has served: once serve has seen it start (its threads, within a
# tick), its death is a crash to replace at once, not a failed start.
sleep 0.3
kill -KILL "$victim"
for i in $(seq 50); do
	now=$(it_children "$serve")
	[ "$(echo "$now" | wc -l)" -eq 3 ] && ! echo "$now" | grep -qx "$victim" && break
	sleep 0.1
done
t_is "$(echo "$now" | wc -l)" 3 "the killed worker is replaced"
t_run "the replacement is a new process" sh -c "! echo '$now' | grep -qx '$victim'"
ok=0
for i in $(seq 10); do
	[ "$(curl -s --max-time 10 "http://127.0.0.1:$port/hello/again")" = "Hello, again!" ] &&
	    ok=$((ok + 1))
done
t_is "$ok" 10 "every request after the restart succeeds"
t_like "$(cat "$IT_DIR/serve.stderr")" 'msg="worker died; restarting"' "the restart is logged"

# ---- SIGTERM stops everything it started ----
now=$(it_children "$serve")
kill -TERM "$serve"
wait "$serve"
t_is "$?" 0 "serve exits 0 on SIGTERM"
left=""
for k in $now; do it_alive "$k" && left="$left $k"; done
t_is "$left" "" "no process it started is left"
t_run "nothing listens on the port any more" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null"
t_is "$(ls "$run"/*.sock 2>/dev/null)" "" "the worker sockets are removed"
it_done
