/* test_behaviour.c - each client behaviour judged on its own, on PKIs made
 * with the OpenSSL API: an old root, a new root, the new root cross-signed
 * by the old one, an issuing CA under the new name, a leaf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "testpki.h"

#define DAY 86400L

typedef struct pki {
	EVP_PKEY *ko, *kn, *ki, *kl;
	X509 *old, *nw, *cross, *ica, *leaf;
	cc_pool_t *pool;         /* the served certificates */
	cc_certlist_t served;    /* leaf, ica, cross */
} pki_t;

static void pki_make(pki_t *k, long old_to, long cross_to)
{
	tp_opts_t ro = { .ca = 1, .from = -900 * DAY, .to = old_to };
	tp_opts_t rn = { .ca = 1 }, x = { .ca = 1, .from = -400 * DAY, .to = cross_to };

	memset(k, 0, sizeof(*k));
	k->ko = tp_key(1);
	k->kn = tp_key(1);
	k->ki = tp_key(1);
	k->kl = tp_key(1);
	k->old = tp_cert("Behaviour Old Root", k->ko, NULL, NULL, &ro);
	k->nw = tp_cert("Behaviour New Root", k->kn, NULL, NULL, &rn);
	k->cross = tp_cert("Behaviour New Root", k->kn, k->old, k->ko, &x);
	k->ica = tp_cert("Behaviour ICA", k->ki, k->nw, k->kn, &rn);
	k->leaf = tp_cert("leaf.test", k->kl, k->ica, k->ki, NULL);
	k->pool = cc_pool_new();
	cc_certlist_push(&k->served, tp_add(k->pool, k->leaf));
	cc_certlist_push(&k->served, tp_add(k->pool, k->ica));
	cc_certlist_push(&k->served, tp_add(k->pool, k->cross));
}

static void pki_free(pki_t *k)
{
	cc_certlist_clear(&k->served);
	cc_pool_free(k->pool);
	X509_free(k->old); X509_free(k->nw); X509_free(k->cross);
	X509_free(k->ica); X509_free(k->leaf);
	EVP_PKEY_free(k->ko); EVP_PKEY_free(k->kn);
	EVP_PKEY_free(k->ki); EVP_PKEY_free(k->kl);
}

/* A profile trusting the given roots (NULL-terminated). */
static void add_profile(cc_profiles_t *ps, const char *name, cc_behaviour_t b, ...)
{
	cc_pool_t *ap = cc_pool_new();
	cc_error_t e;
	va_list va;
	X509 *x;

	va_start(va, b);
	while ((x = va_arg(va, X509 *)))
		tp_add(ap, x);
	va_end(va);
	assert_int_equal(cc_profiles_add_pool(ps, name, ap, b, 1.0, "unit", &e), 0);
	cc_pool_free(ap);
}

static int is(cc_cert_t *c, X509 *x)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der), r;
	size_t len;
	const unsigned char *d = cc_cert_der(c, &len);
	r = (size_t)n == len && !memcmp(d, der, len);
	OPENSSL_free(der);
	return r;
}

/* The DST Root CA X3 failure: the served chain ends in an expired
 * cross-sign; both roots are in the store. */
static void served_order_stops_at_expired_cross_sign(void **state)
{
	pki_t k;
	cc_profiles_t *ps = cc_profiles_new();
	cc_verdicts_t v;
	cc_error_t e;

	pki_make(&k, 3650 * DAY, -10 * DAY);
	add_profile(ps, "old-openssl", CC_BEHAVIOUR_SERVED_ORDER, k.old, k.nw, NULL);
	add_profile(ps, "modern", CC_BEHAVIOUR_PATHBUILD, k.old, k.nw, NULL);
	assert_int_equal(cc_profiles_judge(ps, &k.served, NULL, NULL, &v, &e), 0);
	assert_int_equal(v.n, 2);
	assert_false(v.v[0].trusted);
	assert_non_null(strstr(v.v[0].reason, "expired cross-sign at depth 2"));
	assert_int_equal(v.v[0].depth, 2);
	assert_int_equal(v.v[0].path.n, 4); /* leaf, ica, cross, old root */
	assert_true(is(v.v[0].path.v[3], k.old));
	assert_true(v.v[1].trusted);
	assert_true(is(v.v[1].anchor, k.nw));
	assert_int_equal(v.v[1].path.n, 3);
	assert_int_equal(v.ntrusted, 1);
	assert_true(v.score > 0.49 && v.score < 0.51);
	cc_verdicts_clear(&v);
	cc_profiles_free(ps);
	pki_free(&k);
}

/* served-order takes the served issuer first: with only the new root in
 * store it walks onto the cross-sign and never finds its issuer. */
static void served_order_never_backtracks(void **state)
{
	pki_t k;
	cc_profiles_t *ps = cc_profiles_new();
	cc_verdicts_t v;
	cc_error_t e;
	cc_certlist_t short_chain = { 0 };

	pki_make(&k, 3650 * DAY, 3000 * DAY);
	add_profile(ps, "old-openssl", CC_BEHAVIOUR_SERVED_ORDER, k.nw, NULL);
	assert_int_equal(cc_profiles_judge(ps, &k.served, NULL, NULL, &v, &e), 0);
	assert_false(v.v[0].trusted);
	assert_non_null(strstr(v.v[0].reason, "anchor not in store"));
	assert_non_null(strstr(v.v[0].reason, "Behaviour Old Root"));
	cc_verdicts_clear(&v);
	/* Without the cross-sign, the store supplies the new root. */
	cc_certlist_push(&short_chain, k.served.v[0]);
	cc_certlist_push(&short_chain, k.served.v[1]);
	assert_int_equal(cc_profiles_judge(ps, &short_chain, NULL, NULL, &v, &e), 0);
	assert_true(v.v[0].trusted);
	assert_true(is(v.v[0].anchor, k.nw));
	cc_verdicts_clear(&v);
	cc_certlist_clear(&short_chain);
	cc_profiles_free(ps);
	pki_free(&k);
}

/* pathbuild uses only what is served: the issuing CA left out -> no path. */
static void pathbuild_uses_only_served_certificates(void **state)
{
	pki_t k;
	cc_profiles_t *ps = cc_profiles_new();
	cc_verdicts_t v;
	cc_error_t e;
	cc_certlist_t leaf_only = { 0 };
	cc_pool_t *extra = cc_pool_new();

	pki_make(&k, 3650 * DAY, 3000 * DAY);
	add_profile(ps, "legacy", CC_BEHAVIOUR_PATHBUILD, k.old, NULL);
	assert_int_equal(cc_profiles_judge(ps, &k.served, NULL, NULL, &v, &e), 0);
	assert_true(v.v[0].trusted);
	assert_true(is(v.v[0].anchor, k.old));
	assert_int_equal(v.v[0].path.n, 4);
	assert_ptr_equal(v.v[0].path.v[2], k.served.v[2]); /* caller's pointer */
	cc_verdicts_clear(&v);
	cc_certlist_push(&leaf_only, k.served.v[0]);
	assert_int_equal(cc_profiles_judge(ps, &leaf_only, NULL, NULL, &v, &e), 0);
	assert_false(v.v[0].trusted);
	/* no client holds the issuing CA: it is a missing intermediate */
	assert_non_null(strstr(v.v[0].reason, "missing intermediate: Behaviour ICA"));
	cc_verdicts_clear(&v);
	/* intermediates the client is assumed to know complete the path */
	tp_add(extra, k.ica);
	tp_add(extra, k.cross);
	assert_int_equal(cc_profiles_judge(ps, &leaf_only, extra, NULL, &v, &e), 0);
	assert_true(v.v[0].trusted);
	cc_verdicts_clear(&v);
	cc_certlist_clear(&leaf_only);
	cc_pool_free(extra);
	cc_profiles_free(ps);
	pki_free(&k);
}

/* Old Android ignores an expired anchor; pathbuild does not. */
static void no_expiry_check_on_anchor_forgives_the_root_only(void **state)
{
	pki_t k;
	cc_profiles_t *ps = cc_profiles_new();
	cc_verdicts_t v;
	cc_error_t e;

	pki_make(&k, -5 * DAY, 3000 * DAY);
	add_profile(ps, "android", CC_BEHAVIOUR_NO_EXPIRY_CHECK_ON_ANCHOR, k.old, NULL);
	add_profile(ps, "strict", CC_BEHAVIOUR_PATHBUILD, k.old, NULL);
	assert_int_equal(cc_profiles_judge(ps, &k.served, NULL, NULL, &v, &e), 0);
	assert_true(v.v[0].trusted);
	assert_true(is(v.v[0].anchor, k.old));
	assert_non_null(strstr(v.v[0].reason, "ignores"));
	assert_false(v.v[1].trusted);
	assert_non_null(strstr(v.v[1].reason, "expired root at depth 3"));
	cc_verdicts_clear(&v);
	cc_profiles_free(ps);
	pki_free(&k);

	/* An expired cross-sign (not the anchor) is not forgiven. It is called
	 * a cross-sign only once the set knows the self-signed twin. */
	pki_make(&k, 3650 * DAY, -10 * DAY);
	ps = cc_profiles_new();
	add_profile(ps, "android", CC_BEHAVIOUR_NO_EXPIRY_CHECK_ON_ANCHOR, k.old, NULL);
	assert_int_equal(cc_profiles_judge(ps, &k.served, NULL, NULL, &v, &e), 0);
	assert_false(v.v[0].trusted);
	assert_non_null(strstr(v.v[0].reason, "expired intermediate at depth 2"));
	cc_verdicts_clear(&v);
	add_profile(ps, "modern", CC_BEHAVIOUR_PATHBUILD, k.nw, NULL);
	assert_int_equal(cc_profiles_judge(ps, &k.served, NULL, NULL, &v, &e), 0);
	assert_false(v.v[0].trusted);
	assert_non_null(strstr(v.v[0].reason, "expired cross-sign at depth 2"));
	assert_true(v.v[1].trusted);
	cc_verdicts_clear(&v);
	cc_profiles_free(ps);
	pki_free(&k);
}

/* Every behaviour checks the host name; weights make the score. */
static void host_and_weights(void **state)
{
	pki_t k;
	cc_profiles_t *ps = cc_profiles_new();
	cc_pool_t *ap = cc_pool_new();
	cc_judge_opts_t o = { .host = "other.test" };
	cc_verdicts_t v;
	cc_error_t e;

	pki_make(&k, 3650 * DAY, 3000 * DAY);
	tp_add(ap, k.old);
	assert_int_equal(cc_profiles_add_pool(ps, "heavy", ap, CC_BEHAVIOUR_PATHBUILD, 3, NULL, &e), 0);
	assert_int_equal(cc_profiles_add_pool(ps, "light", ap, CC_BEHAVIOUR_SERVED_ORDER, 1, NULL, &e), 0);
	add_profile(ps, "ica-only", CC_BEHAVIOUR_PATHBUILD, k.ica, NULL); /* weight 1 */
	assert_int_equal(cc_profiles_judge(ps, &k.served, NULL, NULL, &v, &e), 0);
	assert_int_equal(v.ntrusted, 3); /* ica-only anchors at the ICA itself */
	cc_verdicts_clear(&v);
	assert_int_equal(cc_profiles_judge(ps, &k.served, NULL, &o, &v, &e), 0);
	assert_int_equal(v.ntrusted, 0);
	for (size_t i = 0; i < v.n; i++)
		assert_string_equal(v.v[i].reason, "leaf not valid for other.test");
	cc_verdicts_clear(&v);
	cc_profiles_free(ps);
	/* weights: heavy (3, old root) cannot finish leaf + ICA, light (1, new
	 * root) can -> 1/4 */
	ps = cc_profiles_new();
	assert_int_equal(cc_profiles_add_pool(ps, "heavy", ap, CC_BEHAVIOUR_PATHBUILD, 3, NULL, &e), 0);
	add_profile(ps, "light", CC_BEHAVIOUR_PATHBUILD, k.nw, NULL);
	k.served.n = 2; /* leaf + ICA: only the new root's holder can finish it */
	assert_int_equal(cc_profiles_judge(ps, &k.served, NULL, NULL, &v, &e), 0);
	k.served.n = 3;
	assert_false(v.v[0].trusted);
	assert_true(v.v[1].trusted);
	assert_true(v.score > 0.2499 && v.score < 0.2501);
	cc_verdicts_clear(&v);
	cc_profiles_free(ps);
	cc_pool_free(ap);
	pki_free(&k);
}

/* What servers really send: wrong order, duplicates, the root itself. */
static void messy_served_chains(void **state)
{
	pki_t k;
	cc_profiles_t *ps = cc_profiles_new();
	cc_certlist_t l = { 0 };
	cc_pool_t *extra = cc_pool_new();
	cc_cert_t *nw;
	cc_verdicts_t v;
	cc_error_t e;

	pki_make(&k, 3650 * DAY, 3000 * DAY);
	add_profile(ps, "legacy-order", CC_BEHAVIOUR_SERVED_ORDER, k.old, NULL);
	add_profile(ps, "legacy-build", CC_BEHAVIOUR_PATHBUILD, k.old, NULL);
	/* leaf, cross, ica, ica: out of order with a duplicate */
	cc_certlist_push(&l, k.served.v[0]);
	cc_certlist_push(&l, k.served.v[2]);
	cc_certlist_push(&l, k.served.v[1]);
	cc_certlist_push(&l, k.served.v[1]);
	assert_int_equal(cc_profiles_judge(ps, &l, NULL, NULL, &v, &e), 0);
	assert_true(v.v[0].trusted); /* OpenSSL 1.0.x searched all served certs */
	assert_true(v.v[1].trusted);
	assert_int_equal(v.v[0].path.n, 4);
	cc_verdicts_clear(&v);
	/* leaf, ica, the self-signed new root: neither has it */
	nw = tp_add(extra, k.nw);
	l.n = 0;
	cc_certlist_push(&l, k.served.v[0]);
	cc_certlist_push(&l, k.served.v[1]);
	cc_certlist_push(&l, nw);
	assert_int_equal(cc_profiles_judge(ps, &l, NULL, NULL, &v, &e), 0);
	assert_false(v.v[0].trusted);
	assert_string_equal(v.v[0].reason, "anchor not in store (Behaviour New "
					   "Root is served but not trusted)");
	assert_false(v.v[1].trusted);
	assert_non_null(strstr(v.v[1].reason, "anchor not in store"));
	cc_verdicts_clear(&v);
	cc_certlist_clear(&l);
	cc_pool_free(extra);
	cc_profiles_free(ps);
	pki_free(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(served_order_stops_at_expired_cross_sign),
		cmocka_unit_test(served_order_never_backtracks),
		cmocka_unit_test(pathbuild_uses_only_served_certificates),
		cmocka_unit_test(no_expiry_check_on_anchor_forgives_the_root_only),
		cmocka_unit_test(host_and_weights),
		cmocka_unit_test(messy_served_chains),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
