#include "probe/test_users.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "support/child_process.h"

namespace glint::testing {
namespace {

bool run_admin(const std::vector<std::string>& argv, std::string* why) {
  ProcessResult r = run_process(argv);
  if (!r.signaled && r.exit_code == 0) return true;
  if (why) *why = argv[0] + " failed: " + r.err;
  return false;
}

}  // namespace

std::string unique_account_name(const std::string& prefix) { return prefix + std::to_string(getpid()); }

std::optional<TempGroup> TempGroup::create(const std::string& name, std::string* why) {
  if (geteuid() != 0) {
    *why = "needs root to create a group";
    return std::nullopt;
  }
  if (!run_admin({"/usr/sbin/groupadd", name}, why)) return std::nullopt;
  const group* g = getgrnam(name.c_str());
  if (g == nullptr) {
    *why = "group " + name + " not found after groupadd";
    return std::nullopt;
  }
  return TempGroup(name, g->gr_gid);
}

TempGroup::TempGroup(TempGroup&& other) noexcept : name_(std::move(other.name_)), gid_(other.gid_) {
  other.name_.clear();
}

TempGroup::~TempGroup() {
  if (!name_.empty()) run_admin({"/usr/sbin/groupdel", name_}, nullptr);
}

std::optional<TempUser> TempUser::create(const std::string& name, const std::vector<std::string>& extra_groups,
                                         std::string* why) {
  if (geteuid() != 0) {
    *why = "needs root to create a user";
    return std::nullopt;
  }
  std::vector<std::string> argv = {"/usr/sbin/useradd", "-M", "-U", "-s", "/usr/sbin/nologin"};
  std::string list;
  for (const auto& g : extra_groups) list += (list.empty() ? "" : ",") + g;
  if (!list.empty()) argv.insert(argv.end(), {"-G", list});
  argv.push_back(name);
  if (!run_admin(argv, why)) return std::nullopt;
  TempUser user(name, Credentials{});  // from here on, the destructor removes it
  const passwd* pw = getpwnam(name.c_str());
  if (pw == nullptr) {
    *why = "user " + name + " not found after useradd";
    return std::nullopt;
  }
  user.creds_.uid = pw->pw_uid;
  user.creds_.gid = pw->pw_gid;
  int n = 64;
  user.creds_.groups.resize(static_cast<size_t>(n));
  if (getgrouplist(name.c_str(), pw->pw_gid, user.creds_.groups.data(), &n) < 0) n = 0;
  user.creds_.groups.resize(static_cast<size_t>(n));
  return user;
}

TempUser::TempUser(TempUser&& other) noexcept : name_(std::move(other.name_)), creds_(std::move(other.creds_)) {
  other.name_.clear();
}

TempUser::~TempUser() {
  if (!name_.empty()) run_admin({"/usr/sbin/userdel", name_}, nullptr);
}

}  // namespace glint::testing
