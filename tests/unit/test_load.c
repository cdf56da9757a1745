/* test_load.c - loading PEM (with junk), DER, PKCS#7, directories, bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/pkcs7.h>
#include <openssl/pem.h>

#include "testpki.h"

static EVP_PKEY *k1, *k2;
static X509 *c1, *c2;

static int setup(void **state)
{
	tp_opts_t ca = { .ca = 1 };
	k1 = tp_key(1);
	k2 = tp_key(1);
	c1 = tp_cert("Load Root", k1, NULL, NULL, &ca);
	c2 = tp_cert("leaf.load.test", k2, c1, k1, NULL);
	return 0;
}

static int teardown(void **state)
{
	X509_free(c1);
	X509_free(c2);
	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);
	return 0;
}

static int load_str(cc_pool_t *p, const char *s, cc_certlist_t *order, cc_error_t *e)
{
	return cc_pool_load_mem(p, (const unsigned char *)s, strlen(s), "mem.pem", 0,
				order, e);
}

static void pem_bundle_with_junk(void **state)
{
	char *a = tp_pem(c1), *b = tp_pem(c2), buf[16384];
	cc_pool_t *p = cc_pool_new();
	cc_certlist_t order = { 0 };
	cc_error_t e;

	snprintf(buf, sizeof(buf), "subject=junk line\r\n%s\nsome text\n%s%s\ntrailer", b, a, b);
	assert_int_equal(load_str(p, buf, &order, &e), 0);
	assert_int_equal(cc_pool_count(p), 2);     /* deduplicated */
	assert_int_equal(order.n, 3);              /* file order kept, duplicates too */
	assert_ptr_equal(order.v[0], order.v[2]);
	assert_ptr_not_equal(order.v[0], order.v[1]);
	cc_certlist_clear(&order);
	cc_pool_free(p);
	free(a);
	free(b);
}

static void der_and_concatenated_der(void **state)
{
	unsigned char *d1 = NULL, *d2 = NULL, buf[8192];
	int n1 = i2d_X509(c1, &d1), n2 = i2d_X509(c2, &d2);
	cc_pool_t *p = cc_pool_new();
	cc_error_t e;

	memcpy(buf, d1, n1);
	memcpy(buf + n1, d2, n2);
	assert_int_equal(cc_pool_load_mem(p, buf, n1, "one.der", 0, NULL, &e), 0);
	assert_int_equal(cc_pool_count(p), 1);
	assert_int_equal(cc_pool_load_mem(p, buf, n1 + n2, "two.der", 0, NULL, &e), 0);
	assert_int_equal(cc_pool_count(p), 2);
	/* truncated DER: named, parse error */
	assert_int_equal(cc_pool_load_mem(p, d2, n2 - 10, "trunc.der", 0, NULL, &e), CC_EPARSE);
	assert_string_equal(e.where, "trunc.der");
	assert_non_null(strstr(e.msg, "truncated"));
	OPENSSL_free(d1);
	OPENSSL_free(d2);
	cc_pool_free(p);
}

static void pkcs7_der_and_pem(void **state)
{
	PKCS7 *p7 = PKCS7_new();
	unsigned char *der = NULL;
	BIO *b = BIO_new(BIO_s_mem());
	char *pem;
	long n;
	int len;
	cc_pool_t *p = cc_pool_new();
	cc_certlist_t order = { 0 };
	cc_error_t e;

	assert_true(PKCS7_set_type(p7, NID_pkcs7_signed));
	assert_true(PKCS7_content_new(p7, NID_pkcs7_data));
	PKCS7_add_certificate(p7, c2);
	PKCS7_add_certificate(p7, c1);
	len = i2d_PKCS7(p7, &der);
	assert_int_equal(cc_pool_load_mem(p, der, len, "x.p7b", 0, &order, &e), 0);
	assert_int_equal(order.n, 2);
	PEM_write_bio_PKCS7(b, p7);
	n = BIO_get_mem_data(b, &pem);
	assert_int_equal(cc_pool_load_mem(p, (unsigned char *)pem, n, "x.p7c", 0, &order, &e), 0);
	assert_int_equal(order.n, 4);
	assert_int_equal(cc_pool_count(p), 2);
	BIO_free(b);
	OPENSSL_free(der);
	PKCS7_free(p7);
	cc_certlist_clear(&order);
	cc_pool_free(p);
}

static void bad_inputs(void **state)
{
	cc_pool_t *p = cc_pool_new();
	cc_error_t e;
	BIO *b = BIO_new(BIO_s_mem());
	char *key, *pem = tp_pem(c1), trunc[8192];
	long n;

	assert_int_equal(cc_pool_load_mem(p, (const unsigned char *)"", 0, "empty.pem", 0, NULL, &e), CC_EPARSE);
	assert_non_null(strstr(e.msg, "empty"));
	assert_int_equal(load_str(p, "hello world, no cert here\n", NULL, &e), CC_EPARSE);
	assert_string_equal(e.where, "mem.pem");
	PEM_write_bio_PrivateKey(b, k1, NULL, NULL, 0, NULL, NULL);
	n = BIO_get_mem_data(b, &key);
	assert_int_equal(cc_pool_load_mem(p, (unsigned char *)key, n, "key.pem", 0, NULL, &e), CC_EPARSE);
	assert_non_null(strstr(e.msg, "private key"));
	/* a PEM block cut in the middle */
	snprintf(trunc, sizeof(trunc), "%.*s", (int)strlen(pem) / 2, pem);
	assert_int_equal(load_str(p, trunc, NULL, &e), CC_EPARSE);
	assert_non_null(strstr(e.msg, "no END line"));
	/* valid base64 that is not a certificate */
	assert_int_equal(load_str(p, "-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n", NULL, &e), CC_EPARSE);
	assert_non_null(strstr(e.msg, "line 1"));
	/* base64 garbage */
	assert_int_equal(load_str(p, "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", NULL, &e), CC_EPARSE);
	/* a file that does not exist */
	assert_int_equal(cc_pool_load(p, "/nonexistent/x.pem", 0, NULL, &e), CC_EIO);
	assert_string_equal(e.where, "/nonexistent/x.pem");
	/* ALLOW_EMPTY: text without certificates is fine */
	assert_int_equal(cc_pool_load_mem(p, (const unsigned char *)"text", 4, "t", CC_LOAD_ALLOW_EMPTY, NULL, &e), 0);
	assert_int_equal(cc_pool_count(p), 0);
	BIO_free(b);
	free(pem);
	cc_pool_free(p);
}

static void directory(void **state)
{
	char dir[] = "/tmp/cc-unit-XXXXXX", path[256];
	char *a = tp_pem(c1), *b = tp_pem(c2);
	FILE *f;
	cc_pool_t *p = cc_pool_new();
	cc_error_t e;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a.pem", dir);
	f = fopen(path, "w"); fputs(a, f); fclose(f);
	snprintf(path, sizeof(path), "%s/b.crt", dir);
	f = fopen(path, "w"); fputs(b, f); fclose(f);
	snprintf(path, sizeof(path), "%s/README", dir);
	f = fopen(path, "w"); fputs("not a cert\n", f); fclose(f);
	assert_int_equal(cc_pool_load(p, dir, 0, NULL, &e), 0);
	assert_int_equal(cc_pool_count(p), 2);
	/* given as "DIR/": the files are still DIR/a.pem, not DIR//a.pem */
	cc_pool_free(p);
	p = cc_pool_new();
	snprintf(path, sizeof(path), "%s/", dir);
	assert_int_equal(cc_pool_load(p, path, 0, NULL, &e), 0);
	assert_int_equal(cc_pool_count(p), 2);
	snprintf(path, sizeof(path), "%s/a.pem", dir);
	assert_string_equal(cc_cert_source(cc_pool_get(p, 0)), path);
	snprintf(path, sizeof(path), "%s/README", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/a.pem", dir); unlink(path);
	snprintf(path, sizeof(path), "%s/b.crt", dir); unlink(path);
	rmdir(dir);
	free(a);
	free(b);
	cc_pool_free(p);
}

/* cc_path_fmt: one separator between a directory and a name. */
static void path_fmt(void **state)
{
	char out[32];

	assert_int_equal(cc_path_fmt(out, sizeof(out), "dir", "%s", "a.pem"), 9);
	assert_string_equal(out, "dir/a.pem");
	cc_path_fmt(out, sizeof(out), "dir/", "%s", "a.pem");
	assert_string_equal(out, "dir/a.pem");
	cc_path_fmt(out, sizeof(out), "dir///", "%s.%s", "a", "pem");
	assert_string_equal(out, "dir/a.pem");
	cc_path_fmt(out, sizeof(out), "/", "etc");
	assert_string_equal(out, "/etc");
	cc_path_fmt(out, sizeof(out), "", "etc");
	assert_string_equal(out, "/etc");
	/* too small: snprintf's answer, the length the whole would take */
	assert_int_equal(cc_path_fmt(out, 5, "dir/", "%s", "a.pem"), 9);
	assert_string_equal(out, "dir/");
	assert_int_equal(cc_path_fmt(out, 3, "dir/", "%s", "a.pem"), 9);
	assert_string_equal(out, "di");
}

static void cert_accessors(void **state)
{
	cc_pool_t *p = cc_pool_new();
	cc_cert_t *root = tp_add(p, c1), *leaf = tp_add(p, c2);
	char buf[256], hex[65];
	unsigned char *der = NULL, md[32];
	int n = i2d_X509(c2, &der);
	unsigned int mdlen;

	assert_true(cc_cert_self_issued(root));
	assert_false(cc_cert_self_issued(leaf));
	assert_true(cc_cert_is_ca(root));
	assert_false(cc_cert_is_ca(leaf));
	assert_string_equal(cc_cert_name(leaf, 0, buf, sizeof(buf)), "leaf.load.test");
	assert_string_equal(cc_cert_name(leaf, 1, buf, sizeof(buf)), "Load Root");
	assert_string_equal(cc_cert_key_desc(leaf, buf, sizeof(buf)), "EC P-256");
	EVP_Digest(der, n, md, &mdlen, EVP_sha256(), NULL);
	assert_memory_equal(cc_cert_sha256(leaf), md, 32);
	cc_cert_sha256_hex(leaf, hex);
	assert_int_equal(strlen(hex), 64);
	assert_ptr_equal(cc_pool_find_sha256(p, md), leaf);
	OPENSSL_free(der);
	cc_pool_free(p);
}

static void time_parse(void **state)
{
	time_t t;
	char s[32];
	assert_int_equal(cc_time_parse("2026-01-02T03:04:05Z", &t), 0);
	assert_string_equal(cc_time_str(t, s), "2026-01-02T03:04:05Z");
	assert_int_equal(cc_time_parse("2026-01-02T05:04:05+02:00", &t), 0);
	assert_string_equal(cc_time_str(t, s), "2026-01-02T03:04:05Z");
	assert_int_equal(cc_time_parse("@86400", &t), 0);
	assert_int_equal(t, 86400);
	assert_int_equal(cc_time_parse("2026-01-02", &t), 0);
	assert_int_equal(cc_time_parse("yesterday", &t), CC_EINVAL);
	assert_int_equal(cc_time_parse("2026-13-02", &t), CC_EINVAL);
	assert_int_equal(cc_time_parse("2026-01-02T03:04:05", &t), CC_EINVAL);
	assert_int_equal(cc_time_parse("@12x", &t), CC_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pem_bundle_with_junk),
		cmocka_unit_test(der_and_concatenated_der),
		cmocka_unit_test(pkcs7_der_and_pem),
		cmocka_unit_test(bad_inputs),
		cmocka_unit_test(directory),
		cmocka_unit_test(path_fmt),
		cmocka_unit_test(cert_accessors),
		cmocka_unit_test(time_parse),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
