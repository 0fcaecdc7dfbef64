/* server.c: `ictus serve`'s HTTP server: token, routing, request bodies, the embedded page. */
#include "review/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "base/path.h"
#include "base/strbuf.h"
#include "base/vec.h"
#include "base/walltime.h"
#include "review/api.h"
#include "review/blind.h"
#include "review/page.h"
#include "store/store.h"

/* Connections served at once, each on its own thread; more wait in the listen queue. */
#define CONNECTION_LIMIT 64

struct ictus_review_server {
    struct MHD_Daemon *daemon;
    char *study_dir;
    char *db_path;
    ictus_review_cache *cache;     /* open recordings, overviews (review/api.h) */
    char token[ICTUS_REVIEW_TOKEN_LEN + 1];
    int port;
    ictus_review_ctx ctx;  /* what the API's calls need (paths, the handles' secret) */
};

/* One request's state across libmicrohttpd's calls: its route and its body. */
typedef enum {
    ROUTE_PAGE,
    ROUTE_EVENTS,
    ROUTE_SIGNAL,
    ROUTE_REVIEW,
    ROUTE_HISTORY,
    ROUTE_UNBLIND,
    ROUTE_AGREEMENT,
    ROUTE_LOCATE,
    ROUTE_QUERY,
    ROUTE_VIDEO
} route;

/* The routes that take a body (POST). */
static bool posts(route r)
{
    return r == ROUTE_REVIEW || r == ROUTE_UNBLIND;
}

/* A GET answered from the query arguments alone (review/api.h, "Seeing the data"). */
typedef int query_call(ictus_review_cache *cache, const char *study_dir,
                       const ictus_review_query *q, char **json);

typedef struct {
    route route;
    query_call *call;  /* ROUTE_QUERY's */
    bool answered;     /* a response is queued: ignore the rest of the body */
    bool too_large;    /* the body went past ICTUS_REVIEW_BODY_MAX */
    char *body;
    size_t n, cap;
} request;

/* Equal to the token, in a time that does not depend on where they differ. */
static bool token_matches(const char *token, const char *given)
{
    if (!given)
        return false;
    size_t n = strlen(given);
    unsigned diff = n != ICTUS_REVIEW_TOKEN_LEN;
    for (size_t i = 0; i < ICTUS_REVIEW_TOKEN_LEN; i++)
        diff |= (unsigned char)token[i] ^ (unsigned char)(i < n ? given[i] : 0);
    return diff == 0;
}

/* Queue `text` (copied) as the answer with `status` and `type`, with the
 * headers every answer has: nothing cached, no type sniffing, no referrer
 * (the page's URL holds the token), no framing. */
static enum MHD_Result reply(struct MHD_Connection *c, request *r, unsigned status,
                             const char *type, const char *text, size_t len)
{
    r->answered = true;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)text, MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    if (r->route == ROUTE_PAGE && status == MHD_HTTP_OK)
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'none'; script-src 'unsafe-inline'; "
                                "style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'; "
                                "media-src 'self'; "
                                "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    if (r->route == ROUTE_PAGE && status == ICTUS_HTTP_UNAUTHORIZED) {
        /* The token form: no script at all, and its one form goes back here. */
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'none'; base-uri 'none'; form-action 'self'; "
                                "frame-ancestors 'none'");
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                "X-Ictus-Token realm=\"ictus serve\"");
    }
    if (status == ICTUS_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
                                posts(r->route) ? "POST" : "GET");
    enum MHD_Result res = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return res;
}

static enum MHD_Result reply_json(struct MHD_Connection *c, request *r, unsigned status,
                                  char *json)
{
    enum MHD_Result res = reply(c, r, status, "application/json; charset=utf-8", json,
                                strlen(json));
    free(json);
    return res;
}

/* {"error": MESSAGE}; `message` is one of the server's own (no quotes to escape). */
static enum MHD_Result reply_error(struct MHD_Connection *c, request *r, unsigned status,
                                   const char *message)
{
    char json[256];
    snprintf(json, sizeof json, "{\"error\":\"%s\"}", message);
    return reply(c, r, status, "application/json; charset=utf-8", json, strlen(json));
}

static const char *arg(struct MHD_Connection *c, const char *key)
{
    return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, key);
}

static enum MHD_Result answer_events(struct MHD_Connection *c, request *r,
                                     const ictus_review_server *srv)
{
    ictus_review_filter f;
    char msg[128];
    if (!ictus_review_filter_parse(&f, arg(c, "animal"), arg(c, "type"), arg(c, "day"),
                                   arg(c, "period"), arg(c, "reviewed"), arg(c, "min_score"),
                                   arg(c, "max_score"), arg(c, "sort"), arg(c, "blind"), msg,
                                   sizeof msg))
        return reply_error(c, r, ICTUS_HTTP_BAD_REQUEST, msg);
    char *json;
    unsigned status = (unsigned)ictus_review_api_events(&srv->ctx, &f, &json);
    return reply_json(c, r, status, json);
}

/* A GET's query arguments, with recording and animal those of the entry
 * whose handle `event=` names when given (so that a blinded page, which has
 * only handles, asks for an event's signal, spectrogram, features,
 * explanation and video like an unblinded one).  path and animal are the
 * resolved ones (freed by the answer), NULL without event=. */
typedef struct {
    struct MHD_Connection *c;
    char *path, *animal;
} query_args;

static const char *query_arg(void *ctx, const char *key)
{
    const query_args *a = ctx;
    if (a->path && !strcmp(key, "recording"))
        return a->path;
    if (a->animal && !strcmp(key, "animal"))
        return a->animal;
    return arg(a->c, key);
}

/* Resolve `event=` of the request into a->path and a->animal: 200 (also
 * without event=), else the API's status with its error answer in *json. */
static unsigned resolve_event(const ictus_review_server *srv, query_args *a, char **json)
{
    const char *event = arg(a->c, "event");
    if (!event)
        return ICTUS_HTTP_OK;
    return (unsigned)ictus_review_api_resolve(&srv->ctx, event, &a->path, &a->animal, json);
}

/* The answer of a query route: a->path and a->animal freed; blinded
 * (blind=), an error names no file, animal or date (the API's messages do). */
static enum MHD_Result reply_query(request *r, query_args *a, unsigned status, char *json)
{
    free(a->path);
    free(a->animal);
    if (status == ICTUS_HTTP_OK || !arg(a->c, "blind"))
        return reply_json(a->c, r, status, json);
    free(json);
    return reply_error(a->c, r, status, "the entry's recording cannot be read (blinded)");
}

/* The signal of a recording named by path and animal, or by the handle of
 * one of its entries (event=ID: what a blinded page has; with blind=, the
 * answer leaves out the wall-clock start). */
static enum MHD_Result answer_signal(struct MHD_Connection *c, request *r,
                                     const ictus_review_server *srv)
{
    char *json;
    query_args a = {c, NULL, NULL};
    unsigned status = resolve_event(srv, &a, &json);
    if (status == ICTUS_HTTP_OK) {
        status = (unsigned)ictus_review_api_signal(
            srv->cache, srv->study_dir, query_arg(&a, "recording"), query_arg(&a, "animal"),
            arg(c, "t0_s"), arg(c, "t1_s"), arg(c, "width"), arg(c, "filters"), &json);
        if (arg(c, "blind"))
            status = (unsigned)ictus_review_blind_signal((int)status, &json);
    }
    return reply_query(r, &a, status, json);
}


static enum MHD_Result answer_query(struct MHD_Connection *c, request *r,
                                    const ictus_review_server *srv)
{
    char *json;
    query_args a = {c, NULL, NULL};
    unsigned status = resolve_event(srv, &a, &json);
    if (status == ICTUS_HTTP_OK) {
        const ictus_review_query q = {query_arg, &a};
        status = (unsigned)r->call(srv->cache, srv->study_dir, &q, &json);
    }
    return reply_query(r, &a, status, json);
}

/* A Range header's one range "bytes=FIRST-LAST", "bytes=FIRST-" or
 * "bytes=-SUFFIX" within a file of `size` bytes, as [*first, *last]: 1;
 * no Range header, or several ranges (the whole file is sent, as RFC 9110
 * allows): 0; anything else, or a range starting at or past the end: -1
 * (416). */
static int parse_range(const char *h, int64_t size, int64_t *first, int64_t *last)
{
    if (!h)
        return 0;
    if (strncmp(h, "bytes=", 6))
        return -1;
    const char *p = h + 6;
    if (strchr(p, ','))
        return 0;
    char *end;
    errno = 0;
    if (*p == '-') {
        if (p[1] < '0' || p[1] > '9')
            return -1;
        long long suffix = strtoll(p + 1, &end, 10);
        if (*end || errno || suffix <= 0 || size == 0)
            return -1;
        *first = suffix < size ? size - suffix : 0;
        *last = size - 1;
        return 1;
    }
    if (*p < '0' || *p > '9')
        return -1;
    long long a = strtoll(p, &end, 10);
    if (errno || *end != '-')
        return -1;
    long long b = size - 1;
    if (end[1]) {
        if (end[1] < '0' || end[1] > '9')
            return -1;
        b = strtoll(end + 1, &end, 10);
        if (*end || errno || b < a)
            return -1;
    }
    if (a >= size)
        return -1;
    *first = a;
    *last = b < size - 1 ? b : size - 1;
    return 1;
}

/* GET /api/video: the file, whole (200) or the one range asked for (206). */
static enum MHD_Result answer_video(struct MHD_Connection *c, request *r,
                                    const ictus_review_server *srv)
{
    r->answered = true;
    int fd;
    int64_t size;
    const char *mime;
    char *json;
    query_args a = {c, NULL, NULL};
    int status = (int)resolve_event(srv, &a, &json);
    if (status == ICTUS_HTTP_OK) {
        const ictus_review_query q = {query_arg, &a};
        status = ictus_review_video_open(srv->study_dir, &q, &fd, &size, &mime, &json);
    }
    if (status)
        return reply_query(r, &a, (unsigned)status, json);
    free(a.path);
    free(a.animal);
    int64_t first = 0, last = size - 1;
    int ranged = parse_range(MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE),
                             size, &first, &last);
    char content_range[96];
    if (ranged < 0) {
        close(fd);
        struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"",
                                                                    MHD_RESPMEM_PERSISTENT);
        if (!resp)
            return MHD_NO;
        snprintf(content_range, sizeof content_range, "bytes */%lld", (long long)size);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, content_range);
        enum MHD_Result res = MHD_queue_response(c, MHD_HTTP_RANGE_NOT_SATISFIABLE, resp);
        MHD_destroy_response(resp);
        return res;
    }
    /* The response owns fd from here (closed when it is destroyed). */
    struct MHD_Response *resp = MHD_create_response_from_fd_at_offset64(
        (uint64_t)(last - first + 1), fd, (uint64_t)first);
    if (!resp) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, mime);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    if (ranged) {
        snprintf(content_range, sizeof content_range, "bytes %lld-%lld/%lld", (long long)first,
                 (long long)last, (long long)size);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, content_range);
    }
    enum MHD_Result res =
        MHD_queue_response(c, ranged ? MHD_HTTP_PARTIAL_CONTENT : MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return res;
}

static enum MHD_Result answer_history(struct MHD_Connection *c, request *r,
                                      const ictus_review_server *srv)
{
    char *json;
    unsigned status = (unsigned)ictus_review_api_history(&srv->ctx, arg(c, "event"),
                                                         arg(c, "blind"), &json);
    return reply_json(c, r, status, json);
}

static enum MHD_Result answer_agreement(struct MHD_Connection *c, request *r,
                                        const ictus_review_server *srv)
{
    char *json;
    unsigned status = (unsigned)ictus_review_api_agreement(&srv->ctx, arg(c, "a"), arg(c, "b"),
                                                           &json);
    return reply_json(c, r, status, json);
}

static enum MHD_Result answer_locate(struct MHD_Connection *c, request *r,
                                     const ictus_review_server *srv)
{
    char *json;
    unsigned status = (unsigned)ictus_review_api_locate(&srv->ctx, arg(c, "ref"), &json);
    return reply_json(c, r, status, json);
}

/* The page asked for without a valid token (a link from the report names an
 * event but cannot hold the token): 401 with a form asking for the token
 * `ictus serve` printed, which asks for the page again with it, keeping the
 * event.  Nothing of the study is in it; the event is escaped. */
static enum MHD_Result reply_token_form(struct MHD_Connection *c, request *r)
{
    ictus_strbuf b = {0};
    ictus_strbuf_add(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                         "<title>ictus serve: token</title></head><body>\n"
                         "<form method=\"get\" action=\"/\"><p>This page needs the token "
                         "that <code>ictus serve</code> printed with its address (the "
                         "<code>token=</code> part).</p>\n<p><label>token <input "
                         "name=\"token\" size=\"40\" autocomplete=\"off\" autofocus "
                         "required></label>");
    const char *event = arg(c, "event");
    if (event && *event) {
        ictus_strbuf_add(&b, "<input type=\"hidden\" name=\"event\" value=\"");
        ictus_strbuf_add_html(&b, event);
        ictus_strbuf_add(&b, "\">");
    }
    ictus_strbuf_add(&b, " <button>open</button></p></form>\n</body></html>\n");
    enum MHD_Result res = reply(c, r, ICTUS_HTTP_UNAUTHORIZED, "text/html; charset=utf-8",
                                ictus_strbuf_text(&b), b.len);
    ictus_strbuf_free(&b);
    return res;
}

/* A POST route's answer: the body checked for size, the call given the time. */
static enum MHD_Result answer_post(struct MHD_Connection *c, request *r,
                                   const ictus_review_server *srv)
{
    if (r->too_large)
        return reply_error(c, r, ICTUS_HTTP_TOO_LARGE, "request body too large");
    struct timeval now;
    gettimeofday(&now, NULL);
    int64_t now_us = (int64_t)now.tv_sec * ICTUS_US_PER_S + now.tv_usec;
    char *json;
    const char *body = r->body ? r->body : "";
    unsigned status =
        (unsigned)(r->route == ROUTE_REVIEW
                       ? ictus_review_api_post_review(&srv->ctx, body, r->n, now_us, &json)
                       : ictus_review_api_unblind(&srv->ctx, body, r->n, now_us, &json));
    return reply_json(c, r, status, json);
}

/* The route of (url, method), or an answer already queued (404, 405). */
static bool find_route(struct MHD_Connection *c, request *r, const char *url, const char *method,
                       enum MHD_Result *res)
{
    static const struct {
        const char *path, *method;
        route route;
        query_call *call;
    } routes[] = {{"/", "GET", ROUTE_PAGE, NULL},
                  {"/api/events", "GET", ROUTE_EVENTS, NULL},
                  {"/api/signal", "GET", ROUTE_SIGNAL, NULL},
                  {"/api/review", "POST", ROUTE_REVIEW, NULL},
                  {"/api/history", "GET", ROUTE_HISTORY, NULL},
                  {"/api/unblind", "POST", ROUTE_UNBLIND, NULL},
                  {"/api/agreement", "GET", ROUTE_AGREEMENT, NULL},
                  {"/api/locate", "GET", ROUTE_LOCATE, NULL},
                  {"/api/spectrogram", "GET", ROUTE_QUERY, ictus_review_api_spectrogram},
                  {"/api/features", "GET", ROUTE_QUERY, ictus_review_api_features},
                  {"/api/overview", "GET", ROUTE_QUERY, ictus_review_api_overview},
                  {"/api/explain", "GET", ROUTE_QUERY, ictus_review_api_explain},
                  {"/api/recordings", "GET", ROUTE_QUERY, ictus_review_api_recordings},
                  {"/api/video", "GET", ROUTE_VIDEO, NULL}};
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        if (strcmp(url, routes[i].path))
            continue;
        r->route = routes[i].route;
        r->call = routes[i].call;
        if (!strcmp(method, routes[i].method))
            return true;
        *res = reply_error(c, r, ICTUS_HTTP_METHOD_NOT_ALLOWED, "method not allowed");
        return false;
    }
    *res = reply_error(c, r, ICTUS_HTTP_NOT_FOUND, "not found");
    return false;
}

/* The first call of a request: token, route, and a body announced too large. */
static enum MHD_Result start_request(struct MHD_Connection *c, request *r,
                                     const ictus_review_server *srv, const char *url,
                                     const char *method)
{
    /* Browsers ask for /favicon.ico on their own, without the token: the
     * one answer given without it is "no content", which reveals nothing
     * and keeps a 403 out of every page load's console. */
    if (!strcmp(url, "/favicon.ico") && !strcmp(method, "GET"))
        return reply(c, r, ICTUS_HTTP_NO_CONTENT, "text/plain", "", 0);
    const char *given = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Ictus-Token");
    if (!given)
        given = arg(c, "token");
    if (!token_matches(srv->token, given) && !strcmp(url, "/") && !strcmp(method, "GET")) {
        r->route = ROUTE_PAGE;
        return reply_token_form(c, r);
    }
    if (!token_matches(srv->token, given))
        return reply_error(c, r, ICTUS_HTTP_FORBIDDEN, "a valid token is required");
    enum MHD_Result res;
    if (!find_route(c, r, url, method, &res))
        return res;
    const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (posts(r->route) && length && strtoull(length, NULL, 10) > ICTUS_REVIEW_BODY_MAX)
        return reply_error(c, r, ICTUS_HTTP_TOO_LARGE, "request body too large");
    if (r->route == ROUTE_PAGE)
        return reply(c, r, MHD_HTTP_OK, "text/html; charset=utf-8", ictus_review_page_html,
                     strlen(ictus_review_page_html));
    return MHD_YES;  /* the rest when the body is in */
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
    const ictus_review_server *srv = cls;
    request *r = *con_cls;
    if (!r) {
        r = ictus_xcalloc(1, sizeof *r);
        *con_cls = r;
        return start_request(c, r, srv, url, method);
    }
    if (r->answered) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        if (r->n + n > ICTUS_REVIEW_BODY_MAX) {
            r->too_large = true;
        } else if (!r->too_large) {
            ICTUS_GROW(r->body, r->n + n, r->cap);
            memcpy(r->body + r->n, upload_data, n);
            r->n += n;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    return r->route == ROUTE_EVENTS      ? answer_events(c, r, srv)
           : r->route == ROUTE_SIGNAL    ? answer_signal(c, r, srv)
           : r->route == ROUTE_HISTORY   ? answer_history(c, r, srv)
           : r->route == ROUTE_AGREEMENT ? answer_agreement(c, r, srv)
           : r->route == ROUTE_LOCATE    ? answer_locate(c, r, srv)
           : r->route == ROUTE_QUERY     ? answer_query(c, r, srv)
           : r->route == ROUTE_VIDEO     ? answer_video(c, r, srv)
                                         : answer_post(c, r, srv);
}

static void request_done(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
    request *r = *con_cls;
    if (r)
        free(r->body);
    free(r);
    *con_cls = NULL;
}

/* Fill token with ICTUS_REVIEW_TOKEN_LEN hex digits from /dev/urandom. */
static ictus_status make_token(char *token, ictus_error *err)
{
    unsigned char bytes[ICTUS_REVIEW_TOKEN_LEN / 2];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t got = fd < 0 ? -1 : read(fd, bytes, sizeof bytes);
    int saved = errno;
    if (fd >= 0)
        close(fd);
    if (got != (ssize_t)sizeof bytes)
        return ictus_fail(err, ICTUS_ERR_IO, "/dev/urandom: cannot read the token's bytes: %s",
                          got < 0 ? strerror(saved) : "short read");
    for (size_t i = 0; i < sizeof bytes; i++)
        snprintf(token + 2 * i, 3, "%02x", bytes[i]);
    return ICTUS_OK;
}

/* The study's database exists and is an ictus store. */
static ictus_status check_study(const char *db_path, ictus_error *err)
{
    if (access(db_path, F_OK) != 0)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: no such file: `ictus run` makes it",
                          db_path);
    ictus_store *s;
    if (ictus_store_open(db_path, &s, err) != ICTUS_OK)
        return err->status == ICTUS_ERR_BUSY ? err->status
                                             : (err->status = ICTUS_ERR_CONFIG);
    ictus_store_close(s);
    return ICTUS_OK;
}

ictus_status ictus_review_server_start(const ictus_review_server_options *o,
                                       ictus_review_server **out, ictus_error *err)
{
    struct sockaddr_in in4 = {.sin_family = AF_INET, .sin_port = htons((uint16_t)o->port)};
    struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)o->port)};
    bool v6 = strchr(o->bind_addr, ':') != NULL;
    if (o->port < 0 || o->port > 65535)
        return ictus_fail(err, ICTUS_ERR_USAGE, "port %d: expected 0..65535", o->port);
    if ((v6 ? inet_pton(AF_INET6, o->bind_addr, &in6.sin6_addr)
            : inet_pton(AF_INET, o->bind_addr, &in4.sin_addr)) != 1)
        return ictus_fail(err, ICTUS_ERR_USAGE, "%s: not an IPv4 or IPv6 address", o->bind_addr);
    ictus_review_server *srv = ictus_xcalloc(1, sizeof *srv);
    srv->study_dir = ictus_xstrdup(o->study_dir);
    srv->db_path = ictus_path_join_alloc(o->study_dir, "ictus.db");
    srv->cache = ictus_review_cache_create();
    if (check_study(srv->db_path, err) != ICTUS_OK || make_token(srv->token, err) != ICTUS_OK) {
        ictus_review_server_stop(srv);
        return err->status;
    }
    srv->ctx = (ictus_review_ctx){.study_dir = srv->study_dir, .db_path = srv->db_path,
                                  .secret = ictus_review_secret(srv->token)};
    /* A thread per connection: a long answer (a recording's overview) never
     * holds up the event view's. */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                     MHD_USE_AUTO | (v6 ? MHD_USE_IPv6 : 0);
    srv->daemon = MHD_start_daemon(
        flags, (uint16_t)o->port, NULL, NULL, handle, srv, MHD_OPTION_SOCK_ADDR,
        v6 ? (struct sockaddr *)&in6 : (struct sockaddr *)&in4, MHD_OPTION_NOTIFY_COMPLETED,
        request_done, NULL, MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)ICTUS_REVIEW_IDLE_S, MHD_OPTION_END);
    if (!srv->daemon) {
        ictus_fail(err, ICTUS_ERR_IO, "cannot listen on %s port %d (in use?)", o->bind_addr,
                   o->port);
        ictus_review_server_stop(srv);
        return err->status;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon,
                                                           MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : o->port;
    *out = srv;
    return ICTUS_OK;
}

int ictus_review_server_port(const ictus_review_server *s)
{
    return s->port;
}

const char *ictus_review_server_token(const ictus_review_server *s)
{
    return s->token;
}

void ictus_review_server_stop(ictus_review_server *s)
{
    if (!s)
        return;
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    ictus_review_cache_destroy(s->cache);
    free(s->study_dir);
    free(s->db_path);
    free(s);
}
