/* testpki.c - see testpki.h. */
#include "testpki.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ct.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

static void die(const char *what)
{
	fprintf(stderr, "testpki: %s failed\n", what);
	abort();
}

EVP_PKEY *tp_key(int ec)
{
	EVP_PKEY *k = ec ? EVP_EC_gen("P-256") : EVP_RSA_gen(2048);
	if (!k)
		die("key generation");
	return k;
}

static void ext(X509 *x, X509 *iss, int nid, const char *val)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, iss, x, NULL, NULL, 0);
	if (!(e = X509V3_EXT_conf_nid(NULL, &ctx, nid, val)) || !X509_add_ext(x, e, -1))
		die("extension");
	X509_EXTENSION_free(e);
}

/* The SCT list extension with one v1 SCT per nonzero o->sct[i]: a made-up
 * log id and signature (nothing here checks them), the given timestamps. */
static void scts(X509 *x, const tp_opts_t *o)
{
	STACK_OF(SCT) *l = sk_SCT_new_null();
	int n = 0;

	for (int i = 0; i < 3; i++) {
		SCT *s;
		unsigned char *id, *sig;
		if (!o->sct[i])
			continue;
		s = SCT_new();
		id = OPENSSL_zalloc(32);
		sig = OPENSSL_zalloc(8);
		if (!s || !id || !sig)
			die("SCT_new");
		id[0] = (unsigned char)i;
		memcpy(sig, "\x30\x06\x02\x01\x01\x02\x01\x01", 8);
		if (!SCT_set_version(s, SCT_VERSION_V1) || !SCT_set0_log_id(s, id, 32))
			die("SCT_set");
		SCT_set_timestamp(s, (uint64_t)o->sct[i] * 1000);
		SCT_set_signature_nid(s, NID_ecdsa_with_SHA256);
		SCT_set0_signature(s, sig, 8);
		sk_SCT_push(l, s);
		n++;
	}
	if (n && X509_add1_ext_i2d(x, NID_ct_precert_scts, l, 0, X509V3_ADD_DEFAULT) != 1)
		die("SCT list extension");
	SCT_LIST_free(l);
}

X509 *tp_cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key,
	      const tp_opts_t *o)
{
	tp_opts_t d = { 0 };
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	unsigned char serial[8];
	BIGNUM *bn;
	char san[300];

	if (!o)
		o = &d;
	if (!x || !n)
		die("X509_new");
	X509_set_version(x, 2);
	RAND_bytes(serial, sizeof(serial));
	serial[0] &= 0x7f;
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	BN_free(bn);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"certchain unit", -1, -1, 0);
	for (int i = 0; i < o->ous; i++) {
		char ou[64];
		snprintf(ou, sizeof(ou), "Organisational Unit Number %03d of %s", i,
			 cn ? cn : "no CN");
		X509_NAME_add_entry_by_txt(n, "OU", MBSTRING_UTF8, (const unsigned char *)ou, -1,
					   -1, 0);
	}
	if (cn)
		X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1,
					   -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509_NAME_free(n);
	X509_gmtime_adj(X509_getm_notBefore(x), o->from ? o->from : -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), o->to ? o->to : 365L * 86400);
	X509_set_pubkey(x, key);
	if (o->ca) {
		ext(x, issuer ? issuer : x, NID_basic_constraints, "critical,CA:TRUE");
		ext(x, issuer ? issuer : x, NID_key_usage, "critical,keyCertSign,cRLSign");
	} else {
		ext(x, issuer ? issuer : x, NID_basic_constraints, "critical,CA:FALSE");
		ext(x, issuer ? issuer : x, NID_ext_key_usage, "serverAuth");
		snprintf(san, sizeof(san), "DNS:%s", o->san ? o->san : cn ? cn : "no-cn.test");
		ext(x, issuer ? issuer : x, NID_subject_alt_name, san);
	}
	if (!o->no_kid) {
		ext(x, issuer ? issuer : x, NID_subject_key_identifier, "hash");
		ext(x, issuer ? issuer : x, NID_authority_key_identifier, "keyid:always");
	}
	scts(x, o);
	if (!X509_sign(x, issuer_key ? issuer_key : key, o->sha1 ? EVP_sha1() : EVP_sha256()))
		die("X509_sign");
	return x;
}

cc_cert_t *tp_add(cc_pool_t *pool, X509 *x)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);
	cc_cert_t *c = NULL;
	cc_error_t err;

	cc_error_clear(&err);
	if (n <= 0 || cc_pool_add_der(pool, der, (size_t)n, "unit", &c, NULL, &err))
		die("cc_pool_add_der");
	OPENSSL_free(der);
	return c;
}

char *tp_pem(X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out;
	long n;

	if (!b || !PEM_write_bio_X509(b, x))
		die("PEM_write_bio_X509");
	n = BIO_get_mem_data(b, &data);
	out = malloc((size_t)n + 1);
	memcpy(out, data, (size_t)n);
	out[n] = 0;
	BIO_free(b);
	return out;
}

int tp_dir_make(char *dir)
{
	return mkdtemp(dir) ? 0 : -1;
}

int tp_dir_remove(const char *dir)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}
