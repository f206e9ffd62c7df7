#include "pipelines/executor/slurm/slurm_resources.h"

#include <gtest/gtest.h>

namespace cairn::pipelines {
namespace {

TEST(SlurmResourcesTest, CpuQuantities) {
  EXPECT_EQ(ParseCpuCores("2"), 2);
  EXPECT_EQ(ParseCpuCores("1.5"), 2);
  EXPECT_EQ(ParseCpuCores("500m"), 1);
  EXPECT_EQ(ParseCpuCores("2000m"), 2);
  for (const char* bad : {"", "0", "-1", "two", "2x", "1e3", "m"}) EXPECT_FALSE(ParseCpuCores(bad)) << bad;
}

TEST(SlurmResourcesTest, MemoryQuantities) {
  EXPECT_EQ(ParseMemoryMegabytes("512Mi"), 512);
  EXPECT_EQ(ParseMemoryMegabytes("1Gi"), 1024);
  EXPECT_EQ(ParseMemoryMegabytes("1.5Gi"), 1536);
  EXPECT_EQ(ParseMemoryMegabytes("1G"), 954);     // 10^9 bytes, rounded up
  EXPECT_EQ(ParseMemoryMegabytes("1048576"), 1);  // bytes
  EXPECT_EQ(ParseMemoryMegabytes("1"), 1);        // never 0 (Slurm: all memory)
  for (const char* bad : {"", "0", "lots", "1Qi", "-5Mi"}) EXPECT_FALSE(ParseMemoryMegabytes(bad)) << bad;
}

TEST(SlurmResourcesTest, SbatchOptions) {
  TaskLaunch launch;
  launch.cpu_limit = "500m";
  launch.memory_limit = "2Gi";
  launch.accelerator_count = 1;
  launch.timeout_ms = 90000;
  auto options = SbatchResourceOptions(launch);
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(*options, (std::vector<std::string>{"--cpus-per-task=1", "--mem=2048M", "--gres=gpu:1", "--time=3"}));
  launch.memory_limit = "a lot";
  EXPECT_EQ(SbatchResourceOptions(launch).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cairn::pipelines
