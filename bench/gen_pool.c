/*
 * gen_pool.c - writes the bulk-build benchmark's PKI with the OpenSSL API
 * (ECDSA P-256, SHA-256), reproducibly shaped though keys are fresh:
 *   roots.pem      50 self-signed roots
 *   pool.pem       1,000 intermediates (intermediate i under root i % 50) and
 *                  25 cross-signs: root 2k's subject and key signed by root
 *                  2k+1, so leaves under even roots have two paths
 *   leaves.pem     5,000 leaves (leaf j under intermediate j % 1000)
 *   leaves/J.pem   each leaf alone (for tools that take one leaf per file)
 *   served/J.pem   leaf + its intermediate, as a server sends it
 * usage: gen_pool OUTDIR [ROOTS INTERMEDIATES LEAVES]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

static void die(const char *what)
{
	fprintf(stderr, "gen_pool: %s failed\n", what);
	exit(1);
}

static EVP_PKEY *key(void)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	if (!k)
		die("EVP_EC_gen");
	return k;
}

static void ext(X509 *x, X509 *iss, int nid, const char *val)
{
	X509V3_CTX c;
	X509_EXTENSION *e;
	X509V3_set_ctx_nodb(&c);
	X509V3_set_ctx(&c, iss, x, NULL, NULL, 0);
	if (!(e = X509V3_EXT_conf_nid(NULL, &c, nid, val)) || !X509_add_ext(x, e, -1))
		die("extension");
	X509_EXTENSION_free(e);
}

/* A certificate for cn with key k, signed by issuer (NULL: self-signed). */
static X509 *cert(const char *cn, EVP_PKEY *k, X509 *issuer, EVP_PKEY *ik,
		  int ca, long serial)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	char san[300];

	if (!x || !n)
		die("X509_new");
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"certchain bench", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509_NAME_free(n);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), (ca ? 3650L : 365L) * 86400);
	X509_set_pubkey(x, k);
	if (ca) {
		ext(x, issuer ? issuer : x, NID_basic_constraints, "critical,CA:TRUE");
		ext(x, issuer ? issuer : x, NID_key_usage, "critical,keyCertSign,cRLSign");
	} else {
		ext(x, issuer, NID_basic_constraints, "critical,CA:FALSE");
		ext(x, issuer, NID_key_usage, "critical,digitalSignature");
		ext(x, issuer, NID_ext_key_usage, "serverAuth");
		snprintf(san, sizeof(san), "DNS:%s", cn);
		ext(x, issuer, NID_subject_alt_name, san);
	}
	ext(x, issuer ? issuer : x, NID_subject_key_identifier, "hash");
	ext(x, issuer ? issuer : x, NID_authority_key_identifier, "keyid:always");
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
	int nr = argc > 4 ? atoi(argv[2]) : 50, ni = argc > 4 ? atoi(argv[3]) : 1000;
	int nl = argc > 4 ? atoi(argv[4]) : 5000;
	const char *dir;
	EVP_PKEY **rk, **ik;
	X509 **r, **im;
	FILE *fr, *fp, *fl;
	char cn[128], sub[4096];

	if (argc != 2 && argc != 5) {
		fprintf(stderr, "usage: gen_pool OUTDIR [ROOTS INTERMEDIATES LEAVES]\n");
		return 2;
	}
	dir = argv[1];
	if (nr < 2 || ni < 1 || nl < 1)
		die("arguments");
	rk = calloc((size_t)nr, sizeof(*rk));
	r = calloc((size_t)nr, sizeof(*r));
	ik = calloc((size_t)ni, sizeof(*ik));
	im = calloc((size_t)ni, sizeof(*im));
	snprintf(sub, sizeof(sub), "%s/leaves", dir);
	if (mkdir(dir, 0755) && errno != EEXIST)
		die("mkdir");
	if (mkdir(sub, 0755) && errno != EEXIST)
		die("mkdir leaves");
	snprintf(sub, sizeof(sub), "%s/served", dir);
	if (mkdir(sub, 0755) && errno != EEXIST)
		die("mkdir served");
	fr = open_out(dir, "roots.pem");
	fp = open_out(dir, "pool.pem");
	fl = open_out(dir, "leaves.pem");
	for (int i = 0; i < nr; i++) {
		snprintf(cn, sizeof(cn), "Bench Root %d", i);
		rk[i] = key();
		r[i] = cert(cn, rk[i], NULL, NULL, 1, 1000 + i);
		PEM_write_X509(fr, r[i]);
	}
	for (int i = 0; i + 1 < nr; i += 2) { /* root i cross-signed by root i+1 */
		X509 *x = cert("", rk[i], r[i + 1], rk[i + 1], 1, 2000 + i);
		X509_set_subject_name(x, X509_get_subject_name(r[i]));
		if (!X509_sign(x, rk[i + 1], EVP_sha256()))
			die("X509_sign cross");
		PEM_write_X509(fp, x);
		X509_free(x);
	}
	for (int i = 0; i < ni; i++) {
		snprintf(cn, sizeof(cn), "Bench Intermediate %d", i);
		ik[i] = key();
		im[i] = cert(cn, ik[i], r[i % nr], rk[i % nr], 1, 3000 + i);
		PEM_write_X509(fp, im[i]);
	}
	for (int j = 0; j < nl; j++) {
		EVP_PKEY *k = key();
		X509 *x;
		FILE *f;
		char name[64];
		snprintf(cn, sizeof(cn), "leaf%d.bench.test", j);
		x = cert(cn, k, im[j % ni], ik[j % ni], 0, 100000 + j);
		PEM_write_X509(fl, x);
		snprintf(name, sizeof(name), "leaves/%05d.pem", j);
		f = open_out(dir, name);
		PEM_write_X509(f, x);
		fclose(f);
		snprintf(name, sizeof(name), "served/%05d.pem", j);
		f = open_out(dir, name);
		PEM_write_X509(f, x);
		PEM_write_X509(f, im[j % ni]);
		fclose(f);
		X509_free(x);
		EVP_PKEY_free(k);
	}
	if (fclose(fr) || fclose(fp) || fclose(fl))
		die("write");
	for (int i = 0; i < nr; i++) {
		X509_free(r[i]);
		EVP_PKEY_free(rk[i]);
	}
	for (int i = 0; i < ni; i++) {
		X509_free(im[i]);
		EVP_PKEY_free(ik[i]);
	}
	free(r);
	free(rk);
	free(im);
	free(ik);
	return 0;
}
