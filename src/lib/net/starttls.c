/*
 * starttls.c - the plain-text dialogue some protocols hold before the TLS
 * handshake (SMTP, IMAP, POP3, FTP, XMPP, PostgreSQL). No I/O here: probe.c
 * sends what this module asks for and feeds back what it reads, so the
 * dialogue runs inside the probe's non-blocking poll loop.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	int proto;
} protos[] = {
	{ "smtp", CC_STARTTLS_SMTP }, { "postgres", CC_STARTTLS_POSTGRES },
	{ "imap", CC_STARTTLS_IMAP }, { "pop3", CC_STARTTLS_POP3 },
	{ "ftp", CC_STARTTLS_FTP },   { "xmpp", CC_STARTTLS_XMPP },
};

int cc_starttls_parse(const char *name, int *out)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (!strcmp(name, protos[i].name)) {
			*out = protos[i].proto;
			return 0;
		}
	return CC_EINVAL;
}

static const char *proto_name(int proto)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].proto == proto)
			return protos[i].name;
	return "?";
}

static void say(cc_starttls_t *s, const char *text, size_t n)
{
	if (n >= sizeof(s->out))
		n = sizeof(s->out) - 1;
	memcpy(s->out, text, n);
	s->nout = n;
	s->off = 0;
	s->nin = 0;
	s->in[0] = 0;
}

static void says(cc_starttls_t *s, const char *text)
{
	say(s, text, strlen(text));
}

void cc_starttls_begin(cc_starttls_t *s, int proto, const char *host)
{
	static const unsigned char pg[8] = { 0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f };
	char hdr[512];

	memset(s, 0, sizeof(*s));
	s->proto = proto;
	if (proto == CC_STARTTLS_POSTGRES) {
		say(s, (const char *)pg, sizeof(pg)); /* SSLRequest */
	} else if (proto == CC_STARTTLS_XMPP) {
		snprintf(hdr, sizeof(hdr),
			 "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
			 "xmlns:stream='http://etherx.jabber.org/streams' to='%s' "
			 "version='1.0'>", host);
		says(s, hdr);
	}
	/* the others: the server speaks first */
}

size_t cc_starttls_room(const cc_starttls_t *s)
{
	/* PostgreSQL: exactly one byte, nothing after it may be consumed. */
	if (s->proto == CC_STARTTLS_POSTGRES)
		return 1;
	return sizeof(s->in) - 1 - s->nin;
}

/* The code of the last line of a complete SMTP/FTP reply ("NNN text", after
 * any "NNN-" lines); 0 while incomplete, -1 for a line without a code. */
static int coded_reply(const cc_starttls_t *s)
{
	size_t i = 0;

	while (i < s->nin) {
		const char *nl = memchr(s->in + i, '\n', s->nin - i);
		size_t len;
		if (!nl)
			return 0;
		len = (size_t)(nl - (s->in + i));
		if (len < 3 || s->in[i + 3] != '-')
			return atoi(s->in + i) ? atoi(s->in + i) : -1;
		i += len + 1;
	}
	return 0;
}

/* The first complete line starting with prefix ("" for any), or NULL. */
static const char *line_with(const cc_starttls_t *s, const char *prefix)
{
	size_t i = 0, pl = strlen(prefix);

	while (i < s->nin) {
		const char *nl = memchr(s->in + i, '\n', s->nin - i);
		if (!nl)
			return NULL;
		if (!strncmp(s->in + i, prefix, pl))
			return s->in + i;
		i = (size_t)(nl - s->in) + 1;
	}
	return NULL;
}

/* 1 ready, 0 more, -1 refused: for each protocol and phase. */
static int judge_reply(cc_starttls_t *s)
{
	const char *l;
	int code;

	switch (s->proto) {
	case CC_STARTTLS_POSTGRES:
		return s->in[0] == 'S' ? 1 : -1;
	case CC_STARTTLS_SMTP:
	case CC_STARTTLS_FTP:
		if (!(code = coded_reply(s)))
			return 0;
		if (s->proto == CC_STARTTLS_FTP)
			return code == (s->phase == 0 ? 220 : 234) ? 1 : -1;
		return code == (s->phase == 1 ? 250 : 220) ? 1 : -1;
	case CC_STARTTLS_POP3:
		if (!(l = line_with(s, "")))
			return 0;
		return !strncmp(l, "+OK", 3) ? 1 : -1;
	case CC_STARTTLS_IMAP:
		if (s->phase == 0) {
			if (!(l = line_with(s, "")))
				return 0;
			return !strncmp(l, "* OK", 4) ? 1 : -1;
		}
		if (!(l = line_with(s, "cc1 ")))
			return 0;
		return !strncmp(l, "cc1 OK", 6) ? 1 : -1;
	case CC_STARTTLS_XMPP:
		if (s->phase == 0) {
			if (!strstr(s->in, "</stream:features>") && !strstr(s->in, "<stream:features/>") &&
			    !strstr(s->in, "</stream:stream>"))
				return 0;
			return strstr(s->in, "<starttls") ? 1 : -1;
		}
		if (strstr(s->in, "<proceed"))
			return 1;
		return strstr(s->in, "<failure") || strstr(s->in, "</stream:stream>") ? -1 : 0;
	}
	return -1;
}

/* What to send after a good reply in phase, NULL when TLS starts now. */
static const char *next_line(const cc_starttls_t *s)
{
	switch (s->proto) {
	case CC_STARTTLS_SMTP:
		return s->phase == 0 ? "EHLO certchain.invalid\r\n"
		       : s->phase == 1 ? "STARTTLS\r\n" : NULL;
	case CC_STARTTLS_FTP: return s->phase == 0 ? "AUTH TLS\r\n" : NULL;
	case CC_STARTTLS_POP3: return s->phase == 0 ? "STLS\r\n" : NULL;
	case CC_STARTTLS_IMAP: return s->phase == 0 ? "cc1 STARTTLS\r\n" : NULL;
	case CC_STARTTLS_XMPP:
		return s->phase == 0 ? "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
				     : NULL;
	}
	return NULL;
}

int cc_starttls_got(cc_starttls_t *s, size_t n)
{
	const char *next;
	char first[128];
	int r;

	s->nin += n;
	s->in[s->nin] = 0;
	if (s->nin >= sizeof(s->in) - 1) {
		snprintf(s->why, sizeof(s->why), "%s answer longer than %zu bytes",
			 proto_name(s->proto), sizeof(s->in) - 1);
		return -1;
	}
	if (!(r = judge_reply(s)))
		return 0;
	if (r < 0) {
		snprintf(first, sizeof(first), "%s", s->in);
		first[strcspn(first, "\r\n")] = 0;
		snprintf(s->why, sizeof(s->why), "%s server refused the upgrade to TLS "
			 "(step %d answered: %s)", proto_name(s->proto), s->phase + 1,
			 s->proto == CC_STARTTLS_POSTGRES ? (s->in[0] == 'N' ? "N" : "?")
							  : first);
		return -1;
	}
	if (!(next = next_line(s)))
		return 1;
	s->phase++;
	says(s, next);
	return 0;
}
