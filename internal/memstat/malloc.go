package memstat

/*
#include <malloc.h>

// bm_malloc_bytes returns what the C allocator (glibc malloc, which TensorFlow's CPU allocator
// calls) holds: in use (small chunks plus mapped large ones) and free but kept in its arenas.
static void bm_malloc_bytes(size_t *used, size_t *held) {
	struct mallinfo2 m = mallinfo2();
	*used = m.uordblks + m.hblkhd;
	*held = m.fordblks;
}
*/
import "C"

// mallocBytes returns the bytes the C allocator has handed out (used) and those freed but kept
// in its arenas (held), over all arenas (glibc mallinfo2).
func mallocBytes() (used, held int64) {
	var u, h C.size_t
	C.bm_malloc_bytes(&u, &h)
	return int64(u), int64(h)
}
