/*
 * validate.c — type and value checks for POST bodies.  Handlers validate the
 * whole body first and only then apply it, so a 400 never leaves a record
 * half-changed.  Nested params are named Stripe-style: "preferences[currency]",
 * "metadata[key]", "address[city]".
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MK_META_KEYS 50
#define MK_META_KEY_LEN 40
#define MK_META_VAL_LEN 500
#define MK_ARRAY_MAX 100

int mk_check_keys(const cJSON *body, const char *const *allowed, struct mk_resp *rs)
{
	for (const cJSON *c = body->child; c; c = c->next) {
		const char *const *a = allowed;
		while (*a && strcmp(*a, c->string) != 0)
			a++;
		if (!*a)
			return mk_err(rs, 400, "parameter_invalid", c->string,
			              "Received unknown parameter: %s", c->string);
	}
	return 0;
}

int mk_check_string(const cJSON *v, const char *param, bool nullable, bool nonempty,
                    struct mk_resp *rs)
{
	if (!v)
		return 0;
	if (cJSON_IsNull(v)) {
		if (nullable)
			return 0;
		return mk_err(rs, 400, "parameter_invalid", param, "%s cannot be null.", param);
	}
	if (!cJSON_IsString(v) || !v->valuestring)
		return mk_err(rs, 400, "parameter_invalid", param, "Invalid %s: expected a string.",
		              param);
	if (nonempty && !v->valuestring[0])
		return mk_err(rs, 400, "parameter_invalid", param, "%s cannot be empty.", param);
	return 0;
}

int mk_check_enum(const cJSON *v, const char *param, const char *const *names, int n,
                  struct mk_resp *rs)
{
	if (!v)
		return 0;
	if (!cJSON_IsString(v) || mk_enum_find(names, n, v->valuestring) < 0) {
		char allowed[256] = "";
		for (int i = 0; i < n; i++) {
			strncat(allowed, names[i], sizeof allowed - strlen(allowed) - 1);
			if (i + 1 < n)
				strncat(allowed, ", ", sizeof allowed - strlen(allowed) - 1);
		}
		return mk_err(rs, 400, "parameter_invalid", param, "Invalid %s: must be one of %s.",
		              param, allowed);
	}
	return 0;
}

int mk_check_bool(const cJSON *v, const char *param, struct mk_resp *rs)
{
	if (v && !cJSON_IsBool(v))
		return mk_err(rs, 400, "parameter_invalid", param,
		              "Invalid %s: expected a boolean.", param);
	return 0;
}

int mk_check_currency(const cJSON *v, const char *param, struct mk_resp *rs)
{
	if (!v)
		return 0;
	const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
	bool ok = s && strlen(s) == 3;
	for (int i = 0; ok && i < 3; i++)
		ok = s[i] >= 'a' && s[i] <= 'z';
	if (!ok)
		return mk_err(rs, 400, "parameter_invalid", param,
		              "Invalid %s: expected a lowercase ISO 4217 code.", param);
	return 0;
}

int mk_check_email(const cJSON *v, const char *param, bool nullable, struct mk_resp *rs)
{
	if (mk_check_string(v, param, nullable, true, rs) != 0)
		return -1;
	if (!v || cJSON_IsNull(v))
		return 0;
	const char *s = v->valuestring, *at = strchr(s, '@');
	if (!at || at == s || !at[1] || strchr(at + 1, '@') || strpbrk(s, " \t\r\n"))
		return mk_err(rs, 400, "parameter_invalid", param, "Invalid email address.");
	return 0;
}

int mk_check_str_array(const cJSON *v, const char *param, struct mk_resp *rs)
{
	if (!v)
		return 0;
	if (!cJSON_IsArray(v))
		return mk_err(rs, 400, "parameter_invalid", param, "Invalid %s: expected an array.",
		              param);
	int n = 0;
	for (const cJSON *c = v->child; c; c = c->next, n++)
		if (!cJSON_IsString(c) || !c->valuestring[0])
			return mk_err(rs, 400, "parameter_invalid", param,
			              "Invalid %s: expected non-empty strings.", param);
	if (n > MK_ARRAY_MAX)
		return mk_err(rs, 400, "parameter_invalid", param,
		              "Invalid %s: at most %d entries.", param, MK_ARRAY_MAX);
	return 0;
}

int mk_check_metadata(const cJSON *v, const struct mk_meta *cur, struct mk_resp *rs)
{
	if (!v)
		return 0;
	if (!cJSON_IsObject(v))
		return mk_err(rs, 400, "parameter_invalid", "metadata",
		              "Invalid metadata: expected an object of strings.");
	/* Count the keys the merge would leave: current, plus new, minus removed. */
	int count = cur ? cur->n : 0;
	for (const cJSON *c = v->child; c; c = c->next) {
		size_t klen = strlen(c->string);
		if (klen == 0 || klen > MK_META_KEY_LEN)
			return mk_err(rs, 400, "parameter_invalid", "metadata",
			              "Metadata keys must be 1 to %d characters.", MK_META_KEY_LEN);
		char param[64];
		snprintf(param, sizeof param, "metadata[%s]", c->string);
		bool removes = cJSON_IsNull(c) || (cJSON_IsString(c) && !c->valuestring[0]);
		if (!removes && !cJSON_IsString(c))
			return mk_err(rs, 400, "parameter_invalid", param,
			              "Metadata values must be strings.");
		if (!removes && strlen(c->valuestring) > MK_META_VAL_LEN)
			return mk_err(rs, 400, "parameter_invalid", param,
			              "Metadata values can be at most %d characters.",
			              MK_META_VAL_LEN);
		bool exists = cur && mk_meta_get(cur, c->string);
		/* A key repeated in one body counts once: look for it earlier. */
		bool seen = false;
		for (const cJSON *p = v->child; p != c; p = p->next)
			seen = seen || strcmp(p->string, c->string) == 0;
		if (seen)
			continue;
		if (removes && exists)
			count--;
		else if (!removes && !exists)
			count++;
	}
	if (count > MK_META_KEYS)
		return mk_err(rs, 400, "parameter_invalid", "metadata",
		              "Metadata can have at most %d keys.", MK_META_KEYS);
	return 0;
}

void mk_apply_metadata(struct mk_meta *m, const cJSON *v)
{
	for (const cJSON *c = v ? v->child : NULL; c; c = c->next)
		mk_meta_set(m, c->string, cJSON_IsString(c) ? c->valuestring : NULL);
}

void mk_set_str(char **dst, const cJSON *v)
{
	free(*dst);
	*dst = cJSON_IsString(v) ? mk_xstrdup(v->valuestring) : NULL;
}

void mk_set_strv(struct mk_strv *sv, const cJSON *arr)
{
	mk_strv_clear(sv);
	for (const cJSON *c = arr ? arr->child : NULL; c; c = c->next)
		mk_strv_push(sv, c->valuestring);
}
