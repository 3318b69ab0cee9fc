package codec

// MetaEdit says how an output's metadata must differ from its source's.
type MetaEdit struct {
	// RemoveLocation removes the GPS IFD from EXIF (its bytes zeroed, not
	// only unlinked) and every exif:GPS… property from XMP.
	RemoveLocation bool
	// Orientation, when > 0, is written into EXIF's and XMP's orientation
	// fields where they exist (1 for pixels that were turned upright).
	Orientation int
	// Width and Height, when > 0, are written into EXIF's
	// PixelXDimension/PixelYDimension (and IFD0's ImageWidth/ImageLength)
	// and XMP's exif:PixelX/YDimension and tiff:ImageWidth/ImageLength
	// where they exist.
	Width, Height int
}

// MetaEdited says what Edit removed, and what it dropped because it could
// not be edited.
type MetaEdited struct {
	GPS       bool // GPS data were removed (from EXIF, XMP or both)
	Thumbnail bool // the EXIF thumbnail (IFD1) was removed
	// Warnings name the blocks dropped, with the reason.
	Warnings []string
}

// Edit returns m edited for an output. The EXIF thumbnail always goes: it
// shows the source as it was before the filters (uncropped, unrotated, in
// its colours) and remaking it would cost an encode per file for a preview
// that viewers make themselves. EXIF is edited in place, so a MakerNote and
// everything else the edits do not touch keep their bytes and offsets;
// XMP is edited as text (see editXMP). IPTC and ICC are kept as they are.
func (m Metadata) Edit(e MetaEdit) (Metadata, MetaEdited) {
	var done MetaEdited
	if m.EXIF != nil {
		out, ed, err := editEXIF(m.EXIF, exifEdit{RemoveGPS: e.RemoveLocation, Orientation: e.Orientation, Width: e.Width, Height: e.Height})
		if err != nil {
			done.Warnings = append(done.Warnings, "EXIF dropped: "+err.Error())
		}
		m.EXIF = out
		done.GPS, done.Thumbnail = ed.GPS, ed.Thumbnail
	}
	if m.XMP != nil {
		out, hadGPS, err := editXMP(m.XMP, xmpEdit{RemoveGPS: e.RemoveLocation, Orientation: e.Orientation, Width: e.Width, Height: e.Height})
		if err != nil {
			done.Warnings = append(done.Warnings, "XMP dropped: "+err.Error())
		}
		m.XMP = out
		done.GPS = done.GPS || (hadGPS && e.RemoveLocation)
	}
	return m, done
}
