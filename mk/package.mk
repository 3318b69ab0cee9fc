# Installable apps (included by the Makefile). Everything here is slow (cgo
# builds with fyne's hardening flags, a Windows cross-compile, a real window
# under Xvfb), so none of it is part of `make test`:
#   make package-linux    build/dist/PicPool-<version>-linux-amd64.tar.xz
#   make package-windows  build/dist/PicPool-<version>-windows-amd64.exe
#   make package-check    both, then check the artefacts, install the Linux
#                         one into a temporary prefix and start it under
#                         Xvfb, and lint the release workflow
# macOS (.app, .dmg) needs Apple's SDK: .github/workflows/release.yml builds
# it on a macOS runner. See docs/packaging.md.

FYNE_VERSION       := v1.7.4
ACTIONLINT_VERSION := v1.7.12
TOOLS_DIR  := $(CURDIR)/build/tools
FYNE       := $(TOOLS_DIR)/fyne-$(FYNE_VERSION)/fyne
ACTIONLINT := $(TOOLS_DIR)/actionlint-$(ACTIONLINT_VERSION)/actionlint

APT_PACKAGE_LINUX   := $(APT_BUILD) xz-utils make
APT_PACKAGE_WINDOWS := gcc-mingw-w64-x86-64-posix
APT_PACKAGE_CHECK   := xz-utils make xvfb xauth xdotool x11-utils python3 imagemagick libgl1-mesa-dri desktop-file-utils shellcheck

.PHONY: package package-linux package-windows package-check package-tools \
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

package-check: package-linux package-windows deps-package-check $(ACTIONLINT)
	$(ACTIONLINT) -no-color
	shellcheck packaging/*.sh
	PICPOOL_REQUIRE_ARTEFACTS=1 $(GO) test -count=1 -v ./packaging/
	bash packaging/linux-install-test.sh
