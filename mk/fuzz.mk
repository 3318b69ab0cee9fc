# Fuzzing (included by the Makefile): the header checks and decoders, the
# HEIF/AVIF and WebP container parsers (codec/fuzz_test.go), the ICC profile
# parser with lcms2 behind it (codec/icc_fuzz_test.go), the metadata reader
# and writer (codec/meta_fuzz_test.go, seeded with files exiftool tags), the
# fast filters against imaging (processing/resample_test.go), the
# filter-chain text and the preset JSON (processing/fuzz_chain_test.go).
#   make fuzz         each target for FUZZTIME (1 minute)
#   make fuzz-short   each target for FUZZTIME_SHORT (10 s); part of make test
# An input that fails is written to <package>/testdata/fuzz/<target>/:
# check it in with the fix, and every plain `go test` runs it from then on.
# Minimising an interesting input may take 60 s by default, which stalls a
# short run; 5 s is plenty for inputs of at most 64 KiB. scripts/fuzz.sh runs
# one target, and runs it again when Go 1.26's coordinator reports its own
# deadline as a failure without writing an input (golang/go#75804).

# package:target, one per fuzz target.
FUZZ_TARGETS   := codec:FuzzDecode codec:FuzzContainers codec:FuzzParseICC codec:FuzzReadMetadata codec:FuzzWriteMetadata \
                  codec:FuzzEXIFFields processing:FuzzParseChain processing:FuzzParsePreset processing:FuzzTemplate processing:FuzzFastFilters
FUZZTIME       ?= 1m
FUZZTIME_SHORT ?= 10s

.PHONY: fuzz fuzz-short
fuzz: deps-test
	@for pt in $(FUZZ_TARGETS); do \
	  p=$${pt%%:*}; t=$${pt#*:}; echo "== $$p $$t for $(FUZZTIME)"; \
	  GO=$(GO) scripts/fuzz.sh $$p $$t $(FUZZTIME) || exit 1; \
	done

fuzz-short: deps-test
	@for pt in $(FUZZ_TARGETS); do \
	  p=$${pt%%:*}; t=$${pt#*:}; echo "== $$p $$t for $(FUZZTIME_SHORT)"; \
	  GO=$(GO) scripts/fuzz.sh $$p $$t $(FUZZTIME_SHORT) || exit 1; \
	done

test: fuzz-short
