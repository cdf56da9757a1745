/*
 * store_links.c - the store's root directory as an OpenSSL hashed
 * directory: HHHHHHHH.N symbolic links (X509_subject_name_hash) to the
 * enabled roots, so `openssl verify -CApath STORE/root` trusts exactly
 * them. Links are replaced atomically (new link renamed over the old).
 */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Refreshes the root links now, or, when a caller holds the lock around a
 * batch of changes, once at its last unlock (a bundle of 150 roots would
 * otherwise rehash 150 times). */
int cc_store_roots_changed(cc_store_t *st, cc_error_t *err)
{
	st->links_stale = 1;
	return st->depth > 1 ? 0 : cc_store_rehash(st, err);
}

/* Here, not beside cc_store_lock() in store.c: the outer unlock is where a
 * batch of root changes lands in the links. */
void cc_store_unlock(cc_store_t *st)
{
	if (!st || !st->depth)
		return;
	if (st->depth == 1 && st->links_stale)
		cc_store_rehash(st, NULL); /* best effort; 'store rehash' repairs */
	if (--st->depth)
		return;
	close(st->lockfd);
	st->lockfd = -1;
}

/* "HHHHHHHH.N": OpenSSL's hashed-directory name for a certificate. */
static int hash_link_name(const char *n)
{
	size_t len = strlen(n);
	if (len < 10 || n[8] != '.' || !cc_is_lower_hex(n, 8))
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

	cc_path_fmt(lp, sizeof(lp), dir, "%s", link);
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
	if ((r = cc_store_layout(st, err)) || (r = cc_store_list(st, CC_STORE_ROOT, &l, err)))
		goto out;
	cc_store_path_of(dir, sizeof(dir), st, "root", NULL, NULL);
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
		if (!keep && cc_path_fmt(lp, sizeof(lp), dir, "%s", de->d_name) > 0)
			unlink(lp);
	}
	cc_fsync_dir(dir);
	st->links_stale = 0;
out:
	if (d)
		closedir(d);
	free(want);
	cc_store_list_free(l);
	cc_store_unlock(st);
	return r;
}

