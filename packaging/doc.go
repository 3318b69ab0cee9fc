// Package packaging holds the tests of PicPool's installable apps (the
// artefacts that packaging/package.sh writes to build/dist/). Without the
// artefacts the tests skip: `make package-check` builds them and sets
// PICPOOL_REQUIRE_ARTEFACTS=1, so there a missing artefact fails.
package packaging
