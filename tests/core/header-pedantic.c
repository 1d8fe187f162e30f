/* Compiled as strict C99 and as C++ by the header-pedantic test. */
#include <opsgrade/plugin.h>

int header_pedantic_probe(const struct og_host *h);

int
header_pedantic_probe(const struct og_host *h)
{
	return OG_HOST_HAS(h, now) ? 1 : 0;
}
