/* internal.h - declarations shared by the library's files, not part of the API. */
#ifndef CC_INTERNAL_H
#define CC_INTERNAL_H

#include "certchain.h"

#include <stdarg.h>

/*
 * Largest file we read: the biggest real bundles (Windows' root program,
 * cfssl's intermediates) are a few MB; 64 MiB leaves room for 10x that while
 * bounding memory for a hostile input.
 */
#define CC_MAX_FILE_SIZE (64u * 1024 * 1024)
/* Largest single certificate: real ones are < 10 KB; 1 MiB admits odd giants. */
#define CC_MAX_CERT_SIZE (1u * 1024 * 1024)
/* Certificates per pool: 30x the largest real pool we know (cfssl's 1,602). */
#define CC_MAX_POOL_CERTS 500000u

/* Where one field lives inside a certificate's DER: a pointer and a length. */
typedef struct cc_span {
	const unsigned char *p;
	size_t n;
} cc_span_t;

/* The fields the path search needs, found without a full decode. */
typedef struct cc_der_fields {
	cc_span_t issuer;  /* whole Name TLV */
	cc_span_t subject; /* whole Name TLV */
	cc_span_t spki;    /* whole SubjectPublicKeyInfo TLV */
	cc_span_t ski;     /* subjectKeyIdentifier key id bytes, or empty */
	cc_span_t aki;     /* authorityKeyIdentifier keyIdentifier bytes, or empty */
	size_t total;      /* bytes used by the outer Certificate TLV */
} cc_der_fields_t;

struct cc_cert {
	unsigned char *der;
	size_t len;
	unsigned char fp[32];
	cc_der_fields_t f; /* spans point into der */
	uint64_t subj_hash;
	uint64_t spki_hash;
	char *source;
	X509 *x;           /* decoded on demand; owned */
	int decode_failed;
	unsigned long canon_hash; /* OpenSSL canonical subject hash, lazy */
	int canon_done;
	struct cc_cert *next_fp;   /* fingerprint hash chain */
	struct cc_cert *next_subj; /* exact-subject hash chain */
	struct cc_cert *next_canon;/* canonical-subject hash chain */
	size_t index;
	void *user; /* owned by whoever set it (the store uses it) */
	/* The SubjectPublicKeyInfo DER that verified this certificate's
	 * signature (owned copy), so the search and validation of later builds
	 * never verify the same signature twice. NULL until one verified. */
	unsigned char *sig_key;
	size_t sig_key_len;
};

/* der.c */
int cc_der_fields(const unsigned char *der, size_t len, cc_der_fields_t *f,
		  const char **why);
uint64_t cc_hash64(const unsigned char *p, size_t n);
/* A hash of a Name's DER equal for names X509_NAME_cmp calls equal (a
 * filter: equal hashes still need X509_NAME_cmp). *ok = 0 when the DER is
 * not a Name this walker understands. */
uint64_t cc_der_name_canon_hash(const unsigned char *der, size_t len, int *ok);

/* cert.c: a copy of src with its DER, fingerprint, spans, hashes, verified
 * signature key and decode (shared), so copying never re-parses or
 * re-hashes. Freed with cc_cert_free; NULL when out of memory. */
cc_cert_t *cc_cert_copy(const cc_cert_t *src);

/* profile_index.c: the built-in stores precomputed at make time. */
#define CC_PIDX_MAGIC "CCPIDX02"
#define CC_PIDX_NAME "profiles.idx"
typedef struct cc_pidx cc_pidx_t;
struct stat;
/* A file's modification time as the index records it (Windows' struct
 * stat has whole seconds only). */
void cc_pidx_mtime(const struct stat *st, uint64_t *sec, uint64_t *nsec);
/* The index of dir (a trust-stores directory), or NULL when there is none
 * or it does not match profiles.conf any more: never an error. */
cc_pidx_t *cc_pidx_open(const char *dir);
void cc_pidx_close(cc_pidx_t *ix);
/* Adds the certificates of store file (a profiles.conf FILE) to pool and
 * appends them to out: 0, a CC_E* code, or 1 when ix (may be NULL) has no
 * current entry for file (then read the PEM). */
int cc_pidx_load(cc_pidx_t *ix, const char *file, cc_pool_t *pool,
		 cc_certlist_t *out, cc_error_t *err);

/* profile.c: a built-in profile's FILE ("" for others); every built-in
 * profile read from the PEM files, never from the index. */
const char *cc_profile_file(const cc_profiles_t *ps, size_t i);
int cc_profiles_add_builtin_pem(cc_profiles_t *ps, const char *datadir,
				cc_error_t *err);
/* profile.c: appends the n entries of v (malloc'd; taken, freed here even
 * on failure) to profile i's distrust dates. 0 or CC_ENOMEM. */
int cc_profile_distrust_set(cc_profiles_t *ps, size_t i, cc_distrust_t *v, size_t n);
/* distrust_read.c: the entries of the distrust file path, each of kind;
 * one already in have[0..nhave) or twice in the file is an error, as is a
 * total over CC_MAX_DISTRUST. *out (malloc'd, *nout entries) is the
 * caller's. CC_EIO, CC_EPARSE (naming the line), CC_ELIMIT, CC_ENOMEM. */
int cc_distrust_read(const char *path, cc_distrust_kind_t kind,
		     const cc_distrust_t *have, size_t nhave, cc_distrust_t **out,
		     size_t *nout, cc_error_t *err);

/* report.c: strings formatted as printf would, whole, whatever their
 * length (names and paths are never cut). cc_str_vnew and cc_str_new
 * return a new string, NULL when out of memory; cc_str_set makes *dst one
 * (the old one freed after formatting, so the arguments may hold it):
 * 0, or CC_ENOMEM with *dst unchanged. */
char *cc_str_vnew(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
char *cc_str_new(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cc_str_set(char **dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* error.c */
int cc_err(cc_error_t *err, int code, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Appends OpenSSL's queued errors (and drains the queue) to err->msg. */
int cc_err_ssl(cc_error_t *err, int code, const char *where, const char *what);

/* fileio.c: reads a whole regular file (bounded by CC_MAX_FILE_SIZE); *out
 * (NUL-terminated, *len bytes) is the caller's to free(). */
int cc_slurp(const char *path, unsigned char **out, size_t *len,
	     cc_error_t *err);
/* fileio.c: fsync of a directory (after a rename or unlink in it), best effort. */
void cc_fsync_dir(const char *dir);
/* fileio.c: mkdir -p; the last component gets mode, the others 0755.
 * -1 with errno set on failure (a path over 4095 bytes included). */
int cc_mkdir_p(const char *path, unsigned mode);

/* cert.c; sha256 (may be NULL) is a fetched SHA-256 for the fingerprint. */
cc_cert_t *cc_cert_new(const unsigned char *der, size_t len,
		       const cc_der_fields_t *f, const char *source,
		       const EVP_MD *sha256);
/* cc_cert_new with the SHA-256 already known (profiles.idx stores it). */
cc_cert_t *cc_cert_new_fp(const unsigned char *der, size_t len,
			  const cc_der_fields_t *f, const char *source,
			  const unsigned char fp[32]);
/* pool.c: cc_pool_add_der for a certificate whose SHA-256 fp is already
 * known; one already in p is found without parsing der. */
int cc_pool_add_der_fp(cc_pool_t *p, const unsigned char *der, size_t len,
		       const unsigned char fp[32], const char *source,
		       cc_cert_t **out, cc_error_t *err);
void cc_cert_free(cc_cert_t *c);
/* "RSA 2048", "EC P-256", ... for any key (cc_cert_key_desc, cc_key_desc). */
char *cc_pkey_desc(const EVP_PKEY *k, char *buf, size_t n);
int cc_cert_same_key(const cc_cert_t *a, const cc_cert_t *b);
int cc_cert_same_subject(const cc_cert_t *a, const cc_cert_t *b);
/* 1 if issuer's key is known to verify child's signature (see sig_key). */
int cc_cert_sig_known(const cc_cert_t *child, const cc_cert_t *issuer);
/* Records that issuer's key verified child's signature. */
void cc_cert_sig_remember(cc_cert_t *child, const cc_cert_t *issuer);
/* Gives c (not decoded yet) the decode x of the same DER (reference taken):
 * OpenSSL 3 decodes keys slowly, and a served certificate is already decoded
 * by the handshake or by another pool. */
void cc_cert_adopt_x509(cc_cert_t *c, X509 *x);
/* 1 if a's subject equals b's issuer, exact or canonical */
int cc_cert_issuer_name_match(cc_cert_t *issuer, cc_cert_t *child);

/* judge/needs.c, for judge.c: fills out->needs, the certificates certchain
 * lacks that the profiles rejecting both the served chain and the chain to
 * serve wait for. 0 or a negative code. */
int cc_judge_needs(const cc_judge_in_t *in, const cc_analyze_opts_t *ao,
		   cc_judgement_t *out, cc_error_t *err);
/* judge/needs.c, for cc_judgement_clear: frees out->needs' strings. */
void cc_judge_needs_clear(cc_judgement_t *out);

/* build.c helpers used by analyze.c */
int cc_paths_push(cc_paths_t *ps, cc_cert_t *const *v, size_t n);
/* 1 if cand's key verifies child's signature and names/AKI agree; *why set on 0. */
int cc_edge_ok(cc_cert_t *child, cc_cert_t *cand, const char **why);

/* analyze.c: *view is served, or its first CC_MAX_SERVED_ANALYZED
 * certificates when it is longer (then "chain-too-long" joins out and 1 is
 * returned). view borrows served's array: never clear it. */
int cc_served_cut(const cc_certlist_t *served, cc_certlist_t *view,
		  cc_findings_t *out);

/* build.c: signature verifications cc_edge_ok ran in this thread (tests
 * count them to prove a hostile chain costs a bounded number). */
unsigned long cc_edge_verifies(void);

/* key.c: keys from memory or an open file (name is for messages). */
int cc_key_load_mem(const unsigned char *buf, size_t len, const char *name,
		    EVP_PKEY **out, cc_error_t *err);
int cc_key_load_fd(int fd, const char *name, EVP_PKEY **out, cc_error_t *err);

/* store.c, store_write.c, store_links.c */
#define CC_STORE_NKINDS 3
struct cc_store {
	char *dir;
	int lockfd;
	int depth;       /* recursion level of cc_store_lock() */
	int links_stale; /* a root changed while an outer lock holder batches */
};
/* "DIR/A[/B][EXT]" into buf; -1 when too long. */
int cc_store_path_of(char *buf, size_t n, const cc_store_t *st, const char *a,
		     const char *b, const char *ext);
/* Creates the store's directories (keys/ 0700). Under the lock. */
int cc_store_layout(cc_store_t *st, cc_error_t *err);
/* 1 if name is 64 lower-case hex digits followed by ext. */
int cc_store_sha_name(const char *name, const char *ext);
int cc_is_lower_hex(const char *s, size_t n);
/* A root changed: refresh the links now, or at the outer unlock. */
int cc_store_roots_changed(cc_store_t *st, cc_error_t *err);

/* validate.c: 1 when x is valid for host: an IPv4/IPv6 literal against its
 * IP addresses, a name against its DNS names (X509_check_host). */
int cc_host_matches(X509 *x, const char *host);
/* 1 if h is an IPv4 or IPv6 address literal (validate.c). */
int cc_is_ip_literal(const char *h);
/* validate.c: cc_path_validate with flags (profiles use them). */
#define CC_VALIDATE_IGNORE_ANCHOR_TIME 1u /* the anchor's dates are not checked */
int cc_path_validate_flags(cc_path_t *path, const cc_build_opts_t *opts,
			   unsigned flags, cc_error_t *err);
/* validate.c: runs OpenSSL on certs (the last trusted) with every error
 * recorded and the run continued: up to max codes in ev, depths in dv. */
int cc_path_validate_collect(const cc_certlist_t *certs,
			     const cc_build_opts_t *opts, int *ev, int *dv,
			     int *ne, int max, cc_error_t *err);

/* policy.c: the verification flags of a policy. */
void cc_policy_param(X509_VERIFY_PARAM *vp, int policy);
/* 1 if OpenSSL's x509_err on x at depth is no error in any policy; anchor:
 * x is the path's trust anchor, whose own encoding clients do not judge
 * (in collect mode such an error is still recorded, as a warning). */
int cc_policy_forgives(X509 *x, int x509_err, int depth, int anchor);
/* The first own rule of policy that path (anchor last) breaks: its id, the
 * depth and what is wrong; NULL when none. */
const char *cc_policy_check(const cc_certlist_t *path,
			    const cc_build_opts_t *opts, int *depth,
			    const char **what);
/* Rules one certificate can break at most: more than policy.c has. */
#define CC_POLICY_RULES_MAX 32
/* One rule of policy.c a certificate breaks. */
typedef struct cc_policy_hit {
	const char *id;   /* static */
	const char *what; /* static */
	int severity;     /* CC_SEV_WARNING on an anchor the rule spares */
} cc_policy_hit_t;
/* policy.c: the rules of policy that certs->v[i] breaks (anchored: the last
 * of certs is the trust anchor; host: the name asked for, or NULL), up to
 * max into hits; returns how many. */
size_t cc_policy_rules_at(const cc_certlist_t *certs, size_t i, int anchored,
			  const char *host, int policy, cc_policy_hit_t *hits,
			  size_t max);
/* policy.c: 1 if OpenSSL's x509_err on a trust anchor x is only about how
 * the anchor is encoded (clients do not judge that: a warning). */
int cc_policy_anchor_warns(X509 *x, int x509_err);
/* policy_findings.c, for cc_chain_analyze: when no path of ps is valid, the
 * rule findings of the first-ranked path, or of the served chain when no
 * path reaches an anchor. */
int cc_policy_served_findings(const cc_certlist_t *served, cc_pool_t *anchors,
			      const cc_paths_t *ps, const cc_build_opts_t *bo,
			      cc_findings_t *out, cc_error_t *err);

/* behaviour.c: 1 if c is a cross-sign: not self-issued, and a self-signed
 * certificate of the set's pool or of l has its subject and key. */
int cc_cert_is_cross_sign(cc_profiles_t *ps, const cc_certlist_t *l, cc_cert_t *c);

/* missing.c, for the walks up the certificates at hand (missing.c,
 * untrusted.c): real chains are <= 5 long; this many steps end a loop of
 * cross-signs. */
#define CC_WALK_MAX_DEPTH 16
/* judge.c, untrusted.c: profiles named in one line before "and N more",
 * so that with every built-in profile in use the line stays readable. */
#define CC_NAMED_PROFILES 4
/* missing.c: an issuer of c in p whose key verifies c's signature, or NULL
 * (p may be NULL). root_first: a self-issued one is preferred (it ends a
 * walk at a root); else the first found. */
cc_cert_t *cc_issuer_at_hand(cc_pool_t *p, cc_cert_t *c, int root_first);

/* starttls.c: the plain-text dialogue before a TLS handshake; probe.c does
 * the I/O. Longest exchange buffered: an SMTP EHLO answer or XMPP features
 * list is < 2 KB in practice; 8 KB bounds a server that talks on. */
#define CC_STARTTLS_MAX 8192
typedef struct cc_starttls_dialogue {
	int proto;                 /* enum cc_starttls */
	int phase;                 /* which exchange of the dialogue */
	char out[512];             /* to send now: out[off..nout) */
	size_t nout, off;
	char in[CC_STARTTLS_MAX];  /* the current reply, NUL-terminated */
	size_t nin;
	char why[256];             /* the refusal, when cc_starttls_got() < 0 */
} cc_starttls_t;
/* Resets s for proto; s->nout > 0 when the client speaks first. */
void cc_starttls_begin(cc_starttls_t *s, int proto, const char *host);
/* How many bytes may be read into s->in + s->nin now. */
size_t cc_starttls_room(const cc_starttls_t *s);
/* n more bytes were read: 1 start TLS now, 0 go on (send s->out if nout),
 * -1 refused (s->why). */
int cc_starttls_got(cc_starttls_t *s, size_t n);
/* key.c (pkcs12): every unencrypted private key in a PEM bundle, or one DER
 * key; *encrypted counts the encrypted ones skipped. *out (n keys) is the
 * caller's: EVP_PKEY_free() each, free() the array. 0 keys is not an error. */
int cc_keys_from_mem(const unsigned char *buf, size_t len, const char *name,
		     EVP_PKEY ***out, size_t *n, int *encrypted, cc_error_t *err);

#endif
