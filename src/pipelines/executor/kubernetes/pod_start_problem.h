// Why a task pod's container cannot start, from the pod's status: the
// waiting reasons with which a pod stays Pending forever (the Job never
// fails by itself, so without this the attempt would wait for its timeout).
//   ErrImagePull, ImagePullBackOff     may be transient (a registry hiccup,
//                                      a slow pull): fatal once they last
//                                      longer than a grace period
//   InvalidImageName, ErrImageNeverPull, CreateContainerConfigError (e.g. a
//   missing Secret/ConfigMap or key), CreateContainerError
//                                      fatal at once
// Pure functions over the pod JSON, unit-tested without a cluster.
#pragma once

#include <optional>
#include <string>

#include "pipelines/spec/value.h"

namespace cairn::pipelines::kubernetes {

struct PodStartProblem {
  std::string reason;   // the waiting reason, e.g. "ErrImagePull"
  std::string message;  // the kubelet's message (may be empty)
  std::string image;    // the container's image, for the message
  // True for pull errors, which get the grace period; false: fail now.
  bool transient = false;
};

// The problem of container `container` of `pod`, or nullopt when it is not
// waiting for one of the reasons above (running, terminated, creating, or
// no status yet).
std::optional<PodStartProblem> ContainerStartProblem(const Value& pod, const std::string& container);

// The attempt's failure message, e.g. "the container cannot start:
// ErrImagePull: <kubelet message> (image registry.invalid/x:1)".
std::string StartProblemMessage(const PodStartProblem& problem);

}  // namespace cairn::pipelines::kubernetes
