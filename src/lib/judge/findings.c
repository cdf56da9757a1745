/*
 * findings.c - the list of findings every judgement fills: analyze.c,
 * policy_findings.c, served.c and judge.c add to it, so it sits below them.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cc_findings_add(cc_findings_t *f, const char *id, int severity, int depth,
		    const char *fmt, ...)
{
	va_list ap;
	cc_finding_t *x;
	char *msg;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		cc_finding_t *v = realloc(f->v, cap * sizeof(*v));
		if (!v)
			return CC_ENOMEM;
		f->v = v;
		f->cap = cap;
	}
	va_start(ap, fmt);
	msg = cc_str_vnew(fmt, ap);
	va_end(ap);
	if (!msg)
		return CC_ENOMEM;
	x = &f->v[f->n++];
	x->id = id;
	x->severity = severity;
	x->depth = depth;
	x->msg = msg;
	return 0;
}

void cc_findings_clear(cc_findings_t *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].msg);
	free(f->v);
	memset(f, 0, sizeof(*f));
}

int cc_findings_max(const cc_findings_t *f)
{
	int m = -1;
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].severity > m)
			m = f->v[i].severity;
	return m;
}
