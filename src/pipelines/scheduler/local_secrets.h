// Secrets for tasks run by the local executor (KFP PlatformSpec
// `secretAsEnv`, cairn `secrets:`): a directory laid out like a mounted
// Kubernetes secret volume, <dir>/<secret name>/<key>, each file holding one
// value byte for byte. Teams that already keep secrets in Kubernetes can
// lay them out with `kubectl get secret` + base64 -d; the Kubernetes
// executor (later) passes secret references through instead.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace cairn::pipelines {

// Largest secret value read (Kubernetes caps a whole Secret at 1 MiB).
inline constexpr size_t kMaxSecretBytes = 1 << 20;

// The value of `key` in secret `name`, or nullopt when the secret or key does
// not exist. kInvalidArgument for names that are not Kubernetes object names
// or keys (so no path can escape `dir`), kInvalidArgument when `dir` is
// empty, kResourceExhausted for values over kMaxSecretBytes.
Result<std::optional<std::string>> ReadLocalSecret(const std::string& dir, std::string_view name,
                                                   std::string_view key);

}  // namespace cairn::pipelines
