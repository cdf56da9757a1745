#!/bin/bash
# demo.sh BIN - the cross-sign scenario for a newcomer, on a generated PKI and
# on the real Sectigo/USERTrust certificates.
set -u
BIN=$1
here=$(cd "$(dirname "$0")/.." && pwd)
R=${CERTCHAIN_SHARED_DATA:-$here/../shared/data}/real-certs
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; echo "(exit $?)"; }

say "1. A real Sectigo DV R36 intermediate, served to a client that only trusts USERTrust RSA (legacy)"
run "$BIN" build -I "$R" -r "$R/usertrust-rsa-root.pem" --at 2026-06-01T00:00:00Z "$R/sectigo-dv-r36.pem"
say "2. The same, for a client that trusts only AAA Certificate Services (older still)"
run "$BIN" build -I "$R" -r "$R/aaa-certificate-services-root.pem" --at 2026-06-01T00:00:00Z "$R/sectigo-dv-r36.pem"
say "3. A modern client that has the self-signed R46: every valid path, ranked"
run "$BIN" build -I "$R" -r "$R/sectigo-r46-root.pem" -r "$R/usertrust-rsa-root.pem" --all --at 2026-06-01T00:00:00Z "$R/sectigo-dv-r36.pem"
say "4. Checking a chain file as a server would send it: R36 + the self-signed R46 root"
cat "$R/sectigo-dv-r36.pem" "$R/sectigo-r46-root.pem" >"$T/served.pem"
run "$BIN" verify -r "$R/usertrust-rsa-root.pem" --at 2026-06-01T00:00:00Z "$T/served.pem"
say "5. The fix: build the chain through the cross-sign and verify it"
"$BIN" build -I "$R" -r "$R/usertrust-rsa-root.pem" --at 2026-06-01T00:00:00Z -o "$T/fixed.pem" "$R/sectigo-dv-r36.pem" >/dev/null
run "$BIN" verify -r "$R/usertrust-rsa-root.pem" --at 2026-06-01T00:00:00Z "$T/fixed.pem"
say "6. Which chain do the most clients trust? The built-in 2017 root stores (Windows, macOS, iOS, NSS, Android, Ubuntu) plus this machine's"
run "$BIN" explain -I "$R" --at 2026-06-01T00:00:00Z "$R/sectigo-dv-r36.pem"
say "7. The 2021 DST Root CA X3 failure: old OpenSSL (served-order) versus old Android and a modern client"
run "$BIN" explain -I "$R/isrg-root-x1-cross-by-dst-root-ca-x3.pem" -p ubuntu-2017 -p android-4.4 \
	-p "modern=$R/isrg-root-x1.pem" --at 2024-06-01T00:00:00Z "$R/lets-encrypt-r11.pem"
