/* test_fleet.c - the fleet records (fleet.c), summary (fleet_summary.c) and
 * HTML page (fleet_html.c): parsing check -f records, stable shards, the
 * one JSONL reader (fleet_read.c) and the resume set, bounded summary
 * tables, an escaped, complete HTML page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "certchain.h"

#define FP_ICA "1111111111111111111111111111111111111111111111111111111111111111"
#define FP_X "2222222222222222222222222222222222222222222222222222222222222222"

/* A record as check -f --json writes it (fields the fleet reads). */
static const char rec_problem[] =
	"{\"line\":7,\"target\":\"bad<1>.test:443\",\"exit\":1,\"result\":\"problems\","
	"\"served\":[{\"subject_cn\":\"bad.test\",\"issuer_cn\":\"ICA\",\"sha256\":\"aa\","
	"\"self_signed\":false,\"ca\":false}],"
	"\"findings\":[{\"id\":\"incomplete-chain\",\"severity\":\"error\",\"depth\":0,"
	"\"message\":\"issuer <ICA> not sent\"}],"
	"\"trust\":{\"trusted_by\":0,\"profiles\":2},"
	"\"fix\":{\"changed\":true,\"chain\":[{\"subject_cn\":\"bad.test\",\"issuer_cn\":\"ICA\","
	"\"sha256\":\"aa\",\"ca\":false},{\"subject_cn\":\"ICA\",\"issuer_cn\":\"New Root\","
	"\"sha256\":\"" FP_ICA "\",\"ca\":true},{\"subject_cn\":\"New Root\","
	"\"issuer_cn\":\"Old Root\",\"sha256\":\"" FP_X "\",\"ca\":true}]},"
	"\"cross_signs\":[\"" FP_X "\"]}\n";
static const char rec_failed[] =
	"{\"line\":9,\"target\":\"never.test:443\",\"exit\":3,\"result\":\"connect-failed\","
	"\"failure\":\"resolve\",\"reason\":\"never.test not resolved within 2.0 s\"}\n";

static void parse_record(void **state)
{
	cc_fleet_rec_t *r = calloc(1, sizeof(*r));
	cc_error_t err;

	assert_int_equal(cc_fleet_rec_parse(rec_problem, strlen(rec_problem), r, &err), 0);
	assert_int_equal(r->line, 7);
	assert_string_equal(r->target, "bad<1>.test:443");
	assert_string_equal(r->verdict, "problems");
	assert_int_equal(r->nfind, 1);
	assert_string_equal(r->find[0].id, "incomplete-chain");
	assert_int_equal(r->nfix, 3);
	assert_int_equal(r->fix[2].cross_sign, 1);
	assert_int_equal(r->fix[1].cross_sign, 0);
	assert_int_equal(r->profiles, 2);
	assert_int_equal(cc_fleet_rec_parse(rec_failed, strlen(rec_failed), r, &err), 0);
	assert_string_equal(r->verdict, "connect-failed");
	assert_string_equal(r->failure, "resolve");
	/* an interrupted scan's last line, and something else entirely */
	assert_int_equal(cc_fleet_rec_parse(rec_problem, 60, r, &err), CC_EINVAL);
	assert_int_equal(cc_fleet_rec_parse("{\"a\":1}", 7, r, &err), CC_EINVAL);
	cc_fleet_rec_clear(r);
	free(r);
}

/* The shard is SHA-256 based: these values are what any machine computes
 * (python3: int.from_bytes(sha256(t).digest()[:8], "big") % n). */
static void shard_stable(void **state)
{
	assert_int_equal(cc_fleet_shard("www.example.test:443", 7), 1);
	assert_int_equal(cc_fleet_shard("a.test:8443", 7), 0);
	assert_int_equal(cc_fleet_shard("[::1]:443", 1000), 352);
	assert_int_equal(cc_fleet_shard("anything", 1), 0);
}

/* A record a hostile or broken file could hold: markup and quotes in
 * every string the page and the JSON summary print. */
static const char rec_hostile[] =
	"{\"line\":3,\"target\":\"h.test\",\"exit\":1,\"result\":\"<b>x\\\"\","
	"\"served\":[{\"subject_cn\":\"S\",\"issuer_cn\":\"I\",\"sha256\":"
	"\"\\\"><img src=x>\",\"ca\":true}],"
	"\"findings\":[{\"id\":\"id\\\"q\",\"severity\":\"\\\"><i>\",\"message\":\"m\"}]}\n";

static int count_rec(void *ctx, const cc_fleet_rec_t *r)
{
	++*(size_t *)ctx;
	return r->line == 99 ? CC_EIO : 0; /* a callback's error stops reading */
}

/* The one reader of report and --resume: garbage, blank, cut-short and
 * over-long lines are counted, never fatal, and a line longer than
 * CC_FLEET_MAX_LINE is not read whole. */
static void read_lines(void **state)
{
	char path[] = "/tmp/test_fleet_XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	cc_fleet_read_stats_t st;
	size_t n = 0;
	cc_error_t err;

	fputs("\n", f);
	fputs(rec_problem, f);
	fputs("not json at all\n\x01\x02\xff\n", f);
	for (int i = 0; i < CC_FLEET_MAX_LINE + 10; i++)
		fputc('{', f);
	fputs("\n", f);
	fputs(rec_failed, f);
	fwrite(rec_problem, 1, 50, f); /* cut short, no newline */
	fclose(f);
	assert_int_equal(cc_fleet_read(path, count_rec, &n, &st, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(st.records, 2);
	assert_int_equal(st.skipped, 4);
	assert_int_equal(st.first_skipped, 3);
	assert_int_equal(st.lines, 7);
	assert_int_equal(st.unterminated, 1);
	/* a callback's error is returned */
	f = fopen(path, "w");
	fputs("{\"line\":99,\"target\":\"a\",\"result\":\"ok\"}\n", f);
	fputs(rec_failed, f);
	fclose(f);
	n = 0;
	assert_int_equal(cc_fleet_read(path, count_rec, &n, &st, &err), CC_EIO);
	assert_int_equal(n, 1);
	assert_int_equal(st.unterminated, 0);
	unlink(path);
	cc_error_clear(&err);
	assert_int_equal(cc_fleet_read(path, count_rec, &n, &st, &err), CC_EIO);
	assert_non_null(strstr(err.where, "test_fleet_"));
}

static void resume_set(void **state)
{
	char path[] = "/tmp/test_fleet_XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	cc_fleet_read_stats_t st;
	cc_fleet_done_t *d;
	cc_error_t err;

	fputs(rec_problem, f);
	fputs(rec_failed, f);
	fputs("{\"target\":\"x.test\",\"result\":\"ok\"}\n", f); /* no line number */
	fwrite(rec_problem, 1, 50, f); /* cut short */
	fclose(f);
	assert_int_equal(cc_fleet_done_load(path, &d, &st, &err), 0);
	assert_int_equal(cc_fleet_done_count(d), 2);
	assert_int_equal(st.skipped, 2);
	assert_int_equal(st.unterminated, 1);
	assert_true(cc_fleet_done_has(d, 7, "bad<1>.test:443"));
	assert_true(cc_fleet_done_has(d, 9, "never.test:443"));
	assert_false(cc_fleet_done_has(d, 8, "never.test:443")); /* another line */
	cc_fleet_done_free(d);
	unlink(path);
	assert_int_equal(cc_fleet_done_load(path, &d, &st, &err), CC_EIO);
}

static void summary_counts(void **state)
{
	cc_fleet_summary_t *s = cc_fleet_summary_new();
	cc_fleet_rec_t *r = calloc(1, sizeof(*r));
	cc_buf_t b = { 0 };
	json_t *j;
	cc_error_t err;

	for (int i = 0; i < 3; i++) {
		assert_int_equal(cc_fleet_rec_parse(rec_problem, strlen(rec_problem), r, &err), 0);
		cc_fleet_summary_add(s, r);
	}
	assert_int_equal(cc_fleet_rec_parse(rec_failed, strlen(rec_failed), r, &err), 0);
	cc_fleet_summary_add(s, r);
	assert_int_equal(cc_fleet_summary_count(s), 4);
	j = cc_fleet_summary_json(s);
	cc_buf_json(&b, j);
	json_decref(j);
	assert_non_null(strstr(b.s, "\"verdicts\":{\"ok\":0,\"warnings\":0,\"problems\":3,"
				    "\"connect-failed\":1,\"bad-target\":0}"));
	assert_non_null(strstr(b.s, "\"findings\":{\"incomplete-chain\":3}"));
	assert_non_null(strstr(b.s, "\"failures\":{\"resolve\":1}"));
	/* the leaf is not counted; the cross-sign is, as such */
	assert_null(strstr(b.s, "\"subject_cn\":\"bad.test\""));
	assert_non_null(strstr(b.s, "\"subject_cn\":\"New Root\",\"issuer_cn\":\"Old Root\","
				    "\"sha256\":\"" FP_X "\",\"cross_sign\":true,\"served_by\":0,"
				    "\"served_with_problems\":0,\"to_serve_by\":3}"));
	cc_buf_clear(&b);
	cc_fleet_summary_free(s);
	cc_fleet_rec_clear(r);
	free(r);
}

/* The page of one record (rec) with title, read back into buf; s gets the
 * record counted. */
static void page_of(const char *rec, const char *title, cc_fleet_summary_t *s,
		    char *buf, size_t size)
{
	char path[] = "/tmp/test_fleet_html_XXXXXX";
	int fd = mkstemp(path);
	cc_fleet_rec_t *r = calloc(1, sizeof(*r));
	cc_fleet_html_t *h;
	cc_error_t err;
	size_t n;
	FILE *f;

	close(fd);
	assert_int_equal(cc_fleet_html_open(path, title, &h, &err), 0);
	assert_int_equal(cc_fleet_rec_parse(rec, strlen(rec), r, &err), 0);
	cc_fleet_summary_add(s, r);
	assert_int_equal(cc_fleet_html_add(h, r, &err), 0);
	assert_int_equal(cc_fleet_html_close(h, s, &err), 0);
	f = fopen(path, "r");
	n = fread(buf, 1, size - 1, f);
	buf[n] = 0;
	fclose(f);
	unlink(path);
	cc_fleet_rec_clear(r);
	free(r);
}

static void html_page(void **state)
{
	cc_fleet_summary_t *s = cc_fleet_summary_new();
	cc_fleet_html_t *h;
	cc_error_t err;
	char buf[65536];

	page_of(rec_problem, "fleet <test>", s, buf, sizeof(buf));
	/* names from the wire are text, never markup */
	assert_non_null(strstr(buf, "bad&lt;1&gt;.test:443"));
	assert_null(strstr(buf, "bad<1>"));
	assert_non_null(strstr(buf, "issuer &lt;ICA&gt; not sent"));
	assert_non_null(strstr(buf, "cross-signed by Old Root"));
	assert_non_null(strstr(buf, "Old Root <small>anchor, not sent"));
	assert_non_null(strstr(buf, "<option>incomplete-chain</option>"));
	assert_null(strstr(buf, "src="));
	assert_null(strstr(buf, "href="));
	assert_non_null(strstr(buf, "</html>\n"));
	/* an unwritable place: an error, nothing left */
	assert_int_equal(cc_fleet_html_open("/nonexistent-dir/x.html", "t", &h, &err), CC_EIO);
	cc_fleet_summary_free(s);
}

/* Strings from a saved file are text in the page and valid JSON strings
 * in the summary, whatever they hold. */
static void hostile_record(void **state)
{
	cc_fleet_summary_t *s = cc_fleet_summary_new();
	cc_buf_t b = { 0 };
	json_t *j;
	char buf[65536];

	page_of(rec_hostile, "t", s, buf, sizeof(buf));
	assert_null(strstr(buf, "<img"));
	assert_null(strstr(buf, "<b>x"));
	assert_null(strstr(buf, "\"><i>"));
	assert_non_null(strstr(buf, "&lt;b&gt;x&quot;"));
	j = cc_fleet_summary_json(s);
	cc_buf_json(&b, j);
	json_decref(j);
	assert_non_null(strstr(b.s, "\"findings\":{\"id\\\"q\":1}"));
	assert_non_null(strstr(b.s, "\"sha256\":\"\\\"><img src=x>\""));
	cc_buf_clear(&b);
	cc_fleet_summary_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_record),
		cmocka_unit_test(shard_stable),
		cmocka_unit_test(read_lines),
		cmocka_unit_test(resume_set),
		cmocka_unit_test(hostile_record),
		cmocka_unit_test(summary_counts),
		cmocka_unit_test(html_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
