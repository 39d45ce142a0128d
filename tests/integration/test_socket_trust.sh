#!/usr/bin/env bash
# The worker socket is the trust boundary: FastCGI has no authentication
# (whoever connects can send any request as any client) and libfcgi can
# be crashed by records nginx never sends.  For every way Nitro starts
# workers -- nitro serve, deploy/spawn-fcgi/nitro-spawn.sh, the systemd
# unit's settings, --listen unix: -- the socket's directory and mode let
# nginx's user connect and keep another local user out; nitro serve
# started by root runs nginx's workers as an unprivileged user.  Needs
# root (to be other users); skipped otherwise.
. "${top_srcdir:-.}/tests/integration/lib.sh"
it_require
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null 2>&1 ||
    [ ! -x /usr/bin/python3 ] || ! id www-data >/dev/null 2>&1 ||
    ! id daemon >/dev/null 2>&1 || id -nG daemon | grep -qw www-data; then
	echo "1..0 # SKIP needs root, setpriv, python3, users www-data and daemon"
	exit 0
fi
it_setup
NITRO=$IT_BUILD/nitro

# connects USER SOCK: can USER (with its groups) connect to the socket?
# (The system's python3: one under root's home is closed to USER.)
connects() {
	setpriv --reuid="$1" --regid="$(id -g "$1")" --init-groups /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1])
except OSError:
    sys.exit(1)' "$2" 2>/dev/null
}
# boundary WHAT DIR SOCK: nginx's user connects, another user does not.
boundary() {
	t_run "$1: nginx's user www-data connects" connects www-data "$3"
	t_run "$1: another local user does not" bash -c "! connects daemon '$3'"
	t_is "$(stat -c %a "$3")" 660 "$1: the socket has mode 0660"
	t_is "$(stat -c %a "$2")" 750 "$1: its directory has mode 0750"
}
export -f connects

# ---- nitro serve, started by root ----
run=$IT_DIR/serve
mkdir -m 0755 "$run"	# a run directory that was open before
port=$(it_free_port)
"$NITRO" serve --app "$IT_APP" --port "$port" --workers 1 --streams 100 \
    --run-dir "$run" >"$IT_DIR/serve.out" 2>"$IT_DIR/serve.stderr" &
serve=$!
IT_PIDS+=("$serve")
t_run "nitro serve starts" it_wait_grep "$IT_DIR/serve.out" "http://127.0.0.1:$port/"
t_is "$(curl -s --max-time 10 "http://127.0.0.1:$port/hello/root")" "Hello, root!" \
    "nitro serve: a request through nginx"
master=$(cat "$run/nginx.pid")
t_is "$(ps -o user= --ppid "$master" | sort -u)" www-data \
    "nitro serve: nginx's workers run as www-data, not root"
t_like "$(grep -E '^user ' "$run/nginx.conf")" '^user www-data www-data;$' \
    "nitro serve: nginx.conf names the user"
t_is "$(stat -c %G "$run" "$run/w0.sock" | sort -u)" www-data \
    "nitro serve: the run directory and the socket are in nginx's group"
boundary "nitro serve" "$run" "$run/w0.sock"
kill -TERM "$serve"
wait "$serve"
t_is "$?" 0 "nitro serve stops"

mkdir -m 0700 "$IT_DIR/closed"
timeout 20 "$NITRO" serve --app "$IT_APP" --port "$port" --run-dir "$IT_DIR/closed/run" \
    >/dev/null 2>"$IT_DIR/closed.err"
t_is "$?" 2 "nitro serve refuses a run directory nginx's user cannot reach"
t_like "$(cat "$IT_DIR/closed.err")" "www-data cannot reach" "and says why"
timeout 20 "$NITRO" serve --app "$IT_APP" --port "$port" --user root --run-dir "$run" \
    >/dev/null 2>"$IT_DIR/rootuser.err"
t_is "$?" 2 "nitro serve refuses --user root"

# ---- deploy/spawn-fcgi/nitro-spawn.sh ----
spawned=$IT_DIR/spawn
mkdir -m 0755 "$spawned"
NITRO_RUN_DIR=$spawned NITRO_WORK_DIR=$IT_DIR NITRO_USER=nobody NITRO_SOCKET_GROUP=www-data \
    sh "$IT_SRC/deploy/spawn-fcgi/nitro-spawn.sh" "$IT_APP" 2 \
    >"$IT_DIR/spawn.out" 2>"$IT_DIR/spawn.stderr" &
script=$!
IT_PIDS+=("$script")
sock=$spawned/$(basename "$IT_APP").sock
t_run "nitro-spawn.sh: the socket appears" it_wait_file "$sock"
t_run "nitro-spawn.sh: and the second worker's" it_wait_file "$spawned/$(basename "$IT_APP")-2.sock"
sleep 0.3
# One naming in deploy/: the sockets the script made (the test app is
# called "app"), the nginx upstream's, and the systemd instances' (%i.sock
# for nitro@app and nitro@app-2).
t_is "$(cd "$spawned" && ls -- *.sock | sort | tr '\n' ' ')" \
    "$(sed -nE 's|^[[:space:]]*#?[[:space:]]*server unix:/run/nitro/([^;]+);.*|\1|p' \
        "$IT_SRC/deploy/nginx/nitro.conf" | sort | tr '\n' ' ')" \
    "nitro-spawn.sh names its sockets as the nginx upstream does"
t_like "$(cat "$IT_SRC/deploy/systemd/nitro@.service")" \
    'ExecStart=/usr/local/bin/%i --listen unix:/run/nitro/%i\.sock' \
    "and as the systemd instances do"
t_run "no deploy file sets a variable nothing reads (NITRO_DATA_DIR)" \
    bash -c "! grep -rq NITRO_DATA_DIR '$IT_SRC/deploy'"
t_is "$(stat -c '%U:%G' "$sock")" nobody:www-data "nitro-spawn.sh: socket owner and group"
t_is "$(stat -c %G "$spawned")" www-data "nitro-spawn.sh: the directory is in the sockets' group"
boundary "nitro-spawn.sh" "$spawned" "$sock"
worker=$(it_children "$script" | head -n 1)
t_is "$(ps -o user= -p "$worker")" nobody "nitro-spawn.sh: the worker runs as the user given"
kill -TERM "$script"
wait "$script"
t_run "nitro-spawn.sh: its workers stop with it" bash -c "! kill -0 $worker 2>/dev/null"

# ---- the systemd unit's settings ----
unit=$IT_SRC/deploy/systemd/nitro@.service
setting() { sed -nE "s/^$1=(.*)/\1/p" "$unit"; }
t_is "$(setting RuntimeDirectory)" nitro "unit: the sockets live in /run/nitro"
t_like "$(setting ExecStart)" '--listen unix:/run/nitro/%i\.sock$' "unit: the worker listens there"
t_is "$(setting User):$(setting Group)" nitro:nitro "unit: an unprivileged user"
t_is "$(setting StartLimitIntervalSec)" 0 "unit: repeated crashes never leave a worker down for good"
t_like "$(setting Restart)" '^always$' "unit: a worker that dies is started again"
if command -v systemd-analyze >/dev/null 2>&1; then
	sed 's|^ExecStart=/usr/local/bin/%i|ExecStart=/bin/true|' "$unit" >"$IT_DIR/nitro@app.service"
	t_is "$(cd "$IT_DIR" && timeout 30 systemd-analyze verify ./nitro@app.service 2>&1)" "" \
	    "unit: systemd-analyze verify finds nothing to say"
fi
# As systemd would run it: RuntimeDirectory with RuntimeDirectoryMode,
# owned by User and Group; the process with UMask.  nobody stands for the
# user nitro, www-data for its group that nginx's user is a member of.
rdir=$IT_DIR/unit
install -d -m "$(setting RuntimeDirectoryMode)" -o nobody -g www-data "$rdir"
setpriv --reuid=nobody --regid=www-data --clear-groups sh -c \
    'umask "$1"; exec "$2" --listen "unix:$3"' sh "$(setting UMask)" "$IT_APP" "$rdir/app.sock" \
    </dev/null 2>"$IT_DIR/unit.stderr" &
IT_PIDS+=("$!")
t_run "unit: the worker listens" it_wait_file "$rdir/app.sock"
boundary "unit" "$rdir" "$rdir/app.sock"

# ---- --listen unix: by hand, in a directory anyone may enter ----
mkdir -m 0755 "$IT_DIR/open"
it_start_listener listen "unix:$IT_DIR/open/app.sock"
t_run "--listen unix: listens" it_wait_file "$IT_DIR/open/app.sock"
t_is "$(stat -c %a "$IT_DIR/open/app.sock")" 660 "--listen unix: the socket has mode 0660"
t_run "--listen unix: another local user cannot connect, even through an open directory" \
    bash -c "! connects daemon '$IT_DIR/open/app.sock'"
it_done
