/* test_rank.c - ranking of equally long valid paths, and determinism. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "testpki.h"

static int same(cc_cert_t *c, X509 *x)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der), r;
	size_t len;
	const unsigned char *d = cc_cert_der(c, &len);
	r = (size_t)n == len && !memcmp(d, der, len);
	OPENSSL_free(der);
	return r;
}

/* Two re-issues of one intermediate (same name and key) under one root: the
 * paths differ only in that intermediate. */
static void rank_pair(tp_opts_t *oa, tp_opts_t *ob, int expect_b_first,
		      const char *why)
{
	tp_opts_t ca = { .ca = 1 };
	EVP_PKEY *kr = tp_key(1), *ki = tp_key(1), *kl = tp_key(1);
	X509 *r = tp_cert("Rank Root", kr, NULL, NULL, &ca);
	X509 *a = tp_cert("Rank ICA", ki, r, kr, oa), *b = tp_cert("Rank ICA", ki, r, kr, ob);
	X509 *l = tp_cert("rank.test", kl, a, ki, NULL);
	cc_pool_t *pool = cc_pool_new(), *ap = cc_pool_new();
	cc_cert_t *leaf = tp_add(pool, l);
	cc_paths_t *ps;
	cc_error_t e;

	/* insertion order must not matter: add the expected loser first */
	if (expect_b_first) {
		tp_add(pool, a);
		tp_add(pool, b);
	} else {
		tp_add(pool, b);
		tp_add(pool, a);
	}
	tp_add(ap, r);
	/* legacy: webpki refuses a SHA-1 intermediate outright */
	cc_build_opts_t legacy = { .policy = CC_POLICY_LEGACY };
	assert_int_equal(cc_build(&legacy, leaf, pool, ap, &ps, &e), 0);
	cc_paths_rank(ps, 0, NULL, NULL);
	assert_int_equal(ps->n, 2);
	assert_true(ps->v[0].valid && ps->v[1].valid);
	assert_true(same(ps->v[0].certs.v[1], expect_b_first ? b : a));
	assert_non_null(strstr(ps->v[0].why, why));
	cc_paths_free(ps);
	cc_pool_free(pool);
	cc_pool_free(ap);
	X509_free(r); X509_free(a); X509_free(b); X509_free(l);
	EVP_PKEY_free(kr); EVP_PKEY_free(ki); EVP_PKEY_free(kl);
}

static void sha256_beats_sha1(void **state)
{
	tp_opts_t sha1 = { .ca = 1, .sha1 = 1 }, sha256 = { .ca = 1 };
	rank_pair(&sha1, &sha256, 1, "SHA-1");
}

static void later_expiry_wins(void **state)
{
	tp_opts_t soon = { .ca = 1, .to = 40L * 86400 }, late = { .ca = 1, .to = 900L * 86400 };
	rank_pair(&soon, &late, 1, "expiry");
	rank_pair(&late, &soon, 0, "expiry");
}

/* Identical scores: the order is decided by fingerprints alone, so it is the
 * same whatever order the certificates were loaded in. */
static void equal_paths_tie_break_by_fingerprint(void **state)
{
	tp_opts_t ca = { .ca = 1 };
	EVP_PKEY *kr = tp_key(1), *ki = tp_key(1), *kl = tp_key(1);
	X509 *r = tp_cert("Tie Root", kr, NULL, NULL, &ca);
	X509 *a = tp_cert("Tie ICA", ki, r, kr, &ca), *b = tp_cert("Tie ICA", ki, r, kr, &ca);
	X509 *l = tp_cert("tie.test", kl, a, ki, NULL);
	unsigned char winner[2][32];

	for (int order = 0; order < 2; order++) {
		cc_pool_t *pool = cc_pool_new(), *ap = cc_pool_new();
		cc_cert_t *leaf = tp_add(pool, l);
		cc_paths_t *ps;
		cc_error_t e;
		tp_add(pool, order ? a : b);
		tp_add(pool, order ? b : a);
		tp_add(ap, r);
		assert_int_equal(cc_build(NULL, leaf, pool, ap, &ps, &e), 0);
		cc_paths_rank(ps, 0, NULL, NULL);
		assert_int_equal(ps->n, 2);
		assert_true(memcmp(cc_cert_sha256(ps->v[0].certs.v[1]),
				   cc_cert_sha256(ps->v[1].certs.v[1]), 32) < 0);
		assert_non_null(strstr(ps->v[0].why, "fingerprint"));
		memcpy(winner[order], cc_cert_sha256(ps->v[0].certs.v[1]), 32);
		cc_paths_free(ps);
		cc_pool_free(pool);
		cc_pool_free(ap);
	}
	assert_memory_equal(winner[0], winner[1], 32);
	X509_free(r); X509_free(a); X509_free(b); X509_free(l);
	EVP_PKEY_free(kr); EVP_PKEY_free(ki); EVP_PKEY_free(kl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sha256_beats_sha1),
		cmocka_unit_test(later_expiry_wins),
		cmocka_unit_test(equal_paths_tie_break_by_fingerprint),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
