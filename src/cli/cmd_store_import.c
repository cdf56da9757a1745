/* cmd_store_import.c - certchain store import: every certificate of a file,
 * with an optional private key, into the store; the whole file is checked
 * against the import rules before anything is written. */
#include "cli.h"
#include "cli_store.h"

#include <stdlib.h>
#include <string.h>

/* Unique certificates of the file, in file order. */
static int unique(const cc_certlist_t *in, cc_certlist_t *out)
{
	for (size_t i = 0; i < in->n; i++) {
		size_t j = 0;
		while (j < out->n && out->v[j] != in->v[i])
			j++;
		if (j == out->n && cc_certlist_push(out, in->v[i]))
			return -1;
	}
	return 0;
}

static int fail_cert(const char *file, const cc_error_t *err)
{
	fprintf(stderr, "certchain: %s: %s%s%s\n", file, err->where,
		err->where[0] ? ": " : "", err->msg);
	return EXIT_USAGE;
}

/* Says what importing c did: a line of text on b, or (json) the entry
 * appended to the array arr. */
static void report(cc_buf_t *b, json_t *arr, cc_cert_t *c, const cc_store_imported_t *r)
{
	char cn[256];

	cc_cert_name(c, 0, cn, sizeof(cn));
	if (arr) {
		json_array_append_new(arr, json_pack("{s:s,s:s,s:b,s:o}", "sha256", r->sha256,
						     "store", cc_store_kind_name(r->kind),
						     "added", r->added,
						     "subject_cn", cc_json_str(cn)));
		return;
	}
	if (r->added)
		cc_buf_printf(b, "added to %s: %s (sha256 %.16s)\n",
			      cc_store_kind_name(r->kind), cn, r->sha256);
	else
		cc_buf_printf(b, "already in %s, nothing to do: %s (sha256 %.16s)\n",
			      cc_store_kind_name(r->kind), cn, r->sha256);
}

static int run(const cli_store_args_t *a, cc_store_t *st, cc_pool_t *pool,
	       cc_certlist_t *certs, EVP_PKEY *key)
{
	const char *file = a->args[0];
	cc_store_imported_t *res = calloc(certs->n + 1, sizeof(*res));
	int *kinds = calloc(certs->n + 1, sizeof(*kinds)), *keyed = calloc(certs->n + 1, sizeof(int));
	size_t nkeyed = 0, roots = 0;
	cc_buf_t b = { 0 };
	cc_error_t err;
	int rc = EXIT_USAGE;

	cc_error_clear(&err);
	if (!res || !kinds || !keyed) {
		fprintf(stderr, "certchain: out of memory\n");
		goto out;
	}
	for (size_t i = 0; key && i < certs->n; i++)
		nkeyed += keyed[i] = cc_key_matches(certs->v[i], key);
	if (key && !nkeyed) {
		fprintf(stderr, "certchain: %s: the private key matches no certificate "
				"in %s\n", a->key, file);
		goto out;
	}
	if (a->name && !key && certs->n > 1) {
		cli_usage_error("store", "--name: %s holds %zu certificates; give --key "
					 "to name the one it belongs to", file, certs->n);
		goto out;
	}
	/* The whole file against the rules first: all of it or none of it. */
	for (size_t i = 0; i < certs->n; i++) {
		kinds[i] = cc_store_decide_kind(certs->v[i], keyed[i] ? key : NULL, a->to, &err);
		if (kinds[i] < 0) {
			fail_cert(file, &err);
			goto out;
		}
	}
	if (cc_store_lock(st, &err)) {
		cli_fail(&err);
		goto out;
	}
	for (size_t i = 0; i < certs->n; i++) {
		size_t len;
		const unsigned char *der = cc_cert_der(certs->v[i], &len);
		const char *name = keyed[i] || !key ? a->name : NULL;
		cc_error_t uerr;
		if (cc_store_import(st, der, len, keyed[i] ? key : NULL, name, kinds[i],
				    &res[i], &err)) {
			/* Rules passed, yet the store refused (a certificate already
			 * in another store, I/O): take back this call's imports. */
			cc_error_clear(&uerr);
			cli_store_undo(st, res, i, &uerr);
			cc_store_unlock(st);
			fail_cert(file, &err);
			if (uerr.code)
				cli_fail(&uerr);
			goto out;
		}
	}
	for (size_t i = 0; i < certs->n; i++)
		roots += res[i].added && res[i].kind == CC_STORE_ROOT;
	if (roots && cc_store_rehash(st, &err)) {
		cc_store_unlock(st);
		cli_fail(&err);
		goto out;
	}
	cc_store_unlock(st);
	if (a->json) {
		json_t *arr = json_array(), *j;
		for (size_t i = 0; arr && i < certs->n; i++)
			report(&b, arr, certs->v[i], &res[i]);
		/* an entry lost to memory must not go unnoticed */
		if (arr && json_array_size(arr) != certs->n) {
			json_decref(arr);
			arr = NULL;
		}
		j = json_pack("{s:o,s:o}", "store", cc_json_str(cc_store_dir(st)),
			      "imported", arr);
		cli_json_line(&b, j);
	} else {
		for (size_t i = 0; i < certs->n; i++)
			report(&b, NULL, certs->v[i], &res[i]);
	}
	cli_flush_report(&b, a->json);
	rc = EXIT_OK;
out:
	free(res);
	free(kinds);
	free(keyed);
	return rc;
}

int cli_store_undo(cc_store_t *st, const cc_store_imported_t *res, size_t n,
		   cc_error_t *err)
{
	int r = 0;

	while (n--)
		if (res[n].added && !r)
			r = cc_store_remove(st, res[n].sha256, err);
	return r;
}

int cmd_store_import(int argc, char **argv)
{
	cli_store_args_t a = { 0 };
	cc_pool_t *pool = NULL;
	cc_certlist_t order = { 0 }, certs = { 0 };
	cc_store_t *st = NULL;
	EVP_PKEY *key = NULL;
	cc_error_t err;
	int rc = cli_store_args(argc, argv, &a);

	cc_error_clear(&err);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (a.nargs != 1)
		return cli_usage_error("store", "import takes exactly one FILE");
	rc = EXIT_USAGE;
	if (!(pool = cc_pool_new()) || cli_load(pool, a.args[0], 0, &order))
		goto out;
	if (unique(&order, &certs)) {
		fprintf(stderr, "certchain: out of memory\n");
		goto out;
	}
	if (a.key && cc_key_load(a.key, &key, &err)) {
		cli_fail(&err);
		goto out;
	}
	/* A combined file (HAProxy style) carries its own key. */
	if (!a.key && !cc_key_load(a.args[0], &key, &err))
		a.key = a.args[0];
	cc_error_clear(&err);
	if (cli_store_open(&a, &st))
		goto out;
	rc = run(&a, st, pool, &certs, key);
out:
	EVP_PKEY_free(key);
	cc_store_close(st);
	cc_certlist_clear(&order);
	cc_certlist_clear(&certs);
	cc_pool_free(pool);
	return rc;
}
