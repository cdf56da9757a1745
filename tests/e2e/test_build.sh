#!/bin/bash
# End-to-end: the cross-sign scenario on generated PKIs (RSA and ECC), loops,
# and the real Sectigo/USERTrust certificates.
. "$(dirname "$0")/../lib.sh"

later=$(( $(date +%s) + 30 * 86400 ))   # the short cross-sign has expired by then

for alg in rsa ec; do
	d=$T/$alg
	mkdir -p "$d"
	pki_crosssign "$d" $alg || { bad "$alg: PKI generation"; continue; }
	cat "$d/new.pem" "$d/cross.pem" "$d/cross-short.pem" "$d/decoy.pem" \
		"$d/decoy-nokid.pem" "$d/ica.pem" >"$d/pool.pem"

	# anchors = old root: leaf -> issuing CA -> the valid cross-sign only
	expect_rc 0 "$alg: build with the old root as anchor" \
		cc build --at "@$later" -I "$d/pool.pem" -r "$d/old.pem" -o "$d/out.pem" "$d/leaf.pem"
	expect_eq "$(fps "$d/out.pem" | tr '\n' ' ')" \
		"$(fp1 "$d/leaf.pem") $(fp1 "$d/ica.pem") $(fp1 "$d/cross.pem") " \
		"$alg: old root -> leaf, issuing CA, valid cross-sign, nothing else"

	# the expired copy is found, and rejected with the reason
	cc build --at "@$later" --all --json -I "$d/pool.pem" -r "$d/old.pem" "$d/leaf.pem" >"$d/all.json"
	expect_grep "certificate has expired at depth 2" "$d/all.json" "$alg: expired cross-sign rejected with its reason"
	expect_grep "key identifier mismatch|signature does not verify" "$d/all.json" "$alg: decoy refused with a reason"
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["result"]=="ok"; assert all(k in j["chain"][0] for k in ("subject","issuer","sha256","not_before","not_after"))' "$d/all.json" \
		&& ok "$alg: --json is one object with the documented fields" || bad "$alg: --json fields"

	# anchors = new root: leaf -> issuing CA
	expect_rc 0 "$alg: build with the new root as anchor" \
		cc build -I "$d/pool.pem" -r "$d/new.pem" -o "$d/out2.pem" "$d/leaf.pem"
	expect_eq "$(fps "$d/out2.pem" | tr '\n' ' ')" "$(fp1 "$d/leaf.pem") $(fp1 "$d/ica.pem") " \
		"$alg: new root -> leaf, issuing CA"
	expect_rc 0 "$alg: --include-root writes the anchor" \
		cc build -I "$d/pool.pem" -r "$d/new.pem" --include-root -o "$d/out3.pem" "$d/leaf.pem"
	expect_eq "$(fps "$d/out3.pem" | tail -1)" "$(fp1 "$d/new.pem")" "$alg: anchor written last"

	# both anchors: two valid paths, the shorter chosen, both listed
	cc build -I "$d/pool.pem" -r "$d/old.pem" -r "$d/new.pem" --json "$d/leaf.pem" >"$d/both.json"
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); v=[p for p in j["paths"] if p["valid"]]
assert len(v)==3, v; assert len(j["chain"])==2; assert v[1]["certs"][2]==sys.argv[2], v[1]' "$d/both.json" "$(fp1 "$d/cross.pem")" \
		&& ok "$alg: both anchors -> 3 valid paths, shorter chosen, long-lived cross-sign next" || bad "$alg: both anchors"

	# no anchor reachable -> exit 1
	expect_rc 1 "$alg: unrelated anchor -> no path, exit 1" \
		cc build -I "$d/pool.pem" -r "$d/decoy.pem" "$d/leaf.pem"
	# expired cross-sign only -> no valid path, reason given
	cat "$d/new.pem" "$d/cross-short.pem" "$d/ica.pem" >"$d/pool-exp.pem"
	expect_rc 1 "$alg: only the expired cross-sign -> exit 1" \
		cc build --at "@$later" -I "$d/pool-exp.pem" -r "$d/old.pem" "$d/leaf.pem"
	expect_grep "expired" "$T/out" "$alg: says the cross-sign expired"
	# hostname
	expect_rc 0 "$alg: --host matches" cc build -I "$d/pool.pem" -r "$d/new.pem" --host www.example.test "$d/leaf.pem"
	expect_rc 1 "$alg: --host mismatch -> no valid path" cc build -I "$d/pool.pem" -r "$d/new.pem" --host other.test "$d/leaf.pem"
	expect_grep "hostname mismatch" "$T/out" "$alg: says hostname mismatch"
done

# Loops: A and B cross-sign each other; leaf under A.
d=$T/loop; mkdir -p "$d"
pki_root "$d" a "Loop Root A" && pki_root "$d" b "Loop Root B" &&
	pki_issue "$d" a-by-b "Loop Root A" a b 3650 ca &&
	pki_issue "$d" b-by-a "Loop Root B" b a 3650 ca &&
	pki_issue "$d" leaf "loop.test" leaf a 90 leaf loop.test &&
	pki_root "$d" c "Unrelated Root"
cat "$d/a.pem" "$d/b.pem" "$d/a-by-b.pem" "$d/b-by-a.pem" >"$d/pool.pem"
expect_rc 1 "loop: unrelated anchor ends with no path" timeout 10 $CERTCHAIN build -I "$d/pool.pem" -r "$d/c.pem" "$d/leaf.pem"
expect_rc 0 "loop: anchor B reached through A-by-B" timeout 10 $CERTCHAIN build -I "$d/pool.pem" -r "$d/b.pem" -o "$d/out.pem" "$d/leaf.pem"
expect_eq "$(fps "$d/out.pem" | tr '\n' ' ')" "$(fp1 "$d/leaf.pem") $(fp1 "$d/a-by-b.pem") " "loop: chain is leaf, A-by-B"

# Real certificates: Sectigo DV R36 through the real USERTrust cross-sign.
R=$DATA/real-certs
if [ -d "$R" ]; then
	at=2026-06-01T00:00:00Z
	expect_rc 0 "real: R36 with USERTrust RSA as anchor" \
		cc build --at $at -I "$R" -r "$R/usertrust-rsa-root.pem" -o "$T/r.pem" "$R/sectigo-dv-r36.pem"
	expect_eq "$(fps "$T/r.pem" | tr '\n' ' ')" \
		"$(fp1 "$R/sectigo-dv-r36.pem") $(fp1 "$R/sectigo-r46-cross-by-usertrust-rsa.pem") " \
		"real: chain goes through the R46 cross-sign"
	expect_rc 0 "real: R36 with AAA as anchor" \
		cc build --at $at -I "$R" -r "$R/aaa-certificate-services-root.pem" -o "$T/r2.pem" "$R/sectigo-dv-r36.pem"
	expect_eq "$(fps "$T/r2.pem" | wc -l)" "3" "real: AAA path serves R36, R46 cross, USERTrust cross"
	expect_rc 0 "real: E36 with USERTrust ECC" \
		cc build --at $at -I "$R" -r "$R/usertrust-ecc-root.pem" -o "$T/e.pem" "$R/sectigo-dv-e36.pem"
	expect_eq "$(fps "$T/e.pem" | tail -1)" "$(fp1 "$R/sectigo-e46-cross-by-usertrust-ecc.pem")" \
		"real: E36 chain ends with the E46 cross-sign"
	expect_rc 1 "real: ISRG X1 via DST Root CA X3 is expired in 2026" \
		cc build --at $at -I "$R" -r "$R/dst-root-ca-x3.pem" "$R/lets-encrypt-r10.pem"
else
	echo "skip - real certificates not found at $R"
fi

# Bad input: one line, names the file, exit 2.
printf 'garbage\n' >"$T/garbage.pem"
expect_rc 2 "garbage leaf -> exit 2" cc build -r "$R/usertrust-rsa-root.pem" "$T/garbage.pem"
expect_grep "garbage.pem: " "$T/err" "error names the file"
expect_eq "$(wc -l <"$T/err")" "1" "error is one line"
expect_rc 2 "missing file -> exit 2" cc build -r "$R/usertrust-rsa-root.pem" "$T/nope.pem"
# A directory given with a trailing slash: its files are named DIR/FILE,
# never DIR//FILE, wherever a command shows where a certificate came from.
i=$T/slash/inter
mkdir -p "$i" "$T/slash/roots"
cp "$T/ec/ica.pem" "$T/ec/cross.pem" "$i/"
cp "$T/ec/old.pem" "$T/slash/roots/"
: >"$T/slash/all"
for c in "build --all --json" "build -v" "verify -v" "explain" "fix" "fix --json" "export"; do
	# shellcheck disable=SC2086
	cc $c --no-store -r "$T/slash/roots/" -I "$i/" "$T/ec/leaf.pem" >>"$T/slash/all" 2>&1
done
cc inspect "$i/" >>"$T/slash/all" 2>&1
cc store --store "$T/slash/st/" import "$i/" >>"$T/slash/all" 2>&1
cc store --store "$T/slash/st/" list --json >>"$T/slash/all" 2>&1
cc store --store "$T/slash/st/" rehash >>"$T/slash/all" 2>&1
# (the test's own directory holds '//' when $TMPDIR ends with a slash)
sed "s#$T#TESTDIR#g" "$T/slash/all" >"$T/slash/rel"
expect_grep "TESTDIR/slash/inter/ica\.pem" "$T/slash/rel" \
	"a directory DIR/: its files are shown as DIR/FILE"
expect_nogrep "//" "$T/slash/rel" "... and no output shows a doubled slash"

expect_rc 2 "no LEAF -> usage error" cc build
expect_rc 0 "--help" cc build --help
expect_grep "usage: certchain build" "$T/out" "--help prints usage"
expect_rc 2 "bad --at" cc build --at yesterday "$R/sectigo-dv-r36.pem"
finish
