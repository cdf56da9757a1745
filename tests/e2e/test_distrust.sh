#!/bin/bash
# End-to-end (issue 25, part 2): distrust-after dates. A profile given with
# -p NAME=ROOTS,distrust=TSV stops trusting a root's certificates issued after
# its date ("issued": the leaf's earliest embedded SCT, else its notBefore);
# ,sct-not-after=TSV is Chrome's rule (earliest SCT at or before the date, no
# SCT: not trusted). build, verify and check (openssl s_server on 127.0.0.1)
# give the same verdict and reason; explain and check name the cliff. Leaves:
# issued 2024-06-01 without and with an SCT of that day, issued today without
# SCT, and one whose notBefore says 2024-06-01 but whose SCT says 2025-02-03.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-check.sh"
trap 'check_stop_all; rm -rf "$T"' EXIT

d=$T/pki; mkdir -p "$d/ca"
pki_root "$d" root "Lab Root CA" 7300 && pki_issue "$d" ica "Lab Issuing CA" ica root 3650 ca ||
	bad "PKI"
today=$(date -u +%Y-%m-%d)

# sct_ext MS: the SCT list extension (1.3.6.1.4.1.11129.2.4.2) with one SCT
# dated MS (milliseconds since 1970), as an openssl config DER: value. The
# SCT is RFC 6962's TLS encoding; OpenSSL's decode of it is checked below.
sct_ext() {
	python3 - "$1" <<'PY'
import struct, sys
sig = bytes.fromhex("3006020101020101")
sct = (b"\x00" + bytes(range(32)) + struct.pack(">Q", int(sys.argv[1])) + b"\x00\x00"
       + b"\x04\x03" + struct.pack(">H", len(sig)) + sig)
lst = struct.pack(">H", len(sct) + 2) + struct.pack(">H", len(sct)) + sct
der = b"\x04" + bytes([len(lst)]) + lst
print("1.3.6.1.4.1.11129.2.4.2=DER:" + ":".join("%02X" % b for b in der))
PY
}
re() { sed 's/[][().*^$+?{}|]/\\&/g' <<<"$1"; } # a literal for expect_grep
ms() { echo $(($(date -u -d "$1" +%s) * 1000)); }

# leaf NAME START [SCT-DATE]: a leaf for localhost under ica, valid from START
# (YYYYMMDDhhmmssZ, "now" for today); openssl ca is the CLI that takes a
# start date
touch "$d/ca/index.txt"; echo 1000 >"$d/ca/serial"
printf '[ca]\ndefault_ca=c\n[c]\ndatabase=%s\nnew_certs_dir=%s\nserial=%s\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n' \
	"$d/ca/index.txt" "$d/ca" "$d/ca/serial" >"$d/ca.cnf"
leaf() {
	local start=()
	[ "$2" != now ] && start=(-startdate "$2")
	pki_key "$d" "$1" rsa
	_ext "$d/$1.ext" leaf localhost
	[ -n "${3:-}" ] && sct_ext "$(ms "$3")" >>"$d/$1.ext"
	openssl req -new -key "$d/$1.key" -subj "/CN=$1" -config /dev/null -out "$d/$1.csr" 2>/dev/null &&
		openssl ca -batch -config "$d/ca.cnf" -cert "$d/ica.pem" -keyfile "$d/ica.key" -in "$d/$1.csr" \
			-out "$d/$1.pem" "${start[@]}" -enddate "$(date -u -d '+90 days' +%Y%m%d%H%M%SZ)" \
			-extfile "$d/$1.ext" -extensions v3 -notext >/dev/null 2>&1 || bad "leaf $1"
}
leaf old 20240601000000Z                           # issued 2024-06-01, no SCT
leaf old-sct 20240601000000Z 2024-06-01T12:00:00Z  # the same with its SCT
leaf new now                                       # issued today, no SCT
leaf sct-new 20240601000000Z 2025-02-03T12:00:00Z  # backdated: SCT 2025-02-03

# OpenSSL reads the hand-encoded SCT lists with the dates put in them
openssl x509 -in "$d/sct-new.pem" -noout -text >"$T/x" 2>&1
expect_grep "Timestamp *: Feb +3 12:00:00.000 2025 GMT" "$T/x" "openssl decodes the test SCT list (2025-02-03)"

rootfp=$(fp1 "$d/root.pem")
printf '# sha256\tdistrust_after_utc\tlabel\n%s\t2024-11-30T23:59:59Z\tLab Root CA\n' "$rootfp" >"$d/lab.tsv"
P=(--no-store --no-aia -p "lab=$d/root.pem,distrust=$d/lab.tsv")

# build: the verdict and its reason per leaf
expect_rc 0 "build: issued 2024-06-01 (notBefore, no SCT): trusted" cc build "${P[@]}" -I "$d/ica.pem" "$d/old.pem"
expect_rc 0 "build: issued 2024-06-01 with an SCT of that day: trusted" \
	cc build "${P[@]}" -I "$d/ica.pem" "$d/old-sct.pem"
want_new="distrusted by lab: Lab Root CA, certificates issued after 2024-11-30 (this one $today)"
want_sct="distrusted by lab: Lab Root CA, certificates issued after 2024-11-30 (this one 2025-02-03)"
expect_rc 1 "build: issued today, no SCT: not trusted" cc build "${P[@]}" -I "$d/ica.pem" "$d/new.pem"
expect_grep "lab +UNTRUSTED: $(re "$want_new")" "$T/out" "build: the reason names profile, root, date and the leaf's notBefore"
expect_rc 1 "build: notBefore 2024-06-01 but earliest SCT 2025-02-03: not trusted" cc build "${P[@]}" -I "$d/ica.pem" "$d/sct-new.pem"
expect_grep "lab +UNTRUSTED: $(re "$want_sct")" "$T/out" "build: the reason dates the leaf by its SCT, not its backdated notBefore"
# without the TSV the same chains are trusted: the date alone decides
expect_rc 0 "build: the same leaf without distrust= is trusted" \
	cc build --no-store --no-aia -p "lab=$d/root.pem" -I "$d/ica.pem" "$d/sct-new.pem"

# verify: the same verdict and reason
cat "$d/sct-new.pem" "$d/ica.pem" >"$d/sct-new-chain.pem"
cat "$d/old.pem" "$d/ica.pem" >"$d/old-chain.pem"
V=(--no-store -p "lab=$d/root.pem,distrust=$d/lab.tsv")
expect_rc 1 "verify: SCT 2025-02-03: fails" cc verify "${V[@]}" "$d/sct-new-chain.pem"
expect_grep "$(re "$want_sct")" "$T/out" "verify: the same reason as build"
expect_rc 0 "verify: issued 2024-06-01: passes" cc verify "${V[@]}" "$d/old-chain.pem"
expect_grep "distrust-cliff +from 2024-12-01, new certificates under Lab Root CA are not trusted by lab" \
	"$T/out" "verify: the trusted chain's renewal cliff is named"

# fix: the same judgement
cc fix --no-store --no-aia -p "lab=$d/root.pem,distrust=$d/lab.tsv" "$d/sct-new-chain.pem" >"$T/out" 2>&1
expect_grep "untrusted +rejected by 1 of 1 profile \(lab\); lab: $(re "$want_sct")" "$T/out" "fix: the same finding and reason as verify"
expect_grep "^  lab +FAILS +-> FAILS +$(re "$want_sct")" "$T/out" "fix: no chain to serve helps lab"

# check against s_server on loopback: the same again, text and --json
port=$(free_port); s_serve "$port" "$d/sct-new.pem" "$d/sct-new.key" "$d/ica.pem"
expect_rc 1 "check: SCT 2025-02-03 served: untrusted" cc check "${P[@]}" --connect 127.0.0.1 "localhost:$port"
expect_grep "$(re "$want_sct")" "$T/out" "check: the same reason as build and verify"
cc check --json "${P[@]}" --connect 127.0.0.1 "localhost:$port" >"$T/j" 2>/dev/null
expect_eq "$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print([v["reason"] for v in j["trust"]["verdicts"] if v["profile"]=="lab"][0])' "$T/j" 2>&1)" \
	"$want_sct" "check --json: the verdict's reason"
port2=$(free_port); s_serve "$port2" "$d/old.pem" "$d/old.key" "$d/ica.pem"
expect_rc 0 "check: issued 2024-06-01 served: trusted (a warning)" cc check "${P[@]}" --connect 127.0.0.1 "localhost:$port2"
expect_grep "distrust-cliff +from 2024-12-01, new certificates under Lab Root CA are not trusted by lab" \
	"$T/out" "check: the cliff: renewals under Lab Root CA will not be trusted"
expect_rc 0 "check --horizon 30 still names a past distrust date" \
	cc check "${P[@]}" --horizon 30 --connect 127.0.0.1 "localhost:$port2"
expect_grep "distrust-cliff" "$T/out" "check: a date already passed is a cliff at any horizon"

# explain: the cliff in text and --json
expect_rc 0 "explain: issued 2024-06-01" cc explain "${P[@]}" -I "$d/ica.pem" "$d/old.pem"
expect_grep "^from 2024-12-01, new certificates under Lab Root CA are not trusted by lab$" "$T/out" \
	"explain: the distrust cliff in words"
cc build --json "${P[@]}" -I "$d/ica.pem" "$d/old.pem" >"$T/j" 2>/dev/null
expect_eq "$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["distrust_cliffs"][0]; print(c["from"], c["distrust_after"], c["kind"], c["profiles"], c["anchor"][:16])' "$T/j")" \
	"2024-12-01 2024-11-30T23:59:59Z issued lab ${rootfp:0:16}" "build --json: distrust_cliffs"
# a future date is a cliff only within the horizon
printf '%s\t%s\tLab Root CA\n' "$rootfp" "$(date -u -d '+400 days' +%Y-%m-%d)" >"$d/later.tsv"
expect_rc 0 "explain: distrust in 400 days" cc explain --no-store --no-aia -p "lab=$d/root.pem,distrust=$d/later.tsv" -I "$d/ica.pem" "$d/new.pem"
expect_grep "^from $(date -u -d '+401 days' +%Y-%m-%d), new certificates under Lab Root CA" "$T/out" "explain: a future distrust date within 3 years"
expect_rc 0 "explain --horizon 365" cc explain --horizon 365 --no-store --no-aia -p "lab=$d/root.pem,distrust=$d/later.tsv" -I "$d/ica.pem" "$d/new.pem"
expect_nogrep "new certificates under" "$T/out" "explain: 400 days is beyond a one-year horizon"

# Chrome's rule: the earliest SCT at or before the date; no SCT, no trust
C=(--no-store --no-aia -p "chrome=$d/root.pem,sct-not-after=$d/lab.tsv")
expect_rc 1 "sct-not-after: issued 2024-06-01 without SCT: not trusted" cc build "${C[@]}" -I "$d/ica.pem" "$d/old.pem"
expect_grep "chrome +UNTRUSTED: distrusted by chrome: Lab Root CA, certificates whose earliest SCT is after 2024-11-30 \(this one has no embedded SCT\)" \
	"$T/out" "sct-not-after: the reason says the leaf has no SCT"
expect_rc 0 "sct-not-after: SCT 2024-06-01: trusted" cc build "${C[@]}" -I "$d/ica.pem" "$d/old-sct.pem"
expect_rc 1 "sct-not-after: SCT 2025-02-03: not trusted" cc build "${C[@]}" -I "$d/ica.pem" "$d/sct-new.pem"
expect_grep "certificates whose earliest SCT is after 2024-11-30 \(this one 2025-02-03\)" "$T/out" "sct-not-after: the SCT's date"

# a chain with another path: a distrusted anchor sends the search on
pki_root "$d" root2 "Lab Root CA 2" 7300 && pki_issue "$d" ica-x "Lab Issuing CA" ica root2 3650 ca || bad "second root"
cat "$d/root.pem" "$d/root2.pem" >"$d/both.pem"
expect_rc 0 "two roots, one distrusted: trusted through the other" \
	cc build --no-store --no-aia -p "lab=$d/both.pem,distrust=$d/lab.tsv" -I "$d/ica.pem" -I "$d/ica-x.pem" "$d/sct-new.pem"
expect_grep "Lab Root CA 2" "$T/out" "two roots: the chain to serve ends at the root not distrusted"

# the built-in mozilla-2026: its dates listed; the profile index (written by
# make beside the stores) does not hold them: an edited file counts at once
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$T/data"; cp -a "$top/data/trust-stores" "$T/data/"
nss=$T/data/trust-stores/mozilla-nss-2026-04-09-distrust-after.tsv
CERTCHAIN_DATA_DIR=$T/data cc profiles -p mozilla-2026 >"$T/out" 2>&1
expect_grep "^  mozilla-2026 +2024-11-30  Entrust Root Certification Authority$" "$T/out" "profiles: mozilla-2026's Entrust date"
if [ -s "$T/data/trust-stores/profiles.idx" ]; then
	env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" CERTCHAIN_DATA_DIR=$T/data \
		strace -f -e trace=openat -o "$T/idx.trace" "$CERTCHAIN" profiles -p mozilla-2026 >/dev/null 2>&1
	expect_nogrep "mozilla-nss-2026-04-09.pem" "$T/idx.trace" "index: the store comes from profiles.idx"
	expect_grep "mozilla-nss-2026-04-09-distrust-after.tsv" "$T/idx.trace" "index: ... its distrust file is read each run"
else
	bad "profiles.idx is built by make beside the stores"
fi
chmod u+w "$nss"; sed -i 's/2024-11-30T23:59:59Z/2030-01-01T00:00:00Z/' "$nss"
CERTCHAIN_DATA_DIR=$T/data cc profiles -p mozilla-2026 >"$T/out" 2>&1
expect_grep "^  mozilla-2026 +2030-01-01  Entrust Root Certification Authority$" "$T/out" "profiles: an edited distrust file is read, index or not"
printf 'zz\t2024\n' >>"$nss"
expect_rc 2 "a broken built-in distrust file is an error" env CERTCHAIN_DATA_DIR="$T/data" "$CERTCHAIN" profiles -p mozilla-2026
expect_grep "mozilla-nss-2026-04-09-distrust-after.tsv: line 4: " "$T/err" "the error names the built-in file and line"

# Chrome's own v17 constraints file as a profile option: every line read
# (its empty version column too), dates and names as the file has them
v17=$top/data/trust-stores/chrome-root-store-v17-constraints.tsv
cc profiles --no-store --json -p "c17=$d/root.pem,sct-not-after=$v17" >"$T/j" 2>"$T/err"
expect_eq "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["profiles"][0]["distrust_after"]; print(len(d), sorted({(x["after"], x["kind"]) for x in d}))' "$T/j" 2>&1)" \
	"$(grep -vc '^#' "$v17") [('2024-06-30T23:59:59Z', 'sct'), ('2024-11-11T23:59:59Z', 'sct')]" \
	"profiles: Chrome v17's constraints, each line, SCT dates 2024-11-11 and 2024-06-30"
expect_eq "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["profiles"][0]["distrust_after"]; print([x["label"] for x in d if x["sha256"].startswith("73c176434f1b")])' "$T/j")" \
	"['Entrust Root Certification Authority']" "profiles: v17's Entrust Root Certification Authority entry"

# bad files: one line naming the file and the line, exit 2
printf '%s\t2024-11-30\tok\nnot-a-hash\t2024-11-30\tx\n' "$rootfp" >"$d/bad1.tsv"
expect_rc 2 "a bad hash is refused" cc build --no-store -p "lab=$d/root.pem,distrust=$d/bad1.tsv" "$d/new.pem"
expect_grep "bad1.tsv: line 2: 'not-a-hash' is not a SHA-256" "$T/err" "the error names file and line"
expect_eq "$(wc -l <"$T/err")" 1 "the error is one line"
printf '%s\tsoon\tx\n' "$rootfp" >"$d/bad2.tsv"
expect_rc 2 "a bad date is refused" cc build --no-store -p "lab=$d/root.pem,distrust=$d/bad2.tsv" "$d/new.pem"
expect_grep "bad2.tsv: line 1: 'soon' is not a UTC date" "$T/err" "the date error names file and line"
printf '%s\t2024-11-30\ta\n%s\t2025-01-01\tb\n' "$rootfp" "$rootfp" >"$d/bad3.tsv"
expect_rc 2 "an anchor given twice is refused" cc build --no-store -p "lab=$d/root.pem,distrust=$d/bad3.tsv" "$d/new.pem"
expect_grep "bad3.tsv: line 2: anchor ${rootfp:0:16}... given twice" "$T/err" "the duplicate names its line"
expect_rc 2 "a missing TSV is refused" cc build --no-store -p "lab=$d/root.pem,distrust=$d/none.tsv" "$d/new.pem"
expect_grep "none.tsv: cannot read the distrust dates" "$T/err" "the missing file is named"
# a bare date covers its whole day (2024-11-30 = up to 23:59:59)
printf '%s\t2025-02-03\tLab Root CA\n' "$rootfp" >"$d/day.tsv"
expect_rc 0 "a bare date: an SCT on that day is still trusted" \
	cc build --no-store --no-aia -p "lab=$d/root.pem,distrust=$d/day.tsv" -I "$d/ica.pem" "$d/sct-new.pem"
finish
