/* cmd_inspect.c - certchain inspect: what a certificate, PFX, PEM bundle,
 * PKCS#7 or key file holds, without ever printing key material. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"usage: certchain inspect [OPTIONS] FILE\n"
	"\n"
	"Shows what FILE holds: certificates (subject, issuer, key, expiry,\n"
	"SHA-256), private keys (type and size only, never the key), friendly\n"
	"names and local key ids, which key belongs to which certificate, and for\n"
	"a PFX how it is protected (MAC, encryption, iterations). FILE may be a\n"
	"PFX/PKCS#12, PEM bundle, DER certificate or key, or PKCS#7 (.p7b).\n"
	"\n"
	"      --password-file F   PFX password: first line of F\n"
	"      --password-env VAR  PFX password: environment variable VAR\n"
	"                          (default for a PFX: asked on the terminal)\n"
	"      --json              one JSON object on stdout\n"
	"  -h, --help              this text\n"
	"\n"
	"exit: 0 shown, 2 usage or input error (unreadable file, wrong password)\n";

typedef struct iargs {
	const char *file, *pwfile, *pwenv;
	int json;
} iargs_t;

static int parse(int argc, char **argv, iargs_t *a)
{
	static const struct option lo[] = {
		{ "password-file", required_argument, 0, 1 },
		{ "password-env", required_argument, 0, 2 },
		{ "json", no_argument, 0, 3 },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 1: a->pwfile = optarg; break;
		case 2: a->pwenv = optarg; break;
		case 3: a->json = 1; break;
		case 'h': fputs(usage_text, stdout); return -1;
		default: return cli_bad_option("inspect", argv, lo);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("inspect", "expected exactly one FILE");
	a->file = argv[optind];
	return 0;
}

static void hex(cc_buf_t *b, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cc_buf_printf(b, "%02x", p[i]);
}

/* Index (0-based) of the key bag matching cert bag i, or -1; and back. */
static long key_of(const cc_pfx_t *p, size_t i)
{
	for (size_t j = 0; j < p->n; j++)
		if (p->bags[j].key && cc_key_matches(p->bags[i].cert, p->bags[j].key))
			return (long)j;
	return -1;
}

static long cert_of(const cc_pfx_t *p, size_t j)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->bags[i].cert && cc_key_matches(p->bags[i].cert, p->bags[j].key))
			return (long)i;
	return -1;
}

/* Numbers for people: certificate #k and key #k count their own kind. */
static size_t ordinal(const cc_pfx_t *p, size_t i)
{
	size_t k = 0;
	for (size_t j = 0; j <= i; j++)
		k += p->bags[i].cert ? p->bags[j].cert != NULL : p->bags[j].key != NULL;
	return k;
}

/* Completes bag's JSON object o with its attributes (friendly_name,
 * local_key_id, encryption) and what (the number of the bag of the other
 * kind it goes with, m; null when m < 0), then appends o to arr. o is
 * consumed; -1 when out of memory. */
static int json_bag(json_t *arr, json_t *o, const cc_pfx_t *p, size_t i,
		    const char *what, long m)
{
	const cc_pfx_bag_t *bag = &p->bags[i];
	cc_buf_t kid = { 0 };
	int bad;

	hex(&kid, bag->kid, bag->kidlen);
	bad = !o ||
	      json_object_set_new(o, "friendly_name",
				  bag->name ? cc_json_str(bag->name) : json_null()) ||
	      json_object_set_new(o, "local_key_id",
				  bag->kidlen ? json_string(kid.s) : json_null()) ||
	      json_object_set_new(o, "encryption",
				  bag->enc[0] ? cc_json_str(bag->enc) : json_null()) ||
	      json_object_set_new(o, what,
				  m >= 0 ? json_integer((json_int_t)ordinal(p, (size_t)m) - 1)
					 : json_null());
	cc_buf_clear(&kid);
	if (bad) {
		json_decref(o);
		return -1;
	}
	return json_array_append_new(arr, o);
}

/* The PFX as one JSON object; NULL when out of memory. */
static json_t *json(const char *file, const cc_pfx_t *p)
{
	json_t *certs = json_array(), *keys = json_array();
	int bad = !certs || !keys;
	char kd[64];

	for (size_t i = 0; !bad && i < p->n; i++)
		if (p->bags[i].cert)
			bad = json_bag(certs, cc_cert_json(p->bags[i].cert), p, i,
				       "private_key", key_of(p, i));
	for (size_t j = 0; !bad && j < p->n; j++)
		if (p->bags[j].key)
			bad = json_bag(keys, json_pack("{s:o}", "type",
						       cc_json_str(cc_key_desc(p->bags[j].key, kd,
									       sizeof(kd)))),
				       p, j, "certificate", cert_of(p, j));
	if (bad) {
		json_decref(certs);
		json_decref(keys);
		return NULL;
	}
	return json_pack("{s:o,s:s,s:o,s:o,s:o,s:i}", "file", cc_json_str(file),
			 "format", p->is_pfx ? "pfx" : "plain",
			 "mac", p->has_mac ? json_pack("{s:o,s:I}", "digest", cc_json_str(p->mac),
						       "iterations", (json_int_t)p->mac_iter)
					   : json_null(),
			 "certificates", certs, "keys", keys,
			 "encrypted_keys_not_opened", p->encrypted_keys);
}

static void text_attrs(cc_buf_t *b, const cc_pfx_bag_t *bag)
{
	if (bag->name)
		cc_buf_printf(b, "      friendly name: %s\n", bag->name);
	if (bag->kidlen) {
		cc_buf_printf(b, "      local key id: ");
		hex(b, bag->kid, bag->kidlen);
		cc_buf_printf(b, "\n");
	}
	if (bag->enc[0])
		cc_buf_printf(b, "      encrypted with %s\n", bag->enc);
}

static void text(cc_buf_t *b, const char *file, const cc_pfx_t *p)
{
	size_t nc = 0, nk = 0;
	time_t now = time(NULL);

	for (size_t i = 0; i < p->n; i++) {
		nc += p->bags[i].cert != NULL;
		nk += p->bags[i].key != NULL;
	}
	cc_buf_printf(b, "%s: %s, %zu certificate%s, %zu private key%s\n", file,
		      p->is_pfx ? "PKCS#12/PFX" : "certificate/key file", nc,
		      nc == 1 ? "" : "s", nk, nk == 1 ? "" : "s");
	if (p->is_pfx && p->has_mac)
		cc_buf_printf(b, "  integrity: %s MAC, %ld iteration%s\n", p->mac,
			      p->mac_iter, p->mac_iter == 1 ? "" : "s");
	else if (p->is_pfx)
		cc_buf_printf(b, "  integrity: no MAC\n");
	if (p->encrypted_keys)
		cc_buf_printf(b, "  %d encrypted private key%s (not opened)\n",
			      p->encrypted_keys, p->encrypted_keys == 1 ? "" : "s");
	for (size_t i = 0; i < p->n; i++) {
		const cc_pfx_bag_t *bag = &p->bags[i];
		long m;
		if (bag->cert) {
			cc_buf_printf(b, "certificate #%zu:\n", ordinal(p, i));
			cli_tree(b, &p->bags[i].cert, 1, 1, now);
			text_attrs(b, bag);
			m = key_of(p, i);
			if (m >= 0)
				cc_buf_printf(b, "      private key: key #%zu\n", ordinal(p, (size_t)m));
		} else {
			char kd[64];
			cc_buf_printf(b, "key #%zu: %s\n", ordinal(p, i),
				      cc_key_desc(bag->key, kd, sizeof(kd)));
			text_attrs(b, bag);
			m = cert_of(p, i);
			if (m >= 0) {
				char cn[256];
				cc_buf_printf(b, "      matches certificate #%zu (%s)\n",
					      ordinal(p, (size_t)m),
					      cc_cert_name(p->bags[m].cert, 0, cn, sizeof(cn)));
			} else {
				cc_buf_printf(b, "      matches no certificate in this file\n");
			}
		}
	}
}

static int run(const iargs_t *a)
{
	cc_pfx_t *p = NULL;
	cc_buf_t b = { 0 };

	if (cli_read_contents("inspect", a->file, a->pwfile, a->pwenv, 0, &p))
		return EXIT_USAGE;
	if (a->json) {
		json_t *j = json(a->file, p);
		cli_json_line(&b, j);
	} else {
		text(&b, a->file, p);
	}
	cli_flush_report(&b, a->json);
	cc_pfx_free(p);
	return EXIT_OK;
}

int cmd_inspect(int argc, char **argv)
{
	iargs_t a = { 0 };
	int rc = parse(argc, argv, &a);

	if (rc < 0)
		return EXIT_OK; /* --help */
	return rc ? rc : run(&a);
}
