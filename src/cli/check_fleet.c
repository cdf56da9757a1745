/* check_fleet.c - check -f: a fleet of targets, many probes in one poll
 * loop. Each finished probe is judged by cmd_check.c (check_judge) into one
 * JSON record; from the record come the output line (JSONL with --json),
 * the closing summary and the HTML page. The list is read as the scan goes,
 * so memory does not grow with the number of targets. */
#include "check_fleet.h"
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Targets in one -f run: far beyond any inventory we know of; the bound
 * keeps line numbers and counters meaningful. */
#define CHECK_MAX_TARGETS 100000000u
/* The progress line is redrawn at most this often (ms): 10,000 redraws of
 * a terminal line cost more than the scan. */
#define PROGRESS_MS 100
/* Shards: more machines than this split nothing useful. */
#define CHECK_MAX_SHARDS 100000u
/* Lines that are not targets said one by one on stderr; the rest are
 * counted (records and summary), so a list of garbage is not echoed. */
#define BAD_LINES_SAID 10

/*
 * The signal that interrupted the scan (SIGINT, SIGTERM), or 0: the only
 * state a signal handler may set. The scan then stops, removes the HTML
 * page's temporary file, and dies of the same signal; every record already
 * written is complete, so --resume continues from there.
 */
static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

/* Catches SIGINT and SIGTERM (unless ignored, as under nohup); old[] keeps
 * what to restore. */
static void catch_signals(struct sigaction old[2])
{
	static const int sigs[2] = { SIGINT, SIGTERM };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns at once */
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 2; i++) {
		sigaction(sigs[i], &sa, &old[i]);
		if (old[i].sa_handler == SIG_IGN)
			sigaction(sigs[i], &old[i], NULL);
	}
}

static void restore_signals(const struct sigaction old[2])
{
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGTERM, &old[1], NULL);
}

/* --- the list of targets, read one line at a time. */

struct reader {
	FILE *f;
	const char *path;
	char *line;
	size_t cap, lineno;
	int bad; /* an error was reported: the rest of the list is not read */
};

/* The next target line: 1 (*spec points into r, *lineno set), 0 at the
 * end, -1 after an error (printed). */
static int next_line(struct reader *r, char **spec, size_t *lineno)
{
	ssize_t len;

	if (r->bad)
		return -1;
	r->bad = 1; /* until a line or the end is reached */
	while ((len = getline(&r->line, &r->cap, r->f)) >= 0) {
		char *s = r->line, *e;
		r->lineno++;
		for (ssize_t i = 0; i < len; i++)
			if (iscntrl((unsigned char)s[i]) && !isspace((unsigned char)s[i])) {
				fprintf(stderr, "certchain: %s: line %zu is not text "
						"(not a list of targets?)\n", r->path, r->lineno);
				return -1;
			}
		if (r->lineno == 1 && !strncmp(s, "\xef\xbb\xbf", 3))
			s += 3; /* a UTF-8 byte order mark (Windows editors) */
		while (isspace((unsigned char)*s))
			s++;
		/* Certificates given as targets: no line of them is a host. */
		if (!strncmp(s, "-----BEGIN ", 11)) {
			fprintf(stderr, "certchain: %s: line %zu starts a PEM block: "
					"certificates, not a list of targets\n", r->path,
				r->lineno);
			return -1;
		}
		if ((e = strchr(s, '#')))
			*e = 0;
		for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]);)
			*--e = 0;
		if (!*s)
			continue;
		if (r->lineno > CHECK_MAX_TARGETS) {
			fprintf(stderr, "certchain: %s: more than %u lines\n", r->path,
				CHECK_MAX_TARGETS);
			return -1;
		}
		*spec = s;
		*lineno = r->lineno;
		r->bad = 0;
		return 1;
	}
	if (ferror(r->f)) {
		fprintf(stderr, "certchain: %s: cannot read: %s\n", r->path, strerror(errno));
		return -1;
	}
	r->bad = 0;
	return 0;
}

static int open_list(struct reader *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	r->path = path;
	r->f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!r->f) {
		fprintf(stderr, "certchain: %s: %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	return 0;
}

static void close_list(struct reader *r)
{
	if (r->f && r->f != stdin)
		fclose(r->f);
	free(r->line);
	r->f = NULL;
	r->line = NULL;
}

/* A file is read once before the scan: a bad list is refused before any
 * connection (not text, or no line a target: one line says why), and the
 * progress line knows the total. stdin: total 0. */
static int count_targets(const struct copts *o, const char *path, size_t *total)
{
	struct target *t = malloc(check_target_size());
	size_t ln, bad = 0, first_bad = 0;
	char why[CHECK_WHY_MAX];
	cc_probe_opts_t po;
	struct reader r;
	char *spec;
	int got = 0;

	*total = 0;
	if (!strcmp(path, "-"))
		return free(t), 0;
	if (!t || open_list(&r, path))
		return free(t), EXIT_USAGE;
	while ((got = next_line(&r, &spec, &ln)) > 0) {
		++*total;
		if (check_prepare(o, spec, t, &po, why, sizeof(why)) && !bad++)
			first_bad = ln;
	}
	close_list(&r);
	free(t);
	if (got < 0)
		return EXIT_USAGE;
	if (!*total) {
		fprintf(stderr, "certchain: %s: no targets (one HOST[:PORT] "
				"[CONNECT-ADDR] per line)\n", path);
		return EXIT_USAGE;
	}
	if (bad == *total) {
		fprintf(stderr, "certchain: %s: no line is a target (line %zu first: "
				"not HOST[:PORT] [CONNECT-ADDR])\n", path, first_bad);
		return EXIT_USAGE;
	}
	return 0;
}

/* --- where the records go: stdout, summary, HTML, progress. */

struct sink {
	const check_fleet_t *f;
	cc_profiles_t *profs;
	cc_fleet_summary_t *sum;
	cc_fleet_html_t *html;
	cc_fleet_rec_t *rec; /* one record at a time */
	cc_fleet_done_t *done_before; /* --resume */
	size_t total, done, failing, skipped, bad_lines;
	long long last_progress;
	int tty, worst, io_failed;
	int out_failed; /* stdout cannot be written: the scan stops */
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void progress(struct sink *k, int force)
{
	long long t;

	if (!k->tty || (!force && (t = now_ms()) - k->last_progress < PROGRESS_MS))
		return;
	k->last_progress = now_ms();
	if (k->total)
		fprintf(stderr, "\r\033[Kchecked %zu/%zu targets, %zu with problems or "
				"unreachable", k->done + k->skipped, k->total, k->failing);
	else
		fprintf(stderr, "\r\033[Kchecked %zu targets, %zu with problems or "
				"unreachable", k->done, k->failing);
}

/* The batch's exit code is the highest: connect (3) > usage (2) > problem (1). */
static int worse(int a, int b)
{
	return b > a ? b : a;
}

/* label padded with spaces to 30 columns (a U-label's characters are
 * several bytes, one column each). */
static void label_col(cc_buf_t *b, const char *label)
{
	int cols = 0;

	for (const unsigned char *u = (const unsigned char *)label; *u; u++)
		cols += (*u & 0xc0) != 0x80; /* not a UTF-8 continuation byte */
	cc_buf_printf(b, "%s%*s", label, cols < 30 ? 30 - cols : 0, "");
}

/* One line per target in text mode, from the record; label (NULL: the
 * record's target) is the target as shown (check_target_label). */
static void text_line(cc_buf_t *b, const cc_fleet_rec_t *r, const char *label)
{
	label_col(b, label ? label : r->target);
	if (r->failure[0] || !strcmp(r->verdict, "bad-target")) {
		cc_buf_printf(b, " FAILED    %s: %s\n",
			      r->failure[0] ? r->failure : "bad-target", r->reason);
		return;
	}
	cc_buf_printf(b, " %-9s",
		      !strcmp(r->verdict, "problems") ? "PROBLEMS"
		      : !strcmp(r->verdict, "warnings") ? "WARNINGS" : "OK");
	for (size_t i = 0; i < r->nfind; i++)
		if (!i || strcmp(r->find[i].id, r->find[i - 1].id))
			cc_buf_printf(b, " %s", r->find[i].id);
	if (r->profiles)
		cc_buf_printf(b, " (profiles %zu/%zu)", r->trusted_by, r->profiles);
	cc_buf_printf(b, "\n");
}

/* The record's cross-signs (marked by cc_fleet_rec_mark_cross_signs), each
 * once, as a JSON array; NULL when out of memory. */
static json_t *cross_signs(const cc_fleet_rec_t *r)
{
	const cc_fleet_cert_t *seen[2 * CC_FLEET_MAX_CHAIN];
	json_t *a = json_array();
	size_t n = 0;

	for (size_t i = 0; a && i < r->nserved + r->nfix; i++) {
		const cc_fleet_cert_t *x = i < r->nserved ? &r->served[i] : &r->fix[i - r->nserved];
		size_t k;
		if (!x->cross_sign)
			continue;
		for (k = 0; k < n && strcmp(seen[k]->sha256, x->sha256); k++)
			;
		if (k < n)
			continue; /* served and in the chain to serve: once */
		if (json_array_append_new(a, cc_json_str(x->sha256))) {
			json_decref(a);
			a = NULL;
		}
		seen[n++] = x;
	}
	return a;
}

/* The output line of a record: the judge's record rec with "line" first
 * and "cross_signs" last. NULL when out of memory. */
static json_t *out_record(json_t *rec, size_t lineno, const cc_fleet_rec_t *r)
{
	json_t *o = json_pack("{s:I}", "line", (json_int_t)lineno);

	if (!o || json_object_update(o, rec) ||
	    json_object_set_new(o, "cross_signs", cross_signs(r))) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

/*
 * One target's record (json, one line from check_judge), parsed once:
 * numbered, the cross-signs marked, then written (the judge's record with
 * "line" and "cross_signs" added), counted and drawn. pool (may be NULL)
 * holds the target's certificates; label (may be NULL) the target as shown.
 */
static void emit(struct sink *k, const cc_buf_t *json, size_t lineno, cc_pool_t *pool,
		 const char *label)
{
	cc_fleet_rec_t *r = k->rec;
	cc_buf_t out = { 0 };
	cc_error_t err;
	json_t *rec;

	/* parsed once: the record's fields, and the document written out */
	if (!json->s || json->s[0] != '{' ||
	    !(rec = json_loadb(json->s, json->n, JSON_REJECT_DUPLICATES, NULL)))
		return; /* judge() said why on stderr */
	if (cc_fleet_rec_from_json(rec, r, NULL)) {
		json_decref(rec);
		return;
	}
	r->line = (long)lineno;
	if (pool && cc_fleet_rec_mark_cross_signs(r, k->profs, pool))
		fprintf(stderr, "certchain check: %s: out of memory marking cross-signs\n",
			r->target);
	if (k->f->json) {
		cli_json_line(&out, out_record(rec, lineno, r));
	} else {
		text_line(&out, r, label);
	}
	json_decref(rec);
	if (k->tty && k->last_progress)
		fputs("\r\033[K", stderr);
	cli_flush_report(&out, k->f->json);
	if ((fflush(stdout) || ferror(stdout)) && !k->out_failed) {
		fprintf(stderr, "certchain check: cannot write the records to stdout: %s\n",
			strerror(errno));
		k->out_failed = 1;
	}
	cc_fleet_summary_add(k->sum, r);
	cc_error_clear(&err);
	if (k->html && !k->io_failed && cc_fleet_html_add(k->html, r, &err)) {
		cli_fail(&err);
		k->io_failed = 1;
	}
}

/* A target line that cannot be parsed: its record, and a line on stderr
 * for the first BAD_LINES_SAID of them (a list of mostly garbage is not
 * echoed back line by line; the summary counts them all). */
static void bad_line(struct sink *k, const char *spec, const char *why, size_t lineno)
{
	cc_buf_t b = { 0 };
	json_t *j;

	if (++k->bad_lines <= BAD_LINES_SAID)
		fprintf(stderr, "certchain check: %s: line %zu: '%.80s' is not HOST[:PORT] "
				"[CONNECT-ADDR]%s%.300s%s\n", k->f->targets, lineno, spec,
			why[0] ? ": " : "", why,
			k->bad_lines == BAD_LINES_SAID ? " (further such lines are "
							 "counted, not listed)" : "");
	j = json_pack("{s:o,s:i,s:s,s:s}", "target", cc_json_str(spec), "exit", EXIT_USAGE,
		      "result", "bad-target", "reason", "not HOST[:PORT] [CONNECT-ADDR]");
	cc_buf_json(&b, j);
	json_decref(j);
	if (b.oom)
		fprintf(stderr, "certchain check: %s: line %zu: out of memory\n",
			k->f->targets, lineno);
	else
		emit(k, &b, lineno, NULL, NULL);
	cc_buf_clear(&b);
}

/* --- the poll loop. */

struct slot {
	cc_probe_t *p;
	struct target *t;
	size_t lineno;
};

/* Finishes the probe in s: judge, emit, free. Returns its exit code. */
static int collect(const struct copts *o, struct sink *k, struct slot *s)
{
	cc_probe_result_t pr = { 0 };
	cc_pool_t *pool = cc_pool_new();
	cc_buf_t b = { 0 };
	cc_error_t err;
	int rc = EXIT_USAGE;

	cc_error_clear(&err);
	if (pool && !cc_probe_result(s->p, pool, &pr, &err)) {
		rc = check_judge(o, s->t, pool, &pr, &b);
		emit(k, &b, s->lineno, pool, check_target_label(s->t));
	} else {
		char line[1200];
		fprintf(stderr, "certchain check: %s: %s\n", check_target_label(s->t),
			cc_error_line(&err, line, sizeof(line)));
	}
	cc_buf_clear(&b);
	cc_probe_result_clear(&pr);
	cc_pool_free(pool);
	cc_probe_free(s->p);
	s->p = NULL;
	return rc;
}

/* 1 when the target of this line is another shard's or was answered before. */
static int skip(const struct sink *k, const char *spec, size_t lineno)
{
	char first[600];

	if (sscanf(spec, "%599s", first) != 1)
		return 0;
	if (k->f->nshards && cc_fleet_shard(first, k->f->nshards) != k->f->shard - 1)
		return 1;
	/* a bad line's record names the whole line */
	return k->done_before && (cc_fleet_done_has(k->done_before, (long)lineno, first) ||
				  cc_fleet_done_has(k->done_before, (long)lineno, spec));
}

/* Fills slot s with the next target to probe; 0 at the end of the list. */
static int refill(const struct copts *o, struct sink *k, struct reader *r, struct slot *s)
{
	char why[CHECK_WHY_MAX];
	cc_probe_opts_t po;
	cc_error_t err;
	char *spec;
	int got = 0, bad;

	while (!s->p && (got = next_line(r, &spec, &s->lineno)) > 0) {
		if (skip(k, spec, s->lineno)) {
			k->skipped++;
			continue;
		}
		cc_error_clear(&err);
		if ((bad = check_prepare(o, spec, s->t, &po, why, sizeof(why)))) {
			char said[CHECK_WHY_MAX + 32];
			/* say which of the two words it is */
			snprintf(said, sizeof(said), "%s%s", bad == -2 && why[0]
				 ? "connect address: " : "", why);
			bad_line(k, spec, said, s->lineno);
		} else if (cc_probe_new(&po, &s->p, &err)) {
			cli_fail(&err);
		} else {
			continue;
		}
		k->worst = worse(k->worst, EXIT_USAGE);
		k->done++;
		k->failing++;
	}
	if (got < 0)
		k->worst = worse(k->worst, EXIT_USAGE);
	return s->p != NULL;
}

static int scan(const struct copts *o, struct sink *k, struct reader *r,
		struct slot *slots, size_t nslots)
{
	struct pollfd pfd[nslots];
	size_t who[nslots], live = nslots;

	while (live && !stop_sig && !k->out_failed) {
		size_t np = 0;
		int tmo = -1;

		live = 0;
		for (size_t i = 0; i < nslots; i++) {
			short ev;
			int fd, t;

			if (!slots[i].p && !refill(o, k, r, &slots[i]))
				continue;
			if ((fd = cc_probe_fd(slots[i].p, &ev, &t)) < 0) {
				long long t0 = now_ms(), d;
				int rc = collect(o, k, &slots[i]);
				/* The clock stops for the probes in flight while
				 * one target is judged: their deadlines measure
				 * the network, not our CPU. */
				d = now_ms() - t0;
				for (size_t j = 0; j < nslots; j++)
					cc_probe_pause(slots[j].p, d);
				k->worst = worse(k->worst, rc);
				k->failing += rc != EXIT_OK;
				k->done++;
				progress(k, 0);
				i--; /* refill this slot now */
				continue;
			}
			live++;
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
			return EXIT_USAGE;
		}
		for (size_t n = 0; n < np; n++)
			cc_probe_step(slots[who[n]].p, pfd[n].revents);
	}
	return 0;
}

int check_fleet_shard_arg(check_fleet_t *f, const char *arg)
{
	unsigned k, n;
	char c;

	if (sscanf(arg, "%u/%u%c", &k, &n, &c) != 2 || !n || n > CHECK_MAX_SHARDS ||
	    !k || k > n)
		return cli_usage_error("check", "--shard: '%s' is not K/N with 1 <= K <= N "
					       "<= %u", arg, CHECK_MAX_SHARDS);
	f->shard = k;
	f->nshards = n;
	return 0;
}

/* 1 when stdout is the file at path (check -f --resume OUT >>OUT), with
 * *append set when it was opened to append. Windows has no inode number
 * to tell: 0 there. */
static int stdout_is(const char *path, int *append)
{
#ifdef _WIN32
	(void)path;
	*append = 0;
	return 0;
#else
	struct stat a, b;

	*append = (fcntl(1, F_GETFL) & O_APPEND) != 0;
	return !fstat(1, &a) && !stat(path, &b) && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
#endif
}

/* --resume: the targets answered before. A last line cut short by a kill
 * is said; when the records are appended to that same file, a newline
 * first ends the cut line, so the first new record stays a line of its own. */
static int load_resume(const check_fleet_t *f, struct sink *k)
{
	cc_fleet_read_stats_t st;
	int same, append;
	cc_error_t err;

	cc_error_clear(&err);
	if ((same = stdout_is(f->resume, &append)) && !append) {
		fprintf(stderr, "certchain check: %s: the --resume file is also standard "
				"output, opened without '>>' (the shell has emptied it): "
				"append with '>>'\n", f->resume);
		return EXIT_USAGE;
	}
	if (cc_fleet_done_load(f->resume, &k->done_before, &st, &err))
		return cli_fail(&err);
	if (st.skipped)
		fprintf(stderr, "certchain check: %s: %zu line%s not a complete record "
				"(cut short?%s%.0zu): %s checked again\n",
			f->resume, st.skipped, st.skipped == 1 ? " is" : "s are",
			st.first_skipped ? " first: line " : "", st.first_skipped,
			st.skipped == 1 ? "its target is" : "their targets are");
	if (st.unterminated && f->json && same)
		fputs("\n", stdout);
	return 0;
}

/* --resume and --html: what the scan needs before the first target. */
static int prepare(const check_fleet_t *f, struct sink *k)
{
	cc_error_t err;

	cc_error_clear(&err);
	if (f->resume && load_resume(f, k))
		return EXIT_USAGE;
	if (f->html && cc_fleet_html_open(f->html, "certchain fleet report", &k->html, &err))
		return cli_fail(&err);
	return 0;
}

/* The closing summary: stdout after the text lines, stderr with --json
 * (stdout stays one record per line); then the HTML page. */
static int finish_scan(const check_fleet_t *f, struct sink *k)
{
	cc_buf_t b = { 0 };
	cc_error_t err;

	if (k->tty) {
		progress(k, 1); /* the last count stays on the terminal */
		fputs("\n", stderr);
	}
	cc_fleet_summary_text(k->sum, &b);
	if (f->nshards)
		cc_buf_printf(&b, "shard %u/%u: %zu target%s of other shards skipped\n",
			      f->shard, f->nshards, k->skipped, k->skipped == 1 ? "" : "s");
	else if (f->resume)
		cc_buf_printf(&b, "resumed: %zu target%s answered in %s skipped\n",
			      k->skipped, k->skipped == 1 ? "" : "s", f->resume);
	if (f->json) {
		fputs(b.s ? b.s : "", stderr);
		cc_buf_clear(&b);
	} else {
		cli_flush_text(&b);
	}
	cc_error_clear(&err);
	if (k->html && (k->io_failed || cc_fleet_html_close(k->html, k->sum, &err))) {
		if (k->io_failed)
			cc_fleet_html_abort(k->html);
		else
			cli_fail(&err);
		k->html = NULL;
		return EXIT_USAGE;
	}
	k->html = NULL;
	return 0;
}

int check_fleet(const struct copts *o, const check_fleet_t *f)
{
	struct sink k = { .f = f, .profs = check_profiles(o), .tty = isatty(2) };
	struct sigaction old[2];
	size_t nslots = (size_t)f->concurrency;
	struct slot *slots = NULL;
	struct reader r = { 0 };

	if (count_targets(o, f->targets, &k.total))
		return EXIT_USAGE;
	if (k.total && nslots > k.total)
		nslots = k.total;
	k.sum = cc_fleet_summary_new();
	k.rec = calloc(1, sizeof(*k.rec));
	slots = calloc(nslots, sizeof(*slots));
	for (size_t i = 0; slots && i < nslots; i++)
		if (!(slots[i].t = malloc(check_target_size())))
			break;
	if (!k.sum || !k.rec || !slots || !slots[nslots - 1].t) {
		fprintf(stderr, "certchain check: out of memory\n");
		k.worst = EXIT_USAGE;
	} else if (prepare(f, &k) || open_list(&r, f->targets)) {
		k.worst = EXIT_USAGE;
	} else {
		/* scan() and finish_scan() raise k.worst themselves: call them
		 * before reading it (argument order is unspecified in C). */
		int rc;
		catch_signals(old);
		rc = scan(o, &k, &r, slots, nslots);
		k.worst = worse(k.worst, rc);
		restore_signals(old);
		if (stop_sig)
			goto out;
		if (k.out_failed) {
			k.worst = EXIT_USAGE;
			goto out; /* no summary nor page for records that were lost */
		}
		if (!k.done && !k.skipped && !k.total && k.worst == EXIT_OK) {
			fprintf(stderr, "certchain: %s: no targets (one HOST[:PORT] "
					"[CONNECT-ADDR] per line)\n", f->targets);
			k.worst = EXIT_USAGE;
		}
		rc = finish_scan(f, &k);
		k.worst = worse(k.worst, rc);
	}
out:
	close_list(&r);
	for (size_t i = 0; slots && i < nslots; i++)
		cc_probe_free(slots[i].p), free(slots[i].t);
	free(slots);
	cc_fleet_html_abort(k.html);
	cc_fleet_done_free(k.done_before);
	cc_fleet_summary_free(k.sum);
	cc_fleet_rec_clear(k.rec);
	free(k.rec);
	if (stop_sig) {
		fprintf(stderr, "%scertchain check: interrupted after %zu targets; the "
				"records written are complete: continue with --resume\n",
			k.tty ? "\n" : "", k.done);
		fflush(stdout);
		raise(stop_sig);
	}
	return k.worst;
}
