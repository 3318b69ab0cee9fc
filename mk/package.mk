# Installable apps (included by the Makefile). Everything here is slow (cgo
# builds with fyne's hardening flags, a Windows cross-compile, Wine, a
# Debian root made by debootstrap), so none of it is part of `make test`:
#   make package          every artefact into build/dist/:
#     make package-linux    PicPool-<version>-linux-amd64.tar.xz and
#                           picpool_<version>_amd64.deb
#     make package-windows  PicPool-<version>-windows-amd64.exe and
#                           PicPool-<version>-windows-amd64-setup.exe
#   make package-check    both, then every check: the artefacts' contents and
#                         licences, the tarball installed into a prefix, the
#                         .deb in a clean Debian root (and the tarball's
#                         program there, without the codec libraries), the
#                         installer under Wine (each with the new formats
#                         and the window under Xvfb), the workflow linted
#   make bench-wine       the reference job, Windows build under Wine vs
#                         the Linux build, interleaved (FORMAT=webp: written
#                         as WebP quality 80)
# macOS (.app, .dmg) needs Apple's SDK: .github/workflows/release.yml builds
# it on macOS runners. See docs/packaging.md.

FYNE_VERSION       := v1.7.4
ACTIONLINT_VERSION := v1.7.12
TOOLS_DIR  := $(CURDIR)/build/tools
FYNE       := $(TOOLS_DIR)/fyne-$(FYNE_VERSION)/fyne
ACTIONLINT := $(TOOLS_DIR)/actionlint-$(ACTIONLINT_VERSION)/actionlint

# The tarball and the Windows app build libheif, libde265, dav1d and aom
# from source (packaging/thirdparty/): cmake, meson, ninja, nasm, g++.
APT_THIRDPARTY      := g++ cmake meson ninja-build nasm perl make patch curl ca-certificates
APT_PACKAGE_LINUX   := $(APT_BUILD) $(APT_THIRDPARTY) xz-utils dpkg-dev
APT_PACKAGE_WINDOWS := $(APT_THIRDPARTY) gcc-mingw-w64-x86-64-posix g++-mingw-w64-x86-64-posix nsis
# The checks convert a file of each new format (packaging/lib/formats.sh):
# Debian's heif-enc, avifenc and jpgicc make the inputs, heif-convert,
# avifdec, dwebp and exiftool (colord-data's Adobe RGB profile) check them.
APT_PACKAGE_CHECK   := xz-utils make xvfb xauth xdotool x11-utils python3 imagemagick libgl1-mesa-dri \
                       desktop-file-utils shellcheck debootstrap debian-archive-keyring wine wine64 \
                       gcc-mingw-w64-x86-64-posix dpkg-dev libheif-examples libavif-bin webp \
                       liblcms2-utils libimage-exiftool-perl colord-data

.PHONY: package package-linux package-windows package-check package-tools bench-wine \
        deps-package-linux deps-package-windows deps-package-check

package: package-linux package-windows

deps-package-linux: deps
	$(call apt_install,$(APT_PACKAGE_LINUX))

deps-package-windows: deps
	$(call apt_install,$(APT_PACKAGE_WINDOWS))

deps-package-check:
	$(call apt_install,$(APT_PACKAGE_CHECK))

# The pinned CLIs, installed once per version under build/tools.
$(FYNE):
	GOBIN=$(dir $@) $(GO) install fyne.io/tools/cmd/fyne@$(FYNE_VERSION)

$(ACTIONLINT):
	GOBIN=$(dir $@) $(GO) install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION)

package-tools: $(FYNE) $(ACTIONLINT)

package-linux: deps-package-linux $(FYNE)
	FYNE=$(FYNE) bash packaging/package.sh linux

package-windows: deps-package-windows $(FYNE)
	FYNE=$(FYNE) bash packaging/package.sh windows

# Each check prints what it checked; the summary at the end says which ran.
package-check: package-linux package-windows deps-package-check $(ACTIONLINT)
	@start=$$(date +%s); \
	step() { name=$$1; shift; echo; echo "=== $$name"; "$$@" || { echo "=== FAILED: $$name"; exit 1; }; }; \
	step "release workflow: actionlint (with shellcheck)" $(ACTIONLINT) -no-color && \
	step "shellcheck packaging/ and scripts/" shellcheck -x packaging/*.sh packaging/lib/*.sh packaging/thirdparty/*.sh packaging/macos/*.sh packaging/windows/*.sh scripts/bench-wine.sh && \
	step "artefacts: tarball, .deb, .exe, setup, macOS checks (go test ./packaging/)" env PICPOOL_REQUIRE_ARTEFACTS=1 $(GO) test -count=1 -v ./packaging/ && \
	step "tarball and Windows codecs: go test ./codec/ ./processing/ with the tarball's tags" bash packaging/test-tarball-codecs.sh && \
	step "tarball: make install into a prefix, the window under Xvfb" bash packaging/linux-install-test.sh && \
	step ".deb: apt install in a clean Debian root, batch, window, purge" $(SUDO) bash packaging/deb-check.sh && \
	step "Windows installer under Wine: install, batch vs Linux, window, uninstall" bash packaging/windows-check.sh && \
	echo && echo "package-check: all checks passed in $$(( $$(date +%s) - start )) s; artefacts:" && ls -l build/dist/

bench-wine: package-linux package-windows deps-package-check
	$(call apt_install,time)
	bash scripts/bench-wine.sh
