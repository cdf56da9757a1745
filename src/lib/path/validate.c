/*
 * validate.c - let OpenSSL judge exactly one path. The store holds only the
 * path's anchor and the untrusted set only the path's intermediates, so
 * X509_verify_cert cannot wander onto another path; we still compare the
 * chain it built with ours and refuse a difference.
 */
#include "internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

/* An IP literal is matched against the IP SANs, never as a DNS name. */
int cc_is_ip_literal(const char *h)
{
	unsigned char b[16];
	return inet_pton(AF_INET, h, b) == 1 || inet_pton(AF_INET6, h, b) == 1;
}

/* The length of host as matched: a fully qualified name's one trailing dot
 * is not part of it (as openssl verify -verify_hostname treats it). */
static size_t host_len(const char *host)
{
	size_t n = strlen(host);
	return n > 1 && host[n - 1] == '.' ? n - 1 : n;
}

int cc_host_matches(X509 *x, const char *host)
{
	/* No client asks for a wildcard: "*.example.com" matches nothing. */
	if (!x || !host || strchr(host, '*'))
		return 0;
	return cc_is_ip_literal(host) ? X509_check_ip_asc(x, host, 0) == 1
			   : X509_check_host(x, host, host_len(host), 0, NULL) == 1;
}

/* The host a client checks, as cc_host_matches() matches it: a wildcard
 * is refused, a fully qualified name's trailing dot dropped. */
static int host_as_matched(X509_VERIFY_PARAM *vp, const char *host, cc_error_t *err)
{
	if (!host || cc_is_ip_literal(host))
		return 0;
	if (strchr(host, '*'))
		return cc_err(err, CC_EINVAL, host, "a wildcard is not a host name a "
			      "client asks for");
	if (host_len(host) != strlen(host) &&
	    !X509_VERIFY_PARAM_set1_host(vp, host, host_len(host)))
		return cc_err(err, CC_EINVAL, host, "invalid host name");
	return 0;
}

/* What the callbacks of one X509_verify_cert run need (its app data). */
typedef struct vstate {
	const cc_certlist_t *certs; /* the path, leaf first */
	unsigned flags;             /* CC_VALIDATE_* */
	int purpose;                /* X509_PURPOSE_* the path is for */
	int ca_leaf;                /* depth 0 is a CA and no host is asked: the
				       chain of a CA is being built */
	int *ev, *dv, *ne, max;     /* collect mode: errors and depths seen */
} vstate_t;

static int same_chain(STACK_OF(X509) *got, const cc_path_t *p)
{
	if (!got || (size_t)sk_X509_num(got) != p->certs.n)
		return 0;
	for (size_t i = 0; i < p->certs.n; i++)
		if (X509_cmp(sk_X509_value(got, (int)i), p->certs.v[i]->x))
			return 0;
	return 1;
}

/* Reports err at depth on cert the way OpenSSL's own checks do; 0 = stop. */
static int fail(X509_STORE_CTX *ctx, X509 *cert, int depth, int err)
{
	X509_STORE_CTX_set_error_depth(ctx, depth);
	X509_STORE_CTX_set_current_cert(ctx, cert);
	X509_STORE_CTX_set_error(ctx, err);
	return X509_STORE_CTX_get_verify_cb(ctx)(0, ctx);
}

static int cert_time_ok(X509_STORE_CTX *ctx, X509 *x, int depth)
{
	X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
	time_t t = X509_VERIFY_PARAM_get_time(vp);
	int i;

	if (!(X509_VERIFY_PARAM_get_flags(vp) & X509_V_FLAG_USE_CHECK_TIME))
		t = time(NULL);
	i = X509_cmp_time(X509_get0_notBefore(x), &t);
	if (i == 0 && !fail(ctx, x, depth, X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD))
		return 0;
	if (i > 0 && !fail(ctx, x, depth, X509_V_ERR_CERT_NOT_YET_VALID))
		return 0;
	i = X509_cmp_time(X509_get0_notAfter(x), &t);
	if (i == 0 && !fail(ctx, x, depth, X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD))
		return 0;
	if (i < 0 && !fail(ctx, x, depth, X509_V_ERR_CERT_HAS_EXPIRED))
		return 0;
	return 1;
}

/*
 * The signature and time step of X509_verify_cert (OpenSSL's internal_verify,
 * for our case: partial chains allowed, the top certificate's own signature
 * not checked), except that a signature the search already verified with
 * exactly this issuer key (cc_cert_sig_known) is not verified again. Every
 * other check (purpose, basicConstraints, path length, name constraints,
 * host, policies) stays OpenSSL's. Verifying each signature once matters
 * when one process builds thousands of chains through the same CAs.
 */
static int verify_step(X509_STORE_CTX *ctx)
{
	const vstate_t *vs = X509_STORE_CTX_get_app_data(ctx);
	const cc_certlist_t *path = vs->certs;
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
	int n = sk_X509_num(chain) - 1;
	X509 *xi = sk_X509_value(chain, n), *xs = xi;

	for (; n >= 0; n--) {
		if (xs != xi) {
			cc_cert_t *cs = NULL, *ci = NULL;
			uint32_t need = (X509_get_extension_flags(xs) & EXFLAG_PROXY)
						? KU_DIGITAL_SIGNATURE : KU_KEY_CERT_SIGN;
			EVP_PKEY *k;
			if ((size_t)n + 1 < path->n && path->v[n]->x == xs &&
			    path->v[n + 1]->x == xi) {
				cs = path->v[n];
				ci = path->v[n + 1];
			}
			if ((X509_get_extension_flags(xi) & EXFLAG_KUSAGE) &&
			    !(X509_get_key_usage(xi) & need) &&
			    !fail(ctx, xi, n + 1, need == KU_KEY_CERT_SIGN
					? X509_V_ERR_KEYUSAGE_NO_CERTSIGN
					: X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE))
				return 0;
			if (cs && cc_cert_sig_known(cs, ci)) {
				/* verified in the search: same DER, same key */
			} else if (!(k = X509_get0_pubkey(xi))) {
				if (!fail(ctx, xi, n + 1, X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY))
					return 0;
			} else if (X509_verify(xs, k) <= 0) {
				if (!fail(ctx, xs, n, X509_V_ERR_CERT_SIGNATURE_FAILURE))
					return 0;
			} else if (cs) {
				cc_cert_sig_remember(cs, ci);
			}
		}
		if (!cert_time_ok(ctx, xs, n))
			return 0;
		X509_STORE_CTX_set_error_depth(ctx, n);
		X509_STORE_CTX_set_current_cert(ctx, xs);
		if (!X509_STORE_CTX_get_verify_cb(ctx)(1, ctx))
			return 0;
		if (n > 0) {
			xi = xs;
			xs = sk_X509_value(chain, n - 1);
		}
	}
	return 1;
}

/*
 * One callback for every run: old Android never looked at its anchor's
 * dates (CC_VALIDATE_IGNORE_ANCHOR_TIME forgives exactly that), a leaf's
 * pathLenConstraint and the anchor's own encoding are no error
 * (cc_policy_forgives; the latter still recorded), and in collect mode
 * every error is recorded and the run goes on.
 */
static int verify_cb(int ok, X509_STORE_CTX *ctx)
{
	const vstate_t *vs = X509_STORE_CTX_get_app_data(ctx);
	int e = X509_STORE_CTX_get_error(ctx);
	int d = X509_STORE_CTX_get_error_depth(ctx);
	X509 *x = X509_STORE_CTX_get_current_cert(ctx);

	if (ok)
		return ok;
	if ((vs->flags & CC_VALIDATE_IGNORE_ANCHOR_TIME) &&
	    (e == X509_V_ERR_CERT_HAS_EXPIRED || e == X509_V_ERR_CERT_NOT_YET_VALID) &&
	    x == vs->certs->v[vs->certs->n - 1]->x)
		return 1;
	/* The chain of a CA certificate: OpenSSL checks depth 0 for the purpose
	 * as a server certificate (keyUsage digitalSignature...), which a CA
	 * with keyCertSign and cRLSign only, as the BR have it, is not. It is
	 * judged as the CA it is, by OpenSSL's own check of a CA for that
	 * purpose (extendedKeyUsage, keyCertSign, basicConstraints). */
	if (e == X509_V_ERR_INVALID_PURPOSE && d == 0 && vs->ca_leaf && x &&
	    X509_check_purpose(x, vs->purpose, 1) == 1)
		return 1;
	if (x && cc_policy_forgives(x, e, d, vs->certs->n > 1 &&
				    x == vs->certs->v[vs->certs->n - 1]->x)) {
		if (vs->ne && *vs->ne < vs->max && x == vs->certs->v[vs->certs->n - 1]->x) {
			vs->ev[*vs->ne] = e;
			vs->dv[(*vs->ne)++] = d;
		}
		return 1;
	}
	if (vs->ne) {
		if (*vs->ne < vs->max) {
			vs->ev[*vs->ne] = e;
			vs->dv[(*vs->ne)++] = d;
		}
		return 1;
	}
	return 0;
}

/* A context that verifies exactly certs (v[0] leaf, the last the only
 * trusted certificate) under opts and its policy. */
static int setup(X509_STORE **st, X509_STORE_CTX **ctx, STACK_OF(X509) **unt,
		 const cc_certlist_t *certs, const cc_build_opts_t *opts,
		 vstate_t *vs, cc_error_t *err)
{
	size_t n = certs->n;
	X509_VERIFY_PARAM *vp;

	if (!(*st = X509_STORE_new()) || !(*unt = sk_X509_new_null()) ||
	    !(*ctx = X509_STORE_CTX_new()) ||
	    !X509_STORE_add_cert(*st, certs->v[n - 1]->x))
		return cc_err_ssl(err, CC_ECRYPTO, NULL, "cannot set up verification");
	for (size_t i = 1; i + 1 < n; i++)
		if (!sk_X509_push(*unt, certs->v[i]->x))
			return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	if (!X509_STORE_CTX_init(*ctx, *st, certs->v[0]->x, *unt))
		return cc_err_ssl(err, CC_ECRYPTO, NULL, "cannot set up verification");
	/* set_app_data allocates: without it verify_step has no state */
	if (!X509_STORE_CTX_set_app_data(*ctx, vs))
		return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	X509_STORE_CTX_set_verify(*ctx, verify_step);
	X509_STORE_CTX_set_verify_cb(*ctx, verify_cb);
	vp = X509_STORE_CTX_get0_param(*ctx);
	/* The anchor may be an intermediate the user chose to trust. */
	X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_PARTIAL_CHAIN);
	cc_policy_param(vp, opts->policy);
	X509_VERIFY_PARAM_set_time(vp, opts->at ? opts->at : time(NULL));
	X509_VERIFY_PARAM_set_depth(vp, (int)n + 1);
	vs->purpose = opts->purpose ? opts->purpose : X509_PURPOSE_SSL_SERVER;
	vs->ca_leaf = !opts->host && (X509_get_extension_flags(certs->v[0]->x) & EXFLAG_CA);
	X509_STORE_CTX_set_purpose(*ctx, vs->purpose);
	if (opts->host && !(cc_is_ip_literal(opts->host) ? X509_VERIFY_PARAM_set1_ip_asc(vp, opts->host)
					       : X509_VERIFY_PARAM_set1_host(vp, opts->host, 0)))
		return cc_err(err, CC_EINVAL, opts->host, "invalid host name");
	return host_as_matched(vp, opts->host, err);
}

int cc_path_validate_collect(const cc_certlist_t *certs,
			     const cc_build_opts_t *opts, int *ev, int *dv,
			     int *ne, int max, cc_error_t *err)
{
	cc_build_opts_t none = { 0 };
	vstate_t vs = { .certs = certs, .ev = ev, .dv = dv, .ne = ne, .max = max };
	X509_STORE *st = NULL;
	X509_STORE_CTX *ctx = NULL;
	STACK_OF(X509) *unt = NULL;
	int r;

	*ne = 0;
	if (!(r = setup(&st, &ctx, &unt, certs, opts ? opts : &none, &vs, err)))
		X509_verify_cert(ctx);
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	sk_X509_free(unt);
	X509_STORE_free(st);
	return r;
}

/* After OpenSSL accepted the path: the policy's own rules (policy.c). */
static int own_rules(cc_path_t *path, const cc_build_opts_t *opts)
{
	const char *what, *id;
	cc_names_t nm = { 0 };
	int d = -1, r;

	if (!(id = cc_policy_check(&path->certs, opts, &d, &what)))
		return 0;
	path->valid = 0;
	path->rule = id;
	path->verify_error = X509_V_ERR_UNSPECIFIED;
	path->error_depth = d;
	r = cc_str_set(&path->reason, "rule %s (%s policy): %s at depth %d (%s)", id,
		       cc_policy_name(opts->policy), what, d, cc_names_get(&nm, path->certs.v[d], 0));
	cc_names_free(&nm);
	return r;
}

int cc_path_validate(cc_path_t *path, const cc_build_opts_t *opts,
		     cc_error_t *err)
{
	return cc_path_validate_flags(path, opts, 0, err);
}

int cc_path_validate_flags(cc_path_t *path, const cc_build_opts_t *opts,
			   unsigned flags, cc_error_t *err)
{
	cc_build_opts_t none = { 0 };
	vstate_t vs = { .certs = &path->certs, .flags = flags };
	X509_STORE *st = NULL;
	X509_STORE_CTX *ctx = NULL;
	STACK_OF(X509) *unt = NULL;
	size_t n = path->certs.n;
	int ok, r = 0;

	if (!opts)
		opts = &none;
	path->valid = 0;
	path->verify_error = 0;
	path->error_depth = -1;
	path->rule = NULL;
	if (cc_str_set(&path->reason, "%s", ""))
		return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (!cc_cert_x509(path->certs.v[i], NULL)) {
			path->verify_error = X509_V_ERR_UNSPECIFIED;
			path->error_depth = (int)i;
			if (cc_str_set(&path->reason,
				       "certificate at depth %zu cannot be decoded", i))
				return cc_err(err, CC_ENOMEM, NULL, "out of memory");
			return 0;
		}
	if ((r = setup(&st, &ctx, &unt, &path->certs, opts, &vs, err)))
		goto out;
	ok = X509_verify_cert(ctx);
	if (ok == 1 && same_chain(X509_STORE_CTX_get0_chain(ctx), path)) {
		path->valid = 1;
		r = own_rules(path, opts);
	} else if (ok == 1) {
		path->verify_error = X509_V_ERR_UNSPECIFIED;
		r = cc_str_set(&path->reason, "OpenSSL accepted a different path than this one");
	} else {
		int e = X509_STORE_CTX_get_error(ctx);
		int d = X509_STORE_CTX_get_error_depth(ctx);
		cc_names_t nm = { 0 };
		const char *cn = d >= 0 && (size_t)d < n ? cc_names_get(&nm, path->certs.v[d], 0)
							 : "";
		path->verify_error = e;
		path->error_depth = d;
		path->rule = cc_policy_rule_of(e);
		if (path->rule)
			r = cc_str_set(&path->reason, "rule %s (%s policy): %s at depth %d (%s)",
				       path->rule, cc_policy_name(opts->policy),
				       X509_verify_cert_error_string(e), d, cn);
		else
			r = cc_str_set(&path->reason, "%s at depth %d (%s)",
				       X509_verify_cert_error_string(e), d, cn);
		cc_names_free(&nm);
	}
	if (r)
		r = cc_err(err, CC_ENOMEM, NULL, "out of memory");
out:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	sk_X509_free(unt);
	X509_STORE_free(st);
	return r;
}
