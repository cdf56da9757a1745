/* test_long_names.c - nothing certchain says is cut short: a certificate
 * whose subject DN runs past 1,500 bytes (many OU attributes) keeps its whole
 * name in the certificate's JSON, in the findings, in the chain described in
 * words, in what fix says it lacks; a fleet record with 2,000-byte texts
 * keeps them through parsing, the summary and the HTML page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "testpki.h"

/* OU attributes of the long names: ~45 bytes each, > 1,500 bytes in all. */
#define MANY_OUS 40

/* A root (the one anchor of profile "unit"), an issuing CA with a long DN
 * (with or without CN) and a leaf it issued. */
typedef struct longpki {
	EVP_PKEY *kr, *ki, *kl;
	X509 *root, *ica, *leaf;
	cc_pool_t *pool, *anchors;
	cc_profiles_t *profs;
	cc_cert_t *cica, *cleaf;
	char *ica_dn; /* the ICA's whole subject DN */
} longpki_t;

static void longpki_make_to(longpki_t *k, const char *ica_cn, long ica_to)
{
	tp_opts_t ca = { .ca = 1, .ous = MANY_OUS, .to = ica_to,
			 .from = ica_to < 0 ? ica_to - 86400 : 0 };
	tp_opts_t r = { .ca = 1 };
	cc_pool_t *ap = cc_pool_new();
	cc_error_t e;

	k->kr = tp_key(1);
	k->ki = tp_key(1);
	k->kl = tp_key(1);
	k->root = tp_cert("Long Root", k->kr, NULL, NULL, &r);
	k->ica = tp_cert(ica_cn, k->ki, k->root, k->kr, &ca);
	k->leaf = tp_cert("long.test", k->kl, k->ica, k->ki, NULL);
	k->pool = cc_pool_new();
	k->anchors = cc_pool_new();
	tp_add(k->anchors, k->root);
	tp_add(ap, k->root);
	k->profs = cc_profiles_new();
	assert_int_equal(cc_profiles_add_pool(k->profs, "unit", ap, CC_BEHAVIOUR_PATHBUILD, 1.0,
					      "unit", &e), 0);
	cc_pool_free(ap);
	k->cleaf = tp_add(k->pool, k->leaf);
	k->cica = tp_add(k->pool, k->ica);
	k->ica_dn = cc_cert_dn_dup(k->cica, 0);
	assert_non_null(k->ica_dn);
	assert_true(strlen(k->ica_dn) > 1500);
	/* the last attribute printed first (RFC 2253 order) and the first last */
	assert_non_null(strstr(k->ica_dn, "Number 039"));
	assert_non_null(strstr(k->ica_dn, "Number 000"));
}

static void longpki_make(longpki_t *k, const char *ica_cn)
{
	longpki_make_to(k, ica_cn, 0);
}

static void longpki_free(longpki_t *k)
{
	free(k->ica_dn);
	cc_pool_free(k->pool);
	cc_pool_free(k->anchors);
	cc_profiles_free(k->profs);
	X509_free(k->root);
	X509_free(k->ica);
	X509_free(k->leaf);
	EVP_PKEY_free(k->kr);
	EVP_PKEY_free(k->ki);
	EVP_PKEY_free(k->kl);
}

static const cc_finding_t *find(const cc_findings_t *f, const char *id)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].id, id))
			return &f->v[i];
	return NULL;
}

/* The names without a buffer, and the JSON of the certificate. */
static void names_whole(void **state)
{
	longpki_t k;
	char *name, *issuer_dn, *s;
	json_t *j;

	longpki_make(&k, NULL);
	/* no CN: the name is the whole DN */
	name = cc_cert_name_dup(k.cica, 0);
	assert_string_equal(name, k.ica_dn);
	issuer_dn = cc_cert_dn_dup(k.cleaf, 1);
	assert_string_equal(issuer_dn, k.ica_dn);
	j = cc_cert_json(k.cica);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "subject")), k.ica_dn);
	assert_string_equal(json_string_value(json_object_get(j, "subject_cn")), k.ica_dn);
	json_decref(j);
	j = cc_cert_json(k.cleaf);
	assert_string_equal(json_string_value(json_object_get(j, "issuer")), k.ica_dn);
	s = json_dumps(j, 0);
	assert_non_null(strstr(s, "Number 039"));
	free(s);
	json_decref(j);
	free(name);
	free(issuer_dn);
	longpki_free(&k);
}

/* A served chain described in words names each certificate whole. */
static void chain_described_whole(void **state)
{
	longpki_t k;
	cc_certlist_t served = { 0 };
	cc_buf_t b = { 0 };
	char *want;
	size_t n;

	longpki_make(&k, NULL);
	cc_certlist_push(&served, k.cleaf);
	cc_certlist_push(&served, k.cica);
	assert_int_equal(cc_chain_describe(k.profs, &served, &b), 0);
	n = strlen("long.test + ") + strlen(k.ica_dn) + 1;
	want = malloc(n);
	snprintf(want, n, "long.test + %s", k.ica_dn);
	assert_string_equal(b.s, want);
	free(want);
	cc_buf_clear(&b);
	cc_certlist_clear(&served);
	longpki_free(&k);
}

/* The leaf sent alone, its issuer (no CN, a long DN) nowhere: the finding
 * names the missing issuer whole, and so does what fix says it needs. */
static void missing_issuer_whole(void **state)
{
	longpki_t k;
	cc_certlist_t served = { 0 };
	cc_pool_t *sent = cc_pool_new();
	cc_judgement_t j;
	cc_missing_t m;
	cc_buf_t b = { 0 };
	cc_error_t e;
	const cc_finding_t *f;

	longpki_make(&k, NULL);
	cc_certlist_push(&served, tp_add(sent, k.leaf));
	assert_int_equal(cc_missing_issuer(served.v[0], sent, k.anchors, &m), 1);
	assert_string_equal(m.issuer_dn, k.ica_dn);
	assert_string_equal(m.issuer, k.ica_dn); /* no CN: the DN */
	cc_missing_text(&m, &b);
	assert_non_null(strstr(b.s, k.ica_dn));
	cc_buf_clear(&b);
	cc_missing_clear(&m);
	assert_null(m.issuer_dn);

	cc_judge_in_t in = { .served = &served, .anchors = k.anchors, .profs = k.profs,
			     .judge_after = 1 };
	assert_int_equal(cc_served_judge(&in, &j, &e), 0);
	assert_non_null(f = find(&j.findings, "incomplete-chain"));
	assert_non_null(strstr(f->msg, k.ica_dn));
	assert_int_equal(j.nneeds, 1);
	assert_int_equal(j.needs[0].kind, CC_NEED_ISSUER);
	assert_string_equal(j.needs[0].subject, k.ica_dn);
	assert_string_equal(j.needs[0].profiles, "unit");
	assert_non_null(strstr(j.needs[0].why, "the issuer of long.test"));
	assert_string_equal(j.needs[0].url, "");
	/* the client's verdict names it whole too */
	assert_int_equal(j.served.n, 1);
	assert_false(j.served.v[0].trusted);
	assert_non_null(strstr(j.served.v[0].reason, k.ica_dn));
	cc_judgement_clear(&j);
	cc_certlist_clear(&served);
	cc_pool_free(sent);
	longpki_free(&k);
}

/* The issuing CA (no CN, a long DN) served but expired: the path's reason,
 * its rank's why and the client's verdict name it whole. */
static void expired_reason_whole(void **state)
{
	longpki_t k;
	cc_certlist_t served = { 0 };
	cc_build_opts_t bo = { 0 };
	cc_judge_opts_t jo = { 0 };
	cc_paths_t *ps = NULL;
	cc_verdicts_t v = { 0 };
	cc_error_t e;

	longpki_make_to(&k, NULL, -86400);
	assert_int_equal(cc_build(&bo, k.cleaf, k.pool, k.anchors, &ps, &e), 0);
	cc_paths_rank(ps, 0, NULL, NULL);
	assert_int_equal(ps->n, 1);
	assert_false(ps->v[0].valid);
	assert_non_null(strstr(ps->v[0].reason, "expired"));
	assert_non_null(strstr(ps->v[0].reason, k.ica_dn));
	assert_non_null(strstr(ps->v[0].why, k.ica_dn));
	cc_certlist_push(&served, k.cleaf);
	cc_certlist_push(&served, k.cica);
	assert_int_equal(cc_profiles_judge(k.profs, &served, NULL, &jo, &v, &e), 0);
	assert_int_equal(v.n, 1);
	assert_false(v.v[0].trusted);
	assert_non_null(strstr(v.v[0].reason, "expired intermediate at depth 1"));
	assert_non_null(strstr(v.v[0].reason, k.ica_dn));
	cc_verdicts_clear(&v);
	cc_paths_free(ps);
	cc_certlist_clear(&served);
	longpki_free(&k);
}

/* With the CN, the names shown are the CN; the served ICA with a long DN as
 * the leaf's issuer is found and the chain is trusted. */
static void long_dn_with_cn(void **state)
{
	longpki_t k;
	cc_certlist_t served = { 0 };
	cc_judgement_t j;
	cc_error_t e;
	char *name;

	longpki_make(&k, "Long ICA");
	name = cc_cert_name_dup(k.cica, 0);
	assert_string_equal(name, "Long ICA");
	free(name);
	cc_certlist_push(&served, k.cleaf);
	cc_certlist_push(&served, k.cica);
	cc_judge_in_t in = { .served = &served, .anchors = k.anchors, .profs = k.profs,
			     .judge_after = 1 };
	assert_int_equal(cc_served_judge(&in, &j, &e), 0);
	assert_int_equal(j.served.ntrusted, 1);
	assert_int_equal(j.nneeds, 0);
	cc_judgement_clear(&j);
	cc_certlist_clear(&served);
	longpki_free(&k);
}

/* A record whose reason, finding message and certificate names are 2,000
 * bytes: parsed whole, counted whole, drawn whole. */
static char *long_text(char c, size_t n)
{
	char *s = malloc(n + 1);

	for (size_t i = 0; i < n; i++)
		s[i] = (char)(c + (i % 7 == 6 ? 1 : 0));
	memcpy(s + n - 4, "END.", 4);
	s[n] = 0;
	return s;
}

static void fleet_record_whole(void **state)
{
	char *reason = long_text('r', 2000), *msg = long_text('m', 2000);
	char *cn = long_text('c', 2000), *target = long_text('t', 2000);
	cc_fleet_rec_t *r = calloc(1, sizeof(*r));
	cc_fleet_summary_t *s = cc_fleet_summary_new();
	cc_buf_t b = { 0 };
	cc_error_t err;
	json_t *o, *j;
	char *line, *text, path[] = "/tmp/test_long_names_XXXXXX";
	cc_fleet_html_t *h;
	FILE *f;
	long size;
	int fd;

	/* a connect failure, then a problem with a long finding and CA name */
	o = json_pack("{s:i,s:s,s:i,s:s,s:s,s:s}", "line", 1, "target", target, "exit", 3,
		      "result", "connect-failed", "failure", "timeout", "reason", reason);
	line = json_dumps(o, 0);
	json_decref(o);
	assert_int_equal(cc_fleet_rec_parse(line, strlen(line), r, &err), 0);
	free(line);
	assert_string_equal(r->target, target);
	assert_string_equal(r->reason, reason);
	cc_fleet_summary_add(s, r);
	o = json_pack("{s:i,s:s,s:i,s:s,s:[{s:s,s:s,s:s}],s:[{s:s,s:s,s:s,s:b},"
		      "{s:s,s:s,s:s,s:b}]}",
		      "line", 2, "target", "b.test:443", "exit", 1, "result", "problems",
		      "findings", "id", "incomplete-chain", "severity", "error", "message", msg,
		      "served", "subject_cn", "b.test", "issuer_cn", cn, "sha256", "aa", "ca", 0,
		      "subject_cn", cn, "issuer_cn", cn, "sha256", "bb", "ca", 1);
	line = json_dumps(o, 0);
	json_decref(o);
	assert_int_equal(cc_fleet_rec_parse(line, strlen(line), r, &err), 0);
	free(line);
	assert_string_equal(r->reason, ""); /* the earlier record's is gone */
	assert_int_equal(r->nfind, 1);
	assert_string_equal(r->find[0].msg, msg);
	assert_int_equal(r->nserved, 2);
	assert_string_equal(r->served[1].cn, cn);
	assert_string_equal(r->served[0].issuer_cn, cn);
	cc_fleet_summary_add(s, r);
	/* the summary names the CA whole, as text and as JSON */
	cc_fleet_summary_text(s, &b);
	assert_non_null(strstr(b.s, cn));
	j = cc_fleet_summary_json(s);
	text = json_dumps(j, 0);
	assert_non_null(strstr(text, cn));
	free(text);
	json_decref(j);
	cc_buf_clear(&b);
	/* the page shows the message whole */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(cc_fleet_html_open(path, "long", &h, &err), 0);
	assert_int_equal(cc_fleet_html_add(h, r, &err), 0);
	assert_int_equal(cc_fleet_html_close(h, s, &err), 0);
	f = fopen(path, "r");
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)size + 1);
	assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	unlink(path);
	assert_non_null(strstr(text, msg));
	free(text);
	cc_fleet_summary_free(s);
	cc_fleet_rec_clear(r);
	assert_null(r->target);
	free(r);
	free(reason);
	free(msg);
	free(cn);
	free(target);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_whole),
		cmocka_unit_test(chain_described_whole),
		cmocka_unit_test(missing_issuer_whole),
		cmocka_unit_test(expired_reason_whole),
		cmocka_unit_test(long_dn_with_cn),
		cmocka_unit_test(fleet_record_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
