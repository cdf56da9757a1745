/*
 * certchain.h - build, rank and check TLS certificate chains, above all chains
 * that must run through a cross-signed certificate.
 *
 * This header is the manual. Every function states who owns each pointer it
 * takes or returns. Conventions:
 *   - Functions that can fail return int: 0 on success or a negative CC_E* code,
 *     and fill the optional cc_error_t (may be NULL) with the code, a one-line
 *     message and what it is about (a file, a host, a depth).
 *   - Every *_new has a *_free that accepts NULL.
 *   - The library never prints and never exits.
 *   - OpenSSL types appear only where a caller needs them (cc_cert_x509()).
 */
#ifndef CERTCHAIN_H
#define CERTCHAIN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CERTCHAIN_VERSION "0.1.0"

/* ------------------------------------------------------------------ errors */

/** Error codes. 0 is success; every failure is negative. */
enum cc_code {
	CC_OK = 0,
	CC_EINVAL = -1,    /**< a bad argument or option value */
	CC_ENOMEM = -2,    /**< out of memory */
	CC_EIO = -3,       /**< a file could not be read or written */
	CC_EPARSE = -4,    /**< input is not a certificate / is corrupt */
	CC_ELIMIT = -5,    /**< a safety limit was reached (size, count, work) */
	CC_ENOTFOUND = -6, /**< nothing matched */
	CC_ECRYPTO = -7,   /**< OpenSSL failed */
	CC_EAMBIGUOUS = -8 /**< a selector matched several objects */
};

/** Where an error happened and why. Filled by the library; plain data. */
typedef struct cc_error {
	int code;       /**< a CC_E* code, 0 if no error */
	char where[512]; /**< file, host or object the error is about ("" if none) */
	char msg[512];  /**< one line, no trailing newline */
	int depth;      /**< chain depth the error is about, -1 if none */
} cc_error_t;

/** Resets *err to "no error". Accepts NULL. */
void cc_error_clear(cc_error_t *err);

/** Returns a static, human name of a CC_E* code ("parse error"). */
const char *cc_strerror(int code);

/**
 * Writes "WHERE: MSG" (or just MSG when WHERE is empty) into buf, truncating
 * to n bytes. Returns buf.
 */
char *cc_error_line(const cc_error_t *err, char *buf, size_t n);

/* ------------------------------------------------------------ certificates */

/**
 * One certificate, as held by a pool. The DER bytes, fingerprint and the
 * positions of subject, issuer, key and key identifiers are known from load
 * time; the full OpenSSL decode happens on first need. Owned by its pool:
 * valid until cc_pool_free().
 */
typedef struct cc_cert cc_cert_t;

/** The certificate's DER encoding and its length. Borrowed from the cert. */
const unsigned char *cc_cert_der(const cc_cert_t *c, size_t *len);

/** The 32-byte SHA-256 of the DER encoding. Borrowed from the cert. */
const unsigned char *cc_cert_sha256(const cc_cert_t *c);

/** Writes the SHA-256 as 64 lower-case hex digits plus NUL into out. */
void cc_cert_sha256_hex(const cc_cert_t *c, char out[65]);

/** Where the certificate was first loaded from (file path), or "". Borrowed. */
const char *cc_cert_source(const cc_cert_t *c);

/**
 * The decoded certificate, decoding it on first call. Borrowed: owned by the
 * cert, do not free. NULL (with err filled) when OpenSSL rejects the DER.
 */
X509 *cc_cert_x509(cc_cert_t *c, cc_error_t *err);

/** 1 if subject and issuer names are equal (a self-issued certificate). */
int cc_cert_self_issued(const cc_cert_t *c);

/** 1 if basicConstraints says CA:TRUE (needs the decode; 0 on failure). */
int cc_cert_is_ca(cc_cert_t *c);

/**
 * Writes the subject (which=0) or issuer (which=1) Common Name into buf
 * (UTF-8, control characters replaced by '?'); falls back to the whole name
 * in RFC 2253 form when there is no CN. Returns buf.
 */
char *cc_cert_name(cc_cert_t *c, int which, char *buf, size_t n);

/** Writes the whole subject or issuer name (RFC 2253, UTF-8). Returns buf. */
char *cc_cert_dn(cc_cert_t *c, int which, char *buf, size_t n);

/** Writes "RSA 2048", "EC P-256", "Ed25519", ... into buf. Returns buf. */
char *cc_cert_key_desc(cc_cert_t *c, char *buf, size_t n);

/** Signature algorithm name ("sha256WithRSAEncryption"). Static string. */
const char *cc_cert_sig_name(cc_cert_t *c);

/** 1 if the signature uses SHA-1 or MD5 (weak), else 0. */
int cc_cert_weak_sig(cc_cert_t *c);

/** notBefore / notAfter as Unix time. 0 on decode failure. */
time_t cc_cert_not_before(cc_cert_t *c);
time_t cc_cert_not_after(cc_cert_t *c);

/* ---------------------------------------------------------- lists (chains) */

/**
 * An ordered, growable list of borrowed certificate pointers. Used for chains
 * and for the certificates of one file in file order. The list owns only its
 * array, never the certificates.
 */
typedef struct cc_certlist {
	cc_cert_t **v; /**< the certificates, v[0] first */
	size_t n;      /**< how many */
	size_t cap;    /**< allocated slots */
} cc_certlist_t;

/** Appends c. Returns 0 or CC_ENOMEM. */
int cc_certlist_push(cc_certlist_t *l, cc_cert_t *c);

/** Frees the array (not the certificates) and zeroes the list. */
void cc_certlist_clear(cc_certlist_t *l);

/* ------------------------------------------------------------------- pools */

/**
 * A set of certificates deduplicated by SHA-256 and indexed by subject name,
 * subject key identifier and fingerprint. A pool owns its certificates.
 */
typedef struct cc_pool cc_pool_t;

/** A new empty pool, or NULL when out of memory. Caller frees with cc_pool_free(). */
cc_pool_t *cc_pool_new(void);

/** Frees the pool and every certificate in it. Accepts NULL. */
void cc_pool_free(cc_pool_t *p);

/** Number of distinct certificates in the pool. */
size_t cc_pool_count(const cc_pool_t *p);

/** The i-th certificate in insertion order (i < count). Owned by the pool. */
cc_cert_t *cc_pool_get(const cc_pool_t *p, size_t i);

/**
 * Adds one DER certificate (the bytes are copied). Only the outer structure is
 * checked here (a Certificate SEQUENCE with a tbsCertificate holding issuer,
 * subject and key); the full decode is deferred. source names the origin for
 * messages (may be NULL). On success *out (may be NULL) is the pool's cert,
 * the existing one when the certificate was already present; *added (may be
 * NULL) says whether it was new.
 */
int cc_pool_add_der(cc_pool_t *p, const unsigned char *der, size_t len,
		    const char *source, cc_cert_t **out, int *added,
		    cc_error_t *err);

/**
 * Adds c (a certificate of any pool) to p as cc_pool_add_der() would, but
 * without parsing or hashing it again: the copy shares what c already knows
 * (fingerprint, names, a verified signature, its decode). *out (may be NULL)
 * is p's certificate, the existing one when p already had it.
 */
int cc_pool_add_copy(cc_pool_t *p, const cc_cert_t *c, cc_cert_t **out,
		     cc_error_t *err);

/** Load flags for cc_pool_load(). */
enum cc_load_flags {
	CC_LOAD_ALLOW_EMPTY = 1 << 0, /**< a file with no certificate is not an error */
	/** In a directory, read each file (device and inode) once: the hash
	 *  links of an OpenSSL CA directory point at the files beside them, so
	 *  only order loses the repeats. */
	CC_LOAD_ONCE_PER_FILE = 1 << 1,
	/** In a directory, read only the files named HASH.N (8 hex digits, a
	 *  dot, a number): the only names OpenSSL's CA directory lookup opens,
	 *  so a bundle or stray file beside the hash links is not trusted. */
	CC_LOAD_HASHED_NAMES = 1 << 2
};

/**
 * Loads every certificate from path into the pool: a PEM file (bundles, text
 * between blocks ignored), a DER certificate, a PKCS#7 certs-only file (PEM or
 * DER), or a directory (each regular file in name order; files holding no
 * certificate are skipped). If order is non-NULL, the certificates of the
 * path are appended to it in file order, duplicates included. Errors name the
 * file and the cause: unreadable, empty, a private key where a certificate was
 * expected, garbage, truncated DER, too large.
 */
int cc_pool_load(cc_pool_t *p, const char *path, unsigned flags,
		 cc_certlist_t *order, cc_error_t *err);

/** Same as cc_pool_load() for an in-memory buffer; name is used in messages. */
int cc_pool_load_mem(cc_pool_t *p, const unsigned char *buf, size_t len,
		     const char *name, unsigned flags, cc_certlist_t *order,
		     cc_error_t *err);

/** The certificate with this SHA-256, or NULL. Owned by the pool. */
cc_cert_t *cc_pool_find_sha256(const cc_pool_t *p, const unsigned char fp[32]);

/**
 * Appends to out every certificate of p whose subject name equals the issuer
 * name of child (RFC 5280 comparison: exact DER first, OpenSSL's canonical
 * form when the exact encoding finds nothing). Returns how many were found,
 * or a negative CC_E* code.
 */
int cc_pool_issuers_of(cc_pool_t *p, cc_cert_t *child, cc_certlist_t *out);

/**
 * The certificates whose thumbprint starts with the hex prefix (at least 8
 * digits, case-insensitive, colons ignored) or whose subject CN or whole DN
 * equals sel ("CN=..." or a bare name). Appends matches to out; returns their
 * number or a negative code.
 */
int cc_pool_select(cc_pool_t *p, const char *sel, cc_certlist_t *out);

/* ------------------------------------------------------------ path building */

/**
 * Validation policies (policy.c): which rules a client enforces on a path.
 *   CC_POLICY_WEBPKI   RFC 5280 strict, OpenSSL security level 2, no partial
 *                      wildcards, plus the CA/Browser Forum Baseline
 *                      Requirements rules (browsers). The default.
 *   CC_POLICY_RFC5280  RFC 5280 strict only (X509_V_FLAG_X509_STRICT).
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

/** One candidate path from the leaf to a trust anchor. */
typedef struct cc_path {
	cc_certlist_t certs; /**< certs.v[0] is the leaf; the last is the anchor */
	int valid;           /**< 1 if OpenSSL accepted exactly this path */
	int verify_error;    /**< X509_V_ERR_* when not valid, else 0 */
	int error_depth;     /**< depth of that error, -1 if none */
	char reason[256];    /**< why it is not valid, "" when valid */
	const char *rule;    /**< the policy rule id it breaks ("leaf-no-san"),
				  static, or NULL when invalid for another reason */
	/* Ranking inputs, filled by cc_paths_rank(). */
	double trust_score;  /**< weighted share of profiles trusting it */
	int time_bad;        /**< elements expired or not yet valid at 'at' */
	int weak_sigs;       /**< SHA-1/MD5 signatures (anchor excluded) */
	time_t min_expiry;   /**< earliest notAfter in the path */
	char why[256];       /**< why this path ranks where it does */
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
 * trusting only the last certificate. Fills path->valid and the error fields.
 * Returns 0, or a negative code if OpenSSL could not run at all.
 */
int cc_path_validate(cc_path_t *path, const cc_build_opts_t *opts,
		     cc_error_t *err);

/* ---------------------------------------------------------- chain analysis */

/** Severity of a finding. */
enum cc_severity { CC_SEV_INFO = 0, CC_SEV_WARNING = 1, CC_SEV_ERROR = 2 };

/** One problem with a served chain. The id is a stable interface string. */
typedef struct cc_finding {
	const char *id;    /**< "wrong-order", "incomplete-chain", ... static */
	int severity;      /**< enum cc_severity */
	int depth;         /**< position in the served chain, -1 if none */
	char msg[384];     /**< one line for people */
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
 * Adds findings with ids: duplicate-cert, wrong-order, unrelated-cert,
 * anchor-sent, incomplete-chain, expired, not-yet-valid, expires-soon,
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

/* ------------------------------------------------------------------ output */

/** A growable string buffer for reports. */
typedef struct cc_buf {
	char *s;   /**< NUL-terminated text */
	size_t n;  /**< length without the NUL */
	size_t cap;
	int oom;   /**< set when an append failed; text is then truncated */
} cc_buf_t;

/** Appends printf-style text. */
void cc_buf_printf(cc_buf_t *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Appends s as a JSON string literal (quotes and escapes included). */
void cc_buf_json_str(cc_buf_t *b, const char *s);

/** Frees the text and zeroes the buffer. */
void cc_buf_clear(cc_buf_t *b);

/**
 * Appends one certificate as a JSON object: subject, issuer, subject_cn,
 * issuer_cn, sha256, not_before, not_after (RFC 3339 UTC), key, sig_alg,
 * self_signed, ca.
 */
void cc_json_cert(cc_buf_t *b, cc_cert_t *c);

/** Formats t as RFC 3339 UTC ("2027-01-31T23:59:59Z") into out. Returns out. */
char *cc_time_str(time_t t, char out[32]);

/**
 * Parses an RFC 3339 time ("2026-01-02T03:04:05Z", "+hh:mm" offsets, a bare
 * date "2026-01-02") or "@UNIXSECONDS". Returns 0 and sets *out, or CC_EINVAL.
 */
int cc_time_parse(const char *s, time_t *out);

/* ------------------------------------------------------------------- files */

/**
 * Writes data to path atomically: a temporary file in the same directory
 * created with mode, written, fsync'd, renamed over path, then the directory
 * fsync'd. On any failure the temporary file is removed and path is left as
 * it was. Returns 0 or CC_EIO with err naming path and the cause.
 */
int cc_write_file_atomic(const char *path, const void *data, size_t len,
			 unsigned mode, cc_error_t *err);

/* ---------------------------------------------------------- profiles */
/*
 * Section: trust profiles and client behaviours (profile.c).
 * (Declarations of this module go below this comment.)
 */

/**
 * How a client builds and checks the chain a server sends. Each is a small
 * strategy (behaviour.c), judged on its own:
 *   CC_BEHAVIOUR_PATHBUILD: full path building with backtracking over the
 *     served certificates and the client's anchors (modern OpenSSL, Go,
 *     Windows, macOS, NSS). Trusted when any path validates.
 *   CC_BEHAVIOUR_SERVED_ORDER: OpenSSL 1.0.x. Walks the served chain in
 *     order, taking each certificate's issuer from the served certificates
 *     first and from the store only when none was served, and stops at the
 *     first certificate it trusts; it never backtracks. A chain ending in an
 *     expired cross-sign fails although the newer root is in the store (the
 *     2021 DST Root CA X3 failure).
 *   CC_BEHAVIOUR_NO_EXPIRY_CHECK_ON_ANCHOR: old Android: path building, but
 *     the anchor's own validity dates are ignored.
 */
typedef enum cc_behaviour {
	CC_BEHAVIOUR_PATHBUILD = 0,
	CC_BEHAVIOUR_SERVED_ORDER = 1,
	CC_BEHAVIOUR_NO_EXPIRY_CHECK_ON_ANCHOR = 2
} cc_behaviour_t;

/** "pathbuild", "served-order", "no-expiry-check-on-anchor". Static. */
const char *cc_behaviour_name(cc_behaviour_t b);

/** Parses a behaviour name into *out. Returns 0 or CC_EINVAL. */
int cc_behaviour_parse(const char *s, cc_behaviour_t *out);

/**
 * A set of trust profiles. A profile is a named set of anchors plus a client
 * behaviour and a weight (its share of clients, used in ranking). All the
 * profiles of a set keep their anchors in ONE shared pool (a root held by
 * ten stores is loaded and decoded once); each profile records which of the
 * pool's certificates are its anchors. Caller frees with cc_profiles_free().
 */
typedef struct cc_profiles cc_profiles_t;

/** Default weight of a profile given without weight=. */
#define CC_PROFILE_DEFAULT_WEIGHT 1.0
/** Most profiles in one set: far above the ~12 real client families. */
#define CC_MAX_PROFILES 64

/** A new empty set, or NULL when out of memory. */
cc_profiles_t *cc_profiles_new(void);

/** Frees the set, its pool and every certificate in it. Accepts NULL. */
void cc_profiles_free(cc_profiles_t *ps);

/** Number of profiles. */
size_t cc_profiles_count(const cc_profiles_t *ps);

/** The shared pool holding every anchor of every profile. Owned by the set. */
cc_pool_t *cc_profiles_pool(cc_profiles_t *ps);

/** Profile i's name, behaviour, weight, source ("path" or description). */
const char *cc_profile_name(const cc_profiles_t *ps, size_t i);
cc_behaviour_t cc_profile_behaviour(const cc_profiles_t *ps, size_t i);
double cc_profile_weight(const cc_profiles_t *ps, size_t i);
const char *cc_profile_source(const cc_profiles_t *ps, size_t i);
/** Profile i's validation policy (enum cc_policy): profiles.conf's policy=,
 * a spec's ,policy=P, else webpki. */
int cc_profile_policy(const cc_profiles_t *ps, size_t i);
/** Sets profile i's validation policy (an unknown value is ignored). */
void cc_profile_set_policy(cc_profiles_t *ps, size_t i, int policy);
/** 1 if profile i's policy is its own: every built-in profile (it stands
 * for one client; profiles.conf's policy=, else webpki) and a spec with
 * ,policy=P. 0 if it follows the command's policy (cc_profiles_follow_policy):
 * profiles made from a file or pool without ,policy= (-r, the store, -p
 * NAME=PATH) and "system". */
int cc_profile_policy_own(const cc_profiles_t *ps, size_t i);
/** Sets policy on every profile whose policy is not its own (an unknown
 * value is ignored). */
void cc_profiles_follow_policy(cc_profiles_t *ps, int policy);
/** Number of distinct anchors of profile i. */
size_t cc_profile_anchor_count(const cc_profiles_t *ps, size_t i);

/**
 * Which clients a profile stands for: ones in use today (the default, also
 * for system, store, roots and NAME=PATH profiles) or legacy ones (the 2017
 * snapshots). explain and check report the two groups separately.
 */
typedef enum cc_profile_group {
	CC_PROFILE_CURRENT = 0,
	CC_PROFILE_LEGACY = 1
} cc_profile_group_t;
/** Number of groups: arrays indexed by cc_profile_group_t have this size. */
#define CC_PROFILE_NGROUPS 2

/** Profile i's group: profiles.conf's group=, or -p ...,group=. */
cc_profile_group_t cc_profile_group(const cc_profiles_t *ps, size_t i);
/** "current" or "legacy". Static. */
const char *cc_profile_group_name(cc_profile_group_t g);
/** Parses "current" or "legacy" into *out. Returns 0 or CC_EINVAL. */
int cc_profile_group_parse(const char *s, cc_profile_group_t *out);
/** Profile i's date (profiles.conf's date=, "2025-10"), or "" when unknown.
 *  Owned by the set. */
const char *cc_profile_date(const cc_profiles_t *ps, size_t i);
/** 1 if c (compared by SHA-256, from any pool) is an anchor of profile i. */
int cc_profile_has_anchor(const cc_profiles_t *ps, size_t i, const cc_cert_t *c);
/** Index of the profile called name, or -1. */
int cc_profiles_find(const cc_profiles_t *ps, const char *name);

/**
 * Adds a profile whose anchors are every certificate of path (a PEM bundle,
 * DER, P7B or a directory; see cc_pool_load). source is shown by listings
 * (NULL: path). Names are 1-64 characters of [A-Za-z0-9._-] and unique in
 * the set. weight must be >= 0. Returns 0 or a CC_E* code (a duplicate or bad
 * name, an unreadable file, a file without certificates).
 */
int cc_profiles_add_file(cc_profiles_t *ps, const char *name, const char *path,
			 cc_behaviour_t b, double weight, const char *source,
			 cc_error_t *err);

/**
 * Adds a profile whose anchors are every certificate of anchors (copied into
 * the set's pool: anchors stays the caller's). This is how an existing set of
 * anchors becomes a profile, e.g. the store's enabled roots as the profile
 * "store". An empty pool gives a profile that trusts nothing.
 */
int cc_profiles_add_pool(cc_profiles_t *ps, const char *name, cc_pool_t *anchors,
			 cc_behaviour_t b, double weight, const char *source,
			 cc_error_t *err);

/**
 * Adds the profile "system": the OS bundle /etc/ssl/certs/ca-certificates.crt,
 * or SSL_CERT_FILE and/or SSL_CERT_DIR when set. Behaviour pathbuild.
 */
int cc_profiles_add_system(cc_profiles_t *ps, double weight, cc_error_t *err);

/**
 * Adds built-in profiles from datadir/trust-stores/profiles.conf (installed
 * with the tool; format in data/trust-stores/README.md). only == NULL adds
 * them all; otherwise only the one called only (CC_ENOTFOUND if none).
 */
int cc_profiles_add_builtin(cc_profiles_t *ps, const char *datadir,
			    const char *only, cc_error_t *err);

/**
 * Writes datadir/trust-stores/profiles.idx: every built-in store read from
 * its PEM file, each distinct certificate's DER once, with the size and
 * modification time of profiles.conf and of each store. cc_profiles_add_builtin
 * then takes a store from the index while its file is unchanged, and from the
 * PEM otherwise. `make` runs this (tools/profiles-index). Returns 0 or a CC_E*
 * code naming the file; the index is written atomically.
 */
int cc_profiles_index_write(const char *datadir, cc_error_t *err);

/**
 * Adds a profile from a specification, the syntax of --profile:
 *   NAME                         a built-in profile or "system"
 *   NAME=PATH                    anchors from a file or directory
 *   ...[,behaviour=B][,weight=W][,group=G] trailing options (either form)
 * Options are peeled from the right, so a PATH may itself contain commas.
 * datadir may be NULL when no built-in is referred to.
 */
int cc_profiles_add_spec(cc_profiles_t *ps, const char *spec,
			 const char *datadir, cc_error_t *err);

/** Options for cc_profiles_judge(). */
typedef struct cc_judge_opts {
	time_t at;        /**< 0 = now */
	const char *host; /**< hostname (or IP literal) every client checks, or NULL */
} cc_judge_opts_t;

/** One profile's verdict on a served chain. */
typedef struct cc_verdict {
	size_t profile;      /**< index in the profile set */
	int trusted;         /**< 1 if that client accepts the served chain */
	cc_cert_t *anchor;   /**< the anchor it used (owned by the profile set,
				  valid until cc_profiles_free), or NULL */
	cc_certlist_t path;  /**< the path the client built, leaf first, anchor
				  last when trusted; certs are the caller's served
				  ones or the set's anchors. Array owned here. */
	int depth;           /**< depth the failure is about, -1 if none */
	const char *rule;    /**< the policy rule that made this client refuse
				  the path it built (static), or NULL */
	char reason[256];    /**< plain words: "anchor not in store (...)",
				  "expired cross-sign at depth 2 (...)"; when
				  trusted, a note or "" */
} cc_verdict_t;

/** The verdicts of every profile of a set on one served chain. */
typedef struct cc_verdicts {
	cc_verdict_t *v;     /**< v[i] is profile i's verdict */
	size_t n;
	size_t ntrusted;     /**< how many profiles trust it */
	double score;        /**< trusted weight / total weight (0..1); with all
				  weights 0, the trusted share by count */
} cc_verdicts_t;

/**
 * Judges a chain exactly as a server sends it (served->v[0] the leaf, the
 * others in the order sent; any pool may own them) for every profile, as
 * that profile's client behaviour would. A client knows only the served
 * certificates and its anchors, plus, when extra is non-NULL, extra's
 * certificates (intermediates a client is assumed to have cached). Fills out
 * (caller clears with cc_verdicts_clear()). Returns 0 or a negative code
 * (out of memory, OpenSSL failure); an untrusted chain is not an error.
 */
int cc_profiles_judge(cc_profiles_t *ps, const cc_certlist_t *served,
		      cc_pool_t *extra, const cc_judge_opts_t *opts,
		      cc_verdicts_t *out, cc_error_t *err);

/** Frees the verdicts' arrays and zeroes *v. Accepts an empty one. */
void cc_verdicts_clear(cc_verdicts_t *v);

/** One candidate served chain and how every profile judges it. */
typedef struct cc_matrix_row {
	cc_certlist_t served;   /**< leaf first, no anchor; certs borrowed from
				     the build's pools */
	size_t path;            /**< index (in the ranked cc_paths_t) of the best
				     path that serves exactly these certificates */
	cc_verdicts_t verdicts; /**< one per profile */
} cc_matrix_row_t;

/** Rows best first: higher score, then the core ranking of their paths. */
typedef struct cc_matrix {
	cc_matrix_row_t *v;
	size_t n;
} cc_matrix_t;

/**
 * Ubiquity ranking. For every path of ps (from cc_build against
 * cc_profiles_pool(profs) or any anchors), the served chain is the path
 * without its anchor; each distinct served chain is judged by every profile
 * (cc_profiles_judge, extra = NULL). Then ranks ps through the cc_trust_fn
 * hook (a path's score is its served chain's) and fills out with the rows,
 * best first. out->v[0] is the chain to serve when its score is > 0.
 * Caller clears out with cc_matrix_clear().
 */
int cc_ubiquity_rank(cc_profiles_t *profs, cc_paths_t *ps,
		     const cc_judge_opts_t *opts, cc_matrix_t *out,
		     cc_error_t *err);

/** Frees the rows. Accepts an empty matrix. */
void cc_matrix_clear(cc_matrix_t *m);

/**
 * The cross-sign left out (twin.c). For matrix row `row` (the chosen chain;
 * ps the ranked build it came from): when a certificate of its path has a
 * cross-signed twin in untrusted or anchors (same subject and key, another
 * issuer, not self-issued) that the row does not serve, appends one line to
 * out: "not served: X cross-signed by Y (sha256 ...); the chain
 * through it would add P, Q" (or that it would add no client). Returns 1
 * when a line was written, 0 when there is no such twin.
 */
int cc_twin_note(cc_profiles_t *profs, const cc_matrix_t *m, size_t row,
		 const cc_paths_t *ps, cc_pool_t *untrusted, cc_pool_t *anchors,
		 cc_buf_t *out);

/**
 * Describes a served chain in plain words into buf: "Leaf CN + ICA CN + R46
 * CN cross-signed by USERTrust CN". A certificate is called a cross-sign when
 * its subject and key also belong to a self-signed certificate of profs'
 * pool or of the chain. Returns buf.
 */
char *cc_chain_describe(cc_profiles_t *profs, const cc_certlist_t *served,
			char *buf, size_t n);

/*
 * Section: today's clients and legacy clients, counted apart (groups.c), and
 * a chain's possible anchors per profile (anchors_of.c).
 */

/** How the profiles of one group judge a chain. */
typedef struct cc_group_tally {
	size_t n;        /**< profiles in the group */
	size_t ntrusted; /**< of which trust the chain */
	size_t untrusted[CC_MAX_PROFILES]; /**< indexes of the others, in set order */
	size_t nuntrusted;
} cc_group_tally_t;

/**
 * Tallies v (verdicts of ps's profiles) per group: out[CC_PROFILE_CURRENT]
 * counts today's clients, out[CC_PROFILE_LEGACY] the legacy ones.
 */
void cc_verdicts_by_group(const cc_profiles_t *ps, const cc_verdicts_t *v,
			  cc_group_tally_t out[CC_PROFILE_NGROUPS]);

/**
 * The anchors of ps's shared pool that some path from leaf (through
 * untrusted, which may be NULL) ends at, checked for structure and
 * signatures but not dates, plus leaf itself when it is such an anchor.
 * Appends them (owned by ps) to out without duplicates; returns how many
 * were appended or a negative CC_E* code. With cc_profile_has_anchor() this
 * says which of a chain's possible anchors each profile has.
 */
int cc_profiles_chain_anchors(cc_profiles_t *ps, cc_cert_t *leaf,
			      cc_pool_t *untrusted, cc_certlist_t *out,
			      cc_error_t *err);

/** Which clients need the longer chain (the cross-signs) that m recommends. */
typedef struct cc_need {
	const cc_matrix_row_t *best;     /**< m's first row (borrowed) */
	const cc_matrix_row_t *shortest; /**< the row serving fewest certificates */
	/** Per group: n = profiles of the group; untrusted = those that trust
	 *  best but not shortest (they need the extra certificates); ntrusted
	 *  is unused. */
	cc_group_tally_t need[CC_PROFILE_NGROUPS];
} cc_need_t;

/**
 * When m's best row (a trusted one) serves more certificates than its
 * shortest candidate (typically: the cross-signs on top of the issuing CA),
 * fills out with the profiles, per group, that would lose trust without them
 * and returns 1. Returns 0 (out zeroed) when the best row is already the
 * shortest or nothing is trusted. Rows are borrowed from m.
 */
int cc_matrix_need_longer(const cc_profiles_t *ps, const cc_matrix_t *m,
			  cc_need_t *out);

/* ------------------------------------------------------------- store */
/*
 * Section: the certificate store (store.c).
 * (Declarations of this module go below this comment.)
 */

/*
 * A persistent certificate store, like the Windows certificate manager's
 * "Intermediate Certification Authorities", "Trusted Root Certification
 * Authorities" and "Personal" stores. On disk (human-inspectable, OpenSSL
 * native):
 *
 *   DIR/.lock                        writers' advisory lock (flock)
 *   DIR/intermediate/SHA256.pem      one PEM certificate, named by its SHA-256
 *   DIR/root/SHA256.pem              trust anchors
 *   DIR/root/HHHHHHHH.N -> SHA.pem   hashed links of the ENABLED roots, so
 *                                    DIR/root works as `openssl verify -CApath`
 *   DIR/personal/SHA256.pem          certificates that have a private key
 *   DIR/KIND/SHA256.meta             "friendly-name: ..." / "disabled: yes|no"
 *   DIR/keys/SHA256.key              PEM PKCS#8 key, 0600, directory 0700
 *
 * A certificate is in the store exactly when its SHA256.pem exists: an import
 * writes the key, then the metadata, then the certificate (the commit point),
 * each with cc_write_file_atomic(); a removal deletes the certificate first.
 * Readers take no lock and never see a half-written file; stray .meta/.key
 * files without a certificate are ignored and swept by the next import.
 * Writers serialise on DIR/.lock. A certificate lives in one store only.
 * Files in DIR/KIND not named SHA256.pem are ignored (not loaded). Other
 * modules keep their own records under other names (cc_store_write_file()).
 * Code: store.c (layout, lock, reading), store_write.c (import, remove,
 * disable, export), store_links.c (hashed links), key.c (private keys).
 */

/** Which store a certificate is in. */
enum cc_store_kind {
	CC_STORE_AUTO = 0,         /**< import: decide from the certificate */
	CC_STORE_INTERMEDIATE = 1, /**< untrusted CA certificates */
	CC_STORE_ROOT = 2,         /**< trust anchors */
	CC_STORE_PERSONAL = 3      /**< certificates with their private key */
};

/** "intermediate", "root", "personal" ("auto" for 0). Static string. */
const char *cc_store_kind_name(int kind);

/** Parses a kind name; returns the kind or CC_EINVAL. */
int cc_store_kind_parse(const char *s);

/** An open store: a directory plus this process's lock state. */
typedef struct cc_store cc_store_t;

/** Flags for cc_store_key(). */
enum cc_store_flags {
	CC_STORE_INSECURE_KEY_PERMS = 1 << 0 /**< cc_store_key(): accept a
						  group/world-readable key file */
};

/**
 * Writes the default store directory into buf: $CERTCHAIN_STORE, else
 * /var/lib/certchain for root (uid 0), else $HOME/.local/share/certchain.
 * Returns 0, or CC_EINVAL when none can be found or buf is too small.
 */
int cc_store_default_dir(char *buf, size_t n, cc_error_t *err);

/**
 * Opens the store in dir (NULL: cc_store_default_dir()). Nothing is created
 * until the first write, so opening a store that does not exist yet is not an
 * error: it is empty. *out is the caller's: close with cc_store_close().
 */
int cc_store_open(const char *dir, cc_store_t **out, cc_error_t *err);

/** Releases the lock if held and frees the store. Accepts NULL. */
void cc_store_close(cc_store_t *st);

/** The store's directory. Borrowed: valid until cc_store_close(). */
const char *cc_store_dir(const cc_store_t *st);

/** Longest time a writer waits for the lock before giving up (CC_ELIMIT). */
#define CC_STORE_LOCK_TIMEOUT_S 30

/**
 * Takes the store's writer lock (an exclusive flock on DIR/.lock, creating
 * the directory and lock file when needed), waiting at most
 * CC_STORE_LOCK_TIMEOUT_S. Recursive within one cc_store_t: every
 * cc_store_lock() needs one cc_store_unlock(); two cc_store_t of the same
 * directory exclude each other like two processes, so use one per process. Every writing function below
 * takes it itself; hold it yourself to make several changes one step (read,
 * decide, write) against other processes. Readers need not lock. While
 * you hold it, imports, removals and disables of roots defer refreshing the
 * hashed links to your last cc_store_unlock() (call cc_store_rehash() before
 * it to see any error).
 */
int cc_store_lock(cc_store_t *st, cc_error_t *err);

/** Releases one level of the lock. */
void cc_store_unlock(cc_store_t *st);

/**
 * Writes data to the store-relative path rel ("bindings/site.conf")
 * atomically (cc_write_file_atomic) under the writer lock, creating missing
 * parent directories (mode 0700 when mode has no group/other bits, else
 * 0755). rel must be relative, without "." or ".." components, and must not
 * start with one of the store's own directories (intermediate, root,
 * personal, keys). For modules that keep their own records in the store;
 * read them back with cc_store_file_path() and ordinary file reads (a file
 * is always whole: old or new content, never a mix).
 */
int cc_store_write_file(cc_store_t *st, const char *rel, const void *data,
			size_t len, unsigned mode, cc_error_t *err);

/** Removes the store-relative file rel under the lock (same rules as above).
 * A file already absent is not an error. */
int cc_store_remove_file(cc_store_t *st, const char *rel, cc_error_t *err);

/** Writes the absolute path of store-relative rel into buf. Returns 0 or
 * CC_EINVAL (bad rel or too long). */
int cc_store_file_path(const cc_store_t *st, const char *rel, char *buf,
		       size_t n, cc_error_t *err);

/** One certificate of the store. */
typedef struct cc_store_entry {
	cc_cert_t *cert;   /**< owned by the list's pool */
	int kind;          /**< enum cc_store_kind */
	int disabled;      /**< 1: kept but never used in a path */
	int has_key;       /**< 1: DIR/keys/SHA256.key exists */
	char sha256[65];   /**< lower-case hex */
	char name[256];    /**< friendly name, "" when none */
} cc_store_entry_t;

/** Entries plus the pool that owns their certificates. */
typedef struct cc_store_list {
	cc_store_entry_t *v; /**< sorted by kind, then subject CN, then sha256 */
	size_t n;
	size_t cap;
	cc_pool_t *pool;     /**< owns every entry's cert */
} cc_store_list_t;

/** Frees the list, its entries and its pool. Accepts NULL. */
void cc_store_list_free(cc_store_list_t *l);

/**
 * Reads the store's entries of one kind (0 = all kinds) into a new list;
 * *out is the caller's, free with cc_store_list_free(). A missing store is
 * empty. A certificate file whose content does not match its name, or a
 * file that is not one certificate, is CC_EPARSE naming the file.
 */
int cc_store_list(cc_store_t *st, int kind, cc_store_list_t **out,
		  cc_error_t *err);

/**
 * Finds the entries (of kind, 0 = any) selected by sel: a thumbprint prefix
 * (>= 8 hex digits, colons ignored), "CN=name", the whole subject DN, or a
 * friendly name. Returns 0 with exactly one entry in *out; CC_ENOTFOUND when
 * nothing matches; CC_EAMBIGUOUS when several do, with err->msg listing
 * them and *out holding all of them (never a silent pick). *out is set in
 * every case but CC_ENOTFOUND/other errors (then NULL); free it with
 * cc_store_list_free().
 */
int cc_store_select(cc_store_t *st, const char *sel, int kind,
		    cc_store_list_t **out, cc_error_t *err);

/** What cc_store_import() did with one certificate. */
typedef struct cc_store_imported {
	char sha256[65];
	int kind;    /**< where the certificate is (now or already) */
	int added;   /**< 1: newly written; 0: it was already there (a no-op) */
} cc_store_imported_t;

/**
 * Imports one certificate (DER, copied) with an optional private key
 * (borrowed; must match the certificate, else CC_EINVAL "key does not match")
 * and friendly name (may be NULL; one line, at most 255 bytes). kind
 * CC_STORE_AUTO decides: with a key -> personal; self-signed CA -> root;
 * other CA -> intermediate; an end-entity certificate without a key is
 * CC_EINVAL. CC_STORE_PERSONAL needs a key. A certificate already in the
 * store is left as it is (res->added = 0), unless it is asked into another
 * store, which is CC_EINVAL (remove it first). Root changes refresh the
 * hashed links. res may be NULL.
 */
int cc_store_import(cc_store_t *st, const unsigned char *der, size_t len,
		    EVP_PKEY *key, const char *name, int kind,
		    cc_store_imported_t *res, cc_error_t *err);

/**
 * The import rules alone, without writing: which store cc_store_import()
 * would put c in for this key (may be NULL; not checked against c here) and
 * requested kind. Returns the kind (> 0) or CC_EINVAL with the reason. Use it
 * to check a whole bundle before importing any of it.
 */
int cc_store_decide_kind(cc_cert_t *c, const EVP_PKEY *key, int kind, cc_error_t *err);

/** Removes the certificate with this SHA-256 (hex) and its key and metadata.
 * CC_ENOTFOUND when it is not in the store. */
int cc_store_remove(cc_store_t *st, const char *sha256, cc_error_t *err);

/** Sets or clears the disabled flag. CC_ENOTFOUND when absent. */
int cc_store_set_disabled(cc_store_t *st, const char *sha256, int disabled,
			  cc_error_t *err);

/** Recomputes DIR/root's hashed links (HHHHHHHH.N, OpenSSL's subject hash)
 * for the enabled roots and removes stale ones. Writers do this themselves;
 * useful after editing the directory by hand. */
int cc_store_rehash(cc_store_t *st, cc_error_t *err);

/** Export formats. */
enum cc_store_format { CC_STORE_PEM = 0, CC_STORE_DER = 1 };

/** Writes the entry's certificate (never its key) to path atomically, mode
 * 0644, as PEM or DER. */
int cc_store_export(const cc_store_entry_t *e, const char *path, int format,
		    cc_error_t *err);

/**
 * Adds the store's ENABLED intermediates to inter, its ENABLED roots to
 * roots and every DISABLED certificate (any kind) to disabled; any pool may
 * be NULL. The certificates are copied into those pools (owned by them).
 * Callers drop certificates found in 'disabled' from what they got elsewhere
 * (system roots, -I files), so a disabled root never anchors a path and a
 * disabled intermediate never appears in one.
 */
int cc_store_load_pools(cc_store_t *st, cc_pool_t *inter, cc_pool_t *roots,
			cc_pool_t *disabled, cc_error_t *err);

/**
 * Reads the private key of a personal entry (e from this store). The key
 * file must not be group/world-accessible unless flags has
 * CC_STORE_INSECURE_KEY_PERMS (else CC_EINVAL naming the file and its mode).
 * CC_ENOTFOUND when the entry has no key. *out is the caller's: free with
 * EVP_PKEY_free(). The key material is never put in err.
 */
int cc_store_key(cc_store_t *st, const cc_store_entry_t *e, unsigned flags,
		 EVP_PKEY **out, cc_error_t *err);

/**
 * Reads a private key file (PEM: PKCS#8, traditional RSA/EC; or DER), not
 * encrypted. *out is the caller's (EVP_PKEY_free). CC_EPARSE naming the file
 * when it holds no usable key or an encrypted one. Checks no permissions.
 */
int cc_key_load(const char *path, EVP_PKEY **out, cc_error_t *err);

/** 1 if key is the private key of certificate c, else 0. */
int cc_key_matches(cc_cert_t *c, EVP_PKEY *key);

/* ------------------------------------------------------------ pkcs12 */
/*
 * Section: PKCS#12 / PFX export and import (pkcs12.c).
 * (Declarations of this module go below this comment.)
 */

/** A wrong PFX password (or a PFX whose MAC/encryption does not open). */
#define CC_EPASSWORD (-20)

/**
 * Chooses the chain to ship with leaf, as 'certchain build' does: builds
 * every path from leaf through untrusted to anchors (NULL: the profiles'
 * pool), then, with profs, ranks them by ubiquity (cc_ubiquity_rank: the
 * served chain the largest weighted share of profiles trusts) and takes the
 * best row's served chain when some profile trusts it; without profs, ranks
 * the paths (cc_paths_rank, no trust hook) and takes the best valid path
 * without its anchor (a self-signed leaf alone). Appends that chain to out,
 * leaf first; its certificates belong to untrusted (or to anchors). Returns
 * 0, CC_ENOTFOUND (err says why the closest path fails) when nothing is
 * trusted, or another negative code.
 */
int cc_chain_choose(const cc_build_opts_t *opts, cc_cert_t *leaf,
		    cc_pool_t *untrusted, cc_pool_t *anchors, cc_profiles_t *profs,
		    cc_certlist_t *out, cc_error_t *err);

/**
 * cc_chain_choose(), and with profs, when the chosen chain leaves out a
 * cross-signed twin of one of its certificates, appends cc_twin_note()'s
 * line to note (from the same build and ranking; nothing when there is no
 * twin or no profs). note may be NULL. export and bind print it.
 */
int cc_chain_choose_noted(const cc_build_opts_t *opts, cc_cert_t *leaf,
			  cc_pool_t *untrusted, cc_pool_t *anchors,
			  cc_profiles_t *profs, cc_certlist_t *out, cc_buf_t *note,
			  cc_error_t *err);

/** Writes "RSA 2048", "EC P-256", "Ed25519", ... for a key into buf. Returns buf. */
char *cc_key_desc(const EVP_PKEY *k, char *buf, size_t n);

/**
 * Appends k as an unencrypted PKCS#8 PEM block to b: the one call of this
 * module that exposes key material, for files written 0600. Returns 0 or
 * CC_ECRYPTO / CC_ENOMEM.
 */
int cc_key_pem(EVP_PKEY *k, cc_buf_t *b, cc_error_t *err);

/** Encryption profile of a written PFX. */
enum cc_pfx_compat {
	/** AES-256-CBC under PBES2/PBKDF2-HMAC-SHA256, HMAC-SHA256 MAC. */
	CC_PFX_MODERN = 0,
	/** pbeWithSHA1And3-KeyTripleDES-CBC for keys and certificates and a
	 * SHA-1 MAC: what Windows Server 2016 and older and old Java read. */
	CC_PFX_LEGACY = 1
};

/**
 * PBKDF/MAC iterations of a written PFX: OpenSSL's and Windows' default;
 * legacy readers (Windows <= 2016) reject nothing at this count and each
 * open stays well under 10 ms.
 */
#define CC_PFX_DEFAULT_ITER 2048
/** Largest iteration count we write or accept to read: bounds the work a
 * hostile file can demand (a count of 2^31 would take hours). */
#define CC_PFX_MAX_ITER 10000000

/** Options for cc_pfx_write(). Zero fields take the defaults. */
typedef struct cc_pfx_opts {
	int compat;           /**< enum cc_pfx_compat */
	int no_encrypt_certs; /**< 1: certificates in a plain bag ("privacy" off) */
	int iter;             /**< 0 = CC_PFX_DEFAULT_ITER */
	const char *name;     /**< friendly name on the leaf and key bags, or NULL */
} cc_pfx_opts_t;

/**
 * Writes a PFX holding key, leaf and chain (nchain certificates, in that
 * order, anchor normally absent) protected by pass (UTF-8). The friendly name
 * goes on the leaf and key bags only, and a localKeyID (SHA-1 of the leaf)
 * links them. The key must be the leaf's (else CC_EINVAL, "does not match").
 * *out (DER, *outlen bytes) is the caller's: free with OPENSSL_free().
 */
int cc_pfx_write(const cc_pfx_opts_t *o, const char *pass, EVP_PKEY *key,
		 cc_cert_t *leaf, cc_cert_t *const *chain, size_t nchain,
		 unsigned char **out, size_t *outlen, cc_error_t *err);

/** One bag of a PFX, in file order. */
typedef struct cc_pfx_bag {
	cc_cert_t *cert;        /**< a certificate bag: owned by the PFX's pool */
	EVP_PKEY *key;          /**< a key bag: owned by the PFX */
	char *name;             /**< friendly name (UTF-8, control bytes '?'), or NULL */
	unsigned char kid[64];  /**< localKeyID bytes */
	size_t kidlen;          /**< 0 when absent */
	char enc[192];          /**< how the bag was encrypted, "" if not */
} cc_pfx_bag_t;

/** What a PFX holds. */
typedef struct cc_pfx {
	cc_pool_t *pool;     /**< the certificates (owned) */
	cc_pfx_bag_t *bags;  /**< certificate and key bags in file order */
	size_t n;
	int has_mac;         /**< 0 when the file has no integrity MAC */
	char mac[64];        /**< MAC digest ("SHA256") */
	long mac_iter;       /**< MAC iterations */
	int is_pfx;          /**< 1 for a PFX; 0 for cc_contents_read() of PEM/DER/P7B */
	int encrypted_keys;  /**< encrypted PEM/DER keys seen and not opened */
} cc_pfx_t;

/**
 * Reads a PFX (DER; name is used in messages) with pass, modern and legacy
 * alike (RC2-40 needs OpenSSL's legacy provider, loaded into a private
 * library context for the call). A wrong password gives CC_EPASSWORD and
 * "wrong password for NAME". *out is the caller's: free with cc_pfx_free().
 */
int cc_pfx_read(const unsigned char *der, size_t len, const char *name,
		const char *pass, cc_pfx_t **out, cc_error_t *err);

/** 1 if buf looks like a PFX (a DER PKCS12 structure), else 0. */
int cc_pfx_sniff(const unsigned char *buf, size_t len);

/** Frees a PFX read by cc_pfx_read(), its keys and certificates. Accepts NULL. */
void cc_pfx_free(cc_pfx_t *p);

/**
 * What any certificate/key file holds, as a cc_pfx_t: a PFX is read with
 * pass (cc_pfx_read()); a PEM bundle, DER certificate or key, or PKCS#7 file
 * gives its certificates in file order, then its unencrypted keys, with no
 * names (pass unused). A file with neither certificate nor key is an error.
 * *out is the caller's: free with cc_pfx_free().
 */
int cc_contents_read(const unsigned char *buf, size_t len, const char *name,
		     const char *pass, cc_pfx_t **out, cc_error_t *err);

/**
 * Reads a whole regular file (at most 64 MiB). *out (NUL-terminated, *len
 * bytes) is the caller's: free with cc_file_free(), which cleanses it first
 * since such files may hold keys.
 */
int cc_file_read(const char *path, unsigned char **out, size_t *len,
		 cc_error_t *err);

/** Cleanses and frees a buffer from cc_file_read(). Accepts NULL. */
void cc_file_free(unsigned char *buf, size_t len);

/* ------------------------------------------------------------- probe */
/*
 * Section: live TLS servers: capture the served chain (probe.c).
 * (Declarations of this module go below this comment.)
 */

/** Plain-text protocols that upgrade to TLS before the handshake. */
enum cc_starttls {
	CC_STARTTLS_NONE = 0,
	CC_STARTTLS_SMTP,     /**< 220 greeting, EHLO, STARTTLS, 220 */
	CC_STARTTLS_POSTGRES, /**< SSLRequest, 'S' */
	CC_STARTTLS_IMAP,     /**< "* OK" greeting, STARTTLS, tagged OK */
	CC_STARTTLS_POP3,     /**< "+OK" greeting, STLS, "+OK" */
	CC_STARTTLS_FTP,      /**< 220 greeting, AUTH TLS, 234 */
	CC_STARTTLS_XMPP      /**< stream header, features with starttls, proceed */
};

/**
 * Parses "smtp", "postgres", "imap", "pop3", "ftp" or "xmpp" into *out.
 * Returns 0 or CC_EINVAL for a protocol certchain does not speak.
 */
int cc_starttls_parse(const char *name, int *out);

/** Options of one probe. Strings are borrowed for the probe's lifetime. */
typedef struct cc_probe_opts {
	const char *host;    /**< the server's name (also the default SNI) */
	const char *port;    /**< service or port number; NULL = "443" */
	const char *sni;     /**< SNI to send; NULL = host unless host is an IP literal */
	const char *connect; /**< address or name to dial instead of host, or NULL */
	int timeout_ms;      /**< deadline for the whole probe; 0 = CC_PROBE_TIMEOUT_MS */
	int starttls;        /**< enum cc_starttls */
	/** Name servers to ask, c-ares's "ADDR[:PORT],..." (IPv6: [ADDR]:PORT);
	 * NULL = the system's (/etc/resolv.conf). Borrowed. */
	const char *dns_servers;
} cc_probe_opts_t;

/*
 * Default deadline: a healthy server on another continent completes
 * TCP + TLS 1.2 in well under 2 s; 10 s leaves room for a slow one without
 * letting a black-holed target hold a batch slot for long.
 */
#define CC_PROBE_TIMEOUT_MS 10000

/**
 * Checks a cc_probe_opts_t.dns_servers list ("ADDR[:PORT],..."), so that a
 * bad one is one usage error rather than one per probe. 0 or CC_EINVAL.
 */
int cc_dns_servers_check(const char *servers, cc_error_t *err);

/** Why a probe failed: the exit-3 reasons. */
enum cc_probe_fail {
	CC_PROBE_OK = 0,
	CC_PROBE_RESOLVE,  /**< the name did not resolve */
	CC_PROBE_REFUSED,  /**< TCP connection refused */
	CC_PROBE_UNREACH,  /**< network/host unreachable, other socket errors */
	CC_PROBE_TIMEOUT,  /**< the deadline passed (connect, STARTTLS or handshake) */
	CC_PROBE_CLOSED,   /**< the peer closed or reset the connection */
	CC_PROBE_ALERT,    /**< the server sent a TLS alert */
	CC_PROBE_NOT_TLS,  /**< the server answered with something that is not TLS */
	CC_PROBE_STARTTLS, /**< the plain-text upgrade was refused */
	CC_PROBE_TLS       /**< another handshake failure (see reason) */
};

/** Short stable name of a failure: "refused", "timeout", "tls-alert", ... */
const char *cc_probe_fail_name(int fail);

/** The outcome of one probe. Plain data except 'served'. */
typedef struct cc_probe_result {
	int fail;            /**< enum cc_probe_fail; CC_PROBE_OK on success */
	char reason[256];    /**< one line, "" on success */
	int alert;           /**< TLS alert description number when fail == ALERT, else -1 */
	char peer[80];       /**< address actually connected ("127.0.0.1:443"), or "" */
	char version[16];    /**< "TLSv1.3", "" on failure */
	char cipher[64];     /**< negotiated cipher suite, "" on failure */
	double ms;           /**< time spent, milliseconds */
	/**
	 * The certificates exactly as the server sent them (order and
	 * duplicates preserved, leaf first); pointers into the pool given to
	 * cc_probe_result(). Free the array with cc_certlist_clear() (or
	 * cc_probe_result_clear()).
	 */
	cc_certlist_t served;
} cc_probe_result_t;

/**
 * One probe in flight: a non-blocking connection and handshake driven by the
 * caller's poll loop, so one process can run many at once. Lifecycle:
 * cc_probe_new(), then while cc_probe_fd() >= 0, poll that fd for the events
 * it asks for (no longer than its timeout) and call cc_probe_step() with the
 * returned events (0 on a poll timeout); then cc_probe_result() and
 * cc_probe_free(). Name resolution (c-ares) is part of the probe and of its
 * deadline: a slow or silent name server delays only the probes that ask it,
 * and one not answered before the deadline fails as CC_PROBE_RESOLVE.
 * Uses TLS 1.2 and 1.3, RSA and ECDSA; the certificates are captured, not
 * verified (verification is the analysis' job). A peer that closes early
 * can raise SIGPIPE on a write: programs should ignore SIGPIPE.
 */
typedef struct cc_probe cc_probe_t;

/**
 * Starts a probe. *out is the caller's: free with cc_probe_free(). Returns 0
 * (even when the connection already failed: that is a result, not an error),
 * or CC_EINVAL / CC_ENOMEM / CC_ECRYPTO.
 */
int cc_probe_new(const cc_probe_opts_t *opts, cc_probe_t **out, cc_error_t *err);

/**
 * The descriptor to poll and, in *events, POLLIN/POLLOUT; in *timeout_ms the
 * milliseconds left before the deadline (>= 0). Returns -1 when the probe is
 * finished.
 */
int cc_probe_fd(cc_probe_t *p, short *events, int *timeout_ms);

/** Advances the probe after poll (revents from poll, 0 when it timed out). */
void cc_probe_step(cc_probe_t *p, short revents);

/**
 * Fills *res (which the caller zeroes first) once the probe is finished:
 * on success, adds the served certificates to pool (deduplicated there) and
 * lists them in res->served as sent. Returns 0, or a negative code when the
 * certificates could not be stored (then res->fail says CC_PROBE_TLS).
 */
int cc_probe_result(cc_probe_t *p, cc_pool_t *pool, cc_probe_result_t *res,
		    cc_error_t *err);

/** Closes the connection and frees the probe. Accepts NULL. */
void cc_probe_free(cc_probe_t *p);

/** Frees res->served's array. */
void cc_probe_result_clear(cc_probe_result_t *res);

/**
 * One probe from start to finish, blocking up to opts->timeout_ms: the
 * convenience form of the calls above. Returns 0 with res->fail set (a
 * connection failure is a result), or a negative code for bad arguments.
 */
int cc_probe_run(const cc_probe_opts_t *opts, cc_pool_t *pool,
		 cc_probe_result_t *res, cc_error_t *err);

/*
 * Judging a served chain beyond cc_chain_analyze(), and the chain to serve
 * instead (served.c).
 */

/**
 * A cc_trust_fn for chains to serve when no trust profiles are given:
 * arg is the cc_paths_t being ranked. A path scores the share of the
 * distinct anchors (of all valid paths) that a path-building client holding
 * only that anchor reaches from the path's certificates. So a chain carrying
 * a cross-sign, which reaches both the new and the old root, beats the
 * shorter chain that only reaches the new one.
 */
double cc_trust_reach(const cc_path_t *path, void *arg);

/**
 * Adds the findings that need the whole pool, not just the served chain:
 *   cross-sign-available: the served chain is trusted through one anchor, and
 *     a cross-signed certificate it does not send would let clients holding
 *     another anchor trust it too;
 *   self-signed-root-preferred: the served chain ends at a self-signed root
 *     while a cross-signed version of that root exists, so clients lacking
 *     the self-signed root (legacy stores) fail.
 * served->v[] must be certificates of pool; pool holds the served
 * certificates plus every intermediate that may be used to repair the chain.
 * If fix is non-NULL, *fix receives every path from the leaf through pool to
 * anchors ranked by trust/arg (cc_trust_reach with *fix itself when trust is
 * NULL); the best one minus its anchor is the chain to serve. Caller frees
 * with cc_paths_free(); it is set even when no path is valid. opts->host is
 * not used: no chain fixes a host name mismatch.
 */
int cc_served_review(const cc_certlist_t *served, cc_pool_t *pool,
		     cc_pool_t *anchors, const cc_analyze_opts_t *opts,
		     cc_trust_fn trust, void *arg, cc_findings_t *out,
		     cc_paths_t **fix, cc_error_t *err);

/* ------------------------------------------------ the judgement (judge.c) */

/*
 * One judgement of a chain as a server sends it, used by check, fix and
 * verify alike, so the same certificates give the same findings, reasons
 * and verdicts in every command.
 */

/** Lines of "what the change brings" a judgement keeps at most. */
#define CC_JUDGE_MAX_GAINS 8

/** What cc_served_judge() judges. Every pointer is borrowed. */
typedef struct cc_judge_in {
	const cc_certlist_t *served; /**< as sent, leaf first (any pool owns them) */
	cc_pool_t *repair;  /**< certificates that may complete the chain to
				 serve (-I, the store's enabled intermediates,
				 AIA), or NULL; never what a client knows */
	cc_pool_t *withhold; /**< never added to the chain to serve (the store's
				  disabled certificates; what is served stays),
				  or NULL: one rule for every repair source,
				  AIA included */
	cc_pool_t *anchors; /**< every anchor considered (the profiles' union) */
	cc_profiles_t *profs; /**< the clients judged (at least one) */
	cc_analyze_opts_t ao; /**< time, host name, expires-soon days */
	int judge_after;    /**< also analyze the chain to serve as sent */
	int horizon_days;   /**< expiry-cliff horizon (0 = CC_CLIFF_HORIZON_DAYS,
				 < 0 = do not look) */
} cc_judge_in_t;

/** What a change is, the reason its why[] puts in words. */
typedef enum cc_change_kind {
	CC_CHANGE_MISSING_ISSUER, /**< added: the missing issuer of the one before */
	CC_CHANGE_CROSS_SIGN,     /**< added: a cross-sign */
	CC_CHANGE_OTHER,          /**< added: another certificate of the chain */
	CC_CHANGE_DUPLICATE,      /**< removed: sent twice */
	CC_CHANGE_ROOT_LACKED,    /**< removed: a self-signed root rejecting clients lack */
	CC_CHANGE_ANCHOR,         /**< removed: a trust anchor clients hold already */
	CC_CHANGE_ROOT_UNKNOWN,   /**< removed: a self-signed root no profile holds */
	CC_CHANGE_EXPIRED,        /**< removed: expired */
	CC_CHANGE_UNRELATED,      /**< removed: issues nothing in the chain */
	CC_CHANGE_OFF_PATH        /**< removed: not on the chosen path */
} cc_change_kind_t;

/** One certificate the chain to serve adds to or removes from the served one. */
typedef struct cc_judge_change {
	cc_cert_t *cert;   /**< borrowed from the judgement's pools */
	size_t position;   /**< in the chain to serve (added) or as served (removed) */
	cc_change_kind_t kind; /**< what the change is */
	char why[200];     /**< removed: why it goes; added: what it is */
} cc_judge_change_t;

/**
 * The judgement. Certificates are owned by the judgement's own pool (valid
 * until cc_judgement_clear()) except the profiles' anchors, which the
 * profile set owns.
 */
typedef struct cc_judgement {
	cc_findings_t findings;  /**< on the served chain (every command shows them) */
	cc_verdicts_t served;    /**< each profile's verdict on the served chain */
	cc_paths_t *client;      /**< ranked paths a client builds from the served
				      certificates and the anchors, or NULL when
				      none is valid */
	cc_paths_t *paths;       /**< every path from the leaf through served +
				      repair, ranked: the profiles' weighted share,
				      then reach; never NULL after success */
	int best;                /**< index in paths of the chain to serve, -1 none */
	cc_certlist_t serve;     /**< the chain to serve: leaf first, no anchor */
	const cc_verdicts_t *fixed; /**< each profile's verdict on serve (no
				      host name: no chain fixes the leaf's
				      name); NULL when best < 0 */
	cc_judge_change_t *added, *removed;
	size_t nadded, nremoved;
	int reordered;           /**< kept certificates change their order */
	char gains[CC_JUDGE_MAX_GAINS][320]; /**< what the change brings, one line
						 per change actually made */
	size_t ngains;
	cc_findings_t after;     /**< judge_after: findings on serve as sent */
	cc_pool_t *own;          /**< internal: served + repair copies */
	cc_pool_t *sent;         /**< internal: the served certificates only */
	cc_matrix_t mx;          /**< internal: the candidates, per profile */
} cc_judgement_t;

/**
 * Judges in->served: the findings (cc_chain_analyze as a client knowing only
 * the served certificates, cc_served_review with the repair pool, then one
 * "untrusted" finding naming the profiles that reject it, and
 * "self-signed-root-preferred" when one of them lacks the self-signed root
 * sent last, "expiry-cliff" when the served chain's reach depends on a
 * cross-sign or anchor expiring within the horizon), each profile's verdict, the chain to serve instead (ranked by
 * the profiles' weighted share, then by the anchors it reaches), the
 * certificates it adds and removes with why, and what those changes bring.
 * out is the caller's: clear it with cc_judgement_clear() (also on error).
 * Returns 0 or a negative code (bad arguments, out of memory, OpenSSL).
 */
int cc_served_judge(const cc_judge_in_t *in, cc_judgement_t *out,
		    cc_error_t *err);

/** Frees what the judgement holds and zeroes it. Accepts a zeroed one. */
void cc_judgement_clear(cc_judgement_t *j);

/** 1 when the judgement has an error finding (exit 1 of check and verify). */
int cc_judgement_failed(const cc_judgement_t *j);

/* ------------------------------------------------- expiry cliffs (cliff.c) */

/** How far ahead cliffs are looked for by default: 3 years (DST Root CA X3
 * was announced about that long before it expired). */
#define CC_CLIFF_HORIZON_DAYS 1095

/** What cc_cliff_find() examines. Every pointer is borrowed. */
typedef struct cc_cliff_in {
	cc_profiles_t *profs;        /**< the clients */
	const cc_certlist_t *served; /**< the chosen chain, leaf first, no anchor */
	cc_pool_t *pool;             /**< certificates for the chain after the date */
	cc_pool_t *anchors;          /**< every anchor considered */
	time_t at;                   /**< now (0 = the clock) */
	int horizon_days;            /**< 0 = CC_CLIFF_HORIZON_DAYS */
} cc_cliff_in_t;

/** An expiry cliff. Certificates are borrowed from the inputs. */
typedef struct cc_cliff {
	cc_cert_t *cert;      /**< the cross-sign or anchor that expires, or NULL */
	int anchor;           /**< 1 when cert is an anchor (self-issued) */
	time_t when;          /**< its notAfter */
	char lost[320];       /**< the profiles that stop trusting the chain then */
	size_t nlost;
	char after[900];      /**< the chain to serve after that date, in words */
	cc_cert_t *rsa_anchor; /**< an EC leaf's chain ends at this RSA anchor, or NULL */
} cc_cliff_t;

/**
 * Looks for the first date within the horizon when a served cross-sign or
 * an anchor the trusting profiles use expires and, judged one day later,
 * some profile stops trusting the served chain. Fills out (and the chain
 * to serve after it) and returns 1; returns 0 when there is none (out may
 * still name rsa_anchor), or a negative code.
 */
int cc_cliff_find(const cc_cliff_in_t *in, cc_cliff_t *out, cc_error_t *err);

/** Appends the cliff as one line ("the chain's reach depends on ..."). */
void cc_cliff_text(const cc_cliff_t *c, cc_buf_t *b);

/* ----------------------------------------- the missing issuer (missing.c) */

/** The first issuer missing above a leaf, as cc_missing_issuer() finds it. */
typedef struct cc_missing {
	cc_cert_t *child;     /**< the certificate whose issuer is missing (borrowed) */
	char issuer[256];     /**< the issuer's CN (or DN) */
	char issuer_dn[512];  /**< the issuer's whole DN (RFC 2253) */
	char aki[129];        /**< child's authority key id, hex, or "" */
	char url[512];        /**< child's first CA Issuers URL, or "" */
} cc_missing_t;

/** Writes c's authorityKeyIdentifier key id as upper-case hex ("" when none). Returns buf. */
char *cc_cert_aki_hex(const cc_cert_t *c, char *buf, size_t n);

/**
 * Walks up from leaf, each certificate to an issuer of pool whose key
 * verifies it, until a self-issued certificate or one an anchor of anchors
 * (may be NULL) issued. Returns 1 and fills out when the walk stops at a
 * certificate whose issuer is in neither (a missing intermediate), else 0.
 */
int cc_missing_issuer(cc_cert_t *leaf, cc_pool_t *pool, cc_pool_t *anchors,
		      cc_missing_t *out);

/** Appends one line about m to b: "the issuer of X is missing: DN, key id
 * HEX; the certificate names it at URL". */
void cc_missing_text(const cc_missing_t *m, cc_buf_t *b);

/* --------------------------------------------------------------- aia */
/*
 * Section: fetching missing issuers over AIA (aia.c).
 * (Declarations of this module go below this comment.)
 */

/*
 * A certificate's Authority Information Access extension may name "CA
 * Issuers" URLs where its issuer certificate is published. cc_aia_complete()
 * follows them (HTTP and HTTPS only, with libcurl) for every certificate on
 * the way up from a leaf whose issuer is in neither pool, and adds what it
 * fetched to the UNTRUSTED pool only: where a certificate came from never
 * makes it trusted. Responses may be DER, PEM or PKCS#7 certs-only. Every
 * fetch is bounded (size, time, redirects) and the whole chase is bounded
 * (fetches, total time). A cache directory keyed by URL lets a second run
 * work offline.
 */

/* Defaults; why these values is said in aia.c. */
#define CC_AIA_DEFAULT_MAX_BYTES (64u * 1024)
#define CC_AIA_DEFAULT_MAX_FETCHES 8
#define CC_AIA_DEFAULT_MAX_REDIRECTS 3
#define CC_AIA_DEFAULT_TIMEOUT_MS 5000
#define CC_AIA_DEFAULT_TOTAL_MS 20000
#define CC_AIA_DEFAULT_MAX_AGE (30 * 86400)

/** Options for cc_aia_complete(). Zero fields take the defaults above. */
typedef struct cc_aia_opts {
	const char *cache_dir; /**< cache directory (created 0700), NULL = none */
	int offline;           /**< 1: use the cache only, never the network */
	size_t max_bytes;      /**< largest response body accepted */
	unsigned max_fetches;  /**< network fetches per call */
	int max_redirects;     /**< redirects per fetch; -1 = none allowed */
	long timeout_ms;       /**< one fetch, redirects included */
	long total_ms;         /**< the whole call */
	long max_age;          /**< seconds a cache entry is used online before
				    it is fetched again (offline: any age) */
	const char *ca_file;   /**< HTTPS: CA bundle to verify servers with,
				    NULL = libcurl's default */
	const char *ca_dir;    /**< HTTPS: hashed CA directory, or NULL */
	time_t at;             /**< validation time; 0 = now. An untrusted
				    issuer outside its dates then does not
				    stop the chase. */
} cc_aia_opts_t;

/** Outcome of one URL. The id strings are a stable interface. */
enum cc_aia_status {
	CC_AIA_OK = 0,         /**< "ok": fetched or read from the cache */
	CC_AIA_TIMEOUT,        /**< "timeout" */
	CC_AIA_TOO_LARGE,      /**< "too-large": over max_bytes */
	CC_AIA_HTTP_STATUS,    /**< "http-status": not 2xx */
	CC_AIA_REDIRECT_LOOP,  /**< "redirect-loop": a URL came back, or too many */
	CC_AIA_BAD_SCHEME,     /**< "scheme": not http/https (URL or redirect) */
	CC_AIA_CONTENT_TYPE,   /**< "content-type": an HTML/JSON/image... answer */
	CC_AIA_NOT_CERT,       /**< "not-a-certificate": body is no DER/PEM/PKCS#7 */
	CC_AIA_CONNECT,        /**< "connect": DNS, refused, TLS, reset */
	CC_AIA_NOT_CACHED,     /**< "not-cached": offline and no cache entry */
	CC_AIA_BUDGET          /**< "budget": fetch count or total time used up */
};

/** The stable id of a cc_aia_status ("too-large"). Static string. */
const char *cc_aia_status_id(int status);

/** What happened to one URL. */
typedef struct cc_aia_fetch {
	char url[512];        /**< as found in the certificate */
	char for_cn[128];     /**< CN of the certificate whose issuer was sought */
	int status;           /**< enum cc_aia_status */
	char msg[256];        /**< one line: the outcome and its cause */
	long http_code;       /**< last HTTP status, 0 if none */
	size_t bytes;         /**< body size received */
	double seconds;       /**< time spent (0 for the cache) */
	int from_cache;       /**< 1 if served by the cache */
	time_t fetched_at;    /**< when the body was fetched (cache date) */
	unsigned ncerts;      /**< certificates in the answer */
	unsigned added;       /**< of those, new to the untrusted pool */
} cc_aia_fetch_t;

/** Every URL tried by one cc_aia_complete() call, in order. */
typedef struct cc_aia_result {
	cc_aia_fetch_t *v;
	size_t n;
	size_t cap;
	unsigned added;       /**< certificates added to the untrusted pool */
	unsigned fetches;     /**< network fetches made */
} cc_aia_result_t;

/** Frees the array and zeroes the result. */
void cc_aia_result_clear(cc_aia_result_t *r);

/**
 * The caIssuers URLs of c's AIA extension, in certificate order, any scheme
 * (callers filter). Writes up to max pointers into urls; each is the
 * caller's to free(). Returns how many, 0 when there is no extension, or a
 * negative code.
 */
int cc_aia_ca_issuers(cc_cert_t *c, char **urls, size_t max);

/**
 * Walks up from leaf: for each certificate whose issuer (name match and a
 * verifying signature) is in neither untrusted (valid at opts->at) nor
 * anchors (anchors may be NULL), follows its caIssuers URLs, adds the certificates
 * fetched to untrusted, and continues from them. Self-issued certificates
 * end a branch. Failures of single URLs are recorded in res (never an
 * error); returns non-zero only for bad arguments or out of memory. res is
 * the caller's: clear it with cc_aia_result_clear(). Fetched certificates
 * have the URL as their source (cc_cert_source()).
 */
int cc_aia_complete(const cc_aia_opts_t *opts, cc_cert_t *leaf,
		    cc_pool_t *untrusted, cc_pool_t *anchors,
		    cc_aia_result_t *res, cc_error_t *err);

/**
 * The default cache directory: $XDG_CACHE_HOME/certchain/aia, else
 * $HOME/.cache/certchain/aia. Writes it into buf; returns buf, or NULL when
 * neither variable is set or buf is too small.
 */
char *cc_aia_default_cache(char *buf, size_t n);

/* ------------------------------------------------------------ deploy */
/*
 * Section: deploying to web servers (deploy_*.c).
 * (Declarations of this module go below this comment.)
 */

/** The web servers certchain deploys to. */
enum cc_server { CC_SERVER_NGINX = 1, CC_SERVER_HAPROXY = 2, CC_SERVER_APACHE = 3 };

/** "nginx" / "haproxy" / "apache" to a CC_SERVER_* value; 0 when unknown. */
int cc_server_parse(const char *name);

/** The server's name ("nginx"); "?" when unknown. Static string. */
const char *cc_server_name(int server);

/* SNI names per binding: a SAN list of a real certificate rarely exceeds 20. */
#define CC_BIND_MAX_HOSTS 32
/* Served certificates per binding: real chains have 2-4; 10 leaves room. */
#define CC_BIND_MAX_CHAIN 10
/* Files deployed per binding: fullchain + key (nginx) or one combined PEM. */
#define CC_BIND_MAX_FILES 4
/* Bindings per state directory: far above one machine's sites, bounds memory. */
#define CC_BIND_MAX_SITES 2000
/* Path lengths in deployment settings and records. */
#define CC_DEPLOY_PATH 1024

/**
 * Where one server's files go and how it is validated and reloaded. Plain
 * data; every string is "" when unset. Settings are stored as "key = value"
 * lines (keys: conf_dir, deploy_dir, bin, prefix, conf, pidfile,
 * validate_cmd, reload_cmd, listen) by cc_deploy_cfg_save().
 */
typedef struct cc_deploy_cfg {
	int server;                           /**< CC_SERVER_* */
	char conf_dir[CC_DEPLOY_PATH];        /**< where the generated include goes */
	char deploy_dir[CC_DEPLOY_PATH];      /**< where certificates and keys go */
	char bin[CC_DEPLOY_PATH];             /**< the nginx / haproxy / apache2ctl executable */
	char prefix[CC_DEPLOY_PATH];          /**< nginx -p PREFIX ("" = built in) */
	char conf[CC_DEPLOY_PATH];            /**< nginx -c / haproxy's main -f / apache -f file */
	char pidfile[CC_DEPLOY_PATH];         /**< haproxy -p (reload with -sf) */
	char validate_cmd[CC_DEPLOY_PATH];    /**< replaces the built-in check; /bin/sh -c */
	char reload_cmd[CC_DEPLOY_PATH];      /**< replaces the built-in reload; /bin/sh -c */
	char listen[8];                       /**< apache: "no" = the main config has the Listen lines */
} cc_deploy_cfg_t;

/**
 * The system defaults for server: Debian's paths (/etc/nginx/conf.d,
 * /etc/haproxy/conf.d with /etc/haproxy/haproxy.cfg and /run/haproxy.pid,
 * /etc/apache2/sites-enabled with apache2ctl), certificates in
 * /etc/ssl/certchain.
 */
void cc_deploy_cfg_defaults(cc_deploy_cfg_t *cfg, int server);

/** Sets one setting by its key (see cc_deploy_cfg_t). CC_EINVAL on an unknown key or a value with control characters or too long. */
int cc_deploy_cfg_set(cc_deploy_cfg_t *cfg, const char *key, const char *value,
		      cc_error_t *err);

/**
 * Reads "key = value" lines from path over cfg ('#' starts a comment). A
 * missing file is CC_ENOTFOUND (cfg unchanged); an unknown key is CC_EINVAL
 * naming the file and line.
 */
int cc_deploy_cfg_load(cc_deploy_cfg_t *cfg, const char *path, cc_error_t *err);

/** Writes cfg to path atomically. */
int cc_deploy_cfg_save(const cc_deploy_cfg_t *cfg, const char *path,
		       cc_error_t *err);

/**
 * One site bound on a server: where it listens, for which names, which
 * certificate and what was deployed. Plain data.
 */
typedef struct cc_binding {
	char site[65];                        /**< [A-Za-z0-9._-], not starting with '.' */
	int server;                           /**< CC_SERVER_* */
	char ip[64];                          /**< an address, or "*" for every address */
	unsigned port;                        /**< 1..65535 */
	char hosts[CC_BIND_MAX_HOSTS][256];   /**< SNI names (server_name / crt-list filters) */
	size_t nhosts;
	char cert[256];                       /**< the certificate's friendly name or CN */
	char chain[CC_BIND_MAX_CHAIN][65];    /**< SHA-256 of each deployed certificate, leaf first */
	size_t nchain;
	char files[CC_BIND_MAX_FILES][CC_DEPLOY_PATH]; /**< deployed files */
	size_t nfiles;
	time_t deployed;                      /**< when it was deployed */
} cc_binding_t;

/** 1 if name is a valid site name (1-64 of [A-Za-z0-9._-], no leading '.'). */
int cc_site_name_ok(const char *name);

/**
 * Every binding recorded in the store (its "bindings" directory, one
 * "key = value" file per site), sorted by site name. *v is the caller's:
 * free() it. No bindings yet gives *n = 0.
 */
int cc_bindings_load(cc_store_t *st, cc_binding_t **v, size_t *n,
		     cc_error_t *err);

/**
 * An open deployment for one server: its settings, the bindings state and
 * the journal of changes not yet confirmed by a reload. Opening takes the
 * store's writer lock (cc_store_lock), held until cc_deploy_free(), so bind,
 * unbind and reload never interleave with each other or with store writes.
 * State lives in the store directory: bindings/SITE.binding,
 * deploy/SERVER.journal, and FILE.prev beside every file replaced.
 */
typedef struct cc_deploy cc_deploy_t;

/**
 * Opens the deployment of cfg->server in st (borrowed: must outlive the
 * deployment). cfg is copied. *out is the caller's: free with cc_deploy_free().
 */
int cc_deploy_open(cc_store_t *st, const cc_deploy_cfg_t *cfg,
		   cc_deploy_t **out, cc_error_t *err);

/** Releases the lock and frees d. Pending changes stay pending. Accepts NULL. */
void cc_deploy_free(cc_deploy_t *d);

/**
 * Deploys chain (leaf first, anchor left out; certificates borrowed) and key
 * for binding b: the certificate files into the deploy directory (key files
 * 0600), the binding record, and the server's regenerated include holding
 * every binding of this server. b->server must be the deployment's server;
 * b->chain, b->files and b->deployed are filled. The key must match the leaf
 * (CC_EINVAL otherwise). Every file replaced is kept as FILE.prev and every
 * change journaled until cc_deploy_commit() or cc_deploy_rollback(); a
 * binding with the same site is replaced. Binding a site that belongs to
 * another server is CC_EINVAL.
 */
int cc_deploy_bind(cc_deploy_t *d, cc_binding_t *b, const cc_certlist_t *chain,
		   EVP_PKEY *key, cc_error_t *err);

/** Removes the site's binding, files and include entry (journaled). CC_ENOTFOUND if unknown. */
int cc_deploy_unbind(cc_deploy_t *d, const char *site, cc_error_t *err);

/** 1 when changes await a reload (a journal exists), else 0. */
int cc_deploy_pending(const cc_deploy_t *d);

/**
 * Runs the server's configuration check (nginx -t, haproxy -c, apache -t, or
 * validate_cmd). The command's output is appended to out (may be NULL).
 * Returns 0 when it passes; CC_EINVAL with err naming the command and the
 * first error line when it fails; CC_EIO when it could not run.
 */
int cc_deploy_validate(cc_deploy_t *d, cc_buf_t *out, cc_error_t *err);

/**
 * Reloads gracefully (nginx -s reload; haproxy -sf with the pid file;
 * apache -k graceful; or
 * reload_cmd). Output appended to out. Returns 0 or a negative code as
 * cc_deploy_validate(). Reloads are asynchronous: check what is served.
 */
int cc_deploy_reload(cc_deploy_t *d, cc_buf_t *out, cc_error_t *err);

/** Confirms the journaled changes: deletes the .prev copies and the journal. */
int cc_deploy_commit(cc_deploy_t *d, cc_error_t *err);

/**
 * Undoes the journaled changes: every replaced or removed file gets its
 * .prev content back, every new file is removed. The server is not reloaded.
 */
int cc_deploy_rollback(cc_deploy_t *d, cc_error_t *err);

/**
 * The bindings of this server that a pending change removed: records that
 * existed at the last proven reload (kept as .prev) and are gone now. *v is
 * the caller's, free() it; none gives *n = 0.
 */
int cc_deploy_removed(const cc_deploy_t *d, cc_binding_t **v, size_t *n,
		      cc_error_t *err);

/** The bindings of this deployment's server, as last written. Borrowed from d, valid until the next call on d. */
const cc_binding_t *cc_deploy_bindings(const cc_deploy_t *d, size_t *n);

/**
 * Whether d's server runs, from its pid file (nginx: the main
 * configuration's "pid" directive, relative to the prefix; haproxy: the
 * configured pid file). Returns 1 running, 0 not running (why says which pid
 * file and what it holds), -1 cannot tell (a custom reload command, Apache,
 * an unreadable configuration).
 */
int cc_deploy_running(const cc_deploy_t *d, char *why, size_t n);

/** What a binding serves for one SNI name, compared with what was deployed. */
typedef struct cc_served {
	char sni[256];        /**< the name sent ("*." becomes "certchain-check.") */
	int fail;             /**< enum cc_probe_fail of the last attempt */
	char reason[256];     /**< connection failure or the difference; "" when equal */
	int match;            /**< 1: the served chain equals the deployed one */
	size_t nserved;       /**< certificates served */
	char leaf[65];        /**< SHA-256 of the served leaf, "" if none */
} cc_served_t;

/*
 * How long cc_deploy_check() waits for a reload to show: nginx and HAProxy
 * start new workers within a second or two; 15 s covers a loaded machine
 * without hanging a deployment on a server that ignored the reload.
 */
#define CC_DEPLOY_CHECK_WAIT_MS 15000

/**
 * Connects to b's address and port (loopback for "*") once per host name,
 * with that name as SNI, and compares the certificates served, in order,
 * with b->chain. Reloads are asynchronous and old workers keep accepting
 * for a moment, so it retries every 250 ms until every name has served the
 * deployed chain on every attempt for one second, or wait_ms (0 = the
 * default above) has passed (then the last attempt decides). res receives b->nhosts entries. Returns 1 when every name
 * serves exactly the deployed chain, 0 when one does not, or a negative code.
 */
int cc_deploy_check(const cc_binding_t *b, int wait_ms,
		    cc_served_t res[CC_BIND_MAX_HOSTS], cc_error_t *err);

/**
 * The opposite proof for a removed binding b: connects as cc_deploy_check()
 * and returns 1 once no name has served b's leaf (b->chain[0]) for one
 * second (a refused connection or another certificate both count as gone),
 * 0 when a name still serves it at the deadline, or a negative code. In res,
 * match is 1 for a name that still serves the removed leaf.
 */
int cc_deploy_check_gone(const cc_binding_t *b, int wait_ms,
			 cc_served_t res[CC_BIND_MAX_HOSTS], cc_error_t *err);

/* ------------------------------------------------------------- fleet */
/*
 * Section: fleet scans (fleet.c, fleet_summary.c, fleet_html.c). check -f
 * writes one JSON object per target and line (JSONL); the summary and the
 * HTML page are built from those records, during the scan or later from
 * saved files (certchain report), so both give the same result.
 */

/* Longest chain, findings and texts kept from one record: a served chain
 * of more than 16 certificates or more than 32 findings is already broken,
 * and the rest is counted, not kept. */
#define CC_FLEET_MAX_CHAIN 16
#define CC_FLEET_MAX_FINDINGS 32

/** One certificate of a record's chain. */
typedef struct cc_fleet_cert {
	char cn[128], issuer_cn[128]; /**< subject and issuer CN (or DN) */
	char sha256[65];              /**< lower-case hex */
	int self_signed, ca;
	int cross_sign; /**< its subject and key also have a self-signed root */
} cc_fleet_cert_t;

/** One finding of a record. */
typedef struct cc_fleet_finding {
	char id[48], severity[8], msg[400];
} cc_fleet_finding_t;

/** One target's result, as parsed from its JSONL line. Plain data. */
typedef struct cc_fleet_rec {
	long line;         /**< the target's line in the list; 0 when unknown */
	char target[600];  /**< the target as given */
	char verdict[16];  /**< ok, warnings, problems, connect-failed, bad-target */
	int exit;          /**< the target's exit code */
	char failure[32];  /**< connect-failed: refused, timeout, resolve... */
	char reason[400];
	size_t nfind;      /**< findings kept (at most CC_FLEET_MAX_FINDINGS) */
	cc_fleet_finding_t find[CC_FLEET_MAX_FINDINGS];
	size_t nserved;    /**< the served chain, as sent */
	cc_fleet_cert_t served[CC_FLEET_MAX_CHAIN];
	int has_fix;       /**< a chain to serve was found */
	int fix_changed;   /**< ... and it differs from the served one */
	size_t nfix;       /**< the chain to serve, leaf first, without anchor */
	cc_fleet_cert_t fix[CC_FLEET_MAX_CHAIN];
	size_t trusted_by, profiles; /**< profiles trusting the served chain */
} cc_fleet_rec_t;

/**
 * Parses one JSONL line of check -f --json into *r (jansson). Returns 0,
 * or CC_EINVAL (err names the line) for a line that is not such a record
 * (truncated by an interrupted scan, or another file).
 */
int cc_fleet_rec_parse(const char *json, size_t len, cc_fleet_rec_t *r,
		       cc_error_t *err);

/**
 * The shard (0..n-1) of a target: the first 8 bytes of the SHA-256 of the
 * target as given, modulo n. Stable across machines, runs and versions, so
 * N machines split one list without talking to each other.
 */
unsigned cc_fleet_shard(const char *target, unsigned n);

/**
 * Marks the CA certificates of r's served chain and chain to serve that are
 * cross-signs (cc_cert_is_cross_sign, the judgement's own test: a
 * self-signed certificate of profs' pool or of pool, the target's
 * certificates, has the same subject and key). profs and pool are
 * borrowed, both required. 0 or CC_ENOMEM.
 */
int cc_fleet_rec_mark_cross_signs(cc_fleet_rec_t *r, cc_profiles_t *profs,
				  cc_pool_t *pool);

/* Longest line read back from a JSONL file: a record with 16 certificates
 * and the verdicts of every built-in profile is ~100 KB; a longer line is
 * not a record, and reading it whole would let one line fill memory. */
#define CC_FLEET_MAX_LINE (1024 * 1024)

/** What cc_fleet_read() saw in a file. */
typedef struct cc_fleet_read_stats {
	size_t lines;         /**< lines read, blank ones included */
	size_t records;       /**< lines that are records */
	size_t skipped;       /**< non-blank lines that are not (cut short, other text) */
	size_t first_skipped; /**< the line number of the first of those, 0 if none */
	int unterminated;     /**< the file ends without a newline (an interrupted write) */
} cc_fleet_read_stats_t;

/** Called with each record (borrowed, valid during the call); a non-zero
 * return (a CC_E* code) stops the reading and is returned. */
typedef int (*cc_fleet_read_fn)(void *ctx, const cc_fleet_rec_t *r);

/**
 * Reads the JSONL records of path ("-": stdin), the output of check -f
 * --json, calling fn for each; the one reader of certchain report and
 * check -f --resume. Lines that are not records are counted in *st, not
 * errors. Memory: one line (at most CC_FLEET_MAX_LINE) and one record.
 * 0, CC_EIO (err names path), or what fn returned.
 */
int cc_fleet_read(const char *path, cc_fleet_read_fn fn, void *ctx,
		  cc_fleet_read_stats_t *st, cc_error_t *err);

/** Targets answered in earlier JSONL output (check -f --resume). */
typedef struct cc_fleet_done cc_fleet_done_t;

/**
 * Reads the records of path with cc_fleet_read() into a new set; lines that
 * are not records (a line cut short by an interruption) and records without
 * a line number are counted in st->skipped and ignored. *out is the
 * caller's (cc_fleet_done_free). Holds 8 bytes per record. 0, CC_EIO or
 * CC_ENOMEM.
 */
int cc_fleet_done_load(const char *path, cc_fleet_done_t **out,
		       cc_fleet_read_stats_t *st, cc_error_t *err);
/** 1 when the target of line number line (as given) was answered. */
int cc_fleet_done_has(const cc_fleet_done_t *d, long line, const char *target);
/** Records in the set. */
size_t cc_fleet_done_count(const cc_fleet_done_t *d);
void cc_fleet_done_free(cc_fleet_done_t *d);

/*
 * The closing summary: targets by verdict, targets per finding id, the CA
 * certificates most targets serve or should serve. Memory is bounded by the
 * number of distinct finding ids and CA certificates (leaves are not
 * counted), never by the number of targets.
 */
typedef struct cc_fleet_summary cc_fleet_summary_t;

/** A new, empty summary (caller frees), or NULL when out of memory. */
cc_fleet_summary_t *cc_fleet_summary_new(void);
/** Counts one record. 0 or CC_ENOMEM. */
int cc_fleet_summary_add(cc_fleet_summary_t *s, const cc_fleet_rec_t *r);
/** Targets counted. */
size_t cc_fleet_summary_count(const cc_fleet_summary_t *s);
/** The summary for people (a few lines, top certificates first). */
void cc_fleet_summary_text(const cc_fleet_summary_t *s, cc_buf_t *b);
/** The summary as one JSON object {"targets":N,"verdicts":{...},
 * "findings":{...},"certificates":[...]} and a newline. */
void cc_fleet_summary_json(const cc_fleet_summary_t *s, cc_buf_t *b);
void cc_fleet_summary_free(cc_fleet_summary_t *s);

/*
 * The HTML report: one self-contained page (inline style and script, no
 * external resource) with a row per target (verdict, findings, the served
 * chain and the chain to serve as small diagrams, cross-signs marked),
 * filterable by finding id. Rows are streamed to a temporary file next to
 * path; cc_fleet_html_close() adds the summary and renames it over path.
 */
typedef struct cc_fleet_html cc_fleet_html_t;

/** Starts the page at path (0644). *out is the caller's. 0 or CC_EIO. */
int cc_fleet_html_open(const char *path, const char *title,
		       cc_fleet_html_t **out, cc_error_t *err);
/** Appends one target's row. 0 or CC_EIO. */
int cc_fleet_html_add(cc_fleet_html_t *h, const cc_fleet_rec_t *r, cc_error_t *err);
/**
 * Writes the summary and the finding-id filter, fsyncs and renames the page
 * into place, and frees h (also on failure: then nothing is left at path's
 * temporary name and path is untouched). 0 or CC_EIO.
 */
int cc_fleet_html_close(cc_fleet_html_t *h, const cc_fleet_summary_t *s,
			cc_error_t *err);
/** Abandons the page (the temporary file is removed). Accepts NULL. */
void cc_fleet_html_abort(cc_fleet_html_t *h);

#ifdef __cplusplus
}
#endif
#endif /* CERTCHAIN_H */
