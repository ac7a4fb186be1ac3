#include "train/distributed.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <stdexcept>
#include <utility>

namespace glint::train {
namespace {

bool is_loopback(const std::string& addr) {
  return addr == "localhost" || addr.rfind("127.", 0) == 0 || addr == "::1";
}

std::shared_ptr<::gloo::transport::Device> gloo_device(const DistOptions& o) {
  if (!o.interface.empty()) return c10d::ProcessGroupGloo::createDeviceForInterface(o.interface);
  if (is_loopback(o.master_addr)) return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

}  // namespace

DataParallel::DataParallel(const DistOptions& options, const std::function<void(int port)>& on_listening)
    : options_(options), port_(options.master_port) {
  check_rank(options_.rank, options_.world_size);
  if (options_.world_size == 1) return;
  const std::string where = options_.master_addr + ":" + std::to_string(options_.master_port);
  try {
    c10d::TCPStoreOptions so;
    so.port = static_cast<uint16_t>(options_.master_port);
    so.isServer = options_.rank == 0;
    so.numWorkers = static_cast<size_t>(options_.world_size);
    so.waitWorkers = false;
    so.timeout = options_.timeout;
    auto store = c10::make_intrusive<c10d::TCPStore>(options_.master_addr, so);
    port_ = store->getPort();
    if (on_listening) on_listening(port_);
    auto go = c10d::ProcessGroupGloo::Options::create(options_.timeout);
    go->devices.push_back(gloo_device(options_));
    group_ = c10::make_intrusive<c10d::ProcessGroupGloo>(store, options_.rank, options_.world_size, go);
  } catch (const std::exception& e) {
    std::string what = e.what();
    what = what.substr(0, what.find('\n'));
    throw std::runtime_error("rank " + std::to_string(options_.rank) + " of " +
                             std::to_string(options_.world_size) + " could not join the group at " + where +
                             ": " + what + " (are all ranks started, with the same --master_addr/--master_port?)");
  }
}

DataParallel::~DataParallel() = default;

void DataParallel::broadcast_parameters(torch::nn::Module& module) {
  if (!group_) return;
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> tensors = module.parameters();
  for (auto& b : module.buffers()) tensors.push_back(b);
  // Gloo broadcasts one tensor per call on CPU; this runs once per training.
  for (auto& t : tensors) {
    std::vector<torch::Tensor> io{t.is_contiguous() ? t : t.contiguous()};
    group_->broadcast(io)->wait(options_.timeout);
    if (!io[0].is_same(t)) t.copy_(io[0]);
  }
}

void DataParallel::average_gradients(torch::nn::Module& module) {
  if (!group_) return;
  std::vector<torch::Tensor> grads;
  for (auto& p : module.parameters()) {
    if (p.grad().defined()) grads.push_back(p.grad());
  }
  if (grads.empty()) return;
  std::vector<torch::Tensor> parts;
  for (auto& g : grads) parts.push_back(g.reshape({-1}));
  torch::Tensor flat = torch::cat(parts);
  std::vector<torch::Tensor> io{flat};
  group_->allreduce(io)->wait(options_.timeout);
  flat.div_(static_cast<double>(options_.world_size));
  int64_t at = 0;
  for (auto& g : grads) {
    const int64_t n = g.numel();
    g.copy_(flat.narrow(0, at, n).view(g.sizes()));
    at += n;
  }
}

std::vector<double> DataParallel::sum(const std::vector<double>& values) {
  if (!group_ || values.empty()) return values;
  torch::Tensor t = torch::tensor(values, torch::kDouble);
  std::vector<torch::Tensor> io{t};
  group_->allreduce(io)->wait(options_.timeout);
  return std::vector<double>(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
}

void check_rank(int rank, int world_size) {
  if (world_size < 1 || rank < 0 || rank >= world_size) {
    throw std::runtime_error("--rank " + std::to_string(rank) + " is outside 0.." + std::to_string(world_size - 1) +
                             " (--world_size " + std::to_string(world_size) + ")");
  }
}

std::vector<int64_t> shard_rows(const std::vector<int64_t>& rows, int rank, int world_size) {
  if (world_size <= 1) return rows;
  const size_t per_rank = rows.size() / static_cast<size_t>(world_size);
  std::vector<int64_t> out;
  out.reserve(per_rank);
  for (size_t i = static_cast<size_t>(rank); i < rows.size() && out.size() < per_rank;
       i += static_cast<size_t>(world_size)) {
    out.push_back(rows[i]);
  }
  return out;
}

}  // namespace glint::train
