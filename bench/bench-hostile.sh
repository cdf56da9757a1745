#!/bin/bash
# bench-hostile.sh - what a hostile served chain costs (issue: quadratic
# analysis). Chains from bench/gen_samename.c: N certificates with one
# subject and one key, signed by another key, no key identifiers (every pair
# names the other as issuer; every pairwise signature fails), judged by
# `certchain verify --no-store -r root.pem chain.pem` at 100/200/400/800,
# and a leaf with 100,000 copies of its intermediate (48 MB, under the
# input limit). Then a live server (openssl s_server on 127.0.0.1) sending
# 290 of them, as much as OpenSSL's 100 KB certificate message holds, to
# `certchain check --timeout 3`. Medians of HOSTILE_RUNS runs (default 3).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib.sh"
. "$root/tests/lib.sh"
. "$root/tests/lib-check.sh"
trap 'check_stop_all; rm -rf "$BENCH_TMP" "$T"' EXIT
RUNS=${HOSTILE_RUNS:-3}
S="hostile served chains: one subject, one key, no key identifiers"
gen=${BENCH_TOOLS:-}/gen_samename
[ -x "$gen" ] || { say "bench-hostile: no $gen (make bench builds it)"; exit 1; }

worst=0
for n in 100 200 400 800; do
	d=$T/sn$n
	mkdir -p "$d"
	"$gen" "$d" "$n" || exit 1
	say "bench-hostile: verify, $n certificates"
	measure "$RUNS" "$CERTCHAIN" verify --no-store -r "$d/root.pem" "$d/chain.pem"
	grep -q chain-too-long "$BENCH_TMP/out.0" || { say "bench-hostile: no chain-too-long at $n"; exit 1; }
	row "$S" "certchain verify --no-store -r root.pem chain.pem, $n certificates ($(($(wc -c <"$d/chain.pem") / 1024)) KB)" \
		"$M_WALL" "$M_CPU" "$M_KB" "exit $M_RC; chain-too-long (first 32 analysed)"
	worst=$(awk -v a="$worst" -v b="$M_CPU" 'BEGIN{print (b > a) ? b : a}')
done
ratio "$S" "worst CPU of 100-800 certificates (ms)" "$worst" "< 1000" \
	"$(awk -v w="$worst" 'BEGIN{print (w < 1000) ? "met" : "NOT met"}')"

d=$T/dup
mkdir -p "$d"
"$gen" "$d" -d 100000 || exit 1
say "bench-hostile: verify, leaf + 100,000 copies"
measure "$RUNS" "$CERTCHAIN" verify --no-store -r "$d/root.pem" "$d/chain.pem"
row "$S" "certchain verify, leaf + 100,000 copies of its intermediate ($(($(wc -c <"$d/chain.pem") / 1048576)) MB)" \
	"$M_WALL" "$M_CPU" "$M_KB" "exit $M_RC; most of it reading and hashing 48 MB of PEM"

d=$T/live
mkdir -p "$d"
"$gen" "$d" 290 || exit 1
awk '/BEGIN/{n++} n==1' "$d/chain.pem" >"$d/leaf.pem"
awk '/BEGIN/{n++} n>1' "$d/chain.pem" >"$d/rest.pem"
P=$(free_port)
s_serve "$P" "$d/leaf.pem" "$d/a.key" "$d/rest.pem" || exit 1
say "bench-hostile: check of a live server sending 290"
measure "$RUNS" "$CERTCHAIN" check --no-store --timeout 3 --json -r "$d/root.pem" "127.0.0.1:$P"
grep -q chain-too-long "$BENCH_TMP/out.0" || { say "bench-hostile: live: no chain-too-long"; exit 1; }
row "$S" "certchain check --timeout 3 127.0.0.1 (s_server sending 290 certificates)" \
	"$M_WALL" "$M_CPU" "$M_KB" "exit $M_RC; handshake and judgement"
note "$S" "Before the bounded analysis (issue 24): 100 certificates 0.97 s, 200 4.2 s, 400 15.6 s, 800 71.7 s, the 100,000 copies 32 s; a live 300-certificate server 9-10 s of CPU."
note "$S" "The unit test test_bounded counts the signature checks: the same at 400 and 800 certificates."
