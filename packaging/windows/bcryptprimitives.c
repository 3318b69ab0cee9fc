// A stand-in for Windows' bcryptprimitives.dll, for running PicPool under
// Wine 8 (Debian 12), which lacks the DLL: Go's runtime (1.22 and later)
// takes its random numbers from ProcessPrng there. This one fills the
// buffer from RtlGenRandom (advapi32's SystemFunction036), as Wine's own
// later versions do. Only for the Wine checks (packaging/lib/wine.sh); it is
// never installed on Windows, which has the real DLL.
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
	while (len > 0) {
		ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
