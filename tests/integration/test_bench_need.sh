#!/usr/bin/env bash
# bench/need.sh: a benchmark installs the Debian packages of the commands
# it lacks (bench/run http once stopped with "wrk is missing" on a machine
# set up by ./quickstart demo).  apt-get, sudo and id are stand-ins here
# that record what they were asked; nothing is installed.
. "${top_srcdir:-.}/tests/integration/lib.sh"
it_setup
stub=$IT_DIR/stub
mkdir -p "$stub"
for tool in apt-get sudo; do
	cat >"$stub/$tool" <<STUB
#!/bin/sh
echo "$tool \$*" >>"$IT_DIR/calls"
[ "$tool" = sudo ] && exec "\$@"
exit \${STUB_APT_RC:-0}
STUB
	chmod +x "$stub/$tool"
done
printf "#!/bin/sh\necho 0\n" >"$stub/id"
chmod +x "$stub/id"

need() { (PATH=$stub:$PATH; . "$IT_SRC/bench/need.sh"; bench_need "$@") 2>"$IT_DIR/err"; }

need sh dash
t_is "$?:$(cat "$IT_DIR/calls" 2>/dev/null)" "0:" "a command that is there installs nothing"

need nitro-no-such-tool wrk sh dash
t_is "$?" 0 "a missing command is installed"
t_like "$(cat "$IT_DIR/calls")" 'apt-get install -y -q --no-install-recommends wrk$' \
    "with apt-get, naming only the missing package"
t_like "$(cat "$IT_DIR/err")" 'installing wrk' "and says so"

rm -f "$IT_DIR/calls"
STUB_APT_RC=100 need nitro-no-such-tool wrk
t_is "$?" 1 "a failed install stops the benchmark"
t_like "$(cat "$IT_DIR/calls")" 'apt-get update' "after trying apt-get update once"
t_like "$(cat "$IT_DIR/err")" 'apt-get install wrk failed' "with a message"
it_done
