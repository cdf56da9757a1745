#!/bin/bash
# bench-serve.sh - certchain serve's /probe, requests per second, with its
# answer cache (--cache-ttl 60) and without it (--cache-ttl 0): a private
# nginx serves 10 loopback targets (half a complete cross-signed chain, half
# the leaf alone); curl sends BENCH_SERVE_REQS requests (500), 50 at a time,
# spread over the 10 targets, BENCH_RUNS times (3); the median is reported.
# Also the CPU the server spent per request (from /proc, user + system).
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib.sh"
. "$root/tests/lib.sh" >/dev/null
. "$root/tests/lib-check.sh"
trap 'check_stop_all; [ -n "${spid:-}" ] && kill "$spid" 2>/dev/null; rm -rf "$T" "$BENCH_TMP"' EXIT
REQS=${BENCH_SERVE_REQS:-500}
RUNS=${BENCH_RUNS:-3}
S=serve

d=$T/pki
mkdir -p "$d" "$T/ngx"
pki_crosssign "$d" ec || exit 2
cat "$d/leaf.pem" "$d/ica.pem" "$d/cross.pem" >"$d/good.pem"
: >"$T/ngx/servers.conf"
ports=""
for i in $(seq 10); do
	p=$(free_port)
	ports="$ports $p"
	if [ $((i % 2)) = 1 ]; then c=$d/good.pem; else c=$d/leaf.pem; fi
	nginx_server "$p" "$c" "$d/leaf.key" >>"$T/ngx/servers.conf"
done
nginx_start "$T/ngx"
for p in $ports; do wait_port "$p" || exit 2; done

# cpu_ticks PID: user + system clock ticks of a process so far
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run_serve() { # LABEL TTL
	local label=$1 ttl=$2 sp t0 t1 c0 c1 k
	sp=$(free_port)
	"$CERTCHAIN" serve --listen "127.0.0.1:$sp" --allow 127.0.0.1 --no-store --rate-limit 0 \
		--cache-ttl "$ttl" --max-concurrency 32 -p "today=$d/new.pem" -p "old=$d/old.pem,group=legacy" \
		-I "$d/ica.pem" -I "$d/cross.pem" 2>/dev/null &
	spid=$!
	wait_port "$sp" || exit 2
	: >"$BENCH_TMP/rps"
	: >"$BENCH_TMP/cpr"
	for ((k = 0; k <= RUNS; k++)); do
		: >"$BENCH_TMP/cfg"
		for i in $(seq "$REQS"); do
			set -- $ports
			shift $((i % 10))
			echo "url = \"http://127.0.0.1:$sp/probe?target=127.0.0.1:$1&sni=www.example.test\""
			echo "output = /dev/null"
		done >"$BENCH_TMP/cfg"
		c0=$(cpu_ticks "$spid")
		t0=$EPOCHREALTIME
		curl -s --no-progress-meter --parallel --parallel-max 50 -K "$BENCH_TMP/cfg" -w '%{http_code}\n' >"$BENCH_TMP/codes"
		t1=$EPOCHREALTIME
		c1=$(cpu_ticks "$spid")
		[ "$(grep -c '^200$' "$BENCH_TMP/codes")" = "$REQS" ] || say "bench-serve: $label: not every request was answered 200"
		[ "$k" = 0 ] && continue # warm-up (fills the cache when there is one)
		awk -v n="$REQS" -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f\n", n / (b - a)}' >>"$BENCH_TMP/rps"
		awk -v n="$REQS" -v c="$((c1 - c0))" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.3f\n", c * 1000 / hz / n}' >>"$BENCH_TMP/cpr"
	done
	kill "$spid"
	wait "$spid" 2>/dev/null
	spid=
	R=$(median <"$BENCH_TMP/rps")
	C=$(median <"$BENCH_TMP/cpr")
	row "$S" "$label" - "$C" - "$R requests/s, $C ms of server CPU per request (median of $RUNS runs of $REQS)"
}
run_serve "serve /probe, --cache-ttl 0 (a probe per request)" 0
nocache=$R
run_serve "serve /probe, --cache-ttl 60 (answers from the cache)" 60
cached=$R
ratio "$S" "/probe requests per second, cached / uncached" "$(div "$cached" "$nocache")" "> 1" \
	"$(verdict "$(div "$cached" "$nocache")" ">=" 1)"
note "$S" "10 loopback nginx targets (5 distinct served chains each way), 50 requests in flight; the CPU column is certchain serve's own, per request."
