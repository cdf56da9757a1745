/* serve.h - what the files of `certchain serve` share: the allow-list
 * (serve_allow.c), the HTML page (serve_page.c) and the Prometheus
 * exposition (serve_prom.c) around the HTTP server (cmd_serve.c). */
#ifndef CC_SERVE_H
#define CC_SERVE_H

#include "cli.h"

#include <jansson.h>
#include <sys/socket.h>

/* --allow patterns: at most this many (an allow-list is read by people). */
#define SERVE_MAX_ALLOW 256

/* One --allow: a CIDR (an address is a /32 or /128) or a host-name pattern
 * ("www.example.com", or "*.corp.example" for any name below it). */
typedef struct serve_allow {
	int is_net;
	int family;                  /* AF_INET or AF_INET6, for a CIDR */
	unsigned char addr[16];
	int bits;
	char name[256];              /* lower case, no trailing dot */
} serve_allow_t;

typedef struct serve_allowlist {
	serve_allow_t v[SERVE_MAX_ALLOW];
	size_t n;
} serve_allowlist_t;

/* Adds one --allow pattern; -1 when it is neither a CIDR nor a host name. */
int serve_allow_add(serve_allowlist_t *l, const char *pattern);
/* 1 when host (a name or an IP literal, as in a target) may be asked for:
 * a name must match a name pattern, an address a CIDR. The address actually
 * dialled is checked again by serve_allow_addr. */
int serve_allow_host(const serve_allowlist_t *l, const char *host);
/* The probe's hook (cc_probe_opts_t.allow): 0 when addr is in a CIDR of the
 * list (arg), nonzero otherwise. */
int serve_allow_addr(const struct sockaddr *addr, socklen_t len, void *arg);

/* serve_page.c: the checker page. rec is check's JSON record (or NULL for
 * the empty form), pem the chain to serve as PEM (or NULL); the strings a
 * user gave (target, sni) are shown in the form again. Appends to b. */
void serve_page(cc_buf_t *b, const char *target, const char *sni, json_t *rec,
		const char *pem, const char *error);
/* The string member k of a record's object o, "" when absent or not a string. */
const char *serve_str(json_t *o, const char *k);
/* Appends s with & < > " ' escaped. */
void serve_html_esc(cc_buf_t *b, const char *s);

/* serve_prom.c: Prometheus text exposition of one probe's record. */
void serve_prom_probe(cc_buf_t *b, json_t *rec, double seconds);

#endif
