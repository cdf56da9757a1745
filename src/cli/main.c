/* main.c - the certchain command: dispatch to one file per subcommand. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>

#include <openssl/crypto.h>

static const struct {
	const char *name;
	cmd_fn fn;
	const char *summary;
} cmds[] = {
	{ "build", cmd_build, "choose and write the chain to serve for a leaf" },
	{ "verify", cmd_verify, "check a chain file exactly as a server would send it" },
	{ "fix", cmd_fix, "complete and repair a chain (store, AIA), write it, say what changed" },
	{ "explain", cmd_explain, "say in plain words which chain to serve and why" },
	{ "profiles", cmd_profiles, "list the trust profiles (client root stores)" },
	{ "check", cmd_check, "check the chain a live TLS server sends, and how to fix it" },
	{ "report", cmd_report, "summary and HTML report of saved check -f --json results" },
	{ "store", cmd_store, "the certificate store: import, list, disable, remove" },
	{ "export", cmd_export, "write key + certificate + chosen chain as PFX or PEM" },
	{ "import-pfx", cmd_import_pfx, "import a PFX's key, certificate and CAs into the store" },
	{ "inspect", cmd_inspect, "show what a cert/PFX/PEM/P7B/key file holds" },
	{ "bind", cmd_bind, "deploy a personal certificate and its chain to a web server site" },
	{ "bindings", cmd_bindings, "list the sites bound on web servers" },
	{ "unbind", cmd_unbind, "remove a site's binding and deployed files" },
	{ "reload", cmd_reload, "check, reload and prove what each bound site serves" },
#ifndef _WIN32
	{ "serve", cmd_serve, "the checker as a web page, JSON API and Prometheus probe" },
#endif
};

static void usage(FILE *f)
{
	fprintf(f, "usage: certchain COMMAND [OPTIONS] ...\n\n"
		   "Builds, checks and repairs TLS certificate chains, above all\n"
		   "chains through a cross-signed certificate.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\n'certchain COMMAND --help' describes each command;\n"
		   "'certchain --version' prints the version.\n"
		   "exit codes: 0 ok, 1 problem found / no valid chain, 2 usage or\n"
		   "input error, 3 connection failure.\n"
		   "Reports wrap to the terminal's width (100 columns when stdout is\n"
		   "not a terminal); COLUMNS=N sets the width. --json, PEM and HTML\n"
		   "output are never wrapped.\n");
}

/* A report that did not reach stdout (a full disk, a closed pipe) is an
 * error, not a success: one line and exit 2 unless the command failed. */
static int stdout_ok(int rc)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return rc;
	fprintf(stderr, "certchain: standard output: %s\n",
		errno ? strerror(errno) : "write error");
	return rc ? rc : EXIT_USAGE;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("certchain %s (%s)\n", CERTCHAIN_VERSION,
		       OpenSSL_version(OPENSSL_VERSION));
		return EXIT_OK;
	}
	opterr = 0; /* a bad option is one line of ours: cli_bad_option() */
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return stdout_ok(cmds[i].fn(argc - 1, argv + 1));
	fprintf(stderr, "certchain: unknown command '%s' (see 'certchain --help')\n",
		argv[1]);
	return EXIT_USAGE;
}
