/* test_pkcs12.c - PFX write/read round trips (modern, legacy, plain
 * certificates), RC2-40 files through the private legacy-provider context,
 * wrong passwords with and without a MAC, mismatched keys, file contents
 * and the shared chain choice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>

#include "testpki.h"

typedef struct fix {
	EVP_PKEY *kr, *ki, *kl;
	X509 *r, *i, *l;
	cc_pool_t *pool;
	cc_cert_t *root, *ica, *leaf;
} fix_t;

static void fix_make(fix_t *f, int ec)
{
	tp_opts_t ca = { .ca = 1 };

	f->kr = tp_key(1);
	f->ki = tp_key(1);
	f->kl = tp_key(ec);
	f->r = tp_cert("P12 Root", f->kr, NULL, NULL, &ca);
	f->i = tp_cert("P12 ICA", f->ki, f->r, f->kr, &ca);
	f->l = tp_cert("p12.test", f->kl, f->i, f->ki, NULL);
	f->pool = cc_pool_new();
	f->leaf = tp_add(f->pool, f->l);
	f->ica = tp_add(f->pool, f->i);
	f->root = tp_add(f->pool, f->r);
}

static void fix_free(fix_t *f)
{
	X509_free(f->r); X509_free(f->i); X509_free(f->l);
	EVP_PKEY_free(f->kr); EVP_PKEY_free(f->ki); EVP_PKEY_free(f->kl);
	cc_pool_free(f->pool);
}

static int same_cert(cc_cert_t *a, cc_cert_t *b)
{
	return !memcmp(cc_cert_sha256(a), cc_cert_sha256(b), 32);
}

/* Writes a PFX of leaf + ica + key and reads it back. */
static cc_pfx_t *round_trip(fix_t *f, const cc_pfx_opts_t *o, const char *pass,
			    const char *readpass, int *rc)
{
	unsigned char *der = NULL;
	size_t len = 0;
	cc_pfx_t *p = NULL;
	cc_error_t e;

	cc_error_clear(&e);
	assert_int_equal(cc_pfx_write(o, pass, f->kl, f->leaf, &f->ica, 1, &der, &len, &e), 0);
	assert_true(len > 100);
	assert_true(cc_pfx_sniff(der, len));
	*rc = cc_pfx_read(der, len, "t.pfx", readpass, &p, &e);
	if (*rc == CC_EPASSWORD)
		assert_string_equal(e.msg, "wrong password for t.pfx");
	OPENSSL_free(der);
	return p;
}

static void check_bags(fix_t *f, cc_pfx_t *p, const char *name)
{
	assert_int_equal(p->n, 3);
	/* certificates in order, then the key */
	assert_non_null(p->bags[0].cert);
	assert_true(same_cert(p->bags[0].cert, f->leaf));
	assert_non_null(p->bags[1].cert);
	assert_true(same_cert(p->bags[1].cert, f->ica));
	assert_non_null(p->bags[2].key);
	assert_true(cc_key_matches(p->bags[0].cert, p->bags[2].key));
	assert_false(cc_key_matches(p->bags[1].cert, p->bags[2].key));
	/* friendly name and local key id on exactly the leaf and key bags */
	assert_string_equal(p->bags[0].name, name);
	assert_string_equal(p->bags[2].name, name);
	assert_null(p->bags[1].name);
	assert_int_equal(p->bags[0].kidlen, 20);
	assert_int_equal(p->bags[2].kidlen, 20);
	assert_memory_equal(p->bags[0].kid, p->bags[2].kid, 20);
	assert_int_equal(p->bags[1].kidlen, 0);
}

static void modern_round_trip(void **s)
{
	fix_t f;
	cc_pfx_opts_t o = { .name = "Server ü" };
	int rc;
	cc_pfx_t *p;

	fix_make(&f, 1);
	p = round_trip(&f, &o, "pw", "pw", &rc);
	assert_int_equal(rc, 0);
	check_bags(&f, p, "Server ü");
	assert_true(p->has_mac);
	assert_string_equal(p->mac, "SHA256");
	assert_int_equal(p->mac_iter, CC_PFX_DEFAULT_ITER);
	for (size_t i = 0; i < 3; i++) {
		assert_non_null(strstr(p->bags[i].enc, "AES-256-CBC"));
		assert_non_null(strstr(p->bags[i].enc, "hmacWithSHA256"));
		assert_non_null(strstr(p->bags[i].enc, "2048 iterations"));
	}
	cc_pfx_free(p);
	fix_free(&f);
}

static void legacy_round_trip_rsa(void **s)
{
	fix_t f;
	cc_pfx_opts_t o = { .compat = CC_PFX_LEGACY, .name = "legacy" };
	int rc;
	cc_pfx_t *p;

	fix_make(&f, 0);
	p = round_trip(&f, &o, "pw", "pw", &rc);
	assert_int_equal(rc, 0);
	check_bags(&f, p, "legacy");
	assert_string_equal(p->mac, "SHA1");
	for (size_t i = 0; i < 3; i++)
		assert_non_null(strstr(p->bags[i].enc, "pbeWithSHA1And3-KeyTripleDES-CBC"));
	cc_pfx_free(p);
	fix_free(&f);
}

static void plain_certificates(void **s)
{
	fix_t f;
	cc_pfx_opts_t o = { .no_encrypt_certs = 1, .iter = 3000 };
	int rc;
	cc_pfx_t *p;

	fix_make(&f, 1);
	p = round_trip(&f, &o, "pw", "pw", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(p->bags[0].enc, "");
	assert_string_equal(p->bags[1].enc, "");
	assert_non_null(strstr(p->bags[2].enc, "3000 iterations"));
	assert_int_equal(p->mac_iter, 3000);
	assert_null(p->bags[0].name); /* no name asked for */
	cc_pfx_free(p);
	fix_free(&f);
}

static void wrong_password(void **s)
{
	fix_t f;
	cc_pfx_opts_t modern = { 0 }, legacy = { .compat = CC_PFX_LEGACY };
	int rc;

	fix_make(&f, 1);
	assert_null(round_trip(&f, &modern, "right", "wrong", &rc));
	assert_int_equal(rc, CC_EPASSWORD);
	assert_null(round_trip(&f, &legacy, "right", "", &rc));
	assert_int_equal(rc, CC_EPASSWORD);
	fix_free(&f);
}

static void mismatched_key(void **s)
{
	fix_t f;
	unsigned char *der = (unsigned char *)"x";
	size_t len = 1;
	cc_error_t e;

	fix_make(&f, 1);
	cc_error_clear(&e);
	assert_int_equal(cc_pfx_write(NULL, "pw", f.ki, f.leaf, NULL, 0, &der, &len, &e),
			 CC_EINVAL);
	assert_null(der);
	assert_int_equal(len, 0);
	assert_non_null(strstr(e.msg, "does not match"));
	fix_free(&f);
}

/* A PFX made with OpenSSL directly (no MAC, or RC2-40 certificates). */
static unsigned char *raw_pfx(fix_t *f, OSSL_LIB_CTX *lib, int nid_cert,
			      int mac_iter, const char *pass, size_t *len)
{
	STACK_OF(X509) *ca = sk_X509_new_null();
	PKCS12 *p12;
	unsigned char *der = NULL;
	int n;

	sk_X509_push(ca, f->i);
	p12 = PKCS12_create_ex(pass, "raw", f->kl, f->l, ca, NID_aes_256_cbc, nid_cert,
			       2048, mac_iter, 0, lib, NULL);
	assert_non_null(p12);
	n = i2d_PKCS12(p12, &der);
	assert_true(n > 0);
	*len = (size_t)n;
	PKCS12_free(p12);
	sk_X509_free(ca);
	return der;
}

static void rc2_needs_and_gets_legacy(void **s)
{
	fix_t f;
	OSSL_LIB_CTX *lib = OSSL_LIB_CTX_new();
	OSSL_PROVIDER *leg, *def;
	unsigned char *der;
	size_t len;
	cc_pfx_t *p = NULL;
	cc_error_t e;
	EVP_CIPHER *rc2;

	fix_make(&f, 1);
	leg = OSSL_PROVIDER_load(lib, "legacy");
	def = OSSL_PROVIDER_load(lib, "default");
	if (!leg)
		skip(); /* no legacy module on this machine */
	der = raw_pfx(&f, lib, NID_pbe_WithSHA1And40BitRC2_CBC, 2048, "pw", &len);
	cc_error_clear(&e);
	assert_int_equal(cc_pfx_read(der, len, "rc2.pfx", "pw", &p, &e), 0);
	assert_int_equal(p->n, 3);
	assert_non_null(strstr(p->bags[0].enc, "RC2"));
	assert_string_equal(p->bags[0].name, "raw");
	/* the legacy provider was loaded for the read only, not process-wide */
	rc2 = EVP_CIPHER_fetch(NULL, "RC2-40-CBC", NULL);
	assert_null(rc2);
	EVP_CIPHER_free(rc2);
	ERR_clear_error();
	cc_pfx_free(p);
	OPENSSL_free(der);
	OSSL_PROVIDER_unload(leg);
	OSSL_PROVIDER_unload(def);
	OSSL_LIB_CTX_free(lib);
	fix_free(&f);
}

static void no_mac(void **s)
{
	fix_t f;
	unsigned char *der;
	size_t len;
	cc_pfx_t *p = NULL;
	cc_error_t e;

	fix_make(&f, 1);
	der = raw_pfx(&f, NULL, NID_aes_256_cbc, -1, "pw", &len);
	cc_error_clear(&e);
	/* without a MAC, a wrong password shows when decryption fails */
	assert_int_equal(cc_pfx_read(der, len, "nomac.pfx", "nope", &p, &e), CC_EPASSWORD);
	assert_null(p);
	assert_int_equal(cc_pfx_read(der, len, "nomac.pfx", "pw", &p, &e), 0);
	assert_false(p->has_mac);
	assert_int_equal(p->n, 3);
	cc_pfx_free(p);
	OPENSSL_free(der);
	fix_free(&f);
}

static void empty_password(void **s)
{
	fix_t f;
	cc_pfx_opts_t o = { .name = "empty" };
	int rc;
	cc_pfx_t *p;

	fix_make(&f, 1);
	p = round_trip(&f, &o, "", "", &rc);
	assert_int_equal(rc, 0);
	check_bags(&f, p, "empty");
	cc_pfx_free(p);
	fix_free(&f);
}

static void bad_input(void **s)
{
	fix_t f;
	cc_pfx_opts_t o = { .iter = CC_PFX_MAX_ITER + 1 };
	unsigned char junk[] = "not a pfx at all", *der = NULL;
	size_t len;
	cc_pfx_t *p = NULL;
	cc_error_t e;

	fix_make(&f, 1);
	cc_error_clear(&e);
	assert_false(cc_pfx_sniff(junk, sizeof(junk)));
	assert_int_equal(cc_pfx_read(junk, sizeof(junk), "junk", "pw", &p, &e), CC_EPARSE);
	assert_string_equal(e.where, "junk");
	assert_int_equal(cc_pfx_write(&o, "pw", f.kl, f.leaf, NULL, 0, &der, &len, &e), CC_EINVAL);
	o.iter = 0;
	assert_int_equal(cc_pfx_write(&o, "pw", f.kl, f.leaf, NULL, 0, &der, &len, &e), 0);
	/* every truncation is an error, never a crash */
	for (size_t cut = 1; cut < len; cut += len / 23 + 1) {
		int r = cc_pfx_read(der, cut, "cut", "pw", &p, &e);
		assert_true(r < 0);
		assert_null(p);
	}
	OPENSSL_free(der);
	fix_free(&f);
}

/* A hostile MAC iteration count is refused before any work (the check runs
 * first: without it this test would take hours). */
static void hostile_iterations(void **s)
{
	fix_t f;
	cc_pfx_opts_t o = { .iter = 2 };
	unsigned char *der = NULL, *der2 = NULL;
	const unsigned char *q;
	const ASN1_INTEGER *iter = NULL;
	size_t len;
	PKCS12 *p12;
	cc_pfx_t *p = NULL;
	cc_error_t e;
	int n;

	fix_make(&f, 1);
	cc_error_clear(&e);
	assert_int_equal(cc_pfx_write(&o, "pw", f.kl, f.leaf, NULL, 0, &der, &len, &e), 0);
	q = der;
	p12 = d2i_PKCS12(NULL, &q, (long)len);
	assert_non_null(p12);
	PKCS12_get0_mac(NULL, NULL, NULL, &iter, p12);
	assert_non_null(iter);
	ASN1_INTEGER_set((ASN1_INTEGER *)iter, 2000000000L);
	n = i2d_PKCS12(p12, &der2);
	assert_true(n > 0);
	assert_int_equal(cc_pfx_read(der2, (size_t)n, "hostile.pfx", "pw", &p, &e), CC_ELIMIT);
	assert_null(p);
	assert_non_null(strstr(e.msg, "2000000000 iterations"));
	PKCS12_free(p12);
	OPENSSL_free(der);
	OPENSSL_free(der2);
	fix_free(&f);
}

static void contents_of_pem_bundle(void **s)
{
	fix_t f;
	cc_buf_t b = { 0 };
	cc_pfx_t *p = NULL;
	cc_error_t e;
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;

	fix_make(&f, 1);
	cc_error_clear(&e);
	/* leaf, its key, an encrypted key, the CA */
	PEM_write_bio_X509(bio, f.l);
	PEM_write_bio_PrivateKey(bio, f.kl, NULL, NULL, 0, NULL, NULL);
	PEM_write_bio_PKCS8PrivateKey(bio, f.ki, EVP_aes_256_cbc(), "x", 1, NULL, NULL);
	PEM_write_bio_X509(bio, f.i);
	n = BIO_get_mem_data(bio, &data);
	assert_int_equal(cc_contents_read((unsigned char *)data, (size_t)n, "b.pem", NULL, &p, &e), 0);
	assert_false(p->is_pfx);
	assert_int_equal(p->n, 3); /* two certificates, one readable key */
	assert_int_equal(p->encrypted_keys, 1);
	assert_true(same_cert(p->bags[0].cert, f.leaf));
	assert_true(same_cert(p->bags[1].cert, f.ica));
	assert_true(cc_key_matches(p->bags[0].cert, p->bags[2].key));
	/* the key as PEM comes back whole (the one call that shows it) */
	assert_int_equal(cc_key_pem(p->bags[2].key, &b, &e), 0);
	assert_non_null(strstr(b.s, "BEGIN PRIVATE KEY"));
	cc_buf_clear(&b);
	cc_pfx_free(p);
	BIO_free(bio);
	fix_free(&f);
}

static void chain_choice(void **s)
{
	fix_t f;
	cc_pool_t *anchors = cc_pool_new(), *none = cc_pool_new();
	cc_certlist_t out = { 0 };
	cc_error_t e;

	fix_make(&f, 1);
	tp_add(anchors, f.r);
	cc_error_clear(&e);
	assert_int_equal(cc_chain_choose(NULL, f.leaf, f.pool, anchors, NULL, &out, &e), 0);
	assert_int_equal(out.n, 2); /* leaf, issuing CA; the anchor left out */
	assert_ptr_equal(out.v[0], f.leaf);
	assert_ptr_equal(out.v[1], f.ica);
	cc_certlist_clear(&out);
	assert_int_equal(cc_chain_choose(NULL, f.leaf, f.pool, none, NULL, &out, &e), CC_ENOTFOUND);
	assert_int_equal(out.n, 0);
	assert_non_null(strstr(e.msg, "no trusted chain"));
	cc_pool_free(anchors);
	cc_pool_free(none);
	fix_free(&f);
}

/* Old and new root, the new one cross-signed by the old. Without profiles
 * the shorter chain wins; with one profile per root, the chain through the
 * cross-sign, which both trust, wins: the choice follows 'build'. */
static void chain_choice_follows_profiles(void **s)
{
	tp_opts_t ca = { .ca = 1 };
	EVP_PKEY *ko = tp_key(1), *kn = tp_key(1), *ki = tp_key(1), *kl = tp_key(1);
	X509 *old = tp_cert("Old Root", ko, NULL, NULL, &ca);
	X509 *nw = tp_cert("New Root", kn, NULL, NULL, &ca);
	X509 *cross = tp_cert("New Root", kn, old, ko, &ca);
	X509 *ica = tp_cert("Choice ICA", ki, nw, kn, &ca);
	X509 *l = tp_cert("choice.test", kl, ica, ki, NULL);
	cc_pool_t *pool = cc_pool_new(), *both = cc_pool_new(), *po = cc_pool_new(),
		  *pn = cc_pool_new();
	cc_profiles_t *profs = cc_profiles_new();
	cc_cert_t *leaf = tp_add(pool, l), *ci = tp_add(pool, ica), *cx = tp_add(pool, cross);
	cc_certlist_t out = { 0 };
	cc_error_t e;

	cc_error_clear(&e);
	tp_add(both, old);
	tp_add(both, nw);
	tp_add(po, old);
	tp_add(pn, nw);
	assert_int_equal(cc_chain_choose(NULL, leaf, pool, both, NULL, &out, &e), 0);
	assert_int_equal(out.n, 2);
	assert_ptr_equal(out.v[1], ci);
	cc_certlist_clear(&out);
	assert_int_equal(cc_profiles_add_pool(profs, "old", po, CC_BEHAVIOUR_PATHBUILD, 1, NULL, &e), 0);
	assert_int_equal(cc_profiles_add_pool(profs, "new", pn, CC_BEHAVIOUR_PATHBUILD, 1, NULL, &e), 0);
	assert_int_equal(cc_chain_choose(NULL, leaf, pool, NULL, profs, &out, &e), 0);
	assert_int_equal(out.n, 3);
	assert_ptr_equal(out.v[0], leaf);
	assert_ptr_equal(out.v[1], ci);
	assert_ptr_equal(out.v[2], cx);
	cc_certlist_clear(&out);
	cc_profiles_free(profs);
	cc_pool_free(pool); cc_pool_free(both); cc_pool_free(po); cc_pool_free(pn);
	X509_free(old); X509_free(nw); X509_free(cross); X509_free(ica); X509_free(l);
	EVP_PKEY_free(ko); EVP_PKEY_free(kn); EVP_PKEY_free(ki); EVP_PKEY_free(kl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(modern_round_trip),
		cmocka_unit_test(legacy_round_trip_rsa),
		cmocka_unit_test(plain_certificates),
		cmocka_unit_test(wrong_password),
		cmocka_unit_test(mismatched_key),
		cmocka_unit_test(rc2_needs_and_gets_legacy),
		cmocka_unit_test(no_mac),
		cmocka_unit_test(empty_password),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(hostile_iterations),
		cmocka_unit_test(contents_of_pem_bundle),
		cmocka_unit_test(chain_choice),
		cmocka_unit_test(chain_choice_follows_profiles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
