// The composition root of `cairn server`: builds the store, artifact
// repositories, router and HTTP listener from a ServerConfig, serves until
// SIGINT/SIGTERM, then drains in-flight requests and closes the store.
#pragma once

#include "server/server_config.h"

namespace cairn::server {

// Returns the process exit code.
int RunServer(const ServerConfig& config);

}  // namespace cairn::server
