/* test_validate.c - path validation with signatures remembered between
 * builds: the checks OpenSSL's verify step makes (signature, issuer key
 * usage, dates) must still fail paths that deserve it, whether or not the
 * search verified a signature before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "internal.h"
#include "testpki.h"

static cc_path_t path_of(cc_cert_t **v, size_t n)
{
	cc_path_t p;
	memset(&p, 0, sizeof(p));
	for (size_t i = 0; i < n; i++)
		assert_int_equal(cc_certlist_push(&p.certs, v[i]), 0);
	return p;
}

static int validate(cc_cert_t **v, size_t n, int *depth)
{
	/* legacy: the no-key-identifier paths below are about signatures */
	cc_build_opts_t o = { .policy = CC_POLICY_LEGACY };
	cc_path_t p = path_of(v, n);
	cc_error_t e;
	int r;

	assert_int_equal(cc_path_validate(&p, &o, &e), 0);
	r = p.valid ? 0 : p.verify_error;
	*depth = p.error_depth;
	cc_path_clear(&p);
	return r;
}

/* Dates and signatures, checked the same before and after a build has
 * remembered the good signatures. */
static void dates_and_signatures(void **state)
{
	tp_opts_t ca = { .ca = 1 }, old = { .ca = 1, .from = -7200, .to = -3600 },
		  future = { .from = 86400, .to = 2 * 86400 };
	EVP_PKEY *kr = tp_key(1), *ki = tp_key(1), *kl = tp_key(1), *kx = tp_key(1);
	X509 *r = tp_cert("V Root", kr, NULL, NULL, &ca);
	X509 *i = tp_cert("V CA", ki, r, kr, &ca), *iold = tp_cert("V CA", ki, r, kr, &old);
	X509 *l = tp_cert("v.test", kl, i, ki, NULL), *lf = tp_cert("f.test", kl, i, ki, &future);
	cc_pool_t *pool = cc_pool_new(), *ap = cc_pool_new();
	cc_cert_t *cr = tp_add(ap, r), *ci = tp_add(pool, i), *cio = tp_add(pool, iold);
	cc_cert_t *cl = tp_add(pool, l), *clf = tp_add(pool, lf);
	cc_paths_t *ps;
	cc_error_t e;
	int d;

	for (int round = 0; round < 2; round++) {
		cc_cert_t *good[] = { cl, ci, cr }, *expired[] = { cl, cio, cr },
			  *early[] = { clf, ci, cr };
		assert_int_equal(validate(good, 3, &d), 0);
		assert_int_equal(validate(expired, 3, &d), X509_V_ERR_CERT_HAS_EXPIRED);
		assert_int_equal(d, 1);
		assert_int_equal(validate(early, 3, &d), X509_V_ERR_CERT_NOT_YET_VALID);
		assert_int_equal(d, 0);
		/* a build verifies and remembers the signatures for round 2 */
		assert_int_equal(cc_build(NULL, cl, pool, ap, &ps, &e), 0);
		assert_true(ps->n >= 1);
		cc_paths_free(ps);
	}
	/* same name, other key: the remembered signature must not carry over
	 * (no key identifiers, so only the signature can tell them apart) */
	{
		tp_opts_t cank = { .ca = 1, .no_kid = 1 }, lnk = { .no_kid = 1 };
		X509 *real = tp_cert("V NK CA", ki, r, kr, &cank);
		X509 *fake = tp_cert("V NK CA", kx, r, kr, &cank);
		X509 *leaf = tp_cert("nk.test", kl, real, ki, &lnk);
		cc_cert_t *creal = tp_add(pool, real), *cf = tp_add(pool, fake);
		cc_cert_t *cnl = tp_add(pool, leaf), *ok[] = { cnl, creal, cr },
			  *bad[] = { cnl, cf, cr };
		assert_int_equal(validate(ok, 3, &d), 0);
		assert_int_equal(validate(bad, 3, &d), X509_V_ERR_CERT_SIGNATURE_FAILURE);
		assert_int_equal(d, 0);
		cc_build_opts_t lo = { .policy = CC_POLICY_LEGACY };
		assert_int_equal(cc_build(&lo, cnl, pool, ap, &ps, &e), 0);
		assert_int_equal(ps->n, 1); /* the fake was refused */
		assert_ptr_equal(ps->v[0].certs.v[1], creal);
		cc_paths_free(ps);
		assert_int_equal(validate(bad, 3, &d), X509_V_ERR_CERT_SIGNATURE_FAILURE);
		X509_free(real);
		X509_free(fake);
		X509_free(leaf);
	}
	cc_pool_free(pool);
	cc_pool_free(ap);
	X509_free(r);
	X509_free(i);
	X509_free(iold);
	X509_free(l);
	X509_free(lf);
	EVP_PKEY_free(kr);
	EVP_PKEY_free(ki);
	EVP_PKEY_free(kl);
	EVP_PKEY_free(kx);
}

/* A CA whose keyUsage lacks keyCertSign cannot issue, even when its
 * signature on the leaf is good and was verified by the search. */
static void issuer_without_keycertsign(void **state)
{
	tp_opts_t ca = { .ca = 1 };
	EVP_PKEY *kr = tp_key(1), *ki = tp_key(1), *kl = tp_key(1);
	X509 *r = tp_cert("KU Root", kr, NULL, NULL, &ca);
	X509 *i = tp_cert("KU CA", ki, r, kr, NULL); /* no CA keyUsage */
	X509 *l;
	X509_EXTENSION *ext;
	cc_pool_t *pool = cc_pool_new(), *ap = cc_pool_new();
	cc_cert_t *v[3];
	cc_paths_t *ps;
	cc_error_t e;
	int d, r0;

	/* CA:TRUE but keyUsage digitalSignature only */
	X509_EXTENSION_free(X509_delete_ext(i, X509_get_ext_by_NID(i, NID_basic_constraints, -1)));
	ext = X509V3_EXT_conf_nid(NULL, NULL, NID_basic_constraints, "critical,CA:TRUE");
	X509_add_ext(i, ext, -1);
	X509_EXTENSION_free(ext);
	ext = X509V3_EXT_conf_nid(NULL, NULL, NID_key_usage, "critical,digitalSignature");
	X509_add_ext(i, ext, -1);
	X509_EXTENSION_free(ext);
	assert_true(X509_sign(i, kr, EVP_sha256()) > 0);
	l = tp_cert("ku.test", kl, i, ki, NULL);
	v[2] = tp_add(ap, r);
	v[1] = tp_add(pool, i);
	v[0] = tp_add(pool, l);
	assert_int_equal(cc_build(NULL, v[0], pool, ap, &ps, &e), 0);
	assert_int_equal(ps->n, 1);
	assert_false(ps->v[0].valid);
	cc_paths_free(ps);
	/* OpenSSL's CA check or the verify step's key usage check refuses it */
	r0 = validate(v, 3, &d);
	assert_true(r0 == X509_V_ERR_INVALID_CA || r0 == X509_V_ERR_KEYUSAGE_NO_CERTSIGN);
	assert_int_equal(d, 1);
	cc_pool_free(pool);
	cc_pool_free(ap);
	X509_free(r);
	X509_free(i);
	X509_free(l);
	EVP_PKEY_free(kr);
	EVP_PKEY_free(ki);
	EVP_PKEY_free(kl);
}

/* Host names as clients check them: one trailing dot is the same name; a
 * wildcard is no name a client asks for, in matching and in validation. */
static void host_names(void **state)
{
	tp_opts_t lf = { .san = "www.host.test" };
	EVP_PKEY *k = tp_key(1);
	X509 *x = tp_cert("www.host.test", k, NULL, NULL, &lf);
	cc_pool_t *pool = cc_pool_new();
	cc_cert_t *c = tp_add(pool, x);
	cc_build_opts_t o = { .policy = CC_POLICY_LEGACY, .host = "*.host.test" };
	cc_path_t p = path_of(&c, 1);
	cc_error_t e;

	assert_true(cc_host_matches(x, "www.host.test"));
	assert_true(cc_host_matches(x, "www.host.test."));
	assert_false(cc_host_matches(x, "www.host.test.."));
	assert_false(cc_host_matches(x, "other.host.test."));
	assert_false(cc_host_matches(x, "*.host.test"));
	assert_false(cc_host_matches(x, "."));
	assert_int_equal(cc_path_validate(&p, &o, &e), CC_EINVAL);
	assert_non_null(strstr(e.msg, "wildcard"));
	o.host = "www.host.test.";
	assert_int_equal(cc_path_validate(&p, &o, &e), 0);
	assert_int_not_equal(p.verify_error, X509_V_ERR_HOSTNAME_MISMATCH);
	o.host = "other.host.test.";
	assert_int_equal(cc_path_validate(&p, &o, &e), 0);
	assert_int_equal(p.verify_error, X509_V_ERR_HOSTNAME_MISMATCH);
	cc_path_clear(&p);
	cc_pool_free(pool);
	X509_free(x);
	EVP_PKEY_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dates_and_signatures),
		cmocka_unit_test(issuer_without_keycertsign),
		cmocka_unit_test(host_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
