/* The one typed value reader (value.h). */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <strings.h>

#include "value.h"

int
og_value_text_bool(const char *s, bool *ret)
{
	static const char *const yes[] = { "true", "1", "yes", "on" };
	static const char *const no[] = { "false", "0", "no", "off" };

	if (!s)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(s, yes[i])) {
			*ret = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*ret = false;
			return 0;
		}
	}
	return -EINVAL;
}

int
og_value_text_number(const char *s, double *ret)
{
	char *end;
	double d;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	d = strtod(s, &end);
	if (*end || errno == ERANGE || !isfinite(d))
		return -EINVAL;
	*ret = d;
	return 0;
}

int
og_value_bool(const cJSON *v, bool *ret)
{
	if (!v || cJSON_IsNull(v))
		return -ENOENT;
	if (cJSON_IsBool(v)) {
		*ret = cJSON_IsTrue(v);
		return 0;
	}
	return cJSON_IsString(v) ? og_value_text_bool(v->valuestring, ret) : -EINVAL;
}

int
og_value_number(const cJSON *v, double *ret)
{
	if (!v || cJSON_IsNull(v))
		return -ENOENT;
	if (cJSON_IsNumber(v)) {
		if (!isfinite(v->valuedouble))
			return -EINVAL;
		*ret = v->valuedouble;
		return 0;
	}
	return cJSON_IsString(v) ? og_value_text_number(v->valuestring, ret) : -EINVAL;
}
