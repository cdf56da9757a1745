/*
 * pkcs12.c - PFX / PKCS#12: write a key + leaf + chain with OpenSSL's
 * PKCS12_create_ex (modern AES-256/PBKDF2-SHA256 or legacy 3DES/SHA-1), and
 * read any PFX bag by bag, keeping friendly names, local key ids and how each
 * part was protected. Reading decrypts in a private OSSL_LIB_CTX holding the
 * default and legacy providers, so RC2-40 files (openssl -legacy, Windows
 * exports) open without changing the process-wide OpenSSL configuration.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>

/* safeContentsBag may nest bags; real files use none, 4 levels is plenty and
 * bounds recursion on a hostile file. */
#define CC_PFX_MAX_NEST 4
/* Bags in one PFX: a server key with a long chain is < 20; 10,000 admits
 * whole-store exports while bounding memory. */
#define CC_PFX_MAX_BAGS 10000

/* ------------------------------------------------------------------ write */

int cc_pfx_write(const cc_pfx_opts_t *o, const char *pass, EVP_PKEY *key,
		 cc_cert_t *leaf, cc_cert_t *const *chain, size_t nchain,
		 unsigned char **out, size_t *outlen, cc_error_t *err)
{
	cc_pfx_opts_t d = { 0 };
	X509 *x = cc_cert_x509(leaf, err);
	STACK_OF(X509) *ca = NULL;
	PKCS12 *p12 = NULL;
	int nid_key, nid_cert, iter, len, r = 0;
	char cn[256];

	*out = NULL;
	*outlen = 0;
	if (!o)
		o = &d;
	if (!x)
		return err ? err->code : CC_EPARSE;
	iter = o->iter ? o->iter : CC_PFX_DEFAULT_ITER;
	if (iter < 1 || iter > CC_PFX_MAX_ITER)
		return cc_err(err, CC_EINVAL, "", "iteration count %d out of range "
						  "(1..%d)", iter, CC_PFX_MAX_ITER);
	if (!cc_key_matches(leaf, key))
		return cc_err(err, CC_EINVAL, cc_cert_source(leaf),
			      "the private key does not match the certificate '%s'",
			      cc_cert_name(leaf, 0, cn, sizeof(cn)));
	if (o->compat == CC_PFX_LEGACY)
		nid_key = nid_cert = NID_pbe_WithSHA1And3_Key_TripleDES_CBC;
	else
		nid_key = nid_cert = NID_aes_256_cbc; /* PBES2, PBKDF2-HMAC-SHA256 */
	if (o->no_encrypt_certs)
		nid_cert = -1;
	if (!(ca = sk_X509_new_null()))
		return cc_err(err, CC_ENOMEM, "", "out of memory");
	for (size_t i = 0; i < nchain; i++) {
		X509 *c = cc_cert_x509(chain[i], err);
		if (!c) {
			r = err ? err->code : CC_EPARSE;
			goto done;
		}
		if (!sk_X509_push(ca, c)) {
			r = cc_err(err, CC_ENOMEM, "", "out of memory");
			goto done;
		}
	}
	/* mac_iter -1: no MAC here, so that the MAC digest can be chosen below
	 * (PKCS12_create's own MAC would be SHA-1 whatever the profile). */
	p12 = PKCS12_create_ex(pass, o->name, key, x, ca, nid_key,
			       nid_cert, iter, -1, 0, NULL, NULL);
	if (!p12) {
		r = cc_err_ssl(err, CC_ECRYPTO, "", "cannot create the PFX");
		goto done;
	}
	if (!PKCS12_set_mac(p12, pass, -1, NULL, 0, iter,
			    o->compat == CC_PFX_LEGACY ? EVP_sha1() : EVP_sha256())) {
		r = cc_err_ssl(err, CC_ECRYPTO, "", "cannot add the PFX MAC");
		goto done;
	}
	if ((len = i2d_PKCS12(p12, out)) <= 0) {
		r = cc_err_ssl(err, CC_ECRYPTO, "", "cannot encode the PFX");
		goto done;
	}
	*outlen = (size_t)len;
done:
	sk_X509_free(ca); /* the X509s are borrowed from the certificates */
	PKCS12_free(p12);
	return r;
}

/* ------------------------------------------------------------------- read */

typedef struct rd {
	const char *name;
	const char *pass;
	int passlen;
	int mac_ok;        /* the password was proven right by the MAC */
	OSSL_LIB_CTX *lib; /* default + legacy providers, for decryption */
	OSSL_PROVIDER *prov[2];
	cc_pfx_t *p;
	cc_error_t *err;
} rd_t;

/*
 * Describes a PBE AlgorithmIdentifier ("PBES2 (PBKDF2 hmacWithSHA256,
 * AES-256-CBC), 2048 iterations") and returns its iteration count, or -1
 * when the parameters cannot be read.
 */
static long alg_desc(const X509_ALGOR *a, char *buf, size_t n)
{
	const ASN1_OBJECT *obj;
	const void *pval;
	int ptype, nid;
	long iter = -1;

	X509_ALGOR_get0(&obj, &ptype, &pval, a);
	nid = OBJ_obj2nid(obj);
	snprintf(buf, n, "%s", nid ? OBJ_nid2ln(nid) : "unknown algorithm");
	if (nid == NID_pbes2) {
		PBE2PARAM *p2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM),
							  a->parameter);
		PBKDF2PARAM *kp = NULL;
		if (p2 && OBJ_obj2nid(p2->keyfunc->algorithm) == NID_id_pbkdf2)
			kp = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM),
						       p2->keyfunc->parameter);
		if (p2 && kp) {
			int prf = kp->prf ? OBJ_obj2nid(kp->prf->algorithm)
					  : NID_hmacWithSHA1; /* RFC 8018 default */
			iter = ASN1_INTEGER_get(kp->iter);
			snprintf(buf, n, "PBES2 (PBKDF2 %s, %s)", OBJ_nid2sn(prf),
				 OBJ_nid2sn(OBJ_obj2nid(p2->encryption->algorithm)));
		}
		PBKDF2PARAM_free(kp);
		PBE2PARAM_free(p2);
	} else if (ptype == V_ASN1_SEQUENCE) {
		PBEPARAM *pp = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBEPARAM),
							 a->parameter);
		if (pp)
			iter = ASN1_INTEGER_get(pp->iter);
		PBEPARAM_free(pp);
	}
	ERR_clear_error();
	if (iter > 0) {
		size_t l = strlen(buf);
		snprintf(buf + l, n - l, ", %ld iteration%s", iter, iter == 1 ? "" : "s");
	}
	return iter;
}

/* Refuses work a hostile file could demand before doing it. */
static int check_iter(rd_t *r, long iter, const char *what)
{
	if (iter > CC_PFX_MAX_ITER)
		return cc_err(r->err, CC_ELIMIT, r->name, "%s asks for %ld iterations "
				  "(limit %d)", what, iter, CC_PFX_MAX_ITER);
	return 0;
}

/* A decryption failed: a wrong password unless the MAC already proved it. */
static int decrypt_failed(rd_t *r, const char *what, const char *alg)
{
	unsigned long e = ERR_peek_last_error();
	int unsupported = ERR_GET_REASON(e) == ERR_R_UNSUPPORTED ||
			  ERR_GET_REASON(e) == EVP_R_UNSUPPORTED_CIPHER ||
			  ERR_GET_REASON(e) == EVP_R_UNKNOWN_PBE_ALGORITHM;

	ERR_clear_error();
	if (unsupported)
		return cc_err(r->err, CC_ECRYPTO, r->name, "cannot decrypt %s: this "
				  "OpenSSL does not support %s (for RC2 and DES: is "
				  "its legacy provider installed?)", what, alg);
	if (!r->mac_ok)
		return cc_err(r->err, CC_EPASSWORD, "", "wrong password for %s",
			      r->name);
	return cc_err(r->err, CC_ECRYPTO, r->name, "cannot decrypt %s (%s) although "
			  "the MAC password is right", what, alg);
}

static void clean_str(char *s)
{
	for (unsigned char *q = (unsigned char *)s; *q; q++)
		if (*q < 0x20 || *q == 0x7f)
			*q = '?';
}

static cc_pfx_bag_t *new_bag(rd_t *r, const PKCS12_SAFEBAG *bag, const char *enc)
{
	cc_pfx_t *p = r->p;
	cc_pfx_bag_t *b, *nv;
	const ASN1_TYPE *kid;
	char *name;

	if (p->n >= CC_PFX_MAX_BAGS) {
		cc_err(r->err, CC_ELIMIT, r->name, "more than %d bags", CC_PFX_MAX_BAGS);
		return NULL;
	}
	if (!(nv = realloc(p->bags, (p->n + 1) * sizeof(*nv)))) {
		cc_err(r->err, CC_ENOMEM, r->name, "out of memory");
		return NULL;
	}
	p->bags = nv;
	b = &p->bags[p->n++];
	memset(b, 0, sizeof(*b));
	snprintf(b->enc, sizeof(b->enc), "%s", enc);
	if ((name = PKCS12_get_friendlyname((PKCS12_SAFEBAG *)bag))) {
		b->name = strdup(name);
		OPENSSL_free(name);
		if (b->name)
			clean_str(b->name);
	}
	kid = PKCS12_SAFEBAG_get0_attr(bag, NID_localKeyID);
	if (kid && kid->type == V_ASN1_OCTET_STRING) {
		int n = ASN1_STRING_length(kid->value.octet_string);
		b->kidlen = n > 0 && (size_t)n <= sizeof(b->kid) ? (size_t)n : 0;
		memcpy(b->kid, ASN1_STRING_get0_data(kid->value.octet_string), b->kidlen);
	}
	ERR_clear_error();
	return b;
}

static int key_bag(rd_t *r, const PKCS12_SAFEBAG *bag, const char *enc)
{
	const PKCS8_PRIV_KEY_INFO *p8 = PKCS12_SAFEBAG_get0_p8inf(bag);
	PKCS8_PRIV_KEY_INFO *dec = NULL;
	char alg[192] = "";
	cc_pfx_bag_t *b;
	EVP_PKEY *k;

	if (PKCS12_SAFEBAG_get_nid(bag) == NID_pkcs8ShroudedKeyBag) {
		const X509_SIG *sig = PKCS12_SAFEBAG_get0_pkcs8(bag);
		const X509_ALGOR *a;
		int rc;
		X509_SIG_get0(sig, &a, NULL);
		if ((rc = check_iter(r, alg_desc(a, alg, sizeof(alg)), "the key bag")))
			return rc;
		if (!(dec = PKCS8_decrypt_ex(sig, r->pass, r->passlen, r->lib, NULL)))
			return decrypt_failed(r, "the private key", alg);
		p8 = dec;
	}
	k = EVP_PKCS82PKEY(p8);
	PKCS8_PRIV_KEY_INFO_free(dec); /* cleanses the key bytes */
	if (!k)
		return cc_err_ssl(r->err, CC_EPARSE, r->name, "corrupt private key");
	if (!(b = new_bag(r, bag, alg[0] ? alg : enc))) {
		EVP_PKEY_free(k);
		return r->err ? r->err->code : CC_ENOMEM;
	}
	b->key = k;
	return 0;
}

static int cert_bag(rd_t *r, const PKCS12_SAFEBAG *bag, const char *enc)
{
	X509 *x;
	unsigned char *der = NULL;
	cc_pfx_bag_t *b;
	cc_cert_t *c = NULL;
	int n, rc;

	if (PKCS12_SAFEBAG_get_bag_nid(bag) != NID_x509Certificate)
		return 0; /* SDSI certificates: nothing we can use */
	if (!(x = PKCS12_SAFEBAG_get1_cert(bag)))
		return cc_err_ssl(r->err, CC_EPARSE, r->name, "corrupt certificate bag");
	n = i2d_X509(x, &der);
	X509_free(x);
	if (n <= 0)
		return cc_err_ssl(r->err, CC_EPARSE, r->name, "corrupt certificate bag");
	rc = cc_pool_add_der(r->p->pool, der, (size_t)n, r->name, &c, NULL, r->err);
	OPENSSL_free(der);
	if (rc)
		return rc;
	if (!(b = new_bag(r, bag, enc)))
		return r->err ? r->err->code : CC_ENOMEM;
	b->cert = c;
	return 0;
}

static int bags(rd_t *r, const STACK_OF(PKCS12_SAFEBAG) *v, const char *enc,
		int depth)
{
	int rc = 0;

	for (int i = 0; !rc && i < sk_PKCS12_SAFEBAG_num(v); i++) {
		const PKCS12_SAFEBAG *bag = sk_PKCS12_SAFEBAG_value(v, i);
		switch (PKCS12_SAFEBAG_get_nid(bag)) {
		case NID_keyBag:
		case NID_pkcs8ShroudedKeyBag:
			rc = key_bag(r, bag, enc);
			break;
		case NID_certBag:
			rc = cert_bag(r, bag, enc);
			break;
		case NID_safeContentsBag:
			if (depth >= CC_PFX_MAX_NEST)
				return cc_err(r->err, CC_ELIMIT, r->name,
					      "bags nested deeper than %d", CC_PFX_MAX_NEST);
			rc = bags(r, PKCS12_SAFEBAG_get0_safes(bag), enc, depth + 1);
			break;
		default: /* CRL and secret bags: not ours to read */
			break;
		}
	}
	return rc;
}

static int safes(rd_t *r, PKCS12 *p12)
{
	STACK_OF(PKCS7) *as = PKCS12_unpack_authsafes(p12);
	int rc = 0;

	if (!as)
		return cc_err_ssl(r->err, CC_EPARSE, r->name, "corrupt PFX contents");
	for (int i = 0; !rc && i < sk_PKCS7_num(as); i++) {
		PKCS7 *p7 = sk_PKCS7_value(as, i);
		STACK_OF(PKCS12_SAFEBAG) *v = NULL;
		char alg[192] = "";

		switch (OBJ_obj2nid(p7->type)) {
		case NID_pkcs7_data:
			if (!(v = PKCS12_unpack_p7data(p7)))
				rc = cc_err_ssl(r->err, CC_EPARSE, r->name, "corrupt bag list");
			break;
		case NID_pkcs7_encrypted: {
			PKCS7_ENC_CONTENT *ec = p7->d.encrypted ? p7->d.encrypted->enc_data : NULL;
			if (!ec || !ec->enc_data) {
				rc = cc_err(r->err, CC_EPARSE, r->name, "corrupt encrypted bag list");
				break;
			}
			if ((rc = check_iter(r, alg_desc(ec->algorithm, alg, sizeof(alg)),
					     "the certificate encryption")))
				break;
			v = PKCS12_item_decrypt_d2i_ex(ec->algorithm, ASN1_ITEM_rptr(PKCS12_SAFEBAGS),
						       r->pass, r->passlen, ec->enc_data, 1,
						       r->lib, NULL);
			if (!v)
				rc = decrypt_failed(r, "the certificates", alg);
			break;
		}
		default:
			rc = cc_err(r->err, CC_EPARSE, r->name, "uses public-key privacy "
					"mode (enveloped data), which is not supported");
		}
		if (!rc)
			rc = bags(r, v, alg, 0);
		sk_PKCS12_SAFEBAG_pop_free(v, PKCS12_SAFEBAG_free);
	}
	sk_PKCS7_pop_free(as, PKCS7_free);
	return rc;
}

/* Checks the MAC; picks the password form that opens it (see PKCS12_parse:
 * an empty password may have been applied as "no password"). */
static int mac(rd_t *r, PKCS12 *p12)
{
	const X509_ALGOR *alg;
	const ASN1_INTEGER *iter;
	const ASN1_OBJECT *obj;
	long it;

	if (!PKCS12_mac_present(p12))
		return 0;
	PKCS12_get0_mac(NULL, &alg, NULL, &iter, p12);
	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	r->p->has_mac = 1;
	snprintf(r->p->mac, sizeof(r->p->mac), "%s", OBJ_nid2sn(OBJ_obj2nid(obj)));
	it = iter ? ASN1_INTEGER_get(iter) : 1; /* absent = 1 (RFC 7292) */
	r->p->mac_iter = it;
	if (check_iter(r, it, "the MAC"))
		return r->err ? r->err->code : CC_ELIMIT;
	ERR_clear_error();
	if (PKCS12_verify_mac(p12, r->pass, r->passlen)) {
		r->mac_ok = 1;
		return 0;
	}
	if (!r->passlen && PKCS12_verify_mac(p12, NULL, 0)) {
		r->pass = NULL;
		r->mac_ok = 1;
		return 0;
	}
	if (ERR_peek_error())
		return cc_err_ssl(r->err, CC_ECRYPTO, r->name, "cannot check the MAC");
	return cc_err(r->err, CC_EPASSWORD, "", "wrong password for %s", r->name);
}

static void decrypt_ctx_free(rd_t *r)
{
	/* Each provider handle holds a reference the context's free does not drop. */
	for (int i = 0; i < 2; i++)
		if (r->prov[i])
			OSSL_PROVIDER_unload(r->prov[i]);
	OSSL_LIB_CTX_free(r->lib);
}

static int decrypt_ctx(rd_t *r)
{
	if (!(r->lib = OSSL_LIB_CTX_new()))
		return -1;
	/* Loading any provider turns off the implicit default: load both. The
	 * legacy one may be absent; then RC2/DES files say so when read. */
	if (!(r->prov[0] = OSSL_PROVIDER_load(r->lib, "default")))
		return -1;
	r->prov[1] = OSSL_PROVIDER_load(r->lib, "legacy");
	ERR_clear_error();
	return 0;
}

int cc_pfx_sniff(const unsigned char *buf, size_t len)
{
	const unsigned char *q = buf;
	PKCS12 *p12 = len && buf[0] == 0x30 ? d2i_PKCS12(NULL, &q, (long)len) : NULL;

	ERR_clear_error();
	PKCS12_free(p12);
	return p12 != NULL;
}

int cc_pfx_read(const unsigned char *der, size_t len, const char *name,
		const char *pass, cc_pfx_t **out, cc_error_t *err)
{
	const unsigned char *q = der;
	rd_t r = { 0 };
	PKCS12 *p12;
	int rc;

	*out = NULL;
	r.name = name ? name : "<memory>";
	r.pass = pass ? pass : "";
	r.passlen = (int)strlen(r.pass);
	r.err = err;
	if (len > CC_MAX_FILE_SIZE)
		return cc_err(err, CC_ELIMIT, r.name, "too large for a PFX");
	if (!len || !(p12 = d2i_PKCS12(NULL, &q, (long)len)))
		return cc_err_ssl(err, CC_EPARSE, r.name, "not a PKCS#12/PFX file");
	r.p = calloc(1, sizeof(*r.p));
	if (!r.p || !(r.p->pool = cc_pool_new())) {
		rc = cc_err(err, CC_ENOMEM, r.name, "out of memory");
		goto done;
	}
	if ((rc = mac(&r, p12)))
		goto done;
	if (!r.pass)
		r.passlen = 0;
	if (decrypt_ctx(&r)) {
		rc = cc_err_ssl(err, CC_ECRYPTO, r.name, "cannot set up OpenSSL providers");
		goto done;
	}
	rc = safes(&r, p12);
done:
	PKCS12_free(p12);
	decrypt_ctx_free(&r);
	ERR_clear_error();
	if (rc)
		cc_pfx_free(r.p);
	else
		*out = r.p;
	return rc;
}

void cc_pfx_free(cc_pfx_t *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->bags[i].name);
		EVP_PKEY_free(p->bags[i].key);
	}
	free(p->bags);
	cc_pool_free(p->pool);
	free(p);
}
