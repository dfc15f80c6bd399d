# tests/fuzz/fuzz.mk - libFuzzer harnesses, one per reader (included by the
# top Makefile; see tests/fuzz/README).
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_RUNS=N] [FUZZ_ONLY="qmp_json cpuid"]
#                     every harness FUZZ_SECONDS seconds (FUZZ_RUNS: or until
#                     N execs), one at a time; prints the execs of each; new
#                     corpus entries go to
#                     build-fuzz/corpus/NAME, crashes to build-fuzz/crashes/NAME
#   make fuzz-smoke   every regression input, then each harness a few seconds
#                     (part of make check; a loud SKIP without clang + libFuzzer)
#   make fuzz-build   the harnesses only: build-fuzz/fuzz_NAME
#
# The core is compiled again with clang into build-fuzz/ with
# -fsanitize=fuzzer-no-link,address,undefined; the harnesses are linked with
# -fsanitize=fuzzer,address,undefined.

FUZZ_CC       ?= clang
FUZZ_BUILD    := build-fuzz
FUZZ_SECONDS  ?= 60
FUZZ_SMOKE_SECONDS ?= 2
FUZZ_ONLY     ?=
FUZZ_RUNS     ?=
FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# clang's -Wformat=2 also flags err.c's vsnprintf of a va_list format.
FUZZ_CFLAGS   := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) -Wno-format-nonliteral \
                 -O1 -g $(FUZZ_SAN) \
                 $(addprefix -I,$(sort $(patsubst %/,%,$(dir $(SRC_C))))) -Itests/fuzz \
                 $(DEPCFLAGS) -MMD -MP

FUZZ_HARNESS_C := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES     := $(FUZZ_HARNESS_C:tests/fuzz/fuzz_%.c=%)
FUZZ_BIN       := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_LIB_O     := $(SRC_C:%.c=$(FUZZ_BUILD)/%.o) $(FUZZ_BUILD)/gen/feature_defs.o
FUZZ_LIB       := $(FUZZ_BUILD)/libcpuscope.a

# Does $(FUZZ_CC) link a libFuzzer harness?  (a shell test, run by the recipes)
FUZZ_HAVE = printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\n\
int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
	| $(FUZZ_CC) -x c -fsanitize=fuzzer,address,undefined -o /dev/null - >/dev/null 2>&1

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-clean

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

# The generated feature table is the same source for every compiler.
$(FUZZ_BUILD)/gen/feature_defs.o: $(GEN_C)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_LIB): $(FUZZ_LIB_O)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) $(DEPLIBS) -lm

fuzz-build: deps-ok
	@if ! $(FUZZ_HAVE); then \
	  echo "fuzz: $(FUZZ_CC) cannot link a libFuzzer harness (-fsanitize=fuzzer); install clang"; exit 1; fi
	@$(MAKE) -s --no-print-directory $(FUZZ_BIN)

fuzz: fuzz-build
	@FUZZ_RUNS=$(FUZZ_RUNS) tests/fuzz/run.sh long $(FUZZ_BUILD) $(FUZZ_SECONDS) $(or $(FUZZ_ONLY),$(FUZZ_NAMES))

fuzz-smoke: deps-ok
	@if $(FUZZ_HAVE); then \
	  $(MAKE) --no-print-directory $(FUZZ_BIN) >/dev/null && \
	  tests/fuzz/run.sh smoke $(FUZZ_BUILD) $(FUZZ_SMOKE_SECONDS) $(FUZZ_NAMES); \
	else \
	  echo "************************************************************************"; \
	  echo "*** SKIP fuzz-smoke: $(FUZZ_CC) with libFuzzer (-fsanitize=fuzzer) not found;"; \
	  echo "*** the fuzz harnesses and their regression inputs did NOT run."; \
	  echo "************************************************************************"; \
	fi

fuzz-clean:
	rm -rf $(FUZZ_BUILD)
clean: fuzz-clean

-include $(shell find $(FUZZ_BUILD) -name '*.d' 2>/dev/null)
