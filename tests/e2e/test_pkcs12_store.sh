#!/bin/bash
# End-to-end: PFX files and the certificate store. import-pfx of files made by
# certchain, openssl (with and without -legacy), certtool and pk12util; wrong
# password and refused files write nothing; export SELECTOR takes the
# personal certificate, its key and friendly name from the store and the
# chain through the store's cross-sign.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-pkcs12.sh"

# store_summary DIR: "KIND SHA256 has_key friendly_name" per certificate, sorted
store_summary() {
	cc store list --store "$1" --json | python3 -c 'import json,sys
for c in json.load(sys.stdin)["certificates"]:
    print(c["store"], c["certificate"]["sha256"], c["has_key"], c["friendly_name"] or "-")' | sort
}
nfiles() { [ -d "$1" ] && find "$1" -type f ! -name .lock | wc -l || echo 0; }

printf 'pfx store secret\n' >"$T/pw"
printf 'not it\n' >"$T/wpw"
chmod 600 "$T/pw" "$T/wpw"

d=$T/pki
mkdir -p "$d"
pki_crosssign "$d" ec || bad "PKI generation"
L=$(fp1 "$d/leaf.pem") I=$(fp1 "$d/ica.pem") X=$(fp1 "$d/cross.pem")
key_lines "$d/leaf.key" >"$d/keylines"

# A PFX with leaf, issuing CA and cross-sign, made by certchain.
cat "$d/new.pem" "$d/cross.pem" "$d/ica.pem" >"$d/pool.pem"
expect_run 0 "export a PFX to import" export --no-store --cert "$d/leaf.pem" --key "$d/leaf.key" \
	-I "$d/pool.pem" -r "$d/old.pem" --name "Site A" --password-file "$T/pw" -o "$d/site.pfx"

# Wrong password: exit 2, one line, nothing written.
S=$T/s1
expect_run 2 "import-pfx with a wrong password" import-pfx --store "$S" --password-file "$T/wpw" "$d/site.pfx"
expect_eq "$(cat "$T/err")" "certchain: wrong password for $d/site.pfx" "says 'wrong password for FILE'"
expect_eq "$(nfiles "$S")" 0 "nothing written on a wrong password"

# Right password: key + leaf to personal (with the PFX's friendly name), CAs to intermediate.
expect_run 0 "import-pfx" import-pfx --store "$S" --password-file "$T/pw" "$d/site.pfx"
expect_eq "$(store_summary "$S" | tr '\n' ';')" \
	"$(printf '%s\n' "intermediate $I False -" "intermediate $X False -" "personal $L True Site A" | sort | tr '\n' ';')" \
	"leaf+key in personal named 'Site A', issuing CA and cross-sign in intermediate"
expect_eq "$(pubkey_of "$S/keys/$L.key")" "$(pubkey_of "$d/leaf.pem")" "the stored key is the leaf's key"
expect_eq "$(mode_of "$S/keys/$L.key")" 600 "the stored key is 0600"
expect_run 0 "import-pfx again is a no-op" import-pfx --store "$S" --password-file "$T/pw" --json "$d/site.pfx"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert not any(i["added"] for i in j["imported"]), j' "$T/out" \
	&& ok "second import adds nothing" || bad "second import adds nothing"

# export SELECTOR: key, certificate and friendly name from the store; the
# chain through the store's cross-sign to the old root.
expect_run 0 "export SELECTOR (friendly name)" export --store "$S" "Site A" -r "$d/old.pem" \
	--password-file "$T/pw" -o "$T/sel.pfx"
expect_eq "$(p12_fps "$T/sel.pfx" "$T/pw" | tr '\n' ' ')" "$L $I $X " "SELECTOR export: leaf, issuing CA, cross-sign from the store"
openssl pkcs12 -in "$T/sel.pfx" -passin "file:$T/pw" -info -noenc >"$T/sel.info" 2>&1
expect_eq "$(grep -c 'friendlyName: Site A' "$T/sel.info")" 2 "friendly name defaults to the store's"
openssl pkcs12 -in "$T/sel.pfx" -passin "file:$T/pw" -nocerts -noenc -out "$T/sel.key" 2>/dev/null
expect_eq "$(pubkey_of "$T/sel.key")" "$(pubkey_of "$d/leaf.pem")" "SELECTOR export holds the store's key"
expect_run 0 "export SELECTOR (thumbprint) --name --compat legacy" export --store "$S" "${L:0:12}" -r "$d/old.pem" \
	--name "Other" --compat legacy --password-file "$T/pw" -o "$T/sel2.pfx"
openssl pkcs12 -legacy -in "$T/sel2.pfx" -passin "file:$T/pw" -info -nokeys >"$T/sel2.info" 2>&1
expect_grep "friendlyName: Other" "$T/sel2.info" "--name overrides the store's name"
expect_run 0 "export SELECTOR to pem-bundle-with-key" export --store "$S" "CN=www.example.test" -r "$d/old.pem" \
	--format pem-bundle-with-key -o "$T/sel.pem"
expect_eq "$(fps "$T/sel.pem" | tr '\n' ' ')" "$L $I $X " "PEM bundle from the store: leaf, issuing CA, cross-sign"
expect_eq "$(mode_of "$T/sel.pem")" 600 "PEM bundle with key 0600"
expect_run 1 "export of an unknown SELECTOR" export --store "$S" "CN=nobody.test" --password-file "$T/pw" -o "$T/no.pfx"
expect_run 1 "export SELECTOR of an intermediate: only personal certificates are exported" \
	export --store "$S" "$I" --password-file "$T/pw" -o "$T/no.pfx"
[ -e "$T/no.pfx" ] && bad "nothing written for a bad selector" || ok "nothing written for a bad selector"
expect_run 2 "SELECTOR with --cert" export --store "$S" "Site A" --cert "$d/leaf.pem" -o "$T/no.pfx"

# PFX files made by other tools import into fresh stores.
openssl pkcs12 -export -in "$d/leaf.pem" -inkey "$d/leaf.key" -certfile "$d/ica.pem" -name "ossl" \
	-passout "file:$T/pw" -out "$d/o-modern.pfx" 2>/dev/null
openssl pkcs12 -export -legacy -in "$d/leaf.pem" -inkey "$d/leaf.key" -certfile "$d/ica.pem" -name "ossl-legacy" \
	-passout "file:$T/pw" -out "$d/o-legacy.pfx" 2>/dev/null
certtool --load-privkey "$d/leaf.key" --load-certificate "$d/leaf.pem" --load-ca-certificate "$d/ica.pem" \
	--to-p12 --outder --outfile "$d/gnutls.pfx" --p12-name "gnutls" --password "pfx store secret" >/dev/null 2>&1
nss_db "$d/nss"
: >"$T/empty"
pk12util -i "$d/o-modern.pfx" -d "sql:$d/nss" -w "$T/pw" -k "$T/empty" >/dev/null 2>&1
pk12util -o "$d/nss.pfx" -n "ossl" -d "sql:$d/nss" -w "$T/pw" -k "$T/empty" >/dev/null 2>&1
for f in o-modern:ossl o-legacy:ossl-legacy gnutls:gnutls nss:ossl; do
	n=${f#*:}; f=${f%%:*}
	S=$T/s-$f
	expect_run 2 "$f.pfx: wrong password" import-pfx --store "$S" --password-file "$T/wpw" "$d/$f.pfx"
	expect_eq "$(nfiles "$S")" 0 "$f.pfx: nothing written on a wrong password"
	expect_run 0 "$f.pfx: import-pfx" import-pfx --store "$S" --password-file "$T/pw" "$d/$f.pfx"
	expect_eq "$(store_summary "$S" | tr '\n' ';')" \
		"$(printf '%s\n' "intermediate $I False -" "personal $L True $n" | sort | tr '\n' ';')" \
		"$f.pfx: leaf+key in personal as '$n', issuing CA in intermediate"
	expect_eq "$(pubkey_of "$S/keys/$L.key")" "$(pubkey_of "$d/leaf.pem")" "$f.pfx: the stored key is the leaf's"
done
expect_run 0 "import-pfx --name" import-pfx --store "$T/s-named" --name "Renamed" --password-file "$T/pw" "$d/o-legacy.pfx"
expect_grep "personal $L True Renamed" <(store_summary "$T/s-named") "--name sets the friendly name"

# Refused files write nothing: an end-entity certificate without its key, a
# self-signed root goes to root.
openssl pkcs12 -export -nokeys -in "$d/leaf.pem" -certfile "$d/ica.pem" -passout "file:$T/pw" -out "$d/nokey.pfx" 2>/dev/null
expect_run 2 "PFX with an end-entity certificate and no key refused" import-pfx --store "$T/s-nokey" --password-file "$T/pw" "$d/nokey.pfx"
expect_grep "without its private key" "$T/err" "says the key is missing"
expect_eq "$(nfiles "$T/s-nokey")" 0 "nothing written for a refused PFX"
openssl pkcs12 -export -nokeys -in "$d/old.pem" -certfile "$d/ica.pem" -passout "file:$T/pw" -out "$d/cas.pfx" 2>/dev/null
expect_run 0 "PFX of CA certificates" import-pfx --store "$T/s-cas" --password-file "$T/pw" "$d/cas.pfx"
expect_eq "$(store_summary "$T/s-cas" | awk '{print $1, $2}' | tr '\n' ';')" \
	"$(printf '%s\n' "intermediate $I" "root $(fp1 "$d/old.pem")" | sort | tr '\n' ';')" "self-signed CA to root, CA to intermediate"
expect_run 2 "import-pfx of a PEM file" import-pfx --store "$T/s-pem" --password-file "$T/pw" "$d/leaf.pem"
expect_grep "not a PKCS#12/PFX file" "$T/err" "says it is not a PFX"
expect_run 0 "import-pfx --help" import-pfx --help

if grep -qFf "$d/keylines" "$LOG"; then bad "key material in output"; else ok "no key material in any output"; fi
finish
