package packaging

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"image"
	_ "image/png"
	"testing"
	"unicode/utf16"
)

// Resource types (winuser.h).
const (
	rtIcon      = 3
	rtVersion   = 16
	rtGroupIcon = 14
	rtManifest  = 24
)

// resources is a PE file's resource tree, flattened: type -> data of each
// leaf (every name and language).
type resources map[uint32][][]byte

// readResources walks the three levels of IMAGE_RESOURCE_DIRECTORY (type,
// name, language) of the section that holds the resource data directory.
func readResources(t *testing.T, f *pe.File) resources {
	t.Helper()
	oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok {
		t.Fatalf("optional header is %T, want PE32+ (64-bit)", f.OptionalHeader)
	}
	dd := oh.DataDirectory[pe.IMAGE_DIRECTORY_ENTRY_RESOURCE]
	if dd.VirtualAddress == 0 || dd.Size == 0 {
		t.Fatal("the .exe has no resource directory")
	}
	var sec *pe.Section
	for _, s := range f.Sections {
		if dd.VirtualAddress >= s.VirtualAddress && dd.VirtualAddress < s.VirtualAddress+s.VirtualSize {
			sec = s
		}
	}
	if sec == nil {
		t.Fatal("no section holds the resource directory")
	}
	data, err := sec.Data()
	if err != nil {
		t.Fatal(err)
	}
	base := dd.VirtualAddress - sec.VirtualAddress
	u16 := func(off uint32) uint32 { return uint32(binary.LittleEndian.Uint16(data[off:])) }
	u32 := func(off uint32) uint32 { return binary.LittleEndian.Uint32(data[off:]) }

	res := resources{}
	var walk func(dir uint32, depth int, typ uint32)
	walk = func(dir uint32, depth int, typ uint32) {
		if int(base+dir+16) > len(data) || depth > 3 {
			t.Fatalf("resource directory at %#x is out of bounds", dir)
		}
		n := u16(base+dir+12) + u16(base+dir+14) // named + ID entries
		for i := uint32(0); i < n; i++ {
			e := base + dir + 16 + 8*i
			id, off := u32(e), u32(e+4)
			if depth == 0 {
				typ = id
			}
			if off&0x80000000 != 0 {
				walk(off&0x7fffffff, depth+1, typ)
				continue
			}
			// IMAGE_RESOURCE_DATA_ENTRY: RVA and size of the data.
			rva, size := u32(base+off), u32(base+off+4)
			start := rva - sec.VirtualAddress
			if int(start+size) > len(data) {
				t.Fatalf("resource data of type %d is out of bounds", typ)
			}
			res[typ] = append(res[typ], data[start:start+size])
		}
	}
	walk(0, 0, 0)
	return res
}

func TestWindowsExe(t *testing.T) {
	info := appInfo(t)
	path := artefact(t, "PicPool-"+info.Version+"-windows-amd64.exe", "package-windows")
	f, err := pe.Open(path)
	if err != nil {
		t.Fatalf("%s is not a PE file: %v", path, err)
	}
	defer f.Close()

	if f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		t.Errorf("machine %#x, want AMD64", f.Machine)
	}
	if f.Characteristics&pe.IMAGE_FILE_EXECUTABLE_IMAGE == 0 || f.Characteristics&pe.IMAGE_FILE_DLL != 0 {
		t.Errorf("characteristics %#x: want an executable, not a DLL", f.Characteristics)
	}
	oh := f.OptionalHeader.(*pe.OptionalHeader64)
	// A GUI program: Windows opens no console window when it starts (the
	// command line attaches to the parent's console: internal/winconsole).
	if oh.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		t.Errorf("subsystem %d, want %d (IMAGE_SUBSYSTEM_WINDOWS_GUI)", oh.Subsystem, pe.IMAGE_SUBSYSTEM_WINDOWS_GUI)
	}

	res := readResources(t, f)
	for _, typ := range []uint32{rtIcon, rtGroupIcon, rtManifest, rtVersion} {
		if len(res[typ]) == 0 {
			t.Errorf("no resource of type %d", typ)
		}
	}
	t.Logf("resources: %d icon images, %d icon groups, %d manifests, %d version infos",
		len(res[rtIcon]), len(res[rtGroupIcon]), len(res[rtManifest]), len(res[rtVersion]))

	// The icon group (GRPICONDIR): its largest image is 256x256 (written as
	// 0x0), and every icon image decodes, as PNG or as a DIB.
	if len(res[rtGroupIcon]) > 0 {
		g := res[rtGroupIcon][0]
		count := int(binary.LittleEndian.Uint16(g[4:]))
		big := false
		for i := 0; i < count && 6+14*i+14 <= len(g); i++ {
			w, h := int(g[6+14*i]), int(g[6+14*i+1])
			if w == 0 && h == 0 {
				big = true
			}
			t.Logf("icon group entry %d: %dx%d (0 means 256)", i, w, h)
		}
		if !big {
			t.Error("the icon group has no 256x256 image")
		}
	}
	for i, img := range res[rtIcon] {
		switch {
		case bytes.HasPrefix(img, []byte("\x89PNG")):
			m, _, err := image.Decode(bytes.NewReader(img))
			if err != nil {
				t.Errorf("icon image %d: %v", i, err)
			} else {
				t.Logf("icon image %d: PNG %v", i, m.Bounds().Size())
			}
		case len(img) >= 40 && binary.LittleEndian.Uint32(img) == 40: // BITMAPINFOHEADER
			t.Logf("icon image %d: DIB %dx%d", i, binary.LittleEndian.Uint32(img[4:]), binary.LittleEndian.Uint32(img[8:])/2)
		default:
			t.Errorf("icon image %d is neither PNG nor DIB", i)
		}
	}

	// The version resource carries the FyneApp.toml version (UTF-16).
	if len(res[rtVersion]) > 0 {
		v := utf16le(info.Version + ".")
		if !bytes.Contains(res[rtVersion][0], v) {
			t.Errorf("the version resource does not hold %q", info.Version)
		}
		if !bytes.Contains(res[rtVersion][0], utf16le(info.Name)) {
			t.Errorf("the version resource does not hold the name %q", info.Name)
		}
	}
}

func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}
