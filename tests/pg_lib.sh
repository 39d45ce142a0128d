# tests/pg_lib.sh: a throwaway PostgreSQL cluster for one test script.
#
#   . "$top_srcdir/tests/pg_lib.sh"
#   pg_start DIR || skip...   # initdb + pg_ctl start in DIR/pg
#   ... use $PG_URL (postgresql://nitro@127.0.0.1:$PG_PORT/nitro) ...
#   pg_stop                   # stops the server by its PID, removes nothing
#
# The server refuses to run as root, so under root it runs as the
# "postgres" user (Debian's postgresql package creates it) and DIR is made
# accessible to that user.  It listens on 127.0.0.1 on a free high port
# and on a unix socket in DIR/pg, trusts local connections (a test
# cluster, loopback only), and holds one database "nitro" owned by the role
# "nitro".  pg_start returns 1 with PG_WHY set when PostgreSQL is not
# installed; the caller skips with that reason.  pg_restart_immediate
# crashes and restarts the server (pg_ctl restart -m immediate) on the
# same port; pg_resume starts it again after pg_stop; pg_psql runs psql
# against the database.  PG_LISTEN (set before
# pg_start) is one more address to listen on, such as a bridge to network
# namespaces, whose /24 is then trusted too.

PG_BIN=""
PG_DIR=""
PG_PORT=""
PG_URL=""
PG_PID=""
PG_WHY=""

pg__bin() {
	local d
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && PG_BIN=$d
	done
	[ -n "$PG_BIN" ]
}

# pg__as CMD...: run as the server's user (postgres under root).
pg__as() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg__free_port() {
	python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

pg_start() {
	local dir=$1 i
	if ! pg__bin; then
		PG_WHY="PostgreSQL server not installed (apt-get install postgresql)"
		return 1
	fi
	if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
		PG_WHY="no postgres user to run the server as"
		return 1
	fi
	PG_DIR=$dir/pg
	mkdir -p "$PG_DIR" || return 1
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres "$PG_DIR"
		chmod o+x "$dir"
	fi
	pg__as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust \
	    -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 || {
		PG_WHY="initdb failed: $(tail -n 3 "$PG_DIR/initdb.log")"
		return 1
	}
	PG_PORT=$(pg__free_port)
	cat >>"$PG_DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1${PG_LISTEN:+,$PG_LISTEN}'
port = $PG_PORT
unix_socket_directories = '$PG_DIR'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
CONF
	[ -z "${PG_LISTEN:-}" ] ||
	    echo "host all all ${PG_LISTEN%.*}.0/24 trust" >>"$PG_DIR/data/pg_hba.conf"
	pg__as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" \
	    -w -t 30 start >/dev/null 2>&1 || {
		PG_WHY="pg_ctl start failed: $(tail -n 3 "$PG_DIR/server.log")"
		return 1
	}
	PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid")
	pg_psql_admin -c "CREATE ROLE nitro LOGIN SUPERUSER" >/dev/null &&
	    pg_psql_admin -c "CREATE DATABASE nitro OWNER nitro" >/dev/null || {
		PG_WHY="could not create the test database"
		pg_stop
		return 1
	}
	PG_URL="postgresql://nitro@127.0.0.1:$PG_PORT/nitro"
	export PG_URL
	return 0
}

# pg_psql_admin ARGS...: psql as the superuser on the maintenance database.
pg_psql_admin() {
	pg__as psql -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" \
	    -U postgres -d postgres "$@"
}

# pg_psql ARGS...: psql on the test database.
pg_psql() {
	psql -X -q -v ON_ERROR_STOP=1 "$PG_URL" "$@"
}

pg_restart_immediate() {
	pg__as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" \
	    -m immediate -w -t 30 restart >/dev/null 2>&1 || return 1
	PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid")
}

# pg_resume: start the server pg_stop stopped again, on the same port
# with the same data.
pg_resume() {
	pg__as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" \
	    -w -t 30 start >/dev/null 2>&1 || return 1
	PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid")
}

# pg_stop: stop the server we started (by its PID), waiting up to 10 s,
# then kill it.
pg_stop() {
	local i
	[ -n "$PG_PID" ] || return 0
	# Callers may run under set -e (bench/pg): a server already gone is
	# no failure.
	kill -INT "$PG_PID" 2>/dev/null || true
	for i in $(seq 100); do
		kill -0 "$PG_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$PG_PID" 2>/dev/null || true
	PG_PID=""
}
