/* test_build.c - the path builder: cross-signs, decoys, expiry, loops,
 * limits, and hostile same-name pools. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "testpki.h"

typedef struct pki {
	EVP_PKEY *kold, *knew, *kica, *kleaf, *kdecoy;
	X509 *old, *new_, *cross, *cross_exp, *decoy, *ica, *leaf;
} pki_t;

static pki_t P;

static int setup(void **state)
{
	tp_opts_t ca = { .ca = 1 }, exp = { .ca = 1, .from = -100 * 86400L, .to = -86400L };
	P.kold = tp_key(1);
	P.knew = tp_key(1);
	P.kica = tp_key(1);
	P.kleaf = tp_key(1);
	P.kdecoy = tp_key(1);
	P.old = tp_cert("Old Root", P.kold, NULL, NULL, &ca);
	P.new_ = tp_cert("New Root", P.knew, NULL, NULL, &ca);
	P.cross = tp_cert("New Root", P.knew, P.old, P.kold, &ca);
	P.cross_exp = tp_cert("New Root", P.knew, P.old, P.kold, &exp);
	P.decoy = tp_cert("New Root", P.kdecoy, NULL, NULL, &ca);
	P.ica = tp_cert("Issuing CA", P.kica, P.new_, P.knew, &ca);
	P.leaf = tp_cert("www.build.test", P.kleaf, P.ica, P.kica, NULL);
	return 0;
}

static int teardown(void **state)
{
	X509 *xs[] = { P.old, P.new_, P.cross, P.cross_exp, P.decoy, P.ica, P.leaf };
	EVP_PKEY *ks[] = { P.kold, P.knew, P.kica, P.kleaf, P.kdecoy };
	for (size_t i = 0; i < 7; i++)
		X509_free(xs[i]);
	for (size_t i = 0; i < 5; i++)
		EVP_PKEY_free(ks[i]);
	return 0;
}

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

/* Builds with the full decoy-laden pool against the given anchors. */
static cc_paths_t *build(X509 **anchors, size_t na, cc_pool_t **pool, cc_pool_t **ap)
{
	X509 *pool_x[] = { P.new_, P.cross, P.cross_exp, P.decoy, P.ica };
	cc_paths_t *ps = NULL;
	cc_cert_t *leaf;
	cc_error_t e;

	*pool = cc_pool_new();
	*ap = cc_pool_new();
	leaf = tp_add(*pool, P.leaf);
	for (size_t i = 0; i < 5; i++)
		tp_add(*pool, pool_x[i]);
	for (size_t i = 0; i < na; i++)
		tp_add(*ap, anchors[i]);
	assert_int_equal(cc_build(NULL, leaf, *pool, *ap, &ps, &e), 0);
	cc_paths_rank(ps, 0, NULL, NULL);
	return ps;
}

static void old_anchor_goes_through_cross_sign(void **state)
{
	cc_pool_t *pool, *ap;
	X509 *anchors[] = { P.old };
	cc_paths_t *ps = build(anchors, 1, &pool, &ap);
	size_t valid = 0, expired = 0;

	assert_int_equal(cc_paths_best(ps), 0);
	assert_int_equal(ps->v[0].certs.n, 4);
	assert_true(same(ps->v[0].certs.v[0], P.leaf));
	assert_true(same(ps->v[0].certs.v[1], P.ica));
	assert_true(same(ps->v[0].certs.v[2], P.cross));
	assert_true(same(ps->v[0].certs.v[3], P.old));
	for (size_t i = 0; i < ps->n; i++) {
		valid += ps->v[i].valid;
		if (!ps->v[i].valid && same(ps->v[i].certs.v[2], P.cross_exp)) {
			expired++;
			assert_int_equal(ps->v[i].error_depth, 2);
			assert_non_null(strstr(ps->v[i].reason, "expired"));
		}
	}
	assert_int_equal(valid, 1);
	assert_int_equal(expired, 1);
	/* the decoy was considered and refused for a stated reason */
	int decoy_seen = 0;
	for (size_t i = 0; i < ps->nrej; i++)
		if (same(ps->rej[i].cand, P.decoy)) {
			decoy_seen = 1;
			assert_non_null(strstr(ps->rej[i].reason, "identifier"));
		}
	assert_true(decoy_seen);
	cc_paths_free(ps);
	cc_pool_free(pool);
	cc_pool_free(ap);
}

static void new_anchor_is_short(void **state)
{
	cc_pool_t *pool, *ap;
	X509 *anchors[] = { P.new_ };
	cc_paths_t *ps = build(anchors, 1, &pool, &ap);

	assert_int_equal(cc_paths_best(ps), 0);
	assert_int_equal(ps->v[0].certs.n, 3);
	assert_true(same(ps->v[0].certs.v[2], P.new_));
	cc_paths_free(ps);
	cc_pool_free(pool);
	cc_pool_free(ap);
}

static void both_anchors_rank_shorter_then_later_expiry(void **state)
{
	cc_pool_t *pool, *ap;
	X509 *anchors[] = { P.old, P.new_ };
	cc_paths_t *ps = build(anchors, 2, &pool, &ap);

	assert_int_equal(cc_paths_best(ps), 0);
	assert_int_equal(ps->v[0].certs.n, 3);
	assert_true(ps->v[1].valid);
	assert_int_equal(ps->v[1].certs.n, 4);
	assert_non_null(strstr(ps->v[0].why, "shorter"));
	assert_false(ps->v[ps->n - 1].valid); /* the expired cross-sign ranks last */
	cc_paths_free(ps);
	cc_pool_free(pool);
	cc_pool_free(ap);
}

static void no_anchor_no_path(void **state)
{
	cc_pool_t *pool, *ap;
	X509 *anchors[] = { P.decoy };
	cc_paths_t *ps = build(anchors, 1, &pool, &ap);

	assert_int_equal(cc_paths_best(ps), -1);
	assert_int_equal(ps->n, 0);
	cc_paths_free(ps);
	cc_pool_free(pool);
	cc_pool_free(ap);
}

static void mutual_cross_signs_terminate(void **state)
{
	tp_opts_t ca = { .ca = 1 };
	EVP_PKEY *ka = tp_key(1), *kb = tp_key(1), *kc = tp_key(1), *kl = tp_key(1);
	X509 *a = tp_cert("Root A", ka, NULL, NULL, &ca), *b = tp_cert("Root B", kb, NULL, NULL, &ca);
	X509 *ab = tp_cert("Root A", ka, b, kb, &ca), *ba = tp_cert("Root B", kb, a, ka, &ca);
	X509 *c = tp_cert("Root C", kc, NULL, NULL, &ca), *l = tp_cert("loop.test", kl, a, ka, NULL);
	cc_pool_t *pool = cc_pool_new(), *ap = cc_pool_new();
	cc_paths_t *ps;
	cc_cert_t *leaf = tp_add(pool, l);
	cc_error_t e;

	tp_add(pool, a); tp_add(pool, b); tp_add(pool, ab); tp_add(pool, ba);
	tp_add(ap, c);
	assert_int_equal(cc_build(NULL, leaf, pool, ap, &ps, &e), 0);
	assert_int_equal(ps->n, 0);
	assert_true(ps->sigchecks < 20);
	cc_paths_free(ps);
	cc_pool_free(ap);
	ap = cc_pool_new();
	tp_add(ap, b);
	assert_int_equal(cc_build(NULL, leaf, pool, ap, &ps, &e), 0);
	cc_paths_rank(ps, 0, NULL, NULL);
	assert_int_equal(cc_paths_best(ps), 0);
	assert_int_equal(ps->v[0].certs.n, 3);
	assert_true(same(ps->v[0].certs.v[1], ab));
	cc_paths_free(ps);
	cc_pool_free(pool);
	cc_pool_free(ap);
	X509 *xs[] = { a, b, ab, ba, c, l };
	for (int i = 0; i < 6; i++) X509_free(xs[i]);
	EVP_PKEY_free(ka); EVP_PKEY_free(kb); EVP_PKEY_free(kc); EVP_PKEY_free(kl);
}

/* CPU seconds since t0, divided by CERTCHAIN_TIME_SCALE: the sanitizer and
 * valgrind targets set it, because the 1-second bar is for the real build. */
static double cpu_since(clock_t t0)
{
	const char *s = getenv("CERTCHAIN_TIME_SCALE");
	double scale = s ? atof(s) : 1.0;
	return (double)(clock() - t0) / CLOCKS_PER_SEC / (scale > 0 ? scale : 1.0);
}

/* 2,000 certificates share one subject name and no key identifiers, so
 * nothing but a signature check tells them apart. */
static void two_thousand_same_name(void **state)
{
	enum { N = 2000 };
	tp_opts_t ca = { .ca = 1, .no_kid = 1 }, lf = { .no_kid = 1 };
	EVP_PKEY *kl = tp_key(1), *kr = tp_key(1);
	X509 *real = tp_cert("Same Name", kr, NULL, NULL, &ca);
	X509 *l = tp_cert("same.test", kl, real, kr, &lf);
	cc_pool_t *pool = cc_pool_new(), *ap = cc_pool_new(), *none = cc_pool_new();
	cc_cert_t *leaf = tp_add(pool, l);
	cc_paths_t *ps;
	cc_error_t e;
	/* no key identifiers: RFC 5280 strict would refuse them */
	cc_build_opts_t legacy = { .policy = CC_POLICY_LEGACY };
	clock_t t0;

	for (int i = 0; i < N; i++) {
		EVP_PKEY *k = tp_key(1);
		X509 *x = tp_cert("Same Name", k, NULL, NULL, &ca);
		tp_add(pool, x);
		X509_free(x);
		EVP_PKEY_free(k);
	}
	tp_add(ap, real);
	t0 = clock();
	assert_int_equal(cc_build(&legacy, leaf, pool, ap, &ps, &e), 0);
	cc_paths_rank(ps, 0, NULL, NULL);
	assert_int_equal(cc_paths_best(ps), 0);
	assert_int_equal(ps->v[0].certs.n, 2);
	assert_true(cpu_since(t0) < 1.0);
	cc_paths_free(ps);
	/* and without the real issuer: fails, also quickly */
	t0 = clock();
	assert_int_equal(cc_build(&legacy, leaf, pool, none, &ps, &e), 0);
	assert_int_equal(ps->n, 0);
	assert_true(cpu_since(t0) < 1.0);
	cc_paths_free(ps);
	cc_pool_free(pool);
	cc_pool_free(ap);
	cc_pool_free(none);
	X509_free(real);
	X509_free(l);
	EVP_PKEY_free(kl);
	EVP_PKEY_free(kr);
}

/* 2,000 re-issues of one root (same name, same key): every one verifies
 * every other, the worst case for a naive search. */
static void two_thousand_same_key(void **state)
{
	enum { N = 2000 };
	tp_opts_t ca = { .ca = 1 };
	EVP_PKEY *kr = tp_key(1), *kl = tp_key(1), *ko = tp_key(1);
	X509 *root = tp_cert("Reissued Root", kr, NULL, NULL, &ca);
	X509 *l = tp_cert("reissue.test", kl, root, kr, NULL);
	X509 *other = tp_cert("Other Root", ko, NULL, NULL, &ca);
	cc_pool_t *pool = cc_pool_new(), *ap = cc_pool_new();
	cc_cert_t *leaf = tp_add(pool, l);
	cc_paths_t *ps;
	cc_error_t e;
	clock_t t0;

	for (int i = 0; i < N; i++) {
		X509 *x = tp_cert("Reissued Root", kr, NULL, NULL, &ca);
		tp_add(pool, x);
		X509_free(x);
	}
	tp_add(ap, other);
	t0 = clock();
	assert_int_equal(cc_build(NULL, leaf, pool, ap, &ps, &e), 0);
	assert_int_equal(ps->n, 0);
	assert_true(cpu_since(t0) < 1.0);
	cc_paths_free(ps);
	cc_pool_free(pool);
	cc_pool_free(ap);
	X509_free(root);
	X509_free(l);
	X509_free(other);
	EVP_PKEY_free(kr);
	EVP_PKEY_free(kl);
	EVP_PKEY_free(ko);
}

static void depth_and_budget_limits(void **state)
{
	enum { D = 24 };
	tp_opts_t ca = { .ca = 1 };
	EVP_PKEY *k[D + 1];
	X509 *x[D + 1];
	cc_pool_t *pool = cc_pool_new(), *ap = cc_pool_new();
	cc_build_opts_t o = { .max_sigchecks = 5 };
	cc_paths_t *ps;
	cc_error_t e;
	cc_cert_t *leaf;

	k[0] = tp_key(1);
	x[0] = tp_cert("Deep Root", k[0], NULL, NULL, &ca);
	for (int i = 1; i <= D; i++) {
		char cn[32];
		snprintf(cn, sizeof(cn), "Deep CA %d", i);
		k[i] = tp_key(1);
		x[i] = tp_cert(cn, k[i], x[i - 1], k[i - 1], &ca);
	}
	tp_add(ap, x[0]);
	for (int i = 1; i < D; i++)
		tp_add(pool, x[i]);
	leaf = tp_add(pool, x[D]);
	assert_int_equal(cc_build(NULL, leaf, pool, ap, &ps, &e), 0);
	assert_int_equal(ps->n, 0);
	assert_true(ps->truncated);
	assert_non_null(strstr(ps->limit_hit, "depth"));
	cc_paths_free(ps);
	assert_int_equal(cc_build(&o, leaf, pool, ap, &ps, &e), 0);
	assert_true(ps->truncated);
	assert_true(ps->sigchecks <= 5);
	assert_non_null(strstr(ps->limit_hit, "signature"));
	cc_paths_free(ps);
	for (int i = 0; i <= D; i++) {
		X509_free(x[i]);
		EVP_PKEY_free(k[i]);
	}
	cc_pool_free(pool);
	cc_pool_free(ap);
}

/* The child names its issuer with other case and spacing: not the same DER,
 * the same name under RFC 5280's comparison. The exact index misses; the
 * canonical fallback must find the issuer. */
static void issuer_name_differs_only_in_case(void **state)
{
	tp_opts_t ca = { .ca = 1, .no_kid = 1 }, lf = { .no_kid = 1 };
	EVP_PKEY *kr = tp_key(1), *kl = tp_key(1);
	X509 *r = tp_cert("Canon  ROOT", kr, NULL, NULL, &ca);
	X509 *l = tp_cert("canon.test", kl, r, kr, &lf);
	X509_NAME *n = X509_NAME_new();
	cc_pool_t *pool = cc_pool_new(), *ap = cc_pool_new();
	cc_cert_t *leaf;
	cc_paths_t *ps;
	cc_error_t e;
	/* no key identifiers: RFC 5280 strict would refuse them */
	cc_build_opts_t legacy = { .policy = CC_POLICY_LEGACY };

	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"CERTCHAIN UNIT", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)"canon root", -1, -1, 0);
	X509_set_issuer_name(l, n);
	X509_NAME_free(n);
	assert_true(X509_sign(l, kr, EVP_sha256()) > 0);
	leaf = tp_add(pool, l);
	tp_add(ap, r);
	assert_int_equal(cc_build(&legacy, leaf, pool, ap, &ps, &e), 0);
	cc_paths_rank(ps, 0, NULL, NULL);
	assert_int_equal(cc_paths_best(ps), 0);
	assert_int_equal(ps->v[0].certs.n, 2);
	cc_paths_free(ps);
	cc_pool_free(pool);
	cc_pool_free(ap);
	X509_free(r);
	X509_free(l);
	EVP_PKEY_free(kr);
	EVP_PKEY_free(kl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(old_anchor_goes_through_cross_sign),
		cmocka_unit_test(new_anchor_is_short),
		cmocka_unit_test(both_anchors_rank_shorter_then_later_expiry),
		cmocka_unit_test(no_anchor_no_path),
		cmocka_unit_test(mutual_cross_signs_terminate),
		cmocka_unit_test(two_thousand_same_name),
		cmocka_unit_test(two_thousand_same_key),
		cmocka_unit_test(depth_and_budget_limits),
		cmocka_unit_test(issuer_name_differs_only_in_case),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
