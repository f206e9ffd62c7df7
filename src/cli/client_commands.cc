#include "cli/client_commands.h"

#include "cli/client_command_support.h"

namespace cairn::cli {

// models_command.cc
void AddModelsCommand(CLI::App& app);
// pipelines_command.cc
void AddPipelinesCommand(CLI::App& app);
// pipelines_export_command.cc (adds `pipelines export`)
void AddPipelinesExportCommand(CLI::App& app);
// tune_command.cc
void AddTuneCommand(CLI::App& app);

void AddClientCommands(CLI::App& app) {
  AddExperimentsCommand(app);
  AddRunsCommand(app);
  AddArtifactsCommand(app);
  AddModelsCommand(app);
  AddPipelinesCommand(app);
  AddPipelinesExportCommand(app);
  AddTuneCommand(app);
}

}  // namespace cairn::cli
