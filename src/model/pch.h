// Precompiled header for every LibTorch source (see CMakeLists.txt).
#pragma once
#include <torch/torch.h>
