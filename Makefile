# Thin wrapper over CMake presets; every target is also a plain command.
#   make demo   build, then the model at work: simulated phones (everyday life, snatches, a
#               forced movement) through the edge pipeline, every event it raises printed
#               (time, type, confidence, location), then the shipped model on real phones
#   make test   build, run every test, the sanitizer preset on parsing/engine tests,
#               a bounded libFuzzer run of every parser, the Cortex-M4 firmware check
#               (sizes, QEMU run = host output, kernel self-test) and the format check
#   make bench  bench/run all
#   make release  the signed bundle dist/citysafe-VERSION.tar.gz: x86_64 + aarch64 binaries, the
#               default model, deploy/, docs/, SHA256SUMS + Ed25519 signature (docs/releases.md)
#   make fmt    clang-format every C++ file in place
JOBS ?= $(shell nproc)
.PHONY: build demo test test-asan fuzz-smoke firmware-check bench release fmt fmt-check clean

build:
	@[ -f build/build.ninja ] || cmake --preset default
	cmake --build build -j $(JOBS)

demo: build
	scripts/demo

# Each stage is timed (scripts/timed); the suite ends, pass or fail, with seconds per stage.
test:
	@mkdir -p build && rm -f build/stage-times.txt
	@T=scripts/timed; $$T build $(MAKE) --no-print-directory build \
	  && $$T ctest ctest --test-dir build --output-on-failure -j $(JOBS) --timeout 600 \
	  && $(MAKE) --no-print-directory test-asan \
	  && $(MAKE) --no-print-directory fuzz-smoke \
	  && $$T firmware $(MAKE) --no-print-directory firmware-check \
	  && $$T fmt $(MAKE) --no-print-directory fmt-check; \
	  rc=$$?; scripts/stage-summary; exit $$rc

# The sanitized tests (and, built in the same clang tree, the libFuzzer targets).
# A build-asan from before the fuzz targets moved in (GCC) is configured afresh: CMake cannot
# change the compiler of an existing tree.
test-asan:
	@grep -qs '^CSS_FUZZ:BOOL=ON' build-asan/CMakeCache.txt || { rm -rf build-asan; cmake --preset asan; }
	scripts/timed asan-build cmake --build build-asan -j $(JOBS)
	scripts/timed asan-ctest ctest --test-dir build-asan --output-on-failure -j $(JOBS) -L sanitize --timeout 900

# Every parser of untrusted bytes under libFuzzer for CSS_FUZZ_SECONDS (15 s) each. The fuzz
# targets live in the asan tree (one clang build of the libraries serves both).
fuzz-smoke:
	@grep -qs '^CSS_FUZZ:BOOL=ON' build-asan/CMakeCache.txt || { rm -rf build-asan; cmake --preset asan; }
	scripts/timed fuzz-run cmake --build build-asan -j $(JOBS) --target fuzz_smoke

# Cortex-M4 image: prints text/data/bss and the flash/RAM budget, runs it in QEMU against the
# host build, runs the kernel self-test and counts instructions (docs/firmware.md).
firmware-check:
	JOBS=$(JOBS) scripts/cross-check --m4-only

bench: build
	bench/run all

# Builds what it ships (build/ and the aarch64 cross tree build-aarch64-release), then packs,
# signs and verifies. RELEASE_ARGS="--key KEY.pem --arch x86_64" passes options; without a key
# ($$RELEASE_KEY or --key) the bundle is signed with a development key (dist/release-dev-key.pem).
release:
	JOBS=$(JOBS) scripts/release $(RELEASE_ARGS)

fmt:
	git ls-files '*.cpp' '*.hpp' '*.h' '*.c' | xargs clang-format -i

fmt-check:
	git ls-files '*.cpp' '*.hpp' '*.h' '*.c' | xargs clang-format --dry-run -Werror

clean:
	rm -rf build build-asan build-fuzz
