// Package packaging holds the tests of PicPool's installable apps (the
// artefacts that packaging/package.sh writes to build/dist/). They run for
// real in `make package-check`, which builds the artefacts and then sets
// PICPOOL_REQUIRE_ARTEFACTS=1 (a missing artefact fails); elsewhere, as in
// `make test`, they skip and say why.
package packaging
