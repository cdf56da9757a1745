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
run() { printf '$'; printf ' %q' "$@"; echo; "$@"; echo "(exit $?)"; }

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
say "6. Who still needs the cross-sign? Today's root stores (Apple 2025, Android 13 and 7, Chrome v36, Mozilla 2023, this machine's) and the legacy 2017 ones, and which of R36's possible anchors each holds"
run "$BIN" profiles -I "$R" "$R/sectigo-dv-r36.pem"
run "$BIN" explain -I "$R" --at 2026-06-01T00:00:00Z "$R/sectigo-dv-r36.pem"
say "7. The 2021 DST Root CA X3 failure: old OpenSSL (served-order) versus old Android and a modern client"
run "$BIN" explain -I "$R/isrg-root-x1-cross-by-dst-root-ca-x3.pem" -p ubuntu-2017 -p android-4.4 \
	-p "modern=$R/isrg-root-x1.pem" --at 2024-06-01T00:00:00Z "$R/lets-encrypt-r11.pem"

# 8-13: the same scenario on a live web server: a private nginx on 127.0.0.1,
# a generated PKI shaped like Sectigo's (old root, new self-signed root, the
# new root cross-signed by the old one), the store, bind, reload, check.
if ! command -v nginx >/dev/null 2>&1; then
	echo "(nginx is not installed: run 'sudo scripts/install-deps' for steps 8-13)"
	exit 0
fi
CERTCHAIN=$BIN
T0=$T
. "$here/tests/lib.sh"            # PKI helpers (makes its own temp dir $T)
. "$here/tests/lib-check.sh"      # free_port, nginx_start
. "$here/tests/lib-bind.sh"
D=$T
trap 'check_stop_all; rm -rf "$D" "$T0"' EXIT
export CERTCHAIN_STORE=$D/store
pki_crosssign "$D" ec
port=$(free_port)
mkdir -p "$D/ngx/conf.d"
echo "include $D/ngx/conf.d/*.conf;" >"$D/ngx/servers.conf"
nginx_start "$D/ngx"
for f in old new cross ica; do "$BIN" store import "$D/$f.pem" >/dev/null; done
"$BIN" store import "$D/leaf.pem" --key "$D/leaf.key" --name "www demo" >/dev/null

say "8. Before: the store holds the new self-signed root, so the shortest chain is bound; a legacy client (trusts only the old root) checks the live server"
run "$BIN" store list
run "$BIN" bind --server nginx --site www --cert "www demo" --ip 127.0.0.1 --port "$port" \
	--conf-dir "$D/ngx/conf.d" --deploy-dir "$D/ngx/certs" --nginx-prefix "$D/ngx" --nginx-conf "$D/ngx/nginx.conf"
run "$BIN" reload
run "$BIN" check --sni www.example.test -r "$D/old.pem" "127.0.0.1:$port"

say "9. The Windows procedure: disable the self-signed root, rebind by friendly name, reload (validated, then proved over TLS)"
run "$BIN" store disable "$(openssl x509 -in "$D/new.pem" -outform DER | sha256sum | cut -c1-16)"
run "$BIN" bind --server nginx --site www --cert "www demo" --ip 127.0.0.1 --port "$port"
run "$BIN" reload

say "10. After: the same legacy client checks the live server again"
run "$BIN" check --sni www.example.test -r "$D/old.pem" "127.0.0.1:$port"
run "$BIN" bindings

say "11. Export leaf + key + the whole certification path as a password-protected PFX (for IIS, Java, load balancers), and look inside"
export DEMO_PFX_PASSWORD=demo-only-password   # a real password comes from a file, env var or prompt
run "$BIN" export "www demo" --password-env DEMO_PFX_PASSWORD -o "$D/www.pfx"
run "$BIN" inspect --password-env DEMO_PFX_PASSWORD "$D/www.pfx"

say "12. A gap: a hand-configured server sends the leaf and the cross-sign but not the issuing CA; check names the missing certificate"
gport=$(free_port)
s_serve "$gport" "$D/leaf.pem" "$D/leaf.key" "$D/cross.pem"
run "$BIN" check --no-aia --connect 127.0.0.1 -p "legacy=$D/old.pem" -p "modern=$D/new.pem" "www.example.test:$gport"

say "13. From fix to the site: fix writes the repaired chain, bind --chain deploys exactly it, reload proves it, check agrees"
run "$BIN" fix --no-aia --connect 127.0.0.1 -p "legacy=$D/old.pem" -p "modern=$D/new.pem" -o "$D/fixed.pem" "www.example.test:$gport"
run "$BIN" bind --server nginx --site www --cert "www demo" --chain "$D/fixed.pem" -p "legacy=$D/old.pem" \
	-p "modern=$D/new.pem" --ip 127.0.0.1 --port "$port"
run "$BIN" reload
run "$BIN" check --sni www.example.test -p "legacy=$D/old.pem" -p "modern=$D/new.pem" "127.0.0.1:$port"
