/*
 * certchain/trust.h - trust profiles: anchors, client behaviours, policies, groups, the matrix.
 *
 * Part of the public API; include <certchain.h> for all of it. The module
 * headers stack in one order (each includes the one below it), as the
 * library's folders do (src/lib/README.md).
 */
#ifndef CERTCHAIN_TRUST_H
#define CERTCHAIN_TRUST_H

#include "certchain/output.h"

#ifdef __cplusplus
extern "C" {
#endif

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

/*
 * Section: distrust-after dates (distrust.c). A profile may carry, per
 * anchor (by SHA-256), a date after which that client no longer trusts new
 * certificates under it; certificates issued before it stay trusted until
 * they expire. Every verdict (cc_profiles_judge) applies them, so every
 * command agrees.
 */

/** How a distrust date is held against a leaf. */
typedef enum cc_distrust_kind {
	/** Mozilla's CKA_NSS_SERVER_DISTRUST_AFTER: untrusted when the leaf was
	 *  issued after the date, "issued" being its notBefore or, when its
	 *  earliest embedded SCT is later, that SCT (Firefox checks notBefore
	 *  and discounts SCTs dated after the date; a backdated notBefore does
	 *  not escape). */
	CC_DISTRUST_ISSUED = 0,
	/** Chrome's sct_not_after: trusted only when the leaf's earliest
	 *  embedded SCT is at or before the date; a leaf without SCTs is not. */
	CC_DISTRUST_SCT = 1
} cc_distrust_kind_t;

/** A label's size: a CA's common name fits. */
#define CC_DISTRUST_LABEL_MAX 128
/** Entries of one profile at most: far above the few dozen constrained
 *  roots any real store carries; bounds what a hostile file can ask. */
#define CC_MAX_DISTRUST 1024

/** One anchor's distrust date. */
typedef struct cc_distrust {
	unsigned char sha256[32];  /**< the anchor's DER SHA-256 */
	time_t after;              /**< the last second still trusted */
	cc_distrust_kind_t kind;
	char label[CC_DISTRUST_LABEL_MAX]; /**< the file's label ("" if none) */
} cc_distrust_t;

/**
 * Reads distrust dates for profile i from path, a tab-separated file, one
 * anchor a line: `sha256`, UTC date (RFC 3339, e.g. 2024-11-30T23:59:59Z; a
 * bare date means its last second), then for CC_DISTRUST_ISSUED a label, for
 * CC_DISTRUST_SCT either a label or (Chrome's constraints file) the minimum
 * Chrome version that applies the block and a label. Blank lines and lines
 * starting with '#' are skipped. The anchors need not be the profile's (an
 * entry for an anchor it lacks changes nothing). Returns 0 or a CC_E* code
 * whose message names the file and line (a bad hash or date, an anchor given
 * twice with the same kind, more than CC_MAX_DISTRUST entries).
 */
int cc_profile_add_distrust(cc_profiles_t *ps, size_t i, const char *path,
			    cc_distrust_kind_t kind, cc_error_t *err);

/** Number of distrust entries of profile i. */
size_t cc_profile_distrust_count(const cc_profiles_t *ps, size_t i);
/** Entry k of profile i (k < count). Owned by the set. */
const cc_distrust_t *cc_profile_distrust_get(const cc_profiles_t *ps, size_t i,
					      size_t k);
/** Profile i's entry of the given kind for anchor (by SHA-256), or NULL. */
const cc_distrust_t *cc_profile_distrust_of(const cc_profiles_t *ps, size_t i,
					     const cc_cert_t *anchor,
					     cc_distrust_kind_t kind);
/** "issued" or "sct". Static. */
const char *cc_distrust_kind_name(cc_distrust_kind_t k);

/**
 * Is a path from leaf to anchor distrusted by profile i? Returns 1 and
 * writes the reason into reason ("distrusted by mozilla-2026: Entrust Root
 * Certification Authority, certificates issued after 2024-11-30 (this one
 * 2025-02-03)"), else 0 (reason untouched).
 */
int cc_profile_distrusts(const cc_profiles_t *ps, size_t i, cc_cert_t *leaf,
			 cc_cert_t *anchor, char *reason, size_t n);

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
 *   ...[,distrust=TSV][,sct-not-after=TSV] distrust dates (cc_profile_add_distrust)
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
	char *reason;        /**< plain words: "anchor not in store (...)",
				  "expired cross-sign at depth 2 (...)"; when
				  trusted, a note or "". Whole however long
				  the names in it, never NULL, owned by the
				  verdicts (cc_verdicts_clear) */
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
 * Appends a served chain in plain words to b: "Leaf CN + ICA CN + R46 CN
 * cross-signed by USERTrust CN", whole however long the names. A
 * certificate is called a cross-sign when its subject and key also belong
 * to a self-signed certificate of profs' pool or of the chain. Returns 0,
 * or CC_ENOMEM (b->oom is then set).
 */
int cc_chain_describe(cc_profiles_t *profs, const cc_certlist_t *served, cc_buf_t *b);

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

#ifdef __cplusplus
}
#endif
#endif /* CERTCHAIN_TRUST_H */
