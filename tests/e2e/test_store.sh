#!/bin/bash
# test_store.sh - the certificate store end to end: the seed scenario with the
# real Sectigo/USERTrust certificates, openssl -CApath on the store, personal
# certificates with keys, errors, 20 concurrent importers, kill -9 mid-import.
. "$(dirname "$0")/../lib.sh"

R=$DATA/real-certs
S=$CERTCHAIN_STORE
AT=2026-06-01T00:00:00Z
X46=92f351bf3d54164dfa8dd8f9e1139d3150349786485d2b9eecd00e2971c1e6c5  # R46 cross-signed by USERTrust
S46=7bb647a62aeeac88bf257aa522d01ffea395e0ab45c73f93f65654ec38f25a06  # R46 self-signed
UTR=e793c9b02fd8aa13e21c31228accb08119643b749c898964b1746d46c3d4cbd2  # USERTrust RSA

# jq-free JSON field access: json FILE PYTHON-EXPRESSION-ON-d
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
# one_line FILE DESC: stderr is exactly one line
one_line() { expect_eq "$(wc -l <"$1" | tr -d ' ')" 1 "$2 (one-line error)"; }
build_json() { cc build --at "$AT" --json "$@" "$R/sectigo-dv-r36.pem" >"$T/b.json" 2>"$T/b.err"; }
# anchors of the valid paths, sorted, space-separated
anchors() { json "$T/b.json" "' '.join(sorted(p['certs'][-1] for p in d['paths'] if p['valid']))"; }
profiles() { json "$T/b.json" "' '.join(p['name'] for p in d['profiles'])"; }
# anchor and chain of the best path, as "ANCHORSHA chainsha,chainsha"
best() { json "$T/b.json" "(d['anchor'] or {}).get('sha256','none') + ' ' + ','.join(c['sha256'] for c in d['chain'])"; }

echo "--- seed scenario: cross-sign in intermediate, self-signed R46 in root"
expect_rc 0 "import the USERTrust->R46 cross-sign" cc store import "$R/sectigo-r46-cross-by-usertrust-rsa.pem"
expect_grep "^added to intermediate: Sectigo Public Server Authentication Root R46" "$T/out" "auto-detected: CA, not self-signed -> intermediate"
expect_rc 0 "import the self-signed R46" cc store import "$R/sectigo-r46-root.pem" --name "R46 self-signed"
expect_grep "^added to root:" "$T/out" "auto-detected: self-signed CA -> root"
expect_rc 0 "importing it again" cc store import "$R/sectigo-r46-root.pem"
expect_grep "^already in root, nothing to do" "$T/out" "importing twice is a no-op that says so"
expect_eq "$(ls "$S/root"/*.pem | wc -l)" 1 "still one root file"
expect_eq "$(stat -c %a "$S/keys")" 700 "key directory is 0700"

build_json -r "$R/usertrust-rsa-root.pem"
expect_eq "$(anchors)" "$S46 $UTR" "enabled: valid paths to the self-signed R46 and (cross-sign) to USERTrust"
expect_eq "$(profiles)" "roots store" "the store's enabled roots are the trust profile 'store'"

expect_rc 2 "CN selector matching the cross-sign and the root" cc store disable "CN=Sectigo Public Server Authentication Root R46"
one_line "$T/err" "ambiguous selector"
expect_grep "matches 2 certificates.*intermediate.*root|matches 2 certificates.*root.*intermediate" "$T/err" "the refusal lists both matches"
expect_rc 0 "profiles lists the store's roots as the profile 'store'" cc profiles -r "$R/usertrust-rsa-root.pem"
expect_grep "^store +1 +pathbuild" "$T/out" "profile 'store' with 1 anchor"
expect_rc 0 "profiles --no-store" cc profiles --no-store -r "$R/usertrust-rsa-root.pem"
expect_nogrep "^store " "$T/out" "no 'store' profile with --no-store"
expect_rc 0 "disable the self-signed R46 by thumbprint" cc store disable "${S46:0:12}"
expect_rc 0 "disable again" cc store disable "R46 self-signed"
expect_grep "^already disabled" "$T/out" "disabling twice says so"
build_json -r "$R/usertrust-rsa-root.pem"
expect_eq "$(best)" "$UTR 8c54c334b66ba4e426772af4a3f9136c19a1aec729fdb28c535c07a5a4ef22e0,$X46" \
	"disabled root: the chain goes through the cross-sign to USERTrust"
expect_eq "$(anchors)" "$UTR" "only the cross-signed path remains"
expect_eq "$(profiles)" "roots" "no enabled store root: no 'store' profile"
expect_rc 1 "a disabled root given with -r anchors nothing" \
	cc build --at "$AT" -r "$R/sectigo-r46-root.pem" "$R/sectigo-dv-r36.pem"
expect_rc 0 "...unless --no-store" \
	cc build --at "$AT" --no-store -r "$R/sectigo-r46-root.pem" "$R/sectigo-dv-r36.pem"
cc store list >"$T/list"
expect_grep "R46 self-signed\"  \[DISABLED\]" "$T/list" "list shows the disabled flag and friendly name"

expect_rc 0 "enable it" cc store enable "R46 self-signed" --json
expect_eq "$(json "$T/out" "(d['action'], d['changed'], d['store'], d['sha256'])")" "('enabled', True, 'root', '$S46')" "enable --json"
build_json -r "$R/usertrust-rsa-root.pem"
expect_eq "$(anchors)" "$S46 $UTR" "enabled again: the self-signed path is back"
expect_rc 0 "remove it" cc store remove "R46 self-signed"
expect_eq "$(ls "$S/root" | wc -l)" 0 "no file left in root/ (certificate, metadata, link)"
build_json -r "$R/usertrust-rsa-root.pem"
expect_eq "$(json "$T/b.json" "len(d['paths'])")" 1 "removed: only the cross-signed path"
expect_rc 1 "removed root selects nothing (exit 1)" cc store show "R46 self-signed"
one_line "$T/err" "no match"

echo "--- disabled intermediate"
expect_rc 0 "disable the cross-sign" cc store disable "${X46:0:8}"
expect_rc 1 "a disabled intermediate never appears in a path, even given with -I" \
	cc build --at "$AT" -r "$R/usertrust-rsa-root.pem" -I "$R/sectigo-r46-cross-by-usertrust-rsa.pem" "$R/sectigo-dv-r36.pem"
expect_rc 0 "enable the cross-sign" cc store enable "${X46:0:8}"
# a chain is judged as sent; the store's intermediates complete the chain to serve
expect_rc 1 "verify: R36 alone is incomplete as sent, store or not" \
	cc verify --at "$AT" --json -r "$R/usertrust-rsa-root.pem" "$R/sectigo-dv-r36.pem"
expect_eq "$(json "$T/out" "len(d['chain_to_serve'])")" 2 "verify: the chain to serve adds the stored cross-sign"
cc verify --at "$AT" --json --no-store -r "$R/usertrust-rsa-root.pem" "$R/sectigo-dv-r36.pem" >"$T/out"
expect_eq "$(json "$T/out" "d['valid_path']")" False "verify --no-store: no path without it"
expect_rc 1 "build with --store DIR elsewhere (empty): no path" cc build --store "$T/other" --at "$AT" \
	-r "$R/usertrust-rsa-root.pem" "$R/sectigo-dv-r36.pem"
expect_grep "no valid chain" "$T/out" "--store points build at another store"
expect_rc 0 "remove the cross-sign" cc store remove "${X46:0:8}"

echo "--- openssl verify -CApath on the store"
ATS=$(date -d "$AT" +%s)
osv() { openssl verify -no-CAfile -no-CAstore -CApath "$S/root" -attime "$ATS" "$@"; }
cc store import "$R/sectigo-r46-root.pem" >/dev/null
expect_rc 0 "openssl -CApath store/root verifies R36 against the stored R46" osv "$R/sectigo-dv-r36.pem"
cc store disable "${S46:0:8}" >/dev/null
expect_rc 2 "disabled: openssl -CApath no longer trusts it" osv "$R/sectigo-dv-r36.pem"
cc store enable "${S46:0:8}" >/dev/null
rm -f "$S"/root/*.0
expect_rc 2 "links removed by hand: openssl fails" osv "$R/sectigo-dv-r36.pem"
expect_rc 0 "store rehash" cc store rehash
expect_grep "1 hashed link" "$T/out" "rehash reports the links"
expect_rc 0 "after rehash openssl -CApath works again" osv "$R/sectigo-dv-r36.pem"
cc store remove "${S46:0:8}" >/dev/null

echo "--- personal certificates, keys and errors"
P=$T/pki
mkdir -p "$P"
PKI_ALG=ec pki_root "$P" ca "Store Test CA" &&
	PKI_ALG=ec pki_issue "$P" ica "Store Test ICA" ica ca 365 ca &&
	PKI_ALG=ec pki_issue "$P" leaf "site.store.test" leaf ica 90 leaf site.store.test &&
	PKI_ALG=ec pki_key "$P" other ec || bad "PKI generation"
cat "$P/leaf.pem" "$P/ica.pem" >"$P/fullchain.pem"
expect_rc 2 "end-entity certificate without its key" cc store import "$P/leaf.pem"
one_line "$T/err" "missing key"
expect_grep "leaf.pem: site.store.test: .*private key" "$T/err" "the error names the file, the certificate and the cause"
expect_rc 2 "the wrong key" cc store import "$P/fullchain.pem" --key "$P/other.key"
one_line "$T/err" "wrong key"
expect_grep "matches no certificate" "$T/err" "wrong key says so"
expect_rc 2 "a key file that does not exist" cc store import "$P/leaf.pem" --key "$P/nope.key"
one_line "$T/err" "missing key file"
expect_rc 2 "a certificate given as the key" cc store import "$P/leaf.pem" --key "$P/leaf.pem"
one_line "$T/err" "not a key"
printf 'garbage, not a certificate\n' >"$P/bad.pem"
expect_rc 2 "a bad file" cc store import "$P/bad.pem"
one_line "$T/err" "bad file"
expect_grep "bad.pem" "$T/err" "the error names the bad file"
expect_rc 2 "a missing file" cc store import "$P/absent.pem"
one_line "$T/err" "missing file"
expect_rc 2 "--to with a bad store name" cc store import --to roots "$P/ca.pem"
expect_rc 2 "--name with a bundle and no key" cc store import --name x "$P/fullchain.pem"
expect_eq "$(ls "$S"/*/*.pem 2>/dev/null | wc -l)" 0 "none of the refused imports wrote anything"

expect_rc 0 "fullchain + key: leaf to personal, ICA to intermediate" \
	cc store import "$P/fullchain.pem" --key "$P/leaf.key" --name "my site" --json
expect_eq "$(json "$T/out" "' '.join(i['store'] for i in d['imported'])")" "personal intermediate" "auto-detected per certificate"
LEAF=$(fp1 "$P/leaf.pem")
expect_eq "$(stat -c %a "$S/keys/$LEAF.key")" 600 "the key is stored 0600"
expect_eq "$(head -1 "$S/keys/$LEAF.key")" "-----BEGIN PRIVATE KEY-----" "as PEM PKCS#8"
openssl pkey -in "$S/keys/$LEAF.key" -pubout >"$T/k1" 2>/dev/null
openssl x509 -in "$P/leaf.pem" -pubkey -noout >"$T/k2"
expect_eq "$(cmp -s "$T/k1" "$T/k2" && echo same)" same "the stored key is the leaf's key"
expect_rc 0 "show by friendly name" cc store show "my site"
expect_grep "private key: +present, matches" "$T/out" "show checks the key"
expect_nogrep "BEGIN|PRIVATE KEY-" "$T/out" "show never prints key material"
chmod 644 "$S/keys/$LEAF.key"
expect_rc 2 "a world-readable stored key is refused" cc store show "my site"
expect_grep "0644" "$T/err" "show names the mode on stderr"
one_line "$T/err" "insecure key"
expect_rc 0 "...unless --insecure-key-perms" cc store show --insecure-key-perms "my site"
chmod 600 "$S/keys/$LEAF.key"
expect_rc 0 "list --json" cc store list --json
expect_eq "$(json "$T/out" "sorted((c['store'], c['has_key'], c['friendly_name']) for c in d['certificates'])")" \
	"[('intermediate', False, ''), ('personal', True, 'my site')]" "list --json: stores, key, names"
expect_rc 0 "list personal" cc store list personal
expect_nogrep "^intermediate:" "$T/out" "list STORE filters"
expect_grep "^personal:" "$T/out" "list STORE shows that store"
expect_rc 0 "export DER" cc store export "CN=site.store.test" -o "$T/leaf.der" --der
expect_eq "$(openssl x509 -inform DER -in "$T/leaf.der" -outform DER | sha256sum | cut -d' ' -f1)" "$LEAF" "exported DER is the certificate"
expect_rc 0 "export PEM" cc store export "${LEAF:0:10}" -o "$T/leaf.out.pem"
expect_eq "$(fp1 "$T/leaf.out.pem")" "$LEAF" "exported PEM is the certificate"
expect_nogrep "PRIVATE" "$T/leaf.out.pem" "export never writes the key"
expect_rc 2 "export without -o" cc store export "my site"
expect_rc 1 "a 7-digit thumbprint is no selector, and matches nothing (exit 1)" cc store show "${LEAF:0:7}"
one_line "$T/err" "too short a thumbprint"
expect_rc 2 "unknown store command" cc store frobnicate
one_line "$T/err" "unknown store command"
expect_rc 2 "unknown option" cc store list --frobnicate
one_line "$T/err" "unknown option"
expect_rc 0 "store --help" cc store --help
expect_grep "^usage: certchain store" "$T/out" "help text"
echo "--- PKCS#7 and DER files, store roots with the default anchors"
S4=$T/store4
openssl crl2pkcs7 -nocrl -certfile "$P/fullchain.pem" -certfile "$P/ca.pem" -outform DER -out "$P/chain.p7b"
expect_rc 0 "import a DER PKCS#7 bundle with the leaf's key" cc store import --store "$S4" --key "$P/leaf.key" "$P/chain.p7b"
expect_eq "$(ls "$S4"/personal/*.pem "$S4"/intermediate/*.pem "$S4"/root/*.pem | wc -l)" 3 "leaf, ICA and root each in its store"
openssl x509 -in "$P/ica.pem" -outform DER -out "$P/ica.der"
expect_rc 0 "import a DER certificate" cc store import --store "$S4" "$P/ica.der"
expect_grep "^already in intermediate" "$T/out" "the DER copy is the same certificate"
expect_rc 0 "build with the store's root and the system store (SSL_CERT_FILE)" \
	env SSL_CERT_FILE="$R/isrg-root-x1.pem" $CC_WRAP "$CERTCHAIN" build --store "$S4" --json "$P/leaf.pem"
expect_eq "$(json "$T/out" "d['anchor']['subject_cn']")" "Store Test CA" "the store's root anchors it"

cat "$P/leaf.pem" "$P/ica.pem" "$P/leaf.key" >"$P/combined.pem"
expect_rc 0 "a combined PEM (certificates + key) needs no --key" cc store import --store "$T/store5" "$P/combined.pem"
expect_grep "^added to personal: site.store.test" "$T/out" "the key inside the file makes the leaf personal"
expect_eq "$(stat -c %a "$T/store5/keys/$LEAF.key")" 600 "and is stored 0600"

rm "$S/keys/$LEAF.key"
expect_rc 0 "re-import restores a lost key" cc store import "$P/leaf.pem" --key "$P/leaf.key"
expect_eq "$(stat -c %a "$S/keys/$LEAF.key" 2>&1)" 600 "the key is back, 0600"
expect_rc 0 "remove the personal certificate" cc store remove "my site"
expect_eq "$(ls "$S/keys" | wc -l)" 0 "its key is gone too"

echo "--- 20 concurrent importers"
C=$T/conc
mkdir -p "$C"
for i in $(seq 1 20); do
	# four share a subject name: hashed links .0 .. .3 must all exist
	cn="Concurrent Root $((i % 5 == 0 ? 0 : i))"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$C/$i.key" \
		-subj "/CN=$cn" -days 30 -addext basicConstraints=critical,CA:TRUE \
		-out "$C/$i.pem" 2>/dev/null || bad "make cert $i"
done
S2=$T/store2
pids=()
for i in $(seq 1 20); do
	cc store import --store "$S2" "$C/$i.pem" >"$C/$i.out" 2>&1 &
	pids+=($!)
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
expect_eq "$fails" 0 "20 concurrent imports all succeed"
cc store list --store "$S2" --json >"$T/out"
expect_eq "$(json "$T/out" "len(d['certificates'])")" 20 "nothing lost: 20 certificates in the store"
want=$(for i in $(seq 1 20); do fp1 "$C/$i.pem"; done | sort | tr '\n' ' ')
expect_eq "$(json "$T/out" "' '.join(sorted(c['certificate']['sha256'] for c in d['certificates']))") " "$want" "exactly the imported certificates"
expect_eq "$(find "$S2/root" -type l | wc -l)" 20 "20 hashed links, one per root"
h=$(openssl x509 -in "$C/5.pem" -noout -subject_hash)
expect_eq "$(ls "$S2/root" | grep -c "^$h\.[0-3]$")" 4 "same subject: links $h.0 .. $h.3"
for i in 5 10 20; do
	openssl verify -no-CAfile -no-CAstore -CApath "$S2/root" "$C/$i.pem" >/dev/null 2>&1 ||
		bad "openssl -CApath finds colliding root $i"
done
ok "openssl -CApath finds each of the same-name roots"
expect_eq "$(find "$S2" -name '*.tmp.*' | wc -l)" 0 "no temporary file left"

echo "--- kill -9 in the middle of an import"
S3=$T/store3
# killed_import STAGE N: start importing cert N, paused at STAGE inside the
# locked section (test hook), kill -9 it there.
killed_import() {
	rm -f "$T/paused"
	# exec: $! must be certchain itself, not a subshell
	(CERTCHAIN_TEST_STORE_PAUSE="$1:$T/paused" exec $CC_WRAP "$CERTCHAIN" store import \
		--store "$S3" "$C/$2.pem" >/dev/null 2>&1) &
	local pid=$! n=0
	while [ ! -e "$T/paused" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
	[ -e "$T/paused" ] || bad "import $2 never reached $1"
	expect_rc 0 "a reader while the writer holds the lock ($1)" timeout 5 "$CERTCHAIN" store list --store "$S3" --json
	cp "$T/out" "$T/during.json"
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
}
cc store import --store "$S3" "$C/1.pem" >/dev/null
killed_import before-commit 2
expect_eq "$(json "$T/during.json" "len(d['certificates'])")" 1 "readers do not see the unfinished import"
expect_rc 0 "store readable after kill -9 before the commit" cc store list --store "$S3" --json
expect_eq "$(json "$T/out" "len(d['certificates'])")" 1 "the killed import's certificate is absent"
expect_rc 0 "the lock died with the writer: the import succeeds now" timeout 10 "$CERTCHAIN" store import --store "$S3" "$C/2.pem"
expect_grep "^added to root" "$T/out" "...and adds it"
expect_eq "$(find "$S3" -name '*.tmp.*' | wc -l)" 0 "stale temporary files swept"
killed_import after-commit 3
expect_rc 0 "store readable after kill -9 after the commit" cc store list --store "$S3" --json
expect_eq "$(json "$T/out" "len(d['certificates'])")" 3 "the killed import's certificate is fully there"
F3=$(fp1 "$C/3.pem")
expect_eq "$(fp1 "$S3/root/$F3.pem")" "$F3" "its file is complete"
expect_rc 0 "rehash after the interrupted root import" cc store rehash --store "$S3"
expect_eq "$(find "$S3/root" -type l | wc -l)" 3 "every root has its hashed link"
expect_rc 0 "importing it again is a no-op" cc store import --store "$S3" "$C/3.pem"
expect_grep "^already in root" "$T/out" "already there"

finish
