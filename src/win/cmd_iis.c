/*
 * cmd_iis.c - bind --server iis: writes the PowerShell script that binds a
 * certificate to one https binding of an IIS site, on a server that may
 * already have one: the binding is matched exactly (protocol, IP, port,
 * host header) or added; the certificate of http.sys's SSL binding is
 * replaced in place (netsh http update sslcert) or added; other sites'
 * bindings are left alone; a second run changes nothing and says so; no
 * restart unless -Restart; then a certchain check of the site. certchain
 * does not run it: IIS is not on the machines that test certchain, so the
 * script is tested by its content only (reviewed against the IIS and
 * netsh http documentation, not run on IIS).
 */
#include "win.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

static const char usage_text[] =
	"usage: certchain bind --server iis --site NAME --cert SELECTOR --ip ADDR|*\n"
	"         [--port N] [--hostname H] [--store-name My|WebHosting] [-o FILE.ps1]\n"
	"\n"
	"Writes a PowerShell script (to FILE.ps1, UTF-8 with a byte order mark,\n"
	"else standard output) that binds the certificate SELECTOR (with its\n"
	"private key, in My or WebHosting of the local machine) to the IIS site\n"
	"NAME: protocol https, IP address ADDR or '*' (All Unassigned), port N\n"
	"(443), SNI with host name H when given. The one binding of the site with\n"
	"exactly that IP, port and host header is used (added when there is none;\n"
	"refused when another site has it or it is ambiguous); the certificate of\n"
	"an existing SSL binding is replaced in place (netsh http update sslcert),\n"
	"other sites' bindings are left alone, and a second run changes nothing\n"
	"and says so. No iisreset unless the script is run with -Restart. It ends\n"
	"with 'certchain check' of the site (certchain.exe beside the script, else\n"
	"on PATH). Review and run it in an elevated PowerShell. The script has\n"
	"been reviewed against the IIS documentation, not run on a real IIS.\n"
	"\n"
	"      --store-name S  My (default) or WebHosting: where the certificate is\n"
	"  -o, --output FILE   where to write the script\n"
	"  -h, --help          this text\n"
	"\n"
	"exit: 0 written, 1 SELECTOR matches nothing in the store, 2 usage or\n"
	"input error\n";

/* IIS's application id in http.sys SSL bindings (what IIS Manager writes;
 * an SSL binding with another id belongs to another program). */
#define IIS_APPID "{4dc3e181-e14b-4a21-b022-59fc669b0914}"

/* PowerShell's files begin with this UTF-8 byte order mark: without it,
 * Windows PowerShell 5.1 reads a script in the ANSI code page. */
static const char utf8_bom[] = "\xEF\xBB\xBF";

typedef struct iis {
	const char *site, *cert, *ip, *host, *out;
	long port;
	char hostbuf[CLI_HOST_MAX]; /* --hostname, as IIS binds it */
	int store; /* WS_MY or WS_WEBHOSTING */
} iis_t;

/* A PowerShell single-quoted literal. */
static void ps_quote(cc_buf_t *b, const char *s)
{
	cc_buf_printf(b, "'");
	for (; *s; s++)
		cc_buf_printf(b, *s == '\'' ? "''" : "%c", *s);
	cc_buf_printf(b, "'");
}

static int printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* The host name the closing check asks for (SNI and name check): the
 * first DNS name of the certificate that is no wildcard, else its CN. */
static void check_name(const win_cert_t *x, char *out, size_t n)
{
	size_t len;
	const unsigned char *der = cc_cert_der(x->c, &len);
	X509 *c = d2i_X509(NULL, &der, (long)len);
	GENERAL_NAMES *gs = c ? X509_get_ext_d2i(c, NID_subject_alt_name, NULL, NULL) : NULL;

	snprintf(out, n, "%s", x->cn);
	for (int i = 0; i < sk_GENERAL_NAME_num(gs); i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(gs, i);
		if (g->type == GEN_DNS && ASN1_STRING_length(g->d.dNSName) > 0 &&
		    ASN1_STRING_get0_data(g->d.dNSName)[0] != '*') {
			snprintf(out, n, "%.*s", ASN1_STRING_length(g->d.dNSName),
				 (const char *)ASN1_STRING_get0_data(g->d.dNSName));
			break;
		}
	}
	GENERAL_NAMES_free(gs);
	X509_free(c);
}

/* The script's settings: everything that differs between cases. */
static void settings(cc_buf_t *b, const iis_t *o, const win_cert_t *x)
{
	int v6 = strchr(o->ip, ':') != NULL, any = !strcmp(o->ip, "*");
	char ipb[80], info[400], ssl[400], target[400], name[256];

	snprintf(ipb, sizeof(ipb), "%s%s%s", v6 ? "[" : "", o->ip, v6 ? "]" : "");
	/* IIS's bindingInformation: IP:port:host, '*' for All Unassigned. */
	snprintf(info, sizeof(info), "%s:%ld:%s", ipb, o->port, o->host ? o->host : "");
	/* http.sys keys an SNI certificate by host:port (whatever the IP),
	 * the others by IP:port (0.0.0.0 for All Unassigned). */
	if (o->host)
		snprintf(ssl, sizeof(ssl), "hostnameport=%s:%ld", o->host, o->port);
	else
		snprintf(ssl, sizeof(ssl), "ipport=%s:%ld", any ? "0.0.0.0" : ipb, o->port);
	check_name(x, name, sizeof(name));
	snprintf(target, sizeof(target), "%s:%ld", o->host ? o->host : name, o->port);

	cc_buf_printf(b, "$site = ");
	ps_quote(b, o->site);
	cc_buf_printf(b, "\n$thumbprint = '%s'\n$storeName = '%s'\n", x->sha1, ws_folder_name(o->store));
	cc_buf_printf(b, "$ipAddress = ");
	ps_quote(b, ipb);
	cc_buf_printf(b, "\n$port = %ld\n$hostHeader = ", o->port);
	ps_quote(b, o->host ? o->host : "");
	cc_buf_printf(b, "\n$sslFlags = %d\n$bindingInfo = ", o->host ? 1 : 0);
	ps_quote(b, info);
	cc_buf_printf(b, "\n$sslBinding = ");
	ps_quote(b, ssl);
	cc_buf_printf(b, "\n$checkTarget = ");
	ps_quote(b, target);
	cc_buf_printf(b, "\n$checkConnect = ");
	ps_quote(b, any ? "127.0.0.1" : ipb);
	cc_buf_printf(b, "\n$iisAppId = '" IIS_APPID "'\n");
}

/* The part that is the same for every case (reads only the settings). */
static const char body[] =
	"\n"
	"# certchain.exe for the closing check: beside this script, else on PATH.\n"
	"$certchain = Join-Path $PSScriptRoot 'certchain.exe'\n"
	"if (-not (Test-Path -LiteralPath $certchain)) {\n"
	"    $found = Get-Command certchain.exe -ErrorAction SilentlyContinue\n"
	"    if (-not $found) { throw \"certchain.exe is neither beside this script nor on PATH\" }\n"
	"    $certchain = $found.Path\n"
	"}\n"
	"\n"
	"$cert = Get-Item -LiteralPath \"Cert:\\LocalMachine\\$storeName\\$thumbprint\" -ErrorAction SilentlyContinue\n"
	"if (-not $cert) { throw \"certificate $thumbprint is not in LocalMachine\\$storeName\" }\n"
	"if (-not $cert.HasPrivateKey) { throw \"certificate $thumbprint in LocalMachine\\$storeName has no private key\" }\n"
	"\n"
	"# The https bindings with exactly this IP, port and host header, per site\n"
	"# (the whole bindingInformation compared: Get-WebBinding's empty\n"
	"# parameters would match any host header, SNI bindings included).\n"
	"function Get-ExactBindings([string]$name) {\n"
	"    @(Get-Website | Where-Object { $_.Name -eq $name } | ForEach-Object { $_.bindings.Collection } |\n"
	"        Where-Object { $_.protocol -eq 'https' -and $_.bindingInformation -eq $bindingInfo })\n"
	"}\n"
	"# SNI set on a binding: sslFlags bit 1, shown as a number or as flag names.\n"
	"function Test-Sni($b) { $f = \"$($b.sslFlags)\"; ($f -match 'Sni') -or ((($f -as [int]) -band 1) -eq 1) }\n"
	"if (-not (Get-Website | Where-Object { $_.Name -eq $site })) { throw \"no IIS site named $site\" }\n"
	"$others = @(Get-Website | Where-Object { $_.Name -ne $site -and (Get-ExactBindings $_.Name).Count -gt 0 } |\n"
	"    ForEach-Object { $_.Name })\n"
	"if ($others.Count -gt 0) { throw \"https $bindingInfo is a binding of site $($others -join ', '), not of $site; nothing changed\" }\n"
	"$mine = Get-ExactBindings $site\n"
	"if ($mine.Count -gt 1) { throw \"site $site has $($mine.Count) https bindings $bindingInfo; ambiguous, nothing changed\" }\n"
	"if ($mine.Count -eq 1 -and [int](Test-Sni $mine[0]) -ne $sslFlags) {\n"
	"    throw \"the binding $bindingInfo of site $site is $(if ($sslFlags) { 'without' } else { 'with' }) SNI (Require Server Name Indication); nothing changed\"\n"
	"}\n"
	"\n"
	"# Without SNI, http.sys keeps one certificate per IP:port for every\n"
	"# binding without SNI on it: name the other bindings it would change.\n"
	"if ($sslFlags -eq 0) {\n"
	"    $prefix = \"${ipAddress}:${port}:\"\n"
	"    $sharing = @(Get-Website | ForEach-Object { $n = $_.Name; $_.bindings.Collection |\n"
	"        Where-Object { $_.protocol -eq 'https' -and -not (Test-Sni $_) -and\n"
	"            $_.bindingInformation.StartsWith($prefix) -and $_.bindingInformation -ne $bindingInfo } |\n"
	"        ForEach-Object { \"$n ($($_.bindingInformation))\" } })\n"
	"}\n"
	"\n"
	"# What http.sys serves now ($LASTEXITCODE 1: no SSL binding yet). The\n"
	"# thumbprint is the one 40-hex-digit word of the output, in any language.\n"
	"$shown = (netsh http show sslcert $sslBinding) -join \"`n\"\n"
	"$current = $null\n"
	"if ($LASTEXITCODE -eq 0 -and $shown -match '\\b([0-9A-Fa-f]{40})\\b') { $current = $Matches[1] }\n"
	"if ($current -and $shown -notmatch [regex]::Escape($iisAppId.Trim('{}'))) {\n"
	"    throw \"http.sys $sslBinding belongs to another program than IIS; nothing changed\"\n"
	"}\n"
	"if ($current -and $current -ne $thumbprint -and $sslFlags -eq 0 -and $sharing.Count -gt 0 -and -not $Shared) {\n"
	"    throw \"http.sys $sslBinding also serves $($sharing -join ', '); run with -Shared to change their certificate too; nothing changed\"\n"
	"}\n"
	"\n"
	"$changed = @()\n"
	"if ($mine.Count -eq 0) {\n"
	"    New-WebBinding -Name $site -Protocol https -IPAddress $ipAddress -Port $port -HostHeader $hostHeader -SslFlags $sslFlags\n"
	"    if ((Get-ExactBindings $site).Count -ne 1) { throw \"IIS did not store the binding as $bindingInfo\" }\n"
	"    $changed += \"added the https binding $bindingInfo to site $site\"\n"
	"}\n"
	"if (-not $current) {\n"
	"    netsh http add sslcert $sslBinding certhash=$thumbprint appid=$iisAppId certstorename=$storeName\n"
	"    if ($LASTEXITCODE -ne 0) { throw \"netsh http add sslcert $sslBinding failed: $LASTEXITCODE\" }\n"
	"    $changed += \"http.sys ${sslBinding}: certificate $thumbprint\"\n"
	"} elseif ($current -ne $thumbprint) {\n"
	"    # In place: the binding never goes without a certificate (a remove\n"
	"    # then add would, and AddSslCertificate on it fails with 0x800700B7).\n"
	"    netsh http update sslcert $sslBinding certhash=$thumbprint appid=$iisAppId certstorename=$storeName\n"
	"    if ($LASTEXITCODE -ne 0) { throw \"netsh http update sslcert $sslBinding failed: $LASTEXITCODE\" }\n"
	"    $changed += \"http.sys ${sslBinding}: certificate $current replaced by $thumbprint\"\n"
	"}\n"
	"if ($changed.Count -eq 0) {\n"
	"    Write-Output \"nothing to change: site $site already serves $thumbprint on https $bindingInfo\"\n"
	"} else {\n"
	"    $changed | ForEach-Object { Write-Output \"changed: $_\" }\n"
	"}\n"
	"# A binding change takes effect at once; iisreset restarts every site.\n"
	"if ($Restart) {\n"
	"    iisreset /noforce\n"
	"    if ($LASTEXITCODE -ne 0) { throw \"iisreset failed: $LASTEXITCODE\" }\n"
	"}\n"
	"\n"
	"# What the clients get now, judged per client trust store.\n"
	"& $certchain check $checkTarget --connect $checkConnect\n"
	"exit $LASTEXITCODE\n";

static void script(cc_buf_t *b, const iis_t *o, const win_cert_t *x)
{
	cc_buf_printf(b, "# Written by certchain %s (bind --server iis). Review, then run in an\n"
			 "# elevated PowerShell (5.1 or 7) on the IIS server. Reviewed against the\n"
			 "# IIS documentation, not run on a real IIS.\n"
			 "# Binds %s (thumbprint %s) from LocalMachine\\%s to site ",
		      CERTCHAIN_VERSION, x->cn, x->sha1, ws_folder_name(o->store));
	ps_quote(b, o->site);
	cc_buf_printf(b, ":\n# https %s%s%s:%ld%s%s.\n", strchr(o->ip, ':') ? "[" : "",
		      !strcmp(o->ip, "*") ? "All Unassigned" : o->ip, strchr(o->ip, ':') ? "]" : "",
		      o->port, o->host ? ", SNI host name " : "", o->host ? o->host : "");
	cc_buf_printf(b, "# Run again, it changes nothing and says so. -Restart: iisreset afterwards\n"
			 "# (not needed). -Shared: also change the certificate of the other\n"
			 "# bindings without SNI on the same IP:port (http.sys has one for all).\n"
			 "param([switch]$Restart, [switch]$Shared)\n"
			 "$ErrorActionPreference = 'Stop'\n"
			 "# netsh's exit codes are read below (PowerShell 7.3+ would throw on them).\n"
			 "$PSNativeCommandUseErrorActionPreference = $false\n"
			 "Import-Module WebAdministration\n\n");
	settings(b, o, x);
	cc_buf_printf(b, "%s", body);
}

static int parse(int argc, char **argv, iis_t *o)
{
	static const struct option lo[] = {
		{ "server", required_argument, 0, 1 }, { "site", required_argument, 0, 2 },
		{ "cert", required_argument, 0, 3 },   { "ip", required_argument, 0, 4 },
		{ "port", required_argument, 0, 5 },   { "hostname", required_argument, 0, 6 },
		{ "output", required_argument, 0, 'o' }, { "help", no_argument, 0, 'h' },
		{ "store-name", required_argument, 0, 7 },
		{ 0, 0, 0, 0 }
	};
	char *end;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		switch (c) {
		case 1:
			if (strcmp(optarg, "iis"))
				return cli_usage_error("bind", "--server: only 'iis' in the Windows build "
						       "(nginx, haproxy and apache are Linux only)");
			break;
		case 2: o->site = optarg; break;
		case 3: o->cert = optarg; break;
		case 4: o->ip = optarg; break;
		case 5:
			o->port = strtol(optarg, &end, 10);
			if (*end || end == optarg || o->port < 1 || o->port > 65535)
				return cli_usage_error("bind", "--port: '%s' is not 1-65535", optarg);
			break;
		case 6: o->host = optarg; break;
		case 7:
			o->store = ws_folder_parse(optarg);
			if (o->store != WS_MY && o->store != WS_WEBHOSTING)
				return cli_usage_error("bind", "--store-name: '%s' is not My or "
						       "WebHosting", optarg);
			break;
		case 'o': o->out = optarg; break;
		case 'h': fputs(usage_text, stdout); return -1;
		default: return cli_bad_option("bind", argv, lo);
		}
	}
	if (optind != argc)
		return cli_usage_error("bind", "unexpected argument '%s'", argv[optind]);
	if (!o->site || !o->cert || !o->ip)
		return cli_usage_error("bind", "--server iis needs --site, --cert and --ip");
	if (!*o->site || !printable(o->site))
		return cli_usage_error("bind", "--site: not a site name");
	if (strcmp(o->ip, "*") && !cli_is_ip(o->ip))
		return cli_usage_error("bind", "--ip: '%s' is not an IP address or '*'", o->ip);
	if (o->host) {
		if (cli_host_arg("bind", "--hostname", o->host, o->hostbuf, sizeof(o->hostbuf)))
			return EXIT_USAGE;
		o->host = o->hostbuf;
	}
	return 0;
}

int win_cmd_bind(int argc, char **argv, int machine)
{
	iis_t o = { .port = 443, .store = WS_MY };
	win_certs_t w;
	win_cert_t *x;
	cc_buf_t b = { 0 };
	cc_error_t err;
	int r = parse(argc, argv, &o);

	if (r)
		return r < 0 ? EXIT_OK : r;
	if ((r = win_certs_read(machine, 1u << o.store, &w)))
		return r;
	if (!(r = win_select("bind", &w, o.cert, &x)) && !x->e->has_key)
		r = cli_usage_error("bind", "%s (%s) has no private key in %s", x->cn, x->sha1,
				    ws_folder_name(o.store));
	if (!r) {
		script(&b, &o, x);
		if (!o.out) {
			fwrite(b.s, 1, b.n, stdout);
		} else {
			cc_buf_t f = { 0 };
			cc_buf_printf(&f, "%s", utf8_bom);
			cc_buf_printf(&f, "%s", b.s);
			if (cc_write_file_atomic(o.out, f.s, f.n, 0644, &err))
				r = cli_fail(&err);
			else
				fprintf(stderr, "wrote %s\n", o.out);
			cc_buf_clear(&f);
		}
	}
	cc_buf_clear(&b);
	win_certs_free(&w);
	return r;
}
