// Must NOT compile: the trainer links the data layer but cannot reach its
// private header. Built only by the ctest test
// LayerLine.TrainingCannotIncludeAPrivateDataHeader.
#include "data/data_source_impl.h"

int main() { return 0; }
