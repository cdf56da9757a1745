/* cmd_import_pfx.c - certchain import-pfx: a PFX's key + certificate into the
 * store's personal certificates, its CA certificates into intermediate/root,
 * by the store's import rules. The whole file is read and checked before
 * anything is written; a wrong password writes nothing. */
#include "cli.h"
#include "cli_store.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"usage: certchain import-pfx [--name N] [--store DIR]\n"
	"           [--password-file F | --password-env VAR] [--json] FILE.pfx\n"
	"\n"
	"Imports a PFX/PKCS#12 file (modern or legacy, from Windows, openssl,\n"
	"GnuTLS, NSS, certchain) into the certificate store: each private key with\n"
	"its certificate into 'personal', CA certificates into 'intermediate'\n"
	"(or 'root' when self-signed). Certificates already there are left as they\n"
	"are.\n"
	"\n"
	"  -n, --name NAME           friendly name of the personal certificate\n"
	"                            (default: the PFX's friendly name)\n"
	"      --store DIR           certificate store (default $CERTCHAIN_STORE,\n"
	"                            else ~/.local/share/certchain)\n"
	"      --password-file F     PFX password: first line of F\n"
	"      --password-env VAR    PFX password: environment variable VAR\n"
#ifdef _WIN32
	"                            (one of the two is needed: the Windows\n"
	"                            build asks on no terminal)\n"
	"      --system              into the Windows certificate stores instead\n"
	"                            (see 'import-pfx --system --help')\n"
#else
	"                            (default: asked on the terminal)\n"
#endif
	"      --json                report what was imported as JSON\n"
	"  -h, --help                this text\n"
	"\n"
	"exit: 0 imported, 2 usage or input error (wrong password, a key without\n"
	"its certificate, an end-entity certificate without its key, ...);\n"
	"nothing is written on error\n";

typedef struct pargs {
	const char *file, *name, *dir, *pwfile, *pwenv;
	int json;
} pargs_t;

static int parse(int argc, char **argv, pargs_t *a)
{
	static const struct option lo[] = {
		{ "name", required_argument, 0, 'n' },
		{ "store", required_argument, 0, 1 },
		{ "password-file", required_argument, 0, 2 },
		{ "password-env", required_argument, 0, 3 },
		{ "json", no_argument, 0, 4 },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "n:h", lo, NULL)) != -1) {
		switch (c) {
		case 'n': a->name = optarg; break;
		case 1: a->dir = optarg; break;
		case 2: a->pwfile = optarg; break;
		case 3: a->pwenv = optarg; break;
		case 4: a->json = 1; break;
		case 'h': fputs(usage_text, stdout); return -1;
		default: return cli_bad_option("import-pfx", argv, lo);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("import-pfx", "expected exactly one FILE");
	a->file = argv[optind];
	return 0;
}

/* What to do with each certificate bag: its key (or NULL) and its name. */
typedef struct plan {
	cc_cert_t *cert;
	EVP_PKEY *key;
	const char *name;
	int kind;
} plan_t;

static int planned(const plan_t *v, size_t n, const cc_cert_t *c)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].cert == c)
			return 1;
	return 0;
}

/* Pairs keys with certificates and applies the store's rules to the rest,
 * before anything is written. */
static int make_plan(const pargs_t *a, const cc_pfx_t *p, plan_t *v, size_t *n)
{
	char cn[256];

	*n = 0;
	for (size_t j = 0; j < p->n; j++) { /* keys first: their certificates */
		const cc_pfx_bag_t *kb = &p->bags[j];
		size_t i = 0;
		if (!kb->key)
			continue;
		while (i < p->n && !(p->bags[i].cert && cc_key_matches(p->bags[i].cert, kb->key)))
			i++;
		if (i == p->n) {
			fprintf(stderr, "certchain: %s: private key #%zu matches no "
					"certificate in the file\n", a->file, j + 1);
			return EXIT_USAGE;
		}
		if (planned(v, *n, p->bags[i].cert))
			continue;
		v[*n].cert = p->bags[i].cert;
		v[*n].key = kb->key;
		v[*n].name = a->name ? a->name : p->bags[i].name ? p->bags[i].name : kb->name;
		v[(*n)++].kind = CC_STORE_PERSONAL;
	}
	for (size_t i = 0; i < p->n; i++) {
		cc_cert_t *c = p->bags[i].cert;
		if (!c || planned(v, *n, c))
			continue;
		if (!cc_cert_is_ca(c)) {
			fprintf(stderr, "certchain: %s: the end-entity certificate '%s' comes "
					"without its private key; the store keeps those "
					"only with their key\n", a->file,
				cc_cert_name(c, 0, cn, sizeof(cn)));
			return EXIT_USAGE;
		}
		v[*n].cert = c;
		v[*n].kind = cc_cert_self_issued(c) ? CC_STORE_ROOT : CC_STORE_INTERMEDIATE;
		(*n)++;
	}
	if (!*n) {
		fprintf(stderr, "certchain: %s: holds no certificate\n", a->file);
		return EXIT_USAGE;
	}
	return 0;
}

/* All or nothing: one lock around every import; when one fails, what this
 * call added before it is removed again (certificates that were already
 * there stay as they were). */
static int apply(const pargs_t *a, cc_store_t *st, const plan_t *v,
		 cc_store_imported_t *res, size_t n)
{
	cc_error_t err, uerr;
	char cn[256];

	cc_error_clear(&err);
	if (cc_store_lock(st, &err))
		return cli_fail(&err);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const unsigned char *der = cc_cert_der(v[i].cert, &len);
		if (!cc_store_import(st, der, len, v[i].key, v[i].name, CC_STORE_AUTO,
				     &res[i], &err))
			continue;
		cc_error_clear(&uerr);
		cli_store_undo(st, res, i, &uerr);
		cc_store_unlock(st);
		fprintf(stderr, "certchain: %s: '%s': %s; %s\n", a->file,
			cc_cert_name(v[i].cert, 0, cn, sizeof(cn)), err.msg,
			uerr.code ? "undoing the import failed too, see 'certchain store list'"
				  : "nothing imported");
		return EXIT_USAGE;
	}
	cc_store_unlock(st);
	return 0;
}

static void report(const pargs_t *a, cc_store_t *st, const plan_t *v,
		   const cc_store_imported_t *res, size_t n)
{
	cc_buf_t b = { 0 };
	char cn[256];
	json_t *arr = a->json ? json_array() : NULL, *j;

	for (size_t i = 0; i < n; i++) {
		const cc_store_imported_t *r = &res[i];
		/* A certificate already there keeps its name: say only what was set. */
		const char *name = r->added ? v[i].name : NULL;
		cc_cert_name(v[i].cert, 0, cn, sizeof(cn));
		if (a->json) {
			j = json_pack("{s:s,s:s,s:b,s:b,s:o,s:o}", "sha256", r->sha256,
				      "store", cc_store_kind_name(r->kind), "added", r->added,
				      "with_key", v[i].key != NULL,
				      "friendly_name", name ? cc_json_str(name) : json_null(),
				      "subject_cn", cc_json_str(cn));
			if (arr && json_array_append_new(arr, j)) {
				json_decref(arr);
				arr = NULL;
			}
		} else {
			cc_buf_printf(&b, "%s %s: %s%s%s%s (sha256 %.16s)\n",
				      r->added ? "added to" : "already in",
				      cc_store_kind_name(r->kind), cn,
				      v[i].key ? " with its private key" : "",
				      name ? ", friendly name " : "", name ? name : "",
				      r->sha256);
		}
	}
	if (a->json) {
		j = json_pack("{s:o,s:o}", "store", cc_json_str(cc_store_dir(st)), "imported", arr);
		cli_json_line(&b, j);
	}
	cli_flush_report(&b, a->json);
}

static int run(const pargs_t *a)
{
	size_t n = 0;
	cc_pfx_t *p = NULL;
	cc_store_t *st = NULL;
	plan_t *v = NULL;
	cc_store_imported_t *res = NULL;
	cc_error_t err;
	int rc = EXIT_USAGE;

	cc_error_clear(&err);
	if (cli_read_contents("import-pfx", a->file, a->pwfile, a->pwenv, 1, &p))
		return EXIT_USAGE;
	if (!(v = calloc(p->n ? p->n : 1, sizeof(*v))) ||
	    !(res = calloc(p->n ? p->n : 1, sizeof(*res)))) {
		fprintf(stderr, "certchain: out of memory\n");
		goto out;
	}
	if ((rc = make_plan(a, p, v, &n)))
		goto out;
	rc = EXIT_USAGE;
	if (cc_store_open(a->dir, &st, &err)) {
		cli_fail(&err);
		goto out;
	}
	if ((rc = apply(a, st, v, res, n)))
		goto out;
	report(a, st, v, res, n);
out:
	cc_store_close(st);
	free(res);
	free(v);
	cc_pfx_free(p);
	return rc;
}

int cmd_import_pfx(int argc, char **argv)
{
	pargs_t a = { 0 };
	int rc = parse(argc, argv, &a);

	if (rc < 0)
		return EXIT_OK; /* --help */
	return rc ? rc : run(&a);
}
