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

/** Load flags for cc_pool_load(). */
enum cc_load_flags {
	CC_LOAD_ALLOW_EMPTY = 1 << 0 /**< a file with no certificate is not an error */
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

/** Limits and context for one build. Zero fields take the defaults below. */
typedef struct cc_build_opts {
	time_t at;          /**< validation time; 0 = now */
	const char *host;   /**< hostname to check against the leaf, or NULL */
	int purpose;        /**< OpenSSL X509_PURPOSE_*; 0 = TLS server */
	unsigned max_depth; /**< certificates in a path, anchor included */
	unsigned max_paths; /**< candidate paths kept */
	unsigned max_sigchecks; /**< signature verifications per build */
	int no_validate;    /**< 1: skip X509_verify_cert (structure only) */
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
	const char *host;      /**< hostname to check, or NULL */
	int expires_soon_days; /**< 0 = 30 */
} cc_analyze_opts_t;

/**
 * Checks a chain exactly as a server would send it (served->v[0] is the
 * leaf). pool must hold the served certificates (served's pointers are its
 * certs) plus any intermediates the client could know; anchors may be NULL.
 * Adds findings with ids: duplicate-cert, wrong-order, unrelated-cert,
 * anchor-sent, incomplete-chain, expired, not-yet-valid, expires-soon,
 * hostname-mismatch, weak-signature, untrusted. If best is non-NULL and a
 * valid path exists, *best receives the ranked paths (its certificates belong
 * to pool and anchors; caller frees with cc_paths_free()).
 */
int cc_chain_analyze(const cc_certlist_t *served, cc_pool_t *pool,
		     cc_pool_t *anchors, const cc_analyze_opts_t *opts,
		     cc_findings_t *out, cc_paths_t **best, cc_error_t *err);

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
 * Files in DIR/KIND not named SHA256.pem are ignored (not loaded).
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

/** Flags for cc_store_open(), cc_store_import() and cc_store_key(). */
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
 * cc_store_lock() needs one cc_store_unlock(). Every writing function below
 * takes it itself; hold it yourself to make several changes one step (read,
 * decide, write) against other processes. Readers need not lock.
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
 * personal, keys). For modules that keep their own records in the store.
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
 * Chooses the chain to ship with leaf: builds every path (cc_build), ranks
 * them with trust/trust_arg (cc_paths_rank; NULL = every valid path scores 1,
 * as 'certchain build' does without profiles) and appends the best valid
 * path to out, leaf first and anchor left out (a self-signed leaf alone).
 * Returns 0, CC_ENOTFOUND (err says why the closest path fails) when no path
 * is valid, or another negative code. If paths is non-NULL it receives the
 * ranked result (caller frees with cc_paths_free()). The certificates in out
 * belong to the pools.
 */
int cc_chain_choose(const cc_build_opts_t *opts, cc_cert_t *leaf,
		    cc_pool_t *untrusted, cc_pool_t *anchors, cc_trust_fn trust,
		    void *trust_arg, cc_certlist_t *out, cc_paths_t **paths,
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

/* --------------------------------------------------------------- aia */
/*
 * Section: fetching missing issuers over AIA (aia.c).
 * (Declarations of this module go below this comment.)
 */

/* ------------------------------------------------------------ deploy */
/*
 * Section: deploying to web servers (deploy_*.c).
 * (Declarations of this module go below this comment.)
 */

#ifdef __cplusplus
}
#endif
#endif /* CERTCHAIN_H */
