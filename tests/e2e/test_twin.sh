#!/bin/bash
# End-to-end (issue 13, point 4): with both the self-signed and the
# cross-signed new root at hand, a chain that leaves the cross-sign out says
# so in one line (build, explain, export, bind) with the clients the longer
# chain would add (none, if none); explain's alternatives read as sentences.
. "$(dirname "$0")/../lib.sh"

for alg in rsa ec; do
	d=$T/$alg; mkdir -p "$d"
	pki_crosssign "$d" $alg || { bad "$alg: PKI"; continue; }
	export CERTCHAIN_STORE=$d/store
	cc store import "$d/new.pem" >/dev/null && cc store import "$d/cross.pem" >/dev/null &&
		cc store import "$d/ica.pem" >/dev/null || bad "$alg: store"
	fp=$(fp1 "$d/cross.pem" | cut -c1-16)

	# no profile holds the old root: the cross-sign would add nobody
	expect_rc 0 "$alg: build -p modern=new" cc build -p "modern=$d/new.pem" "$d/leaf.pem"
	expect_grep "^not served: New Root CA cross-signed by Old Root CA \(sha256 $fp\); no chain through it reaches an anchor" \
		"$T/out" "$alg: build names the cross-sign left out, adding no client"
	expect_rc 0 "$alg: explain -p modern=new" cc explain -p "modern=$d/new.pem" "$d/leaf.pem"
	expect_grep "^not served: New Root CA cross-signed by Old Root CA" "$T/out" "$alg: explain says it too"
	cc build --json -p "modern=$d/new.pem" "$d/leaf.pem" >"$T/j" 2>/dev/null
	expect_grep '"cross_sign_not_served":"not served: New Root CA' "$T/j" "$alg: build --json carries it"
	expect_rc 0 "$alg: export -p modern=new" cc export --cert "$d/leaf.pem" --key "$d/leaf.key" \
		-p "modern=$d/new.pem" --format pem-fullchain -o "$d/x.pem"
	expect_grep "^certchain export: note: not served: New Root CA cross-signed by Old Root CA" "$T/err" \
		"$alg: export says it in one line"
	expect_eq "$(grep -c 'not served' "$T/err")" 1 "$alg: export: one line"

	# one profile holding both roots: the shorter chain wins; the longer
	# one through the cross-sign would add no client profile
	expect_rc 0 "$alg: build -r old -r new --no-store -I cross -I ica" \
		cc build --no-store -I "$d/cross.pem" -I "$d/ica.pem" -r "$d/old.pem" -r "$d/new.pem" "$d/leaf.pem"
	expect_grep "^not served: New Root CA cross-signed by Old Root CA .*the chain through it would add no client profile" \
		"$T/out" "$alg: the note says the longer chain adds no client"
	cc explain --no-store -I "$d/cross.pem" -I "$d/ica.pem" -r "$d/old.pem" -r "$d/new.pem" "$d/leaf.pem" >"$T/e" 2>&1
	expect_nogrep "fails on no profile" "$T/e" "$alg: explain: no garbled 'fails on no profile' line"
	expect_grep "instead: trusted by 1/1, losing no client of the chosen chain; the chosen one is preferred: it is shorter" "$T/e" \
		"$alg: explain: the alternative as one readable line"

	# both profiles weigh: the cross-sign is chosen, nothing to say
	expect_rc 0 "$alg: build -p modern=new -p legacy=old" \
		cc build -p "modern=$d/new.pem" -p "legacy=$d/old.pem" "$d/leaf.pem"
	expect_nogrep "^not served" "$T/out" "$alg: the cross-sign chosen: no note"
	unset CERTCHAIN_STORE
done
finish
