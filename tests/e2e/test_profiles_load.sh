#!/bin/bash
# End-to-end: how the built-in and system profiles are loaded. profiles.idx
# (with each certificate's SHA-256) gives the same anchors and chain matches
# as the PEM files; SSL_CERT_DIR is read as OpenSSL reads it (hash-named
# files only); weight= overrides a built-in's weight in the score; `make
# install` installs the stores and their index where the binary finds them;
# `make demo` shows today's stores beside the legacy ones.
. "$(dirname "$0")/../lib.sh"
trap 'rm -rf "$T"' EXIT

R=$DATA/real-certs
jget() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
nodd() { sed 's/"data_dir":"[^"]*",//'; }

# --- the index's fingerprints are the PEM files' ----------------------------
cc profiles --no-store --json >"$T/all.json"
src=$(jget "$T/all.json" 'j["data_dir"]')
mkdir -p "$T/ix" && cp -rp "$src/trust-stores" "$T/ix/"
for leaf in sectigo-dv-r36 sectigo-dv-e36 lets-encrypt-r10 lets-encrypt-e5; do
	env CERTCHAIN_DATA_DIR=$T/ix "$CERTCHAIN" profiles --no-store --json -I "$R" "$R/$leaf.pem" | nodd >"$T/$leaf.idx.json"
done
rm "$T/ix/trust-stores/profiles.idx"
for leaf in sectigo-dv-r36 sectigo-dv-e36 lets-encrypt-r10 lets-encrypt-e5; do
	env CERTCHAIN_DATA_DIR=$T/ix "$CERTCHAIN" profiles --no-store --json -I "$R" "$R/$leaf.pem" | nodd >"$T/$leaf.pem.json"
	expect_eq "$(cmp -s "$T/$leaf.idx.json" "$T/$leaf.pem.json" && echo same)" "same" \
		"index: $leaf's anchors and which profile has each, as from the PEM files"
	expect_eq "$(jget "$T/$leaf.pem.json" 'sum(len(v) for v in j["chain"]["has"].values()) > 0')" "True" \
		"... and some profile has one of them (the comparison is not of empty lists)"
done

# --- SSL_CERT_DIR: the hash-named files, as OpenSSL's CA directory lookup ----
d=$T/capath
mkdir -p "$d"
cp "$R/usertrust-rsa-root.pem" "$d/usertrust.pem"
ln -s usertrust.pem "$d/$(openssl x509 -in "$R/usertrust-rsa-root.pem" -noout -subject_hash).0"
cp "$R/isrg-root-x1.pem" "$d/isrg-root-x1.pem"                 # no hash link
cat "$R/aaa-certificate-services-root.pem" >"$d/ca-bundle.crt"  # a bundle beside the links
expect_rc 0 "system from SSL_CERT_DIR alone" env SSL_CERT_FILE= SSL_CERT_DIR="$d" "$CERTCHAIN" profiles --no-store -p system --json
expect_eq "$(jget "$T/out" '[p["anchors"] for p in j["profiles"] if p["name"] == "system"]')" "[1]" \
	"system: only the hash-named file of SSL_CERT_DIR is an anchor"
for f in usertrust.pem isrg-root-x1.pem ca-bundle.crt; do
	if openssl verify -no-CAfile -no-CAstore -CApath "$d" "$d/$f" >/dev/null 2>&1; then echo "$f"; fi
done >"$T/openssl-ok"
expect_eq "$(cat "$T/openssl-ok")" "usertrust.pem" "openssl verify -CApath agrees: only the hash-linked root is found"
expect_rc 0 "profiles CHAIN with that system store" env SSL_CERT_FILE= SSL_CERT_DIR="$d" "$CERTCHAIN" profiles --no-store -p system --json -I "$R" "$R/lets-encrypt-r10.pem"
expect_eq "$(jget "$T/out" 'j["chain"]["has"].get("system", [])')" "[]" \
	"system: ISRG Root X1, present only as an unlinked file, is not the system's"

# --- weight= overrides a built-in's weight -----------------------------------
expect_rc 0 "build with -p apple-2025,weight=7" cc build --no-store --json -p apple-2025,weight=7 -p android-7 -I "$R" "$R/lets-encrypt-r10.pem"
expect_eq "$(jget "$T/out" '[(p["name"], p["weight"]) for p in j["profiles"]]')" "[('apple-2025', 7), ('android-7', 100)]" \
	"weight=: the overridden weight, the other one from profiles.conf"
expect_eq "$(jget "$T/out" 'round(j["score"], 4)')" "0.0654" \
	"weight=: the score is the weighted share (7 of 107: only apple-2025 has ISRG Root X1)"
expect_rc 0 "build with the weights of profiles.conf" cc build --no-store --json -p apple-2025 -p android-7 -I "$R" "$R/lets-encrypt-r10.pem"
expect_eq "$(jget "$T/out" 'j["score"]')" "0.5" "... 100 of 200 without the override"

# --- make install ------------------------------------------------------------
top=$(cd "$(dirname "$0")/../.." && pwd)
if make --no-print-directory -C "$top" BUILD="$(dirname "$CERTCHAIN")" DESTDIR="$T/inst" PREFIX=/usr/local install >"$T/inst.log" 2>&1; then
	ok "make install DESTDIR=..."
else
	bad "make install" "$(tail -5 "$T/inst.log")"
fi
ts=$T/inst/usr/local/share/certchain/trust-stores
for f in $(awk '!/^#/ && NF {print $2}' "$top/data/trust-stores/profiles.conf") profiles.conf profiles.idx; do
	cmp -s "$top/data/trust-stores/$f" "$ts/$f" || echo "$f"
done >"$T/missing"
expect_eq "$(cat "$T/missing")" "" "make install: every store of profiles.conf, profiles.conf and profiles.idx installed"
expect_rc 0 "the installed binary lists its profiles" env -u CERTCHAIN_DATA_DIR "$T/inst/usr/local/bin/certchain" profiles --no-store --json
expect_eq "$(jget "$T/out" 'j["data_dir"].endswith("/inst/usr/local/bin/../share/certchain")')" "True" \
	"installed: the binary finds the installed data (PREFIX/share/certchain)"
expect_eq "$(jget "$T/out" '[(p["name"], p["group"], p["anchors"]) for p in j["profiles"]]')" \
	"$(jget "$T/all.json" '[(p["name"], p["group"], p["anchors"]) for p in j["profiles"]]')" \
	"installed: today's and legacy profiles as in the build tree"
nolsan="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
env "$nolsan" strace -f -e trace=openat -o "$T/inst.trace" "$T/inst/usr/local/bin/certchain" profiles --no-store >/dev/null 2>&1
expect_grep "share/certchain/trust-stores/profiles.idx" "$T/inst.trace" "installed: profiles.idx is read"
expect_nogrep "apple-2025-10-16.pem" "$T/inst.trace" "installed: the index is current (install -p kept the times): no store PEM opened"

# --- make demo: today's stores and the legacy ones, on the real R36 --------
if env HOME="$T/home" XDG_DATA_HOME= XDG_CACHE_HOME= bash "$top/scripts/demo.sh" "$CERTCHAIN" >"$T/demo.log" 2>&1; then
	ok "make demo (scripts/demo.sh) runs"
else
	bad "make demo" "$(tail -5 "$T/demo.log")"
fi
expect_grep "^today's clients:" "$T/demo.log" "demo: profiles lists today's clients as a group"
for p in apple-2025 android-13 android-7 chrome-v36 debian-12 mozilla-2026; do
	expect_grep "^$p +[0-9]+ +pathbuild" "$T/demo.log" "demo: profiles shows $p"
done
expect_grep "^legacy clients" "$T/demo.log" "demo: ... and the legacy group"
expect_grep "^  today's clients: android-13, android-7 \(2 of [0-9]+\)" "$T/demo.log" \
	"demo: explain names the clients in use today that need R36's cross-sign"

finish
