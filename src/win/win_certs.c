/*
 * win_certs.c - the Windows stores' certificates as certchain sees them:
 * parsed, with both thumbprints, and chosen by the same kinds of selector
 * as the file store (plus the SHA-1 thumbprint certlm.msc shows).
 */
#include "win.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

/* x's thumbprint is already listed in x's folder. */
static int dup_of(const win_certs_t *w, const win_cert_t *x)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].e->folder == x->e->folder && !strcmp(w->v[i].sha1, x->sha1))
			return 1;
	return 0;
}

int win_certs_read(int machine, unsigned mask, win_certs_t *w)
{
	char msg[300];
	cc_error_t err;

	memset(w, 0, sizeof(*w));
	w->machine = machine;
	for (int f = 0; f < WS_NFOLDERS; f++)
		if ((mask & (1u << f)) && ws_read(machine, f, &w->raw, msg, sizeof(msg))) {
			fprintf(stderr, "certchain: Windows store %s: %s\n", ws_folder_name(f), msg);
			return EXIT_USAGE;
		}
	if (!(w->pool = cc_pool_new()) || !(w->v = calloc(w->raw.n + 1, sizeof(*w->v))))
		return fprintf(stderr, "certchain: out of memory\n"), EXIT_USAGE;
	for (size_t i = 0; i < w->raw.n; i++) {
		ws_entry_t *e = &w->raw.v[i];
		win_cert_t *x = &w->v[w->n];
		unsigned char md[SHA_DIGEST_LENGTH];
		char src[64];

		snprintf(src, sizeof(src), "Windows store %s", ws_folder_name(e->folder));
		if (cc_pool_add_der(w->pool, e->der, e->len, src, &x->c, NULL, &err))
			continue; /* not a certificate OpenSSL reads: not ours to judge */
		x->e = e;
		SHA1(e->der, e->len, md);
		for (int k = 0; k < SHA_DIGEST_LENGTH; k++)
			snprintf(x->sha1 + 2 * k, 3, "%02X", md[k]);
		cc_cert_sha256_hex(x->c, x->sha256);
		cc_cert_name(x->c, 0, x->cn, sizeof(x->cn));
		if (dup_of(w, x))
			continue; /* in two physical stores of one folder: one certificate */
		w->n++;
	}
	return 0;
}

const char *win_location(int machine, int folder, char *buf, size_t n)
{
	snprintf(buf, n, "%s\\%s", machine ? "LocalMachine" : "CurrentUser", ws_folder_name(folder));
	return buf;
}

void win_certs_free(win_certs_t *w)
{
	ws_list_free(&w->raw);
	free(w->v);
	cc_pool_free(w->pool);
	memset(w, 0, sizeof(*w));
}

/* sel as bare lower-case hex when it is a thumbprint (>= 8 digits). */
static int hex_of(const char *sel, char *out, size_t n)
{
	size_t k = 0;

	for (; *sel; sel++) {
		if (*sel == ':' || *sel == ' ')
			continue;
		if (!isxdigit((unsigned char)*sel) || k + 1 >= n)
			return 0;
		out[k++] = (char)tolower((unsigned char)*sel);
	}
	out[k] = 0;
	return k >= 8;
}

/* What the library's selector (cc_pool_select: SHA-256 prefix, CN, DN)
 * picked, plus the two Windows kinds: the SHA-1 thumbprint certlm.msc
 * shows and the friendly name. */
static int matches(const win_cert_t *x, const cc_certlist_t *lib, const char *sel,
		   const char *hex)
{
	char low1[41];

	for (size_t i = 0; i < lib->n; i++)
		if (lib->v[i] == x->c)
			return 1;
	if (*hex) {
		for (int i = 0; i < 41; i++)
			low1[i] = (char)tolower((unsigned char)x->sha1[i]);
		if (!strncmp(low1, hex, strlen(hex)))
			return 1;
	}
	return x->e->name[0] && !strcmp(x->e->name, sel);
}

int win_select(const char *cmd, win_certs_t *w, const char *sel, win_cert_t **out)
{
	char hex[80] = "", loc[32];
	size_t hits = 0;
	int one = 1;
	cc_certlist_t lib = { 0 };

	if (!hex_of(sel, hex, sizeof(hex)) || strlen(hex) > 40)
		hex[0] = 0;
	if (cc_pool_select(w->pool, sel, &lib) < 0)
		return fprintf(stderr, "certchain %s: out of memory\n", cmd), EXIT_USAGE;
	for (size_t i = 0; i < w->n; i++)
		if (matches(&w->v[i], &lib, sel, hex) && hits++ == 0)
			*out = &w->v[i];
	if (hits == 1)
		return cc_certlist_clear(&lib), 0;
	if (!hits) {
		fprintf(stderr, "certchain %s: %s: no certificate in the Windows stores "
				"matches (a selector is CN=..., a friendly name, or >= 8 hex "
				"digits of the SHA-1 or SHA-256 thumbprint)\n", cmd, sel);
		cc_certlist_clear(&lib);
		return EXIT_PROBLEM;
	}
	/* One certificate in several folders: a thumbprint would not help. */
	for (size_t i = 0; i < w->n; i++)
		if (matches(&w->v[i], &lib, sel, hex) && strcmp(w->v[i].sha1, (*out)->sha1))
			one = 0;
	fprintf(stderr, "certchain %s: %s matches %zu certificates; %s:", cmd, sel, hits,
		one ? "the same one in several folders: give --folder" : "give a thumbprint");
	for (size_t i = 0; i < w->n; i++)
		if (matches(&w->v[i], &lib, sel, hex))
			fprintf(stderr, " %s %s (%s);",
				win_location(w->machine, w->v[i].e->folder, loc, sizeof(loc)),
				w->v[i].sha1, w->v[i].cn);
	fprintf(stderr, "\n");
	cc_certlist_clear(&lib);
	return EXIT_USAGE;
}

int win_take_system(int *argc, char **argv, int *machine)
{
	int sys = 0, j = 0;

	*machine = 1; /* IIS's certificates live in the local machine's stores */
	for (int i = 0; i < *argc; i++) {
		if (!strcmp(argv[i], "--system"))
			sys = 1;
		else if (!strcmp(argv[i], "--machine"))
			*machine = 1;
		else if (!strcmp(argv[i], "--user"))
			*machine = 0;
		else if (!strcmp(argv[i], "--"))
			break;
		else
			continue;
		argv[i] = NULL;
	}
	for (int i = 0; i < *argc; i++)
		if (argv[i])
			argv[j++] = argv[i];
	*argc = j;
	argv[j] = NULL;
	return sys;
}
