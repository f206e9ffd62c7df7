#include "cli/client_commands.h"

#include "cli/client_command_support.h"

namespace cairn::cli {

void AddClientCommands(CLI::App& app) {
  AddExperimentsCommand(app);
  AddRunsCommand(app);
  AddArtifactsCommand(app);
}

}  // namespace cairn::cli
