# PicPool. `make run` and `make test` do all set-up on a fresh Debian machine.
SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin
export LANG := C.UTF-8
GO ?= go

# Debian packages: cgo + GLFW for the window, libjpeg-turbo and lcms2 (colour
# management), the codec libraries of HEIC, AVIF and WebP (docs/codecs.md);
# Xvfb, xdotool, ImageMagick and GTK for Python for the real-window test
# (xdnd drag source); exiftool (the metadata tests' oracle, what makes
# their tagged files and the naming tests' EXIF tags); lcms2's own tools (jpgicc, tificc) and the colour
# profiles of icc-profiles-free, colord-data and libgs-common for the colour
# tests, which use lcms2 as their oracle; libvips's vipsthumbnail (the smart
# crop's reference, processing/smartcrop_test.go) and DejaVu Sans (a font
# with Arabic, for the watermark's shaping tests); the codecs' own tools,
# which make the HEIC, AVIF and WebP test files and decode them as
# references.
APT_BUILD := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev \
             libxinerama-dev libxi-dev libxxf86vm-dev libturbojpeg0-dev liblcms2-dev \
             libheif-dev libavif-dev libwebp-dev
APT_TEST  := xvfb xauth xdotool imagemagick libgl1-mesa-dri python3-gi gir1.2-gtk-3.0 \
             liblcms2-utils libimage-exiftool-perl icc-profiles-free colord-data libgs-common \
             libvips-tools fonts-dejavu-core libheif-examples libavif-bin webp
# A one-node Slurm cluster for scripts/slurm-test.sh (started without
# systemd, from a throw-away configuration).
APT_SLURM := slurmctld slurmd slurm-client munge
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps deps-test build run test test-go test-window test-slurm vet fmt-check bench clean
all: build

# Install only what is missing: dpkg-query first, apt-get only when needed.
define apt_install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

deps:
	@command -v $(GO) >/dev/null || { echo "Go is missing: install Go 1.26 (https://go.dev/dl/)"; exit 1; }
	$(call apt_install,$(APT_BUILD))

deps-test: deps
	$(call apt_install,$(APT_TEST))

build: deps
	$(GO) build -o build/picpool .

run: build
	./build/picpool

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet: deps
	$(GO) vet ./...

# Every test: format, vet, the race-checked suite, the memory checks that
# the race detector's own overhead would distort, and the tests it would make
# too slow to run whole (the colour oracle, the smart crop's comparisons:
# single-threaded arithmetic it only slows), the pure-Go build's codec and
# processing (CGO_ENABLED=0: image/jpeg, the Go filter kernels, the
# WebAssembly HEIC/AVIF/WebP codecs, as -tags nodynamic makes them run
# whatever libraries this machine has; packages built with -tags
# picpool_purego keep cgo, so the C kernels the main run tests), then the
# real window, then a real one-node Slurm cluster running
# picpool as a job array (docs/cluster.md; about 20 s, 60 s with the install).
test: deps-test fmt-check vet test-go test-window test-slurm

test-go: deps-test
	$(GO) test -race -timeout 20m ./...
	$(GO) test -count=1 -run 'Hostile|Memory|OneAndMany|FormatsDecode|JPEGPathsAgree|ShrinkOnLoad|FastFilters|Smartcrop|ColorMatchesLCMS' ./codec/ ./processing/ ./engine/ ./isolation/
	CGO_ENABLED=0 $(GO) test -tags nodynamic -count=1 ./codec/ ./processing/

test-window: deps-test build
	bash scripts/window-test.sh

test-slurm: build
	$(call apt_install,$(APT_SLURM))
	bash scripts/slurm-test.sh

bench: deps
	$(GO) test -run '^$$' -bench . -benchtime 3x ./codec/ ./processing/ ./pool/ ./engine/

clean:
	rm -rf build

-include mk/*.mk
