/*
 * profile_index_write.c - writing profiles.idx (format: profile_index.c)
 * from the built-in stores read as PEM. Apart from the reader because it
 * reads the profiles, which read the index.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct bytes {
	unsigned char *p;
	size_t n, cap;
	int oom;
} bytes_t;

static void append(bytes_t *b, const void *x, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 65536;
		unsigned char *q;
		while (cap < b->n + n)
			cap *= 2;
		if (!(q = realloc(b->p, cap))) {
			b->oom = 1;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, x, n);
	b->n += n;
}

static void put(bytes_t *b, uint64_t v, unsigned n)
{
	unsigned char x[8];

	for (unsigned i = 0; i < n; i++)
		x[i] = (unsigned char)(v >> (8 * i));
	append(b, x, n);
}

static int put_file(bytes_t *b, const char *dir, const char *name,
		    cc_profiles_t *ps, int prof, cc_error_t *err)
{
	char path[1400];
	cc_pool_t *pool = cc_profiles_pool(ps);
	struct stat st;
	uint64_t sec, nsec;
	uint32_t n = 0;

	cc_path_fmt(path, sizeof(path), dir, "%s", name);
	if (stat(path, &st))
		return cc_err(err, CC_EIO, path, "cannot stat it");
	put(b, strlen(name), 4);
	append(b, name, strlen(name));
	put(b, (uint64_t)st.st_size, 8);
	cc_pidx_mtime(&st, &sec, &nsec);
	put(b, sec, 8);
	put(b, nsec, 8);
	for (size_t k = 0; prof >= 0 && k < cc_pool_count(pool); k++)
		n += (uint32_t)cc_profile_has_anchor(ps, (size_t)prof, cc_pool_get(pool, k));
	put(b, n, 4);
	for (size_t k = 0; prof >= 0 && k < cc_pool_count(pool); k++)
		if (cc_profile_has_anchor(ps, (size_t)prof, cc_pool_get(pool, k)))
			put(b, k, 4);
	return 0;
}

int cc_profiles_index_write(const char *datadir, cc_error_t *err)
{
	cc_profiles_t *ps = cc_profiles_new();
	bytes_t b = { 0 };
	char dir[1100], path[1200];
	cc_pool_t *pool;
	int r;

	if (!ps)
		return cc_err(err, CC_ENOMEM, datadir, "out of memory");
	cc_path_fmt(dir, sizeof(dir), datadir, "trust-stores");
	cc_path_fmt(path, sizeof(path), dir, CC_PIDX_NAME);
	/* Read every store from its PEM: an old index must not feed the new. */
	r = cc_profiles_add_builtin_pem(ps, datadir, err);
	pool = cc_profiles_pool(ps);
	if (!r) {
		append(&b, CC_PIDX_MAGIC, 8);
		put(&b, cc_profiles_count(ps) + 1, 4);
		r = put_file(&b, dir, "profiles.conf", ps, -1, err);
	}
	for (size_t i = 0; !r && i < cc_profiles_count(ps); i++)
		r = put_file(&b, dir, cc_profile_file(ps, i), ps, (int)i, err);
	if (!r) {
		put(&b, cc_pool_count(pool), 4);
		for (size_t k = 0; k < cc_pool_count(pool); k++) {
			cc_cert_t *c = cc_pool_get(pool, k);
			put(&b, c->len, 4);
			append(&b, c->fp, 32);
			append(&b, c->der, c->len);
		}
		put(&b, b.oom ? 0 : cc_hash64(b.p, b.n), 8);
		r = b.oom ? cc_err(err, CC_ENOMEM, path, "out of memory")
			  : cc_write_file_atomic(path, b.p, b.n, 0644, err);
	}
	free(b.p);
	cc_profiles_free(ps);
	return r;
}
