/*
 * best_chain.c - the chain a server should send for a certificate: every
 * path from it through the certificates you have to a root of the built-in
 * trust profiles (Debian, Mozilla, Chrome, Apple, Android, Java, ...),
 * ranked by how many of those clients trust it.
 *
 *   cc best_chain.c $(pkg-config --cflags --libs certchain) -o best_chain
 *   ./best_chain "$(pkg-config --variable=datadir certchain)" leaf.pem [pool.pem|dir]...
 *
 * Prints the chain to serve (leaf first, no root) and the clients that trust
 * it. Exit: 0 a chain some client trusts, 1 none, 2 an error.
 */
#include <certchain.h>

#include <stdio.h>

int main(int argc, char **argv)
{
	cc_profiles_t *profs = cc_profiles_new();
	cc_pool_t *pool = cc_pool_new();
	cc_certlist_t leaf = { 0 };
	cc_build_opts_t bo = { 0 };  /* zero: the defaults (now, TLS server, webpki) */
	cc_judge_opts_t jo = { 0 };
	cc_paths_t *paths = NULL;
	cc_matrix_t mx = { 0 };
	cc_error_t err;
	char line[1024];
	int rc = 2;

	cc_error_clear(&err);
	if (argc < 3) {
		fprintf(stderr, "usage: best_chain DATADIR CERT [POOL]...\n");
		return 2;
	}
	if (!profs || !pool)
		goto out;
	/* The built-in profiles (all of them: only == NULL); their union of roots
	 * is the set of anchors the search aims for. */
	if (cc_profiles_add_builtin(profs, argv[1], NULL, &err) ||
	    cc_pool_load(pool, argv[2], 0, &leaf, &err))
		goto out;
	for (int i = 3; i < argc; i++)
		if (cc_pool_load(pool, argv[i], 0, NULL, &err))
			goto out;
	if (cc_build(&bo, leaf.v[0], pool, cc_profiles_pool(profs), &paths, &err) ||
	    cc_ubiquity_rank(profs, paths, &jo, &mx, &err))
		goto out;
	if (!mx.n || !mx.v[0].verdicts.ntrusted) {
		printf("no chain from %s reaches a root any profile trusts\n", argv[2]);
		rc = 1;
		goto out;
	}
	/* Rows come best first: v[0] is the chain to serve. */
	for (size_t i = 0; i < mx.v[0].served.n; i++)
		printf("%zu  %s\n", i, cc_cert_name(mx.v[0].served.v[i], 0, line, sizeof(line)));
	printf("trusted by %zu of %zu profiles:", mx.v[0].verdicts.ntrusted,
	       cc_profiles_count(profs));
	for (size_t i = 0; i < mx.v[0].verdicts.n; i++)
		if (mx.v[0].verdicts.v[i].trusted)
			printf(" %s", cc_profile_name(profs, mx.v[0].verdicts.v[i].profile));
	printf("\n");
	rc = 0;
out:
	if (err.code)
		fprintf(stderr, "best_chain: %s\n", cc_error_line(&err, line, sizeof(line)));
	cc_matrix_clear(&mx);
	cc_paths_free(paths);
	cc_certlist_clear(&leaf);
	cc_pool_free(pool);
	cc_profiles_free(profs);
	return rc;
}
