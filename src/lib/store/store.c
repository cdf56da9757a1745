/*
 * store.c - the persistent certificate store: opening it, its layout and
 * lock, other modules' records in it, and reading it (list, select, pools,
 * keys). Writing certificates is store_write.c, the hashed root links
 * store_links.c. The layout and the crash-safety argument are in
 * certchain.h ("Section: the certificate store").
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
/* Lock polling interval: short next to the time a store write takes. */
#define LOCK_POLL_NS (10 * 1000 * 1000L)

static const char *const kind_dirs[] = { "auto", "intermediate", "root", "personal" };

const char *cc_store_kind_name(int kind)
{
	return kind >= 0 && kind <= CC_STORE_NKINDS ? kind_dirs[kind] : "unknown";
}

int cc_store_kind_parse(const char *s)
{
	for (int k = 0; k <= CC_STORE_NKINDS; k++)
		if (s && !strcmp(s, kind_dirs[k]))
			return k;
	return CC_EINVAL;
}

/* ------------------------------------------------------------ paths */

int cc_store_path_of(char *buf, size_t n, const cc_store_t *st, const char *a,
		   const char *b, const char *ext)
{
	int r = cc_path_fmt(buf, n, st->dir, "%s%s%s%s", a, b ? "/" : "",
			 b ? b : "", ext ? ext : "");
	return r < 0 || (size_t)r >= n ? -1 : 0;
}

static int mkdir_one(const char *p, unsigned mode)
{
	if (mkdir(p, mode) == 0 || errno == EEXIST)
		return 0;
	return -1;
}

int cc_is_lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* "SHA256.EXT" with a 64-digit lower-case name. */
int cc_store_sha_name(const char *name, const char *ext)
{
	size_t el = strlen(ext);
	return strlen(name) == 64 + el && cc_is_lower_hex(name, 64) &&
	       !strcmp(name + 64, ext);
}

/* Creates the store's directories (under the lock). */
int cc_store_layout(cc_store_t *st, cc_error_t *err)
{
	char p[4096];

	for (int k = 1; k <= CC_STORE_NKINDS; k++) {
		if (cc_store_path_of(p, sizeof(p), st, kind_dirs[k], NULL, NULL) ||
		    mkdir_one(p, 0755))
			return cc_err(err, CC_EIO, p, "cannot create store directory: %s",
				      strerror(errno));
	}
	if (cc_store_path_of(p, sizeof(p), st, "keys", NULL, NULL) || mkdir_one(p, 0700) ||
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
		r = cc_path_fmt(buf, n, home, ".local/share/certchain");
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

/*
 * Under the lock: the temporary files of writers killed mid-write (kill -9
 * during bind leaves deploy/nginx.conf.tmp.PID) in the store and each of its
 * folders (the kinds, keys, deploy/, bindings/, other modules' records).
 * Only files of dead processes go: a writer that does not take the lock
 * (saving deploy settings) keeps its file while it lives.
 */
static void sweep_tmp(const cc_store_t *st)
{
	DIR *d = opendir(st->dir);
	struct dirent *de;
	char p[4096];

	if (!d)
		return;
	cc_tmp_sweep(st->dir, NULL);
	while ((de = readdir(d))) {
		struct stat sb;
		if (de->d_name[0] == '.' ||
		    cc_path_fmt(p, sizeof(p), st->dir, "%s", de->d_name) >= (int)sizeof(p) ||
		    lstat(p, &sb) || !S_ISDIR(sb.st_mode))
			continue;
		cc_tmp_sweep(p, NULL);
	}
	closedir(d);
}

int cc_store_lock(cc_store_t *st, cc_error_t *err)
{
	char p[4096];
	struct timespec nap = { 0, LOCK_POLL_NS };
	long long waited = 0; /* ns: beyond a 32-bit long (Windows) */

	if (st->depth) {
		st->depth++;
		return 0;
	}
	if (cc_mkdir_p(st->dir, 0755))
		return cc_err(err, CC_EIO, st->dir, "cannot create store: %s",
			      strerror(errno));
	if (cc_store_path_of(p, sizeof(p), st, ".lock", NULL, NULL))
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
		if (waited >= CC_STORE_LOCK_TIMEOUT_S * 1000000000LL) {
			close(st->lockfd);
			st->lockfd = -1;
			return cc_err(err, CC_ELIMIT, p, "store still locked by another "
					"process after %d s", CC_STORE_LOCK_TIMEOUT_S);
		}
		nanosleep(&nap, NULL);
		waited += LOCK_POLL_NS;
	}
	st->depth = 1;
	sweep_tmp(st);
	return 0;
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
	if (cc_store_path_of(buf, n, st, rel, NULL, NULL))
		return cc_err(err, CC_EINVAL, rel, "path too long");
	return 0;
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
	if (cc_store_path_of(p, sizeof(p), st, kind_dirs[kind], sha, ".meta") ||
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

	if (cc_store_path_of(p, sizeof(p), st, kind_dirs[kind], sha, ".pem"))
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
	    !cc_store_path_of(p, sizeof(p), st, "keys", sha, ".key"))
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
	for (int k = 1; !r && k <= CC_STORE_NKINDS; k++) {
		char p[4096];
		DIR *d;
		struct dirent *de;

		if (kind && k != kind)
			continue;
		if (cc_store_path_of(p, sizeof(p), st, kind_dirs[k], NULL, NULL)) {
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
			if (!cc_store_sha_name(de->d_name, ".pem"))
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
				"matches (a selector is CN=NAME, a whole subject DN "
				"such as \"CN=NAME,O=ORG\" in either order, a friendly "
				"name or >= 8 hex digits of the SHA-256)",
				kind ? kind_dirs[kind] : "", kind ? " " : "");
	}
	*out = l;
	if (keep == 1)
		return 0;
	cc_err(err, CC_EAMBIGUOUS, sel, "matches %zu certificates; select one by "
	       "its thumbprint prefix:", keep);
	for (size_t i = 0; err && i < keep; i++) {
		size_t m = strlen(err->msg);
		char cn[128], iss[128];
		if (m < sizeof(err->msg) - 1)
			snprintf(err->msg + m, sizeof(err->msg) - m, "%s %.16s (%s issued by "
				 "%s, %s%s)", i ? ";" : "", l->v[i].sha256,
				 cc_cert_name(l->v[i].cert, 0, cn, sizeof(cn)),
				 cc_cert_name(l->v[i].cert, 1, iss, sizeof(iss)),
				 kind_dirs[l->v[i].kind], l->v[i].disabled ? ", disabled" : "");
	}
	return CC_EAMBIGUOUS;
}

/* ------------------------------------------------------------ using */

int cc_store_load_pools(cc_store_t *st, cc_pool_t *inter, cc_pool_t *roots,
			cc_pool_t *disabled, cc_error_t *err)
{
	cc_store_list_t *l;
	int r = cc_store_list(st, 0, &l, err);

	if (r || !l)
		return r;
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
	if (cc_store_path_of(p, sizeof(p), st, "keys", e->sha256, ".key"))
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

