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
finish
