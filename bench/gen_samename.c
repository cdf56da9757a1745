/*
 * gen_samename.c - hostile served chains for the bounded-analysis benchmark
 * (bench/bench-hostile.sh), written with the OpenSSL API (ECDSA P-256):
 *   gen_samename OUTDIR N         root.pem: a self-signed root (key B);
 *                                 chain.pem: N certificates with one subject
 *                                 (the root's name), one public key (A) and
 *                                 signatures by B, no key identifiers: every
 *                                 pair names the other as issuer and every
 *                                 pairwise signature check fails; a.key:
 *                                 their key (a server can send them).
 *   gen_samename OUTDIR -d COPIES root.pem: a root; chain.pem: a leaf and
 *                                 COPIES copies of its intermediate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

static void die(const char *what)
{
	fprintf(stderr, "gen_samename: %s failed\n", what);
	exit(1);
}

/* A certificate for cn with key k signed by ik under the name issuer (NULL:
 * its own name); ca adds CA:TRUE. No key identifiers. */
static X509 *cert(const char *cn, EVP_PKEY *k, const X509_NAME *issuer,
		  EVP_PKEY *ik, int ca, long serial)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	X509V3_CTX c;
	X509_EXTENSION *e;

	if (!x || !n)
		die("X509_new");
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer ? issuer : n);
	X509_NAME_free(n);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400);
	X509_set_pubkey(x, k);
	X509V3_set_ctx_nodb(&c);
	X509V3_set_ctx(&c, x, x, NULL, NULL, 0);
	if (!(e = X509V3_EXT_conf_nid(NULL, &c, NID_basic_constraints,
				      ca ? "critical,CA:TRUE" : "critical,CA:FALSE")) ||
	    !X509_add_ext(x, e, -1))
		die("extension");
	X509_EXTENSION_free(e);
	if (!X509_sign(x, ik ? ik : k, EVP_sha256()))
		die("X509_sign");
	return x;
}

static FILE *open_out(const char *dir, const char *name)
{
	char p[4096];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (!(f = fopen(p, "w")))
		die(p);
	return f;
}

int main(int argc, char **argv)
{
	int dup = argc == 4 && !strcmp(argv[2], "-d");
	long n = argc > 2 ? atol(argv[argc - 1]) : 0;
	EVP_PKEY *a, *b;
	X509 *root, *x;
	FILE *fr, *fc;

	if ((argc != 3 && !dup) || n < 1) {
		fprintf(stderr, "usage: gen_samename OUTDIR N | OUTDIR -d COPIES\n");
		return 2;
	}
	if (!(a = EVP_EC_gen("P-256")) || !(b = EVP_EC_gen("P-256")))
		die("EVP_EC_gen");
	root = cert(dup ? "Hostile Root" : "Same Name", b, NULL, NULL, 1, 1);
	fr = open_out(argv[1], "root.pem");
	fc = open_out(argv[1], "chain.pem");
	if (!PEM_write_X509(fr, root))
		die("write");
	if (dup) {
		X509 *ica = cert("Hostile Intermediate", a, X509_get_subject_name(root), b, 1, 2);
		x = cert("hostile.example", b, X509_get_subject_name(ica), a, 0, 3);
		if (!PEM_write_X509(fc, x))
			die("write");
		for (long i = 0; i < n; i++)
			if (!PEM_write_X509(fc, ica))
				die("write");
	} else {
		FILE *fk = open_out(argv[1], "a.key");
		if (!PEM_write_PrivateKey(fk, a, NULL, NULL, 0, NULL, NULL) || fclose(fk))
			die("write a.key");
		for (long i = 0; i < n; i++) {
			x = cert("Same Name", a, X509_get_subject_name(root), b, 0, 100 + i);
			if (!PEM_write_X509(fc, x))
				die("write");
			X509_free(x);
		}
	}
	if (fclose(fr) || fclose(fc))
		die("close");
	return 0;
}
