/* report.c - the text buffer every command renders into. */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reserve(cc_buf_t *b, size_t more)
{
	size_t cap;
	char *s;

	if (b->oom)
		return -1;
	if (b->n + more + 1 <= b->cap)
		return 0;
	for (cap = b->cap ? b->cap : 256; cap < b->n + more + 1; cap *= 2)
		;
	if (!(s = realloc(b->s, cap))) {
		b->oom = 1;
		return -1;
	}
	b->s = s;
	b->cap = cap;
	return 0;
}

void cc_buf_printf(cc_buf_t *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
}

void cc_buf_clear(cc_buf_t *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

char *cc_str_vnew(const char *fmt, va_list ap)
{
	va_list again;
	char *s = NULL;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	if (n >= 0 && (s = malloc((size_t)n + 1)))
		vsnprintf(s, (size_t)n + 1, fmt, again);
	va_end(again);
	return s;
}

char *cc_str_new(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = cc_str_vnew(fmt, ap);
	va_end(ap);
	return s;
}

int cc_str_set(char **dst, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = cc_str_vnew(fmt, ap);
	va_end(ap);
	if (!s)
		return CC_ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}
