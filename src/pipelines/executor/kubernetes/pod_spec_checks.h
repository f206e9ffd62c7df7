// Checks on the names and paths a pipeline puts into a task's pod (Secret
// and ConfigMap names, mount paths, env var names, field paths), so a bad
// value fails at submit with a message naming it, instead of a 422 listing
// Kubernetes field paths or a pod that never starts. Pure functions.
#pragma once

#include <string_view>

#include "base/status.h"

namespace cairn::pipelines::kubernetes {

// A DNS-1123 subdomain (Secret, ConfigMap, PVC names): lowercase letters,
// digits, '-' and '.', starting and ending alphanumeric, at most 253.
bool IsDns1123Subdomain(std::string_view s);

// kInvalidArgument unless `path` is absolute, has no ".." component and no
// ':' (a container path Kubernetes accepts). `what` names it in the message.
Status CheckMountPath(std::string_view path, std::string_view what);

// kInvalidArgument unless `name` is an environment variable name Kubernetes
// accepts on every supported version (C identifier plus '-' and '.').
Status CheckEnvVarName(std::string_view name, std::string_view what);

// kInvalidArgument unless `key` is a valid ConfigMap/Secret key
// ([-._a-zA-Z0-9]+, at most 253, not "." or "..").
Status CheckObjectKey(std::string_view key, std::string_view what);

// kInvalidArgument unless `path` is a pod field the downward API serves as
// an env var: metadata.name, metadata.namespace, metadata.uid,
// metadata.labels['k'], metadata.annotations['k'], spec.nodeName,
// spec.serviceAccountName, status.hostIP, status.podIP, status.podIPs.
Status CheckFieldPath(std::string_view path, std::string_view what);

}  // namespace cairn::pipelines::kubernetes
