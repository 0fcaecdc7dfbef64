/* cmd_serve.c: `ictus serve`: the review page and API of a study, until SIGINT or SIGTERM. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "review/server.h"

static const char usage_text[] =
    "usage: ictus serve [options] STUDY_DIR\n"
    "Serve the review page of STUDY_DIR (its events in STUDY_DIR/ictus.db, by `ictus run`):\n"
    "confirm or reject each event in the browser.  Prints the page's URL, with its access\n"
    "token, and serves until interrupted (Ctrl-C, SIGTERM).\n"
    "  --port N        the port (default 8470; 0: any free port)\n"
    "  --bind ADDR     the address to listen on (default 127.0.0.1: this machine only)\n"
    "Exit status: 0 stopped by a signal; 1 the server could not start; 2 bad usage or study.\n";

/* Parse a port number 0..65535. */
static bool parse_port(const char *s, int *port)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < 0 || v > 65535)
        return false;
    *port = (int)v;
    return true;
}

/* Serve until SIGINT or SIGTERM.  They are blocked before the server
 * starts, so its thread inherits the mask and only sigwait() takes them. */
static ictus_status serve(const ictus_review_server_options *o, ictus_error *err)
{
    sigset_t stop_signals, old;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, &old);
    ictus_review_server *srv;
    ictus_status st = ictus_review_server_start(o, &srv, err);
    if (st == ICTUS_OK) {
        const char *host = o->bind_addr;
        bool v6 = strchr(host, ':') != NULL;
        printf("ictus serve: http://%s%s%s:%d/?token=%s\n", v6 ? "[" : "", host, v6 ? "]" : "",
               ictus_review_server_port(srv), ictus_review_server_token(srv));
        fflush(stdout);
        int sig;
        sigwait(&stop_signals, &sig);
        ictus_review_server_stop(srv);
    } else if (st != ICTUS_ERR_USAGE) {
        st = st == ICTUS_ERR_CONFIG || st == ICTUS_ERR_BUSY ? cli_config_failure(err)
                                                            : cli_work_failure(err);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return st;
}

static ictus_status run_serve(int argc, char **argv, ictus_error *err)
{
    enum { OPT_PORT = 1300, OPT_BIND };
    static const struct option longopts[] = {
        {"port", required_argument, NULL, OPT_PORT},
        {"bind", required_argument, NULL, OPT_BIND},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    ictus_review_server_options o = {.bind_addr = "127.0.0.1",
                                     .port = ICTUS_REVIEW_DEFAULT_PORT};
    bool bad = false, help = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (opt == OPT_HELP)
            help = true;
        else if (opt == OPT_BIND)
            o.bind_addr = optarg;
        else if (opt != OPT_PORT)
            bad = true;
        else if (!parse_port(optarg, &o.port))
            bad = (cli_usage_error(err, "--port %s: expected 0..65535", optarg), true);
    }
    if (help) {
        fputs(usage_text, stdout);
        return ICTUS_OK;
    }
    if (bad || optind != argc - 1)
        return cli_bad_command_line(err);
    o.study_dir = argv[optind];
    return serve(&o, err);
}

const cli_verb cli_verb_serve = {
    "serve", run_serve, "STUDY_DIR   review the events in the browser (confirm, reject)",
    usage_text};
