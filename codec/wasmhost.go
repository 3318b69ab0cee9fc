//go:build !cgo || picpool_purego || (picpool_wasmcodecs && !picpool_static_heif)

package codec

// The host side of the WebAssembly codecs: PicPool instantiates
// gen2brain's modules itself (their exported functions are called as
// gen2brain's own Go code calls them, in the pinned versions) so that it
// decides where a module's memory lives. gen2brain's Go code gives wazero
// no memory allocator, so wazero keeps a module's memory in a Go slice and
// grows it by appending: whenever the slice's capacity runs out the whole
// memory is copied and the old copy left to the garbage collector; two
// workers decoding 12-MP HEICs, each needing 74 MB of module memory,
// peaked at 430-480 MB. Here each instance's memory is
// reserved as address space outside the Go heap, committed as the module
// grows it (it never moves, so nothing is copied), and returned to the
// system when the instance is closed (wasmmem_*.go).
//
// The modules' bytes are gen2brain's, embedded in its packages; they are
// reached by //go:linkname (heif_wazero.go, avif_wazero.go), pinned by
// go.mod. Builds with libheif linked in (-tags picpool_static_heif: HEIC and
// AVIF natively) have no module to host: this file is left out. A version that renamed
// them fails to link, not at run time.

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/gen2brain/avif"
	"github.com/gen2brain/heic"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// wasmModule is one of the modules, compiled once per process (Warm, or
// on first use).
type wasmModule struct {
	gz   *[]byte // the gzipped module
	once sync.Once
	rt   wazero.Runtime
	cm   wazero.CompiledModule
	err  error
}

func (w *wasmModule) compile() error {
	w.once.Do(w.build)
	return w.err
}

// build compiles the module (once: through w.once).
func (w *wasmModule) build() {
	ctx := context.Background()
	zr, err := gzip.NewReader(bytes.NewReader(*w.gz))
	if err != nil {
		w.err = err
		return
	}
	code, err := io.ReadAll(zr)
	if err != nil {
		w.err = err
		return
	}
	w.rt = wazero.NewRuntime(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, w.rt)
	w.cm, w.err = w.rt.CompileModule(ctx, code)
}

// Warm compiles, before a batch's first file, the modules its files will
// run: decoders by the inputs' extensions, encoders by the outputs' formats
// (SameFormat: an input's own, as For resolves it), one after the other,
// and then gives the compiler's working memory back to the system. Left to
// the first file that needs it, a module was compiled inside a worker
// (libaom's encoder: 1.7 s, 84 MB of the compiler's garbage) on top of the
// images every worker held, and the collector's next turn came only after
// the heap had doubled: two workers writing full-size AVIF peaked at 281 MB
// instead of 223. A file named for a format it does not hold only makes a
// module compile for nothing (a second or two); an error is left to the
// first call, which reports it for its file. Modules compiled before cost
// nothing: a worker process calls it for every file.
func Warm(inputs []string, outputs []Format) {
	compiled := false
	for _, m := range wasmModulesFor(inputs, outputs) {
		m.once.Do(func() { m.build(); compiled = true })
	}
	if compiled {
		debug.FreeOSMemory()
	}
}

// wasmModulesFor lists the modules that inputs with these names, written in
// these formats, need in this build (none where gen2brain's packages loaded
// a shared library instead).
func wasmModulesFor(inputs []string, outputs []Format) []*wasmModule {
	var heicIn, avifIn, avifOut bool
	for _, name := range inputs {
		switch strings.ToLower(filepath.Ext(name)) {
		case ".heic", ".heif", ".hif":
			heicIn = true
		case ".avif":
			avifIn = true
		}
	}
	for _, f := range outputs {
		avifOut = avifOut || f == AVIF || avifIn && f.For("avif") == AVIF
	}
	var mods []*wasmModule
	if heicIn && heic.Dynamic() != nil {
		mods = append(mods, heifModule)
	}
	if avif.Dynamic() != nil {
		if avifIn {
			mods = append(mods, avifDecodeModule)
		}
		if avifOut {
			mods = append(mods, avifEncodeModule)
		}
	}
	return mods
}

// wasmCall is one instance of a module, for one call: its memory is
// PicPool's (wasmmem_*.go) and goes back to the system on close.
type wasmCall struct {
	ctx context.Context
	mod api.Module
}

// instance makes a fresh instance of the module (the libraries keep state
// between calls that a failed call could leave broken, and a fresh
// instance's memory is as small as the call needs).
func (w *wasmModule) instance() (*wasmCall, error) {
	if err := w.compile(); err != nil {
		return nil, fmt.Errorf("WebAssembly module: %w", err)
	}
	ctx := experimental.WithMemoryAllocator(context.Background(), experimental.MemoryAllocatorFunc(newWasmMemory))
	// Anonymous (workers instantiate it at the same time); the libraries'
	// messages are not shown (the call's result says what failed).
	mod, err := w.rt.InstantiateModule(ctx, w.cm, wazero.NewModuleConfig().WithName(""))
	if err != nil {
		return nil, fmt.Errorf("WebAssembly module: %w", err)
	}
	return &wasmCall{ctx: ctx, mod: mod}, nil
}

func (c *wasmCall) close() { c.mod.Close(c.ctx) }

// decodeCall starts a decoding call: a fresh instance with the file copied
// into its memory (at in) and room for n bytes of results (at vars). The
// caller closes it.
func (w *wasmModule) decodeCall(data []byte, n int) (c *wasmCall, in, vars uint64, err error) {
	if c, err = w.instance(); err != nil {
		return nil, 0, 0, err
	}
	if in, err = c.put(data); err == nil {
		vars, err = c.malloc(n)
	}
	if err != nil {
		c.close()
		return nil, 0, 0, err
	}
	return c, in, vars, nil
}

// callOK calls an exported function that returns 1 when it worked, and
// returns failed when it returned anything else.
func (c *wasmCall) callOK(failed error, name string, args ...uint64) error {
	ok, err := c.call(name, args...)
	if err == nil && ok != 1 {
		err = failed
	}
	return err
}

var errWasmMemory = errors.New("WebAssembly module: out of memory")

// call calls an exported function and returns its first result.
func (c *wasmCall) call(name string, args ...uint64) (uint64, error) {
	f := c.mod.ExportedFunction(name)
	if f == nil {
		return 0, fmt.Errorf("WebAssembly module: no function %s", name)
	}
	res, err := f.Call(c.ctx, args...)
	if err != nil {
		return 0, fmt.Errorf("WebAssembly module: %s: %w", name, err)
	}
	if len(res) == 0 {
		return 0, nil
	}
	return res[0], nil
}

// malloc allocates n bytes in the module's memory.
func (c *wasmCall) malloc(n int) (uint64, error) {
	p, err := c.call("malloc", uint64(n))
	if err == nil && p == 0 && n > 0 {
		err = errWasmMemory
	}
	return p, err
}

// put copies b into a new allocation.
func (c *wasmCall) put(b []byte) (uint64, error) {
	p, err := c.malloc(len(b))
	if err != nil {
		return 0, err
	}
	if !c.mod.Memory().Write(uint32(p), b) {
		return 0, errWasmMemory
	}
	return p, nil
}

// get copies n bytes at p out of the module's memory (which is unmapped
// when the instance is closed: nothing may point into it after that).
func (c *wasmCall) get(p uint64, n int) ([]byte, error) {
	b, ok := c.mod.Memory().Read(uint32(p), uint32(n))
	if !ok {
		return nil, errWasmMemory
	}
	return append([]byte(nil), b...), nil
}

// u32 reads the little-endian uint32 at p.
func (c *wasmCall) u32(p uint64) uint32 {
	v, _ := c.mod.Memory().ReadUint32Le(uint32(p))
	return v
}

// u64 reads the little-endian uint64 at p.
func (c *wasmCall) u64(p uint64) uint64 {
	v, _ := c.mod.Memory().ReadUint64Le(uint32(p))
	return v
}

// goMemory is a module's memory as a Go slice, where the system's own
// memory cannot be reserved: grown by doubling (each growth copies, as
// wazero's own does, but the copies are fewer), left to the collector.
type goMemory struct {
	buf []byte
	max uint64
}

func (m *goMemory) Reallocate(size uint64) []byte {
	if size > m.max {
		return nil
	}
	if size > uint64(cap(m.buf)) {
		b := make([]byte, size, min(max(2*uint64(cap(m.buf)), size), m.max))
		copy(b, m.buf)
		m.buf = b
	}
	m.buf = m.buf[:size]
	return m.buf
}

func (m *goMemory) Free() { m.buf = nil }
