#!/bin/bash
# bench-single.sh - (b) single shot: one `certchain build LEAF` against the
# system trust store, against `openssl verify` on the same certificate (with
# the same bundle file, and with OpenSSL's hashed directory, which reads only
# the certificates it needs). Whole-process time and peak memory.
set -u
. "$(dirname "$0")/lib.sh"
S="single shot, system store"
LEAF=$SHARED_DATA/real-certs/sectigo-dv-r36.pem
STORE=/etc/ssl/certs/ca-certificates.crt
RUNS=${BENCH_RUNS_SHORT:-30}

hf "$RUNS" "$CERTCHAIN" build "$LEAF"
CW=$M_WALL CC=$M_CPU
measure 5 "$CERTCHAIN" build "$LEAF"
CK=$M_KB
row "$S" "certchain build LEAF (system store, $(grep -c BEGIN "$STORE") roots)" "$CW" "$CC" "$CK" "exit $M_RC"

hf "$RUNS" openssl verify -CAfile "$STORE" "$LEAF"
OW=$M_WALL OC=$M_CPU
measure 5 openssl verify -CAfile "$STORE" "$LEAF"
OK=$M_KB
row "$S" "openssl verify -CAfile SYSTEM-BUNDLE LEAF" "$OW" "$OC" "$OK" "exit $M_RC"

hf "$RUNS" openssl verify "$LEAF"
DW=$M_WALL DC=$M_CPU
measure 5 openssl verify "$LEAF"
row "$S" "openssl verify LEAF (default hashed directory)" "$DW" "$DC" "$M_KB" "exit $M_RC"

ratio "$S" "certchain / openssl verify -CAfile (wall)" "$(div "$CW" "$OW")x" "" ""
ratio "$S" "certchain / openssl verify -CAfile (CPU)" "$(div "$CC" "$OC")x" "" ""
ratio "$S" "certchain / openssl verify -CAfile (peak memory)" "$(div "$CK" "$OK")x" "" ""
ratio "$S" "certchain / openssl verify, hashed dir (wall)" "$(div "$CW" "$DW")x" "" ""
note "$S" "LEAF is the real Sectigo DV R36 CA certificate (shared/data/real-certs); certchain finds, validates and ranks every path, openssl verify checks one."
note "$S" "Wall (median) and CPU (mean user + system) from hyperfine, $RUNS runs; peak memory from GNU time (5 runs, median)."
