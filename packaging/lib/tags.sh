# shellcheck shell=bash disable=SC2034 # sourced: package.sh and test-tarball-codecs.sh read them
# Build tags. Every package has the fast JPEG path, libjpeg-turbo linked
# statically (picpool_static_turbo: most desktops have no libturbojpeg.so;
# Linux links libturbojpeg.a from libturbojpeg0-dev, which the build
# installs anyway), the C filter kernels and lcms2 (cgo is on for Fyne
# anyway), and reads and writes every format:
# - the .deb links Debian's libheif1, libavif15, libwebp7 and liblcms2-2
#   dynamically: they become its Depends (dpkg-shlibdeps);
# - the tarball, for any Linux, needs none of those codec libraries: libheif
#   with libde265, dav1d and aom under it, built from Debian's pinned source
#   packages (packaging/thirdparty/, target linux-amd64) and linked in,
#   decodes HEIC and decodes and encodes AVIF (picpool_static_heif), libwebp
#   is linked in from libwebp-dev's libwebp.a (picpool_static_webp);
#   picpool_wasmcodecs and nodynamic keep gen2brain's packages from loading
#   any libheif or libavif the machine happens to have; lcms2 stays a
#   shared library, as the X11 ones (every desktop has it);
# - Windows the same as the tarball, with libjpeg-turbo, lcms2 and libwebp
#   also built from Debian's pinned source packages (every recipe there, or
#   those THIRDPARTY_LIBS names);
# - macOS the same, but HEIC and AVIF through the WebAssembly codecs: the
#   release workflow adds picpool_static_heif (DARWIN_TAGS) when libheif and
#   the AV1 libraries build on its runner and pass the codec tests
#   (docs/codecs.md says why it is tried there and not assumed).
# DEB_TAGS, TARBALL_TAGS, WINDOWS_TAGS, DARWIN_TAGS override one package's
# tags, PACKAGE_TAGS all of them (empty: libjpeg-turbo and the codecs linked
# dynamically).
portable=picpool_static_turbo,picpool_static_webp,picpool_wasmcodecs,nodynamic
deb_tags=${DEB_TAGS-${PACKAGE_TAGS-picpool_static_turbo}}
tarball_tags=${TARBALL_TAGS-${PACKAGE_TAGS-$portable,picpool_static_heif}}
windows_tags=${WINDOWS_TAGS-${PACKAGE_TAGS-$portable,picpool_static_heif}}
darwin_tags=${DARWIN_TAGS-${PACKAGE_TAGS-$portable}}
