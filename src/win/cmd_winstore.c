/*
 * cmd_winstore.c - certchain store --system: the Windows certificate
 * stores (Root, CA, My of the local machine or the current user) listed
 * and changed through crypt32; import-pfx --system; and --system for the
 * judging commands (a snapshot of the stores, see win_snapshot.c).
 */
#include "win.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"usage: certchain store --system [--machine|--user] COMMAND [OPTIONS] [ARGS]\n"
	"\n"
	"The Windows certificate stores, as certlm.msc (--machine, the default)\n"
	"or certmgr.msc (--user) show them: Root (Trusted Root Certification\n"
	"Authorities), CA (Intermediate Certification Authorities), My\n"
	"(Personal). --machine works on LocalMachine\\* only, --user on\n"
	"CurrentUser\\* only (not the machine's certificates Windows also shows\n"
	"there). Changes are written to the registry store and persist.\n"
	"\n"
	"commands:\n"
	"  list                        the certificates of Root, CA and My\n"
	"  import FILE [--folder F] [--name NAME]\n"
	"                              add FILE's certificates: self-signed CA ->\n"
	"                              Root, other CA -> CA (keys: import-pfx --system);\n"
	"                              one already there is left as it is, with its\n"
	"                              name and disabled purposes ('already in CA')\n"
	"  show SELECTOR               one certificate in detail\n"
	"  rename SELECTOR NAME        set its friendly name (\"\" removes it)\n"
	"  remove SELECTOR             delete it from its folder\n"
	"  disable SELECTOR            'Disable all purposes for this certificate'\n"
	"                              (an empty enhanced-key-usage property)\n"
	"  enable SELECTOR             remove that property again\n"
	"  export SELECTOR -o OUT [...]  a My certificate with its key and the\n"
	"                              chosen chain as PFX: 'certchain export\n"
	"                              SELECTOR --system ...' (see export --help)\n"
	"\n"
	"options:\n"
	"      --folder F     Root, CA, My or WebHosting: where to import, or the\n"
	"                     only folder to list / select in\n"
	"      --name NAME    friendly name (CERT_FRIENDLY_NAME_PROP_ID) of the\n"
	"                     certificates import adds\n"
	"      --json         one JSON object on stdout\n"
	"  -h, --help         this text\n"
	"\n"
	"SELECTOR: CN=NAME, a subject DN, a friendly name, or >= 8 hex digits of\n"
	"the SHA-1 thumbprint (as Windows shows it) or of the SHA-256.\n"
	"exit: 0 ok, 1 nothing matches SELECTOR, 2 usage or input error\n";

typedef struct opts {
	int machine, json, folder;
	const char *name;
} opts_t;

static void entry_text(cc_buf_t *b, int machine, const win_cert_t *x)
{
	char loc[32];

	cc_buf_printf(b, "%-17s  %s  %s%s%s%s%s%s\n",
		      win_location(machine, x->e->folder, loc, sizeof(loc)), x->sha1, x->cn,
		      x->e->name[0] ? "  \"" : "", x->e->name, x->e->name[0] ? "\"" : "",
		      x->e->disabled ? "  [disabled]" : "", x->e->has_key ? "  [key]" : "");
}

/* One certificate of a system store as a new JSON object (NULL when out of
 * memory); names from the store through cc_json_str. */
static json_t *entry_json(int machine, const win_cert_t *x)
{
	char loc[32];

	return json_pack("{s:s,s:o,s:s,s:s,s:o,s:o,s:b,s:b}",
			 "folder", ws_folder_name(x->e->folder),
			 "store", cc_json_str(win_location(machine, x->e->folder, loc, sizeof(loc))),
			 "sha1", x->sha1, "sha256", x->sha256, "subject", cc_json_str(x->cn),
			 "name", cc_json_str(x->e->name), "disabled", x->e->disabled,
			 "has_key", x->e->has_key);
}

static int do_list(const opts_t *o)
{
	win_certs_t w;
	cc_buf_t b = { 0 };
	json_t *arr = NULL;
	unsigned mask = o->folder >= 0 ? 1u << o->folder : 7u;
	int r = win_certs_read(o->machine, mask, &w);

	if (r)
		return r;
	if (o->json)
		arr = json_array();
	for (size_t i = 0; i < w.n; i++) {
		if (!o->json) {
			entry_text(&b, o->machine, &w.v[i]);
		} else if (arr && json_array_append_new(arr, entry_json(o->machine, &w.v[i]))) {
			json_decref(arr);
			arr = NULL; /* out of memory: no document */
		}
	}
	if (o->json)
		cli_json_line(&b, json_pack("{s:s,s:o}", "location", o->machine ? "machine" : "user",
				       "certificates", arr));
	else
		cc_buf_printf(&b, "%zu certificates (%s stores)\n", w.n,
			      o->machine ? "local machine" : "current user");
	cli_flush_report(&b, o->json);
	win_certs_free(&w);
	return EXIT_OK;
}

static int do_import(const opts_t *o, const char *file)
{
	cc_pool_t *p = cc_pool_new();
	cc_certlist_t order = { 0 };
	char msg[300];
	int r = p ? cli_load(p, file, 0, &order) : EXIT_USAGE;

	/* Every certificate is checked before any is written. */
	for (size_t i = 0; !r && i < order.n; i++)
		if (o->folder < 0 && !cc_cert_is_ca(order.v[i]))
			r = cli_usage_error("store", "%s: an end-entity certificate goes to My "
					    "with its key: use 'import-pfx --system'", file);
	for (size_t i = 0; !r && i < order.n; i++) {
		cc_cert_t *c = order.v[i];
		int f = o->folder >= 0 ? o->folder : cc_cert_self_issued(c) ? WS_ROOT : WS_CA, added = 0;
		size_t len;
		const unsigned char *der = cc_cert_der(c, &len);
		char cn[256], hex[65], have[256];

		if (ws_add(o->machine, f, der, len, o->name, &added, have, sizeof(have), msg,
			   sizeof(msg))) {
			fprintf(stderr, "certchain store: %s: %s\n", file, msg);
			r = EXIT_USAGE;
			break;
		}
		cc_cert_sha256_hex(c, hex);
		printf("%s %s: %s (sha256 %.16s)", added ? "imported into" : "already in",
		       ws_folder_name(f), cc_cert_name(c, 0, cn, sizeof(cn)), hex);
		/* What the admin set on it stays; a new name is an explicit rename. */
		if (!added && o->name && strcmp(o->name, have))
			printf("; left as it was, its name %s%s%s kept ('store --system rename "
			       "SELECTOR NAME' changes it)", *have ? "\"" : "", *have ? have : "(none)",
			       *have ? "\"" : "");
		else if (!added)
			printf("; left as it was");
		printf("\n");
	}
	cc_certlist_clear(&order);
	cc_pool_free(p);
	return r;
}

static int do_show(const opts_t *o, win_cert_t *x)
{
	cc_buf_t b = { 0 };
	char s[1024];

	if (o->json) {
		cli_json_line(&b, entry_json(o->machine, x));
		cli_flush(&b);
		return EXIT_OK;
	}
	cc_buf_printf(&b, "store:       %s\n", win_location(o->machine, x->e->folder, s, sizeof(s)));
	cc_buf_printf(&b, "subject:     %s\n", cc_cert_dn(x->c, 0, s, sizeof(s)));
	cc_buf_printf(&b, "issuer:      %s\n", cc_cert_dn(x->c, 1, s, sizeof(s)));
	cc_buf_printf(&b, "key:         %s\n", cc_cert_key_desc(x->c, s, sizeof(s)));
	cc_buf_printf(&b, "thumbprint:  %s (SHA-1)\nsha256:      %s\n", x->sha1, x->sha256);
	cc_buf_printf(&b, "name:        %s\n", x->e->name[0] ? x->e->name : "(none)");
	cc_buf_printf(&b, "purposes:    %s\n", x->e->disabled ? "disabled (no server authentication)" : "enabled");
	cc_buf_printf(&b, "private key: %s\n", x->e->has_key ? "yes" : "no");
	cli_flush_text(&b);
	return EXIT_OK;
}

/* remove / disable / enable one selected certificate, then read it back. */
static int do_change(const char *what, const opts_t *o, win_cert_t *x)
{
	char msg[300];
	int f = x->e->folder, r;

	if (!strcmp(what, "remove"))
		r = ws_remove(o->machine, f, x->e->der, x->e->len, msg, sizeof(msg));
	else if (!strcmp(what, "rename"))
		r = ws_set_name(o->machine, f, x->e->der, x->e->len, o->name, msg, sizeof(msg));
	else
		r = ws_set_disabled(o->machine, f, x->e->der, x->e->len, !strcmp(what, "disable"),
				    msg, sizeof(msg));
	if (r < 0) {
		fprintf(stderr, "certchain store: %s: %s\n", x->cn, msg);
		return EXIT_USAGE;
	}
	if (r > 0) {
		/* Seen in the logical store but not in its registry part (group
		 * policy, a third-party root Windows downloads on demand). */
		fprintf(stderr, "certchain store: %s is in %s but not in its registry store; "
				"change it where it comes from (group policy)\n", x->cn,
			ws_folder_name(f));
		return EXIT_USAGE;
	}
	if (!strcmp(what, "rename"))
		printf("renamed in %s: %s (%s): %s%s%s\n", ws_folder_name(f), x->cn, x->sha1,
		       *o->name ? "\"" : "", *o->name ? o->name : "(no name)", *o->name ? "\"" : "");
	else
		printf("%s %s: %s (%s)\n", !strcmp(what, "remove") ? "removed from" :
			!strcmp(what, "disable") ? "disabled in" : "enabled in",
		       ws_folder_name(f), x->cn, x->sha1);
	return EXIT_OK;
}

static int parse(int argc, char **argv, opts_t *o, int *first)
{
	static const struct option lo[] = {
		{ "folder", required_argument, 0, 1 }, { "name", required_argument, 0, 2 },
		{ "json", no_argument, 0, 3 },         { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 1:
			if ((o->folder = ws_folder_parse(optarg)) < 0)
				return cli_usage_error("store", "--folder: '%s' is not Root, CA, "
						       "My or WebHosting", optarg);
			break;
		case 2: o->name = optarg; break;
		case 3: o->json = 1; break;
		case 'h': fputs(usage_text, stdout); return -1;
		default: return cli_bad_option("store", argv, lo);
		}
	}
	*first = optind;
	return 0;
}

int win_cmd_store(int argc, char **argv, int machine)
{
	opts_t o = { machine, 0, -1, NULL };
	win_certs_t w;
	win_cert_t *x;
	const char *cmd;
	int i = 0, r;

	if ((r = parse(argc, argv, &o, &i)))
		return r < 0 ? EXIT_OK : r;
	if (i >= argc)
		return cli_usage_error("store", "--system needs a command (list, import, "
				       "show, rename, remove, disable, enable, export)");
	cmd = argv[i++];
	if (!strcmp(cmd, "list"))
		return i == argc ? do_list(&o) : cli_usage_error("store", "list takes no argument");
	if (!strcmp(cmd, "import"))
		return i + 1 == argc ? do_import(&o, argv[i])
				     : cli_usage_error("store", "import takes one FILE");
	if (!strcmp(cmd, "rename")) {
		if (i + 2 != argc)
			return cli_usage_error("store", "rename takes SELECTOR NAME (\"\" removes "
					       "the name)");
		o.name = argv[i + 1];
		argc--;
	} else if (strcmp(cmd, "show") && strcmp(cmd, "remove") && strcmp(cmd, "disable") &&
		   strcmp(cmd, "enable"))
		return cli_usage_error("store", "--system: unknown command '%s' (export: "
				       "'certchain export SELECTOR --system')", cmd);
	if (i + 1 != argc)
		return cli_usage_error("store", "%s takes one SELECTOR", cmd);
	if ((r = win_certs_read(machine, o.folder >= 0 ? 1u << o.folder : 7u, &w)))
		return r;
	if (!(r = win_select("store", &w, argv[i], &x)))
		r = !strcmp(cmd, "show") ? do_show(&o, x) : do_change(cmd, &o, x);
	win_certs_free(&w);
	return r;
}
