/*
 * resolve.c - Windows: name resolution without c-ares, which has no
 * mingw build in Debian, so a name is resolved with the system's
 * getaddrinfo when the probe starts. That call blocks: on Windows a slow
 * name server delays every target behind it and is not bounded by
 * --timeout (README, Windows section). --dns-server is refused.
 */
#include "platform/resolve.h"

#include <stdlib.h>
#include <string.h>

struct cc_resolver {
	int status; /* getaddrinfo's result */
	cc_addrs_t addrs;
};

int cc_resolver_new(const char *name, const char *port, const char *servers,
		    cc_resolver_t **out, cc_error_t *err)
{
	struct addrinfo hints = { 0 }, *ai = NULL;
	cc_resolver_t *r;

	*out = NULL;
	if (servers)
		return cc_dns_servers_check(servers, err);
	if (!(r = calloc(1, sizeof(*r))))
		return cc_err(err, CC_ENOMEM, name, "out of memory");
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	r->status = getaddrinfo(name, port, &hints, &ai);
	for (struct addrinfo *a = ai; !r->status && a; a = a->ai_next)
		if (r->addrs.n < CC_RESOLVE_MAX_ADDRS && a->ai_addrlen <= sizeof(r->addrs.a[0])) {
			memcpy(&r->addrs.a[r->addrs.n], a->ai_addr, a->ai_addrlen);
			r->addrs.len[r->addrs.n++] = (socklen_t)a->ai_addrlen;
		}
	if (ai)
		freeaddrinfo(ai);
	*out = r;
	return 0;
}

int cc_resolver_done(const cc_resolver_t *r)
{
	return 1;
}

int cc_resolver_fd(cc_resolver_t *r, short *events, int *timeout_ms)
{
	*timeout_ms = -1;
	return -1;
}

void cc_resolver_step(cc_resolver_t *r, short revents)
{
}

const cc_addrs_t *cc_resolver_addrs(const cc_resolver_t *r, const char **why)
{
	*why = NULL;
	if (r->status || !r->addrs.n) {
		*why = r->status ? gai_strerror(r->status) : "no address";
		return NULL;
	}
	return &r->addrs;
}

void cc_resolver_free(cc_resolver_t *r)
{
	free(r);
}

int cc_dns_servers_check(const char *servers, cc_error_t *err)
{
	return cc_err(err, CC_EINVAL, servers ? servers : "--dns-server",
		      "choosing the DNS server needs c-ares, which the Windows "
		      "build does not have (it uses the system resolver)");
}
