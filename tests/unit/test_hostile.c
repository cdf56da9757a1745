/* test_hostile.c - inputs made to hurt: 10,000 certificates with one subject
 * name, a cross-sign cycle of 50 roots, a 100-deep chain, a 10 MB PEM,
 * duplicate extensions, negative serials, names with embedded NULs. Each
 * must end in bounded time with a clear outcome. All generated here with the
 * OpenSSL API. CPU limits scale with CERTCHAIN_TIME_SCALE (sanitizers,
 * valgrind), and under valgrind (scale >= 100) the big counts shrink 10x. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "internal.h"
#include "testpki.h"

static double scale(void)
{
	const char *s = getenv("CERTCHAIN_TIME_SCALE");
	double v = s ? atof(s) : 1.0;
	return v > 0 ? v : 1.0;
}

static double cpu_since(clock_t t0)
{
	return (double)(clock() - t0) / CLOCKS_PER_SEC / scale();
}

/* 10,000 certificates with the issuer's name and no key identifiers, each a
 * distinct DER with a bad signature (a hostile file need not sign anything):
 * only a signature check tells them from the real issuer. */
static void ten_thousand_one_subject(void **state)
{
	int n = scale() >= 100 ? 1000 : 10000;
	tp_opts_t ca = { .ca = 1, .no_kid = 1 }, lf = { .no_kid = 1 };
	EVP_PKEY *kr = tp_key(1), *kl = tp_key(1);
	X509 *r = tp_cert("Crowded Root", kr, NULL, NULL, &ca);
	X509 *l = tp_cert("crowded.test", kl, r, kr, &lf);
	const ASN1_INTEGER *sn = X509_get0_serialNumber(r);
	unsigned char *der = NULL, *at;
	int len = i2d_X509(r, &der);
	cc_pool_t *pool = cc_pool_new(), *ap = cc_pool_new();
	cc_cert_t *leaf;
	cc_paths_t *ps;
	cc_error_t e;
	/* certificates without key identifiers: the search is tested, not RFC 5280 */
	cc_build_opts_t legacy = { .policy = CC_POLICY_LEGACY };
	clock_t t0;

	at = memmem(der, (size_t)len, ASN1_STRING_get0_data(sn), (size_t)ASN1_STRING_length(sn));
	assert_non_null(at);
	for (int i = 0; i < n; i++) {
		at[ASN1_STRING_length(sn) - 1] = (unsigned char)i;
		at[ASN1_STRING_length(sn) - 2] = (unsigned char)(i >> 8);
		at[ASN1_STRING_length(sn) - 3] ^= 0x55; /* never the real serial */
		assert_int_equal(cc_pool_add_der(pool, der, (size_t)len, "decoy", NULL, NULL, &e), 0);
		at[ASN1_STRING_length(sn) - 3] ^= 0x55;
	}
	assert_int_equal(cc_pool_count(pool), (size_t)n);
	leaf = tp_add(pool, l);
	tp_add(ap, r);
	t0 = clock();
	assert_int_equal(cc_build(&legacy, leaf, pool, ap, &ps, &e), 0);
	cc_paths_rank(ps, 0, NULL, NULL);
	assert_int_equal(cc_paths_best(ps), 0); /* the real root is still found */
	assert_int_equal(ps->v[0].certs.n, 2);
	assert_true(ps->sigchecks <= CC_DEFAULT_MAX_SIGCHECKS);
	assert_true(ps->nrej <= 4 * CC_DEFAULT_MAX_PATHS); /* report stays bounded */
	assert_true(cpu_since(t0) < 3.0);
	cc_paths_free(ps);
	/* a budget smaller than the crowd: cut short, and said so */
	{
		cc_build_opts_t o = { .max_sigchecks = 100 };
		assert_int_equal(cc_build(&o, leaf, pool, ap, &ps, &e), 0);
		assert_true(ps->truncated);
		assert_non_null(strstr(ps->limit_hit, "budget"));
		assert_true(ps->sigchecks <= 100);
		cc_paths_free(ps);
	}
	OPENSSL_free(der);
	cc_pool_free(pool);
	cc_pool_free(ap);
	X509_free(r);
	X509_free(l);
	EVP_PKEY_free(kr);
	EVP_PKEY_free(kl);
}

/* Root i is cross-signed by root i+1, all around a ring of 50: the search
 * must not go round, and must still find the anchor ten steps up. */
static void cross_sign_cycle_of_50_roots(void **state)
{
	enum { N = 50, ANCHOR = 10 };
	tp_opts_t ca = { .ca = 1 };
	EVP_PKEY *k[N], *ki = tp_key(1), *kl = tp_key(1);
	X509 *self[N], *cross[N], *im, *l;
	cc_pool_t *pool = cc_pool_new(), *ap = cc_pool_new();
	cc_cert_t *leaf;
	cc_paths_t *ps;
	cc_error_t e;
	/* certificates without key identifiers: the search is tested, not RFC 5280 */
	cc_build_opts_t legacy = { .policy = CC_POLICY_LEGACY };
	clock_t t0;

	for (int i = 0; i < N; i++) {
		char cn[32];
		snprintf(cn, sizeof(cn), "Ring Root %d", i);
		k[i] = tp_key(1);
		self[i] = tp_cert(cn, k[i], NULL, NULL, &ca);
	}
	for (int i = 0; i < N; i++) { /* subject and key of root i, signed by i+1 */
		int j = (i + 1) % N;
		cross[i] = tp_cert("x", k[i], self[j], k[j], &ca);
		X509_set_subject_name(cross[i], X509_get_subject_name(self[i]));
		X509_EXTENSION_free(X509_delete_ext(cross[i], X509_get_ext_by_NID(cross[i], NID_subject_key_identifier, -1)));
		assert_true(X509_sign(cross[i], k[j], EVP_sha256()) > 0);
		tp_add(pool, cross[i]);
	}
	im = tp_cert("Ring Issuing CA", ki, self[0], k[0], &ca);
	l = tp_cert("ring.test", kl, im, ki, NULL);
	tp_add(pool, im);
	leaf = tp_add(pool, l);
	tp_add(ap, self[ANCHOR]);
	t0 = clock();
	assert_int_equal(cc_build(&legacy, leaf, pool, ap, &ps, &e), 0);
	cc_paths_rank(ps, 0, NULL, NULL);
	assert_int_equal(cc_paths_best(ps), 0);
	/* leaf, issuing CA, crosses 0..ANCHOR-1, the anchor */
	assert_int_equal(ps->v[0].certs.n, 2 + ANCHOR + 1);
	assert_true(cpu_since(t0) < 2.0);
	cc_paths_free(ps);
	/* with the anchor 40 steps away the depth limit ends it, and says so */
	cc_pool_free(ap);
	ap = cc_pool_new();
	tp_add(ap, self[40]);
	assert_int_equal(cc_build(&legacy, leaf, pool, ap, &ps, &e), 0);
	assert_int_equal(ps->n, 0);
	assert_true(ps->truncated);
	assert_non_null(strstr(ps->limit_hit, "depth"));
	cc_paths_free(ps);
	for (int i = 0; i < N; i++) {
		X509_free(self[i]);
		X509_free(cross[i]);
		EVP_PKEY_free(k[i]);
	}
	X509_free(im);
	X509_free(l);
	EVP_PKEY_free(ki);
	EVP_PKEY_free(kl);
	cc_pool_free(pool);
	cc_pool_free(ap);
}

/* A chain 100 CAs deep: beyond the depth limit, refused quickly and named. */
static void hundred_deep_chain(void **state)
{
	enum { D = 100 };
	tp_opts_t ca = { .ca = 1 };
	EVP_PKEY *k = tp_key(1); /* one key for all: the names differ */
	X509 *x[D + 1];
	cc_pool_t *pool = cc_pool_new(), *ap = cc_pool_new();
	cc_cert_t *leaf = NULL;
	cc_paths_t *ps;
	cc_error_t e;
	clock_t t0;

	x[0] = tp_cert("Deep 0", k, NULL, NULL, &ca);
	tp_add(ap, x[0]);
	for (int i = 1; i <= D; i++) {
		char cn[32];
		snprintf(cn, sizeof(cn), i == D ? "deep.test" : "Deep %d", i);
		x[i] = tp_cert(cn, k, x[i - 1], k, i == D ? NULL : &ca);
		leaf = tp_add(pool, x[i]);
	}
	t0 = clock();
	assert_int_equal(cc_build(NULL, leaf, pool, ap, &ps, &e), 0);
	assert_int_equal(ps->n, 0);
	assert_true(ps->truncated);
	assert_string_equal(ps->limit_hit, "depth limit");
	assert_true(ps->sigchecks <= CC_DEFAULT_MAX_DEPTH + 1);
	assert_true(cpu_since(t0) < 1.0);
	cc_paths_free(ps);
	for (int i = 0; i <= D; i++)
		X509_free(x[i]);
	EVP_PKEY_free(k);
	cc_pool_free(pool);
	cc_pool_free(ap);
}

/* 10 MB of PEM: thousands of copies of two certificates between junk lines.
 * Loads in bounded time, deduplicated, every occurrence in the order. */
static void ten_megabyte_pem(void **state)
{
	size_t want = 10u * 1024 * 1024, len = 0;
	EVP_PKEY *k = tp_key(1);
	tp_opts_t ca = { .ca = 1 };
	X509 *a = tp_cert("Big A", k, NULL, NULL, &ca), *b = tp_cert("Big B", k, NULL, NULL, &ca);
	char *pa = tp_pem(a), *pb = tp_pem(b), *buf = malloc(want + 4096);
	const char *junk = "# a line of text between blocks, as bundles have\n";
	cc_pool_t *p = cc_pool_new();
	cc_certlist_t order = { 0 };
	cc_error_t e;
	size_t copies = 0;
	clock_t t0;

	assert_non_null(buf);
	while (len + strlen(pa) + strlen(junk) < want) {
		const char *c = copies % 2 ? pb : pa;
		memcpy(buf + len, c, strlen(c));
		len += strlen(c);
		memcpy(buf + len, junk, strlen(junk));
		len += strlen(junk);
		copies++;
	}
	t0 = clock();
	assert_int_equal(cc_pool_load_mem(p, (unsigned char *)buf, len, "big.pem", 0, &order, &e), 0);
	assert_true(cpu_since(t0) < 2.0);
	assert_int_equal(cc_pool_count(p), 2);
	assert_int_equal(order.n, copies);
	assert_true(len > 10u * 1000 * 1000);
	cc_certlist_clear(&order);
	cc_pool_free(p);
	free(buf);
	free(pa);
	free(pb);
	X509_free(a);
	X509_free(b);
	EVP_PKEY_free(k);
}

static void add_raw_ext(X509 *x, int nid, const char *val)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, NULL, nid, val);
	assert_non_null(ext);
	assert_true(X509_add_ext(x, ext, -1));
	X509_EXTENSION_free(ext);
}

/* Two basicConstraints in one CA, a negative serial on another: loaded and
 * reported without a crash; OpenSSL's judgement of them stands. */
static void duplicate_extensions_and_negative_serial(void **state)
{
	tp_opts_t ca = { .ca = 1 };
	EVP_PKEY *kr = tp_key(1), *ki = tp_key(1), *kl = tp_key(1);
	X509 *r = tp_cert("Odd Root", kr, NULL, NULL, &ca);
	X509 *dup = tp_cert("Dup CA", ki, r, kr, &ca), *l;
	ASN1_INTEGER *neg = ASN1_INTEGER_new();
	cc_pool_t *pool = cc_pool_new(), *ap = cc_pool_new();
	cc_cert_t *leaf, *cd;
	cc_paths_t *ps;
	cc_buf_t b = { 0 };
	cc_error_t e;
	char fp[65];

	add_raw_ext(dup, NID_basic_constraints, "critical,CA:TRUE");
	assert_true(X509_sign(dup, kr, EVP_sha256()) > 0);
	l = tp_cert("odd.test", kl, dup, ki, NULL);
	ASN1_INTEGER_set(neg, -5);
	X509_set_serialNumber(l, neg);
	assert_true(X509_sign(l, ki, EVP_sha256()) > 0);
	tp_add(ap, r);
	cd = tp_add(pool, dup);
	leaf = tp_add(pool, l);
	assert_non_null(cc_cert_x509(leaf, NULL));
	{
		json_t *j = cc_cert_json(leaf);
		cc_buf_json(&b, j);
		json_decref(j);
	}
	cc_cert_sha256_hex(leaf, fp);
	assert_non_null(strstr(b.s, fp));
	cc_buf_clear(&b);
	assert_int_equal(cc_build(NULL, leaf, pool, ap, &ps, &e), 0);
	cc_paths_rank(ps, 0, NULL, NULL);
	/* the duplicated extension makes the CA unusable for OpenSSL */
	assert_int_equal(cc_paths_best(ps), -1);
	assert_true(ps->n >= 1);
	assert_ptr_equal(ps->v[0].certs.v[1], cd);
	assert_true(strlen(ps->v[0].reason) > 0);
	cc_paths_free(ps);
	ASN1_INTEGER_free(neg);
	X509_free(r);
	X509_free(dup);
	X509_free(l);
	EVP_PKEY_free(kr);
	EVP_PKEY_free(ki);
	EVP_PKEY_free(kl);
	cc_pool_free(pool);
	cc_pool_free(ap);
}

/* A leaf whose CN and DNS name hide a NUL ("www.good.test\0.evil.test"):
 * printed with the NUL made visible, never matched as www.good.test. */
static void names_with_embedded_nul(void **state)
{
	static const unsigned char evil[] = "www.good.test\0.evil.test";
	tp_opts_t ca = { .ca = 1 }, lf = { .san = "placeholder.test" };
	EVP_PKEY *kr = tp_key(1), *kl = tp_key(1);
	X509 *r = tp_cert("NUL Root", kr, NULL, NULL, &ca), *l = tp_cert("x", kl, r, kr, &lf);
	X509_NAME *n = X509_NAME_new();
	GENERAL_NAMES *gens = GENERAL_NAMES_new();
	GENERAL_NAME *gn = GENERAL_NAME_new();
	ASN1_IA5STRING *ia5 = ASN1_IA5STRING_new();
	cc_pool_t *pool = cc_pool_new(), *ap = cc_pool_new();
	cc_build_opts_t o = { .host = "www.good.test" };
	cc_cert_t *leaf;
	cc_paths_t *ps;
	cc_buf_t b = { 0 };
	cc_error_t e;
	char buf[256];

	X509_NAME_add_entry_by_txt(n, "CN", V_ASN1_UTF8STRING, evil, sizeof(evil) - 1, -1, 0);
	X509_set_subject_name(l, n);
	ASN1_STRING_set(ia5, evil, sizeof(evil) - 1);
	GENERAL_NAME_set0_value(gn, GEN_DNS, ia5);
	sk_GENERAL_NAME_push(gens, gn);
	X509_EXTENSION_free(X509_delete_ext(l, X509_get_ext_by_NID(l, NID_subject_alt_name, -1)));
	assert_true(X509_add1_ext_i2d(l, NID_subject_alt_name, gens, 0, 0));
	assert_true(X509_sign(l, kr, EVP_sha256()) > 0);
	leaf = tp_add(pool, l);
	tp_add(ap, r);
	assert_string_equal(cc_cert_name(leaf, 0, buf, sizeof(buf)), "www.good.test?.evil.test");
	{
		json_t *j = cc_cert_json(leaf);
		cc_buf_json(&b, j);
		json_decref(j);
	}
	assert_null(memchr(b.s, 0, b.n));
	assert_non_null(strstr(b.s, "www.good.test"));
	cc_buf_clear(&b);
	assert_int_equal(cc_build(&o, leaf, pool, ap, &ps, &e), 0);
	cc_paths_rank(ps, 0, NULL, NULL);
	assert_int_equal(ps->n, 1);
	assert_int_equal(cc_paths_best(ps), -1); /* the host does not match */
	assert_int_equal(ps->v[0].verify_error, X509_V_ERR_HOSTNAME_MISMATCH);
	cc_paths_free(ps);
	GENERAL_NAMES_free(gens);
	X509_NAME_free(n);
	X509_free(r);
	X509_free(l);
	EVP_PKEY_free(kr);
	EVP_PKEY_free(kl);
	cc_pool_free(pool);
	cc_pool_free(ap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ten_thousand_one_subject),
		cmocka_unit_test(cross_sign_cycle_of_50_roots),
		cmocka_unit_test(hundred_deep_chain),
		cmocka_unit_test(ten_megabyte_pem),
		cmocka_unit_test(duplicate_extensions_and_negative_serial),
		cmocka_unit_test(names_with_embedded_nul),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
