/*
 * certchain/path.h - path building and validation of one path.
 *
 * Part of the public API; include <certchain.h> for all of it. The module
 * headers stack in one order (each includes the one below it), as the
 * library's folders do (src/lib/README.md).
 */
#ifndef CERTCHAIN_PATH_H
#define CERTCHAIN_PATH_H

#include "certchain/x509.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ path building */

/**
 * Validation policies (policy.c): which rules a client enforces on a path.
 *   CC_POLICY_WEBPKI   RFC 5280 strict (but for the two rules below the BR
 *                      and browsers waive), OpenSSL security level 2, no
 *                      partial wildcards, plus the CA/Browser Forum Baseline
 *                      Requirements rules (browsers). The default.
 *   CC_POLICY_RFC5280  RFC 5280 strict only: X509_V_FLAG_X509_STRICT and the
 *                      RFC 5280 rules OpenSSL has no check for, among them
 *                      nc-not-critical and xsigned-missing-aki, which apply
 *                      to the trust anchor too.
 *   CC_POLICY_LEGACY   OpenSSL's defaults: what old clients accepted.
 * Rule ids are a stable interface; the README and the man page list them.
 */
enum cc_policy { CC_POLICY_WEBPKI = 0, CC_POLICY_RFC5280 = 1, CC_POLICY_LEGACY = 2 };

/** "webpki", "rfc5280", "legacy" ("?" otherwise). Static string. */
const char *cc_policy_name(int policy);

/** Parses a policy name into *out. Returns 0 or CC_EINVAL. */
int cc_policy_parse(const char *s, int *out);

/** The rule id of an X509_V_ERR_* code that is a policy rule
 * ("missing-aki", "weak-key", ...), or NULL. Static string. */
const char *cc_policy_rule_of(int x509_err);

/** Limits and context for one build. Zero fields take the defaults below. */
typedef struct cc_build_opts {
	time_t at;          /**< validation time; 0 = now */
	const char *host;   /**< hostname (or IP literal) to check against the leaf, or NULL */
	int purpose;        /**< OpenSSL X509_PURPOSE_*; 0 = TLS server */
	unsigned max_depth; /**< certificates in a path, anchor included */
	unsigned max_paths; /**< candidate paths kept */
	unsigned max_sigchecks; /**< signature verifications per build */
	int no_validate;    /**< 1: skip X509_verify_cert (structure only) */
	int policy;         /**< enum cc_policy; 0 = webpki */
} cc_build_opts_t;

/** Default limits: why these values is said in build.c. */
#define CC_DEFAULT_MAX_DEPTH 16
#define CC_DEFAULT_MAX_PATHS 256
#define CC_DEFAULT_MAX_SIGCHECKS 20000

/**
 * One candidate path from the leaf to a trust anchor. reason and why are
 * whole, however long the names in them, owned by the path (cc_paths_free,
 * or cc_path_clear for a path of the caller's own), and never NULL in a
 * path of cc_build(); a path of the caller's starts zeroed.
 */
typedef struct cc_path {
	cc_certlist_t certs; /**< certs.v[0] is the leaf; the last is the anchor */
	int valid;           /**< 1 if OpenSSL accepted exactly this path */
	int verify_error;    /**< X509_V_ERR_* when not valid, else 0 */
	int error_depth;     /**< depth of that error, -1 if none */
	char *reason;        /**< why it is not valid, "" when valid */
	const char *rule;    /**< the policy rule id it breaks ("leaf-no-san"),
				  static, or NULL when invalid for another reason */
	/* Ranking inputs, filled by cc_paths_rank(). */
	double trust_score;  /**< weighted share of profiles trusting it */
	int time_bad;        /**< elements expired or not yet valid at 'at' */
	int weak_sigs;       /**< SHA-1/MD5 signatures (anchor excluded) */
	time_t min_expiry;   /**< earliest notAfter in the path */
	char *why;           /**< why this path ranks where it does */
} cc_path_t;

/** A certificate the search looked at and did not use, and why. */
typedef struct cc_rejection {
	cc_cert_t *child;  /**< the certificate whose issuer was sought */
	cc_cert_t *cand;   /**< the candidate issuer that was refused */
	char reason[128];  /**< "signature does not verify", "key identifier mismatch", ... */
} cc_rejection_t;

/** The result of a build: all candidate paths, ranked, and the rejections. */
typedef struct cc_paths {
	cc_path_t *v;        /**< paths; after ranking, valid ones first, best first */
	size_t n;
	size_t cap;
	cc_rejection_t *rej; /**< refused candidate edges */
	size_t nrej;
	size_t caprej;
	unsigned sigchecks;  /**< signature verifications done */
	int truncated;       /**< 1 if a limit cut the search short */
	char limit_hit[128]; /**< which limit, when truncated */
} cc_paths_t;

/**
 * Finds every path from leaf to a certificate of anchors, through certificates
 * of untrusted (either pool may be NULL). A certificate, and a subject+key
 * pair, appears at most once in a path; the depth, number of paths and
 * signature checks are bounded, so hostile pools end. Each path found is then
 * validated with X509_verify_cert restricted to exactly that path (time,
 * basicConstraints, path length, key usage, purpose, name constraints, host).
 * Paths come out unranked; call cc_paths_rank(). *out is the caller's: free
 * with cc_paths_free(). Returns 0 even when no path exists (then (*out)->n is 0).
 */
int cc_build(const cc_build_opts_t *opts, cc_cert_t *leaf, cc_pool_t *untrusted,
	     cc_pool_t *anchors, cc_paths_t **out, cc_error_t *err);

/** Frees a result. Accepts NULL. */
void cc_paths_free(cc_paths_t *ps);

/** Frees what a path of the caller's own holds (certs, reason, why) and
 * zeroes it. Accepts NULL. */
void cc_path_clear(cc_path_t *p);

/** Index of the best valid path after ranking, or -1 when none is valid. */
int cc_paths_best(const cc_paths_t *ps);

/**
 * Scores a path against trust profiles. Returns the weighted share of
 * profiles (0..1) that trust the path. Set by a caller that knows profiles;
 * NULL means "every valid path is trusted by the given anchors" (score 1).
 */
typedef double (*cc_trust_fn)(const cc_path_t *path, void *arg);

/**
 * Ranks the paths in place: valid before invalid; among valid, higher trust
 * score, then no element outside its validity period, then shorter, then
 * fewer weak signatures, then the later earliest expiry, then the
 * lexicographically smaller fingerprints (so the order is deterministic).
 * Fills each path's ranking fields and 'why'.
 */
void cc_paths_rank(cc_paths_t *ps, time_t at, cc_trust_fn trust, void *arg);

/** Why ranked path a comes before b, in words ("it is shorter"): the first
 * ranking criterion that tells them apart. Static string. */
const char *cc_paths_why_below(const cc_path_t *a, const cc_path_t *b);

/**
 * Validates one explicit path (v[0] leaf ... v[n-1] anchor) with OpenSSL,
 * trusting only the last certificate. Fills path->valid and the error fields
 * (path->reason replaced: path must be zeroed or hold an earlier reason).
 * Returns 0, or a negative code if OpenSSL could not run at all (or
 * CC_ENOMEM).
 */
int cc_path_validate(cc_path_t *path, const cc_build_opts_t *opts,
		     cc_error_t *err);

#ifdef __cplusplus
}
#endif
#endif /* CERTCHAIN_PATH_H */
