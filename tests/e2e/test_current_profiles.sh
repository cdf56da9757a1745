#!/bin/bash
# End-to-end: today's trust stores as built-in profiles beside the legacy
# (2017) ones. The presence of each root is read from the shared data's own
# README table, so the expectations are the data's, not this script's; the
# verdicts of build, explain and profiles on the real Sectigo and Let's
# Encrypt certificates; check's today's/legacy lines against s_server; the
# precomputed index (profiles.idx) against the PEM files it stands for.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-check.sh"
trap 'check_stop_all; rm -rf "$T"' EXIT

R=$DATA/real-certs
CUR=$DATA/trust-stores/current
jget() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
# README column -> profile name
declare -A PROF=([apple]=apple-2025 [android-13]=android-13 [android-7]=android-7
	[chrome-v36]=chrome-v36 [mozilla]=debian-12)

# --- profiles: the groups, dates, sources --------------------------------
expect_rc 0 "profiles (default set)" cc profiles --no-store
cp "$T/out" "$T/list.txt"
expect_grep "^today's clients:" "$T/list.txt" "profiles: a today's clients group"
expect_grep "^legacy clients" "$T/list.txt" "profiles: a legacy clients group"
python3 - "$T/list.txt" <<'PY' && ok "profiles: the 6 current stores under today's, the 10 2017 ones under legacy" || bad "profiles: groups"
import sys
group, seen = None, {}
for line in open(sys.argv[1]):
    if line.startswith("today's clients"): group = "current"
    elif line.startswith("legacy clients"): group = "legacy"
    elif line[:1].isdigit(): break  # the summary; distrust dates follow
    elif group and line.split() and line.split()[0] not in ("profile",):
        seen[line.split()[0]] = group
for n in ("apple-2025", "android-13", "android-7", "chrome-v36", "debian-12", "mozilla-2026"):
    assert seen.get(n) == "current", (n, seen)
for n in ("nss-2017", "windows-2017", "macos-2017", "ios-2017", "android-2.2",
          "android-2.3", "android-3.0", "android-4.0", "android-4.4", "ubuntu-2017"):
    assert seen.get(n) == "legacy", (n, seen)
PY
expect_grep "^apple-2025 +156 +pathbuild +webpki +100 +2025-10$" "$T/list.txt" "profiles: apple-2025 with 156 anchors, weight 100, date 2025-10"
grep -A2 "^windows-2017 .*2017-03$" "$T/list.txt" | unwrap >"$T/win.txt"
expect_grep "^  source: .*2017" "$T/win.txt" "profiles: windows-2017 is labelled as the 2017 store (its source under its row)"
cc profiles --no-store --json >"$T/all.json" || bad "profiles --json"
python3 - "$T/all.json" "$CUR" <<'PY' && ok "profiles --json: group, date, source; anchors = distinct certificates of the shared store files" || bad "profiles --json: current stores"
import json, sys, os, re, hashlib, base64
j = json.load(open(sys.argv[1]))
files = {"apple-2025": "apple-2025-10-16.pem", "android-13": "android-13.pem",
         "android-7": "android-7.pem", "chrome-v36": "chrome-v36-partial.pem",
         "debian-12": "mozilla-debian-20230311.pem",
         "mozilla-2026": "../nss/mozilla-nss-2026-04-09.pem"}
by = {p["name"]: p for p in j["profiles"]}
for n, f in files.items():
    p = by[n]
    assert p["group"] == "current" and p["behaviour"] == "pathbuild", p
    assert os.path.basename(f) in p["source"], p
    pem = open(os.path.join(sys.argv[2], f), encoding="latin-1").read()
    blocks = re.findall(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", pem, re.S)
    fps = {hashlib.sha256(base64.b64decode("".join(b.split()))).hexdigest() for b in blocks}
    assert p["anchors"] == len(fps), (n, p["anchors"], len(fps))
assert by["apple-2025"]["date"] == "2025-10" and by["chrome-v36"]["date"] is None, by
assert by["nss-2017"]["group"] == "legacy" and by["nss-2017"]["date"] == "2017-03"
# the weights: today's group outweighs the whole legacy group
cur = sum(p["weight"] for p in j["profiles"] if p["group"] == "current")
leg = sum(p["weight"] for p in j["profiles"] if p["group"] == "legacy")
assert cur > leg, (cur, leg)
PY

# --- profiles CHAIN: which anchor each store has, per the README table ----
# Each root of the README's presence table, cut out of the first store that
# has it; then `profiles --json ROOT` must say which profiles hold it.
python3 - "$CUR" "$T" <<'PY' || bad "README presence table: parse"
import os, re, sys
cur, out = sys.argv[1], sys.argv[2]
rows = [l for l in open(os.path.join(cur, "README.md")) if re.match(r"\| [A-Z].* \| [YN] \|", l)]
with open(os.path.join(out, "table.txt"), "w") as t:
    for r in rows:
        cells = [c.strip() for c in r.strip().strip("|").split("|")]
        t.write("\t".join(cells) + "\n")
PY
hdr=$(grep -m1 "^| subject CN" "$CUR/README.md" | tr -d ' ' | tr '|' '\n' | grep -v '^$' | tail -n +2 | tr '\n' ' ')
expect_eq "$(wc -l <"$T/table.txt")" "7" "README presence table: 7 roots"
# every store's certificates with their subject CN, parsed once
for f in "$CUR"/*.pem; do
	openssl crl2pkcs7 -nocrl -certfile "$f" | openssl pkcs7 -print_certs
done >"$T/stores.txt"
i=0
while IFS=$'\t' read -r cn cols; do
	i=$((i + 1))
	# the root's PEM: the first certificate of the stores with this CN
	python3 - "$T/stores.txt" "$cn" "$T/root$i.pem" <<'PY'
import re, sys
text, cn, out = open(sys.argv[1], encoding="latin-1").read(), sys.argv[2], sys.argv[3]
for m in re.finditer(r"subject=([^\n]*)\n.*?(-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----)", text, re.S):
    if re.search(r"CN = " + re.escape(cn) + r"(,|$)", m.group(1)):
        open(out, "w").write(m.group(2) + "\n"); sys.exit(0)
sys.exit(1)
PY
	[ -s "$T/root$i.pem" ] || { bad "$cn: found in a store file"; continue; }
	cc profiles --no-store --json "$T/root$i.pem" >"$T/has$i.json" || { bad "$cn: profiles --json ROOT"; continue; }
	got="" want=""
	k=0
	for col in $hdr; do
		k=$((k + 1))
		yn=$(echo "$cols" | cut -f$k)
		p=${PROF[$col]}
		want="$want $p=$yn"
		got="$got $p=$(jget "$T/has$i.json" "'Y' if j['chain']['has']['$p'] else 'N'")"
	done
	expect_eq "$got" "$want" "profiles --json ROOT: $cn held by exactly the stores the README says"
done <"$T/table.txt"

# mozilla-2026 holds a real root exactly when the NSS 2026 file does; the
# facts its README states (R46/E46 added 2023-07, USERTrust kept, AAA's
# websites trust removed April 2025) follow from that data.
NSS26=$DATA/trust-stores/nss/mozilla-nss-2026-04-09.pem
fps "$NSS26" >"$T/nss26.fps"
for r in sectigo-r46-root sectigo-e46-root usertrust-rsa-root usertrust-ecc-root aaa-certificate-services-root isrg-root-x1; do
	want=$(grep -qx "$(fp1 "$R/$r.pem")" "$T/nss26.fps" && echo Y || echo N)
	cc profiles --no-store --json -p mozilla-2026 "$R/$r.pem" >"$T/m26.json" 2>/dev/null
	expect_eq "$(jget "$T/m26.json" "'Y' if j['chain']['has']['mozilla-2026'] else 'N'")" "$want" \
		"mozilla-2026 holds $r exactly when the NSS 2026 file does ($want)"
	case $r in
	sectigo-r46-root | usertrust-rsa-root) expect_eq "$want" Y "NSS 2026 README: $r trusted in 2026" ;;
	aaa-certificate-services-root) expect_eq "$want" N "NSS 2026 README: AAA lost its websites trust in April 2025" ;;
	esac
done

# A chain's anchors: R36 through the real cross-signs can end at R46, USERTrust
# RSA or AAA; android-13 has the last two, chrome-v36 the first two.
expect_rc 0 "profiles -I real-certs R36" cc profiles --no-store --json -I "$R" "$R/sectigo-dv-r36.pem"
cp "$T/out" "$T/r36a.json"
R46=$(fp1 "$R/sectigo-r46-root.pem") UTR=$(fp1 "$R/usertrust-rsa-root.pem") AAA=$(fp1 "$R/aaa-certificate-services-root.pem")
expect_eq "$(jget "$T/r36a.json" 'sorted(a["sha256"] for a in j["chain"]["anchors"])')" \
	"$(python3 -c 'import sys; print(sorted(sys.argv[1:]))' "$R46" "$UTR" "$AAA")" \
	"profiles CHAIN: R36's possible anchors are R46, USERTrust RSA and AAA"
expect_eq "$(jget "$T/r36a.json" 'sorted(j["chain"]["has"]["android-13"])')" \
	"$(python3 -c 'import sys; print(sorted(sys.argv[1:]))' "$UTR" "$AAA")" \
	"profiles CHAIN: android-13 has USERTrust RSA and AAA, not R46"
expect_eq "$(jget "$T/r36a.json" 'sorted(j["chain"]["has"]["chrome-v36"])')" \
	"$(python3 -c 'import sys; print(sorted(sys.argv[1:]))' "$R46" "$UTR")" \
	"profiles CHAIN: chrome-v36 has R46 and USERTrust RSA, not AAA"
cc profiles --no-store -I "$R" "$R/sectigo-dv-r36.pem" >"$T/r36a.txt"
expect_grep "^  Sectigo Public Server Authentication Root R46:" "$T/r36a.txt" "profiles CHAIN text: one entry per anchor"
expect_rc 2 "profiles -I without CHAIN -> usage error" cc profiles -I "$R"

# --- build / explain on the real certificates ----------------------------
# row VERDICTS FILE "fp fp ..." GROUP -> "name=Y name=N ..." for that served chain
row() {
	python3 - "$1" "$2" "$3" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
want = sys.argv[2].split()
for r in j["matrix"]:
    if r["served"] == want:
        print(" ".join("%s=%s" % (v["profile"], "Y" if v["trusted"] else "N")
                       for v in r["judgement"]["verdicts"] if v["group"] == sys.argv[3]))
        sys.exit(0)
print("no such row")
PY
}
cur5="apple-2025 android-13 android-7 chrome-v36 debian-12 mozilla-2026"
P5=""
for p in $cur5; do P5="$P5 -p $p"; done
for alg in r e; do
	case $alg in
	r) L=sectigo-dv-r36 ROOT=sectigo-r46-root X=sectigo-r46-cross-by-usertrust-rsa U="USERTrust RSA" ;;
	e) L=sectigo-dv-e36 ROOT=sectigo-e46-root X=sectigo-e46-cross-by-usertrust-ecc U="USERTrust ECC" ;;
	esac
	Lf=$(fp1 "$R/$L.pem") Xf=$(fp1 "$R/$X.pem") Rt=$(fp1 "$R/$ROOT.pem")
	expect_rc 0 "$L: build with the default profiles" cc build --no-store -I "$R" --json "$R/$L.pem"
	cp "$T/out" "$T/$L.json"
	expect_eq "$(row "$T/$L.json" "$Lf" current)" \
		"apple-2025=Y android-13=N android-7=N chrome-v36=Y debian-12=Y mozilla-2026=Y$(grep -q '"name":"system"' "$T/$L.json" && echo ' system=Y')" \
		"$L: the self-signed root path: apple, chrome, mozilla yes; android-13, android-7 no"
	expect_eq "$(row "$T/$L.json" "$Lf $Xf" current)" \
		"apple-2025=Y android-13=Y android-7=Y chrome-v36=Y debian-12=Y mozilla-2026=Y$(grep -q '"name":"system"' "$T/$L.json" && echo ' system=Y')" \
		"$L: with the cross-sign by $U: every client in use today"
	expect_eq "$(jget "$T/$L.json" 'j["need_longer"]["current"]')" "['android-13', 'android-7']" \
		"$L: --json need_longer: android-13 and android-7 need the cross-sign today"
	expect_eq "$(jget "$T/$L.json" '"android-2.2" in j["need_longer"]["legacy"], "nss-2017" in j["need_longer"]["legacy"]')" \
		"(False, True)" "$L: ... and the legacy ones it rescues (nss-2017, not android-2.2 which it does not)"
	# chrome-v36 never ends at AAA Certificate Services: not in its store
	expect_eq "$(jget "$T/$L.json" '[v["anchor"] for r in j["matrix"] for v in r["judgement"]["verdicts"] if v["profile"] == "chrome-v36" and v["trusted"]].count("'"$AAA"'")')" \
		"0" "$L: chrome-v36 never anchors at AAA Certificate Services"
	expect_eq "$(jget "$T/$L.json" 'j["matrix"][0]["judgement"]["groups"]["current"]["untrusted"]')" "[]" \
		"$L: the chain to serve is trusted by every client in use today"
	cc build --no-store -I "$R" -o "$T/$L.out.pem" "$R/$L.pem" >"$T/$L.txt"
	expect_grep "^today's clients: [0-9]+/[0-9]+ trust it; legacy clients: 9/10 trust it \(not android-2.2\)" "$T/$L.txt" \
		"$L: build text: today's and legacy clients apart"
	fps "$T/$L.out.pem" >"$T/$L.fps"
	expect_eq "$(head -1 "$T/$L.fps"),$(wc -l <"$T/$L.fps")" "$Lf,$(($(wc -l <"$T/$L.fps") > 1 ? $(wc -l <"$T/$L.fps") : 0))" \
		"$L: build serves more than the issuing CA (a cross-sign of its root)"
	expect_nogrep "$Rt" "$T/$L.fps" "$L: ... and not the self-signed root"
	expect_rc 0 "$L: explain" cc explain --no-store -I "$R" "$R/$L.pem"
	cp "$T/out" "$T/$L.x"
	expect_grep "^  today's clients: android-13, android-7 \(2 of " "$T/$L.x" \
		"$L: explain names the clients in use today that need the cross-sign"
	expect_grep "^  legacy clients: .*nss-2017" "$T/$L.x" "$L: explain names the legacy ones apart"
	expect_grep "^  today's clients: [0-9]/[0-9] trust it; legacy clients: 9/10 trust it \(not android-2.2\)" "$T/$L.x" \
		"$L: explain: the chosen chain, per group"
	# only today's stores: the self-signed root is not enough for Android
	expect_rc 0 "$L: explain with only today's stores" cc explain --no-store $P5 -I "$R" "$R/$L.pem"
	expect_grep "trusted by 6/6 profiles" "$T/out" "$L: today's stores: 6/6 with the cross-sign"
	expect_grep "^  today's clients: android-13, android-7 \(2 of 6\)" "$T/out" "$L: today's stores: android-13, android-7 need it"
	expect_nogrep "legacy clients" "$T/out" "$L: no legacy line without legacy profiles"
done

for L in lets-encrypt-r10 lets-encrypt-e5; do
	Lf=$(fp1 "$R/$L.pem")
	expect_rc 0 "$L: build with the default profiles" cc build --no-store -I "$R" --json "$R/$L.pem"
	cp "$T/out" "$T/$L.json"
	expect_eq "$(row "$T/$L.json" "$Lf" current | sed 's/ system=Y//')" \
		"apple-2025=Y android-13=Y android-7=N chrome-v36=Y debian-12=Y mozilla-2026=Y" \
		"$L: ISRG Root X1 path: every current store but android-7"
	expect_eq "$(jget "$T/$L.json" '[v["reason"] for v in j["matrix"][0]["judgement"]["verdicts"] if v["profile"] == "android-7"][0]')" \
		"anchor not in store (it has no ISRG Root X1)" "$L: android-7: ISRG Root X1 is not in its store"
	expect_rc 0 "$L: explain" cc explain --no-store -I "$R" "$R/$L.pem"
	expect_grep "^  today's clients: [0-9]/[0-9] trust it \(not android-7\); legacy clients: 0/10" "$T/out" \
		"$L: explain: android-7 is the one client in use today left out"
	expect_nogrep "who needs" "$T/out" "$L: no longer chain to recommend (the DST cross-sign has expired)"
done

# --- check: today's and legacy clients on a served chain ------------------
# A real chain cannot be served (its CAs' keys are not ours): the generated
# cross-sign PKI stands in, with a store marked current and one legacy.
for alg in rsa ec; do
	d=$T/$alg
	mkdir -p "$d"
	pki_crosssign "$d" $alg || { bad "$alg: PKI"; continue; }
	P="-p today=$d/new.pem,group=current -p old=$d/old.pem,group=legacy"
	p=$(free_port)
	s_serve "$p" "$d/leaf.pem" "$d/leaf.key" "$d/ica.pem"
	expect_rc 1 "$alg check: leaf+ICA -> the legacy client fails" \
		cc check --no-store --no-aia $P -I "$d/cross.pem" --connect "127.0.0.1:$p" www.example.test
	cp "$T/out" "$d/c1.txt"
	expect_grep "^  served chain: today's clients: 1/1 trust it; legacy clients: 0/1 trust it \(not old\)" "$d/c1.txt" \
		"$alg check: served chain: today's clients fine, the legacy one not"
	expect_grep "^  chain to serve: today's clients: 1/1 trust it; legacy clients: 1/1 trust it" "$d/c1.txt" \
		"$alg check: the chain to serve (with the cross-sign) satisfies both groups"
	cc check --no-store --no-aia $P -I "$d/cross.pem" --connect "127.0.0.1:$p" --json www.example.test >"$d/c1.json"
	expect_eq "$(jget "$d/c1.json" 'j["trust"]["groups"]["legacy"]["untrusted"], j["trust"]["groups"]["current"]["trusted_by"]')" \
		"(['old'], 1)" "$alg check --json: groups on the served chain"
	cat "$d/ica.pem" "$d/cross.pem" >"$d/chain.pem"
	p2=$(free_port)
	s_serve "$p2" "$d/leaf.pem" "$d/leaf.key" "$d/chain.pem"
	expect_rc 0 "$alg check: with the cross-sign served -> both groups trust it" \
		cc check --no-store --no-aia $P --connect "127.0.0.1:$p2" www.example.test
	expect_grep "^  served chain: today's clients: 1/1 trust it; legacy clients: 1/1 trust it$" "$T/out" \
		"$alg check: served chain with the cross-sign: 1/1 and 1/1"
	check_stop_all
done

# --- profiles.conf: KEY=VALUE tokens --------------------------------------
mkdir -p "$T/dd/trust-stores"
cp "$R/isrg-root-x1.pem" "$R/dst-root-ca-x3.pem" "$T/dd/trust-stores/"
cat >"$T/dd/trust-stores/profiles.conf" <<'EOF'
new  isrg-root-x1.pem   pathbuild 5 group=current date=2024-01 A new device
old  dst-root-ca-x3.pem pathbuild 2 date=2019 group=legacy An old device
plain isrg-root-x1.pem  served-order 1 A line in the old format
EOF
expect_rc 0 "profiles.conf: KEY=VALUE tokens in any order" env CERTCHAIN_DATA_DIR=$T/dd "$CERTCHAIN" profiles --no-store --json
cp "$T/out" "$T/dd.json"
expect_eq "$(jget "$T/dd.json" '[(p["name"], p["group"], p["date"], p["source"].split(" (")[0]) for p in j["profiles"] if p["name"] != "system"]')" \
	"[('new', 'current', '2024-01', 'A new device'), ('old', 'legacy', '2019', 'An old device'), ('plain', 'current', None, 'A line in the old format')]" \
	"profiles.conf: group and date parsed, description intact, old-format line valid"
echo "bad isrg-root-x1.pem pathbuild 1 colour=blue A device" >>"$T/dd/trust-stores/profiles.conf"
expect_rc 2 "profiles.conf: unknown key -> exit 2" env CERTCHAIN_DATA_DIR=$T/dd "$CERTCHAIN" profiles
expect_grep "profiles.conf: line 4: unknown key 'colour'" "$T/err" "... naming the line and the key"
sed -i '$d' "$T/dd/trust-stores/profiles.conf"
echo "bad isrg-root-x1.pem pathbuild 1 group=modern A device" >>"$T/dd/trust-stores/profiles.conf"
expect_rc 2 "profiles.conf: bad group -> exit 2" env CERTCHAIN_DATA_DIR=$T/dd "$CERTCHAIN" profiles
expect_grep "line 4: group must be current or legacy, not 'modern'" "$T/err" "... naming the value"
expect_rc 2 "-p ...,group=x -> exit 2" cc profiles -p "x=$R/isrg-root-x1.pem,group=x"
expect_grep "unknown group 'x'" "$T/err" "... naming it"
expect_rc 0 "-p nss-2017,group=current overrides the group" cc profiles --json -p nss-2017,group=current
expect_eq "$(jget "$T/out" 'j["profiles"][0]["group"]')" "current" "... and profiles shows it"

# --- the precomputed index stands for the PEM files, never beyond them -----
src=$(jget "$T/all.json" 'j["data_dir"]')
if [ -s "$src/trust-stores/profiles.idx" ]; then
	mkdir -p "$T/ix" && cp -rp "$src/trust-stores" "$T/ix/"
	env CERTCHAIN_DATA_DIR=$T/ix "$CERTCHAIN" profiles --no-store --json | sed 's/"data_dir":"[^"]*"//' >"$T/ix1.json"
	rm "$T/ix/trust-stores/profiles.idx"
	env CERTCHAIN_DATA_DIR=$T/ix "$CERTCHAIN" profiles --no-store --json >"$T/ix2raw.json"
	sed 's/"data_dir":"[^"]*"//' "$T/ix2raw.json" >"$T/ix2.json"
	expect_eq "$(cmp -s "$T/ix1.json" "$T/ix2.json" && echo same)" "same" "index: the same profiles as from the PEM files"
	cp -p "$src/trust-stores/profiles.idx" "$T/ix/trust-stores/"
	# a store edited after the index was built: the PEM wins
	awk '/BEGIN CERT/{n++} n<=3' "$src/trust-stores/android-13.pem" >"$T/ix/trust-stores/android-13.pem"
	env CERTCHAIN_DATA_DIR=$T/ix "$CERTCHAIN" profiles --no-store --json >"$T/ix3.json"
	expect_eq "$(jget "$T/ix3.json" '[p["anchors"] for p in j["profiles"] if p["name"] == "android-13"][0]')" "3" \
		"index: a store changed since the index -> read from its PEM"
	# a corrupt index is ignored, not trusted
	head -c 5000 "$src/trust-stores/profiles.idx" >"$T/ix/trust-stores/profiles.idx"
	touch -r "$src/trust-stores/profiles.idx" "$T/ix/trust-stores/profiles.idx"
	expect_rc 0 "index: a truncated index is ignored" env CERTCHAIN_DATA_DIR=$T/ix "$CERTCHAIN" profiles --no-store --json
	expect_eq "$(jget "$T/out" '[p["anchors"] for p in j["profiles"] if p["name"] == "apple-2025"][0]')" "156" \
		"... the stores come from the PEM files"
	# one byte changed inside a certificate, size and time kept: not used
	cp -p "$src/trust-stores/profiles.idx" "$T/ix/trust-stores/profiles.idx"
	python3 - "$T/ix/trust-stores/profiles.idx" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[len(b) // 2] ^= 0x01
open(sys.argv[1], "r+b").write(b)
PY
	touch -r "$src/trust-stores/profiles.idx" "$T/ix/trust-stores/profiles.idx"
	env CERTCHAIN_DATA_DIR=$T/ix "$CERTCHAIN" profiles --no-store --json >"$T/ix4.json"
	# LeakSanitizer cannot run under ptrace (check-asan builds): no leak check here
	nolsan="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
	env "$nolsan" CERTCHAIN_DATA_DIR=$T/ix strace -f -e trace=openat -o "$T/ix4.trace" "$CERTCHAIN" profiles --no-store >/dev/null 2>"$T/ix4.err" ||
		bad "strace (scripts/install-deps installs it)" "$(head -c 300 "$T/ix4.err")"
	expect_grep "apple-2025-10-16.pem" "$T/ix4.trace" "index: a damaged index (checksum) -> the PEM files are read"
	# and the intact one spares them
	cp -p "$src/trust-stores/profiles.idx" "$T/ix/trust-stores/profiles.idx"
	env "$nolsan" CERTCHAIN_DATA_DIR=$T/ix strace -f -e trace=openat -o "$T/ix5.trace" "$CERTCHAIN" profiles --no-store >/dev/null 2>&1
	expect_nogrep "apple-2025-10-16.pem" "$T/ix5.trace" "index: an intact index -> no store PEM file is opened"
	python3 - "$T/ix4.json" "$T/ix2raw.json" <<'PY' && ok "... and give the same profiles as without an index (android-13 aside, edited above)" || bad "damaged index: profiles differ"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
strip = lambda j: [p for p in j["profiles"] if p["name"] != "android-13"]
assert strip(a) == strip(b)
PY
else
	bad "index: $src/trust-stores/profiles.idx was not built by make"
fi

finish
