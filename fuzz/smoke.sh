#!/bin/bash
# smoke.sh SECONDS TARGET... - run each libFuzzer target on a scratch copy of
# its seed corpus (fuzz/corpus/<name>, never written to) for SECONDS divided
# among the targets. Fails on any crash, leak, sanitizer report or timeout;
# the reproducer is left in build-fuzz/crashes/.
total=$1
shift
per=$((total / $#))
[ "$per" -ge 1 ] || per=1
dir=$(cd "$(dirname "$0")" && pwd)
fail=0
mkdir -p build-fuzz/crashes
for bin in "$@"; do
	name=$(basename "$bin")
	work=$(mktemp -d)
	log=$(mktemp)
	# -timeout: one input taking 10 s is a hang; -rss_limit_mb bounds memory.
	timeout $((per + 60)) "$bin" -max_total_time="$per" -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 -artifact_prefix=build-fuzz/crashes/"$name"- \
		"$work" "$dir/corpus/$name" >"$log" 2>&1
	rc=$?
	execs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$')
	if [ "$rc" = 0 ]; then
		echo "fuzz-smoke: $name ok, ${execs:-?} runs in ${per} s"
	else
		fail=1
		echo "fuzz-smoke: $name FAILED (exit $rc); reproducer in build-fuzz/crashes/:"
		grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -20
	fi
	rm -rf "$work" "$log"
done
exit $fail
