/* store_args.c - the options and usage every 'certchain store' command
 * shares (cmd_store.c and cmd_store_import.c both parse with them). */
#include "cli.h"
#include "cli_store.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

const char cli_store_usage[] =
	"usage: certchain store COMMAND [OPTIONS] [ARGS]\n"
	"\n"
	"A persistent certificate store, like the Windows certificate manager:\n"
	"'intermediate' (CA certificates to build paths through), 'root' (trust\n"
	"anchors) and 'personal' (your certificates with their private keys).\n"
	"Any certificate can be disabled: it is kept but this server never sends\n"
	"it. build, explain, verify, check, export and bind use the store's\n"
	"intermediates and enabled roots unless --no-store, and never send a\n"
	"disabled certificate; client profiles (-p, -r, built-ins) keep it.\n"
	"\n"
	"commands:\n"
	"  list [intermediate|root|personal]  the certificates, by store\n"
	"  import FILE [--to STORE] [--key KEYFILE] [--name NAME]\n"
	"                                     add every certificate of FILE (PEM,\n"
	"                                     DER, PKCS#7); without --to: key ->\n"
	"                                     personal, self-signed CA -> root,\n"
	"                                     other CA -> intermediate; a key\n"
	"                                     inside FILE is used like --key\n"
	"  show SELECTOR                      one certificate in detail\n"
	"  remove SELECTOR                    delete it (and its key)\n"
	"  disable SELECTOR                   keep it, never use it in a path\n"
	"  enable SELECTOR                    undo disable\n"
	"  export SELECTOR -o FILE [--der]    write the certificate (not the key)\n"
	"  rehash                             refresh DIR/root's hashed links for\n"
	"                                     openssl verify -CApath DIR/root\n"
	"\n"
	"options:\n"
	"      --store DIR            the store (default $CERTCHAIN_STORE, else\n"
	"                             ~/.local/share/certchain; root: /var/lib/certchain)\n"
	"      --json                 one JSON object on stdout\n"
	"      --insecure-key-perms   show: accept a group/world-readable key file\n"
#ifdef _WIN32
	"      --system               the Windows certificate stores instead (Root,\n"
	"                             CA, My): see 'store --system --help'\n"
#endif
	"  -h, --help                 this text\n"
	"\n"
	"SELECTOR: CN=NAME, a subject DN, a friendly name, or >= 8 hex digits of\n"
	"the SHA-256 thumbprint; one that matches several certificates is\n"
	"refused with the list of matches.\n"
	"exit: 0 ok (also: already imported / already disabled), 1 nothing\n"
	"matches SELECTOR, 2 usage or input error (bad file, ambiguous selector,\n"
	"missing or wrong private key, unreadable store)\n";

int cli_store_args(int argc, char **argv, cli_store_args_t *a)
{
	static const struct option lo[] = {
		{ "store", required_argument, 0, 1 },
		{ "json", no_argument, 0, 2 },
		{ "to", required_argument, 0, 3 },
		{ "key", required_argument, 0, 4 },
		{ "name", required_argument, 0, 5 },
		{ "output", required_argument, 0, 'o' },
		{ "der", no_argument, 0, 6 },
		{ "insecure-key-perms", no_argument, 0, 7 },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	const char *cmd = argv[0];
	int c;

	optind = 1;
	opterr = 0; /* one line of our own instead of getopt's */
	while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		switch (c) {
		case 1: a->dir = optarg; break;
		case 2: a->json = 1; break;
		case 3:
			a->to = cc_store_kind_parse(optarg);
			if (a->to <= 0)
				return cli_usage_error("store", "--to: '%s' is not "
						       "intermediate, root or personal", optarg);
			break;
		case 4: a->key = optarg; break;
		case 5: a->name = optarg; break;
		case 'o':
			if (cli_out_arg("store", "-o", optarg))
				return EXIT_USAGE;
			a->out = optarg;
			break;
		case 6: a->der = 1; break;
		case 7: a->insecure = 1; break;
		case 'h': fputs(cli_store_usage, stdout); return -1;
		default:
			return cli_usage_error("store", "%s: unknown option or missing "
					       "value '%s'", cmd, argv[optind - 1]);
		}
	}
	if ((a->to || a->key || a->name) && strcmp(cmd, "import"))
		return cli_usage_error("store", "--to, --key and --name go with import");
	if ((a->out || a->der) && strcmp(cmd, "export"))
		return cli_usage_error("store", "-o and --der go with export");
	a->args = argv + optind;
	a->nargs = (size_t)(argc - optind);
	return 0;
}

int cli_store_open(const cli_store_args_t *a, cc_store_t **st)
{
	cc_error_t err;
	cc_error_clear(&err);
	if (cc_store_open(a->dir, st, &err))
		return cli_fail(&err);
	return 0;
}
