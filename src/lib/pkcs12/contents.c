/*
 * contents.c - what a certificate or key file holds, whatever its format:
 * a PFX (pkcs12.c), or PEM/DER/PKCS#7 certificates (load.c) plus private
 * keys (key.c), presented the same way so 'inspect' has one shape to show.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static int push_bag(cc_pfx_t *p, cc_cert_t *c, EVP_PKEY *k)
{
	cc_pfx_bag_t *nv = realloc(p->bags, (p->n + 1) * sizeof(*nv));

	if (!nv)
		return CC_ENOMEM;
	p->bags = nv;
	memset(&nv[p->n], 0, sizeof(nv[p->n]));
	nv[p->n].cert = c;
	nv[p->n].key = k;
	p->n++;
	return 0;
}

static int plain(const unsigned char *buf, size_t len, const char *name,
		 cc_pfx_t *p, cc_error_t *err)
{
	cc_certlist_t order = { 0 };
	EVP_PKEY **keys = NULL;
	size_t nkeys = 0;
	int pem = memmem(buf, len, "-----BEGIN ", 11) != NULL, r;

	if ((r = cc_keys_from_mem(buf, len, name, &keys, &nkeys, &p->encrypted_keys, err)))
		goto done;
	/* A DER file is one thing: when it is a key, it holds no certificate. */
	if ((pem || (!nkeys && !p->encrypted_keys)) &&
	    (r = cc_pool_load_mem(p->pool, buf, len, name,
				  pem ? CC_LOAD_ALLOW_EMPTY : 0, &order, err)))
		goto done;
	for (size_t i = 0; !r && i < order.n; i++)
		r = push_bag(p, order.v[i], NULL);
	for (size_t i = 0; !r && i < nkeys; i++)
		if (!(r = push_bag(p, NULL, keys[i])))
			keys[i] = NULL;
	if (r)
		r = cc_err(err, r, name, "out of memory");
	else if (!p->n && !p->encrypted_keys)
		r = cc_err(err, CC_EPARSE, name, "holds no certificate or private key");
done:
	for (size_t i = 0; i < nkeys; i++)
		EVP_PKEY_free(keys[i]);
	free(keys);
	cc_certlist_clear(&order);
	return r;
}

int cc_contents_read(const unsigned char *buf, size_t len, const char *name,
		     const char *pass, cc_pfx_t **out, cc_error_t *err)
{
	cc_pfx_t *p;
	int r;

	*out = NULL;
	if (!name)
		name = "<memory>";
	if (cc_pfx_sniff(buf, len)) {
		r = cc_pfx_read(buf, len, name, pass, out, err);
		if (!r)
			(*out)->is_pfx = 1;
		return r;
	}
	if (!len)
		return cc_err(err, CC_EPARSE, name, "empty file");
	if (!(p = calloc(1, sizeof(*p))) || !(p->pool = cc_pool_new())) {
		free(p);
		return cc_err(err, CC_ENOMEM, name, "out of memory");
	}
	if ((r = plain(buf, len, name, p, err)))
		cc_pfx_free(p);
	else
		*out = p;
	return r;
}
