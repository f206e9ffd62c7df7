// Subcommands for people that talk to a running server through the client
// library: experiments, runs, artifacts.
#pragma once

#include <CLI/CLI.hpp>

namespace cairn::cli {

void AddClientCommands(CLI::App& app);

}  // namespace cairn::cli
