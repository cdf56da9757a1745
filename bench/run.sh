#!/bin/bash
# run.sh - `make bench`: runs every bench/bench-*.sh, then prints one table
# and writes bench/results.md. A script prints row/ratio/note lines (see
# lib.sh), which become tables here, or its own markdown, which is copied
# under a heading named after the script. What follows the marker line in
# the old results.md (the hand-kept history) is kept as it is. A new benchmark is a new
# bench/bench-NAME.sh; nothing here changes.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
out=${BENCH_RESULTS:-$dir/results.md}
lines=$(mktemp)
raw=$(mktemp -d)
trap 'rm -rf "$lines" "$raw"' EXIT
export CERTCHAIN BENCH_BUILD BENCH_TOOLS SHARED_DATA
start=$SECONDS
for s in "$dir"/bench-*.sh; do
	[ -n "${BENCH_ONLY:-}" ] && [[ "$(basename "$s")" != *"$BENCH_ONLY"* ]] && continue
	name=$(basename "$s" .sh)
	echo "== $name" >&2
	bash "$s" >"$raw/$name.out" || echo "bench: $name exited $?" >&2
	grep -E '^(row|ratio|note)\|' "$raw/$name.out" >>"$lines"
	grep -vE '^(row|ratio|note)\|' "$raw/$name.out" >"$raw/$name.md"
done
took=$((SECONDS - start))
render() {
	echo "# certchain benchmarks"
	echo
	echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'),"\
	     "load average at the end $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d)."
	echo "OpenSSL $(openssl version | cut -d' ' -f2); \`make bench\` took ${took} s."
	echo "Times are medians in milliseconds: wall clock and CPU (user + system)."
	echo "Peak memory is the maximum resident set size in KiB (GNU time)."
	awk -F'|' '{print $2}' "$lines" | awk '!seen[$0]++' | while IFS= read -r sec; do
		echo
		echo "## $sec"
		if grep -qF "row|$sec|" "$lines"; then
			echo
			echo "| command | wall ms | CPU ms | peak KiB | note |"
			echo "|---|---:|---:|---:|---|"
			grep -F "row|$sec|" "$lines" | awk -F'|' '{printf "| %s | %s | %s | %s | %s |\n", $3, $4, $5, $6, $7}'
		fi
		if grep -qF "ratio|$sec|" "$lines"; then
			echo
			echo "| ratio | value | target | |"
			echo "|---|---:|---|---|"
			grep -F "ratio|$sec|" "$lines" | awk -F'|' '{printf "| %s | %s | %s | %s |\n", $3, $4, $5, $6}'
		fi
		if grep -qF "note|$sec|" "$lines"; then
			echo
			grep -F "note|$sec|" "$lines" | cut -d'|' -f3- | sed 's/^/- /'
		fi
	done
	for f in "$raw"/*.md; do
		[ -s "$f" ] || continue
		echo
		echo "## $(basename "$f" .md)"
		echo
		cat "$f"
	done
}
# The hand-kept part (from the marker line to the end: figures of earlier
# runs, fuzzing) is carried over from the previous file, never regenerated.
marker='<!-- kept by hand: make bench keeps everything below this line -->'
kept() {
	[ -f "$out" ] && grep -qxF "$marker" "$out" || return 0
	echo
	sed -n "/^$marker\$/,\$p" "$out"
}
{ render && kept; } >"$out.tmp" && mv "$out.tmp" "$out"
cat "$out"
echo
echo "bench: wrote $out (${took} s)" >&2
