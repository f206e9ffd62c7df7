// Identifier generation. Thread-safe.
#pragma once

#include <string>

namespace cairn {

// 32 lowercase hex characters from a random (version 4) UUID, the form MLflow
// uses for run ids.
std::string NewUuidHex();

// "adjective-noun-NNN", the form MLflow gives runs created without a name.
std::string NewRunName();

}  // namespace cairn
