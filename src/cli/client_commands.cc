#include "cli/client_commands.h"

namespace cairn::cli {

void AddClientCommands(CLI::App& app) {}

}  // namespace cairn::cli
