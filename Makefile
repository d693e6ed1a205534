# Makefile for adoptsim.  `make help` lists the targets.
#
#   make            build ./adoptsim (optimized)
#   make demo       install what is missing, build, run the four steps against the
#                   stalled push (genai model) and print their report
#   make test       install what the tests need, build, run the whole suite
#   make test-asan  the suite again, built with AddressSanitizer + UBSan
#   make bench      the benchmark workloads of shared/BENCHMARKS.md (W6: calibrate),
#                   then Watts's cascade window with 2,000 trials per mean degree
#   make calibrate-coverage  coverage of calibrate's credible intervals (20 data sets)
#   make credibility  the genai defaults against the evidence's bands
#                   (analysis/credibility.py: 30 replicates, two years)
#   make fuzz       build the libFuzzer harnesses (clang), run each FUZZ_SECONDS (600)
#   make V=1 ...    show full commands;  WERROR=1 turns warnings into errors (CI sets it)

CC      ?= gcc
BUILD   ?= release
OUT     := build/$(BUILD)
PY      := /usr/bin/python3
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

PKGS      := gsl yaml-0.1 hdf5-serial
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null | sed 's/-I/-isystem /g')
# HDF5 is linked statically when Debian's static libraries are there: the
# shared libhdf5 drags in libcurl, Kerberos and TLS (42 libraries), whose
# loading alone took 7 ms of every run.  STATIC_HDF5=0 links it shared.
HDF5_DIR   = $(patsubst -L%,%,$(shell pkg-config --libs-only-L hdf5-serial 2>/dev/null))
STATIC_HDF5 ?= $(if $(wildcard $(HDF5_DIR)/libhdf5.a),1,0)
ifeq ($(STATIC_HDF5),1)
HDF5_LIBS  = $(HDF5_DIR)/libhdf5_hl.a $(HDF5_DIR)/libhdf5.a -lsz -lz -ldl
else
HDF5_LIBS  = $(shell pkg-config --libs hdf5-serial 2>/dev/null) -lhdf5_hl
endif
# GSL, libyaml, libdeflate and HDF5's compression libraries likewise, when all their
# static archives are there: loading them took 0.3 ms of each run's 7 ms
# (W1).  STATIC_LIBS=0 links them shared.
LIBDIR     = $(patsubst -L%,%,$(shell pkg-config --variable=libdir gsl 2>/dev/null))
STATIC_ARCHIVES = $(foreach a,gsl gslcblas yaml sz aec z deflate,$(LIBDIR)/lib$(a).a)
STATIC_LIBS ?= $(if $(STATIC_HDF5:0=),$(if $(filter-out $(wildcard $(STATIC_ARCHIVES)),$(STATIC_ARCHIVES)),0,1),0)
ifeq ($(STATIC_LIBS),1)
PKG_LIBS   = $(HDF5_DIR)/libhdf5_hl.a $(HDF5_DIR)/libhdf5.a $(STATIC_ARCHIVES) -ldl
else
PKG_LIBS   = $(shell pkg-config --libs gsl yaml-0.1 2>/dev/null) $(HDF5_LIBS) -ldeflate -lz
endif

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes \
        -Wmissing-prototypes -Wvla -Wno-unknown-pragmas
ifeq ($(WERROR),1)
WARN += -Werror
endif

ifeq ($(BUILD),asan)
OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else ifeq ($(BUILD),fuzz)
# the libFuzzer harnesses of tests/fuzz (make fuzz): every object instrumented
CC  := clang-14
OPT := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
       -fno-sanitize-recover=all
else
OPT := -O3 -g
endif

CFLAGS  := -std=c17 -D_POSIX_C_SOURCE=200809L -fopenmp $(OPT) $(WARN) -Isim -Imodels -Imodels/interventions \
           -DADOPTSIM_VERSION='"$(VERSION)"' $(PKG_CFLAGS) $(EXTRA_CFLAGS)
# libgomp linked statically when gcc has its archive: then its settings are
# read by a constructor of the program itself, after sim/parallel.c's
# earlier one has chosen how long idle threads spin (sim/parallel.h), and
# one shared library less is loaded.  STATIC_GOMP=0 links it shared.
GOMP_ARCHIVE := $(shell $(CC) -print-file-name=libgomp.a)
STATIC_GOMP  ?= $(if $(wildcard $(GOMP_ARCHIVE)),1,0)
ifeq ($(STATIC_GOMP),1)
OMP_LIBS := $(GOMP_ARCHIVE) -lpthread
else
OMP_LIBS := -fopenmp
endif
LDFLAGS := $(OPT)
LDLIBS  := $(PKG_LIBS) $(OMP_LIBS) -lm
# ./adoptsim itself linked fully static (release build, every library's
# archive there, glibc's too): no dynamic loader at all.  Mapping libc and
# libm and relocating them took 0.8 ms and 49 of the 97 page faults of
# `adoptsim --version`, about 4% of a whole W1 run.  HDF5's filter plugins
# (dlopen) then need the glibc the binary was built with; adoptsim's own
# files use only deflate and shuffle, which are built in.  STATIC_EXE=0
# links it as before; the tests and the sanitizer builds always do.
LIBC_ARCHIVE := $(shell $(CC) -print-file-name=libc.a)
STATIC_EXE ?= $(if $(filter release,$(BUILD)),$(if $(STATIC_LIBS:0=),$(if $(wildcard $(LIBC_ARCHIVE)),1,0),0),0)
ifeq ($(STATIC_EXE),1)
EXE_LDFLAGS := -static
endif

LIB_SRC  := $(filter-out sim/main.c,$(wildcard sim/*.c models/*.c models/interventions/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(OUT)/%.o)
MAIN_OBJ := $(OUT)/sim/main.o
TEST_SRC := $(wildcard tests/*.c)
TEST_OBJ := $(TEST_SRC:%.c=$(OUT)/%.o)
BIN      := $(OUT)/adoptsim
TEST_BIN := $(OUT)/adoptsim-tests
TEST_LIB := $(OUT)/adoptsim-tests-lib.o
SIMLOOP  := $(OUT)/simloop
FLOOR    := $(OUT)/floor

ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all demo test test-asan bench calibrate-coverage credibility deps deps-test deps-fuzz fuzz fuzz-build clean help params-doc

all: $(BIN) adoptsim

adoptsim: $(BIN)
	$(Q)ln -sf $(BIN) adoptsim

$(BIN): $(LIB_OBJ) $(MAIN_OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) $(EXE_LDFLAGS) -o $@ $^ $(LDLIBS) 2> $@.log || { cat $@.log >&2; rm -f $@.log; exit 1; }
	$(Q)grep -v -e "H5PL__open" -e "Using 'dlopen' in statically linked" $@.log >&2 || true; rm -f $@.log

$(TEST_BIN): $(TEST_LIB) $(TEST_OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -Wl,--wrap=GOMP_parallel -o $@ $^ $(LDLIBS) -lcriterion

# genai_batch.c's loops choose between computed values; GCC vectorizes them
# only when it may assume no floating-point trap (the values are the same).
$(OUT)/models/genai_batch.o: CFLAGS += -fno-trapping-math

# The simulation alone, timed replicate by replicate (bench/simloop.c).
$(SIMLOOP): $(LIB_OBJ) $(OUT)/bench/simloop.o
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The least a whole run that writes its results file costs (bench/floor.c),
# linked as ./adoptsim is.
$(FLOOR): $(LIB_OBJ) $(OUT)/bench/floor.o
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) $(EXE_LDFLAGS) -o $@ $^ $(LDLIBS) 2> $@.log || { cat $@.log >&2; rm -f $@.log; exit 1; }
	$(Q)grep -v -e "H5PL__open" -e "Using 'dlopen' in statically linked" $@.log >&2 || true; rm -f $@.log

# The tests link the library as one relocatable object in which the
# library's own calls to these functions go to the wrappers of
# tests/alloc_fail.c (allocation-failure injection); HDF5, libyaml, GSL and
# libc keep the real ones.  The release binary links the plain objects.
ALLOC_WRAP := malloc calloc aligned_alloc realloc free strdup getline
$(TEST_LIB): $(LIB_OBJ)
	@echo "  LD -r   $@"
	$(Q)$(LD) -r $(ALLOC_WRAP:%=--wrap=%) -o $@ $^

$(OUT)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# Fuzzing harnesses (tests/fuzz/README.md): $(OUT)/fuzz/NAME links libFuzzer
# (BUILD=fuzz, clang); $(OUT)/fuzz-replay/NAME feeds files to the same harness
# without it (any build, gcc), for the test suite.
FUZZ_NAMES  := scenario experiment orgchart edgelist csr
FUZZ_COMMON := $(OUT)/tests/fuzz/harness.o
FUZZ_OBJ    := $(FUZZ_NAMES:%=$(OUT)/tests/fuzz/%.o) $(FUZZ_COMMON) $(OUT)/tests/fuzz/replay.o
FUZZ_BIN    := $(FUZZ_NAMES:%=$(OUT)/fuzz/%)
FUZZ_REPLAY := $(FUZZ_NAMES:%=$(OUT)/fuzz-replay/%)
FUZZ_SECONDS ?= 600
.SECONDARY: $(FUZZ_OBJ)

$(OUT)/fuzz/%: $(OUT)/tests/fuzz/%.o $(FUZZ_COMMON) $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

$(OUT)/fuzz-replay/%: $(OUT)/tests/fuzz/%.o $(FUZZ_COMMON) $(OUT)/tests/fuzz/replay.o $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(FUZZ_OBJ:.o=.d) $(OUT)/bench/simloop.d $(OUT)/bench/floor.d

deps:
	$(Q)sh scripts/deps.sh run

deps-test:
	$(Q)sh scripts/deps.sh test

deps-fuzz:
	$(Q)sh scripts/deps.sh fuzz

# The main job: the generative-AI model's four steps against the stalled
# push (6 scenarios x 30 replicates of 1,000 staff, about 6 s on 2 cores),
# then the comparison.
demo: deps
	$(Q)$(MAKE) --no-print-directory all
	@mkdir -p out
	./adoptsim experiment configs/experiment_four_steps.yaml -o out/four_steps.h5 --force
	./adoptsim report out/four_steps.h5

# The whole suite: one Criterion binary (C unit tests, CLI tests, reader tests).
test: deps-test
	$(Q)$(MAKE) --no-print-directory $(BIN) $(TEST_BIN) $(FUZZ_REPLAY)
	ADOPTSIM=$(BIN) $(TEST_BIN) $(TEST_ARGS)

test-asan: deps-test
	$(Q)LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  $(MAKE) --no-print-directory BUILD=asan test

bench: deps-test
	$(Q)$(MAKE) --no-print-directory all $(SIMLOOP) $(FLOOR)
	$(Q)bash bench/run.sh
	$(Q)bash bench/w4.sh
	$(Q)bash bench/w5.sh
	$(Q)bash bench/lhs1000.sh
	$(Q)bash bench/w6.sh
	$(Q)$(MAKE) --no-print-directory $(TEST_BIN)
	$(Q)bash bench/watts.sh $(TEST_BIN)

# The coverage of calibrate's 90% credible intervals over 20 synthetic data
# sets of the 500-staff firm (about 5 minutes on 2 cores).
calibrate-coverage: all
	$(Q)bash bench/calibrate_coverage.sh

# Build every harness and run each for FUZZ_SECONDS, two at a time (both
# cores), niced; prints executions, coverage and findings per harness.
# The grown corpora and findings stay under build/fuzz/.
# The genai model's defaults beside the bands the evidence supports (docs/MODEL.md).
credibility: deps-test
	$(Q)$(MAKE) --no-print-directory all
	$(PY) analysis/credibility.py --adoptsim ./adoptsim

fuzz: deps-fuzz
	$(Q)$(MAKE) --no-print-directory BUILD=release all
	$(Q)sh tests/fuzz/dict.sh build/release/adoptsim build/fuzz/dict
	$(Q)$(MAKE) --no-print-directory BUILD=fuzz fuzz-build
	$(Q)bash tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS) $(FUZZ_NAMES)

fuzz-build: $(FUZZ_BIN)

params-doc: all
	./adoptsim params --markdown > docs/PARAMETERS.md

clean:
	rm -rf build adoptsim

help:
	@sed '/^$$/q' Makefile
