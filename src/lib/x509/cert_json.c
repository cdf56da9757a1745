/* cert_json.c - one certificate as a JSON object, the form every --json
 * output uses. Here rather than in core/report.c: it reads certificates. */
#include "internal.h"

#include <stdlib.h>

json_t *cc_cert_json(cc_cert_t *c)
{
	char s[128], t[32], fp[65];
	char *name[4] = { cc_cert_dn_dup(c, 0), cc_cert_dn_dup(c, 1), cc_cert_name_dup(c, 0),
			  cc_cert_name_dup(c, 1) };
	json_t *o = name[0] && name[1] && name[2] && name[3] ? json_object() : NULL;

	if (o) {
		/* the names whole, however many attributes they hold */
		json_object_set_new(o, "subject", cc_json_str(name[0]));
		json_object_set_new(o, "issuer", cc_json_str(name[1]));
		json_object_set_new(o, "subject_cn", cc_json_str(name[2]));
		json_object_set_new(o, "issuer_cn", cc_json_str(name[3]));
	}
	for (int i = 0; i < 4; i++)
		free(name[i]);
	if (!o)
		return NULL;
	cc_cert_sha256_hex(c, fp);
	json_object_set_new(o, "sha256", json_string(fp));
	json_object_set_new(o, "not_before", json_string(cc_time_str(cc_cert_not_before(c), t)));
	json_object_set_new(o, "not_after", json_string(cc_time_str(cc_cert_not_after(c), t)));
	json_object_set_new(o, "key", cc_json_str(cc_cert_key_desc(c, s, sizeof(s))));
	json_object_set_new(o, "sig_alg", cc_json_str(cc_cert_sig_name(c)));
	json_object_set_new(o, "self_signed", json_boolean(cc_cert_self_issued(c)));
	json_object_set_new(o, "ca", json_boolean(cc_cert_is_ca(c)));
	return o;
}
