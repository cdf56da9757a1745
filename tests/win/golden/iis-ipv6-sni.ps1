# Written by certchain 0.1.0 (bind --server iis). Review, then run in an
# elevated PowerShell on the IIS server. Not tested against a real IIS.
# Binds www.example.test (thumbprint @THUMBPRINT@) from LocalMachine\My to site 'V6':
# https 2001:db8::1:444, SNI host name www.example.test.
$ErrorActionPreference = 'Stop'
Import-Module WebAdministration
$site = 'V6'
$thumbprint = '@THUMBPRINT@'
$certchain = @EXE@

$cert = Get-Item -LiteralPath "Cert:\LocalMachine\My\$thumbprint"
if (-not $cert.HasPrivateKey) { throw "certificate $thumbprint in LocalMachine\My has no private key" }
if (-not (Get-Website -Name $site)) { throw "no IIS site $site" }

$binding = Get-WebBinding -Name $site -Protocol https -IPAddress '2001:db8::1' -Port 444 -HostHeader 'www.example.test'
if (-not $binding) {
    New-WebBinding -Name $site -Protocol https -IPAddress '2001:db8::1' -Port 444 -HostHeader 'www.example.test' -SslFlags 1
    $binding = Get-WebBinding -Name $site -Protocol https -IPAddress '2001:db8::1' -Port 444 -HostHeader 'www.example.test'
}
$binding.AddSslCertificate($thumbprint, 'My')

iisreset /noforce
if ($LASTEXITCODE -ne 0) { throw "iisreset failed: $LASTEXITCODE" }

# What the clients get now, judged per client trust store.
& $certchain check 'www.example.test:444'
exit $LASTEXITCODE
