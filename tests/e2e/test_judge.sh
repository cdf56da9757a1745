#!/bin/bash
# End-to-end: the judgement of a cross-signed deployment (issue 13), on real
# servers (openssl s_server and nginx on 127.0.0.1), RSA and ECC. A private
# PKI as the CA's cross-sign procedure builds it: legacy root; new root,
# self-signed and cross-signed by the legacy root; issuing CA; leaf.
#  1. the store's disable/remove never changes what a client profile trusts;
#  2. a gap in the served chain is incomplete-chain naming the missing
#     issuer, and the cross-sign after it is not "unrelated";
#  3. reasons name the real thing; fix's "why" lines match its changes;
#     check, fix and verify report the same findings on the same chain.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-check.sh"
trap 'check_stop_all; rm -rf "$T"' EXIT

NAME=www.example.test
ids() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(sorted(set(f["id"] for f in d[sys.argv[2]]))))' "$1" "$2"; }
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

for alg in rsa ec; do
	d=$T/$alg; mkdir -p "$d"
	pki_crosssign "$d" $alg || { bad "$alg: PKI"; continue; }
	cat "$d/ica.pem" "$d/cross.pem" >"$d/good-chain.pem"
	p_good=$(free_port); s_serve "$p_good" "$d/leaf.pem" "$d/leaf.key" "$d/good-chain.pem"
	p_gap=$(free_port); s_serve "$p_gap" "$d/leaf.pem" "$d/leaf.key" "$d/cross.pem"
	p_self=$(free_port); cat "$d/ica.pem" "$d/new.pem" >"$d/self-chain.pem"
	s_serve "$p_self" "$d/leaf.pem" "$d/leaf.key" "$d/self-chain.pem"
	profs=(-p "legacy=$d/old.pem" -p "modern=$d/new.pem")
	chk() { cc check --connect 127.0.0.1 --timeout 5 --no-aia "$@"; }

	# --- 1. disable / remove the self-signed new root: clients unchanged
	export CERTCHAIN_STORE=$d/store
	cc store import "$d/new.pem" >/dev/null 2>&1
	cc store import "$d/cross.pem" >/dev/null 2>&1
	cc store import "$d/ica.pem" >/dev/null 2>&1
	expect_rc 0 "$alg: store disable of the self-signed new root" cc store disable "$(fp1 "$d/new.pem")"
	expect_rc 0 "$alg: correct deployment, new root disabled: OK for -p legacy, -p modern" \
		chk "${profs[@]}" "$NAME:$p_good"
	expect_nogrep "untrusted|anchor not in store" "$T/out" "$alg: no profile loses the disabled root"
	chk --json "${profs[@]}" "$NAME:$p_good" >"$d/dis.json" 2>/dev/null
	chk --json --no-store "${profs[@]}" "$NAME:$p_good" >"$d/nostore.json" 2>/dev/null
	cc store remove "$(fp1 "$d/new.pem")" >/dev/null 2>&1
	chk --json "${profs[@]}" "$NAME:$p_good" >"$d/rm.json" 2>/dev/null
	verdicts='[(t["profile"], t["trusted"]) for t in d["trust"]["verdicts"] if t["profile"] in ("legacy","modern")]'
	expect_eq "$(jget "$d/dis.json" "$verdicts")" "$(jget "$d/rm.json" "$verdicts")" \
		"$alg: disable and remove give the same client verdicts"
	expect_eq "$(jget "$d/dis.json" "$verdicts")" "$(jget "$d/nostore.json" "$verdicts")" \
		"$alg: ... and the same as --no-store"
	expect_eq "$(jget "$d/dis.json" "$verdicts")" "[('legacy', True), ('modern', True)]" \
		"$alg: both client profiles trust the correct deployment"
	expect_rc 0 "$alg: -r new.pem with the new root removed from the store: verify still trusts it" \
		cc verify -r "$d/new.pem" "$d/good-chain.pem"
	unset CERTCHAIN_STORE
	export CERTCHAIN_STORE="$T/store"

	# --- 2. leaf + cross-sign, no issuing CA: a gap, named
	expect_rc 1 "$alg: served leaf + cross-sign without the issuing CA -> exit 1" \
		chk "${profs[@]}" "$NAME:$p_gap"
	expect_grep "incomplete-chain +the issuer of $NAME \(Issuing CA 1, key id [0-9A-F]{40}\)" "$T/out" \
		"$alg: incomplete-chain names the missing issuer by name and key id"
	expect_grep "New Root CA \(position 1\) follows it once it is sent" "$T/out" \
		"$alg: the cross-sign after the gap is said to follow it"
	expect_nogrep "unrelated-cert" "$T/out" "$alg: the cross-sign is not called unrelated"
	expect_nogrep "no path to a trust anchor" "$T/out" "$alg: no vague 'no path' error"
	# with -I able to fill it: still the gap as served, and the repair adds it
	expect_rc 1 "$alg: -I can fill the gap -> still exit 1 (served as is)" \
		chk -I "$d/ica.pem" "${profs[@]}" "$NAME:$p_gap"
	expect_grep "incomplete-chain" "$T/out" "$alg: -I: incomplete-chain still reported"
	expect_grep "\+ add +Issuing CA 1 .*the missing issuer of $NAME" "$T/out" \
		"$alg: the chain to serve adds the missing issuer"
	cat "$d/leaf.pem" "$d/cross.pem" >"$d/gap.pem"
	expect_rc 1 "$alg: verify -I ica on the gapped file: the gap is still an error" \
		cc verify --no-store -I "$d/ica.pem" -r "$d/old.pem" "$d/gap.pem"
	expect_grep "incomplete-chain" "$T/out" "$alg: verify names the gap too"

	# --- 3. reasons
	p_leaf=$(free_port); s_serve "$p_leaf" "$d/leaf.pem" "$d/leaf.key"
	chk --json "${profs[@]}" "$NAME:$p_leaf" >"$d/leaf.json" 2>/dev/null
	expect_eq "$(jget "$d/leaf.json" '[t["reason"] for t in d["trust"]["verdicts"] if t["profile"]=="modern"][0]')" \
		"missing intermediate: Issuing CA 1, the issuer of $NAME, is not sent" \
		"$alg: a missing intermediate is called that, not 'anchor not in store'"
	chk --json "${profs[@]}" "$NAME:$p_self" >"$d/self.json" 2>/dev/null
	expect_grep "anchor not in store" "$d/self.json" "$alg: a root the client lacks is still 'anchor not in store'"
	# fix adding only the issuing CA: no "nobody needs" line
	cc fix --no-aia --no-store -I "$d/ica.pem" "${profs[@]}" --connect 127.0.0.1 \
		"$NAME:$p_gap" >"$d/fixgap.txt" 2>&1
	expect_grep "the missing issuer is sent" "$d/fixgap.txt" "$alg: fix says what adding the issuing CA brings"
	expect_nogrep "no longer sent|nobody needs" "$d/fixgap.txt" \
		"$alg: fix does not claim to drop certificates it kept"
	# fix dropping the self-signed root a legacy client lacks: says what it gains
	cc fix --no-aia --no-store --json -I "$d/cross.pem" "${profs[@]}" --connect 127.0.0.1 \
		"$NAME:$p_self" >"$d/fixself.json" 2>/dev/null
	expect_eq "$(jget "$d/fixself.json" 'd["removed"][0]["reason"]')" \
		"a self-signed root that legacy lacks; without it they reach Old Root CA" \
		"$alg: fix: dropping the self-signed root names the legacy client and what it reaches"
	expect_grep "client profiles that reject the served chain and accept the chain to serve: legacy" "$d/fixself.json" \
		"$alg: fix: why it matters names the client that gains"
	# the same findings in check, fix and verify on the same chain
	for s in gap self leaf; do
		eval "port=\$p_$s"
		chk --json -I "$d/cross.pem" "${profs[@]}" "$NAME:$port" >"$d/c.json" 2>/dev/null
		cc fix --no-aia --no-store --json -I "$d/cross.pem" "${profs[@]}" --connect 127.0.0.1 \
			"$NAME:$port" >"$d/f.json" 2>/dev/null
		expect_eq "$(ids "$d/f.json" before)" "$(ids "$d/c.json" findings)" \
			"$alg $s: fix reports every finding check reports"
		expect_eq "$(jget "$d/f.json" '[(p["name"], p["before"], p["before_reason"]) for p in d["profiles"]]')" \
			"$(jget "$d/c.json" '[(p["profile"], p["trusted"], p["reason"]) for p in d["trust"]["verdicts"]]')" \
			"$alg $s: fix and check give each profile the same verdict and reason"
	done
	# ... and verify, on the same certificates as a file, with the same anchors
	for s in gap self leaf; do
		case $s in
		gap) cat "$d/leaf.pem" "$d/cross.pem" >"$d/v.pem" ;;
		self) cat "$d/leaf.pem" "$d/self-chain.pem" >"$d/v.pem" ;;
		leaf) cp "$d/leaf.pem" "$d/v.pem" ;;
		esac
		eval "port=\$p_$s"
		chk --json --no-store -I "$d/cross.pem" -r "$d/old.pem" -r "$d/new.pem" "$NAME:$port" >"$d/c.json" 2>/dev/null
		cc verify --json --no-store -I "$d/cross.pem" -r "$d/old.pem" -r "$d/new.pem" --host "$NAME" \
			"$d/v.pem" >"$d/v.json" 2>/dev/null
		expect_eq "$(ids "$d/v.json" findings)" "$(ids "$d/c.json" findings)" \
			"$alg $s: verify reports the findings check reports"
		expect_eq "$(jget "$d/v.json" '[(f["id"], f["message"]) for f in d["findings"]]')" \
			"$(jget "$d/c.json" '[(f["id"], f["message"]) for f in d["findings"]]')" \
			"$alg $s: ... with the same words"
	done
	# ... and with a store whose enabled root the -r clients lack: the store
	# is the client "store" of its own in check, verify and fix alike, never
	# added to "roots".
	export CERTCHAIN_STORE=$d/store-r
	cc store import "$d/new.pem" >/dev/null 2>&1 || bad "$alg: store import new root"
	cat "$d/leaf.pem" "$d/self-chain.pem" >"$d/v.pem"
	chk --json -r "$d/old.pem" "$NAME:$p_self" >"$d/c.json" 2>/dev/null
	cc verify --json -r "$d/old.pem" --host "$NAME" "$d/v.pem" >"$d/v.json" 2>/dev/null
	cc fix --no-aia --json -r "$d/old.pem" --connect 127.0.0.1 "$NAME:$p_self" >"$d/f.json" 2>/dev/null
	expect_eq "$(jget "$d/c.json" '[(p["profile"], p["trusted"]) for p in d["trust"]["verdicts"]]')" \
		"[('roots', False), ('store', True)]" "$alg store: check: -r is 'roots', the store's root the client 'store'"
	expect_eq "$(jget "$d/v.json" '[(f["id"], f["message"]) for f in d["findings"]]')" \
		"$(jget "$d/c.json" '[(f["id"], f["message"]) for f in d["findings"]]')" \
		"$alg store: verify says what check says (the store's root not lent to 'roots')"
	expect_eq "$(jget "$d/f.json" '[(p["name"], p["before"], p["before_reason"]) for p in d["profiles"]]')" \
		"$(jget "$d/c.json" '[(p["profile"], p["trusted"], p["reason"]) for p in d["trust"]["verdicts"]]')" \
		"$alg store: fix gives each client the verdict check gives"
	unset CERTCHAIN_STORE
	export CERTCHAIN_STORE="$T/store"

	# --- 4. the same clients everywhere (issue 20): verify took no -p
	# before; now every judging command takes the client options as one
	# group and gives the same findings and verdicts for the same chain.
	cat "$d/leaf.pem" "$d/self-chain.pem" >"$d/v.pem"
	for s in gap self leaf; do
		case $s in
		gap) cat "$d/leaf.pem" "$d/cross.pem" >"$d/v.pem" ;;
		self) cat "$d/leaf.pem" "$d/self-chain.pem" >"$d/v.pem" ;;
		leaf) cp "$d/leaf.pem" "$d/v.pem" ;;
		esac
		eval "port=\$p_$s"
		expect_rc 1 "$alg $s: verify takes -p" \
			cc verify --no-store -I "$d/cross.pem" "${profs[@]}" --host "$NAME" "$d/v.pem"
		expect_nogrep "unknown option" "$T/err" "$alg $s: ... no 'unknown option'"
		cc verify --json --no-store -I "$d/cross.pem" "${profs[@]}" --host "$NAME" "$d/v.pem" \
			>"$d/v.json" 2>/dev/null
		chk --json --no-store -I "$d/cross.pem" "${profs[@]}" "$NAME:$port" >"$d/c.json" 2>/dev/null
		cc fix --no-aia --no-store --json -I "$d/cross.pem" "${profs[@]}" --connect 127.0.0.1 \
			"$NAME:$port" >"$d/f.json" 2>/dev/null
		cc profiles --json --no-store "${profs[@]}" --host "$NAME" "$d/v.pem" >"$d/p.json" 2>/dev/null
		msgs='[(f["id"], f["message"]) for f in d["findings"]]'
		expect_eq "$(jget "$d/v.json" "$msgs")" "$(jget "$d/c.json" "$msgs")" \
			"$alg $s -p: verify and check give the same findings, word for word"
		expect_eq "$(jget "$d/f.json" '[(f["id"], f["message"]) for f in d["before"]]')" \
			"$(jget "$d/c.json" "$msgs")" "$alg $s -p: ... and fix"
		expect_eq "$(jget "$d/p.json" '[(v["profile"], v["trusted"], v["reason"]) for v in d["chain"]["judgement"]["verdicts"]]')" \
			"$(jget "$d/c.json" '[(v["profile"], v["trusted"], v["reason"]) for v in d["trust"]["verdicts"]]')" \
			"$alg $s -p: profiles CHAIN gives each profile check's verdict and reason"
	done
	# build and explain choose with -p; the chain they choose is judged by
	# verify and profiles with the same -p as build judged it
	cc build --json --no-store -I "$d/ica.pem" -I "$d/cross.pem" -p "legacy=$d/old.pem" \
		-o "$d/b.pem" "$d/leaf.pem" >"$d/b.json" 2>/dev/null
	cc profiles --json --no-store -p "legacy=$d/old.pem" "$d/b.pem" >"$d/p.json" 2>/dev/null
	expect_eq "$(jget "$d/p.json" '[(v["profile"], v["trusted"]) for v in d["chain"]["judgement"]["verdicts"]]')" \
		"$(jget "$d/b.json" '[(v["profile"], v["trusted"]) for v in d["matrix"][0]["judgement"]["verdicts"]]')" \
		"$alg: profiles judges build's chain as build did"
	expect_rc 0 "$alg: verify -p legacy on build's chain: trusted" \
		cc verify --no-store -p "legacy=$d/old.pem" "$d/b.pem"
	# every option of the group, in every judging command
	all=(-I "$d/ica.pem" -r "$d/old.pem" -p "modern=$d/new.pem" --store "$T/st" --no-store
	     --at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --policy webpki --host "$NAME")
	cat "$d/leaf.pem" "$d/good-chain.pem" >"$d/good.pem"
	expect_rc 0 "$alg: build takes every client option" cc build "${all[@]}" "$d/leaf.pem"
	expect_rc 0 "$alg: explain takes every client option" cc explain "${all[@]}" "$d/leaf.pem"
	expect_rc 0 "$alg: verify takes every client option" cc verify "${all[@]}" "$d/good.pem"
	expect_rc 0 "$alg: check takes every client option" chk "${all[@]}" "$NAME:$p_good"
	expect_rc 0 "$alg: fix takes every client option" cc fix --no-aia "${all[@]}" "$d/good.pem"
	expect_rc 0 "$alg: export takes every client option" cc export "${all[@]}" -c "$d/leaf.pem" \
		-k "$d/leaf.key" --format pem-fullchain -o "$d/exp.pem"
	expect_rc 0 "$alg: profiles takes every client option" cc profiles "${all[@]}" "$d/good.pem"
	# --host is the name checked everywhere
	expect_rc 1 "$alg: check --host another name -> hostname-mismatch" \
		chk --no-store "${profs[@]}" --host other.test "$NAME:$p_good"
	expect_grep "hostname-mismatch.*other.test" "$T/out" "$alg: ... named"
	expect_rc 0 "$alg: profiles --host another name: the verdicts say so" \
		cc profiles --no-store "${profs[@]}" --host other.test "$d/good.pem"
	expect_grep "UNTRUSTED: .*other.test|0/2 trust it" "$T/out" "$alg: ... every profile rejects it"
	expect_rc 0 "$alg: fix --policy rfc5280 (fix had no --policy before)" \
		cc fix --no-aia --no-store "${profs[@]}" --policy rfc5280 "$d/good.pem"
	expect_rc 2 "$alg: fix --policy with a bad value -> usage error" \
		cc fix --no-aia --no-store "${profs[@]}" --policy nonsense "$d/good.pem"
done
# one text for the group in every command's --help
group() { sed -n '/^  -I, --intermediates/,/^      --no-store/p'; }
ref=$(cc verify --help | group)
expect_eq "$(echo "$ref" | grep -cE -- '^  -I|^  -r|^  -p|^      --(at|host|policy|store|no-store) ')" 8 \
	"verify --help lists the 8 client options"
for cmd in build explain check fix export profiles; do
	expect_eq "$(cc $cmd --help | group)" "$ref" "$cmd --help shows the client options from the same text"
done
finish
