/*
 * fleet_read.c - saved fleet records read back: the one JSONL reader that
 * certchain report and check -f --resume share, and the set of targets an
 * earlier run answered (--resume). Lines are bounded, so a file that is
 * not JSONL (one endless line) costs no more memory than a record.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

/* Reads one line of at most CC_FLEET_MAX_LINE bytes into buf (NUL
 * terminated, newline kept); a longer line is consumed and *cut set.
 * Returns the length, or -1 at the end of the file. */
static long read_line(FILE *f, char *buf, int *cut)
{
	size_t n;

	*cut = 0;
	if (!fgets(buf, CC_FLEET_MAX_LINE + 1, f))
		return -1;
	n = strlen(buf);
	if (n == CC_FLEET_MAX_LINE && buf[n - 1] != '\n') {
		int c;
		*cut = 1;
		while ((c = getc(f)) != EOF && c != '\n')
			;
	}
	return (long)n;
}

static int blank(const char *s)
{
	return !s[strspn(s, " \t\r\n")];
}

int cc_fleet_read(const char *path, cc_fleet_read_fn fn, void *ctx,
		  cc_fleet_read_stats_t *st, cc_error_t *err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	cc_fleet_rec_t *r = calloc(1, sizeof(*r));
	char *buf = malloc(CC_FLEET_MAX_LINE + 1);
	int e = 0, cut;
	long len;

	memset(st, 0, sizeof(*st));
	if (!f) {
		e = cc_err(err, CC_EIO, path, "%s", strerror(errno));
		goto out;
	}
	if (!r || !buf) {
		e = cc_err(err, CC_ENOMEM, path, "out of memory");
		goto out;
	}
	while (!e && (len = read_line(f, buf, &cut)) >= 0) {
		st->lines++;
		st->unterminated = len > 0 && buf[len - 1] != '\n';
		if (blank(buf))
			continue;
		if (cut || cc_fleet_rec_parse(buf, (size_t)len, r, NULL)) {
			if (!st->skipped++)
				st->first_skipped = st->lines;
			continue;
		}
		st->records++;
		e = fn(ctx, r);
	}
	if (!e && ferror(f))
		e = cc_err(err, CC_EIO, path, "cannot read: %s", strerror(errno));
out:
	if (f && f != stdin)
		fclose(f);
	free(buf);
	cc_fleet_rec_clear(r);
	free(r);
	return e;
}

/* --- resume: a sorted array of 64-bit keys, one per answered target. */

struct cc_fleet_done {
	unsigned long long *v;
	size_t n, cap;
	size_t unnumbered; /* records without a line number */
};

static unsigned long long key(long line, const char *target)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	unsigned long long h = 0;
	char num[32];
	int n = snprintf(num, sizeof(num), "%ld ", line);
	EVP_MD_CTX *x = EVP_MD_CTX_new();

	/* the whole target: two long ones differing at the end are two keys */
	memset(md, 0, sizeof(md));
	if (x && EVP_DigestInit_ex(x, EVP_sha256(), NULL) &&
	    EVP_DigestUpdate(x, num, (size_t)n) &&
	    EVP_DigestUpdate(x, target, strlen(target)))
		EVP_DigestFinal_ex(x, md, NULL);
	EVP_MD_CTX_free(x);
	for (int i = 0; i < 8; i++)
		h = h << 8 | md[i];
	return h;
}

static int cmp(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/* cc_fleet_read's callback: one answered target into the set. */
static int push(void *ctx, const cc_fleet_rec_t *r)
{
	cc_fleet_done_t *d = ctx;

	if (r->line <= 0) {
		d->unnumbered++; /* not from check -f: no line to skip */
		return 0;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 1024;
		unsigned long long *v = realloc(d->v, cap * sizeof(*v));
		if (!v)
			return CC_ENOMEM;
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n++] = key(r->line, r->target);
	return 0;
}

int cc_fleet_done_load(const char *path, cc_fleet_done_t **out,
		       cc_fleet_read_stats_t *st, cc_error_t *err)
{
	cc_fleet_done_t *d = calloc(1, sizeof(*d));
	int e;

	*out = NULL;
	memset(st, 0, sizeof(*st));
	if (!d)
		return cc_err(err, CC_ENOMEM, path, "out of memory");
	e = cc_fleet_read(path, push, d, st, err);
	if (e == CC_ENOMEM && !(err && err->code))
		e = cc_err(err, CC_ENOMEM, path, "out of memory");
	if (e) {
		cc_fleet_done_free(d);
		return e;
	}
	st->skipped += d->unnumbered;
	if (d->n)
		qsort(d->v, d->n, sizeof(*d->v), cmp);
	*out = d;
	return 0;
}

int cc_fleet_done_has(const cc_fleet_done_t *d, long line, const char *target)
{
	unsigned long long k = key(line, target);

	return d && d->n && bsearch(&k, d->v, d->n, sizeof(k), cmp) != NULL;
}

size_t cc_fleet_done_count(const cc_fleet_done_t *d)
{
	return d ? d->n : 0;
}

void cc_fleet_done_free(cc_fleet_done_t *d)
{
	if (!d)
		return;
	free(d->v);
	free(d);
}
