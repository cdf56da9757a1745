#!/bin/bash
# run-all.sh BIN UNIT_TEST... - the whole suite: unit tests, then end-to-end
# tests; prints one closing "N passed, N failed" line and fails if any failed.
bin=$1
shift
dir=$(cd "$(dirname "$0")" && pwd)
pass=0
fail=0
log=$(mktemp)
tally() { # reads "N passed, N failed" lines and cmocka summaries from $log
	local p f
	p=$(grep -Eo '\[  PASSED  \] [0-9]+' "$log" | awk '{s+=$4} END{print s+0}')
	f=$(grep -Eo '\[  FAILED  \] [0-9]+' "$log" | awk '{s+=$4} END{print s+0}')
	pass=$((pass + p)); fail=$((fail + f))
}
for t in "$@"; do
	echo "== unit: $(basename "$t")"
	: >"$log"
	${CERTCHAIN_WRAP:-} "$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	tally
	if [ $rc -ne 0 ] && ! grep -q '\[  FAILED  \]' "$log"; then
		echo "FAIL - $(basename "$t") exited $rc"; fail=$((fail + 1))
	fi
done
for t in "$dir"/e2e/test_*.sh; do
	echo "== e2e: $(basename "$t")"
	CERTCHAIN="$bin" bash "$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(grep -Eo '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
	pp=${p%% passed*}; ff=${p#*, }; ff=${ff%% failed}
	pass=$((pass + ${pp:-0})); fail=$((fail + ${ff:-0}))
	if [ $rc -ne 0 ] && [ "${ff:-0}" = 0 ]; then
		echo "FAIL - $(basename "$t") exited $rc"; fail=$((fail + 1))
	fi
done
rm -f "$log"
echo
echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
