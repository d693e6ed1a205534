# Makefile for adoptsim.  `make help` lists the targets.
#
#   make            build ./adoptsim (optimized)
#   make demo       install what is missing, build, run configs/default.yaml
#   make test       install what the tests need, build, run the whole suite
#   make test-asan  the suite again, built with AddressSanitizer + UBSan
#   make bench      the benchmark workloads of shared/BENCHMARKS.md
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
# GSL, libyaml and HDF5's compression libraries likewise, when all their
# static archives are there: loading them took 0.3 ms of each run's 7 ms
# (W1).  STATIC_LIBS=0 links them shared.
LIBDIR     = $(patsubst -L%,%,$(shell pkg-config --variable=libdir gsl 2>/dev/null))
STATIC_ARCHIVES = $(foreach a,gsl gslcblas yaml sz aec z,$(LIBDIR)/lib$(a).a)
STATIC_LIBS ?= $(if $(STATIC_HDF5:0=),$(if $(filter-out $(wildcard $(STATIC_ARCHIVES)),$(STATIC_ARCHIVES)),0,1),0)
ifeq ($(STATIC_LIBS),1)
PKG_LIBS   = $(HDF5_DIR)/libhdf5_hl.a $(HDF5_DIR)/libhdf5.a $(STATIC_ARCHIVES) -ldl
else
PKG_LIBS   = $(shell pkg-config --libs gsl yaml-0.1 2>/dev/null) $(HDF5_LIBS)
endif

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes \
        -Wmissing-prototypes -Wvla -Wno-unknown-pragmas
ifeq ($(WERROR),1)
WARN += -Werror
endif

ifeq ($(BUILD),asan)
OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
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

LIB_SRC  := $(filter-out sim/main.c,$(wildcard sim/*.c models/*.c models/interventions/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(OUT)/%.o)
MAIN_OBJ := $(OUT)/sim/main.o
TEST_SRC := $(wildcard tests/*.c)
TEST_OBJ := $(TEST_SRC:%.c=$(OUT)/%.o)
BIN      := $(OUT)/adoptsim
TEST_BIN := $(OUT)/adoptsim-tests
SIMLOOP  := $(OUT)/simloop

ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all demo test test-asan bench deps deps-test clean help params-doc

all: $(BIN) adoptsim

adoptsim: $(BIN)
	$(Q)ln -sf $(BIN) adoptsim

$(BIN): $(LIB_OBJ) $(MAIN_OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(TEST_BIN): $(LIB_OBJ) $(TEST_OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -Wl,--wrap=GOMP_parallel -o $@ $^ $(LDLIBS) -lcriterion

# genai_batch.c's loops choose between computed values; GCC vectorizes them
# only when it may assume no floating-point trap (the values are the same).
$(OUT)/models/genai_batch.o: CFLAGS += -fno-trapping-math

# The simulation alone, timed replicate by replicate (bench/simloop.c).
$(SIMLOOP): $(LIB_OBJ) $(OUT)/bench/simloop.o
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(OUT)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(OUT)/bench/simloop.d

deps:
	$(Q)sh scripts/deps.sh run

deps-test:
	$(Q)sh scripts/deps.sh test

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	@mkdir -p out
	./adoptsim run configs/default.yaml -o out/default.h5 --force

# The whole suite: one Criterion binary (C unit tests, CLI tests, reader tests).
test: deps-test
	$(Q)$(MAKE) --no-print-directory $(BIN) $(TEST_BIN)
	ADOPTSIM=$(BIN) $(TEST_BIN) $(TEST_ARGS)

test-asan: deps-test
	$(Q)LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  $(MAKE) --no-print-directory BUILD=asan test

bench: deps-test
	$(Q)$(MAKE) --no-print-directory all $(SIMLOOP)
	$(Q)bash bench/run.sh
	$(Q)bash bench/w4.sh

params-doc: all
	./adoptsim params --markdown > docs/PARAMETERS.md

clean:
	rm -rf build adoptsim

help:
	@sed -n '1,12p' Makefile
