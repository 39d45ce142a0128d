#!/usr/bin/env bash
# Static files, three ways: nginx's location (`nitro serve --static DIR`),
# the library handler nitro_app_static() behind nginx without that
# location (FastCGI workers), and the same handler in CGI mode.  Each
# serves the files with validators and caching, answers conditional
# requests 304, and refuses every traversal attempt: "..", encoded dots
# and slashes, NUL, backslashes, absolute paths, dot files and dot
# directories, directories, symbolic links (out of the directory and
# within it), a FIFO, a file over the size limit and very long paths.
. "${top_srcdir:-.}/tests/integration/lib.sh"
it_require
it_setup
NITRO=$IT_BUILD/nitro

# ---- the directory ----
site=$IT_DIR/site
mkdir -p "$site/js" "$site/sub" "$site/.git"
printf 'body { color: red }\n' >"$site/app.css"
printf 'body { color: blue }\n' >"$site/app.3f9a1c2e.css"
printf 'export const x = 1;\n' >"$site/js/x.js"
printf '{"a":1}\n' >"$site/data.json"
printf '<svg xmlns="http://www.w3.org/2000/svg"/>\n' >"$site/i.svg"
printf '\x89PNG\r\n\x1a\n' >"$site/i.png"
printf 'plain\n' >"$site/sub/a.txt"
printf 'bytes\n' >"$site/blob.bin"
printf 'DOTSECRET\n' >"$site/.env"
printf 'GITSECRET\n' >"$site/.git/config"
printf 'TOPSECRET\n' >"$IT_DIR/secret.txt"
ln -s "$IT_DIR/secret.txt" "$site/out.txt"
ln -s app.css "$site/in.css"
ln -s "$IT_DIR" "$site/up"
mkfifo "$site/fifo"
head -c 70000 /dev/zero >"$site/big.bin"
touch -d '2026-01-02 03:04:05 UTC' "$site/app.css"
chmod -R a+rX "$site"

# ---- the three servers ----
run=$IT_DIR/run
port=$(it_free_port)
"$NITRO" serve --app "$IT_APP" --port "$port" --workers 1 --run-dir "$run" \
    --static "$site" >"$IT_DIR/serve.out" 2>"$IT_DIR/serve.stderr" &
IT_PIDS+=("$!")
t_run "nitro serve --static listens" it_wait_port "$port"
it_wait_file "$run/w0.sock"
NGX=http://127.0.0.1:$port

APP_STATIC=$site APP_STATIC_MAX=65536 APP_STATIC_FILE=$site/js/x.js it_start_workers 1
it_start_nginx
LIB=$IT_URL

# cgi PATH [HEADER=VALUE...]: the app answers one CGI request; writes
# $IT_DIR/h (head) and $IT_DIR/b (body) like curl -D/-o, prints the status.
cgi() {
	local path=$1 out=$IT_DIR/cgi.out
	shift
	env -i PATH="$PATH" APP_STATIC="$site" APP_STATIC_MAX=65536 \
	    REQUEST_METHOD="${CGI_METHOD:-GET}" REQUEST_URI="$path" "$@" \
	    "$IT_APP" </dev/null >"$out" 2>>"$IT_DIR/cgi.stderr"
	python3 - "$out" "$IT_DIR/h" "$IT_DIR/b" <<'EOF'
import sys
data = open(sys.argv[1], 'rb').read()
head, _, body = data.partition(b'\r\n\r\n')
open(sys.argv[2], 'wb').write(head + b'\r\n')
open(sys.argv[3], 'wb').write(body)
status = [l for l in head.split(b'\r\n') if l.startswith(b'Status: ')]
print(status[0][8:11].decode() if status else '200')
EOF
}

# get BASE PATH [CURL-ARGS...]: the status; head and body in $IT_DIR/h, /b.
get() {
	local base=$1 path=$2
	shift 2
	if [ "$base" = cgi ]; then
		local args=() a
		for a in "$@"; do
			case $a in
			-H) ;;
			If-None-Match:*) args+=("HTTP_IF_NONE_MATCH=${a#If-None-Match: }") ;;
			If-Modified-Since:*) args+=("HTTP_IF_MODIFIED_SINCE=${a#If-Modified-Since: }") ;;
			esac
		done
		cgi "$path" "${args[@]}"
		return
	fi
	: >"$IT_DIR/b"
	curl -s --path-as-is --max-time 20 -D "$IT_DIR/h" -o "$IT_DIR/b" \
	    -w '%{http_code}' "$@" "$base$path"
}
hdr() { it_header "$IT_DIR/h" "$1"; }

for mode in nginx library cgi; do
	case $mode in
	nginx) base=$NGX ;;
	library) base=$LIB ;;
	cgi) base=cgi ;;
	esac

	# ---- files are served ----
	t_is "$(get "$base" /static/app.css)" 200 "$mode: a file is served"
	t_is "$(cat "$IT_DIR/b")" "body { color: red }" "$mode: its bytes"
	t_is "$(hdr Content-Type)" "text/css; charset=utf-8" "$mode: Content-Type by extension"
	t_is "$(hdr Last-Modified)" "Fri, 02 Jan 2026 03:04:05 GMT" "$mode: Last-Modified"
	etag=$(hdr ETag)
	t_is "$etag" "\"$(printf '%x-%x' "$(stat -c %Y "$site/app.css")" \
	    "$(stat -c %s "$site/app.css")")\"" "$mode: ETag is nginx's (mtime-size in hex)"
	t_is "$(hdr Cache-Control)" "public, max-age=60, must-revalidate" \
	    "$mode: short caching with revalidation"
	t_is "$(hdr X-Content-Type-Options)" nosniff "$mode: nosniff"
	t_is "$(get "$base" /static/app.3f9a1c2e.css)" 200 "$mode: a hashed name is served"
	t_is "$(hdr Cache-Control)" "public, max-age=31536000, immutable" \
	    "$mode: a hashed name is cached for a year, immutable"
	t_is "$(get "$base" /static/js/x.js)" 200 "$mode: a file in a subdirectory"
	t_is "$(hdr Content-Type)" "text/javascript; charset=utf-8" "$mode: JavaScript's type"

	# ---- conditional requests ----
	t_is "$(get "$base" /static/app.css -H "If-None-Match: $etag")" 304 \
	    "$mode: If-None-Match with the ETag: 304"
	t_is "$(wc -c <"$IT_DIR/b")" 0 "$mode: 304 has no body"
	t_is "$(hdr ETag)" "$etag" "$mode: 304 carries the ETag"
	t_is "$(get "$base" /static/app.css -H 'If-None-Match: "other", '"$etag")" 304 \
	    "$mode: the ETag in a list: 304"
	t_is "$(get "$base" /static/app.css -H 'If-None-Match: "other"')" 200 \
	    "$mode: another ETag: 200"
	t_is "$(get "$base" /static/app.css -H 'If-Modified-Since: Fri, 02 Jan 2026 03:04:05 GMT')" \
	    304 "$mode: If-Modified-Since at Last-Modified: 304"
	t_is "$(get "$base" /static/app.css -H 'If-Modified-Since: Thu, 01 Jan 2026 00:00:00 GMT')" \
	    200 "$mode: If-Modified-Since before it: 200"

	# ---- refusals: nothing outside the directory, nothing hidden ----
	for p in /static/../secret.txt /static/%2e%2e/secret.txt /static/%2E%2E/secret.txt \
	    /static/..%2fsecret.txt /static/%2e%2e%2fsecret.txt /static/js/..%2f..%2fsecret.txt \
	    /static/sub/../../secret.txt /static/..%5csecret.txt '/static/..\secret.txt' \
	    /static//etc/passwd /static/%2fetc%2fpasswd /static/%2Fetc/passwd \
	    /static/.env /static/%2eenv /static/.git/config /static/%2egit/config \
	    /static/sub/. /static/sub/ /static/sub /static/ /static/js/ \
	    /static/out.txt /static/in.css /static/up/secret.txt /static/fifo \
	    /static/app.css%00 /static/app.css%00.png /static/%00 /static/app.css%zz \
	    /static/app.css%2 /static/nonexistent.css; do
		st=$(get "$base" "$p")
		# The router sends a trailing slash away (308) to the path
		# without it, which is refused in turn.
		case $st in
		4[0-9][0-9] | 308) pass "$mode: $p is refused ($st)" ;;
		*) fail "$mode: $p is refused" "status $st" ;;
		esac
		if grep -qE 'TOPSECRET|DOTSECRET|GITSECRET|root:' "$IT_DIR/b"; then
			fail "$mode: $p leaks nothing"
		fi
	done
	long=/static/$(printf 'a%.0s' $(seq 5000)).css
	st=$(get "$base" "$long")
	t_like "$st" '^4[0-9][0-9]$' "$mode: a very long path is refused ($st)"
	long=/static/$(for i in $(seq 400); do printf '%s' '../'; done)secret.txt
	st=$(get "$base" "$long")
	t_like "$st" '^4[0-9][0-9]$' "$mode: a long climb is refused ($st)"
	t_run "$mode: and leaks nothing" sh -c "! grep -q TOPSECRET '$IT_DIR/b'"
done

# ---- only what one side has ----
t_is "$(get "$LIB" /static/big.bin)" 404 "library: a file over max_bytes is 404"
t_is "$(get "$NGX" /static/big.bin)" 200 "nginx: the same file is served by nginx"
t_is "$(get "$LIB" /one.js)" 200 "library: one file served at its own path"
t_is "$(cat "$IT_DIR/b")" "export const x = 1;" "library: its bytes"
t_is "$(get "$LIB" /one.js/x)" 404 "library: nothing below one file"
t_is "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$LIB/static/app.css")" 405 \
    "library: POST is not allowed"
t_is "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$NGX/static/app.css")" 403 \
    "nginx: POST is refused"
head_len=$(curl -s --max-time 20 -I "$LIB/static/app.css" | tr -d '\r' |
    sed -n 's/^Content-Length: //Ip')
t_is "$head_len" "$(stat -c %s "$site/app.css")" "library: HEAD gives the length"
t_is "$(curl -s --max-time 20 -I "$NGX/static/app.css" | tr -d '\r' |
    sed -n 's/^Content-Length: //Ip')" "$head_len" "nginx: HEAD gives the same length"
t_is "$(CGI_METHOD=HEAD get cgi /static/app.css; wc -c <"$IT_DIR/b")" "200
0" "cgi: HEAD has no body"

# ---- the two servers agree on every header that matters ----
for f in app.css app.3f9a1c2e.css js/x.js data.json i.svg i.png sub/a.txt blob.bin; do
	for h in Content-Type ETag Last-Modified Cache-Control; do
		get "$NGX" "/static/$f" >/dev/null
		a=$(hdr "$h")
		get "$LIB" "/static/$f" >/dev/null
		b=$(hdr "$h")
		t_is "$b" "$a" "library and nginx agree: $f $h"
	done
done

# ---- the hashed-name rule is written once ----
re=$(sed -n 's/^#define NITRO_STATIC_HASHED_RE "\(.*\)"$/\1/p' \
    "$IT_SRC/include/nitro/fcgi.h" | sed 's/\\\\/\\/g')
t_like "$(cat "$run/nginx.conf")" "$(printf '%s' "$re" | sed 's/[][\.{}$+]/\\&/g')" \
    "nitro serve's map uses NITRO_STATIC_HASHED_RE"
t_is "$(grep -cF "\"~$re\"" "$IT_SRC/deploy/nginx/nitro.conf")" 1 \
    "deploy/nginx/nitro.conf uses NITRO_STATIC_HASHED_RE"
it_done
