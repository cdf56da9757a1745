# lib.sh - helpers every bench/bench-*.sh sources. A benchmark script prints
# its results on stdout as lines the runner (bench/run.sh) turns into the
# table and bench/results.md; anything else goes to stderr:
#   row|SECTION|LABEL|WALL_MS|CPU_MS|PEAK_KB|NOTE   one measured command
#       (medians over runs; CPU = user + system; "-" where not measured)
#   ratio|SECTION|LABEL|VALUE|TARGET|VERDICT       a derived comparison
#   note|SECTION|TEXT                               a line of explanation
# Environment from the runner: CERTCHAIN (the binary), BENCH_BUILD (scratch
# and cached data, under build/), BENCH_TOOLS (bench helper binaries),
# SHARED_DATA (../shared/data).
# shellcheck shell=bash

: "${CERTCHAIN:?run through 'make bench'}"
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/certchain-bench.XXXXXX")
trap 'rm -rf "$BENCH_TMP"' EXIT
# An empty certificate store: the user's own must not change what is measured.
export CERTCHAIN_STORE="$BENCH_TMP/store"

say() { echo "$*" >&2; }
row() { echo "row|$1|$2|$3|$4|$5|$6"; }
ratio() { echo "ratio|$1|$2|$3|$4|$5"; }
note() { echo "note|$1|$2"; }

# median of the numbers on stdin
median() { sort -g | awk '{a[NR]=$1} END{if(!NR){print "-"; exit} m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f\n", m}'; }

# measure RUNS CMD...: runs CMD RUNS times after one warm-up run (output of
# run I kept in $BENCH_TMP/out.I), sets
# M_WALL (median wall ms), M_CPU (median user+system ms), M_KB (median peak
# RSS KiB) and M_RC (exit status of the last run). Wall time from bash's
# EPOCHREALTIME (microseconds); CPU and peak memory from GNU time.
measure() {
	local runs=$1 i t0 t1
	shift
	: >"$BENCH_TMP/wall"
	: >"$BENCH_TMP/cpu"
	: >"$BENCH_TMP/kb"
	"$@" >/dev/null 2>&1
	for ((i = 0; i < runs; i++)); do
		t0=$EPOCHREALTIME
		/usr/bin/time -f '%U %S %M' -o "$BENCH_TMP/t" "$@" >"$BENCH_TMP/out.$i" 2>&1
		M_RC=$?
		t1=$EPOCHREALTIME
		echo "$t0 $t1" | awk '{printf "%.3f\n", ($2 - $1) * 1000}' >>"$BENCH_TMP/wall"
		# the last line: GNU time writes "Command exited with non-zero
		# status N" first when the command fails
		tail -1 "$BENCH_TMP/t" | awk '{printf "%.1f\n", ($1 + $2) * 1000}' >>"$BENCH_TMP/cpu"
		tail -1 "$BENCH_TMP/t" | awk '{print $3}' >>"$BENCH_TMP/kb"
	done
	M_WALL=$(median <"$BENCH_TMP/wall")
	M_CPU=$(median <"$BENCH_TMP/cpu")
	M_KB=$(median <"$BENCH_TMP/kb" | awk '{printf "%.0f", $1}')
}

# hf RUNS CMD...: short commands (a few ms), where process start-up matters:
# hyperfine's median wall time and mean CPU time, into M_WALL and M_CPU.
hf() {
	local runs=$1
	shift
	hyperfine -N -w 3 -r "$runs" --export-json "$BENCH_TMP/hf.json" -- "$*" >/dev/null 2>&1 ||
		{ M_WALL=-; M_CPU=-; return 1; }
	read -r M_WALL M_CPU < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.2f %.2f" % (r["median"]*1000, (r["user"]+r["system"])*1000))' "$BENCH_TMP/hf.json")
}

# div A B: A / B with two decimals ("-" if either is missing)
div() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a=="-" || b=="-" || b==0) print "-"; else printf "%.2f\n", a/b }'; }
# verdict VALUE OP LIMIT: "met" or "NOT met"
verdict() { awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN{ if (v=="-") {print "not measured"; exit} ok = (op=="<") ? (v<l) : (v>=l); print ok ? "met" : "NOT met" }'; }
