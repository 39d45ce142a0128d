# tests/integration/lib.sh: sourced by every integration script.
#
# It starts a real nginx with its own configuration and prefix in a fresh
# temporary directory, listening on 127.0.0.1 on a free high port, in front
# of FastCGI workers (tests/integration/app) started by spawn-fcgi on a unix
# socket in that directory, or by the app itself with --listen.  The EXIT
# trap stops exactly the processes started here, by PID, also when a test
# fails or the script is interrupted, then removes the directory.
#
# Output is TAP: ok / not ok lines from the t_* helpers, and it_done
# prints the plan at the end (so a script that dies early has no plan and
# counts as failed) and exits non-zero when a check failed.  Before that,
# it_done stops the workers and fails one more check when a sanitizer
# reported anything on their stderr (kept in $IT_DIR/*.stderr).  Without
# nginx, spawn-fcgi or curl a script prints "1..0 # SKIP ..." and exits 0.
#
# Environment: top_srcdir and top_builddir (set by make check; default .),
# NGINX (default /usr/sbin/nginx, else from PATH), IT_KEEP=1 keeps the
# temporary directory for a post-mortem.

set -u

IT_SRC=${top_srcdir:-.}
IT_BUILD=${top_builddir:-.}
IT_BUILD=$(cd "$IT_BUILD" && pwd)
IT_APP=$IT_BUILD/tests/integration/app
IT_DIR=""		# the temporary directory
IT_PORT=""		# nginx's port
IT_URL=""		# http://127.0.0.1:$IT_PORT
IT_NGINX_PID=""		# nginx master
IT_WORKERS=()		# worker PIDs started by spawn-fcgi
IT_PIDS=()		# other processes started here (foreground workers)
t_n=0
t_failed=0

# ---- TAP -----------------------------------------------------------------

# diag TEXT...: a TAP comment, one per line of TEXT.
diag() { printf '%s\n' "$*" | sed 's/^/# /'; }

pass() { t_n=$((t_n + 1)); echo "ok $t_n - $1"; }

# fail DESC [DIAG...]
fail() {
	t_n=$((t_n + 1)); t_failed=$((t_failed + 1))
	echo "not ok $t_n - $1"
	shift
	[ $# -eq 0 ] || diag "$@"
}

# t_is GOT WANT DESC: exact string equality.
t_is() {
	if [ "$1" = "$2" ]; then
		pass "$3"
	else
		fail "$3" "got:  $(printf '%q' "$1")" "want: $(printf '%q' "$2")"
	fi
}

# t_like GOT ERE DESC: GOT matches the extended regular expression.
t_like() {
	if printf '%s' "$1" | grep -qE -- "$2"; then
		pass "$3"
	else
		fail "$3" "got:  $(printf '%q' "$1")" "want match: $2"
	fi
}

# t_run DESC CMD...: passes when CMD succeeds.
t_run() {
	local desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc" "command failed: $*"; fi
}

# it_check_sanitizers: stop the workers (a leak is reported at exit) and
# fail a check when any *.stderr in IT_DIR holds a sanitizer report.  The
# workers of a sanitizer build would otherwise report into files nobody
# reads, and a test that only looks at HTTP answers would pass.
it_check_sanitizers() {
	local f found=""
	it_stop_started
	for f in "$IT_DIR"/*.stderr; do
		[ -s "$f" ] || continue
		if grep -qE 'ERROR: (Address|Leak|Thread|Memory)Sanitizer|WARNING: ThreadSanitizer|runtime error: ' "$f"; then
			found+="$f "
		fi
	done
	if [ -z "$found" ]; then
		pass "no sanitizer report from the processes started here"
		return 0
	fi
	fail "no sanitizer report from the processes started here" "reports in: $found"
	for f in $found; do
		grep -m 1 -A 12 -E 'ERROR: |WARNING: ThreadSanitizer|runtime error: ' "$f" | sed 's/^/# /'
	done
}

# it_done: the exit status of the script.
it_done() {
	[ -n "$IT_DIR" ] && it_check_sanitizers
	echo "1..$t_n"
	if [ "$t_failed" -ne 0 ]; then
		diag "$t_failed of $t_n checks failed"
		it_dump_logs
		exit 1
	fi
	exit 0
}

# ---- prerequisites -------------------------------------------------------

if [ -z "${NGINX:-}" ]; then
	if [ -x /usr/sbin/nginx ]; then NGINX=/usr/sbin/nginx
	else NGINX=$(command -v nginx 2>/dev/null || true); fi
fi

# it_require [spawn-fcgi]: skip the whole script when a tool is missing.
it_require() {
	if [ -z "$NGINX" ] || [ ! -x "$NGINX" ]; then
		echo "1..0 # SKIP nginx not installed"; exit 0
	fi
	if ! command -v curl >/dev/null 2>&1; then
		echo "1..0 # SKIP curl not installed"; exit 0
	fi
	if ! command -v spawn-fcgi >/dev/null 2>&1; then
		echo "1..0 # SKIP spawn-fcgi not installed"; exit 0
	fi
	if [ ! -x "$IT_APP" ]; then
		echo "Bail out! $IT_APP is not built"; exit 1
	fi
}

# ---- processes -----------------------------------------------------------

# it_alive PID: true while PID runs (a zombie counts as gone).
it_alive() {
	local st
	kill -0 "$1" 2>/dev/null || return 1
	st=$(sed -E 's/^[0-9]+ \(.*\) (.).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
	[ "$st" != Z ]
}

# it_children PID: the PIDs of PID's children, one a line.
it_children() { ps -o pid= --ppid "$1" | tr -d ' ' | sort -n; }

# it_stop PID SIGNAL: signal PID and wait up to 5 s, then SIGKILL.
it_stop() {
	local pid=$1 sig=$2 i
	it_alive "$pid" || return 0
	kill "-$sig" "$pid" 2>/dev/null
	for i in $(seq 50); do
		it_alive "$pid" || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
}

# it_stop_started: stop the workers and other processes started here.
it_stop_started() {
	local pid
	for pid in "${IT_WORKERS[@]}" "${IT_PIDS[@]}"; do
		it_stop "$pid" TERM
	done
}

it_cleanup() {
	set +e
	[ -n "$IT_NGINX_PID" ] && it_stop "$IT_NGINX_PID" TERM
	it_stop_started
	# Reap our own children so no zombie outlives the script.
	wait 2>/dev/null
	if [ -n "$IT_DIR" ] && [ -z "${IT_KEEP:-}" ]; then
		rm -rf "$IT_DIR"
	elif [ -n "$IT_DIR" ]; then
		echo "# kept $IT_DIR"
	fi
}

it_dump_logs() {
	local f
	[ -n "$IT_DIR" ] || return 0
	for f in "$IT_DIR"/nginx-error.log "$IT_DIR"/*.stderr; do
		[ -s "$f" ] || continue
		diag "--- last lines of $(basename "$f")"
		tail -n 15 "$f" | sed 's/^/# /'
	done
}

# it_setup: the temporary directory and the trap.
it_setup() {
	IT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/nitro-it.XXXXXX") || {
		echo "Bail out! mktemp failed"; exit 1; }
	mkdir -p "$IT_DIR/tmp"
	# Traversable, not listable: nitro serve started by root gives
	# nginx's workers an unprivileged user, who must reach its run dir.
	chmod 0711 "$IT_DIR"
	trap it_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# it_free_port: print a TCP port on 127.0.0.1 that nobody listens on.  It
# is drawn below the kernel's ephemeral range (ip_local_port_range), so
# that the outgoing connections of curl, nginx and the tests cannot take
# it between this check and the bind of whoever uses it; only another
# test drawing the same port could.
it_free_port() {
	local lo=32768 p i
	read -r lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || lo=32768
	[ "$lo" -gt 12000 ] || lo=32768
	for i in $(seq 200); do
		p=$((10000 + RANDOM % (lo - 10000)))
		if command -v python3 >/dev/null 2>&1; then
			python3 -c '
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)' "$p" 2>/dev/null || continue
		elif (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			continue
		fi
		echo "$p"; return 0
	done
	return 1
}

# it_wait_port PORT: wait up to 5 s for something to listen on PORT.
it_wait_port() {
	local i
	for i in $(seq 50); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# it_wait_file PATH: wait up to 5 s for PATH to exist.
it_wait_file() {
	local i
	for i in $(seq 50); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# it_wait_grep FILE ERE: wait up to 5 s for a line of FILE to match.
it_wait_grep() {
	local i
	for i in $(seq 50); do
		grep -qE -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# it_nginx_conf UPSTREAM-LINES BODY-MAX: deploy/nginx/serve.conf.in filled
# in, as nitro serve does.
it_nginx_conf() {
	local user_line=""
	[ "$(id -u)" -eq 0 ] && user_line="user root;"
	sed -e "s|@USER_LINE@|$user_line|" -e "s|@RUN_DIR@|$IT_DIR|g" \
	    -e "s|@LISTEN@|127.0.0.1:$IT_PORT|" -e "s|@UPSTREAM@|$1|" \
	    -e "s|@BODY_MAX@|$2|" -e "s|@CONNECTIONS@|4096|" -e "s|@NOFILE@|8192|" -e "s|@STATIC_MAP@||" -e "s|@STATIC@||" \
	    -e "s|@RATE@|#|" \
	    "$IT_SRC/deploy/nginx/serve.conf.in" >"$IT_DIR/nginx.conf"
}

# it_start_nginx [UPSTREAM-ADDRESS]: nginx in the foreground (daemon off)
# in front of unix:$IT_DIR/w.sock or the address given ("unix:/x",
# "127.0.0.1:9000").  The body limit sits a little above the app's 1 MiB
# so that the app, not nginx, answers 413.
it_start_nginx() {
	local up=${1:-unix:$IT_DIR/w.sock} try
	for try in 1 2 3; do
		IT_PORT=$(it_free_port) || { echo "Bail out! no free port"; exit 1; }
		IT_URL=http://127.0.0.1:$IT_PORT
		it_nginx_conf "server $up;" 2m
		"$NGINX" -p "$IT_DIR" -c "$IT_DIR/nginx.conf" \
		    -e "$IT_DIR/nginx-error.log" >>"$IT_DIR/nginx.stderr" 2>&1 &
		IT_NGINX_PID=$!
		if it_wait_port "$IT_PORT" && it_alive "$IT_NGINX_PID"; then
			# With daemon off the master is our child; the pid file
			# must agree.
			if it_wait_file "$IT_DIR/nginx.pid" &&
			    [ "$(cat "$IT_DIR/nginx.pid")" = "$IT_NGINX_PID" ]; then
				return 0
			fi
			echo "Bail out! nginx pid file disagrees with \$!"
			exit 1
		fi
		# Lost a race for the port, most likely: try another.
		it_stop "$IT_NGINX_PID" TERM
		wait "$IT_NGINX_PID" 2>/dev/null
		IT_NGINX_PID=""
	done
	echo "Bail out! nginx did not start"
	it_dump_logs
	exit 1
}

# it_spawn SOCK N APP [APP-ARGS...]: N workers of APP under spawn-fcgi on
# SOCK with mode 0660; their PIDs are added to IT_WORKERS and set as
# IT_SPAWNED.  spawn-fcgi points a worker's stderr at /dev/null; a shell
# that execs the app (the PID stays the worker's) sends it to
# $IT_DIR/workers.stderr instead, for it_dump_logs and it_check_sanitizers.
it_spawn() {
	local sock=$1 n=$2 app=$3 out=$IT_DIR/spawn-fcgi.out pid
	shift 3
	: >"$out"
	if ! spawn-fcgi -s "$sock" -M 0660 -F "$n" -- /bin/sh -c \
	    'e=$1; shift; exec "$0" "$@" 2>>"$e"' "$app" "$IT_DIR/workers.stderr" "$@" \
	    >"$out" 2>&1; then
		echo "Bail out! spawn-fcgi failed: $(cat "$out")"; exit 1
	fi
	IT_SPAWNED=()
	for pid in $(sed -nE 's/.*child spawned successfully: PID: ([0-9]+).*/\1/p' "$out"); do
		IT_SPAWNED+=("$pid")
		IT_WORKERS+=("$pid")
	done
	if [ "${#IT_SPAWNED[@]}" -ne "$n" ]; then
		echo "Bail out! expected $n workers: $(cat "$out")"; exit 1
	fi
}

# it_start_workers N [APP-ARGS...]: N workers of IT_APP on $IT_DIR/w.sock.
it_start_workers() {
	local n=$1
	shift
	it_spawn "$IT_DIR/w.sock" "$n" "$IT_APP" "$@"
}

# it_start_listener NAME ADDRESS [APP-ARGS...]: the app in the background,
# listening by itself (--listen ADDRESS), stderr in $IT_DIR/NAME.stderr.
# Sets IT_LAST_PID; the caller may `wait` for it to get its exit status.
it_start_listener() {
	local name=$1 addr=$2
	shift 2
	"$IT_APP" --listen "$addr" "$@" </dev/null 2>"$IT_DIR/$name.stderr" &
	IT_LAST_PID=$!
	IT_PIDS+=("$IT_LAST_PID")
}

# it_curl ARGS...: curl with a time limit, no progress, errors shown.
it_curl() { curl -sS --max-time 20 "$@"; }

# it_status URL [CURL-ARGS...]: print the HTTP status code only.
it_status() {
	local url=$1
	shift
	curl -s --max-time 20 -o /dev/null -w '%{http_code}' "$@" "$url"
}

# it_get CURL-ARGS...: print the status; the headers go to $IT_DIR/headers,
# the body to $IT_DIR/body (read them with it_header and cat).
it_get() { curl -s --max-time 20 -D "$IT_DIR/headers" -o "$IT_DIR/body" -w '%{http_code}' "$@"; }

# it_header FILE NAME: a header's value from a curl -D dump (last wins),
# without the CR.
it_header() {
	tr -d '\r' <"$1" | sed -nE "s/^$2: (.*)$/\1/Ip" | tail -n 1
}
