#!/usr/bin/env bash
# The multi-host test can catch a skip: the same scenario as
# test_hosts.sh with PostgreSQL's ordering guard switched off in every
# worker (HOSTS_UNORDERED=1: hosts_app calls the test-build-only
# nitro__pg_events_unordered()).  Publishers then take ids without
# waiting for each other, a transaction held open keeps its id while a
# later one commits, followers pass that id, and some client must miss an
# event: the check that test_hosts.sh passes has to fail here.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$IT_SRC/tests/integration/hosts_lib.sh"
[ "${HOSTS_STORE:-pg}" = pg ] || hosts_skip "the ordering guard is PostgreSQL's (HOSTS_STORE=$HOSTS_STORE)"
# Events without notes: a note's id comes from a row lock that would
# serialize the writers by itself.
export HOSTS_STORE=pg HOSTS_UNORDERED=1 HOSTS_NOTE=0
hosts_begin 500
after=$HOSTS_AFTER

hosts_clients 6 "$after" --timeout 90
hosts_publishers 2 25 60
hosts_committed "$IT_DIR/committed"
t_run "every client reached the newest event of its topics" \
    hosts_stop_clients "$IT_DIR/committed"
bad=0
for name in "${HOSTS_CLIENTS[@]}"; do
	res=$(python3 "$HOSTS_CLIENT" check "$IT_DIR/$name.ev" \
	    "$(cat "$IT_DIR/$name.pattern")" "$after" "$IT_DIR/committed")
	case $res in
	bad*) bad=$((bad + 1)); diag "$res" ;;
	esac
done
t_like "$bad" '^[1-9]' "without the guard, the check fails: $bad of ${#HOSTS_CLIENTS[@]} clients missed committed events"
it_done
