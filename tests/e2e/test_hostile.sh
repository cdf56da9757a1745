#!/bin/bash
# End-to-end: hostile inputs through the CLI end in bounded time and memory
# with a clear message: a 10 MB PEM pool, a file over the size limit, a
# 100-deep chain, a "server" chain of 500 certificates given to verify.
# (10,000 same-name certificates, a 50-root cross-sign cycle, duplicate
# extensions, negative serials and NULs in names: tests/unit/test_hostile.c.)
. "$(dirname "$0")/../lib.sh"

POOLS=$DATA/pools
REAL=$DATA/real-certs
LIMIT=$((30 * ${CERTCHAIN_TIME_SCALE:-1}))

# bounded RC DESC ARGS...: runs certchain ARGS like expect_rc, killed after
# LIMIT seconds (a hang is a failure, not a stuck suite)
bounded() {
	local want=$1 desc=$2 got
	shift 2
	# shellcheck disable=SC2086
	timeout "$LIMIT" $CC_WRAP "$CERTCHAIN" "$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" = 124 ]; then bad "$desc" "still running after $LIMIT s"
	elif [ "$got" = "$want" ]; then ok "$desc"
	else bad "$desc" "exit $got, wanted $want: $(head -c 400 "$T/err")"; fi
}

# A 10 MB PEM: the real pools three times over, junk lines between.
for i in 1 2 3; do
	cat "$POOLS/cfssl-int-bundle.crt"
	echo "# junk between bundles $i"
	cat "$POOLS/cfssl-ca-bundle.crt"
done >"$T/big.pem"
head -c $((10 * 1024 * 1024 - $(stat -c %s "$T/big.pem"))) /dev/zero | tr '\0' '#' >>"$T/big.pem"
expect_eq "$(stat -c %s "$T/big.pem")" $((10 * 1024 * 1024)) "10 MB PEM made"
bounded 0 "build over a 10 MB PEM pool ends, valid chain" \
	build -I "$T/big.pem" -r "$POOLS/cfssl-ca-bundle.crt" "$REAL/sectigo-dv-r36.pem"
if [ -z "$CC_WRAP" ]; then
	/usr/bin/time -f %M -o "$T/kb" "$CERTCHAIN" build -I "$T/big.pem" -r "$POOLS/cfssl-ca-bundle.crt" \
		"$REAL/sectigo-dv-r36.pem" >/dev/null 2>&1
	kb=$(cat "$T/kb")
	if [ "$kb" -lt 100000 ]; then ok "10 MB PEM: peak memory $kb KiB < 100 MB"
	else bad "10 MB PEM: peak memory $kb KiB"; fi
fi

# Over the file size limit: refused before reading, file named.
truncate -s 70M "$T/huge.pem"
bounded 2 "a 70 MB file is refused" build -I "$T/huge.pem" "$REAL/sectigo-dv-r36.pem"
expect_grep "huge.pem: file of 73400320 bytes exceeds the [0-9]+-byte limit" "$T/err" "size limit message names the file"
expect_eq "$(wc -l <"$T/err")" 1 "one line on stderr"

# A chain 100 CAs deep (one P-256 key, 100 names): the depth limit ends it.
d=$T/deep
mkdir -p "$d"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/k" 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n' >"$d/ca.ext"
openssl req -new -x509 -key "$d/k" -subj "/CN=Deep 0" -days 30 -out "$d/0.pem" 2>/dev/null
for i in $(seq 1 100); do
	openssl req -new -key "$d/k" -subj "/CN=Deep $i" 2>/dev/null |
		openssl x509 -req -CA "$d/$((i - 1)).pem" -CAkey "$d/k" -set_serial "$i" -days 30 \
			-extfile "$d/ca.ext" -out "$d/$i.pem" 2>/dev/null
done
for i in $(seq 1 99); do cat "$d/$i.pem"; done >"$d/pool.pem"
expect_eq "$(grep -c BEGIN "$d/pool.pem")" 99 "100-deep chain made"
bounded 1 "100-deep chain: no path, exit 1" build -I "$d/pool.pem" -r "$d/0.pem" "$d/100.pem"
expect_grep "search cut short by the depth limit" "$T/out" "100-deep chain: the depth limit is named"
bounded 1 "100-deep chain --json" build --json -I "$d/pool.pem" -r "$d/0.pem" "$d/100.pem"
expect_grep '"limit":"depth limit"' "$T/out" "100-deep chain: JSON names the limit"

# A server that sends 500 certificates: a leaf, then 500 unrelated CAs.
{
	cat "$REAL/sectigo-dv-r36.pem"
	awk '/BEGIN CERT/{n++} n<=500' "$POOLS/cfssl-int-bundle.crt"
} >"$T/500.pem"
expect_eq "$(grep -c BEGIN "$T/500.pem")" 501 "501-certificate chain made"
bounded 1 "verify of a 501-certificate chain ends, exit 1" verify -r "$POOLS/cfssl-ca-bundle.crt" "$T/500.pem"
expect_grep "unrelated-cert" "$T/out" "500 extra certificates reported as unrelated"

finish
