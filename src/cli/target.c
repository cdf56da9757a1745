/*
 * target.c - the HOST[:PORT] operand of the commands that connect (check,
 * fix): one parser, so "[v6]:port", a bare v6 literal and the default port
 * mean the same thing to every command.
 */
#include "cli.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
