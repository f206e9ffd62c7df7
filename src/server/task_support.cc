#include "server/task_support.h"

#include <filesystem>

#include <fmt/format.h>

#include "base/ids.h"
#include "pipelines/executor/local/local_executor.h"
#include "pipelines/executor/slurm/slurm_executor.h"
#include "server/kubernetes_executor_factory.h"

namespace cairn::server {

namespace fs = std::filesystem;

namespace {
// Set once by RunServer (auth on) before the services create executors.
TaskTokenIssuer& TaskTokens() {
  static TaskTokenIssuer* issuer = new TaskTokenIssuer();
  return *issuer;
}

Result<std::unique_ptr<pipelines::Executor>> CreateBareTaskExecutor(const ServerConfig& config, const std::string& kind) {
  if (kind == "slurm") {
    pipelines::SlurmExecutorOptions options;
    options.base_env = pipelines::LocalExecutor::ProcessEnvironment();
    options.partition = config.slurm_partition;
    options.extra_sbatch_args = config.slurm_sbatch_args;
    CAIRN_ASSIGN_OR_RETURN(auto slurm, pipelines::SlurmExecutor::Create(std::move(options)));
    return std::unique_ptr<pipelines::Executor>(std::move(slurm));
  }
  if (kind == "kubernetes") return CreateKubernetesTaskExecutor(config);
  if (kind != "local") return InvalidArgument(fmt::format("unknown executor '{}' (local, slurm or kubernetes)", kind));
  pipelines::LocalExecutorOptions options;
  options.max_log_bytes = config.pipelines_max_log_bytes;
  options.base_env = pipelines::LocalExecutor::ProcessEnvironment();
  CAIRN_ASSIGN_OR_RETURN(auto local, pipelines::LocalExecutor::Create(std::move(options)));
  return std::unique_ptr<pipelines::Executor>(std::move(local));
}
}  // namespace

void SetTaskTokenIssuer(TaskTokenIssuer issuer) { TaskTokens() = std::move(issuer); }

Result<std::unique_ptr<pipelines::Executor>> CreateTaskExecutor(const ServerConfig& config, const std::string& kind) {
  CAIRN_ASSIGN_OR_RETURN(auto executor, CreateBareTaskExecutor(config, kind));
  if (!TaskTokens().mint) return executor;
  return std::unique_ptr<pipelines::Executor>(std::make_unique<TaskTokenExecutor>(std::move(executor), TaskTokens()));
}

Status CopyIntoArtifacts(const artifacts::ArtifactRepositoryRegistry& registry, const std::string& scratch,
                         const std::string& artifact_uri, const std::string& local, const std::string& dest) {
  CAIRN_ASSIGN_OR_RETURN(artifacts::ResolvedLocation location, registry.Resolve(artifact_uri));
  std::error_code ec;
  fs::create_directories(scratch, ec);
  auto put_file = [&](const fs::path& file, const std::string& relative) -> Status {
    std::string tmp = fmt::format("{}/{}", scratch, NewUuidHex());
    fs::copy_file(file, tmp, fs::copy_options::overwrite_existing, ec);
    if (ec) return Internal("Cannot copy a task artifact.", ec.message());
    std::string path = location.path;
    for (const std::string& part : {dest, relative}) {
      if (part.empty()) continue;
      if (!path.empty()) path += '/';
      path += part;
    }
    Status s = location.repository->Put(path, tmp);
    fs::remove(tmp, ec);
    return s;
  };
  fs::path root(local);
  if (fs::is_directory(root, ec)) {
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      std::string relative = fs::relative(it->path(), root.parent_path(), ec).generic_string();
      CAIRN_RETURN_IF_ERROR(put_file(it->path(), relative));
    }
    return Status();
  }
  return put_file(root, root.filename().string());
}

}  // namespace cairn::server
