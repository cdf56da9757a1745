/*
 * certchain/analyze.h - analysis of a chain as a server sends it: findings.
 *
 * Part of the public API; include <certchain.h> for all of it. The module
 * headers stack in one order (each includes the one below it), as the
 * library's folders do (src/lib/README.md).
 */
#ifndef CERTCHAIN_ANALYZE_H
#define CERTCHAIN_ANALYZE_H

#include "certchain/path.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------- chain analysis */

/** Severity of a finding. */
enum cc_severity { CC_SEV_INFO = 0, CC_SEV_WARNING = 1, CC_SEV_ERROR = 2 };

/** One problem with a served chain. The id is a stable interface string. */
typedef struct cc_finding {
	const char *id;    /**< "wrong-order", "incomplete-chain", ... static */
	int severity;      /**< enum cc_severity */
	int depth;         /**< position in the served chain, -1 if none */
	char *msg;         /**< one line for people, whole however long its
				names (owned by the set: cc_findings_clear) */
} cc_finding_t;

/** A set of findings. */
typedef struct cc_findings {
	cc_finding_t *v;
	size_t n;
	size_t cap;
} cc_findings_t;

/** Appends a finding (printf-style message). Returns 0 or CC_ENOMEM. */
int cc_findings_add(cc_findings_t *f, const char *id, int severity, int depth,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/** Frees the array. */
void cc_findings_clear(cc_findings_t *f);

/** Highest severity present, or -1 when there are none. */
int cc_findings_max(const cc_findings_t *f);

/**
 * Served certificates that get the full analysis. Real servers send fewer
 * than 10 (leaf, one to three intermediates, a cross-sign, sometimes the
 * root); 32 leaves three times that room for odd chains while bounding the
 * pairwise issuer checks (32 x 32) of a chain OpenSSL still accepts on the
 * wire (its 100 KB certificate message holds about 300). Past it, the
 * finding "chain-too-long" says what was analysed.
 */
#define CC_MAX_SERVED_ANALYZED 32

/** Options for cc_chain_analyze(). */
typedef struct cc_analyze_opts {
	time_t at;             /**< 0 = now */
	const char *host;      /**< hostname or IP literal to check, or NULL */
	int expires_soon_days; /**< 0 = 30 */
	int policy;            /**< enum cc_policy; 0 = webpki */
} cc_analyze_opts_t;

/**
 * Checks a chain exactly as a server would send it (served->v[0] is the
 * leaf). pool must hold the served certificates (served's pointers are its
 * certs) plus any intermediates the client could know; anchors may be NULL.
 * Only the first CC_MAX_SERVED_ANALYZED certificates are analysed; a longer
 * chain gets "chain-too-long". Each pair is compared by names and key
 * identifiers before any signature, and each signature is checked once per
 * issuer key, failed or not, so the work stays bounded.
 * Adds findings with ids: duplicate-cert, wrong-order, unrelated-cert,
 * anchor-sent, unknown-root-sent, unneeded-cert, incomplete-chain,
 * chain-loops, chain-too-long, expired, not-yet-valid, expires-soon,
 * hostname-mismatch, weak-signature, untrusted, and the policy's rule ids
 * (cc_policy_findings on the first-ranked path, or on the served chain when
 * no path reaches an anchor). If best is non-NULL and a
 * valid path exists, *best receives the ranked paths (its certificates belong
 * to pool and anchors; caller frees with cc_paths_free()).
 */
int cc_chain_analyze(const cc_certlist_t *served, cc_pool_t *pool,
		     cc_pool_t *anchors, const cc_analyze_opts_t *opts,
		     cc_findings_t *out, cc_paths_t **best, cc_error_t *err);

/**
 * Adds one finding per policy rule (opts->policy) that certs break: certs
 * is a path, leaf first; anchored = 1 when its last certificate is the
 * trust anchor (whose own signature is then not judged). OpenSSL's checks
 * run with every error collected, the policy's own rules on every
 * certificate. Each finding is an error naming the certificate, its
 * position in served (-1 when not served; served may be NULL) and its
 * depth in the path; a rule is reported once per certificate. A path with
 * a certificate OpenSSL cannot decode gets no rule finding (that is its
 * problem). opts may be NULL (webpki, now, no host). Returns 0 or a
 * negative code (OpenSSL could not run, out of memory).
 */
int cc_policy_findings(const cc_certlist_t *certs, int anchored,
		       const cc_certlist_t *served, const cc_build_opts_t *opts,
		       cc_findings_t *out, cc_error_t *err);

#ifdef __cplusplus
}
#endif
#endif /* CERTCHAIN_ANALYZE_H */
