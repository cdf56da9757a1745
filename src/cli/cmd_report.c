/* cmd_report.c - certchain report: the summary and the HTML page of a fleet
 * scan, rebuilt from saved check -f --json output (several files: the
 * shards of one scan, or a scan and its --resume). */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"usage: certchain report [OPTIONS] FILE.jsonl...\n"
	"\n"
	"Reads the JSONL records of one or more 'certchain check -f --json' runs\n"
	"(the shards of a scan, or a scan and its --resume; '-' is stdin) and\n"
	"prints the fleet summary: targets by verdict, targets per finding id,\n"
	"the CA certificates involved most. Lines that are not records (a line\n"
	"cut short by an interrupted scan) are counted and skipped.\n"
	"\n"
	"      --html FILE   also write the self-contained HTML report\n"
	"      --json        the summary as one JSON object\n"
	"  -h, --help        this text\n"
	"\n"
	"exit: 0 report written, 2 usage error or unreadable file, or a file\n"
	"without any record\n";

struct rstate {
	cc_fleet_summary_t *sum;
	cc_fleet_html_t *html;
	cc_error_t err; /* what a failed add says */
};

/* cc_fleet_read's callback: one record into the summary and the page. */
static int add(void *ctx, const cc_fleet_rec_t *r)
{
	struct rstate *st = ctx;

	if (cc_fleet_summary_add(st->sum, r)) {
		st->err.code = CC_ENOMEM;
		snprintf(st->err.msg, sizeof(st->err.msg), "out of memory");
		return CC_ENOMEM;
	}
	return st->html ? cc_fleet_html_add(st->html, r, &st->err) : 0;
}

/* Adds every record of path; EXIT_USAGE (printed) on a read error or when
 * the file holds no record at all. */
static int read_file(struct rstate *st, const char *path)
{
	cc_fleet_read_stats_t rs;
	cc_error_t err;

	cc_error_clear(&err);
	cc_error_clear(&st->err);
	if (cc_fleet_read(path, add, st, &rs, &err))
		return cli_fail(err.code ? &err : &st->err);
	if (!rs.records) {
		fprintf(stderr, "certchain report: %s: no check records (the output "
				"of 'certchain check -f --json')\n", path);
		return EXIT_USAGE;
	}
	if (rs.skipped)
		fprintf(stderr, "certchain report: %s: %zu line%s not a record (first: "
				"line %zu), skipped\n", path, rs.skipped,
			rs.skipped == 1 ? " is" : "s are", rs.first_skipped);
	return 0;
}

int cmd_report(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "html", required_argument, 0, 1 },
		{ "json", no_argument, 0, 2 },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	struct rstate *st = calloc(1, sizeof(*st));
	const char *html = NULL;
	cc_buf_t b = { 0 };
	cc_error_t err;
	int c, json = 0, rc = EXIT_USAGE;

	optind = 1;
	cc_error_clear(&err);
	if (!st || !(st->sum = cc_fleet_summary_new()))
		goto out;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 1: html = optarg; break;
		case 2: json = 1; break;
		case 'h': fputs(usage_text, stdout); rc = EXIT_OK; goto out;
		default: cli_bad_option("report", argv, lo); goto out;
		}
	}
	if (optind == argc) {
		cli_usage_error("report", "expected one or more FILE.jsonl");
		goto out;
	}
	if (html && cc_fleet_html_open(html, "certchain fleet report", &st->html, &err)) {
		cli_fail(&err);
		goto out;
	}
	for (int i = optind; i < argc; i++)
		if (read_file(st, argv[i]))
			goto out;
	if (st->html) {
		cc_fleet_html_t *h = st->html;
		st->html = NULL;
		if (cc_fleet_html_close(h, st->sum, &err)) {
			cli_fail(&err);
			goto out;
		}
	}
	if (json) {
		json_t *j = cc_fleet_summary_json(st->sum);
		cli_json_line(&b, j);
	} else {
		cc_fleet_summary_text(st->sum, &b);
	}
	cli_flush_report(&b, json);
	rc = EXIT_OK;
out:
	if (st) {
		cc_fleet_html_abort(st->html);
		cc_fleet_summary_free(st->sum);
	}
	free(st);
	return rc;
}
