#!/bin/bash
# End-to-end: certchain verify judges chains as a server sends them.
. "$(dirname "$0")/../lib.sh"

jq_ids() { python3 -c 'import json,sys; print(" ".join(sorted(set(f["id"] for f in json.load(open(sys.argv[1]))["findings"]))))' "$1"; }

for alg in rsa ec; do
	d=$T/$alg; mkdir -p "$d"
	pki_crosssign "$d" $alg || { bad "$alg: PKI"; continue; }
	v() { cc verify --json -r "$d/old.pem" "$@"; }

	cat "$d/leaf.pem" "$d/ica.pem" "$d/cross.pem" >"$d/good.pem"
	expect_rc 0 "$alg: complete cross-signed chain verifies" cc verify -r "$d/old.pem" --host www.example.test "$d/good.pem"
	expect_grep "verdict: OK" "$T/out" "$alg: verdict OK"
	v "$d/good.pem" >"$d/j" ; expect_eq "$(jq_ids "$d/j")" "" "$alg: no findings on a good chain"

	expect_rc 1 "$alg: leaf only -> problem" cc verify -r "$d/old.pem" "$d/leaf.pem"
	v "$d/leaf.pem" >"$d/j"; expect_eq "$(jq_ids "$d/j")" "incomplete-chain" "$alg: leaf only -> incomplete-chain"

	cat "$d/leaf.pem" "$d/cross.pem" "$d/ica.pem" >"$d/rev.pem"
	expect_rc 1 "$alg: reversed intermediates -> problem" cc verify -r "$d/old.pem" "$d/rev.pem"
	v "$d/rev.pem" >"$d/j"; expect_grep '"wrong-order"' "$d/j" "$alg: reversed -> wrong-order"

	cat "$d/leaf.pem" "$d/ica.pem" "$d/new.pem" >"$d/anchor.pem"
	cc verify --json -r "$d/new.pem" "$d/anchor.pem" >"$d/j"
	expect_eq "$(jq_ids "$d/j")" "anchor-sent" "$alg: self-signed root sent -> anchor-sent (warning only)"
	expect_rc 0 "$alg: anchor-sent alone is a warning, exit 0" cc verify -r "$d/new.pem" "$d/anchor.pem"
	expect_rc 1 "$alg: chain ending at the new root, old-root client -> problem" cc verify -r "$d/old.pem" "$d/anchor.pem"
	v "$d/anchor.pem" >"$d/j"; expect_grep '"untrusted"' "$d/j" "$alg: -> untrusted"

	cat "$d/leaf.pem" "$d/ica.pem" "$d/ica.pem" "$d/cross.pem" >"$d/dup.pem"
	v "$d/dup.pem" >"$d/j"; expect_eq "$(jq_ids "$d/j")" "duplicate-cert" "$alg: duplicate -> duplicate-cert"

	cat "$d/leaf.pem" "$d/ica.pem" "$d/cross.pem" "$d/decoy.pem" >"$d/unrel.pem"
	v "$d/unrel.pem" >"$d/j"; expect_eq "$(jq_ids "$d/j")" "unknown-root-sent unrelated-cert" "$alg: extra self-signed root no client has -> unrelated-cert (and unknown-root-sent)"

	cat "$d/leaf.pem" "$d/ica.pem" "$d/cross-short.pem" >"$d/exp.pem"
	cc verify --json -r "$d/old.pem" --at "@$(( $(date +%s) + 30 * 86400 ))" "$d/exp.pem" >"$d/j"
	expect_grep '"expired"' "$d/j" "$alg: expired cross-sign -> expired"
	cc verify --json -r "$d/old.pem" --expires-soon 10 "$d/exp.pem" >"$d/j"
	expect_eq "$(jq_ids "$d/j")" "expires-soon" "$alg: short-lived cross-sign -> expires-soon"
	cc verify --json -r "$d/old.pem" --at "@$(( $(date +%s) - 86400 * 2 ))" "$d/good.pem" >"$d/j"
	expect_grep '"not-yet-valid"' "$d/j" "$alg: judged before issuance -> not-yet-valid"

	expect_rc 1 "$alg: wrong host -> problem" cc verify -r "$d/old.pem" --host other.test "$d/good.pem"
	expect_grep "hostname-mismatch" "$T/out" "$alg: -> hostname-mismatch"

	# A chain is judged as sent: -I able to fill the gap does not hide it.
	expect_rc 1 "$alg: leaf-only is incomplete-chain even when -I holds the intermediates" \
		cc verify -r "$d/old.pem" -I "$d/ica.pem" -I "$d/cross.pem" "$d/leaf.pem"
	expect_grep "incomplete-chain .*Issuing CA 1" "$T/out" "$alg: -> names the missing issuing CA"
done

# SHA-1 signed intermediate
d=$T/sha1; mkdir -p "$d"
pki_root "$d" root "SHA1 Root"
_ext "$d/ica.ext" ca
openssl req -new -newkey rsa:2048 -nodes -keyout "$d/ica.key" -subj "/CN=SHA1 ICA" -config "$d/ica.ext" -out "$d/ica.csr" 2>/dev/null
openssl x509 -req -sha1 -in "$d/ica.csr" -CA "$d/root.pem" -CAkey "$d/root.key" -set_serial 7 -days 30 -extfile "$d/ica.ext" -extensions v3 -out "$d/ica.pem" 2>/dev/null
pki_issue "$d" leaf "sha1.test" leaf ica 30 leaf sha1.test
cat "$d/leaf.pem" "$d/ica.pem" >"$d/chain.pem"
cc verify --json -r "$d/root.pem" "$d/chain.pem" >"$d/j" 2>"$T/err"
expect_grep '"weak-signature"' "$d/j" "SHA-1 intermediate -> weak-signature"

expect_rc 2 "verify: missing file -> 2" cc verify -r "$d/root.pem" "$T/none.pem"
expect_rc 2 "verify: no args -> 2" cc verify
expect_rc 0 "verify --help" cc verify --help
finish
