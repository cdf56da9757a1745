/*
 * cmd_winpfx.c - import-pfx --system (a PFX into the Windows stores) and
 * --system for build/explain/verify/check/fix/export (the portable command
 * run on a snapshot of the machine's stores).
 */
#include "win.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

int cc_posix_main(int argc, char **argv);

/* "RSA 2048", "EC P-256", ... of the PFX's first key; "none" without. */
static const char *key_of(const cc_pfx_t *p, char *buf, size_t n)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->bags[i].key)
			return cc_key_desc(p->bags[i].key, buf, n);
	snprintf(buf, n, "none");
	return buf;
}

int win_cmd_import_pfx(int argc, char **argv, int machine)
{
	static const struct option lo[] = {
		{ "name", required_argument, 0, 'n' },
		{ "password-file", required_argument, 0, 1 },
		{ "password-env", required_argument, 0, 2 },
		{ "store-name", required_argument, 0, 3 },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	const char *name = NULL, *pwf = NULL, *pwe = NULL;
	unsigned char *pfx = NULL;
	size_t len = 0;
	char *pass = NULL, msg[300];
	ws_list_t done = { 0 };
	cc_error_t rerr;
	cc_pfx_t *parsed = NULL;
	char kd[64];
	int c, r, kf = WS_MY;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "n:h", lo, NULL)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 1: pwf = optarg; break;
		case 2: pwe = optarg; break;
		case 3:
			kf = ws_folder_parse(optarg);
			if (kf != WS_MY && kf != WS_WEBHOSTING)
				return cli_usage_error("import-pfx", "--store-name: '%s' is not My or "
						       "WebHosting", optarg);
			break;
		case 'h':
			printf("usage: certchain import-pfx --system [--machine|--user] [--name NAME]\n"
			       "         [--store-name My|WebHosting]\n"
			       "         [--password-file F | --password-env VAR] FILE.pfx\n\n"
			       "Imports the PFX into the Windows stores: the certificate with its\n"
			       "key into My (friendly name NAME; the key stored exportable), self-\n"
			       "signed CA certificates into Root, the other CAs into CA. A\n"
			       "certificate already there is left as it is, with its friendly name\n"
			       "and disabled purposes ('already in CA'); only new ones are added\n"
			       "('store --system rename' renames one). --machine (the default):\n"
			       "LocalMachine's stores; --user: CurrentUser's. --store-name\n"
			       "WebHosting: the certificate with its key into IIS's Web Hosting\n"
			       "store instead of My.\n"
			       "The password comes from --password-file or --password-env only\n"
			       "(the Windows build asks on no terminal).\n"
			       "exit: 0 imported, 2 usage or input error (wrong password, ...)\n");
			return EXIT_OK;
		default: return cli_bad_option("import-pfx", argv, lo);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("import-pfx", "give one FILE.pfx");
	cc_error_clear(&rerr);
	if (cc_file_read(argv[optind], &pfx, &len, &rerr))
		return cli_fail(&rerr);
	if ((r = cli_password("import-pfx", pwf, pwe, argv[optind], 0, &pass))) {
		cc_file_free(pfx, len);
		return r;
	}
	/* OpenSSL reads it first: a wrong password or a file that is no PFX
	 * is said as on Linux, and a PFX Windows refuses names its key. */
	if (cc_pfx_read(pfx, len, argv[optind], pass, &parsed, &rerr)) {
		r = cli_fail(&rerr);
	} else if (ws_import_pfx(machine, pfx, len, pass, name, kf, &done, msg, sizeof(msg))) {
		fprintf(stderr, "certchain: %s: the Windows stores cannot take this PFX (its "
				"key: %s): %s\n", argv[optind], key_of(parsed, kd, sizeof(kd)), msg);
		r = EXIT_USAGE;
	}
	cc_pfx_free(parsed);
	for (size_t i = 0; i < done.n; i++) {
		cc_pool_t *p = cc_pool_new();
		cc_cert_t *x = NULL;
		cc_error_t err;
		char cn[256] = "?";
		if (p && !cc_pool_add_der(p, done.v[i].der, done.v[i].len, NULL, &x, NULL, &err))
			cc_cert_name(x, 0, cn, sizeof(cn));
		ws_entry_t *e = &done.v[i];
		if (e->added == 1)
			printf("imported into %s: %s%s\n", ws_folder_name(e->folder), cn,
			       e->has_key ? " (with its private key)" : "");
		else if (e->added == 2)
			printf("already in %s: %s; its private key linked from the PFX, "
			       "otherwise left as it was%s\n", ws_folder_name(e->folder), cn,
			       name && strcmp(name, e->name) ? " (its name kept)" : "");
		else if (e->folder == kf && name && strcmp(name, e->name))
			printf("already in %s: %s; left as it was, its name %s%s%s kept "
			       "('store --system rename SELECTOR NAME' changes it)\n",
			       ws_folder_name(e->folder), cn, *e->name ? "\"" : "",
			       *e->name ? e->name : "(none)", *e->name ? "\"" : "");
		else
			printf("already in %s: %s; left as it was\n", ws_folder_name(e->folder), cn);
		cc_pool_free(p);
	}
	ws_list_free(&done);
	cli_password_free(pass);
	cc_file_free(pfx, len);
	return r;
}

int win_with_snapshot(int argc, char **argv, int machine)
{
	char dir[600], sha[65], prof[700];
	char **av = calloc((size_t)argc + 3, sizeof(*av));
	win_certs_t w = { 0 };
	win_cert_t *key_of = NULL;
	int r = 0, pm = 0;

	if (!av)
		return EXIT_USAGE;
	/* export SELECTOR --system: the key comes from My. */
	if (!strcmp(argv[1], "export") && argc > 2 && argv[2][0] != '-') {
		if (!(r = win_certs_read(machine, 1u << WS_MY, &w)) &&
		    !(r = win_select("export", &w, argv[2], &key_of)) && !key_of->e->has_key) {
			fprintf(stderr, "certchain export: %s (%s) has no private key in My\n",
				key_of->cn, key_of->sha1);
			r = EXIT_USAGE;
		}
	}
	/* -p machine: the machine's own enabled roots as that one profile. */
	for (int i = 2; i + 1 < argc; i++)
		if ((!strcmp(argv[i], "-p") || !strcmp(argv[i], "--profile")) &&
		    !strcmp(argv[i + 1], "machine"))
			pm = 1;
	if (!r)
		r = win_snapshot(machine, key_of, !pm, dir, sizeof(dir));
	if (!r) {
		memcpy(av, argv, (size_t)argc * sizeof(*av));
		snprintf(prof, sizeof(prof), "machine=%s/%s", dir, WIN_MACHINE_PEM);
		for (int i = 2; i + 1 < argc; i++)
			if ((!strcmp(av[i], "-p") || !strcmp(av[i], "--profile")) &&
			    !strcmp(av[i + 1], "machine"))
				av[i + 1] = prof;
		if (key_of) {
			snprintf(sha, sizeof(sha), "%s", key_of->sha256);
			av[2] = sha;
		}
		av[argc] = "--store";
		av[argc + 1] = dir;
		r = cc_posix_main(argc + 2, av);
		win_snapshot_remove(dir);
	}
	win_certs_free(&w);
	free(av);
	return r;
}
