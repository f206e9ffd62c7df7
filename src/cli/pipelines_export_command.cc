// `cairn pipelines export --format argo [--output FILE] SPEC`: converts a
// pipeline file (KFP IR or cairn YAML) for another engine, locally (no
// server). Argo Workflow YAML goes to FILE or stdout; what Argo cannot
// express is listed on stderr as warnings, and the conversion still
// succeeds; a spec with errors exits 1 naming them.
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <memory>

#include "cli/client_command_support.h"
#include "pipelines/export/argo.h"
#include "pipelines/graph.h"

namespace cairn::cli {
namespace {

struct ExportArgs {
  ClientFlags flags;
  std::string file;
  std::string format = "argo";
  std::string output;
  std::string service_account;
};

Status Export(const ExportArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(pipelines::Pipeline pipeline, pipelines::LoadPipelineFile(args.file));
  pipelines::ArgoExportOptions options;
  options.service_account = args.service_account;
  CAIRN_ASSIGN_OR_RETURN(pipelines::ArgoExport exported, pipelines::ExportArgoWorkflow(pipeline, options));
  for (const pipelines::SpecProblem& note : exported.notes) {
    std::fprintf(stderr, "warning: %s%s%s\n", note.location.c_str(), note.location.empty() ? "" : ": ",
                 note.message.c_str());
  }
  const std::string yaml = pipelines::ArgoWorkflowYaml(exported);
  if (args.output.empty() || args.output == "-") {
    std::fwrite(yaml.data(), 1, yaml.size(), stdout);
    return Status();
  }
  // Written next to the target and renamed, so a failed export never leaves
  // half a workflow behind.
  const std::string tmp = args.output + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << yaml;
    if (!out) return InvalidArgument(fmt::format("cannot write {}", args.output));
  }
  if (std::rename(tmp.c_str(), args.output.c_str()) != 0) {
    std::remove(tmp.c_str());
    return InvalidArgument(fmt::format("cannot write {}", args.output));
  }
  std::fprintf(stderr, "wrote %s (Argo Workflow, %zu notes)\n", args.output.c_str(), exported.notes.size());
  return Status();
}

}  // namespace

void AddPipelinesExportCommand(CLI::App& app) {
  CLI::App* group = app.get_subcommand("pipelines");
  auto args = std::make_shared<ExportArgs>();
  CLI::App* cmd = group->add_subcommand("export", "Convert a pipeline file for another engine (locally)");
  cmd->add_option("file", args->file, "Pipeline YAML (KFP compiled IR or cairn pipeline)")->required();
  cmd->add_option("--format", args->format, "Target format")->check(CLI::IsMember({"argo"}))->capture_default_str();
  cmd->add_option("--output,-o", args->output, "Write here instead of stdout");
  cmd->add_option("--service-account", args->service_account, "spec.serviceAccountName of the Argo Workflow");
  cmd->callback([args] { RunCommand(args->flags, [&] { return Export(*args); }); });
}

}  // namespace cairn::cli
