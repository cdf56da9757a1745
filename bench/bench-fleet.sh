#!/bin/bash
# bench-fleet.sh - a fleet scan: `certchain check -f` over 1,000 and 10,000
# loopback targets (one private nginx choosing the chain by SNI name: three
# in four serve leaf + issuing CA + cross-sign, one in four the leaf alone;
# see tests/lib-fleet.sh), one process each; targets per second and peak
# memory (GNU time), to show that memory does not grow with the fleet.
# Beside it, on a sample scaled to the same fleet: testssl.sh in its
# parallel mass-test mode (--file --mode parallel, -S: certificate checks
# only) and sslscan limited to the certificate (--show-certificate, every
# other test off), one target after the other as it works.
# Per target, the CPU of check -f with its judgement cache (the default),
# without it (--no-cache), and the handshake-only floor: the same probes
# with no judgement (bench/fleet_floor.c, BENCH_TOOLS).
# Each figure is the median of FLEET_RUNS runs (default 3).
# FLEET_SIZES (default "1000 10000"), TESTSSL_N (2), SSLSCAN_N (50).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib.sh"
. "$root/tests/lib.sh"
. "$root/tests/lib-check.sh"
. "$root/tests/lib-fleet.sh"
trap 'check_stop_all; rm -rf "$BENCH_TMP" "$T"' EXIT
SIZES=${FLEET_SIZES:-1000 10000}
TESTSSL_N=${TESTSSL_N:-2}
SSLSCAN_N=${SSLSCAN_N:-50}
RUNS=${FLEET_RUNS:-3}
S="fleet scan: check -f over loopback targets (nginx, SNI names, EC P-256)"

d=$T/pki
mkdir -p "$d"
say "bench-fleet: PKI and nginx"
fleet_pki "$d" >/dev/null || exit 2
P=$(free_port)
fleet_nginx "$T/ngx" "$d" "$P" || exit 2
R=(-p "old=$d/old.pem" -p "new=$d/new.pem" -I "$d/ica.pem" -I "$d/cross.pem")

# timed CMD...: one run; sets WALL (ms), CPU (ms), KB (peak RSS).
timed() {
	local t0 t1
	t0=$EPOCHREALTIME
	/usr/bin/time -f '%U %S %M' -o "$T/t" "$@" >"$T/out" 2>"$T/err"
	t1=$EPOCHREALTIME
	WALL=$(echo "$t0 $t1" | awk '{printf "%.0f", ($2 - $1) * 1000}')
	CPU=$(tail -1 "$T/t" | awk '{printf "%.0f", ($1 + $2) * 1000}')
	KB=$(tail -1 "$T/t" | awk '{print $3}')
}
# timed_median CMD...: RUNS runs of timed; WALL, CPU and KB are the medians
# (each taken on its own), the last run's output stays in $T/out, $T/err.
timed_median() {
	local w=() c=() k=() i
	for ((i = 0; i < RUNS; i++)); do
		timed "$@"
		w+=("$WALL") c+=("$CPU") k+=("$KB")
	done
	WALL=$(printf '%s\n' "${w[@]}" | median | cut -d. -f1)
	CPU=$(printf '%s\n' "${c[@]}" | median | cut -d. -f1)
	KB=$(printf '%s\n' "${k[@]}" | median | cut -d. -f1)
	say "bench-fleet: runs wall ms ${w[*]}; peak KiB ${k[*]}"
}
rate() { awk -v n="$1" -v ms="$2" 'BEGIN{printf "%.3g", n / (ms > 0 ? ms : 1) * 1000}'; }

declare -A kb
for n in $SIZES; do
	fleet_targets "$n" "$P" >"$T/targets.$n"
	say "bench-fleet: certchain check -f, $n targets"
	timed_median "$CERTCHAIN" check -f "$T/targets.$n" --json "${R[@]}"
	got=$(grep -c '"result":"\(ok\|problems\)"' "$T/out")
	if [ "$got" != "$n" ]; then
		say "bench-fleet: $got of $n targets judged"; exit 1
	fi
	kb[$n]=$KB
	cached=$CPU
	cp "$T/out" "$T/cached.json"
	row "$S" "\`certchain check -f\` (concurrency 32), $n targets" "$WALL" "$CPU" "$KB" \
		"$(rate "$n" "$WALL") targets/s; 2 profiles, -I; judgement cache; summary: $(grep -m1 '^summary' "$T/err" | cut -d, -f2-3 | sed 's/^ //')"
	say "bench-fleet: certchain check -f --no-cache, $n targets"
	timed_median "$CERTCHAIN" check -f "$T/targets.$n" --json --no-cache "${R[@]}"
	uncached=$CPU
	row "$S" "\`certchain check -f --no-cache\`, $n targets" "$WALL" "$CPU" "$KB" \
		"$(rate "$n" "$WALL") targets/s; every target judged"
	if [ -x "${BENCH_TOOLS:-}/fleet_floor" ]; then
		say "bench-fleet: handshakes only (fleet_floor), $n targets"
		timed_median "$BENCH_TOOLS/fleet_floor" "$T/targets.$n" 32
		floor=$CPU
		row "$S" "handshake-only floor (bench/fleet_floor.c: the same probes, no judgement), $n targets" \
			"$WALL" "$CPU" "$KB" "$(cat "$T/out")"
		per() { awk -v c="$1" -v n="$n" 'BEGIN{printf "%.2f", c / n}'; }
		ratio "$S" "CPU per target, $n targets: with the cache $(per "$cached") ms, handshakes only $(per "$floor") ms" \
			"$(awk -v a="$cached" -v b="$floor" 'BEGIN{printf "%.2fx", a / (b > 0 ? b : 1)}')" "<= 1.5x" \
			"$(awk -v a="$cached" -v b="$floor" 'BEGIN{print (a <= 1.5 * b) ? "met" : "NOT met"}')"
		ratio "$S" "CPU per target, $n targets: without the cache $(per "$uncached") ms, handshakes only $(per "$floor") ms" \
			"$(awk -v a="$uncached" -v b="$floor" 'BEGIN{printf "%.2fx", a / (b > 0 ? b : 1)}')" "" ""
	fi
done
set -- $SIZES
if [ $# -ge 2 ]; then
	ratio "$S" "peak memory, $2 vs $1 targets" \
		"$(awk -v a="${kb[$2]}" -v b="${kb[$1]}" 'BEGIN{printf "%.2fx", a / b}')" "about 1x" \
		"$(awk -v a="${kb[$2]}" -v b="${kb[$1]}" 'BEGIN{print (a < b * 1.25) ? "flat" : "GROWS"}')"
fi
big=${!#}

if command -v testssl >/dev/null 2>&1; then
	fleet_targets "$TESTSSL_N" "$P" | awk '{split($1, h, ":"); printf "-S --ip 127.0.0.1 %s\n", $1}' >"$T/mass"
	say "bench-fleet: testssl.sh --file --mode parallel -S, $TESTSSL_N targets"
	timed_median testssl --quiet --color 0 --warnings off --file "$T/mass" --mode parallel
	row "$S" "\`testssl.sh --file --mode parallel -S\`, sample of $TESTSSL_N targets" "$WALL" "$CPU" "$KB" \
		"$(rate "$TESTSSL_N" "$WALL") targets/s; $big targets would take ~$(awk -v w="$WALL" -v n="$TESTSSL_N" -v b="$big" 'BEGIN{printf "%.0f", w / n * b / 1000}') s (scaled)"
else
	note "$S" "testssl.sh not installed: not compared"
fi
if command -v sslscan >/dev/null 2>&1; then
	fleet_targets "$SSLSCAN_N" "$P" | awk '{split($1, h, ":"); print h[1]}' >"$T/names"
	cat >"$T/sslscan-all" <<SH
while read -r h; do
	sslscan --no-colour --show-certificate --no-ciphersuites --no-fallback \\
		--no-renegotiation --no-compression --no-heartbleed --no-groups \\
		--sni-name="\$h" "127.0.0.1:$P"
done <"$T/names"
SH
	say "bench-fleet: sslscan --show-certificate, $SSLSCAN_N targets one after the other"
	timed_median bash "$T/sslscan-all"
	row "$S" "\`sslscan --show-certificate\` (other tests off), sample of $SSLSCAN_N targets" "$WALL" "$CPU" "$KB" \
		"$(rate "$SSLSCAN_N" "$WALL") targets/s; $big targets would take ~$(awk -v w="$WALL" -v n="$SSLSCAN_N" -v b="$big" 'BEGIN{printf "%.0f", w / n * b / 1000}') s (scaled); prints the certificates, judges no chain"
else
	note "$S" "sslscan not installed: not compared"
fi
note "$S" "Medians of $RUNS runs per size and tool (wall time, CPU time and peak memory each). Peak memory is the whole process's maximum RSS; records stream to stdout as targets finish."
note "$S" "certchain judges every chain against two trust profiles and proposes the chain to serve; testssl.sh -S and sslscan only report certificates, so their rate is an upper bound for a comparable check."
