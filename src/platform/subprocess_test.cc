#include "platform/subprocess.h"

#include <gtest/gtest.h>

namespace cairn::platform {
namespace {

TEST(SubprocessTest, CapturesBothStreamsAndTheExitCode) {
  auto r = RunSubprocess({.argv = {"sh", "-c", "echo out; echo err >&2; exit 3"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->stdout_data, "out\n");
  EXPECT_EQ(r->stderr_data, "err\n");
  EXPECT_FALSE(r->ok());
}

TEST(SubprocessTest, PassesStdinAndEnvironmentWithoutAShell) {
  auto r = RunSubprocess({.argv = {"sh", "-c", "cat; printf '%s' \"$GREETING\"", "$HOME is not expanded"},
                          .env = MergeEnvironment(CurrentEnvironment(), {{"GREETING", "hi; rm -rf /"}}),
                          .stdin_data = std::string(200000, 'x')});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->stdout_data, std::string(200000, 'x') + "hi; rm -rf /");
}

TEST(SubprocessTest, TimesOutAndKills) {
  auto r = RunSubprocess({.argv = {"sleep", "30"}, .timeout_ms = 200});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timed_out);
  EXPECT_FALSE(r->ok());
}

TEST(SubprocessTest, CapsOutputButDrainsIt) {
  auto r = RunSubprocess({.argv = {"head", "-c", "5000000", "/dev/zero"}, .max_output_bytes = 1000});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->stdout_data.size(), 1000u);
}

TEST(SubprocessTest, MissingProgramIsNotFound) {
  auto r = RunSubprocess({.argv = {"cairn-no-such-program-xyz"}});
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(RunSubprocess({}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cairn::platform
