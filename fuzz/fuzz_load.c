/*
 * fuzz_load.c - libFuzzer target: certificate loading (PEM bundles with junk,
 * DER, concatenated DER, PKCS#7 in PEM or DER) through cc_pool_load_mem(),
 * then every accessor that decodes lazily, and the issuer index (exact and
 * canonical). Any crash, leak or sanitizer report is a finding.
 */
#include "certchain.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cc_pool_t *p = cc_pool_new();
	cc_certlist_t order = { 0 }, iss = { 0 };
	cc_error_t err;
	char buf[256], hex[65];

	if (!p)
		return 0;
	cc_error_clear(&err);
	/* The first byte picks the flags, so both the strict and the lenient
	 * path see every input shape. */
	cc_pool_load_mem(p, data, size, "fuzz", size && (data[0] & 1) ? CC_LOAD_ALLOW_EMPTY : 0,
			 &order, &err);
	cc_error_line(&err, buf, sizeof(buf));
	for (size_t i = 0; i < cc_pool_count(p) && i < 64; i++) {
		cc_cert_t *c = cc_pool_get(p, i);
		cc_cert_sha256_hex(c, hex);
		cc_cert_name(c, 0, buf, sizeof(buf));
		cc_cert_name(c, 1, buf, sizeof(buf));
		cc_cert_dn(c, 0, buf, sizeof(buf));
		cc_cert_key_desc(c, buf, sizeof(buf));
		(void)cc_cert_sig_name(c);
		(void)cc_cert_weak_sig(c);
		(void)cc_cert_is_ca(c);
		(void)cc_cert_self_issued(c);
		(void)cc_cert_not_before(c);
		(void)cc_cert_not_after(c);
		(void)cc_pool_find_sha256(p, cc_cert_sha256(c));
		iss.n = 0;
		(void)cc_pool_issuers_of(p, c, &iss);
	}
	if (cc_pool_count(p))
		(void)cc_pool_select(p, "CN=fuzz", &iss);
	cc_certlist_clear(&iss);
	cc_certlist_clear(&order);
	cc_pool_free(p);
	return 0;
}
