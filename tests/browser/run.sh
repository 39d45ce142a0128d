#!/usr/bin/env bash
# tests/browser/run.sh: the examples in a real browser.
#
# Debian's chromium, headless, driven from Node by playwright-core, goes
# through examples/todomvc (todomvc.mjs), examples/live (live.mjs),
# examples/hello (hello.mjs), examples/admin (admin.mjs) and
# tests/integration/table_app (table.mjs, components.mjs), each served by nginx in front of two
# workers on two sockets, so that consecutive requests go to different
# worker processes (see tests/integration/lib.sh); and through the small
# project of tests/integration/watch_app.c under `nitro serve --watch`
# (watch.mjs: a change rebuilt and served under an open page).  The pages load Datastar from the
# application, which serves the bundle named by NITRO_DATASTAR_JS.
#
# The Datastar v1.0 bundle is not on npm: the suite uses the copy every
# developer and CI run has beside the project, ../shared/datastar/datastar.js
# (relative to the source tree; a test fixture, never copied into the
# project), or the file NITRO_DATASTAR_JS names.  Without one the suite is
# skipped, saying why.  chromium (and node, npm) are installed with apt-get
# when missing, playwright-core with `npm ci` from package-lock.json into
# tests/browser/node_modules of the build tree (playwright-core downloads
# no browser).  Each example gets at most 240 s, npm 300 s.  Screenshots
# of failures go to tests/logs/.
#
# Output is TAP like every integration script; each check is named
# "suite: what".  NITRO_CHROMIUM overrides /usr/bin/chromium;
# NITRO_BROWSER_ONLY=todomvc (or live, hello, table, components, admin, watch) runs one suite.
set -u
srcdir=${top_srcdir:-.}

# ---- the Datastar bundle -------------------------------------------------
bundle=${NITRO_DATASTAR_JS:-$(cd "$srcdir/.." && pwd)/shared/datastar/datastar.js}
if [ -z "${NITRO_DATASTAR_JS:-}" ] && [ ! -f "$bundle" ]; then
	echo "1..0 # SKIP no Datastar bundle at $bundle (NITRO_DATASTAR_JS names another)"
	exit 0
fi
if [ ! -f "$bundle" ]; then
	echo "Bail out! NITRO_DATASTAR_JS=$bundle: no such file"
	exit 1
fi
bundle=$(cd "$(dirname "$bundle")" && pwd)/$(basename "$bundle")
if ! head -n 1 "$bundle" | grep -q '^// Datastar v1\.'; then
	echo "Bail out! $bundle is not a Datastar v1 bundle; its first line: $(head -c 60 "$bundle" | head -n 1)"
	exit 1
fi

. "$srcdir/tests/integration/lib.sh"
. "$srcdir/tests/integration/watch_lib.sh"
IT_APP=$IT_BUILD/examples/todomvc/todomvc
it_require

# ---- chromium, node and playwright-core ------------------------------------

# apt_install PKG...: as root, or through sudo without a password.
apt_install() {
	local sudo=()
	command -v apt-get >/dev/null 2>&1 || return 1
	if [ "$(id -u)" -ne 0 ]; then
		sudo -n true 2>/dev/null || return 1
		sudo=(sudo -n)
	fi
	echo "# installing $* with apt-get"
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends "$@" >/dev/null 2>&1 ||
	{ "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 2>&1 &&
	  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends "$@" >/dev/null 2>&1; }
}

CHROMIUM=${NITRO_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ] && ! apt_install chromium; then
	echo "Bail out! $CHROMIUM is missing and apt-get could not install chromium"
	exit 1
fi
if { ! command -v node || ! command -v npm; } >/dev/null 2>&1 && ! apt_install nodejs npm; then
	echo "Bail out! node and npm are missing and apt-get could not install them"
	exit 1
fi

# playwright-core, at the version package-lock.json pins, in the build tree
# (the source tree may be read-only, as under make distcheck).
mods=$IT_BUILD/tests/browser
mkdir -p "$mods"
if [ "$(cd "$srcdir/tests/browser" && pwd)" != "$mods" ]; then
	cp "$srcdir/tests/browser/package.json" "$srcdir/tests/browser/package-lock.json" "$mods/"
	chmod u+w "$mods/package.json" "$mods/package-lock.json"
fi
want=$(sed -nE 's/^ *"playwright-core": "([^"]+)".*/\1/p' "$mods/package.json")
have=$(sed -nE 's/^ *"version": "([^"]+)".*/\1/p' \
    "$mods/node_modules/playwright-core/package.json" 2>/dev/null | head -n 1)
if [ "$have" != "$want" ]; then
	echo "# npm ci: playwright-core $want"
	if ! (cd "$mods" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 timeout -k 5 300 \
	    npm ci --no-audit --no-fund --loglevel=error) >"$mods/npm.log" 2>&1; then
		echo "Bail out! npm ci failed in $mods; see $mods/npm.log"
		sed 's/^/# /' "$mods/npm.log" | tail -n 10
		exit 1
	fi
fi

it_setup
logs=${NITRO_TEST_LOGS:-tests/logs}
mkdir -p "$logs"
logs=$(cd "$logs" && pwd)
rm -f "$logs"/browser-*.png

# ---- serving an example -------------------------------------------------------

# serve NAME PROGRAM: PROGRAM as two workers (one socket each; their stderr
# in $IT_DIR/NAME-wN.stderr) behind a fresh nginx; its data in $IT_DIR.
serve() {
	local name=$1 app=$2 i out=$IT_DIR/spawn.out
	stop_serving
	for i in 0 1; do
		if ! NITRO_DB=$IT_DIR/$name.db \
		    NITRO_DATASTAR_JS=$bundle spawn-fcgi -s "$IT_DIR/$name-w$i.sock" \
		    -M 0660 -F 1 -- /bin/sh -c 'exec "$0" 2>>"$1"' "$app" \
		    "$IT_DIR/$name-w$i.stderr" >"$out" 2>&1; then
			echo "Bail out! spawn-fcgi failed: $(cat "$out")"; exit 1
		fi
		IT_WORKERS+=("$(sed -nE 's/.*PID: ([0-9]+).*/\1/p' "$out")")
	done
	it_start_nginx "unix:$IT_DIR/$name-w0.sock; server unix:$IT_DIR/$name-w1.sock"
}

stop_serving() {
	local pid
	[ -n "$IT_NGINX_PID" ] && it_stop "$IT_NGINX_PID" TERM
	for pid in "${IT_WORKERS[@]}"; do it_stop "$pid" TERM; done
	IT_NGINX_PID="" IT_WORKERS=()
	rm -f "$IT_DIR/nginx.pid"
}

# suite NAME PROGRAM: serve PROGRAM and run NAME.mjs against it; its
# checks become ours, prefixed with NAME.
suite() {
	local name=$1 app=$2
	[ -z "${NITRO_BROWSER_ONLY:-}" ] || [ "$NITRO_BROWSER_ONLY" = "$name" ] || return 0
	if [ ! -x "$app" ]; then
		fail "$name: $app is built"
		return
	fi
	serve "$name" "$app"
	run_node "$name"
	stop_serving
}

# run_node NAME: NAME.mjs against the application at IT_URL; its checks
# become ours, prefixed with NAME.
run_node() {
	local name=$1 line rc
	BROWSER_URL=$IT_URL BROWSER_MODULES=$mods/node_modules BROWSER_CHROMIUM=$CHROMIUM \
	    BROWSER_LOGS=$logs BROWSER_BUNDLE=$bundle \
	    timeout -k 5 240 node "$srcdir/tests/browser/$name.mjs" \
	    >"$IT_DIR/$name.tap" 2>"$IT_DIR/$name.node.stderr"
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok - "*) pass "$name: ${line#ok - }" ;;
		"not ok - "*) fail "$name: ${line#not ok - }" ;;
		"# end") ;;
		*) printf '%s\n' "$line" ;;
		esac
	done <"$IT_DIR/$name.tap"
	if ! grep -qx '# end' "$IT_DIR/$name.tap"; then
		fail "$name: the browser run went to its end" "exit status $rc" \
		    "$(tail -n 15 "$IT_DIR/$name.node.stderr")"
	fi
}

# watch_suite: the small project of tests/integration/watch_app.c under
# `nitro serve --watch` (see watch_lib.sh), an open page, and a change to
# its source (watch.mjs).
watch_suite() {
	local proj=$IT_DIR/watch-proj port
	[ -z "${NITRO_BROWSER_ONLY:-}" ] || [ "$NITRO_BROWSER_ONLY" = watch ] || return 0
	if ! watch_project "$proj" one; then
		fail "watch: the project builds" "$(tail -n 15 "$IT_DIR/make.out")"
		return
	fi
	port=$(it_free_port)
	NITRO_DATASTAR_JS=$bundle watch_serve "$proj" "$port" "$IT_DIR/watch-serve"
	if ! it_wait_port "$port" || ! it_wait_file "$IT_DIR/run/w1.sock"; then
		fail "watch: nitro serve --watch listens" "$(tail -n 15 "$IT_DIR/watch-serve.stderr")"
	else
		IT_URL=http://127.0.0.1:$port BROWSER_PROJECT=$proj \
		    BROWSER_SERVE_LOG=$IT_DIR/watch-serve.stderr run_node watch
	fi
	it_stop "$WATCH_PID" TERM
}

suite todomvc "$IT_BUILD/examples/todomvc/todomvc"
# tests/integration/table_app: its table (table.mjs) and components
# (components.mjs), with nitro.css and 25 customers.
export TABLE_SEED=25 NITRO_CSS=$srcdir/views/nitro.css
suite table "$IT_BUILD/tests/integration/table_app"
suite components "$IT_BUILD/tests/integration/table_app"
# examples/admin (admin.mjs): two users on customers and orders.
ADMIN_SEED=25 suite admin "$IT_BUILD/examples/admin/admin"
suite live "$IT_BUILD/examples/live/live"
suite hello "$IT_BUILD/examples/hello/hello"
watch_suite
it_done
