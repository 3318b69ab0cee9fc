# shellcheck shell=bash disable=SC2034,SC2154 # a recipe: build.sh reads its variables
# libyuv: not built here. github.com/gen2brain/avif compiles libavif with
# libyuv (its "stable" branch) into its WebAssembly modules, and ships
# libavif's and libaom's licence files but not libyuv's: this recipe only
# fetches Debian 12's libyuv source to keep its licence and patent grant
# for the THIRD-PARTY-LICENSES of the packages that embed it (package.sh:
# -embedded github.com/gen2brain/avif:libyuv=...). Licence: BSD-3-Clause,
# with Google's patent grant (PATENTS).
deb_version=0.0~git20230123.b2528b0-1
pool=main/liby/libyuv
files=(
	"libyuv_0.0~git20230123.b2528b0.orig.tar.gz cc22ebe94004ac2e5718acdc45980c6f3b83599f19f5bd768c5ca034de659eef"
	"libyuv_0.0~git20230123.b2528b0-1.debian.tar.xz 76e01b2226288d3d4533f5c5dbdc2efd385ce2f19e52c40293492603fe7fdf16"
)
licences=(LICENSE PATENTS)
tools=(tar)

build_lib() { :; } # licences only
