/*
 * certchain/probe.h - TLS probes of live servers (STARTTLS, resolution, deadlines).
 *
 * Part of the public API; include <certchain.h> for all of it. The module
 * headers stack in one order (each includes the one below it), as the
 * library's folders do (src/lib/README.md).
 */
#ifndef CERTCHAIN_PROBE_H
#define CERTCHAIN_PROBE_H

#include "certchain/pkcs12.h"

#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

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
	/** Asked for each address before it is dialled (after resolution, so a
	 * name that resolves elsewhere than it did when checked is caught):
	 * nonzero refuses it, and the probe fails with CC_PROBE_DENIED when no
	 * address is left. NULL = every address may be dialled. */
	int (*allow)(const struct sockaddr *addr, socklen_t len, void *arg);
	void *allow_arg; /**< passed to allow, borrowed */
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
	CC_PROBE_TLS,      /**< another handshake failure (see reason) */
	CC_PROBE_DENIED    /**< every address was refused by opts->allow */
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

/**
 * Moves an unfinished probe's deadline ms milliseconds later, and its start
 * with it: time the caller spent away from its poll loop (judging another
 * target) then counts neither against the deadline nor in the result's ms,
 * so a deadline measures the network, never the caller's CPU. A finished
 * probe (or NULL) is left alone.
 */
void cc_probe_pause(cc_probe_t *p, long long ms);

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

#ifdef __cplusplus
}
#endif
#endif /* CERTCHAIN_PROBE_H */
