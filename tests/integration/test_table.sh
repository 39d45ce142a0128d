#!/usr/bin/env bash
# tests/integration/table_app through a real nginx and two worker processes:
# a table from a schema as a browser reaches it (a plain GET with query
# parameters, and Datastar actions with the table's signals): sort, page,
# search, bulk delete, the states that are refused (a sort by anything but
# a column, an over-large page), and the live stream that tells every page
# to fetch its table again when a customer is saved or deleted elsewhere.
. "${top_srcdir:-.}/tests/integration/lib.sh"
IT_APP=$IT_BUILD/tests/integration/table_app
it_require
it_setup

export NITRO_DB=$IT_DIR/table.db TABLE_SEED=45 NITRO_CSS=$IT_SRC/views/nitro.css
for i in 0 1; do
	it_spawn "$IT_DIR/w$i.sock" 1 "$IT_APP"
done
it_start_nginx "unix:$IT_DIR/w0.sock; server unix:$IT_DIR/w1.sock"

OUT=$IT_DIR/out
# get PATH: a plain GET; the body goes to $OUT, the status is printed.
get() { curl -s --max-time 20 -o "$OUT" -D "$OUT.h" -w '%{http_code}' "$IT_URL$1"; }
# ds METHOD PATH SIGNALS: a Datastar action (GET: signals in ?datastar=).
ds() {
	if [ "$1" = GET ]; then
		curl -s --max-time 20 -o "$OUT" -D "$OUT.h" -w '%{http_code}' -G \
		    -H 'Datastar-Request: true' --data-urlencode "datastar=$3" "$IT_URL$2"
	else
		curl -s --max-time 20 -o "$OUT" -D "$OUT.h" -w '%{http_code}' -X "$1" \
		    -H 'Datastar-Request: true' -H 'Content-Type: application/json' \
		    --data "$3" "$IT_URL$2"
	fi
}
body() { cat "$OUT"; }
# names: the customers' names in the rows of the last body, in order.
names() { grep -oE '<td>[A-Za-z]+ [0-9]{3}</td>' "$OUT" | sed -E 's/<\/?td>//g' | tr '\n' ',' | sed 's/,$//'; }
rows() { grep -oE '<tr id="customers-r-[0-9]+">' "$OUT" | wc -l; }
count() { sed -nE 's/.*<p class="nitro-table-count">([^<]*)<\/p>.*/\1/p' "$OUT"; }

# ---- the page -------------------------------------------------------------

t_is "$(get /)" 200 "GET / answers the page"
t_like "$(body)" '<div id="customers" class="nitro-table-wrap"' "with the table"
t_is "$(rows)" 10 "a page of the table's size (10)"
t_is "$(count)" "1–10 of 45" "and the count"
t_like "$(body)" '<th scope="col" aria-sort="none"><button type="button" class="nitro-table-sort"' \
    "sortable headers"
t_like "$(body)" '>E-mail<' "labelled from the schema"
t_like "$(body)" 'data-init="@get\(&#x27;/customers/live&#x27;' "the table opens its live stream"
t_is "$(get /nitro.css)" 200 "the stylesheet is served"

# ---- sort, page, search with query parameters ------------------------------

get '/?sort=name&dir=desc' >/dev/null
t_like "$(body)" 'aria-sort="descending"><button' "sorted by name, descending: the header says so"
t_is "$(names | cut -d, -f1-3)" "Margaret 037,Margaret 027,Margaret 017" "rows in that order"
get '/?sort=balance&dir=asc&size=5' >/dev/null
t_is "$(rows)" 5 "a page size asked for"
t_like "$(body)" '<td class="nitro-num">0.5</td>' "the smallest balance first"
get '/?page=5' >/dev/null
t_is "$(count)" "41–45 of 45" "the last page"
t_is "$(rows)" 5 "holds the rest"
get '/?page=9' >/dev/null
t_is "$(count)" "41–45 of 45" "a page past the end shows the last"
get '/?q=grace' >/dev/null
t_is "$(count)" "1–5 of 5" "a search, case-insensitive"
t_is "$(names)" "Grace 002,Grace 012,Grace 022,Grace 032,Grace 042" "finds those rows"
get '/?q=%25' >/dev/null
t_like "$(body)" 'Nothing matches the search.' "search text is literal (%)"
t_is "$(get '/?size=50')" 200 "the largest page size"
t_is "$(rows)" 45 "shows every row"

# ---- refused states ----------------------------------------------------------

t_is "$(get '/?size=51')" 400 "a page size over the table's maximum: 400"
t_like "$(body)" 'size may be at most 50' "saying the limit"
t_is "$(get '/?size=100000000000000000000')" 400 "an absurd page size: 400"
t_is "$(get '/?sort=secret')" 400 "sorting by a secret field: 400"
t_is "$(get '/?sort=name%3B%20DROP%20TABLE%20customer')" 400 "SQL as a sort column: 400"
t_like "$(body)" 'cannot be sorted by' "saying why"
t_is "$(get '/?sort=rowid')" 400 "a column that is not the schema's: 400"
t_is "$(get '/?dir=sideways')" 400 "a direction other than asc or desc: 400"
t_is "$(get '/?page=0')" 400 "page 0: 400"
t_is "$(get '/?page=-3')" 400 "a negative page: 400"
t_is "$(get "/?q=$(printf 'a%.0s' $(seq 201))")" 400 "an over-long search: 400"
t_is "$(get /customers)" 405 "the customers path takes no GET (only POST)"
get '/?sort=name' >/dev/null
t_is "$(names | cut -d, -f1)" "Ada 001" "and the table still works"

# ---- the table route as Datastar asks -----------------------------------------

t_is "$(ds GET /customers/table '{"customers":{"page":2,"size":5,"sort":"name","dir":"asc","q":"a"}}')" \
    200 "the table route with the table's signals"
t_like "$(it_header "$OUT.h" Content-Type)" '^text/html' "answers HTML that Datastar morphs in"
t_like "$(body)" '^<div id="customers" class="nitro-table-wrap"' "the table alone"
t_like "$(count)" '^6–10 of [0-9]+$' "page 2 of 5 rows"
t_is "$(names | cut -d, -f1)" "Barbara 004" "sorted by name, searched for a (every e-mail has one)"
t_is "$(ds GET /customers/table '{"customers":{"size":1000}}')" 400 "signals over the largest page: 400"
t_is "$(ds GET /customers/table '{"customers":{"sort":"balance;--"}}')" 400 "a sort of signals that is not a column: 400"
t_is "$(ds GET /customers/table '{"customers":{"page":{"x":1}}}')" 400 "a page that is an object: 400"
t_is "$(ds GET /customers/table '{"customers":')" 400 "signals that are not JSON: 400"
t_is "$(get '/customers/table?sort=email&dir=desc&size=3')" 200 "the table route with query parameters"
t_is "$(rows)" 3 "works too"

# ---- the live stream -----------------------------------------------------------

curl -sN --max-time 60 -H 'Datastar-Request: true' -D "$IT_DIR/live.h" \
    "$IT_URL/customers/live" >"$IT_DIR/live.sse" 2>/dev/null &
IT_PIDS+=("$!")
t_run "the live stream opens" it_wait_grep "$IT_DIR/live.h" '^HTTP/1.1 200'
t_like "$(it_header "$IT_DIR/live.h" Content-Type)" '^text/event-stream' "as Server-Sent Events"
revs() { grep -c '^data: signals {"customers":{"_rev":[0-9]*}}$' "$IT_DIR/live.sse"; }
wait_revs() {
	local i
	for i in $(seq 50); do
		[ "$(revs)" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
t_is "$(ds POST /customers '{"name":"Zed 999"}')" 204 "another user adds a customer"
t_run "the live stream tells the page to fetch its table again" wait_revs 1
t_like "$(grep -m1 '^event: ' "$IT_DIR/live.sse")" 'datastar-patch-signals' "as a signals patch"
get '/?q=zed' >/dev/null
t_is "$(names)" "Zed 999" "and the table then shows it"

# ---- one row: edit dialog, confirmation, delete ------------------------------------

t_is "$(ds GET /customers/4/edit '{}')" 200 "Edit answers"
t_like "$(body)" 'data: elements <dialog id="edit-customer" class="nitro-dialog" aria-modal="true" aria-labelledby="edit-customer-title"' \
    "a modal dialog"
t_like "$(body)" '<h3 class="nitro-card-title">Barbara 004</h3>' "with the customer's card"
t_is "$(ds GET /customers/4/delete '{}')" 200 "Delete asks first"
t_like "$(body)" 'Barbara 004 will be deleted.' "naming the customer"
t_like "$(body)" '@delete\(&#x27;/customers/4&#x27;\)' "confirming deletes it"
t_is "$(ds GET /customers/999/delete '{}')" 404 "no such customer: 404"
t_is "$(ds DELETE /customers/4 '{}')" 200 "confirmed: deleted"
t_like "$(body)" 'Customer deleted.' "with a toast"
t_like "$(body)" '<div id="customers" class="nitro-table-wrap"' "and the table again"
t_run "the live stream saw the deletion" wait_revs 2
t_is "$(ds DELETE /customers/4 '{}')" 404 "deleting it again: 404"

# ---- bulk delete ---------------------------------------------------------------------

t_is "$(ds POST /customers/bulk-delete '{"customers":{"page":1,"size":10,"sort":"","dir":"asc","q":"","ids":["1","2","3"]}}')" \
    200 "bulk delete of three rows"
t_like "$(it_header "$OUT.h" Content-Type)" '^text/event-stream' "answers events"
t_like "$(body)" 'Deleted 3 rows.' "a toast saying how many"
t_like "$(body)" 'data: selector #customers-toasts' "put in the table's toasts"
t_like "$(body)" '1–10 of 42' "and the table without them"
t_run "every page is told" wait_revs 5
get '/?sort=name' >/dev/null
t_is "$(names | cut -d, -f1)" "Ada 011" "Ada 001 is gone"
t_is "$(ds POST /customers/bulk-delete '{"customers":{"ids":["1","2"]}}')" 200 "deleting them again"
t_like "$(body)" 'Deleted 0 rows.' "deletes nothing"
t_is "$(ds POST /customers/bulk-delete '{"customers":{"ids":["1 OR 1=1"]}}')" 400 "an id that is not a number: 400"
t_is "$(ds POST /customers/bulk-delete '{"customers":{"ids":"5,6"}}')" 400 "a selection that is not a list: 400"
many=$(seq -s, 100 150)
t_is "$(ds POST /customers/bulk-delete "{\"customers\":{\"ids\":[$many]}}")" 413 "more ids than the largest page: 413"
t_is "$(ds POST /customers/bulk-delete '{"customers":{"size":5000,"ids":["5"]}}')" 400 "a bad state refuses the whole action"
get '/?q=Ken%20005' >/dev/null
t_is "$(names)" "Ken 005" "and deletes nothing"
t_is "$(curl -s -o /dev/null -w '%{http_code}' -X POST --data 'ids=5&ids=6' "$IT_URL/customers/bulk-delete")" \
    200 "a plain form post of repeated ids"
get '/?size=50' >/dev/null
t_is "$(rows)" 40 "deletes those two"

for w in "${IT_WORKERS[@]}"; do
	it_alive "$w" || fail "worker $w died"
done
it_done
