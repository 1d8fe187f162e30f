/*
 * The renderers' settings, config section "report": declared here, where
 * they are read (rdoc.c), the way a collector declares its options; the
 * CLI registers them with the config validator, so the core lists none.
 */
#include "render.h"

const struct og_option og_render_options[] = {
	{ .key = "organisation", .type = OG_OPT_STRING,
	  .help = "organisation named on the report" },
	{ .key = "logo", .type = OG_OPT_STRING, .flags = OG_OPTF_PATH,
	  .help = "PNG logo for the report's cover" },
	{ .key = "accent", .type = OG_OPT_STRING,
	  .help = "accent colour, #RRGGBB" },
	{ .key = "paper", .type = OG_OPT_STRING, .help = "PDF paper size: a4|letter" },
	{ .key = "font", .type = OG_OPT_STRING, .help = "font family" },
	{ .key = "scale", .type = OG_OPT_NUMBER,
	  .help = "PNG scale factor (2 for HiDPI)" },
	{ .key = "junit_strict", .type = OG_OPT_BOOL,
	  .help = "JUnit: unmet capabilities are failures" },
	{ .key = "junit_min_severity", .type = OG_OPT_STRING,
	  .help = "findings in JUnit from this severity (default high)" },
	{ .key = "junit_schema", .type = OG_OPT_STRING,
	  .help = "JUnit flavour: default|strict" },
	{ .key = NULL },
};
