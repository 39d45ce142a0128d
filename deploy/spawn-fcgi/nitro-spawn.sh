#!/bin/sh
# Start a Nitro application's workers with spawn-fcgi, without systemd.
#
#   nitro-spawn.sh /usr/local/bin/app [WORKERS]
#
# Each worker gets its own unix socket, named as the systemd instances name
# theirs: /run/nitro/app.sock, then app-2.sock, app-3.sock... (mode 0660,
# group www-data so that nginx can connect, in a directory of mode 0750 and
# the same group), and runs as user nitro in /var/lib/nitro, where it reads
# its .env; deploy/nginx/nitro.conf's upstream lists the first two.  spawn-fcgi -n
# keeps each worker in the foreground so that its logfmt log goes to this
# script's stderr: run the script under a supervisor (runit, s6, daemontools)
# that restarts what dies.  Plain `spawn-fcgi -F N` on one socket also works,
# but it sends the workers' stderr to /dev/null and nothing restarts them.
# Never use -p (TCP) on a public address: libfcgi can be crashed by crafted
# records that nginx never sends.
set -eu
app=${1:?usage: nitro-spawn.sh /path/to/app [WORKERS]}
workers=${2:-2}
name=$(basename "$app")
rundir=${NITRO_RUN_DIR:-/run/nitro}
user=${NITRO_USER:-nitro}
group=${NITRO_SOCKET_GROUP:-www-data}

# The directory is the trust boundary (FastCGI has no authentication, and
# libfcgi can be crashed by records nginx never sends): 0750 in the
# sockets' group, also when it already existed with another mode.
install -d -m 0750 -g "$group" "$rundir"
pids=""
trap 'kill $pids 2>/dev/null; wait' INT TERM
i=1
cd "${NITRO_WORK_DIR:-/var/lib/nitro}"
while [ "$i" -le "$workers" ]; do
	sock=$rundir/$name.sock
	[ "$i" -gt 1 ] && sock=$rundir/$name-$i.sock
	spawn-fcgi -n -s "$sock" -M 0660 -u "$user" -U "$user" \
	    -G "$group" -- "$app" &
	pids="$pids $!"
	i=$((i + 1))
done
wait
