#!/usr/bin/env bash
# examples/admin through a real nginx and two worker processes sharing one
# SQLite store: the guard, the first account and sign-in, both tables
# (sort, search, paging), the create and edit dialogs with their schema
# forms, refused values answered next to their fields, delete with its
# confirmation, bulk delete, the select of customers in the order form,
# the live streams that see every change, sign-out and /healthz.
. "${top_srcdir:-.}/tests/integration/lib.sh"
IT_APP=$IT_BUILD/examples/admin/admin
it_require
it_setup

export NITRO_DB=$IT_DIR/admin.db ADMIN_SEED=25 NITRO_CSS=$IT_SRC/views/nitro.css
export NITRO_DATASTAR_JS=$IT_DIR/datastar.js
printf '// Datastar stand-in\n' >"$NITRO_DATASTAR_JS"
for i in 0 1; do
	it_spawn "$IT_DIR/w$i.sock" 1 "$IT_APP"
done
it_start_nginx "unix:$IT_DIR/w0.sock; server unix:$IT_DIR/w1.sock"

OUT=$IT_DIR/out JAR=$IT_DIR/jar
# get PATH [CURL-ARGS...]: a plain GET with the cookie jar; body in $OUT.
get() {
	local p=$1
	shift
	curl -s --max-time 20 -b "$JAR" -c "$JAR" -o "$OUT" -D "$OUT.h" -w '%{http_code}' "$@" "$IT_URL$p"
}
# post PATH FORM: a plain form post with the cookie jar.
post() { get "$1" --data "$2"; }
# ds METHOD PATH [SIGNALS]: a Datastar action with the cookie jar.
ds() {
	if [ "$1" = GET ]; then
		get "$2" -G -H 'Datastar-Request: true' --data-urlencode "datastar=${3:-{\}}"
	else
		get "$2" -X "$1" -H 'Datastar-Request: true' -H 'Content-Type: application/json' \
		    --data "${3:-{\}}"
	fi
}
body() { cat "$OUT"; }
has() { grep -qE -- "$1" "$OUT"; }
rows() { grep -oE "<tr id=\"$1-r-[0-9]+\">" "$OUT" | wc -l; }
count() { sed -nE 's/.*<p class="nitro-table-count">([^<]*)<\/p>.*/\1/p' "$OUT" | tail -n 1; }
first_name() { grep -oE '<td>[A-Za-z]+ [0-9]{3}</td>' "$OUT" | head -n 1 | sed -E 's/<\/?td>//g'; }
# listen NAME PATH: a live stream with the cookie jar, events in $IT_DIR/NAME.sse.
listen() {
	curl -sN --max-time 60 -b "$JAR" -H 'Datastar-Request: true' -D "$IT_DIR/$1.h" \
	    "$IT_URL$2" >"$IT_DIR/$1.sse" 2>/dev/null &
	IT_PIDS+=("$!")
}
revs() { grep -c '_rev' "$IT_DIR/$1.sse"; }
# wait_revs NAME N: up to 10 s for N revision patches on stream NAME.
wait_revs() {
	local i
	for i in $(seq 100); do
		[ "$(revs "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
T='"customers":{"page":1,"size":10,"sort":"","dir":"","q":""}'
TO='"orders":{"page":1,"size":10,"sort":"","dir":"","q":""}'

# ---- before signing in ----------------------------------------------------------

t_is "$(get /healthz)" 200 "/healthz answers 200"
t_is "$(get /customers)" 303 "the customers page sends a stranger away"
t_is "$(it_header "$OUT.h" Location)" /login "to /login"
t_is "$(get /orders/7/edit)" 303 "and so does any route under /orders"
t_is "$(ds GET /customers/table)" 200 "a Datastar action without a session: 200"
t_like "$(body)" "/login" "with a redirect to /login"
t_is "$(get /)" 303 "/ goes to the customers"
t_is "$(get /login)" 200 "the sign-in page"
t_like "$(body)" 'Create the first account' "asks for the first account while there is none"
t_like "$(body)" '<form class="nitro-form" id="signin-form" action="/signup" method="post"' \
    "with the schema's form posting to /signup"
t_like "$(body)" 'type="password"' "the secret field is a password input"
t_like "$(body)" '<link rel="stylesheet" href="/nitro.css">' "the page uses nitro.css"
t_is "$(post /signup 'email=nope&password=correct+horse')" 422 "a malformed address: 422"
t_like "$(body)" 'role="alert"' "with the message on the page"
t_is "$(post /signup 'email=admin%40example.com&password=correct+horse')" 303 "the first account: 303"
t_is "$(it_header "$OUT.h" Location)" /customers "to the customers"
t_is "$(curl -s -o /dev/null -w '%{http_code}' --data 'email=eve%40example.com&password=correct+horse' \
    "$IT_URL/signup")" 403 "a second signup is refused: 403"

# ---- the customers' table -----------------------------------------------------------

t_is "$(get /customers)" 200 "signed in: the customers page"
t_like "$(body)" '<div id="customers" class="nitro-table-wrap"' "with the table"
t_is "$(rows customers)" 10 "a page of 10 rows"
t_is "$(count)" "1–10 of 25" "of the 25 seeded"
t_like "$(body)" '>E-mail<' "columns labelled from the schema"
t_like "$(body)" 'data-init="@get\(&#x27;/customers/live&#x27;' "the table is live"
t_like "$(body)" 'New customer' "a button for a new customer"
t_like "$(body)" 'nitro-theme-toggle' "the theme toggle"
t_like "$(body)" 'action="/logout"' "and sign-out"
t_is "$(get /nitro.css)" 200 "the stylesheet is served"
t_like "$(it_header "$OUT.h" Content-Type)" "^text/css" "as CSS"
get '/customers?sort=name&dir=desc' >/dev/null
t_is "$(first_name)" "Margaret 017" "sorted by name, descending"
get '/customers?q=grace' >/dev/null
t_is "$(count)" "1–3 of 3" "a search finds the three Graces"
get '/customers?page=3' >/dev/null
t_is "$(count)" "21–25 of 25" "the third page holds the last five"
t_is "$(get '/customers?sort=password')" 400 "a sort by anything but a column: 400"

listen c1 /customers/live
listen o1 /orders/live
t_run "the customers' live stream opens" it_wait_grep "$IT_DIR/c1.h" '^HTTP/1.1 200'
t_run "so does the orders' one" it_wait_grep "$IT_DIR/o1.h" '^HTTP/1.1 200'

# ---- create in the dialog ------------------------------------------------------------

t_is "$(ds GET /customers/new)" 200 "the new-customer dialog"
t_like "$(body)" '<dialog id="customer-dialog"' "is a dialog"
t_like "$(body)" 'aria-modal="true"' "a modal one"
t_like "$(body)" 'data-bind="customer.name"' "its form binds the signals under customer"
t_like "$(body)" 'type="email"' "the e-mail field is an email input"
t_like "$(body)" "@post\(&#x27;/customers&#x27;\)" "and posts to /customers"
t_is "$(ds POST /customers "{\"customer\":{\"name\":\"\",\"email\":\"bad\"},$T}")" 200 \
    "refused values from Datastar: 200"
t_like "$(body)" '"name":"Give the customer a name"' "the name's message"
t_like "$(body)" '"email":"An address like name@example.com"' "the e-mail's message"
t_is "$(ds POST /customers "{\"customer\":{\"name\":\"Zed <Zimmer>\",\"email\":\"zed@example.com\",\"vip\":true},$T}")" \
    200 "a valid customer"
t_like "$(body)" "customer-dialog'\)\?\.close\(\)" "closes the dialog"
t_like "$(body)" 'The customer is saved.' "with a toast"
t_like "$(body)" '1–10 of 26' "and the table counts one more"
get '/customers?q=zimmer' >/dev/null
zed=$(grep -oE 'customers-r-[0-9]+"' "$OUT" | grep -oE '[0-9]+')
t_like "$zed" '^[0-9]+$' "the new row is found"
t_like "$(body)" '<td>Zed &lt;Zimmer&gt;</td>' "its name escaped"
t_run "the live stream heard of it" wait_revs c1 1

# ---- edit ---------------------------------------------------------------------------

t_is "$(ds GET "/customers/$zed/edit")" 200 "the edit dialog"
t_like "$(body)" 'value="zed@example.com"|"email":"zed@example.com"' "holds the row's values"
t_like "$(body)" "@put\(&#x27;/customers/$zed&#x27;\)" "and puts to the row"
t_is "$(ds PUT "/customers/$zed" "{\"customer\":{\"name\":\"Zed Zimmer\",\"email\":\"z@\"},$T}")" 200 \
    "an edit with a bad address"
t_like "$(body)" '"email":"An address like name@example.com"' "is refused next to the field"
t_like "$(body)" '"name":""' "and clears the name's message"
ds PUT "/customers/$zed" "{\"customer\":{\"name\":\"Zed Zimmer\",\"email\":\"z@example.org\"},$T}" >/dev/null
t_like "$(body)" 'The customer is saved.' "a good edit is saved"
get "/customers?q=zimmer" >/dev/null
t_like "$(body)" '<td>z@example.org</td>' "with its new address"
t_run "the live stream heard of the edit" wait_revs c1 2
t_is "$(ds PUT /customers/99999 "{\"customer\":{\"name\":\"x\"},$T}")" 404 "editing a row that is not there: 404"

# ---- orders: the customer select, refused numbers -------------------------------------

t_is "$(get /orders)" 200 "the orders page"
t_is "$(rows orders)" 10 "a page of orders"
t_like "$(body)" '>Ada 001</td>' "each naming its customer"
t_is "$(ds GET /orders/new)" 200 "the new-order dialog"
t_like "$(body)" '<select[^>]*id="order-customer_id"' "picks the customer from a select"
t_like "$(body)" "<option value=\"$zed\">Zed Zimmer</option>" "of every customer by name"
t_like "$(body)" '<textarea[^>]*id="order-note"' "the note is a textarea"
t_is "$(ds POST /orders "{\"order\":{\"customer_id\":\"$zed\",\"item\":\"Chair\",\"quantity\":\"0\"},$TO}")" 200 \
    "a quantity of 0"
t_like "$(body)" '"quantity":"At least one"' "is refused next to its field"
ds POST /orders "{\"order\":{\"customer_id\":\"$zed\",\"item\":\"Chair\",\"quantity\":\"two\"},$TO}" >/dev/null
t_like "$(body)" '"quantity":"A whole number"' "so is a quantity that is no number"
ds POST /orders "{\"order\":{\"customer_id\":\"\",\"item\":\"Chair\"},$TO}" >/dev/null
t_like "$(body)" '"customer_id":"Choose the customer"' "and an order without its customer"
ds POST /orders "{\"order\":{\"customer_id\":\"$zed\",\"item\":\"Chair\",\"quantity\":\"2\",\"total\":\"99.5\"},$TO}" >/dev/null
t_like "$(body)" 'The order is saved.' "a valid order is saved"
t_like "$(body)" '1–10 of 26' "the orders table counts it"
t_run "the orders' live stream heard of it" wait_revs o1 1

# ---- delete, bulk delete ------------------------------------------------------------------

t_is "$(ds GET /customers/3/delete)" 200 "the delete confirmation"
t_like "$(body)" 'Linus 003 will be deleted.' "names the customer"
t_like "$(body)" "@delete\(&#x27;/customers/3&#x27;\)" "and deletes it on confirm"
t_is "$(ds DELETE /customers/3 "{$T}")" 200 "a customer with an order"
t_like "$(body)" 'role="alert"[^>]*>.*This customer cannot be deleted: other rows refer to it.' "is kept, a toast says why"
t_is "$(ds DELETE /orders/3 "{$TO}")" 200 "delete the order of customer 3"
t_like "$(body)" 'The order is deleted.' "with a toast"
t_is "$(ds DELETE /customers/3 "{$T}")" 200 "then the customer"
t_like "$(body)" 'The customer is deleted.' "with a toast"
t_like "$(body)" '1–10 of 25' "one row fewer"
t_is "$(ds DELETE /customers/3 "{$T}")" 404 "deleting it again: 404"
t_is "$(ds POST /orders/bulk-delete "{\"orders\":{\"page\":1,\"size\":10,\"sort\":\"\",\"dir\":\"\",\"q\":\"\",\"ids\":[1,2,4]}}")" \
    200 "bulk delete of three orders"
t_like "$(body)" '1–10 of 22' "leaves 22"
t_run "the live stream heard of the deletes" wait_revs o1 2

# ---- sign out --------------------------------------------------------------------------------

t_is "$(post /logout '')" 303 "sign out"
t_is "$(get /customers)" 303 "and the pages send you away again"
t_is "$(get /login)" 200 "the sign-in page"
t_like "$(body)" 'action="/login"' "now signs in to the account"
t_is "$(post /login 'email=admin%40example.com&password=wrong+horse')" 422 "a wrong password: 422"
t_is "$(post /login 'email=admin%40example.com&password=correct+horse')" 303 "the right one: 303"
t_is "$(get /orders)" 200 "signed in again"

for w in "${IT_WORKERS[@]}"; do
	it_alive "$w" || fail "worker $w died"
done
it_done
