/* cmd_store.c - certchain store: list, show, remove, disable, enable,
 * export and rehash; dispatch (import is in cmd_store_import.c, the
 * options every store command shares in store_args.c). */
#include "cli.h"
#include "cli_store.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* Selects exactly one entry; prints why not and returns the exit code. */
static int select_one(cc_store_t *st, const char *sel, cc_store_list_t **l)
{
	cc_error_t err;
	int r;

	cc_error_clear(&err);
	r = cc_store_select(st, sel, 0, l, &err);
	if (r == 0)
		return 0;
	cli_fail(&err);
	cc_store_list_free(*l);
	*l = NULL;
	return r == CC_ENOTFOUND ? EXIT_PROBLEM : EXIT_USAGE;
}

/* One store entry as a new JSON object (NULL when out of memory). */
static json_t *json_entry(const cc_store_entry_t *e)
{
	return json_pack("{s:s,s:b,s:b,s:o,s:o,s:o}", "store", cc_store_kind_name(e->kind),
			 "disabled", e->disabled, "has_key", e->has_key,
			 "friendly_name", cc_json_str(e->name),
			 "file", cc_json_str(cc_cert_source(e->cert)),
			 "certificate", cc_cert_json(e->cert));
}

static int do_list(cc_store_t *st, const cli_store_args_t *a)
{
	cc_store_list_t *l = NULL;
	cc_buf_t b = { 0 };
	cc_error_t err;
	int kind = 0, last = -1;

	cc_error_clear(&err);
	if (a->nargs > 1 || (a->nargs && (kind = cc_store_kind_parse(a->args[0])) <= 0))
		return cli_usage_error("store", "list takes at most one of "
					       "intermediate, root, personal");
	if (cc_store_list(st, kind, &l, &err))
		return cli_fail(&err);
	if (a->json) {
		json_t *arr = json_array();
		for (size_t i = 0; arr && i < l->n; i++)
			if (json_array_append_new(arr, json_entry(&l->v[i]))) {
				json_decref(arr);
				arr = NULL;
			}
		cli_json_line(&b, json_pack("{s:o,s:o}", "store", cc_json_str(cc_store_dir(st)),
				       "certificates", arr));
	} else {
		cc_buf_printf(&b, "store %s: %zu certificate%s\n", cc_store_dir(st), l->n,
			      l->n == 1 ? "" : "s");
	}
	for (size_t i = 0; !a->json && i < l->n; i++) {
		const cc_store_entry_t *e = &l->v[i];
		char cn[256], iss[256], key[64], t[32];
		if (e->kind != last)
			cc_buf_printf(&b, "\n%s:\n", cc_store_kind_name(e->kind));
		last = e->kind;
		cc_buf_printf(&b, "  %s%s%s%s%s\n", cc_cert_name(e->cert, 0, cn, sizeof(cn)),
			      e->name[0] ? "  \"" : "", e->name, e->name[0] ? "\"" : "",
			      e->disabled ? "  [DISABLED]" : "");
		cc_buf_printf(&b, "     issued by %s, %s, expires %.10s, sha256 %.16s%s\n",
			      cc_cert_self_issued(e->cert) ? "itself"
							   : cc_cert_name(e->cert, 1, iss, sizeof(iss)),
			      cc_cert_key_desc(e->cert, key, sizeof(key)),
			      cc_time_str(cc_cert_not_after(e->cert), t), e->sha256,
			      e->has_key ? ", private key" : "");
	}
	cli_flush_report(&b, a->json);
	cc_store_list_free(l);
	return EXIT_OK;
}

static int do_show(cc_store_t *st, const cli_store_args_t *a, cc_store_list_t *l)
{
	const cc_store_entry_t *e = &l->v[0];
	cc_buf_t b = { 0 };
	char s[1024], key[64], t1[32], t2[32], keyline[1300] = "none";
	EVP_PKEY *k = NULL;
	cc_error_t err;

	cc_error_clear(&err);
	if (e->has_key) {
		if (cc_store_key(st, e, a->insecure ? CC_STORE_INSECURE_KEY_PERMS : 0, &k,
				 &err))
			snprintf(keyline, sizeof(keyline), "UNUSABLE: %s",
				 cc_error_line(&err, s, sizeof(s)));
		else
			snprintf(keyline, sizeof(keyline), "present, matches the certificate");
		EVP_PKEY_free(k);
	}
	if (a->json) {
		cli_json_line(&b, json_pack("{s:o,s:o}", "entry", json_entry(e),
				       "key", cc_json_str(keyline)));
		cli_flush(&b);
		return err.code ? cli_fail(&err) : EXIT_OK;
	}
	cc_buf_printf(&b, "subject:       %s\n", cc_cert_dn(e->cert, 0, s, sizeof(s)));
	cc_buf_printf(&b, "issuer:        %s\n", cc_cert_dn(e->cert, 1, s, sizeof(s)));
	cc_buf_printf(&b, "store:         %s%s\n", cc_store_kind_name(e->kind),
		      e->disabled ? " (DISABLED: never used in a path)" : "");
	cc_buf_printf(&b, "friendly name: %s\n", e->name[0] ? e->name : "(none)");
	cc_buf_printf(&b, "valid:         %s .. %s\n",
		      cc_time_str(cc_cert_not_before(e->cert), t1),
		      cc_time_str(cc_cert_not_after(e->cert), t2));
	cc_buf_printf(&b, "key:           %s\n", cc_cert_key_desc(e->cert, key, sizeof(key)));
	cc_buf_printf(&b, "signature:     %s\n", cc_cert_sig_name(e->cert));
	cc_buf_printf(&b, "CA:            %s%s\n", cc_cert_is_ca(e->cert) ? "yes" : "no",
		      cc_cert_self_issued(e->cert) ? ", self-issued" : "");
	cc_buf_printf(&b, "sha256:        %s\n", e->sha256);
	cc_buf_printf(&b, "file:          %s\n", cc_cert_source(e->cert));
	cc_buf_printf(&b, "private key:   %s\n", keyline);
	cli_flush_text(&b);
	return err.code ? cli_fail(&err) : EXIT_OK;
}

/* One line saying what a change did, as text or JSON. */
static void said(const cli_store_args_t *a, const char *action, int changed,
		 const cc_store_entry_t *e, const char *file)
{
	char cn[256];
	cc_buf_t b = { 0 };

	cc_cert_name(e->cert, 0, cn, sizeof(cn));
	if (a->json) {
		json_t *j = json_pack("{s:s,s:b,s:s,s:s,s:o}", "action", action,
				      "changed", changed, "store", cc_store_kind_name(e->kind),
				      "sha256", e->sha256, "subject_cn", cc_json_str(cn));
		if (j && file && json_object_set_new(j, "file", cc_json_str(file))) {
			json_decref(j);
			j = NULL;
		}
		cli_json_line(&b, j);
	} else if (file) {
		cc_buf_printf(&b, "wrote %s: %s (sha256 %.16s)\n", file, cn, e->sha256);
	} else {
		cc_buf_printf(&b, "%s%s: %s (%s, sha256 %.16s)\n", changed ? "" : "already ",
			      action, cn, cc_store_kind_name(e->kind), e->sha256);
	}
	cli_flush_report(&b, a->json);
}

static int do_change(cc_store_t *st, const char *cmd, const cli_store_args_t *a,
		     cc_store_list_t *l)
{
	const cc_store_entry_t *e = &l->v[0];
	cc_error_t err;
	int dis = !strcmp(cmd, "disable");

	cc_error_clear(&err);
	if (!strcmp(cmd, "remove")) {
		if (cc_store_remove(st, e->sha256, &err))
			return cli_fail(&err);
		said(a, "removed", 1, e, NULL);
	} else if (!strcmp(cmd, "export")) {
		if (!a->out)
			return cli_usage_error("store", "export needs -o FILE");
		if (cc_store_export(e, a->out, a->der ? CC_STORE_DER : CC_STORE_PEM, &err))
			return cli_fail(&err);
		said(a, "exported", 1, e, a->out);
	} else if (e->disabled == dis) {
		said(a, dis ? "disabled" : "enabled", 0, e, NULL);
	} else {
		if (cc_store_set_disabled(st, e->sha256, dis, &err))
			return cli_fail(&err);
		said(a, dis ? "disabled" : "enabled", 1, e, NULL);
	}
	return EXIT_OK;
}

static int do_rehash(cc_store_t *st, int json)
{
	cc_error_t err;
	cc_store_list_t *l = NULL;
	cc_buf_t b = { 0 };
	char dir[4200];
	size_t n = 0;

	cc_error_clear(&err);
	if (cc_store_rehash(st, &err) || cc_store_list(st, CC_STORE_ROOT, &l, &err))
		return cli_fail(&err);
	for (size_t i = 0; i < l->n; i++)
		n += !l->v[i].disabled;
	if (json)
		cli_json_line(&b, json_pack("{s:s,s:I}", "action", "rehash", "links", (json_int_t)n));
	else if (cc_path_fmt(dir, sizeof(dir), cc_store_dir(st), "root") >= 0)
		cc_buf_printf(&b, "%s: %zu hashed link%s (enabled roots) for openssl "
			      "verify -CApath\n", dir, n, n == 1 ? "" : "s");
	cli_flush_report(&b, json);
	cc_store_list_free(l);
	return EXIT_OK;
}

static const char *const with_selector[] = { "show", "remove", "disable",
					      "enable", "export" };

/* Options may come before the store command ('store --store DIR list', as
 * the man page writes it): moves the first non-option to argv[1]. */
static void command_first(int argc, char **argv)
{
	static const char *const with_value[] = { "--store", "--to", "--key",
						  "--name", "-o", "--output" };
	int k = 1;

	while (k < argc && argv[k][0] == '-' && strcmp(argv[k], "--")) {
		int v = 0;
		for (size_t i = 0; i < sizeof(with_value) / sizeof(with_value[0]); i++)
			v |= !strcmp(argv[k], with_value[i]);
		k += 1 + v;
	}
	if (k >= argc || k == 1 || argv[k][0] == '-')
		return;
	for (char *cmd = argv[k]; k > 1; k--) {
		argv[k] = argv[k - 1];
		argv[k - 1] = cmd;
	}
}

int cmd_store(int argc, char **argv)
{
	cli_store_args_t a = { 0 };
	cc_store_t *st = NULL;
	cc_store_list_t *l = NULL;
	const char *cmd;
	int rc, sel = 0;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(cli_store_usage, stdout);
			return EXIT_OK;
		}
	command_first(argc, argv);
	if (argc < 2 || argv[1][0] == '-') {
		if (argc < 2)
			fputs(cli_store_usage, stderr);
		else
			cli_usage_error("store", "no store command (list, import, show, "
					"remove, disable, enable, export, rehash)");
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "import"))
		return cmd_store_import(argc - 1, argv + 1);
	for (size_t i = 0; i < sizeof(with_selector) / sizeof(with_selector[0]); i++)
		sel |= !strcmp(cmd, with_selector[i]);
	if (!sel && strcmp(cmd, "list") && strcmp(cmd, "rehash"))
		return cli_usage_error("store", "unknown store command '%s'", cmd);
	rc = cli_store_args(argc - 1, argv + 1, &a);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (sel && a.nargs != 1)
		return cli_usage_error("store", "%s takes exactly one SELECTOR", cmd);
	if (!strcmp(cmd, "rehash") && a.nargs)
		return cli_usage_error("store", "rehash takes no argument");
	if ((rc = cli_store_open(&a, &st)))
		return rc;
	if (!strcmp(cmd, "list"))
		rc = do_list(st, &a);
	else if (!strcmp(cmd, "rehash"))
		rc = do_rehash(st, a.json);
	else if (!(rc = select_one(st, a.args[0], &l)))
		rc = !strcmp(cmd, "show") ? do_show(st, &a, l) : do_change(st, cmd, &a, l);
	cc_store_list_free(l);
	cc_store_close(st);
	return rc;
}
