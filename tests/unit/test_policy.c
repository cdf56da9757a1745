/* test_policy.c - every rule of the validation policies (policy.c), each
 * with a failing case (one certificate of a good chain changed) and a
 * passing one (the good chain; and, for most rules, the same bad chain
 * under a policy that does not enforce the rule). Certificates are made with
 * the OpenSSL API, like testpki.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/dsa.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "internal.h"
#include "testpki.h"

#define ROOT_EXT "basicConstraints=critical,CA:TRUE\n" \
		 "keyUsage=critical,keyCertSign,cRLSign\n" \
		 "subjectKeyIdentifier=hash\n"
/* rawAKI: the intermediate names its issuer's key even when the root
 * lacks a subjectKeyIdentifier (the missing-ski case) */
#define ICA_EXT ROOT_EXT "rawAKI\n"
/* rawAKI here too: the intermediate may lack an SKI (missing-ski) */
#define LEAF_BASE "basicConstraints=critical,CA:FALSE\n" \
		  "keyUsage=critical,digitalSignature\n" \
		  "subjectKeyIdentifier=hash\nrawAKI\n"
#define LEAF_EXT LEAF_BASE "extendedKeyUsage=serverAuth\n" \
		 "subjectAltName=DNS:www.policy.test\n"

/* Keys a case may ask for instead of the default P-256. */
enum { K_DEFAULT, K_P192, K_P224, K_RSA1024, K_RSA2052, K_DSA, K_P384, K_RSA2048,
       K_EC_EXPLICIT };
/* Digests a case may sign with instead of SHA-256. */
enum { MD_SHA256, MD_SHA1, MD_SHA224, MD_MD5 };

static void die(const char *what)
{
	fprintf(stderr, "test_policy: %s failed\n", what);
	abort();
}

/* DSA 2048 (224-bit q): strong enough for OpenSSL's level 2, not in the BR. */
static EVP_PKEY *dsa_key(void)
{
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "DSA", NULL), *kc = NULL;
	EVP_PKEY *params = NULL, *k = NULL;

	if (pc && EVP_PKEY_paramgen_init(pc) > 0 &&
	    EVP_PKEY_CTX_set_dsa_paramgen_bits(pc, 2048) > 0 &&
	    EVP_PKEY_paramgen(pc, &params) > 0 &&
	    (kc = EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL)) &&
	    EVP_PKEY_keygen_init(kc) > 0)
		EVP_PKEY_keygen(kc, &k);
	EVP_PKEY_CTX_free(kc);
	EVP_PKEY_CTX_free(pc);
	EVP_PKEY_free(params);
	return k;
}

/* A P-256 public key whose SubjectPublicKeyInfo spells out the curve's
 * parameters instead of naming it (RFC 5480 2.1.1 forbids that in PKIX).
 * Read back from DER, as a verifier would, so OpenSSL knows it came from
 * explicit parameters. Public only: the case uses it as a leaf's key. */
static EVP_PKEY *explicit_key(void)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *k = NULL, *pub = NULL;
	unsigned char *der = NULL;
	const unsigned char *p;
	int n;

	if (c && EVP_PKEY_keygen_init(c) > 0 &&
	    EVP_PKEY_CTX_set_group_name(c, "P-256") > 0 &&
	    EVP_PKEY_CTX_set_ec_param_enc(c, OPENSSL_EC_EXPLICIT_CURVE) > 0 &&
	    EVP_PKEY_keygen(c, &k) > 0 && (n = i2d_PUBKEY(k, &der)) > 0) {
		p = der;
		pub = d2i_PUBKEY(NULL, &p, n);
	}
	OPENSSL_free(der);
	EVP_PKEY_free(k);
	EVP_PKEY_CTX_free(c);
	return pub;
}

static EVP_PKEY *key_of(int kind)
{
	static EVP_PKEY *dsa; /* DSA parameters take seconds: made once */
	EVP_PKEY *k = NULL;

	switch (kind) {
	case K_P192: k = EVP_EC_gen("P-192"); break;
	case K_P224: k = EVP_EC_gen("P-224"); break;
	case K_RSA1024: k = EVP_RSA_gen(1024); break;
	case K_RSA2052: k = EVP_RSA_gen(2052); break;
	case K_P384: k = EVP_EC_gen("P-384"); break;
	case K_RSA2048: k = EVP_RSA_gen(2048); break;
	case K_EC_EXPLICIT: k = explicit_key(); break;
	case K_DSA:
		if (!dsa)
			dsa = dsa_key();
		if (dsa && EVP_PKEY_up_ref(dsa))
			k = dsa;
		break;
	default: k = tp_key(1);
	}
	if (!k) {
		fprintf(stderr, "key kind %d: ", kind);
		die("key generation");
	}
	return k;
}

/* The authorityKeyIdentifier keyid = SHA-1 of iss's key, whether or not
 * iss has a subjectKeyIdentifier ("keyid:always" needs one). */
static void raw_aki(X509 *x, X509 *iss)
{
	AUTHORITY_KEYID *a = AUTHORITY_KEYID_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!a || !X509_pubkey_digest(iss, EVP_sha1(), md, &n) ||
	    !(a->keyid = ASN1_OCTET_STRING_new()) ||
	    !ASN1_OCTET_STRING_set(a->keyid, md, (int)n) ||
	    X509_add1_ext_i2d(x, NID_authority_key_identifier, a, 0, X509V3_ADD_DEFAULT) != 1)
		die("raw AKI");
	AUTHORITY_KEYID_free(a);
}

/* Name constraints with neither permitted nor excluded subtrees. */
static void empty_nc(X509 *x)
{
	NAME_CONSTRAINTS *nc = NAME_CONSTRAINTS_new();

	if (!nc || X509_add1_ext_i2d(x, NID_name_constraints, nc, 1, X509V3_ADD_DEFAULT) != 1)
		die("empty name constraints");
	NAME_CONSTRAINTS_free(nc);
}

/* The TBS signature field of a signed x given an explicit NULL parameter
 * (ECDSA takes none), and x signed again by ik over that TBS, so the
 * signature verifies. Unless both, the outer signatureAlgorithm keeps its
 * absent parameter and the two fields differ (RFC 5280 4.1.1.2 wants them
 * identical). */
static void sig_alg_null(X509 *x, EVP_PKEY *ik, int both)
{
	const X509_ALGOR *a = X509_get0_tbs_sigalg(x), *outer;
	const ASN1_BIT_STRING *sig;
	EVP_MD_CTX *mc = EVP_MD_CTX_new();
	unsigned char *tbs = NULL, s[256];
	size_t sn = sizeof(s);
	int n;

	X509_get0_signature(&sig, &outer, x);
	if (both && !X509_ALGOR_set0((X509_ALGOR *)outer, OBJ_nid2obj(NID_ecdsa_with_SHA256),
				     V_ASN1_NULL, NULL))
		die("signature algorithm");
	if (!mc || !X509_ALGOR_set0((X509_ALGOR *)a, OBJ_nid2obj(NID_ecdsa_with_SHA256),
				    V_ASN1_NULL, NULL) ||
	    (n = i2d_re_X509_tbs(x, &tbs)) <= 0 ||
	    EVP_DigestSignInit(mc, NULL, EVP_sha256(), NULL, ik) <= 0 ||
	    EVP_DigestSign(mc, s, &sn, tbs, (size_t)n) <= 0 ||
	    !ASN1_BIT_STRING_set((ASN1_BIT_STRING *)sig, s, (int)sn))
		die("signature algorithm");
	OPENSSL_free(tbs);
	EVP_MD_CTX_free(mc);
}

/* ext: "name=value" lines (X509V3 config syntax), plus the pseudo lines
 * "rawAKI", "emptyNC", "longSerial", "serialZero", "serialNegative",
 * "emptyIssuer", "v1" (version 1 whatever the
 * extensions), "sigAlgNull" and "sigAlgNullBoth" (sig_alg_null after
 * signing); NULL makes a v1 certificate without extensions. */
static X509 *mk(const char *cn, EVP_PKEY *k, X509 *iss, EVP_PKEY *ik,
		const char *ext, int md)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	unsigned char serial[8];
	BIGNUM *bn;
	char buf[1024], *line, *save = NULL;
	int null_sig_param = 0;
	const EVP_MD *d = md == MD_SHA1 ? EVP_sha1() : md == MD_SHA224 ? EVP_sha224()
			  : md == MD_MD5 ? EVP_md5() : EVP_sha256();

	if (!x || !n)
		die("X509_new");
	X509_set_version(x, ext ? X509_VERSION_3 : X509_VERSION_1);
	RAND_bytes(serial, sizeof(serial));
	serial[0] &= 0x7f;
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	BN_free(bn);
	if (cn) {
		X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"policy unit", -1, -1, 0);
		X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	}
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, iss ? X509_get_subject_name(iss) : n);
	X509_NAME_free(n);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400);
	X509_set_pubkey(x, k);
	snprintf(buf, sizeof(buf), "%s", ext ? ext : "");
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		X509V3_CTX ctx;
		X509_EXTENSION *e;
		if (!strcmp(line, "rawAKI")) {
			raw_aki(x, iss ? iss : x);
			continue;
		}
		if (!strcmp(line, "v1")) {
			X509_set_version(x, X509_VERSION_1);
			continue;
		}
		if (!strncmp(line, "sigAlgNull", 10)) {
			null_sig_param = strcmp(line, "sigAlgNullBoth") ? 1 : 2;
			continue;
		}
		if (!strcmp(line, "emptyNC")) {
			empty_nc(x);
			continue;
		}
		if (!strcmp(line, "serialZero") || !strcmp(line, "serialNegative")) {
			ASN1_INTEGER *sn = X509_get_serialNumber(x);
			if (!ASN1_INTEGER_set(sn, line[6] == 'Z' ? 0 : -4660))
				die(line);
			continue;
		}
		if (!strcmp(line, "emptyIssuer")) { /* no certificate has that name */
			X509_NAME *none = X509_NAME_new();
			if (!none || !X509_set_issuer_name(x, none))
				die(line);
			X509_NAME_free(none);
			continue;
		}
		if (!strcmp(line, "longSerial")) { /* 21 octets: one too many */
			unsigned char big[21];
			memset(big, 0x42, sizeof(big));
			bn = BN_bin2bn(big, sizeof(big), NULL);
			BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
			BN_free(bn);
			continue;
		}
		if (!eq)
			die(line);
		*eq = 0;
		X509V3_set_ctx_nodb(&ctx);
		X509V3_set_ctx(&ctx, iss ? iss : x, x, NULL, NULL, 0);
		if (!(e = X509V3_EXT_nconf(NULL, &ctx, line, eq + 1)) || !X509_add_ext(x, e, -1))
			die(line);
		X509_EXTENSION_free(e);
	}
	if (!X509_sign(x, ik ? ik : k, EVP_PKEY_is_a(ik ? ik : k, "DSA") && md == MD_SHA256
					   ? EVP_sha256() : d))
		die("X509_sign");
	if (null_sig_param)
		sig_alg_null(x, ik ? ik : k, null_sig_param == 2);
	return x;
}

/* One case: a good root -> intermediate -> leaf chain with one certificate
 * changed. who: 0 leaf, 1 intermediate, 2 root. */
typedef struct tcase {
	const char *rule;  /* the rule it breaks; NULL: the chain is valid */
	int who;
	const char *ext;   /* that certificate's extensions ("" = default) */
	int key, md;       /* that certificate's key / the digest signing it */
	int empty_subject; /* that certificate's subject is empty */
	unsigned pass;     /* bit per policy (1 << CC_POLICY_*) that accepts it */
	const char *host;  /* checked against the leaf, or NULL */
	const char *also;  /* another rule the findings must name, or NULL */
} tcase_t;

#define WEB (1u << CC_POLICY_WEBPKI)
#define STRICT (1u << CC_POLICY_RFC5280)
#define LEGACY (1u << CC_POLICY_LEGACY)
#define ALL (WEB | STRICT | LEGACY)

static const tcase_t cases[] = {
	/* the good chain, and what every policy must accept */
	{ NULL, 0, "", 0, 0, 0, ALL, "www.policy.test", NULL },
	{ NULL, 0, LEAF_EXT, 0, 0, 0, ALL, NULL, NULL },
	/* RFC 5280 4.2.1.9: a leaf's pathLenConstraint is accepted */
	{ NULL, 0, "basicConstraints=critical,CA:FALSE,pathlen:0\n"
		   "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
		   "subjectAltName=DNS:www.policy.test\nsubjectKeyIdentifier=hash\n"
		   "authorityKeyIdentifier=keyid:always\n", 0, 0, 0, ALL, "www.policy.test", NULL },
	/* a SHA-1 self-signed anchor stays usable: its signature is not judged */
	{ NULL, 2, "", 0, MD_SHA1, 0, ALL, "www.policy.test", NULL },
	/* a CA certificate's own chain (no host): CA rules, not leaf rules */
	{ NULL, 0, "basicConstraints=critical,CA:TRUE\n"
		   "keyUsage=critical,digitalSignature,keyCertSign,cRLSign\n"
		   "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n",
	  0, 0, 0, ALL, NULL, NULL },
	/* P-384 and RSA 2048 keys are in the BR list */
	{ NULL, 0, "", K_P384, 0, 0, ALL, NULL, NULL },
	{ NULL, 1, "", K_RSA2048, 0, 0, ALL, NULL, NULL },

	/* RFC 5280 strict, through OpenSSL */
	{ "missing-aki", 0, "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
			    "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:www.policy.test\n",
	  0, 0, 0, LEGACY, NULL, NULL },
	/* on a certificate the client verifies; on the anchor: anchor_cases */
	{ "missing-ski", 1, "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
			    "rawAKI\n", 0, 0, 0, LEGACY, NULL, NULL },
	{ "bc-not-critical", 1, "basicConstraints=CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
				"subjectKeyIdentifier=hash\nrawAKI\n", 0, 0, 0, LEGACY, NULL, NULL },
	{ "not-a-ca", 2, "keyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n",
	  0, 0, 0, LEGACY, NULL, NULL },
	{ "ca-no-key-usage", 1, "basicConstraints=critical,CA:TRUE\nsubjectKeyIdentifier=hash\n"
				"rawAKI\n", 0, 0, 0, LEGACY, NULL, NULL },
	{ "leaf-keycertsign", 0, "basicConstraints=critical,CA:FALSE\n"
				 "keyUsage=critical,digitalSignature,keyCertSign\n"
				 "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:www.policy.test\n"
				 "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n",
	  0, 0, 0, LEGACY, NULL, NULL },
	{ "empty-issuer", 1, "", 0, 0, 1, LEGACY, NULL, "empty-subject" },
	{ "san-not-critical", 0, "", 0, 0, 1, LEGACY, NULL, NULL },
	/* a CA certificate with a pathLenConstraint must be allowed to sign
	 * certificates (RFC 5280 4.2.1.9); with keyCertSign it is fine */
	{ "pathlen-without-certsign", 0, "basicConstraints=critical,CA:TRUE,pathlen:0\n"
		"keyUsage=critical,digitalSignature,cRLSign\nsubjectKeyIdentifier=hash\n"
		"authorityKeyIdentifier=keyid:always\n", 0, 0, 0, LEGACY, NULL, NULL },
	{ NULL, 0, "basicConstraints=critical,CA:TRUE,pathlen:0\n"
		   "keyUsage=critical,digitalSignature,keyCertSign,cRLSign\n"
		   "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n",
	  0, 0, 0, ALL, NULL, NULL },
	/* RFC 5280 4.2.1.6: a subjectAltName holds at least one name */
	{ "empty-san", 0, LEAF_BASE "extendedKeyUsage=serverAuth\nsubjectAltName=DER:30:00\n",
	  0, 0, 0, LEGACY, NULL, NULL },
	/* the same NULL parameter in both signature algorithm fields: they
	 * agree, so no sig-alg-mismatch (its failing case: rejected[]) */
	{ NULL, 1, ICA_EXT "sigAlgNullBoth\n", 0, 0, 0, ALL, NULL, NULL },
	/* RFC 5280 4.1.2.9: extensions only in a v3 certificate */
	{ "v1-extensions", 0, LEAF_EXT "v1\n", 0, 0, 0, LEGACY, NULL, NULL },
	/* RFC 5480 2.1.1: a PKIX EC key names its curve; OpenSSL 3 refuses
	 * explicit parameters in any chain longer than one, strict or not */
	{ "ec-explicit-params", 0, "", K_EC_EXPLICIT, 0, 0, 0, NULL, NULL },
	{ "weak-key", 0, "", K_P192, 0, 0, STRICT | LEGACY, NULL, NULL },
	{ "weak-key", 1, "", K_RSA1024, 0, 0, STRICT | LEGACY, NULL, NULL },
	{ "bad-sig-alg", 1, "", 0, MD_SHA1, 0, STRICT | LEGACY, NULL, NULL },
	/* own rules: OpenSSL has no check for these */
	{ "weak-key", 0, "", K_P224, 0, 0, STRICT | LEGACY, NULL, NULL },
	{ "weak-key", 0, "", K_RSA2052, 0, 0, STRICT | LEGACY, NULL, NULL },
	{ "weak-key", 0, "", K_DSA, 0, 0, STRICT | LEGACY, NULL, NULL },
	{ "bad-sig-alg", 0, "", 0, MD_SHA224, 0, STRICT | LEGACY, NULL, NULL },
	/* a root with a DSA key: the intermediate it signs has a DSA signature
	 * (the reason, nearer the leaf), and the anchor's key is refused too */
	{ "bad-sig-alg", 2, "", K_DSA, 0, 0, STRICT | LEGACY, NULL, "weak-key" },
	{ "leaf-no-san", 0, LEAF_BASE "extendedKeyUsage=serverAuth\n", 0, 0, 0,
	  STRICT | LEGACY, NULL, NULL },
	{ "leaf-eku-missing", 0, LEAF_BASE "subjectAltName=DNS:www.policy.test\n", 0, 0, 0,
	  STRICT | LEGACY, NULL, NULL },
	{ "leaf-eku-any", 0, LEAF_BASE "subjectAltName=DNS:www.policy.test\n"
				"extendedKeyUsage=serverAuth,anyExtendedKeyUsage\n", 0, 0, 0,
	  STRICT | LEGACY, NULL, NULL },
	{ "eku-critical", 0, LEAF_BASE "subjectAltName=DNS:www.policy.test\n"
				"extendedKeyUsage=critical,serverAuth\n", 0, 0, 0,
	  STRICT | LEGACY, NULL, NULL },
	{ "ca-leaf", 0, "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature,keyCertSign\n"
			"extendedKeyUsage=serverAuth\nsubjectAltName=DNS:www.policy.test\n"
			"subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n",
	  0, 0, 0, STRICT | LEGACY, "www.policy.test", NULL },
	{ "v1-cert", 0, NULL, 0, 0, 0, STRICT | LEGACY, NULL, "leaf-no-san" },
	{ "nc-empty", 1, ICA_EXT "emptyNC\n", 0, 0, 0, LEGACY, NULL, NULL },
	/* a root's AKI that is its own SKI is fine */
	{ NULL, 2, ROOT_EXT "authorityKeyIdentifier=keyid:always\n", 0, 0, 0, ALL, NULL, NULL },
	{ "aia-malformed", 0, LEAF_EXT "authorityInfoAccess=caIssuers;DNS:ca.policy.test\n",
	  0, 0, 0, STRICT | LEGACY, NULL, NULL },
	{ "serial-too-long", 1, ICA_EXT "longSerial\n", 0, 0, 0, LEGACY, NULL, NULL },
	{ NULL, 0, LEAF_EXT "authorityInfoAccess=caIssuers;URI:http://ca.policy.test/\n",
	  0, 0, 0, ALL, "www.policy.test", NULL },
	/* RFC 5280 4.1.2.2, BR 7.1: a positive serial number */
	{ "serial-zero", 0, LEAF_EXT "serialZero\n", 0, 0, 0, LEGACY, "www.policy.test", NULL },
	{ "serial-negative", 1, ICA_EXT "serialNegative\n", 0, 0, 0, LEGACY, NULL, NULL },
	/* RFC 5280 4.2.1.10: nameConstraints only in a CA certificate ... */
	{ "nc-in-leaf", 0, LEAF_EXT "nameConstraints=critical,permitted;DNS:policy.test\n",
	  0, 0, 0, LEGACY, "www.policy.test", NULL },
	{ NULL, 0, "basicConstraints=critical,CA:TRUE\n"
		   "keyUsage=critical,digitalSignature,keyCertSign,cRLSign\n"
		   "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n"
		   "nameConstraints=critical,permitted;DNS:policy.test\n", 0, 0, 0, ALL, NULL, NULL },
	/* ... and critical, which the BR (7.1.2.5.2) let go: rfc5280 only, on
	 * the anchor too (x509-limbo puts it on the root) */
	{ "nc-not-critical", 1, ICA_EXT "nameConstraints=permitted;DNS:policy.test\n",
	  0, 0, 0, WEB | LEGACY, "www.policy.test", NULL },
	{ "nc-not-critical", 2, ROOT_EXT "nameConstraints=permitted;DNS:policy.test\n",
	  0, 0, 0, WEB | LEGACY, "www.policy.test", NULL },
	{ NULL, 1, ICA_EXT "nameConstraints=critical,permitted;DNS:policy.test\n",
	  0, 0, 0, ALL, "www.policy.test", NULL },
	/* BR 7.1.2.7.12: a critical subjectAltName only with an empty subject */
	{ "san-critical", 0, LEAF_BASE "extendedKeyUsage=serverAuth\n"
	  "subjectAltName=critical,DNS:www.policy.test\n", 0, 0, 0, STRICT | LEGACY,
	  "www.policy.test", NULL },
	{ NULL, 0, LEAF_BASE "extendedKeyUsage=serverAuth\n"
	  "subjectAltName=critical,DNS:www.policy.test\n", 0, 0, 1, ALL, "www.policy.test", NULL },
};

/* Cases whose intermediate carries extensions of its own (name constraints,
 * a pathLenConstraint) above the certificate the case changes. */
typedef struct below {
	tcase_t c;
	const char *ica; /* the intermediate's extensions */
} below_t;

static const below_t below[] = {
	/* a dNSName that is no DNS name is in no permitted subtree; a wildcard
	 * is one, and without name constraints the rule has nothing to say */
	{ { "nc-bad-dns-san", 0, LEAF_BASE "extendedKeyUsage=serverAuth\n"
	  "subjectAltName=DNS:.policy.test,DNS:www.policy.test\n", 0, 0, 0, LEGACY,
	  "www.policy.test", NULL },
	  ICA_EXT "nameConstraints=critical,permitted;DNS:policy.test\n" },
	{ { "nc-bad-dns-san", 0, LEAF_BASE "extendedKeyUsage=serverAuth\n"
	  "subjectAltName=DNS:www..policy.test,DNS:www.policy.test\n", 0, 0, 0, LEGACY,
	  "www.policy.test", NULL },
	  ICA_EXT "nameConstraints=critical,excluded;DNS:other.test\n" },
	{ { "nc-bad-dns-san", 0, LEAF_BASE "extendedKeyUsage=serverAuth\n"
	  "subjectAltName=DNS:-w.policy.test,DNS:www.policy.test\n", 0, 0, 0, LEGACY,
	  "www.policy.test", NULL },
	  ICA_EXT "nameConstraints=critical,permitted;DNS:policy.test\n" },
	{ { NULL, 0, LEAF_BASE "extendedKeyUsage=serverAuth\n"
	  "subjectAltName=DNS:*.policy.test,DNS:w-1.policy.test\n", 0, 0, 0, ALL,
	  "w-1.policy.test", NULL },
	  ICA_EXT "nameConstraints=critical,permitted;DNS:policy.test\n" },
	{ { NULL, 0, LEAF_BASE "extendedKeyUsage=serverAuth\n"
	  "subjectAltName=DNS:.policy.test,DNS:www.policy.test\n", 0, 0, 0, ALL,
	  "www.policy.test", NULL }, NULL },
	/* the chain of a CA with keyCertSign and cRLSign only (no
	 * digitalSignature) and a pathLenConstraint, below one with
	 * pathLenConstraint 0, built without a host: judged as a CA, valid
	 * (x509-limbo pathlen::validation-ignores-pathlen-in-leaf) */
	{ { NULL, 0, "basicConstraints=critical,CA:TRUE,pathlen:0\n"
		   "keyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nrawAKI\n",
	  0, 0, 0, ALL, NULL, NULL },
	  "basicConstraints=critical,CA:TRUE,pathlen:0\n"
	  "keyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nrawAKI\n" },
};

/* A wildcard not alone in its label ("f*", OpenSSL never matches "f*o"):
 * browsers refuse the match. */
static const tcase_t partial_wildcard = {
	NULL, 0, LEAF_BASE "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:f*.policy.test\n",
	0, 0, 0, STRICT | LEGACY, "foo.policy.test", NULL
};

typedef struct chain {
	X509 *x[3];
	cc_pool_t *pool;
	cc_path_t path;
} chain_t;

static const char *def_ext(int who)
{
	return who == 0 ? LEAF_EXT : who == 1 ? ICA_EXT : ROOT_EXT;
}

/* The chain of case c, with the intermediate's extensions ica (when c
 * changes another certificate; NULL: the default ones). */
static void make_with(const tcase_t *c, const char *ica, chain_t *ch)
{
	EVP_PKEY *k[3];
	const char *ext[3];
	int md[3] = { 0, 0, 0 };

	for (int i = 0; i < 3; i++) {
		k[i] = key_of(c->who == i ? c->key : K_DEFAULT);
		ext[i] = c->who == i ? (c->ext && !*c->ext ? def_ext(i) : c->ext) : def_ext(i);
	}
	if (ica && c->who != 1)
		ext[1] = ica;
	md[c->who] = c->md;
	ch->x[2] = mk(c->who == 2 && c->empty_subject ? NULL : "Policy Root", k[2],
		      NULL, NULL, ext[2], md[2]);
	ch->x[1] = mk(c->who == 1 && c->empty_subject ? NULL : "Policy CA", k[1],
		      ch->x[2], k[2], ext[1], md[1]);
	ch->x[0] = mk(c->who == 0 && c->empty_subject ? NULL : "www.policy.test", k[0],
		      ch->x[1], k[1], ext[0], md[0]);
	ch->pool = cc_pool_new();
	memset(&ch->path, 0, sizeof(ch->path));
	for (int i = 0; i < 3; i++) {
		assert_int_equal(cc_certlist_push(&ch->path.certs, tp_add(ch->pool, ch->x[i])), 0);
		EVP_PKEY_free(k[i]);
	}
}

static void make(const tcase_t *c, chain_t *ch)
{
	make_with(c, NULL, ch);
}

static void unmake(chain_t *ch)
{
	cc_path_clear(&ch->path);
	cc_pool_free(ch->pool);
	for (int i = 0; i < 3; i++)
		X509_free(ch->x[i]);
}

static int has(const cc_findings_t *f, const char *id)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].id, id))
			return 1;
	return 0;
}

static void check_case_with(const tcase_t *c, const char *ica)
{
	chain_t ch;
	cc_error_t e;

	make_with(c, ica, &ch);
	for (int pol = CC_POLICY_WEBPKI; pol <= CC_POLICY_LEGACY; pol++) {
		cc_build_opts_t o = { .policy = pol, .host = c->host };
		cc_findings_t f = { 0 };
		int want = (c->pass >> pol) & 1;
		assert_int_equal(cc_path_validate(&ch.path, &o, &e), 0);
		if (ch.path.valid != want)
			fail_msg("case %s (who %d), policy %s: valid %d, wanted %d (%s)",
				 c->rule ? c->rule : "good", c->who, cc_policy_name(pol),
				 ch.path.valid, want, ch.path.reason);
		assert_int_equal(cc_policy_findings(&ch.path.certs, 1, &ch.path.certs,
						    &o, &f, &e), 0);
		/* one finding per rule and certificate (OpenSSL's level 2 and
		 * our BR rule both see an RSA-1024 key) */
		for (size_t x = 0; x < f.n; x++)
			for (size_t y = x + 1; y < f.n; y++)
				if (!strcmp(f.v[x].id, f.v[y].id) && f.v[x].depth == f.v[y].depth)
					fail_msg("case %s: %s twice", c->rule ? c->rule : "good",
						 f.v[x].id);
		if (!want && c->rule) {
			/* the rule is the reason, and a finding naming the certificate */
			if (!ch.path.rule || strcmp(ch.path.rule, c->rule))
				fail_msg("case %s, policy %s: rule %s (%s)", c->rule,
					 cc_policy_name(pol), ch.path.rule ? ch.path.rule : "none",
					 ch.path.reason);
			assert_non_null(strstr(ch.path.reason, c->rule));
			if (!has(&f, c->rule))
				fail_msg("case %s, policy %s: no finding", c->rule,
					 cc_policy_name(pol));
			assert_int_equal(f.v[0].severity, CC_SEV_ERROR);
			assert_non_null(strstr(f.v[0].msg, "position"));
			if (c->also)
				assert_true(has(&f, c->also));
		}
		if (want && c->rule && has(&f, c->rule))
			fail_msg("case %s: a finding under %s, which does not enforce it",
				 c->rule, cc_policy_name(pol));
		if (want && !c->rule && f.n)
			fail_msg("good case (who %d): finding %s under %s", c->who,
				 f.v[0].id, cc_policy_name(pol));
		cc_findings_clear(&f);
	}
	unmake(&ch);
}

static void check_case(const tcase_t *c)
{
	check_case_with(c, NULL);
}

/* Chains every policy rejects, with the OpenSSL error each policy
 * (webpki, rfc5280, legacy) gives first: the reason names that error's rule,
 * or no rule when the error is not one. */
typedef struct rejected {
	tcase_t c;
	int err[3];
} rejected_t;

static const rejected_t rejected[] = {
	/* RFC 5280 4.1.1.2: the strict policies compare the two signature
	 * algorithm fields before any signature; X509_verify refuses such a
	 * certificate too, so legacy reports a signature failure */
	{ { "sig-alg-mismatch", 1, ICA_EXT "sigAlgNull\n", 0, 0, 0, 0, NULL, NULL },
	  { X509_V_ERR_SIGNATURE_ALGORITHM_INCONSISTENCY,
	    X509_V_ERR_SIGNATURE_ALGORITHM_INCONSISTENCY, X509_V_ERR_CERT_SIGNATURE_FAILURE } },
	/* a critical authorityKeyIdentifier (RFC 5280 4.2.1.1: MUST NOT):
	 * OpenSSL handles no critical AKI, so every policy refuses it as an
	 * unhandled critical extension before any strict check */
	{ { NULL, 0, "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
		     "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:www.policy.test\n"
		     "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=critical,keyid:always\n",
	    0, 0, 0, 0, NULL, NULL },
	  { X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION, X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION,
	    X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION } },
	/* a critical subjectKeyIdentifier (RFC 5280 4.2.1.2: MUST NOT), the
	 * same: an unhandled critical extension under every policy */
	{ { NULL, 1, "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
		     "subjectKeyIdentifier=critical,hash\nrawAKI\n", 0, 0, 0, 0, NULL, NULL },
	  { X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION, X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION,
	    X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION } },
	/* the chain of a CA (no host) is still checked for its purpose, as a
	 * CA: one whose EKU names only clientAuth issues no TLS servers */
	{ { NULL, 0, "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
		     "extendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\nrawAKI\n",
	    0, 0, 0, 0, NULL, NULL },
	  { X509_V_ERR_INVALID_PURPOSE, X509_V_ERR_INVALID_PURPOSE, X509_V_ERR_INVALID_PURPOSE } },
};

static void check_rejected(const rejected_t *r)
{
	chain_t ch;
	cc_error_t e;

	make(&r->c, &ch);
	for (int pol = CC_POLICY_WEBPKI; pol <= CC_POLICY_LEGACY; pol++) {
		cc_build_opts_t o = { .policy = pol };
		cc_findings_t f = { 0 };
		const char *rule = cc_policy_rule_of(r->err[pol]);
		assert_int_equal(cc_path_validate(&ch.path, &o, &e), 0);
		if (ch.path.valid || ch.path.verify_error != r->err[pol])
			fail_msg("case %s, policy %s: valid %d, error %d, wanted %d (%s)",
				 r->c.rule ? r->c.rule : "unruled", cc_policy_name(pol),
				 ch.path.valid, ch.path.verify_error, r->err[pol],
				 ch.path.reason);
		assert_int_equal(ch.path.error_depth, r->c.who);
		assert_int_equal(cc_policy_findings(&ch.path.certs, 1, &ch.path.certs,
						    &o, &f, &e), 0);
		if (rule) {
			assert_non_null(ch.path.rule);
			assert_string_equal(ch.path.rule, rule);
			assert_true(has(&f, rule));
		} else {
			assert_null(ch.path.rule);
		}
		cc_findings_clear(&f);
	}
	unmake(&ch);
}

/*
 * The anchor is a name and a key (RFC 5280 6.1.1 (d)): a chain to a root
 * encoded in a way its CA should not have (v1, SHA-1/MD5 self-signature, no
 * SKI, ...) is valid, as browsers and OS verifiers take it; the rule it
 * breaks is a warning finding at the anchor under webpki. What clients do
 * enforce on an anchor (its key, being a CA, its EKU as a constraint) still
 * refuses the chain, with the rule as the reason. rule: the rule the root
 * breaks; pass: the policies under which the chain is valid.
 */
static const tcase_t anchor_cases[] = {
	{ "v1-cert", 2, NULL, 0, 0, 0, ALL, "www.policy.test", NULL },
	{ NULL, 2, "", 0, MD_SHA1, 0, ALL, "www.policy.test", NULL },
	{ NULL, 2, "", K_RSA2048, MD_MD5, 0, ALL, "www.policy.test", NULL },
	{ "missing-ski", 2, "basicConstraints=critical,CA:TRUE\n"
			    "keyUsage=critical,keyCertSign,cRLSign\n", 0, 0, 0, ALL,
	  "www.policy.test", NULL },
	{ "bc-not-critical", 2, "basicConstraints=CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
				"subjectKeyIdentifier=hash\n", 0, 0, 0, ALL, "www.policy.test", NULL },
	{ "ca-no-key-usage", 2, "basicConstraints=critical,CA:TRUE\nsubjectKeyIdentifier=hash\n",
	  0, 0, 0, ALL, "www.policy.test", NULL },
	{ "root-eku", 2, ROOT_EXT "extendedKeyUsage=serverAuth\n", 0, 0, 0, ALL,
	  "www.policy.test", NULL },
	{ "root-aki", 2, ROOT_EXT "authorityKeyIdentifier=keyid:always,issuer:always\n", 0, 0, 0,
	  ALL, "www.policy.test", NULL },
	/* 22 roots of the shared stores have a zero or negative serial (Go
	 * Daddy and Starfield G2, SECOM, EC-ACC): usable anchors */
	{ "serial-zero", 2, ROOT_EXT "serialZero\n", 0, 0, 0, ALL, "www.policy.test", NULL },
	{ "serial-negative", 2, ROOT_EXT "serialNegative\n", 0, 0, 0, ALL, "www.policy.test", NULL },
	/* enforced on the anchor: OpenSSL's level 2 checks its key */
	{ "weak-key", 2, "", K_RSA1024, 0, 0, STRICT | LEGACY, "www.policy.test", NULL },
	/* a v3 root without basicConstraints is no CA (mozilla::pkix) */
	{ "not-a-ca", 2, "keyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n",
	  0, 0, 0, LEGACY, "www.policy.test", NULL },
};

static const cc_finding_t *finding(const cc_findings_t *f, const char *id)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].id, id))
			return &f->v[i];
	return NULL;
}

static void check_anchor_case(const tcase_t *c)
{
	chain_t ch;
	cc_error_t e;

	make(c, &ch);
	for (int pol = CC_POLICY_WEBPKI; pol <= CC_POLICY_LEGACY; pol++) {
		cc_build_opts_t o = { .policy = pol, .host = c->host };
		cc_findings_t f = { 0 };
		const cc_finding_t *x;
		int want = (c->pass >> pol) & 1;
		assert_int_equal(cc_path_validate(&ch.path, &o, &e), 0);
		if (ch.path.valid != want)
			fail_msg("anchor case %s, policy %s: valid %d, wanted %d (%s)",
				 c->rule ? c->rule : "good", cc_policy_name(pol),
				 ch.path.valid, want, ch.path.reason);
		assert_int_equal(cc_policy_findings(&ch.path.certs, 1, &ch.path.certs,
						    &o, &f, &e), 0);
		x = c->rule ? finding(&f, c->rule) : NULL;
		if (!want) {
			assert_non_null(ch.path.rule);
			assert_string_equal(ch.path.rule, c->rule);
			assert_int_equal(ch.path.error_depth, 2);
			assert_non_null(x);
			assert_int_equal(x->severity, CC_SEV_ERROR);
		} else if (c->rule && pol == CC_POLICY_WEBPKI) {
			/* reported at the anchor, as a warning */
			if (!x || x->severity != CC_SEV_WARNING || x->depth != 2)
				fail_msg("anchor case %s: no warning at the anchor", c->rule);
			assert_non_null(strstr(x->msg, "not enforced on a trust anchor"));
		}
		for (size_t i = 0; want && i < f.n; i++)
			if (f.v[i].severity == CC_SEV_ERROR)
				fail_msg("anchor case %s, policy %s: error finding %s",
					 c->rule ? c->rule : "good", cc_policy_name(pol),
					 f.v[i].id);
		cc_findings_clear(&f);
	}
	unmake(&ch);
}

static void anchor_encoding_not_judged(void **state)
{
	for (size_t i = 0; i < sizeof(anchor_cases) / sizeof(anchor_cases[0]); i++)
		check_anchor_case(&anchor_cases[i]);
}

static void rejected_everywhere(void **state)
{
	for (size_t i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++)
		check_rejected(&rejected[i]);
}

static void every_rule(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
	for (size_t i = 0; i < sizeof(below) / sizeof(below[0]); i++)
		check_case_with(&below[i].c, below[i].ica);
}

static void wildcard_alone_in_its_label(void **state)
{
	chain_t ch;
	cc_error_t e;
	cc_build_opts_t web = { .host = "foo.policy.test" },
			legacy = { .host = "foo.policy.test", .policy = CC_POLICY_LEGACY };

	make(&partial_wildcard, &ch);
	assert_int_equal(cc_path_validate(&ch.path, &web, &e), 0);
	assert_false(ch.path.valid);
	assert_int_equal(ch.path.verify_error, X509_V_ERR_HOSTNAME_MISMATCH);
	assert_int_equal(cc_path_validate(&ch.path, &legacy, &e), 0);
	if (!ch.path.valid)
		fail_msg("legacy: %s", ch.path.reason);
	unmake(&ch);
}

/* RFC 5280 4.1.2.4: a leaf whose issuer is empty. No certificate has that
 * name, so OpenSSL finds no issuer and never reaches its strict check; the
 * findings name the rule under the policies that have it. */
static void empty_issuer_without_path(void **state)
{
	const tcase_t c = { "empty-issuer", 0, LEAF_EXT "emptyIssuer\n", 0, 0, 0, 0,
			    "www.policy.test", NULL };
	chain_t ch;
	cc_error_t e;

	make(&c, &ch);
	for (int pol = CC_POLICY_WEBPKI; pol <= CC_POLICY_LEGACY; pol++) {
		cc_build_opts_t o = { .policy = pol, .host = c.host };
		cc_findings_t f = { 0 };
		const cc_finding_t *x;
		assert_int_equal(cc_path_validate(&ch.path, &o, &e), 0);
		assert_false(ch.path.valid);
		assert_int_equal(cc_policy_findings(&ch.path.certs, 1, &ch.path.certs,
						    &o, &f, &e), 0);
		x = finding(&f, "empty-issuer");
		if (pol == CC_POLICY_LEGACY) {
			assert_null(x);
		} else {
			assert_non_null(x);
			assert_int_equal(x->severity, CC_SEV_ERROR);
			assert_int_equal(x->depth, 0);
		}
		cc_findings_clear(&f);
	}
	unmake(&ch);
}

/* RFC 5280 4.2.1.1: a cross-signed intermediate taken as the anchor needs
 * an authorityKeyIdentifier under rfc5280 (x509-limbo
 * rfc5280::aki::cross-signed-root-missing-aki); webpki and legacy take the
 * anchor as a name and a key, as the browsers do. With the AKI all accept. */
static void cross_signed_anchor_aki(void **state)
{
	for (int with_aki = 0; with_aki < 2; with_aki++) {
		EVP_PKEY *k[3] = { key_of(K_DEFAULT), key_of(K_DEFAULT), key_of(K_DEFAULT) };
		X509 *root = mk("Policy Root", k[2], NULL, NULL, ROOT_EXT, 0);
		X509 *ica = mk("Policy CA", k[1], root, k[2], with_aki ? ICA_EXT : ROOT_EXT, 0);
		X509 *leaf = mk("www.policy.test", k[0], ica, k[1], LEAF_EXT, 0);
		cc_pool_t *pool = cc_pool_new();
		cc_path_t path;
		cc_error_t e;

		memset(&path, 0, sizeof(path));
		assert_int_equal(cc_certlist_push(&path.certs, tp_add(pool, leaf)), 0);
		assert_int_equal(cc_certlist_push(&path.certs, tp_add(pool, ica)), 0);
		for (int pol = CC_POLICY_WEBPKI; pol <= CC_POLICY_LEGACY; pol++) {
			cc_build_opts_t o = { .policy = pol, .host = "www.policy.test" };
			cc_findings_t f = { 0 };
			int want = with_aki || pol != CC_POLICY_RFC5280;
			assert_int_equal(cc_path_validate(&path, &o, &e), 0);
			if (path.valid != want)
				fail_msg("cross-signed anchor, AKI %d, policy %s: valid %d (%s)",
					 with_aki, cc_policy_name(pol), path.valid, path.reason);
			assert_int_equal(cc_policy_findings(&path.certs, 1, &path.certs, &o,
							    &f, &e), 0);
			if (!want) {
				assert_string_equal(path.rule, "xsigned-missing-aki");
				assert_int_equal(path.error_depth, 1);
				assert_non_null(finding(&f, "xsigned-missing-aki"));
			} else {
				assert_null(finding(&f, "xsigned-missing-aki"));
			}
			cc_findings_clear(&f);
		}
		cc_path_clear(&path);
		cc_pool_free(pool);
		X509_free(leaf);
		X509_free(ica);
		X509_free(root);
		for (int i = 0; i < 3; i++)
			EVP_PKEY_free(k[i]);
	}
}

static void names_and_parse(void **state)
{
	int p = -1;

	assert_int_equal(cc_policy_parse("webpki", &p), 0);
	assert_int_equal(p, CC_POLICY_WEBPKI);
	assert_int_equal(cc_policy_parse("legacy", &p), 0);
	assert_int_equal(p, CC_POLICY_LEGACY);
	assert_int_equal(cc_policy_parse("rfc5280", &p), 0);
	assert_int_equal(p, CC_POLICY_RFC5280);
	assert_int_equal(cc_policy_parse("strict", &p), CC_EINVAL);
	assert_string_equal(cc_policy_name(CC_POLICY_RFC5280), "rfc5280");
	assert_string_equal(cc_policy_rule_of(X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER),
			    "missing-aki");
	assert_null(cc_policy_rule_of(X509_V_ERR_CERT_HAS_EXPIRED));
}

/* A profile's policy: profiles.conf policy=, a spec's ,policy=, default. */
static void profile_policies(void **state)
{
	cc_profiles_t *ps = cc_profiles_new();
	char dir[] = "/tmp/cc-policy-XXXXXX", path[256], spec[300];
	EVP_PKEY *k = tp_key(1);
	tp_opts_t ca = { .ca = 1 };
	X509 *r = tp_cert("Profile Root", k, NULL, NULL, &ca);
	char *pem = tp_pem(r);
	cc_error_t e;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/root.pem", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(pem, f);
	fclose(f);
	snprintf(spec, sizeof(spec), "a=%s", path);
	assert_int_equal(cc_profiles_add_spec(ps, spec, NULL, &e), 0);
	snprintf(spec, sizeof(spec), "b=%s,policy=legacy", path);
	assert_int_equal(cc_profiles_add_spec(ps, spec, NULL, &e), 0);
	snprintf(spec, sizeof(spec), "c=%s,policy=lax", path);
	assert_int_equal(cc_profiles_add_spec(ps, spec, NULL, &e), CC_EINVAL);
	assert_int_equal(cc_profile_policy(ps, 0), CC_POLICY_WEBPKI);
	assert_int_equal(cc_profile_policy(ps, 1), CC_POLICY_LEGACY);
	/* --policy: the spec without ,policy= follows it, the one with keeps
	 * its own; by how they were made, so a profile named "roots" too */
	snprintf(spec, sizeof(spec), "roots=%s,policy=legacy", path);
	assert_int_equal(cc_profiles_add_spec(ps, spec, NULL, &e), 0);
	assert_false(cc_profile_policy_own(ps, 0));
	assert_true(cc_profile_policy_own(ps, 1));
	assert_true(cc_profile_policy_own(ps, 2));
	cc_profiles_follow_policy(ps, CC_POLICY_RFC5280);
	assert_int_equal(cc_profile_policy(ps, 0), CC_POLICY_RFC5280);
	assert_int_equal(cc_profile_policy(ps, 1), CC_POLICY_LEGACY);
	assert_int_equal(cc_profile_policy(ps, (size_t)cc_profiles_find(ps, "roots")),
			 CC_POLICY_LEGACY);
	cc_profile_set_policy(ps, 0, CC_POLICY_WEBPKI);
	assert_int_equal(cc_profile_policy(ps, 0), CC_POLICY_WEBPKI);
	/* profiles.conf: policy= between WEIGHT and DESCRIPTION, optional */
	snprintf(path, sizeof(path), "%s/trust-stores", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/trust-stores/root.pem", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(pem, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/trust-stores/profiles.conf", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("old root.pem no-expiry-check-on-anchor 1 policy=legacy Old client\n"
	      "new root.pem pathbuild 2 New client\n", f);
	fclose(f);
	assert_int_equal(cc_profiles_add_builtin(ps, dir, NULL, &e), 0);
	assert_int_equal(cc_profile_policy(ps, (size_t)cc_profiles_find(ps, "old")),
			 CC_POLICY_LEGACY);
	assert_int_equal(cc_profile_policy(ps, (size_t)cc_profiles_find(ps, "new")),
			 CC_POLICY_WEBPKI);
	/* built-ins stand for one client each: --policy changes neither */
	cc_profiles_follow_policy(ps, CC_POLICY_RFC5280);
	assert_int_equal(cc_profile_policy(ps, (size_t)cc_profiles_find(ps, "old")),
			 CC_POLICY_LEGACY);
	assert_int_equal(cc_profile_policy(ps, (size_t)cc_profiles_find(ps, "new")),
			 CC_POLICY_WEBPKI);
	assert_string_equal(cc_profile_source(ps, (size_t)cc_profiles_find(ps, "old")),
			    "Old client (built-in root.pem)");
	assert_non_null(f = fopen(path, "w"));
	fputs("bad root.pem pathbuild 1 policy=lax Bad\n", f);
	fclose(f);
	assert_int_equal(cc_profiles_add_builtin(ps, dir, NULL, &e), CC_EPARSE);
	assert_non_null(strstr(e.msg, "lax"));
	remove(path);
	snprintf(path, sizeof(path), "%s/trust-stores/root.pem", dir);
	remove(path);
	snprintf(path, sizeof(path), "%s/trust-stores", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/root.pem", dir);
	remove(path);
	rmdir(dir);
	free(pem);
	X509_free(r);
	EVP_PKEY_free(k);
	cc_profiles_free(ps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_and_parse),
		cmocka_unit_test(every_rule),
		cmocka_unit_test(rejected_everywhere),
		cmocka_unit_test(anchor_encoding_not_judged),
		cmocka_unit_test(wildcard_alone_in_its_label),
		cmocka_unit_test(empty_issuer_without_path),
		cmocka_unit_test(cross_signed_anchor_aki),
		cmocka_unit_test(profile_policies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
