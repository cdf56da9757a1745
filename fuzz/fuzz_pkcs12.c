/*
 * fuzz_pkcs12.c - libFuzzer target: PKCS#12/PFX import (cc_pfx_read through
 * cc_contents_read, which also sniffs PEM, DER, PKCS#7 and keys). The first
 * byte chooses the password ("" or "pass", what the seeds use), the rest is
 * the file. Every bag is then touched: names, key description, certificates.
 */
#include "certchain.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cc_pfx_t *p = NULL;
	cc_error_t err;
	char buf[256];

	if (size < 1)
		return 0;
	cc_error_clear(&err);
	if (cc_contents_read(data + 1, size - 1, "fuzz.pfx", (data[0] & 1) ? "pass" : "",
			     &p, &err) == 0) {
		for (size_t i = 0; i < p->n; i++) {
			if (p->bags[i].cert) {
				cc_cert_name(p->bags[i].cert, 0, buf, sizeof(buf));
				(void)cc_cert_not_after(p->bags[i].cert);
			}
			if (p->bags[i].key)
				cc_key_desc(p->bags[i].key, buf, sizeof(buf));
		}
	}
	cc_error_line(&err, buf, sizeof(buf));
	cc_pfx_free(p);
	return 0;
}
