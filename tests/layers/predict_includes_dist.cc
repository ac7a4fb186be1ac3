// Must NOT compile: glint_predict's library does not link the data-parallel
// layer (src/dist, c10d and Gloo), so its headers are out of reach. Built
// only by the ctest test LayerLine.PredictDoesNotSeeTheDistributedLayer.
#include "dist/distributed.h"

int main() { return 0; }
