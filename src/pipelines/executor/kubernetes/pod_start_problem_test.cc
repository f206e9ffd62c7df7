#include "pipelines/executor/kubernetes/pod_start_problem.h"

#include <gtest/gtest.h>

namespace cairn::pipelines::kubernetes {
namespace {

// A pod whose container `main` has `state` (JSON), as a kubelet reports it.
Value Pod(const std::string& state, const std::string& container = "main") {
  auto pod = Value::ParseJson(R"({"metadata":{"name":"p"},"status":{"phase":"Pending","containerStatuses":[{"name":")" +
                              container + R"(","image":"registry.invalid/x:1","ready":false,"state":)" + state +
                              "}]}}");
  EXPECT_TRUE(pod.ok()) << pod.status().ToString();
  return pod.ok() ? *pod : Value();
}

TEST(PodStartProblemTest, PullErrorsAreTransientConfigErrorsAreNot) {
  for (const char* reason : {"ErrImagePull", "ImagePullBackOff"}) {
    auto p = ContainerStartProblem(
        Pod(std::string(R"({"waiting":{"reason":")") + reason + R"(","message":"pull access denied"}})"), "main");
    ASSERT_TRUE(p.has_value()) << reason;
    EXPECT_TRUE(p->transient) << reason;
    EXPECT_EQ(p->reason, reason);
    EXPECT_EQ(StartProblemMessage(*p), std::string("the container cannot start: ") + reason +
                                           ": pull access denied (image registry.invalid/x:1)");
  }
  for (const char* reason : {"InvalidImageName", "ErrImageNeverPull", "CreateContainerConfigError",
                             "CreateContainerError"}) {
    auto p = ContainerStartProblem(
        Pod(std::string(R"({"waiting":{"reason":")") + reason + R"(","message":"configmap \"x\" not found"}})"),
        "main");
    ASSERT_TRUE(p.has_value()) << reason;
    EXPECT_FALSE(p->transient) << reason;
    EXPECT_NE(StartProblemMessage(*p).find(R"(configmap "x" not found)"), std::string::npos);
  }
}

TEST(PodStartProblemTest, OtherStatesAreNoProblem) {
  for (const std::string state :
       {R"({"waiting":{"reason":"ContainerCreating"}})", R"({"waiting":{"reason":"PodInitializing"}})",
        R"({"waiting":{}})", R"({"running":{"startedAt":"2026-01-01T00:00:00Z"}})",
        R"({"terminated":{"exitCode":1,"reason":"Error"}})", R"({})", R"("odd")"}) {
    EXPECT_FALSE(ContainerStartProblem(Pod(state), "main").has_value()) << state;
  }
  // Another container's problem, no statuses yet, or not a pod at all.
  EXPECT_FALSE(ContainerStartProblem(Pod(R"({"waiting":{"reason":"ErrImagePull"}})", "sidecar"), "main"));
  EXPECT_FALSE(ContainerStartProblem(*Value::ParseJson(R"({"status":{"phase":"Pending"}})"), "main"));
  EXPECT_FALSE(ContainerStartProblem(*Value::ParseJson(R"({"status":{"containerStatuses":{}}})"), "main"));
  EXPECT_FALSE(ContainerStartProblem(*Value::ParseJson(R"([1,2])"), "main"));
  EXPECT_FALSE(ContainerStartProblem(*Value::ParseJson(R"({"status":[]})"), "main"));
}

TEST(PodStartProblemTest, MessageIsBoundedAndWorksWithoutDetails) {
  PodStartProblem p{"ErrImagePull", std::string(5000, 'x'), "", true};
  const std::string m = StartProblemMessage(p);
  EXPECT_LT(m.size(), 600u);
  EXPECT_NE(m.find("..."), std::string::npos);
  EXPECT_EQ(StartProblemMessage({"InvalidImageName", "", "", false}), "the container cannot start: InvalidImageName");
}

}  // namespace
}  // namespace cairn::pipelines::kubernetes
