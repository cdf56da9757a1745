#!/bin/bash
# End-to-end: AIA stays where it should. A caIssuers URL on a loopback address
# is refused by default (by the address connected to, whatever the name in
# the URL) and the server sees no request; --aia-allow-local lets the tests'
# local server through; a redirect to another loopback address (127.0.0.2) is
# refused by default and followed with the option; text and --json name the
# final URL and the address of every fetch.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-aia.sh"

d=$T/pki; w=$T/www; mkdir -p "$d" "$w"
aia_start "$w" 127.0.0.2 || { bad "AIA test server did not start"; finish; exit 1; }
log2=$T/aia.log.127.0.0.2
export PKI_ALG=ec
pki_root "$d" root "Local AIA Root" &&
	pki_issue "$d" ica "Local AIA CA" ica root 3650 ca &&
	PKI_AIA="caIssuers;URI:$AIA_URL/f/ica.pem" pki_issue "$d" leaf "direct.local.test" leaf ica 90 leaf &&
	PKI_AIA="caIssuers;URI:$AIA_URL/to2/ica.pem" pki_issue "$d" leaf2 "redir.local.test" leaf ica 90 leaf &&
	PKI_AIA="caIssuers;URI:http://localhost:$AIA_PORT/f/ica.pem" pki_issue "$d" leafn "name.local.test" leaf ica 90 leaf &&
	PKI_AIA="caIssuers;URI:http://[::1]:$AIA_PORT/f/ica.pem" pki_issue "$d" leaf6 "v6.local.test" leaf ica 90 leaf ||
	{ bad "PKI generation"; finish; exit 1; }
cp "$d/ica.pem" "$w/"
: >"$T/aia.log"

# The server answers on both addresses (so the refusals below are ours).
python3 - "$AIA_PORT" <<'PY' && ok "the server answers on 127.0.0.1 and 127.0.0.2" || bad "server on 127.0.0.2"
import sys, urllib.request
for a in ("127.0.0.1", "127.0.0.2"):
    assert urllib.request.urlopen("http://%s:%s/f/ica.pem" % (a, sys.argv[1])).status == 200
PY
: >"$T/aia.log"; : >"$log2"

# 1. A first URL on 127.0.0.1, by default: refused, nothing sent.
expect_rc 1 "loopback AIA URL, default -> refused, no path" \
	cc build --aia --aia-cache "$T/c1" -r "$d/root.pem" "$d/leaf.pem"
expect_grep "^aia: $AIA_URL/f/ica.pem \(issuer of direct.local.test\): FAILED refused-address: .*127.0.0.1 is a loopback address" \
	"$T/out" "the text says refused, names the address"
expect_grep "final URL $AIA_URL/f/ica.pem \(address 127.0.0.1\).*--aia-allow-local" "$T/out" \
	"the text names the final URL and the option"
expect_eq "$(wc -c <"$T/aia.log")" "0" "the server saw no request"
cc build --aia --aia-cache "$T/c1" --json -r "$d/root.pem" "$d/leaf.pem" >"$T/j1"
python3 - "$T/j1" "$AIA_URL/f/ica.pem" <<'PY' && ok "--json: refused-address, final_url, address" || bad "--json refusal"
import json, sys
u = json.load(open(sys.argv[1]))["aia"]["urls"]
assert len(u) == 1 and u[0]["status"] == "refused-address", u
assert u[0]["final_url"] == sys.argv[2] and u[0]["address"] == "127.0.0.1", u
assert u[0]["http_status"] == 0 and u[0]["bytes"] == 0, u
PY
# fix and check --fix-out fetch by default: the same refusal.
expect_rc 1 "fix (AIA on by default) -> refused" cc fix --aia-cache "$T/c1" -r "$d/root.pem" "$d/leaf.pem"
expect_grep "FAILED refused-address" "$T/out" "fix reports the refusal"
expect_eq "$(wc -c <"$T/aia.log")" "0" "the server still saw no request"
expect_rc 1 "a name (localhost) that resolves to loopback -> refused" \
	cc build --aia --aia-cache "$T/c1" -r "$d/root.pem" "$d/leafn.pem"
expect_grep "FAILED refused-address: .*is a loopback address" "$T/out" "the connected address decides, not the name"
expect_rc 1 "[::1] URL -> refused" cc build --aia --aia-cache "$T/c1" -r "$d/root.pem" "$d/leaf6.pem"
expect_grep "FAILED refused-address: .*::1 is a loopback address" "$T/out" "IPv6 loopback refused"
expect_eq "$(wc -c <"$T/aia.log")" "0" "no request from the name or IPv6 cases"
[ -z "$(ls -A "$T/c1" 2>/dev/null)" ] && ok "nothing cached from refusals" || bad "a refusal was cached"

# 2. With --aia-allow-local: fetched, the final URL and address named.
expect_rc 0 "--aia-allow-local -> fetched, valid chain" \
	cc build --aia --aia-allow-local --aia-cache "$T/c2" -r "$d/root.pem" "$d/leaf.pem"
expect_grep "^aia: $AIA_URL/f/ica.pem .*fetched, HTTP 200.*; final URL $AIA_URL/f/ica.pem \(address 127.0.0.1\)" \
	"$T/out" "text names the final URL and address"
expect_eq "$(cat "$T/aia.log")" "/f/ica.pem" "the server saw the one request"

# 3. A redirect to another loopback address: refused by default (the first
# hop already is), followed with the option, and the final URL is 127.0.0.2.
: >"$T/aia.log"
expect_rc 1 "redirect to 127.0.0.2, default -> refused" \
	cc build --aia --aia-cache "$T/c3" -r "$d/root.pem" "$d/leaf2.pem"
expect_grep "FAILED refused-address" "$T/out" "refused"
expect_eq "$(cat "$T/aia.log" "$log2")" "" "neither address saw a request"
expect_rc 0 "redirect to 127.0.0.2 with --aia-allow-local -> followed" \
	cc build --aia --aia-allow-local --aia-cache "$T/c3" --json -r "$d/root.pem" "$d/leaf2.pem"
python3 - "$T/out" "$AIA_URL/to2/ica.pem" "http://127.0.0.2:$AIA_PORT/f/ica.pem" <<'PY' &&
import json, sys
u = json.load(open(sys.argv[1]))["aia"]["urls"]
assert len(u) == 1 and u[0]["status"] == "ok", u
assert u[0]["url"] == sys.argv[2] and u[0]["final_url"] == sys.argv[3], u
assert u[0]["address"] == "127.0.0.2", u
PY
	ok "--json: url is the certificate's, final_url and address are 127.0.0.2" || bad "--json redirect"
expect_eq "$(cat "$T/aia.log")" "/to2/ica.pem" "127.0.0.1 saw the first request"
expect_eq "$(cat "$log2")" "/f/ica.pem" "127.0.0.2 saw the redirected one"

# 4. The option is in every AIA command's --help.
for c in build fix check export; do
	cc "$c" --help >"$T/h" 2>&1
	expect_grep "--aia-allow-local" "$T/h" "$c --help names --aia-allow-local"
done
finish
