# Speed: the reference job side by side with ImageMagick and libvips, per-stage
# benchmarks, and memory over a long batch (see docs/speed.md).
APT_BENCH := imagemagick libvips-tools time

.PHONY: bench-compare bench-stages bench-memory

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
