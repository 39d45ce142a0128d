#!/usr/bin/env bash
# Three hosts behind no balancer but the clients themselves: network
# namespaces with their own nginx and two workers each, sharing one store
# (hosts_lib.sh).  Publishers on every host hold their transactions open
# for random times, so that commits come out of id order; clients roam,
# reconnecting at random to random hosts with Last-Event-ID.  Every
# client's events are strictly increasing, without duplicates, and equal
# to the committed events of its topics; every acknowledged write is in
# the store.  Some clients reach the hosts through deploy/nginx/front.conf.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$IT_SRC/tests/integration/hosts_lib.sh"
hosts_begin 500
after=$HOSTS_AFTER
for i in 1 2; do
	t_like "$(curl -s --max-time 5 "${HOSTS_URL[$i]}/info")" "^host h$i pid " \
	    "host h$i answers on its own address"
done

hosts_clients 9 "$after" --timeout 90
# Three more through deploy/nginx/front.conf, the balancer of a deployment:
# it chooses the host of each reconnection.
hosts_front
HOSTS_CLIENT_URLS=$HOSTS_FRONT_URL hosts_clients 3 "$after" --timeout 90
hosts_publishers 2 25 40
t_is "$(wc -l <"$IT_DIR/unacked")" 0 "every write was acknowledged"
hosts_committed "$IT_DIR/committed"
hosts_check_acked
t_run "every client reached the newest event of its topics" \
    hosts_stop_clients "$IT_DIR/committed"
hosts_check_clients "$after" "$IT_DIR/committed"
# The check can fail: a copy of c2's output without one event it got, or
# with one twice, is refused.
awk '$1 ~ /^[0-9]+$/ && ++n == 10 { next } { print }' "$IT_DIR/c2.ev" >"$IT_DIR/skip.ev"
t_like "$(python3 "$HOSTS_CLIENT" check "$IT_DIR/skip.ev" 't.*' "$after" "$IT_DIR/committed")" \
    '^bad skip\.ev: 149 events, 150 committed; missing \[[0-9]+\]' "the check catches a skipped event"
awk '$1 ~ /^[0-9]+$/ && ++n == 10 { print } { print }' "$IT_DIR/c2.ev" >"$IT_DIR/dup.ev"
t_like "$(python3 "$HOSTS_CLIENT" check "$IT_DIR/dup.ev" 't.*' "$after" "$IT_DIR/committed")" \
    '^bad dup\.ev: id [0-9]+ after [0-9]+' "and a duplicate"
n=$(cat "$IT_DIR"/c*.ev | grep -c '^# connect ')
t_like "$n" '^[0-9]{2,}$' "the clients reconnected ($n connections) to random hosts"
t_is "$(cat "$IT_DIR"/c*.ev | awk '$1 ~ /^[0-9]+$/ { print $4 }' | sort -u | wc -l)" 3 \
    "events were delivered by all three hosts"
diag "delivery latency (ms): $(python3 "$HOSTS_CLIENT" latency "$IT_DIR"/c*.ev)"
[ "$t_failed" -eq 0 ] || hosts_dump_logs
it_done
