#include "auth/auth_store.h"

namespace cairn::auth {

std::string_view ResourceKindName(ResourceKind kind) {
  return kind == ResourceKind::kExperiment ? "experiment" : "registered_model";
}

}  // namespace cairn::auth
