#!/usr/bin/env bash
# Forms from a schema and the binder behind them, through nginx and two
# spawn-fcgi workers of tests/integration/forms_app: a plain form post
# with a bad value comes back 422 with the form, its values and a message
# next to the field; a Datastar post gets a signals patch; an API client
# posting JSON gets 422 and JSON; good posts are saved.
. "${top_srcdir:-.}/tests/integration/lib.sh"
IT_APP=$IT_BUILD/tests/integration/forms_app
it_require
it_setup
it_start_workers 2
it_start_nginx

H=$IT_DIR/headers B=$IT_DIR/body
form() { it_get -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$1" "$IT_URL/contacts"; }
ds() { it_get -H 'Content-Type: application/json' -H 'Datastar-Request: true' --data-binary "$1" "$IT_URL/contacts"; }
api() { it_get -H 'Content-Type: application/json' --data-binary "$1" "$IT_URL/contacts"; }

# ---- the form ----
t_is "$(it_get "$IT_URL/contacts/new")" 200 "the new-contact page"
t_like "$(cat "$B")" '<input id="contact-age" name="age" type="number"' "a number input for an INT"
t_like "$(cat "$B")" 'name="subscribed" type="checkbox"' "a checkbox for a BOOL"
t_like "$(cat "$B")" 'name="email" type="email" pattern="\^\[\^\\@ \]\+@\[\^\\@ \]\+\$"' "an email input with the pattern"
t_like "$(cat "$B")" 'name="born" type="date"' "a date input"
t_like "$(cat "$B")" '<option value="1">Blue &lt;team&gt;</option><option value="3">Green</option><option value="2">Red</option></select>' \
    "a select of the referenced rows, by label, escaped"
t_like "$(cat "$B")" '<form class="nitro-form" id="contact-form" action="/contacts" method="post">' "a plain form posting to /contacts"

# ---- the Datastar form and its combobox ----
t_is "$(it_get "$IT_URL/contacts/new-ds")" 200 "the Datastar page"
t_like "$(cat "$B")" 'data-on:submit__prevent="@post\(&#x27;/contacts&#x27;\)"' "submitted by Datastar"
t_like "$(cat "$B")" 'data-bind="contact.name"' "inputs bound to \$contact.*"
t_like "$(cat "$B")" 'data-text="\$errors.age"' "message slots bound to \$errors.*"
t_like "$(cat "$B")" 'role="combobox"' "a combobox for the team"
t_is "$(it_get -H 'Datastar-Request: true' "$IT_URL/teams/search?q=RE")" 200 "the combobox's search"
t_like "$(it_header "$H" content-type)" 'text/html' "answered with elements"
t_like "$(cat "$B")" '^<ul id="contact-team_id-list" role="listbox" class="nitro-combobox-list"><li role="option" class="nitro-combobox-option" data-value="3"' \
    "the matching rows, by label (case-insensitive)"
t_like "$(cat "$B")" '>Green</li><li[^>]*>Red</li></ul>$' "only those"
t_is "$(it_get "$IT_URL/teams/search?q=$(printf 'x%.0s' $(seq 201))")" 400 "search text over 200 bytes: 400"

# ---- a plain form post ----
t_is "$(form 'name=%3Cscript%3EAnn&age=ten&email=ann%40example.org&subscribed=on')" 422 \
    "a form post with a bad number: 422"
t_like "$(it_header "$H" content-type)" 'text/html' "the form again, as HTML"
t_like "$(cat "$B")" 'Age in whole years' "the message next to the field"
t_like "$(cat "$B")" 'value="&lt;script&gt;Ann"' "the value sent comes back, escaped"
t_like "$(cat "$B")" 'name="subscribed" type="checkbox" value="true" checked' "the box stays checked"
if grep -q '<script>Ann' "$B"; then fail "no raw markup from the post"; else pass "no raw markup from the post"; fi
t_is "$(form 'name=Ann&age=41&email=ann%40example.org&subscribed=on&born=1985-04-02&id=77&team_id=2')" 303 \
    "a good form post: 303"
loc=$(it_header "$H" location)
t_like "$loc" '^/contacts/[0-9]+$' "to the new contact"
t_is "$(it_curl "$IT_URL$loc")" \
    "{\"id\":${loc##*/},\"name\":\"Ann\",\"email\":\"ann@example.org\",\"age\":41,\"subscribed\":true,\"born\":\"1985-04-02T00:00:00Z\",\"team_id\":2}" \
    "saved as sent, converted by type; the id is the store's, not the post's"

# ---- a Datastar action ----
t_is "$(ds '{"contact":{"name":"","age":"x","email":"nope"},"errors":{"name":"old"}}')" 200 "a Datastar post with bad values: 200 (Datastar drops 4xx bodies)"
t_like "$(it_header "$H" content-type)" 'application/json' "a signals patch"
t_is "$(cat "$B")" '{"errors":{"name":"Give a name","email":"has the wrong format","age":"Age in whole years","subscribed":"","born":"","team_id":""}}' \
    "a message for each bad field, the others cleared"
t_is "$(ds '{"contact":{"name":"Bo","age":"7","email":"","secret":1,"id":99},"errors":{}}')" 200 "a good Datastar post, the contact under its prefix"
t_like "$(cat "$B")" '^\{"contact":\{"id":[0-9]+,"name":"Bo","email":null,"age":7,' "answered with the saved entity's signals"

# ---- an API client ----
t_is "$(api '{"name":"Cy","age":200}')" 422 "an API post with a value out of range: 422"
t_is "$(cat "$B")" '{"error":{"status":422,"message":"contact: age must be at most 150","fields":{"age":"must be at most 150"}}}' \
    "the messages as JSON"
t_is "$(api '{"name":"Cy",')" 400 "malformed JSON: 400"
t_is "$(api '{"name":"Cy","age":150}')" 303 "a good API post is saved"
it_done
