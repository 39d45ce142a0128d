#!/usr/bin/env bash
# The health endpoint (nitro_app_health) through nginx: 200 with every
# check "ok" while the process can serve; 503 naming the failed check when
# its database file is gone, when its follower is held behind the
# transport (a live stream whose render blocks the hub while events are
# published), and when the hub thread has stopped turning; 200 again once
# each cause is gone.
. "${top_srcdir:-.}/tests/integration/lib.sh"
it_require
it_setup

APP_DB=$IT_DIR/h.db APP_HEALTH_STALL_MS=3000 APP_HEALTH_LAG=5 APP_BLOCK_MS=8000 \
    it_start_workers 1
it_start_nginx

# health: "STATUS BODY" of GET /healthz.
health() {
	local b
	b=$(curl -s --max-time 20 -o "$IT_DIR/hz" -w '%{http_code}' "$IT_URL/healthz")
	echo "$b $(cat "$IT_DIR/hz")"
}
# wait_health ERE: up to 20 s for "STATUS BODY" to match.
wait_health() {
	local i
	for i in $(seq 200); do
		health | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

t_is "$(health)" '200 {"status":"ok","checks":{"database":"ok","hub":"ok","follower":"ok"}}' \
    "a process that can serve: 200, every check ok"
t_like "$(curl -s -D - -o /dev/null "$IT_URL/healthz" | tr -d '\r')" \
    'Content-Type: application/json' "the answer is JSON"
t_like "$(curl -s -D - -o /dev/null "$IT_URL/healthz" | tr -d '\r')" \
    'Cache-Control: no-store' "and never cached"

# ---- the database ----
mv "$IT_DIR/h.db" "$IT_DIR/h.db.away"
got=$(health)
t_like "$got" '^503 \{"status":"unavailable","failed":"database","checks":\{"database":"[^"]*h\.db' \
    "the database file gone: 503 naming the database"
t_like "$got" '"hub":"ok","follower":"ok"' "the other checks still pass"
mv "$IT_DIR/h.db.away" "$IT_DIR/h.db"
t_like "$(health)" '^200 ' "the file back: 200 again"

# ---- the follower held behind, then the hub stalled ----
python3 "$IT_SRC/tests/integration/sse_client.py" listen "$IT_URL/live/block" \
    "$IT_DIR/block.out" --timeout 30 --ready "$IT_DIR/block.ready" >/dev/null 2>&1 &
IT_PIDS+=("$!")
t_run "a stream whose render blocks the hub is open" it_wait_file "$IT_DIR/block.ready"
t_is "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$IT_URL/publish/block.now")" 200 \
    "an event for it is published"
# Ten more at once (one curl), while the hub is held in the render.
curl -s -o /dev/null -X POST $(for i in $(seq 10); do echo "$IT_URL/publish/other.$i"; done)
t_run "the follower is behind: 503" wait_health \
    '^503 .*"failed":"follower".*"follower":"1[01] events behind'
t_run "the hub stalls past its bound: 503 naming the hub" wait_health \
    '^503 .*"failed":"hub".*"hub":"the hub thread has not run for [0-9]+ ms"'
t_run "once the render returns, healthy again" wait_health '^200 '
t_like "$(cat "$IT_DIR/workers.stderr")" 'msg="health check failed" check=follower' \
    "a failed check is logged"
it_done
