#!/bin/bash
# bench-bulk.sh - (a) bulk build: the chain of every one of 5,000 leaves of a
# generated pool (50 roots, 1,000 intermediates, 25 root cross-signs; ECDSA
# P-256; bench/gen_pool.c) by certchain in one process, against openssl
# verify in one process, and against tools that take one leaf per process
# (certtool, vfychain, cfssl bundle, certchain's own CLI) on a sample of
# leaves, scaled to 5,000. The floor is the least any OpenSSL-based tool must
# do per leaf: decode it (d2i_X509) and verify its one signature with the
# issuer key, everything above the leaf decoded once.
set -u
. "$(dirname "$0")/lib.sh"
S="bulk build, 5,000 leaves"
P=$BENCH_BUILD/pool
RUNS=${BENCH_RUNS:-3}
SAMPLE=${BENCH_SAMPLE:-100} # leaves for the one-process-per-leaf tools
N=$(grep -c 'BEGIN CERTIFICATE' "$P/leaves.pem")
STEP=$((N / SAMPLE))
sample=()
for ((i = 0; i < N; i += STEP)); do sample+=("$(printf '%05d' "$i")"); done
SCALE=$(div "$N" "${#sample[@]}")
loop_ms() { for f in "$BENCH_TMP"/out.*; do sed -n "s/.* $1=\([0-9.]*\).*/\1/p" "$f"; done | median; }

say "certchain, one process"
measure "$RUNS" "$BENCH_TOOLS/bulk" "$P/pool.pem" "$P/roots.pem" "$P/leaves.pem"
[ "$M_RC" = 0 ] || say "bulk: not every leaf got a valid chain"
CC_WALL=$M_WALL CC_CPU=$M_CPU CC_LOOP=$(loop_ms loop_ms) CC_LOOPC=$(loop_ms loop_cpu_ms)
row "$S" "certchain: 5,000 builds in one process (bench/bulk.c)" "$M_WALL" "$M_CPU" "$M_KB" \
	"build+validate+rank every leaf; the per-leaf loop: ${CC_LOOP} ms wall, ${CC_LOOPC} ms CPU"

say "floor"
measure "$RUNS" "$BENCH_TOOLS/bulk" --floor "$P/pool.pem" "$P/roots.pem" "$P/leaves.pem"
FLOOR=$(loop_ms loop_ms) FLOORC=$(loop_ms loop_cpu_ms)
row "$S" "floor: d2i_X509 + one X509_verify per leaf (loop only)" "$FLOOR" "$FLOORC" "-" "issuer keys decoded beforehand"

say "openssl verify, one process"
measure "$RUNS" openssl verify -untrusted "$P/pool.pem" -CAfile "$P/roots.pem" "$P"/leaves/*.pem
ok=$(grep -c ': OK$' "$BENCH_TMP/out.0")
OS_WALL=$M_WALL OS_CPU=$M_CPU
row "$S" "openssl verify -untrusted POOL -CAfile ROOTS leaf… (one process)" "$M_WALL" "$M_CPU" "$M_KB" "$ok of $N leaves OK"

per_leaf() { # per_leaf LABEL NOTE CMD-TEMPLATE...: runs CMD for each sampled leaf (@ = leaf number)
	local label=$1 note=$2
	shift 2
	printf '%s\n' '#!/bin/bash' 'fail=0' >"$BENCH_TMP/loop.sh"
	for j in "${sample[@]}"; do
		local c=()
		for a in "$@"; do c+=("${a//@/$j}"); done
		printf '%q ' "${c[@]}" >>"$BENCH_TMP/loop.sh"
		echo '>/dev/null 2>&1 || fail=$((fail+1))' >>"$BENCH_TMP/loop.sh"
	done
	echo 'echo "failed=$fail"' >>"$BENCH_TMP/loop.sh"
	measure "$RUNS" bash "$BENCH_TMP/loop.sh"
	local failed
	failed=$(sed -n 's/failed=//p' "$BENCH_TMP/out.0")
	PL_WALL=$(awk -v a="$M_WALL" -v s="$SCALE" 'BEGIN{printf "%.0f", a*s}')
	PL_CPU=$(awk -v a="$M_CPU" -v s="$SCALE" 'BEGIN{printf "%.0f", a*s}')
	row "$S" "$label" "$PL_WALL" "$PL_CPU" "$M_KB" \
		"${#sample[@]} leaves measured (${M_WALL} ms), x${SCALE}; ${failed:-?} failed; $note"
}

say "certchain CLI, one process per leaf"
per_leaf "certchain build -I POOL -r ROOTS leaf (per leaf, scaled)" "loads the pool every time" \
	"$CERTCHAIN" build -I "$P/pool.pem" -r "$P/roots.pem" "$P/leaves/@.pem"
CCL_WALL=$PL_WALL CCL_CPU=$PL_CPU

say "cfssl bundle, one process per leaf"
per_leaf "cfssl bundle -ca-bundle ROOTS -int-bundle POOL -cert leaf (per leaf, scaled)" "loads the pool every time" \
	cfssl bundle -ca-bundle "$P/roots.pem" -int-bundle "$P/pool.pem" -cert "$P/leaves/@.pem"
CF_WALL=$PL_WALL CF_CPU=$PL_CPU

say "certtool, one process per leaf"
per_leaf "certtool --verify --load-ca-certificate ROOTS (per leaf, scaled)" \
	"verification only: certtool cannot search a pool, it gets leaf + intermediate" \
	certtool --verify --load-ca-certificate "$P/roots.pem" --infile "$P/served/@.pem"
CT_WALL=$PL_WALL CT_CPU=$PL_CPU

say "vfychain, one process per leaf"
NSS=$BENCH_BUILD/nss
if [ ! -f "$NSS/.done" ]; then # NSS database: the pool untrusted, the roots trusted
	say "  (building the NSS database once, cached in $NSS)"
	rm -rf "$NSS" && mkdir -p "$NSS"
	certutil -N -d "sql:$NSS" --empty-password &&
		openssl pkcs12 -export -nokeys -in "$P/pool.pem" -out "$NSS/pool.p12" -passout pass:bench \
			-certpbe NONE 2>/dev/null &&
		pk12util -i "$NSS/pool.p12" -d "sql:$NSS" -W bench >/dev/null &&
		awk -v p="$NSS/root." '/BEGIN CERT/{n++; f=sprintf("%s%03d",p,n)} f{print > f} /END CERT/{close(f);f=""}' "$P/roots.pem" &&
		for f in "$NSS"/root.*; do certutil -A -d "sql:$NSS" -n "bench-${f##*.}" -t "C,," -a -i "$f" || exit 1; done &&
		touch "$NSS/.done"
fi
per_leaf "vfychain -d NSSDB -pp -u 1 leaf (per leaf, scaled)" "NSS builds from its database (pool + trusted roots)" \
	vfychain -d "sql:$NSS" -pp -u 1 -a "$P/leaves/@.pem"
VF_WALL=$PL_WALL VF_CPU=$PL_CPU

r=$(div "$OS_WALL" "$CC_WALL")
ratio "$S" "openssl verify / certchain, one process each (wall)" "${r}x" ">= 3x" "$(verdict "$r" '>=' 3)"
r=$(div "$OS_CPU" "$CC_CPU")
ratio "$S" "openssl verify / certchain, one process each (CPU)" "${r}x" ">= 3x" "$(verdict "$r" '>=' 3)"
r=$(div "$CC_LOOPC" "$FLOORC")
ratio "$S" "certchain per-leaf loop / floor (CPU)" "${r}x" "< 2x" "$(verdict "$r" '<' 2)"
r=$(div "$CC_LOOP" "$FLOOR")
ratio "$S" "certchain per-leaf loop / floor (wall)" "${r}x" "< 2x" "$(verdict "$r" '<' 2)"
r=$(div "$OS_CPU" "$FLOORC")
ratio "$S" "openssl verify (whole process) / floor (CPU), for scale" "${r}x" "" ""
for t in "cfssl bundle:$CF_WALL" "certtool:$CT_WALL" "vfychain:$VF_WALL"; do
	r=$(div "${t#*:}" "$CC_WALL")
	ratio "$S" "${t%%:*} (per leaf, scaled) / certchain one process" "${r}x" "" ""
done
for t in "cfssl bundle:$CF_WALL" "certtool:$CT_WALL" "vfychain:$VF_WALL"; do
	r=$(div "${t#*:}" "$CCL_WALL")
	ratio "$S" "${t%%:*} / certchain CLI, both one process per leaf" "${r}x" "" ""
done
note "$S" "Pool: $(grep -c BEGIN "$P/roots.pem") roots, $(grep -c BEGIN "$P/pool.pem") intermediates and cross-signs, $N leaves (ECDSA P-256), generated by bench/gen_pool.c and cached in build/bench/pool."
note "$S" "Per-leaf tools ran on ${#sample[@]} leaves (every ${STEP}th), times multiplied by ${SCALE}; each of those processes loads the pool itself."
note "$S" "CPU time is the figure to trust when the machine is shared (wall clock then includes waiting for a core); the load average is in the header."
note "$S" "The floor is measured in bench/bulk.c --floor: per leaf d2i_X509 (OpenSSL 3 decodes the public key here, most of the cost) and one X509_verify with the issuer key."
