#!/usr/bin/env bash
# tests/check_man.sh: every public function has its manual page (TAP).
#
# For each function declared with NITRO_API in include/nitro/*.h:
#   - the index of man/nitro.3 (its FUNCTIONS section) names it;
#   - man/<name>.3 exists and has NAME, SYNOPSIS, DESCRIPTION, RETURN
#     VALUES, THREAD SAFETY and EXAMPLE sections;
# every struct a public header defines is shown in some page;
# and for every page in man/:
#   - it is installed (listed in dist_man_MANS in man/Makefile.inc);
#   - it renders without warnings: groff -man with every warning on, which
#     is stricter than man --warnings, and mandoc -T lint at level warning
#     (each skipped when its program is not installed);
#   - its rendered text shows no escape sequence as text (a "\e(dq" in
#     the source prints "\(dq" where a quote was meant).
# A NITRO_API line that cannot be parsed is a failure, so that a function
# cannot escape the check by the way its prototype is written.
set -u
top=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
cd "$top" || exit 1

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $*"; }

funcs=() bad=()
while IFS= read -r line; do
	name=$(sed -nE 's/^NITRO_API[^(]*[ *]([a-z_][a-z0-9_]*)\(.*/\1/p' <<<"$line")
	if [ -n "$name" ]; then
		funcs+=("$name")
	else
		bad+=("$line")
	fi
done < <(grep -h '^NITRO_API' include/nitro/*.h)
mapfile -t funcs < <(printf '%s\n' "${funcs[@]}" | sort -u)
# Every struct a public header defines is shown whole in some page's
# synopsis, so that a reader sees its fields where a function takes it.
mapfile -t structs < <(sed -nE 's/^struct (nitro_[a-z0-9_]+) \{.*/\1/p' include/nitro/*.h | sort -u)
pages=(man/*.[0-9])
sections=("NAME" "SYNOPSIS" "DESCRIPTION" "RETURN VALUES?" "THREAD SAFETY" "EXAMPLES?")
have_groff=0 have_mandoc=0
command -v groff >/dev/null 2>&1 && have_groff=1
command -v mandoc >/dev/null 2>&1 && have_mandoc=1

echo "1..$(( ${#bad[@]} + ${#funcs[@]} * 3 + ${#structs[@]} + ${#pages[@]} * 4 ))"

for st in "${structs[@]}"; do
	if grep -lqE "^struct $st \{" man/*.3; then
		ok "struct $st is shown in a synopsis"
	else
		nok "struct $st is in no man page's synopsis"
	fi
done

for line in "${bad[@]}"; do
	nok "cannot find the function name in: $line"
done

# The overview's index (man/nitro.3, FUNCTIONS) names every function.
index=$(sed -n '/^\.SH FUNCTIONS/,/^\.SH /p' man/nitro.3)
for f in "${funcs[@]}"; do
	if grep -qE "^\.BR $f \(3\)" <<<"$index"; then
		ok "nitro(3) lists $f"
	else
		nok "nitro(3) does not list $f in FUNCTIONS"
	fi
	page=man/$f.3
	if [ -f "$page" ]; then
		ok "$f has $page"
	else
		nok "$f has no man page ($page)"
		nok "$page sections: no page"
		continue
	fi
	missing=()
	for s in "${sections[@]}"; do
		grep -qE "^\.SH \"?$s\"?\$" "$page" || missing+=("${s%\?}")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		ok "$page has every section"
	else
		nok "$page lacks: ${missing[*]}"
	fi
done

# The words of every dist_man_MANS assignment, continuation lines joined.
listed=$(sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' man/Makefile.inc 2>/dev/null |
	sed -nE 's/^[[:space:]]*dist_man_MANS[[:space:]]*\+?=//p' | tr -s ' \t' '\n\n')
for page in "${pages[@]}"; do
	if grep -qxF "$page" <<<"$listed"; then
		ok "$page is installed"
	else
		nok "$page is not in dist_man_MANS (add it to man/Makefile.inc)"
	fi
	if [ $have_mandoc -eq 0 ]; then
		skip "$page passes mandoc -T lint: mandoc is not installed"
	else
		warn=$(mandoc -T lint -W warning "$page" 2>&1)
		if [ -z "$warn" ]; then
			ok "$page passes mandoc -T lint"
		else
			nok "$page has mandoc lint warnings"
			sed 's/^/# /' <<<"$warn"
		fi
	fi
	if [ $have_groff -eq 0 ]; then
		skip "$page renders: groff is not installed"
		skip "$page shows no escape as text: groff is not installed"
		continue
	fi
	warn=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
	if [ -z "$warn" ]; then
		ok "$page renders without warnings"
	else
		nok "$page renders with warnings"
		sed 's/^/# /' <<<"$warn"
	fi
	shown=$(groff -man -Tutf8 -P-c "$page" 2>/dev/null | grep -nE '\\(\(..|\[[a-z]+\]|e)')
	if [ -z "$shown" ]; then
		ok "$page shows no escape as text"
	else
		nok "$page shows an escape sequence as text"
		sed 's/^/# /' <<<"$shown"
	fi
done
[ "$failed" -eq 0 ]
