#!/usr/bin/env bash
# `nitro serve` keeps the site up: a worker killed again and again is
# replaced at once every time (the downtime is measured: SIGKILL until the
# replacement answers), a worker that cannot start is retried with a
# growing wait, and nginx killed with SIGKILL leaves nothing behind that
# holds the port: serve kills its orphaned workers and starts it again.
. "${top_srcdir:-.}/tests/integration/lib.sh"
it_require
it_setup
NITRO=$IT_BUILD/nitro
run=$IT_DIR/run

ms() { echo $(($(date +%s%N) / 1000000)); }
# worker_pid: the pid of the worker that answers (empty when none does).
worker_pid() { curl -s --max-time 2 "http://127.0.0.1:$port/stats" | sed -n 's/^pid=//p'; }
# serve_start NAME ARGS...: nitro serve in the background; sets serve.
serve_start() {
	local name=$1
	shift
	"$NITRO" serve --port "$port" --run-dir "$run" --streams 100 "$@" \
	    >"$IT_DIR/$name.out" 2>"$IT_DIR/$name.stderr" &
	serve=$!
	IT_PIDS+=("$serve")
	it_wait_grep "$IT_DIR/$name.out" "http://127.0.0.1:$port/"
}
serve_stop() {
	kill -TERM "$serve"
	wait "$serve"
}

# ---- a worker killed every second is back at once, every time ----
port=$(it_free_port)
t_run "serve starts with one worker" serve_start crash --app "$IT_APP" --workers 1
worst=0 all="" ok=0
for round in 1 2 3 4 5 6; do
	for i in $(seq 50); do victim=$(worker_pid); [ -n "$victim" ] && break; sleep 0.05; done
	sleep 1
	t0=$(ms)
	kill -KILL "$victim"
	while :; do
		now=$(worker_pid)
		[ -n "$now" ] && [ "$now" != "$victim" ] && break
		[ $(($(ms) - t0)) -gt 10000 ] && break
		sleep 0.02
	done
	down=$(($(ms) - t0))
	all+="${all:+, }$down"
	[ "$down" -gt "$worst" ] && worst=$down
	[ "$down" -lt 1000 ] && ok=$((ok + 1))
done
diag "downtime after SIGKILL of the only worker (ms): $all"
t_is "$ok" 6 "six crashes in a row: each time the replacement answers within 1 s (worst $worst ms)"
t_like "$(cat "$IT_DIR/crash.stderr")" 'msg="worker died; restarting"' "the restart is logged"
t_run "serve stops" serve_stop

# ---- a worker that cannot start is retried, each time later ----
cat >"$IT_DIR/nostart" <<EOF
#!/bin/sh
echo start >>"$IT_DIR/starts"
exit 1
EOF
chmod 0755 "$IT_DIR/nostart"
port=$(it_free_port)
t_run "serve starts with a worker that cannot start" serve_start nostart \
    --app "$IT_DIR/nostart" --workers 1
sleep 3
n=$(wc -l <"$IT_DIR/starts")
t_like "$n" '^[3-7]$' "in 3 s it was tried a few times, waiting longer each time ($n)"
t_like "$(cat "$IT_DIR/nostart.stderr")" 'msg="worker did not start; retrying".*wait_ms=400' \
    "the waits double and are logged"
t_run "serve stops" serve_stop

# ---- nginx killed with SIGKILL ----
port=$(it_free_port)
t_run "serve starts" serve_start nginx --app "$IT_APP" --workers 1
master=$(cat "$run/nginx.pid")
orphans=$(it_children "$master")
t_like "$orphans" '^[0-9]+$' "nginx runs one worker process"
kill -KILL "$master"
gone=0
for i in $(seq 50); do
	it_alive "$orphans" || { gone=1; break; }
	sleep 0.1
done
t_is "$gone" 1 "nginx's worker does not outlive its master"
for i in $(seq 100); do
	m2=$(cat "$run/nginx.pid" 2>/dev/null)
	[ -n "$m2" ] && [ "$m2" != "$master" ] && it_alive "$m2" &&
	    [ "$(curl -s --max-time 2 "http://127.0.0.1:$port/hello/again")" = "Hello, again!" ] && break
	sleep 0.1
done
t_is "$(curl -s --max-time 5 "http://127.0.0.1:$port/hello/again")" "Hello, again!" \
    "nginx is started again and serves"
t_like "$(it_children "$serve")" "^$m2\$" "the new nginx is serve's child"
t_like "$(cat "$IT_DIR/nginx.stderr")" 'msg="nginx died; restarting"' "the restart is logged"
nginx_pids="$master $orphans $m2 $(it_children "$m2")"
t_run "serve stops" serve_stop
left=""
for p in $nginx_pids; do it_alive "$p" && left+=" $p"; done
t_is "$left" "" "nothing of nginx is left"
t_run "the next serve gets the port" serve_start next --app "$IT_APP" --workers 1
t_is "$(curl -s --max-time 5 "http://127.0.0.1:$port/hello/next")" "Hello, next!" "and serves"

# ---- serve itself killed with SIGKILL ----
kids=$(it_children "$serve")
m3=$(cat "$run/nginx.pid")
all_pids="$kids $(it_children "$m3")"
kill -KILL "$serve"
wait "$serve" 2>/dev/null
left=""
for i in $(seq 50); do
	left=""
	for p in $all_pids; do it_alive "$p" && left+=" $p"; done
	[ -z "$left" ] && break
	sleep 0.1
done
t_is "$left" "" "serve killed with SIGKILL: its workers and nginx stop too"
t_run "and the port is free" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null"
it_done
