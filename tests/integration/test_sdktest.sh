#!/usr/bin/env bash
# examples/sdk-test, the Datastar SDK conformance endpoint /test, through a
# real nginx: every case in tests/integration/sdktest/ sent three ways
#   GET  /test?datastar=<JSON, percent-encoded by curl>
#   GET  /test?x=1&datastar=<JSON, form-encoded: '+' for space, lowercase %xx>
#   POST /test with the JSON as the body
# with `Datastar-Request: true`, as the browser and the shared suite do.
#
# A case is NAME.json (the input) and NAME.txt, written by hand from the
# rules in shared/datastar.md, never copied from the program's output:
# - for NAME, the exact SSE bytes of a 200 text/event-stream, no-cache
#   response that then ends;
# - for error-NAME, the expected status on the first line and an extended
#   regular expression the error message must match on the second; the
#   answer must be an error document, never a partial stream.
. "${top_srcdir:-.}/tests/integration/lib.sh"
IT_APP=$IT_BUILD/examples/sdk-test/sdk-test
it_require
it_setup
it_start_workers 1
it_start_nginx

CASES=$IT_SRC/tests/integration/sdktest
H=$IT_DIR/headers
B=$IT_DIR/body

# form_encode FILE: FILE as application/x-www-form-urlencoded, the way a
# form would send it ('+' for a space, %xx in lower case for the rest).
form_encode() {
	od -An -v -tx1 "$1" | awk '
	BEGIN {
		for (i = 1; i < 128; i++) {
			c = sprintf("%c", i)
			if (c ~ /^[A-Za-z0-9._~-]$/)
				keep[sprintf("%02x", i)] = c
		}
	}
	{
		for (i = 1; i <= NF; i++) {
			if ($i in keep) printf "%s", keep[$i]
			else if ($i == "20") printf "+"
			else printf "%%%s", $i
		}
	}'
}

# send WAY FILE [CURL-ARGS...]: one request for the input in FILE; the body
# goes to $B, the headers to $H; prints "CURL-EXIT:STATUS".
send() {
	local way=$1 file=$2 code rc
	shift 2
	case $way in
	get)
		code=$(curl -sS --max-time 20 -D "$H" -o "$B" -w '%{http_code}' \
		    -H 'Datastar-Request: true' "$@" -G \
		    --data-urlencode "datastar@$file" "$IT_URL/test")
		;;
	get-form)
		code=$(curl -sS --max-time 20 -D "$H" -o "$B" -w '%{http_code}' \
		    -H 'Datastar-Request: true' "$@" \
		    "$IT_URL/test?x=1&datastar=$(form_encode "$file")")
		;;
	post)
		code=$(curl -sS --max-time 20 -D "$H" -o "$B" -w '%{http_code}' \
		    -H 'Datastar-Request: true' -H 'Content-Type: application/json' \
		    "$@" --data-binary "@$file" "$IT_URL/test")
		;;
	esac
	rc=$?
	echo "$rc:$code"
}

# show_diff WANT: the expected and received bodies, control characters made
# visible, as TAP comments.
show_diff() {
	diag "$(diff <(cat -A "$1") <(cat -A "$B") | head -n 30)"
}

ncases=0
nerrors=0
for json in "$CASES"/*.json; do
	name=$(basename "$json" .json)
	want=$CASES/$name.txt
	if [ ! -f "$want" ]; then
		fail "$name: has an expected output $name.txt"
		continue
	fi
	case $name in
	error-*)
		nerrors=$((nerrors + 1))
		status=$(sed -n 1p "$want")
		ere=$(sed -n 2p "$want")
		for way in get get-form post; do
			r=$(send "$way" "$json" -H 'Accept: application/json')
			t_is "$r $(it_header "$H" Content-Type)" "0:$status application/json" \
			    "$name via $way: $status with an error document"
			t_like "$(cat "$B")" "\"message\":\"([^\"\\\\]|\\\\.)*$ere" \
			    "$name via $way: the message says what is wrong"
			if grep -q '^event:' "$B"; then
				fail "$name via $way: no event was sent" "$(head -c 300 "$B")"
			else
				pass "$name via $way: no event was sent"
			fi
		done
		;;
	*)
		ncases=$((ncases + 1))
		for way in get get-form post; do
			r=$(send "$way" "$json" -H 'Accept: text/event-stream')
			t_is "$r|$(it_header "$H" Content-Type)|$(it_header "$H" Cache-Control)" \
			    "0:200|text/event-stream|no-cache" \
			    "$name via $way: 200 text/event-stream no-cache, ended"
			if cmp -s "$B" "$want"; then
				pass "$name via $way: the exact events"
			else
				fail "$name via $way: the exact events"
				show_diff "$want"
			fi
		done
		;;
	esac
done
diag "$ncases event cases, $nerrors error cases"
t_like "$ncases $nerrors" '^([4-9][0-9]) ([1-9][0-9])$' "the case directory holds the cases"

# ---- a long stream: 5000 elements lines through POST ----------------------
{
	printf '{"events": [{"type": "patchElements", "selector": "#big", "mode": "inner", "elements": "'
	for ((i = 1; i <= 5000; i++)); do printf '<li>item %d</li>\\n' "$i"; done
	printf '<li>end</li>"}]}'
} >"$IT_DIR/big.json"
{
	printf 'event: datastar-patch-elements\ndata: selector #big\ndata: mode inner\n'
	for ((i = 1; i <= 5000; i++)); do printf 'data: elements <li>item %d</li>\n' "$i"; done
	printf 'data: elements <li>end</li>\n\n'
} >"$IT_DIR/big.txt"
r=$(send post "$IT_DIR/big.json")
t_is "$r|$(it_header "$H" Content-Type)" "0:200|text/event-stream" "5001 lines of elements: 200, ended"
t_run "5001 lines of elements: the exact event ($(wc -c <"$IT_DIR/big.txt") bytes)" \
    cmp -s "$B" "$IT_DIR/big.txt"

# ---- no input at all: there is nothing to emit ----------------------------
code=$(it_status "$IT_URL/test" -H 'Datastar-Request: true' -H 'Accept: application/json' \
    -D "$H")
t_is "$code $(it_header "$H" Content-Type)" "400 application/json" \
    "GET /test without the datastar parameter: 400"
code=$(curl -s --max-time 20 -o "$B" -w '%{http_code}' -X POST \
    -H 'Datastar-Request: true' -H 'Content-Type: application/json' \
    -H 'Accept: application/json' "$IT_URL/test")
t_is "$code" 400 "POST /test with an empty body: 400"
t_like "$(cat "$B")" 'events' "the message names the expected {\"events\": [...]}"

t_run "the worker is still alive after every case" it_alive "${IT_WORKERS[0]}"
it_done
