# iis.sh - part of tests/e2e/test_windows.sh (after store.sh: www.example.test
# with its key in My as "www 2026"): bind --server iis writes the PowerShell
# script; each case is compared with its golden file (tests/win/golden/,
# the thumbprint and the .exe path replaced by placeholders). IIS itself
# cannot run here: the scripts were never run against a real IIS.
# shellcheck shell=bash

G=$(dirname "${BASH_SOURCE[0]}")/golden
tp=$(sha1 "$s/leaf.pem")
norm() { sed "s/$tp/@THUMBPRINT@/g; s|^\$certchain = .*|\$certchain = @EXE@|" "$1"; }
golden() { # golden NAME DESC ARGS...: the script for ARGS equals golden NAME
	local name=$1 desc=$2
	shift 2
	if cc bind --server iis --cert "www 2026" "$@" -o "$T/$name.ps1" >"$T/out" 2>"$T/err" &&
		diff <(norm "$T/$name.ps1") "$G/$name.ps1" >"$T/diff"; then ok "$desc"; else
		bad "$desc" "$(head -c 600 "$T/err" "$T/diff")"; fi
}
golden iis-all-unassigned "iis: All Unassigned, port 443, no SNI" --site "Default Web Site" --ip '*'
golden iis-ip-sni "iis: one IP, port 8443, SNI host name, a quote in the site name" \
	--site "Bob's shop" --ip 192.0.2.10 --port 8443 --hostname shop.example.test
golden iis-ip "iis: one IP, no SNI" --site Intranet --ip 192.0.2.10
golden iis-ipv6-sni "iis: IPv6 with SNI" --site V6 --ip 2001:db8::1 --port 444 --hostname www.example.test
grep -q "^\$thumbprint = '$tp'$" "$T/iis-ip.ps1" && ok "iis: the thumbprint is the certificate's SHA-1 in My" ||
	bad "iis: thumbprint"
expect_rc 2 "iis: --port 0 refused" cc bind --server iis --site S --cert "www 2026" --ip '*' --port 0
expect_rc 2 "iis: --ip not an address" cc bind --server iis --site S --cert "www 2026" --ip www.example.test
expect_rc 2 "iis: missing --site" cc bind --server iis --cert "www 2026" --ip '*'
expect_rc 1 "iis: a certificate that is not in My" cc bind --server iis --site S --cert "CN=Old Root CA" --ip '*'
expect_rc 2 "iis: nginx is not in the Windows build" cc bind --server nginx --site S --cert "www 2026" --ip '*'
expect_grep "only 'iis' in the Windows build" "$T/err" "iis: says why"
