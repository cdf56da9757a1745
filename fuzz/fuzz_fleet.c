/*
 * fuzz_fleet.c - libFuzzer target: the records certchain report reads from
 * saved files (cc_fleet_rec_parse), then the summary they feed (text and
 * JSON). Any crash, leak or sanitizer report is a finding.
 */
#include "certchain.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cc_fleet_summary_t *s = cc_fleet_summary_new();
	cc_fleet_rec_t *r = calloc(1, sizeof(*r));
	cc_buf_t b = { 0 };
	cc_error_t err;

	if (s && r && !cc_fleet_rec_parse((const char *)data, size, r, &err)) {
		cc_fleet_summary_add(s, r);
		cc_fleet_summary_add(s, r);
		cc_fleet_summary_text(s, &b);
		json_t *j = cc_fleet_summary_json(s);
		cc_buf_json(&b, j);
		json_decref(j);
	}
	cc_buf_clear(&b);
	cc_fleet_summary_free(s);
	cc_fleet_rec_clear(r);
	free(r);
	return 0;
}
