/*
 * bulk.c - bulk-build benchmark driver, linked against libcertchain.a.
 *   bulk POOL ROOTS LEAVES        builds, validates and ranks the chain of
 *                                 every leaf of LEAVES in one process
 *   bulk --floor POOL ROOTS LEAVES  the floor: per leaf only d2i_X509 and one
 *                                 signature check with its issuer's key,
 *                                 everything above the leaf decoded once
 * Prints one line: "leaves=N valid=V loop_ms=T loop_cpu_ms=C" (the per-leaf
 * part after POOL/ROOTS/LEAVES are loaded, wall and CPU). Exit 1 if any leaf
 * has no valid path.
 */
#include "certchain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>

static double ms_of(clockid_t clk)
{
	struct timespec t;
	clock_gettime(clk, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Wall and CPU time of the per-leaf loop: CPU time stays meaningful when
 * other work shares the machine. */
typedef struct stamp {
	double wall, cpu;
} stamp_t;

static stamp_t now(void)
{
	stamp_t s = { ms_of(CLOCK_MONOTONIC), ms_of(CLOCK_PROCESS_CPUTIME_ID) };
	return s;
}

static cc_pool_t *load(const char *path)
{
	cc_pool_t *p = cc_pool_new();
	cc_error_t err;
	char line[1200];

	cc_error_clear(&err);
	if (!p || cc_pool_load(p, path, 0, NULL, &err)) {
		fprintf(stderr, "bulk: %s\n", cc_error_line(&err, line, sizeof(line)));
		exit(2);
	}
	return p;
}

static int build_all(cc_pool_t *pool, cc_pool_t *roots, cc_pool_t *leaves)
{
	cc_build_opts_t o = { .at = time(NULL) };
	int valid = 0;

	for (size_t i = 0; i < cc_pool_count(leaves); i++) {
		cc_paths_t *ps = NULL;
		cc_error_t err;
		if (cc_build(&o, cc_pool_get(leaves, i), pool, roots, &ps, &err) == 0) {
			cc_paths_rank(ps, o.at, NULL, NULL);
			valid += cc_paths_best(ps) >= 0;
		}
		cc_paths_free(ps);
	}
	return valid;
}

/* The floor: issuer keys found and decoded before timing starts. */
static int floor_all(cc_pool_t *pool, cc_pool_t *leaves, stamp_t *t0)
{
	size_t n = cc_pool_count(leaves);
	EVP_PKEY **keys = calloc(n, sizeof(*keys));
	int valid = 0;

	for (size_t i = 0; i < n; i++) {
		cc_certlist_t iss = { 0 };
		if (cc_pool_issuers_of(pool, cc_pool_get(leaves, i), &iss) > 0) {
			X509 *x = cc_cert_x509(iss.v[0], NULL);
			keys[i] = x ? X509_get0_pubkey(x) : NULL;
		}
		cc_certlist_clear(&iss);
	}
	*t0 = now();
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const unsigned char *der = cc_cert_der(cc_pool_get(leaves, i), &len);
		X509 *x = d2i_X509(NULL, &der, (long)len);
		valid += x && keys[i] && X509_verify(x, keys[i]) == 1;
		X509_free(x);
	}
	free(keys);
	return valid;
}

int main(int argc, char **argv)
{
	int fl = argc == 5 && !strcmp(argv[1], "--floor");
	cc_pool_t *pool, *roots, *leaves;
	stamp_t t0, t1;
	int valid;

	if (argc != 4 + fl) {
		fprintf(stderr, "usage: bulk [--floor] POOL ROOTS LEAVES\n");
		return 2;
	}
	pool = load(argv[1 + fl]);
	roots = load(argv[2 + fl]);
	leaves = load(argv[3 + fl]);
	if (fl) {
		valid = floor_all(pool, leaves, &t0);
	} else {
		t0 = now();
		valid = build_all(pool, roots, leaves);
	}
	t1 = now();
	printf("leaves=%zu valid=%d loop_ms=%.1f loop_cpu_ms=%.1f\n", cc_pool_count(leaves),
	       valid, t1.wall - t0.wall, t1.cpu - t0.cpu);
	cc_pool_free(pool);
	cc_pool_free(roots);
	cc_pool_free(leaves);
	return (size_t)valid == cc_pool_count(leaves) ? 0 : 1;
}
