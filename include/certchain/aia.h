/*
 * certchain/aia.h - fetching missing issuers through AIA CA Issuers URLs.
 *
 * Part of the public API; include <certchain.h> for all of it. The module
 * headers stack in one order (each includes the one below it), as the
 * library's folders do (src/lib/README.md).
 */
#ifndef CERTCHAIN_AIA_H
#define CERTCHAIN_AIA_H

#include "certchain/judge.h"

#ifdef __cplusplus
extern "C" {
#endif

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

/*
 * Where AIA may connect. A certificate chosen by a server being checked
 * names its own URLs and redirects, so without rules it could make us send
 * requests to this host or to a cloud metadata service. The rules apply to
 * the address actually connected to (every address libcurl tries, and again
 * before a request goes out on a reused connection), never only to the
 * name in the URL:
 *   - loopback (127.0.0.0/8, ::1, 0.0.0.0/8, ::) and link-local
 *     (169.254.0.0/16 - cloud metadata -, fe80::/10) addresses are refused
 *     unless allow_local is set;
 *   - private addresses (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7)
 *     are allowed, since internal CAs publish there, but a redirect from a
 *     public address to any non-public one is refused;
 *   - then, when allow is set, it is asked about every address.
 * IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) count as their IPv4 address.
 * Proxies from the environment are not used: through a proxy the address
 * could not be checked. The checks on the connected address need libcurl;
 * the Windows build (WinHTTP) does not make them (README).
 */
struct sockaddr;

/** An allow-list hook: returns 1 to allow a connection to addr (an IPv4 or
 * IPv6 socket address, port included) for url (the URL being fetched, a
 * redirect target included), 0 to refuse it. ctx is cc_aia_policy_t.ctx.
 * Called from inside the fetch; must not call into the AIA module. */
typedef int (*cc_aia_allow_fn)(void *ctx, const char *url,
			       const struct sockaddr *addr);

/** The address rules of cc_aia_complete(). All zero = the defaults. */
typedef struct cc_aia_policy {
	int allow_local;       /**< 1: loopback and link-local allowed */
	cc_aia_allow_fn allow; /**< optional allow-list, NULL = none */
	void *ctx;             /**< passed to allow; borrowed */
} cc_aia_policy_t;

/** What an address is, for the rules above. */
enum cc_addr_class {
	CC_ADDR_PUBLIC = 0,    /**< "public": anything not below */
	CC_ADDR_PRIVATE,       /**< "private" */
	CC_ADDR_LOOPBACK,      /**< "loopback" (this host, 0.0.0.0 included) */
	CC_ADDR_LINK_LOCAL,    /**< "link-local" */
	CC_ADDR_OTHER          /**< "unknown": not AF_INET/AF_INET6 */
};

/** The class of an AF_INET or AF_INET6 socket address (enum cc_addr_class). */
int cc_aia_addr_class(const struct sockaddr *addr);

/** The stable name of a cc_addr_class ("link-local"). Static string. */
const char *cc_aia_addr_class_name(int cls);

/**
 * Applies policy p (NULL = the defaults) to a connection to addr for url.
 * from_public is 1 when url is a redirect from a page served by a public
 * address. Returns 1 when allowed, 0 when refused with the reason in why
 * (one line naming the address; why may be NULL).
 */
int cc_aia_addr_allowed(const cc_aia_policy_t *p, const struct sockaddr *addr,
			const char *url, int from_public, char *why, size_t nwhy);

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
	const cc_aia_policy_t *policy; /**< address rules, NULL = the
				    defaults; borrowed for the call */
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
	CC_AIA_BUDGET,         /**< "budget": fetch count or total time used up */
	CC_AIA_REFUSED         /**< "refused-address": the address rules
				    (cc_aia_policy_t) refused the connection;
				    nothing was sent to it */
};

/** The stable id of a cc_aia_status ("too-large"). Static string. */
const char *cc_aia_status_id(int status);

/** What happened to one URL. */
typedef struct cc_aia_fetch {
	char *url;            /**< as found in the certificate, whole (control
				   bytes as '?'; owned by the result:
				   cc_aia_result_clear) */
	char final_url[512];  /**< the last URL requested (after redirects);
				   empty when nothing was requested (a URL
				   longer than 511 bytes is never requested) */
	char address[64];     /**< the address of final_url connected to, or
				   refused ("127.0.0.1", "::1"); may be empty */
	char *for_cn;         /**< CN (else DN) of the certificate whose issuer
				   was sought, whole (owned by the result) */
	int status;           /**< enum cc_aia_status */
	char *msg;            /**< one line: the outcome and its cause, whole
				   (owned by the result: cc_aia_result_clear) */
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

#ifdef __cplusplus
}
#endif
#endif /* CERTCHAIN_AIA_H */
