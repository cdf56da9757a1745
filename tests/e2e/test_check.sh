#!/bin/bash
# End-to-end: certchain check against real servers on 127.0.0.1 (nginx and
# openssl s_server, RSA and ECC): findings on broken chains, --fix-out chains
# that check clean once served, connection failures, batch mode.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-check.sh"
trap 'check_stop_all; rm -rf "$T"' EXIT

ids() { python3 -c 'import json,sys; print(" ".join(sorted(set(f["id"] for f in json.load(open(sys.argv[1]))["findings"]))))' "$1"; }
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
NAME=www.example.test
LATER="@$(( $(date +%s) + 30 * 86400 ))" # the short-lived cross-sign has expired by then

# Scenario -> served file (leaf first), for both algorithms.
scenarios="good leafonly anchor reversed expired"
make_chains() {
	local d=$1
	cat "$d/leaf.pem" "$d/ica.pem" "$d/cross.pem" >"$d/good.pem"
	cp "$d/leaf.pem" "$d/leafonly.pem"
	cat "$d/leaf.pem" "$d/ica.pem" "$d/new.pem" >"$d/anchor.pem"
	cat "$d/leaf.pem" "$d/cross.pem" "$d/ica.pem" >"$d/reversed.pem"
	cat "$d/leaf.pem" "$d/ica.pem" "$d/cross-short.pem" >"$d/expired.pem"
}

: >"$T/targets"
mkdir -p "$T/ngx"
: >"$T/ngx/servers.conf"
for alg in rsa ec; do
	d=$T/$alg; mkdir -p "$d"
	pki_crosssign "$d" $alg || { bad "$alg: PKI"; continue; }
	make_chains "$d"
	for s in $scenarios; do
		p=$(free_port)
		eval "PORT_${alg}_$s=$p"
		nginx_server "$p" "$d/$s.pem" "$d/leaf.key" >>"$T/ngx/servers.conf"
		echo "$NAME:$p 127.0.0.1" >>"$T/targets"
	done
done
nginx_start "$T/ngx"
for alg in rsa ec; do for s in $scenarios; do eval "wait_port \$PORT_${alg}_$s"; done; done

for alg in rsa ec; do
	d=$T/$alg
	port() { eval "echo \$PORT_${alg}_$1"; }
	chk() { cc check --connect 127.0.0.1 --timeout 5 "$@"; }

	# complete cross-signed chain: no finding for old-root and new-root clients
	expect_rc 0 "$alg nginx: complete cross-signed chain -> exit 0" \
		chk -r "$d/old.pem" -r "$d/new.pem" "$NAME:$(port good)"
	expect_grep "verdict: OK$" "$T/out" "$alg: verdict OK"
	expect_grep "nothing to change" "$T/out" "$alg: good chain needs no change"
	chk --json -r "$d/old.pem" -r "$d/new.pem" "$NAME:$(port good)" >"$d/j"
	expect_eq "$(ids "$d/j")" "" "$alg: complete chain -> no findings"
	expect_eq "$(jget "$d/j" 'len(d["served"])')" 3 "$alg: three certificates captured"
	expect_eq "$(jget "$d/j" 'd["served"][2]["sha256"]')" "$(fp1 "$d/cross.pem")" "$alg: the cross-sign captured as sent"
	expect_grep '"tls_version":"TLSv1.3"' "$d/j" "$alg: TLS 1.3 negotiated with nginx"

	# ... and per profile: an old-root client and a new-root client both trust it
	chk --json -p legacy="$d/old.pem" -p modern="$d/new.pem" "$NAME:$(port good)" >"$d/j"
	expect_eq "$(ids "$d/j"):$(jget "$d/j" 'd["trust"]["trusted_by"]'):$(jget "$d/j" 'd["exit"]')" ":2:0" \
		"$alg: complete chain -> no findings, trusted by both profiles"
	chk -p legacy="$d/old.pem" -p modern="$d/new.pem" "$NAME:$(port good)" >"$d/out"
	expect_grep "served chain trusted by 2/2 profiles" "$d/out" "$alg: text matrix says 2/2"
	# the self-signed root ending the chain: legacy lacks it
	chk --json -p legacy="$d/old.pem" -p modern="$d/new.pem" "$NAME:$(port anchor)" >"$d/j"
	expect_eq "$(ids "$d/j")" "anchor-sent self-signed-root-preferred untrusted" \
		"$alg: self-signed root, per profile -> anchor-sent, self-signed-root-preferred, untrusted"
	expect_eq "$(jget "$d/j" '[p["profile"] for p in d["trust"]["verdicts"] if not p["trusted"]]')" "['legacy']" \
		"$alg: the legacy profile is the one that rejects it"
	chk --json -p legacy="$d/old.pem" -p modern="$d/new.pem" -I "$d/cross.pem" "$NAME:$(port anchor)" >"$d/j"
	expect_eq "$(jget "$d/j" 'd["fix"]["trust"]["trusted_by"]')" 2 "$alg: the proposed chain (with the cross-sign) is trusted by both"
	# served-order (OpenSSL 1.0.x) on a chain ending in the expired cross-sign
	chk --json -p new-only="$d/new.pem",behaviour=served-order -p new-pb="$d/new.pem" \
		--at "$LATER" "$NAME:$(port expired)" >"$d/j"
	expect_eq "$(jget "$d/j" '[p["trusted"] for p in d["trust"]["verdicts"]]')" "[False, True]" \
		"$alg: expired cross-sign: served-order rejects, pathbuild accepts"

	# default profiles: the built-in stores + system (here SSL_CERT_FILE = the old root)
	SSL_CERT_FILE="$d/old.pem" cc check --json --connect 127.0.0.1 "$NAME:$(port good)" >"$d/j"
	expect_eq "$(jget "$d/j" '[v["profile"] for v in d["trust"]["verdicts"] if v["trusted"]]'):$(jget "$d/j" 'd["trust"]["profiles"] > 5')" \
		"['system']:True" "$alg: default profiles: the built-ins reject a private PKI, system trusts it"
	expect_eq "$(ids "$d/j")" "untrusted" "$alg: default profiles: one untrusted finding naming the rejecting profiles"

	# leaf only
	expect_rc 1 "$alg: leaf only -> exit 1" chk -r "$d/old.pem" "$NAME:$(port leafonly)"
	chk --json -r "$d/old.pem" "$NAME:$(port leafonly)" >"$d/j"
	expect_eq "$(ids "$d/j")" "incomplete-chain" "$alg: leaf only -> incomplete-chain"

	# chain + self-signed root
	chk --json -r "$d/old.pem" -r "$d/new.pem" -I "$d/cross.pem" "$NAME:$(port anchor)" >"$d/j"
	expect_eq "$(ids "$d/j")" "anchor-sent self-signed-root-preferred" \
		"$alg: self-signed root sent -> anchor-sent, self-signed-root-preferred"

	# -I and the certificate store repair, they do not hide a missing intermediate
	chk --json -r "$d/old.pem" -I "$d/ica.pem" -I "$d/cross.pem" "$NAME:$(port leafonly)" >"$d/j"
	expect_eq "$(ids "$d/j"):$(jget "$d/j" 'len(d["fix"]["added"])')" "incomplete-chain:2" \
		"$alg: leaf only with -I -> still incomplete-chain; the fix adds 2"
	cc store import "$d/ica.pem" >/dev/null && cc store import "$d/cross.pem" >/dev/null
	chk --json -r "$d/old.pem" "$NAME:$(port leafonly)" >"$d/j"
	expect_eq "$(ids "$d/j"):$(jget "$d/j" 'len(d["fix"]["added"])')" "incomplete-chain:2" \
		"$alg: the store's intermediates repair the chain"
	chk --json --no-store -r "$d/old.pem" "$NAME:$(port leafonly)" >"$d/j"
	expect_eq "$(jget "$d/j" 'd["fix"]')" "None" "$alg: --no-store: nothing to repair with"
	rm -rf "$CERTCHAIN_STORE"

	# reversed
	expect_rc 1 "$alg: reversed -> exit 1" chk -r "$d/old.pem" "$NAME:$(port reversed)"
	chk --json -r "$d/old.pem" "$NAME:$(port reversed)" >"$d/j"
	expect_grep '"wrong-order"' "$d/j" "$alg: reversed -> wrong-order"

	# expired intermediate (the short-lived cross-sign, judged 30 days on)
	expect_rc 1 "$alg: expired intermediate -> exit 1" \
		chk -r "$d/old.pem" --at "$LATER" "$NAME:$(port expired)"
	chk --json -r "$d/old.pem" --at "$LATER" "$NAME:$(port expired)" >"$d/j"
	expect_grep '"id":"expired","severity":"error","depth":2' "$d/j" "$alg: expired at depth 2"

	# wrong host name
	expect_rc 1 "$alg: wrong host name -> exit 1" \
		chk -r "$d/old.pem" --sni other.test "$NAME:$(port good)"
	expect_grep "hostname-mismatch" "$T/out" "$alg: -> hostname-mismatch"

	# a cross-sign the server could send: served leaf+ICA reach only the new root
	cat "$d/leaf.pem" "$d/ica.pem" >"$d/short.pem"

	# --fix-out on each broken chain
	for s in leafonly anchor reversed expired; do
		at=(); [ $s = expired ] && at=(--at "$LATER")
		chk -r "$d/old.pem" -r "$d/new.pem" -I "$d/ica.pem" -I "$d/cross.pem" "${at[@]}" \
			--fix-out "$d/fix-$s.pem" "$NAME:$(port $s)" >"$d/out-$s" 2>&1
		expect_eq "$(fps "$d/fix-$s.pem" | tr '\n' ' ')" \
			"$(fp1 "$d/leaf.pem") $(fp1 "$d/ica.pem") $(fp1 "$d/cross.pem") " \
			"$alg $s: --fix-out writes leaf + ICA + cross-sign"
	done
	expect_grep "\+ add .*Issuing CA 1" "$d/out-leafonly" "$alg: report says the ICA is added"
	expect_grep "\- remove .*New Root CA \(issued by New Root CA\)" "$d/out-anchor" "$alg: report says the self-signed root is removed"
	expect_grep "~ reorder" "$d/out-reversed" "$alg: report says the order changes"
	expect_grep "\+ add .*New Root CA \(issued by Old Root CA\)" "$d/out-expired" "$alg: report swaps in the valid cross-sign"
	chk -r "$d/old.pem" --fix-out "$d/none.pem" "$NAME:$(port leafonly)" >/dev/null 2>"$d/err"
	[ -e "$d/none.pem" ] && bad "$alg: no file without a valid chain" || ok "$alg: no file without a valid chain"
done

# The fixed chains, served by a second nginx, check clean.
mkdir -p "$T/ngx2"; : >"$T/ngx2/servers.conf"; : >"$T/fixtargets"
for alg in rsa ec; do
	for s in leafonly anchor reversed expired; do
		p=$(free_port)
		nginx_server "$p" "$T/$alg/fix-$s.pem" "$T/$alg/leaf.key" >>"$T/ngx2/servers.conf"
		echo "$alg $s $p" >>"$T/fixtargets"
	done
done
nginx_start "$T/ngx2"
while read -r alg s p; do
	wait_port "$p"
	d=$T/$alg
	cc check --json --connect 127.0.0.1 -r "$d/old.pem" -r "$d/new.pem" "$NAME:$p" >"$d/j"
	expect_eq "$(ids "$d/j"):$(jget "$d/j" 'd["exit"]')" ":0" "$alg $s: the --fix-out chain, once served, checks clean"
done <"$T/fixtargets"

# s_server: TLS 1.2 and 1.3, cross-sign available, IPv4 literal target.
for alg in rsa ec; do
	d=$T/$alg
	p=$(free_port)
	s_serve "$p" "$d/leaf.pem" "$d/leaf.key" "$d/ica.pem"
	cc check --json --sni "$NAME" -r "$d/old.pem" -r "$d/new.pem" -I "$d/cross.pem" "127.0.0.1:$p" >"$d/j"
	expect_eq "$(ids "$d/j")" "cross-sign-available" "$alg s_server: leaf+ICA reaching only the new root -> cross-sign-available"
	expect_eq "$(jget "$d/j" 'd["exit"]')" 0 "$alg s_server: a warning only, exit 0"
	expect_eq "$(jget "$d/j" 'len(d["fix"]["added"])')" 1 "$alg s_server: the fix adds the cross-sign"
	p2=$(free_port)
	openssl s_server -quiet -accept "127.0.0.1:$p2" -cert "$d/leaf.pem" -key "$d/leaf.key" \
		-cert_chain "$d/good.pem" -tls1_2 </dev/null >/dev/null 2>&1 &
	CHECK_PIDS="$CHECK_PIDS $!"
	wait_port "$p2"
	cc check --json --connect 127.0.0.1 -r "$d/old.pem" "$NAME:$p2" >"$d/j"
	expect_grep '"tls_version":"TLSv1.2"' "$d/j" "$alg s_server: TLS 1.2"
	expect_eq "$(ids "$d/j")" "duplicate-cert" "$alg s_server: leaf sent twice (cert + chain file) -> duplicate-cert, captured as sent"
	cc check --connect 127.0.0.1 -r "$d/old.pem" "$NAME:$p2" >"$d/out"
	expect_grep "remove  www.example.test \(issued by Issuing CA 1\): a duplicate" "$d/out" "$alg s_server: the fix drops the duplicate leaf"
done

# SNI reaches the server: s_server answers other.test with another certificate.
d=$T/ec
pki_issue "$d" other "other.test" other ica 90 leaf other.test
p=$(free_port)
openssl s_server -quiet -accept "127.0.0.1:$p" -cert "$d/leaf.pem" -key "$d/leaf.key" \
	-servername other.test -cert2 "$d/other.pem" -key2 "$d/other.key" </dev/null >/dev/null 2>&1 &
CHECK_PIDS="$CHECK_PIDS $!"
wait_port "$p"
cc check --json --connect 127.0.0.1 --sni other.test -r "$d/new.pem" "$NAME:$p" >"$T/j"
expect_eq "$(jget "$T/j" 'd["served"][0]["subject_cn"]+" "+str(d["exit"])')" "other.test 1" \
	"--sni other.test: the server sends other.test's certificate (and ICA missing -> exit 1)"
cc check --json --connect 127.0.0.1 -r "$d/new.pem" "$NAME:$p" >"$T/j"
expect_eq "$(jget "$T/j" 'd["served"][0]["subject_cn"]')" "$NAME" "no --sni: SNI is the host name"

# IP-literal target, no --sni: no SNI is sent, but the leaf must name the
# address (an IP SAN) - a leaf with DNS names only is a hostname-mismatch.
pki_issue "$d" ipleaf "ip.test" other ica 90 leaf "ip.test,IP:127.0.0.1"
p=$(free_port); s_serve "$p" "$d/ipleaf.pem" "$d/other.key" "$d/ica.pem"
cc check --json -r "$d/new.pem" "127.0.0.1:$p" >"$T/j"
expect_eq "$(ids "$T/j"):$(jget "$T/j" 'd["exit"]'):$(jget "$T/j" 'd["sni"]')" ":0:None" \
	"IP target, leaf with IP SAN 127.0.0.1 -> no finding, exit 0, no SNI sent"
expect_rc 0 "IP target, IP SAN: text exit 0" cc check -r "$d/new.pem" "127.0.0.1:$p"
expect_grep "^127.0.0.1:$p .*, name 127.0.0.1\\)" "$T/out" "text names the address it judged"
p2=$(free_port); s_serve "$p2" "$d/leaf.pem" "$d/leaf.key" "$d/ica.pem"
cc check --json -r "$d/new.pem" "127.0.0.1:$p2" >"$T/j"
expect_eq "$(ids "$T/j" | grep -o hostname-mismatch):$(jget "$T/j" 'd["exit"]')" "hostname-mismatch:1" \
	"IP target, leaf with DNS names only -> hostname-mismatch, exit 1"
expect_grep "not valid for 127.0.0.1" "$T/j" "the mismatch names the address"
cc check --json --sni wrong.test -r "$d/new.pem" "127.0.0.1:$p2" >"$T/j2"
expect_eq "$(ids "$T/j")" "$(ids "$T/j2")" "an address mismatch is judged like a name mismatch (same findings)"
cc check --json --sni "$NAME" -r "$d/new.pem" "127.0.0.1:$p2" >"$T/j"
expect_eq "$(ids "$T/j"):$(jget "$T/j" 'd["exit"]')" ":0" "IP target with --sni NAME: the name is judged, not the address"

# Connection failures: each ends within --timeout with exit 3 and a reason.
p=$(free_port); bad_serve silent "$p"
start=$(date +%s%N)
expect_rc 3 "silent server -> exit 3" cc check --timeout 1 -r "$T/ec/old.pem" "127.0.0.1:$p"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_grep "sent no TLS answer within 1.0 s \[timeout\]" "$T/err" "silent server -> timeout reason"
[ "$ms" -lt $((3000 * ${CERTCHAIN_TIME_SCALE:-1})) ] && ok "silent server: ended in ${ms} ms" || bad "silent server took ${ms} ms"
p=$(free_port); bad_serve close "$p"
expect_rc 3 "server closing at once -> exit 3" cc check --timeout 2 -r "$T/ec/old.pem" "127.0.0.1:$p"
expect_grep "closed the connection.*\[closed\]" "$T/err" "-> closed reason"
p=$(free_port); bad_serve http "$p"
expect_rc 3 "plain-text server -> exit 3" cc check --timeout 2 -r "$T/ec/old.pem" "127.0.0.1:$p"
expect_grep "does not speak TLS.*\[not-tls\]" "$T/err" "-> not-tls reason"
cc check --json --timeout 2 -r "$T/ec/old.pem" "127.0.0.1:$p" >"$T/j"
expect_eq "$(jget "$T/j" 'd["result"]+" "+d["failure"]')" "connect-failed not-tls" "not TLS in JSON"
p=$(free_port)
expect_rc 3 "nothing listening -> exit 3" cc check --timeout 2 -r "$T/ec/old.pem" "127.0.0.1:$p"
expect_grep "refused" "$T/err" "-> refused reason"
expect_rc 3 "IPv6 literal [::1]:port, nothing listening -> exit 3" cc check --timeout 2 -r "$T/ec/old.pem" "[::1]:$p"

# STARTTLS: each protocol upgrades, then the chain is captured as served.
d=$T/ec
for proto in smtp imap pop3 ftp xmpp postgres; do
	p=$(free_port); starttls_serve $proto "$p" "$d/good.pem" "$d/leaf.key"
	cc check --json --starttls $proto --connect 127.0.0.1 --timeout 5 -r "$d/old.pem" "$NAME:$p" >"$T/j" 2>"$T/err"
	expect_eq "$(jget "$T/j" 'd["result"]+" "+str(len(d["served"]))')" "ok 3" "starttls $proto: upgraded, 3 certificates, no problem"
	p=$(free_port); starttls_serve $proto "$p" "$d/good.pem" "$d/leaf.key" refuse
	expect_rc 3 "starttls $proto refused -> exit 3" cc check --starttls $proto --connect 127.0.0.1 --timeout 5 -r "$d/old.pem" "$NAME:$p"
	expect_grep "\[starttls-refused\]" "$T/err" "starttls $proto refused -> reason"
done

# Usage errors.
expect_rc 2 "no target -> 2" cc check
expect_rc 2 "bad port -> 2" cc check "example.test:99999"
expect_rc 2 "several colons, not IPv6 -> 2" cc check "a:b:c"
expect_rc 2 "unclosed [ -> 2" cc check "[::1:443"
expect_rc 2 "bad --timeout -> 2" cc check --timeout 0 example.test
expect_rc 2 "bad --starttls -> 2" cc check --starttls gopher example.test
expect_rc 2 "-f with --fix-out -> 2" cc check -f "$T/targets" --fix-out "$T/x.pem"
expect_rc 2 "missing targets file -> 2" cc check -f "$T/none"
expect_rc 0 "check --help" cc check --help

# Batch: every nginx endpoint plus the failing ones, concurrently.
p=$(free_port)
{ cat "$T/targets"; echo "# a comment"; echo; echo "127.0.0.1:$p"; echo "no:such:target"; } >"$T/batch"
n=$(grep -c . "$T/targets")
cc check -f "$T/batch" --json --concurrency 4 --timeout 3 -r "$T/rsa/old.pem" -r "$T/ec/old.pem" >"$T/bj" 2>"$T/berr"
rc=$?
expect_eq "$rc" 3 "batch: a refused target -> exit 3 overall"
expect_eq "$(wc -l <"$T/bj")" "$((n + 2))" "batch: one JSON line per target"
python3 - "$T/bj" >"$T/bsum" <<'PY'
import json, sys
r = {}
for line in open(sys.argv[1]):
    d = json.loads(line)
    r.setdefault(d["result"], 0)
    r[d["result"]] += 1
print(" ".join("%s=%d" % kv for kv in sorted(r.items())))
PY
expect_eq "$(cat "$T/bsum")" "bad-target=1 connect-failed=1 ok=4 problems=6" "batch: good/anchor ok, leaf-only/reversed/expired... problems, refused failed"
expect_nogrep "checked" "$T/berr" "batch: no progress line when stderr is not a terminal"
if command -v script >/dev/null 2>&1; then
	# On a terminal (script(1) gives one), a progress line on stderr.
	script -qec "$CERTCHAIN check -f $T/targets --json --timeout 3 -r $T/rsa/old.pem -r $T/ec/old.pem >$T/bj2" /dev/null >"$T/tty" 2>&1
	expect_grep "checked $n/$n targets" "$T/tty" "batch: progress line on a terminal"
	expect_eq "$(wc -l <"$T/bj2")" "$n" "batch: stdout stays one JSON object per line with a progress line on the terminal"
fi
cc check -f - --timeout 3 -r "$T/rsa/old.pem" -r "$T/ec/old.pem" <"$T/targets" >"$T/bt"
expect_eq "$(grep -cE '^www.example.test:[0-9]+ +(OK|WARNINGS)' "$T/bt"):$(grep -cE '^www.example.test:[0-9]+ +PROBLEMS' "$T/bt")" "4:6" "batch from stdin, text: one line per target"
expect_grep '^www.example.test:[0-9]+ +PROBLEMS +incomplete-chain \(profiles 0/1\)$' "$T/bt" "batch text line lists the finding ids"
finish
