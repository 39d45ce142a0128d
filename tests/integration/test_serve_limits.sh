#!/usr/bin/env bash
# nginx's request rate limits as `nitro serve` writes them: a burst of
# POSTs to /login gets 429 from nginx once past its burst, a burst of
# state-changing requests elsewhere gets 429 past its larger burst, GETs
# are never limited, and --no-rate-limit leaves the limits out.
. "${top_srcdir:-.}/tests/integration/lib.sh"
it_require
it_setup
NITRO=$IT_BUILD/nitro

# codes URL N [CURL-ARGS...]: N requests in one curl (as fast as it
# goes), one status a line.
codes() {
	local url=$1 n=$2
	shift 2
	curl -s --max-time 60 -w '%{http_code}\n' "$@" \
	    $(for i in $(seq "$n"); do echo "-o /dev/null $url"; done)
}

start() {
	port=$(it_free_port)
	"$NITRO" serve --app "$IT_APP" --port "$port" --workers 1 --run-dir "$IT_DIR/run$1" \
	    "${@:2}" >"$IT_DIR/serve$1.out" 2>"$IT_DIR/serve$1.stderr" &
	serve=$!
	IT_PIDS+=("$serve")
	it_wait_port "$port" && it_wait_file "$IT_DIR/run$1/w0.sock"
}

t_run "nitro serve starts" start 1
url=http://127.0.0.1:$port
got=$(codes "$url/login" 30 -X POST -d 'email=a@b.c&password=x')
t_is "$(echo "$got" | head -n 11 | sort -u)" 404 \
    "the first POSTs to /login reach the application (it has no /login: 404)"
t_like "$(echo "$got" | tail -n 5 | sort -u)" '^429$' "then nginx answers 429"
t_is "$(echo "$got" | grep -c 429)" "$(echo "$got" | tail -n +12 | grep -c 429)" \
    "only past the burst"
t_is "$(codes "$url/login" 20 | sort -u)" 404 "GET /login is never limited"
# The POSTs above count in this zone too: let it empty first.
sleep 3
got=$(codes "$url/hello/x" 120 -X DELETE)
t_like "$(echo "$got" | grep -c 429)" '^[1-9][0-9]*$' "a burst of DELETEs elsewhere gets 429"
t_is "$(echo "$got" | head -n 50 | sort -u)" 200 "after the first 50 pass"
t_is "$(codes "$url/hello/x" 100 | sort -u)" 200 "GETs are never limited"
t_like "$(cat "$IT_DIR/run1/nginx-error.log")" 'limiting requests' "nginx logs the refusals"
kill -TERM "$serve"
wait "$serve"

t_run "nitro serve --no-rate-limit starts" start 2 --no-rate-limit
t_is "$(codes "http://127.0.0.1:$port/login" 30 -X POST -d 'email=a@b.c' | sort -u)" 404 \
    "--no-rate-limit: no POST to /login is refused"
t_like "$(cat "$IT_DIR/run2/nginx.conf")" '#	limit_req_zone' "the limits are commented out"
it_done
