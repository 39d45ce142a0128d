#!/usr/bin/env bash
# Connections that cannot freeze a worker, spoken to in raw FastCGI
# records (tests/integration/fcgi_raw.py) on the worker's own socket, with
# no nginx in between: a peer that sends part of a request, stops reading
# or idles on a kept connection is cut at the connection deadline
# (counted in /metrics and logged) while valid requests are served; other
# roles than RESPONDER are refused; HEAD never opens a stream.
. "${top_srcdir:-.}/tests/integration/lib.sh"
it_require
command -v python3 >/dev/null 2>&1 || { echo "1..0 # SKIP python3 not installed"; exit 0; }
it_setup

IO_MS=1000		# the deadline the worker runs with
BOUND=3.5		# seconds: a deadline, a watchdog tick and a loaded machine
HOLD_MAX=8		# a holder gives up (the worker never cut it) after this
export APP_IO_MS=$IO_MS
sock=$IT_DIR/w.sock
it_start_listener conn "unix:$sock" --threads 2
it_wait_file "$sock" || { echo "Bail out! the worker did not listen"; exit 1; }

raw() { timeout 30 python3 "$IT_SRC/tests/integration/fcgi_raw.py" "$sock" "$@"; }
# field NAME TEXT: the value of the line "NAME value" of TEXT.
field() { printf '%s\n' "$2" | sed -nE "s/^$1 (.*)/\1/p" | head -n 1; }
# within SECONDS BOUND: SECONDS is a number no larger than BOUND.
within() { [ -n "$1" ] && awk -v s="$1" -v b="$2" 'BEGIN { exit !(s <= b) }'; }

# hold CASE: two connections misbehave as CASE (the worker has two
# threads, so both are taken); meanwhile a valid request is answered
# within BOUND, and the worker cuts both within BOUND.
hold() {
	local c=$1 i pids=() out
	for i in 1 2; do
		raw hold "$c" --max "$HOLD_MAX" >"$IT_DIR/hold-$c-$i.out" 2>&1 &
		pids+=($!)
	done
	for i in 1 2; do
		it_wait_grep "$IT_DIR/hold-$c-$i.out" '^held' ||
		    diag "$c: holder $i: $(cat "$IT_DIR/hold-$c-$i.out")"
	done
	sleep 0.2	# both connections accepted by now
	out=$(raw request "/hello/$c" --timeout "$HOLD_MAX")
	if printf '%s' "$out" | grep -q "Hello, $c!" &&
	    within "$(field seconds "$out")" "$BOUND"; then
		pass "$c: a valid request is answered in $(field seconds "$out") s while two connections hold"
	else
		fail "$c: a valid request is answered within $BOUND s while two connections hold" \
		    "$out"
	fi
	wait "${pids[@]}"
	for i in 1 2; do
		out=$(cat "$IT_DIR/hold-$c-$i.out")
		if within "$(field closed "$out")" "$BOUND"; then
			pass "$c: connection $i cut after $(field closed "$out") s"
		else
			fail "$c: connection $i cut within $BOUND s" "$out"
		fi
	done
}

# ---- a peer that sends part of a request, idles, or does not read ------
hold header	# 3 bytes of a record header
hold begin	# BEGIN_REQUEST and nothing else
hold params	# half a PARAMS record
hold drip	# a byte in time for every read, the whole request late
hold keep	# a kept connection, idle after its request
hold body	# a body shorter than CONTENT_LENGTH
hold noread	# a response the peer never reads

# Work longer than the deadline is not I/O: it is not cut.
out=$(raw request /slow --timeout 10)
t_like "$out" 'slept' "a handler that works longer than the deadline is answered"
out=$(raw request '/big?kb=4096' --timeout 10)
t_run "a 4 MiB response, read as it comes, is written whole" \
    test "$(field stdout "$out")" -gt $((4096 * 1024))

metrics=$(raw request /metrics)
count() { printf '%s\n' "$metrics" | sed -nE "s/^nitro_conn_timeouts_total\{op=\"$1\"\} ([0-9]+).*/\1/p"; }
t_is "$(count request)" 8 "/metrics: 8 connections cut reading a request (header, begin, params, drip)"
t_is "$(count idle)" 2 "/metrics: 2 kept connections cut idle"
t_is "$(count body)" 2 "/metrics: 2 connections cut reading a body"
t_is "$(count write)" 2 "/metrics: 2 connections cut writing a response"
log=$IT_DIR/conn.stderr
t_is "$(grep -c 'connection deadline passed' "$log")" 14 "each cut connection is logged once"
t_like "$(grep 'connection deadline passed' "$log" | grep 'op=write' | head -n 1)" \
    'level=warn.*ms=1000' "the log line says what was late and the deadline"

# ---- roles other than RESPONDER ------------------------------------------
for role in 2:AUTHORIZER 3:FILTER; do
	out=$(raw request "/hello/${role#*:}" --role "${role%%:*}" --timeout 5)
	t_is "$(field end "$out") $(field stdout "$out")" "0 3 0" \
	    "${role#*:}: refused with FCGI_UNKNOWN_ROLE, nothing written"
	t_is "$(grep -c "path=/hello/${role#*:}" "$log")" 0 "${role#*:}: no handler ran"
done
out=$(raw request /hello/after-roles)
t_like "$out" 'Hello, after-roles!' "a RESPONDER request is served after the refusals"

# ---- HEAD never opens a stream -------------------------------------------
out=$(raw request /live --method HEAD --timeout 5)
t_is "$(field end "$out")" "0 0" "HEAD /live: the response ends"
t_like "$out" 'Content-Type: text/event-stream' "HEAD /live: a stream's headers"
t_is "$(printf '%s' "$out" | sed '1,/^\r$/d' | wc -c)" 0 "HEAD /live: no body"
t_is "$(raw request /hub | tail -n 1)" "streams=0 parked=0" "HEAD /live: nothing parked in the hub"
out=$(raw request '/sse?n=3' --method HEAD --timeout 5)
t_is "$(field end "$out")" "0 0" "HEAD /sse: the response ends"
t_is "$(printf '%s' "$out" | sed '1,/^\r$/d' | wc -c)" 0 "HEAD /sse: no events"


# ---- streams are long-lived by design ------------------------------------
# A parked stream belongs to the hub, and a handler's stream writes while
# the client reads: neither is cut at the deadline.
out=$(raw stream /live --for 2.5)
t_like "$out" '^open [0-9]{5,}' "GET /live: parked, its first render read, open past the deadline"
out=$(raw stream /sse/forever --for 2.5)
t_like "$out" '^open [0-9]{3,}' "GET /sse/forever: written by its handler, open past the deadline"

it_done
