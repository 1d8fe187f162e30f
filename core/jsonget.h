/*
 * Tiny typed getters over cJSON trees shared by history, mail and the
 * text renderers (the report document and the config).  Config values set with --set may be
 * strings ("30", "true"), so the number/bool getters accept those too.
 * All results are borrowed from the tree.
 */
#ifndef OG_JSONGET_H
#define OG_JSONGET_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "value.h"

static inline const cJSON *
og_jget(const cJSON *obj, const char *key)
{
	if (!obj || !cJSON_IsObject(obj))
		return NULL;
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static inline const cJSON *
og_jget2(const cJSON *obj, const char *k1, const char *k2)
{
	return og_jget(og_jget(obj, k1), k2);
}

/* A non-empty string, or NULL. */
static inline const char *
og_jstr(const cJSON *v)
{
	if (!cJSON_IsString(v) || !v->valuestring || !v->valuestring[0])
		return NULL;
	return v->valuestring;
}

/* og_jstr(v), or @dflt when v is not a non-empty string. */
static inline const char *
og_jstr_or(const cJSON *v, const char *dflt)
{
	const char *s = og_jstr(v);

	return s ? s : dflt;
}

/* A number, or a string the one value reader takes for one (value.h). */
static inline bool
og_jnum(const cJSON *v, double *ret)
{
	return og_value_number(v, ret) == 0;
}

static inline bool
og_jbool(const cJSON *v, bool dflt)
{
	bool b;

	return og_value_bool(v, &b) == 0 ? b : dflt;
}

/*
 * Add @str to @set, an array of strings kept sorted and unique; returns
 * whether it was added.  Built by detaching and re-appending, not with
 * cJSON_InsertItemInArray: Debian 12's cJSON (1.7.15-1+deb12u4) refuses
 * an insert before an item that was appended, and the item is lost.
 */
static inline bool
og_jset_add(cJSON *set, const char *str)
{
	cJSON *at, *tail;
	int i = 0, cmp = 1;

	for (at = set->child; at; at = at->next, i++)
		if (cJSON_IsString(at) && (cmp = strcmp(at->valuestring, str)) >= 0)
			break;
	if (at && cmp == 0)
		return false;
	tail = cJSON_CreateArray();
	while (cJSON_GetArraySize(set) > i)
		cJSON_AddItemToArray(tail, cJSON_DetachItemFromArray(set, i));
	cJSON_AddItemToArray(set, cJSON_CreateString(str));
	while (tail->child)
		cJSON_AddItemToArray(set, cJSON_DetachItemFromArray(tail, 0));
	cJSON_Delete(tail);
	return true;
}

#endif
