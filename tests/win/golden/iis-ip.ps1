# Written by certchain 0.1.0 (bind --server iis). Review, then run in an
# elevated PowerShell on the IIS server. Not tested against a real IIS.
# Binds www.example.test (thumbprint @THUMBPRINT@) from LocalMachine\My to site 'Intranet':
# https 192.0.2.10:443.
$ErrorActionPreference = 'Stop'
Import-Module WebAdministration
$site = 'Intranet'
$thumbprint = '@THUMBPRINT@'
$certchain = @EXE@

$cert = Get-Item -LiteralPath "Cert:\LocalMachine\My\$thumbprint"
if (-not $cert.HasPrivateKey) { throw "certificate $thumbprint in LocalMachine\My has no private key" }
if (-not (Get-Website -Name $site)) { throw "no IIS site $site" }

$binding = Get-WebBinding -Name $site -Protocol https -IPAddress '192.0.2.10' -Port 443 -HostHeader ''
if (-not $binding) {
    New-WebBinding -Name $site -Protocol https -IPAddress '192.0.2.10' -Port 443 -HostHeader '' -SslFlags 0
    $binding = Get-WebBinding -Name $site -Protocol https -IPAddress '192.0.2.10' -Port 443 -HostHeader ''
}
$binding.AddSslCertificate($thumbprint, 'My')

iisreset /noforce
if ($LASTEXITCODE -ne 0) { throw "iisreset failed: $LASTEXITCODE" }

# What the clients get now, judged per client trust store.
& $certchain check '192.0.2.10:443'
exit $LASTEXITCODE
