/*
 * profile_index.c - profiles.idx: the built-in trust stores precomputed at
 * `make` time, so that a single-shot build with every built-in profile does
 * not base64-decode and hash 4 MB of PEM (2,300 certificates, most of them
 * in several stores) on every run. The index holds each distinct
 * certificate's DER and SHA-256 once and, per store file, the list of its
 * certificates: a run decodes only the stores it uses and hashes none of
 * their certificates (the fingerprint is the pool's key; the checksum at
 * the end covers it with the rest).
 *
 * The PEM files stay the truth: the index records the size and modification
 * time of profiles.conf and of every store file, and a file whose stat
 * differs (edited, replaced, copied without -p) is read from its PEM as
 * before. A missing, truncated or foreign index is ignored, never an error.
 * A profile's distrust-after file (distrust=, sct-not-after=) is not
 * indexed: a few lines, read from the file on every run (profile.c), so an
 * edited file counts at once and never goes stale here.
 *
 * Layout, integers little-endian:
 *   "CCPIDX01"
 *   u32 nfiles; per file: u32 namelen, name, u64 size, u64 mtime_sec,
 *                         u64 mtime_nsec, u32 ncerts, u32 cert index...
 *   (file 0 is profiles.conf, with no certificates)
 *   u32 ncerts; per certificate: u32 len, SHA-256 (32 bytes), DER
 *   u64 cc_hash64 of every byte before it (a damaged index is not used)
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define IDX_MAGIC CC_PIDX_MAGIC
#define IDX_NAME CC_PIDX_NAME
/* Far above the 15 stores shipped; bounds what a corrupt index can claim. */
#define IDX_MAX_FILES 256

typedef struct idx_file {
	const unsigned char *name;
	uint32_t namelen;
	uint64_t size, sec, nsec;
	uint32_t n;
	const unsigned char *list; /* n u32 certificate indexes */
} idx_file_t;

struct cc_pidx {
	unsigned char *buf;
	size_t len;
	idx_file_t f[IDX_MAX_FILES];
	uint32_t nfiles;
	const unsigned char **der; /* per certificate */
	const unsigned char **fp;  /* its SHA-256 */
	uint32_t *derlen;
	cc_cert_t **own;           /* the pool's copy, once added */
	uint32_t ncerts;
	char dir[1100];
};

/* A bounds-checked reader over the index bytes. */
typedef struct rd {
	const unsigned char *p, *end;
	int bad;
} rd_t;

static const unsigned char *take(rd_t *r, size_t n)
{
	const unsigned char *p = r->p;

	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = 1;
		return NULL;
	}
	r->p += n;
	return p;
}

static uint64_t get(rd_t *r, unsigned n)
{
	const unsigned char *p = take(r, n);
	uint64_t v = 0;

	for (unsigned i = 0; p && i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

void cc_pidx_mtime(const struct stat *st, uint64_t *sec, uint64_t *nsec)
{
#ifdef _WIN32
	*sec = (uint64_t)st->st_mtime;
	*nsec = 0;
#else
	*sec = (uint64_t)st->st_mtim.tv_sec;
	*nsec = (uint64_t)st->st_mtim.tv_nsec;
#endif
}

static int same_stat(const char *path, uint64_t size, uint64_t sec, uint64_t nsec)
{
	struct stat st;
	uint64_t s, ns;

	if (stat(path, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size != size)
		return 0;
	cc_pidx_mtime(&st, &s, &ns);
	return s == sec && ns == nsec;
}

static int parse(cc_pidx_t *ix)
{
	rd_t r = { ix->buf, ix->buf + ix->len, 0 }, t;
	const unsigned char *m = take(&r, 8);

	if (!m || memcmp(m, IDX_MAGIC, 8) || ix->len < 16)
		return -1;
	t = (rd_t){ ix->buf + ix->len - 8, ix->buf + ix->len, 0 };
	if (get(&t, 8) != cc_hash64(ix->buf, ix->len - 8))
		return -1;
	r.end -= 8;
	ix->nfiles = (uint32_t)get(&r, 4);
	if (!ix->nfiles || ix->nfiles > IDX_MAX_FILES)
		return -1;
	for (uint32_t i = 0; i < ix->nfiles && !r.bad; i++) {
		idx_file_t *f = &ix->f[i];
		f->namelen = (uint32_t)get(&r, 4);
		f->name = take(&r, f->namelen);
		f->size = get(&r, 8);
		f->sec = get(&r, 8);
		f->nsec = get(&r, 8);
		f->n = (uint32_t)get(&r, 4);
		f->list = take(&r, (size_t)f->n * 4);
	}
	ix->ncerts = (uint32_t)get(&r, 4);
	if (r.bad || ix->ncerts > CC_MAX_POOL_CERTS ||
	    !(ix->der = calloc(ix->ncerts + 1, sizeof(*ix->der))) ||
	    !(ix->fp = calloc(ix->ncerts + 1, sizeof(*ix->fp))) ||
	    !(ix->derlen = calloc(ix->ncerts + 1, sizeof(*ix->derlen))) ||
	    !(ix->own = calloc(ix->ncerts + 1, sizeof(*ix->own))))
		return -1;
	for (uint32_t i = 0; i < ix->ncerts && !r.bad; i++) {
		ix->derlen[i] = (uint32_t)get(&r, 4);
		ix->fp[i] = take(&r, 32);
		ix->der[i] = take(&r, ix->derlen[i]);
	}
	return r.bad || r.p != r.end ? -1 : 0;
}

cc_pidx_t *cc_pidx_open(const char *dir)
{
	cc_pidx_t *ix = calloc(1, sizeof(*ix));
	char path[1200], conf[1200];

	if (!ix)
		return NULL;
	snprintf(ix->dir, sizeof(ix->dir), "%s", dir);
	cc_path_fmt(path, sizeof(path), dir, IDX_NAME);
	cc_path_fmt(conf, sizeof(conf), dir, "profiles.conf");
	if (cc_slurp(path, &ix->buf, &ix->len, NULL) || parse(ix) ||
	    ix->f[0].namelen != 13 || memcmp(ix->f[0].name, "profiles.conf", 13) ||
	    !same_stat(conf, ix->f[0].size, ix->f[0].sec, ix->f[0].nsec)) {
		cc_pidx_close(ix);
		return NULL;
	}
	return ix;
}

void cc_pidx_close(cc_pidx_t *ix)
{
	if (!ix)
		return;
	free(ix->buf);
	free(ix->der);
	free(ix->fp);
	free(ix->derlen);
	free(ix->own);
	free(ix);
}

/* The index's entry for file when the file on disk is still the one indexed. */
static const idx_file_t *fresh(const cc_pidx_t *ix, const char *file)
{
	size_t n = strlen(file);
	char path[1400];

	for (uint32_t i = 1; i < ix->nfiles; i++) {
		const idx_file_t *f = &ix->f[i];
		if (f->namelen != n || memcmp(f->name, file, n))
			continue;
		cc_path_fmt(path, sizeof(path), ix->dir, "%s", file);
		return same_stat(path, f->size, f->sec, f->nsec) ? f : NULL;
	}
	return NULL;
}

int cc_pidx_load(cc_pidx_t *ix, const char *file, cc_pool_t *pool,
		 cc_certlist_t *out, cc_error_t *err)
{
	const idx_file_t *f = ix ? fresh(ix, file) : NULL;
	rd_t r;
	int rc = 0;

	if (!f)
		return 1;
	r = (rd_t){ f->list, f->list + (size_t)f->n * 4, 0 };
	for (uint32_t i = 0; !rc && i < f->n; i++) {
		uint32_t k = (uint32_t)get(&r, 4);
		if (k >= ix->ncerts)
			return cc_err(err, CC_EPARSE, file, "profiles.idx: certificate "
					"%u out of range (rebuild it with make)", k);
		if (!ix->own[k])
			rc = cc_pool_add_der_fp(pool, ix->der[k], ix->derlen[k],
						ix->fp[k], file, &ix->own[k], err);
		if (!rc && cc_certlist_push(out, ix->own[k]))
			rc = cc_err(err, CC_ENOMEM, file, "out of memory");
	}
	return rc;
}
