/* test_policy_anchors.c - the real trust stores' roots as anchors under the
 * default (webpki) policy. A client takes its trust anchor as a name and a
 * key (RFC 5280 6.1.1 (d)) and does not verify the anchor certificate's own
 * encoding, so no root of a real store may be refused for how it is encoded
 * (v1, SHA-1/MD5 self-signature, no SKI, non-critical basicConstraints...);
 * only rules clients do apply to their anchors may refuse one.
 *
 * A chain to a real root cannot be signed, so each root ends a two-certificate
 * path under a made-up leaf named as its child (issuer = the root's subject,
 * AKI = the root's key) and signed by another key: the signature failure is
 * no policy rule, and every finding at the anchor's depth is a rule the
 * policy applies to that anchor. Reads ../shared/data (or
 * $CERTCHAIN_SHARED_DATA); skipped when the data is absent. Prints, per
 * store, the roots refused and by which rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "internal.h"
#include "testpki.h"

/* The stores, relative to the shared data directory. */
static const char *stores[] = {
	"trust-stores/current/mozilla-debian-20230311.pem",
	"trust-stores/current/chrome-v36-partial.pem",
	"trust-stores/current/apple-2025-10-16.pem",
	"trust-stores/current/android-13.pem",
	"trust-stores/current/android-7.pem",
	"trust-stores/nss.pem",
	"trust-stores/ubuntu.pem",
	"trust-stores/windows.pem",
	"trust-stores/osx.pem",
	"trust-stores/ios.pem",
	"trust-stores/kitkat.pem",
	"trust-stores/ics.pem",
	"trust-stores/honeycomb.pem",
	"trust-stores/gingerbread.pem",
	"trust-stores/froyo.pem",
	"pools/cfssl-ca-bundle.crt",
};

/* Rules a client really applies to its own anchor (see policy.c):
 * weak-key (OpenSSL's security level checks every key of the chain, the
 * anchor's included; Chrome's IsPublicKeyAcceptable too), not-a-ca (a v3
 * anchor that is not a CA: Mozilla's CheckBasicConstraints). */
static const char *anchor_rules[] = { "weak-key", "not-a-ca" };

static char datadir[512];

static int group_setup(void **state)
{
	const char *d = getenv("CERTCHAIN_SHARED_DATA");
	struct stat st;

	snprintf(datadir, sizeof(datadir), "%s", d ? d : "../shared/data");
	if (stat(datadir, &st) || !S_ISDIR(st.st_mode))
		datadir[0] = 0;
	return 0;
}

/* A key of root's type (OpenSSL's chain building looks for an issuer
 * whose key type matches the child's signature algorithm): made once. */
static EVP_PKEY *key_like(X509 *root)
{
	static EVP_PKEY *rsa, *ec, *dsa;
	EVP_PKEY *rk = X509_get0_pubkey(root);

	if (rk && EVP_PKEY_is_a(rk, "RSA"))
		return rsa ? rsa : (rsa = EVP_RSA_gen(2048));
	if (rk && EVP_PKEY_is_a(rk, "DSA")) {
		if (!dsa) {
			EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, rk, NULL);
			if (c && EVP_PKEY_keygen_init(c) > 0)
				EVP_PKEY_keygen(c, &dsa);
			EVP_PKEY_CTX_free(c);
		}
		return dsa;
	}
	return ec ? ec : (ec = EVP_EC_gen("P-256"));
}

/* A leaf naming root as its issuer, signed by k (not root's key). */
static X509 *child_of(X509 *root, EVP_PKEY *k, time_t at)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	AUTHORITY_KEYID *a = AUTHORITY_KEYID_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdn = 0;
	static const char *ext[][2] = {
		{ "basicConstraints", "critical,CA:FALSE" },
		{ "keyUsage", "critical,digitalSignature" },
		{ "extendedKeyUsage", "serverAuth" },
		{ "subjectAltName", "DNS:anchor.policy.test" },
		{ "subjectKeyIdentifier", "hash" },
	};

	assert_non_null(x);
	assert_non_null(n);
	assert_non_null(a);
	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 4242);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
				   (const unsigned char *)"anchor.policy.test", -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_NAME_free(n);
	X509_set_issuer_name(x, X509_get_subject_name(root));
	X509_time_adj_ex(X509_getm_notBefore(x), -1, 0, &at);
	X509_time_adj_ex(X509_getm_notAfter(x), 1, 0, &at);
	X509_set_pubkey(x, k);
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		X509V3_CTX c;
		X509_EXTENSION *e;
		X509V3_set_ctx_nodb(&c);
		X509V3_set_ctx(&c, root, x, NULL, NULL, 0);
		assert_non_null(e = X509V3_EXT_nconf(NULL, &c, ext[i][0], ext[i][1]));
		assert_int_equal(X509_add_ext(x, e, -1), 1);
		X509_EXTENSION_free(e);
	}
	/* the AKI names the root's key whether or not the root has an SKI */
	assert_true(X509_pubkey_digest(root, EVP_sha1(), md, &mdn));
	assert_non_null(a->keyid = ASN1_OCTET_STRING_new());
	assert_true(ASN1_OCTET_STRING_set(a->keyid, md, (int)mdn));
	if (X509_get0_subject_key_id(root))
		assert_true(ASN1_OCTET_STRING_set(a->keyid,
				X509_get0_subject_key_id(root)->data,
				X509_get0_subject_key_id(root)->length));
	assert_int_equal(X509_add1_ext_i2d(x, NID_authority_key_identifier, a, 0,
					   X509V3_ADD_DEFAULT), 1);
	AUTHORITY_KEYID_free(a);
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	return x;
}

static int is_anchor_rule(const char *id)
{
	for (size_t i = 0; i < sizeof(anchor_rules) / sizeof(anchor_rules[0]); i++)
		if (!strcmp(id, anchor_rules[i]))
			return 1;
	return 0;
}

/* Rule tallies of one store. */
#define MAXR 32
typedef struct tally {
	const char *id[MAXR];
	int n[MAXR];
	int k;
} tally_t;

static void count(tally_t *t, const char *id)
{
	for (int i = 0; i < t->k; i++)
		if (!strcmp(t->id[i], id)) {
			t->n[i]++;
			return;
		}
	if (t->k < MAXR) {
		t->id[t->k] = id;
		t->n[t->k++] = 1;
	}
}

/* The rules the policy applies to root as the anchor of a path (errors
 * tallied in t, warnings in w); returns how many errors are of rules
 * clients do not apply to anchors. */
static int judge_root(cc_pool_t *pool, cc_cert_t *root, tally_t *t, tally_t *w,
		      int *refused)
{
	X509 *rx = cc_cert_x509(root, NULL), *lx;
	time_t nb = cc_cert_not_before(root), na = cc_cert_not_after(root);
	time_t at = nb + (na - nb) / 2;
	cc_build_opts_t o = { .policy = CC_POLICY_WEBPKI, .at = at };
	cc_certlist_t path = { 0 };
	cc_findings_t f = { 0 };
	cc_error_t e;
	int wrong = 0, any = 0;

	assert_non_null(rx);
	assert_non_null(key_like(rx));
	lx = child_of(rx, key_like(rx), at);
	assert_int_equal(cc_certlist_push(&path, tp_add(pool, lx)), 0);
	assert_int_equal(cc_certlist_push(&path, root), 0);
	assert_int_equal(cc_policy_findings(&path, 1, &path, &o, &f, &e), 0);
	for (size_t i = 0; i < f.n; i++) {
		if (f.v[i].depth != 1)
			continue;
		if (f.v[i].severity != CC_SEV_ERROR) {
			count(w, f.v[i].id);
			continue;
		}
		any = 1;
		count(t, f.v[i].id);
		if (!is_anchor_rule(f.v[i].id))
			wrong++;
		/* the long list of small RSA keys of 2017 is only counted */
		if (strcmp(f.v[i].id, "weak-key"))
			print_message("    %s %s: %s\n", is_anchor_rule(f.v[i].id) ? "refused"
				      : "WRONGLY refused", f.v[i].id, f.v[i].msg);
	}
	*refused += any;
	cc_findings_clear(&f);
	cc_certlist_clear(&path);
	X509_free(lx);
	return wrong;
}

static void real_anchors(void **state)
{
	int wrong = 0;

	if (!datadir[0]) {
		print_message("no shared data (set CERTCHAIN_SHARED_DATA): skipped\n");
		skip();
	}
	for (size_t s = 0; s < sizeof(stores) / sizeof(stores[0]); s++) {
		cc_pool_t *roots = cc_pool_new(), *leaves = cc_pool_new();
		char path[1024], line[512];
		tally_t t = { .k = 0 }, w = { .k = 0 };
		int refused = 0, len;
		cc_error_t e;

		snprintf(path, sizeof(path), "%s/%s", datadir, stores[s]);
		if (cc_pool_load(roots, path, 0, NULL, &e)) {
			print_message("%s: %s\n", stores[s], e.msg);
			fail();
		}
		for (size_t i = 0; i < cc_pool_count(roots); i++)
			wrong += judge_root(leaves, cc_pool_get(roots, i), &t, &w, &refused);
		len = snprintf(line, sizeof(line), "%-50s %3zu roots, %3d refused as anchors",
			       stores[s], cc_pool_count(roots), refused);
		for (int i = 0; i < t.k && len < (int)sizeof(line); i++)
			len += snprintf(line + len, sizeof(line) - (size_t)len, "%s %s %d",
					i ? "," : ":", t.id[i], t.n[i]);
		len += snprintf(line + len, sizeof(line) - (size_t)len, "; warnings");
		for (int i = 0; i < w.k && len < (int)sizeof(line); i++)
			len += snprintf(line + len, sizeof(line) - (size_t)len, "%s %s %d",
					i ? "," : ":", w.id[i], w.n[i]);
		print_message("%s\n", line);
		/* today's browser and OS stores: every root is a usable anchor */
		if (strstr(stores[s], "/current/"))
			assert_int_equal(refused, 0);
		cc_pool_free(roots);
		cc_pool_free(leaves);
	}
	assert_int_equal(wrong, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_anchors),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
