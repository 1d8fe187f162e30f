/*
 * Merge benchmark: N findings (default 1,000,000) from two "collectors",
 * half of them duplicates across targets, into one model; then the
 * deterministic sort.  Prints wall times; run by bench/run.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "model.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	struct og_model *m = og_model_new();
	double t0, t1, t2;
	size_t count;
	char **ids = malloc(n / 2 * sizeof(char *) + sizeof(char *));
	char **pkgs = malloc(5000 * sizeof(char *));

	/* Inputs made before the clock starts: only the merge is timed. */
	for (size_t i = 0; i < n / 2; i++) {
		ids[i] = malloc(32);
		snprintf(ids[i], 32, "CVE-2024-%zu", i);
	}
	for (size_t i = 0; i < 5000; i++) {
		pkgs[i] = malloc(32);
		snprintf(pkgs[i], 32, "pkg%zu", i);
	}
	t0 = now_s();
	for (size_t i = 0; i < n; i++) {
		/* Every CVE appears in two images: n adds, n/2 findings. */
		struct og_location loc = { .target = i % 2 ? "img:a" : "img:b" };
		struct og_finding f = {
			.struct_size = sizeof(f), .kind = OG_FINDING_VULNERABILITY,
			.id = ids[i / 2], .package = pkgs[(i / 2) % 5000],
			.installed_version = "1.0",
			.severity = (enum og_severity)(i % 6), .score = -1,
			.tool = "Trivy", .locations = &loc, .n_locations = 1,
		};

		if (og_model_add_finding(m, &f, i % 4 < 2 ? "trivy" : "codeql") < 0)
			return 1;
	}
	t1 = now_s();
	og_model_findings(m, &count);
	t2 = now_s();
	printf("merge: %zu findings added, %zu after dedup: add %.3f s, sort %.3f s, total %.3f s\n",
	       n, count, t1 - t0, t2 - t1, t2 - t0);
	og_model_free(m);
	for (size_t i = 0; i < n / 2; i++)
		free(ids[i]);
	for (size_t i = 0; i < 5000; i++)
		free(pkgs[i]);
	free(ids);
	free(pkgs);
	return 0;
}
