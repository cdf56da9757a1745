/*
 * target.c - the HOST[:PORT] operand of the commands that connect (check,
 * fix): one parser, so "[v6]:port", a bare v6 literal and the default port
 * mean the same thing to every command.
 */
#include "cli.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest DNS name and label (RFC 1035). */
#define HOST_MAX 253
#define LABEL_MAX 63

/* A DNS name or IPv4 literal as a resolver takes it: letters, digits, '-',
 * '_' and dots, labels of 1-63; anything else (a line of a binary or PEM
 * file given as -f) is no host and is never sent to the resolver. */
static int host_ok(const char *h)
{
	size_t label = 0, n = strlen(h);

	if (!n || n > HOST_MAX || *h == '-' || *h == '.')
		return 0;
	for (; *h; h++) {
		if (*h == '.') {
			if (!label)
				return 0;
			label = 0;
		} else if (isalnum((unsigned char)*h) || *h == '-' || *h == '_') {
			if (++label > LABEL_MAX)
				return 0;
		} else {
			return 0;
		}
	}
	return 1;
}

/* An IPv6 literal, with an optional %zone. */
static int v6_ok(const char *h)
{
	char a[64];
	unsigned char b[16];
	size_t n = strcspn(h, "%");

	if (n >= sizeof(a))
		return 0;
	memcpy(a, h, n);
	a[n] = 0;
	return inet_pton(AF_INET6, a, b) == 1;
}

int cli_split_hostport(const char *s, char *host, size_t hn, char *port,
		       size_t pn, const char *defport)
{
	const char *colon, *h = s;
	size_t len;
	char *end;
	long v;

	snprintf(port, pn, "%s", defport);
	if (*s == '[') {
		const char *rb = strchr(s, ']');
		if (!rb || (rb[1] && rb[1] != ':'))
			return -1;
		h = s + 1;
		len = (size_t)(rb - h);
		colon = rb[1] ? rb + 1 : NULL;
	} else {
		unsigned char a6[16];
		colon = strrchr(s, ':');
		if (colon && strchr(s, ':') != colon) {
			if (inet_pton(AF_INET6, s, a6) != 1)
				return -1; /* several colons, yet not an IPv6 literal */
			colon = NULL;
		}
		len = colon ? (size_t)(colon - s) : strlen(s);
	}
	if (!len || len >= hn)
		return -1;
	memcpy(host, h, len);
	host[len] = 0;
	if (!(h == s ? host_ok(host) || v6_ok(host) : v6_ok(host)))
		return -1;
	if (colon) {
		v = strtol(colon + 1, &end, 10);
		if (!colon[1] || *end || v < 1 || v > 65535)
			return -1;
		snprintf(port, pn, "%ld", v);
	}
	return 0;
}

int cli_is_ip(const char *h)
{
	unsigned char b[16];
	return inet_pton(AF_INET, h, b) == 1 || inet_pton(AF_INET6, h, b) == 1;
}
