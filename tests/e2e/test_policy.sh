#!/bin/bash
# End-to-end: validation policies. A chain that breaks a Web PKI rule is
# refused under webpki with the rule named (build, verify, check: text and
# JSON), accepted under legacy; profiles show their policy; the trust matrix
# names the rule where one profile accepts and another refuses; rules only
# rfc5280 has, an empty issuer on a leaf no path reaches, the chain of a CA
# with keyCertSign only; and the conformance cases (tests/conformance/run.sh) are all judged right, more
# than openssl verify -x509_strict gets right.
# shellcheck shell=bash
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-check.sh"
trap 'check_stop_all; rm -rf "$T"' EXIT

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
P="$T/pki"
mkdir -p "$P"
PKI_ALG=ec pki_root "$P" root "Policy Root" 3650 &&
	PKI_ALG=ec pki_issue "$P" ica "Policy CA" ica root 1825 ca &&
	PKI_ALG=ec pki_issue "$P" good "www.policy.test" good ica 90 leaf www.policy.test || exit 1
# A leaf without extendedKeyUsage (BR 7.1.2.7.10): OpenSSL accepts it.
pki_key "$P" noeku ec
printf '[v3]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectAltName=DNS:www.policy.test\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n' >"$P/noeku.ext"
openssl req -new -key "$P/noeku.key" -subj "/CN=www.policy.test" -config /dev/null \
	-out "$P/noeku.csr" 2>/dev/null &&
	openssl x509 -req -in "$P/noeku.csr" -CA "$P/ica.pem" -CAkey "$P/ica.key" -days 90 \
		-set_serial 0x1234 -extfile "$P/noeku.ext" -extensions v3 -out "$P/noeku.pem" 2>/dev/null || exit 1
cat "$P/noeku.pem" "$P/ica.pem" >"$P/noeku-chain.pem"
cat "$P/good.pem" "$P/ica.pem" >"$P/good-chain.pem"
openssl verify -CAfile "$P/root.pem" -untrusted "$P/ica.pem" -purpose sslserver \
	-verify_hostname www.policy.test "$P/noeku.pem" >/dev/null 2>&1 &&
	ok "openssl verify accepts the leaf without EKU" || bad "openssl verify accepts the leaf without EKU"

# --- build
expect_rc 0 "build: a BR-conformant chain is valid (webpki)" \
	cc build --no-store -r "$P/root.pem" -I "$P/ica.pem" --host www.policy.test "$P/good.pem"
expect_rc 1 "build: leaf without EKU is invalid (webpki, the default)" \
	cc build --no-store -r "$P/root.pem" -I "$P/ica.pem" --host www.policy.test "$P/noeku.pem"
expect_grep "rule leaf-eku-missing \(webpki policy\)" "$T/out" "build: the reason names the rule"
expect_rc 0 "build --policy legacy accepts it" \
	cc build --no-store --policy legacy -r "$P/root.pem" -I "$P/ica.pem" --host www.policy.test "$P/noeku.pem"
expect_rc 0 "build --policy rfc5280 accepts it (not an RFC 5280 rule)" \
	cc build --no-store --policy rfc5280 -r "$P/root.pem" -I "$P/ica.pem" --host www.policy.test "$P/noeku.pem"
expect_rc 2 "build --policy lax: usage error" \
	cc build --no-store --policy lax -r "$P/root.pem" "$P/good.pem"
expect_grep "policy.*lax" "$T/err" "the error names the bad policy"

# --- verify: text and JSON findings
expect_rc 1 "verify: leaf without EKU -> error finding" \
	cc verify --no-store -r "$P/root.pem" --host www.policy.test "$P/noeku-chain.pem"
expect_grep "error +leaf-eku-missing +position 0 \(www.policy.test, depth 0 in the path\)" "$T/out" \
	"verify: the finding names the rule, the certificate and its position"
expect_rc 1 "verify --json" \
	cc verify --no-store --json -r "$P/root.pem" --host www.policy.test "$P/noeku-chain.pem"
expect_eq "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(",".join(f["id"]+":"+f["severity"]+":"+str(f["depth"]) for f in d["findings"] if f["id"]=="leaf-eku-missing"))' "$T/out")" \
	"leaf-eku-missing:error:0" "verify --json: the rule finding with severity and position"
expect_rc 0 "verify --policy legacy: no rule finding" \
	cc verify --no-store --policy legacy -r "$P/root.pem" --host www.policy.test "$P/noeku-chain.pem"
expect_nogrep "leaf-eku-missing" "$T/out" "verify --policy legacy: the rule is not reported"
expect_rc 0 "verify: the conformant chain has no finding" \
	cc verify --no-store -r "$P/root.pem" --host www.policy.test "$P/good-chain.pem"

# --- check against a live server
port=$(free_port)
s_serve "$port" "$P/noeku.pem" "$P/noeku.key" "$P/ica.pem" || exit 1
expect_rc 1 "check: the served chain breaks a webpki rule" \
	cc check --no-store --no-aia -r "$P/root.pem" --sni www.policy.test "127.0.0.1:$port"
expect_grep "leaf-eku-missing" "$T/out" "check: text names the rule"
expect_rc 1 "check --json" \
	cc check --no-store --no-aia --json -r "$P/root.pem" --sni www.policy.test "127.0.0.1:$port"
expect_grep '"id":"leaf-eku-missing"' "$T/out" "check --json: the rule finding"
expect_rc 0 "check --policy legacy: accepted" \
	cc check --no-store --no-aia --policy legacy -r "$P/root.pem" --sni www.policy.test "127.0.0.1:$port"

# --- profiles and the trust matrix
CERTCHAIN_DATA_DIR="$ROOT/data" expect_rc 0 "profiles" cc profiles --no-store
expect_grep "^android-4.4 .* legacy " "$T/out" "profiles: old Android is legacy"
expect_grep "^nss-2017 .* webpki " "$T/out" "profiles: a browser profile is webpki"
expect_rc 0 "profiles -p ...,policy=rfc5280 --json" \
	cc profiles --no-store --json -p "lab=$P/root.pem,policy=rfc5280"
expect_grep '"policy":"rfc5280"' "$T/out" "profiles --json: the spec's policy"
expect_rc 0 "build --all: one profile accepts (legacy), the other refuses (webpki)" \
	cc build --no-store --all -I "$P/ica.pem" -p "web=$P/root.pem" \
	-p "old=$P/root.pem,policy=legacy" --host www.policy.test "$P/noeku.pem"
expect_grep "web +UNTRUSTED: leaf rule leaf-eku-missing" "$T/out" "matrix: the refusing cell names the rule"
expect_grep "old +trusted via Policy Root" "$T/out" "matrix: the legacy profile trusts it"
expect_rc 0 "build --all --json" \
	cc build --no-store --all --json -I "$P/ica.pem" -p "web=$P/root.pem" \
	-p "old=$P/root.pem,policy=legacy" --host www.policy.test "$P/noeku.pem"
expect_grep '"rule":"leaf-eku-missing"' "$T/out" "matrix --json: the verdict's rule"

# --- explain, export and bind take --policy too
expect_rc 1 "explain: leaf without EKU, no chain to serve (webpki)" \
	cc explain --no-store -r "$P/root.pem" -I "$P/ica.pem" --host www.policy.test "$P/noeku.pem"
expect_grep "rule leaf-eku-missing \(webpki policy\)" "$T/out" "explain: the reason names the rule"
expect_rc 0 "explain --policy legacy: served" \
	cc explain --no-store --policy legacy -r "$P/root.pem" -I "$P/ica.pem" --host www.policy.test "$P/noeku.pem"
expect_rc 1 "export: no trusted chain under webpki" \
	cc export --no-store --cert "$P/noeku.pem" --key "$P/noeku.key" -r "$P/root.pem" \
	-I "$P/ica.pem" --host www.policy.test -o "$T/exp-web.pem"
expect_grep "leaf-eku-missing" "$T/err" "export: the error names the rule"
[ ! -e "$T/exp-web.pem" ] && ok "export: nothing written" || bad "export: nothing written"
expect_rc 0 "export --policy legacy: written" \
	cc export --no-store --policy legacy --cert "$P/noeku.pem" --key "$P/noeku.key" \
	-r "$P/root.pem" -I "$P/ica.pem" --host www.policy.test -o "$T/exp-legacy.pem"
expect_eq "$(grep -c 'BEGIN CERTIFICATE' "$T/exp-legacy.pem")" 2 "export --policy legacy: leaf + intermediate"
B=$T/bind
mkdir -p "$B/conf.d"
CERTCHAIN_STORE=$B/store cc store import "$P/root.pem" >/dev/null &&
	CERTCHAIN_STORE=$B/store cc store import "$P/ica.pem" >/dev/null &&
	CERTCHAIN_STORE=$B/store cc store import "$P/noeku.pem" --key "$P/noeku.key" --name noeku >/dev/null ||
	bad "bind: store set-up"
bopts=(--server nginx --site www --cert noeku --ip 127.0.0.1 --port 443 --conf-dir "$B/conf.d"
	--deploy-dir "$B/certs" --nginx-prefix "$B" --nginx-conf "$B/nginx.conf")
CERTCHAIN_STORE=$B/store expect_rc 1 "bind: no trusted chain under webpki (the store's roots)" \
	cc bind "${bopts[@]}"
expect_grep "leaf-eku-missing" "$T/err" "bind: the error names the rule"
[ ! -e "$B/certs/www.fullchain.pem" ] && ok "bind: nothing deployed" || bad "bind: nothing deployed"
CERTCHAIN_STORE=$B/store expect_rc 0 "bind --policy legacy: deployed (the store's roots follow --policy)" \
	cc bind "${bopts[@]}" --policy legacy
expect_eq "$(grep -c 'BEGIN CERTIFICATE' "$B/certs/www.fullchain.pem")" 2 "bind --policy legacy: leaf + intermediate"

# --- --policy and each profile's own: by how a profile was made, never by name
expect_rc 0 "-p roots=FILE,policy=legacy keeps legacy under the default --policy" \
	cc build --no-store --all -I "$P/ica.pem" -p "roots=$P/root.pem,policy=legacy" \
	--host www.policy.test "$P/noeku.pem"
expect_grep "roots +trusted via Policy Root" "$T/out" "a user profile named roots keeps its policy=legacy"
expect_rc 0 "--policy legacy: -p NAME=PATH without policy= follows it, with policy= keeps its own" \
	cc build --no-store --all --policy legacy -I "$P/ica.pem" -p "lab=$P/root.pem" \
	-p "web=$P/root.pem,policy=webpki" --host www.policy.test "$P/noeku.pem"
expect_grep "lab +trusted via Policy Root" "$T/out" "-p without policy= takes --policy legacy"
expect_grep "web +UNTRUSTED: leaf rule leaf-eku-missing" "$T/out" "-p with policy=webpki keeps it"
expect_rc 0 "--policy legacy: -r (the profile roots) follows it" \
	cc build --no-store --all --policy legacy -I "$P/ica.pem" -r "$P/root.pem" \
	--host www.policy.test "$P/noeku.pem"
expect_grep "roots +trusted via Policy Root" "$T/out" "-r's profile takes --policy"

# --- the anchor's own encoding is not judged (RFC 5280 6.1.1 (d)): the same
# root name and key as a v1, SHA-1 self-signed certificate, and as one without
# subjectKeyIdentifier and with a non-critical basicConstraints
openssl req -new -key "$P/root.key" -subj "/O=certchain test/CN=Policy Root" -config /dev/null \
	-out "$P/root-v1.csr" 2>/dev/null &&
	openssl x509 -req -in "$P/root-v1.csr" -signkey "$P/root.key" -sha1 -days 3650 \
		-out "$P/root-v1.pem" 2>/dev/null || exit 1
printf '[req]\ndistinguished_name=dn\n[dn]\n[v3]\nbasicConstraints=CA:TRUE\nkeyUsage=keyCertSign,cRLSign\nsubjectKeyIdentifier=none\n' >"$P/root-noski.ext"
openssl req -new -x509 -key "$P/root.key" -subj "/O=certchain test/CN=Policy Root" -days 3650 \
	-config "$P/root-noski.ext" -extensions v3 -out "$P/root-noski.pem" 2>/dev/null || exit 1
openssl x509 -in "$P/root-v1.pem" -noout -text | grep -q "Version: 1 " &&
	ok "the v1 root is v1" || bad "the v1 root is v1"
expect_rc 0 "build: a v1, SHA-1 self-signed anchor ends a valid webpki path" \
	cc build --no-store -r "$P/root-v1.pem" -I "$P/ica.pem" --host www.policy.test "$P/good.pem"
expect_rc 0 "build: an anchor without SKI, basicConstraints not critical: valid" \
	cc build --no-store -r "$P/root-noski.pem" -I "$P/ica.pem" --host www.policy.test "$P/good.pem"
expect_rc 0 "verify: the same, no error finding" \
	cc verify --no-store -r "$P/root-noski.pem" --host www.policy.test "$P/good-chain.pem"
expect_nogrep "error " "$T/out" "verify: no error for the anchor's encoding"
expect_rc 1 "verify: a chain refused for another reason shows the anchor's rule as a warning" \
	cc verify --no-store --json -r "$P/root-noski.pem" --host www.policy.test "$P/noeku-chain.pem"
expect_eq "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(",".join(sorted(f["id"]+":"+f["severity"] for f in d["findings"] if f["id"] in ("missing-ski","bc-not-critical","leaf-eku-missing"))))' "$T/out")" \
	"bc-not-critical:warning,leaf-eku-missing:error,missing-ski:warning" \
	"verify --json: the leaf's rule an error, the anchor's encoding warnings"

# --- RFC 5280 rules OpenSSL lets through
# An intermediate with keyUsage keyCertSign and cRLSign only (as the BR have
# it) and a non-critical nameConstraints (RFC 5280 4.2.1.10 wants it
# critical, BR 7.1.2.5.2 allows it non-critical).
printf '[v3]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\nnameConstraints=permitted;DNS:policy.test\n' >"$P/ncica.ext"
openssl req -new -key "$P/ica.key" -subj "/CN=Policy NC CA" -config /dev/null \
	-out "$P/ncica.csr" 2>/dev/null &&
	openssl x509 -req -in "$P/ncica.csr" -CA "$P/root.pem" -CAkey "$P/root.key" -days 90 \
		-set_serial 0x4321 -extfile "$P/ncica.ext" -extensions v3 -out "$P/ncica.pem" 2>/dev/null &&
	cp "$P/ica.key" "$P/ncica.key" &&
	PKI_ALG=ec pki_issue "$P" ncleaf "www.policy.test" good ncica 90 leaf www.policy.test || exit 1
cat "$P/ncleaf.pem" "$P/ncica.pem" >"$P/nc-chain.pem"
expect_rc 0 "verify: a non-critical nameConstraints is no error under webpki" \
	cc verify --no-store -r "$P/root.pem" --host www.policy.test "$P/nc-chain.pem"
expect_nogrep "nc-not-critical" "$T/out" "verify: webpki reports no nc-not-critical"
expect_rc 1 "verify --policy rfc5280: refused" \
	cc verify --no-store --json --policy rfc5280 -r "$P/root.pem" --host www.policy.test "$P/nc-chain.pem"
expect_eq "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(",".join(f["id"]+":"+f["severity"]+":"+str(f["depth"]) for f in d["findings"] if f["id"]=="nc-not-critical"))' "$T/out")" \
	"nc-not-critical:error:1" "verify --policy rfc5280 --json: nc-not-critical at the intermediate"
# the chain of that CA, built with no host: judged as a CA (its purpose
# too), where OpenSSL alone asks a server's digitalSignature of it
expect_rc 0 "build: the chain of a keyCertSign-only CA, no host" \
	cc build --no-store -r "$P/root.pem" "$P/ncica.pem"
# A leaf whose issuer is empty, signed with the intermediate's key: no
# certificate has that name, no path reaches it, the finding says why.
printf '[req]\ndistinguished_name=dn\n[dn]\n[v3]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\nsubjectKeyIdentifier=hash\n' >"$P/noname.ext"
openssl req -new -x509 -key "$P/ica.key" -subj / -days 1 -config "$P/noname.ext" \
	-extensions v3 -out "$P/noname.pem" 2>/dev/null && cp "$P/ica.key" "$P/noname.key" &&
	PKI_ALG=ec pki_issue "$P" noissuer "www.policy.test" good noname 90 leaf www.policy.test || exit 1
cat "$P/noissuer.pem" "$P/ica.pem" >"$P/noissuer-chain.pem"
expect_rc 1 "verify --json: a leaf with an empty issuer" \
	cc verify --no-store --json -r "$P/root.pem" --host www.policy.test "$P/noissuer-chain.pem"
expect_eq "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(",".join(f["id"]+":"+f["severity"]+":"+str(f["depth"]) for f in d["findings"] if f["id"]=="empty-issuer"))' "$T/out")" \
	"empty-issuer:error:0" "verify --json: empty-issuer at the leaf"

# --- real data: the SHA-1 self-signed anchors stay usable
R="$DATA/real-certs"
if [ -d "$R" ]; then
	expect_rc 0 "real: R36 through the AAA Certificate Services (SHA-1 self-signed) anchor" \
		cc build --no-store --at 2026-06-01T00:00:00Z -I "$R" \
		-r "$R/aaa-certificate-services-root.pem" "$R/sectigo-dv-r36.pem"
	# a client that ignores its anchor's dates (webpki policy) still uses the
	# expired, SHA-1 self-signed DST Root CA X3
	expect_rc 0 "real: R10 through DST Root CA X3 (SHA-1 self-signed), anchor dates ignored" \
		cc build --no-store --at 2024-06-01T00:00:00Z -I "$R" \
		-p "dst=$R/dst-root-ca-x3.pem,behaviour=no-expiry-check-on-anchor" \
		"$R/lets-encrypt-r10.pem"
	expect_grep "ISRG Root X1" "$T/out" "real: the path runs through the ISRG X1 cross-sign"
fi

# --- conformance cases
CERTCHAIN="$CERTCHAIN" bash "$ROOT/tests/conformance/run.sh" >"$T/conf" 2>&1
tally=$(tail -1 "$T/conf")
read -r _ ccr _ _ _ osr _ <<<"$tally"
expect_eq "${ccr%/*}" "${ccr#*/}" "conformance: certchain judges every case right ($tally)"
[ "${ccr%/*}" -gt "${osr%/*}" ] && ok "conformance: more right than openssl verify -x509_strict" ||
	bad "conformance: more right than openssl verify -x509_strict" "$tally"
finish
