/*
 * conf_read.c (POSIX) - the few main-level directives the reload proof
 * needs (nginx's pid and error_log, Apache's PidFile, ErrorLog and
 * ServerRoot), read the way the server reads its configuration: included
 * files are followed where the server follows them and in its order, so a
 * pid file named in an included file is the one the server writes.
 *
 * nginx: "include PATH;" outside every block; PATH relative to the
 * directory of the main file (nginx's conf prefix), a glob (glob(3)
 * without GLOB_PERIOD, sorted, no match allowed) when it holds * ? or [,
 * else one file that must be readable. Apache: Include and IncludeOptional
 * (any case) outside every <Section>, relative to the ServerRoot in effect
 * on that line; a directory includes every entry, dot files too, sorted,
 * subdirectories recursively; a glob's matches likewise; Include fails on
 * a glob without a match or a missing file, IncludeOptional skips them.
 * What the server would refuse (an unreadable include, a loop) is an error
 * here too: reload runs the server's configuration test first, so such a
 * file only shows up when it changed in between, and then the pid file
 * cannot be told.
 */
#include "internal.h"
#include "deploy/deploy.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Includes inside includes: real layouts nest two or three deep (nginx.conf,
 * modules-enabled/x.conf; apache2.conf, sites-enabled/x.conf). Apache
 * stops at 128 and nginx never (it overflows its stack on a loop); 16 keeps
 * this reader's stack small and is far above any real layout.
 */
#define CONF_DEPTH_MAX 16
/* Files read in all: a shared host's thousands of vhost files, Apache's
 * sites-enabled/ included at top level; beyond this the reader stops. */
#define CONF_FILES_MAX 10000

typedef struct walk {
	int apache;
	const char *main; /* the main file, for messages */
	/* nginx: the main file's directory; Apache: the ServerRoot in effect */
	char base[CC_DEPLOY_PATH];
	struct {
		dev_t dev;
		ino_t ino;
	} open[CONF_DEPTH_MAX]; /* the files (and Apache's directories) being read */
	size_t depth, files;
	cc_conf_main_t *m;
	char *why;
	size_t whylen;
} walk_t;

static int read_path(walk_t *w, const char *arg, const char *from, int optional);

int cc_deploy_conf_env(const char *in, char *out, size_t n)
{
	size_t k = 0;

	for (const char *s = in; *s && k + 1 < n;) {
		const char *e;
		if (s[0] == '$' && s[1] == '{' && (e = strchr(s, '}'))) {
			char name[128];
			const char *v;
			snprintf(name, sizeof(name), "%.*s", (int)(e - s - 2), s + 2);
			if (!(v = getenv(name))) {
				snprintf(out, n, "%s", name);
				return -1;
			}
			k += (size_t)snprintf(out + k, n - k, "%s", v);
			if (k >= n)
				k = n - 1;
			s = e + 1;
		} else {
			out[k++] = *s++;
		}
	}
	out[k] = 0;
	return 0;
}

/* Splits statement st into its directive name and first argument (quotes
 * removed). 1, or 0 when st is blank. */
static int statement(const char *st, char *name, size_t nn, char *arg, size_t an)
{
	const char *v;
	size_t len;

	while (isspace((unsigned char)*st))
		st++;
	len = strcspn(st, " \t\r\n");
	snprintf(name, nn, "%.*s", (int)len, st);
	for (v = st + len; isspace((unsigned char)*v); v++)
		;
	if (*v == '"' || *v == '\'')
		snprintf(arg, an, "%.*s", (int)strcspn(v + 1, *v == '"' ? "\"" : "'"), v + 1);
	else
		snprintf(arg, an, "%.*s", (int)strcspn(v, " \t\r\n"), v);
	return len > 0;
}

/* One main-level nginx statement: the first pid and error_log count (a
 * second pid is nginx's "directive is duplicate"; error_log may repeat and
 * nginx writes to each). */
static int nginx_statement(walk_t *w, const char *st, const char *path)
{
	char name[32], arg[CC_DEPLOY_PATH];

	if (!statement(st, name, sizeof(name), arg, sizeof(arg)) || !arg[0])
		return 0;
	if (!strcmp(name, "include"))
		return read_path(w, arg, path, 0);
	if (!strcmp(name, "pid") && !w->m->pid[0]) {
		snprintf(w->m->pid, sizeof(w->m->pid), "%s", arg);
		snprintf(w->m->pid_in, sizeof(w->m->pid_in), "%s", path);
	}
	if (!strcmp(name, "error_log") && !w->m->errlog[0])
		snprintf(w->m->errlog, sizeof(w->m->errlog), "%s", arg);
	return 0;
}

/* nginx: statements end at ';' and may share a line ("worker_processes 1;
 * pid /x.pid;"), '{' '}' open and close blocks, '#' comments to the end of
 * the line, quotes hide all three. */
static int nginx_file(walk_t *w, FILE *f, const char *path)
{
	char st[CC_DEPLOY_PATH + 256];
	size_t k = 0;
	int c, depth = 0, quote = 0;

	while ((c = getc(f)) != EOF) {
		if (!quote && c == '#') {
			while ((c = getc(f)) != EOF && c != '\n')
				;
			continue;
		}
		if (quote || c == '"' || c == '\'') {
			quote = !quote ? c : c == quote ? 0 : quote;
		} else if (c == ';' || c == '{' || c == '}') {
			st[k] = 0;
			if (c == ';' && !depth && nginx_statement(w, st, path))
				return -1;
			depth += c == '{' ? 1 : c == '}' ? -1 : 0;
			depth = depth < 0 ? 0 : depth;
			k = 0;
			continue;
		}
		if (k + 1 < sizeof(st))
			st[k++] = (char)c;
	}
	return 0;
}

/* One top-level Apache line: the last PidFile and ErrorLog win; ServerRoot
 * takes effect at once (relative to the one before) for the includes after
 * it. */
static int apache_statement(walk_t *w, const char *s, const char *path)
{
	char name[32], arg[CC_DEPLOY_PATH], x[CC_DEPLOY_PATH];

	if (!statement(s, name, sizeof(name), arg, sizeof(arg)) || !arg[0])
		return 0;
	if (!strcasecmp(name, "Include") || !strcasecmp(name, "IncludeOptional"))
		return read_path(w, arg, path, !strcasecmp(name, "IncludeOptional"));
	if (!strcasecmp(name, "PidFile")) {
		snprintf(w->m->pid, sizeof(w->m->pid), "%s", arg);
		snprintf(w->m->pid_in, sizeof(w->m->pid_in), "%s", path);
	}
	if (!strcasecmp(name, "ErrorLog"))
		snprintf(w->m->errlog, sizeof(w->m->errlog), "%s", arg);
	if (strcasecmp(name, "ServerRoot"))
		return 0;
	if (cc_deploy_conf_env(arg, x, sizeof(x))) {
		snprintf(w->why, w->whylen, "the ServerRoot of %s uses ${%s}, which is not set",
			 path, x);
		return -1;
	}
	snprintf(arg, sizeof(arg), "%s", w->base);
	cc_deploy_conf_abs(x, arg, w->base, sizeof(w->base));
	return 0;
}

/* Apache: one directive per line; <Section> lines open and close blocks. */
static int apache_file(walk_t *w, FILE *f, const char *path)
{
	char line[CC_DEPLOY_PATH + 256];
	int depth = 0;

	while (fgets(line, sizeof(line), f)) {
		char *s = line;
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			continue;
		if (*s == '<') {
			depth += s[1] == '/' ? -1 : 1;
			depth = depth < 0 ? 0 : depth;
			continue;
		}
		if (!depth && apache_statement(w, s, path))
			return -1;
	}
	return 0;
}

static int read_one(walk_t *w, const char *path, const char *from);

/* Apache's include of a directory: every entry but . and .., sorted. */
static int read_dir(walk_t *w, const char *path)
{
	struct dirent **v;
	int n = scandir(path, &v, NULL, alphasort), r = 0;

	if (n < 0) {
		snprintf(w->why, w->whylen, "cannot read the directory %s: %s", path,
			 strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const char *e = v[i]->d_name;
		if (!r && strcmp(e, ".") && strcmp(e, "..")) {
			char sub[CC_DEPLOY_PATH];
			snprintf(sub, sizeof(sub), "%s/%s", path, e);
			r = read_one(w, sub, path);
		}
		free(v[i]);
	}
	free(v);
	return r;
}

/* "cannot read PATH (included from FROM): why"; -1. */
static int cannot(walk_t *w, const char *path, const char *from, int e)
{
	snprintf(w->why, w->whylen, "cannot read %s%s%s%s: %s", path,
		 from ? " (included from " : "", from ? from : "", from ? ")" : "", strerror(e));
	return -1;
}

/* Reads one included (or the main) file, or Apache's directory; from: who
 * includes it, NULL for the main file. */
static int read_one(walk_t *w, const char *path, const char *from)
{
	struct stat st;
	FILE *f;
	int r;

	if (stat(path, &st))
		return cannot(w, path, from, errno);
	if (S_ISDIR(st.st_mode) && !w->apache)
		return cannot(w, path, from, EISDIR); /* nginx cannot read one either */
	for (size_t i = 0; i < w->depth; i++)
		if (w->open[i].dev == st.st_dev && w->open[i].ino == st.st_ino) {
			snprintf(w->why, w->whylen, "the includes of %s loop: %s includes %s, "
				 "which is already being read", w->main, from, path);
			return -1;
		}
	if (w->depth == CONF_DEPTH_MAX || ++w->files > CONF_FILES_MAX) {
		snprintf(w->why, w->whylen, "the includes of %s go deeper than %d or past "
			 "%d files (at %s)", w->main, CONF_DEPTH_MAX, CONF_FILES_MAX, path);
		return -1;
	}
	w->open[w->depth].dev = st.st_dev;
	w->open[w->depth++].ino = st.st_ino;
	if (S_ISDIR(st.st_mode)) {
		r = read_dir(w, path);
	} else if (!(f = fopen(path, "re"))) {
		r = cannot(w, path, from, errno);
	} else {
		r = w->apache ? apache_file(w, f, path) : nginx_file(w, f, path);
		fclose(f);
	}
	w->depth--;
	return r;
}

/* An include's argument: a glob when it holds * ? or [, else one path;
 * relative to w->base. optional: Apache's IncludeOptional. */
static int read_path(walk_t *w, const char *arg, const char *from, int optional)
{
	char x[CC_DEPLOY_PATH], path[CC_DEPLOY_PATH];
	glob_t g;
	int r = 0, gr;

	if (w->apache && cc_deploy_conf_env(arg, x, sizeof(x))) {
		if (optional)
			return 0; /* Apache keeps "${X}" literally: no such file */
		snprintf(w->why, w->whylen, "%s includes %s, which uses ${%s}, not set", from,
			 arg, x);
		return -1;
	}
	cc_deploy_conf_abs(w->apache ? x : arg, w->base, path, sizeof(path));
	if (!strpbrk(path, "*?[")) {
		if (optional && access(path, F_OK) && errno == ENOENT)
			return 0;
		return read_one(w, path, from);
	}
	gr = glob(path, 0, NULL, &g);
	if (gr == GLOB_NOMATCH && (optional || !w->apache))
		return 0;
	if (gr) {
		snprintf(w->why, w->whylen, gr == GLOB_NOMATCH ? "%s includes %s, which matches "
			 "no file" : "%s includes %s, which cannot be listed", from, path);
		return -1;
	}
	for (size_t i = 0; !r && i < g.gl_pathc; i++)
		r = read_one(w, g.gl_pathv[i], from);
	globfree(&g);
	return r;
}

void cc_deploy_conf_abs(const char *path, const char *root, char *out, size_t n)
{
	if (path[0] == '/')
		snprintf(out, n, "%s", path);
	else
		snprintf(out, n, "%s/%s", root, path);
}

int cc_deploy_conf_read(const char *conf, int apache, const char *root, cc_conf_main_t *m,
			char *why, size_t whylen)
{
	walk_t *w = calloc(1, sizeof(*w));
	const char *slash;
	int r;

	memset(m, 0, sizeof(*m));
	if (!w) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	w->apache = apache;
	w->main = conf;
	w->m = m;
	w->why = why;
	w->whylen = whylen;
	slash = strrchr(conf, '/');
	if (apache)
		snprintf(w->base, sizeof(w->base), "%s", root);
	else /* nginx's conf prefix: the main file's directory */
		snprintf(w->base, sizeof(w->base), "%.*s", slash ? (int)(slash - conf) : 1,
			 slash ? conf : ".");
	r = read_one(w, conf, NULL);
	if (apache)
		snprintf(m->root, sizeof(m->root), "%s", w->base);
	free(w);
	return r;
}
