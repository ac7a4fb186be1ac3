// Scenario 12: two users on one machine. A segment made with the default mode
// is private to its owner, and the refusal says why and which option shares
// it; with --share-group, a member of the group attaches read-only.
#include <sys/stat.h>
#include <unistd.h>

#include "probe/reliability_fixture.h"
#include "probe/test_users.h"

namespace glint::testing {
namespace {

class UsersTest : public ReliabilityTest {
 protected:
  void SetUp() override {
    ReliabilityTest::SetUp();
    images_ = pattern_dataset("images", H5T_NATIVE_UINT8, {16, 64, 64}, 21);
    write_h5(h5_, {images_});
    // Reachable by everybody, like /dev/shm and a shared data directory.
    ASSERT_EQ(0, ::chmod(tmp_.path().c_str(), 0755));
    ASSERT_EQ(0, ::chmod(h5_.c_str(), 0644));
    ASSERT_EQ(0, ::chmod(shm_.path().c_str(), 01777));
    ASSERT_EQ(0, ::mkdir(tmp_.file("stores").c_str(), 01777));
  }

  ProbeReport run_as(const TempUser& user, const std::vector<std::string>& extra, ProcessResult* done) {
    std::vector<std::string> args = {"--h5", h5_, "--shm-dir", shm_.path(), "--store-dir",
                                     tmp_.file("stores/" + user.name())};
    args.insert(args.end(), extra.begin(), extra.end());
    Probe p(args, -1, user.credentials());
    ProbeReport r = p.read_report();
    *done = p.wait();
    return r;
  }

  FixtureDataset images_;
};

TEST_F(UsersTest, PrivateByDefaultAndSharedWithTheGroupOnRequest) {
  std::string why;
  auto group = TempGroup::create(unique_account_name("glintrg"), &why);
  if (!group) GTEST_SKIP() << why;
  auto owner = TempUser::create(unique_account_name("glintra"), {group->name()}, &why);
  if (!owner) GTEST_SKIP() << why;
  auto member = TempUser::create(unique_account_name("glintrb"), {group->name()}, &why);
  if (!member) GTEST_SKIP() << why;

  ProcessResult done;
  ProbeReport made = run_as(*owner, {}, &done);
  ASSERT_TRUE(made.ok) << made.raw << done.err;
  ASSERT_TRUE(made.datasets[0].loaded_here);
  const std::string segment = shm_.path() + "/" + made.datasets[0].segment;
  struct stat st;
  ASSERT_EQ(0, ::stat(segment.c_str(), &st));
  EXPECT_EQ(st.st_uid, owner->uid());
  EXPECT_EQ(st.st_mode & 07777, 0400u);

  ProbeReport refused = run_as(*member, {}, &done);
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(done.exit_code, 1);
  EXPECT_NE(refused.error.find("belongs to " + owner->name() + ", not to you"), std::string::npos) << refused.error;
  EXPECT_NE(refused.error.find("--share-group"), std::string::npos) << refused.error;
  EXPECT_EQ(done.err, refused.error + "\n");

  // The group option does not make a private segment readable.
  ProbeReport still = run_as(*member, {"--share-group", group->name()}, &done);
  EXPECT_EQ(done.exit_code, 1);
  EXPECT_NE(still.error.find("not of group '" + group->name() + "'"), std::string::npos) << still.error;

  ASSERT_EQ(0, ::unlink(segment.c_str()));
  ProbeReport shared = run_as(*owner, {"--share-group", group->name()}, &done);
  ASSERT_TRUE(shared.ok) << shared.raw << done.err;
  ASSERT_EQ(0, ::stat(segment.c_str(), &st));
  EXPECT_EQ(st.st_gid, group->gid());
  EXPECT_EQ(st.st_mode & 07777, 0440u);
  ProbeReport attached = run_as(*member, {"--share-group", group->name()}, &done);
  ASSERT_TRUE(attached.ok) << attached.raw << done.err;
  EXPECT_FALSE(attached.datasets[0].loaded_here);
  EXPECT_EQ(attached.datasets[0].checksum, checksum_of(images_.bytes));
  EXPECT_EQ(shm_files().size(), 1u);
}

}  // namespace
}  // namespace glint::testing
