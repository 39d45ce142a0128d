# tests/integration/watch_lib.sh: sourced after lib.sh by the tests that
# serve a small project with `nitro serve --watch` and change it under a
# live stream (test_serve_watch_live.sh, the browser suite watch.mjs).
# The project is tests/integration/watch_app.c with src/build.h, built by
# make with the compiler and sanitizers of the Nitro build (an ASan
# libnitro needs an ASan program, as in test_new.sh).

# watch_project DIR BUILD: the project in DIR, built, serving BUILD.
watch_project() {
	local proj=$1 cc san
	cc=$(sed -n 's/^CC = //p' "$IT_BUILD/Makefile")
	san=$(sed -n 's/^NITRO_SAN = //p' "$IT_BUILD/Makefile")
	mkdir -p "$proj/src"
	cat >"$proj/Makefile" <<EOF
CC = ${cc:-cc}
app: src/app.c src/build.h
	\$(CC) $san -Wall -Wextra -Werror -o app src/app.c -I$(cd "$IT_SRC" && pwd)/include \$\$(pkg-config --cflags json-c) \\
	    -L$IT_BUILD/.libs -Wl,-rpath,$IT_BUILD/.libs -lnitro \$\$(pkg-config --libs json-c)
EOF
	cp "$IT_SRC/tests/integration/watch_app.c" "$proj/src/app.c"
	watch_set "$proj" "$2"
	(cd "$proj" && make -s) >"$IT_DIR/make.out" 2>&1
}

# watch_set DIR BUILD: change the project's source (what --watch sees).
watch_set() { echo "#define BUILD \"$2\"" >"$1/src/build.h"; }

# watch_serve DIR PORT LOG [SERVE-ARGS...]: nitro serve --watch on the
# project in DIR with two workers, on PORT, its run directory
# $IT_DIR/run, its output in LOG.out and LOG.stderr; the store is
# $IT_DIR/watch.db.  Sets WATCH_PID (also in IT_PIDS).
watch_serve() {
	local proj=$1 port=$2 log=$3
	shift 3
	(cd "$proj" && NITRO_DB=$IT_DIR/watch.db exec "$IT_BUILD/nitro" serve --app ./app \
	    --port "$port" --workers 2 --run-dir "$IT_DIR/run" --no-rate-limit --watch "$@") \
	    >"$log.out" 2>"$log.stderr" &
	WATCH_PID=$!
	IT_PIDS+=("$WATCH_PID")
}

# watch_wait_log LOG ERE [SECONDS]: wait (default 30 s) for a line of
# LOG.stderr, serve's log, to match.
watch_wait_log() {
	local i
	for ((i = 0; i < ${3:-30} * 5; i++)); do
		grep -qE -- "$2" "$1.stderr" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}
