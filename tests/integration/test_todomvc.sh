#!/usr/bin/env bash
# examples/todomvc through a real nginx and two worker processes (one
# socket each, nginx alternating between them): every TodoMVC operation as
# the browser sends it (Datastar-Request, JSON signals), the 422 answers for
# bad titles, and two live streams that see each change, whichever worker
# made it.  With TODOMVC_STORE=pg (test_todomvc_pg.sh) the store is a
# throwaway PostgreSQL instead of SQLite: the same program, the same checks.
. "${top_srcdir:-.}/tests/integration/lib.sh"
IT_APP=$IT_BUILD/examples/todomvc/todomvc
it_require
it_setup

if [ "${TODOMVC_STORE:-}" = pg ]; then
	. "$IT_SRC/tests/pg_lib.sh"
	pg_start "$IT_DIR" || { echo "1..0 # SKIP $PG_WHY"; exit 0; }
	trap 'pg_stop; it_cleanup' EXIT
	export NITRO_DB=$PG_URL
else
	export NITRO_DB=$IT_DIR/todo.db
fi
export NITRO_DATASTAR_JS=$IT_DIR/datastar.js
printf '// Datastar stand-in\n' >"$NITRO_DATASTAR_JS"
for i in 0 1; do
	it_spawn "$IT_DIR/w$i.sock" 1 "$IT_APP"
done
it_start_nginx "unix:$IT_DIR/w0.sock; server unix:$IT_DIR/w1.sock"

OUT=$IT_DIR/out
# ds METHOD PATH [SIGNALS]: a Datastar action; the body goes to $OUT, the
# status is printed.
ds() {
	curl -s --max-time 20 -o "$OUT" -D "$OUT.h" -w '%{http_code}' -X "$1" \
	    -H 'Datastar-Request: true' -H 'Content-Type: application/json' \
	    --data "${3:-{\}}" "$IT_URL$2"
}
body() { cat "$OUT"; }
# has ERE: the last body matches.
has() { grep -qE -- "$1" "$OUT"; }
# count_left: the "N items left" of the last body.
count_left() { sed -nE 's/.*<strong>([0-9]+)<\/strong> (items? left).*/\1 \2/p' "$OUT" | tail -n 1; }
ids() { grep -oE '<li id="todo-[0-9]+"' "$OUT" | grep -oE '[0-9]+' | tr '\n' ' ' | sed 's/ $//'; }
# listen NAME FILTER: a live stream in the background, events in $IT_DIR/NAME.sse.
listen() {
	curl -sN --max-time 60 -H 'Datastar-Request: true' \
	    "$IT_URL/todos/live?datastar=%7B%22filter%22%3A%22$2%22%7D" \
	    >"$IT_DIR/$1.sse" 2>/dev/null &
	IT_PIDS+=("$!")
}
# events NAME: how many patch events stream NAME has had.
events() { grep -c '^event: datastar-patch-elements' "$IT_DIR/$1.sse"; }
# wait_events NAME N: up to 5 s for N events.
wait_events() {
	local i
	for i in $(seq 50); do
		[ "$(events "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
# last_event NAME: the data lines of the newest event of stream NAME.
last_event() { awk '/^event: /{ev=""} /^data: /{ev=ev $0 "\n"} END{printf "%s", ev}' "$IT_DIR/$1.sse"; }

# ---- the page and its files ------------------------------------------------

t_is "$(it_status "$IT_URL/")" 200 "GET / answers 200"
curl -s "$IT_URL/" >"$OUT"
t_like "$(body)" '<ul id="todo-list" class="todo-list"></ul>' "an empty list at first"
t_like "$(body)" '<section id="main" class="main" hidden>' "with the list section hidden"
t_like "$(body)" '<script type="module" src="/datastar.js">' "the page loads the local Datastar (NITRO_DATASTAR_JS)"
t_like "$(body)" 'data-init="@get\(&#x27;/todos/live&#x27;, \{retry: &#x27;always&#x27;\}\)"' \
    "the page opens the live stream, retrying always"
t_is "$(curl -s "$IT_URL/datastar.js")" "// Datastar stand-in" "GET /datastar.js serves that file"
curl -s -D "$OUT.h" -o /dev/null "$IT_URL/todomvc.css"
t_is "$(it_header "$OUT.h" Content-Type)" "text/css; charset=utf-8" "GET /todomvc.css is CSS"
t_is "$(it_status "$IT_URL/nope")" 404 "an unknown path is a 404"

# ---- two live streams: all and active ----------------------------------------

listen all all
listen act active
t_run "stream 'all' opens with the current list" wait_events all 1
t_run "stream 'active' opens with the current list" wait_events act 1

# ---- add ---------------------------------------------------------------------

t_is "$(ds POST /todos '{"title":"  Buy milk  ","filter":"all"}')" 200 "add: 200"
t_is "$(it_header "$OUT.h" Content-Type)" text/event-stream "add: answered with SSE"
t_like "$(body)" '^event: datastar-patch-elements$' "add: patches elements"
t_like "$(body)" '<li id="todo-1"><div class="view"' "add: the new item is in the list"
t_like "$(body)" '\)">Buy milk</label>' "add: its title is trimmed"
t_is "$(count_left)" "1 item left" "add: the count says 1 item left"
t_like "$(body)" '^data: signals \{"title":""\}$' "add: the field is emptied"
t_like "$(body)" '<p id="new-todo-error" class="error"></p>' "add: an old message is cleared"

t_is "$(ds POST /todos '{"title":"Walk the dog <&> \"now\"","filter":"all"}')" 200 "add a second: 200"
t_like "$(body)" '>Walk the dog &lt;&amp;&gt; &quot;now&quot;</label>' "the title is HTML-escaped"
t_is "$(count_left)" "2 items left" "the count says 2 items left"
t_is "$(ids)" "1 2" "both items, oldest first"

t_run "stream 'all' received the change" wait_events all 3
t_like "$(last_event all)" 'Walk the dog' "stream 'all' shows the second item"
t_run "stream 'active' received the change too" wait_events act 3
t_like "$(last_event act)" '2</strong> items left' "stream 'active' shows the new count"
t_like "$(grep -c '^id: [0-9]' "$IT_DIR/all.sse")" '^[2-9]' "live events carry SSE ids"

# ---- validation: the message next to the field; 422 outside Datastar ---------
# (Datastar 1.0 ignores the body of any answer but 200, so its requests
# get 200 with the patch.)

t_is "$(ds POST /todos '{"title":"   "}')" 200 "an empty title from Datastar: 200 with a patch"
t_like "$(body)" '^data: elements <p id="new-todo-error" class="error">Title is required</p>$' \
    "the message patches the paragraph under the field"
t_is "$(curl -s -o "$OUT" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data '{"title":""}' "$IT_URL/todos")" 422 "the same without Datastar-Request: 422"
t_like "$(body)" 'Title is required' "with the message"
long=$(printf 'x%.0s' $(seq 201))
t_is "$(curl -s -o "$OUT" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data "{\"title\":\"$long\"}" "$IT_URL/todos")" 422 "a 201-character title: 422"
t_like "$(body)" 'Title must be at most 200 characters' "says the limit"
t_is "$(ds POST /todos "{\"title\":\"$long\"}")" 200 "from Datastar: 200 with a patch"
t_like "$(body)" '<p id="new-todo-error" class="error">Title must be at most 200 characters</p>' \
    "the message names the limit"
t_is "$(ds POST /todos '{"title":')" 400 "malformed JSON signals: 400"
t_is "$(ds POST /todos '{"title":42}')" 200 "a title that is not a string"
t_like "$(body)" 'Title is required' "is refused as missing"
curl -s "$IT_URL/" >"$OUT"
t_is "$(ids)" "1 2" "nothing was saved by the refused adds"

# ---- toggle, filters ------------------------------------------------------------

t_is "$(ds POST /todos/1/toggle '{"filter":"all"}')" 200 "toggle: 200"
t_like "$(body)" '<li id="todo-1" class="completed">' "toggle: the item is completed"
t_like "$(body)" '<input class="toggle" type="checkbox" checked data-init="el.checked = true"' \
    "toggle: its box is checked"
t_is "$(count_left)" "1 item left" "toggle: 1 item left"
t_like "$(body)" '<button id="clear-completed" class="clear-completed" data-on' \
    "toggle: Clear completed shows"
t_is "$(ds POST /todos/1/toggle '{"filter":"active"}')" 200 "toggle back from the active view"
t_is "$(ids)" "1 2" "the active view shows both again"
ds POST /todos/1/toggle '{"filter":"active"}' >/dev/null
t_is "$(ids)" "2" "toggled once more, the active view hides it"

curl -s "$IT_URL/active" >"$OUT"
t_is "$(ids)" "2" "GET /active lists the active item only"
t_like "$(body)" '<a href="/active" class="selected">Active</a>' "GET /active selects its filter link"
t_like "$(body)" "filter: &#x27;active&#x27;" "GET /active sets the filter signal"
curl -s "$IT_URL/completed" >"$OUT"
t_is "$(ids)" "1" "GET /completed lists the completed item only"
t_run "stream 'active' got the toggles" wait_events act 6
t_run "stream 'all' got them too" wait_events all 6
last_event act >"$OUT"
t_is "$(ids)" "2" "stream 'active' drops the completed item"
last_event all >"$OUT"
t_is "$(ids)" "1 2" "stream 'all' keeps it"

# ---- edit --------------------------------------------------------------------------

t_is "$(ds PATCH /todos/2 '{"draft":" Walk the cat ","editing":2}')" 200 "edit: 200"
t_like "$(body)" '>Walk the cat</label>' "edit: the new title"
t_like "$(body)" '^data: signals \{"editing":"","draft":""\}$' "edit: the field closes"
t_is "$(ds PATCH /todos/2 "{\"draft\":\"$long\",\"editing\":\"\"}")" 200 "edit to 201 characters"
t_like "$(body)" '^data: elements <li id="todo-2">.*>Walk the cat</label>.*<p class="error">Title must be at most 200 characters</p></li>$' \
    "the item comes back with the message under its field"
t_like "$(body)" '^data: signals \{"editing":"2"\}$' "and its field open again"
t_is "$(curl -s -o /dev/null -w '%{http_code}' -X PATCH -H 'Content-Type: application/json' \
    --data "{\"draft\":\"$long\"}" "$IT_URL/todos/2")" 422 "the same without Datastar-Request: 422"
curl -s "$IT_URL/" >"$OUT"
t_like "$(body)" '>Walk the cat</label>' "the refused edit changed nothing"
t_is "$(ds PATCH /todos/999 '{"draft":"x"}')" 404 "edit an unknown id: 404"
t_is "$(ds PATCH /todos/abc '{"draft":"x"}')" 404 "edit a non-numeric id: 404"
t_is "$(ds POST /todos/99999999999999999999/toggle)" 404 "toggle an id past int64: 404"

# ---- toggle all, delete, clear completed ------------------------------------------------

t_is "$(ds POST /todos/toggle-all '{"filter":"all"}')" 200 "toggle all: 200"
t_is "$(count_left)" "0 items left" "toggle all with one active: all completed"
t_like "$(body)" 'id="toggle-all" class="toggle-all" type="checkbox" checked' "the toggle-all box is checked"
ds POST /todos/toggle-all '{"filter":"all"}' >/dev/null
t_is "$(count_left)" "2 items left" "toggle all when all are completed: none is"
t_like "$(body)" '<button id="clear-completed" class="clear-completed" hidden' \
    "Clear completed hides with nothing completed"

t_is "$(ds DELETE /todos/2)" 200 "delete: 200"
t_is "$(ids)" "1" "delete: the item is gone"
t_is "$(ds DELETE /todos/2)" 404 "delete it again: 404"
ds POST /todos '{"title":"Temporary"}' >/dev/null
t_is "$(ds PATCH /todos/3 '{"draft":"   "}')" 200 "edit to an empty title"
t_is "$(ids)" "1" "deletes the item (TodoMVC)"

ds POST /todos/1/toggle >/dev/null
ds POST /todos '{"title":"Stays"}' >/dev/null
t_is "$(ds DELETE /todos/completed '{"filter":"all"}')" 200 "clear completed: 200"
t_is "$(ids)" "4" "clear completed leaves the active item"
ds DELETE /todos/4 >/dev/null
t_like "$(body)" '<section id="main" class="main" hidden>' "an empty list hides the list section"
t_like "$(body)" '<footer id="footer" class="footer" hidden>' "and the footer"

t_run "stream 'all' saw the last change" wait_events all 16
last_event all >"$OUT"
t_is "$(ids)" "" "stream 'all' ends with the empty list"
for n in all act; do
	t_is "$(grep -c '^event: ' "$IT_DIR/$n.sse")" "$(events $n)" "stream '$n' sent patch events only"
done
for w in "${IT_WORKERS[@]}"; do
	it_alive "$w" || fail "worker $w died"
done
it_done
