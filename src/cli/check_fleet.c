/* check_fleet.c - check -f: many targets, many probes in one poll loop;
 * each finished probe is judged by cmd_check.c (check_judge). */
#include "check_fleet.h"
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Targets in one -f run: 1,000,000 lines is far beyond any inventory we
 * know of, and at ~300 bytes each bounds the memory to a few hundred MB.
 */
#define CHECK_MAX_TARGETS 1000000u

struct slot {
	cc_probe_t *p;
	struct target *t;
};

static int read_targets(const char *path, char ***out, size_t *n)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *line = NULL, **v = NULL;
	size_t cap = 0, vcap = 0, lineno = 0;
	ssize_t len;

	*n = 0;
	if (!f) {
		fprintf(stderr, "certchain: %s: %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		char *s = line, *e;
		lineno++;
		for (ssize_t i = 0; i < len; i++)
			if (iscntrl((unsigned char)line[i]) && !isspace((unsigned char)line[i])) {
				fprintf(stderr, "certchain: %s: line %zu is not text "
						"(not a list of targets?)\n", path, lineno);
				goto fail;
			}
		if (lineno == 1 && !strncmp(s, "\xef\xbb\xbf", 3))
			s += 3; /* a UTF-8 byte order mark (Windows editors) */
		while (isspace((unsigned char)*s))
			s++;
		/* Certificates given as targets: no line of them is a host. */
		if (!strncmp(s, "-----BEGIN ", 11)) {
			fprintf(stderr, "certchain: %s: line %zu starts a PEM block: "
					"certificates, not a list of targets\n", path, lineno);
			goto fail;
		}
		if ((e = strchr(s, '#')))
			*e = 0;
		for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]);)
			*--e = 0;
		if (!*s)
			continue;
		if (*n == CHECK_MAX_TARGETS) {
			fprintf(stderr, "certchain: %s: more than %u targets\n", path,
				CHECK_MAX_TARGETS);
			goto fail;
		}
		if (*n == vcap) {
			char **nv = realloc(v, (vcap = vcap ? vcap * 2 : 64) * sizeof(*v));
			if (!nv)
				goto fail;
			v = nv;
		}
		if (!(v[*n] = strdup(s)))
			goto fail;
		(*n)++;
	}
	if (ferror(f)) {
		fprintf(stderr, "certchain: %s: cannot read: %s\n", path, strerror(errno));
		goto fail;
	}
	if (!*n) {
		fprintf(stderr, "certchain: %s: no targets (one HOST[:PORT] "
				"[CONNECT-ADDR] per line)\n", path);
		goto fail;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	*out = v;
	return 0;
fail:
	while (*n)
		free(v[--*n]);
	free(v);
	free(line);
	if (f != stdin)
		fclose(f);
	return EXIT_USAGE;
}

/* The batch's exit code is the highest: connect (3) > usage (2) > problem (1). */
static int worse(int a, int b)
{
	return b > a ? b : a;
}

static void progress(size_t done, size_t n, size_t failing, int tty)
{
	if (tty)
		fprintf(stderr, "\r\033[Kchecked %zu/%zu targets, %zu with problems or "
				"unreachable", done, n, failing);
}

/* Finishes the probe in s: judge, print, free. Returns its exit code. */
static int collect(const struct copts *o, struct slot *s)
{
	cc_probe_result_t pr = { 0 };
	cc_pool_t *pool = cc_pool_new();
	cc_buf_t b = { 0 };
	cc_error_t err;
	int rc = EXIT_USAGE;

	cc_error_clear(&err);
	if (pool && !cc_probe_result(s->p, pool, &pr, &err)) {
		rc = check_judge(o, s->t, pool, &pr, &b);
		cli_flush(&b);
		fflush(stdout);
	} else {
		char line[1200];
		fprintf(stderr, "certchain check: %s: %s\n", check_target_spec(s->t),
			cc_error_line(&err, line, sizeof(line)));
	}
	cc_probe_result_clear(&pr);
	cc_pool_free(pool);
	cc_probe_free(s->p);
	s->p = NULL;
	return rc;
}

/* A target line that cannot be parsed: stderr, and a JSON line with --json. */
static void bad_line(const check_fleet_t *f, const char *spec)
{
	cc_buf_t b = { 0 };

	fprintf(stderr, "certchain check: %s: not HOST[:PORT] [CONNECT-ADDR]\n", spec);
	if (!f->json)
		return;
	cc_buf_printf(&b, "{\"target\":");
	cc_buf_json_str(&b, spec);
	cc_buf_printf(&b, ",\"exit\":%d,\"result\":\"bad-target\",\"reason\":"
			  "\"not HOST[:PORT] [CONNECT-ADDR]\"}\n", EXIT_USAGE);
	cli_flush(&b);
}

int check_fleet(const struct copts *o, const check_fleet_t *f)
{
	char **lines = NULL;
	size_t n = 0, next = 0, done = 0, failing = 0, nslots = (size_t)f->concurrency;
	struct slot *slots = NULL;
	struct pollfd *pfd = NULL;
	size_t *who = NULL;
	int worst = EXIT_OK, tty = isatty(2);

	if (read_targets(f->targets, &lines, &n))
		return EXIT_USAGE;
	if (nslots > n)
		nslots = n ? n : 1;
	slots = calloc(nslots, sizeof(*slots));
	pfd = calloc(nslots, sizeof(*pfd));
	who = calloc(nslots, sizeof(*who));
	for (size_t i = 0; slots && i < nslots; i++)
		if (!(slots[i].t = malloc(check_target_size())))
			break;
	if (!slots || !pfd || !who || !slots[nslots - 1].t) {
		fprintf(stderr, "certchain check: out of memory\n");
		worst = EXIT_USAGE;
		goto out;
	}
	while (done < n) {
		size_t np = 0;
		int tmo = -1;

		for (size_t i = 0; i < nslots; i++) {
			cc_probe_opts_t po;
			cc_error_t err;
			short ev;
			int fd, t;

			while (!slots[i].p && next < n) {
				const char *spec = lines[next++];
				cc_error_clear(&err);
				if (check_prepare(o, spec, slots[i].t, &po)) {
					bad_line(f, spec);
					worst = worse(worst, EXIT_USAGE);
					done++;
					failing++;
					continue;
				}
				if (cc_probe_new(&po, &slots[i].p, &err)) {
					cli_fail(&err);
					worst = worse(worst, EXIT_USAGE);
					done++;
					failing++;
				}
			}
			if (!slots[i].p)
				continue;
			if ((fd = cc_probe_fd(slots[i].p, &ev, &t)) < 0) {
				int rc = collect(o, &slots[i]);
				worst = worse(worst, rc);
				failing += rc != EXIT_OK;
				done++;
				progress(done, n, failing, tty);
				i--; /* refill this slot now */
				continue;
			}
			pfd[np].fd = fd;
			pfd[np].events = ev;
			pfd[np].revents = 0;
			who[np++] = i;
			if (tmo < 0 || t < tmo)
				tmo = t;
		}
		if (!np)
			continue;
		if (poll(pfd, np, tmo) < 0 && errno != EINTR) {
			fprintf(stderr, "certchain check: poll: %s\n", strerror(errno));
			worst = EXIT_USAGE;
			break;
		}
		for (size_t k = 0; k < np; k++)
			cc_probe_step(slots[who[k]].p, pfd[k].revents);
	}
	if (tty)
		fprintf(stderr, "\n");
out:
	for (size_t i = 0; slots && i < nslots; i++)
		cc_probe_free(slots[i].p), free(slots[i].t);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	free(slots);
	free(pfd);
	free(who);
	return worst;
}

