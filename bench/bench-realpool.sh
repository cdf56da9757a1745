#!/bin/bash
# bench-realpool.sh - (c) the real pool: one `certchain build` over cfssl's
# own bundles (1,263 intermediates, 339 roots) against `cfssl bundle` on the
# same files. Target: certchain under half of cfssl's whole-process time.
set -u
. "$(dirname "$0")/lib.sh"
S="real pool (cfssl bundles) vs cfssl bundle"
I=$SHARED_DATA/pools/cfssl-int-bundle.crt
R=$SHARED_DATA/pools/cfssl-ca-bundle.crt
RUNS=${BENCH_RUNS_SHORT:-30}
for leaf in sectigo-dv-r36 lets-encrypt-r10; do
	L=$SHARED_DATA/real-certs/$leaf.pem
	hf "$RUNS" "$CERTCHAIN" build -I "$I" -r "$R" "$L"
	CW=$M_WALL CC=$M_CPU
	measure 3 "$CERTCHAIN" build -I "$I" -r "$R" "$L"
	row "$S" "certchain build -I INT -r CA $leaf.pem" "$CW" "$CC" "$M_KB" "exit $M_RC"
	hf "$RUNS" cfssl bundle -ca-bundle "$R" -int-bundle "$I" -cert "$L"
	FW=$M_WALL FC=$M_CPU
	measure 3 cfssl bundle -ca-bundle "$R" -int-bundle "$I" -cert "$L"
	row "$S" "cfssl bundle -ca-bundle CA -int-bundle INT -cert $leaf.pem" "$FW" "$FC" "$M_KB" "exit $M_RC"
	r=$(div "$CW" "$FW")
	ratio "$S" "certchain / cfssl, $leaf (wall)" "${r}x" "< 0.5x" "$(verdict "$r" '<' 0.5)"
	r=$(div "$CC" "$FC")
	ratio "$S" "certchain / cfssl, $leaf (CPU)" "${r}x" "< 0.5x" "$(verdict "$r" '<' 0.5)"
done
note "$S" "Before this work the same certchain build took 20.6-20.7 ms (2.0x under cfssl's 39-41 ms); see README, Performance."
note "$S" "Wall times from hyperfine ($RUNS runs, median, 3 warm-ups); CPU is user + system (cfssl is multi-threaded Go)."
