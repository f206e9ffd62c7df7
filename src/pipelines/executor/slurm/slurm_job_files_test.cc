#include "pipelines/executor/slurm/slurm_job_files.h"

#include <gtest/gtest.h>

namespace cairn::pipelines {
namespace {

TEST(SlurmJobFilesTest, HandlesOfJobsAndArrayElements) {
  auto single = ParseSlurmHandle("123@/runs/a/attempt-1");
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->job_id, "123");
  EXPECT_EQ(single->array_job_id, "");
  EXPECT_EQ(single->array_index, -1);
  EXPECT_EQ(single->attempt_dir, "/runs/a/attempt-1");

  auto element = ParseSlurmHandle("123_14@/runs/a@b/attempt-1");
  ASSERT_TRUE(element.ok());
  EXPECT_EQ(element->job_id, "123_14");
  EXPECT_EQ(element->array_job_id, "123");
  EXPECT_EQ(element->array_index, 14);
  EXPECT_EQ(element->attempt_dir, "/runs/a@b/attempt-1");  // the first '@' splits
  EXPECT_EQ(FormatSlurmHandle("123_14", "/runs/a@b/attempt-1"), "123_14@/runs/a@b/attempt-1");

  for (const char* bad : {"", "@", "123", "123@", "@/dir", "12x@/d", "123_@/d", "_4@/d", "123_4_5@/d", "123_-1@/d",
                          "123_[0-3]@/d", "1234567890123456789@/d"}) {
    EXPECT_EQ(ParseSlurmHandle(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(SlurmJobFilesTest, ArrayIndexSpec) {
  EXPECT_EQ(ArrayIndexSpec(4, 0), "0-3");
  EXPECT_EQ(ArrayIndexSpec(4, 2), "0-3%2");
  EXPECT_EQ(ArrayIndexSpec(4, 4), "0-3");  // a limit that cannot bind is left out
  EXPECT_EQ(ArrayIndexSpec(2, 9), "0-1");
}

TEST(SlurmJobFilesTest, JobNamesAreStableAndDistinct) {
  EXPECT_EQ(AttemptJobName("run/task/1"), AttemptJobName("run/task/1"));
  EXPECT_NE(AttemptJobName("run/task/1"), AttemptJobName("run/task/2"));
  EXPECT_EQ(AttemptJobName("run/task/1").rfind("cairn-", 0), 0u);
  const std::vector<std::string> keys = {"run/loop[0]/1", "run/loop[1]/1"};
  EXPECT_EQ(ArrayJobName(keys), ArrayJobName(keys));
  EXPECT_EQ(ArrayJobName(keys).rfind("cairn-a-", 0), 0u);
  EXPECT_NE(ArrayJobName(keys), ArrayJobName({"run/loop[1]/1", "run/loop[0]/1"}));  // order is the indices
  EXPECT_NE(ArrayJobName({"ab", "c"}), ArrayJobName({"a", "bc"}));
}

TEST(SlurmJobFilesTest, AttemptScriptRunsArgvAndRecordsItsStatus) {
  TaskLaunch launch;
  launch.attempt_key = "run/it's\n1";
  launch.attempt_dir = "/runs/a";
  launch.argv = {"echo", "it's", "$HOME"};
  launch.env = {{"WHO", "x'y"}};
  const std::string own = AttemptScript(launch, "/runs/a/work", /*env_in_script=*/false);
  EXPECT_NE(own.find("# cairn task attempt run/it's 1\n"), std::string::npos) << own;  // one comment line
  EXPECT_NE(own.find("cd '/runs/a/work' ||"), std::string::npos) << own;
  EXPECT_NE(own.find("'echo' 'it'\\''s' '$HOME' \n"), std::string::npos) << own;
  EXPECT_NE(own.find("mv -f '/runs/a/exit_status.tmp' '/runs/a/exit_status'"), std::string::npos) << own;
  EXPECT_EQ(own.find("WHO"), std::string::npos) << "a job of its own gets its environment from sbatch";
  EXPECT_EQ(own.find("timeout"), std::string::npos);

  launch.timeout_ms = 1500;
  const std::string element = AttemptScript(launch, "/runs/a/work", /*env_in_script=*/true);
  EXPECT_NE(element.find("timeout --kill-after=5 2 env -- 'WHO=x'\\''y' 'echo' "), std::string::npos) << element;
}

TEST(SlurmJobFilesTest, ArrayScriptPicksTheElementsAttempt) {
  const std::string script = ArrayScript("/runs/it's/cairn-a-1");
  EXPECT_NE(script.find("exec /bin/sh '/runs/it'\\''s/cairn-a-1'/\"$SLURM_ARRAY_TASK_ID\"/job.sh\n"),
            std::string::npos)
      << script;
  EXPECT_NE(script.find("[ -n \"$SLURM_ARRAY_TASK_ID\" ]"), std::string::npos) << script;
}

TEST(SlurmJobFilesTest, ArrayMembershipRoundTripsAndRejectsTornFiles) {
  const std::string text = FormatArrayMembership({"cairn-a-0123", 7, "/runs/a/cairn-a-0123"});
  EXPECT_EQ(text, "cairn-a-0123\n7\n/runs/a/cairn-a-0123\n");
  auto parsed = ParseArrayMembership(text);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->job_name, "cairn-a-0123");
  EXPECT_EQ(parsed->index, 7);
  EXPECT_EQ(parsed->array_dir, "/runs/a/cairn-a-0123");
  for (const char* bad : {"", "cairn-a-0123\n7\n/runs/a", "cairn-a-0123\n7\n", "cairn-a-0123\nx\n/d\n",
                          "\n7\n/d\n", "n\n-1\n/d\n", "n\n7\n/d\nmore\n"}) {
    EXPECT_FALSE(ParseArrayMembership(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace cairn::pipelines
