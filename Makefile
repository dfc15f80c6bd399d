# cpuscope - GNU Makefile.  See README for the targets.
.DEFAULT_GOAL := all
SHELL := /bin/bash

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR   = $(PREFIX)/bin
DATADIR  = $(PREFIX)/share/cpuscope
MANDIR   = $(PREFIX)/share/man
COMPDIR  = $(PREFIX)/share/bash-completion/completions

PKG_CONFIG ?= pkg-config
PKGS      := ncursesw libxml-2.0 json-c
TEST_PKGS := cmocka

ifeq ($(SAN),1)
BUILD    ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD    ?= build
SANFLAGS :=
endif

CC      ?= cc
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wcast-qual -Wformat=2 -Wwrite-strings -Wundef
CFLAGS  ?= -O2 -g
DEPCFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
DEPLIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
TESTCFLAGS = $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS) 2>/dev/null)
TESTLIBS   = $(shell $(PKG_CONFIG) --libs $(TEST_PKGS) 2>/dev/null)
# The core's layers (README "Layout"; scripts/lint-layers.sh checks who may
# include whom).  Headers are included by their base name.
SRC_DIRS := base model read emit probe logic
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) \
             $(addprefix -Isrc/,$(SRC_DIRS)) -I$(BUILD)/gen $(DEPCFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)

SRC_C   := $(sort $(foreach d,$(SRC_DIRS),$(wildcard src/$(d)/*.c)))
CLI_C   := $(sort $(wildcard cli/*.c))
UI_C    := $(sort $(wildcard ui/*.c))
GEN_C   := $(BUILD)/gen/feature_defs.c
LIB_O   := $(SRC_C:%.c=$(BUILD)/%.o) $(BUILD)/gen/feature_defs.o
UI_O    := $(UI_C:%.c=$(BUILD)/%.o)
CLI_O   := $(CLI_C:%.c=$(BUILD)/%.o)
LIB     := $(BUILD)/libcpuscope.a
BIN     := cpuscope
ifeq ($(SAN),1)
BIN     := $(BUILD)/cpuscope
.PHONY: cpuscope
cpuscope: $(BIN)
endif

UNIT_C     := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN   := $(UNIT_C:tests/unit/%.c=$(BUILD)/tests/%)
UNIT_HELP_O := $(patsubst %.c,$(BUILD)/%.o,$(filter-out $(UNIT_C),$(wildcard tests/unit/*.c)))
FEATURE_TSV := $(wildcard data/*-features.tsv) $(wildcard data/*-groups.tsv)

.PHONY: all deps check unit cli-tests interop tui-tests lint run valgrind install uninstall \
        clean bench data screenshots update-golden docs docs-check
.SECONDARY:

all: deps-ok $(BIN)

# Dependencies: when pkg-config cannot find one, say so and run the installer.
.PHONY: deps-ok
deps-ok:
	@if ! $(PKG_CONFIG) --exists $(PKGS) 2>/dev/null; then \
	  echo "cpuscope: missing build dependencies ($(PKGS)); running scripts/install-deps.sh"; \
	  scripts/install-deps.sh || exit 1; fi

deps:
	scripts/install-deps.sh --test

$(BUILD)/gen/feature_defs.c: scripts/gen-features.awk $(FEATURE_TSV)
	@mkdir -p $(@D)
	awk -f scripts/gen-features.awk $(FEATURE_TSV) > $@.tmp && mv $@.tmp $@

$(BUILD)/%.o: %.c | $(GEN_C)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

# The command line is a front end like ui/; only its main() knows the TUI's
# entry point (ui/tui.h) and key table (ui/keys.h).
$(BUILD)/cli/%.o: cli/%.c | $(GEN_C)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -Iui -c $< -o $@

$(BUILD)/gen/feature_defs.o: $(BUILD)/gen/feature_defs.c
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_O)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^

$(BIN): $(CLI_O) $(UI_O) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_O) $(UI_O) $(LIB) $(DEPLIBS) -lm

$(BUILD)/tests/%.o: tests/unit/%.c | $(GEN_C)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TESTCFLAGS) -Itests/unit -c $< -o $@

$(BUILD)/tests/unit/%.o: tests/unit/%.c | $(GEN_C)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TESTCFLAGS) -Itests/unit -c $< -o $@

$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(UNIT_HELP_O) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(UNIT_HELP_O) $(LIB) $(TESTLIBS) $(DEPLIBS) -lm

# ---- tests -------------------------------------------------------------
check: deps-test lint docs-check unit cli-tests tui-tests fuzz-smoke interop
	@echo "make check: all test groups passed"

.PHONY: deps-test
deps-test:
	@if ! $(PKG_CONFIG) --exists $(PKGS) $(TEST_PKGS) 2>/dev/null; then \
	  echo "cpuscope: missing test dependencies; running scripts/install-deps.sh --test"; \
	  scripts/install-deps.sh --test || exit 1; fi

lint:
	@scripts/lint-core.sh
	@scripts/lint-layers.sh

unit: $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do \
	  echo "== $$t"; CPUSCOPE_SRCDIR=$(CURDIR) $$t || fail=1; done; exit $$fail

cli-tests: all $(BIN)
	@CPUSCOPE_BIN=$(CURDIR)/$(BIN) tests/cli/run.sh
	@CPUSCOPE_BIN=$(CURDIR)/$(BIN) tests/cli/table.sh
	@CPUSCOPE_BIN=$(CURDIR)/$(BIN) tests/cli/captures.sh

interop: all $(BIN)
	@if [ -x tests/interop/run.sh ]; then CPUSCOPE_BIN=$(CURDIR)/$(BIN) tests/interop/run.sh; fi

tui-tests: all $(BIN)
	@if [ -x tests/tui/run.sh ]; then CPUSCOPE_BIN=$(CURDIR)/$(BIN) tests/tui/run.sh; fi

screenshots: all
	scripts/screenshots.sh

update-golden: all
	@CPUSCOPE_BIN=$(CURDIR)/$(BIN) UPDATE_GOLDEN=1 tests/cli/run.sh
	@if [ -x tests/tui/run.sh ]; then CPUSCOPE_BIN=$(CURDIR)/$(BIN) UPDATE_GOLDEN=1 tests/tui/run.sh; fi

# Generated from the program's own tables (scripts/docs.sh): the key tables
# (docs/keys.md, the README block) from ui/keys.c; the man page, the bash
# completion and the README command block from cli/commands.c.
docs: all
	@CPUSCOPE_BIN=./$(BIN) scripts/docs.sh

docs-check: all
	@CPUSCOPE_BIN=./$(BIN) scripts/docs.sh --check

valgrind: $(UNIT_BIN) all
	@fail=0; for t in $(UNIT_BIN); do \
	  echo "== valgrind $$t"; CPUSCOPE_SRCDIR=$(CURDIR) valgrind -q --error-exitcode=99 \
	    --child-silent-after-fork=yes --leak-check=full --errors-for-leak-kinds=definite \
	    $$t >/dev/null || fail=1; done; \
	  CPUSCOPE_BIN=$(CURDIR)/$(BIN) CPUSCOPE_VALGRIND=1 tests/cli/run.sh || fail=1; exit $$fail

run: all
	./$(BIN)

BENCH_C   := $(wildcard tests/bench/*.c)
BENCH_BIN := $(BENCH_C:tests/bench/%.c=$(BUILD)/bench/%)

$(BUILD)/bench/%: tests/bench/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(DEPLIBS) -lm

bench: all $(BENCH_BIN)
	@if [ -x tests/bench/run.sh ]; then CPUSCOPE_BIN=$(CURDIR)/$(BIN) tests/bench/run.sh; \
	 else echo "no benchmarks yet"; fi

# DATA=system or DATA=10.0: one set of snapshots (default: both)
data: all
	scripts/make-data.sh $(DATA)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(COMPDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/cpuscope
	cp -R data/. $(DESTDIR)$(DATADIR)/
	install -m 0644 docs/cpuscope.1 $(DESTDIR)$(MANDIR)/man1/cpuscope.1
	install -m 0644 docs/cpuscope.bash-completion $(DESTDIR)$(COMPDIR)/cpuscope

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/cpuscope
	rm -rf $(DESTDIR)$(DATADIR)
	rm -f $(DESTDIR)$(MANDIR)/man1/cpuscope.1 $(DESTDIR)$(COMPDIR)/cpuscope

clean:
	rm -rf build build-san cpuscope

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
-include tests/fuzz/fuzz.mk
