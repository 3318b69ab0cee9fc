#!/usr/bin/env bash
# The codec and processing tests, built as the Linux tarball and the
# Windows app are (their tags: libheif with libde265, dav1d and aom linked
# in from packaging/thirdparty/'s linux-amd64 build): the same tests
# `make test` runs on the .deb's build and the WebAssembly builds, against
# the same oracles (heif-convert, avifdec, exiftool), on the code that
# ships in those two packages. Run by `make package-check` after
# `make package-linux`, which built the libraries.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=packaging/lib/tags.sh
. packaging/lib/tags.sh
case ,$tarball_tags, in
*,picpool_static_heif,*) ;;
*) echo "test-tarball-codecs: the tarball's tags ($tarball_tags) link no libheif: nothing to test here"; exit 0 ;;
esac
bash packaging/thirdparty/build.sh linux-amd64 aom dav1d libde265 libheif
eval "$(bash packaging/thirdparty/build.sh --env linux-amd64)"
echo "go test -tags $tarball_tags ./codec/ ./processing/"
go test -count=1 -tags "$tarball_tags" ./codec/ ./processing/
