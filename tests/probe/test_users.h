// Users and groups made for one test (useradd/groupadd as root) and removed
// when the object dies, also when the test fails.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "probe/probe_client.h"

namespace glint::testing {

class TempGroup {
 public:
  // nullopt with `why` when not root or groupadd fails.
  static std::optional<TempGroup> create(const std::string& name, std::string* why);
  TempGroup(TempGroup&& other) noexcept;
  TempGroup& operator=(TempGroup&&) = delete;
  ~TempGroup();
  const std::string& name() const { return name_; }
  gid_t gid() const { return gid_; }

 private:
  TempGroup(std::string name, gid_t gid) : name_(std::move(name)), gid_(gid) {}
  std::string name_;
  gid_t gid_ = 0;
};

class TempUser {
 public:
  // A user without home or login shell, member of `extra_groups`.
  static std::optional<TempUser> create(const std::string& name, const std::vector<std::string>& extra_groups,
                                        std::string* why);
  TempUser(TempUser&& other) noexcept;
  TempUser& operator=(TempUser&&) = delete;
  ~TempUser();
  const std::string& name() const { return name_; }
  uid_t uid() const { return creds_.uid; }
  gid_t gid() const { return creds_.gid; }
  // What a login of this user would have: uid, primary and supplementary groups.
  const Credentials& credentials() const { return creds_; }

 private:
  TempUser(std::string name, Credentials creds) : name_(std::move(name)), creds_(std::move(creds)) {}
  std::string name_;
  Credentials creds_;
};

// A name unique to this process: prefix + pid.
std::string unique_account_name(const std::string& prefix);

}  // namespace glint::testing
