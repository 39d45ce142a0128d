#!/usr/bin/env bash
# A rolling restart under load loses nothing.  Two workers listening by
# themselves (--listen unix:, as systemd runs them) behind one nginx
# upstream; a steady stream of POSTs to a handler that takes 20 ms; one
# worker gets SIGTERM and is started again on the same path, a few times.
# A stopping worker unlinks its path first (new connects fail, and nginx
# tries the other server, even for a POST), then serves what was already
# queued on its socket instead of resetting it at exit (a 502).  Then: a
# worker never unlinks a path that is not its socket any more (a newer
# worker's on the same path), nor the path of a socket it inherited.
. "${top_srcdir:-.}/tests/integration/lib.sh"
it_require spawn-fcgi
it_setup

it_start_listener a "unix:$IT_DIR/a.sock" --threads 2
a=$IT_LAST_PID
it_start_listener b "unix:$IT_DIR/b.sock" --threads 2
it_wait_file "$IT_DIR/a.sock"
it_wait_file "$IT_DIR/b.sock"
# Two upstream servers: "server A; server B;" in the upstream block.
it_start_nginx "unix:$IT_DIR/a.sock; server unix:$IT_DIR/b.sock"
t_is "$(it_curl -d x=1 "$IT_URL/work")" "worked" "a POST is answered through nginx"

# ---- a rolling restart of worker a under a stream of POSTs ----
N=3000
curl -s --max-time 40 -Z --parallel-max 24 -d x=1 -o /dev/null \
    -w '%{http_code}\n' "$IT_URL/work?n=[1-$N]" >"$IT_DIR/codes" 2>"$IT_DIR/curl.err" &
client=$!
for i in 1 2 3 4; do
	sleep 0.8
	kill -TERM "$a"
	wait "$a"
	rc=$?
	[ "$rc" -eq 0 ] || diag "worker a exited $rc on SIGTERM"
	it_start_listener "a$i" "unix:$IT_DIR/a.sock" --threads 2
	a=$IT_LAST_PID
	it_wait_file "$IT_DIR/a.sock"
done
wait "$client"
t_is "$(wc -l <"$IT_DIR/codes" | tr -d ' ')" "$N" "every request of the stream got an answer"
t_is "$(grep -cvx 200 "$IT_DIR/codes")" 0 "all of them 200 across four restarts (not 200: $(sort "$IT_DIR/codes" | uniq -c | grep -v ' 200$' | tr -s ' \n' ' '))"
served=$(cat "$IT_DIR"/a*.stderr | grep -c 'path=/work')
t_like "$served" '^[1-9][0-9]*$' "worker a served part of the stream (${served})"

# ---- a path that is not our socket any more is left alone ----
it_start_listener old "unix:$IT_DIR/c.sock"
old=$IT_LAST_PID
it_wait_file "$IT_DIR/c.sock"
ino=$(stat -c %i "$IT_DIR/c.sock")
it_start_listener new "unix:$IT_DIR/c.sock"
new=$IT_LAST_PID
for i in $(seq 50); do
	[ "$(stat -c %i "$IT_DIR/c.sock" 2>/dev/null)" != "$ino" ] && break
	sleep 0.1
done
kill -TERM "$old"
wait "$old"
t_is "$([ -S "$IT_DIR/c.sock" ] && echo kept)" "kept" \
    "a stopping worker keeps a path that a newer worker bound since"
kill -TERM "$new"
wait "$new"
t_is "$([ -e "$IT_DIR/c.sock" ] || echo gone)" "gone" "the newer worker unlinks its own path on SIGTERM"

# ---- an inherited socket (fd 0, spawn-fcgi) keeps its path ----
it_spawn "$IT_DIR/s.sock" 1 "$IT_APP"
s=${IT_SPAWNED[0]}
kill -TERM "$s"
for i in $(seq 100); do it_alive "$s" || break; sleep 0.1; done
t_is "$(it_alive "$s" || echo exited)" "exited" "a worker on an inherited socket exits on SIGTERM"
t_is "$([ -S "$IT_DIR/s.sock" ] && echo kept)" "kept" \
    "and leaves the path of the socket it inherited alone"
it_done
