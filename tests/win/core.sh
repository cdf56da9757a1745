# core.sh - part of tests/e2e/test_windows.sh (sourced; CERTCHAIN runs the
# .exe under wine, LINUX is the Linux binary): the portable commands.
# shellcheck shell=bash
R=$DATA/real-certs
at=2026-06-01T00:00:00Z

# build: the same chains as on Linux, byte for byte.
expect_rc 0 "real: R36 with USERTrust RSA as anchor" \
	cc build --at $at -I "$R" -r "$R/usertrust-rsa-root.pem" -o "$T/r.pem" "$R/sectigo-dv-r36.pem"
expect_eq "$(fps "$T/r.pem" | tr '\n' ' ')" \
	"$(fp1 "$R/sectigo-dv-r36.pem") $(fp1 "$R/sectigo-r46-cross-by-usertrust-rsa.pem") " \
	"real: chain goes through the R46 cross-sign"
"$LINUX" build --at $at -I "$R" -r "$R/usertrust-rsa-root.pem" -o "$T/r-linux.pem" "$R/sectigo-dv-r36.pem" >/dev/null
cmp -s "$T/r.pem" "$T/r-linux.pem" && ok "real: the .exe writes the Linux binary's chain file byte for byte" ||
	bad "real: .exe and Linux chain files differ"
expect_rc 0 "real: R36 with AAA as anchor" \
	cc build --at $at -I "$R" -r "$R/aaa-certificate-services-root.pem" -o "$T/r2.pem" "$R/sectigo-dv-r36.pem"
expect_eq "$(fps "$T/r2.pem" | wc -l)" "3" "real: AAA path serves R36, R46 cross, USERTrust cross"
expect_rc 0 "real: E36 with USERTrust ECC" \
	cc build --at $at -I "$R" -r "$R/usertrust-ecc-root.pem" -o "$T/e.pem" "$R/sectigo-dv-e36.pem"
expect_eq "$(fps "$T/e.pem" | tail -1)" "$(fp1 "$R/sectigo-e46-cross-by-usertrust-ecc.pem")" \
	"real: E36 chain ends with the E46 cross-sign"
expect_rc 1 "real: ISRG X1 via DST Root CA X3 is expired in 2026" \
	cc build --at $at -I "$R" -r "$R/dst-root-ca-x3.pem" "$R/lets-encrypt-r10.pem"

# profiles ship beside the .exe; explain gives the Linux verdicts.
expect_rc 0 "profiles: the built-in trust profiles beside the .exe" cc profiles
expect_grep "^windows-2017 +[0-9]+ " "$T/out" "profiles: windows-2017 listed from trust-stores beside the .exe"
p="-p windows-2017 -p nss-2017 -p android-2.3 -p ios-2017"
# shellcheck disable=SC2086
expect_rc 0 "explain: R36 against four built-in profiles" cc explain --at $at $p -I "$R" "$R/sectigo-dv-r36.pem"
cp "$T/out" "$T/explain-exe.txt"
# shellcheck disable=SC2086
"$LINUX" explain --at $at $p -I "$R" "$R/sectigo-dv-r36.pem" >"$T/explain-linux.txt" 2>&1
cmp -s "$T/explain-exe.txt" "$T/explain-linux.txt" && ok "explain: the .exe's verdicts equal the Linux binary's" ||
	bad "explain: .exe and Linux differ" "$(diff "$T/explain-exe.txt" "$T/explain-linux.txt" | head -5)"
expect_grep "android-2.3" "$T/explain-exe.txt" "explain: names the profiles"

# verify: the served chain, and the chain without its intermediate.
expect_rc 0 "verify: leaf + R46 cross-sign against USERTrust RSA" \
	cc verify --at $at -r "$R/usertrust-rsa-root.pem" "$T/r.pem"
openssl x509 -in "$R/sectigo-dv-r36.pem" >"$T/alone.pem"
expect_rc 1 "verify: R36 without the cross-sign -> exit 1" \
	cc verify --at $at -r "$R/usertrust-rsa-root.pem" "$T/alone.pem"
expect_grep "missing|no valid|not trusted|unable" "$T/out" "verify: says the path is missing"

# inspect: PEM and a PFX made by Linux openssl.
expect_rc 0 "inspect: a PEM chain" cc inspect "$T/r2.pem"
expect_grep "3 certificates" "$T/out" "inspect: counts the certificates"

d=$T/pki
mkdir -p "$d"
pki_crosssign "$d" rsa || bad "PKI generation"
cat "$d/ica.pem" "$d/cross.pem" >"$d/pool.pem"
printf 'pfx-secret\n' >"$T/pw"
chmod 600 "$T/pw"
openssl pkcs12 -export -in "$d/leaf.pem" -inkey "$d/leaf.key" -certfile "$d/ica.pem" \
	-name "Linux made" -passout file:"$T/pw" -out "$T/linux.pfx" 2>/dev/null
expect_rc 0 "inspect: a PFX from Linux openssl" cc inspect --password-file "$T/pw" "$T/linux.pfx"
expect_grep "2 certificates" "$T/out" "inspect: the PFX's leaf and CA"
expect_grep "1 private key" "$T/out" "inspect: the PFX's key"

# export: the .exe writes a PFX that Linux openssl reads (leaf, chain, key).
expect_rc 0 "export: PFX from cert + key + pool" \
	cc export --cert "$d/leaf.pem" --key "$d/leaf.key" -I "$d/pool.pem" -r "$d/old.pem" \
	--password-file "$T/pw" -o "$T/exe.pfx"
openssl pkcs12 -in "$T/exe.pfx" -passin file:"$T/pw" -nokeys -out "$T/exe-certs.pem" 2>"$T/e" &&
	ok "export: Linux openssl pkcs12 opens the .exe's PFX" || bad "export: openssl cannot read it" "$(cat "$T/e")"
expect_eq "$(fps "$T/exe-certs.pem" | sort | tr '\n' ' ')" \
	"$(printf '%s\n' "$(fp1 "$d/leaf.pem")" "$(fp1 "$d/ica.pem")" "$(fp1 "$d/cross.pem")" | sort | tr '\n' ' ')" \
	"export: the PFX holds leaf, issuing CA and the cross-sign to the old root"
openssl pkcs12 -in "$T/exe.pfx" -passin file:"$T/pw" -nocerts -nodes 2>/dev/null |
	openssl pkey -pubout >"$T/k1.pub" 2>/dev/null
openssl pkey -in "$d/leaf.key" -pubout >"$T/k2.pub"
cmp -s "$T/k1.pub" "$T/k2.pub" && ok "export: the PFX's key is the leaf's key" || bad "export: key differs"
expect_rc 0 "export: legacy 3DES PFX" \
	cc export --cert "$d/leaf.pem" --key "$d/leaf.key" -I "$d/pool.pem" -r "$d/old.pem" \
	--compat legacy --password-file "$T/pw" -o "$T/exe-legacy.pfx"
openssl pkcs12 -legacy -in "$T/exe-legacy.pfx" -passin file:"$T/pw" -info -noout 2>"$T/e"
expect_grep "pbeWithSHA1And3-KeyTripleDES-CBC" "$T/e" "export: --compat legacy is 3DES, read by openssl -legacy"
printf 'wrong\n' >"$T/pw-bad"
expect_rc 2 "inspect: wrong PFX password -> exit 2" cc inspect --password-file "$T/pw-bad" "$T/exe.pfx"

# import-pfx into the file store, then export by selector from it.
export CERTCHAIN_STORE="$T/winstore"
expect_rc 0 "import-pfx: the Linux-made PFX into the file store" \
	cc import-pfx --password-file "$T/pw" "$T/linux.pfx"
expect_rc 0 "store: the imported certificate is listed" cc store list
expect_grep "www.example.test" "$T/out" "store list: the personal certificate"
expect_rc 0 "export: by selector from the store" \
	cc export "CN=www.example.test" -I "$d/pool.pem" -r "$d/old.pem" --password-file "$T/pw" -o "$T/sel.pfx"
openssl pkcs12 -in "$T/sel.pfx" -passin file:"$T/pw" -nokeys 2>/dev/null | grep -c "BEGIN CERT" >"$T/n"
expect_eq "$(cat "$T/n")" "3" "export by selector: leaf + ICA + cross-sign"

# check: one live handshake (openssl s_server on 127.0.0.1) through winsock,
# the same findings and verdict as the Linux binary.
. "$(dirname "${BASH_SOURCE[0]}")/../lib-check.sh"
p=$(free_port)
if s_serve "$p" "$d/leaf.pem" "$d/leaf.key" "$d/ica.pem"; then
	cc check --json --sni www.example.test -r "$d/old.pem" -r "$d/new.pem" -I "$d/cross.pem" "127.0.0.1:$p" >"$T/cw.json"
	"$LINUX" check --json --sni www.example.test -r "$d/old.pem" -r "$d/new.pem" -I "$d/cross.pem" "127.0.0.1:$p" >"$T/cl.json"
	python3 - "$T/cw.json" "$T/cl.json" <<'PY' && ok "check: the .exe's findings, verdicts and fix equal Linux's (live s_server)" || bad "check: .exe and Linux differ" "$(head -c 300 "$T/cw.json")"
import json, sys
w, l = (json.load(open(f)) for f in sys.argv[1:3])
ids = lambda j: sorted(f["id"] for f in j["findings"])
assert ids(w) == ids(l) == ["cross-sign-available"], (ids(w), ids(l))
assert w["exit"] == l["exit"] == 0
assert len(w["fix"]["added"]) == len(l["fix"]["added"]) == 1
PY
	# fix: the same live server; the chain it writes is the Linux binary's.
	expect_rc 0 "fix: completes the served chain (live s_server)" \
		cc fix --no-store --sni www.example.test -r "$d/old.pem" -I "$d/cross.pem" -o "$T/fw.pem" "127.0.0.1:$p"
	"$LINUX" fix --no-store --sni www.example.test -r "$d/old.pem" -I "$d/cross.pem" -o "$T/fl.pem" "127.0.0.1:$p" >/dev/null 2>&1
	expect_eq "$(fps "$T/fw.pem" | tr '\n' ' ')" "$(fp1 "$d/leaf.pem") $(fp1 "$d/ica.pem") $(fp1 "$d/cross.pem") " \
		"fix: leaf, issuing CA and the cross-sign to the old root"
	cmp -s "$T/fw.pem" "$T/fl.pem" && ok "fix: the .exe writes the Linux binary's chain byte for byte" ||
		bad "fix: .exe and Linux chains differ"
	# check -f: a target file (the live server, a refused port, a malformed
	# line); the .exe's JSONL records and the summary 'report' makes of
	# them equal the Linux binary's, and each binary reports the other's.
	printf '# fleet\nwww.example.test:%s 127.0.0.1\n127.0.0.1:%s\nno:such:target\n' "$p" "$(free_port)" >"$T/targets"
	fr="-r $d/old.pem -r $d/new.pem -I $d/cross.pem"
	# shellcheck disable=SC2086
	cc check -f "$T/targets" --json --timeout 3 $fr >"$T/fw.jsonl" 2>"$T/fw.err"
	expect_eq "$?" 3 "check -f: a refused target -> exit 3 overall (the .exe)"
	# shellcheck disable=SC2086
	"$LINUX" check -f "$T/targets" --json --timeout 3 $fr >"$T/fl.jsonl" 2>/dev/null
	python3 - "$T/fw.jsonl" "$T/fl.jsonl" <<'PY2' && ok "check -f: the .exe's records equal Linux's (target, line, result, findings)" || bad "check -f: .exe and Linux differ" "$(head -c 400 "$T/fw.jsonl")"
import json, sys
def recs(f):
    return [(r["target"], r["line"], r["result"], sorted(x["id"] for x in r.get("findings", [])))
            for r in sorted(map(json.loads, open(f).read().splitlines()), key=lambda r: r["line"])]
w, l = recs(sys.argv[1]), recs(sys.argv[2])
assert w == l and [x[2] for x in w] == ["ok", "connect-failed", "bad-target"], (w, l)
PY2
	expect_grep "^summary: 3 targets, 0 ok, 1 warnings, 0 problems, 1 connect-failed, 1 bad-target$" "$T/fw.err" \
		"check -f: the .exe's closing summary (the cross-sign-available warning)"
	expect_rc 0 "report: the .exe summarises its own records" cc report --json "$T/fw.jsonl"
	cp "$T/out" "$T/rw.json"
	expect_rc 0 "report: the .exe summarises the Linux records" cc report --json "$T/fl.jsonl"
	cp "$T/out" "$T/rwl.json"
	"$LINUX" report --json "$T/fw.jsonl" >"$T/rl.json" 2>/dev/null
	python3 - "$T/rw.json" "$T/rwl.json" "$T/rl.json" <<'PY2' && ok "report: same targets, verdicts, findings and failures, either binary, either records" || bad "report: summaries differ" "$(head -c 400 "$T/rw.json")"
import json, sys
k = lambda f: [(r["targets"], r["verdicts"], r["findings"], r["failures"]) for r in map(json.loads, open(f).read().splitlines())]
a, b, c = (k(f) for f in sys.argv[1:4])
assert a == b == c and a[0][0] == 3 and a[0][1]["warnings"] == 1 and a[0][3] == {"refused": 1}, (a, b, c)
PY2
	check_stop_all
else
	bad "check: s_server did not start"
fi
p=$(free_port)
expect_rc 3 "check: nothing listening -> exit 3" cc check --timeout 3 "127.0.0.1:$p"

# AIA through WinHTTP: a leaf alone, its issuers fetched from a real HTTP
# server on 127.0.0.1 (PEM, DER, PKCS#7), as test_aia.sh does on Linux.
. "$(dirname "${BASH_SOURCE[0]}")/../lib-aia.sh"
trap wine_cleanup EXIT
a=$T/aia w=$T/www
mkdir -p "$a" "$w"
if aia_start "$w"; then
	pki_root "$a" root "AIA Test Root" &&
		PKI_AIA="caIssuers;URI:$AIA_URL/f/root.pem" pki_issue "$a" ica1 "AIA CA 1" ica1 root 3650 ca &&
		PKI_AIA="caIssuers;URI:$AIA_URL/f/ica1.p7b" pki_issue "$a" ica2 "AIA CA 2" ica2 ica1 3650 ca &&
		PKI_AIA="caIssuers;URI:$AIA_URL/f/ica2.der" pki_issue "$a" ica3 "AIA CA 3" ica3 ica2 3650 ca &&
		PKI_AIA="caIssuers;URI:$AIA_URL/f/ica3.pem" pki_issue "$a" leaf "aia.test" leaf ica3 90 leaf aia.test ||
		bad "AIA PKI generation"
	cp "$a/ica3.pem" "$w/"
	to_der "$a/ica2.pem" "$w/ica2.der"
	to_p7b "$w/ica1.p7b" "$a/ica1.pem"
	expect_rc 1 "aia: leaf only, no --aia -> no path" cc build -r "$a/root.pem" "$a/leaf.pem"
	expect_rc 0 "aia: --aia over WinHTTP completes the chain" \
		cc build --aia --aia-allow-local --aia-cache "$T/aiacache" -r "$a/root.pem" -o "$T/aia.pem" "$a/leaf.pem"
	expect_eq "$(fps "$T/aia.pem" | tr '\n' ' ')" \
		"$(fp1 "$a/leaf.pem") $(fp1 "$a/ica3.pem") $(fp1 "$a/ica2.pem") $(fp1 "$a/ica1.pem") " \
		"aia: leaf, CA 3, CA 2, CA 1 fetched as PEM, DER and PKCS#7"
	expect_rc 0 "aia: a second run offline, from the cache" \
		cc build --offline --aia-cache "$T/aiacache" -r "$a/root.pem" "$a/leaf.pem"
	aia_stop
else
	bad "aia: the test HTTP server did not start"
fi

# Bad input: one line naming the file, exit 2; POSIX-only commands refused.
printf 'garbage\n' >"$T/garbage.pem"
expect_rc 2 "garbage leaf -> exit 2" cc build -r "$R/usertrust-rsa-root.pem" "$T/garbage.pem"
expect_grep "garbage.pem: " "$T/err" "error names the file"
expect_eq "$(wc -l <"$T/err")" "1" "error is one line"
expect_rc 2 "reload is refused on Windows" cc reload
expect_grep "not available in the Windows build" "$T/err" "reload: says why"
