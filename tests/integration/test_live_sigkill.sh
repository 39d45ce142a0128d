#!/usr/bin/env bash
# SIGKILL of a worker holding streams: its clients see their streams break,
# reconnect with Last-Event-ID (nginx sends them to a worker that stays),
# and miss nothing: every client gets every event exactly once, in order,
# including those published while it was reconnecting.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$IT_SRC/tests/integration/live_lib.sh"
live_require
it_setup
live_start 3

names=() pids=()
for i in 1 2 3 4 5 6; do
	live_listen "s$i" --reconnect --expect 60 --timeout 60
	names+=("s$i") pids+=("$LIVE_LAST_PID")
done
t_run "six streams say hello" live_wait_hello "${names[@]}"
t_like "$(live_pub t.k 20)" ' first 1 last 20$' "events 1-20 published"
ok=1
for n in "${names[@]}"; do live_wait_events "$n" 20 || ok=0; done
t_is "$ok" 1 "every stream has them"

# The victim: the worker that holds the first stream.
victim=$(live_hello_pid s1)
held=$(for n in "${names[@]}"; do live_hello_pid "$n"; done | grep -cx "$victim")
t_like "$held" '^[1-6]$' "worker $victim holds $held of the streams"
kill -KILL "$victim"
for i in $(seq 50); do it_alive "$victim" || break; sleep 0.05; done
it_alive "$victim"
t_is "$?" 1 "worker $victim is gone"
# Published by the survivors while the victim's clients reconnect.
for i in 1 2 3 4; do
	live_pub t.k 10 | grep -q " last $((20 + 10 * i))$" || fail "publish $i after the kill"
	sleep 0.05
done
ok=1
for p in "${pids[@]}"; do live_wait_exit "$p" 20 || ok=0; done
t_is "$ok" 1 "every client ended after its 60 events"
t_like "$(python3 "$LIVE_CLIENT" check $(printf "$IT_DIR/%s.ev " "${names[@]}") --ids 1-60)" \
    '^ok events 360 ' "every client got 1..60 exactly once, in order"
moved=0
for n in "${names[@]}"; do
	if [ "$(live_hello_pid "$n")" = "$victim" ]; then
		grep -q '^# reconnect' "$IT_DIR/$n.ev" && moved=$((moved + 1))
		grep -qE " pid $victim\|" <(grep -A1000 '^# reconnect' "$IT_DIR/$n.ev") &&
		    fail "$n was served by the dead worker after reconnecting"
	fi
done
t_is "$moved" "$held" "the victim's $held clients reconnected"
stayed=0
for n in "${names[@]}"; do
	[ "$(live_hello_pid "$n")" != "$victim" ] && ! grep -q '^# reconnect' "$IT_DIR/$n.ev" &&
	    stayed=$((stayed + 1))
done
t_is "$stayed" $((6 - held)) "the other clients never lost their streams"
it_done
