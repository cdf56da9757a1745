/* cert_json.c - one certificate as a JSON object, the form every --json
 * output uses. Here rather than in core/report.c: it reads certificates. */
#include "internal.h"

void cc_json_cert(cc_buf_t *b, cc_cert_t *c)
{
	char s[1024], t[32], fp[65];

	cc_cert_sha256_hex(c, fp);
	cc_buf_printf(b, "{\"subject\":");
	cc_buf_json_str(b, cc_cert_dn(c, 0, s, sizeof(s)));
	cc_buf_printf(b, ",\"issuer\":");
	cc_buf_json_str(b, cc_cert_dn(c, 1, s, sizeof(s)));
	cc_buf_printf(b, ",\"subject_cn\":");
	cc_buf_json_str(b, cc_cert_name(c, 0, s, sizeof(s)));
	cc_buf_printf(b, ",\"issuer_cn\":");
	cc_buf_json_str(b, cc_cert_name(c, 1, s, sizeof(s)));
	cc_buf_printf(b, ",\"sha256\":\"%s\",\"not_before\":\"%s\"", fp,
		      cc_time_str(cc_cert_not_before(c), t));
	cc_buf_printf(b, ",\"not_after\":\"%s\",\"key\":", cc_time_str(cc_cert_not_after(c), t));
	cc_buf_json_str(b, cc_cert_key_desc(c, s, sizeof(s)));
	cc_buf_printf(b, ",\"sig_alg\":");
	cc_buf_json_str(b, cc_cert_sig_name(c));
	cc_buf_printf(b, ",\"self_signed\":%s,\"ca\":%s}",
		      cc_cert_self_issued(c) ? "true" : "false",
		      cc_cert_is_ca(c) ? "true" : "false");
}
