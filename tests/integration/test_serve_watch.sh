#!/usr/bin/env bash
# `nitro serve --watch` on a small project: a change to a source file is
# rebuilt (make) and served by restarted workers while requests keep
# being answered, without an error; a change that does not compile
# prints the compiler's error and leaves the old program serving.
. "${top_srcdir:-.}/tests/integration/lib.sh"
it_require
it_setup
NITRO=$IT_BUILD/nitro
command -v cc >/dev/null 2>&1 || { echo "1..0 # SKIP no C compiler"; exit 0; }

proj=$IT_DIR/proj
mkdir -p "$proj/src"
# The compiler and sanitizers of the Nitro build: an ASan libnitro needs an
# ASan program (as in test_new.sh).
cc=$(sed -n 's/^CC = //p' "$IT_BUILD/Makefile")
san=$(sed -n 's/^NITRO_SAN = //p' "$IT_BUILD/Makefile")
cat >"$proj/Makefile" <<EOF
CC = ${cc:-cc}
app: src/app.c src/msg.h
	\$(CC) $san -o app src/app.c -I$(cd "$IT_SRC" && pwd)/include \$\$(pkg-config --cflags json-c) \\
	    -L$IT_BUILD/.libs -Wl,-rpath,$IT_BUILD/.libs -lnitro \$\$(pkg-config --libs json-c)
EOF
cat >"$proj/src/app.c" <<'EOF'
#include <string.h>
#include <nitro.h>
#include "msg.h"

static int hello(nitro_req *req, void *u)
{
	(void)u;
	return nitro_resp_send(req, 200, "text/plain", MSG, strlen(MSG));
}

int main(int argc, char **argv)
{
	nitro_app *app = nitro_app_new(NULL);
	int rc = app && nitro_route(app, "GET /", hello, NULL) == 0 ?
	    nitro_app_run(app, argc, argv) : 1;

	nitro_app_free(app);
	return rc == 0 ? 0 : 1;
}
EOF
echo '#define MSG "one"' >"$proj/src/msg.h"
(cd "$proj" && make -s) >"$IT_DIR/make.out" 2>&1
t_run "the project builds" test -x "$proj/app"

port=$(it_free_port)
(cd "$proj" && exec "$NITRO" serve --app ./app --port "$port" --workers 2 \
    --run-dir "$IT_DIR/run" --no-rate-limit --watch) \
    >"$IT_DIR/serve.out" 2>"$IT_DIR/serve.stderr" &
serve=$!
IT_PIDS+=("$serve")
t_run "nitro serve --watch listens" it_wait_port "$port"
it_wait_file "$IT_DIR/run/w1.sock"
url=http://127.0.0.1:$port/
# wait_log ERE: up to 20 s for serve's log to match.
wait_log() {
	local i
	for i in $(seq 100); do
		grep -qE -- "$1" "$IT_DIR/serve.stderr" && return 0
		sleep 0.2
	done
	return 1
}
t_is "$(curl -s --max-time 10 "$url")" one "the first build is served"

# Requests all along, each answer recorded, until the new text shows.
echo '#define MSG "two"' >"$proj/src/msg.h"
: >"$IT_DIR/answers"
for i in $(seq 300); do
	a=$(curl -s --max-time 10 -w ' %{http_code}' "$url")
	echo "$a" >>"$IT_DIR/answers"
	[ "$a" = "two 200" ] && break
	sleep 0.1
done
t_is "$(tail -n 1 "$IT_DIR/answers")" "two 200" "the change is rebuilt and served"
t_is "$(grep -cvE '^(one|two) 200$' "$IT_DIR/answers")" 0 \
    "every request meanwhile was answered 200 by the old or the new program"
t_run "both workers were restarted" wait_log 'every worker runs the new build'
t_is "$(for i in $(seq 10); do curl -s --max-time 10 "$url"; echo; done | sort -u)" two \
    "and both serve the new build"

# A change that does not compile.
echo '#define MSG "three" +' >"$proj/src/msg.h"
t_run "a broken change: the build fails" wait_log 'the build failed; the running workers stay'
t_like "$(cat "$IT_DIR/serve.stderr" "$IT_DIR/serve.out")" 'error' \
    "the compiler's error is printed"
t_is "$(for i in $(seq 10); do curl -s --max-time 10 -w ' %{http_code}' "$url"; echo; done | sort -u)" \
    "two 200" "the old program goes on serving"

kill -TERM "$serve"
wait "$serve"
t_is "$?" 0 "serve stops on SIGTERM"
it_done
