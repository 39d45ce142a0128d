#!/usr/bin/env bash
# Streams spread over the worker processes that share one socket
# (spawn-fcgi -F 2, as nitro serve and deploy/ run them).  The kernel hands
# a connection to whichever process waits first, so without care one
# worker takes every stream and refuses the fifth with 503 while its
# sibling holds none.  With max_streams 4 in each of two workers, eight
# streams opened one after the other are all taken, four by each; a ninth
# is refused; other requests are still served; and a place that comes
# free is taken again.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$IT_SRC/tests/integration/live_lib.sh"
live_require
it_setup
export LIVE_DB=$IT_DIR/live.db LIVE_MAX=4
it_spawn "$IT_DIR/w.sock" 2 "$IT_APP"
it_start_nginx

names=() pids=()
for i in 1 2 3 4 5 6 7 8; do
	live_listen "s$i" --timeout 60
	names+=("s$i")
	pids+=("$LIVE_LAST_PID")
	live_wait_hello "s$i" || break
done
t_run "eight streams are open" live_wait_hello "${names[@]}"
per_worker() { for n in "${names[@]}"; do live_hello_pid "$n"; done | sort | uniq -c | awk '{ print $1 }' | tr '\n' ' '; }
t_is "$(per_worker)" "4 4 " "four in each worker"
t_is "$(it_status "$IT_URL/sse/live")" 503 "a ninth is refused: both workers hold their limit"
t_like "$(live_pub t.s 1)" ' first 1 last 1$' "other requests are still served"

# s1 leaves: its worker has a place again and takes the next stream.
victim=$(live_hello_pid s1)
kill -KILL "${pids[0]}"
wait "${pids[0]}" 2>/dev/null
# The worker learns of it through nginx a moment later: a stream opened
# before that is refused, so try a few times.
for try in 1 2 3 4 5; do
	rm -f "$IT_DIR/s9.ev"
	live_listen s9 --timeout 60
	it_wait_grep "$IT_DIR/s9.ev" '^# status' || break
	grep -q '^# status 200' "$IT_DIR/s9.ev" && break
	sleep 0.2
done
names[0]=s9
t_run "a new stream is taken" live_wait_hello s9
t_is "$(live_hello_pid s9)" "$victim" "by the worker that had the free place"
t_is "$(per_worker)" "4 4 " "four in each worker again"
it_done
