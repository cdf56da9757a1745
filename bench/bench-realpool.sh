#!/bin/bash
# bench-realpool.sh - (c) the real pool: one `certchain build` over cfssl's
# own bundles (1,263 intermediates, 339 roots) against `cfssl bundle` on the
# same files. Target: certchain under half of cfssl's whole-process time,
# also with the default profile set (every built-in store, today's and the
# legacy ones, plus the system store) in place of -r.
set -u
. "$(dirname "$0")/lib.sh"
S="real pool (cfssl bundles) vs cfssl bundle"
I=$SHARED_DATA/pools/cfssl-int-bundle.crt
R=$SHARED_DATA/pools/cfssl-ca-bundle.crt
RUNS=${BENCH_RUNS_SHORT:-30}
NPROF=$("$CERTCHAIN" profiles --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["profiles"]))')
for leaf in sectigo-dv-r36 lets-encrypt-r10; do
	L=$SHARED_DATA/real-certs/$leaf.pem
	mapfile -t m < <(python3 "$(dirname "$0")/interleave.py" "$RUNS" \
		"$CERTCHAIN build -I $I -r $R $L" \
		"$CERTCHAIN build -I $I $L" \
		"cfssl bundle -ca-bundle $R -int-bundle $I -cert $L")
	read -r CW CC CR <<<"${m[0]}"
	read -r DW DC DR <<<"${m[1]}"
	read -r FW FC FR <<<"${m[2]}"
	measure 3 "$CERTCHAIN" build -I "$I" -r "$R" "$L"
	row "$S" "certchain build -I INT -r CA $leaf.pem" "$CW" "$CC" "$M_KB" "exit $CR"
	measure 3 "$CERTCHAIN" build -I "$I" "$L"
	row "$S" "certchain build -I INT $leaf.pem (default profiles: $NPROF)" "$DW" "$DC" "$M_KB" "exit $DR"
	measure 3 cfssl bundle -ca-bundle "$R" -int-bundle "$I" -cert "$L"
	row "$S" "cfssl bundle -ca-bundle CA -int-bundle INT -cert $leaf.pem" "$FW" "$FC" "$M_KB" "exit $FR"
	for w in "-r CA:$CW:$CC" "default profiles:$DW:$DC"; do
		IFS=: read -r what a b <<<"$w"
		r=$(div "$a" "$FW")
		ratio "$S" "certchain ($what) / cfssl, $leaf (wall)" "${r}x" "< 0.5x" "$(verdict "$r" '<' 0.5)"
		r=$(div "$b" "$FC")
		ratio "$S" "certchain ($what) / cfssl, $leaf (CPU)" "${r}x" "< 0.5x" "$(verdict "$r" '<' 0.5)"
	done
done
note "$S" "The default profile set is every built-in store (today's: apple-2025, android-13, android-7, chrome-v36, debian-12; legacy: the ten 2017 ones) plus the system store, $NPROF profiles; the built-in stores come from profiles.idx, precomputed by make."
note "$S" "Medians of $RUNS runs per command, the three commands taking turns after 3 warm-up turns (bench/interleave.py): wall clock, and CPU = user + system of the process (cfssl is multi-threaded Go). Peak memory: GNU time, 3 runs."
