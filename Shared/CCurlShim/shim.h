#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H

#include <curl/curl.h>

/*
 * curl_easy_setopt and curl_easy_getinfo are variadic macros/functions, which Swift cannot call.
 * One typed, non-variadic wrapper per argument kind; the caller picks the one matching the option.
 */

/** curl_global_init(CURL_GLOBAL_DEFAULT); call once per process before any other curl call. */
static inline CURLcode ccurl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

/** Options taking a `long` (flags, numbers, enum values such as CURLUSESSL_ALL). */
static inline CURLcode ccurl_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

/** Options taking a `curl_off_t` (the *_LARGE sizes). */
static inline CURLcode ccurl_set_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/** Options taking a C string; libcurl copies the string, so it may be temporary. */
static inline CURLcode ccurl_set_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/** Options taking an untyped pointer (READDATA, ERRORBUFFER, ...); the pointee must outlive the transfer. */
static inline CURLcode ccurl_set_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

/** Options taking a string list (MAIL_RCPT, ...); the list must outlive the transfer. */
static inline CURLcode ccurl_set_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

/** CURLOPT_READFUNCTION: the upload (message) source. */
static inline CURLcode ccurl_set_read_callback(CURL *handle, curl_read_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, callback);
}

/** curl_easy_getinfo for CURLINFO_LONG values (e.g. CURLINFO_RESPONSE_CODE: the last SMTP reply code). */
static inline CURLcode ccurl_get_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif /* CCURL_SHIM_H */
