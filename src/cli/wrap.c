/* wrap.c - human reports fitted to the screen: lines wrapped at word
 * boundaries with a hanging indent, never cut. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <sys/ioctl.h>
#include <unistd.h>
#endif

/* Without a terminal (a pipe, a file, a log) reports fit this many columns,
 * the width the project's style sets for text. */
#define WRAP_DEFAULT 100
/* A continuation keeps at least this many columns for its text; a hanging
 * indent deeper than width minus this falls back to a shallow one. */
#define WRAP_MIN_TEXT 30
/* "label: text" hangs after the label only when the label is this short:
 * a long one is a sentence that happens to hold a colon. */
#define WRAP_LABEL_MAX 28
/* A continuation with no column to hang at is indented this much more
 * than its line: deeper than the two-space items that follow a heading, so
 * it does not read as one of them. */
#define WRAP_PLAIN_INDENT 4
/* An id column ("error   wrong-order   text") is a word this long at most,
 * and a line's text starts after at most this many such words. */
#define WRAP_COLUMN_WORD 40
#define WRAP_COLUMNS 8

int cli_text_width(void)
{
	const char *c = getenv("COLUMNS");
	char *end;
	long n;

	if (c && *c) {
		n = strtol(c, &end, 10);
		if (!*end && n > 0)
			return n > 1000000 ? 1000000 : (int)n;
	}
#ifdef _WIN32
	CONSOLE_SCREEN_BUFFER_INFO ci;
	if (GetConsoleScreenBufferInfo(GetStdHandle(STD_OUTPUT_HANDLE), &ci) &&
	    ci.srWindow.Right > ci.srWindow.Left)
		return ci.srWindow.Right - ci.srWindow.Left + 1;
#else
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) &&
	    ws.ws_col > 0)
		return ws.ws_col;
#endif
	return WRAP_DEFAULT;
}

/* Columns s[0..n) takes on a terminal: UTF-8 characters, not bytes. */
static size_t cols(const char *s, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

/* Length of a list marker at s ("- ", "* ", "+ ", "~ ", "12. ", "[3] "), 0 if none. */
static size_t marker(const char *s, size_t n)
{
	size_t i = 0;

	if (n >= 2 && strchr("-*+~", s[0]) && s[1] == ' ')
		return 2;
	if (n && s[0] == '[') {
		for (i = 1; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		return i > 1 && i + 1 < n && s[i] == ']' && s[i + 1] == ' ' ? i + 2 : 0;
	}
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	return i && i + 1 < n && s[i] == '.' && s[i + 1] == ' ' ? i + 2 : 0;
}

/*
 * The hanging indent of line s[0..n), in bytes of its own text: after the
 * leading spaces and a list marker, then after the last of its first few
 * words that is padded with two or more spaces (a column: "  warning
 * anchor-sent  text" hangs at "text"), else after a short "label: ". A
 * plain line continues WRAP_PLAIN_INDENT columns in from its start.
 */
static size_t hang(const char *s, size_t n)
{
	size_t lead = 0, p, q, w, col;

	while (lead < n && s[lead] == ' ')
		lead++;
	p = lead + marker(s + lead, n - lead);
	p += marker(s + p, n - p); /* "+ [1] " */
	col = p;
	for (int k = 0; k < WRAP_COLUMNS; k++) {
		for (w = p; w < n && s[w] != ' '; w++)
			;
		for (q = w; q < n && s[q] == ' '; q++)
			;
		if (w == p || q == n || w - p > WRAP_COLUMN_WORD)
			break;
		if (q - w >= 2)
			col = q;
		p = q;
	}
	if (col > lead)
		return col;
	/* a label is words ("row #2", "not trusted by ios-2017"), not a
	 * clause with brackets or commas */
	for (q = lead; q + 1 < n && q - lead <= WRAP_LABEL_MAX && !strchr("(),;[]", s[q]);
	     q++)
		if (s[q] == ':' && s[q + 1] == ' ')
			return q + 2;
	return lead + WRAP_PLAIN_INDENT;
}

/* Drops the blanks at the end of out (before a line break). */
static void trim(cc_buf_t *out)
{
	while (!out->oom && out->n && out->s[out->n - 1] == ' ')
		out->s[--out->n] = 0;
}

/* Appends line s[0..n) (no newline) to out, wrapped to width. */
static void wrap_line(cc_buf_t *out, const char *s, size_t n, int width)
{
	size_t h = hang(s, n), lead = 0, hw, col, i, ws, we;
	int started;

	while (lead < n && s[lead] == ' ')
		lead++;
	if (cols(s, n) <= (size_t)width) {
		cc_buf_printf(out, "%.*s\n", (int)n, s);
		return;
	}
	hw = cols(s, h);
	if (hw + WRAP_MIN_TEXT > (size_t)width) {
		/* too deep for this width: as a plain line */
		h = lead;
		hw = lead + WRAP_PLAIN_INDENT + WRAP_MIN_TEXT > (size_t)width
			     ? 0 : lead + WRAP_PLAIN_INDENT;
	}
	/* what comes before the text column stays as it is (its padding
	 * too), unless the column falls inside a word */
	if (h > lead && s[h - 1] != ' ')
		h = lead;
	cc_buf_printf(out, "%.*s", (int)h, s);
	col = cols(s, h);
	started = h > lead;
	for (i = h; i < n;) {
		for (ws = i; i < n && s[i] == ' '; i++)
			;
		if (i == n)
			break; /* trailing blanks go */
		for (we = i; we < n && s[we] != ' '; we++)
			;
		/* a word that does not fit starts a line; one longer than the
		 * width overflows on its own line, whole */
		if (started && col + cols(s + ws, we - ws) > (size_t)width) {
			trim(out);
			cc_buf_printf(out, "\n%*s", (int)hw, "");
			col = hw;
			ws = i;
		}
		cc_buf_printf(out, "%.*s", (int)(we - ws), s + ws);
		col += cols(s + ws, we - ws);
		started = 1;
		i = we;
	}
	cc_buf_printf(out, "\n");
}

void cli_wrap(cc_buf_t *out, const char *text, size_t len, int width)
{
	const char *end = text + len;

	while (text < end) {
		const char *nl = memchr(text, '\n', (size_t)(end - text));
		size_t n = nl ? (size_t)(nl - text) : (size_t)(end - text);
		wrap_line(out, text, n, width);
		if (!nl) {
			/* the text did not end its last line: neither do we */
			if (out->oom || !out->n)
				break;
			out->n--;
			out->s[out->n] = 0;
			break;
		}
		text = nl + 1;
	}
}

void cli_flush_text(cc_buf_t *b)
{
	cc_buf_t w = { 0 };

	if (b->s && !b->oom) {
		cli_wrap(&w, b->s, b->n, cli_text_width());
		w.oom |= b->oom;
		cc_buf_clear(b);
		*b = w;
	}
	cli_flush(b);
}

void cli_flush_report(cc_buf_t *b, int json)
{
	if (json)
		cli_flush(b);
	else
		cli_flush_text(b);
}
