# tests/integration/hosts_lib.sh: several "hosts" on this machine, sourced
# after lib.sh by the multi-host tests (and bench/hosts/run).
#
# Each host is a network namespace of its own with a veth pair into a
# bridge in the root namespace, a private address 10.A.B.(10+i) on a /24
# whose .1 is the bridge, its own nginx listening on that address (port
# 8080) and two spawn-fcgi workers of $HOSTS_APP on unix sockets in its
# directory $IT_DIR/hI.  Every host shares one store, $NITRO_DB: a SQLite
# file (namespaces share the file system) or a postgresql:// URL of the
# server hosts_pg starts on the bridge address.  The tests' clients run in
# the root namespace and reach each host through the bridge, as browsers
# reach hosts through a load balancer; cutting a host off is one
# `ip link set down` on its end of the pair.
#
# Names are unique per run (a random 4-hex-digit run id names the bridge,
# the veths, the namespaces and the subnet; creating the bridge is what
# claims it), so parallel runs do not collide.  The EXIT trap stops the
# processes started here by PID, then deletes the links and namespaces of
# this run by name, also when the script is interrupted.  Without root or
# a working `ip netns`, a script prints "1..0 # SKIP <why>" and exits 0.
#
#   hosts_require            skip unless root, ip netns, nginx, spawn-fcgi,
#                            python3 and the app are there
#   hosts_setup N            lib.sh's it_setup, the trap, and N hosts'
#                            network (HOSTS_NS, HOSTS_ADDR, HOSTS_URL, ...)
#   hosts_pg                 PostgreSQL (tests/pg_lib.sh) on 127.0.0.1 and
#                            the bridge; NITRO_DB becomes its URL as the
#                            hosts see it
#   hosts_start [ARGS...]    every host's workers (with ARGS) and nginx
#   hosts_cut I / hosts_join I   take host I off the network and back
#   hosts_in I CMD...        run CMD inside host I's namespace

HOSTS_APP=${HOSTS_APP:-$IT_BUILD/tests/integration/hosts_app}
HOSTS_CLIENT=$IT_SRC/tests/integration/hosts_client.py
HOSTS_PORT=8080		# nginx's port on every host (each has its own address)
HOSTS_WORKERS=${HOSTS_WORKERS:-2}	# workers per host
HOSTS_RUN=""		# this run's id: 4 hex digits
HOSTS_BR=""		# the bridge
HOSTS_NET=""		# 10.A.B: the subnet's first three octets
HOSTS_NS=()		# namespace of host i
HOSTS_VETH=()		# root-namespace end of host i's veth pair
HOSTS_ADDR=()		# host i's address
HOSTS_URL=()		# http://address:port of host i's nginx
HOSTS_NGINX=()		# nginx master of host i
HOSTS_PG=0		# 1 once hosts_pg started a server

# hosts_skip WHY: the whole script is skipped.
hosts_skip() { echo "1..0 # SKIP $*"; exit 0; }

hosts_require() {
	IT_APP=$HOSTS_APP	# what it_require looks for
	it_require
	[ "$(id -u)" -eq 0 ] || hosts_skip "network namespaces need root"
	command -v ip >/dev/null 2>&1 || hosts_skip "no ip command (apt-get install iproute2)"
	ip netns list >/dev/null 2>&1 || hosts_skip "ip netns does not work here"
	command -v python3 >/dev/null 2>&1 || hosts_skip "python3 not installed"
	[ -x "$HOSTS_APP" ] || { echo "Bail out! $HOSTS_APP is not built"; exit 1; }
}

# hosts__claim: pick a run id whose bridge nobody has; the subnet follows
# from it (10.200-249.x).  Returns 1 when ip cannot make a bridge.
hosts__claim() {
	local try n why
	for try in $(seq 20); do
		n=$(( (RANDOM * 32768 + RANDOM) % 12800 ))
		HOSTS_RUN=$(printf '%04x' "$n")
		HOSTS_BR=nxb$HOSTS_RUN
		HOSTS_NET=10.$((200 + n / 256)).$((n % 256))
		ip -4 addr show | grep -q " $HOSTS_NET\." && continue
		if why=$(ip link add "$HOSTS_BR" type bridge 2>&1); then
			return 0
		fi
		ip link show "$HOSTS_BR" >/dev/null 2>&1 && continue	# taken: another run
		HOSTS_WHY="cannot make a bridge: $why"
		HOSTS_BR=""
		return 1
	done
	HOSTS_WHY="no free run id"
	HOSTS_BR=""
	return 1
}

# hosts__net N: the bridge (claimed), and N namespaces wired to it.
hosts__net() {
	local n=$1 i ns veth peer
	HOSTS_WHY=""
	hosts__claim || hosts_skip "$HOSTS_WHY"
	ip addr add "$HOSTS_NET.1/24" dev "$HOSTS_BR" &&
	    ip link set "$HOSTS_BR" up || { echo "Bail out! bridge $HOSTS_BR"; exit 1; }
	for ((i = 0; i < n; i++)); do
		ns=nitro-$HOSTS_RUN-h$i veth=nx${HOSTS_RUN}r$i peer=nx${HOSTS_RUN}h$i
		ip netns add "$ns" || { echo "Bail out! ip netns add $ns"; exit 1; }
		HOSTS_NS+=("$ns")
		ip link add "$veth" type veth peer name "$peer" ||
		    { echo "Bail out! ip link add $veth"; exit 1; }
		HOSTS_VETH+=("$veth")
		HOSTS_ADDR+=("$HOSTS_NET.$((10 + i))")
		HOSTS_URL+=("http://$HOSTS_NET.$((10 + i)):$HOSTS_PORT")
		ip link set "$peer" netns "$ns" &&
		    ip link set "$veth" master "$HOSTS_BR" &&
		    ip link set "$veth" up &&
		    ip -n "$ns" addr add "$HOSTS_NET.$((10 + i))/24" dev "$peer" &&
		    ip -n "$ns" link set "$peer" up &&
		    ip -n "$ns" link set lo up ||
		    { echo "Bail out! wiring host $i"; exit 1; }
	done
}

# hosts_cleanup: the processes first (by PID), then this run's links and
# namespaces (by name).  Deleting one end of a veth pair deletes both.
hosts_cleanup() {
	local p ns veth
	set +e
	for p in "${HOSTS_NGINX[@]}"; do
		it_stop "$p" TERM
	done
	it_stop_started
	[ "$HOSTS_PG" -eq 1 ] && pg_stop
	for veth in "${HOSTS_VETH[@]}"; do
		ip link del "$veth" 2>/dev/null
	done
	for ns in "${HOSTS_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "$HOSTS_BR" ] && ip link del "$HOSTS_BR" 2>/dev/null
	HOSTS_NGINX=() HOSTS_VETH=() HOSTS_NS=() HOSTS_BR=""
}

# hosts_setup N: the temporary directory, the trap, and N hosts' network.
hosts_setup() {
	it_setup
	trap 'hosts_cleanup; it_cleanup' EXIT
	hosts__net "$1"
}

# hosts_in I CMD...: CMD inside host I's namespace, in the foreground.
hosts_in() {
	local i=$1
	shift
	ip netns exec "${HOSTS_NS[$i]}" "$@"
}

# hosts_pg: the shared PostgreSQL, reachable from every host at the
# bridge address; NITRO_DB becomes its URL as the hosts see it.  Skips the
# script when PostgreSQL is not installed.
hosts_pg() {
	. "$IT_SRC/tests/pg_lib.sh"
	PG_LISTEN=$HOSTS_NET.1
	pg_start "$IT_DIR" || hosts_skip "$PG_WHY"
	HOSTS_PG=1
	# As a deployment must run (deploy/README.md): commits durable before
	# they are acknowledged, which a crash-restart would otherwise lose
	# (pg_lib.sh turns that off for speed), and a transaction left open
	# by a host cut off mid-publish ended soon, so that its ordering lock
	# does not hold every other publisher up.
	pg_psql -c "ALTER SYSTEM SET synchronous_commit = on" \
	    -c "ALTER SYSTEM SET idle_in_transaction_session_timeout = '2s'" \
	    -c "SELECT pg_reload_conf()" >/dev/null || { echo "Bail out! configuring PostgreSQL"; exit 1; }
	export NITRO_DB="postgresql://nitro@$HOSTS_NET.1:$PG_PORT/nitro"
}

# hosts__spawn I SOCK: one worker of host I on SOCK, under spawn-fcgi in
# the host's namespace; stderr to $IT_DIR/hI-workers.stderr, where lib.sh
# looks for sanitizer reports (through a shell that execs the app, so the
# PID stays the worker's).
hosts__spawn() {
	local i=$1 sock=$2 dir=$IT_DIR/h$1 out pid
	shift 2
	out=$dir/spawn-fcgi.out
	if ! hosts_in "$i" env HOSTS_NAME="h$i" spawn-fcgi -s "$sock" -M 0660 -F 1 -- \
	    /bin/sh -c 'e=$1; shift; exec "$0" "$@" 2>>"$e"' "$HOSTS_APP" \
	    "$IT_DIR/h$i-workers.stderr" "$@" >"$out" 2>&1; then
		echo "Bail out! spawn-fcgi failed on h$i: $(cat "$out")"; exit 1
	fi
	pid=$(sed -nE 's/.*child spawned successfully: PID: ([0-9]+).*/\1/p' "$out")
	[ -n "$pid" ] || { echo "Bail out! no worker on h$i: $(cat "$out")"; exit 1; }
	IT_WORKERS+=("$pid")
}

# hosts__nginx I UPSTREAM: host I's nginx on its address, in the
# foreground; waits until a worker answers through it.
hosts__nginx() {
	local i=$1 dir=$IT_DIR/h$1 user_line="" k pid code
	[ "$(id -u)" -eq 0 ] && user_line="user root;"
	sed -e "s|@USER_LINE@|$user_line|" -e "s|@RUN_DIR@|$dir|g" \
	    -e "s|@LISTEN@|${HOSTS_ADDR[$i]}:$HOSTS_PORT|" -e "s|@UPSTREAM@|$2|" \
	    -e "s|@BODY_MAX@|2m|" -e "s|@CONNECTIONS@|${HOSTS_CONNECTIONS:-4096}|" \
	    -e "s|@NOFILE@|$((2 * ${HOSTS_CONNECTIONS:-4096} + 64))|" \
	    -e "s|@STATIC_MAP@||" -e "s|@STATIC@||" -e "s|@RATE@|#|" \
	    "$IT_SRC/deploy/nginx/serve.conf.in" >"$dir/nginx.conf"
	# Not through hosts_in: a function sent to the background is a
	# subshell, and $! would be its PID, not nginx's.
	ip netns exec "${HOSTS_NS[$i]}" "$NGINX" -p "$dir" -c "$dir/nginx.conf" \
	    -e "$dir/nginx-error.log" >>"$dir/nginx.stderr" 2>&1 &
	pid=$!
	HOSTS_NGINX+=("$pid")
	for k in $(seq 100); do
		# Any answer from a worker will do (502: none reached yet).
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "${HOSTS_URL[$i]}/info" || true)
		if [ "$code" != 000 ] && [ "$code" != 502 ]; then
			# What the trap stops must be the master itself.
			[ "$(cat "$dir/nginx.pid")" = "$pid" ] && return 0
			echo "Bail out! h$i: nginx pid file disagrees with \$!"
			exit 1
		fi
		it_alive "$pid" || break
		sleep 0.1
	done
	echo "Bail out! host h$i does not answer: $(tail -n 3 "$dir/nginx-error.log" \
	    "$IT_DIR/h$i-workers.stderr" 2>/dev/null)"
	exit 1
}

# hosts_start [APP-ARGS...]: on every host, HOSTS_WORKERS workers and nginx.
hosts_start() {
	local i w dir up
	for ((i = 0; i < ${#HOSTS_NS[@]}; i++)); do
		dir=$IT_DIR/h$i
		mkdir -p "$dir/tmp"
		up=""
		for ((w = 0; w < HOSTS_WORKERS; w++)); do
			hosts__spawn "$i" "$dir/w$w.sock" "$@"
			up+="${up:+; server }unix:$dir/w$w.sock"
		done
		hosts__nginx "$i" "server $up;"
	done
}

# hosts_front: deploy/nginx/front.conf, the balancer of a deployment, in
# the root namespace in front of every host, on 127.0.0.1 (HOSTS_FRONT_URL);
# only its upstream servers and its listen line are changed.
HOSTS_FRONT_URL=""
hosts_front() {
	local dir=$IT_DIR/front up="" i try
	mkdir -p "$dir/tmp"
	for ((i = 0; i < ${#HOSTS_ADDR[@]}; i++)); do
		up+="\tserver ${HOSTS_ADDR[$i]}:$HOSTS_PORT max_fails=1 fail_timeout=5s;\n"
	done
	for try in 1 2 3; do
		IT_PORT=$(it_free_port) || { echo "Bail out! no free port"; exit 1; }
		sed -E -e '/^\s*server 10\.0\.0\.[0-9]+:80 /d' \
		    -e "s|^upstream nitro_hosts \\{|&\\n$up|" \
		    -e "s|^(\\s*)listen 80;|\\1listen 127.0.0.1:$IT_PORT;|" -e '/listen \[::\]:80;/d' \
		    "$IT_SRC/deploy/nginx/front.conf" >"$dir/site.conf"
		cat >"$dir/nginx.conf" <<CONF
$([ "$(id -u)" -eq 0 ] && echo "user root;")
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 4096; }
http {
	access_log $dir/access.log;
	client_body_temp_path $dir/tmp/body;
	proxy_temp_path $dir/tmp/proxy;
	fastcgi_temp_path $dir/tmp/fastcgi;
	scgi_temp_path $dir/tmp/scgi;
	uwsgi_temp_path $dir/tmp/uwsgi;
	include $dir/site.conf;
}
CONF
		"$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/nginx-error.log" \
		    >>"$dir/nginx.stderr" 2>&1 &
		HOSTS_NGINX+=("$!")
		if it_wait_port "$IT_PORT"; then
			HOSTS_FRONT_URL=http://127.0.0.1:$IT_PORT
			return 0
		fi
		it_stop "$!" TERM
	done
	echo "Bail out! the front nginx did not start: $(tail -n 3 "$dir/nginx-error.log" "$dir/nginx.stderr")"
	exit 1
}

# hosts_cut I: host I loses the network (its link goes down); hosts_join I
# brings it back.
hosts_cut() { ip link set "${HOSTS_VETH[$1]}" down; }
hosts_join() { ip link set "${HOSTS_VETH[$1]}" up; }

# hosts_pub I TOPIC DELAY_MS [NOTE]: one write on host I (NOTE 0: an
# event without a note); prints its answer ("host H note N id I"),
# nothing when it was not acknowledged (2xx).
hosts_pub() {
	curl -s -f --max-time 10 -X POST \
	    "${HOSTS_URL[$1]}/pub?topic=$2&delay_ms=$3&note=${4:-1}" 2>/dev/null
}

# hosts_dump_logs: the last lines of every host's nginx log (on failure;
# it_done shows the workers').
hosts_dump_logs() {
	local f
	for f in "$IT_DIR"/h*/nginx-error.log; do
		[ -s "$f" ] || continue
		diag "--- last lines of ${f#"$IT_DIR"/}"
		tail -n 10 "$f" | sed 's/^/# /'
	done
}

# ---- the scenario: roaming clients, publishers on every host ------------

HOSTS_PATTERNS=("t.a" "t.b" "t.*")	# client i follows pattern i % 3
HOSTS_TOPICS=("t.a" "t.b" "t.c")	# what publishers write to
HOSTS_CLIENTS=()			# client names (outputs $IT_DIR/NAME.ev)
HOSTS_CLIENT_PIDS=()

# hosts_store: the store the hosts share: PostgreSQL, as deployed
# (HOSTS_STORE=pg, the default); with HOSTS_STORE=sqlite, or when the
# PostgreSQL server is not installed, a SQLite file, which every namespace
# can open (they share the file system).
hosts_store() {
	local d pg=""
	for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && pg=1; done
	if [ "${HOSTS_STORE:-pg}" = pg ] && [ -n "$pg" ]; then
		hosts_pg
	else
		export NITRO_DB=$IT_DIR/hosts.db
	fi
}

# hosts_sql SQL: run a query on the shared store; rows as space-separated
# fields, one a line.
hosts_sql() {
	case $NITRO_DB in
	postgresql://*)
		pg_psql -A -t -F ' ' -c "$1" ;;
	*)
		python3 -c 'import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
    print(" ".join(str(v) for v in row))' "$NITRO_DB" "$1" ;;
	esac
}

# hosts_committed FILE: the committed events, "id topic" a line.
hosts_committed() { hosts_sql "SELECT id, topic FROM nitro_events ORDER BY id" >"$1"; }

# hosts_clients N AFTER [CLIENT-ARGS...]: N more roaming clients cI over
# every host (or over HOSTS_CLIENT_URLS, comma-separated) from
# Last-Event-ID AFTER, client i on pattern i % 3; they stop once
# $IT_DIR/cI.stop holds an id they reached (hosts_stop_clients).  The SSE
# id they start from carries the log's epoch ("E-N").
hosts_clients() {
	local n=$1 after=$2 i pat urls first=$((${#HOSTS_CLIENTS[@]} + 1))
	shift 2
	# The SSE id they start from carries the log's epoch ("E-N").
	after="$(hosts_sql 'SELECT epoch FROM nitro_event_log')-$after"
	urls=${HOSTS_CLIENT_URLS:-$(IFS=,; echo "${HOSTS_URL[*]}")}
	for ((i = first; i < first + n; i++)); do
		pat=${HOSTS_PATTERNS[$((i % ${#HOSTS_PATTERNS[@]}))]}
		python3 "$HOSTS_CLIENT" roam "$IT_DIR/c$i.ev" --hosts "$urls" \
		    --path "/sse/live?t=$pat" --last-id "$after" --stop "$IT_DIR/c$i.stop" \
		    --seed "$RANDOM$i" "$@" 2>>"$IT_DIR/c$i.stderr" &
		IT_PIDS+=("$!")
		HOSTS_CLIENTS+=("c$i")
		HOSTS_CLIENT_PIDS+=("$!")
		echo "$pat" >"$IT_DIR/c$i.pattern"
	done
}

# hosts_publishers PER-HOST WRITES DELAY-MAX-MS: on every host PER-HOST
# loops of WRITES writes each (0: until $IT_DIR/pub.stop exists), each on
# a random topic with its transaction held open a random 0..DELAY-MAX-MS;
# the answers of acknowledged writes go to $IT_DIR/acked, the others to
# $IT_DIR/unacked.  Half the writes save a note with their event, the
# others only publish (HOSTS_NOTE=0 or 1: all of them the one way).
# Waits for all loops.
hosts_publishers() {
	local per=$1 writes=$2 dmax=$3 i j pids=()
	: >"$IT_DIR/acked"
	: >"$IT_DIR/unacked"
	for ((i = 0; i < ${#HOSTS_NS[@]}; i++)); do
		for ((j = 0; j < per; j++)); do
			(
				k=0
				while if [ "$writes" -gt 0 ]; then [ $k -lt "$writes" ]
				    else [ ! -e "$IT_DIR/pub.stop" ]; fi; do
					k=$((k + 1))
					t=${HOSTS_TOPICS[$((RANDOM % ${#HOSTS_TOPICS[@]}))]}
					if a=$(hosts_pub "$i" "$t" $((RANDOM % (dmax + 1))) \
					    "${HOSTS_NOTE:-$((RANDOM % 2))}"); then
						echo "$a" >>"$IT_DIR/acked"
					else
						echo "h$i $t" >>"$IT_DIR/unacked"
					fi
				done
			) &
			pids+=("$!")
		done
	done
	wait "${pids[@]}"
}

# hosts_stop_clients COMMITTED: tell each client the newest committed id of
# its pattern, and wait (up to 30 s) for them to reach it; true when all
# did.
hosts_stop_clients() {
	local i name pat last ok=0 p
	for ((i = 0; i < ${#HOSTS_CLIENTS[@]}; i++)); do
		name=${HOSTS_CLIENTS[$i]}
		pat=$(cat "$IT_DIR/$name.pattern")
		last=$(python3 -c 'import fnmatch, sys
ids = [int(l.split()[0]) for l in open(sys.argv[1]) if fnmatch.fnmatchcase(l.split()[1], sys.argv[2])]
print(max(ids) if ids else 0)' "$1" "$pat")
		echo "$last" >"$IT_DIR/$name.stop"
	done
	for p in "${HOSTS_CLIENT_PIDS[@]}"; do
		hosts_wait_exit "$p" 30 || ok=1
	done
	return $ok
}

# hosts_check_clients AFTER COMMITTED: each client's events against the
# committed events of its pattern (hosts_client.py check); one TAP line
# each.
hosts_check_clients() {
	local name res
	for name in "${HOSTS_CLIENTS[@]}"; do
		res=$(python3 "$HOSTS_CLIENT" check "$IT_DIR/$name.ev" \
		    "$(cat "$IT_DIR/$name.pattern")" "$1" "$2")
		t_like "$res" '^ok ' "$name ($(cat "$IT_DIR/$name.pattern")): exactly the committed events, in order, once each ($res)"
	done
}

# hosts_check_acked: every acknowledged write's note and event are in the
# store.
hosts_check_acked() {
	local missing
	missing=$(python3 - "$IT_DIR/acked" <<'PY' 3<<<"$(hosts_sql 'SELECT id FROM nitro_events'; echo --; hosts_sql 'SELECT id FROM note')"
import os, sys
ev, notes, part = set(), set(), 0
for line in os.fdopen(3):
    line = line.strip()
    if line == "--":
        part = 1
    elif line:
        (notes if part else ev).add(int(line))
bad = []
for line in open(sys.argv[1]):
    f = line.split()     # host H note N id I (N 0: no note)
    if (int(f[3]) != 0 and int(f[3]) not in notes) or int(f[5]) not in ev:
        bad.append(line.strip())
print(len(bad), *bad[:5])
PY
)
	t_is "$missing" 0 "every acknowledged write ($(wc -l <"$IT_DIR/acked")) is in the store: its note and its event"
}

# hosts_begin BEAT_MS: how a test starts: three hosts sharing the store,
# heartbeats every BEAT_MS, and a first write through host h0 (checked);
# HOSTS_AFTER is its id, where the clients start.
HOSTS_AFTER=""
hosts_begin() {
	local first
	hosts_require
	hosts_setup 3
	hosts_store
	export LIVE_BEAT_MS=$1
	hosts_start
	diag "store: $NITRO_DB; hosts: ${HOSTS_URL[*]}"
	first=$(hosts_pub 0 t.seed 0)
	t_like "$first" '^host h0 note 1 id [0-9]+$' "a write through host h0 is acknowledged"
	HOSTS_AFTER=${first##* }
}

# hosts_wait_exit PID SECONDS: wait for a background child; its status
# (255 when it still runs).
hosts_wait_exit() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		it_alive "$1" || break
		sleep 0.1
	done
	it_alive "$1" && return 255
	wait "$1"
}
