// Must NOT compile: code built against glint_train (training, programs)
// cannot reach a private header of the cache. Built only by the ctest test
// LayerLine.TrainingCannotIncludeAPrivateCacheHeader, which expects the
// compiler to report the header as missing.
#include "cache/segment_writer.h"

int main() { return 0; }
