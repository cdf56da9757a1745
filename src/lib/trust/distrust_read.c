/*
 * distrust_read.c - reading a distrust-after file (distrust.c says what the
 * dates mean): one entry per line, each anchor once per kind. Apart from
 * distrust.c because loading a profile reads these files, and distrust.c
 * reads the profiles.
 */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One line of a distrust file: a hash, a date, a version and a CA's name
 * fit in far less; a longer line is not this format. */
#define LINE_MAX_LEN 1024

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* 64 hex digits into out[32]; 0 or -1. */
static int parse_sha256(const char *s, unsigned char out[32])
{
	if (strlen(s) != 64 || strspn(s, "0123456789abcdefABCDEF") != 64)
		return -1;
	for (int i = 0; i < 32; i++)
		out[i] = (unsigned char)(hexval((unsigned char)s[2 * i]) << 4 |
					 hexval((unsigned char)s[2 * i + 1]));
	return 0;
}

/* The last second a date still covers: a bare date is its whole day. */
static int parse_after(const char *s, time_t *out)
{
	if (cc_time_parse(s, out) || s[0] == '@')
		return -1;
	if (strlen(s) == 10)
		*out += 86399;
	return 0;
}

/* Splits line at tabs into at most max fields; returns how many. */
static int split(char *line, char **f, int max)
{
	int n = 0;

	line[strcspn(line, "\r\n")] = 0;
	while (n < max) {
		f[n++] = line;
		if (!(line = strchr(line, '\t')))
			break;
		*line++ = 0;
	}
	return line ? -1 : n; /* more fields than max */
}

/* One line into e. Fields: sha256, date, then a label or (sct kind) a
 * minimum Chrome version and a label. */
static int parse_line(char *line, cc_distrust_kind_t kind, cc_distrust_t *e,
		      const char *path, unsigned lineno, cc_error_t *err)
{
	char *f[4], *end;
	int n = split(line, f, 4);
	const char *label = "";

	if (n < 2 || (n == 4 && kind != CC_DISTRUST_SCT))
		return cc_err(err, CC_EPARSE, path, "line %u: expected sha256<TAB>date"
				"<TAB>label%s", lineno, kind == CC_DISTRUST_SCT ?
				" (or sha256<TAB>date<TAB>min_chrome_version<TAB>label)" : "");
	if (parse_sha256(f[0], e->sha256))
		return cc_err(err, CC_EPARSE, path, "line %u: '%.70s' is not a "
				"SHA-256 (64 hex digits)", lineno, f[0]);
	if (parse_after(f[1], &e->after))
		return cc_err(err, CC_EPARSE, path, "line %u: '%.40s' is not a UTC "
				"date (2024-11-30T23:59:59Z or 2024-11-30)", lineno, f[1]);
	if (n == 4) {
		/* empty: the block applies to every Chrome version */
		errno = 0;
		(void)strtoul(f[2], &end, 10);
		if (*f[2] && (errno || end == f[2] || *end))
			return cc_err(err, CC_EPARSE, path, "line %u: '%.20s' is not a "
					"Chrome version", lineno, f[2]);
		label = f[3];
	} else if (n == 3) {
		label = f[2];
	}
	if (strlen(label) >= sizeof(e->label))
		return cc_err(err, CC_EPARSE, path, "line %u: label longer than %d "
				"characters", lineno, CC_DISTRUST_LABEL_MAX - 1);
	for (const char *c = label; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return cc_err(err, CC_EPARSE, path, "line %u: control "
					"character in the label", lineno);
	snprintf(e->label, sizeof(e->label), "%s", label);
	e->kind = kind;
	return 0;
}

/* 1 when v[0..n) has an entry of e's kind for e's anchor. */
static int has_entry(const cc_distrust_t *v, size_t n, const cc_distrust_t *e)
{
	for (size_t k = 0; k < n; k++)
		if (v[k].kind == e->kind && !memcmp(v[k].sha256, e->sha256, 32))
			return 1;
	return 0;
}

int cc_distrust_read(const char *path, cc_distrust_kind_t kind,
		     const cc_distrust_t *have, size_t nhave, cc_distrust_t **out,
		     size_t *nout, cc_error_t *err)
{
	char line[LINE_MAX_LEN + 2];
	cc_distrust_t *v = NULL, *q;
	size_t n = 0, cap = 0;
	unsigned lineno = 0;
	int r = 0;
	FILE *f;

	*out = NULL;
	*nout = 0;
	if (!(f = fopen(path, "r")))
		return cc_err(err, CC_EIO, path, "cannot read the distrust dates: %s",
			      strerror(errno));
	while (!r && fgets(line, sizeof(line), f)) {
		cc_distrust_t e = { 0 };
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			r = cc_err(err, CC_EPARSE, path, "line %u: longer than %d "
					"characters", lineno, LINE_MAX_LEN);
			break;
		}
		if (line[0] == '#' || !line[strspn(line, " \t\r\n")])
			continue;
		if ((r = parse_line(line, kind, &e, path, lineno, err)))
			break;
		if (has_entry(have, nhave, &e) || has_entry(v, n, &e)) {
			r = cc_err(err, CC_EPARSE, path, "line %u: anchor %.16s... "
					"given twice", lineno, line);
			break;
		}
		if (nhave + n >= CC_MAX_DISTRUST) {
			r = cc_err(err, CC_ELIMIT, path, "line %u: more than %d "
					"distrust dates", lineno, CC_MAX_DISTRUST);
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			if (!(q = realloc(v, cap * sizeof(*v)))) {
				r = cc_err(err, CC_ENOMEM, path, "out of memory");
				break;
			}
			v = q;
		}
		v[n++] = e;
	}
	if (!r && ferror(f))
		r = cc_err(err, CC_EIO, path, "read error");
	fclose(f);
	if (r) {
		free(v);
		return r;
	}
	*out = v;
	*nout = n;
	return 0;
}
