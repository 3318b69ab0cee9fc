# The scaling chart in docs/ (included by the Makefile):
#   make scaling   runs `picpool bench` on the shared test photos at the default
#                  worker counts, 7 runs each (each batch is under 2 s), and writes docs/scaling.{png,csv,json}.
# It measures the machine it runs on: run it on a quiet machine.
SCALING_PHOTOS  ?= ../shared/testdata/photos
SCALING_FILTERS ?= resize=1200x0,sharpen=0.8

.PHONY: scaling
scaling: build
	./build/picpool bench -filters '$(SCALING_FILTERS)' -repeat 7 \
	  -chart docs/scaling.png -csv docs/scaling.csv -json docs/scaling.json $(SCALING_PHOTOS)
