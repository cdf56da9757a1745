/*
 * store_write.c - changing the certificate store: import (with the import
 * rules), remove, disable/enable, export. Every change runs under the
 * writer lock; on import the key and metadata are written before the
 * certificate, which is the commit point (see certchain.h).
 *
 * Test hook: when the environment variable CERTCHAIN_TEST_STORE_PAUSE is
 * "STAGE:MARKERFILE" (STAGE "before-commit" or "after-commit"), an import
 * creates MARKERFILE at that point inside the locked section and sleeps up
 * to CC_TEST_PAUSE_S seconds, so a test can kill -9 the writer exactly
 * there. Nothing else reads it; it is not for production use.
 */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>

/* How long the test hook sleeps: long enough for a test to kill us, short
 * enough that a forgotten pause cannot hang a suite forever. */
#define CC_TEST_PAUSE_S 30


static int meta_write(cc_store_t *st, int kind, const char *sha, cc_cert_t *c,
		      const char *name, int disabled, cc_error_t *err)
{
	char p[4096], cn[256], t[32], text[1024];
	int n;

	if (cc_store_path_of(p, sizeof(p), st, cc_store_kind_name(kind), sha, ".meta"))
		return cc_err(err, CC_EINVAL, st->dir, "path too long");
	n = snprintf(text, sizeof(text),
		     "# certchain store entry; change with 'certchain store'\n"
		     "subject: %s\nexpires: %s\nfriendly-name: %s\ndisabled: %s\n",
		     cc_cert_name(c, 0, cn, sizeof(cn)),
		     cc_time_str(cc_cert_not_after(c), t), name ? name : "",
		     disabled ? "yes" : "no");
	return cc_write_file_atomic(p, text, (size_t)n, 0644, err);
}

/* Which store holds sha (its SHA256.pem exists), or 0. */
static int where_is(const cc_store_t *st, const char *sha)
{
	char p[4096];
	for (int k = 1; k <= CC_STORE_NKINDS; k++)
		if (!cc_store_path_of(p, sizeof(p), st, cc_store_kind_name(k), sha, ".pem") &&
		    access(p, F_OK) == 0)
			return k;
	return 0;
}

/* Under the lock: removes temporary files of writers that died (every store
 * writer holds the lock, so none is in progress) and metadata/keys whose
 * certificate is absent (an interrupted import or removal). */
static void sweep(cc_store_t *st)
{
	static const char *const dirs[] = { "intermediate", "root", "personal", "keys" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char p[4096], f[4096];
		DIR *d;
		struct dirent *de;

		if (cc_store_path_of(p, sizeof(p), st, dirs[i], NULL, NULL) || !(d = opendir(p)))
			continue;
		while ((de = readdir(d))) {
			const char *n = de->d_name;
			int stale = strstr(n, ".tmp.") != NULL;

			if (!stale && (cc_store_sha_name(n, ".meta") || cc_store_sha_name(n, ".key"))) {
				char sha[65];
				memcpy(sha, n, 64);
				sha[64] = 0;
				stale = i == 3 ? where_is(st, sha) != CC_STORE_PERSONAL
					       : where_is(st, sha) != (int)i + 1;
			}
			if (stale && cc_path_fmt(f, sizeof(f), p, "%s", n) < (int)sizeof(f))
				unlink(f);
		}
		closedir(d);
	}
}

static void test_pause(const char *stage)
{
	const char *v = getenv("CERTCHAIN_TEST_STORE_PAUSE");
	size_t n = strlen(stage);
	int fd;

	if (!v || strncmp(v, stage, n) || v[n] != ':')
		return;
	fd = open(v + n + 1, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	for (int i = 0; i < CC_TEST_PAUSE_S; i++)
		sleep(1);
}

static int write_cert_pem(const char *path, cc_cert_t *c, cc_error_t *err)
{
	size_t len;
	const unsigned char *der = cc_cert_der(c, &len);
	BIO *b = BIO_new(BIO_s_mem());
	char *data;
	long n;
	int r;

	if (!b || !PEM_write_bio(b, "CERTIFICATE", "", der, (long)len)) {
		BIO_free(b);
		return cc_err_ssl(err, CC_ENOMEM, path, "cannot encode PEM");
	}
	n = BIO_get_mem_data(b, &data);
	r = cc_write_file_atomic(path, data, (size_t)n, 0644, err);
	BIO_free(b);
	return r;
}

static int write_key(const char *path, EVP_PKEY *key, cc_error_t *err)
{
	BIO *b = BIO_new(BIO_s_secmem());
	char *data;
	long n;
	int r;

	/* No cipher: PKCS#8 PrivateKeyInfo, protected by 0600 in a 0700 dir. */
	if (!b || !PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL)) {
		BIO_free(b);
		return cc_err_ssl(err, CC_ECRYPTO, path, "cannot encode the private key");
	}
	n = BIO_get_mem_data(b, &data);
	r = cc_write_file_atomic(path, data, (size_t)n, 0600, err);
	BIO_free(b); /* secure heap: cleared on free */
	return r;
}

static int check_name(const char *name, cc_error_t *err)
{
	if (!name)
		return 0;
	if (strlen(name) > 255)
		return cc_err(err, CC_EINVAL, name, "friendly name longer than 255 bytes");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return cc_err(err, CC_EINVAL, "", "friendly name holds a control "
					"character");
	return 0;
}

int cc_store_decide_kind(cc_cert_t *c, const EVP_PKEY *key, int kind, cc_error_t *err)
{
	char cn[256];
	X509 *x = cc_cert_x509(c, NULL);

	cc_cert_name(c, 0, cn, sizeof(cn));
	if (key && kind != CC_STORE_AUTO && kind != CC_STORE_PERSONAL)
		return cc_err(err, CC_EINVAL, cn, "a private key goes only into the "
				"personal store");
	if (key)
		return CC_STORE_PERSONAL;
	if (kind == CC_STORE_PERSONAL)
		return cc_err(err, CC_EINVAL, cn, "the personal store needs the "
				"certificate's private key");
	if (kind)
		return kind;
	if (!cc_cert_is_ca(c))
		return cc_err(err, CC_EINVAL, cn, "end-entity certificate without its "
				"private key: give it with --key KEYFILE (personal "
				"store), or choose a store with --to "
				"intermediate|root");
	return X509_self_signed(x, 1) == 1 ? CC_STORE_ROOT : CC_STORE_INTERMEDIATE;
}

/* The writes of one import, under the lock; the .pem is the commit point. */
static int import_locked(cc_store_t *st, cc_cert_t *c, EVP_PKEY *key,
			 const char *name, int kind, cc_store_imported_t *res,
			 cc_error_t *err)
{
	char sha[65], p[4096];
	int r, have;

	cc_cert_sha256_hex(c, sha);
	memcpy(res->sha256, sha, 65);
	res->kind = kind;
	if ((have = where_is(st, sha))) {
		char cn[256];
		res->kind = have;
		/* A personal entry whose key file was lost gets it back. */
		if (have == kind && key && !cc_store_path_of(p, sizeof(p), st, "keys", sha, ".key") &&
		    access(p, F_OK) && errno == ENOENT) {
			if ((r = cc_store_layout(st, err)) || (r = write_key(p, key, err)))
				return r;
			res->added = 1;
		}
		if (have == kind)
			return 0;
		return cc_err(err, CC_EINVAL, cc_cert_name(c, 0, cn, sizeof(cn)),
			      "already in the %s store (remove it first to move it "
			      "to %s)", cc_store_kind_name(have), cc_store_kind_name(kind));
	}
	if ((r = cc_store_layout(st, err)))
		return r;
	sweep(st);
	if (key && (cc_store_path_of(p, sizeof(p), st, "keys", sha, ".key") ||
		    (r = write_key(p, key, err))))
		return r ? r : cc_err(err, CC_EINVAL, st->dir, "path too long");
	if ((r = meta_write(st, kind, sha, c, name, 0, err)))
		return r;
	test_pause("before-commit");
	if (cc_store_path_of(p, sizeof(p), st, cc_store_kind_name(kind), sha, ".pem"))
		return cc_err(err, CC_EINVAL, st->dir, "path too long");
	if ((r = write_cert_pem(p, c, err)))
		return r;
	res->added = 1;
	test_pause("after-commit");
	return kind == CC_STORE_ROOT ? cc_store_roots_changed(st, err) : 0;
}

int cc_store_import(cc_store_t *st, const unsigned char *der, size_t len,
		    EVP_PKEY *key, const char *name, int kind,
		    cc_store_imported_t *res, cc_error_t *err)
{
	cc_pool_t *tmp = cc_pool_new();
	cc_store_imported_t dummy;
	cc_cert_t *c = NULL;
	int r;

	if (!res)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	if (!tmp)
		return cc_err(err, CC_ENOMEM, "", "out of memory");
	if ((r = cc_pool_add_der(tmp, der, len, "certificate", &c, NULL, err)) ||
	    (r = check_name(name, err)))
		goto out;
	if (!cc_cert_x509(c, err)) {
		r = err ? err->code : CC_EPARSE;
		goto out;
	}
	if (key && !cc_key_matches(c, key)) {
		char cn[256];
		r = cc_err(err, CC_EINVAL, cc_cert_name(c, 0, cn, sizeof(cn)),
			   "the private key does not match this certificate");
		goto out;
	}
	if ((r = cc_store_decide_kind(c, key, kind, err)) < 0)
		goto out;
	kind = r;
	if ((r = cc_store_lock(st, err)))
		goto out;
	r = import_locked(st, c, key, name && *name ? name : NULL, kind, res, err);
	cc_store_unlock(st);
out:
	cc_pool_free(tmp);
	return r;
}

static int check_sha(const char *sha, cc_error_t *err)
{
	if (!sha || strlen(sha) != 64 || !cc_is_lower_hex(sha, 64))
		return cc_err(err, CC_EINVAL, sha ? sha : "", "not a lower-case "
				"64-digit SHA-256");
	return 0;
}

/* Takes the lock and finds which store holds sha; on failure the lock is
 * not held. */
static int lock_find(cc_store_t *st, const char *sha, int *kind, cc_error_t *err)
{
	int r;

	if ((r = check_sha(sha, err)) || (r = cc_store_lock(st, err)))
		return r;
	if (!(*kind = where_is(st, sha))) {
		cc_store_unlock(st);
		return cc_err(err, CC_ENOTFOUND, sha, "not in the store");
	}
	return 0;
}

int cc_store_remove(cc_store_t *st, const char *sha, cc_error_t *err)
{
	char p[4096];
	int r, kind;

	if ((r = lock_find(st, sha, &kind, err)))
		return r;
	/* The certificate first: from here on the entry is gone for readers. */
	if (cc_store_path_of(p, sizeof(p), st, cc_store_kind_name(kind), sha, ".pem") || unlink(p)) {
		r = cc_err(err, CC_EIO, p, "cannot remove: %s", strerror(errno));
		goto out;
	}
	*strrchr(p, '/') = 0;
	cc_fsync_dir(p);
	if (!cc_store_path_of(p, sizeof(p), st, cc_store_kind_name(kind), sha, ".meta"))
		unlink(p);
	if (!cc_store_path_of(p, sizeof(p), st, "keys", sha, ".key"))
		unlink(p);
	if (kind == CC_STORE_ROOT)
		r = cc_store_roots_changed(st, err);
out:
	cc_store_unlock(st);
	return r;
}

int cc_store_set_disabled(cc_store_t *st, const char *sha, int disabled,
			  cc_error_t *err)
{
	cc_store_list_t *l = NULL;
	int r, kind;

	if ((r = lock_find(st, sha, &kind, err)))
		return r;
	if ((r = cc_store_list(st, kind, &l, err)))
		goto out;
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].sha256, sha))
			continue;
		if (l->v[i].disabled == !!disabled)
			goto out; /* already so */
		r = meta_write(st, kind, sha, l->v[i].cert, l->v[i].name, !!disabled, err);
		if (!r && kind == CC_STORE_ROOT)
			r = cc_store_roots_changed(st, err);
		goto out;
	}
	r = cc_err(err, CC_ENOTFOUND, sha, "not in the store");
out:
	cc_store_list_free(l);
	cc_store_unlock(st);
	return r;
}



int cc_store_export(const cc_store_entry_t *e, const char *path, int format,
		    cc_error_t *err)
{
	size_t len;
	const unsigned char *der = cc_cert_der(e->cert, &len);

	if (format == CC_STORE_DER)
		return cc_write_file_atomic(path, der, len, 0644, err);
	return write_cert_pem(path, e->cert, err);
}

int cc_store_write_file(cc_store_t *st, const char *rel, const void *data,
			size_t len, unsigned mode, cc_error_t *err)
{
	char p[4096], *slash;
	int r = cc_store_file_path(st, rel, p, sizeof(p), err);

	if (r || (r = cc_store_lock(st, err)))
		return r;
	slash = strrchr(p, '/');
	*slash = 0;
	if (cc_mkdir_p(p, (mode & 077) ? 0755 : 0700))
		r = cc_err(err, CC_EIO, p, "cannot create directory: %s", strerror(errno));
	*slash = '/';
	if (!r)
		r = cc_write_file_atomic(p, data, len, mode, err);
	cc_store_unlock(st);
	return r;
}

int cc_store_remove_file(cc_store_t *st, const char *rel, cc_error_t *err)
{
	char p[4096];
	int r = cc_store_file_path(st, rel, p, sizeof(p), err);

	if (r || (r = cc_store_lock(st, err)))
		return r;
	if (unlink(p) && errno != ENOENT)
		r = cc_err(err, CC_EIO, p, "cannot remove: %s", strerror(errno));
	else {
		*strrchr(p, '/') = 0;
		cc_fsync_dir(p);
	}
	cc_store_unlock(st);
	return r;
}
