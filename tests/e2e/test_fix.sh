#!/bin/bash
# End-to-end: certchain fix repairs chains - leaf only (completed over AIA
# from a local HTTP server, or from the store), wrong order plus a sent
# anchor, a chain that needs the cross-sign - writes the result, says what
# changed and whom it helps; the HOST form repairs what a live
# openssl s_server sends.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-aia.sh"

export CERTCHAIN_STORE=$T/store   # never the user's store
ids() { python3 -c 'import json,sys; print(" ".join(sorted(set(f["id"] for f in json.load(open(sys.argv[1]))[sys.argv[2]]))))' "$1" "$2"; }
jget() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }

d=$T/pki; w=$T/www; mkdir -p "$d" "$w"
aia_start "$w" || { bad "AIA test server did not start"; finish; exit 1; }
export PKI_ALG=ec
pki_root "$d" root "Fix Test Root" &&
	pki_issue "$d" ica1 "Fix CA 1" ica1 root 3650 ca &&
	PKI_AIA="caIssuers;URI:$AIA_URL/f/ica1.der" pki_issue "$d" ica2 "Fix CA 2" ica2 ica1 3650 ca &&
	PKI_AIA="caIssuers;URI:$AIA_URL/f/ica2.pem" pki_issue "$d" leaf "fix.test" leaf ica2 90 leaf fix.test ||
	{ bad "PKI generation"; finish; exit 1; }
to_der "$d/ica1.pem" "$w/ica1.der"
cp "$d/ica2.pem" "$w/"
want="$(fp1 "$d/leaf.pem") $(fp1 "$d/ica2.pem") $(fp1 "$d/ica1.pem") "

# 1. Leaf only: completed over AIA (on by default in fix).
expect_rc 0 "leaf only -> fixed over AIA" \
	cc fix --aia-allow-local --aia-cache "$T/cache" -r "$d/root.pem" -o "$T/full.pem" "$d/leaf.pem"
cp "$T/out" "$T/fix1.txt"
expect_eq "$(fps "$T/full.pem" | tr '\n' ' ')" "$want" "written chain: leaf, CA 2, CA 1"
expect_grep "^\+ \[1\] Fix CA 2 .*from $AIA_URL/f/ica2.pem|^  \+ \[1\] Fix CA 2 .*from $AIA_URL/f/ica2.pem" "$T/fix1.txt" "says CA 2 was added from its URL"
expect_grep "do not fetch missing intermediates" "$T/fix1.txt" "says which clients it helps"
expect_grep "findings on the fixed chain: none" "$T/fix1.txt" "the fixed chain has no findings"
expect_rc 0 "the written chain verifies as served" cc verify -r "$d/root.pem" --host fix.test "$T/full.pem"
cc fix --json --aia-allow-local --aia-cache "$T/cache" -r "$d/root.pem" "$d/leaf.pem" >"$T/j1"
expect_eq "$(ids "$T/j1" before)" "incomplete-chain" "--json: before = incomplete-chain"
expect_eq "$(ids "$T/j1" after)" "" "--json: after = no findings"
expect_eq "$(jget "$T/j1" 'j["result"], len(j["added"]), j["added"][0]["source"].startswith("http://"), j["written"]')" \
	"('fixed', 2, True, None)" "--json: fixed, 2 added with their URL, nothing written without -o"
expect_eq "$(jget "$T/j1" 'j["aia"]["urls"][0]["from_cache"]')" "True" "second run reads the AIA cache"
expect_eq "$(jget "$T/j1" '[(p["name"], p["before"], p["after"]) for p in j["profiles"]]')" \
	"[('roots', False, True)]" "--json: -r is the one client 'roots', as for check and verify: fails before, trusts after"

# 2. Offline from the cache, server stopped later; --no-aia finds nothing.
expect_rc 1 "--no-aia: leaf only cannot be fixed -> exit 1" \
	cc fix --no-aia -r "$d/root.pem" -o "$T/none.pem" "$d/leaf.pem"
[ ! -e "$T/none.pem" ] && ok "nothing written when no chain exists" || bad "wrote a file without a chain"
expect_grep "no valid chain" "$T/out" "says no valid chain"

# 3. Wrong order and a sent anchor: reordered, anchor dropped, no fetch.
cat "$d/leaf.pem" "$d/ica1.pem" "$d/ica2.pem" "$d/root.pem" >"$d/messy.pem"
expect_rc 0 "wrong order + anchor -> fixed" \
	cc fix --json --aia-allow-local --aia-cache "$T/cache2" -r "$d/root.pem" -o "$T/m.pem" "$d/messy.pem"
expect_eq "$(fps "$T/m.pem" | tr '\n' ' ')" "$want" "messy chain -> leaf, CA 2, CA 1"
expect_eq "$(ids "$T/out" before)" "anchor-sent wrong-order" "before: wrong-order, anchor-sent"
expect_eq "$(jget "$T/out" 'j["reordered"], len(j["added"]), [r["reason"] for r in j["removed"]], j["aia"]["fetches"]')" \
	"(True, 0, ['a trust anchor: the clients that trust it hold it already'], 0)" "reordered, anchor removed with its reason, nothing fetched"

# 3b. An expired intermediate is served; its renewal (same name and key) is
# at the leaf's AIA URL: the chase does not stop at the stale copy.
later=$(( $(date +%s) + 30 * 86400 ))
pki_issue "$d" ica2-short "Fix CA 2" ica2 ica1 5 ca || bad "short-lived CA 2"
cat "$d/leaf.pem" "$d/ica2-short.pem" >"$d/stale.pem"
expect_rc 0 "expired intermediate served -> renewed one fetched" \
	cc fix --json --at "@$later" --aia-allow-local --aia-cache "$T/cache3" -I "$d/ica1.pem" -r "$d/root.pem" \
	-o "$T/st.pem" "$d/stale.pem"
expect_eq "$(fps "$T/st.pem" | tr '\n' ' ')" "$want" "stale chain -> leaf, renewed CA 2, CA 1"
expect_grep '"id":"expired","severity":"error","depth":1' "$T/out" "before: the intermediate is expired"
expect_eq "$(jget "$T/out" '[r["reason"] for r in j["removed"]], j["aia"]["fetches"]')" "(['expired'], 1)" \
	"the expired copy is removed as expired; one fetch"

# 4. A good chain is left as it is.
expect_rc 0 "good chain -> exit 0" cc fix --json -r "$d/root.pem" -o "$T/g.pem" "$T/full.pem"
expect_eq "$(jget "$T/out" 'j["result"]')" "unchanged" "good chain -> unchanged"
cmp -s "$T/g.pem" "$T/full.pem" && ok "unchanged chain written identically" || bad "unchanged chain differs"

# 5. The store: intermediates from it, not from AIA; a disabled one is not used.
for c in ica1 ica2; do cc store import "$d/$c.pem" >/dev/null || bad "store import $c"; done
expect_rc 0 "leaf only + store intermediates (no AIA) -> fixed" \
	cc fix --no-aia --json -r "$d/root.pem" -o "$T/s.pem" "$d/leaf.pem"
expect_eq "$(fps "$T/s.pem" | tr '\n' ' ')" "$want" "store chain: leaf, CA 2, CA 1"
expect_eq "$(jget "$T/out" 'all(a["source"].startswith(sys.argv[3]) for a in j["added"])' "$T/store/")" "True" \
	"added certificates name their store file"
cc store import "$d/root.pem" >/dev/null || bad "store import root"
expect_rc 0 "the store's root is the profile 'store'" \
	cc fix --no-aia --json -p "other=$d/ica1.pem" "$d/leaf.pem"
expect_eq "$(jget "$T/out" '[(p["name"], p["before"], p["after"]) for p in j["profiles"]]')" \
	"[('other', False, True), ('store', False, True)]" "profiles: -p plus the store's roots"
cc store disable "$(fp1 "$d/ica1.pem")" >/dev/null || bad "store disable"
expect_rc 1 "a disabled store intermediate is not used" cc fix --no-aia -r "$d/root.pem" "$d/leaf.pem"
expect_rc 1 "--no-store ignores the store" cc fix --no-aia --no-store -r "$d/root.pem" "$d/leaf.pem"
rm -rf "$T/store"

# 6. Cross-sign: the served chain ends at the new self-signed root; clients
# with only the old root need the cross-sign, found in a -I pool.
c=$T/cross; mkdir -p "$c"
pki_crosssign "$c" ec || bad "cross-sign PKI"
cat "$c/leaf.pem" "$c/ica.pem" "$c/new.pem" >"$c/served.pem"
expect_rc 0 "new-root chain, old-root clients -> fixed with the cross-sign" \
	cc fix --no-aia --json -I "$c/cross.pem" -r "$c/old.pem" -o "$c/out.pem" "$c/served.pem"
expect_eq "$(fps "$c/out.pem" | tr '\n' ' ')" "$(fp1 "$c/leaf.pem") $(fp1 "$c/ica.pem") $(fp1 "$c/cross.pem") " \
	"cross-sign replaces the self-signed root"
expect_eq "$(jget "$T/out" 'j["removed"][0]["reason"]')" \
	"a self-signed root that roots lacks; without it they reach Old Root CA" "the self-signed root is removed saying what the clients lacking it gain"

# 6b. An expired cross-sign served after the issuing CA: path-building
# clients find the new root, served-order clients (OpenSSL 1.0.x) fail.
# Client behaviours are profiles' (-p NAME=FILE,behaviour=...).
later=$(( $(date +%s) + 30 * 86400 ))
cat "$c/leaf.pem" "$c/ica.pem" "$c/cross-short.pem" >"$c/served-exp.pem"
cat "$c/old.pem" "$c/new.pem" >"$c/both.pem"
beh=(-p "modern=$c/both.pem" -p "openssl-1.0=$c/both.pem,behaviour=served-order"
	-p "old-android=$c/both.pem,behaviour=no-expiry-check-on-anchor")
expect_rc 0 "expired cross-sign served -> fixed" \
	cc fix --no-aia --json --at "@$later" "${beh[@]}" -o "$c/out2.pem" "$c/served-exp.pem"
expect_eq "$(jget "$T/out" '[(p["name"], p["before"], p["after"]) for p in j["profiles"]]')" \
	"[('modern', True, True), ('openssl-1.0', False, True), ('old-android', True, True)]" \
	"verdicts: only the served-order client was failing, and is helped"
expect_eq "$(fps "$c/out2.pem" | tr '\n' ' ')" "$(fp1 "$c/leaf.pem") $(fp1 "$c/ica.pem") " \
	"the expired cross-sign is dropped"
cc fix --no-aia --at "@$later" "${beh[@]}" "$c/served-exp.pem" >"$T/t6"
expect_grep "^  openssl-1.0 +FAILS +-> trusted  was: " "$T/t6" "text names the client that gains and why it failed"
expect_grep "it helps 1 of 3 client profiles" "$T/t6" "text counts the clients helped"
# -r: the same clients as check -r and verify -r (one profile, "roots").
expect_rc 0 "fix -r: expired cross-sign dropped" \
	cc fix --no-aia --json --at "@$later" -r "$c/both.pem" "$c/served-exp.pem"
expect_eq "$(jget "$T/out" '[p["name"] for p in j["profiles"]]')" "['roots']" "fix -r: the one client 'roots'"
# --profile: the client set is the user's.
expect_rc 0 "--profile NAME=ANCHORS" cc fix --no-aia --json --at "@$later" \
	-I "$c/cross.pem" --profile "legacy=$c/old.pem,behaviour=served-order" --profile "current=$c/new.pem" "$c/served-exp.pem"
expect_eq "$(jget "$T/out" '[(p["name"], p["before"], p["after"]) for p in j["profiles"]]')" \
	"[('legacy', False, True), ('current', True, True)]" "--profile: legacy client helped, current unchanged"
expect_eq "$(jget "$T/out" 'len(j["chain"])')" "3" "--profile: the chain both trust goes through the valid cross-sign"

# 7. HOST form: openssl s_server sends the leaf only.
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
openssl s_server -quiet -accept "127.0.0.1:$port" -cert "$d/leaf.pem" -key "$d/leaf.key" \
	-naccept 20 </dev/null >/dev/null 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null; aia_stop; rm -rf "$T"' EXIT
for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
expect_rc 0 "fix HOST:PORT -> fixed over AIA" \
	cc fix --json --host fix.test --aia-allow-local --aia-cache "$T/cache" -r "$d/root.pem" -o "$T/h.pem" "127.0.0.1:$port"
expect_eq "$(fps "$T/h.pem" | tr '\n' ' ')" "$want" "HOST form writes leaf, CA 2, CA 1"
expect_eq "$(ids "$T/out" before)" "incomplete-chain" "HOST form: served chain was incomplete"
# check --fix-out completes over AIA by default; the findings still judge
# what was sent.
expect_rc 1 "check --fix-out on a leaf-only server -> problem found" \
	cc check --timeout 5 -r "$d/root.pem" --aia-allow-local --aia-cache "$T/cache-check" --fix-out "$T/cf.pem" "127.0.0.1:$port"
expect_grep "incomplete-chain" "$T/out" "check still reports what was sent"
expect_grep "^aia: .*fetched" "$T/out" "check reports the AIA fetches"
expect_eq "$(fps "$T/cf.pem" | tr '\n' ' ')" "$want" "check --fix-out writes leaf, CA 2, CA 1"
rm -f "$T/cf2.pem"
cc check --timeout 5 --no-aia -r "$d/root.pem" --fix-out "$T/cf2.pem" "127.0.0.1:$port" >/dev/null 2>"$T/err"
[ ! -e "$T/cf2.pem" ] && ok "check --fix-out --no-aia: nothing to write" || bad "check --no-aia wrote a chain"
# A disabled store certificate is never sent, even when AIA fetches it:
# check and fix withhold it alike (the judgement's withhold pool).
cc store import "$d/ica1.pem" >/dev/null && cc store disable "$(fp1 "$d/ica1.pem")" >/dev/null ||
	bad "store import + disable CA 1"
rm -f "$T/cf3.pem"
cc check --timeout 5 -r "$d/root.pem" --aia-allow-local --aia-cache "$T/cache-dis" --fix-out "$T/cf3.pem" "127.0.0.1:$port" >"$T/out" 2>"$T/err"
expect_grep "^aia: .*ica1.der.*fetched" "$T/out" "check: AIA fetched the disabled CA 1"
[ ! -e "$T/cf3.pem" ] && ok "check --fix-out: a chain needing the disabled CA 1 is not written" ||
	bad "check --fix-out wrote a chain through a disabled certificate" "$(fps "$T/cf3.pem" | tr '\n' ' ')"
expect_rc 1 "fix HOST: the disabled CA 1 fetched over AIA is not used either" \
	cc fix --host fix.test --aia-allow-local --aia-cache "$T/cache-dis2" -r "$d/root.pem" -o "$T/h3.pem" "127.0.0.1:$port"
rm -rf "$T/store"
kill $srv 2>/dev/null; wait $srv 2>/dev/null
expect_rc 3 "refused port -> exit 3" cc fix --timeout 2 -r "$d/root.pem" "127.0.0.1:$port"
expect_grep "127.0.0.1:$port: could not connect \(refused\)" "$T/err" "says the connection was refused"

# 7b. --pfx: the leaf, its key and the fixed chain, password from a file.
printf 'fix-test-pw\n' >"$T/pw"; chmod 600 "$T/pw"
expect_rc 0 "--pfx with --key" cc fix --no-aia -I "$d/ica2.pem" -I "$d/ica1.pem" -r "$d/root.pem" \
	--key "$d/leaf.key" --password-file "$T/pw" --pfx "$T/f.pfx" -o "$T/f.pem" "$d/leaf.pem"
expect_grep "wrote $T/f.pfx \(PFX modern" "$T/out" "says the PFX was written"
expect_eq "$(stat -c %a "$T/f.pfx")" "600" "PFX is mode 0600"
openssl pkcs12 -in "$T/f.pfx" -passin file:"$T/pw" -nokeys -out "$T/pfx-certs.pem" 2>/dev/null
expect_eq "$(fps "$T/pfx-certs.pem" | tr '\n' ' ')" "$want" "openssl reads the PFX: leaf, CA 2, CA 1 in order"
openssl pkcs12 -in "$T/f.pfx" -passin file:"$T/pw" -nocerts -nodes -out "$T/pfx-key.pem" 2>/dev/null
expect_eq "$(openssl pkey -in "$T/pfx-key.pem" -pubout 2>/dev/null | sha256sum)" \
	"$(openssl pkey -in "$d/leaf.key" -pubout | sha256sum)" "the PFX key is the leaf's"
expect_nogrep "PRIVATE KEY" "$T/out" "no key material in the report"
expect_rc 0 "--pfx --compat legacy, password from the environment" env FIXPW=fix-test-pw \
	$CC_WRAP "$CERTCHAIN" fix --no-aia -I "$d/ica2.pem" -I "$d/ica1.pem" -r "$d/root.pem" \
	--key "$d/leaf.key" --password-env FIXPW --compat legacy --pfx "$T/l.pfx" "$d/leaf.pem"
openssl pkcs12 -in "$T/l.pfx" -passin pass:fix-test-pw -info -nokeys -noout >"$T/l.info" 2>&1
expect_grep "pbeWithSHA1And3-KeyTripleDES-CBC" "$T/l.info" "legacy PFX uses 3DES"
# A key that is not the leaf's: nothing is written at all.
expect_rc 2 "--key of another certificate -> exit 2" cc fix --no-aia -I "$d/ica2.pem" -I "$d/ica1.pem" \
	-r "$d/root.pem" --key "$d/ica1.key" --password-file "$T/pw" --pfx "$T/bad.pfx" -o "$T/bad.pem" "$d/leaf.pem"
expect_grep "does not match" "$T/err" "says the key does not match"
[ ! -e "$T/bad.pfx" ] && [ ! -e "$T/bad.pem" ] && ok "no file written on a key mismatch" || bad "files written despite the mismatch"
# The key and friendly name from the store's personal entry.
cc store import "$d/leaf.pem" --key "$d/leaf.key" --name "Fix Site" >/dev/null || bad "store import personal"
expect_rc 0 "--pfx with the store's key" cc fix --no-aia -I "$d/ica2.pem" -I "$d/ica1.pem" -r "$d/root.pem" \
	--password-file "$T/pw" --pfx "$T/s.pfx" "$d/leaf.pem"
openssl pkcs12 -in "$T/s.pfx" -passin file:"$T/pw" -info -nodes >"$T/s.info" 2>&1
expect_grep "friendlyName: Fix Site" "$T/s.info" "friendly name from the store"
rm -rf "$T/store"
expect_rc 2 "--pfx without a key anywhere -> exit 2" cc fix --no-aia -I "$d/ica2.pem" -I "$d/ica1.pem" \
	-r "$d/root.pem" --password-file "$T/pw" --pfx "$T/n.pfx" "$d/leaf.pem"
expect_grep "needs the private key" "$T/err" "says the key is needed"
expect_rc 2 "--key without --pfx -> usage" cc fix --key "$d/leaf.key" "$d/leaf.pem"

# 7b. An issuing CA whose DN is long (40 OU attributes, no CN, > 1,500
# bytes) and missing: fix names it whole as needed, in text and in --json;
# verify names it whole as the leaf's issuer; nothing is cut at a buffer.
ln=$T/long; mkdir -p "$ln"
subj="/O=certchain test$(for i in $(seq -w 1 40); do printf '/OU=Organisational Unit Number %s of the long CA' "$i"; done)"
pki_root "$ln" root "Long Test Root" && pki_key "$ln" ica ec && _ext "$ln/ica.ext" ca &&
	openssl req -new -key "$ln/ica.key" -subj "$subj" -config /dev/null -out "$ln/ica.csr" &&
	openssl x509 -req -in "$ln/ica.csr" -CA "$ln/root.pem" -CAkey "$ln/root.key" \
		-set_serial "0x$(openssl rand -hex 8)" -days 365 -extfile "$ln/ica.ext" \
		-extensions v3 -out "$ln/ica.pem" 2>/dev/null &&
	pki_issue "$ln" leaf long.test leaf ica 90 leaf long.test || bad "long-DN PKI generation"
dn=$(openssl x509 -in "$ln/ica.pem" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')
[ "${#dn}" -gt 1500 ] && ok "the CA's DN is ${#dn} bytes" || bad "DN only ${#dn} bytes"
# text is wrapped at 100 columns: compare without the line breaks and indents
unwrapped() { tr -d '\n ' <"$1"; }
nospace=$(printf '%s' "$dn" | tr -d ' ')
cc fix --no-aia --no-store -r "$ln/root.pem" "$ln/leaf.pem" >"$T/out" 2>"$T/err"
expect_grep "needed:" "$T/out" "long DN: fix says an issuer is needed"
expect_eq "$(unwrapped "$T/out" | grep -c -F -- "-theissuer$nospace,keyid")" 1 \
	"long DN: fix names the needed issuer by its whole DN"
cc fix --json --no-aia --no-store -r "$ln/root.pem" "$ln/leaf.pem" >"$T/out" 2>"$T/err"
expect_eq "$(jget "$T/out" '[n["kind"] for n in j["needed"]], j["needed"][0]["subject"] == sys.argv[3]' "$dn")" \
	"(['issuer'], True)" "long DN: --json needed[0].subject is the whole DN"
expect_eq "$(jget "$T/out" 'j["served"][0]["issuer"] == sys.argv[3]' "$dn")" "True" \
	"long DN: --json served[0].issuer is the whole DN"
cc verify --no-store -r "$ln/root.pem" "$ln/leaf.pem" >"$T/out" 2>"$T/err"
expect_eq "$(unwrapped "$T/out" | grep -c -F -- "issuedby$nospace,expires")" 1 \
	"long DN: verify names the leaf's issuer whole"
expect_eq "$(unwrapped "$T/out" | grep -c -F -- "theissueroflong.test($nospace,keyid")" 1 \
	"long DN: verify's incomplete-chain finding names it whole"

# 8. Bad input.
expect_rc 2 "missing LEAF file -> exit 2" cc fix -r "$d/root.pem" "$T/nope.pem"
expect_grep "nope.pem" "$T/err" "names the file"
expect_rc 2 "bad HOST:PORT -> exit 2" cc fix -r "$d/root.pem" "host:99999"
# The HOST[:PORT] parser is check's (cli_split_hostport): same answers.
expect_rc 2 "several colons, not IPv6 -> exit 2 (as check)" cc fix -r "$d/root.pem" "a:b:c"
expect_grep "neither a file nor HOST" "$T/err" "a:b:c is a usage error, not a failed lookup"
expect_rc 2 "[v6] with an empty port -> exit 2 (as check)" cc fix -r "$d/root.pem" "[::1]:"
expect_rc 2 "unclosed [ -> exit 2 (as check)" cc fix -r "$d/root.pem" "[::1:443"
expect_rc 2 "no target -> usage" cc fix
expect_rc 0 "--help" cc fix --help
expect_grep "usage: certchain fix" "$T/out" "--help prints usage"
finish
