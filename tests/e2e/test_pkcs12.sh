#!/bin/bash
# End-to-end: PFX export (modern, legacy, plain certificates) read back by
# openssl, certtool (GnuTLS) and pk12util (NSS); PFX files made by those
# tools read by inspect; PEM exports for nginx/HAProxy; wrong passwords,
# mismatched keys, password-file permissions; the key never in any output.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-pkcs12.sh"


printf 'correct horse battery\n' >"$T/pw"
chmod 600 "$T/pw"
printf 'wrong password\n' >"$T/wpw"
chmod 600 "$T/wpw"

for alg in ec rsa; do
	d=$T/$alg
	mkdir -p "$d"
	pki_crosssign "$d" $alg || { bad "$alg: PKI generation"; continue; }
	cat "$d/new.pem" "$d/cross.pem" "$d/decoy.pem" "$d/ica.pem" >"$d/pool.pem"
	want="$(fp1 "$d/leaf.pem") $(fp1 "$d/ica.pem") $(fp1 "$d/cross.pem") "
	kl=$d/keylines
	key_lines "$d/leaf.key" >"$kl"

	# --- modern PFX: the chain chosen like build (through the cross-sign)
	expect_run 0 "$alg: export modern PFX" export --cert "$d/leaf.pem" --key "$d/leaf.key" \
		-I "$d/pool.pem" -r "$d/old.pem" --password-file "$T/pw" -o "$d/m.pfx"
	expect_eq "$(mode_of "$d/m.pfx")" 600 "$alg: PFX written 0600"
	expect_eq "$(p12_fps "$d/m.pfx" "$T/pw" | tr '\n' ' ')" "$want" \
		"$alg: openssl sees leaf, issuing CA, cross-sign, in order"
	openssl pkcs12 -in "$d/m.pfx" -passin "file:$T/pw" -info -noenc >"$d/m.info" 2>&1
	expect_grep "^MAC: sha256, Iteration (2048|[3-9][0-9]{3}|[0-9]{5,})" "$d/m.info" "$alg: modern MAC is SHA-256, >= 2048 iterations"
	expect_grep "PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration [0-9]+, PRF hmacWithSHA256" "$d/m.info" \
		"$alg: certificates under AES-256-CBC/PBKDF2-HMAC-SHA256"
	expect_grep "Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration [0-9]+, PRF hmacWithSHA256" "$d/m.info" \
		"$alg: key under AES-256-CBC/PBKDF2-HMAC-SHA256"
	expect_eq "$(grep -c 'friendlyName: www.example.test' "$d/m.info")" 2 \
		"$alg: friendly name on exactly the leaf and key bags"
	# the friendly name sits on the leaf's bag (the first subject after it)
	expect_eq "$(grep -A1 'friendlyName' "$d/m.info" | grep -m1 '^subject' | sed 's/.*CN = //')" \
		"www.example.test" "$alg: friendly name belongs to the leaf certificate"
	expect_eq "$(grep -c 'localKeyID' "$d/m.info")" 2 "$alg: localKeyID on leaf and key only"
	expect_eq "$(grep 'localKeyID' "$d/m.info" | sort -u | wc -l)" 1 "$alg: the two localKeyIDs are equal"
	openssl pkcs12 -in "$d/m.pfx" -passin "file:$T/pw" -nocerts -noenc -out "$d/m.key" 2>/dev/null
	expect_eq "$(pubkey_of "$d/m.key")" "$(pubkey_of "$d/leaf.pem")" "$alg: the PFX key is the leaf's key"

	# --- legacy PFX
	expect_run 0 "$alg: export legacy PFX" export --cert "$d/leaf.pem" --key "$d/leaf.key" \
		-I "$d/pool.pem" -r "$d/old.pem" --password-file "$T/pw" --compat legacy -o "$d/l.pfx"
	expect_eq "$(p12_fps "$d/l.pfx" "$T/pw" -legacy | tr '\n' ' ')" "$want" \
		"$alg: openssl -legacy sees leaf, issuing CA, cross-sign"
	openssl pkcs12 -legacy -in "$d/l.pfx" -passin "file:$T/pw" -info -noenc >"$d/l.info" 2>&1
	expect_grep "^MAC: sha1, Iteration" "$d/l.info" "$alg: legacy MAC is SHA-1"
	expect_grep "PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC" "$d/l.info" "$alg: legacy certificates under 3DES"
	expect_grep "Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC" "$d/l.info" "$alg: legacy key under 3DES"
	expect_eq "$(grep -c 'friendlyName: www.example.test' "$d/l.info")" 2 "$alg: legacy friendly names"
	expect_grep "BEGIN PRIVATE KEY" "$d/l.info" "$alg: legacy key decrypts"

	# --- certificates unencrypted
	expect_run 0 "$alg: export --no-encrypt-certs" export --cert "$d/leaf.pem" --key "$d/leaf.key" \
		-I "$d/pool.pem" -r "$d/old.pem" --password-file "$T/pw" --no-encrypt-certs --name "My Server" -o "$d/p.pfx"
	openssl pkcs12 -in "$d/p.pfx" -passin "file:$T/pw" -info -nokeys >"$d/p.info" 2>&1
	expect_nogrep "PKCS7 Encrypted data" "$d/p.info" "$alg: no encrypted certificate bag"
	expect_eq "$(grep -c 'friendlyName: My Server' "$d/p.info")" 1 "$alg: --name on the leaf"
	expect_eq "$(p12_fps "$d/p.pfx" "$T/pw" | wc -l)" 3 "$alg: three certificates in the plain PFX"

	# --- other PKCS#12 readers: GnuTLS and NSS
	for f in m l p; do
		certtool --p12-info --inder --infile "$d/$f.pfx" --password "correct horse battery" >"$d/$f.gt" 2>&1
		expect_eq "$(grep -c 'BEGIN CERTIFICATE' "$d/$f.gt") $(grep -c 'Type: PKCS #8 Encrypted key' "$d/$f.gt")" "3 1" \
			"$alg/$f: certtool reads 3 certificates and the encrypted key"
		expect_grep "Friendly name: (www.example.test|My Server)" "$d/$f.gt" "$alg/$f: certtool sees the friendly name"
		nss_db "$d/nss-$f"
		pk12util -l "$d/$f.pfx" -d "sql:$d/nss-$f" -w "$T/pw" >"$d/$f.nss" 2>&1
		expect_eq "$(grep -c '^Certificate' "$d/$f.nss") $(grep -c 'Certificate(has private key)' "$d/$f.nss")" "3 1" \
			"$alg/$f: pk12util lists 3 certificates, the leaf with its key"
		expect_grep "Friendly Name: (www.example.test|My Server)" "$d/$f.nss" "$alg/$f: pk12util sees the friendly name"
	done

	# --- PEM for nginx / HAProxy
	expect_run 0 "$alg: export pem-fullchain (by extension)" export --cert "$d/leaf.pem" --key "$d/leaf.key" \
		-I "$d/pool.pem" -r "$d/old.pem" -o "$d/full.pem"
	expect_eq "$(fps "$d/full.pem" | tr '\n' ' ')" "$want" "$alg: fullchain = leaf, issuing CA, cross-sign"
	expect_nogrep "PRIVATE KEY" "$d/full.pem" "$alg: fullchain holds no key"
	expect_run 0 "$alg: export pem-bundle-with-key" export --cert "$d/leaf.pem" --key "$d/leaf.key" \
		-I "$d/pool.pem" -r "$d/old.pem" --format pem-bundle-with-key -o "$d/haproxy.pem"
	expect_eq "$(mode_of "$d/haproxy.pem")" 600 "$alg: key bundle written 0600"
	expect_eq "$(fps "$d/haproxy.pem" | tr '\n' ' ')" "$want" "$alg: bundle certificates in order"
	expect_eq "$(pubkey_of "$d/haproxy.pem")" "$(pubkey_of "$d/leaf.pem")" "$alg: bundle key is the leaf's"

	# --- chain choice overrides
	expect_run 0 "$alg: --no-chain" export --cert "$d/leaf.pem" --key "$d/leaf.key" --no-chain \
		--password-file "$T/pw" -o "$d/nochain.pfx"
	expect_eq "$(p12_fps "$d/nochain.pfx" "$T/pw" | tr '\n' ' ')" "$(fp1 "$d/leaf.pem") " "$alg: --no-chain ships the leaf only"
	cat "$d/ica.pem" "$d/new.pem" >"$d/forced.pem"
	expect_run 0 "$alg: --chain FILE" export --cert "$d/leaf.pem" --key "$d/leaf.key" --chain "$d/forced.pem" \
		--password-file "$T/pw" -o "$d/forced.pfx"
	expect_eq "$(p12_fps "$d/forced.pfx" "$T/pw" | tr '\n' ' ')" \
		"$(fp1 "$d/leaf.pem") $(fp1 "$d/ica.pem") $(fp1 "$d/new.pem") " "$alg: --chain ships exactly that chain"
	expect_run 0 "$alg: new root as anchor -> no cross-sign" export --cert "$d/leaf.pem" --key "$d/leaf.key" \
		-I "$d/pool.pem" -r "$d/new.pem" --password-file "$T/pw" -o "$d/short.pfx"
	expect_eq "$(p12_fps "$d/short.pfx" "$T/pw" | tr '\n' ' ')" "$(fp1 "$d/leaf.pem") $(fp1 "$d/ica.pem") " \
		"$alg: chain follows the anchors, like build"
	# trust profiles, as build: old and new clients both trust the cross-sign chain
	expect_run 0 "$alg: export with two profiles" export --cert "$d/leaf.pem" --key "$d/leaf.key" \
		-I "$d/pool.pem" -p "old=$d/old.pem" -p "new=$d/new.pem" --password-file "$T/pw" -o "$d/prof.pfx"
	cc build -I "$d/pool.pem" -p "old=$d/old.pem" -p "new=$d/new.pem" -o "$d/prof-build.pem" "$d/leaf.pem" >/dev/null 2>&1
	expect_eq "$(p12_fps "$d/prof.pfx" "$T/pw" | tr '\n' ' ')" "$(fps "$d/prof-build.pem" | tr '\n' ' ')" \
		"$alg: export ships the chain build chooses for the same profiles"
	expect_eq "$(p12_fps "$d/prof.pfx" "$T/pw" | tr '\n' ' ')" "$want" "$alg: with old+new profiles that is the cross-sign chain"
	expect_run 1 "$alg: no valid chain -> exit 1" export --cert "$d/leaf.pem" --key "$d/leaf.key" \
		-I "$d/pool.pem" -r "$d/decoy.pem" --password-file "$T/pw" -o "$d/none.pfx"
	[ -e "$d/none.pfx" ] && bad "$alg: nothing written without a chain" || ok "$alg: nothing written without a chain"
	expect_eq "$(wc -l <"$T/err")" 1 "$alg: no-chain message is one line"
	expect_grep "no trusted chain from 'www.example.test'.*--chain FILE" "$T/err" "$alg: says no chain is trusted and what to do"

	# --- refusals
	expect_run 2 "$alg: mismatched key refused" export --cert "$d/leaf.pem" --key "$d/ica.key" \
		--no-chain --password-file "$T/pw" -o "$d/mm.pfx"
	expect_grep "does not match" "$T/err" "$alg: says the key does not match"
	[ -e "$d/mm.pfx" ] && bad "$alg: nothing written on mismatch" || ok "$alg: nothing written on mismatch"
	expect_run 2 "$alg: wrong password (modern)" inspect --password-file "$T/wpw" "$d/m.pfx"
	expect_eq "$(cat "$T/err")" "certchain: wrong password for $d/m.pfx" "$alg: one line 'wrong password for FILE'"
	expect_run 2 "$alg: wrong password (legacy)" inspect --password-file "$T/wpw" "$d/l.pfx"
	expect_grep "wrong password for" "$T/err" "$alg: legacy wrong password named"

	# --- inspect our own files
	expect_run 0 "$alg: inspect modern PFX --json" inspect --json --password-file "$T/pw" "$d/m.pfx"
	python3 - "$T/out" "$(fp1 "$d/leaf.pem")" <<'EOF' && ok "$alg: inspect JSON: 3 certs, 1 key, names, key->leaf, algorithms" || bad "$alg: inspect JSON"
import json, sys
j = json.load(open(sys.argv[1]))
c, k = j["certificates"], j["keys"]
assert j["format"] == "pfx" and j["mac"]["digest"] == "SHA256" and j["mac"]["iterations"] >= 2048, j["mac"]
assert len(c) == 3 and len(k) == 1
assert c[0]["sha256"] == sys.argv[2] and c[0]["friendly_name"] == "www.example.test"
assert c[1]["friendly_name"] is None and c[2]["friendly_name"] is None
assert c[0]["private_key"] == 0 and k[0]["certificate"] == 0 and c[1]["private_key"] is None
assert c[0]["local_key_id"] == k[0]["local_key_id"] is not None
assert "AES-256-CBC" in k[0]["encryption"] and "hmacWithSHA256" in c[0]["encryption"]
EOF
	expect_run 0 "$alg: inspect legacy PFX" inspect --password-file "$T/pw" "$d/l.pfx"
	expect_grep "SHA1 MAC, 2048 iterations" "$T/out" "$alg: legacy MAC shown"
	expect_grep "matches certificate #1 \(www.example.test\)" "$T/out" "$alg: key matched to the leaf"

	# --- PFX files made by other tools, read by inspect
	openssl pkcs12 -export -in "$d/leaf.pem" -inkey "$d/leaf.key" -certfile "$d/ica.pem" -name "from openssl" \
		-passout "file:$T/pw" -out "$d/o-modern.pfx" 2>/dev/null
	openssl pkcs12 -export -legacy -in "$d/leaf.pem" -inkey "$d/leaf.key" -certfile "$d/ica.pem" -name "from openssl legacy" \
		-passout "file:$T/pw" -out "$d/o-legacy.pfx" 2>/dev/null
	certtool --load-privkey "$d/leaf.key" --load-certificate "$d/leaf.pem" --load-ca-certificate "$d/ica.pem" \
		--to-p12 --outder --outfile "$d/gnutls.pfx" --p12-name "from gnutls" --password "correct horse battery" >/dev/null 2>&1
	nss_db "$d/nssx"
	: >"$T/empty"
	pk12util -i "$d/o-modern.pfx" -d "sql:$d/nssx" -w "$T/pw" -k "$T/empty" >/dev/null 2>&1
	pk12util -o "$d/nss.pfx" -n "from openssl" -d "sql:$d/nssx" -w "$T/pw" -k "$T/empty" >/dev/null 2>&1
	for src in o-modern:"from openssl":PBES2 o-legacy:"from openssl legacy":RC2 gnutls:"from gnutls":PBES2 nss:"from openssl":PBES2; do
		f=${src%%:*}; rest=${src#*:}; name=${rest%:*}; enc=${rest##*:}
		expect_run 0 "$alg: inspect $f.pfx" inspect --json --password-file "$T/pw" "$d/$f.pfx"
		python3 - "$T/out" "$(fp1 "$d/leaf.pem")" "$(fp1 "$d/ica.pem")" "$name" "$enc" <<'EOF' \
			&& ok "$alg: $f.pfx: leaf + CA + key, friendly name, key matched, $enc" || bad "$alg: $f.pfx contents" "$(head -c 300 "$T/out")"
import json, sys
j = json.load(open(sys.argv[1]))
fps = sorted(c["sha256"] for c in j["certificates"])
assert fps == sorted(sys.argv[2:4]), fps
leaf = [c for c in j["certificates"] if c["sha256"] == sys.argv[2]][0]
assert leaf["friendly_name"] == sys.argv[4], leaf
assert len(j["keys"]) == 1 and j["keys"][0]["certificate"] is not None
assert j["certificates"][j["keys"][0]["certificate"]]["sha256"] == sys.argv[2]
assert any(sys.argv[5] in c["encryption"] for c in j["certificates"]), [c["encryption"] for c in j["certificates"]]
EOF
	done
	expect_run 2 "$alg: wrong password on openssl -legacy file" inspect --password-file "$T/wpw" "$d/o-legacy.pfx"
	# without OpenSSL's legacy module, RC2 is named as the cause, not the password
	OPENSSL_MODULES=$T/no-modules expect_run 2 "$alg: RC2 file without the legacy module" \
		inspect --password-file "$T/pw" "$d/o-legacy.pfx"
	expect_grep "cannot decrypt the certificates: this OpenSSL does not support pbeWithSHA1And40BitRC2-CBC" "$T/err" \
		"$alg: says RC2 is unsupported, not 'wrong password'"

	# --- inspect plain files: PEM bundle with key, P7B, DER key
	cat "$d/leaf.pem" "$d/leaf.key" "$d/ica.pem" >"$d/bundle.pem"
	expect_run 0 "$alg: inspect PEM bundle" inspect "$d/bundle.pem"
	expect_grep "2 certificates, 1 private key" "$T/out" "$alg: bundle: 2 certificates, 1 key"
	expect_grep "matches certificate #1 \(www.example.test\)" "$T/out" "$alg: bundle key matched"
	openssl crl2pkcs7 -nocrl -certfile "$d/leaf.pem" -certfile "$d/ica.pem" -outform DER -out "$d/c.p7b" 2>/dev/null
	expect_run 0 "$alg: inspect P7B" inspect --json "$d/c.p7b"
	expect_eq "$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(len(j["certificates"]), len(j["keys"]))' "$T/out")" \
		"2 0" "$alg: P7B: 2 certificates, no key"
	openssl pkey -in "$d/leaf.key" -outform DER -out "$d/leaf.der" 2>/dev/null
	expect_run 0 "$alg: inspect DER key" inspect "$d/leaf.der"
	expect_grep "key #1: ($alg|EC P-256|RSA 2048)" "$T/out" "$alg: DER key type shown"

	# --- the key never appears in anything certchain printed
	if grep -qFf "$kl" "$LOG"; then bad "$alg: key material in output"; else ok "$alg: no key material in any output"; fi
done

d=$T/ec
# password sources
chmod 644 "$T/pw"
expect_run 0 "world-readable password file still works" export --cert "$d/leaf.pem" --key "$d/leaf.key" \
	--no-chain --password-file "$T/pw" -o "$T/wr.pfx"
expect_grep "warning: password file .* readable by group or others" "$T/err" "world-readable password file warned about"
chmod 600 "$T/pw"
expect_run 0 "0600 password file" export --cert "$d/leaf.pem" --key "$d/leaf.key" --no-chain --password-file "$T/pw" -o "$T/wr.pfx"
expect_nogrep "warning" "$T/err" "no warning for a 0600 password file"
P12PW="env secret" expect_run 0 "--password-env" export --cert "$d/leaf.pem" --key "$d/leaf.key" --no-chain \
	--password-env P12PW -o "$T/env.pfx"
openssl pkcs12 -in "$T/env.pfx" -passin pass:"env secret" -nokeys >/dev/null 2>&1 && ok "--password-env password opens the PFX" || bad "--password-env"
expect_run 2 "unset --password-env var" export --cert "$d/leaf.pem" --key "$d/leaf.key" --no-chain --password-env NOPE_UNSET -o "$T/x.pfx"
expect_rc 2 "no password source, no terminal" setsid -w "$CERTCHAIN" export --cert "$d/leaf.pem" --key "$d/leaf.key" --no-chain -o "$T/x.pfx"
expect_grep "no password" "$T/err" "says no password"
[ -e "$T/x.pfx" ] && bad "nothing written without a password" || ok "nothing written without a password"
# interactive prompt on a terminal (a pseudo-terminal): asked twice, not echoed
tty_run "$T/tty.out" "tty secret" "tty secret" -- "$CERTCHAIN" export --cert "$d/leaf.pem" --key "$d/leaf.key" --no-chain -o "$T/tty.pfx"
expect_eq "$?" 0 "export with a prompted password"
openssl pkcs12 -in "$T/tty.pfx" -passin pass:"tty secret" -nokeys >/dev/null 2>&1 && ok "prompted password opens the PFX" || bad "tty prompt" "$(cat "$T/tty.out")"
expect_eq "$(grep -c 'Password for\|Repeat the password' "$T/tty.out")" 2 "asked twice"
expect_nogrep "tty secret" "$T/tty.out" "password not echoed"
tty_run "$T/tty2.out" one two -- "$CERTCHAIN" export --cert "$d/leaf.pem" --key "$d/leaf.key" --no-chain -o "$T/tty2.pfx"
expect_eq "$?" 2 "differing passwords: exit 2"
expect_grep "passwords differ" "$T/tty2.out" "different passwords refused"
[ -e "$T/tty2.pfx" ] && bad "nothing written on differing passwords" || ok "nothing written on differing passwords"
tty_run "$T/tty3.out" "tty secret" -- "$CERTCHAIN" inspect "$T/tty.pfx"
expect_eq "$?" 0 "inspect asks once on the terminal"
expect_grep "1 certificate, 1 private key" "$T/tty3.out" "inspect with a prompted password reads the PFX"

# export --json reports what went in, without the key
expect_run 0 "export --json" export --cert "$d/leaf.pem" --key "$d/leaf.key" -I "$d/pool.pem" -r "$d/old.pem" \
	--password-file "$T/pw" --json -o "$T/j.pfx"
python3 - "$T/out" "$(fp1 "$d/leaf.pem")" <<'EOF2' && ok "export --json: output, friendly name, key type, certificates in order" || bad "export --json" "$(head -c 300 "$T/out")"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["output"].endswith("j.pfx") and j["friendly_name"] == "www.example.test"
assert j["key"] == "EC P-256" and len(j["certificates"]) == 3
assert j["certificates"][0]["sha256"] == sys.argv[2]
EOF2
# inspect a single DER certificate, and real bundles (counts against grep)
openssl x509 -in "$d/leaf.pem" -outform DER -out "$T/leaf.der"
expect_run 0 "inspect a DER certificate" inspect --json "$T/leaf.der"
expect_eq "$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(len(j["certificates"]), len(j["keys"]), j["certificates"][0]["sha256"])' "$T/out")" \
	"1 0 $(fp1 "$d/leaf.pem")" "DER certificate: one certificate, its fingerprint"
for f in "$DATA/pools/cfssl-int-bundle.crt" "$DATA/trust-stores/windows.pem"; do
	[ -f "$f" ] || { echo "skip - $f not found"; continue; }
	expect_run 0 "inspect real bundle $(basename "$f")" inspect --json "$f"
	expect_eq "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["certificates"]))' "$T/out")" \
		"$(grep -c 'BEGIN CERTIFICATE' "$f")" "$(basename "$f"): every certificate listed"
done

# encrypted key file: refused with a hint
openssl pkey -in "$d/leaf.key" -aes256 -passout pass:x -out "$T/enc.key" 2>/dev/null
expect_run 2 "encrypted --key refused" export --cert "$d/leaf.pem" --key "$T/enc.key" --no-chain --password-file "$T/pw" -o "$T/e.pfx"
expect_grep "encrypted" "$T/err" "says the key is encrypted"
# usage errors
expect_run 2 "export without --key" export --cert "$d/leaf.pem" -o "$T/u.pfx"
expect_run 2 "bad --compat" export --cert "$d/leaf.pem" --key "$d/leaf.key" --compat ancient -o "$T/u.pfx"
expect_run 2 "bad --format" export --cert "$d/leaf.pem" --key "$d/leaf.key" --format jks -o "$T/u.pfx"
expect_run 0 "export --help" export --help
expect_grep "usage: certchain export" "$T/out" "export --help prints usage"
expect_run 0 "inspect --help" inspect --help
printf 'garbage' >"$T/garbage.pfx"
expect_run 2 "inspect garbage" inspect "$T/garbage.pfx"
expect_grep "garbage.pfx: " "$T/err" "garbage error names the file"
expect_eq "$(wc -l <"$T/err")" 1 "garbage error is one line"
head -c 200 "$d/m.pfx" >"$T/trunc.pfx"
expect_run 2 "inspect truncated PFX" inspect --password-file "$T/pw" "$T/trunc.pfx"
if grep -qFf "$d/keylines" "$LOG"; then bad "no key material in any output (all)"; else ok "no key material in any output (all)"; fi
finish
