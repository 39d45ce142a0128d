#!/usr/bin/env bash
# tests/check_layers.sh: dependencies point down the layers (TAP).
#
#   core  <-  sql  <-  pg (sql's migration files only)  <-  db
#   core  <-  views  <-  fcgi  <-  auth;  all of them  <-  cli
#
# A layer may use itself and the layers its row below names, nothing else
# (views knows nothing of FastCGI, core nothing of HTTP).  Checked three
# ways, so that neither a stray include nor a call through a repeated
# declaration gets past:
#   - every #include of a layer's sources and of its public header names
#     only allowed layers ("fcgi/x.h", <nitro/fcgi.h>, ...);
#   - a public header repeats no type of another layer's header that it
#     may not include (views.h once had typedefs of fcgi.h's nitro_req);
#   - nm: every nitro symbol a layer's compiled objects leave undefined
#     is defined by the objects of an allowed layer (run from the build
#     tree after the library is built, as make check does).
set -u
top=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
build=${top_builddir:-.}

# layer: the layers it may use besides itself.
declare -A uses=(
	[core]=""
	[sql]="core"
	[pg]="core sql"
	[db]="core sql pg"
	[views]="core"
	[fcgi]="core views"
	[auth]="core views fcgi"
	[cli]="core sql pg db views fcgi auth"
)
layers=(core sql pg db views fcgi auth cli)
libs=(core sql pg db views fcgi auth)	# the ones compiled into libnitro

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }

allowed() {	# allowed LAYER OTHER
	[ "$1" = "$2" ] || [[ " ${uses[$1]} " == *" $2 "* ]]
}

# The layer an include line refers to, or nothing (system headers).
include_layer() {
	sed -nE 's@^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](nitro/)?(core|sql|pg|db|views|fcgi|auth|cli)[/.].*@\2@p' <<<"$1"
}

headers=()	# the layers with a public header
for l in "${layers[@]}"; do
	[ -f "$top/include/nitro/$l.h" ] && headers+=("$l")
done

echo "1..$(( ${#layers[@]} + ${#headers[@]} + ${#libs[@]} ))"

for l in "${layers[@]}"; do
	bad=""
	files=("$top/$l"/*.[ch] "$top/$l"/*.inc)
	[ -f "$top/include/nitro/$l.h" ] && files+=("$top/include/nitro/$l.h")
	for f in "${files[@]}"; do
		[ -f "$f" ] || continue
		while IFS= read -r line; do
			other=$(include_layer "$line")
			[ -z "$other" ] || allowed "$l" "$other" ||
			    bad+="${f#"$top"/}: $line"$'\n'
		done < <(grep -E '^[[:space:]]*#[[:space:]]*include' "$f")
	done
	if [ -z "$bad" ]; then
		ok "$l includes only ${uses[$l]:-itself}${uses[$l]:+ and itself}"
	else
		nok "$l includes only ${uses[$l]:-itself}${uses[$l]:+ and itself}"
		printf '%s' "$bad" | sed 's/^/# /'
	fi
done

# Types declared by each public header (typedef ... NAME; struct NAME {).
header_types() {
	sed -nE -e 's/^typedef [^(]*\(\*([a-z_][a-z0-9_]*)\).*/\1/p' \
	    -e 's/^typedef [^()]*[ *]([a-z_][a-z0-9_]*);$/\1/p' \
	    -e 's/^typedef struct ([a-z_][a-z0-9_]*) .*/\1/p' \
	    -e 's/^struct ([a-z_][a-z0-9_]*) \{.*/\1/p' \
	    -e 's/^enum ([a-z_][a-z0-9_]*) \{.*/\1/p' "$1" | sort -u
}

for l in "${headers[@]}"; do
	bad=""
	# The header without its comments, so that prose may name anything.
	code=$(sed -e 's@/\*.*\*/@@g' -e '/\/\*/,/\*\//d' "$top/include/nitro/$l.h")
	for o in "${headers[@]}"; do
		allowed "$l" "$o" && continue
		for t in $(header_types "$top/include/nitro/$o.h"); do
			grep -qwE -- "$t" <<<"$code" && bad+="$t (of $o.h) "
		done
	done
	if [ -z "$bad" ]; then
		ok "$l.h names no type of a layer above it"
	else
		nok "$l.h names no type of a layer above it: $bad"
	fi
done

# A layer's compiled objects: $build/LAYER/[prefix-]NAME.o whose source
# LAYER/NAME.c still exists (an incremental build keeps the objects of
# sources that moved away).
objects() {
	local o base
	for o in "$build/$1"/*.o; do
		base=${o##*/}
		base=${base%.o}
		base=${base##*-}
		[ -f "$top/$1/$base.c" ] && echo "$o"
	done
}

# nitro symbols defined by a layer's objects.
defined() {
	objects "$1" | xargs -r nm -P --defined-only 2>/dev/null |
	    awk '$2 ~ /^[TDBRVW]$/ && $1 ~ /^nitro/ { print $1 }' | sort -u
}
declare -A defs
have_nm=0
command -v nm >/dev/null 2>&1 && have_nm=1
for l in "${libs[@]}"; do
	[ $have_nm -eq 1 ] && defs[$l]=$(defined "$l")
done
for l in "${libs[@]}"; do
	mapfile -t objs < <(objects "$l")
	if [ $have_nm -eq 0 ]; then
		nok "$l's objects: nm is not installed (binutils)"
		continue
	fi
	if [ ${#objs[@]} -eq 0 ]; then
		nok "$l's objects: none in $build/$l (build the library first)"
		continue
	fi
	mine=""
	for o in "${libs[@]}"; do
		allowed "$l" "$o" && mine+="${defs[$o]}"$'\n'
	done
	bad=$(nm -P -u "${objs[@]}" 2>/dev/null | awk '$1 ~ /^nitro/ { print $1 }' | sort -u |
	    comm -23 - <(sort -u <<<"$mine"))
	if [ -z "$bad" ]; then
		ok "$l's objects call only ${uses[$l]:-themselves}${uses[$l]:+ and themselves}"
	else
		nok "$l's objects call only ${uses[$l]:-themselves}${uses[$l]:+ and themselves}"
		for s in $bad; do
			who=""
			for o in "${libs[@]}"; do
				grep -qx -- "$s" <<<"${defs[$o]}" && who=$o
			done
			echo "# $s (${who:-defined nowhere in the library})"
		done
	fi
done
[ "$failed" -eq 0 ]
