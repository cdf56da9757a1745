/* pfx_out.c - fix --pfx: the leaf's key (a file or the store's personal
 * entry), a password, and the PFX written 0600. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

/* The store's personal entry for leaf: its key and friendly name. */
static int key_from_store(const char *cmd, cli_pfx_out_t *p, cc_cert_t *leaf)
{
	cc_store_t *st = NULL;
	cc_store_list_t *l = NULL;
	cc_error_t err;
	char fp[65], cn[256];
	int r;

	cc_error_clear(&err);
	cc_cert_sha256_hex(leaf, fp);
	if ((r = cc_store_open(p->store, &st, &err)))
		goto out;
	r = cc_store_select(st, fp, CC_STORE_PERSONAL, &l, &err);
	if (r == CC_ENOTFOUND) {
		fprintf(stderr, "certchain %s: --pfx needs the private key of %s: give "
				"--key FILE or import it into the store's personal "
				"certificates\n", cmd, cc_cert_name(leaf, 0, cn, sizeof(cn)));
		r = 0;
		cc_store_list_free(l);
		cc_store_close(st);
		return EXIT_USAGE;
	}
	if (!r && !(r = cc_store_key(st, &l->v[0], 0, &p->k, &err)))
		snprintf(p->store_name, sizeof(p->store_name), "%s", l->v[0].name);
out:
	cc_store_list_free(l);
	cc_store_close(st);
	return r ? cli_fail(&err) : 0;
}

int cli_pfx_prepare(const char *cmd, cli_pfx_out_t *p, cc_cert_t *leaf)
{
	cc_error_t err;
	char cn[256];

	cc_error_clear(&err);
	if (p->key) {
		if (cc_key_load(p->key, &p->k, &err))
			return cli_fail(&err);
	} else if (p->no_store) {
		return cli_usage_error(cmd, "--pfx needs --key FILE when the store "
					    "is not used");
	} else if (key_from_store(cmd, p, leaf)) {
		return EXIT_USAGE;
	}
	if (!cc_key_matches(leaf, p->k)) {
		fprintf(stderr, "certchain: %s: the private key does not match the "
				"certificate '%s'\n", p->key ? p->key : "the store's key",
			cc_cert_name(leaf, 0, cn, sizeof(cn)));
		return EXIT_USAGE;
	}
	if (!p->o.name)
		p->o.name = p->store_name[0] ? p->store_name
					     : cc_cert_name(leaf, 0, p->cn, sizeof(p->cn));
	return cli_password(cmd, p->pwfile, p->pwenv, p->path, 1, &p->pass);
}

int cli_pfx_write(cli_pfx_out_t *p, cc_cert_t *leaf, cc_cert_t *const *chain,
		  size_t n)
{
	unsigned char *der = NULL;
	size_t len = 0;
	cc_error_t err;
	int r;

	cc_error_clear(&err);
	r = cc_pfx_write(&p->o, p->pass, p->k, leaf, chain, n, &der, &len, &err);
	if (!r)
		r = cc_write_file_atomic(p->path, der, len, 0600, &err);
	OPENSSL_free(der);
	return r ? cli_fail(&err) : 0;
}

const char *cli_pfx_desc(const cli_pfx_out_t *p)
{
	return p->o.compat == CC_PFX_LEGACY ? "PFX legacy: 3DES, SHA-1 MAC"
					    : "PFX modern: AES-256-CBC/PBKDF2-SHA256, SHA-256 MAC";
}

void cli_pfx_done(cli_pfx_out_t *p)
{
	cli_password_free(p->pass);
	EVP_PKEY_free(p->k);
	p->pass = NULL;
	p->k = NULL;
}
