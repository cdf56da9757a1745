/*
 * target.c - host names and the HOST[:PORT] operand of the commands that
 * connect (check, fix, serve): one function normalises a host name (--host,
 * --sni, --hostname and the host of every target), one parser splits a
 * target, so "[v6]:port", a bare v6 literal, the default port, a trailing
 * dot and a U-label mean the same thing to every command.
 */
#include "cli.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef _WIN32
#include <idn2.h>
#endif

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

/* Writes why (whyn bytes, may be NULL) and returns -1. */
static int refuse(char *why, size_t whyn, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int refuse(char *why, size_t whyn, const char *fmt, ...)
{
	if (why && whyn) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(why, whyn, fmt, ap);
		va_end(ap);
	}
	return -1;
}

#ifndef _WIN32
/* A U-label (bücher.example) is looked up and certified as its A-label
 * (xn--bcher-kva.example): IDNA2008 (RFC 5891). name (n bytes) is replaced. */
static int to_alabel(const char *val, char *name, size_t n, char *why, size_t whyn)
{
	char *a = NULL;
	size_t len;
	int rc = idn2_lookup_u8((const uint8_t *)name, (uint8_t **)&a,
				IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);

	if (rc != IDN2_OK)
		return refuse(why, whyn, "'%s' is not a valid internationalized host "
			      "name: %s", val, idn2_strerror(rc));
	len = strlen(a);
	if (len >= n) {
		idn2_free(a);
		return refuse(why, whyn, "the A-label of '%s' is longer than %zu bytes",
			      val, n - 1);
	}
	memcpy(name, a, len + 1);
	idn2_free(a);
	return 0;
}
#endif

int cli_host_norm(const char *val, char *out, size_t n, char *why, size_t whyn)
{
	const unsigned char *u = (const unsigned char *)val;
	char name[CLI_HOST_MAX];
	size_t len = strlen(val);
	int ascii = 1;

	if (!*u)
		return refuse(why, whyn, "empty host name");
	for (; *u; u++) {
		if (*u <= ' ' || *u == 0x7f)
			return refuse(why, whyn, "'%s' is not a host name", val);
		ascii &= *u < 0x80;
	}
	if (strchr(val, '*'))
		return refuse(why, whyn, "'%s' is a wildcard: clients ask for one name "
			      "(a.example.com), never for a wildcard", val);
	if (len >= sizeof(name))
		return refuse(why, whyn, "host name longer than %d bytes", CLI_HOST_MAX - 1);
	/* A fully qualified name ("example.com.") is the same name, as for
	 * openssl verify -verify_hostname; SNI never carries the dot. */
	memcpy(name, val, len + 1);
	if (len > 1 && name[len - 1] == '.')
		name[--len] = 0;
	if (name[0] == '.' || (len && name[len - 1] == '.') || strstr(name, ".."))
		return refuse(why, whyn, "'%s' is not a host name (empty label)", val);
	if (!ascii) {
#ifdef _WIN32
		return refuse(why, whyn, "'%s' is not ASCII: give its A-label (xn--...); "
			      "this build does not convert internationalized names", val);
#else
		if (to_alabel(val, name, sizeof(name), why, whyn))
			return -1;
		len = strlen(name);
#endif
	}
	if (len >= n)
		return refuse(why, whyn, "host name longer than %zu bytes", n - 1);
	memcpy(out, name, len + 1);
	return 0;
}

int cli_host_arg(const char *cmd, const char *opt, const char *val, char *out,
		 size_t n)
{
	char why[CLI_HOST_MAX + 200];

	if (cli_host_norm(val, out, n, why, sizeof(why)))
		return cli_usage_error(cmd, "%s: %s", opt, why);
	return 0;
}

/* The host part of a target, brackets off, into hp: an address literal as
 * it is, a name through cli_host_norm (then letters, digits, '-', '_' and
 * dots only, so nothing else ever reaches the resolver). */
static int target_host(const char *h, size_t len, int bracketed, cli_hostport_t *hp,
		       char *why, size_t whyn)
{
	if (!len)
		return refuse(why, whyn, "no host");
	if (len >= sizeof(hp->typed))
		return refuse(why, whyn, "host name longer than %d bytes", CLI_HOST_MAX - 1);
	memcpy(hp->typed, h, len);
	hp->typed[len] = 0;
	if (bracketed || v6_ok(hp->typed)) {
		if (!v6_ok(hp->typed))
			return refuse(why, whyn, "'[%s]' is not an IPv6 address", hp->typed);
		memcpy(hp->host, hp->typed, len + 1);
		return 0;
	}
	if (cli_host_norm(hp->typed, hp->host, sizeof(hp->host), why, whyn))
		return -1;
	if (!host_ok(hp->host))
		return refuse(why, whyn, "'%s' is not a host name", hp->typed);
	return 0;
}

int cli_hostport_parse(const char *s, const char *defport, cli_hostport_t *hp,
		       char *why, size_t whyn)
{
	const char *colon, *h = s;
	size_t len;

	memset(hp, 0, sizeof(*hp));
	if (why && whyn)
		why[0] = 0;
	snprintf(hp->port, sizeof(hp->port), "%s", defport);
	if (*s == '[') {
		const char *rb = strchr(s, ']');
		if (!rb || (rb[1] && rb[1] != ':'))
			return refuse(why, whyn, "an IPv6 address is written [ADDR]:PORT");
		h = s + 1;
		len = (size_t)(rb - h);
		colon = rb[1] ? rb + 1 : NULL;
	} else {
		colon = strrchr(s, ':');
		if (colon && strchr(s, ':') != colon) {
			unsigned char a6[16];
			if (inet_pton(AF_INET6, s, a6) != 1)
				return refuse(why, whyn, "several colons, yet not an IPv6 "
					      "address (write [ADDR]:PORT)");
			colon = NULL;
		}
		len = colon ? (size_t)(colon - s) : strlen(s);
	}
	if (target_host(h, len, h != s, hp, why, whyn))
		return -1;
	if (colon) {
		char *end;
		long v = strtol(colon + 1, &end, 10);
		if (!colon[1] || *end || v < 1 || v > 65535)
			return refuse(why, whyn, "the port '%s' is not 1-65535", colon + 1);
		snprintf(hp->port, sizeof(hp->port), "%ld", v);
		hp->port_given = 1;
	}
	return 0;
}

void cli_hostport_label(const char *spec, const cli_hostport_t *hp, char *out, size_t n)
{
	const unsigned char *u = (const unsigned char *)hp->typed;
	size_t len = strlen(hp->typed), k;
	int ascii = 1;

	if (!strcmp(hp->typed, hp->host)) {
		snprintf(out, n, "%s", spec);
		return;
	}
	for (; *u; u++)
		ascii &= *u < 0x80;
	if (len > 1 && hp->typed[len - 1] == '.')
		len--; /* the U-label, without the dot of a fully qualified name */
	snprintf(out, n, "%s%s%s", hp->host, hp->port_given ? ":" : "",
		 hp->port_given ? hp->port : "");
	k = strlen(out);
	if (!ascii && k < n)
		snprintf(out + k, n - k, " (%.*s)", (int)len, hp->typed);
}

int cli_split_hostport(const char *s, char *host, size_t hn, char *port,
		       size_t pn, const char *defport)
{
	cli_hostport_t hp;

	if (cli_hostport_parse(s, defport, &hp, NULL, 0) || strlen(hp.host) >= hn ||
	    strlen(hp.port) >= pn)
		return -1;
	memcpy(host, hp.host, strlen(hp.host) + 1);
	memcpy(port, hp.port, strlen(hp.port) + 1);
	return 0;
}

int cli_is_ip(const char *h)
{
	unsigned char b[16];
	return inet_pton(AF_INET, h, b) == 1 || inet_pton(AF_INET6, h, b) == 1;
}
