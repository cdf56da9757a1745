# iis.sh - part of tests/e2e/test_windows.sh (after store.sh: www.example.test
# with its key in My as "www 2026"): bind --server iis writes the PowerShell
# script; each case is compared with its golden file (tests/win/golden/,
# the thumbprint replaced by a placeholder). IIS itself cannot run here:
# the scripts were reviewed against the IIS documentation, never run on a
# real IIS. What a script does on a server that already has state (an
# existing binding with another certificate, SNI and non-SNI on one port,
# a second run) is decided by the script at run time: those cases are
# checked as the lines of the script that handle them.
# shellcheck shell=bash

G=$(dirname "${BASH_SOURCE[0]}")/golden
tp=$(sha1 "$s/leaf.pem")
norm() { sed "1s/^\xEF\xBB\xBF//; s/$tp/@THUMBPRINT@/g" "$1"; }
golden() { # golden NAME DESC ARGS...: the script for ARGS equals golden NAME
	local name=$1 desc=$2
	shift 2
	if cc bind --server iis --cert "www 2026" "$@" -o "$T/$name.ps1" >"$T/out" 2>"$T/err" &&
		diff <(norm "$T/$name.ps1") "$G/$name.ps1" >"$T/diff"; then ok "$desc"; else
		bad "$desc" "$(head -c 600 "$T/err" "$T/diff")"; fi
}
golden iis-all-unassigned "iis: All Unassigned, port 443, no SNI" --site "Default Web Site" --ip '*'
golden iis-sni-443 "iis: SNI on the same port 443 (its own http.sys key host:port)" \
	--site "Default Web Site" --ip '*' --hostname www.example.test
golden iis-ip-sni "iis: one IP, port 8443, SNI host name, a quote in the site name" \
	--site "Bob's shop" --ip 192.0.2.10 --port 8443 --hostname shop.example.test
golden iis-ip "iis: one IP, no SNI" --site Intranet --ip 192.0.2.10
golden iis-ipv6-sni "iis: IPv6 with SNI" --site V6 --ip 2001:db8::1 --port 444 --hostname www.example.test
golden iis-unicode "iis: a site name in Latin-1 and Japanese" --site "Café 証明書" --ip '*' --port 8443

grep -q "^\$thumbprint = '$tp'$" "$T/iis-ip.ps1" && ok "iis: the thumbprint is the certificate's SHA-1 in My" ||
	bad "iis: thumbprint"
[ "$(head -c 3 "$T/iis-unicode.ps1" | od -An -tx1 | tr -d ' ')" = efbbbf ] &&
	ok "iis: the script is UTF-8 with a byte order mark (Windows PowerShell 5.1 reads it as UTF-8)" ||
	bad "iis: no UTF-8 BOM"
grep -q "^\$site = 'Café 証明書'$" "$T/iis-unicode.ps1" && ok "iis: the site name round-trips as typed (UTF-8)" ||
	bad "iis: site name" "$(grep '^\$site' "$T/iis-unicode.ps1")"
# Cases of the server's state, as the script's lines that handle them.
p=$T/iis-ip.ps1
expect_grep "^    netsh http update sslcert \\\$sslBinding certhash=\\\$thumbprint" "$p" \
	"iis: an SSL binding with another certificate is updated in place"
grep -v '^ *#' "$p" | grep -q "AddSslCertificate" && bad "iis: AddSslCertificate called" ||
	ok "iis: no AddSslCertificate (0x800700B7 on an existing SSL binding)"
expect_grep "^} elseif \(\\\$current -ne \\\$thumbprint\) \{" "$p" "iis: the certificate already bound is not written again"
expect_grep "^    Write-Output \"nothing to change: site" "$p" "iis: a second run says that nothing changed"
expect_grep "-and \\\$_.bindingInformation -eq \\\$bindingInfo" "$p" \
	"iis: the binding is matched on protocol and the whole IP:port:host"
expect_grep "ambiguous, nothing changed" "$p" "iis: several matching bindings are refused"
expect_grep "is a binding of site .*, not of \\\$site; nothing changed" "$p" "iis: another site's binding is not taken over"
expect_grep "belongs to another program than IIS" "$p" "iis: an http.sys binding of another program is left alone"
expect_grep "also serves .*run with -Shared" "$p" "iis: non-SNI bindings sharing the IP:port are named, not changed silently"
awk '/^if \(\$Restart\)/ { r = 1 } r && /^}/ { r = 0 } !/^ *#/ && /iisreset/ && !r { bad = 1 } END { exit bad }' "$p" &&
	ok "iis: iisreset only in the -Restart branch" || bad "iis: iisreset outside -Restart"
expect_grep "^if \(\\\$Restart\) \{" "$p" "iis: -Restart asks for it"
expect_grep "^\\\$sslBinding = 'ipport=192.0.2.10:443'$" "$p" "iis: IP binding: http.sys key IP:port"
expect_grep "^\\\$checkTarget = 'www.example.test:443'$" "$p" "iis: IP binding: the check asks for the certificate's name"
expect_grep "^\\\$checkConnect = '192.0.2.10'$" "$p" "iis: IP binding: the check dials the IP"
expect_grep "^\\\$sslBinding = 'hostnameport=www.example.test:443'$" "$T/iis-sni-443.ps1" \
	"iis: SNI on port 443: http.sys key host:port, apart from the non-SNI 0.0.0.0:443"
expect_grep "^\\\$sslBinding = 'ipport=0.0.0.0:443'$" "$T/iis-all-unassigned.ps1" "iis: All Unassigned: http.sys key 0.0.0.0:443"
if grep -lE '\b[A-Za-z]:\\|/tmp/' "$T"/iis-*.ps1 >"$T/paths"; then
	bad "iis: a path of the generating machine in a script" "$(cat "$T/paths")"
else ok "iis: no path of the generating machine in the scripts"; fi
expect_grep "Join-Path \\\$PSScriptRoot 'certchain.exe'" "$p" "iis: certchain.exe beside the script, else on PATH"

# --store-name WebHosting: the certificate with its key in IIS's Web Hosting store.
expect_rc 0 "import-pfx --system --store-name WebHosting" \
	cc import-pfx --system --store-name WebHosting --name "www hosting" --password-file "$T/spw" "$T/s.pfx"
expect_grep "imported into WebHosting: www.example.test \(with its private key\)" "$T/out" \
	"import-pfx --store-name WebHosting: the leaf and key into WebHosting"
if cc bind --server iis --cert "www hosting" --store-name WebHosting --site Shop --ip '*' \
	-o "$T/iis-webhosting.ps1" >"$T/out" 2>"$T/err" &&
	diff <(norm "$T/iis-webhosting.ps1") "$G/iis-webhosting.ps1" >"$T/diff"; then
	ok "iis: --store-name WebHosting"; else bad "iis: --store-name WebHosting" "$(head -c 600 "$T/err" "$T/diff")"; fi
expect_rc 2 "iis: --store-name Root refused" cc bind --server iis --site S --cert "www 2026" --ip '*' --store-name Root

expect_rc 2 "iis: --port 0 refused" cc bind --server iis --site S --cert "www 2026" --ip '*' --port 0
expect_rc 2 "iis: --ip not an address" cc bind --server iis --site S --cert "www 2026" --ip www.example.test
expect_rc 2 "iis: missing --site" cc bind --server iis --cert "www 2026" --ip '*'
expect_rc 1 "iis: a certificate that is not in My" cc bind --server iis --site S --cert "CN=Old Root CA" --ip '*'
expect_rc 2 "iis: nginx is not in the Windows build" cc bind --server nginx --site S --cert "www 2026" --ip '*'
expect_grep "only 'iis' in the Windows build" "$T/err" "iis: says why"
