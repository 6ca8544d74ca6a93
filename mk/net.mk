# mk/net.mk: the Linux-hosted network stack (lib/net/), its server, client,
# tests, fuzzer and benches.
#
# Course map: docs/net.md. Targets added here:
#   make net           the programs: build/net/weft-httpd, build/net/weft-fetch
#   make fuzz          the parser's libFuzzer target for FUZZ_SECONDS (default 600)
#   make bench-net     wrk against weft's three models and the peers (also in `make bench`)
# Test binaries are built under ASan+UBSan (build/host/); the fuzzer with clang.

DEPS_PKGS  += libcmocka-dev clang libclang-rt-14-dev util-linux procps
# The peers and the load generator, installed by `make bench-net` only, so
# `make test` needs no nginx.
BENCH_DEPS := wrk nginx-light libuv1-dev python3-uvloop

NET_CFLAGS := -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -Ilib/net -g -pthread
NET_ASAN   := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
NET_OPT    := -O2
NET_PARSER := lib/net/http_parser.c lib/net/http_chars.c
NET_LIB    := $(NET_PARSER) $(addprefix lib/net/,sock.c http_files.c http_session.c http_serve.c)
# The coroutine side: lib/net's awaiting sockets on lib/coro's runtime (mk/coro.mk).
NET_ASYNC  := lib/net/async_sock.c $(CORO_CORE) $(CORO_ASYNC) $(CORO_POOL)
NET_SERVER := $(addprefix tools/net/,httpd.c httpd_event.c httpd_blocking.c)
NET_HDRS   := $(wildcard lib/net/*.h) $(wildcard tools/net/*.h) $(wildcard lib/coro/*.h)

# The parser's cases, parsed whole, byte by byte and at every split.
TEST_SUITES += $(BUILD)/host/net_parser_test
$(BUILD)/host/net_parser_test: tests/host/net_parser_test.c $(NET_PARSER) $(NET_HDRS) mk/net.mk
	@mkdir -p $(@D)
	$(CC) $(NET_CFLAGS) $(NET_ASAN) -o $@ $< $(NET_PARSER) -lcmocka

# The handler's answers byte for byte, one by one and pipelined (no IO).
TEST_SUITES += $(BUILD)/host/net_session_test
$(BUILD)/host/net_session_test: tests/host/net_session_test.c $(NET_PARSER) lib/net/http_session.c lib/net/http_files.c $(NET_HDRS) mk/net.mk
	@mkdir -p $(@D)
	$(CC) $(NET_CFLAGS) $(NET_ASAN) -o $@ $< $(NET_PARSER) lib/net/http_session.c lib/net/http_files.c -lcmocka

# The awaiting sockets and http_serve() in a task, in one process.
TEST_SUITES += $(BUILD)/host/net_async_test
$(BUILD)/host/net_async_test: tests/host/net_async_test.c $(NET_LIB) $(NET_ASYNC) $(NET_HDRS) mk/net.mk
	@mkdir -p $(@D)
	$(CC) $(NET_CFLAGS) $(NET_ASAN) -Ilib/pool -o $@ $< $(NET_LIB) $(NET_ASYNC) -lcmocka

# The fuzzer: a short run in `make test` (a script), as long as asked by `make fuzz`.
FUZZ_SECONDS ?= 600
NET_FUZZ_FLAGS := -g -O1 -std=c11 -Wall -Wextra -Werror -Ilib/net \
                  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
$(BUILD)/fuzz/net_fuzz: tests/fuzz/net_fuzz.c $(NET_PARSER) lib/net/http_parser.h lib/net/http_chars.h mk/net.mk
	@mkdir -p $(@D)
	clang $(NET_FUZZ_FLAGS) -o $@ $< $(NET_PARSER)

TEST_SUITES += $(BUILD)/host/net_fuzz_test
$(BUILD)/host/net_fuzz_test: tests/host/net_fuzz_test.sh $(BUILD)/fuzz/net_fuzz
	@mkdir -p $(@D)
	sed -e 's|@FUZZ@|$(abspath $(BUILD)/fuzz/net_fuzz)|' \
	    -e 's|@SEEDS@|$(abspath tests/fuzz/corpus)|' $< > $@
	chmod +x $@

.PHONY: fuzz
fuzz: $(BUILD)/fuzz/net_fuzz
	@mkdir -p $(BUILD)/fuzz/corpus
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -artifact_prefix=$(BUILD)/fuzz/ \
		$(BUILD)/fuzz/corpus tests/fuzz/corpus

# The server: ASan+UBSan for the tests, optimised for use and benches.
$(BUILD)/host/weft-httpd: $(NET_SERVER) $(NET_LIB) $(NET_ASYNC) $(NET_HDRS) mk/net.mk
	@mkdir -p $(@D)
	$(CC) $(NET_CFLAGS) $(NET_ASAN) -Itools/net -Ilib/pool -o $@ $(NET_SERVER) $(NET_LIB) $(NET_ASYNC)
$(BUILD)/net/weft-httpd: $(NET_SERVER) $(NET_LIB) $(NET_ASYNC) $(NET_HDRS) mk/net.mk
	@mkdir -p $(@D)
	$(CC) $(NET_CFLAGS) $(NET_OPT) -Itools/net -Ilib/pool -o $@ $(NET_SERVER) $(NET_LIB) $(NET_ASYNC)

# The hostile tests, once per model (the model is compiled in).
NET_MODELS := event thread process
TEST_SUITES += $(NET_MODELS:%=$(BUILD)/host/net_server_%_test)
$(BUILD)/host/net_server_%_test: tests/host/net_server_test.c tests/host/net_testutil.h \
		$(BUILD)/host/weft-httpd mk/net.mk
	@mkdir -p $(@D)
	$(CC) $(NET_CFLAGS) $(NET_ASAN) -DMODEL='"$*"' -DHTTPD='"$(abspath $(BUILD)/host/weft-httpd)"' \
		-o $@ $< -lcmocka

.PHONY: net net-tests
net: $(BUILD)/net/weft-httpd $(BUILD)/net/weft-fetch
net-tests: $(BUILD)/host/net_parser_test $(BUILD)/host/net_session_test $(BUILD)/host/net_async_test $(BUILD)/host/net_fuzz_test $(NET_MODELS:%=$(BUILD)/host/net_server_%_test) $(BUILD)/host/net_fetch_test $(BUILD)/tsan/net_server_thread_test
	@tools/testsuite.sh $(BUILD)/test-logs $^

# The downloader: serially, on lib/pool's thread pool (used as it is), and as
# coroutines on lib/coro's loop (NET_ASYNC brings the pool too).
FETCH_SRCS := tools/net/fetch.c tools/net/fetch_async.c lib/net/sock.c
$(BUILD)/host/weft-fetch: $(FETCH_SRCS) $(NET_HDRS) $(NET_ASYNC) mk/net.mk
	@mkdir -p $(@D)
	$(CC) $(NET_CFLAGS) $(NET_ASAN) -Ilib/pool -o $@ $(FETCH_SRCS) $(NET_ASYNC)
$(BUILD)/net/weft-fetch: $(FETCH_SRCS) $(NET_HDRS) $(NET_ASYNC) mk/net.mk
	@mkdir -p $(@D)
	$(CC) $(NET_CFLAGS) $(NET_OPT) -Ilib/pool -o $@ $(FETCH_SRCS) $(NET_ASYNC)

TEST_SUITES += $(BUILD)/host/net_fetch_test
TEST_SUITES += tests/host/net_bench_selftest.sh
$(BUILD)/host/net_fetch_test: tests/host/net_fetch_test.sh tests/host/net_badserver.py \
		$(BUILD)/host/weft-httpd $(BUILD)/host/weft-fetch
	@mkdir -p $(@D)
	sed -e 's|@HTTPD@|$(abspath $(BUILD)/host/weft-httpd)|' -e 's|@FETCH@|$(abspath $(BUILD)/host/weft-fetch)|' \
	    -e 's|@BAD@|$(abspath tests/host/net_badserver.py)|' $< > $@
	chmod +x $@

# ---- bench: wrk against the three models and the peers (make bench-net) ----
BENCHES += bench-net
NET_BENCH_ROUNDS ?= 3
NET_BENCH_SECONDS ?= 3
$(BUILD)/bench-net/uv_hello: tools/net/bench/uv_hello.c mk/net.mk
	@mkdir -p $(@D)
	$(CC) -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -O2 -o $@ $< -luv

.PHONY: bench-net
# Built first with output on stderr: stdout carries only "bench:" lines.
bench-net:
	@tools/deps.sh $(BENCH_DEPS)
	@$(MAKE) --no-print-directory $(BUILD)/net/weft-httpd $(BUILD)/bench-net/uv_hello >&2
	@/usr/bin/python3 tools/net/net_bench.py $(BUILD) $(NET_BENCH_ROUNDS) $(NET_BENCH_SECONDS)

# The thread model once more under TSan (the server and its threads).
TEST_SUITES += $(BUILD)/tsan/net_server_thread_test
$(BUILD)/tsan/weft-httpd: $(NET_SERVER) $(NET_LIB) $(NET_ASYNC) $(NET_HDRS) mk/net.mk
	@mkdir -p $(@D)
	$(CC) $(NET_CFLAGS) -O1 -fsanitize=thread -Itools/net -Ilib/pool -o $@ $(NET_SERVER) $(NET_LIB) $(NET_ASYNC)
$(BUILD)/tsan/net_server_thread_test: tests/host/net_server_test.c tests/host/net_testutil.h \
		$(BUILD)/tsan/weft-httpd mk/net.mk
	@mkdir -p $(@D)
	$(CC) $(NET_CFLAGS) -O1 -DMODEL='"thread"' -DHTTPD='"$(abspath $(BUILD)/tsan/weft-httpd)"' \
		-o $@ $< -lcmocka
