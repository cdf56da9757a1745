/* serve_allow.c - which targets `certchain serve` may probe: CIDRs for the
 * addresses actually dialled, host-name patterns for the names asked for. */
#include "serve.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

static void lower_name(char *dst, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < n; i++)
		dst[i] = (char)tolower((unsigned char)s[i]);
	dst[i] = 0;
	if (i && dst[i - 1] == '.')
		dst[i - 1] = 0; /* the root label: "a.example." is "a.example" */
}

/* A host-name pattern: letters, digits, '-', '.', and a leading "*." */
static int valid_name(const char *s)
{
	if (!strncmp(s, "*.", 2))
		s += 2;
	if (!*s || strlen(s) > 253)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '.')
			return 0;
	return 1;
}

static int parse_net(const char *p, serve_allow_t *a)
{
	char buf[64], *slash, *end;
	long bits;

	if (strlen(p) >= sizeof(buf))
		return -1;
	strcpy(buf, p);
	slash = strchr(buf, '/');
	if (slash)
		*slash = 0;
	if (inet_pton(AF_INET, buf, a->addr) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, a->addr) == 1)
		a->family = AF_INET6;
	else
		return -1;
	a->bits = a->family == AF_INET ? 32 : 128;
	if (slash) {
		bits = strtol(slash + 1, &end, 10);
		if (!slash[1] || *end || bits < 0 || bits > a->bits)
			return -1;
		a->bits = (int)bits;
	}
	a->is_net = 1;
	return 0;
}

int serve_allow_add(serve_allowlist_t *l, const char *pattern)
{
	serve_allow_t a;

	memset(&a, 0, sizeof(a));
	if (l->n >= SERVE_MAX_ALLOW)
		return -1;
	if (parse_net(pattern, &a)) {
		if (!valid_name(pattern))
			return -1;
		lower_name(a.name, sizeof(a.name), pattern);
	}
	l->v[l->n++] = a;
	return 0;
}

static int in_net(const serve_allow_t *a, int family, const unsigned char *addr)
{
	int full = a->bits / 8, rest = a->bits % 8;

	if (family != a->family)
		return 0;
	if (memcmp(addr, a->addr, (size_t)full))
		return 0;
	return !rest || ((addr[full] ^ a->addr[full]) & (0xff << (8 - rest)) & 0xff) == 0;
}

/* An IPv4-mapped IPv6 address is judged as the IPv4 address it is. */
static int match_addr(const serve_allowlist_t *l, int family, const unsigned char *addr)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (family == AF_INET6 && !memcmp(addr, mapped, 12)) {
		family = AF_INET;
		addr += 12;
	}
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].is_net && in_net(&l->v[i], family, addr))
			return 1;
	return 0;
}

int serve_allow_host(const serve_allowlist_t *l, const char *host)
{
	unsigned char addr[16];
	char name[256];
	size_t n;

	if (inet_pton(AF_INET, host, addr) == 1)
		return match_addr(l, AF_INET, addr);
	if (inet_pton(AF_INET6, host, addr) == 1)
		return match_addr(l, AF_INET6, addr);
	lower_name(name, sizeof(name), host);
	n = strlen(name);
	for (size_t i = 0; i < l->n; i++) {
		const char *p = l->v[i].name;
		size_t k;

		if (l->v[i].is_net)
			continue;
		if (!strncmp(p, "*.", 2)) {
			k = strlen(p + 1); /* ".corp.example" */
			if (n > k && !strcmp(name + n - k, p + 1))
				return 1;
		} else if (!strcmp(name, p)) {
			return 1;
		}
	}
	return 0;
}

int serve_allow_addr(const struct sockaddr *addr, socklen_t len, void *arg)
{
	const serve_allowlist_t *l = arg;

	if (addr->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in))
		return !match_addr(l, AF_INET,
				   (const unsigned char *)&((const struct sockaddr_in *)addr)->sin_addr);
	if (addr->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6))
		return !match_addr(l, AF_INET6,
				   (const unsigned char *)&((const struct sockaddr_in6 *)addr)->sin6_addr);
	return 1;
}
