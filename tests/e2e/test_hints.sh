#!/bin/bash
# End-to-end: store selectors and hints (issue 13, points 9 and 10): a DN in
# either order matches; "no match" shows the DN form; an ambiguous selector
# lists each match with the thumbprint prefix to use; importing a leaf
# without its key names --key and --to; export and bind without the issuing
# CA name it (subject, key id, CA Issuers URL) and do not suggest --no-chain.
. "$(dirname "$0")/../lib.sh"

P=$T/pki; mkdir -p "$P"
pki_crosssign "$P" rsa || bad "PKI"
export CERTCHAIN_STORE=$T/st
cc store import "$P/old.pem" >/dev/null 2>&1
cc store import "$P/new.pem" >/dev/null 2>&1
cc store import "$P/cross.pem" >/dev/null 2>&1

for sel in "CN=Old Root CA,O=certchain test" "O=certchain test,CN=Old Root CA" \
	"O = certchain test, CN = Old Root CA" "cn=Old Root CA, o=certchain test"; do
	expect_rc 0 "selector '$sel' matches the old root" cc store show --json "$sel"
	expect_grep "$(fp1 "$P/old.pem")" "$T/out" "'$sel': the old root itself"
done
expect_rc 1 "a DN with another attribute value matches nothing" \
	cc store show "O=other,CN=Old Root CA"
expect_grep 'CN=NAME,O=ORG' "$T/err" "the no-match hint shows the DN form"
expect_rc 2 "CN=New Root CA is ambiguous (self-signed and cross-signed)" \
	cc store disable "CN=New Root CA"
for f in new cross; do
	expect_grep "$(fp1 "$P/$f.pem" | cut -c1-16) \(New Root CA issued by" "$T/err" \
		"the ambiguous list gives the $f certificate's thumbprint prefix"
done
expect_rc 0 "the listed prefix selects one" cc store disable "$(fp1 "$P/new.pem" | cut -c1-16)"

expect_rc 2 "store import of a leaf without a key is refused" cc store import "$P/leaf.pem"
expect_grep "give it with .-key KEYFILE" "$T/err" "the refusal names --key"
expect_grep "with .-to intermediate" "$T/err" "the refusal names --to"
expect_eq "$(wc -l <"$T/err")" 1 "in one line"
expect_rc 0 "with --key it goes to personal" cc store import "$P/leaf.pem" --key "$P/leaf.key"

# --- export/bind without the issuing CA: the missing issuer, named
A=$T/aia; mkdir -p "$A"
pki_root "$A" root "AIA Root CA" && pki_issue "$A" ica "AIA Issuing CA" ica root 1825 ca &&
	PKI_AIA="caIssuers;URI:http://pki.example.test/ica.der" \
		pki_issue "$A" leaf "www.example.test" leaf ica 90 leaf www.example.test || bad "AIA PKI"
aki=$(openssl x509 -in "$A/leaf.pem" -noout -ext authorityKeyIdentifier | tail -1 | tr -d ' :' | sed 's/^keyid//')
expect_rc 1 "export without the issuing CA -> exit 1" \
	cc export --no-store --no-aia --cert "$A/leaf.pem" --key "$A/leaf.key" -p "r=$A/root.pem" \
	--format pem-fullchain -o "$T/x.pem"
expect_grep "the issuer of www.example.test is missing: CN=AIA Issuing CA,O=certchain test, key id $aki" \
	"$T/err" "export names the missing issuer by DN and key id"
expect_grep "http://pki.example.test/ica.der" "$T/err" "export gives the leaf's CA Issuers URL"
expect_nogrep "no.chain" "$T/err" "export does not suggest --no-chain"
expect_eq "$(wc -l <"$T/err")" 1 "export: one line"
[ -e "$T/x.pem" ] && bad "export wrote a file without a chain" || ok "export wrote nothing"
finish
