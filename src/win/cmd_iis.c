/*
 * cmd_iis.c - bind --server iis: writes the PowerShell script that makes
 * the binding the IIS Manager dialog makes (https, All Unassigned or one
 * IP, a port, SNI when a host name is given, the certificate from
 * LocalMachine\My by thumbprint), then iisreset /noforce and a certchain
 * check of the site. certchain does not run it: IIS is not on the machines
 * that test certchain, so the script is tested by its content only.
 */
#include "win.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

static const char usage_text[] =
	"usage: certchain bind --server iis --site NAME --cert SELECTOR --ip ADDR|*\n"
	"         [--port N] [--hostname H] [-o FILE.ps1]\n"
	"\n"
	"Writes a PowerShell script (to FILE.ps1, else standard output) that binds\n"
	"the certificate SELECTOR (with its private key, in My of the local\n"
	"machine) to the IIS site NAME: protocol https, IP address ADDR or '*'\n"
	"(All Unassigned), port N (443), SNI with host name H when given; then\n"
	"'iisreset /noforce' and 'certchain check' of the site. Review and run it\n"
	"in an elevated PowerShell. The script has not been run against a real\n"
	"IIS by certchain's tests.\n"
	"\n"
	"  -o, --output FILE   where to write the script\n"
	"  -h, --help          this text\n"
	"\n"
	"exit: 0 written, 1 SELECTOR matches nothing in My, 2 usage or input error\n";

typedef struct iis {
	const char *site, *cert, *ip, *host, *out;
	long port;
	char hostbuf[CLI_HOST_MAX]; /* --hostname, as IIS binds it */
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

static void binding_args(cc_buf_t *b, const iis_t *o)
{
	cc_buf_printf(b, "-Name $site -Protocol https -IPAddress ");
	ps_quote(b, o->ip);
	cc_buf_printf(b, " -Port %ld -HostHeader ", o->port);
	ps_quote(b, o->host ? o->host : "");
}

/* The script; exe is the certchain.exe the check runs. */
static void script(cc_buf_t *b, const iis_t *o, const win_cert_t *x, const char *exe)
{
	char target[600];

	cc_buf_printf(b, "# Written by certchain %s (bind --server iis). Review, then run in an\n"
			 "# elevated PowerShell on the IIS server. Not tested against a real IIS.\n"
			 "# Binds %s (thumbprint %s) from LocalMachine\\My to site ",
		      CERTCHAIN_VERSION, x->cn, x->sha1);
	ps_quote(b, o->site);
	cc_buf_printf(b, ":\n# https %s:%ld%s%s.\n", !strcmp(o->ip, "*") ? "All Unassigned" : o->ip,
		      o->port, o->host ? ", SNI host name " : "", o->host ? o->host : "");
	cc_buf_printf(b, "$ErrorActionPreference = 'Stop'\nImport-Module WebAdministration\n$site = ");
	ps_quote(b, o->site);
	cc_buf_printf(b, "\n$thumbprint = '%s'\n$certchain = ", x->sha1);
	ps_quote(b, exe);
	cc_buf_printf(b, "\n\n$cert = Get-Item -LiteralPath \"Cert:\\LocalMachine\\My\\$thumbprint\"\n"
			 "if (-not $cert.HasPrivateKey) { throw \"certificate $thumbprint in LocalMachine\\My has no private key\" }\n"
			 "if (-not (Get-Website -Name $site)) { throw \"no IIS site $site\" }\n\n"
			 "$binding = Get-WebBinding ");
	binding_args(b, o);
	cc_buf_printf(b, "\nif (-not $binding) {\n    New-WebBinding ");
	binding_args(b, o);
	cc_buf_printf(b, " -SslFlags %d\n    $binding = Get-WebBinding ", o->host ? 1 : 0);
	binding_args(b, o);
	cc_buf_printf(b, "\n}\n$binding.AddSslCertificate($thumbprint, 'My')\n\n"
			 "iisreset /noforce\nif ($LASTEXITCODE -ne 0) { throw \"iisreset failed: $LASTEXITCODE\" }\n\n");
	if (o->host)
		snprintf(target, sizeof(target), "%s:%ld", o->host, o->port);
	else if (strcmp(o->ip, "*"))
		snprintf(target, sizeof(target), "%s%s%s:%ld", strchr(o->ip, ':') ? "[" : "", o->ip,
			 strchr(o->ip, ':') ? "]" : "", o->port);
	else
		snprintf(target, sizeof(target), "%s:%ld", x->cn, o->port);
	cc_buf_printf(b, "# What the clients get now, judged per client trust store.\n& $certchain check ");
	ps_quote(b, target);
	if (!o->host && !strcmp(o->ip, "*"))
		cc_buf_printf(b, " --connect '127.0.0.1'");
	cc_buf_printf(b, "\nexit $LASTEXITCODE\n");
}

static int parse(int argc, char **argv, iis_t *o)
{
	static const struct option lo[] = {
		{ "server", required_argument, 0, 1 }, { "site", required_argument, 0, 2 },
		{ "cert", required_argument, 0, 3 },   { "ip", required_argument, 0, 4 },
		{ "port", required_argument, 0, 5 },   { "hostname", required_argument, 0, 6 },
		{ "output", required_argument, 0, 'o' }, { "help", no_argument, 0, 'h' },
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
	iis_t o = { .port = 443 };
	win_certs_t w;
	win_cert_t *x;
	cc_buf_t b = { 0 };
	cc_error_t err;
	char exe[MAX_PATH];
	int r = parse(argc, argv, &o);

	if (r)
		return r < 0 ? EXIT_OK : r;
	if ((r = win_certs_read(machine, 1u << WS_MY, &w)))
		return r;
	if (!(r = win_select("bind", &w, o.cert, &x)) && !x->e->has_key)
		r = cli_usage_error("bind", "%s (%s) has no private key in My", x->cn, x->sha1);
	if (!r) {
		DWORD n = GetModuleFileNameA(NULL, exe, sizeof(exe));
		if (!n || n >= sizeof(exe))
			snprintf(exe, sizeof(exe), "certchain.exe");
		script(&b, &o, x, exe);
		if (!o.out)
			fwrite(b.s, 1, b.n, stdout);
		else if (cc_write_file_atomic(o.out, b.s, b.n, 0644, &err))
			r = cli_fail(&err);
		else
			fprintf(stderr, "wrote %s\n", o.out);
	}
	cc_buf_clear(&b);
	win_certs_free(&w);
	return r;
}
