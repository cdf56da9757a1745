#!/bin/bash
# End-to-end: build --aia --aia-allow-local completes a leaf-only chain from a real HTTP server on
# 127.0.0.1 (DER, PEM, PKCS#7 and a redirect), each kind of bad answer fails
# its fetch with its reason in bounded time, fetched certificates are never
# trusted, and a second run works offline from the cache.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-aia.sh"

scale=${CERTCHAIN_TIME_SCALE:-1}
d=$T/pki; w=$T/www; mkdir -p "$d" "$w"
aia_start "$w" || { bad "AIA test server did not start"; finish; exit 1; }

# root <- ica1 <- ica2 <- ica3 <- leaf; each points at its issuer, published
# as PKCS#7 (ica1), DER (ica2) and PEM (ica3). ica1 points at the root, which
# is a trust anchor: it must never be fetched.
export PKI_ALG=ec
pki_root "$d" root "AIA Test Root" &&
	PKI_AIA="caIssuers;URI:$AIA_URL/f/root.pem" pki_issue "$d" ica1 "AIA CA 1" ica1 root 3650 ca &&
	PKI_AIA="caIssuers;URI:$AIA_URL/f/ica1.p7b" pki_issue "$d" ica2 "AIA CA 2" ica2 ica1 3650 ca &&
	PKI_AIA="caIssuers;URI:$AIA_URL/f/ica2.der" pki_issue "$d" ica3 "AIA CA 3" ica3 ica2 3650 ca &&
	PKI_AIA="caIssuers;URI:$AIA_URL/f/ica3.pem" pki_issue "$d" leaf "aia.test" leaf ica3 90 leaf aia.test ||
	{ bad "PKI generation"; finish; exit 1; }
cp "$d/root.pem" "$d/ica3.pem" "$w/"
to_der "$d/ica2.pem" "$w/ica2.der"
to_p7b "$w/ica1.p7b" "$d/ica1.pem"
want="$(fp1 "$d/leaf.pem") $(fp1 "$d/ica3.pem") $(fp1 "$d/ica2.pem") $(fp1 "$d/ica1.pem") "

# Without AIA the leaf alone leads nowhere.
expect_rc 1 "leaf only, no --aia -> no path" cc build -r "$d/root.pem" "$d/leaf.pem"

# With AIA: three hops (PEM, DER, PKCS#7), the anchor's URL left alone.
expect_rc 0 "leaf only + --aia -> valid chain" \
	cc build --aia --aia-allow-local --aia-cache "$T/cache" -r "$d/root.pem" -o "$T/out.pem" "$d/leaf.pem"
cp "$T/out" "$T/aia.txt"
expect_eq "$(fps "$T/out.pem" | tr '\n' ' ')" "$want" "AIA chain is leaf, CA 3, CA 2, CA 1"
expect_eq "$(unwrap "$T/aia.txt" | grep -c '^aia: .*fetched, HTTP 200')" "3" "three fetches reported"
expect_nogrep "/f/root.pem" "$T/aia.log" "the anchor's issuer URL is not fetched"
expect_eq "$(ls "$T/cache" | grep -c '^[0-9a-f]\{64\}\.pem$')" "3" "three cache entries named by URL hash"
expect_eq "$(ls -a "$T/cache" | grep -c tmp)" "0" "no temporary files left in the cache"
expect_eq "$(grep -l "^# url: $AIA_URL/f/ica2.der\$" "$T"/cache/*.pem | wc -l)" "1" "cache entry names its URL"
expect_grep "^# fetched: 20[0-9-]+T" "$(ls "$T"/cache/*.pem | head -1)" "cache entry has the fetch date"
expect_eq "$(stat -c %a "$T/cache")" "700" "cache directory is private"

cc build --aia --aia-allow-local --aia-cache "$T/cache-json" --json -r "$d/root.pem" "$d/leaf.pem" >"$T/j.json"
python3 - "$T/j.json" <<'PY' && ok "--json carries the AIA report" || bad "--json AIA report"
import json, sys
j = json.load(open(sys.argv[1]))
a = j["aia"]
assert j["result"] == "ok" and len(j["chain"]) == 4, j["result"]
assert a["fetches"] == 3 and a["added"] == 3, a
assert [u["status"] for u in a["urls"]] == ["ok"] * 3, a
assert all(u["http_status"] == 200 and not u["from_cache"] and u["fetched_at"] for u in a["urls"]), a
PY

# Four runs at once on one empty cache: every run completes, every entry is
# whole (written atomically), no temporary file is left.
for i in 1 2 3 4; do
	$CC_WRAP "$CERTCHAIN" build --aia --aia-allow-local --aia-cache "$T/c-par" -r "$d/root.pem" -o "$T/par$i.pem" \
		"$d/leaf.pem" >/dev/null 2>&1 &
done
wait_ok=1
for j in $(jobs -p); do [ "$j" = "$AIA_PID" ] || wait "$j" || wait_ok=0; done
[ "$wait_ok" = 1 ] && ok "4 concurrent runs all succeed" || bad "a concurrent run failed"
for i in 1 2 3 4; do [ "$(fps "$T/par$i.pem" | tr '\n' ' ')" = "$want" ] || bad "concurrent run $i chain"; done
expect_eq "$(ls -a "$T/c-par" | grep -c tmp)" "0" "concurrent runs leave no temporary file"
expect_rc 0 "the concurrently written cache works offline" \
	cc build --offline --aia-cache "$T/c-par" -r "$d/root.pem" "$d/leaf.pem"

# A bad URL first, a good one second: the fetch fails, the chain completes.
PKI_AIA="caIssuers;URI:$AIA_URL/stall,caIssuers;URI:$AIA_URL/redir/ica3.pem" \
	pki_issue "$d" leaf-mixed "mixed.aia.test" leaf ica3 90 leaf mixed.aia.test
expect_rc 0 "stalled first URL, redirected second URL -> valid chain" \
	timeout $((20 * scale)) $CC_WRAP "$CERTCHAIN" build --aia --aia-allow-local --aia-timeout 1 --aia-cache "$T/c-mixed" \
	-r "$d/root.pem" "$d/leaf-mixed.pem"
expect_grep "FAILED timeout" "$T/out" "the stalled URL is reported as a timeout"

# Each bad answer: its own reason, bounded time, no path, no crash.
for kind in slow:timeout stall:timeout huge:too-large huge-stream:too-large \
	loop-a:redirect-loop ftp:scheme html:content-type garbage:not-a-certificate \
	nothing-here:http-status; do
	path=${kind%%:*}; id=${kind#*:}
	PKI_AIA="caIssuers;URI:$AIA_URL/$path" pki_issue "$d" "leaf-$path" "$path.aia.test" leaf ica3 90 leaf
	t0=$(date +%s%N)
	expect_rc 1 "$path: no path, exit 1" timeout $((20 * scale)) $CC_WRAP "$CERTCHAIN" build --aia --aia-allow-local \
		--aia-timeout 1 --aia-cache "$T/c-$path" --json -r "$d/root.pem" "$d/leaf-$path.pem"
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	got=$(python3 -c 'import json,sys; print(" ".join(u["status"] for u in json.load(open(sys.argv[1]))["aia"]["urls"]))' "$T/out")
	expect_eq "$got" "$id" "$path: fetch fails with '$id'"
	[ "$ms" -lt $((4000 * scale)) ] && ok "$path: ended in $ms ms" || bad "$path: took $ms ms"
	[ -z "$(ls -A "$T/c-$path" 2>/dev/null)" ] && ok "$path: nothing cached" || bad "$path: a failure was cached"
done
python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["aia"]["urls"][0]["message"])' "$T/out" >"$T/msg"
expect_grep "HTTP 404" "$T/msg" "the HTTP status is in the message"
cc build --aia --aia-allow-local --aia-timeout 1 --aia-cache "$T/c-x" -r "$d/root.pem" "$d/leaf-loop-a.pem" >"$T/out"
expect_grep "redirect loop: /loop-a came back|redirect loop: .*loop-a" "$T/out" "the loop names the URL that came back"
cc build --aia --aia-allow-local --aia-timeout 1 --aia-cache "$T/c-x" -r "$d/root.pem" "$d/leaf-huge.pem" >"$T/out"
expect_grep "larger than the 65536-byte limit" "$T/out" "too-large names the limit"

# Redirect chains: within the limit they work, past it they fail.
PKI_AIA="caIssuers;URI:$AIA_URL/hop/2/ica3.pem" pki_issue "$d" leaf-hop2 "hop2.aia.test" leaf ica3 90 leaf
expect_rc 0 "3 redirects (the limit) -> followed" cc build --aia --aia-allow-local --aia-cache "$T/c-hop2" \
	-I "$d/ica2.pem" -I "$d/ica1.pem" -r "$d/root.pem" "$d/leaf-hop2.pem"
PKI_AIA="caIssuers;URI:$AIA_URL/hop/5/ica3.pem" pki_issue "$d" leaf-hop5 "hop5.aia.test" leaf ica3 90 leaf
expect_rc 1 "6 redirects -> refused" cc build --aia --aia-allow-local --aia-cache "$T/c-hop5" \
	-I "$d/ica2.pem" -I "$d/ica1.pem" -r "$d/root.pem" "$d/leaf-hop5.pem"
expect_grep "FAILED redirect-loop: more than 3 redirects" "$T/out" "says more than 3 redirects"
PKI_AIA="caIssuers;URI:$AIA_URL/longredir" pki_issue "$d" leaf-long "long.aia.test" leaf ica3 90 leaf
expect_rc 1 "redirect to an over-long URL -> refused" cc build --aia --aia-allow-local --aia-cache "$T/c-long" \
	-r "$d/root.pem" "$d/leaf-long.pem"
expect_grep "FAILED scheme: redirect to a URL of [0-9]+ characters refused" "$T/out" "says the redirect URL is too long"

# The fetch budget.
expect_rc 1 "--aia-max-fetches 1 stops after one hop" \
	cc build --aia --aia-allow-local --aia-max-fetches 1 --aia-cache "$T/c-budget" --json -r "$d/root.pem" "$d/leaf.pem"
expect_grep '"status":"budget"' "$T/out" "the next fetch says the budget is used up"

# Fetched certificates are never trusted: a self-signed look-alike of the root
# served at the leaf's URL joins the untrusted pool only.
pki_root "$d" rogue "AIA Test Root"
cp "$d/rogue.pem" "$w/rogue.pem"
PKI_AIA="caIssuers;URI:$AIA_URL/f/rogue.pem" pki_issue "$d" leaf-rogue "rogue.aia.test" leaf rogue 90 leaf
expect_rc 1 "a fetched self-signed root is not an anchor" \
	cc build --aia --aia-allow-local --aia-cache "$T/c-rogue" --json -r "$d/root.pem" "$d/leaf-rogue.pem"
expect_grep '"status":"ok"' "$T/out" "the rogue root was fetched"
expect_grep '"result":"no-path"' "$T/out" "and still no path"

# export --aia: the PFX carries the chain completed over AIA.
printf 'aia-pw\n' >"$T/pw"; chmod 600 "$T/pw"
expect_rc 1 "export of a leaf-only chain without --aia -> no chain" cc export --cert "$d/leaf.pem" \
	--key "$d/leaf.key" -r "$d/root.pem" --password-file "$T/pw" -o "$T/x.pfx"
expect_rc 0 "export --aia --aia-allow-local -> PFX" cc export --aia --aia-allow-local --aia-cache "$T/c-export" --cert "$d/leaf.pem" \
	--key "$d/leaf.key" -r "$d/root.pem" --password-file "$T/pw" -o "$T/x.pfx"
expect_grep "^aia: .*fetched, HTTP 200" "$T/err" "export reports the fetches on stderr"
openssl pkcs12 -in "$T/x.pfx" -passin file:"$T/pw" -nokeys -out "$T/x-certs.pem" 2>/dev/null
expect_eq "$(fps "$T/x-certs.pem" | tr '\n' ' ')" "$want" "the PFX holds leaf, CA 3, CA 2, CA 1"

# HTTPS: openssl s_server -WWW serves the issuer over TLS; the server is
# verified against SSL_CERT_FILE, and refused without it.
h=$T/https; mkdir -p "$h"
pki_root "$h" tlsca "AIA HTTPS Test CA" && pki_issue "$h" tls "localhost" tls tlsca 30 leaf localhost &&
	cp "$d/ica3.pem" "$h/ica3.pem" || bad "HTTPS PKI"
hport=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
(cd "$h" && exec openssl s_server -quiet -WWW -accept "127.0.0.1:$hport" -cert tls.pem -key tls.key \
	</dev/null >/dev/null 2>&1) &
hpid=$!
trap 'kill $hpid 2>/dev/null; aia_stop; rm -rf "$T"' EXIT
for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$hport) 2>/dev/null && break; sleep 0.1; done
PKI_AIA="caIssuers;URI:https://localhost:$hport/ica3.pem" pki_issue "$d" leaf-https "https.aia.test" leaf ica3 90 leaf
expect_rc 0 "HTTPS AIA URL, server verified with SSL_CERT_FILE -> valid chain" \
	env SSL_CERT_FILE="$h/tlsca.pem" $CC_WRAP "$CERTCHAIN" build --aia --aia-allow-local --aia-timeout 5 --aia-cache "$T/c-https" \
	-I "$d/ica2.pem" -I "$d/ica1.pem" -r "$d/root.pem" "$d/leaf-https.pem"
expect_grep "^aia: https://localhost:$hport/ica3.pem .*fetched, HTTP 200" "$T/out" "fetched over HTTPS"
expect_rc 1 "HTTPS AIA server with an unknown CA -> fetch refused" \
	env SSL_CERT_FILE="$d/root.pem" $CC_WRAP "$CERTCHAIN" build --aia --aia-allow-local --aia-timeout 5 --aia-cache "$T/c-https2" \
	-I "$d/ica2.pem" -I "$d/ica1.pem" -r "$d/root.pem" "$d/leaf-https.pem"
expect_grep "FAILED connect: .*(SSL|certificate)" "$T/out" "says the TLS certificate check failed"
kill $hpid 2>/dev/null; wait $hpid 2>/dev/null

# Offline: stop the server; the cache gives the same chain.
aia_stop
expect_rc 0 "--offline with the cache -> valid chain, server gone" \
	cc build --offline --aia-cache "$T/cache" -r "$d/root.pem" -o "$T/off.pem" "$d/leaf.pem"
expect_eq "$(fps "$T/off.pem" | tr '\n' ' ')" "$want" "offline chain equals the online one"
expect_eq "$(unwrap "$T/out" | grep -c '^aia: .*from the cache (fetched 20')" "3" "all three from the cache, with the date"
expect_rc 1 "--offline with an empty cache -> no path" \
	cc build --offline --aia-cache "$T/empty" -r "$d/root.pem" "$d/leaf.pem"
expect_grep "FAILED not-cached" "$T/out" "says the URL is not cached"
expect_rc 0 "online cache hit needs no server" \
	cc build --aia --aia-allow-local --aia-cache "$T/cache" -r "$d/root.pem" "$d/leaf.pem"
expect_rc 0 "the cache directory also loads as a pool" \
	cc build -I "$T/cache" -r "$d/root.pem" "$d/leaf.pem"

# Real certificates: the URL in Sectigo DV R36 is read and keyed as the cache
# expects; a cache entry for it (written here, as a fetch would) completes the
# chain to USERTrust offline through the R46 cross-sign.
R=$DATA/real-certs
if [ -d "$R" ]; then
	url=$(openssl x509 -in "$R/sectigo-dv-r36.pem" -noout -ext authorityInfoAccess | grep -o 'http://[^ ]*p7c')
	expect_rc 1 "real R36, empty cache, offline -> no path" cc build --offline --aia-cache "$T/real" \
		--at 2026-06-01T00:00:00Z -r "$R/usertrust-rsa-root.pem" "$R/sectigo-dv-r36.pem"
	expect_grep "^aia: $url \(issuer of Sectigo Public Server Authentication CA DV R36\): FAILED not-cached" \
		"$T/out" "real R36: its caIssuers URL is found and looked up"
	mkdir -p "$T/real"
	{ printf '# certchain AIA cache entry\n# url: %s\n# fetched: 2026-05-01T00:00:00Z\n' "$url"
	  cat "$R/sectigo-r46-cross-by-usertrust-rsa.pem"; } >"$T/real/$(printf %s "$url" | sha256sum | cut -d' ' -f1).pem"
	expect_rc 0 "real R36 + cached R46 cross-sign -> chain to USERTrust offline" cc build --offline \
		--aia-cache "$T/real" --at 2026-06-01T00:00:00Z -r "$R/usertrust-rsa-root.pem" -o "$T/real.pem" \
		"$R/sectigo-dv-r36.pem"
	expect_eq "$(fps "$T/real.pem" | tail -1)" "$(fp1 "$R/sectigo-r46-cross-by-usertrust-rsa.pem")" \
		"real: the chain ends with the cross-sign from the cache"
fi

# Usage errors.
expect_rc 2 "bad --aia-timeout" cc build --aia --aia-allow-local --aia-timeout never -r "$d/root.pem" "$d/leaf.pem"
expect_rc 2 "bad --aia-max-fetches" cc build --aia --aia-allow-local --aia-max-fetches 0 -r "$d/root.pem" "$d/leaf.pem"
expect_rc 2 "--offline without HOME or a cache dir" \
	env -u HOME -u XDG_CACHE_HOME $CC_WRAP "$CERTCHAIN" build --offline -r "$d/root.pem" "$d/leaf.pem"
finish
