/*
 * Plugins that are hostile before any callback runs (issue 15 row 1):
 * a constructor that crashes, exits or hangs, and descriptors with bad
 * pointers, an unterminated list or an unterminated string.  The host
 * must read them in a probe child and refuse them with the reason.
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <opsgrade/plugin.h>

static int
collect(struct og_ctx *ctx, void *state)
{
	(void)ctx;
	(void)state;
	return 0;
}

#if defined(BEHAVIOUR_CTOR_SEGV) || defined(BEHAVIOUR_CTOR_EXIT) || \
    defined(BEHAVIOUR_CTOR_HANG)
__attribute__((constructor)) static void
hostile_constructor(void)
{
#if defined(BEHAVIOUR_CTOR_SEGV)
	raise(SIGSEGV);
#elif defined(BEHAVIOUR_CTOR_EXIT)
	exit(0);
#else
	for (;;)
		pause();
#endif
}
#endif

#if defined(BEHAVIOUR_BAD_POINTER)
/* a name pointing nowhere */
OG_PLUGIN_DEFINE(.name = (const char *)(uintptr_t)0x10, .version = "1",
		 .collect = collect)
#elif defined(BEHAVIOUR_NO_TERMINATOR)
/* more options than any plugin has, none of them the terminator */
static struct og_option many[2048];

__attribute__((constructor)) static void
fill(void)
{
	for (size_t i = 0; i < sizeof(many) / sizeof(many[0]); i++)
		many[i] = (struct og_option){ .key = "k", .help = "h" };
}
OG_PLUGIN_DEFINE(.name = PLUGIN_NAME, .version = "1", .collect = collect,
		 .options = many)
#elif defined(BEHAVIOUR_LONG_STRING)
static char endless[8192];

__attribute__((constructor)) static void
fill(void)
{
	for (size_t i = 0; i < sizeof(endless); i++)
		endless[i] = 'x';
}
OG_PLUGIN_DEFINE(.name = PLUGIN_NAME, .version = "1", .collect = collect,
		 .summary = endless)
#else
OG_PLUGIN_DEFINE(.name = PLUGIN_NAME, .version = "1", .collect = collect)
#endif
