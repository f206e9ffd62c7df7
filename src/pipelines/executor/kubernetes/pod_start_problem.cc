#include "pipelines/executor/kubernetes/pod_start_problem.h"

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace cairn::pipelines::kubernetes {
namespace {

std::string StringField(const Value& v, std::string_view key) {
  const Value* f = v.Find(key);
  return f != nullptr && f->is_string() ? f->as_string() : std::string();
}

}  // namespace

std::optional<PodStartProblem> ContainerStartProblem(const Value& pod, const std::string& container) {
  static constexpr std::array<std::string_view, 2> kTransient = {"ErrImagePull", "ImagePullBackOff"};
  static constexpr std::array<std::string_view, 4> kFatal = {"InvalidImageName", "ErrImageNeverPull",
                                                             "CreateContainerConfigError", "CreateContainerError"};
  if (!pod.is_struct()) return std::nullopt;
  const Value* status = pod.Find("status");
  const Value* statuses = status != nullptr && status->is_struct() ? status->Find("containerStatuses") : nullptr;
  if (statuses == nullptr || !statuses->is_list()) return std::nullopt;
  for (const Value& cs : statuses->as_list()) {
    if (!cs.is_struct() || StringField(cs, "name") != container) continue;
    const Value* state = cs.Find("state");
    const Value* waiting = state != nullptr && state->is_struct() ? state->Find("waiting") : nullptr;
    if (waiting == nullptr || !waiting->is_struct()) return std::nullopt;
    PodStartProblem problem;
    problem.reason = StringField(*waiting, "reason");
    problem.message = StringField(*waiting, "message");
    problem.image = StringField(cs, "image");
    for (std::string_view r : kTransient) {
      if (problem.reason == r) {
        problem.transient = true;
        return problem;
      }
    }
    for (std::string_view r : kFatal) {
      if (problem.reason == r) return problem;
    }
    return std::nullopt;  // ContainerCreating, PodInitializing, ...
  }
  return std::nullopt;
}

std::string StartProblemMessage(const PodStartProblem& problem) {
  // Kubelet messages can be long (a registry's whole answer): keep the head.
  constexpr size_t kMaxMessage = 500;
  std::string text = problem.message.size() > kMaxMessage ? problem.message.substr(0, kMaxMessage) + "..."
                                                          : problem.message;
  std::string out = fmt::format("the container cannot start: {}", problem.reason);
  if (!text.empty()) out += ": " + text;
  if (!problem.image.empty()) out += fmt::format(" (image {})", problem.image);
  return out;
}

}  // namespace cairn::pipelines::kubernetes
