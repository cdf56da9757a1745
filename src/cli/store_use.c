/* store_use.c - how build and verify use the certificate store: its enabled
 * intermediates and roots join the pools, its disabled certificates leave
 * them whatever their source (system store, -r, -I). */
#include "cli.h"

#include <stdio.h>

/* Copies every certificate of src that is not in drop into dst. */
static int copy_except(cc_pool_t *dst, cc_pool_t *src, cc_pool_t *drop,
		       cc_error_t *err)
{
	for (size_t i = 0; i < cc_pool_count(src); i++) {
		cc_cert_t *c = cc_pool_get(src, i);
		size_t len;
		const unsigned char *der = cc_cert_der(c, &len);
		int r;

		if (drop && cc_pool_find_sha256(drop, cc_cert_sha256(c)))
			continue;
		if ((r = cc_pool_add_der(dst, der, len, cc_cert_source(c), NULL, NULL, err)))
			return r;
	}
	return 0;
}

int cli_store_apply(const cli_store_opts_t *o, cc_pool_t **pool,
		    cc_pool_t **anchors, cc_certlist_t *keep, int filter_pool)
{
	cc_store_t *st = NULL;
	cc_pool_t *inter = cc_pool_new(), *roots = cc_pool_new(), *dis = cc_pool_new();
	cc_pool_t *na = cc_pool_new(), *np = filter_pool ? cc_pool_new() : NULL;
	cc_error_t err;
	int r = 0;

	if (o->no_store)
		goto out;
	cc_error_clear(&err);
	if (!inter || !roots || !dis || !na || (filter_pool && !np)) {
		snprintf(err.msg, sizeof(err.msg), "out of memory");
		r = err.code = CC_ENOMEM;
		goto out;
	}
	if ((r = cc_store_open(o->dir, &st, &err)) ||
	    (r = cc_store_load_pools(st, inter, roots, dis, &err)) ||
	    (r = copy_except(na, *anchors, dis, &err)) ||
	    (r = copy_except(na, roots, NULL, &err)))
		goto out;
	if (filter_pool) {
		/* The certificate asked about stays, even when disabled. */
		size_t len;
		const unsigned char *der = cc_cert_der(keep->v[0], &len);
		if ((r = cc_pool_add_der(np, der, len, cc_cert_source(keep->v[0]), NULL,
					 NULL, &err)) ||
		    (r = copy_except(np, *pool, dis, &err)) ||
		    (r = copy_except(np, inter, NULL, &err)))
			goto out;
		for (size_t i = 0; i < keep->n; i++)
			keep->v[i] = cc_pool_find_sha256(np, cc_cert_sha256(keep->v[i]));
		cc_pool_free(*pool);
		*pool = np;
		np = NULL;
	} else if ((r = copy_except(*pool, inter, NULL, &err))) {
		goto out;
	}
	cc_pool_free(*anchors);
	*anchors = na;
	na = NULL;
out:
	if (r)
		cli_fail(&err);
	cc_store_close(st);
	cc_pool_free(inter);
	cc_pool_free(roots);
	cc_pool_free(dis);
	cc_pool_free(na);
	cc_pool_free(np);
	return r ? EXIT_USAGE : 0;
}
