// Process-wide glibc malloc tuning for LibTorch training.
//
// LibTorch's CPU allocator takes every tensor from glibc malloc. By default
// glibc serves blocks above M_MMAP_THRESHOLD (128 KiB, adapting up to 32 MiB)
// with a fresh mmap and returns them with munmap on free, and trims the heap
// top above M_TRIM_THRESHOLD. A training step allocates and frees the same
// large activations every iteration, so each step pays for new mappings and a
// page fault per touched page. Raising the thresholds keeps freed blocks in
// the heap for reuse. Measurements: docs/MODEL.md.
#pragma once

#include <string>

namespace glint::train {

// Default values applied by apply_malloc_tuning().
inline constexpr long kMmapThresholdBytes = 1L << 30;  // 1 GiB
inline constexpr long kTrimThresholdBytes = 1L << 30;  // 1 GiB
inline constexpr long kTopPadBytes = 64L << 20;        // 64 MiB

// Raises M_MMAP_THRESHOLD, M_TRIM_THRESHOLD and M_TOP_PAD with mallopt(),
// each unless the user already chose it through the environment
// (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_, MALLOC_TOP_PAD_, or the
// matching glibc.malloc.* entry of GLIBC_TUNABLES). Call it once, early in
// main(), before threads start. Never throws. Returns one line for the log,
// e.g. "malloc: mmap_threshold=1073741824 trim_threshold=1073741824
// top_pad=67108864"; a setting chosen by the user reads
// "mmap_threshold=left to MALLOC_MMAP_THRESHOLD_" (or "left to GLIBC_TUNABLES").
//
// Does nothing when malloc() is another allocator's, linked in (the trainer
// links jemalloc unless built with -DGLINT_JEMALLOC=OFF) or preloaded, and
// says which: "malloc: jemalloc 5.3.0 (linked), dirty_decay_ms -1,
// muzzy_decay_ms -1: freed memory kept for reuse", "malloc: libmimalloc.so.2.0
// (preloaded)". Under glibc, GLINT_MALLOC_TUNING=off (or 0) asks for glibc's
// defaults (for measurements).
std::string apply_malloc_tuning();

// Hands the pages that jemalloc keeps for reuse back to the kernel, merging
// them on the way; does nothing (returns false) when malloc() is not
// jemalloc's. Call it where the pattern of allocations changes, as at the end
// of a validation pass.
//
// Why: with decay off, jemalloc never merges freed neighbouring pages
// ("delay_coalesce" for dirty extents, which only eviction undoes). A request
// takes the best-fitting free extent and splits it; the pieces come back
// unmerged, so a later, larger request finds none that fits and maps new
// memory. Where the sizes requested change, as between training steps and a
// validation pass (other shapes, no autograd), this grows without bound: a
// trainer validating every 15 steps went from 185 to 570 MiB of its own memory
// in 600 steps, with the same 78 MB allocated (docs/TRAINING.md, "Allocator").
// Purging evicts, evicting merges. The next step faults its pages in once.
bool release_freed_memory();

inline constexpr const char* kTuningSwitch = "GLINT_MALLOC_TUNING";

}  // namespace glint::train
