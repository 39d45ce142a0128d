#!/usr/bin/env bash
# examples/live behind nginx with two workers sharing one database: the
# page (with a local Datastar client), the first state on a fresh stream, counter and chat changes made
# through either worker reaching the streams of both, a refused message,
# a reconnect with Last-Event-ID sent exactly the events it missed, and a
# reconnect beyond the kept events answered with the whole view.  With
# LIVE_STORE=pg (test_live_example_pg.sh) on PostgreSQL.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$IT_SRC/tests/integration/live_lib.sh"
live_example live
DS=(-H 'Datastar-Request: true' -H 'Content-Type: application/json')

post() { it_curl -X POST "${DS[@]}" -o /dev/null -w '%{http_code}' "$IT_URL$1" "${@:2}"; }

page=$(it_curl "$IT_URL/")
t_like "$page" '<output id="counter">0</output>' "the page shows the counter at 0"
t_like "$page" '<ul id="messages"></ul>' "and no messages"
t_like "$page" 'data-init="@get\(&#x27;/live&#x27;, \{retry: &#x27;always&#x27;\}\)"' \
    "it opens /live when it starts, and again after any end"
t_like "$page" '<script type="module" src="/datastar.js">' \
    "and loads the Datastar client named by NITRO_DATASTAR_JS"
t_is "$(it_curl "$IT_URL/datastar.js")" "// Datastar stand-in" "which the application serves"

live_listen s1 --timeout 30
live_listen s2 --timeout 30
# Both streams must be open (their first state written) before anything
# changes; otherwise a slow client's first state already holds the change.
it_wait_grep "$IT_DIR/s1.ev" '^- datastar-patch-elements' >/dev/null
t_run "both streams get the state first" it_wait_grep "$IT_DIR/s2.ev" '^- datastar-patch-elements'
first='elements <output id="counter">0</output><ul id="messages"></ul>'
t_like "$(grep '^- ' "$IT_DIR/s1.ev")" "^- datastar-patch-elements [0-9]+ $first\$" \
    "the first state: counter and messages, patched by id"

codes=$(post /counter/inc; post /counter/inc; post /counter/inc; post /counter/dec)
t_is "$codes" 204204204204 "+1 three times and -1 once, through both workers: 204"
t_is "$(post /counter/bogus)" 404 "an unknown counter action is 404"
for s in s1 s2; do
	live_wait_events "$s" 4
	t_is "$(live_id_events "$s" | cut -d' ' -f2-)" "$(printf 'elements <output id="counter">%s</output>\n' 1 2 3 2)" \
	    "$s sees the counter go 1, 2, 3, 2"
done
t_is "$(live_id_events s1 | cut -d' ' -f1 | tr '\n' ' ')" "1 2 3 4 " "each patch carries its log id"

reply=$(it_curl -X POST "${DS[@]}" -d '{"name":"ann","text":"hi <b>there</b>"}' "$IT_URL/chat")
t_is "$reply" '{"error":"","text":""}' "a message is taken; the reply clears the field"
for s in s1 s2; do
	live_wait_events "$s" 5
	t_like "$(live_id_events "$s" | tail -n 1)" \
	    '^5 selector #messages\|mode append\|elements <li id="msg-1" data-init="[^"]+"><b>ann</b> hi &lt;b&gt;there&lt;/b&gt;</li>$' \
	    "$s gets the message appended, escaped"
done
reply=$(it_curl -X POST "${DS[@]}" -d '{"name":"","text":"x"}' "$IT_URL/chat")
t_like "$reply" '^\{"error":".*name.*"\}$' "a message without a name is refused with a reason"
diag "refused: $reply"
reply=$(it_curl -X POST "${DS[@]}" -d '{"text":"x"}' "$IT_URL/chat")
t_is "$reply" '{"error":"Please give a name and a message."}' "so is one without the signal"
t_is "$(it_status "$IT_URL/chat" -X POST "${DS[@]}" -d '{"name":')" 400 "malformed signals: 400"
live_listen r --last-id "$(live_id 2)" --expect 3 --timeout 10
t_run "a reconnect with Last-Event-ID (event 2) is sent its missed events" \
    live_wait_exit "$LIVE_LAST_PID" 10
t_is "$(live_id_events r | cut -d' ' -f1 | tr '\n' ' ')" "3 4 5 " "exactly 3, 4 and 5, in order"
t_like "$(live_id_events r | head -n 2)" \
    "^3 elements <output id=\"counter\">3</output>
4 elements <output id=\"counter\">2</output>\$" "each as it was published"
page=$(it_curl "$IT_URL/")
t_like "$page" '<output id="counter">2</output>' "a new page shows the counter at 2"
t_like "$page" '<li id="msg-1" [^>]*><b>ann</b> hi &lt;b&gt;there&lt;/b&gt;</li>' "and the message"

live_gap_reconnect s3
t_like "$(live_id_events s3)" '^5 elements <output id="counter">2</output><ul id="messages"><li id="msg-1" ' \
    "a reconnect beyond the kept events is sent the whole view (nitro.gap)"
for w in "${IT_WORKERS[@]}"; do
	it_alive "$w" || fail "worker $w died"
done
it_done
