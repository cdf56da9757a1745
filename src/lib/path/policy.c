/*
 * policy.c - validation policies: which rules a client enforces on a path.
 *
 *   webpki   RFC 5280 strict (OpenSSL's X509_V_FLAG_X509_STRICT), OpenSSL
 *            security level 2 for keys and signatures, no partial
 *            wildcards and no CN fallback for host names, plus the CA/B
 *            Forum Baseline Requirements rules below (Chrome, Firefox and
 *            Apple enforce them).
 *   rfc5280  RFC 5280 strict only: OpenSSL's strict checks and the RFC 5280
 *            rules below, two of which the BR and the browsers waive
 *            (nc-not-critical, xsigned-missing-aki), so webpki has not.
 *   legacy   what old clients accepted: OpenSSL's defaults.
 *
 * OpenSSL does what it can (the flags set in cc_policy_param); its errors
 * get rule ids through one table. Only rules OpenSSL has no check for are
 * written here, one function each, with the section they come from. A
 * trust anchor's own self-signature and encoding are never judged: clients
 * do not verify them (anchor_encoding). A leaf's pathLenConstraint is accepted in every policy (RFC 5280
 * 4.2.1.9 gives it meaning only in CA certificates).
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#define W (1u << CC_POLICY_WEBPKI)
#define R (1u << CC_POLICY_RFC5280)

static const char *names[] = { "webpki", "rfc5280", "legacy" };

const char *cc_policy_name(int policy)
{
	return (unsigned)policy < 3 ? names[policy] : "?";
}

int cc_policy_parse(const char *s, int *out)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	return CC_EINVAL;
}

/* ------------------------------------------------ OpenSSL's own checks */

/* The OpenSSL errors that are a policy rule, and the rule's id. Not here:
 * X509_V_ERR_AUTHORITY_KEY_IDENTIFIER_CRITICAL and
 * X509_V_ERR_SUBJECT_KEY_IDENTIFIER_CRITICAL, which OpenSSL 3 never raises
 * (neither extension is among X509_supported_extension's, so a critical one
 * is an unhandled critical extension, refused by every policy). */
static const struct {
	int err;
	const char *id;
} ossl_rules[] = {
	{ X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER, "missing-aki" },
	{ X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER, "missing-ski" },
	{ X509_V_ERR_CA_BCONS_NOT_CRITICAL, "bc-not-critical" },
	{ X509_V_ERR_INVALID_CA, "not-a-ca" },
	{ X509_V_ERR_CA_CERT_MISSING_KEY_USAGE, "ca-no-key-usage" },
	{ X509_V_ERR_KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA, "leaf-keycertsign" },
	{ X509_V_ERR_PATHLEN_WITHOUT_KU_KEY_CERT_SIGN, "pathlen-without-certsign" },
	{ X509_V_ERR_PATHLEN_INVALID_FOR_NON_CA, "pathlen-non-ca" },
	{ X509_V_ERR_ISSUER_NAME_EMPTY, "empty-issuer" },
	{ X509_V_ERR_SUBJECT_NAME_EMPTY, "empty-subject" },
	{ X509_V_ERR_EMPTY_SUBJECT_SAN_NOT_CRITICAL, "san-not-critical" },
	{ X509_V_ERR_EMPTY_SUBJECT_ALT_NAME, "empty-san" },
	{ X509_V_ERR_SIGNATURE_ALGORITHM_INCONSISTENCY, "sig-alg-mismatch" },
	{ X509_V_ERR_EXTENSIONS_REQUIRE_VERSION_3, "v1-extensions" },
	{ X509_V_ERR_EC_KEY_EXPLICIT_PARAMS, "ec-explicit-params" },
	{ X509_V_ERR_EE_KEY_TOO_SMALL, "weak-key" },
	{ X509_V_ERR_CA_KEY_TOO_SMALL, "weak-key" },
	{ X509_V_ERR_CA_MD_TOO_WEAK, "bad-sig-alg" },
};

const char *cc_policy_rule_of(int x509_err)
{
	for (size_t i = 0; i < sizeof(ossl_rules) / sizeof(ossl_rules[0]); i++)
		if (ossl_rules[i].err == x509_err)
			return ossl_rules[i].id;
	return NULL;
}

void cc_policy_param(X509_VERIFY_PARAM *vp, int policy)
{
	if (policy == CC_POLICY_LEGACY)
		return;
	X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_X509_STRICT);
	if (policy != CC_POLICY_WEBPKI)
		return;
	/* Level 2: 112-bit security, so RSA >= 2048, EC >= 224, no SHA-1/MD5
	 * (the anchor's own signature excepted, as OpenSSL does). */
	X509_VERIFY_PARAM_set_auth_level(vp, 2);
	/* Browsers match "*" only as a whole left-most label, never the CN. */
	X509_VERIFY_PARAM_set_hostflags(vp, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS |
						    X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
}

/*
 * A trust anchor is a name and a key (RFC 5280 6.1.1 (d)): clients verify
 * neither the anchor certificate's self-signature nor how it is encoded.
 * Chrome: BoringSSL pki/verify_certificate_chain.cc ProcessRootCertificate
 * does no other check on the root; with anchor constraints enforced it
 * applies only basicConstraints cA and pathLen, keyUsage keyCertSign when
 * present, the EKU and name constraints as constraints, and unknown
 * critical extensions. mozilla::pkix accepts v1 trust anchors as CAs
 * (CheckBasicConstraints) and never asks for an SKI or a critical
 * basicConstraints. So these X509_V_FLAG_X509_STRICT errors, which OpenSSL
 * raises on every certificate of the chain, are not errors on the anchor.
 * Kept there: the key (OpenSSL's security level checks the anchor's key;
 * Chrome's IsPublicKeyAcceptable too), a v3 anchor that is no CA
 * (mozilla::pkix), its EKU and name constraints as constraints, an empty
 * subject (its children's issuer), unhandled critical extensions.
 */
static int anchor_encoding(X509 *x, int err)
{
	switch (err) {
	case X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER:
	case X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER:
	case X509_V_ERR_CA_BCONS_NOT_CRITICAL:
	case X509_V_ERR_CA_CERT_MISSING_KEY_USAGE:
	/* with a keyUsage lacking keyCertSign the anchor signs nothing anyway
	 * (X509_V_ERR_KEYUSAGE_NO_CERTSIGN, every policy) */
	case X509_V_ERR_PATHLEN_WITHOUT_KU_KEY_CERT_SIGN:
	case X509_V_ERR_ISSUER_NAME_EMPTY:
	case X509_V_ERR_EMPTY_SUBJECT_SAN_NOT_CRITICAL:
	case X509_V_ERR_EMPTY_SUBJECT_ALT_NAME:
	case X509_V_ERR_SIGNATURE_ALGORITHM_INCONSISTENCY:
	case X509_V_ERR_EXTENSIONS_REQUIRE_VERSION_3:
		return 1;
	case X509_V_ERR_INVALID_CA:
		/* a v1 self-signed anchor: only the strict flag refuses it */
		return X509_check_ca(x) == 3;
	}
	return 0;
}

int cc_policy_forgives(X509 *x, int x509_err, int depth, int anchor)
{
	if (anchor && anchor_encoding(x, x509_err))
		return 1;
	/* RFC 5280 4.2.1.9: pathLenConstraint means something only in a CA;
	 * in a leaf it is ignored, as the RFC's path validation does. */
	return depth == 0 && !(X509_get_extension_flags(x) & EXFLAG_CA) &&
	       (x509_err == X509_V_ERR_PATHLEN_INVALID_FOR_NON_CA ||
		x509_err == X509_V_ERR_PATHLEN_WITHOUT_KU_KEY_CERT_SIGN);
}

/* ------------------------------------------------------- our own rules */

/* Where a certificate sits in the path the rules look at. */
typedef struct pos {
	X509 *x;
	int depth;
	int leaf;   /* depth 0, judged as a subscriber (TLS server) certificate */
	int anchor; /* the trust anchor (last of an anchored path) */
	const cc_certlist_t *l; /* the whole path, for rules that look above */
} pos_t;

static int has_ext(X509 *x, int nid, int *crit)
{
	int i = X509_get_ext_by_NID(x, nid, -1);

	if (i >= 0 && crit)
		*crit = X509_EXTENSION_get_critical(X509_get_ext(x, i));
	return i >= 0;
}

/* BR 7.1.2.7.12: a subscriber certificate carries subjectAltName (no
 * CN-only certificates; browsers never read the CN). */
static int r_leaf_no_san(const pos_t *p)
{
	return p->leaf && !has_ext(p->x, NID_subject_alt_name, NULL);
}

/* BR 7.1.2.7.10: extKeyUsage MUST be present in a subscriber certificate. */
static int r_leaf_eku_missing(const pos_t *p)
{
	return p->leaf && !has_ext(p->x, NID_ext_key_usage, NULL);
}

/* BR 7.1.2.7.10: anyExtendedKeyUsage MUST NOT be present. */
static int r_leaf_eku_any(const pos_t *p)
{
	return p->leaf && (X509_get_extension_flags(p->x) & EXFLAG_XKUSAGE) &&
	       (X509_get_extended_key_usage(p->x) & XKU_ANYEKU);
}

/* BR 7.1.2.7.6 / 7.1.2.10.1: extKeyUsage is never critical. */
static int r_eku_critical(const pos_t *p)
{
	int crit = 0;
	return !p->anchor && has_ext(p->x, NID_ext_key_usage, &crit) && crit;
}

/* BR 7.1.2.1.2: a root CA certificate carries no extKeyUsage. The rule
 * binds the CA that issues the root; clients apply an anchor's EKU only as
 * a constraint (Chrome's ApplyTrustAnchorConstraints; OpenSSL's purpose
 * check refuses an anchor whose EKU lacks serverAuth), so a root breaking
 * it is reported, as a warning, and stays usable (on_anchor 0). */
static int r_root_eku(const pos_t *p)
{
	return p->anchor && (X509_get_extension_flags(p->x) & EXFLAG_SS) &&
	       has_ext(p->x, NID_ext_key_usage, NULL);
}

/* BR 7.1.2.7.8: a subscriber certificate has cA FALSE. */
static int r_ca_leaf(const pos_t *p)
{
	return p->leaf && (X509_get_extension_flags(p->x) & EXFLAG_CA);
}

/* BR 7.1.1: certificates are X.509 v3. */
static int r_v1(const pos_t *p)
{
	return X509_get_version(p->x) != X509_VERSION_3;
}

/* BR 6.1.5: RSA with a modulus of >= 2048 bits divisible by 8, or ECDSA on
 * P-256, P-384 or P-521. Any other key (DSA, a small curve) is refused. */
static int r_weak_key(const pos_t *p)
{
	EVP_PKEY *k = X509_get0_pubkey(p->x);
	char curve[64] = "";
	size_t len = 0;

	if (!k)
		return 1;
	if (EVP_PKEY_is_a(k, "RSA"))
		return EVP_PKEY_get_bits(k) < 2048 || EVP_PKEY_get_bits(k) % 8;
	if (!EVP_PKEY_is_a(k, "EC") ||
	    !EVP_PKEY_get_utf8_string_param(k, "group", curve, sizeof(curve), &len))
		return 1;
	return strcmp(curve, "prime256v1") && strcmp(curve, "P-256") &&
	       strcmp(curve, "secp384r1") && strcmp(curve, "P-384") &&
	       strcmp(curve, "secp521r1") && strcmp(curve, "P-521");
}

/* BR 7.1.3.2: signatures are RSASSA-PKCS1-v1_5 or RSASSA-PSS or ECDSA with
 * SHA-256, SHA-384 or SHA-512. The anchor's own signature is not judged. */
static int r_bad_sig_alg(const pos_t *p)
{
	int md = 0, pk = 0;

	if (p->anchor)
		return 0;
	if (!X509_get_signature_info(p->x, &md, &pk, NULL, NULL))
		return 1;
	if (md != NID_sha256 && md != NID_sha384 && md != NID_sha512)
		return 1;
	return pk != EVP_PKEY_RSA && pk != EVP_PKEY_RSA_PSS && pk != EVP_PKEY_EC;
}

/* RFC 5280 4.2.1.10: name constraints with neither permittedSubtrees nor
 * excludedSubtrees (an empty sequence) MUST NOT be issued. */
static int r_nc_empty(const pos_t *p)
{
	NAME_CONSTRAINTS *nc;
	int crit = -1, bad;

	if (!has_ext(p->x, NID_name_constraints, NULL))
		return 0;
	if (!(nc = X509_get_ext_d2i(p->x, NID_name_constraints, &crit, NULL)))
		return 1;
	bad = sk_GENERAL_SUBTREE_num(nc->permittedSubtrees) <= 0 &&
	      sk_GENERAL_SUBTREE_num(nc->excludedSubtrees) <= 0;
	NAME_CONSTRAINTS_free(nc);
	return bad;
}

/* BR 7.1.2.1.3: a root's authorityKeyIdentifier, when present, holds only
 * keyIdentifier, equal to its subjectKeyIdentifier. No client reads an
 * anchor's AKI (real roots of Mozilla's and Apple's stores break this):
 * a warning, like root-eku. */
static int r_root_aki(const pos_t *p)
{
	const ASN1_OCTET_STRING *kid, *ski;

	if (!p->anchor || !(X509_get_extension_flags(p->x) & EXFLAG_SS) ||
	    !has_ext(p->x, NID_authority_key_identifier, NULL))
		return 0;
	if (X509_get0_authority_issuer(p->x) || X509_get0_authority_serial(p->x))
		return 1;
	kid = X509_get0_authority_key_id(p->x);
	ski = X509_get0_subject_key_id(p->x);
	return !kid || !ski || ASN1_OCTET_STRING_cmp(kid, ski);
}

/* RFC 5280 4.2.2.1 and BR 7.1.2.7.7: authorityInfoAccess decodes, is not
 * empty, and every accessLocation is a URI. */
static int r_aia_malformed(const pos_t *p)
{
	AUTHORITY_INFO_ACCESS *aia;
	int crit = -1, bad = 0;

	if (!has_ext(p->x, NID_info_access, NULL))
		return 0;
	if (!(aia = X509_get_ext_d2i(p->x, NID_info_access, &crit, NULL)))
		return 1;
	bad = sk_ACCESS_DESCRIPTION_num(aia) <= 0;
	for (int i = 0; !bad && i < sk_ACCESS_DESCRIPTION_num(aia); i++)
		bad = sk_ACCESS_DESCRIPTION_value(aia, i)->location->type != GEN_URI;
	AUTHORITY_INFO_ACCESS_free(aia);
	return bad;
}

/* RFC 5280 4.1.2.2: serialNumber is at most 20 octets (as encoded). */
static int r_serial_too_long(const pos_t *p)
{
	int n = i2d_ASN1_INTEGER((ASN1_INTEGER *)X509_get0_serialNumber(p->x), NULL);
	/* tag + one length octet: contents of 20 octets fit in 22 */
	return n > 22;
}

/* RFC 5280 4.1.2.2: the serial number is a positive integer; BR 7.1: greater
 * than zero. */
static int r_serial_zero(const pos_t *p)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(p->x), NULL);
	int zero = !bn || BN_is_zero(bn);

	BN_free(bn);
	return zero;
}

static int r_serial_negative(const pos_t *p)
{
	return ASN1_STRING_type(X509_get0_serialNumber(p->x)) == V_ASN1_NEG_INTEGER;
}

/* RFC 5280 4.1.2.4: the issuer is a non-empty name. OpenSSL checks it once
 * a path is built (empty-issuer); a leaf whose empty issuer names no
 * certificate never gets that far, so a served chain is judged here too. */
static int r_empty_issuer(const pos_t *p)
{
	return X509_NAME_entry_count(X509_get_issuer_name(p->x)) == 0;
}

/* RFC 5280 4.2.1.10: conforming CAs MUST mark nameConstraints critical.
 * The CA/B Forum BR (7.1.2.5.2, 7.1.2.10.8) allow it non-critical as an
 * explicit exception, so only the rfc5280 policy has this rule; on an
 * anchor too, whose name constraints clients apply (x509-limbo's
 * rfc5280::nc::permitted-dns-match-noncritical puts it on the root). */
static int r_nc_not_critical(const pos_t *p)
{
	int crit = 0;
	return has_ext(p->x, NID_name_constraints, &crit) && !crit;
}

/* RFC 5280 4.2.1.10: nameConstraints MUST be used only in a CA
 * certificate. OpenSSL ignores it in a leaf. */
static int r_nc_in_leaf(const pos_t *p)
{
	return p->depth == 0 && !(X509_get_extension_flags(p->x) & EXFLAG_CA) &&
	       has_ext(p->x, NID_name_constraints, NULL);
}

/* RFC 1035 2.3.4: 255 octets on the wire, so 253 as text without the root. */
#define DNS_NAME_MAX 253
/* RFC 1035 2.3.4: a label is at most 63 octets. */
#define DNS_LABEL_MAX 63

/* RFC 5280 4.2.1.6: a dNSName is in the preferred name syntax of RFC 1034
 * 3.5 (as RFC 1123 2.1 relaxed it: a label may start with a digit): labels
 * of letters, digits and hyphens, neither starting nor ending with a hyphen,
 * no empty label (so no leading, trailing or double dot). A left-most "*"
 * label is a wildcard (RFC 6125 6.4.3). */
static int dns_name_ok(const ASN1_IA5STRING *s)
{
	const unsigned char *d = ASN1_STRING_get0_data(s);
	int n = ASN1_STRING_length(s), lab = 0;

	if (n >= 2 && d[0] == '*' && d[1] == '.') {
		d += 2;
		n -= 2;
	}
	if (n <= 0 || n > DNS_NAME_MAX)
		return 0;
	for (int i = 0; i <= n; i++) {
		if (i == n || d[i] == '.') {
			if (!lab || lab > DNS_LABEL_MAX || d[i - lab] == '-' || d[i - 1] == '-')
				return 0;
			lab = 0;
			continue;
		}
		if (!((d[i] >= 'a' && d[i] <= 'z') || (d[i] >= 'A' && d[i] <= 'Z') ||
		      (d[i] >= '0' && d[i] <= '9') || d[i] == '-'))
			return 0;
		lab++;
	}
	return 1;
}

static int has_dns_subtree(const STACK_OF(GENERAL_SUBTREE) *t)
{
	for (int i = 0; i < sk_GENERAL_SUBTREE_num(t); i++)
		if (sk_GENERAL_SUBTREE_value(t, i)->base->type == GEN_DNS)
			return 1;
	return 0;
}

/* Some certificate above p, up to the anchor, constrains dNSNames. */
static int dns_constrained(const pos_t *p)
{
	for (size_t j = (size_t)p->depth + 1; p->l && j < p->l->n; j++) {
		X509 *x = p->l->v[j]->x;
		NAME_CONSTRAINTS *nc;
		int hit;
		if (!x || !(nc = X509_get_ext_d2i(x, NID_name_constraints, NULL, NULL)))
			continue;
		hit = has_dns_subtree(nc->permittedSubtrees) ||
		      has_dns_subtree(nc->excludedSubtrees);
		NAME_CONSTRAINTS_free(nc);
		if (hit)
			return 1;
	}
	return 0;
}

/* RFC 5280 4.2.1.10: every name of a certificate below name constraints
 * lies in the permitted subtrees. A dNSName that is no DNS name at all
 * (".example.com") is in no subtree, yet OpenSSL's suffix match lets a
 * permitted "example.com" take it. Self-issued intermediates are exempt
 * from name constraints, as the RFC says. */
static int r_nc_bad_dns_san(const pos_t *p)
{
	GENERAL_NAMES *san;
	int bad = 0;

	if (p->anchor || (p->depth > 0 && (X509_get_extension_flags(p->x) & EXFLAG_SI)) ||
	    !(san = X509_get_ext_d2i(p->x, NID_subject_alt_name, NULL, NULL)))
		return 0;
	for (int i = 0; !bad && i < sk_GENERAL_NAME_num(san); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(san, i);
		bad = g->type == GEN_DNS && !dns_name_ok(g->d.dNSName);
	}
	GENERAL_NAMES_free(san);
	return bad && dns_constrained(p);
}

/* RFC 5280 4.2.1.1: authorityKeyIdentifier's keyIdentifier is in every
 * certificate but a self-signed one. OpenSSL asks it of every certificate
 * but the last; this is the last, taken as the anchor, when it is not
 * self-signed (a cross-sign, an intermediate the user trusts). Browsers do
 * not judge an anchor's encoding (README: validation policies), so only the
 * rfc5280 policy has this rule, as x509-limbo's
 * rfc5280::aki::cross-signed-root-missing-aki. */
static int r_xsigned_missing_aki(const pos_t *p)
{
	const ASN1_OCTET_STRING *kid = X509_get0_authority_key_id(p->x);

	return p->anchor && X509_get_version(p->x) == X509_VERSION_3 &&
	       !(X509_get_extension_flags(p->x) & EXFLAG_SS) && !kid;
}

/* BR 7.1.2.7.12: subjectAltName is critical only when the subject is empty
 * (RFC 5280 4.2.1.6 says SHOULD not be; the BR make it a MUST). */
static int r_san_critical(const pos_t *p)
{
	int crit = 0;
	return p->leaf && has_ext(p->x, NID_subject_alt_name, &crit) && crit &&
	       X509_NAME_entry_count(X509_get_subject_name(p->x)) > 0;
}

typedef struct rule {
	const char *id;
	unsigned policies; /* bit (1 << CC_POLICY_*) set: that policy enforces it */
	int (*broken)(const pos_t *p);
	const char *what;  /* what is wrong, for people */
	int on_anchor;     /* 1: clients apply it to their trust anchor too;
			    * 0: on the anchor it is a warning (anchor_encoding) */
} rule_t;

/* In the order a reason is chosen: the first rule a path breaks is its
 * reason (a v1 leaf also lacks a SAN; v1 is the cause). */
static const rule_t rules[] = {
	{ "v1-cert", W, r_v1, "not an X.509 v3 certificate", 0 },
	{ "leaf-no-san", W, r_leaf_no_san, "the leaf has no subjectAltName (CN only)", 0 },
	{ "leaf-eku-missing", W, r_leaf_eku_missing, "the leaf has no extendedKeyUsage", 0 },
	{ "leaf-eku-any", W, r_leaf_eku_any, "the leaf's extendedKeyUsage holds anyExtendedKeyUsage", 0 },
	{ "eku-critical", W, r_eku_critical, "extendedKeyUsage is marked critical", 0 },
	{ "root-eku", W, r_root_eku, "the root carries an extendedKeyUsage", 0 },
	{ "ca-leaf", W, r_ca_leaf, "the leaf is a CA (basicConstraints CA:TRUE)", 0 },
	{ "weak-key", W, r_weak_key, "key outside the BR list (RSA >= 2048 bits "
				     "divisible by 8; EC P-256, P-384, P-521)", 1 },
	{ "bad-sig-alg", W, r_bad_sig_alg, "signature algorithm outside the BR "
					  "list (RSA, RSA-PSS, ECDSA with SHA-256/384/512)", 0 },
	/* Chrome cannot parse such an extension, on an anchor neither */
	{ "nc-empty", W | R, r_nc_empty, "name constraints with no subtrees", 1 },
	{ "root-aki", W, r_root_aki, "the root's authorityKeyIdentifier has an "
				    "issuer/serial or differs from its subjectKeyIdentifier", 0 },
	{ "aia-malformed", W, r_aia_malformed, "malformed authorityInfoAccess", 0 },
	{ "serial-too-long", W | R, r_serial_too_long, "serial number longer than 20 octets", 0 },
	{ "serial-zero", W | R, r_serial_zero, "serial number zero", 0 },
	{ "serial-negative", W | R, r_serial_negative, "negative serial number", 0 },
	{ "empty-issuer", W | R, r_empty_issuer, "the issuer name is empty", 0 },
	{ "nc-in-leaf", W | R, r_nc_in_leaf, "nameConstraints in an end-entity certificate", 0 },
	{ "nc-not-critical", R, r_nc_not_critical, "nameConstraints not marked critical", 1 },
	{ "nc-bad-dns-san", W | R, r_nc_bad_dns_san, "a subjectAltName dNSName that is not "
						   "a valid DNS name, below name constraints", 0 },
	{ "xsigned-missing-aki", R, r_xsigned_missing_aki, "an anchor that is not "
				"self-signed has no authorityKeyIdentifier", 1 },
	{ "san-critical", W, r_san_critical, "subjectAltName is critical although the "
					     "subject is not empty", 0 },
};

#define NRULES (sizeof(rules) / sizeof(rules[0]))
_Static_assert(NRULES <= CC_POLICY_RULES_MAX, "cc_policy_rules_at's callers size for this");

/*
 * Depth 0 is judged as a subscriber certificate unless it is a CA and no
 * host name is asked for: then the chain of a CA certificate is being built
 * (an intermediate to bundle) and the CA rules apply to it instead.
 */
static void pos_at(pos_t *p, const cc_certlist_t *l, size_t i, int anchored,
		   const char *host)
{
	p->x = l->v[i]->x;
	p->depth = (int)i;
	p->leaf = i == 0 && p->x &&
		  (host || !(X509_get_extension_flags(p->x) & EXFLAG_CA));
	p->anchor = anchored && i + 1 == l->n && l->n > 1;
	p->l = l;
}

const char *cc_policy_check(const cc_certlist_t *path,
			    const cc_build_opts_t *opts, int *depth,
			    const char **what)
{
	int policy = opts->policy;
	pos_t p;

	if (policy < 0 || policy >= 3)
		policy = CC_POLICY_WEBPKI;
	for (size_t i = 0; i < path->n; i++) {
		pos_at(&p, path, i, 1, opts->host);
		if (!p.x)
			continue;
		for (size_t r = 0; r < NRULES; r++)
			if ((rules[r].policies >> policy & 1) &&
			    (!p.anchor || rules[r].on_anchor) && rules[r].broken(&p)) {
				*depth = p.depth;
				*what = rules[r].what;
				return rules[r].id;
			}
	}
	return NULL;
}

size_t cc_policy_rules_at(const cc_certlist_t *certs, size_t i, int anchored,
			  const char *host, int policy, cc_policy_hit_t *hits,
			  size_t max)
{
	size_t n = 0;
	pos_t p;

	if (policy < 0 || policy >= 3)
		policy = CC_POLICY_WEBPKI;
	pos_at(&p, certs, i, anchored, host);
	for (size_t k = 0; k < NRULES && n < max; k++)
		if ((rules[k].policies >> policy & 1) && rules[k].broken(&p)) {
			hits[n].id = rules[k].id;
			hits[n].what = rules[k].what;
			hits[n++].severity = p.anchor && !rules[k].on_anchor
						     ? CC_SEV_WARNING : CC_SEV_ERROR;
		}
	return n;
}

int cc_policy_anchor_warns(X509 *x, int x509_err)
{
	return anchor_encoding(x, x509_err);
}
