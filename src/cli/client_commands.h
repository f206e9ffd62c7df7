// Subcommands for people that talk to a running server through the client
// library: `experiments list|create|delete`, `runs list|get|search`,
// `artifacts upload|download|list`. Each takes --tracking-uri (default
// $MLFLOW_TRACKING_URI, else http://127.0.0.1:5000) and --json; failures
// print "Error: <message>" to stderr and exit with status 1.
#pragma once

#include <CLI/CLI.hpp>

namespace cairn::cli {

void AddClientCommands(CLI::App& app);

}  // namespace cairn::cli
