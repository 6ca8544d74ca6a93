/*
 * httpd.c: weft-httpd, the course's HTTP/1.1 server: options, signals, start.
 *
 * Course idea: a server people would actually run. Arguments are checked
 * before anything starts; SIGPIPE is ignored (a peer that vanishes gives
 * EPIPE, not death); SIGTERM and SIGINT write an eventfd that every model
 * waits on, which starts a graceful shutdown (stop accepting, finish what is
 * in flight, exit 0).
 *
 * Read next: httpd.h (the models' contract), httpd_event.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include "httpd.h"
#include "sock.h"

static const char usage[] =
"usage: weft-httpd [OPTION]...\n"
"Serve HTTP/1.1: /hello, and static files from --root.\n"
"\n"
"  -m, --model MODEL        event (a coroutine per connection on one epoll\n"
"                           loop), thread (a thread per connection) or\n"
"                           process (a forked process per connection);\n"
"                           default event\n"
"  -b, --bind ADDR          IPv4 address to listen on (default 127.0.0.1)\n"
"  -p, --port PORT          TCP port, 0 for any free one (default 8080)\n"
"  -r, --root DIR           serve files under DIR (default: /hello only)\n"
"  -l, --log                one line per request on stderr\n"
"      --header-timeout MS  deadline to receive a whole request (default 10000)\n"
"      --idle-timeout MS    keep-alive idle and send timeout (default 60000)\n"
"      --max-conns N        stop accepting at N connections (default 10000)\n"
"      --max-body BYTES     larger request bodies get 413 (default 1048576)\n"
"  -h, --help               this text\n"
"\n"
"Prints \"weft-httpd: listening on ADDR:PORT model MODEL\" on stdout when ready.\n"
"SIGTERM or SIGINT: stop accepting, finish requests in flight, exit 0.\n";

static int stop_fd = -1;
static struct http_cfg *stop_cfg;

/* Async-signal-safe: an atomic store (lock-free) and a write. In a forked
 * connection process this marks its own copy of the configuration, so its
 * answer in flight says Connection: close. */
static void on_stop(int sig)
{
	(void)sig;
	int saved = errno;
	atomic_store(&stop_cfg->shutting_down, true);
	uint64_t one = 1;
	if (write(stop_fd, &one, sizeof one) < 0) {
		/* the eventfd is already readable: nothing lost */
	}
	errno = saved;
}

static long parse_num(const char *what, const char *s, long lo, long hi)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "weft-httpd: %s must be a number from %ld to %ld, not '%s'\n", what, lo, hi, s);
		exit(2);
	}
	return v;
}

struct options {
	const char *model, *bind, *root;
	long port;
};

static void parse_args(int argc, char **argv, struct httpd *srv, struct options *o)
{
	enum { O_HEADER = 256, O_IDLE, O_CONNS, O_BODY };
	static const struct option longs[] = {
		{ "model", required_argument, 0, 'm' }, { "bind", required_argument, 0, 'b' },
		{ "port", required_argument, 0, 'p' }, { "root", required_argument, 0, 'r' },
		{ "log", no_argument, 0, 'l' }, { "help", no_argument, 0, 'h' },
		{ "header-timeout", required_argument, 0, O_HEADER },
		{ "idle-timeout", required_argument, 0, O_IDLE },
		{ "max-conns", required_argument, 0, O_CONNS },
		{ "max-body", required_argument, 0, O_BODY }, { 0, 0, 0, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "m:b:p:r:lh", longs, NULL)) != -1) {
		switch (c) {
		case 'm': o->model = optarg; break;
		case 'b': o->bind = optarg; break;
		case 'p': o->port = parse_num("--port", optarg, 0, 65535); break;
		case 'r': o->root = optarg; break;
		case 'l': srv->cfg.log = true; break;
		case 'h': fputs(usage, stdout); exit(0);
		case O_HEADER: srv->cfg.header_ms = (int)parse_num("--header-timeout", optarg, 1, 3600000); break;
		case O_IDLE: srv->cfg.idle_ms = (int)parse_num("--idle-timeout", optarg, 1, 3600000); break;
		case O_CONNS: srv->max_conns = (unsigned)parse_num("--max-conns", optarg, 1, 1000000); break;
		case O_BODY: srv->cfg.max_body = (uint64_t)parse_num("--max-body", optarg, 0, LONG_MAX); break;
		default: fputs(usage, stderr); exit(2);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "weft-httpd: unexpected argument '%s' (see --help)\n", argv[optind]);
		exit(2);
	}
	if (strcmp(o->model, "event") && strcmp(o->model, "thread") && strcmp(o->model, "process")) {
		fprintf(stderr, "weft-httpd: --model must be event, thread or process, not '%s'\n", o->model);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	struct httpd srv = { .cfg = { .root_fd = -1, .log_fd = 2, .max_body = 1 << 20,
				      .header_ms = 10000, .idle_ms = 60000 }, .max_conns = 10000 };
	struct options o = { "event", "127.0.0.1", NULL, 8080 };
	parse_args(argc, argv, &srv, &o);
	if (o.root) {
		srv.cfg.root_fd = open(o.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (srv.cfg.root_fd < 0) {
			fprintf(stderr, "weft-httpd: --root %s: %s\n", o.root, strerror(errno));
			return 2;
		}
	}
	uint16_t port;
	srv.lfd = net_listen(o.bind, (uint16_t)o.port, 4096, &port);
	if (srv.lfd < 0) {
		fprintf(stderr, "weft-httpd: cannot listen on %s:%ld: %s\n", o.bind, o.port, strerror(-srv.lfd));
		return 2;
	}
	stop_fd = srv.stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	stop_cfg = &srv.cfg;
	struct sigaction sa = { .sa_handler = on_stop };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	printf("weft-httpd: listening on %s:%u model %s\n", o.bind, port, o.model);
	fflush(stdout);
	int r = !strcmp(o.model, "event") ? httpd_run_event(&srv)
		: !strcmp(o.model, "thread") ? httpd_run_thread(&srv) : httpd_run_process(&srv);
	if (r < 0)
		fprintf(stderr, "weft-httpd: %s\n", strerror(-r));
	close(srv.stop_fd);
	if (srv.cfg.root_fd >= 0)
		close(srv.cfg.root_fd);
	return r < 0 ? 1 : 0;
}

int httpd_accept_backoff_ms(int err)
{
	return err == -EMFILE || err == -ENFILE || err == -ENOBUFS || err == -ENOMEM ? 100 : 0;
}
