# Speed: the reference job side by side with ImageMagick and libvips, per-stage
# benchmarks, and memory over a long batch (see docs/speed.md).
APT_BENCH := imagemagick libvips-tools time

.PHONY: bench-compare bench-stages bench-memory bench-formats

# REPS: timed repetitions after the warm-up (default 3).
bench-compare: deps
	$(call apt_install,$(APT_BENCH))
	REPS=$(or $(REPS),3) GO=$(GO) bash scripts/bench-compare.sh

# ROUNDS: interleaved rounds of the pure-Go and libjpeg-turbo builds.
bench-stages: deps
	GO=$(GO) bash scripts/bench-compare-stages.sh $(or $(ROUNDS),3)

# N: images in the batch (default 1000).
bench-memory: deps
	$(call apt_install,time)
	GO=$(GO) bash scripts/bench-compare-memory.sh $(or $(N),1000)

# What colour management costs: this build against BASE (default: the last
# commit before it) on the reference job, and on an Adobe RGB copy against
# vipsthumbnail --export-profile srgb. REPS: repetitions (default 5).
APT_BENCH_COLOUR := libvips-tools liblcms2-utils colord-data libimage-exiftool-perl

.PHONY: bench-colour
bench-colour: deps
	$(call apt_install,$(APT_BENCH_COLOUR))
	REPS=$(or $(REPS),5) GO=$(GO) $(if $(BASE),BASE=$(BASE)) bash scripts/bench-colour.sh

# The new formats (HEIC in; WebP and AVIF out) side by side with libvips, and
# the WebAssembly build's codecs (docs/codecs.md). REPS as above; JOBS="heic
# webp avif aviffull" (default: all four; aviffull is AVIF at full size). The first run makes eight 12-MP HEICs with
# heif-enc (about a minute each), kept in build/bench-formats/heic.
bench-formats: deps
	$(call apt_install,$(APT_BENCH) libheif-examples $(APT_THIRDPARTY))
	REPS=$(or $(REPS),3) JOBS="$(or $(JOBS),heic webp avif aviffull)" GO=$(GO) bash scripts/bench-formats.sh
