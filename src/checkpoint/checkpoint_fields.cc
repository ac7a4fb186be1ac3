#include "checkpoint_contents.h"

namespace glint::train::checkpoint {

void fail(const std::string& path, const std::string& what) {
  throw CheckpointError("checkpoint " + path + ": " + what);
}

void Fields::fail_key(const std::string& key, const std::string& what) const {
  fail(path_, "key '" + full(key) + "' " + what);
}

bool Fields::has(const std::string& key) const { return dict_.find(key) != dict_.end(); }

c10::IValue Fields::get(const std::string& key) const {
  const auto it = dict_.find(key);
  if (it == dict_.end()) fail_key(key, "is missing; the file was not written by save_checkpoint");
  return it->value();
}

namespace {

// Python's names for what torch.load would show.
std::string kind_of(const c10::IValue& value) {
  if (value.isNone()) return "None";
  if (value.isInt()) return "int";
  if (value.isDouble()) return "float";
  if (value.isBool()) return "bool";
  if (value.isString()) return "str";
  if (value.isTensor()) return "tensor";
  if (value.isGenericDict()) return "dict";
  if (value.isList()) return "list";
  if (value.isTuple()) return "tuple";
  return value.tagKind();
}

}  // namespace

int64_t Fields::integer(const std::string& key) const {
  const auto value = get(key);
  if (!value.isInt()) fail_key(key, "has type " + kind_of(value) + ", expected int");
  return value.toInt();
}

double Fields::number(const std::string& key) const {
  const auto value = get(key);
  if (value.isInt()) return static_cast<double>(value.toInt());
  if (!value.isDouble()) fail_key(key, "has type " + kind_of(value) + ", expected float");
  return value.toDouble();
}

std::optional<double> Fields::optional_number(const std::string& key) const {
  if (!has(key) || get(key).isNone()) return std::nullopt;
  return number(key);
}

bool Fields::boolean(const std::string& key) const {
  const auto value = get(key);
  if (!value.isBool()) fail_key(key, "has type " + kind_of(value) + ", expected bool");
  return value.toBool();
}

std::string Fields::text(const std::string& key) const {
  const auto value = get(key);
  if (!value.isString()) fail_key(key, "has type " + kind_of(value) + ", expected str");
  return value.toStringRef();
}

torch::Tensor Fields::tensor(const std::string& key) const {
  const auto value = get(key);
  if (!value.isTensor()) fail_key(key, "has type " + kind_of(value) + ", expected tensor");
  return value.toTensor();
}

Fields Fields::dict(const std::string& key) const {
  const auto value = get(key);
  if (!value.isGenericDict()) fail_key(key, "has type " + kind_of(value) + ", expected dict");
  return Fields(value.toGenericDict(), path_, full(key) + ".");
}

}  // namespace glint::train::checkpoint
