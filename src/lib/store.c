/*
 * store.c - the persistent certificate store: intermediate, root and
 * personal certificates as PEM files named by SHA-256, metadata as small
 * text files, keys as PEM PKCS#8 0600 files, hashed links for
 * `openssl verify -CApath`. The layout and the crash-safety argument are in
 * certchain.h ("Section: the certificate store").
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
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

/* Store files are one certificate or a few lines: 2 MiB is generous for a
 * PEM of the largest certificate we accept (CC_MAX_CERT_SIZE). */
#define CC_MAX_STORE_FILE (2u * CC_MAX_CERT_SIZE)
/* How long the test hook sleeps: long enough for a test to kill us, short
 * enough that a forgotten pause cannot hang a suite forever. */
#define CC_TEST_PAUSE_S 30
/* Lock polling interval: short next to the time a store write takes. */
#define LOCK_POLL_NS (10 * 1000 * 1000L)

struct cc_store {
	char *dir;
	int lockfd;
	int depth; /* recursion level of cc_store_lock() */
};

static const char *const kind_dirs[] = { "auto", "intermediate", "root", "personal" };
#define NKINDS 3

const char *cc_store_kind_name(int kind)
{
	return kind >= 0 && kind <= NKINDS ? kind_dirs[kind] : "unknown";
}

int cc_store_kind_parse(const char *s)
{
	for (int k = 0; k <= NKINDS; k++)
		if (s && !strcmp(s, kind_dirs[k]))
			return k;
	return CC_EINVAL;
}

/* ------------------------------------------------------------ paths */

static int path_of(char *buf, size_t n, const cc_store_t *st, const char *a,
		   const char *b, const char *ext)
{
	int r = snprintf(buf, n, "%s/%s%s%s%s", st->dir, a, b ? "/" : "",
			 b ? b : "", ext ? ext : "");
	return r < 0 || (size_t)r >= n ? -1 : 0;
}

static int mkdir_one(const char *p, unsigned mode)
{
	if (mkdir(p, mode) == 0 || errno == EEXIST)
		return 0;
	return -1;
}

static int mkdir_p(const char *path, unsigned mode)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir_one(buf, 0755))
			return -1;
		*p = '/';
	}
	return mkdir_one(buf, mode);
}

static void fsync_path(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

static int is_sha_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* "SHA256.EXT" with a 64-digit lower-case name. */
static int sha_name(const char *name, const char *ext)
{
	size_t el = strlen(ext);
	return strlen(name) == 64 + el && is_sha_hex(name, 64) &&
	       !strcmp(name + 64, ext);
}

/* Creates the store's directories (under the lock). */
static int ensure_layout(cc_store_t *st, cc_error_t *err)
{
	char p[4096];

	for (int k = 1; k <= NKINDS; k++) {
		if (path_of(p, sizeof(p), st, kind_dirs[k], NULL, NULL) ||
		    mkdir_one(p, 0755))
			return cc_err(err, CC_EIO, p, "cannot create store directory: %s",
				      strerror(errno));
	}
	if (path_of(p, sizeof(p), st, "keys", NULL, NULL) || mkdir_one(p, 0700) ||
	    chmod(p, 0700))
		return cc_err(err, CC_EIO, p, "cannot create key directory: %s",
			      strerror(errno));
	return 0;
}

/* ------------------------------------------------------------ open, lock */

int cc_store_default_dir(char *buf, size_t n, cc_error_t *err)
{
	const char *env = getenv("CERTCHAIN_STORE"), *home = getenv("HOME");
	int r;

	if (env && *env)
		r = snprintf(buf, n, "%s", env);
	else if (geteuid() == 0)
		r = snprintf(buf, n, "/var/lib/certchain");
	else if (home && *home)
		r = snprintf(buf, n, "%s/.local/share/certchain", home);
	else
		return cc_err(err, CC_EINVAL, "", "no store directory: set "
				"CERTCHAIN_STORE or HOME, or give --store DIR");
	if (r < 0 || (size_t)r >= n)
		return cc_err(err, CC_EINVAL, "", "store directory name too long");
	return 0;
}

int cc_store_open(const char *dir, cc_store_t **out, cc_error_t *err)
{
	char def[4096];
	cc_store_t *st;
	size_t n;

	*out = NULL;
	if (!dir) {
		int r = cc_store_default_dir(def, sizeof(def), err);
		if (r)
			return r;
		dir = def;
	}
	n = strlen(dir);
	if (!n || n > 3000)
		return cc_err(err, CC_EINVAL, dir, "bad store directory name");
	st = calloc(1, sizeof(*st));
	if (!st || !(st->dir = strdup(dir))) {
		free(st);
		return cc_err(err, CC_ENOMEM, dir, "out of memory");
	}
	while (n > 1 && st->dir[n - 1] == '/')
		st->dir[--n] = 0;
	st->lockfd = -1;
	*out = st;
	return 0;
}

void cc_store_close(cc_store_t *st)
{
	if (!st)
		return;
	if (st->lockfd >= 0)
		close(st->lockfd); /* releases the flock */
	free(st->dir);
	free(st);
}

const char *cc_store_dir(const cc_store_t *st)
{
	return st->dir;
}

int cc_store_lock(cc_store_t *st, cc_error_t *err)
{
	char p[4096];
	struct timespec nap = { 0, LOCK_POLL_NS };
	long waited = 0;

	if (st->depth) {
		st->depth++;
		return 0;
	}
	if (mkdir_p(st->dir, 0755))
		return cc_err(err, CC_EIO, st->dir, "cannot create store: %s",
			      strerror(errno));
	if (path_of(p, sizeof(p), st, ".lock", NULL, NULL))
		return cc_err(err, CC_EINVAL, st->dir, "path too long");
	st->lockfd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (st->lockfd < 0)
		return cc_err(err, CC_EIO, p, "cannot open lock file: %s",
			      strerror(errno));
	while (flock(st->lockfd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int e = errno;
			close(st->lockfd);
			st->lockfd = -1;
			return cc_err(err, CC_EIO, p, "cannot lock: %s", strerror(e));
		}
		if (waited >= CC_STORE_LOCK_TIMEOUT_S * 1000000000L) {
			close(st->lockfd);
			st->lockfd = -1;
			return cc_err(err, CC_ELIMIT, p, "store still locked by another "
					"process after %d s", CC_STORE_LOCK_TIMEOUT_S);
		}
		nanosleep(&nap, NULL);
		waited += LOCK_POLL_NS;
	}
	st->depth = 1;
	return 0;
}

void cc_store_unlock(cc_store_t *st)
{
	if (!st || !st->depth || --st->depth)
		return;
	close(st->lockfd);
	st->lockfd = -1;
}

/* ------------------------------------------------------ extra records */

static int check_rel(const char *rel, cc_error_t *err)
{
	static const char *const own[] = { "intermediate", "root", "personal",
					   "keys", ".lock" };
	const char *p = rel;

	if (!rel || !*rel || *rel == '/')
		return cc_err(err, CC_EINVAL, rel ? rel : "", "store path must be relative");
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		size_t n = strlen(own[i]);
		if (!strncmp(rel, own[i], n) && (rel[n] == '/' || !rel[n]))
			return cc_err(err, CC_EINVAL, rel, "reserved store path");
	}
	while (*p) {
		size_t n = strcspn(p, "/");
		if (!n || (n == 1 && p[0] == '.') || (n == 2 && !strncmp(p, "..", 2)))
			return cc_err(err, CC_EINVAL, rel, "bad store path component");
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

int cc_store_file_path(const cc_store_t *st, const char *rel, char *buf,
		       size_t n, cc_error_t *err)
{
	int r = check_rel(rel, err);
	if (r)
		return r;
	if (path_of(buf, n, st, rel, NULL, NULL))
		return cc_err(err, CC_EINVAL, rel, "path too long");
	return 0;
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
	if (mkdir_p(p, (mode & 077) ? 0755 : 0700))
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
		fsync_path(p);
	}
	cc_store_unlock(st);
	return r;
}

/* ------------------------------------------------------------ reading */

/* Reads a small file; *buf NULL and 0 returned when it does not exist. */
static int read_small(const char *path, unsigned char **buf, size_t *len,
		      cc_error_t *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	ssize_t got;

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : cc_err(err, CC_EIO, path, "cannot open: %s",
						   strerror(errno));
	if (fstat(fd, &sb) || sb.st_size > (off_t)CC_MAX_STORE_FILE) {
		close(fd);
		return cc_err(err, CC_ELIMIT, path, "not a store file (too large)");
	}
	*buf = malloc((size_t)sb.st_size + 1);
	if (!*buf) {
		close(fd);
		return cc_err(err, CC_ENOMEM, path, "out of memory");
	}
	while ((got = read(fd, *buf + *len, (size_t)sb.st_size - *len)) > 0 ||
	       (got < 0 && errno == EINTR))
		if (got > 0)
			*len += (size_t)got;
	close(fd);
	(*buf)[*len] = 0;
	return 0;
}

static void meta_read(const cc_store_t *st, int kind, const char *sha,
		      char *name, size_t n, int *disabled)
{
	char p[4096];
	unsigned char *buf = NULL;
	size_t len;
	char *line, *save = NULL;

	name[0] = 0;
	*disabled = 0;
	if (path_of(p, sizeof(p), st, kind_dirs[kind], sha, ".meta") ||
	    read_small(p, &buf, &len, NULL) || !buf)
		return;
	for (line = strtok_r((char *)buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "friendly-name: ", 15))
			snprintf(name, n, "%s", line + 15);
		else if (!strncmp(line, "disabled: ", 10))
			*disabled = !strcmp(line + 10, "yes");
	}
	free(buf);
}

static int meta_write(cc_store_t *st, int kind, const char *sha, cc_cert_t *c,
		      const char *name, int disabled, cc_error_t *err)
{
	char p[4096], cn[256], t[32], text[1024];
	int n;

	if (path_of(p, sizeof(p), st, kind_dirs[kind], sha, ".meta"))
		return cc_err(err, CC_EINVAL, st->dir, "path too long");
	n = snprintf(text, sizeof(text),
		     "# certchain store entry; change with 'certchain store'\n"
		     "subject: %s\nexpires: %s\nfriendly-name: %s\ndisabled: %s\n",
		     cc_cert_name(c, 0, cn, sizeof(cn)),
		     cc_time_str(cc_cert_not_after(c), t), name ? name : "",
		     disabled ? "yes" : "no");
	return cc_write_file_atomic(p, text, (size_t)n, 0644, err);
}

static int entry_push(cc_store_list_t *l, const cc_store_entry_t *e)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 16;
		cc_store_entry_t *nv = realloc(l->v, nc * sizeof(*nv));
		if (!nv)
			return CC_ENOMEM;
		l->v = nv;
		l->cap = nc;
	}
	l->v[l->n++] = *e;
	return 0;
}

/* Loads DIR/KIND/SHA.pem into the list's pool; a file that vanished since
 * readdir (a concurrent remove) is skipped. */
static int load_entry(cc_store_t *st, int kind, const char *sha,
		      cc_store_list_t *l, cc_error_t *err)
{
	char p[4096], fp[65];
	unsigned char *buf;
	size_t len;
	cc_certlist_t order = { 0 };
	cc_store_entry_t e = { 0 };
	int r;

	if (path_of(p, sizeof(p), st, kind_dirs[kind], sha, ".pem"))
		return cc_err(err, CC_EINVAL, st->dir, "path too long");
	if ((r = read_small(p, &buf, &len, err)) || !buf)
		return r;
	r = cc_pool_load_mem(l->pool, buf, len, p, 0, &order, err);
	free(buf);
	if (r)
		return r;
	if (order.n != 1) {
		cc_certlist_clear(&order);
		return cc_err(err, CC_EPARSE, p, "a store file must hold exactly one "
				"certificate");
	}
	e.cert = order.v[0];
	cc_certlist_clear(&order);
	cc_cert_sha256_hex(e.cert, fp);
	if (strncmp(fp, sha, 64))
		return cc_err(err, CC_EPARSE, p, "content does not match the file "
				"name (sha256 %.16s...)", fp);
	e.kind = kind;
	memcpy(e.sha256, fp, 65);
	meta_read(st, kind, sha, e.name, sizeof(e.name), &e.disabled);
	if (kind == CC_STORE_PERSONAL &&
	    !path_of(p, sizeof(p), st, "keys", sha, ".key"))
		e.has_key = access(p, F_OK) == 0;
	if (entry_push(l, &e))
		return cc_err(err, CC_ENOMEM, st->dir, "out of memory");
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	const cc_store_entry_t *x = a, *y = b;
	char c1[256], c2[256];
	int r;

	if (x->kind != y->kind)
		return x->kind - y->kind;
	r = strcmp(cc_cert_name(x->cert, 0, c1, sizeof(c1)),
		   cc_cert_name(y->cert, 0, c2, sizeof(c2)));
	return r ? r : strcmp(x->sha256, y->sha256);
}

void cc_store_list_free(cc_store_list_t *l)
{
	if (!l)
		return;
	free(l->v);
	cc_pool_free(l->pool);
	free(l);
}

int cc_store_list(cc_store_t *st, int kind, cc_store_list_t **out,
		  cc_error_t *err)
{
	cc_store_list_t *l = calloc(1, sizeof(*l));
	int r = 0;

	*out = NULL;
	if (!l || !(l->pool = cc_pool_new())) {
		free(l);
		return cc_err(err, CC_ENOMEM, st->dir, "out of memory");
	}
	for (int k = 1; !r && k <= NKINDS; k++) {
		char p[4096];
		DIR *d;
		struct dirent *de;

		if (kind && k != kind)
			continue;
		if (path_of(p, sizeof(p), st, kind_dirs[k], NULL, NULL)) {
			r = cc_err(err, CC_EINVAL, st->dir, "path too long");
			break;
		}
		if (!(d = opendir(p))) {
			if (errno != ENOENT)
				r = cc_err(err, CC_EIO, p, "cannot read: %s", strerror(errno));
			continue;
		}
		while (!r && (de = readdir(d))) {
			char sha[65];
			if (!sha_name(de->d_name, ".pem"))
				continue;
			memcpy(sha, de->d_name, 64);
			sha[64] = 0;
			r = load_entry(st, k, sha, l, err);
		}
		closedir(d);
	}
	if (r) {
		cc_store_list_free(l);
		return r;
	}
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), entry_cmp);
	*out = l;
	return 0;
}

/* ------------------------------------------------------------ select */

int cc_store_select(cc_store_t *st, const char *sel, int kind,
		    cc_store_list_t **out, cc_error_t *err)
{
	cc_store_list_t *l;
	cc_certlist_t hits = { 0 };
	size_t keep = 0;
	int r;

	*out = NULL;
	if (!sel || !*sel)
		return cc_err(err, CC_EINVAL, "", "empty selector");
	if ((r = cc_store_list(st, kind, &l, err)))
		return r;
	if (cc_pool_select(l->pool, sel, &hits) < 0) {
		cc_store_list_free(l);
		return cc_err(err, CC_ENOMEM, sel, "out of memory");
	}
	for (size_t i = 0; i < l->n; i++) {
		int hit = !strcasecmp(l->v[i].name, sel) && l->v[i].name[0];
		for (size_t j = 0; !hit && j < hits.n; j++)
			hit = hits.v[j] == l->v[i].cert;
		if (hit)
			l->v[keep++] = l->v[i];
	}
	l->n = keep;
	cc_certlist_clear(&hits);
	if (!keep) {
		cc_store_list_free(l);
		return cc_err(err, CC_ENOTFOUND, sel, "no certificate in the store %s%s"
				"matches (a selector is CN=..., a friendly name or "
				">= 8 hex digits of the SHA-256)", kind ? kind_dirs[kind] : "",
				kind ? " " : "");
	}
	*out = l;
	if (keep == 1)
		return 0;
	cc_err(err, CC_EAMBIGUOUS, sel, "matches %zu certificates:", keep);
	for (size_t i = 0; i < keep; i++) {
		char cn[128];
		size_t m = strlen(err ? err->msg : "");
		if (err && m < sizeof(err->msg))
			snprintf(err->msg + m, sizeof(err->msg) - m, "%s %s (%s, sha256 %.16s)",
				 i ? ";" : "", cc_cert_name(l->v[i].cert, 0, cn, sizeof(cn)),
				 kind_dirs[l->v[i].kind], l->v[i].sha256);
	}
	return CC_EAMBIGUOUS;
}

/* ------------------------------------------------------------ writing */

/* Which store holds sha (its SHA256.pem exists), or 0. */
static int where_is(const cc_store_t *st, const char *sha)
{
	char p[4096];
	for (int k = 1; k <= NKINDS; k++)
		if (!path_of(p, sizeof(p), st, kind_dirs[k], sha, ".pem") &&
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

		if (path_of(p, sizeof(p), st, dirs[i], NULL, NULL) || !(d = opendir(p)))
			continue;
		while ((de = readdir(d))) {
			const char *n = de->d_name;
			int stale = strstr(n, ".tmp.") != NULL;
			char sha[65];

			if (!stale && (sha_name(n, ".meta") || sha_name(n, ".key"))) {
				memcpy(sha, n, 64);
				sha[64] = 0;
				stale = i == 3 ? where_is(st, sha) != CC_STORE_PERSONAL
					       : where_is(st, sha) != (int)i + 1;
			}
			if (stale && snprintf(f, sizeof(f), "%s/%s", p, n) < (int)sizeof(f))
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

int cc_store_decide_kind(cc_cert_t *c, EVP_PKEY *key, int kind, cc_error_t *err)
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
				"private key: give the key for the personal store, "
				"or choose a store");
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
		if (have == kind && key && !path_of(p, sizeof(p), st, "keys", sha, ".key") &&
		    access(p, F_OK) && errno == ENOENT) {
			if ((r = ensure_layout(st, err)) || (r = write_key(p, key, err)))
				return r;
			res->added = 1;
		}
		if (have == kind)
			return 0;
		return cc_err(err, CC_EINVAL, cc_cert_name(c, 0, cn, sizeof(cn)),
			      "already in the %s store (remove it first to move it "
			      "to %s)", kind_dirs[have], kind_dirs[kind]);
	}
	if ((r = ensure_layout(st, err)))
		return r;
	sweep(st);
	if (key && (path_of(p, sizeof(p), st, "keys", sha, ".key") ||
		    (r = write_key(p, key, err))))
		return r ? r : cc_err(err, CC_EINVAL, st->dir, "path too long");
	if ((r = meta_write(st, kind, sha, c, name, 0, err)))
		return r;
	test_pause("before-commit");
	if (path_of(p, sizeof(p), st, kind_dirs[kind], sha, ".pem"))
		return cc_err(err, CC_EINVAL, st->dir, "path too long");
	if ((r = write_cert_pem(p, c, err)))
		return r;
	res->added = 1;
	test_pause("after-commit");
	return kind == CC_STORE_ROOT ? cc_store_rehash(st, err) : 0;
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
	if (!sha || strlen(sha) != 64 || !is_sha_hex(sha, 64))
		return cc_err(err, CC_EINVAL, sha ? sha : "", "not a lower-case "
				"64-digit SHA-256");
	return 0;
}

int cc_store_remove(cc_store_t *st, const char *sha, cc_error_t *err)
{
	char p[4096];
	int r, kind;

	if ((r = check_sha(sha, err)) || (r = cc_store_lock(st, err)))
		return r;
	if (!(kind = where_is(st, sha))) {
		r = cc_err(err, CC_ENOTFOUND, sha, "not in the store");
		goto out;
	}
	/* The certificate first: from here on the entry is gone for readers. */
	if (path_of(p, sizeof(p), st, kind_dirs[kind], sha, ".pem") || unlink(p)) {
		r = cc_err(err, CC_EIO, p, "cannot remove: %s", strerror(errno));
		goto out;
	}
	*strrchr(p, '/') = 0;
	fsync_path(p);
	if (!path_of(p, sizeof(p), st, kind_dirs[kind], sha, ".meta"))
		unlink(p);
	if (!path_of(p, sizeof(p), st, "keys", sha, ".key"))
		unlink(p);
	if (kind == CC_STORE_ROOT)
		r = cc_store_rehash(st, err);
out:
	cc_store_unlock(st);
	return r;
}

int cc_store_set_disabled(cc_store_t *st, const char *sha, int disabled,
			  cc_error_t *err)
{
	cc_store_list_t *l = NULL;
	int r, kind;

	if ((r = check_sha(sha, err)) || (r = cc_store_lock(st, err)))
		return r;
	if (!(kind = where_is(st, sha))) {
		r = cc_err(err, CC_ENOTFOUND, sha, "not in the store");
		goto out;
	}
	if ((r = cc_store_list(st, kind, &l, err)))
		goto out;
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].sha256, sha))
			continue;
		if (l->v[i].disabled == !!disabled)
			goto out; /* already so */
		r = meta_write(st, kind, sha, l->v[i].cert, l->v[i].name, !!disabled, err);
		if (!r && kind == CC_STORE_ROOT)
			r = cc_store_rehash(st, err);
		goto out;
	}
	r = cc_err(err, CC_ENOTFOUND, sha, "not in the store");
out:
	cc_store_list_free(l);
	cc_store_unlock(st);
	return r;
}

/* "HHHHHHHH.N": OpenSSL's hashed-directory name for a certificate. */
static int hash_link_name(const char *n)
{
	size_t len = strlen(n);
	if (len < 10 || n[8] != '.' || !is_sha_hex(n, 8))
		return 0;
	for (size_t i = 9; i < len; i++)
		if (n[i] < '0' || n[i] > '9')
			return 0;
	return 1;
}

/* Points link at target atomically (a new symlink renamed over it). */
static int set_link(const char *dir, const char *link, const char *target,
		    cc_error_t *err)
{
	char lp[4096], tmp[4200], cur[128];
	ssize_t n;

	snprintf(lp, sizeof(lp), "%s/%s", dir, link);
	n = readlink(lp, cur, sizeof(cur) - 1);
	if (n > 0 && (cur[n] = 0, !strcmp(cur, target)))
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", lp, (long)getpid());
	unlink(tmp);
	if (symlink(target, tmp) || rename(tmp, lp)) {
		int e = errno;
		unlink(tmp);
		return cc_err(err, CC_EIO, lp, "cannot link: %s", strerror(e));
	}
	return 0;
}

int cc_store_rehash(cc_store_t *st, cc_error_t *err)
{
	cc_store_list_t *l = NULL;
	char dir[4096], (*want)[16] = NULL;
	DIR *d = NULL;
	struct dirent *de;
	size_t nwant = 0;
	int r;

	if ((r = cc_store_lock(st, err)))
		return r;
	if ((r = ensure_layout(st, err)) || (r = cc_store_list(st, CC_STORE_ROOT, &l, err)))
		goto out;
	path_of(dir, sizeof(dir), st, "root", NULL, NULL);
	want = calloc(l->n + 1, sizeof(*want));
	if (!want) {
		r = cc_err(err, CC_ENOMEM, dir, "out of memory");
		goto out;
	}
	/* Sequence numbers in SHA-256 order, so a rehash is reproducible. */
	for (size_t i = 0; i < l->n; i++) {
		cc_store_entry_t *e = &l->v[i];
		char target[80];
		unsigned long h;
		int seq = 0;

		if (e->disabled)
			continue;
		h = X509_subject_name_hash(cc_cert_x509(e->cert, NULL));
		for (size_t j = 0; j < l->n; j++)
			if (j != i && !l->v[j].disabled &&
			    strcmp(l->v[j].sha256, e->sha256) < 0 &&
			    X509_subject_name_hash(cc_cert_x509(l->v[j].cert, NULL)) == h)
				seq++;
		snprintf(want[nwant], sizeof(want[0]), "%08lx.%d", h, seq);
		snprintf(target, sizeof(target), "%s.pem", e->sha256);
		if ((r = set_link(dir, want[nwant++], target, err)))
			goto out;
	}
	if (!(d = opendir(dir))) {
		r = cc_err(err, CC_EIO, dir, "cannot read: %s", strerror(errno));
		goto out;
	}
	while ((de = readdir(d))) {
		int keep = !hash_link_name(de->d_name);
		char lp[4400];
		for (size_t i = 0; !keep && i < nwant; i++)
			keep = !strcmp(want[i], de->d_name);
		if (!keep && snprintf(lp, sizeof(lp), "%s/%s", dir, de->d_name) > 0)
			unlink(lp);
	}
	fsync_path(dir);
out:
	if (d)
		closedir(d);
	free(want);
	cc_store_list_free(l);
	cc_store_unlock(st);
	return r;
}

/* ------------------------------------------------------------ using */

int cc_store_export(const cc_store_entry_t *e, const char *path, int format,
		    cc_error_t *err)
{
	size_t len;
	const unsigned char *der = cc_cert_der(e->cert, &len);

	if (format == CC_STORE_DER)
		return cc_write_file_atomic(path, der, len, 0644, err);
	return write_cert_pem(path, e->cert, err);
}

int cc_store_load_pools(cc_store_t *st, cc_pool_t *inter, cc_pool_t *roots,
			cc_pool_t *disabled, cc_error_t *err)
{
	cc_store_list_t *l;
	int r = cc_store_list(st, 0, &l, err);

	for (size_t i = 0; !r && i < l->n; i++) {
		cc_store_entry_t *e = &l->v[i];
		cc_pool_t *to = e->disabled ? disabled
			      : e->kind == CC_STORE_INTERMEDIATE ? inter
			      : e->kind == CC_STORE_ROOT ? roots : NULL;
		size_t len;
		const unsigned char *der = cc_cert_der(e->cert, &len);

		if (to)
			r = cc_pool_add_der(to, der, len, cc_cert_source(e->cert), NULL,
					    NULL, err);
	}
	cc_store_list_free(l);
	return r;
}

int cc_store_key(cc_store_t *st, const cc_store_entry_t *e, unsigned flags,
		 EVP_PKEY **out, cc_error_t *err)
{
	char p[4096];
	struct stat sb;
	int fd, r;

	*out = NULL;
	if (path_of(p, sizeof(p), st, "keys", e->sha256, ".key"))
		return cc_err(err, CC_EINVAL, st->dir, "path too long");
	fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT
			       ? cc_err(err, CC_ENOTFOUND, p, "no private key in the "
					"store for this certificate")
			       : cc_err(err, CC_EIO, p, "cannot open: %s", strerror(errno));
	if (fstat(fd, &sb)) {
		close(fd);
		return cc_err(err, CC_EIO, p, "cannot stat: %s", strerror(errno));
	}
	if ((sb.st_mode & 077) && !(flags & CC_STORE_INSECURE_KEY_PERMS)) {
		close(fd);
		return cc_err(err, CC_EINVAL, p, "private key file is group/world "
				"accessible (mode %04o); chmod 600 it or allow it "
				"explicitly (--insecure-key-perms)",
			      (unsigned)(sb.st_mode & 07777));
	}
	r = cc_key_load_fd(fd, p, out, err);
	close(fd);
	if (!r && !cc_key_matches(e->cert, *out)) {
		EVP_PKEY_free(*out);
		*out = NULL;
		r = cc_err(err, CC_EPARSE, p, "stored key does not match its certificate");
	}
	return r;
}
