# bench/need.sh: sourced by the benchmark scripts.  A benchmark installs
# what it needs, so that `bench/run NAME` works on a machine set up only by
# `./quickstart demo`.
#
#   bench_need COMMAND PACKAGE [COMMAND PACKAGE ...]
#
# installs each Debian PACKAGE whose COMMAND is not found (in PATH,
# /usr/sbin or /sbin), as root directly or through sudo, with apt-get
# update only when the first install fails; otherwise it says which
# command to run and exits 1.  bench_install PACKAGE... installs without
# looking for a command first.

bench_need() {
	local missing=() cmd pkg
	PATH=$PATH:/usr/sbin:/sbin
	while [ $# -ge 2 ]; do
		cmd=$1 pkg=$2
		shift 2
		command -v "$cmd" >/dev/null || missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] || bench_install "${missing[@]}"
}

# bench_install PACKAGE...: apt-get install them (the check is the caller's).
bench_install() {
	local missing=("$@") sudo=() log
	if [ "$(id -u)" -ne 0 ]; then
		if ! command -v sudo >/dev/null; then
			echo "bench: missing ${missing[*]}; as root: apt-get install -y ${missing[*]}" >&2
			exit 1
		fi
		sudo=(sudo)
	fi
	echo "bench: installing ${missing[*]}" >&2
	log=$(mktemp)
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >"$log" 2>&1 ||
	{ "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$log" 2>&1 &&
	  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >>"$log" 2>&1; } || {
		echo "bench: apt-get install ${missing[*]} failed:" >&2
		tail -n 5 "$log" >&2
		rm -f "$log"
		exit 1
	}
	rm -f "$log"
}
