#ifndef GWCONSOLE_CCURL_H
#define GWCONSOLE_CCURL_H
#include <curl/curl.h>

/// Typed wrappers for the variadic curl_easy_setopt / curl_easy_getinfo.
CURLcode gw_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode gw_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode gw_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode gw_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode gw_curl_setopt_write_function(CURL *handle, size_t (*fn)(char *, size_t, size_t, void *));
CURLcode gw_curl_setopt_header_function(CURL *handle, size_t (*fn)(char *, size_t, size_t, void *));
/// Sets the progress callback (CURLOPT_XFERINFOFUNCTION); returning non-zero aborts the transfer.
CURLcode gw_curl_setopt_xferinfo_function(CURL *handle, int (*fn)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t));
/// Sets a blob option (CURLOPT_CAINFO_BLOB …); libcurl copies the bytes.
CURLcode gw_curl_setopt_blob(CURL *handle, CURLoption option, const void *data, size_t length);
CURLcode gw_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode gw_curl_getinfo_double(CURL *handle, CURLINFO info, double *value);
CURLcode gw_curl_getinfo_string(CURL *handle, CURLINFO info, char **value);
CURLcode gw_curl_getinfo_certinfo(CURL *handle, struct curl_certinfo **value);
/// The version string of the linked libcurl, e.g. "libcurl/7.88.1 OpenSSL/3.0.x".
const char *gw_curl_version(void);
#endif
