#!/bin/bash
# End-to-end: trust profiles, client behaviours, the ubiquity ranking, the
# trust matrix and explain, on generated PKIs (RSA and ECC) and on the real
# certificates.
. "$(dirname "$0")/../lib.sh"

# jq-like checks in python: jget FILE EXPR (j is the JSON object)
jget() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
# the matrix row (JSON) whose served chain is exactly the given fingerprints
row_reason() { # row_reason FILE "fp fp ..." PROFILE -> "trusted" or the reason
	python3 - "$1" "$2" "$3" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
want = sys.argv[2].split()
for r in j["matrix"]:
    if r["served"] == want:
        for v in r["judgement"]["verdicts"]:
            if v["profile"] == sys.argv[3]:
                print("trusted" if v["trusted"] else "untrusted: " + v["reason"])
                sys.exit(0)
print("no such row")
PY
}

later=$(( $(date +%s) + 30 * 86400 ))   # the short cross-sign has expired by then

for alg in rsa ec; do
	d=$T/$alg
	mkdir -p "$d"
	pki_crosssign "$d" $alg || { bad "$alg: PKI generation"; continue; }
	L=$(fp1 "$d/leaf.pem") I=$(fp1 "$d/ica.pem") X=$(fp1 "$d/cross.pem") XS=$(fp1 "$d/cross-short.pem")
	cat "$d/ica.pem" "$d/cross.pem" "$d/decoy.pem" >"$d/pool.pem"
	P="-p legacy=$d/old.pem -p modern=$d/new.pem"

	expect_rc 0 "$alg: legacy + modern profiles -> a chain" \
		cc build $P -I "$d/pool.pem" -o "$d/out.pem" "$d/leaf.pem"
	expect_eq "$(fps "$d/out.pem" | tr '\n' ' ')" "$L $I $X " \
		"$alg: the chosen chain goes through the cross-sign"
	expect_grep "trusted by 2/2 profiles: legacy, modern" "$T/out" "$alg: trusted by both, says so"
	cc build $P -I "$d/pool.pem" --json "$d/leaf.pem" >"$d/m.json"
	expect_eq "$(jget "$d/m.json" 'j["matrix"][0]["judgement"]["trusted_by"], j["trusted_by"], len(j["profiles"])')" \
		"(2, 2, 2)" "$alg: --json matrix: best row trusted by 2/2"
	expect_eq "$(row_reason "$d/m.json" "$L $I" legacy)" \
		"untrusted: anchor not in store (it has no New Root CA)" \
		"$alg: matrix: serving without the cross-sign fails legacy, with the reason"
	expect_eq "$(row_reason "$d/m.json" "$L $I" modern)" "trusted" "$alg: ... and modern trusts it"
	cc build $P -I "$d/pool.pem" --all "$d/leaf.pem" >"$d/all.txt"
	expect_grep "^#1 +2/2 +yes +yes" "$d/all.txt" "$alg: --all prints the matrix, best row trusted by both"
	expect_grep "^#2 +1/2 +NO +yes" "$d/all.txt" "$alg: --all: second row legacy NO, modern yes"

	# the cross-sign removed from the pool: legacy untrusted, with the reason
	expect_rc 0 "$alg: no cross-sign -> modern still trusts a chain" \
		cc build $P -I "$d/ica.pem" --json "$d/leaf.pem"
	cp "$T/out" "$d/nox.json"
	expect_eq "$(jget "$d/nox.json" 'len(j["matrix"])')" "1" "$alg: no cross-sign -> one candidate"
	expect_eq "$(row_reason "$d/nox.json" "$L $I" legacy)" \
		"untrusted: anchor not in store (it has no New Root CA)" \
		"$alg: no cross-sign -> legacy untrusted, anchor not in store"
	cc build $P -I "$d/ica.pem" "$d/leaf.pem" >"$d/nox.txt"
	expect_grep "not trusted by legacy: anchor not in store" "$d/nox.txt" "$alg: text names legacy and the reason"
	expect_rc 1 "$alg: legacy alone, no cross-sign -> exit 1" \
		cc build -p legacy=$d/old.pem -I "$d/ica.pem" "$d/leaf.pem"

	# explain
	expect_rc 0 "$alg: explain" cc explain $P -I "$d/pool.pem" "$d/leaf.pem"
	expect_grep "^serve www.example.test \+ Issuing CA 1 \+ New Root CA cross-signed by Old Root CA \(to the self-signed Old Root CA\): trusted by 2/2" \
		"$T/out" "$alg: explain says what to serve, in words"
	expect_grep "^serving www.example.test \+ Issuing CA 1 \(to the self-signed New Root CA\) instead: trusted by 1/2; it fails on legacy: anchor not in store" \
		"$T/out" "$alg: explain says what the alternative costs"
	cc build --explain $P -I "$d/pool.pem" "$d/leaf.pem" >"$d/ex2.txt"
	expect_eq "$(cat "$d/ex2.txt")" "$(cat "$T/out")" "$alg: build --explain == explain"

	# served-order: the DST Root CA X3 failure mode. Served: leaf, ICA and
	# a cross-sign that has expired; both roots are in the store.
	cat "$d/old.pem" "$d/new.pem" >"$d/both.pem"
	cc build --at "@$later" -p "openssl-1.0=$d/both.pem,behaviour=served-order" \
		-p "modern=$d/both.pem" -I "$d/ica.pem" -I "$d/cross-short.pem" --json "$d/leaf.pem" >"$d/dst.json"
	expect_eq "$(row_reason "$d/dst.json" "$L $I $XS" openssl-1.0)" \
		"untrusted: expired cross-sign at depth 2 (New Root CA, expired $(openssl x509 -in "$d/cross-short.pem" -noout -enddate | cut -d= -f2 | xargs -I{} date -u -d {} +%F))" \
		"$alg: served-order rejects the chain ending in an expired cross-sign"
	expect_eq "$(row_reason "$d/dst.json" "$L $I $XS" modern)" "trusted" \
		"$alg: pathbuild accepts it through the newer root"
	NEW=$(fp1 "$d/new.pem")
	expect_eq "$(jget "$d/dst.json" '[v["anchor"] for v in j["matrix"][0]["judgement"]["verdicts"]], j["matrix"][0]["served"]')" \
		"(['$NEW', '$NEW'], ['$L', '$I'])" \
		"$alg: the chosen chain leaves the expired cross-sign out; both reach the new root"
done

# no-expiry-check-on-anchor: a root that expires before the chain under it.
d=$T/android; mkdir -p "$d"
PKI_ALG=ec
pki_root "$d" oldroot "Short Root" 20 &&
	pki_issue "$d" ica "Android ICA" ica oldroot 3650 ca &&
	pki_issue "$d" leaf "a.example.test" leaf ica 365 leaf a.example.test ||
	bad "android: PKI generation"
unset PKI_ALG
at=$(( $(date +%s) + 60 * 86400 ))
expect_rc 0 "no-expiry-check-on-anchor trusts a chain to an expired root" \
	cc build --at "@$at" -p "droid=$d/oldroot.pem,behaviour=no-expiry-check-on-anchor" \
	-p "strict=$d/oldroot.pem" -I "$d/ica.pem" "$d/leaf.pem"
expect_grep "trusted by 1/2 profiles: droid" "$T/out" "... only that profile"
expect_grep "not trusted by strict: expired root at depth 2 \(Short Root" "$T/out" "pathbuild: expired root, with depth"

# profiles: the built-ins, their weights agree with cfssl's metadata
expect_rc 0 "profiles lists the built-ins" cc profiles -p nss-2017 -p android-4.4 --json
cp "$T/out" "$T/p.json"
expect_eq "$(jget "$T/p.json" '[(p["name"], p["behaviour"], p["weight"]) for p in j["profiles"]]')" \
	"[('nss-2017', 'pathbuild', 25), ('android-4.4', 'no-expiry-check-on-anchor', 8)]" \
	"profiles --json: names, behaviours, weights"
cc profiles --json >"$T/all.json" || bad "profiles (default set)"
python3 - "$T/all.json" <<'PY' && ok "legacy built-in weights = cfssl metadata weights summed per store; anchor counts = distinct certificates" || bad "built-in weights/counts"
import json, sys, os, re, hashlib, base64
j = json.load(open(sys.argv[1]))
d = os.path.join(j["data_dir"], "trust-stores")
meta = json.load(open(os.path.join(d, "ca-bundle.crt.metadata")))
want = {}
for m in meta:
    if "keystore" in m:
        f = os.path.basename(m["keystore"])
        want[f] = want.get(f, 0) + m["weight"]
built = [p for p in j["profiles"] if "built-in" in p["source"]]
assert len([p for p in built if p["group"] == "legacy"]) == 10, built
for p in built:
    f = re.search(r"built-in (\S+)\)", p["source"]).group(1)
    assert p["group"] == "current" or p["weight"] == want[f], (p, want.get(f))
    pem = open(os.path.join(d, f), encoding="latin-1").read()
    blocks = re.findall(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", pem, re.S)
    fps = {hashlib.sha256(base64.b64decode("".join(b.split()))).hexdigest() for b in blocks}
    assert p["anchors"] == len(fps), (p["name"], p["anchors"], len(fps))
PY
expect_rc 0 "profiles text" cc profiles
expect_grep "^android-4.4 +149 +no-expiry-check-on-anchor +legacy +8 " "$T/out" "profiles: one line per profile with anchors, behaviour, policy, weight"
# the source under each row (a sentence: as a last column it wrapped under
# the row at 100 columns); a long one continues under its own text
rows=$(grep -cE "^[a-z0-9.-]+ +[0-9]+ +[a-z-]+ +[a-z0-9]+ +[0-9.]+ +[-0-9]+$" "$T/out")
expect_eq "$(grep -c "^  source: " "$T/out")" "$rows" "profiles: each of the $rows rows has its source line"
expect_eq "$(grep -A1 "^apple-2025 " "$T/out" | tail -n1 | cut -c1-32)" "  source: Apple iOS/macOS trust " \
	"profiles: the source is on the line under its row"
expect_eq "$(grep -vcE "^(  source: |          [^ ]|[a-z0-9.-]+ +[0-9]+ |profile +anchors|today's|legacy clients|$|[0-9]+ profiles|distrust-after|  [a-z0-9.-]+ +[0-9]{4}-)" "$T/out")" 0 \
	"profiles: nothing else (no row continued four columns in)"
expect_rc 2 "unknown profile -> exit 2" cc profiles -p nosuch
expect_grep "no such profile \\(the value is not shown" "$T/err" "... saying so without echoing the value (it may be a password)"
expect_nogrep "nosuch" "$T/err" "... the value is not printed"
expect_rc 2 "bad behaviour -> exit 2" cc build -p "x=$T/all.json,behaviour=sometimes" "$d/leaf.pem"
expect_grep "unknown behaviour 'sometimes'" "$T/err" "... naming the behaviour"
expect_rc 2 "profile file without certificates -> exit 2" cc build -p "x=$T/all.json" "$d/leaf.pem"
expect_eq "$(wc -l <"$T/err")" "1" "... one line"
expect_rc 2 "missing data dir -> exit 2" env CERTCHAIN_DATA_DIR=$T/none "$CERTCHAIN" profiles
expect_grep "profiles.conf.*CERTCHAIN_DATA_DIR" "$T/err" "... says where it looked"
mkdir -p "$T/dd/trust-stores"
cp "$d/oldroot.pem" "$T/dd/trust-stores/" &&
	echo "lab oldroot.pem served-order 3 A lab device" >"$T/dd/trust-stores/profiles.conf"
expect_rc 0 "CERTCHAIN_DATA_DIR selects the data" env CERTCHAIN_DATA_DIR=$T/dd "$CERTCHAIN" profiles
expect_grep "^lab +1 +served-order +webpki +3 +-$" "$T/out" "... and its profiles (an old-format line: no group, no date, default policy)"
expect_eq "$(grep -A1 '^lab ' "$T/out" | tail -n1)" "  source: A lab device (built-in oldroot.pem)" \
	"... its source on the line under its row"
# an installed copy elsewhere finds PREFIX/share/certchain beside its bin/
# (skipped when the compiled-in install path exists: it comes first)
if [ ! -e /usr/local/share/certchain/trust-stores/profiles.conf ]; then
	mkdir -p "$T/inst/bin" "$T/inst/share/certchain" && cp "$CERTCHAIN" "$T/inst/bin/" &&
		cp -r "$T/dd/trust-stores" "$T/inst/share/certchain/"
	expect_rc 0 "installed copy: finds share/certchain beside bin/" \
		env -u CERTCHAIN_DATA_DIR $CC_WRAP "$T/inst/bin/certchain" profiles --json
	expect_grep '"name":"lab"' "$T/out" "... and reads its profiles"
fi
# -r with -p: roots is one more profile
expect_rc 0 "-r and -p together" cc profiles -r "$d/oldroot.pem" -p "x=$d/ica.pem"
expect_grep "^roots +1 +pathbuild" "$T/out" "-r becomes the profile 'roots'"
expect_grep "^x +1 " "$T/out" "... next to the -p profile"

# Real certificates, at a fixed time so today's date does not matter.
R=$DATA/real-certs
if [ -d "$R" ]; then
	at=2026-06-01T00:00:00Z
	P="-p nss-2017 -p android-4.4 -p modern=$R/sectigo-r46-root.pem"
	expect_rc 0 "real: R36 with 2017 NSS, Android 4.4 and a modern store" \
		cc build --at $at $P -I "$R" -o "$T/r.pem" "$R/sectigo-dv-r36.pem"
	expect_eq "$(fps "$T/r.pem" | tr '\n' ' ')" \
		"$(fp1 "$R/sectigo-dv-r36.pem") $(fp1 "$R/sectigo-r46-cross-by-usertrust-rsa.pem") $(fp1 "$R/usertrust-rsa-cross-by-aaa.pem") " \
		"real: serve R36 + R46 by USERTrust + USERTrust by AAA (Android 4.4 has only AAA)"
	expect_grep "trusted by 3/3 profiles" "$T/out" "real: trusted by all three"
	cc explain --at $at $P -I "$R" "$R/sectigo-dv-r36.pem" >"$T/rx.txt"
	expect_grep "^serving Sectigo Public Server Authentication CA DV R36 \+ Sectigo Public Server Authentication Root R46 cross-signed by USERTrust RSA Certification Authority \(to the self-signed USERTrust RSA Certification Authority\) instead: trusted by 2/3; it fails on android-4.4: anchor not in store \(it has no USERTrust RSA" \
		"$T/rx.txt" "real: explain: without the AAA cross-sign Android 4.4 fails"
	# the cross-signs removed: only the modern store trusts R36
	mkdir -p "$T/nocross" && cp "$R/sectigo-r46-root.pem" "$R/usertrust-rsa-root.pem" "$T/nocross/"
	cc build --at $at $P -I "$T/nocross" --json "$R/sectigo-dv-r36.pem" >"$T/rn.json"
	expect_eq "$(row_reason "$T/rn.json" "$(fp1 "$R/sectigo-dv-r36.pem")" nss-2017)" \
		"untrusted: anchor not in store (it has no Sectigo Public Server Authentication Root R46)" \
		"real: no cross-sign -> NSS 2017 untrusted, anchor not in store"
	expect_eq "$(row_reason "$T/rn.json" "$(fp1 "$R/sectigo-dv-r36.pem")" modern)" "trusted" \
		"real: no cross-sign -> the modern store still trusts it"
	# ECC: E36 under E46, cross-signed by USERTrust ECC and by AAA
	expect_rc 0 "real ECC: E36" cc build --at $at -p nss-2017 -p android-4.4 \
		-p "modern=$R/sectigo-e46-root.pem" -I "$R" -o "$T/e.pem" "$R/sectigo-dv-e36.pem"
	expect_eq "$(fps "$T/e.pem" | tr '\n' ' ')" \
		"$(fp1 "$R/sectigo-dv-e36.pem") $(fp1 "$R/sectigo-e46-cross-by-aaa.pem") " \
		"real ECC: serve E36 + E46 cross-signed by AAA (trusted by all three)"
	expect_grep "trusted by 3/3 profiles" "$T/out" "real ECC: trusted by all three"
	# The real DST Root CA X3 failure, mid-2024: R11 + ISRG Root X1 cross-signed
	# by the expired DST root. OpenSSL 1.0.x (served-order) stops at DST.
	cc build --at 2024-06-01T00:00:00Z -p ubuntu-2017 -p android-4.4 -p "modern=$R/isrg-root-x1.pem" \
		-I "$R/isrg-root-x1-cross-by-dst-root-ca-x3.pem" --json "$R/lets-encrypt-r11.pem" >"$T/le.json"
	S="$(fp1 "$R/lets-encrypt-r11.pem") $(fp1 "$R/isrg-root-x1-cross-by-dst-root-ca-x3.pem")"
	expect_eq "$(row_reason "$T/le.json" "$S" ubuntu-2017)" \
		"untrusted: expired root at depth 2 (DST Root CA X3, expired 2021-09-30)" \
		"real: served-order (ubuntu-2017) fails on the expired DST Root CA X3"
	expect_eq "$(row_reason "$T/le.json" "$S" android-4.4)" "trusted" \
		"real: old Android ignores the expired DST root"
	expect_eq "$(row_reason "$T/le.json" "$S" modern)" "trusted" \
		"real: pathbuild reaches ISRG Root X1 directly"
fi

finish
