/*
 * resolve.c - POSIX: name resolution that never blocks: c-ares (as curl uses it),
 * one channel per probe, its sockets driven by the probe's poll loop.
 * Numeric addresses skip the channel. The deadline is the probe's; c-ares
 * only retries within it.
 */
#include "platform/resolve.h"

#include <ares.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* A lost UDP answer is asked again after 1 s (then 2, 4...), well inside
 * the default 10 s deadline of a probe. */
#define RESOLVE_RETRY_MS 1000
#define RESOLVE_TRIES 4

struct cc_resolver {
	ares_channel ch; /* NULL for a numeric address */
	int done, status;
	cc_addrs_t addrs;
};

static int lib_ok;

/* ares_getsock()'s bit mask, read with unsigned shifts: c-ares's own
 * ARES_GETSOCK_WRITABLE shifts an int 1 by up to 31 places (undefined). */
static int readable(int bits, int i)
{
	return ((unsigned)bits >> i) & 1u;
}

static int writable(int bits, int i)
{
	return ((unsigned)bits >> (i + ARES_GETSOCK_MAXNUM)) & 1u;
}

static void lib_init(void)
{
	lib_ok = ares_library_init(ARES_LIB_INIT_ALL) == ARES_SUCCESS;
}

static void add(cc_resolver_t *r, const struct sockaddr *sa, size_t len)
{
	if (r->addrs.n == CC_RESOLVE_MAX_ADDRS || len > sizeof(r->addrs.a[0]))
		return;
	memcpy(&r->addrs.a[r->addrs.n], sa, len);
	r->addrs.len[r->addrs.n++] = (socklen_t)len;
}

static void answered(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
	cc_resolver_t *r = arg;

	r->done = 1;
	r->status = status;
	for (struct ares_addrinfo_node *n = res ? res->nodes : NULL; n; n = n->ai_next)
		add(r, n->ai_addr, n->ai_addrlen);
	if (res)
		ares_freeaddrinfo(res);
}

/* 1 when name is a numeric address (r is then answered), 0 otherwise. */
static int numeric(cc_resolver_t *r, const char *name, const char *port)
{
	struct addrinfo hints = { 0 }, *ai;

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST;
	if (getaddrinfo(name, port, &hints, &ai))
		return 0;
	for (struct addrinfo *a = ai; a; a = a->ai_next)
		add(r, a->ai_addr, a->ai_addrlen);
	freeaddrinfo(ai);
	r->done = 1;
	r->status = ARES_SUCCESS;
	return 1;
}

static int channel(cc_resolver_t *r, const char *name, const char *servers,
		   cc_error_t *err)
{
	struct ares_options opt = { .timeout = RESOLVE_RETRY_MS, .tries = RESOLVE_TRIES };
	int s;

	if ((s = ares_init_options(&r->ch, &opt, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES)))
		return cc_err(err, s == ARES_ENOMEM ? CC_ENOMEM : CC_EIO, name,
			      "cannot start the resolver: %s", ares_strerror(s));
	if (servers && (s = ares_set_servers_ports_csv(r->ch, servers)))
		return cc_err(err, CC_EINVAL, servers, "not a DNS server list "
			      "(ADDR[:PORT],...): %s", ares_strerror(s));
	return 0;
}

int cc_resolver_new(const char *name, const char *port, const char *servers,
		    cc_resolver_t **out, cc_error_t *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct ares_addrinfo_hints hints = { .ai_family = AF_UNSPEC,
					     .ai_socktype = SOCK_STREAM,
					     .ai_flags = ARES_AI_ADDRCONFIG };
	cc_resolver_t *r;
	int e;

	*out = NULL;
	pthread_once(&once, lib_init);
	if (!lib_ok)
		return cc_err(err, CC_EIO, name, "cannot initialise c-ares");
	if (!(r = calloc(1, sizeof(*r))))
		return cc_err(err, CC_ENOMEM, name, "out of memory");
	if (numeric(r, name, port)) {
		*out = r;
		return 0;
	}
	if ((e = channel(r, name, servers, err))) {
		cc_resolver_free(r);
		return e;
	}
	*out = r;
	/* May answer at once (hosts file), which calls answered() here. */
	ares_getaddrinfo(r->ch, name, port, &hints, answered, r);
	return 0;
}

int cc_resolver_done(const cc_resolver_t *r)
{
	return r->done;
}

int cc_resolver_fd(cc_resolver_t *r, short *events, int *timeout_ms)
{
	ares_socket_t s[ARES_GETSOCK_MAXNUM];
	struct timeval tv, *t;
	int bits;

	*timeout_ms = -1;
	if (r->done || !r->ch)
		return -1;
	if ((t = ares_timeout(r->ch, NULL, &tv)))
		*timeout_ms = (int)(t->tv_sec * 1000 + (t->tv_usec + 999) / 1000);
	bits = ares_getsock(r->ch, s, ARES_GETSOCK_MAXNUM);
	for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
		if (!readable(bits, i) && !writable(bits, i))
			continue;
		*events = (short)((readable(bits, i) ? POLLIN : 0) |
				  (writable(bits, i) ? POLLOUT : 0));
		return s[i];
	}
	return -1;
}

/* Every socket of the channel is offered: c-ares reads without blocking,
 * so one polled socket stands for all of them (one per server at most). */
void cc_resolver_step(cc_resolver_t *r, short revents)
{
	ares_socket_t s[ARES_GETSOCK_MAXNUM];
	int bits;

	if (r->done || !r->ch)
		return;
	if (!revents) {
		ares_process_fd(r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
		return;
	}
	bits = ares_getsock(r->ch, s, ARES_GETSOCK_MAXNUM);
	for (int i = 0; i < ARES_GETSOCK_MAXNUM && !r->done; i++) {
		int rd = readable(bits, i), wr = writable(bits, i);
		if (rd || wr)
			ares_process_fd(r->ch, rd ? s[i] : ARES_SOCKET_BAD,
					wr ? s[i] : ARES_SOCKET_BAD);
	}
}

const cc_addrs_t *cc_resolver_addrs(const cc_resolver_t *r, const char **why)
{
	*why = NULL;
	if (!r->done) {
		*why = "no answer yet";
		return NULL;
	}
	if (r->status != ARES_SUCCESS || !r->addrs.n) {
		*why = r->status == ARES_SUCCESS ? "no address" : ares_strerror(r->status);
		return NULL;
	}
	return &r->addrs;
}

void cc_resolver_free(cc_resolver_t *r)
{
	if (!r)
		return;
	if (r->ch)
		ares_destroy(r->ch); /* calls answered() with ARES_EDESTRUCTION */
	free(r);
}

int cc_dns_servers_check(const char *servers, cc_error_t *err)
{
	cc_resolver_t r = { 0 };
	int e;

	if (!servers || !*servers)
		return cc_err(err, CC_EINVAL, NULL, "empty DNS server list");
	e = channel(&r, servers, servers, err);
	if (r.ch)
		ares_destroy(r.ch);
	return e;
}
