# sluice build. `make` builds build/sluice; see README for the other targets.
#
# Layout: every src/<module>/*.c except src/cli goes into build/libsluice.a;
# src/cli/*.c plus the library make build/sluice. Unit tests tests/unit/test_*.c
# each become a binary. The same tree is built a second time with ASan+UBSan (by clang)
# into build/asan/ (the tests run there). New files are picked up by globbing:
# adding a module or a test needs no edit here.

VERSION   := 0.1.0
BUILD_ID  := $(shell git rev-parse --short=10 HEAD 2>/dev/null || echo unknown)
PREFIX    ?= /usr/local

CC        ?= cc
PKGS      := rdkafka libzstd zlib libcurl sqlite3
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lsnappy -lm -lpthread

WARN      := -Wall -Wextra -Werror -Wno-missing-field-initializers
BASEFLAGS := -std=c11 -D_GNU_SOURCE -Isrc $(WARN) $(PKG_CFLAGS) \
             -DSL_VERSION_STR='"$(VERSION)"' -DSL_BUILD_ID='"$(BUILD_ID)"' -MMD -MP
OPT       ?= -O2 -g
# The sanitizer tree is built with clang, whose UBSan also checks pointer arithmetic
# (an offset applied to a NULL buffer), as the fuzz build does.
ASAN_CC   ?= clang
ASANFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined

LIB_SRC   := $(filter-out src/cli/%,$(wildcard src/*/*.c))
CLI_SRC   := $(wildcard src/cli/*.c)
TEST_SRC  := $(wildcard tests/unit/test_*.c)
BENCH_SRC := $(wildcard bench/*.c)
FUZZ_SRC  := $(wildcard fuzz/fuzz_*.c)
# Helper programs used by tests and benchmarks (tests/tools/*.c), linked with the library.
TOOL_SRC  := $(wildcard tests/tools/*.c)

# Mapping files compiled into the binary (src/map/builtin_mappings.c is generated).
MAPPING_FILES := $(wildcard mappings/*.json)

.PHONY: all asan test test-quick demo bench fuzz soak clean install deps

all: build/sluice $(patsubst tests/tools/%.c,build/tools/%,$(TOOL_SRC))

# ---- release build ----
build/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) $(OPT) -c $< -o $@

build/libsluice.a: $(patsubst %.c,build/obj/%.o,$(LIB_SRC)) build/obj/embedded/mappings.o
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

build/sluice: $(patsubst %.c,build/obj/%.o,$(CLI_SRC)) build/libsluice.a
	$(CC) $(OPT) -o $@ $^ $(PKG_LIBS)

build/tests/%: build/obj/tests/unit/%.o build/libsluice.a
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $^ $(PKG_LIBS)

build/tools/%: build/obj/tests/tools/%.o build/libsluice.a
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $^ $(PKG_LIBS)

build/bench/%: build/obj/bench/%.o build/libsluice.a
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $^ $(PKG_LIBS)

# bench/json_parse compares against jansson and cJSON: linked into that bench only.
build/bench/json_parse: PKG_LIBS += -ljansson -lcjson

# Built-in mappings: each mappings/NAME.json becomes a C string table (see src/map/map.h).
build/embedded/mappings.c: $(MAPPING_FILES) scripts/embed-mappings.sh
	@mkdir -p $(dir $@)
	sh scripts/embed-mappings.sh $(MAPPING_FILES) > $@.tmp && mv $@.tmp $@

build/obj/embedded/mappings.o: build/embedded/mappings.c
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) $(OPT) -c $< -o $@

# ---- sanitizer build (ASan + UBSan) ----
build/asan/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(ASAN_CC) $(BASEFLAGS) $(ASANFLAGS) -c $< -o $@

build/asan/obj/embedded/mappings.o: build/embedded/mappings.c
	@mkdir -p $(dir $@)
	$(ASAN_CC) $(BASEFLAGS) $(ASANFLAGS) -c $< -o $@

build/asan/libsluice.a: $(patsubst %.c,build/asan/obj/%.o,$(LIB_SRC)) build/asan/obj/embedded/mappings.o
	rm -f $@ && ar rcs $@ $^

build/asan/sluice: $(patsubst %.c,build/asan/obj/%.o,$(CLI_SRC)) build/asan/libsluice.a
	$(ASAN_CC) $(ASANFLAGS) -o $@ $^ $(PKG_LIBS)

build/asan/tests/%: build/asan/obj/tests/unit/%.o build/asan/libsluice.a
	@mkdir -p $(dir $@)
	$(ASAN_CC) $(ASANFLAGS) -o $@ $^ $(PKG_LIBS)

build/asan/tools/%: build/asan/obj/tests/tools/%.o build/asan/libsluice.a
	@mkdir -p $(dir $@)
	$(ASAN_CC) $(ASANFLAGS) -o $@ $^ $(PKG_LIBS)

asan: build/asan/sluice $(patsubst tests/unit/%.c,build/asan/tests/%,$(TEST_SRC)) \
      $(patsubst tests/tools/%.c,build/asan/tools/%,$(TOOL_SRC))

unit-tests: $(patsubst tests/unit/%.c,build/tests/%,$(TEST_SRC))

# ---- fuzzing (clang libFuzzer) ----
FUZZ_CC    ?= clang
FUZZFLAGS  := -std=c11 -D_GNU_SOURCE -Isrc $(PKG_CFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined \
              -DSL_VERSION_STR='"$(VERSION)"' -DSL_BUILD_ID='"$(BUILD_ID)"'
build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZFLAGS) -c $< -o $@

build/fuzz/libsluice.a: $(patsubst %.c,build/fuzz/obj/%.o,$(LIB_SRC)) build/fuzz/obj/embedded/mappings.o
	rm -f $@ && ar rcs $@ $^

build/fuzz/obj/embedded/mappings.o: build/embedded/mappings.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZFLAGS) -c $< -o $@

build/fuzz/%: build/fuzz/obj/fuzz/%.o build/fuzz/libsluice.a
	$(FUZZ_CC) $(FUZZFLAGS) -o $@ $^ $(PKG_LIBS)

fuzz-build: $(patsubst fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))

# ---- the commands README names ----
deps:
	sh scripts/deps.sh

# Installs what is missing first, then builds the three trees two jobs at a time.
test:
	sh scripts/deps.sh
	$(MAKE) --no-print-directory -j2 test-quick

# Object files reached through pattern rules are intermediate to make, which would
# delete them (and print so) after the tests: keep them; the runner's summary line
# stays the last line of `make test`.
.SECONDARY:

# Same as test without the dependency installer (for a machine already set up).
test-quick: all asan unit-tests fuzz-build
	sh tests/run.sh

demo:
	SL_DEPS_SKIP_NPM=1 sh scripts/deps.sh
	$(MAKE) -j2 all
	./build/sluice demo

bench:
	sh scripts/deps.sh
	$(MAKE) -j2 all $(patsubst bench/%.c,build/bench/%,$(BENCH_SRC))
	sh bench/run.sh

fuzz: deps fuzz-build
	sh fuzz/run.sh long

soak: deps all
	sh tests/soak.sh

install: build/sluice
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/sluice/mappings
	install -m 0755 build/sluice $(DESTDIR)$(PREFIX)/bin/sluice
	install -m 0644 $(MAPPING_FILES) $(DESTDIR)$(PREFIX)/share/sluice/mappings/

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
