// KFP IR loader + validator over the vendored KFP sample pipelines
// (tests/data/kfp, copied from kubeflow/pipelines; see INDEX.md there).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "pipelines/graph.h"

namespace cairn::pipelines {
namespace {

std::string KfpDir() { return std::string(CAIRN_PIPELINES_TESTDATA) + "/kfp"; }

Pipeline MustLoad(const std::string& file) {
  auto p = LoadPipelineFile(KfpDir() + "/" + file);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? std::move(p).value() : Pipeline{};
}

std::string Describe(const std::vector<SpecProblem>& problems) {
  std::string out;
  for (const auto& p : problems) {
    out += std::string(SeverityName(p.severity)) + " " + p.location + ": " + p.message + "\n";
  }
  return out;
}

TEST(KfpLoaderTest, EveryFixtureLoadsAndValidates) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(KfpDir())) {
    if (entry.path().extension() != ".yaml") continue;
    ++count;
    SCOPED_TRACE(entry.path().filename().string());
    auto p = LoadPipelineFile(entry.path().string());
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ(p->format, SpecFormat::kKfpIr);
    EXPECT_FALSE(p->name.empty());
    auto problems = ValidatePipeline(*p);
    EXPECT_FALSE(HasErrors(problems)) << Describe(problems);
  }
  EXPECT_GE(count, 36);
}

}  // namespace
}  // namespace cairn::pipelines
