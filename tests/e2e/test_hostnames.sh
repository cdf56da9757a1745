#!/bin/bash
# End-to-end: host names given with --host/--sni/--hostname. A trailing dot
# (a fully qualified name) is the same name, as for openssl verify
# -verify_hostname; a U-label is matched and sent as its A-label (libidn2); a
# wildcard is refused (no client asks for one) while a wildcard certificate
# still matches real names. check sends the converted name as SNI to a real
# openssl s_server on 127.0.0.1.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-check.sh"
trap 'check_stop_all; rm -rf "$T"' EXIT

d=$T/pki; mkdir -p "$d"
export PKI_ALG=ec
A=xn--bcher-kva.example
pki_root "$d" root "Hostname Root" &&
	pki_issue "$d" leaf "idn leaf" leaf root 90 leaf "$A,DNS:*.wild.example" &&
	pki_issue "$d" other "other leaf" other root 90 leaf "other.example" ||
	{ bad "PKI generation"; finish; exit 1; }
v() { cc verify --no-store -r "$d/root.pem" "$@" "$d/leaf.pem"; }

expect_rc 0 "--host A-label -> valid" v --host "$A"
expect_rc 0 "--host A-label with a trailing dot -> valid (as openssl)" v --host "$A."
openssl verify -CAfile "$d/root.pem" -verify_hostname "$A" "$d/leaf.pem" >/dev/null 2>&1 &&
	ok "openssl agrees on the A-label" || bad "openssl rejects the A-label"
expect_rc 0 "--host U-label bücher.example -> valid (converted)" v --host "bücher.example"
expect_rc 0 "--host U-label with a trailing dot -> valid" v --host "bücher.example."
expect_rc 0 "--host BÜCHER.example (upper case U-label) -> valid" v --host "BÜCHER.example"
cc verify --no-store -r "$d/root.pem" --host "bücher.example." "$d/other.pem" >"$T/j" 2>&1
expect_grep "not valid for $A\$" "$T/j" "a mismatch names the A-label, without the dot"
expect_nogrep "bücher" "$T/j" "and not the U-label"
expect_rc 1 "--host other.example -> mismatch (exit 1)" v --host other.example
expect_grep "hostname-mismatch" "$T/out" "the mismatch is a finding"
expect_rc 1 "--host with the dot of another name -> still a mismatch" v --host "other.example."
expect_rc 0 "--host a.wild.example -> the wildcard certificate matches" v --host a.wild.example
expect_rc 2 "--host '*.wild.example' -> refused" v --host '*.wild.example'
expect_grep "wildcard" "$T/err" "says it is a wildcard"
expect_eq "$(wc -l <"$T/err")" 1 "in one line"
expect_rc 2 "--host 'a..example' -> refused" v --host 'a..example'
expect_rc 2 "--host '.' -> refused" v --host '.'
expect_rc 2 "--host with invalid UTF-8 -> refused" v --host $'b\xffcher.example'
expect_grep "not a valid internationalized host name" "$T/err" "says why"
expect_rc 2 "--host with a disallowed code point -> refused" v --host "a☃.example"

# Every command that takes a host name refuses the wildcard in one line.
for c in "build --host" "export --host" "fix --host" "fix --sni" "check --sni" \
	"bind --server nginx --site s --cert x --hostname"; do
	# shellcheck disable=SC2086
	cc $c '*.wild.example' "$d/leaf.pem" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = 2 ] && grep -q "wildcard" "$T/err" && [ "$(wc -l <"$T/err")" = 1 ] &&
		ok "$c '*.wild.example' -> exit 2, one line" || bad "$c wildcard: exit $rc $(head -c 200 "$T/err")"
done
expect_rc 0 "build --host U-label. -> valid" cc build --no-store -r "$d/root.pem" --host "bücher.example." "$d/leaf.pem"

# check: the A-label without the dot is what goes out as SNI. s_server sends
# the IDN leaf only for SNI xn--bcher-kva.example, another leaf otherwise.
p=$(free_port)
openssl s_server -quiet -accept "127.0.0.1:$p" -cert "$d/other.pem" -key "$d/other.key" \
	-servername "$A" -cert2 "$d/leaf.pem" -key2 "$d/leaf.key" </dev/null >/dev/null 2>&1 &
CHECK_PIDS="$CHECK_PIDS $!"
wait_port "$p"
expect_rc 0 "check --sni bücher.example. -> the server got the A-label, verdict OK" \
	cc check --no-store --timeout 5 -r "$d/root.pem" --sni "bücher.example." "127.0.0.1:$p"
cc check --no-store --json --timeout 5 -r "$d/root.pem" --sni "bücher.example." "127.0.0.1:$p" >"$T/j"
expect_grep '"subject_cn":"idn leaf"' "$T/j" "the IDN leaf was served (SNI matched on the server)"
expect_grep "\"sni\":\"$A\"" "$T/j" "the JSON names the SNI sent"
expect_rc 1 "check --sni other.example. -> the other leaf, and the name matches it" \
	cc check --no-store --timeout 5 -r "$d/root.pem" --sni "nomatch.example." "127.0.0.1:$p"
expect_grep "hostname-mismatch" "$T/out" "a name nobody certified still mismatches"

# --- HOST[:PORT] targets: the host goes through the same normalisation. The
# server sends the IDN leaf only when the SNI is exactly the A-label, so an
# OK verdict proves what was sent; --connect 127.0.0.1 dials loopback only.
U="bücher.example"
ck() { cc check --no-store --timeout 5 -r "$d/root.pem" --connect 127.0.0.1 "$@"; }
expect_rc 0 "check $U:PORT -> SNI the A-label, the IDN leaf served, verdict OK" ck "$U:$p"
head -n1 "$T/out" >"$T/h"
expect_grep "^$A:$p \($U\) \(127\.0\.0\.1:$p, name $A\)" "$T/h" \
	"the report shows the A-label, then the U-label typed"
expect_rc 0 "check $A.:PORT (a trailing dot) -> the SNI without it, verdict OK" ck "$A.:$p"
expect_grep "^$A:$p \(127" "$T/out" "the report shows the name without the dot"
expect_nogrep "$A\.|\(.*\.\)" "$T/h" "... and no U-label for an ASCII name"
expect_rc 0 "check BÜCHER.example.:PORT (upper case, a dot) -> verdict OK" ck "BÜCHER.example.:$p"
ck --json "$U.:$p" >"$T/j" 2>"$T/err"
expect_grep "\"target\":\"$U\.:$p\"" "$T/j" "JSON: target as given"
expect_grep "\"host\":\"$A\"" "$T/j" "JSON: host the A-label without the dot"
expect_grep "\"sni\":\"$A\"" "$T/j" "JSON: sni the A-label"
expect_grep '"subject_cn":"idn leaf"' "$T/j" "JSON: the IDN leaf was served"
expect_nogrep "hostname-mismatch" "$T/j" "JSON: the A-label matched the leaf"
for t in '*.wild.example' 'a..example' "a☃.example" $'b\xffcher.example'; do
	ck "$t:$p" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] && ! [ -s "$T/out" ] &&
		ok "check '$t:PORT' -> exit 2, one line, nothing probed" ||
		bad "check '$t:PORT': exit $rc $(head -c 200 "$T/err")"
done
ck '*.wild.example:443' >/dev/null 2>"$T/err"
expect_grep "'\*\.wild\.example' is a wildcard" "$T/err" "the wildcard target says why"
expect_rc 2 "fix '*.wild.example:PORT' -> refused" \
	cc fix --no-store -r "$d/root.pem" --connect 127.0.0.1 "*.wild.example:$p"
expect_grep "wildcard" "$T/err" "... saying it is a wildcard"
expect_rc 0 "fix $U.:PORT -> the IDN leaf, the chain unchanged" \
	cc fix --no-store --timeout 5 -r "$d/root.pem" --connect 127.0.0.1 "$U.:$p"
expect_grep "^served by $A:$p \($U\) " "$T/out" "fix shows the A-label and the U-label"

# check -f: each line's host as a single target's
printf '%s\n' "$U.:$p 127.0.0.1" "$A.:$p 127.0.0.1" "*.wild.example:$p 127.0.0.1" >"$T/list"
cc check --no-store --timeout 5 -r "$d/root.pem" -f "$T/list" >"$T/out" 2>"$T/err"
expect_eq "$?" 2 "check -f with a wildcard line -> exit 2 (that line), the rest checked"
expect_grep "^$A:$p \($U\) +OK" "$T/out" "-f: the U-label line is OK, shown as A-label (U-label)"
expect_grep "^$A:$p +OK" "$T/out" "-f: the trailing-dot line is OK, shown without the dot"
expect_grep "line 3: .*wildcard" "$T/err" "-f: the wildcard line refused, saying why"
cc check --no-store --timeout 5 -r "$d/root.pem" -f "$T/list" --json >"$T/j" 2>/dev/null
expect_eq "$(grep -c "\"host\":\"$A\",.*\"sni\":\"$A\".*\"result\":\"ok\"" "$T/j")" 2 \
	"-f --json: both records name the A-label as host and SNI, both ok"

# The name resolved is the A-label without the dot: a name server on
# 127.0.0.1 that answers 127.0.0.1 for every name and logs what it is asked.
DNS_SERVER_LOG="$T/dnslog" python3 "$(dirname "$0")/../dns_server.py" "$T/dnsport" &
CHECK_PIDS="$CHECK_PIDS $!"
for _ in $(seq 50); do [ -s "$T/dnsport" ] && break; sleep 0.1; done
DNS=127.0.0.1:$(cat "$T/dnsport")
expect_rc 0 "check $U.:PORT resolved through --dns-server -> verdict OK" \
	cc check --no-store --timeout 5 -r "$d/root.pem" --dns-server "$DNS" "$U.:$p"
expect_eq "$(sort -u "$T/dnslog")" "$A" "the name looked up is the A-label, without the dot"

# serve's /api/check and /probe: the same names, and the allow list sees them.
sp=$(free_port)
# (the binary itself in the background, so that the trap's kill reaches it)
$CC_WRAP "$CERTCHAIN" serve --listen "127.0.0.1:$sp" --allow "$A" --allow 127.0.0.1 --dns-server "$DNS" \
	--no-store -r "$d/root.pem" --cache-ttl 0 2>"$T/serve.log" &
CHECK_PIDS="$CHECK_PIDS $!"
S=http://127.0.0.1:$sp
for _ in $(seq 100); do curl -s -o /dev/null "$S/healthz" && break; sleep 0.1; done
get() { curl -s -o "$T/body" -w '%{http_code}' "$@"; }
expect_eq "$(get "$S/api/check?target=b%C3%BCcher.example.:$p")" 200 \
	"serve: a U-label target with a dot, admitted by --allow of its A-label -> 200"
expect_grep "\"host\":\"$A\",.*\"sni\":\"$A\".*\"result\":\"ok\"" "$T/body" \
	"serve: host and SNI the A-label, the IDN leaf matched"
expect_eq "$(get "$S/api/check?target=127.0.0.1:$p&sni=B%C3%9CCHER.example.")" 200 \
	"serve: an sni given as a U-label with a dot -> 200"
expect_grep "\"sni\":\"$A\".*\"result\":\"ok\"" "$T/body" "serve: the sni sent is the A-label"
expect_eq "$(get "$S/probe?target=b%C3%BCcher.example:$p")" 200 "serve: /probe of a U-label -> 200"
expect_grep "^certchain_chain_ok 1" "$T/body" "serve: the probe's chain is OK"
expect_eq "$(get "$S/api/check?target=*.wild.example:$p")" 400 "serve: a wildcard target -> 400"
expect_grep "is a wildcard" "$T/body" "... saying why"
expect_eq "$(get "$S/api/check?target=other.example:$p")" 403 "serve: another name -> 403 (not admitted)"
finish
