#!/usr/bin/env bash
# tests/pg/test_pg.sh: the PostgreSQL suites (TAP), on one throwaway cluster.
#
# Starts a cluster (tests/pg_lib.sh), then runs each C test program of
# tests/pg with PG_URL set, renumbering their checks into this script's
# plan; the reconnect test restarts the server under a running program
# (it asks by printing "# restart" and waits for the file $PGT_RESTARTED).  Skipped, with the reason, only when PostgreSQL is not installed.
set -u
top=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
build=${top_builddir:-.}
. "$top/tests/pg_lib.sh"

work=$(mktemp -d /tmp/nitro-pgtest-XXXXXX) || exit 1
cleanup() {
	pg_stop
	rm -rf "$work"
}
trap cleanup EXIT

if ! pg_start "$work"; then
	echo "1..0 # SKIP $PG_WHY"
	exit 0
fi

n=0 failed=0
# run PROGRAM: its checks, renumbered; a crash or a short plan fails.
run() {
	local prog=$1 name out rc plan got
	name=$(basename "$prog")
	out=$work/$name.out
	# The program may ask for a server restart ("# restart"); the file
	# $PGT_RESTARTED tells it the server is back.
	export PGT_RESTARTED=$work/$name.restarted
	rm -f "$PGT_RESTARTED"
	timeout -k 5 300 "$build/$prog" >"$out" 2>&1 </dev/null &
	local pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if [ ! -e "$PGT_RESTARTED" ] && grep -q '^# restart$' "$out" 2>/dev/null; then
			pg_restart_immediate || echo "# pg_restart_immediate failed" >>"$work/log"
			touch "$PGT_RESTARTED"
		fi
		sleep 0.1
	done
	wait "$pid"
	echo $? >"$work/rc"
	rc=$(cat "$work/rc")
	plan=$(sed -nE 's/^1\.\.([0-9]+).*/\1/p' "$out" | head -n 1)
	got=0
	while IFS= read -r line; do
		case $line in
		"ok "*|"not ok "*)
			got=$((got + 1)); n=$((n + 1))
			[[ $line == "not ok"* ]] && failed=$((failed + 1))
			echo "$line" | sed -E "s/^(not )?ok [0-9]+ - /\1ok $n - $name: /"
			;;
		"1.."*) ;;
		*) echo "# $line" ;;
		esac
	done <"$out"
	if [ "$rc" -ne 0 ] || [ -z "$plan" ] || [ "$got" -ne "$plan" ]; then
		n=$((n + 1)); failed=$((failed + 1))
		echo "not ok $n - $name ran to its end (exit $rc, $got of ${plan:-?} checks)"
	fi
}

for prog in tests/pg/test_pg_conformance tests/pg/test_pg_repo tests/pg/test_pg_cli; do
	run "$prog"
done
echo "1..$n"
[ "$failed" -eq 0 ]
