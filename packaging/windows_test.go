package packaging

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"image"
	_ "image/png"
	"os"
	"strings"
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

// openPE opens a Windows program and checks what every PicPool .exe is:
// an AMD64 executable (not a DLL) of the GUI subsystem, so that Windows
// opens no console window when it starts (the command line attaches to the
// parent's console: internal/winconsole).
func openPE(t *testing.T, path string) *pe.File {
	t.Helper()
	f, err := pe.Open(path)
	if err != nil {
		t.Fatalf("%s is not a PE file: %v", path, err)
	}
	t.Cleanup(func() { f.Close() })
	if f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		t.Errorf("%s: machine %#x, want AMD64", path, f.Machine)
	}
	if f.Characteristics&pe.IMAGE_FILE_EXECUTABLE_IMAGE == 0 || f.Characteristics&pe.IMAGE_FILE_DLL != 0 {
		t.Errorf("%s: characteristics %#x: want an executable, not a DLL", path, f.Characteristics)
	}
	oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok {
		t.Fatalf("%s: optional header is %T, want PE32+ (64-bit)", path, f.OptionalHeader)
	}
	if oh.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		t.Errorf("%s: subsystem %d, want %d (IMAGE_SUBSYSTEM_WINDOWS_GUI)", path, oh.Subsystem, pe.IMAGE_SUBSYSTEM_WINDOWS_GUI)
	}
	return f
}

// systemDLL reports whether a DLL comes with every Windows: a program that
// imports any other (libwinpthread-1.dll, libturbojpeg.dll, liblcms2-2.dll)
// fails to start where it is missing.
func systemDLL(name string) bool {
	name = strings.ToLower(name)
	if strings.HasPrefix(name, "api-ms-win-") {
		return true
	}
	switch name {
	case "kernel32.dll", "user32.dll", "gdi32.dll", "advapi32.dll", "shell32.dll", "ole32.dll", "oleaut32.dll",
		"opengl32.dll", "winmm.dll", "ws2_32.dll", "msvcrt.dll", "ucrtbase.dll", "ntdll.dll", "shlwapi.dll",
		"comdlg32.dll", "comctl32.dll", "imm32.dll", "dwmapi.dll", "uxtheme.dll", "setupapi.dll", "version.dll",
		"bcrypt.dll", "crypt32.dll", "secur32.dll", "iphlpapi.dll", "userenv.dll", "powrprof.dll", "psapi.dll",
		"pdh.dll", "wtsapi32.dll", "netapi32.dll", "mpr.dll", "dbghelp.dll", "winspool.drv", "shcore.dll":
		return true
	}
	return false
}

func TestWindowsExe(t *testing.T) {
	info := appInfo(t)
	path := artefact(t, "PicPool-"+info.Version+"-windows-amd64.exe", "package-windows")
	f := openPE(t, path)

	// libjpeg-turbo, lcms2, libwebp and libheif with libde265, dav1d and aom
	// (C++: its runtime too) are
	// linked in, and so is the C runtime: it
	// needs no DLL that Windows does not have.
	libs, err := f.ImportedLibraries()
	if err != nil {
		t.Fatal(err)
	}
	for _, lib := range libs {
		if !systemDLL(lib) {
			t.Errorf("the .exe imports %s, which Windows does not have", lib)
		}
	}
	t.Logf("imports: %s", strings.Join(libs, " "))

	// The licences of what it contains, published beside it.
	lic, err := os.ReadFile(artefact(t, "PicPool-"+info.Version+"-windows-amd64-THIRD-PARTY-LICENSES.txt", "package-windows"))
	if err != nil {
		t.Fatal(err)
	}
	checkLicences(t, string(lic), path, "libjpeg-turbo", "lcms2", "libwebp", "libheif", "libde265", "dav1d", "aom")

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

// TestWindowsSetup checks the installer's file: a 64-bit GUI program made
// by NSIS, its version resource holding the version, carrying the .exe
// (compressed: at least a fifth of its size). What it does when run is
// packaging/windows-check.sh's part, under Wine.
func TestWindowsSetup(t *testing.T) {
	info := appInfo(t)
	path := artefact(t, "PicPool-"+info.Version+"-windows-amd64-setup.exe", "package-windows")
	f := openPE(t, path)
	res := readResources(t, f)
	if len(res[rtVersion]) == 0 || !bytes.Contains(res[rtVersion][0], utf16le(info.Version)) {
		t.Errorf("the setup's version resource does not hold %q", info.Version)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("Nullsoft")) {
		t.Error("the setup program is not an NSIS installer")
	}
	exe, err := os.Stat(artefact(t, "PicPool-"+info.Version+"-windows-amd64.exe", "package-windows"))
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(data)) < exe.Size()/5 {
		t.Errorf("the setup program is %d bytes, the .exe %d: the .exe cannot be in it", len(data), exe.Size())
	}
	t.Logf("%s: %.1f MB (the .exe: %.1f MB)", path, float64(len(data))/1e6, float64(exe.Size())/1e6)
}
