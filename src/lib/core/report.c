/* report.c - text buffers and JSON strings shared by every command. */
#include "internal.h"

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

/* Appends n bytes of p. */
static void append(cc_buf_t *b, const char *p, size_t n)
{
	if (reserve(b, n))
		return;
	memcpy(b->s + b->n, p, n);
	b->n += n;
	b->s[b->n] = 0;
}

static int json_plain(unsigned char c)
{
	return c != '"' && c != '\\' && c >= 0x20 && c != 0x7f;
}

void cc_buf_json_str(cc_buf_t *b, const char *s)
{
	append(b, "\"", 1);
	while (s && *s) {
		size_t n = 0;
		unsigned char c;
		/* runs of plain characters in one copy: a fleet scan renders
		 * thousands of names, and printf per character dominated it */
		while (s[n] && json_plain((unsigned char)s[n]))
			n++;
		append(b, s, n);
		s += n;
		if (!(c = (unsigned char)*s))
			break;
		if (c == '"' || c == '\\')
			cc_buf_printf(b, "\\%c", c);
		else if (c == '\n')
			cc_buf_printf(b, "\\n");
		else
			cc_buf_printf(b, "\\u%04x", c);
		s++;
	}
	append(b, "\"", 1);
}

void cc_buf_clear(cc_buf_t *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}
