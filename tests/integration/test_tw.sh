#!/usr/bin/env bash
# `nitro tw`: Tailwind CSS for an application with the official Tailwind
# CLI from npm.  A throwaway project whose classes sit in a C source and a
# template; `nitro tw build` installs @tailwindcss/cli with npm into it
# (the npm registry must be reachable: CI has it) and writes
# static/tailwind.css holding those classes and none it does not use.
# Without npm the command must say so and exit 3; the rest is then
# skipped with that reason.
. "${top_srcdir:-.}/tests/integration/lib.sh"
NITRO=$IT_BUILD/nitro
[ -x "$NITRO" ] || { echo "Bail out! $NITRO is not built"; exit 1; }
it_setup

P=$IT_DIR/shop
mkdir -p "$P/src" "$P/templates" "$P/elsewhere"
cat >"$P/src/app.c" <<'C'
static void header(nitro_html *h)
{
	nitro_html_attr(h, "class", "bg-red-500 p-4 md:flex");
}
C
printf '<p class="text-center underline">{{name}}</p>\n' >"$P/templates/card.html"
printf '<p class="bg-fuchsia-900">not a source</p>\n' >"$P/elsewhere/x.html"

# Without npm: a PATH of every program but npm's (the build's nitro is a
# libtool wrapper script that needs the usual tools).
mkdir -p "$IT_DIR/bin"
IFS=: read -ra dirs <<<"$PATH"
for d in "${dirs[@]}"; do
	for f in "$d"/*; do
		b=${f##*/}
		case $b in npm|npx|node|nodejs|corepack) continue ;; esac
		[ -x "$f" ] && [ ! -e "$IT_DIR/bin/$b" ] && ln -s "$f" "$IT_DIR/bin/$b"
	done
done
out=$(PATH=$IT_DIR/bin "$NITRO" tw build --dir "$P" 2>&1)
t_is "$?" 3 "without npm: exit status 3"
t_like "$out" 'skipped: npm is not installed' "saying why"
t_is "$(ls "$P")" "$(printf 'elsewhere\nsrc\ntemplates')" "and nothing made"

t_is "$("$NITRO" tw frobnicate 2>/dev/null; echo $?)" 2 "an unknown subcommand: usage error"
t_is "$("$NITRO" tw build --dir "$P" --src ../etc 2>/dev/null; echo $?)" 2 \
    "a source outside the project is refused"

if ! command -v npm >/dev/null 2>&1; then
	diag "npm is not installed: the build itself is skipped"
	echo "ok $((t_n + 1)) # SKIP npm is not installed"
	t_n=$((t_n + 1))
	it_done
fi

# npm's cache and config in the test's directory: nothing of the user's.
export npm_config_cache=$IT_DIR/npm-cache npm_config_update_notifier=false
if ! timeout -k 5 300 "$NITRO" tw build --dir "$P" >"$IT_DIR/tw.log" 2>&1; then
	fail "nitro tw build" "$(tail -n 15 "$IT_DIR/tw.log")"
	it_done
fi
pass "nitro tw build"
t_like "$(cat "$IT_DIR/tw.log")" 'installing @tailwindcss/cli with npm' "installs the CLI with npm first"
t_run "into the project" test -x "$P/node_modules/.bin/tailwindcss"
t_like "$(cat "$P/package.json")" '"@tailwindcss/cli"' "recorded in its package.json"
t_is "$(cat "$P/.nitro/tailwind.css" | grep -c '^@source')" 2 "an @source line per source folder"
t_like "$(cat "$P/.nitro/tailwind.css")" '@source "../src";' "src among them"
css=$P/static/tailwind.css
t_run "writes static/tailwind.css" test -s "$css"
t_like "$(cat "$css")" '\.bg-red-500' "with a class of the C source"
t_like "$(cat "$css")" '\.md\\:flex' "a variant too"
t_like "$(cat "$css")" '\.text-center' "and a class of the template"
if grep -q 'bg-fuchsia-900' "$css"; then
	fail "a class of no source is left out"
else
	pass "a class of no source is left out"
fi

# Again: no install, and --out, --minify.
timeout -k 5 120 "$NITRO" tw build --dir "$P" --out public/app.css --minify >"$IT_DIR/tw2.log" 2>&1
t_is "$?" 0 "a second build"
if grep -q 'installing' "$IT_DIR/tw2.log"; then fail "installs nothing again"; else pass "installs nothing again"; fi
t_like "$(cat "$P/public/app.css")" '\.underline' "--out writes there"
t_run "--minify: at most one line" test "$(wc -l <"$P/public/app.css")" -le 1

# watch: rebuilds when a source changes, until stopped.
(cd "$P" && exec "$NITRO" tw watch --out static/w.css) >"$IT_DIR/watch.log" 2>&1 &
IT_PIDS+=("$!")
# wait_for SECONDS COMMAND...: until COMMAND succeeds (a loaded machine
# starts node slowly).
wait_for() {
	local n=$(($1 * 10))
	shift
	for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
	return 1
}
t_run "watch writes the stylesheet" wait_for 60 test -s "$P/static/w.css"
sleep 1
printf '<i class="text-lime-300">new</i>\n' >"$P/templates/new.html"
t_run "and rebuilds it when a template changes" wait_for 60 grep -q 'text-lime-300' "$P/static/w.css"
it_done
