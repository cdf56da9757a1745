#!/bin/bash
# bench-check.sh - certchain check in batch against 200 loopback TLS endpoints
# (one private nginx listening on 200 ports, half serving a complete
# cross-signed chain, half only the leaf), compared with a loop of
# `openssl s_client -showcerts` over the same 200 targets, a loop of
# single-target `certchain check` processes, and testssl.sh.
#
# testssl.sh needs ~10 s per target even with -S (certificate checks only),
# so it runs on the first TESTSSL_N targets (default 2) and its 200-target
# time is that per-target time x 200 (said so in the table).
#
# Prints a markdown table on stdout (setup messages go to stderr). Finishes
# in well under 3 minutes on a 2-core machine.
# Usage: bench/bench-check.sh [CERTCHAIN_BINARY]
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
CERTCHAIN=${1:-${CERTCHAIN:-$root/build/certchain}}
export CERTCHAIN
if [ ! -x "$CERTCHAIN" ]; then
	make -C "$root" --no-print-directory >&2 || exit 2
fi
N=${BENCH_TARGETS:-200}
RUNS=${BENCH_RUNS:-5}
TESTSSL_N=${TESTSSL_N:-2}
. "$root/tests/lib.sh"
. "$root/tests/lib-check.sh"
trap 'check_stop_all; rm -rf "$T"' EXIT

say() { echo "bench-check: $*" >&2; }
now() { date +%s%N; }
median() { sort -n | awk '{v[NR]=$1} END{ if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2 }'; }

d=$T/pki; mkdir -p "$d"
say "PKI (EC P-256, cross-signed)"
pki_crosssign "$d" ec || exit 2
cat "$d/leaf.pem" "$d/ica.pem" "$d/cross.pem" >"$d/good.pem"

say "nginx on $N ports"
mkdir -p "$T/ngx"; : >"$T/ngx/servers.conf"; : >"$T/targets"
# N distinct free ports: the kernel picks them, all bound at once so none repeats.
python3 - "$N" >"$T/ports" <<'PY'
import socket, sys
ss = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); ss.append(s)
print("\n".join(str(s.getsockname()[1]) for s in ss))
PY
i=0
for p in $(cat "$T/ports"); do
	i=$((i + 1))
	if [ $((i % 2)) = 1 ]; then chain=$d/good.pem; else chain=$d/leaf.pem; fi
	nginx_server "$p" "$chain" "$d/leaf.key" >>"$T/ngx/servers.conf"
	echo "www.example.test:$p 127.0.0.1" >>"$T/targets"
done
nginx_start "$T/ngx"
while read -r p; do wait_port "$p" || exit 2; done <"$T/ports"

# time_ms CMD...: wall milliseconds of one run (output discarded).
time_ms() {
	local s e
	s=$(now)
	"$@" >/dev/null 2>&1
	e=$(now)
	echo $(((e - s) / 1000000))
}

cc_batch() { "$CERTCHAIN" check -f "$T/targets" --json -r "$d/old.pem" --timeout 10; }
cc_loop() {
	while read -r p; do
		"$CERTCHAIN" check --json --connect 127.0.0.1 -r "$d/old.pem" "www.example.test:$p"
	done <"$T/ports"
}
sclient_loop() {
	while read -r p; do
		openssl s_client -connect "127.0.0.1:$p" -servername www.example.test -showcerts </dev/null
	done <"$T/ports"
}
testssl_some() {
	head -n "$TESTSSL_N" "$T/ports" | while read -r p; do
		testssl --quiet --color 0 --warnings off -S "127.0.0.1:$p"
	done
}

# Sanity: the batch sees every target and the expected split.
cc_batch >"$T/out.json" 2>/dev/null
okn=$(grep -c '"result":"ok"' "$T/out.json")
probn=$(grep -c '"result":"problems"' "$T/out.json")
if [ "$((okn + probn))" != "$N" ]; then
	say "batch checked $((okn + probn)) of $N targets"; exit 1
fi

say "certchain check -f ($RUNS runs)"
for _ in $(seq "$RUNS"); do time_ms cc_batch; done | median >"$T/m.batch"
say "certchain check, one process per target (3 runs)"
for _ in 1 2 3; do time_ms cc_loop; done | median >"$T/m.loop"
say "openssl s_client -showcerts loop (3 runs)"
for _ in 1 2 3; do time_ms sclient_loop; done | median >"$T/m.sclient"
have_testssl=0
if command -v testssl >/dev/null 2>&1; then
	have_testssl=1
	say "testssl.sh -S on $TESTSSL_N targets (1 run)"
	time_ms testssl_some >"$T/m.testssl"
fi

b=$(cat "$T/m.batch"); l=$(cat "$T/m.loop"); s=$(cat "$T/m.sclient")
ratio() { awk -v a="$1" -v b="$b" 'BEGIN{printf "%.1fx", a / (b > 0 ? b : 1)}'; }
per() { awk -v a="$1" -v n="$2" 'BEGIN{printf "%.1f", a / n}'; }
sec() { awk -v a="$1" 'BEGIN{printf "%.2f s", a / 1000}'; }
echo "### certchain check: $N loopback TLS endpoints (nginx, EC P-256; half complete cross-signed chains, half leaf only)"
echo
echo "| tool | targets timed | median wall time | per target | time for $N targets | vs certchain batch |"
echo "|---|---|---|---|---|---|"
echo "| \`certchain check -f\` (concurrency 32, one process) | $N | $(sec "$b") | $(per "$b" "$N") ms | $(sec "$b") | 1.0x |"
echo "| \`certchain check\` loop, one process per target | $N | $(sec "$l") | $(per "$l" "$N") ms | $(sec "$l") | $(ratio "$l") |"
echo "| \`openssl s_client -showcerts\` loop | $N | $(sec "$s") | $(per "$s" "$N") ms | $(sec "$s") | $(ratio "$s") |"
if [ $have_testssl = 1 ]; then
	t=$(cat "$T/m.testssl")
	tt=$(awk -v a="$t" -v n="$TESTSSL_N" -v N="$N" 'BEGIN{printf "%d", a / n * N}')
	echo "| \`testssl.sh -S\` (certificate checks only), sequential | $TESTSSL_N | $(sec "$t") | $(per "$t" "$TESTSSL_N") ms | ~$(sec "$tt") (extrapolated) | $(ratio "$tt") |"
else
	echo "| \`testssl.sh\` | - | not installed | | | |"
fi
echo
echo "Medians of $RUNS runs (batch) and 3 runs (loops); testssl.sh: 1 run. $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg) at the end, $(date -u +%Y-%m-%d)."
echo "s_client only prints the certificates; certchain also analyses each chain and proposes a fix."
