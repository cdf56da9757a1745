#!/bin/bash
# End-to-end (issue 13, point 5): expiry cliffs. When the chosen chain's
# reach depends on a cross-sign or anchor expiring within the horizon
# (default 3 years, --horizon DAYS), explain says so and check reports
# expiry-cliff: the certificate, the date, the clients lost, what to serve
# after. The real Sectigo chains (AAA Certificate Services, 2028-12-31) and
# a private PKI served by openssl s_server on 127.0.0.1.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-check.sh"
trap 'check_stop_all; rm -rf "$T"' EXIT

R=$DATA/real-certs
at=2026-06-01T00:00:00Z
if [ -d "$R" ]; then
	P=(-p "old=$R/aaa-certificate-services-root.pem" -p "mid=$R/usertrust-rsa-root.pem"
		-p "modern=$R/sectigo-r46-root.pem")
	expect_rc 0 "real R36: explain" cc explain --no-store --at $at "${P[@]}" -I "$R" "$R/sectigo-dv-r36.pem"
	expect_grep "^the chain's reach depends on the cross-sign USERTrust RSA Certification Authority by AAA Certificate Services, which expires 2028-12-31: then old stops trusting it; serve after that date: Sectigo Public Server Authentication CA DV R36 \+ Sectigo Public Server Authentication Root R46 cross-signed by USERTrust RSA Certification Authority \(trusted by 2/3 profiles then\)" \
		"$T/out" "real R36: the AAA cliff, its date, the client lost and what to serve after"
	# (point 4) an alternative is one short line: the profiles it loses,
	# grouped by their reason, each reason said once
	expect_grep "^serving Sectigo Public Server Authentication CA DV R36 \(to the self-signed Sectigo Public Server Authentication Root R46\) instead: trusted by 1/3; it fails on old, mid: anchor not in store \(it has no Sectigo Public Server Authentication Root R46\)$" \
		"$T/out" "real R36: explain groups the profiles an alternative loses by reason"
	expect_rc 0 "real R36: explain --horizon 365" cc explain --no-store --at $at --horizon 365 "${P[@]}" -I "$R" "$R/sectigo-dv-r36.pem"
	expect_nogrep "reach depends" "$T/out" "real R36: 2028 is beyond a one-year horizon"
	cc build --json --no-store --at $at "${P[@]}" -I "$R" "$R/sectigo-dv-r36.pem" >"$T/j" 2>/dev/null
	expect_grep '"expiry_cliff":"the chain.s reach depends on the cross-sign USERTrust RSA' "$T/j" "real R36: build --json carries it"
	# E36: an ECC chain carried to the RSA root AAA
	expect_rc 0 "real E36: explain" cc explain --no-store --at $at -p "old=$R/aaa-certificate-services-root.pem" \
		-p "modern=$R/sectigo-e46-root.pem" -I "$R" "$R/sectigo-dv-e36.pem"
	expect_grep "^the chain's reach depends on .*AAA Certificate Services, which expires 2028-12-31: then old stops trusting it.*\(an ECC chain carried to the RSA root AAA Certificate Services\)$" \
		"$T/out" "real E36: the cliff says the ECC chain ends at an RSA root"
else
	bad "real certificates not found in $R"
fi

# --- a live server whose chain runs through a cross-sign expiring in 5 days
d=$T/pki; mkdir -p "$d"
pki_crosssign "$d" ec || bad "PKI"
cat "$d/ica.pem" "$d/cross-short.pem" >"$d/chain.pem"
port=$(free_port); s_serve "$port" "$d/leaf.pem" "$d/leaf.key" "$d/chain.pem"
exp=$(openssl x509 -in "$d/cross-short.pem" -noout -enddate | cut -d= -f2)
day=$(date -u -d "$exp" +%Y-%m-%d)
chk() { cc check --no-store --no-aia --connect 127.0.0.1 -p "legacy=$d/old.pem" -p "modern=$d/new.pem" "$@" "www.example.test:$port"; }
expect_rc 0 "s_server: leaf + ica + short cross-sign: trusted today (a warning)" chk
expect_grep "expiry-cliff +the chain's reach depends on the cross-sign New Root CA by Old Root CA, which expires $day: then legacy stops trusting it; serve after that date: www.example.test \+ Issuing CA 1 \(trusted by 1/2 profiles then\)" \
	"$T/out" "s_server: check names the cross-sign, the date, the client lost, the chain after"
expect_rc 0 "s_server: --horizon 3" chk --horizon 3
expect_nogrep "expiry-cliff" "$T/out" "s_server: a 5-day cliff is beyond a 3-day horizon"
expect_rc 2 "--horizon 0 is refused" chk --horizon 0
finish
