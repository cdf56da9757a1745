/* test_der.c - the fast paths of loading: the canonical Name hash that
 * replaces a d2i_X509_NAME per certificate, and line-wise base64 decoding.
 * Each fast path is checked against what OpenSSL itself says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "internal.h"
#include "testpki.h"

/* One attribute: short name, ASN.1 string type, value (ASCII or UTF-8). */
typedef struct attr {
	const char *field;
	int type; /* V_ASN1_* string type, or MBSTRING_UTF8 */
	const char *val;
	int same_rdn; /* 1: join the previous attribute's RDN */
} attr_t;

/* A Name from attributes; BMPString values are given in ASCII and widened. */
static X509_NAME *mkname(const attr_t *a, size_t n)
{
	X509_NAME *nm = X509_NAME_new();

	for (size_t i = 0; i < n; i++) {
		unsigned char buf[256];
		int len = (int)strlen(a[i].val), set = a[i].same_rdn ? -1 : 0;
		const unsigned char *v = (const unsigned char *)a[i].val;
		if (a[i].type == V_ASN1_BMPSTRING || a[i].type == V_ASN1_UNIVERSALSTRING) {
			int w = a[i].type == V_ASN1_BMPSTRING ? 2 : 4;
			memset(buf, 0, sizeof(buf));
			for (int k = 0; k < len; k++)
				buf[k * w + w - 1] = v[k];
			v = buf;
			len *= w;
		}
		assert_true(X509_NAME_add_entry_by_txt(nm, a[i].field, a[i].type, v, len,
						       -1, set));
	}
	return nm;
}

static uint64_t hash_of(X509_NAME *nm, int *ok)
{
	unsigned char *der = NULL;
	int n = i2d_X509_NAME(nm, &der);
	uint64_t h;

	assert_true(n > 0);
	h = cc_der_name_canon_hash(der, (size_t)n, ok);
	OPENSSL_free(der);
	return h;
}

/* Pairs OpenSSL calls equal must hash equal, whatever the encoding. */
static void equal_names_hash_equal(void **state)
{
	const attr_t base[] = { { "C", V_ASN1_PRINTABLESTRING, "DE", 0 },
				{ "O", V_ASN1_UTF8STRING, "Example Trust GmbH", 0 },
				{ "CN", V_ASN1_UTF8STRING, "Example Root CA 1", 0 } };
	const attr_t variants[][3] = {
		{ { "C", V_ASN1_PRINTABLESTRING, "de", 0 },
		  { "O", V_ASN1_PRINTABLESTRING, "  EXAMPLE   trust gmbh ", 0 },
		  { "CN", V_ASN1_UTF8STRING, "example root ca 1", 0 } },
		{ { "C", V_ASN1_UTF8STRING, "DE", 0 },
		  { "O", V_ASN1_BMPSTRING, "Example Trust GmbH", 0 },
		  { "CN", V_ASN1_T61STRING, "Example  Root CA 1", 0 } },
		{ { "C", V_ASN1_IA5STRING, "De", 0 },
		  { "O", V_ASN1_UNIVERSALSTRING, "example trust gmbh", 0 },
		  { "CN", V_ASN1_UTF8STRING, "EXAMPLE ROOT CA 1", 0 } },
	};
	X509_NAME *a = mkname(base, 3);
	int ok;
	uint64_t h = hash_of(a, &ok);

	assert_true(ok);
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		X509_NAME *b = mkname(variants[i], 3);
		int ok2;
		assert_int_equal(X509_NAME_cmp(a, b), 0); /* OpenSSL: equal */
		assert_true(hash_of(b, &ok2) == h);
		assert_true(ok2);
		X509_NAME_free(b);
	}
	X509_NAME_free(a);
}

/* Names that differ in content, attribute type or RDN structure differ. */
static void different_names_hash_different(void **state)
{
	const attr_t a1[] = { { "O", V_ASN1_UTF8STRING, "Example", 0 },
			      { "CN", V_ASN1_UTF8STRING, "Root 1", 0 } };
	const attr_t a2[] = { { "O", V_ASN1_UTF8STRING, "Example", 0 },
			      { "CN", V_ASN1_UTF8STRING, "Root 2", 0 } };
	const attr_t a3[] = { { "O", V_ASN1_UTF8STRING, "Example", 0 },
			      { "OU", V_ASN1_UTF8STRING, "Root 1", 0 } };
	const attr_t a4[] = { { "O", V_ASN1_UTF8STRING, "Example", 0 },
			      { "CN", V_ASN1_UTF8STRING, "Root 1", 1 } };
	X509_NAME *n1 = mkname(a1, 2), *others[3] = { mkname(a2, 2), mkname(a3, 2),
						       mkname(a4, 2) };
	int ok;
	uint64_t h = hash_of(n1, &ok);

	for (int i = 0; i < 3; i++) {
		assert_int_not_equal(X509_NAME_cmp(n1, others[i]), 0);
		assert_true(hash_of(others[i], &ok) != h);
		X509_NAME_free(others[i]);
	}
	X509_NAME_free(n1);
}

/* Non-ASCII text: UTF-8 and BMP of the same characters agree; an empty name
 * hashes; truncated or non-Name DER is refused, not misread. */
static void non_ascii_empty_and_malformed(void **state)
{
	X509_NAME *u = X509_NAME_new(), *b = X509_NAME_new(), *e = X509_NAME_new();
	ASN1_STRING *bmp = NULL;
	unsigned char *der = NULL;
	int ok, n;
	uint64_t h;

	X509_NAME_add_entry_by_txt(u, "CN", MBSTRING_UTF8,
				   (const unsigned char *)"Z\xc3\xbcrich Gr\xc3\xbc\xc3\x9f" "e", -1, -1, 0);
	/* the same text, converted to a BMPString by OpenSSL */
	assert_true(ASN1_mbstring_copy(&bmp, (const unsigned char *)"Z\xc3\xbcrich Gr\xc3\xbc\xc3\x9f" "e",
				       -1, MBSTRING_UTF8, B_ASN1_BMPSTRING) > 0);
	assert_int_equal(ASN1_STRING_type(bmp), V_ASN1_BMPSTRING);
	X509_NAME_add_entry_by_NID(b, NID_commonName, V_ASN1_BMPSTRING, ASN1_STRING_get0_data(bmp),
				   ASN1_STRING_length(bmp), -1, 0);
	ASN1_STRING_free(bmp);
	assert_int_equal(X509_NAME_cmp(u, b), 0);
	assert_true(hash_of(u, &ok) == hash_of(b, &ok));
	h = hash_of(e, &ok);
	assert_true(ok);
	n = i2d_X509_NAME(u, &der);
	(void)cc_der_name_canon_hash(der, (size_t)n - 3, &ok);
	assert_false(ok);
	(void)cc_der_name_canon_hash((const unsigned char *)"\x04\x01x", 3, &ok);
	assert_false(ok);
	(void)h;
	OPENSSL_free(der);
	X509_NAME_free(u);
	X509_NAME_free(b);
	X509_NAME_free(e);
}

/* The pool's canonical fallback finds an issuer whose subject is a BMPString
 * in other case while the child names it with PrintableStrings. */
static void pool_finds_issuer_across_string_types(void **state)
{
	tp_opts_t ca = { .ca = 1, .no_kid = 1 }, lf = { .no_kid = 1 };
	EVP_PKEY *kr = tp_key(1), *kl = tp_key(1);
	const attr_t rs[] = { { "O", V_ASN1_BMPSTRING, "Wide Names Inc", 0 },
			      { "CN", V_ASN1_BMPSTRING, "Wide Root", 0 } };
	const attr_t is[] = { { "O", V_ASN1_PRINTABLESTRING, "WIDE NAMES INC", 0 },
			      { "CN", V_ASN1_PRINTABLESTRING, "wide  root", 0 } };
	X509 *r = tp_cert("x", kr, NULL, NULL, &ca), *l;
	X509_NAME *rn = mkname(rs, 2), *in = mkname(is, 2);
	cc_pool_t *pool = cc_pool_new();
	cc_certlist_t out = { 0 };
	cc_cert_t *leaf, *root;

	X509_set_subject_name(r, rn);
	X509_set_issuer_name(r, rn);
	assert_true(X509_sign(r, kr, EVP_sha256()) > 0);
	l = tp_cert("wide.test", kl, r, kr, &lf);
	X509_set_issuer_name(l, in);
	assert_true(X509_sign(l, kr, EVP_sha256()) > 0);
	root = tp_add(pool, r);
	for (int i = 0; i < 50; i++) { /* decoys with other names */
		char cn[32];
		X509 *d;
		snprintf(cn, sizeof(cn), "Decoy %d", i);
		d = tp_cert(cn, kl, NULL, NULL, &ca);
		tp_add(pool, d);
		X509_free(d);
	}
	leaf = tp_add(pool, l);
	assert_int_equal(cc_pool_issuers_of(pool, leaf, &out), 1);
	assert_ptr_equal(out.v[0], root);
	cc_certlist_clear(&out);
	cc_pool_free(pool);
	X509_NAME_free(rn);
	X509_NAME_free(in);
	X509_free(r);
	X509_free(l);
	EVP_PKEY_free(kr);
	EVP_PKEY_free(kl);
}

/* PEM bodies in every shape a file may have: each must give exactly the DER. */
static void pem_line_shapes(void **state)
{
	EVP_PKEY *k = tp_key(1);
	X509 *x = tp_cert("pem.shapes.test", k, NULL, NULL, NULL);
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);
	const int widths[] = { 64, 76, 4, 65, 7, 100000 };
	char *b64 = malloc((size_t)n * 2 + 16), *pem = malloc((size_t)n * 4 + 256);

	assert_int_equal(EVP_EncodeBlock((unsigned char *)b64, der, n) % 4, 0);
	for (int crlf = 0; crlf < 2; crlf++)
		for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
			cc_pool_t *p = cc_pool_new();
			cc_certlist_t order = { 0 };
			cc_error_t e;
			size_t len = strlen(b64), o = 0;
			size_t dl;
			o += (size_t)sprintf(pem + o, "-----BEGIN CERTIFICATE-----%s\n",
					     crlf ? "\r" : "");
			for (size_t i = 0; i < len; i += (size_t)widths[w])
				o += (size_t)sprintf(pem + o, "%.*s%s\n", widths[w], b64 + i,
						     crlf ? "\r" : "");
			o += (size_t)sprintf(pem + o, "-----END CERTIFICATE-----\n");
			assert_int_equal(cc_pool_load_mem(p, (unsigned char *)pem, o, "s.pem",
							  0, &order, &e), 0);
			assert_int_equal(order.n, 1);
			assert_memory_equal(cc_cert_der(order.v[0], &dl), der, (size_t)n);
			assert_int_equal(dl, (size_t)n);
			cc_certlist_clear(&order);
			cc_pool_free(p);
		}
	{ /* padding in the middle, then more data: refused as before */
		cc_pool_t *p = cc_pool_new();
		cc_error_t e;
		const char *bad = "-----BEGIN CERTIFICATE-----\nMA==\nMAAA\n"
				  "-----END CERTIFICATE-----\n";
		assert_int_equal(cc_pool_load_mem(p, (const unsigned char *)bad,
						  strlen(bad), "pad.pem", 0, NULL, &e),
				 CC_EPARSE);
		assert_string_equal(e.where, "pad.pem");
		cc_pool_free(p);
	}
	free(b64);
	free(pem);
	OPENSSL_free(der);
	X509_free(x);
	EVP_PKEY_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(equal_names_hash_equal),
		cmocka_unit_test(different_names_hash_different),
		cmocka_unit_test(non_ascii_empty_and_malformed),
		cmocka_unit_test(pool_finds_issuer_across_string_types),
		cmocka_unit_test(pem_line_shapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
