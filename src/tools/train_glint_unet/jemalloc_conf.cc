// Options jemalloc reads at its first allocation (linked in by CMakeLists.txt).
// Decay off: pages freed by one training step stay mapped for the next one
// instead of being returned to the kernel and faulted in again, which made
// jemalloc's defaults 1.8x slower per step. MALLOC_CONF, read after this,
// still overrides either option.
extern "C" {
extern const char* malloc_conf;
const char* malloc_conf = "dirty_decay_ms:-1,muzzy_decay_ms:-1";
}
