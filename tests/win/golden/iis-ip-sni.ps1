# Written by certchain 0.1.0 (bind --server iis). Review, then run in an
# elevated PowerShell (5.1 or 7) on the IIS server. Reviewed against the
# IIS documentation, not run on a real IIS.
# Binds www.example.test (thumbprint @THUMBPRINT@) from LocalMachine\My to site 'Bob''s shop':
# https 192.0.2.10:8443, SNI host name shop.example.test.
# Run again, it changes nothing and says so. -Restart: iisreset afterwards
# (not needed). -Shared: also change the certificate of the other
# bindings without SNI on the same IP:port (http.sys has one for all).
param([switch]$Restart, [switch]$Shared)
$ErrorActionPreference = 'Stop'
# netsh's exit codes are read below (PowerShell 7.3+ would throw on them).
$PSNativeCommandUseErrorActionPreference = $false
Import-Module WebAdministration

$site = 'Bob''s shop'
$thumbprint = '@THUMBPRINT@'
$storeName = 'My'
$ipAddress = '192.0.2.10'
$port = 8443
$hostHeader = 'shop.example.test'
$sslFlags = 1
$bindingInfo = '192.0.2.10:8443:shop.example.test'
$sslBinding = 'hostnameport=shop.example.test:8443'
$checkTarget = 'shop.example.test:8443'
$checkConnect = '192.0.2.10'
$iisAppId = '{4dc3e181-e14b-4a21-b022-59fc669b0914}'

# certchain.exe for the closing check: beside this script, else on PATH.
$certchain = Join-Path $PSScriptRoot 'certchain.exe'
if (-not (Test-Path -LiteralPath $certchain)) {
    $found = Get-Command certchain.exe -ErrorAction SilentlyContinue
    if (-not $found) { throw "certchain.exe is neither beside this script nor on PATH" }
    $certchain = $found.Path
}

$cert = Get-Item -LiteralPath "Cert:\LocalMachine\$storeName\$thumbprint" -ErrorAction SilentlyContinue
if (-not $cert) { throw "certificate $thumbprint is not in LocalMachine\$storeName" }
if (-not $cert.HasPrivateKey) { throw "certificate $thumbprint in LocalMachine\$storeName has no private key" }

# The https bindings with exactly this IP, port and host header, per site
# (the whole bindingInformation compared: Get-WebBinding's empty
# parameters would match any host header, SNI bindings included).
function Get-ExactBindings([string]$name) {
    @(Get-Website | Where-Object { $_.Name -eq $name } | ForEach-Object { $_.bindings.Collection } |
        Where-Object { $_.protocol -eq 'https' -and $_.bindingInformation -eq $bindingInfo })
}
# SNI set on a binding: sslFlags bit 1, shown as a number or as flag names.
function Test-Sni($b) { $f = "$($b.sslFlags)"; ($f -match 'Sni') -or ((($f -as [int]) -band 1) -eq 1) }
if (-not (Get-Website | Where-Object { $_.Name -eq $site })) { throw "no IIS site named $site" }
$others = @(Get-Website | Where-Object { $_.Name -ne $site -and (Get-ExactBindings $_.Name).Count -gt 0 } |
    ForEach-Object { $_.Name })
if ($others.Count -gt 0) { throw "https $bindingInfo is a binding of site $($others -join ', '), not of $site; nothing changed" }
$mine = Get-ExactBindings $site
if ($mine.Count -gt 1) { throw "site $site has $($mine.Count) https bindings $bindingInfo; ambiguous, nothing changed" }
if ($mine.Count -eq 1 -and [int](Test-Sni $mine[0]) -ne $sslFlags) {
    throw "the binding $bindingInfo of site $site is $(if ($sslFlags) { 'without' } else { 'with' }) SNI (Require Server Name Indication); nothing changed"
}

# Without SNI, http.sys keeps one certificate per IP:port for every
# binding without SNI on it: name the other bindings it would change.
if ($sslFlags -eq 0) {
    $prefix = "${ipAddress}:${port}:"
    $sharing = @(Get-Website | ForEach-Object { $n = $_.Name; $_.bindings.Collection |
        Where-Object { $_.protocol -eq 'https' -and -not (Test-Sni $_) -and
            $_.bindingInformation.StartsWith($prefix) -and $_.bindingInformation -ne $bindingInfo } |
        ForEach-Object { "$n ($($_.bindingInformation))" } })
}

# What http.sys serves now ($LASTEXITCODE 1: no SSL binding yet). The
# thumbprint is the one 40-hex-digit word of the output, in any language.
$shown = (netsh http show sslcert $sslBinding) -join "`n"
$current = $null
if ($LASTEXITCODE -eq 0 -and $shown -match '\b([0-9A-Fa-f]{40})\b') { $current = $Matches[1] }
if ($current -and $shown -notmatch [regex]::Escape($iisAppId.Trim('{}'))) {
    throw "http.sys $sslBinding belongs to another program than IIS; nothing changed"
}
if ($current -and $current -ne $thumbprint -and $sslFlags -eq 0 -and $sharing.Count -gt 0 -and -not $Shared) {
    throw "http.sys $sslBinding also serves $($sharing -join ', '); run with -Shared to change their certificate too; nothing changed"
}

$changed = @()
if ($mine.Count -eq 0) {
    New-WebBinding -Name $site -Protocol https -IPAddress $ipAddress -Port $port -HostHeader $hostHeader -SslFlags $sslFlags
    if ((Get-ExactBindings $site).Count -ne 1) { throw "IIS did not store the binding as $bindingInfo" }
    $changed += "added the https binding $bindingInfo to site $site"
}
if (-not $current) {
    netsh http add sslcert $sslBinding certhash=$thumbprint appid=$iisAppId certstorename=$storeName
    if ($LASTEXITCODE -ne 0) { throw "netsh http add sslcert $sslBinding failed: $LASTEXITCODE" }
    $changed += "http.sys ${sslBinding}: certificate $thumbprint"
} elseif ($current -ne $thumbprint) {
    # In place: the binding never goes without a certificate (a remove
    # then add would, and AddSslCertificate on it fails with 0x800700B7).
    netsh http update sslcert $sslBinding certhash=$thumbprint appid=$iisAppId certstorename=$storeName
    if ($LASTEXITCODE -ne 0) { throw "netsh http update sslcert $sslBinding failed: $LASTEXITCODE" }
    $changed += "http.sys ${sslBinding}: certificate $current replaced by $thumbprint"
}
if ($changed.Count -eq 0) {
    Write-Output "nothing to change: site $site already serves $thumbprint on https $bindingInfo"
} else {
    $changed | ForEach-Object { Write-Output "changed: $_" }
}
# A binding change takes effect at once; iisreset restarts every site.
if ($Restart) {
    iisreset /noforce
    if ($LASTEXITCODE -ne 0) { throw "iisreset failed: $LASTEXITCODE" }
}

# What the clients get now, judged per client trust store.
& $certchain check $checkTarget --connect $checkConnect
exit $LASTEXITCODE
