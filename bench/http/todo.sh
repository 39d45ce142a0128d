# bench/http/todo.sh: sourced by bench/http/run after the hello benchmark,
# whose helpers (spawn, run_wrk, median, spread, the FastCGI $params) and
# clean-up it shares.
#
# The TodoMVC list page with 20 items (examples/todomvc, GET /) through a
# second nginx, against the same page written as a plain PHP script under
# PHP-FPM (bench/http/todo.php) and as a hand-written libfcgi + sqlite3
# program (bench/http/todo_fcgi.c), all three reading one SQLite database
# that the example itself filled through HTTP.  PHP-FPM runs with its own
# configuration in the temp dir: a unix socket, pm=static with as many
# processes as the others get.  The three must answer the same bytes before
# they are timed; then wrk runs against each in turn, the order rotating
# every round.
#
# Needs Debian's php-fpm and php-sqlite3 (installed with apt-get when
# missing, as root or through sudo).
#
# Ends with:
#   ratio todo_phpfpm <Nitro req/s / PHP-FPM req/s>          (target >= 2.5)
#   ratio todo_libfcgi <Nitro req/s / hand-written req/s>    (target >= 0.9)
#   figure todo_{nitro,phpfpm,libfcgi}_rps <median req/s>

todo_php_fpm() {
	# None installed yet is an empty answer, not a failure (set -e, pipefail).
	ls /usr/sbin/php-fpm* 2>/dev/null | sort -V | tail -n 1 || true
}

# Install php-fpm and php-sqlite3 when missing.
todo_need_php() {
	local fpm
	fpm=$(todo_php_fpm)
	if [ -n "$fpm" ] && "$fpm" -m 2>/dev/null | grep -qx sqlite3; then
		return 0
	fi
	bench_install php-fpm php-sqlite3
}

todo_need_php
make -C "$build" -s examples/todomvc/todomvc bench/http/todo_fcgi >&2 ||
	die "building the TodoMVC benchmark programs failed"

# ---- the Nitro example, and the data it writes ----------------------------

todo_db=$tmp/todo.db
unset NITRO_DATASTAR_JS
# shellcheck disable=SC2086 # BENCH_NITRO_ARGS is a list of words
NITRO_DB=$todo_db spawn todo_nitro "$build/examples/todomvc/todomvc" ${BENCH_NITRO_ARGS:-}

# One nginx, three loopback ports: Nitro, PHP-FPM, libfcgi.
todo_start_nginx() {
	local try i pid
	for try in 1 2 3 4 5; do
		# Below the ephemeral range, where wrk's closed connections linger.
		todo_port=$((20000 + RANDOM % 12000))
		{
			[ "$(id -u)" -eq 0 ] && echo "user root;"
			cat <<EOF
worker_processes 1;
pid $tmp/todo-nginx.pid;
error_log $tmp/todo-nginx-error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path $tmp/client_body;
	proxy_temp_path $tmp/proxy;
	fastcgi_temp_path $tmp/fastcgi;
	uwsgi_temp_path $tmp/uwsgi;
	scgi_temp_path $tmp/scgi;
	server {
		listen 127.0.0.1:$todo_port;
		location / { fastcgi_pass unix:$tmp/todo_nitro.sock; $params }
	}
	server {
		listen 127.0.0.1:$((todo_port + 1));
		location / { fastcgi_pass unix:$tmp/php.sock; $params
			fastcgi_param SCRIPT_FILENAME $here/todo.php;
			fastcgi_param TODO_DB $todo_db; }
	}
	server {
		listen 127.0.0.1:$((todo_port + 2));
		location / { fastcgi_pass unix:$tmp/todo_libfcgi.sock; $params }
	}
}
EOF
		} >"$tmp/todo-nginx.conf"
		nginx -p "$tmp/" -c "$tmp/todo-nginx.conf" -g 'daemon off;' \
			>"$tmp/todo-nginx.out" 2>&1 &
		pid=$!
		pids+=("$pid")
		for i in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			if curl -s -o /dev/null "http://127.0.0.1:$todo_port/todomvc.css"; then
				return 0
			fi
			sleep 0.1
		done
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		unset 'pids[-1]'
	done
	die "nginx did not start: $(cat "$tmp/todo-nginx.out" "$tmp/todo-nginx-error.log" 2>/dev/null)"
}
todo_start_nginx

# Twenty todos through the app, as a browser adds them (every third one
# completed); titles with characters that must be escaped.
for i in $(seq 20); do
	curl -sf -o /dev/null -H 'Datastar-Request: true' -H 'Content-Type: application/json' \
		--data "{\"title\":\"Todo $i: buy milk & <eggs> for 'Bob'\"}" \
		"http://127.0.0.1:$todo_port/todos" || die "adding todo $i failed"
	if [ $((i % 3)) -eq 0 ]; then
		curl -sf -o /dev/null -X POST -H 'Datastar-Request: true' \
			"http://127.0.0.1:$todo_port/todos/$i/toggle" || die "toggling todo $i failed"
	fi
done

# ---- the peers -------------------------------------------------------------

TODO_DB=$todo_db spawn todo_libfcgi "$build/bench/http/todo_fcgi"

fpm=$(todo_php_fpm)
cat >"$tmp/php-fpm.conf" <<EOF
[global]
pid = $tmp/php-fpm.pid
error_log = $tmp/php-fpm.log
daemonize = no
[bench]
user = $(id -un)
listen = $tmp/php.sock
listen.mode = 0660
pm = static
pm.max_children = $workers
EOF
"$fpm" -R -y "$tmp/php-fpm.conf" -d expose_php=0 >"$tmp/php-fpm.out" 2>&1 &
pids+=("$!")
for i in $(seq 50); do
	[ -S "$tmp/php.sock" ] && break
	kill -0 "${pids[-1]}" 2>/dev/null || die "php-fpm did not start: $(cat "$tmp/php-fpm.out" "$tmp/php-fpm.log" 2>/dev/null)"
	sleep 0.1
done

# All three must answer the same bytes, with the same status and type.
todo_names=(nitro phpfpm libfcgi)
todo_check() {
	local name=$1 port=$2 status ctype
	curl -s -D "$tmp/todo_$name.headers" -o "$tmp/todo_$name.html" "http://127.0.0.1:$port/" ||
		die "$name did not answer"
	status=$(sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$tmp/todo_$name.headers")
	ctype=$(sed -n 's/^[Cc]ontent-[Tt]ype: *\([^\r]*\).*/\1/p' "$tmp/todo_$name.headers")
	[ "$status" = 200 ] || die "$name answered status '$status': $(head -c 300 "$tmp/todo_$name.html")"
	[ "$ctype" = "text/html; charset=utf-8" ] || die "$name answered Content-Type '$ctype'"
}
for k in 0 1 2; do
	todo_check "${todo_names[$k]}" $((todo_port + k))
done
[ "$(grep -o '<li id="todo-' "$tmp/todo_nitro.html" | wc -l)" -eq 20 ] ||
	die "the Nitro page does not list 20 todos"
for name in phpfpm libfcgi; do
	cmp -s "$tmp/todo_nitro.html" "$tmp/todo_$name.html" ||
		die "$name's page differs from Nitro's: $(cmp "$tmp/todo_nitro.html" "$tmp/todo_$name.html")"
done

echo "bench/http todo: GET / with 20 todos ($(wc -c <"$tmp/todo_nitro.html") bytes, the same from all" \
	"three); $workers processes each; wrk -t$wrk_threads -c$conns -d${seconds}s; $rounds rounds"
for k in 0 1 2; do
	run_wrk "${todo_names[$k]}" $((todo_port + k)) "$warm" >/dev/null
	: >"$tmp/todo_${todo_names[$k]}.rps"
done
for r in $(seq "$rounds"); do
	for j in 0 1 2; do
		k=$(((r + j) % 3))
		name=${todo_names[$k]}
		rps=$(run_wrk "$name" $((todo_port + k)) "$seconds")
		echo "$rps" >>"$tmp/todo_$name.rps"
		printf 'round %d %-8s %10.1f req/s\n' "$r" "$name" "$rps"
	done
done
for p in "${pids[@]}"; do
	kill -0 "$p" 2>/dev/null || die "process $p died during the benchmark"
done

for name in "${todo_names[@]}"; do
	printf '%-8s median %10.1f req/s  (%s)\n' "$name" "$(median <"$tmp/todo_$name.rps")" \
		"$(spread "$tmp/todo_$name.rps")"
done
t_nitro=$(median <"$tmp/todo_nitro.rps")
t_php=$(median <"$tmp/todo_phpfpm.rps")
t_fcgi=$(median <"$tmp/todo_libfcgi.rps")
awk -v n="$t_nitro" -v p="$t_php" 'BEGIN { printf "ratio todo_phpfpm %.3f\n", n / p }'
awk -v n="$t_nitro" -v l="$t_fcgi" 'BEGIN { printf "ratio todo_libfcgi %.3f\n", n / l }'
echo "figure todo_nitro_rps $t_nitro"
echo "figure todo_phpfpm_rps $t_php"
echo "figure todo_libfcgi_rps $t_fcgi"
