# lib.sh - shared shell helpers for end-to-end tests: assertions and real
# PKIs generated with the openssl CLI at test time.
# shellcheck shell=bash

: "${CERTCHAIN:?set CERTCHAIN to the certchain binary}"
CC_WRAP=${CERTCHAIN_WRAP:-}
DATA=${CERTCHAIN_SHARED_DATA:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/shared/data}
PASS=0
FAIL=0
T=$(mktemp -d "${TMPDIR:-/tmp}/certchain-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
# Hermetic: a developer's own certificate store never changes test results.
export CERTCHAIN_STORE="$T/store"
# Reports written to a file wrap at 100 columns; a COLUMNS exported by the
# developer's shell would change that (test_wrap.sh sets it where it tests it).
unset COLUMNS

cc() { $CC_WRAP "$CERTCHAIN" "$@"; }

ok() { PASS=$((PASS + 1)); echo "ok   - $1"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && echo "       $2"; return 0; }

# expect_rc WANT DESC CMD...: run CMD, compare its exit code.
expect_rc() {
	local want=$1 desc=$2 got
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" = "$want" ]; then ok "$desc"; else
		bad "$desc" "exit $got, wanted $want: $(head -c 400 "$T/err")"; fi
}
# unwrap [FILE]: a report as it was before wrapping at 100 columns: each
# continuation line (indented deeper than the line it continues, and
# begun with a word that did not fit after it) joined to it with a space.
unwrap() {
	awk 'function ind(s) { match(s, /^ */); return RLENGTH }
		{ w = $0; sub(/^ +/, "", w); sub(/ .*/, "", w) }
		NR > 1 && ind($0) > first && length(prev) + 1 + length(w) > 100 {
			line = line " " substr($0, ind($0) + 1); prev = $0; next }
		NR > 1 { print line }
		{ line = $0; prev = $0; first = ind($0) }
		END { if (NR) print line }' "$@"
}
# expect_grep PATTERN FILE DESC: in FILE as written, or with its wrapped
# lines joined (a phrase may be split across them).
expect_grep() {
	if grep -qE -- "$1" "$2" || unwrap "$2" | grep -qE -- "$1"; then ok "$3"; else
		bad "$3" "no /$1/ in $(head -c 600 "$2")"; fi
}
expect_nogrep() {
	if grep -qE -- "$1" "$2" || unwrap "$2" | grep -qE -- "$1"; then bad "$3" "unexpected /$1/"; else
		ok "$3"; fi
}
# expect_eq GOT WANT DESC
expect_eq() {
	if [ "$1" = "$2" ]; then ok "$3"; else bad "$3" "got '$1', wanted '$2'"; fi
}
# Lower-case SHA-256 of each certificate in a PEM file, one per line.
fps() {
	rm -f "$T"/fp.*
	awk -v p="$T/fp." '/-----BEGIN CERTIFICATE-----/{n++; f=sprintf("%s%03d",p,n)}
		f{print > f} /-----END CERTIFICATE-----/{close(f); f=""}' "$1"
	for f in "$T"/fp.*; do [ -f "$f" ] && fp1 "$f"; done
	rm -f "$T"/fp.*
}
fp1() { openssl x509 -in "$1" -outform DER | sha256sum | cut -d' ' -f1; }

finish() {
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ]
}

# --- PKI generation -----------------------------------------------------
# pki_key DIR NAME ALG: ALG is rsa (2048) or ec (P-256).
pki_key() {
	if [ "$3" = ec ]; then
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1/$2.key" 2>/dev/null
	else
		openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1/$2.key" 2>/dev/null
	fi
}

_ext() { # _ext FILE KIND [SAN] [KID]: extension file for a CA or a leaf
	{
		printf '[req]\ndistinguished_name=dn\n[dn]\n'
		echo "[v3]"
		if [ "$2" = ca ]; then
			echo "basicConstraints=critical,CA:TRUE"
			echo "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"
		else
			echo "basicConstraints=critical,CA:FALSE"
			echo "keyUsage=critical,digitalSignature,keyEncipherment"
			echo "extendedKeyUsage=serverAuth"
			echo "subjectAltName=DNS:${3:-localhost}"
		fi
		if [ "${4:-kid}" = kid ]; then
			echo "subjectKeyIdentifier=hash"
			echo "authorityKeyIdentifier=keyid:always"
		else
			echo "subjectKeyIdentifier=none"
			echo "authorityKeyIdentifier=none"
		fi
		# PKI_AIA="caIssuers;URI:http://..." adds an AIA extension (lib-aia.sh)
		if [ -n "${PKI_AIA:-}" ]; then echo "authorityInfoAccess=$PKI_AIA"; fi
	} >"$1"
}

# pki_root DIR NAME CN [DAYS] [nokid]: self-signed CA with key DIR/NAME.key
pki_root() {
	local d=$1 n=$2 cn=$3 days=${4:-3650}
	[ -f "$d/$n.key" ] || pki_key "$d" "$n" "${PKI_ALG:-rsa}"
	_ext "$d/$n.ext" ca "" "${5:-kid}"
	openssl req -new -x509 -key "$d/$n.key" -subj "/O=certchain test/CN=$cn" \
		-days "$days" -set_serial "0x$(openssl rand -hex 8)" \
		-config "$d/$n.ext" -extensions v3 -out "$d/$n.pem" 2>/dev/null ||
		{ echo "pki_root $n failed" >&2; return 1; }
}

# pki_issue DIR NAME CN KEY ISSUER DAYS ca|leaf [SAN] [nokid]: certificate for
# CN with key DIR/KEY.key, signed by DIR/ISSUER.pem + DIR/ISSUER.key
pki_issue() {
	local d=$1 n=$2 cn=$3 key=$4 iss=$5 days=$6 kind=$7 san=${8:-}
	[ -f "$d/$key.key" ] || pki_key "$d" "$key" "${PKI_ALG:-rsa}"
	_ext "$d/$n.ext" "$kind" "$san" "${9:-kid}"
	openssl req -new -key "$d/$key.key" -subj "/O=certchain test/CN=$cn" \
		-config /dev/null -out "$d/$n.csr" 2>/dev/null &&
		openssl x509 -req -in "$d/$n.csr" -CA "$d/$iss.pem" -CAkey "$d/$iss.key" \
			-set_serial "0x$(openssl rand -hex 8)" -days "$days" \
			-extfile "$d/$n.ext" -extensions v3 -out "$d/$n.pem" 2>/dev/null ||
		{ echo "pki_issue $n failed" >&2; return 1; }
}

# pki_crosssign DIR ALG: the seed scenario. An old root, a new root (self-signed)
# and the same new subject+key cross-signed by the old root; an issuing CA
# under the new name; a leaf; a short-lived copy of the cross-sign (expired
# when judged 30 days on); a decoy with the new root's name and another key.
pki_crosssign() {
	local d=$1
	PKI_ALG=$2
	pki_root "$d" old "Old Root CA" 7300 &&
		pki_root "$d" new "New Root CA" 7300 &&
		pki_issue "$d" cross "New Root CA" new old 3650 ca &&
		pki_issue "$d" cross-short "New Root CA" new old 5 ca &&
		pki_issue "$d" ica "Issuing CA 1" ica new 1825 ca &&
		pki_issue "$d" leaf "www.example.test" leaf ica 90 leaf www.example.test &&
		pki_root "$d" decoy "New Root CA" 7300 &&
		pki_root "$d" decoy-nokid "New Root CA" 7300 nokid
	unset PKI_ALG
}
