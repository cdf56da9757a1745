/* test_json.c - the one JSON serializer: strings from any bytes (invalid
 * UTF-8 is replaced, never emitted), the compact form, and a certificate as
 * an object, each read back with jansson's own parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "testpki.h"

/* Serializes j through cc_buf_json and parses the text back. */
static json_t *round_trip(const json_t *j, cc_buf_t *b)
{
	json_error_t e;

	cc_buf_json(b, j);
	assert_false(b->oom);
	return json_loads(b->s, JSON_DECODE_ANY, &e);
}

static void test_strings(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "plain", "plain" },
		{ "q\"uote\\back\nline\ttab\x01", "q\"uote\\back\nline\ttab\x01" },
		{ "Caf\xc3\xa9 \xe8\xa8\xbc", "Caf\xc3\xa9 \xe8\xa8\xbc" },
		{ "bad\xff byte", "bad\xef\xbf\xbd byte" },
		{ "cut\xc3", "cut\xef\xbf\xbd" },
		{ "surrogate\xed\xa0\x80", "surrogate\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ NULL, "" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cc_buf_t b = { 0 };
		json_t *s = cc_json_str(cases[i].in), *back;
		assert_non_null(s);
		back = round_trip(s, &b);
		assert_non_null(back);
		assert_string_equal(json_string_value(back), cases[i].want);
		json_decref(back);
		json_decref(s);
		cc_buf_clear(&b);
	}
}

static void test_compact_ordered(void **state)
{
	cc_buf_t b = { 0 };
	json_t *o = json_pack("{s:i, s:f, s:b, s:[s, n]}", "z", 3, "score", 0.9412, "ok", 1,
			      "list", "a");

	(void)state;
	cc_buf_json(&b, o);
	assert_string_equal(b.s, "{\"z\":3,\"score\":0.9412,\"ok\":true,\"list\":[\"a\",null]}");
	json_decref(o);
	cc_buf_clear(&b);
	cc_buf_json(&b, NULL);
	assert_true(b.oom);
	cc_buf_clear(&b);
}

/* Control characters are escaped with lower-case hex digits, the form the
 * documents always had and Python's json.tool writes back. */
static void test_control_lowercase(void **state)
{
	cc_buf_t b = { 0 };
	json_t *s = cc_json_str("a\x1f\x0b\x01\\u001F\x7f");

	(void)state;
	cc_buf_json(&b, s);
	assert_false(b.oom);
	assert_string_equal(b.s, "\"a\\u001f\\u000b\\u0001\\\\u001F\x7f\"");
	json_decref(s);
	cc_buf_clear(&b);
}

static void test_cert(void **state)
{
	tp_opts_t o = { .ca = 1 };
	EVP_PKEY *k = tp_key(1);
	X509 *x = tp_cert("JSON Root \"quoted\"", k, NULL, NULL, &o);
	cc_pool_t *pool = cc_pool_new();
	cc_cert_t *c = tp_add(pool, x);
	cc_buf_t b = { 0 };
	json_t *j = cc_cert_json(c), *back;
	char fp[65];

	(void)state;
	assert_non_null(j);
	back = round_trip(j, &b);
	assert_non_null(back);
	cc_cert_sha256_hex(c, fp);
	assert_string_equal(json_string_value(json_object_get(back, "sha256")), fp);
	assert_string_equal(json_string_value(json_object_get(back, "subject_cn")),
			    "JSON Root \"quoted\"");
	assert_true(json_is_true(json_object_get(back, "self_signed")));
	assert_true(json_is_true(json_object_get(back, "ca")));
	assert_int_equal(json_object_size(back), 11);
	json_decref(back);
	json_decref(j);
	cc_buf_clear(&b);
	cc_pool_free(pool);
	X509_free(x);
	EVP_PKEY_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_compact_ordered),
		cmocka_unit_test(test_control_lowercase),
		cmocka_unit_test(test_cert),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
