#!/usr/bin/env bash
# examples/hello behind nginx with two workers sharing one database: the
# page counts each visit and loads the local Datastar client; a fresh
# stream is sent the count first; a visit through either worker reaches
# the streams of both; a reconnect beyond the kept events gets the count.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$IT_SRC/tests/integration/live_lib.sh"
live_example hello

count() { printf '<strong id="count">%s</strong>' "$1"; }

page=$(it_curl "$IT_URL/")
t_like "$page" "$(count 1)" "the first visit shows the count 1"
t_like "$page" 'data-init="@get\(&#x27;/live&#x27;, \{retry: &#x27;always&#x27;\}\)"' \
    "the page opens /live when it starts, and again after any end"
t_like "$page" '<script type="module" src="/datastar.js">' \
    "and loads the Datastar client named by NITRO_DATASTAR_JS"
t_is "$(it_curl "$IT_URL/datastar.js")" "// Datastar stand-in" "which the application serves"
t_like "$(it_curl "$IT_URL/")" "$(count 2)" "the next visit shows 2"

live_listen s1 --timeout 30
live_listen s2 --timeout 30
it_wait_grep "$IT_DIR/s1.ev" '^- datastar-patch-elements' >/dev/null
t_run "both streams get the count first" it_wait_grep "$IT_DIR/s2.ev" '^- datastar-patch-elements'
t_like "$(grep '^- ' "$IT_DIR/s1.ev")" "^- datastar-patch-elements [0-9]+ elements $(count 2)\$" \
    "the first patch is the count now"

for i in 1 2 3; do it_curl -o /dev/null "$IT_URL/"; done
for s in s1 s2; do
	live_wait_events "$s" 3
	t_is "$(live_id_events "$s" | cut -d' ' -f2-)" "$(for n in 3 4 5; do echo "elements $(count $n)"; done)" \
	    "$s sees three visits through either worker: 3, 4, 5"
done
t_is "$(live_id_events s1 | cut -d' ' -f1 | tr '\n' ' ')" "3 4 5 " "each patch carries its log id"

live_gap_reconnect s3
t_like "$(live_id_events s3)" "^5 elements $(count 5)\$" \
    "a reconnect beyond the kept events is sent the count (nitro.gap)"
for w in "${IT_WORKERS[@]}"; do
	it_alive "$w" || fail "worker $w died"
done
it_done
