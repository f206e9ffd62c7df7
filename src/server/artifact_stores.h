// The artifact stores the server knows: local directories (file:) and S3
// (s3://bucket/prefix), registered explicitly in the composition root's
// ArtifactRepositoryRegistry, plus the store behind the mlflow-artifacts
// proxy (--artifacts-destination). The S3 settings come from the usual AWS
// environment; this is the one place that reads it.
#pragma once

#include <memory>
#include <string>

#include "artifacts/artifact_repository.h"
#include "artifacts/artifact_repository_registry.h"
#include "artifacts/s3/s3_options.h"
#include "base/result.h"

namespace cairn::server {

// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
// AWS_REGION / AWS_DEFAULT_REGION (default us-east-1), and the endpoint from
// MLFLOW_S3_ENDPOINT_URL (MLflow's name), AWS_ENDPOINT_URL_S3 or
// AWS_ENDPOINT_URL. Downloads are spooled under `download_dir`.
artifacts::s3::S3Options S3OptionsFromEnvironment(std::string download_dir);

// Registers "file" and "s3". An s3:// URI resolves to one repository per
// bucket (created on first use; a missing credential fails that Resolve).
void RegisterBuiltinArtifactStores(artifacts::ArtifactRepositoryRegistry& registry,
                                   const artifacts::s3::S3Options& s3_options);

// The repository behind the mlflow-artifacts proxy: S3 for an s3:// URI, a
// local directory (created if missing) otherwise.
Result<std::unique_ptr<artifacts::ArtifactRepository>> OpenArtifactsDestination(
    const std::string& destination, const artifacts::s3::S3Options& s3_options);

}  // namespace cairn::server
