/* OCI / Docker manifests, indexes and image configs as the registry
 * plugin reads them; the first byte picks the reader and media type. */
#include "config.h"

#include "fuzz.h"
#include "reg.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {
		NULL,
		"application/vnd.oci.image.manifest.v1+json",
		"application/vnd.oci.image.index.v1+json",
		"application/vnd.docker.distribution.manifest.v2+json",
		"application/vnd.docker.distribution.manifest.list.v2+json",
	};
	char *err = NULL;

	if (size < 1)
		return 0;
	if (data[0] % 6 == 5) {
		struct reg_config c = { 0 };

		if (reg_config_parse((const char *)data + 1, size - 1, &c, &err) == 0)
			reg_config_clear(&c);
	} else {
		struct reg_manifest m = { 0 };

		if (reg_manifest_parse((const char *)data + 1, size - 1,
				       types[data[0] % 6], &m, &err) == 0)
			reg_manifest_clear(&m);
	}
	free(err);
	return 0;
}
