# Written by certchain 0.1.0 (bind --server iis). Review, then run in an
# elevated PowerShell on the IIS server. Not tested against a real IIS.
# Binds www.example.test (thumbprint @THUMBPRINT@) from LocalMachine\My to site 'Default Web Site':
# https All Unassigned:443.
$ErrorActionPreference = 'Stop'
Import-Module WebAdministration
$site = 'Default Web Site'
$thumbprint = '@THUMBPRINT@'
$certchain = @EXE@

$cert = Get-Item -LiteralPath "Cert:\LocalMachine\My\$thumbprint"
if (-not $cert.HasPrivateKey) { throw "certificate $thumbprint in LocalMachine\My has no private key" }
if (-not (Get-Website -Name $site)) { throw "no IIS site $site" }

$binding = Get-WebBinding -Name $site -Protocol https -IPAddress '*' -Port 443 -HostHeader ''
if (-not $binding) {
    New-WebBinding -Name $site -Protocol https -IPAddress '*' -Port 443 -HostHeader '' -SslFlags 0
    $binding = Get-WebBinding -Name $site -Protocol https -IPAddress '*' -Port 443 -HostHeader ''
}
$binding.AddSslCertificate($thumbprint, 'My')

iisreset /noforce
if ($LASTEXITCODE -ne 0) { throw "iisreset failed: $LASTEXITCODE" }

# What the clients get now, judged per client trust store.
& $certchain check 'www.example.test:443' --connect '127.0.0.1'
exit $LASTEXITCODE
