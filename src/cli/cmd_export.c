/* cmd_export.c - certchain export: key + certificate + the chosen chain as a
 * PFX (modern or legacy) or as PEM for nginx/HAProxy. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

static const char usage_text[] =
	"usage: certchain export --cert FILE --key FILE [OPTIONS] -o OUT\n"
	"       certchain export SELECTOR [OPTIONS] -o OUT\n"
	"\n"
	"Writes the private key, the certificate and the chain certchain chooses\n"
	"(the same search and ranking as 'build', store included) as a\n"
	"password-protected PFX, or as PEM for nginx/HAProxy. SELECTOR picks a\n"
	"certificate with its key from the store's personal certificates (CN=...,\n"
	"a friendly name, or >= 8 hex digits of the SHA-256).\n"
	"\n"
	"  -c, --cert FILE               the certificate (first in FILE; further\n"
	"                                certificates in FILE join the pool)\n"
	"  -k, --key FILE                its private key (PEM or DER, unencrypted)\n"
	CLI_CLIENT_USAGE
	"      --chain FILE              ship exactly these certificates as the chain\n"
	"      --no-chain                ship no chain, only the certificate\n"
	"  -n, --name NAME               friendly name (default: the store's friendly\n"
	"                                name, else the certificate's CN)\n"
	"  -o, --output FILE             where to write (.pfx/.p12: PFX; .pem/.crt:\n"
	"                                pem-fullchain)\n"
	"      --format F                pfx | pem-fullchain (certificate + chain) |\n"
	"                                pem-bundle-with-key (certificate + chain +\n"
	"                                key, for HAProxy; written 0600)\n"
	"      --compat modern|legacy    PFX encryption: modern (default) AES-256-CBC,\n"
	"                                PBKDF2-HMAC-SHA256, SHA-256 MAC; legacy\n"
	"                                3DES + SHA-1 MAC for Windows Server <= 2016\n"
	"                                and old Java\n"
	"      --no-encrypt-certs        leave the PFX's certificates unencrypted\n"
	"      --iter N                  PBKDF/MAC iterations (default 2048)\n"
	"      --password-file F         PFX password: first line of F\n"
	"      --password-env VAR        PFX password: environment variable VAR\n"
#ifdef _WIN32
	"                                (one of the two is needed: the Windows\n"
	"                                build asks on no terminal)\n"
	"      --system                  a certificate with its key from My of the\n"
	"                                Windows stores, judged with the machine's\n"
	"                                Root and CA ([--machine|--user])\n"
#else
	"                                (default: asked twice on the terminal)\n"
#endif
	"      --json                    report what was written as JSON\n"
	CLI_AIA_USAGE
	"  -h, --help                    this text\n"
	"\n"
	"The key is never printed. PFX and key-bearing files are written 0600.\n"
	"exit: 0 written, 1 no valid chain to a trust anchor or no such certificate\n"
	"in the store, 2 usage or input error (key does not match, ambiguous\n"
	"selector, unreadable file, ...)\n";

enum fmt { FMT_AUTO, FMT_PFX, FMT_FULLCHAIN, FMT_BUNDLE_KEY };

typedef struct eargs {
	cli_client_t cl; /* -I -r -p --store --no-store --at --policy --host */
	const char *cert, *key, *chain, *name, *out, *pwfile, *pwenv, *sel;
	int no_chain, json, fmt;
	cc_pfx_opts_t pfx;
	cli_aia_t aia;
} eargs_t;

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcasecmp(s + a - b, suf);
}

static int parse_format(const char *s, int *fmt)
{
	if (!strcmp(s, "pfx") || !strcmp(s, "p12"))
		*fmt = FMT_PFX;
	else if (!strcmp(s, "pem-fullchain"))
		*fmt = FMT_FULLCHAIN;
	else if (!strcmp(s, "pem-bundle-with-key"))
		*fmt = FMT_BUNDLE_KEY;
	else
		return cli_usage_error("export", "--format: '%s' is not pfx, "
						  "pem-fullchain or pem-bundle-with-key", s);
	return 0;
}

static int parse(int argc, char **argv, eargs_t *a)
{
	static const struct option lo[] = {
		{ "cert", required_argument, 0, 'c' },
		{ "key", required_argument, 0, 'k' },
		{ "chain", required_argument, 0, 1 },
		{ "no-chain", no_argument, 0, 2 },
		{ "name", required_argument, 0, 'n' },
		{ "output", required_argument, 0, 'o' },
		{ "format", required_argument, 0, 3 },
		{ "compat", required_argument, 0, 4 },
		{ "no-encrypt-certs", no_argument, 0, 5 },
		{ "password-file", required_argument, 0, 6 },
		{ "password-env", required_argument, 0, 7 },
		{ "json", no_argument, 0, 8 },
		{ "iter", required_argument, 0, 10 },
		{ "help", no_argument, 0, 'h' },
		CLI_AIA_LONGOPTS,
		CLI_CLIENT_LONGOPTS,
		{ 0, 0, 0, 0 }
	};
	int c, r;
	char *end;
	long v;

	optind = 1;
	while ((c = getopt_long(argc, argv, CLI_CLIENT_SHORTOPTS "c:k:n:o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'c': a->cert = optarg; break;
		case 'k': a->key = optarg; break;
		case 1: a->chain = optarg; break;
		case 2: a->no_chain = 1; break;
		case 'n': a->name = optarg; break;
		case 'o':
			if (cli_out_arg("export", "-o", optarg))
				return EXIT_USAGE;
			a->out = optarg;
			break;
		case 3:
			if (parse_format(optarg, &a->fmt))
				return EXIT_USAGE;
			break;
		case 4:
			if (!strcmp(optarg, "modern"))
				a->pfx.compat = CC_PFX_MODERN;
			else if (!strcmp(optarg, "legacy"))
				a->pfx.compat = CC_PFX_LEGACY;
			else
				return cli_usage_error("export", "--compat: '%s' is not "
								 "modern or legacy", optarg);
			break;
		case 5: a->pfx.no_encrypt_certs = 1; break;
		case 6: a->pwfile = optarg; break;
		case 7: a->pwenv = optarg; break;
		case 8: a->json = 1; break;
		case 10:
			v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > CC_PFX_MAX_ITER)
				return cli_usage_error("export", "--iter: '%s' is not a "
								 "number from 1 to %d", optarg,
						       CC_PFX_MAX_ITER);
			a->pfx.iter = (int)v;
			break;
		case 'h': fputs(usage_text, stdout); return -1;
		case CLI_AIA_ON: case CLI_AIA_OFF: case CLI_AIA_CACHE:
		case CLI_AIA_OFFLINE: case CLI_AIA_TIMEOUT: case CLI_AIA_FETCHES:
		case CLI_AIA_LOCAL:
			if (cli_aia_option("export", c, optarg, &a->aia))
				return EXIT_USAGE;
			break;
		default:
			if ((r = cli_client_opt("export", &a->cl, c, optarg)) < 0)
				return cli_bad_option("export", argv, lo);
			if (r)
				return r;
		}
	}
	if (optind + 1 < argc)
		return cli_usage_error("export", "unexpected argument '%s'", argv[optind + 1]);
	if (optind < argc)
		a->sel = argv[optind];
	if (a->sel && (a->cert || a->key))
		return cli_usage_error("export", "give a SELECTOR or --cert/--key, not both");
	if (a->sel && a->cl.store.no_store)
		return cli_usage_error("export", "a SELECTOR needs the store (drop --no-store)");
	if (!a->sel && (!a->cert || !a->key))
		return cli_usage_error("export", "give a SELECTOR, or --cert and --key");
	if (!a->out)
		return cli_usage_error("export", "-o/--output is required");
	if (a->chain && a->no_chain)
		return cli_usage_error("export", "--chain and --no-chain exclude each other");
	if (a->fmt == FMT_AUTO)
		a->fmt = ends_with(a->out, ".pem") || ends_with(a->out, ".crt")
				 ? FMT_FULLCHAIN : FMT_PFX;
	return 0;
}

/* --chain FILE: exactly those certificates (the leaf is dropped if repeated). */
static int forced_chain(const eargs_t *a, cc_pool_t *pool, cc_cert_t *leaf,
			cc_certlist_t *chain)
{
	cc_certlist_t order = { 0 };
	char cn[256];

	if (cli_load(pool, a->chain, 0, &order))
		return EXIT_USAGE;
	for (size_t i = 0; i < order.n; i++)
		if (order.v[i] != leaf && cc_certlist_push(chain, order.v[i])) {
			cc_certlist_clear(&order);
			return EXIT_USAGE;
		}
	cc_certlist_clear(&order);
	/* Forced means forced, but say so when it cannot link up. */
	for (size_t i = 0; i < chain->n; i++) {
		cc_cert_t *child = i ? chain->v[i - 1] : leaf;
		char want[256];
		cc_cert_name(child, 1, want, sizeof(want));
		if (strcmp(want, cc_cert_name(chain->v[i], 0, cn, sizeof(cn))))
			fprintf(stderr, "certchain export: warning: %s: certificate %zu "
					"('%s') is not the issuer of '%s' (issued by '%s')\n",
				a->chain, i + 1, cn, cc_cert_name(child, 0, want, sizeof(want)),
				cc_cert_name(child, 1, cn, sizeof(cn)));
	}
	return 0;
}

/* The chain to ship: forced, none, or chosen like 'build' (the store's
 * certificates joining as there, then cc_chain_choose). leafs->v[0] is the
 * certificate; it is re-pointed when the store rebuilds *pp. */
/* --aia: completes pool; what was fetched goes to stderr as notes. */
static int aia_notes(const eargs_t *a, cc_cert_t *leaf, cc_pool_t *pool,
		     cc_profiles_t *profs)
{
	cli_aia_t aia = a->aia;
	cc_aia_result_t res = { 0 };
	cc_buf_t b = { 0 };
	int rc = cli_aia_run("export", &aia, leaf, pool, cc_profiles_pool(profs),
			     a->cl.at, &res);

	cli_aia_text(&b, &res);
	if (b.s)
		fputs(b.s, stderr);
	cc_buf_clear(&b);
	cc_aia_result_clear(&res);
	return rc;
}

static int choose(const eargs_t *a, cc_pool_t **pp, cc_certlist_t *leafs,
		  cc_certlist_t *chain)
{
	cc_pool_t *anchors = NULL, *pool = *pp;
	cc_profiles_t *profs;
	cc_cert_t *leaf = leafs->v[0];
	cc_certlist_t full = { 0 };
	cc_build_opts_t bo = { 0 };
	cc_buf_t note = { 0 };
	cc_error_t err;
	int rc = EXIT_USAGE, r;

	if (a->no_chain)
		return 0;
	if (a->chain)
		return forced_chain(a, pool, leaf, chain);
	if (!(profs = cc_profiles_new()))
		return EXIT_USAGE;
	cc_error_clear(&err);
	for (size_t i = 0; i < a->cl.ninter; i++)
		if (cli_load(pool, a->cl.inter[i], 0, NULL))
			goto out;
	/* Trust exactly as 'build' sets it up: profiles, (AIA,) then the store's. */
	if (cli_profiles(profs, a->cl.specs, a->cl.nspecs, a->cl.roots, a->cl.nroots) ||
	    aia_notes(a, leaf, pool, profs) ||
	    cli_store_profile(&a->cl.store, profs, pp, leafs, &anchors))
		goto out;
	pool = *pp;
	leaf = leafs->v[0];
	cli_policy_apply(profs, a->cl.policy);
	bo.at = a->cl.at ? a->cl.at : time(NULL);
	bo.host = a->cl.host;
	bo.policy = a->cl.policy;
	r = cc_chain_choose_noted(&bo, leaf, pool, anchors, profs, &full, &note, &err);
	if (r == CC_ENOTFOUND) {
		rc = cli_no_chain("export", leaf, pool, anchors ? anchors
								: cc_profiles_pool(profs), &err);
		goto out;
	}
	if (r) {
		cli_fail(&err);
		goto out;
	}
	cli_twin_note("export", &note);
	rc = 0;
	/* The anchor pools die here: keep only certificates the pool owns. */
	for (size_t i = 1; !rc && i < full.n; i++) {
		cc_cert_t *c = full.v[i], *own = cc_pool_find_sha256(pool, cc_cert_sha256(c));
		size_t len;
		const unsigned char *der = cc_cert_der(c, &len);
		if (!own && cc_pool_add_der(pool, der, len, cc_cert_source(c), &own, NULL, &err))
			rc = cli_fail(&err);
		else if (cc_certlist_push(chain, own))
			rc = EXIT_USAGE;
	}
out:
	cc_buf_clear(&note);
	cc_certlist_clear(&full);
	cc_pool_free(anchors);
	cc_profiles_free(profs);
	return rc;
}

static int write_pem(const eargs_t *a, EVP_PKEY *key, cc_cert_t *leaf,
		     const cc_certlist_t *chain)
{
	cc_buf_t b = { 0 };
	cc_error_t err;
	int r = 0, with_key = a->fmt == FMT_BUNDLE_KEY;

	cc_error_clear(&err);
	cli_pem(&b, leaf);
	for (size_t i = 0; i < chain->n; i++)
		cli_pem(&b, chain->v[i]);
	if (with_key)
		r = cc_key_pem(key, &b, &err);
	if (!r && b.oom) {
		cc_buf_clear(&b);
		fprintf(stderr, "certchain: %s: out of memory\n", a->out);
		return EXIT_USAGE;
	}
	if (!r)
		r = cc_write_file_atomic(a->out, b.s, b.n, with_key ? 0600 : 0644, &err);
	if (b.s)
		OPENSSL_cleanse(b.s, b.n);
	cc_buf_clear(&b);
	return r ? cli_fail(&err) : 0;
}

static int write_pfx(eargs_t *a, EVP_PKEY *key, cc_cert_t *leaf,
		     const cc_certlist_t *chain)
{
	unsigned char *der = NULL;
	size_t len = 0;
	char *pass = NULL;
	cc_error_t err;
	int r;

	cc_error_clear(&err);
	if (cli_password("export", a->pwfile, a->pwenv, a->out, 1, &pass))
		return EXIT_USAGE;
	r = cc_pfx_write(&a->pfx, pass, key, leaf, chain->v, chain->n, &der, &len, &err);
	cli_password_free(pass);
	if (!r)
		r = cc_write_file_atomic(a->out, der, len, 0600, &err);
	OPENSSL_free(der);
	return r ? cli_fail(&err) : 0;
}

static const char *fmt_desc(const eargs_t *a)
{
	if (a->fmt == FMT_FULLCHAIN)
		return "PEM certificate + chain";
	if (a->fmt == FMT_BUNDLE_KEY)
		return "PEM certificate + chain + private key";
	if (a->pfx.compat == CC_PFX_LEGACY)
		return a->pfx.no_encrypt_certs ? "PFX legacy: 3DES key, plain certificates, SHA-1 MAC"
					       : "PFX legacy: 3DES, SHA-1 MAC";
	return a->pfx.no_encrypt_certs
		       ? "PFX modern: AES-256-CBC/PBKDF2-SHA256 key, plain certificates, SHA-256 MAC"
		       : "PFX modern: AES-256-CBC/PBKDF2-SHA256, SHA-256 MAC";
}

static void report(const eargs_t *a, EVP_PKEY *key, cc_cert_t *leaf,
		   const cc_certlist_t *chain)
{
	cc_buf_t b = { 0 };
	char kd[64];
	cc_certlist_t all = { 0 };

	cc_certlist_push(&all, leaf);
	for (size_t i = 0; i < chain->n; i++)
		cc_certlist_push(&all, chain->v[i]);
	if (a->json) {
		json_t *certs = json_array(), *j;
		for (size_t i = 0; certs && i < all.n; i++)
			if (json_array_append_new(certs, cc_cert_json(all.v[i]))) {
				json_decref(certs);
				certs = NULL;
			}
		j = json_pack("{s:o,s:s,s:o,s:o,s:o}", "output", cc_json_str(a->out),
			      "format", fmt_desc(a),
			      "friendly_name", a->fmt == FMT_PFX && a->pfx.name
						       ? cc_json_str(a->pfx.name) : json_null(),
			      "key", cc_json_str(a->fmt == FMT_FULLCHAIN
							 ? "" : cc_key_desc(key, kd, sizeof(kd))),
			      "certificates", certs);
		cli_json_line(&b, j);
	} else {
		cc_buf_printf(&b, "wrote %s (%s)\n", a->out, fmt_desc(a));
		if (a->fmt != FMT_FULLCHAIN)
			cc_buf_printf(&b, "  private key: %s\n", cc_key_desc(key, kd, sizeof(kd)));
		if (a->fmt == FMT_PFX && a->pfx.name)
			cc_buf_printf(&b, "  friendly name: %s\n", a->pfx.name);
		cc_buf_printf(&b, "  certificate + %zu chain certificate%s:\n", chain->n,
			      chain->n == 1 ? "" : "s");
		cli_tree(&b, all.v, all.n, all.n, a->cl.at ? a->cl.at : time(NULL));
	}
	cc_certlist_clear(&all);
	cli_flush_report(&b, a->json);
}

/* SELECTOR: a personal certificate of the store, its key and friendly name. */
static int from_store(const eargs_t *a, cc_pool_t *pool, cc_certlist_t *leafs,
		      EVP_PKEY **key, char *name, size_t n)
{
	cc_store_t *st = NULL;
	cc_store_list_t *l = NULL;
	cc_cert_t *c = NULL;
	cc_error_t err;
	const unsigned char *der;
	size_t len;
	int r, rc = EXIT_USAGE;

	cc_error_clear(&err);
	if ((r = cc_store_open(a->cl.store.dir, &st, &err)))
		goto out;
	if ((r = cc_store_select(st, a->sel, CC_STORE_PERSONAL, &l, &err))) {
		if (r == CC_ENOTFOUND)
			rc = EXIT_PROBLEM;
		goto out;
	}
	if ((r = cc_store_key(st, &l->v[0], 0, key, &err)))
		goto out;
	der = cc_cert_der(l->v[0].cert, &len);
	if ((r = cc_pool_add_der(pool, der, len, cc_store_dir(st), &c, NULL, &err)))
		goto out;
	if (cc_certlist_push(leafs, c)) {
		r = CC_ENOMEM;
		snprintf(err.msg, sizeof(err.msg), "out of memory");
		goto out;
	}
	snprintf(name, n, "%s", l->v[0].name);
	rc = 0;
out:
	if (rc)
		cli_fail(&err);
	cc_store_list_free(l);
	cc_store_close(st);
	return rc;
}

static int run(eargs_t *a, cc_pool_t **pp)
{
	cc_certlist_t leafs = { 0 }, chain = { 0 };
	EVP_PKEY *key = NULL;
	cc_error_t err;
	char cn[256], stname[256] = "";
	int rc = EXIT_USAGE;

	cc_error_clear(&err);
	if (a->sel) {
		if ((rc = from_store(a, *pp, &leafs, &key, stname, sizeof(stname))))
			goto out;
		rc = EXIT_USAGE;
	} else if (cli_load(*pp, a->cert, 0, &leafs)) {
		goto out;
	} else if (cc_key_load(a->key, &key, &err)) {
		cli_fail(&err);
		goto out;
	}
	if (!cc_key_matches(leafs.v[0], key)) {
		fprintf(stderr, "certchain: %s: the private key does not match the "
				"certificate '%s' in %s\n", a->sel ? a->sel : a->key,
			cc_cert_name(leafs.v[0], 0, cn, sizeof(cn)),
			a->sel ? "the store" : a->cert);
		goto out;
	}
	if ((rc = choose(a, pp, &leafs, &chain)))
		goto out;
	if (!a->name)
		a->name = stname[0] ? stname : cc_cert_name(leafs.v[0], 0, cn, sizeof(cn));
	a->pfx.name = a->name[0] ? a->name : NULL;
	rc = a->fmt == FMT_PFX ? write_pfx(a, key, leafs.v[0], &chain)
			       : write_pem(a, key, leafs.v[0], &chain);
	if (!rc)
		report(a, key, leafs.v[0], &chain);
out:
	EVP_PKEY_free(key);
	cc_certlist_clear(&chain);
	cc_certlist_clear(&leafs);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	eargs_t a = { 0 };
	cc_pool_t *pool = cc_pool_new();
	int rc = parse(argc, argv, &a);

	if (rc == 0 && !pool) {
		fprintf(stderr, "certchain: out of memory\n");
		rc = EXIT_USAGE;
	} else if (rc == 0) {
		rc = run(&a, &pool);
	} else if (rc < 0) {
		rc = EXIT_OK; /* --help */
	}
	cc_pool_free(pool);
	cli_client_free(&a.cl);
	return rc;
}
