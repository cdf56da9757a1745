/* resolve.h - asynchronous name resolution for probe.c (platform/posix/
 * resolve.c; platform/win/resolve.c uses the system's getaddrinfo): c-ares
 * driven by the caller's poll loop, so a slow or silent name server delays
 * only the targets that need it, within their own deadline. Internal. */
#ifndef CC_RESOLVE_H
#define CC_RESOLVE_H

#include "internal.h"

#include <sys/socket.h>

/* Addresses tried per name: more than any real service publishes for one
 * name, and a bound on the connects one target can cost. */
#define CC_RESOLVE_MAX_ADDRS 16

typedef struct cc_addrs {
	size_t n;
	struct sockaddr_storage a[CC_RESOLVE_MAX_ADDRS];
	socklen_t len[CC_RESOLVE_MAX_ADDRS];
} cc_addrs_t;

typedef struct cc_resolver cc_resolver_t;

/* Starts resolving name (a numeric address is answered at once) for port.
 * servers: c-ares's "ADDR[:PORT],..." list, or NULL for the system's
 * resolver configuration. *out is the caller's (cc_resolver_free()).
 * CC_EINVAL for a bad server list, CC_ENOMEM. */
int cc_resolver_new(const char *name, const char *port, const char *servers,
		    cc_resolver_t **out, cc_error_t *err);
/* 1 once the answer (or the failure) is in. */
int cc_resolver_done(const cc_resolver_t *r);
/* A socket to poll and its events, and the ms until the resolver's own next
 * timeout (retry); -1 when it has no socket open. */
int cc_resolver_fd(cc_resolver_t *r, short *events, int *timeout_ms);
/* Reads answers and handles retries after poll (revents 0 on a timeout). */
void cc_resolver_step(cc_resolver_t *r, short revents);
/* The addresses found (borrowed from r), or NULL with *why set (borrowed). */
const cc_addrs_t *cc_resolver_addrs(const cc_resolver_t *r, const char **why);
/* Cancels what is pending and frees r. Accepts NULL. */
void cc_resolver_free(cc_resolver_t *r);

#endif
