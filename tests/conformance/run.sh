#!/bin/bash
# run.sh - path-validation conformance cases in the style of the C2SP
# x509-limbo suite (namespaces rfc5280::, webpki::, pathlen::), made with the
# openssl CLI, each judged by
#   certchain build [--policy P] -r ROOT -I POOL --host NAME --no-store LEAF
#                                                     (exit 0 = accepted)
#   openssl verify -x509_strict -partial_chain -auth_level 2 -purpose sslserver
#                  -verify_hostname NAME (-verify_ip for an address)
#                  -CAfile ROOT -untrusted POOL LEAF
# (a case without a peer name, as x509-limbo's rfc5280::nc::permitted-dn-match,
# passes neither --host nor -verify_hostname; one that trusts the intermediate
# gives it as ROOT and no POOL)
# against the expected answer of a Web PKI client. Prints one line per case
# and a tally: "certchain R/N right, openssl verify R/N right".
# usage: CERTCHAIN=build/certchain bash tests/conformance/run.sh [-v]
set -u
: "${CERTCHAIN:?set CERTCHAIN to the certchain binary}"
verbose=${1:-}
T=$(mktemp -d "${TMPDIR:-/tmp}/certchain-conf.XXXXXX")
trap 'rm -rf "$T"' EXIT

ROOT_EXT='basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash'
ICA_EXT="$ROOT_EXT
authorityKeyIdentifier=keyid:always"
leaf_ext() { # leaf_ext SAN: a Baseline Requirements subscriber certificate
	printf '%s\n' 'basicConstraints=critical,CA:FALSE' \
		'keyUsage=critical,digitalSignature' 'extendedKeyUsage=serverAuth' \
		"subjectAltName=$1" 'subjectKeyIdentifier=hash' \
		'authorityKeyIdentifier=keyid:always'
}
LEAF_EXT=$(leaf_ext DNS:www.conf.test)
LEAF_BASE='basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always'

key() { # key FILE ALG: ec:CURVE, rsa:BITS or dsa (2048, parameters made once)
	case $2 in
	ec:*) openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:${2#ec:}" -out "$1" 2>/dev/null ;;
	rsa:*) openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${2#rsa:}" -out "$1" 2>/dev/null ;;
	dsa)
		[ -f "$T/dsa.param" ] || openssl genpkey -genparam -algorithm DSA \
			-pkeyopt dsa_paramgen_bits:2048 -out "$T/dsa.param" 2>/dev/null
		openssl genpkey -paramfile "$T/dsa.param" -out "$1" 2>/dev/null ;;
	esac
}
extfile() { printf '[req]\ndistinguished_name=dn\n[dn]\n[v3]\n%s\n' "$2" >"$1"; }

# cert DIR NAME CN EXT ALG MD DAYS [ISSUER]: EXT "-" = v1 without extensions
cert() {
	local d=$1 n=$2 cn=$3 ext=$4 alg=$5 md=$6 days=$7 iss=${8:-}
	# KEEP_KEY=1: sign again with the key already made (the same root, encoded otherwise)
	{ [ -n "${KEEP_KEY:-}" ] && [ -f "$d/$n.key" ]; } || key "$d/$n.key" "$alg" || return 1
	if [ -z "$iss" ] && [ "$ext" = - ]; then # a v1 self-signed root
		openssl req -new -key "$d/$n.key" -subj "/O=conformance/CN=$cn" \
			-config /dev/null -out "$d/$n.csr" 2>/dev/null &&
			openssl x509 -req -in "$d/$n.csr" -signkey "$d/$n.key" -"$md" \
				-days "$days" -set_serial "0x$(openssl rand -hex 8)" \
				-out "$d/$n.pem" 2>/dev/null
		return
	fi
	if [ -z "$iss" ]; then
		extfile "$d/$n.ext" "$ext"
		openssl req -new -x509 -key "$d/$n.key" -subj "/O=conformance/CN=$cn" \
			-"$md" -days "$days" -set_serial "0x$(openssl rand -hex 8)" \
			-config "$d/$n.ext" -extensions v3 -out "$d/$n.pem" 2>/dev/null
		return
	fi
	local serial=${CERT_SERIAL:-0x$(openssl rand -hex 8)}
	openssl req -new -key "$d/$n.key" -subj "/O=conformance/CN=$cn" \
		-config /dev/null -out "$d/$n.csr" 2>/dev/null || return 1
	if [ "$ext" = - ]; then
		openssl x509 -req -in "$d/$n.csr" -CA "$d/$iss.pem" -CAkey "$d/$iss.key" \
			-"$md" -days "$days" -set_serial "$serial" \
			-out "$d/$n.pem" 2>/dev/null
	else
		extfile "$d/$n.ext" "$ext"
		openssl x509 -req -in "$d/$n.csr" -CA "$d/$iss.pem" -CAkey "$d/$iss.key" \
			-"$md" -days "$days" -set_serial "$serial" \
			-extfile "$d/$n.ext" -extensions v3 -out "$d/$n.pem" 2>/dev/null
	fi
}

N=0 CC_RIGHT=0 OSSL_RIGHT=0
# kase ID EXPECT [VAR=VALUE...]: root -> ica [-> ica2] -> leaf, defaults
# above; VARs: root_ext ica_ext ica2_ext leaf_ext leaf_alg ica_alg root_alg root_md
# anchor_ext (the root given as anchor: root_ext's root signed again with these
# extensions, "-" for v1)
# ica_md leaf_md leaf_days host ("-": no peer name) leaf_cn leaf_serial
# policy (certchain's --policy; openssl verify is run the same way for every case)
# trust (root, or ica: the intermediate is the trust anchor)
# leaf_issuer_empty (1: the leaf names an empty issuer, signed with ica's key).
kase() {
	local id=$1 want=$2 root_ext=$ROOT_EXT ica_ext=$ICA_EXT ica2_ext= \
		leaf_ext=$LEAF_EXT leaf_alg=ec:P-256 ica_alg=ec:P-256 root_alg=ec:P-256 root_md=sha256 anchor_ext= \
		ica_md=sha256 leaf_md=sha256 leaf_days=90 host=www.conf.test \
		leaf_cn=www.conf.test leaf_serial= policy= trust=root leaf_issuer_empty= \
		d top=ica cc ossl
	shift 2
	for a in "$@"; do local "$a"; done
	d="$T/$N"
	mkdir -p "$d"
	cert "$d" root "Conformance Root" "$root_ext" "$root_alg" "$root_md" 3650 &&
		cert "$d" ica "Conformance CA" "$ica_ext" "$ica_alg" "$ica_md" 1825 root || {
		echo "case $id: generation failed" >&2; return; }
	if [ -n "$anchor_ext" ]; then # the anchor: same name and key, other encoding
		KEEP_KEY=1 cert "$d" root "Conformance Root" "$anchor_ext" "$root_alg" \
			"$root_md" 3650 || { echo "case $id: generation failed" >&2; return; }
	fi
	cp "$d/ica.pem" "$d/pool.pem"
	if [ -n "$ica2_ext" ]; then
		cert "$d" ica2 "Conformance CA 2" "$ica2_ext" ec:P-256 sha256 1825 ica || return
		cat "$d/ica2.pem" >>"$d/pool.pem"
		top=ica2
	fi
	if [ -n "$leaf_issuer_empty" ]; then # the issuer's key under an empty name
		extfile "$d/noname.ext" "$ROOT_EXT"
		openssl req -new -x509 -key "$d/$top.key" -subj / -days 1 -config "$d/noname.ext" \
			-extensions v3 -out "$d/noname.pem" 2>/dev/null && cp "$d/$top.key" "$d/noname.key" &&
			top=noname || { echo "case $id: generation failed" >&2; return; }
	fi
	CERT_SERIAL=$leaf_serial cert "$d" leaf "$leaf_cn" "$leaf_ext" "$leaf_alg" "$leaf_md" "$leaf_days" "$top" || {
		echo "case $id: generation failed" >&2; return; }
	local anchor=$d/root.pem cpool=(-I "$d/pool.pem") opool=(-untrusted "$d/pool.pem") \
		chost=() ohost=() cpol=()
	if [ "$trust" = ica ]; then
		anchor=$d/ica.pem cpool=() opool=()
	fi
	if [ "$host" != - ]; then
		chost=(--host "$host") ohost=(-verify_hostname "$host")
		[[ $host =~ ^[0-9.]+$ ]] && ohost=(-verify_ip "$host")
	fi
	[ -n "$policy" ] && cpol=(--policy "$policy")
	"$CERTCHAIN" build "${cpol[@]}" -r "$anchor" "${cpool[@]}" "${chost[@]}" --no-store \
		"$d/leaf.pem" >"$d/cc.out" 2>&1 && cc=pass || cc=fail
	openssl verify -x509_strict -partial_chain -auth_level 2 -purpose sslserver \
		"${ohost[@]}" -CAfile "$anchor" "${opool[@]}" \
		"$d/leaf.pem" >"$d/ossl.out" 2>&1 && ossl=pass || ossl=fail
	N=$((N + 1))
	[ "$cc" = "$want" ] && CC_RIGHT=$((CC_RIGHT + 1))
	[ "$ossl" = "$want" ] && OSSL_RIGHT=$((OSSL_RIGHT + 1))
	printf '%-44s expect %-4s certchain %-4s%s openssl %-4s%s\n' "$id" "$want" \
		"$cc" "$([ "$cc" = "$want" ] && echo ' ' || echo '!')" "$ossl" \
		"$([ "$ossl" = "$want" ] && echo ' ' || echo '!')"
	if [ -n "$verbose" ] && [ "$cc" != "$want" ]; then sed 's/^/    /' "$d/cc.out" | head -5; fi
}

# --- pathlen
kase pathlen::intermediate-pathlen-0 pass \
	ica_ext="$ICA_EXT"$'\n''basicConstraints=critical,CA:TRUE,pathlen:0'
kase pathlen::intermediate-pathlen-0-one-below fail \
	ica_ext="${ICA_EXT/CA:TRUE/CA:TRUE,pathlen:0}" ica2_ext="$ICA_EXT"
kase pathlen::intermediate-pathlen-1-one-below pass \
	ica_ext="${ICA_EXT/CA:TRUE/CA:TRUE,pathlen:1}" ica2_ext="$ICA_EXT"
kase pathlen::root-pathlen-0 fail root_ext="${ROOT_EXT/CA:TRUE/CA:TRUE,pathlen:0}"
kase pathlen::root-pathlen-1 pass root_ext="${ROOT_EXT/CA:TRUE/CA:TRUE,pathlen:1}"
kase pathlen::ee-pathlen pass leaf_ext="${LEAF_EXT/CA:FALSE/CA:FALSE,pathlen:0}"
# x509-limbo pathlen::validation-ignores-pathlen-in-leaf: the chain of a CA
# with pathLenConstraint 0 under one with pathLenConstraint 0, no peer name,
# keyUsage keyCertSign and cRLSign only; and a CA whose EKU forbids TLS
# servers, which the purpose check still refuses
kase pathlen::ca-leaf-pathlen-0-no-peer-name pass host=- \
	ica_ext="${ICA_EXT/CA:TRUE/CA:TRUE,pathlen:0}" leaf_ext="${ICA_EXT/CA:TRUE/CA:TRUE,pathlen:0}"
kase pathlen::ca-leaf-client-eku-no-peer-name fail host=- \
	leaf_ext="$ICA_EXT"$'\n''extendedKeyUsage=clientAuth'
# --- rfc5280
kase rfc5280::good-chain pass
kase rfc5280::good-chain-rsa pass leaf_alg=rsa:2048 ica_alg=rsa:3072
kase rfc5280::leaf-missing-aki fail leaf_ext="${LEAF_EXT/authorityKeyIdentifier=keyid:always/authorityKeyIdentifier=none}"
kase rfc5280::ica-missing-aki fail ica_ext="${ICA_EXT/authorityKeyIdentifier=keyid:always/authorityKeyIdentifier=none}"
kase rfc5280::ica-missing-ski fail ica_ext="${ICA_EXT/subjectKeyIdentifier=hash/subjectKeyIdentifier=none}" \
	leaf_ext="${LEAF_EXT/keyid:always/issuer:always}"
kase rfc5280::root-missing-basic-constraints fail root_ext='keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash'
# The anchor is a name and a key (RFC 5280 6.1.1 (d)); Chrome (BoringSSL
# pki ProcessRootCertificate) and mozilla::pkix do not judge its encoding:
# a root with a non-critical basicConstraints, no SKI, no keyUsage, an EKU or
# a BR-nonconforming AKI is a usable anchor (x509-limbo expects failure for
# some of these; the browsers accept them, and real roots of the Mozilla and
# Apple stores are so encoded). The same encodings on a certificate the
# client verifies are refused (the ica-* cases). README ("Where certchain's
# expected answer differs from x509-limbo's") cites the verifiers' source for
# each such case.
kase rfc5280::root-bc-not-critical pass root_ext="${ROOT_EXT/critical,CA:TRUE/CA:TRUE}"
kase rfc5280::ica-bc-not-critical fail ica_ext="${ICA_EXT/critical,CA:TRUE/CA:TRUE}"
kase rfc5280::root-missing-ski pass anchor_ext="${ROOT_EXT/subjectKeyIdentifier=hash/subjectKeyIdentifier=none}"
kase rfc5280::root-no-key-usage pass root_ext='basicConstraints=critical,CA:TRUE
subjectKeyIdentifier=hash'
kase rfc5280::root-v1 pass anchor_ext=-
kase webpki::root-self-signed-md5 pass root_alg=rsa:2048 root_md=md5
kase webpki::root-rsa-1024 fail root_alg=rsa:1024
kase webpki::root-eku-client-only fail root_ext="$ROOT_EXT"$'\n''extendedKeyUsage=clientAuth'
kase rfc5280::ica-not-ca fail ica_ext="${ICA_EXT/CA:TRUE/CA:FALSE}"
kase rfc5280::ica-no-key-usage fail ica_ext='basicConstraints=critical,CA:TRUE
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always'
kase rfc5280::leaf-keycertsign-not-ca fail leaf_ext="${LEAF_EXT/digitalSignature/digitalSignature,keyCertSign}"
kase rfc5280::leaf-p192 fail leaf_alg=ec:P-192
kase rfc5280::leaf-expired fail leaf_days=-1
kase rfc5280::nc-permitted-match pass ica_ext="$ICA_EXT"$'\n''nameConstraints=critical,permitted;DNS:conf.test'
kase rfc5280::nc-permitted-mismatch fail ica_ext="$ICA_EXT"$'\n''nameConstraints=critical,permitted;DNS:other.test'
kase rfc5280::nc-excluded-match fail ica_ext="$ICA_EXT"$'\n''nameConstraints=critical,excluded;DNS:conf.test'
# directoryName subtrees apply to the subject DN and to directoryName SANs
# (RFC 5280 4.2.1.10); OpenSSL checks both. x509-limbo's permitted-dn-match
# has no peer name: its leaf's only SAN is a directoryName.
NC_DN=nameConstraints=critical,permitted\;dirName:nc_dn
kase rfc5280::nc-permitted-dn-match pass ica_ext="$ICA_EXT"$'\n'"$NC_DN"$'\n[nc_dn]\nO=conformance'
kase rfc5280::nc-permitted-dn-match-no-peer-name pass host=- \
	ica_ext="$ICA_EXT"$'\n'"$NC_DN"$'\n[nc_dn]\nO=conformance' \
	leaf_ext="$(leaf_ext dirName:san_dn)"$'\n[san_dn]\nO=conformance\nCN=www.conf.test'
kase rfc5280::nc-root-permitted-dn-match pass \
	root_ext="$ROOT_EXT"$'\n'"$NC_DN"$'\n[nc_dn]\nO=conformance'
kase rfc5280::nc-permitted-dn-mismatch fail ica_ext="$ICA_EXT"$'\n'"$NC_DN"$'\n[nc_dn]\nO=other'
kase rfc5280::nc-permitted-dn-san-match-subject-mismatch fail \
	ica_ext="$ICA_EXT"$'\n'"$NC_DN"$'\n[nc_dn]\nO=other' \
	leaf_ext="$(leaf_ext DNS:www.conf.test,dirName:san_dn)"$'\n[san_dn]\nO=other'
kase rfc5280::nc-excluded-dn-match fail \
	ica_ext="$ICA_EXT"$'\n''nameConstraints=critical,excluded;dirName:nc_dn'$'\n[nc_dn]\nO=conformance'
# RFC 5280 4.2.1.10: nameConstraints is critical; the BR (7.1.2.5.2) allow
# it non-critical, so webpki takes what rfc5280 refuses
kase rfc5280::nc-not-critical fail policy=rfc5280 \
	ica_ext="$ICA_EXT"$'\n''nameConstraints=permitted;DNS:conf.test'
kase rfc5280::nc-root-not-critical fail policy=rfc5280 \
	root_ext="$ROOT_EXT"$'\n''nameConstraints=permitted;DNS:conf.test'
kase webpki::nc-not-critical pass ica_ext="$ICA_EXT"$'\n''nameConstraints=permitted;DNS:conf.test'
# nameConstraints only in a CA certificate
kase rfc5280::nc-in-leaf-critical fail \
	leaf_ext="$LEAF_EXT"$'\n''nameConstraints=critical,permitted;DNS:conf.test'
kase rfc5280::nc-in-leaf-noncritical fail \
	leaf_ext="$LEAF_EXT"$'\n''nameConstraints=permitted;DNS:conf.test'
kase rfc5280::nc-in-ca-as-leaf-no-peer-name pass host=- \
	leaf_ext="$ICA_EXT"$'\n''nameConstraints=critical,permitted;DNS:conf.test'
# a SAN dNSName that is no DNS name is in no permitted subtree
kase rfc5280::nc-permits-invalid-dns-san fail \
	ica_ext="$ICA_EXT"$'\n''nameConstraints=critical,permitted;DNS:conf.test' \
	leaf_ext="$(leaf_ext DNS:.conf.test,DNS:www.conf.test)"
kase rfc5280::nc-permits-wildcard-dns-san pass \
	ica_ext="$ICA_EXT"$'\n''nameConstraints=critical,permitted;DNS:conf.test' \
	leaf_ext="$(leaf_ext 'DNS:*.conf.test')"
kase rfc5280::hostname-mismatch fail host=other.conf.test
kase rfc5280::serial-20-octets pass leaf_serial=0x7f$(printf '42%.0s' $(seq 19))
kase rfc5280::serial-21-octets fail leaf_serial=0x7f$(printf '42%.0s' $(seq 20))
# RFC 5280 4.1.2.2: a positive serial number (BR 7.1: greater than zero)
kase rfc5280::serial-zero fail policy=rfc5280 leaf_serial=0
kase rfc5280::serial-negative fail policy=rfc5280 leaf_serial=-4660
kase rfc5280::serial-one pass policy=rfc5280 leaf_serial=1
kase webpki::serial-zero fail leaf_serial=0
# RFC 5280 4.1.2.4: a non-empty issuer (no certificate is named by it)
kase rfc5280::ee-empty-issuer fail leaf_issuer_empty=1
# RFC 5280 4.2.1.1: every certificate but a self-signed one has an AKI,
# the cross-signed one a client trusts too (x509-limbo
# rfc5280::aki::cross-signed-root-missing-aki); the browsers do not judge an
# anchor's encoding (README), so webpki takes it
kase rfc5280::xsigned-anchor-missing-aki fail policy=rfc5280 trust=ica \
	ica_ext="${ICA_EXT/authorityKeyIdentifier=keyid:always/authorityKeyIdentifier=none}"
kase rfc5280::xsigned-anchor-with-aki pass policy=rfc5280 trust=ica
kase webpki::xsigned-anchor-missing-aki pass trust=ica \
	ica_ext="${ICA_EXT/authorityKeyIdentifier=keyid:always/authorityKeyIdentifier=none}"
# RFC 5280 4.2.1.6 says SHOULD, BR 7.1.2.7.12 MUST: a critical SAN only with
# an empty subject
kase webpki::san-critical-nonempty-subject fail leaf_ext="$(leaf_ext critical,DNS:www.conf.test)"
kase rfc5280::san-critical-nonempty-subject pass policy=rfc5280 \
	leaf_ext="$(leaf_ext critical,DNS:www.conf.test)"
kase rfc5280::aia-critical fail leaf_ext="$LEAF_EXT"$'\n''authorityInfoAccess=critical,caIssuers;URI:http://ca.conf.test/ca.der'
kase rfc5280::san-ip-for-ip-host pass leaf_ext="$(leaf_ext IP:127.0.0.1)" host=127.0.0.1
# --- webpki
kase webpki::leaf-cn-only-no-san fail leaf_ext="$LEAF_BASE"$'\n''extendedKeyUsage=serverAuth'
kase webpki::leaf-no-eku fail leaf_ext="$LEAF_BASE"$'\n''subjectAltName=DNS:www.conf.test'
kase webpki::leaf-any-eku fail leaf_ext="${LEAF_EXT/serverAuth/serverAuth,anyExtendedKeyUsage}"
kase webpki::leaf-critical-eku fail leaf_ext="${LEAF_EXT/extendedKeyUsage=serverAuth/extendedKeyUsage=critical,serverAuth}"
kase webpki::leaf-client-eku-only fail leaf_ext="${LEAF_EXT/serverAuth/clientAuth}"
kase webpki::root-has-eku pass root_ext="$ROOT_EXT"$'\n''extendedKeyUsage=serverAuth'
kase webpki::ca-as-leaf fail leaf_ext="${LEAF_EXT/CA:FALSE/CA:TRUE}"
kase webpki::v1-leaf fail leaf_ext=-
kase webpki::leaf-dsa fail leaf_alg=dsa
kase webpki::leaf-p224 fail leaf_alg=ec:P-224
kase webpki::leaf-p384 pass leaf_alg=ec:P-384
kase webpki::leaf-rsa-1024 fail leaf_alg=rsa:1024
kase webpki::leaf-rsa-2052 fail leaf_alg=rsa:2052
kase webpki::ica-signed-sha1 fail ica_md=sha1
kase webpki::ica-signed-md5 fail root_alg=rsa:2048 ica_md=md5
kase webpki::leaf-signed-sha224 fail leaf_md=sha224
kase webpki::root-self-signed-sha1 pass root_md=sha1
kase webpki::partial-wildcard fail leaf_ext="$(leaf_ext 'DNS:w*.conf.test')"
kase webpki::wildcard-whole-label pass leaf_ext="$(leaf_ext 'DNS:*.conf.test')"
kase webpki::wildcard-not-leftmost fail leaf_ext="$(leaf_ext 'DNS:www.*.test')"
kase webpki::root-aki-issuer-serial pass root_ext="$ROOT_EXT"$'\n''authorityKeyIdentifier=keyid:always,issuer:always'
kase webpki::malformed-aia fail leaf_ext="$LEAF_EXT"$'\n''authorityInfoAccess=caIssuers;DNS:ca.conf.test'
kase webpki::aia-uri pass leaf_ext="$LEAF_EXT"$'\n''authorityInfoAccess=caIssuers;URI:http://ca.conf.test/ca.der'

echo "certchain $CC_RIGHT/$N right, openssl verify $OSSL_RIGHT/$N right"
