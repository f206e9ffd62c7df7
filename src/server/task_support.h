// What the pipelines and tuning services share: the executor their tasks and
// trials run on, and copying a task's files into a tracking run's artifacts.
#pragma once

#include <memory>
#include <string>

#include "artifacts/artifact_repository_registry.h"
#include "base/result.h"
#include "pipelines/executor/executor.h"
#include "server/server_config.h"
#include "server/task_token_executor.h"

namespace cairn::server {

// `kind` "local" (a process per task on this host) or "slurm" (a batch job
// per task on the cluster SLURM_CONF names; the pipeline/tuning root must be
// on a filesystem the compute nodes share). kInvalidArgument for another
// kind; kFailedPrecondition when Slurm's commands do not work. "kubernetes":
// a batch/v1 Job per task (server/kubernetes_executor_factory.h).
// With a task token issuer set (authentication on), the executor is wrapped
// in a TaskTokenExecutor.
Result<std::unique_ptr<pipelines::Executor>> CreateTaskExecutor(const ServerConfig& config, const std::string& kind);

// Called once at start-up, before the pipelines and tuning services exist.
void SetTaskTokenIssuer(TaskTokenIssuer issuer);

// Copies `local` (a file, or a directory recursively) under `dest` in the
// artifact location `artifact_uri`. Repositories take files over by rename,
// so each file is first copied into `scratch` (on their filesystem).
Status CopyIntoArtifacts(const artifacts::ArtifactRepositoryRegistry& registry, const std::string& scratch,
                         const std::string& artifact_uri, const std::string& local, const std::string& dest);

}  // namespace cairn::server
