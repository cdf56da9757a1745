/* json.c - the bridge from jansson values to output buffers: every --json
 * document is built as a json_t and serialized here, once, in one form
 * (compact, keys in insertion order). */
#include "internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if s starts an
 * invalid one. */
static size_t utf8_seq(const unsigned char *s)
{
	size_t n, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

json_t *cc_json_str(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t len = strlen((const char *)p), i, k, n;
	char *fixed;
	json_t *j;

	if ((j = json_stringn(s ? s : "", len)))
		return j;
	/* not UTF-8 (a T61String read as bytes, say): each invalid byte
	 * becomes U+FFFD, the rest is kept */
	if (!(fixed = malloc(len * 3 + 1)))
		return NULL;
	for (i = k = 0; i < len; i += n ? n : 1) {
		if ((n = utf8_seq(p + i))) {
			memcpy(fixed + k, p + i, n);
			k += n;
		} else {
			memcpy(fixed + k, "\xef\xbf\xbd", 3);
			k += 3;
		}
	}
	j = json_stringn(fixed, k);
	free(fixed);
	return j;
}

void cc_buf_json(cc_buf_t *b, const json_t *j)
{
	char *s;

	if (!j) {
		b->oom = 1;
		return;
	}
	if (!(s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(10)))) {
		b->oom = 1;
		return;
	}
	/* jansson writes \u001F; the documents always had \u001f, as Python's
	 * json and RFC 8785 write it (jansson escapes nothing else with hex) */
	for (char *p = s; *p; p++) {
		if (*p != '\\' || !p[1])
			continue;
		if (*++p == 'u')
			for (int i = 1; i <= 4 && p[i]; i++)
				p[i] = (char)tolower((unsigned char)p[i]);
	}
	cc_buf_printf(b, "%s", s);
	free(s);
}
