// Declarations only (see ../../README.md): types c10d holds by pointer.
#pragma once
namespace gloo::transport {
class Device;
class UnboundBuffer;
}  // namespace gloo::transport
