#!/bin/bash
# End-to-end: a hostile server costs milliseconds. A chain of 300 certificates
# with one subject and one key (every pair names the other as issuer, every
# pairwise signature fails) is judged fast and cut with chain-too-long; four
# servers sending it do not starve twenty healthy targets of a fleet scan; a
# looping chain says it loops; records are the same with and without the
# judgement cache.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-check.sh"
. "$(dirname "$0")/../lib-fleet.sh"
trap 'check_stop_all; rm -rf "$T"' EXIT

pyj() { python3 -c "import json,sys
recs=[json.loads(l) for l in open(sys.argv[-1])]
$2" "${@:3}" "$1"; }

# --- the same-name chain, made with openssl: root key B, chain key A
h=$T/hostile
mkdir -p "$h"
pki_key "$h" a ec && pki_key "$h" b ec || exit 2
_ext "$h/ca.ext" ca "" nokid
_ext "$h/leaf.ext" leaf "" nokid
openssl req -new -x509 -key "$h/b.key" -subj "/CN=Same Name" -days 365 \
	-config "$h/ca.ext" -extensions v3 -out "$h/root.pem" 2>/dev/null || exit 2
openssl req -new -key "$h/a.key" -subj "/CN=Same Name" -config /dev/null \
	-out "$h/a.csr" 2>/dev/null || exit 2
# 270 of these (361 bytes each on the wire) stay within the 100 KB
# certificate message OpenSSL accepts
N=270
for i in $(seq $N); do
	openssl x509 -req -in "$h/a.csr" -CA "$h/root.pem" -CAkey "$h/b.key" \
		-set_serial "$((1000 + i))" -days 365 -extfile "$h/leaf.ext" \
		-extensions v3 2>/dev/null
done >"$h/chain.pem"
got=$(grep -c 'BEGIN CERT' "$h/chain.pem")
expect_eq "$got" "$N" "the same-name chain has $N certificates"

s=$(date +%s%N)
cc verify --no-store --json -r "$h/root.pem" "$h/chain.pem" >"$T/v.json" 2>"$T/v.err"
took=$((($(date +%s%N) - s) / 1000000))
[ "$took" -lt 3000 ] && ok "verify judges the $N-certificate chain in ${took} ms" ||
	bad "verify took ${took} ms on the $N-certificate chain (quadratic?)"
expect_grep '"chain-too-long"' "$T/v.json" "a chain past the cap gets chain-too-long"
expect_grep "only the first 32" "$T/v.json" "chain-too-long says what was analysed"

# --- the fleet: 4 servers sending the hostile chain, 20 healthy targets
d=$T/pki
mkdir -p "$d"
fleet_pki "$d" >/dev/null || exit 2
P=$(free_port)
fleet_nginx "$T/ngx" "$d" "$P" || exit 2
R=(-p "old=$d/old.pem" -p "new=$d/new.pem" -I "$d/ica.pem" -I "$d/cross.pem")
# s_server sends -cert then -cert_chain: the first certificate as the leaf
awk '/BEGIN/{n++} n==1' "$h/chain.pem" >"$h/leaf.pem"
awk '/BEGIN/{n++} n>1' "$h/chain.pem" >"$h/rest.pem"
: >"$T/targets"
for i in 1 2 3 4; do
	hp=$(free_port)
	s_serve "$hp" "$h/leaf.pem" "$h/a.key" "$h/rest.pem" || exit 2
	echo "127.0.0.1:$hp" >>"$T/targets"
done
fleet_targets 20 "$P" >>"$T/targets"
sort -R "$T/targets" -o "$T/targets"
s=$(date +%s%N)
cc check -f "$T/targets" --json --timeout 3 "${R[@]}" >"$T/f.json" 2>"$T/f.err"
took=$((($(date +%s%N) - s) / 1000000))
healthy=$(pyj "$T/f.json" 'print(sum(1 for r in recs if "fleet.test" in r["target"] and r["result"] in ("ok", "problems")))')
expect_eq "$healthy" 20 "all 20 healthy targets judged beside 4 hostile ones (${took} ms)"
tmo=$(pyj "$T/f.json" 'print(sum(1 for r in recs if r.get("failure")))')
expect_eq "$tmo" 0 "no target of the fleet times out or fails to connect"
long=$(pyj "$T/f.json" 'print(sum(1 for r in recs if any(f["id"] == "chain-too-long" for f in r.get("findings", []))))')
expect_eq "$long" 4 "each hostile target gets its own chain-too-long finding"
good=$(pyj "$T/f.json" 'print(sum(1 for r in recs if r["target"].startswith("good") and r["result"] == "ok"))')
expect_eq "$good" 15 "the 15 good targets are OK, as alone"

# --- the judgement cache: the same records without it
fleet_targets 12 "$P" >"$T/ct"
# names the wildcard leaf is not valid for: their own judgement, named
printf 'other.example:%s 127.0.0.1\nanother.example:%s 127.0.0.1\n' "$P" "$P" >>"$T/ct"
cat "$T/targets" >>"$T/ct"
cc check -f "$T/ct" --json --at 2026-06-01T00:00:00Z "${R[@]}" >"$T/c1.json" 2>/dev/null
cc check -f "$T/ct" --json --at 2026-06-01T00:00:00Z --no-cache "${R[@]}" >"$T/c2.json" 2>/dev/null
strip() { pyj "$1" 'recs.sort(key=lambda r: r["line"])
for r in recs:
    r.pop("ms", None)
    print(json.dumps(r, sort_keys=True))'; }
n1=$(wc -l <"$T/c1.json")
expect_eq "$n1" "$(wc -l <"$T/ct")" "one record per target with the cache"
if [ "$(strip "$T/c1.json")" = "$(strip "$T/c2.json")" ]; then
	ok "records with and without the judgement cache are identical ($n1 targets)"
else
	bad "records differ with the cache" "$(diff <(strip "$T/c1.json") <(strip "$T/c2.json") | head -c 600)"
fi
mm=$(pyj "$T/c1.json" 'print(sum(1 for r in recs if r["host"].endswith(".example") and any(f["id"] == "hostname-mismatch" and r["host"] in f["message"] for f in r.get("findings", []))))')
expect_eq "$mm" 2 "each mismatched name is named in its own record with the cache"

# --- a looping chain: leaf -> A (by B) -> B (by A) -> A' (by B)
l=$T/loop
mkdir -p "$l"
PKI_ALG=ec pki_root "$l" bname "Loop B" || exit 2
PKI_ALG=ec pki_issue "$l" a "Loop A" ka bname 365 ca || exit 2
cp "$l/ka.key" "$l/a.key"
cp "$l/bname.key" "$l/kb.key"
PKI_ALG=ec pki_issue "$l" b "Loop B" kb a 365 ca || exit 2
PKI_ALG=ec pki_issue "$l" a2 "Loop A" ka bname 365 ca || exit 2
PKI_ALG=ec pki_issue "$l" leaf "loop.test" kl a 90 leaf loop.test || exit 2
PKI_ALG=ec pki_root "$l" other "Unrelated Root" || exit 2
cat "$l/leaf.pem" "$l/a.pem" "$l/b.pem" "$l/a2.pem" >"$l/served.pem"
cc verify --no-store --json -r "$l/other.pem" "$l/served.pem" >"$T/l.json" 2>/dev/null
expect_rc 1 "the looping chain is an error" cc verify --no-store -r "$l/other.pem" "$l/served.pem"
expect_grep '"chain-loops"' "$T/l.json" "the looping chain gets chain-loops"
expect_grep 'position 3 \(Loop A\) is issued by position 2 \(Loop B\)' "$T/l.json" \
	"chain-loops names where the chain comes back"
expect_nogrep 'the issuer of Loop A' "$T/l.json" "no missing issuer is claimed for a sent one"

finish
