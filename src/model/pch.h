// The one precompiled header of every LibTorch target: built by glint_model,
// reused by the other torch layers, their tests and the tools
// (glint_torch_layer in cmake/GlintLayers.cmake).
#pragma once
#include <torch/torch.h>
