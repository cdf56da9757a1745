/*
 * certchain/judge.h - the judgement of a served chain, why no client trusts
 * a chain, the judgement cache, expiry cliffs, the missing issuer.
 *
 * Part of the public API; include <certchain.h> for all of it. The module
 * headers stack in one order (each includes the one below it), as the
 * library's folders do (src/lib/README.md).
 */
#ifndef CERTCHAIN_JUDGE_H
#define CERTCHAIN_JUDGE_H

#include "certchain/probe.h"

#ifdef __cplusplus
extern "C" {
#endif

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
	unsigned cpu_budget_ms; /**< CPU time (this thread's) the judgement may
				     take, 0 = no budget; checked between its
				     stages (each bounded by the analysis
				     limits): past it the rest is skipped and
				     the finding "judge-budget" says so */
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

/** Certificates a judgement names as wanted at most (cc_judgement_t.needs). */
#define CC_JUDGE_MAX_NEEDS 4

/** What a certificate certchain does not have would be (cc_judge_need_t). */
typedef enum cc_need_kind {
	CC_NEED_LEAF,    /**< a leaf valid for the host name checked */
	CC_NEED_ISSUER,  /**< the missing issuer of a certificate at hand */
	CC_NEED_RENEWED  /**< a valid one for a certificate at hand that is
			      expired or not yet valid (a renewed cross-sign) */
} cc_need_kind_t;

/**
 * A certificate no chain at hand replaces: without it, the profiles named
 * reject the served chain and the chain to serve alike.
 */
typedef struct cc_judge_need {
	cc_need_kind_t kind;
	/* The strings are whole, however long their names, URL and profile
	 * list, never NULL, and owned by the judgement (cc_judgement_clear). */
	char *subject;      /**< its subject (CN, else DN; the host name for a leaf) */
	char *issuer;       /**< its issuer, or "" when unknown (a missing issuer's) */
	char key_id[129];   /**< its key id (hex) when known, else "" */
	char *url;          /**< the CA Issuers URL it may be fetched from, or "" */
	char *profiles;     /**< the profiles that need it, comma-separated */
	char *why;          /**< one line: what is at hand and why it does not do */
} cc_judge_need_t;

/** One certificate the chain to serve adds to or removes from the served one. */
typedef struct cc_judge_change {
	cc_cert_t *cert;   /**< borrowed from the judgement's pools */
	size_t position;   /**< in the chain to serve (added) or as served (removed) */
	cc_change_kind_t kind; /**< what the change is */
	char *why;         /**< removed: why it goes; added: what it is (whole,
				however long its names and paths; owned by the
				judgement) */
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
	char *gains[CC_JUDGE_MAX_GAINS]; /**< what the change brings, one line
					     per change actually made (owned by
					     the judgement) */
	size_t ngains;
	cc_findings_t after;     /**< judge_after: the findings a judgement of
				      serve as sent gives (what check and verify
				      say of it with the same clients) */
	const cc_verdicts_t *after_verdicts; /**< judge_after: each profile's
				      verdict in that judgement (host name
				      checked); NULL when best < 0 */
	cc_judge_need_t needs[CC_JUDGE_MAX_NEEDS]; /**< judge_after: certificates
				      certchain lacks that the profiles rejecting
				      both the served chain and serve want (a
				      leaf for the name, a missing issuer, a
				      renewed cross-sign) */
	size_t nneeds;
	struct cc_judgement *again; /**< internal: the judgement of serve */
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
 * With judge_after, the chain to serve is judged again as sent by this same
 * call (after, after_verdicts), and needs names each certificate certchain
 * lacks that a profile rejecting both chains waits for.
 * Only the first CC_MAX_SERVED_ANALYZED served certificates are judged (a
 * longer chain gets "chain-too-long" first); with in->cpu_budget_ms, a
 * judgement past its budget stops early with "judge-budget".
 * out is the caller's: clear it with cc_judgement_clear() (also on error).
 * Returns 0 or a negative code (bad arguments, out of memory, OpenSSL).
 */
int cc_served_judge(const cc_judge_in_t *in, cc_judgement_t *out,
		    cc_error_t *err);

/** Frees what the judgement holds and zeroes it. Accepts a zeroed one. */
void cc_judgement_clear(cc_judgement_t *j);

/** 1 when the judgement has an error finding (exit 1 of check and verify). */
int cc_judgement_failed(const cc_judgement_t *j);

/* ----------------------------------- when no client trusts (untrusted.c) */

/**
 * Why no client profile trusts a chain, as cc_judge_untrusted() finds it.
 * The certificate is borrowed from the judgement (or the profile set);
 * the arrays and the text are owned: free with cc_untrusted_clear().
 */
typedef struct cc_untrusted {
	cc_cert_t *anchor; /**< chosen: the anchor of the chain to serve; else
			        the self-signed root the chain at hand ends at */
	int chosen;        /**< 1: about the judgement's chain to serve; 0: no
			        chain was chosen, about the chain at hand */
	size_t *lack;      /**< the profiles (indexes) that do not hold anchor */
	size_t nlack;
	size_t *reject;    /**< the profiles that hold anchor and still reject
			        the chain (their verdicts say why); none when
			        !chosen */
	size_t nreject;
	char *text;        /**< one line: who does not trust it and what would
			        cure it ("X lacks its anchor A (cured by adding A to its
			        anchors, or by A issued by a root it has); Y holds A
			        and still rejects it (Y: reason)") */
} cc_untrusted_t;

/**
 * Says why no client trusts the chain j (a judgement of in by
 * cc_served_judge()) leads to. With a chain to serve (j->best >= 0): when
 * no profile trusts it as sent (j->after_verdicts with judge_after, else
 * j->fixed), the profiles that lack its anchor and those that hold it but
 * reject it. Without one: when the certificates at hand (served and
 * repair) lead from the leaf to a self-signed root no profile holds, that
 * root and every profile as lacking it (a missing issuer is no root; the
 * judgement's needs name it).
 * Returns 1 and fills out, 0 when some profile trusts the chain to serve or
 * there is no such root (out zeroed), or a negative code (bad arguments,
 * out of memory). out is the caller's: cc_untrusted_clear() it after 1.
 */
int cc_judge_untrusted(const cc_judge_in_t *in, const cc_judgement_t *j,
		       cc_untrusted_t *out, cc_error_t *err);

/** Frees what u holds and zeroes it. Accepts a zeroed one and NULL. */
void cc_untrusted_clear(cc_untrusted_t *u);

/* ------------------------------------------ the judgement cache (cache.c) */

/**
 * Judgements a cache keeps by default. A fleet serves few distinct chains
 * (a scan of thousands of targets meets a handful of CAs' chains); one
 * judgement holds a few dozen KB, so 64 stay within a few MB while covering
 * far more distinct chains than a fleet usually has. Lookups are linear in
 * the entries: keep it small.
 */
#define CC_JUDGE_CACHE_ENTRIES 64

/**
 * Judgements kept for reuse (opaque). The cache is safe for many threads at
 * once. Judging itself is not yet: cc_served_judge() decodes certificates of
 * the pools it is given and remembers verified signatures in them on first
 * use, so threads that judge against the same profiles and anchor pools
 * must have them warmed by one judgement first, or judge one at a time.
 */
typedef struct cc_judge_cache cc_judge_cache_t;

/** What a cache did so far. */
typedef struct cc_judge_cache_stats {
	unsigned long long hits;      /**< judgements reused */
	unsigned long long misses;    /**< judgements made */
	unsigned long long evictions; /**< dropped to stay within the limit */
	size_t entries;               /**< kept now */
} cc_judge_cache_stats_t;

/**
 * A cache of at most max_entries judgements (0 = CC_JUDGE_CACHE_ENTRIES),
 * the least recently used dropped first. A cache belongs to one set of
 * clients: it must be freed before the profile sets, anchor and withheld
 * pools of the judgements it holds (it keys them by identity, and its
 * judgements borrow the profiles' anchors). NULL when out of memory.
 */
cc_judge_cache_t *cc_judge_cache_new(size_t max_entries);

/** Frees the cache and the judgements it keeps; every judgement it handed
 * out must have been released before. NULL is fine. */
void cc_judge_cache_free(cc_judge_cache_t *c);

/**
 * The judgement of in, as cc_served_judge() makes it: from c when the same
 * served certificates (by SHA-256, as far as they are analysed) were judged
 * for the same clients (profiles, anchors and withheld pools, by identity),
 * repair certificates (by SHA-256, and their sources), time and options, and
 * for the same host name or any name the leaf is valid for; otherwise
 * judged now and kept. in->ao.at must be set (the caller's time bucket: a
 * long-running checker rounds the clock to its cache lifetime). A judgement
 * cut short by in->cpu_budget_ms is returned but never kept.
 * *out is read-only (shared with other holders; its certificates are
 * decoded beforehand so readers never write them) and stays valid until
 * cc_judge_cache_release(c, *out), which every success needs.
 * Returns 0, or CC_EINVAL (no time, no chain), CC_ENOMEM, CC_ECRYPTO, or
 * what cc_served_judge() returns.
 */
int cc_judge_cached(cc_judge_cache_t *c, const cc_judge_in_t *in,
		    const cc_judgement_t **out, cc_error_t *err);

/** Gives back a judgement cc_judge_cached() handed out. NULL is fine. */
void cc_judge_cache_release(cc_judge_cache_t *c, const cc_judgement_t *j);

/** Copies c's counters into *st (zeroes when c is NULL). */
void cc_judge_cache_stats(cc_judge_cache_t *c, cc_judge_cache_stats_t *st);

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

/**
 * An expiry cliff. Certificates are borrowed from the inputs; the texts are
 * whole, however long the names, and the cliff's own: cc_cliff_clear()
 * frees them.
 */
typedef struct cc_cliff {
	cc_cert_t *cert;      /**< the cross-sign or anchor that expires, or NULL */
	int anchor;           /**< 1 when cert is an anchor (self-issued) */
	time_t when;          /**< its notAfter */
	char *lost;           /**< the profiles that stop trusting the chain then
				   (six named, "and N more"); NULL when none */
	size_t nlost;
	char *after;          /**< the chain to serve after that date, in words;
				   NULL when none */
	cc_cert_t *rsa_anchor; /**< an EC leaf's chain ends at this RSA anchor, or NULL */
} cc_cliff_t;

/**
 * Looks for the first date within the horizon when a served cross-sign or
 * an anchor the trusting profiles use expires and, judged one day later,
 * some profile stops trusting the served chain. Fills out (and the chain
 * to serve after it) and returns 1; returns 0 when there is none (out may
 * still name rsa_anchor), or a negative code. out is overwritten, not
 * freed: after a return of 1, free it with cc_cliff_clear(); otherwise it
 * holds nothing to free.
 */
int cc_cliff_find(const cc_cliff_in_t *in, cc_cliff_t *out, cc_error_t *err);

/** Frees c's texts and zeroes *c (c may be NULL). */
void cc_cliff_clear(cc_cliff_t *c);

/** Appends the cliff as one line ("the chain's reach depends on ..."). */
void cc_cliff_text(const cc_cliff_t *c, cc_buf_t *b);

/** Distrust cliffs kept at most: one per distinct (anchor, date, kind) a
 * chain's trusting clients use; a chain reaches a handful of anchors. */
#define CC_CLIFF_MAX_DISTRUST 8

/**
 * A cliff of another kind: a client trusts the chain today, but its anchor
 * carries a distrust-after date (cc_profile_add_distrust), so a renewed
 * certificate issued after that date under the same anchor is not trusted
 * by it. The date may be past: the chain is trusted because it was issued
 * before it.
 */
typedef struct cc_distrust_cliff {
	cc_cert_t *anchor;        /**< the anchor (owned by the profile set) */
	const cc_distrust_t *d;   /**< the first profile's entry (owned by the set) */
	char profiles[320];       /**< the profiles with that date, ", "-joined */
	size_t nprofiles;
} cc_distrust_cliff_t;

/**
 * Fills out (up to CC_CLIFF_MAX_DISTRUST) with the distrust cliffs of a
 * chain judged now: for every profile that trusts it (now, verdicts of
 * profs) through an anchor with a distrust date up to horizon_days ahead
 * of at (0 = CC_CLIFF_HORIZON_DAYS; past dates always count), one entry
 * per anchor, date and kind. Returns how many.
 */
size_t cc_distrust_cliffs(cc_profiles_t *profs, const cc_verdicts_t *now,
			  time_t at, int horizon_days,
			  cc_distrust_cliff_t out[CC_CLIFF_MAX_DISTRUST]);

/** Appends one line: "from 2024-12-01, new certificates under ROOT are not
 * trusted by PROFILE" (and, for Chrome's kind, "(earliest SCT after
 * 2024-11-11)"). */
void cc_distrust_cliff_text(const cc_distrust_cliff_t *c, cc_buf_t *b);

/** The day the cliff starts (the day after the last trusted second), as
 * "YYYY-MM-DD" into out. Returns out. */
char *cc_distrust_cliff_from(const cc_distrust_cliff_t *c, char out[32]);

/* ----------------------------------------- the missing issuer (missing.c) */

/**
 * The first issuer missing above a leaf, as cc_missing_issuer() finds it.
 * The names and the URL are whole, however long, and never NULL once
 * filled; they are out's own: free them with cc_missing_clear().
 */
typedef struct cc_missing {
	cc_cert_t *child;     /**< the certificate whose issuer is missing (borrowed) */
	char *issuer;         /**< the issuer's CN (or DN) */
	char *issuer_dn;      /**< the issuer's whole DN (RFC 2253) */
	char aki[129];        /**< child's authority key id, hex, or "" */
	char *url;            /**< child's first CA Issuers URL, or "" */
} cc_missing_t;

/**
 * Walks up from leaf, each certificate to an issuer of pool whose key
 * verifies it, until a self-issued certificate or one an anchor of anchors
 * (may be NULL) issued. Returns 1 and fills out when the walk stops at a
 * certificate whose issuer is in neither (a missing intermediate), else 0,
 * or CC_ENOMEM. out is overwritten, not freed: after a return of 1, free it
 * with cc_missing_clear() (before reusing it too); otherwise it holds
 * nothing to free.
 */
int cc_missing_issuer(cc_cert_t *leaf, cc_pool_t *pool, cc_pool_t *anchors,
		      cc_missing_t *out);

/** Frees m's strings and zeroes *m (m may be NULL). */
void cc_missing_clear(cc_missing_t *m);

/** Appends one line about m to b: "the issuer of X is missing: DN, key id
 * HEX; the certificate names it at URL". */
void cc_missing_text(const cc_missing_t *m, cc_buf_t *b);

#ifdef __cplusplus
}
#endif
#endif /* CERTCHAIN_JUDGE_H */
