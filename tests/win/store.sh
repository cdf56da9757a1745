# store.sh - part of tests/e2e/test_windows.sh: the Windows certificate
# stores through crypt32 (wine's registry), every change read back by a new
# process (a reopen). The cross-sign scenario uses a generated twin of
# R46: wine re-imports the host's own roots (the real self-signed R46
# among them) at every start, so a change to *that* copy cannot persist
# under wine; the real R46 cross-sign is imported into CA and removed.
# shellcheck shell=bash

s=$T/spki
mkdir -p "$s"
pki_crosssign "$s" rsa || bad "store: PKI generation"
sha1() { openssl x509 -in "$1" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g'; }
chain_of() { # chain_of OUT: the fingerprints written, space separated
	fps "$1" | tr '\n' ' '
}
L=$(fp1 "$s/leaf.pem") I=$(fp1 "$s/ica.pem") X=$(fp1 "$s/cross.pem")

# Help: --system is named where it applies; no terminal prompt is promised.
for c in store import-pfx export; do
	expect_rc 0 "$c --help" cc "$c" --help
	expect_grep "^ +--system " "$T/out" "$c --help names --system"
done
expect_rc 0 "import-pfx --help" cc import-pfx --help
expect_nogrep "asked on the terminal" "$T/out" "import-pfx --help promises no terminal prompt on Windows"
expect_rc 0 "import-pfx --system --help" cc import-pfx --system --help
expect_grep "asks on no terminal" "$T/out" "import-pfx --system --help says where the password comes from"
expect_rc 0 "export --help" cc export --help
expect_nogrep "asked twice on the terminal" "$T/out" "export --help promises no terminal prompt on Windows"

expect_rc 0 "store --system import: the old root" cc store --system import "$s/old.pem"
expect_grep "imported into Root: Old Root CA" "$T/out" "store import: a self-signed CA goes to Root"
expect_rc 0 "store --system import: the self-signed twin, with a friendly name" \
	cc store --system import --name "Twin root" "$s/new.pem"
expect_rc 0 "store --system import: the cross-sign" cc store --system import "$s/cross.pem"
expect_grep "imported into CA: New Root CA" "$T/out" "store import: the cross-sign goes to CA"
expect_rc 0 "store --system import: again is a no-op" cc store --system import "$s/cross.pem"
expect_grep "already in CA" "$T/out" "store import: says it was there"
expect_rc 2 "store --system import: a leaf is refused (keys go through import-pfx)" \
	cc store --system import "$s/leaf.pem"

cc store --system list --json >"$T/l.json"
python3 - "$T/l.json" "$(sha1 "$s/new.pem")" "$(sha1 "$s/cross.pem")" <<'PY' && ok "store list --json: twin in Root named, cross-sign in CA, both enabled" || bad "store list --json"
import json, sys
j = json.load(open(sys.argv[1]))
by = {c["sha1"]: c for c in j["certificates"]}
t, x = by[sys.argv[2]], by[sys.argv[3]]
assert t["folder"] == "Root" and t["name"] == "Twin root" and not t["disabled"], t
assert x["folder"] == "CA" and not x["disabled"], x
PY
# every --json document as python writes it back (wine's own roots bring
# names with non-ASCII in them)
json_same() {
	python3 -m json.tool --compact --no-ensure-ascii --json-lines "$1" "$1.rt" 2>/dev/null &&
		cmp -s "$1" "$1.rt"
}
json_same "$T/l.json" && ok "store list --json: round-trips through python3 -m json.tool" ||
	bad "store list --json: python writes it differently" "$(cmp "$T/l.json" "$T/l.json.rt" 2>&1)"
cc store --system show --json "Twin root" >"$T/s.json"
[ "$(wc -l <"$T/s.json")" = 1 ] && json_same "$T/s.json" &&
	ok "store show --json: one line that round-trips through python3 -m json.tool" ||
	bad "store show --json" "$(head -c 300 "$T/s.json")"

expect_rc 0 "build --system -p machine: twin enabled" \
	cc build --system -p machine -I "$s/ica.pem" -o "$T/b1.pem" "$s/leaf.pem"
expect_eq "$(chain_of "$T/b1.pem")" "$L $I " "build --system: the short chain while the twin is trusted"
expect_grep "trusted by 1/1 profile: machine$" "$T/out" "build --system -p machine: that profile alone (no 'store' beside it)"
expect_rc 2 "store --system: CN=New Root CA is ambiguous (twin and cross-sign)" \
	cc store --system disable "CN=New Root CA"
expect_grep "matches 2 certificates" "$T/err" "ambiguous selector: lists the matches"

expect_rc 0 "store --system disable: by friendly name" cc store --system disable "Twin root"
expect_rc 0 "store --system show: after a reopen" cc store --system show "Twin root"
expect_grep "purposes: +disabled" "$T/out" "disable survives a reopen (empty EKU property)"
expect_rc 0 "build --system -p machine: twin disabled" \
	cc build --system -p machine -I "$s/ica.pem" -o "$T/b2.pem" "$s/leaf.pem"
expect_eq "$(chain_of "$T/b2.pem")" "$L $I $X " "build --system: the cross-sign once the twin is disabled"

expect_rc 0 "explain --system -p machine: twin disabled" \
	cc explain --system -p machine -I "$s/ica.pem" "$s/leaf.pem"
expect_grep "Issuing CA 1 \+ New Root CA \(to the self-signed Old Root CA\)" "$T/out" "explain --system: serves the cross-sign to the old root, in words"
expect_rc 0 "store --system enable" cc store --system enable "$(sha1 "$s/new.pem")"
expect_rc 0 "store --system show after enable" cc store --system show "Twin root"
expect_grep "purposes: +enabled" "$T/out" "enable survives a reopen (property removed)"
expect_rc 0 "build --system: twin enabled again" \
	cc build --system -p machine -I "$s/ica.pem" -o "$T/b3.pem" "$s/leaf.pem"
expect_eq "$(chain_of "$T/b3.pem")" "$L $I " "build --system: the short chain again"

expect_rc 0 "store --system remove: by SHA-1 thumbprint" cc store --system remove "$(sha1 "$s/new.pem")"
expect_rc 1 "store --system show: removed is gone after a reopen" cc store --system show "Twin root"
expect_rc 0 "build --system after remove" \
	cc build --system -p machine -I "$s/ica.pem" -o "$T/b4.pem" "$s/leaf.pem"
expect_eq "$(chain_of "$T/b4.pem")" "$L $I $X " "build --system: the cross-sign once the twin is removed"

# The real Sectigo R46 cross-sign into CA, and out again.
R=$DATA/real-certs
expect_rc 0 "store --system import: the real R46 cross-sign" \
	cc store --system import "$R/sectigo-r46-cross-by-usertrust-rsa.pem"
expect_grep "imported into CA: Sectigo Public Server Authentication Root R46" "$T/out" "real cross-sign: into CA"
xs=$(sha1 "$R/sectigo-r46-cross-by-usertrust-rsa.pem")
expect_rc 0 "store --system show: the real cross-sign" cc store --system show "$xs"
expect_grep "issuer: +CN=USERTrust RSA Certification Authority" "$T/out" "real cross-sign: issued by USERTrust"
expect_rc 0 "store --system remove: the real cross-sign" cc store --system remove "$xs"
expect_rc 1 "real cross-sign: gone after a reopen" cc store --system show "$xs"
expect_rc 1 "store --system: nothing matches -> exit 1" cc store --system show "CN=No Such CA"
# Every kind of selector (the library's cc_pool_select for SHA-256, CN and
# DN, plus Windows' SHA-1 and friendly name) picks the old root alone.
o256=$(openssl x509 -in "$s/old.pem" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g')
o1=$(openssl x509 -in "$s/old.pem" -noout -fingerprint -sha1 | sed 's/.*=//')
for sel in "${o256:0:16}" "$(echo "${o256:0:12}" | tr 'A-F' 'a-f')" "$o1" "CN=Old Root CA" "cn=Old Root CA" \
	"Old Root CA" "$(openssl x509 -in "$s/old.pem" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')"; do
	expect_rc 0 "store --system show: selector '$sel'" cc store --system show "$sel"
	expect_grep "^subject: +CN=Old Root CA" "$T/out" "selector '$sel': the old root"
done

# import-pfx --system: key + certificate into My with its friendly name.
printf 'pfx-secret\n' >"$T/spw"
openssl pkcs12 -export -in "$s/leaf.pem" -inkey "$s/leaf.key" -certfile "$s/ica.pem" \
	-name "ignored by wine" -passout file:"$T/spw" -out "$T/s.pfx" 2>/dev/null
expect_rc 0 "import-pfx --system" cc import-pfx --system --name "www 2026" --password-file "$T/spw" "$T/s.pfx"
expect_grep "imported into My: www.example.test \(with its private key\)" "$T/out" "import-pfx --system: leaf + key into My"
expect_grep "imported into CA: Issuing CA 1" "$T/out" "import-pfx --system: the CA into CA"
expect_rc 0 "store --system show: the personal certificate by friendly name" cc store --system show "www 2026"
expect_grep "private key: yes" "$T/out" "My: the key is associated"
printf 'wrong\n' >"$T/spw-bad"
expect_rc 2 "import-pfx --system: wrong password -> exit 2" \
	cc import-pfx --system --password-file "$T/spw-bad" "$T/s.pfx"

# export from My: the PFX holds key, leaf and the chain the machine trusts
# (old root only now: through the cross-sign).
expect_rc 0 "export --system: from My by friendly name" \
	cc export "www 2026" --system -p machine --password-file "$T/spw" -o "$T/my.pfx"
openssl pkcs12 -in "$T/my.pfx" -passin file:"$T/spw" -nokeys -out "$T/my.pem" 2>/dev/null &&
	ok "export --system: Linux openssl opens the PFX" || bad "export --system: openssl cannot read it"
expect_eq "$(fps "$T/my.pem" | sort | tr '\n' ' ')" "$(printf '%s\n' "$L" "$I" "$X" | sort | tr '\n' ' ')" \
	"export --system: leaf, issuing CA and the cross-sign (the whole chosen path)"
openssl pkcs12 -in "$T/my.pfx" -passin file:"$T/spw" -nocerts -nodes 2>/dev/null | openssl pkey -pubout >"$T/my.pub" 2>/dev/null
openssl pkey -in "$s/leaf.key" -pubout >"$T/leaf.pub"
cmp -s "$T/my.pub" "$T/leaf.pub" && ok "export --system: the key Windows held is the leaf's" || bad "export --system: key differs"
expect_rc 0 "store --system export = export --system" \
	cc store --system export "www 2026" -p machine --password-file "$T/spw" -o "$T/my2.pfx"
openssl pkcs12 -in "$T/my2.pfx" -passin file:"$T/spw" -info -nokeys -noout 2>"$T/e" && grep -q "friendlyName: www 2026" <(openssl pkcs12 -in "$T/my2.pfx" -passin file:"$T/spw" -nokeys 2>/dev/null) &&
	ok "store --system export: the PFX carries the friendly name" || bad "store --system export: friendly name"
# The password from an environment variable; never from argv; without
# either option and no terminal, one line saying what to give.
export CC_WIN_PFXPW=pfx-secret
expect_rc 0 "export --system --password-env" \
	cc export "www 2026" --system -p machine --password-env CC_WIN_PFXPW -o "$T/my3.pfx"
unset CC_WIN_PFXPW
openssl pkcs12 -in "$T/my3.pfx" -passin pass:pfx-secret -nokeys -noout 2>/dev/null &&
	ok "export --system --password-env: the PFX opens with the variable's password" ||
	bad "export --system --password-env: wrong password in the PFX"
expect_rc 2 "export --system --password on argv is refused" \
	cc export "www 2026" --system -p machine --password pfx-secret -o "$T/my4.pfx"
cc export "www 2026" --system -p machine -o "$T/my5.pfx" </dev/null >"$T/out" 2>"$T/err"
expect_eq "$?" 2 "export --system without a password option and no terminal -> exit 2"
expect_grep "password-env" "$T/err" "export --system without a password: names --password-file/--password-env"
[ ! -e "$T/my4.pfx" ] && [ ! -e "$T/my5.pfx" ] && ok "export --system: no PFX without a password" ||
	bad "export --system: a PFX was written without a password"

# import-pfx --system of a certificate already in My: replaced in place
# (a copy with the new properties; the old one stays should the write
# fail), still one entry, still with its key.
expect_rc 0 "import-pfx --system again: the same PFX" \
	cc import-pfx --system --name "www 2026" --password-file "$T/spw" "$T/s.pfx"
cc store --system list --folder My --json >"$T/my.json"
python3 - "$T/my.json" "$(sha1 "$s/leaf.pem")" <<'PY' && ok "import-pfx again: one My entry, named, with its key" || bad "import-pfx again: My" "$(cat "$T/my.json")"
import json, sys
j = [c for c in json.load(open(sys.argv[1]))["certificates"] if c["sha1"] == sys.argv[2]]
assert len(j) == 1 and j[0]["name"] == "www 2026" and j[0]["has_key"], j
PY

# Importing never undoes the admin's own steps: a certificate already in
# its folder is left as it is, with every property; only new ones are added.
expect_rc 0 "keep: disable the issuing CA in CA" cc store --system disable "CN=Issuing CA 1"
expect_rc 0 "keep: import-pfx --system again, without --name" \
	cc import-pfx --system --password-file "$T/spw" "$T/s.pfx"
expect_grep "^already in CA: Issuing CA 1; left as it was$" "$T/out" "keep: import-pfx says 'already in CA'"
expect_nogrep "imported into" "$T/out" "keep: import-pfx of certificates all there adds nothing"
expect_rc 0 "keep: show the CA" cc store --system show "CN=Issuing CA 1"
expect_grep "purposes: +disabled" "$T/out" "keep: disable -> import-pfx again -> still disabled (empty EKU kept)"
expect_rc 0 "keep: the leaf still selected by its name" cc store --system show "www 2026"
expect_grep "^name: +www 2026$" "$T/out" "keep: name -> import-pfx without --name -> name kept"
expect_grep "^private key: yes$" "$T/out" "keep: the key link kept"
expect_rc 0 "keep: import-pfx --name with another name" \
	cc import-pfx --system --name "www 2027" --password-file "$T/spw" "$T/s.pfx"
expect_grep "already in My: www.example.test; left as it was, its name \"www 2026\" kept" "$T/out" \
	"keep: --name does not rename one already there, and says so"
expect_rc 1 "keep: no certificate got the new name" cc store --system show "www 2027"
expect_rc 0 "keep: store --system import of the disabled CA" cc store --system import --name "New name" "$s/ica.pem"
expect_grep "^already in CA: Issuing CA 1 .*left as it was, its name \(none\) kept" "$T/out" "keep: store import says 'already in CA'"
expect_rc 0 "keep: show the CA after store import" cc store --system show "CN=Issuing CA 1"
expect_grep "purposes: +disabled" "$T/out" "keep: store import leaves the CA disabled"
expect_grep "^name: +\(none\)$" "$T/out" "keep: store import leaves the CA's name"
expect_rc 0 "rename: the explicit action" cc store --system rename "www 2026" "www 2027"
expect_rc 0 "rename: read back" cc store --system show "www 2027"
expect_grep "^private key: yes$" "$T/out" "rename: the key link survives the rename"
expect_rc 0 "rename: back" cc store --system rename "www 2027" "www 2026"
expect_rc 0 "keep: enable the CA again" cc store --system enable "CN=Issuing CA 1"
# A certificate in My without its key gets the PFX's key linked, nothing else.
expect_rc 0 "keep: the leaf into the user's My without its key" \
	cc store --system --user import --folder My --name "no key yet" "$s/leaf.pem"
expect_rc 0 "keep: import-pfx --user of its PFX" \
	cc import-pfx --system --user --name other --password-file "$T/spw" "$T/s.pfx"
expect_grep "^already in My: www.example.test; its private key linked from the PFX, otherwise left as it was \(its name kept\)$" \
	"$T/out" "keep: the key is linked to the certificate already there"
expect_rc 0 "keep: show it" cc store --system --user show "no key yet"
expect_grep "^private key: yes$" "$T/out" "keep: it has its key now"
expect_rc 0 "keep: clean up the user's My" cc store --system --user remove "no key yet"
expect_rc 0 "keep: clean up the user's CA" cc store --system --user remove "CN=Issuing CA 1"

# CurrentUser and LocalMachine apart: the cross-sign in both CA folders.
expect_rc 0 "locations: the cross-sign into CurrentUser\\CA too" cc store --system --user import "$s/cross.pem"
expect_grep "^imported into CA: New Root CA" "$T/out" "locations: new in the user's CA (the machine's copy is not the user's)"
cc store --system --user list --json >"$T/u.json"
python3 - "$T/u.json" "$(sha1 "$s/cross.pem")" <<'PY' && ok "locations: --user lists the user's certificates only, with their location" || bad "locations: --user list" "$(head -c 600 "$T/u.json")"
import json, sys
c = json.load(open(sys.argv[1]))["certificates"]
assert [x["sha1"] for x in c] == [sys.argv[2]], c
assert c[0]["store"] == "CurrentUser\\CA", c
PY
expect_rc 0 "locations: --user selects by thumbprint (one per location)" cc store --system --user show "$(sha1 "$s/cross.pem")"
expect_grep "^store: +CurrentUser\\\\CA$" "$T/out" "locations: --user show prints CurrentUser\\CA"
expect_rc 0 "locations: --user disable" cc store --system --user disable "$(sha1 "$s/cross.pem")"
expect_rc 0 "locations: --machine show" cc store --system --machine show "$(sha1 "$s/cross.pem")"
expect_grep "^store: +LocalMachine\\\\CA$" "$T/out" "locations: --machine show prints LocalMachine\\CA"
expect_grep "purposes: +enabled" "$T/out" "locations: the machine's copy stays enabled"
cc store --system list >"$T/m.txt"
expect_grep "^LocalMachine\\\\Root +[0-9A-F]{40}  Old Root CA" "$T/m.txt" "locations: list prints LocalMachine\\Root"
expect_nogrep "CurrentUser" "$T/m.txt" "locations: --machine lists no user certificate"
expect_rc 0 "locations: --user remove" cc store --system --user remove "$(sha1 "$s/cross.pem")"
expect_rc 0 "locations: the machine's copy is still there" cc store --system show --folder CA "$(sha1 "$s/cross.pem")"

# Non-ASCII names, selectors and paths (the command line is read as UTF-16).
u="$T/Café 証明書"
mkdir -p "$u"
cp "$s/cross.pem" "$u/für 証明書.pem"
cp "$T/s.pfx" "$u/Zertifikat für www.pfx"
expect_rc 0 "utf-8: store import from a Latin-1/Japanese path with a Latin-1 name" \
	cc store --system --user import --folder CA --name "Zertifikat für www" "$u/für 証明書.pem"
expect_rc 0 "utf-8: show by the Latin-1 friendly name" cc store --system --user show "Zertifikat für www"
expect_grep "^name: +Zertifikat für www$" "$T/out" "utf-8: the Latin-1 name round-trips"
expect_rc 0 "utf-8: rename to a Japanese name" cc store --system --user rename "Zertifikat für www" "証明書 Café"
expect_rc 0 "utf-8: show by the Japanese name" cc store --system --user show "証明書 Café"
cc store --system --user list >"$T/ul.txt"
expect_grep "New Root CA  \"証明書 Café\"" "$T/ul.txt" "utf-8: list prints the name as typed"
expect_rc 0 "utf-8: import-pfx from a Latin-1 path, a Japanese name" \
	cc import-pfx --system --user --name "証明書 für www" --password-file "$T/spw" "$u/Zertifikat für www.pfx"
expect_rc 0 "utf-8: export by the Japanese name to a Latin-1/Japanese path" \
	cc export "証明書 für www" --system --user -I "$s/ica.pem" -r "$s/old.pem" --password-file "$T/spw" -o "$u/Café 証明書.pfx"
openssl pkcs12 -in "$u/Café 証明書.pfx" -passin file:"$T/spw" -nokeys -info -noout 2>/dev/null &&
	ok "utf-8: the PFX written to a non-ASCII path opens" || bad "utf-8: no PFX at the non-ASCII path"
mkdir -p "$u/CA-Ordner für 証明書"
cp "$s/ica.pem" "$u/CA-Ordner für 証明書/Zwischen-CA für 証明書.pem"
cp "$s/cross.pem" "$u/CA-Ordner für 証明書/証明書.pem"
expect_rc 0 "utf-8: build -I a Latin-1/Japanese folder" \
	cc build -I "$u/CA-Ordner für 証明書" -r "$s/old.pem" -o "$u/chain für 証明書.pem" "$s/leaf.pem"
expect_eq "$(chain_of "$u/chain für 証明書.pem")" "$L $I $X " "utf-8: the folder's certificates listed and read, the chain written"
expect_rc 0 "utf-8: clean up the user's CA" cc store --system --user remove "証明書 Café"
expect_rc 0 "utf-8: clean up the user's My" cc store --system --user remove "証明書 für www"

# An ECDSA leaf: wine's crypt32 (PFXImportCertStore) refuses a PFX with an
# EC key, so under wine no ECDSA key reaches My (and none could be
# exported: keys leave My through CryptoAPI's CryptExportKey, RSA only).
# import-pfx --system says so in one line naming the file and the key, and
# changes nothing.
e=$T/epki
mkdir -p "$e"
pki_crosssign "$e" ec || bad "store: EC PKI generation"
openssl pkcs12 -export -in "$e/leaf.pem" -inkey "$e/leaf.key" \
	-passout file:"$T/spw" -out "$T/e.pfx" 2>/dev/null
cc store --system list --json >"$T/before-ec.json"
expect_rc 2 "import-pfx --system: an ECDSA PFX under wine" \
	cc import-pfx --system --name "www ec" --password-file "$T/spw" "$T/e.pfx"
expect_eq "$(wc -l <"$T/err")" "1" "import-pfx --system ECDSA: one line"
expect_grep "e\.pfx: the Windows stores cannot take this PFX \(its key: EC P-256\)" "$T/err" \
	"import-pfx --system ECDSA: names the file and the key"
cc store --system list --json >"$T/after-ec.json"
cmp -s "$T/before-ec.json" "$T/after-ec.json" && ok "import-pfx --system ECDSA: the stores unchanged" ||
	bad "import-pfx --system ECDSA: the stores changed"
expect_rc 2 "import-pfx --system: a file that is no PFX" \
	cc import-pfx --system --password-file "$T/spw" "$e/leaf.pem"
expect_eq "$(wc -l <"$T/err")" "1" "import-pfx --system, no PFX: one line"
