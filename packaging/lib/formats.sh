# shellcheck shell=bash
# Sourced by the package checks (linux-install-test.sh, deb-check.sh,
# windows-check.sh): the formats and colour management of issues 11 and 12
# through a package's own picpool, each output checked with Debian's own
# tools. Callers set -euo pipefail, set root (the repository) and define
# fail MESSAGE.
# Needs: imagemagick libheif-examples libavif-bin webp liblcms2-utils
# libimage-exiftool-perl colord-data (make package-check installs them).
#
#   formats_inputs DIR        makes the inputs from a shared photo
#   formats_run PP IN OUT     three batches by the package's picpool: PP is
#                             a function "PP OUTDIR INDIR ARGS..." that runs
#                             `picpool run ARGS... -out OUTDIR INDIR` (host
#                             paths: PP maps them into a root or to Wine's)
#   formats_check IN OUT      checks the outputs, prints what it found
#   formats_compare A B       the outputs of two builds: the same files and
#                             sizes, pixels near-identical (PSNR)

# The photo every input is made from (EXIF orientation 1: what Debian's
# decoders show is what PicPool writes).
formats_photo=Landscape_1.jpg
formats_icc=/usr/share/color/icc/colord/AdobeRGB1998.icc

# formats_inputs DIR: DIR/dec holds what PicPool reads in the new formats
# (heic-photo.heic by heif-enc, avif-photo.avif by avifenc) and a
# colour-managed JPEG (adobergb.jpg: the photo converted to Adobe RGB by
# lcms2's jpgicc, its profile embedded); DIR/enc the photo itself, for the
# WebP and AVIF outputs; DIR/ref what Debian's decoders make of them.
# shellcheck disable=SC2154 # root: the caller's
formats_inputs() {
	local d=$1 photo
	photo=$root/../shared/testdata/photos/$formats_photo
	rm -rf "$d" && mkdir -p "$d/dec" "$d/enc" "$d/ref"
	[ -f "$formats_icc" ] || fail "no $formats_icc (colord-data)"
	{
		heif-enc -q 90 -o "$d/dec/heic-photo.heic" "$photo" &&
			heif-convert "$d/dec/heic-photo.heic" "$d/ref/heic-photo.png" &&
			avifenc -s 8 --min 10 --max 20 "$photo" "$d/dec/avif-photo.avif" &&
			avifdec "$d/dec/avif-photo.avif" "$d/ref/avif-photo.png" &&
			jpgicc -t1 -q95 -e "-o$formats_icc" "$photo" "$d/dec/adobergb.jpg"
	} >"$d/make.log" 2>&1 || fail "making the format inputs: $(tail -5 "$d/make.log")"
	cp "$photo" "$d/enc/photo.jpg"
	convert "$photo" "$d/ref/photo.png"
	cp "$d/ref/photo.png" "$d/ref/adobergb.png"
	profile "$d/dec/adobergb.jpg" | grep -qx 'Compatible with Adobe RGB (1998)' ||
		fail "jpgicc did not tag adobergb.jpg with Adobe RGB: '$(profile "$d/dec/adobergb.jpg")'"
}

# profile FILE: the descriptions of its ICC profile (one per language), by
# exiftool.
profile() { exiftool -a -s3 -ProfileDescription "$1" 2>/dev/null; }

# formats_run PP IN OUT: HEIC, AVIF and the Adobe RGB JPEG to JPEG (the
# colour: sRGB, the default), the photo to WebP and to AVIF.
formats_run() {
	local pp=$1 in=$2 out=$3
	rm -rf "$out" && mkdir -p "$out"
	"$pp" "$out/dec" "$in/dec" -format jpeg -quality 95 >"$out/dec.log" 2>&1 || fail "HEIC, AVIF, Adobe RGB to JPEG: $(tr -d '\r' <"$out/dec.log")"
	"$pp" "$out/webp" "$in/enc" -format webp -quality 80 >"$out/webp.log" 2>&1 || fail "JPEG to WebP: $(tr -d '\r' <"$out/webp.log")"
	"$pp" "$out/avif" "$in/enc" -format avif >"$out/avif.log" 2>&1 || fail "JPEG to AVIF: $(tr -d '\r' <"$out/avif.log")"
}

# to_png FILE PNG decodes an output with its format's own Debian tool.
to_png() {
	case $1 in
	*.webp) dwebp -quiet "$1" -o "$2" ;;
	*.avif) avifdec "$1" "$2" >/dev/null ;;
	*) convert "$1" "$2" ;;
	esac || fail "cannot decode $1"
}

psnr() { compare -metric PSNR "$1" "$2" null: 2>&1 || true; }
# at_least A B: A >= B, for PSNRs ("inf" for identical images)
at_least() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a == "inf" || a + 0 >= b + 0) }'; }

# formats_check IN OUT: every output exists, has the photo's size, and
# decodes (with Debian's dwebp, avifdec, ImageMagick) close to the
# reference: what heif-convert and avifdec decode from the inputs, the
# photo for the Adobe RGB file (converted back to sRGB: tagged sRGB, and
# nearer the photo than its Adobe RGB pixels are) and the encoded outputs.
formats_check() {
	local in=$1 out=$2 f ref want p summary='' size
	size=$(identify -format '%wx%h' "$in/ref/photo.png")
	for f in dec/heic-photo.jpg:heic-photo:35 dec/avif-photo.jpg:avif-photo:35 dec/adobergb.jpg:adobergb:40 \
		webp/photo.webp:photo:33 avif/photo.avif:photo:33; do
		IFS=: read -r f ref want <<<"$f"
		[ -s "$out/$f" ] || fail "no $f: $(ls -R "$out")"
		to_png "$out/$f" "$out/$f.png"
		[ "$(identify -format '%wx%h' "$out/$f.png")" = "$size" ] || fail "$f is $(identify -format '%wx%h' "$out/$f.png"), want $size"
		p=$(psnr "$out/$f.png" "$in/ref/$ref.png")
		at_least "$p" "$want" || fail "$f: PSNR $p dB against $ref, want at least $want"
		summary="$summary, $f $(printf '%.1f' "$p") dB"
	done
	[ "$(profile "$out/dec/adobergb.jpg")" = "sRGB IEC61966-2.1" ] ||
		fail "the Adobe RGB photo's output is tagged '$(profile "$out/dec/adobergb.jpg")', want sRGB IEC61966-2.1"
	convert "$in/dec/adobergb.jpg" -strip "$out/adobergb-unconverted.png"
	local raw conv
	raw=$(psnr "$out/adobergb-unconverted.png" "$in/ref/adobergb.png")
	conv=$(psnr "$out/dec/adobergb.jpg.png" "$in/ref/adobergb.png")
	at_least "$conv" "$(awk -v r="$raw" 'BEGIN { print r + 5 }')" ||
		fail "adobergb.jpg: converted $conv dB from the photo, its Adobe RGB pixels $raw dB: not converted?"
	echo "formats: HEIC, AVIF and an Adobe RGB JPEG to JPEG, the photo to WebP and AVIF: $size each, PSNR against Debian's decoders and the photo${summary}"
	echo "  colour: the Adobe RGB JPEG came out tagged sRGB IEC61966-2.1, $(printf '%.1f' "$conv") dB from the photo (its Adobe RGB pixels: $(printf '%.1f' "$raw") dB)"
}

# formats_compare A B [NAME_A NAME_B]: the outputs of two builds of the
# same inputs: the same files, the same sizes in pixels, and pixels the same
# (PSNR at least 45 dB), byte-identical files counted.
formats_compare() {
	local a=$1 b=$2 na=${3:-A} nb=${4:-B} f same=0 n=0 minp=inf p
	(cd "$a" && find dec webp avif -type f ! -name '*.png' | sort) >"$a.list"
	(cd "$b" && find dec webp avif -type f ! -name '*.png' | sort) >"$b.list"
	diff -u "$a.list" "$b.list" >&2 || fail "$na and $nb wrote different files"
	while read -r f; do
		n=$((n + 1))
		if cmp -s "$a/$f" "$b/$f"; then same=$((same + 1)); continue; fi
		[ -f "$a/$f.png" ] || to_png "$a/$f" "$a/$f.png"
		[ -f "$b/$f.png" ] || to_png "$b/$f" "$b/$f.png"
		[ "$(identify -format '%wx%h' "$a/$f.png")" = "$(identify -format '%wx%h' "$b/$f.png")" ] ||
			fail "$f: $(identify -format '%wx%h' "$a/$f.png") by $na, $(identify -format '%wx%h' "$b/$f.png") by $nb"
		p=$(psnr "$a/$f.png" "$b/$f.png")
		at_least "$p" 45 || fail "$f: PSNR $p dB between $na and $nb, want at least 45"
		awk -v p="$p" -v m="$minp" 'BEGIN { exit !(m == "inf" || p + 0 < m + 0) }' && minp=$p
	done <"$a.list"
	echo "formats, $nb against $na: the same $n files and sizes; $same byte for byte identical$([ "$same" = "$n" ] || echo ", the others at least $minp dB PSNR")"
}
