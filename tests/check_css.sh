#!/usr/bin/env bash
# tests/check_css.sh: Nitro's stylesheet (views/nitro.css) styles every
# component class the views layer writes (TAP).
#
# Every class name "nitro-..." that appears in a string of views/*.c must
# be a selector in nitro.css; and the stylesheet must keep its light and
# dark themes: colours as light-dark() custom properties, color-scheme
# following the system, and the toggle's data-theme attribute.
set -u
top=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
cd "$top" || exit 1
css=views/nitro.css

mapfile -t classes < <(grep -ohE '"[^"]*"' views/*.c | grep -oE '\bnitro-[a-z][a-z0-9-]*[a-z0-9]' |
	grep -vE '^nitro-(theme)$' | sort -u)
# Class prefixes completed at run time ("nitro-btn-%s", "nitro-toast-%s"):
# the variants Nitro itself uses must be styled too.
variants=(nitro-btn-primary nitro-btn-secondary nitro-btn-danger nitro-btn-sm
	nitro-toast-info nitro-toast-success nitro-toast-error)

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }

echo "1..$(( ${#classes[@]} + ${#variants[@]} + 4 ))"
for c in "${classes[@]}" "${variants[@]}"; do
	if grep -qE "\.$c([^a-z0-9-]|$)" "$css"; then
		ok "$c is styled"
	else
		nok "$c is written by views/ but not styled in $css"
	fi
done
grep -q -- '--nitro-bg: light-dark(' "$css" && ok "colours are custom properties, light and dark" ||
	nok "no --nitro-bg: light-dark(...) custom property"
grep -qE '^\s*color-scheme: light dark;' "$css" && ok "dark follows the system" ||
	nok "no color-scheme: light dark on :root"
grep -q ':root\[data-theme="dark"\] { color-scheme: dark; }' "$css" && ok "dark by the toggle's choice" ||
	nok "no [data-theme=dark] rule"
grep -q ':root\[data-theme="light"\] { color-scheme: light; }' "$css" &&
	ok "light by the toggle's choice wins over the system" ||
	nok "no [data-theme=light] rule"
[ "$failed" -eq 0 ]
