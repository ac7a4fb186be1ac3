// Must NOT compile: glint_predict's library links the checkpoint layer but
// cannot reach its private header. Built only by the ctest test
// LayerLine.PredictCannotIncludeAPrivateCheckpointHeader.
#include "checkpoint/checkpoint_contents.h"

int main() { return 0; }
