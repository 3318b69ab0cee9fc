package codec

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// XMP packets are edited as text: the XML is tokenised (which checks that
// it is well-formed and resolves namespace prefixes), and the few
// properties that change are cut out or replaced at their byte offsets,
// so the rest of the packet, its prefixes, layout and padding included,
// stays exactly as the source wrote it.

const (
	nsRDF     = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsEXIF    = "http://ns.adobe.com/exif/1.0/"
	nsTIFF    = "http://ns.adobe.com/tiff/1.0/"
	nsXMPNote = "http://ns.adobe.com/xmp/note/"
)

// xmlTok is a token with the byte range it came from, and for a start
// element the index of its end element.
type xmlTok struct {
	tok        xml.Token
	start, end int
	close      int
}

// tokenizeXML reads a packet into tokens with their offsets. It fails on
// XML that is not well-formed or holds no element.
func tokenizeXML(b []byte) ([]xmlTok, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		return nil, fmt.Errorf("encoding %q (XMP is UTF-8)", label)
	}
	var toks []xmlTok
	var open []int // start elements not yet closed
	elements := 0
	for {
		start := int(d.InputOffset())
		t, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t.(type) {
		case xml.StartElement:
			elements++
			open = append(open, len(toks))
		case xml.EndElement: // the decoder checks that it matches
			toks[open[len(open)-1]].close = len(toks)
			open = open[:len(open)-1]
		}
		toks = append(toks, xmlTok{xml.CopyToken(t), start, int(d.InputOffset()), -1})
	}
	if elements == 0 {
		return nil, errors.New("no XML element")
	}
	return toks, nil
}

// eachStart calls f for each start element with its attributes' spans,
// until f returns false.
func eachStart(b []byte, toks []xmlTok, f func(i int, se xml.StartElement, attrs []attrSpan) bool) error {
	for i, t := range toks {
		se, ok := t.tok.(xml.StartElement)
		if !ok {
			continue
		}
		attrs, err := scanAttrs(b[t.start:t.end], se)
		if err != nil {
			return err
		}
		if !f(i, se, attrs) {
			return nil
		}
	}
	return nil
}

// propSplices returns the splices that cut every property (attribute or
// element) match accepts when remove is set, and that give the simple
// properties named in values their new value; and whether match accepted
// any.
func propSplices(b []byte, toks []xmlTok, match func(xml.Name) bool, remove bool, values map[xml.Name]string) ([]splice, bool, error) {
	var sp []splice
	found := false
	err := eachStart(b, toks, func(i int, se xml.StartElement, attrs []attrSpan) bool {
		t := toks[i]
		for j, a := range se.Attr {
			switch v, set := values[a.Name]; {
			case match(a.Name):
				found = true
				if remove {
					sp = append(sp, splice{t.start + attrs[j].start, t.start + attrs[j].end, ""})
				}
			case set:
				sp = append(sp, splice{t.start + attrs[j].valStart, t.start + attrs[j].valEnd, v})
			}
		}
		v, set := values[se.Name]
		switch end := t.close; {
		case match(se.Name):
			found = true
			if remove {
				sp = append(sp, splice{t.start, toks[end].end, ""})
			}
		case set && end == i+2:
			if _, text := toks[i+1].tok.(xml.CharData); text {
				sp = append(sp, splice{t.end, toks[end].start, v})
			}
		}
		return true
	})
	return sp, found, err
}

// checkXMP checks that a packet is well-formed XML.
func checkXMP(b []byte) error {
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	if _, err := tokenizeXML(b); err != nil {
		return fmt.Errorf("not well-formed XML: %v", err)
	}
	return nil
}

// xmpEdit says what to change in an XMP packet.
type xmpEdit struct {
	RemoveGPS     bool // every exif:GPS… property
	Orientation   int  // > 0: tiff:Orientation, where present
	Width, Height int  // > 0: exif:PixelX/YDimension and tiff:ImageWidth/ImageLength, where present
}

type splice struct {
	start, end int
	repl       string
}

// applySplices returns b with the (non-overlapping) splices applied.
func applySplices(b []byte, sp []splice) []byte {
	slices.SortFunc(sp, func(a, b splice) int { return a.start - b.start })
	var out []byte
	at := 0
	for _, s := range sp {
		if s.start < at {
			continue // inside a range already cut
		}
		out = append(out, b[at:s.start]...)
		out = append(out, s.repl...)
		at = s.end
	}
	return append(out, b[at:]...)
}

// editXMP returns an edited copy of a packet, and whether it held GPS
// properties (removed when asked).
func editXMP(b []byte, e xmpEdit) ([]byte, bool, error) {
	if !bytes.Contains(b, []byte("GPS")) && !bytes.Contains(b, []byte("Orientation")) &&
		!bytes.Contains(b, []byte("Dimension")) && !bytes.Contains(b, []byte("Image")) {
		return b, false, nil // none of the properties the edits touch: read when the block was
	}
	toks, err := tokenizeXML(b)
	if err != nil {
		return nil, false, fmt.Errorf("not well-formed XML: %v", err)
	}
	values := map[xml.Name]string{}
	if e.Orientation > 0 {
		values[xml.Name{Space: nsTIFF, Local: "Orientation"}] = strconv.Itoa(e.Orientation)
	}
	if e.Width > 0 && e.Height > 0 {
		w, h := strconv.Itoa(e.Width), strconv.Itoa(e.Height)
		values[xml.Name{Space: nsEXIF, Local: "PixelXDimension"}] = w
		values[xml.Name{Space: nsEXIF, Local: "PixelYDimension"}] = h
		values[xml.Name{Space: nsTIFF, Local: "ImageWidth"}] = w
		values[xml.Name{Space: nsTIFF, Local: "ImageLength"}] = h
	}
	isGPS := func(n xml.Name) bool { return n.Space == nsEXIF && strings.HasPrefix(n.Local, "GPS") }
	sp, hadGPS, err := propSplices(b, toks, isGPS, e.RemoveGPS, values)
	if err != nil {
		return nil, false, err
	}
	if len(sp) == 0 {
		return b, hadGPS, nil
	}
	out := applySplices(b, sp)
	if _, err := tokenizeXML(out); err != nil {
		return nil, false, fmt.Errorf("the edited packet is not well-formed: %v", err)
	}
	return out, hadGPS, nil
}

// attrSpan is where one attribute of a start tag lies: start (the white
// space before it) to end, and its value inside the quotes.
type attrSpan struct {
	start, end, valStart, valEnd int
	name                         string
}

// scanAttrs finds the attributes of a start tag's raw text, in order, and
// checks them against what the decoder made of them.
func scanAttrs(tag []byte, se xml.StartElement) ([]attrSpan, error) {
	i := 1
	for i < len(tag) && !isXMLSpace(tag[i]) && tag[i] != '>' && tag[i] != '/' {
		i++
	}
	var out []attrSpan
	for {
		ws := i
		for i < len(tag) && isXMLSpace(tag[i]) {
			i++
		}
		if i >= len(tag) || tag[i] == '>' || tag[i] == '/' {
			break
		}
		ns := i
		for i < len(tag) && tag[i] != '=' && !isXMLSpace(tag[i]) {
			i++
		}
		name := string(tag[ns:i])
		for i < len(tag) && (isXMLSpace(tag[i]) || tag[i] == '=') {
			i++
		}
		if i >= len(tag) || (tag[i] != '"' && tag[i] != '\'') {
			return nil, fmt.Errorf("cannot read the attributes of <%s>", se.Name.Local)
		}
		q := tag[i]
		vs := i + 1
		ve := bytes.IndexByte(tag[vs:], q)
		if ve < 0 {
			return nil, fmt.Errorf("cannot read the attributes of <%s>", se.Name.Local)
		}
		i = vs + ve + 1
		out = append(out, attrSpan{start: ws, end: i, valStart: vs, valEnd: vs + ve, name: name})
	}
	if len(out) != len(se.Attr) {
		return nil, fmt.Errorf("<%s> has %d attributes, read %d", se.Name.Local, len(se.Attr), len(out))
	}
	for j, a := range se.Attr {
		_, local, _ := strings.Cut(out[j].name, ":")
		if !strings.Contains(out[j].name, ":") {
			local = out[j].name
		}
		if local != a.Name.Local {
			return nil, fmt.Errorf("<%s>: attribute %q read as %q", se.Name.Local, a.Name.Local, out[j].name)
		}
	}
	return out, nil
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// rdfBody returns the byte range of the content of a packet's rdf:RDF
// element, and the namespace declarations (raw attribute text) of it and
// the elements around it.
func rdfBody(b []byte, toks []xmlTok) (start, end int, decls []string, err error) {
	start = -1
	err = eachStart(b, toks, func(i int, se xml.StartElement, attrs []attrSpan) bool {
		t := toks[i]
		for j, a := range se.Attr {
			if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
				decls = append(decls, string(b[t.start+attrs[j].start:t.start+attrs[j].end]))
			}
		}
		if se.Name.Space == nsRDF && se.Name.Local == "RDF" {
			start, end = t.end, toks[t.close].start
			return false
		}
		return true
	})
	if err == nil && start < 0 {
		err = errors.New("no rdf:RDF element")
	}
	return start, end, decls, err
}

// mergeExtendedXMP returns the standard packet with the extended one's
// properties moved in (each of its top-level rdf:RDF children, given the
// namespace declarations in scope where it was), and without the
// xmpNote:HasExtendedXMP that pointed to it.
func mergeExtendedXMP(std, ext []byte) ([]byte, error) {
	st, err := tokenizeXML(std)
	if err != nil {
		return nil, err
	}
	et, err := tokenizeXML(ext)
	if err != nil {
		return nil, fmt.Errorf("extended XMP: %v", err)
	}
	_, stdEnd, _, err := rdfBody(std, st)
	if err != nil {
		return nil, err
	}
	es, ee, decls, err := rdfBody(ext, et)
	if err != nil {
		return nil, fmt.Errorf("extended XMP: %v", err)
	}
	// The children of the extended rdf:RDF, each given the declarations in
	// scope around it (white space in front, as scanAttrs keeps it).
	var sp []splice
	depth := 0
	for _, t := range et {
		if t.start < es || t.end > ee {
			continue
		}
		switch tok := t.tok.(type) {
		case xml.EndElement:
			depth--
		case xml.StartElement:
			depth++
			if depth != 1 {
				continue
			}
			own := map[string]bool{}
			for _, a := range tok.Attr {
				own[a.Name.Space+":"+a.Name.Local] = true
			}
			var add strings.Builder
			for _, d := range decls {
				name, _, _ := strings.Cut(strings.TrimSpace(d), "=")
				name = strings.TrimSpace(name)
				if !own[name] && !own[":"+name] {
					add.WriteString(" " + strings.TrimSpace(d))
				}
			}
			nameEnd := t.start + 1 + len(rawName(ext[t.start+1:t.end]))
			sp = append(sp, splice{nameEnd, nameEnd, add.String()})
		}
	}
	body := applySplices(ext[es:ee], shift(sp, -es))
	merged := slices.Concat(std[:stdEnd], body, std[stdEnd:])
	return removeProperty(merged, xml.Name{Space: nsXMPNote, Local: "HasExtendedXMP"})
}

func rawName(b []byte) []byte {
	i := 0
	for i < len(b) && !isXMLSpace(b[i]) && b[i] != '>' && b[i] != '/' {
		i++
	}
	return b[:i]
}

func shift(sp []splice, by int) []splice {
	for i := range sp {
		sp[i].start += by
		sp[i].end += by
	}
	return sp
}

// removeProperty cuts every attribute and element with the given name.
func removeProperty(b []byte, name xml.Name) ([]byte, error) {
	toks, err := tokenizeXML(b)
	if err != nil {
		return nil, err
	}
	sp, _, err := propSplices(b, toks, func(n xml.Name) bool { return n == name }, true, nil)
	return applySplices(b, sp), err
}

// xmpValue returns a simple property's value, in attribute or element
// form, or "".
func xmpValue(toks []xmlTok, name xml.Name) string {
	for i, t := range toks {
		se, ok := t.tok.(xml.StartElement)
		if !ok {
			continue
		}
		for _, a := range se.Attr {
			if a.Name == name {
				return a.Value
			}
		}
		if se.Name == name && i+1 < len(toks) {
			if cd, ok := toks[i+1].tok.(xml.CharData); ok {
				return strings.TrimSpace(string(cd))
			}
		}
	}
	return ""
}
