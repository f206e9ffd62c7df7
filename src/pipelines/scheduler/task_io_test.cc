#include "pipelines/scheduler/task_io.h"

#include <gtest/gtest.h>

namespace cairn::pipelines {
namespace {

// Task outputs are written by user code: an integer output must be a whole
// number that fits int64, and anything else is a clear error (a huge double
// used to be cast to int64, which is undefined behaviour).
TEST(TaskIoTest, IntegerOutputsMustFitInt64) {
  auto plain = ParseOutputParameterText(" 42\n", ParameterType::kNumberInteger);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->as_int(), 42);
  auto whole_double = ParseOutputParameterText("42.0", ParameterType::kNumberInteger);
  ASSERT_TRUE(whole_double.ok()) << whole_double.status().ToString();
  EXPECT_EQ(whole_double->as_int(), 42);
  for (const char* bad : {"1e300", "-1e300", "9223372036854775808.0", "2.5", "forty"}) {
    SCOPED_TRACE(bad);
    auto v = ParseOutputParameterText(bad, ParameterType::kNumberInteger);
    ASSERT_FALSE(v.ok());
    EXPECT_NE(v.status().message().find("is not an integer"), std::string::npos) << v.status().message();
  }
}

}  // namespace
}  // namespace cairn::pipelines
