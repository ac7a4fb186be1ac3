// glint_unet_forward CHECKPOINT INPUT N H W OUTPUT: runs a checkpoint through
// the C++ UNet in eval mode. INPUT holds N*C*H*W float32 (C from the
// checkpoint), OUTPUT receives the logits as float32, C order. The Python
// tests compare glint.models.UNet with it.
#include <cstdio>
#include <exception>
#include <fstream>
#include <string>

#include "checkpoint/checkpoint.h"
#include "model/unet.h"

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: glint_unet_forward CHECKPOINT INPUT N H W OUTPUT\n");
    return 2;
  }
  try {
    using namespace glint::train;
    const CheckpointMeta meta = read_checkpoint_meta(argv[1]);
    UNet net(meta.unet);
    load_checkpoint(argv[1], *net, nullptr);
    net->eval();
    const int64_t n = std::stoll(argv[3]), h = std::stoll(argv[4]), w = std::stoll(argv[5]);
    auto input = torch::empty({n, meta.unet.in_channels, h, w});
    std::ifstream in(argv[2], std::ios::binary);
    in.read(static_cast<char*>(input.data_ptr()), static_cast<std::streamsize>(input.nbytes()));
    if (!in) throw std::runtime_error(std::string("cannot read ") + argv[2]);
    torch::NoGradGuard no_grad;
    const auto out = net->forward(input).contiguous();
    std::ofstream(argv[6], std::ios::binary)
        .write(static_cast<const char*>(out.data_ptr()), static_cast<std::streamsize>(out.nbytes()));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "glint_unet_forward: error: %s\n", e.what());
    return 1;
  }
}
