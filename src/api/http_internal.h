/*
 * http_internal.h — what the http_*.c files share and nobody else needs.
 */
#ifndef CHARGETUI_HTTP_INTERNAL_H
#define CHARGETUI_HTTP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include "chargetui/http.h"

#define HTTP_DEFAULT_MAX_ATTEMPTS 3

/* http_url.c */
bool http_host_is_loopback(const char *host);
/* 0 when base_url may be used (https, or http to loopback); *loopback says
 * whether plain http may be enabled.  -1 with why set otherwise. */
int http_base_check(const char *base_url, bool *loopback, char *why, size_t n);
bool http_idem_key_valid(const char *key);
void http_random_bytes(void *buf, size_t n);

/* http_retry.c */
bool http_curl_code_retryable(int code);

/* http_trace.c */
#include <curl/curl.h>
int http_trace_curl_cb(CURL *h, curl_infotype type, char *data, size_t size, void *userp);
void http_trace_body(struct http_trace *t, const char *prefix, const char *body, size_t len);

#endif
