/* test_starttls.c - the STARTTLS dialogues, fed reply by reply (no sockets):
 * what the client sends, when TLS may start, refusals, split and oversized
 * replies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

/* Feeds text as if read from the socket, in chunks of at most chunk bytes. */
static int feed(cc_starttls_t *s, const char *text, size_t chunk)
{
	size_t n = strlen(text);
	int r = 0;

	for (size_t i = 0, k; i < n && r == 0; i += k) {
		k = n - i < chunk ? n - i : chunk;
		if (k > cc_starttls_room(s))
			k = cc_starttls_room(s);
		memcpy(s->in + s->nin, text + i, k);
		r = cc_starttls_got(s, k);
	}
	return r;
}

static void sent(const cc_starttls_t *s, const char *want)
{
	assert_int_equal(s->nout, strlen(want));
	assert_memory_equal(s->out, want, s->nout);
}

static void smtp(void **state)
{
	cc_starttls_t s;
	cc_starttls_begin(&s, CC_STARTTLS_SMTP, "mx.test");
	assert_int_equal(s.nout, 0); /* the server speaks first */
	assert_int_equal(feed(&s, "220-mx.test first\r\n220 mx.test ready\r\n", 7), 0);
	sent(&s, "EHLO certchain.invalid\r\n");
	assert_int_equal(feed(&s, "250-mx.test\r\n250-STARTTLS\r\n", 64), 0);
	assert_int_equal(feed(&s, "250 8BITMIME\r\n", 64), 0);
	sent(&s, "STARTTLS\r\n");
	assert_int_equal(feed(&s, "220 go ahead\r\n", 64), 1);
}

static void smtp_refused(void **state)
{
	cc_starttls_t s;
	cc_starttls_begin(&s, CC_STARTTLS_SMTP, "mx.test");
	feed(&s, "220 ok\r\n", 64);
	feed(&s, "250 ok\r\n", 64);
	assert_int_equal(feed(&s, "454 4.7.0 TLS not available\r\n", 64), -1);
	assert_non_null(strstr(s.why, "454 4.7.0 TLS not available"));
	assert_non_null(strstr(s.why, "smtp"));
}

static void imap_untagged_first(void **state)
{
	cc_starttls_t s;
	cc_starttls_begin(&s, CC_STARTTLS_IMAP, "imap.test");
	assert_int_equal(feed(&s, "* OK ready\r\n", 64), 0);
	sent(&s, "cc1 STARTTLS\r\n");
	assert_int_equal(feed(&s, "* untagged\r\n", 64), 0);
	assert_int_equal(feed(&s, "cc1 OK begin\r\n", 3), 1);
	cc_starttls_begin(&s, CC_STARTTLS_IMAP, "imap.test");
	feed(&s, "* OK ready\r\n", 64);
	assert_int_equal(feed(&s, "cc1 BAD no\r\n", 64), -1);
}

static void pop3_ftp(void **state)
{
	cc_starttls_t s;
	cc_starttls_begin(&s, CC_STARTTLS_POP3, "pop.test");
	assert_int_equal(feed(&s, "+OK hi\r\n", 64), 0);
	sent(&s, "STLS\r\n");
	assert_int_equal(feed(&s, "+OK go\r\n", 64), 1);
	cc_starttls_begin(&s, CC_STARTTLS_FTP, "ftp.test");
	assert_int_equal(feed(&s, "220 hi\r\n", 64), 0);
	sent(&s, "AUTH TLS\r\n");
	assert_int_equal(feed(&s, "530 no\r\n", 64), -1);
}

static void xmpp(void **state)
{
	cc_starttls_t s;
	cc_starttls_begin(&s, CC_STARTTLS_XMPP, "chat.test");
	assert_non_null(strstr(s.out, "to='chat.test'"));
	assert_int_equal(feed(&s, "<stream:stream id='1'><stream:features><starttls "
				  "xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", 16), 0);
	assert_int_equal(feed(&s, "</stream:features>", 64), 0);
	sent(&s, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
	assert_int_equal(feed(&s, "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", 64), 1);
	cc_starttls_begin(&s, CC_STARTTLS_XMPP, "chat.test");
	assert_int_equal(feed(&s, "<stream:stream><stream:features><mechanisms/>"
				  "</stream:features>", 64), -1);
}

static void postgres(void **state)
{
	cc_starttls_t s;
	cc_starttls_begin(&s, CC_STARTTLS_POSTGRES, "db.test");
	assert_int_equal(s.nout, 8);
	assert_int_equal(cc_starttls_room(&s), 1);
	assert_int_equal(feed(&s, "S", 1), 1);
	cc_starttls_begin(&s, CC_STARTTLS_POSTGRES, "db.test");
	assert_int_equal(feed(&s, "N", 1), -1);
}

static void oversized(void **state)
{
	cc_starttls_t s;
	char line[80];
	int r = 0;

	cc_starttls_begin(&s, CC_STARTTLS_SMTP, "mx.test");
	memset(line, 'x', sizeof(line));
	memcpy(line, "220-", 4);
	line[sizeof(line) - 2] = '\r';
	line[sizeof(line) - 1] = '\n';
	for (int i = 0; i < 1000 && r == 0; i++) {
		size_t k = cc_starttls_room(&s) < sizeof(line) ? cc_starttls_room(&s) : sizeof(line);
		memcpy(s.in + s.nin, line, k);
		r = cc_starttls_got(&s, k);
	}
	assert_int_equal(r, -1);
	assert_non_null(strstr(s.why, "longer than"));
}

static void names(void **state)
{
	const char *n[] = { "smtp", "imap", "pop3", "ftp", "xmpp", "postgres" };
	int p;
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(cc_starttls_parse(n[i], &p), 0);
	assert_int_equal(cc_starttls_parse("SMTP", &p), CC_EINVAL);
	assert_int_equal(cc_starttls_parse("ldap", &p), CC_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(smtp),
		cmocka_unit_test(smtp_refused),
		cmocka_unit_test(imap_untagged_first),
		cmocka_unit_test(pop3_ftp),
		cmocka_unit_test(xmpp),
		cmocka_unit_test(postgres),
		cmocka_unit_test(oversized),
		cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
