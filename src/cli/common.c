/* common.c - helpers every subcommand uses: loading, errors, PEM, trees. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>

int cli_fail(const cc_error_t *err)
{
	char line[1200];
	fprintf(stderr, "certchain: %s\n", cc_error_line(err, line, sizeof(line)));
	return EXIT_USAGE;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "certchain %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'certchain %s --help')\n", cmd);
	return EXIT_USAGE;
}

int cli_bad_option(const char *cmd, char **argv, const struct option *lo)
{
	const char *a = argv[optind - 1];
	int isshort = optopt && strncmp(a, "--", 2);

	/* Only the name: the value of an unknown --password=... (or any
	 * unknown --name=value) may be a secret and must not reach a log. */
	if (!optopt && strchr(a, '='))
		return cli_usage_error(cmd, "unknown option '%.*s' (its value is not "
					    "shown)", (int)strcspn(a, "="), a);
	if (!optopt)
		return cli_usage_error(cmd, "unknown option '%s'", a);
	for (; lo->name; lo++)
		if (lo->val == optopt && lo->has_arg == required_argument) {
			if (isshort)
				return cli_usage_error(cmd, "option '-%c' needs a value",
						       optopt);
			return cli_usage_error(cmd, "option '%s' needs a value", a);
		}
	if (isshort)
		return cli_usage_error(cmd, "unknown option '-%c'", optopt);
	return cli_usage_error(cmd, "option '%.*s' takes no value",
			       (int)strcspn(a, "="), a);
}

int cli_load(cc_pool_t *pool, const char *path, unsigned flags,
	     cc_certlist_t *order)
{
	cc_certlist_t mine = { 0 }, *o = order ? order : &mine;
	size_t before = o->n;
	struct stat st;
	cc_error_t err;
	int r;

	cc_error_clear(&err);
	r = cc_pool_load(pool, path, flags, o, &err);
	/* An empty file is an error; so is a directory without a certificate
	 * (an empty -r would trust nothing, an empty leaf has no leaf). */
	if (!r && o->n == before && !(flags & CC_LOAD_ALLOW_EMPTY) &&
	    !stat(path, &st) && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "certchain: %s: a directory without any certificate\n",
			path);
		r = EXIT_USAGE;
	} else if (r) {
		r = cli_fail(&err);
	}
	cc_certlist_clear(&mine);
	return r;
}

int cli_load_system_roots(cc_pool_t *pool, const char **used)
{
	const char *f = getenv("SSL_CERT_FILE"), *d = getenv("SSL_CERT_DIR");
	struct stat st;

	if (!f && !d)
		f = "/etc/ssl/certs/ca-certificates.crt";
	*used = f ? f : d;
	if (f && stat(f, &st)) {
		fprintf(stderr, "certchain: %s: system trust store not found; "
				"give trust anchors with -r/--roots\n", f);
		return EXIT_USAGE;
	}
	if (f && cli_load(pool, f, 0, NULL))
		return EXIT_USAGE;
	if (d && cli_load(pool, d, CC_LOAD_ALLOW_EMPTY, NULL))
		return EXIT_USAGE;
	return 0;
}

int cli_parse_time(const char *cmd, const char *s, time_t *out)
{
	if (cc_time_parse(s, out))
		return cli_usage_error(cmd, "--at: '%s' is not an RFC 3339 time "
					    "or @unixseconds", s);
	return 0;
}

void cli_pem(cc_buf_t *b, cc_cert_t *c)
{
	size_t len;
	const unsigned char *der = cc_cert_der(c, &len);
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;

	if (!bio) {
		b->oom = 1;
		return;
	}
	/* PEM_write_bio writes the DER we hold, byte for byte. */
	PEM_write_bio(bio, "CERTIFICATE", "", der, (long)len);
	n = BIO_get_mem_data(bio, &data);
	cc_buf_printf(b, "%.*s", (int)n, data);
	BIO_free(bio);
}

int cli_write_pem(const char *path, cc_cert_t *const *v, size_t n)
{
	cc_buf_t b = { 0 };
	cc_error_t err;
	int r;

	cc_error_clear(&err);
	for (size_t i = 0; i < n; i++)
		cli_pem(&b, v[i]);
	if (b.oom) {
		cc_buf_clear(&b);
		fprintf(stderr, "certchain: %s: out of memory\n", path);
		return EXIT_USAGE;
	}
	r = cc_write_file_atomic(path, b.s, b.n, 0644, &err);
	cc_buf_clear(&b);
	return r ? cli_fail(&err) : 0;
}

const char *cli_sev_name(int s)
{
	return s == CC_SEV_ERROR ? "error" : s == CC_SEV_WARNING ? "warning" : "info";
}

int cli_findings_idw(const cc_findings_t *f, int idw)
{
	for (size_t i = 0; f && i < f->n; i++)
		if (strlen(f->v[i].id) > (size_t)idw)
			idw = (int)strlen(f->v[i].id);
	return idw;
}

void cli_findings_text_w(cc_buf_t *b, const cc_findings_t *f, int idw)
{
	for (size_t i = 0; i < f->n; i++)
		cc_buf_printf(b, "  %-7s %-*s  %s\n", cli_sev_name(f->v[i].severity),
			      idw, f->v[i].id, f->v[i].msg);
}

void cli_findings_text(cc_buf_t *b, const cc_findings_t *f)
{
	cli_findings_text_w(b, f, cli_findings_idw(f, 0));
}

json_t *cli_findings_json(const cc_findings_t *f)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < f->n; i++)
		if (json_array_append_new(a, json_pack("{s:s,s:s,s:i,s:o}", "id", f->v[i].id,
						       "severity",
						       cli_sev_name(f->v[i].severity),
						       "depth", f->v[i].depth, "message",
						       cc_json_str(f->v[i].msg)))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *cli_certs_json(cc_cert_t *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, cc_cert_json(v[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *cli_fps_json(cc_cert_t *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, cli_json_fp(v[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

void cli_json_line(cc_buf_t *b, json_t *j)
{
	cc_buf_json(b, j);
	cc_buf_printf(b, "\n");
	json_decref(j);
}

json_t *cli_strs_json(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, cc_json_str(v[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *cli_json_fixed(double x, int decimals)
{
	char t[64];

	/* the value the text "%.4f" showed, not more digits than it had */
	snprintf(t, sizeof(t), "%.*f", decimals, x);
	return json_real(strtod(t, NULL));
}

json_t *cli_json_g(double x)
{
	char t[64];

	snprintf(t, sizeof(t), "%g", x);
	if (!strpbrk(t, ".eEnN"))
		return json_integer(strtoll(t, NULL, 10));
	return json_real(strtod(t, NULL));
}

json_t *cli_json_opt(const char *s)
{
	return s && *s ? cc_json_str(s) : json_null();
}

json_t *cli_json_fp(cc_cert_t *c)
{
	char fp[65];

	if (!c)
		return json_null();
	cc_cert_sha256_hex(c, fp);
	return json_string(fp);
}

void cli_flush(cc_buf_t *b)
{
	if (b->s)
		fputs(b->s, stdout);
	if (b->oom)
		fprintf(stderr, "certchain: out of memory: output truncated\n");
	cc_buf_clear(b);
}

void cli_tree(cc_buf_t *b, cc_cert_t *const *v, size_t n, size_t served,
	      time_t at)
{
	char key[64], t[32], fp[65];
	cc_names_t nm = { 0 };

	for (size_t i = 0; i < n; i++) {
		cc_cert_t *c = v[i];
		time_t na = cc_cert_not_after(c);
		int ind = (int)(i * 3);
		const char *pad = i ? "   " : "";

		cc_cert_sha256_hex(c, fp);
		cc_buf_printf(b, "  %*s%s%s\n", ind, "", i ? "└─ " : "",
			      cc_names_get(&nm, c, 0));
		cc_buf_printf(b, "  %*s%s   %s, %s %.10s, sha256 %.16s\n", ind, "",
			      pad, cc_cert_key_desc(c, key, sizeof(key)),
			      na < at ? "EXPIRED" : "expires", cc_time_str(na, t), fp);
		cc_buf_printf(b, "  %*s%s   %s%s\n", ind, "", pad,
			      cc_cert_self_issued(c) ? "self-signed" : "issued by ",
			      cc_cert_self_issued(c) ? "" : cc_names_get(&nm, c, 1));
		if (i >= served)
			cc_buf_printf(b, "  %*s%s   trust anchor: clients have it, not served\n",
				      ind, "", pad);
	}
	cc_names_free(&nm);
}

int cli_push_arg(const char ***v, size_t *n, const char *s)
{
	const char **nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return -1;
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

int cli_out_arg(const char *cmd, const char *opt, const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	struct stat st;

	if (!*path)
		return cli_usage_error(cmd, "%s: an empty file name", opt);
	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		return cli_usage_error(cmd, "%s %s: is a directory, not a file", opt, path);
#ifdef _WIN32
	/* UTF-8 names reach the file functions through compat.c's wide-character
	 * wrappers only; the write itself says what is wrong */
	(void)slash;
	(void)dir;
#else
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return cli_usage_error(cmd, "%s %s: the directory %s does not exist", opt, path, dir);
	if (access(dir, W_OK | X_OK))
		return cli_usage_error(cmd, "%s %s: cannot write in %s: %s", opt, path, dir,
				       strerror(errno));
#endif
	return 0;
}
