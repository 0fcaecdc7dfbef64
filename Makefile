# ictus: build, test, benchmark, demo, install.
#   make            build build/release/ictus
#   make check      build with AddressSanitizer + UBSan and run every test
#   make bench      the performance figures (release build)
#   make demo       generate the demo study and run the nightly job on it
#   make install PREFIX=/usr/local
# Sources are found by wildcard: a new module is a new .c file, a new test
# is a new tests/test_*.c (or tests/test_*.sh) file.

PREFIX ?= /usr/local
CC ?= cc
PKGS := sndfile fftw3 sqlite3 gsl cairo libxxhash
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
BASE_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 -pthread $(WARN) \
    -DICTUS_VERSION='"$(VERSION)"' -DICTUS_DATADIR='"$(PREFIX)/share/ictus"' -MMD -MP
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# EDFlib and libcsv ship no pkg-config file.
LIBS = -ledf -lcsv $(PKG_LIBS) -lm -pthread

# `make V=1` shows the compiler command lines.
Q := $(if $(V),,@)

LIB_DIRS := base pipeline pipeline/source pipeline/dsp pipeline/features store detectors protocols synth nightly
LIB_SRC := $(wildcard $(addsuffix /*.c,$(LIB_DIRS)))
CLI_SRC := $(wildcard cli/*.c)
TEST_SRC := $(wildcard tests/test_*.c)
SUPPORT_SRC := $(wildcard tests/support_*.c)
BENCH_SRC := $(wildcard tests/bench_*.c)

# Two configurations: release (optimised) and san (ASan + UBSan, for tests).
release_CFLAGS := -O2 -g
san_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
san_LDFLAGS := -fsanitize=address,undefined

.PHONY: all check check-release valgrind validate bench demo install deps clean fixtures
all: build/release/ictus

define config_rules
build/$(1)/%.o: %.c | deps
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(BASE_CFLAGS) $$($(1)_CFLAGS) $$(PKG_CFLAGS) -I. -c $$< -o $$@

build/$(1)/libictus.a: $$(LIB_SRC:%.c=build/$(1)/%.o)
	@rm -f $$@
	$$(Q)ar rcs $$@ $$^

build/$(1)/ictus: $$(CLI_SRC:%.c=build/$(1)/%.o) build/$(1)/libictus.a
	$$(Q)$$(CC) $$($(1)_LDFLAGS) -o $$@ $$^ $$(LIBS)

build/$(1)/tests/%: build/$(1)/tests/%.o $$(SUPPORT_SRC:%.c=build/$(1)/%.o) build/$(1)/libictus.a
	$$(Q)$$(CC) $$($(1)_LDFLAGS) -o $$@ $$^ $$(LIBS)

$(1)_TESTS := $$(TEST_SRC:tests/%.c=build/$(1)/tests/%)
endef
$(eval $(call config_rules,release))
$(eval $(call config_rules,san))

.SECONDARY:

# The tests run from the project root so that ../shared/data resolves.
check: build/san/ictus $(san_TESTS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	    tests/run.sh build/san

check-release: build/release/ictus $(release_TESTS)
	@tests/run.sh build/release

valgrind: build/release/ictus $(release_TESTS)
	@ICTUS_VALGRIND=1 tests/valgrind.sh build/release

# Issue 3's validation on unseen seeds: 4 models x 4 animals x 2 days (~2 min).
validate: build/release/ictus
	@tests/validate.sh build/release/ictus

bench: build/release/ictus $(BENCH_SRC:tests/%.c=build/release/tests/%)
	@tests/bench.sh build/release

demo: build/release/ictus
	@data-samples/make-demo.sh build/release/ictus

# Regenerate the SciPy reference fixtures (committed; needs python3-scipy).
fixtures:
	for g in tests/fixtures/gen_*.py; do /usr/bin/python3 $$g || exit 1; done

install: build/release/ictus
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/ictus/presets
	install -m 755 build/release/ictus $(DESTDIR)$(PREFIX)/bin/ictus
	install -m 644 detectors/presets/*.ini $(DESTDIR)$(PREFIX)/share/ictus/presets/

# Install the Debian packages the build needs when any is missing.
deps:
	@pkg-config --exists $(PKGS) && [ -f /usr/include/edflib.h ] && [ -f /usr/include/csv.h ] \
	    || .ci/install-deps

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
