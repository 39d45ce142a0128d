#!/usr/bin/env bash
# `nitro new`: install this build into a temporary prefix, create an
# application with the installed command, build it against the installed
# libnitro through pkg-config, run its `make check`, serve it with
# `nitro serve` (nginx + spawn-fcgi workers) and use its page, its action
# and its live stream.  Bad names and an existing directory are refused.
# With NEW_STORE=pg (test_new_pg.sh) the same application, unchanged, keeps
# its data in a throwaway PostgreSQL named by NITRO_DB in the environment:
# `nitro db` migrates it with the tables `./demo ddl` prints for it, then
# the same flow runs through nginx.
. "${top_srcdir:-.}/tests/integration/lib.sh"
it_require
for tool in autoreconf automake pkg-config make cc; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "1..0 # SKIP $tool not installed"; exit 0
	fi
done
it_setup
pg() { [ "${NEW_STORE:-}" = pg ]; }
if pg; then
	. "$IT_SRC/tests/pg_lib.sh"
	pg_start "$IT_DIR" || { echo "1..0 # SKIP $PG_WHY"; exit 0; }
	trap 'pg_stop; it_cleanup' EXIT
fi
prefix=$IT_DIR/prefix
work=$IT_DIR/work
mkdir -p "$work"

# A make of our own: not the jobserver of the make that runs the tests.
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make "$@"; }

# t_has GOT TEXT DESC: GOT contains TEXT, exactly (lines and all).
t_has() {
	if [[ $1 == *"$2"* ]]; then
		pass "$3"
	else
		fail "$3" "got:  $(printf '%q' "$1")" "want: $(printf '%q' "$2")"
	fi
}

# ---- make install into a temporary prefix ----
mk -C "$IT_BUILD" install DESTDIR= prefix="$prefix" >"$IT_DIR/install.log" 2>&1
t_is "$?" 0 "make install into a temporary prefix"
NITRO=$prefix/bin/nitro
export LD_LIBRARY_PATH=$prefix/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
# nitro.pc names the prefix configure was given; --define-prefix derives
# it from where the file is, as for any relocated installation.
export PKG_CONFIG="pkg-config --define-prefix"
t_run "the nitro command is installed" test -x "$NITRO"
t_run "and deploy/'s files, in share/nitro/deploy" test -f "$prefix/share/nitro/deploy/README.md" \
    -a -f "$prefix/share/nitro/deploy/nginx/nitro.conf" \
    -a -f "$prefix/share/nitro/deploy/systemd/nitro@.service" \
    -a -x "$prefix/share/nitro/deploy/spawn-fcgi/nitro-spawn.sh"
t_like "$($PKG_CONFIG --cflags nitro)" "-I$prefix/include" \
    "pkg-config finds the installed headers"

# ---- names ----
cd "$work" || exit 1
long=$(printf 'a%.0s' $(seq 41))
for bad in "" Demo 1app "my app" a/b ../up "x.y" "$long" check install src \
    tests nitro makefile; do
	"$NITRO" new "$bad" >/dev/null 2>"$IT_DIR/err"
	t_is "$?" 2 "refuses the name \"$bad\""
done
"$NITRO" new Demo >/dev/null 2>"$IT_DIR/err"
t_like "$(cat "$IT_DIR/err")" 'is not a valid name: use a lower-case letter' \
    "a bad name is explained"
"$NITRO" new check >/dev/null 2>"$IT_DIR/err"
t_like "$(cat "$IT_DIR/err")" '"check" is reserved' "a reserved name is explained"
"$NITRO" new -x >/dev/null 2>"$IT_DIR/err"
t_is "$?" 2 "an option it does not know is refused"
"$NITRO" new >/dev/null 2>"$IT_DIR/err"
t_like "$?:$(cat "$IT_DIR/err")" '^2:usage: nitro new NAME' "no name prints the usage"
t_is "$(ls -A)" "" "refused names create nothing"

# ---- the skeleton ----
"$NITRO" new demo >"$IT_DIR/out" 2>&1
t_is "$?" 0 "nitro new demo succeeds"
t_like "$(cat "$IT_DIR/out")" 'nitro serve --app \./demo' "and says how to run it"
t_is "$(cd demo && find . -type f | sort | tr '\n' ' ')" \
    "./.env ./.gitignore ./Makefile.am ./README.md ./autogen.sh ./configure.ac ./src/accounts.c ./src/app.c ./src/app.h ./src/main.c ./tests/test_accounts.c ./tests/test_app.c " \
    "it writes the skeleton's files"
t_run "autogen.sh is executable" test -x demo/autogen.sh
t_is "$(grep -rlE '@[A-Z_]+@' demo)" "" "no template marker is left"
t_like "$(cat demo/configure.ac)" 'PKG_CHECK_MODULES\(\[NITRO\], \[nitro\]' \
    "configure.ac finds libnitro through pkg-config"
sum=$(cat demo/src/app.c | cksum)
"$NITRO" new demo >/dev/null 2>"$IT_DIR/err"
t_is "$?" 1 "an existing directory is refused"
t_like "$(cat "$IT_DIR/err")" '\./demo already exists' "with a message saying so"
t_is "$(cat demo/src/app.c | cksum)" "$sum" "and nothing in it is overwritten"
"$NITRO" new my-app >/dev/null 2>&1
t_has "$(cat my-app/Makefile.am)" 'bin_PROGRAMS = my-app
my_app_SOURCES = ' "a name with - gets automake's canonical variable names"

# ---- build and test it against the installed libnitro ----
cd demo || exit 1
./autogen.sh >"$IT_DIR/autogen.log" 2>&1
t_is "$?" 0 "autogen.sh makes ./configure"
# The compiler and sanitizers of the Nitro build: an ASan libnitro needs an
# ASan program.
cc=$(sed -n 's/^CC = //p' "$IT_BUILD/Makefile")
san=$(sed -n 's/^NITRO_SAN = //p' "$IT_BUILD/Makefile")
./configure CC="${cc:-cc}" CFLAGS="-O2 -Werror $san" LDFLAGS="$san" \
    >"$IT_DIR/configure.log" 2>&1
t_is "$?" 0 "./configure finds the installed libnitro"
mk >"$IT_DIR/make.log" 2>&1
t_is "$?" 0 "make builds it without a warning (-Werror)"
# Its own tests run on the memory repository, whatever the store: once
# (test_new.sh) is enough.
if ! pg; then
	mk check >"$IT_DIR/check.log" 2>&1
	t_is "$?" 0 "make check passes"
	t_like "$(cat "$IT_DIR/check.log")" '# PASS: +32' "all 32 checks of its two tests ran (notes; accounts through the test client)"
fi
t_like "$(ldd ./demo)" "libnitro\.so\.0 => $prefix/lib/" "it runs on the installed library"

# ---- on PostgreSQL: migrate it first, as in production ----
if pg; then
	export NITRO_DB=$PG_URL
	t_like "$(./demo ddl)" '"id" BIGINT PRIMARY KEY DEFAULT nitro_next_id\(.note.\)' \
	    "with NITRO_DB a postgresql:// URL, ./demo ddl prints PostgreSQL's tables"
	"$NITRO" db new create_tables >/dev/null && ./demo ddl >>migrations/0001_create_tables.sql
	t_like "$("$NITRO" db migrate 2>&1)" 'applied 1 migration' \
	    "nitro db migrates the PostgreSQL database NITRO_DB names"
	t_like "$("$NITRO" db status 2>&1)" 'version +1' "which is then at version 1"
	t_is "$(pg_psql -At -c "SELECT string_agg(tablename, ' ' ORDER BY tablename) FROM pg_tables
	    WHERE tablename IN ('note', 'nitro_account', 'nitro_session')")" \
	    "nitro_account nitro_session note" "with the notes', accounts' and sessions' tables"
fi

# ---- serve it ----
port=$(it_free_port)
"$NITRO" serve --app ./demo --port "$port" --workers 2 --run-dir "$IT_DIR/run" \
    >"$IT_DIR/serve.out" 2>"$IT_DIR/serve.stderr" &
serve=$!
IT_PIDS+=("$serve")
t_run "nitro serve runs it behind nginx" it_wait_grep "$IT_DIR/serve.out" \
    "http://127.0.0.1:$port/"
url=http://127.0.0.1:$port
page=$(it_curl "$url/")
t_like "$page" '<title>demo</title>' "its page is served"
t_like "$page" '<ul id="notes"></ul>' "with an empty list of notes"
t_like "$page" "data-init=\"@get\(&#x27;/sse/notes&#x27;, \{retry: &#x27;always&#x27;\}\)\"" \
    "and opens the live stream, again after any end"
# The live stream: the whole list first, then each note as it is added.
it_curl -N --max-time 4 "$url/sse/notes" >"$IT_DIR/sse.out" 2>/dev/null &
sse=$!
it_wait_grep "$IT_DIR/sse.out" 'elements <ul id="notes"></ul>'
post() {
	it_curl -X POST -H 'Datastar-Request: true' -H 'Content-Type: application/json' \
	    -d "$1" "$url/notes"
}
t_is "$(post '{"title":"Buy <milk>","error":""}')" '{"error":"","title":""}' \
    "POST /notes adds a note and clears the field"
t_is "$(post '{"title":"","error":""}')" '{"error":"note: title is required"}' \
    "an empty title is refused with a message"
t_like "$(it_curl "$url/")" '<li id="note-1">Buy &lt;milk&gt;</li>' \
    "the page lists the note, escaped"
wait "$sse"
t_has "$(tr -d '\r' <"$IT_DIR/sse.out")" \
    'data: selector #notes
data: mode append
data: elements <li id="note-1">Buy &lt;milk&gt;</li>

id: ' \
    "the open stream got the note as it was added, then its id"
t_like "$(tr -d '\r' <"$IT_DIR/sse.out" | grep '^id: ')" '^id: [0-9]+-1$' \
    "the id is the log's epoch and the event's id 1"
# Accounts: the guard, signup, the session, logout, login.
t_is "$(it_status "$url/account")" 303 "/account without a session is sent away"
t_like "$(it_curl "$url/signup")" 'name="email".*name="password"' "/signup is a form with email and password"
jar=$IT_DIR/jar
t_is "$(it_status "$url/signup" -c "$jar" -d 'email=ann%40example.com&password=correct+horse')" 303 \
    "POST /signup makes an account"
t_like "$(it_curl -b "$jar" "$url/account")" 'ann@example\.com' "and /account shows it"
old=$(sed -nE 's/.*nitro_session\t([0-9a-f]+)$/\1/p' "$jar")
t_is "$(it_status "$url/logout" -b "$jar" -c "$jar" -X POST)" 303 "POST /logout"
t_is "$(it_status "$url/account" -b "nitro_session=$old")" 303 "the id of before the logout opens nothing"
t_is "$(it_status "$url/login" -d 'email=ann%40example.com&password=wrong+horse')" 401 \
    "a wrong password is 401"
t_is "$(it_status "$url/login" -c "$jar" -d 'email=ann%40example.com&password=correct+horse')" 303 \
    "the right one logs in"
t_is "$(it_status "$url/account" -b "$jar")" 200 "and opens /account"
if pg; then
	t_is "$(pg_psql -At -c 'SELECT title FROM note')" 'Buy <milk>' "the note is in PostgreSQL"
	t_like "$(pg_psql -At -c 'SELECT email FROM nitro_account')" '^ann@example\.com$' \
	    "and so is the account"
	t_run "and no SQLite file was made" test ! -e var/demo.db
else
	t_run "the database is in var/" test -s var/demo.db
fi
kill -TERM "$serve"
wait "$serve"
t_is "$?" 0 "nitro serve stops on SIGTERM"

if pg; then
	unset NITRO_DB
	it_done
fi

# ---- nitro db works on the application's database ----
t_like "$("$NITRO" db status 2>&1)" 'database +var/demo\.db' \
    "nitro db reads the database from .env, as the application does"
t_run "and no other database file appears" test ! -e nitro.db
t_like "$(./demo ddl)" 'CREATE TABLE IF NOT EXISTS "note"' "./demo ddl prints the tables' SQL"
t_like "$(./demo ddl)" 'CREATE TABLE IF NOT EXISTS "nitro_account"' "the accounts' too"
"$NITRO" db new create_notes >/dev/null && ./demo ddl >>migrations/0001_create_notes.sql
export NITRO_DB=var/fresh.db
t_like "$("$NITRO" db status 2>&1)" 'var/fresh\.db \(does not exist yet\)' \
    "status of a database not made yet says so"
t_run "and creates nothing" test ! -e var/fresh.db
t_like "$("$NITRO" db migrate 2>&1)" 'applied 1 migration' "the printed SQL migrates a new database"
t_like "$("$NITRO" db status 2>&1)" 'version +1' "which is then at version 1"
unset NITRO_DB
it_done
