#include "server/artifact_stores.h"

#include <cstdlib>
#include <map>
#include <mutex>

#include "artifacts/local/local_artifact_repository.h"
#include "artifacts/s3/s3_artifact_repository.h"
#include "artifacts/s3/s3_location.h"

namespace cairn::server {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string FirstEnv(std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (std::string value = Env(name); !value.empty()) return value;
  }
  return "";
}

}  // namespace

artifacts::s3::S3Options S3OptionsFromEnvironment(std::string download_dir) {
  artifacts::s3::S3Options options;
  options.access_key_id = Env("AWS_ACCESS_KEY_ID");
  options.secret_access_key = Env("AWS_SECRET_ACCESS_KEY");
  options.session_token = Env("AWS_SESSION_TOKEN");
  if (std::string region = FirstEnv({"AWS_REGION", "AWS_DEFAULT_REGION"}); !region.empty()) options.region = region;
  options.endpoint_url = FirstEnv({"MLFLOW_S3_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"});
  options.download_dir = std::move(download_dir);
  return options;
}

void RegisterBuiltinArtifactStores(artifacts::ArtifactRepositoryRegistry& registry,
                                   const artifacts::s3::S3Options& s3_options) {
  registry.Register("file", artifacts::MakeLocalFileResolver());
  struct Cache {
    std::mutex mu;
    std::map<std::string, std::unique_ptr<artifacts::s3::S3ArtifactRepository>> by_bucket;  // GUARDED_BY(mu)
  };
  auto cache = std::make_shared<Cache>();
  registry.Register("s3", [cache, s3_options](std::string_view rest) -> Result<artifacts::ResolvedLocation> {
    CAIRN_ASSIGN_OR_RETURN(auto location, artifacts::s3::ParseS3Uri(rest));
    std::lock_guard<std::mutex> lock(cache->mu);
    auto it = cache->by_bucket.find(location.bucket);
    if (it == cache->by_bucket.end()) {
      CAIRN_ASSIGN_OR_RETURN(auto repo,
                             artifacts::s3::S3ArtifactRepository::Create({location.bucket, ""}, s3_options));
      it = cache->by_bucket.emplace(location.bucket, std::move(repo)).first;
    }
    return artifacts::ResolvedLocation{it->second.get(), location.prefix};
  });
}

Result<std::unique_ptr<artifacts::ArtifactRepository>> OpenArtifactsDestination(
    const std::string& destination, const artifacts::s3::S3Options& s3_options) {
  if (artifacts::s3::IsS3Uri(destination)) {
    CAIRN_ASSIGN_OR_RETURN(auto location, artifacts::s3::ParseS3Uri(destination));
    CAIRN_ASSIGN_OR_RETURN(auto repo, artifacts::s3::S3ArtifactRepository::Create(std::move(location), s3_options));
    return std::unique_ptr<artifacts::ArtifactRepository>(std::move(repo));
  }
  CAIRN_ASSIGN_OR_RETURN(auto repo, artifacts::LocalArtifactRepository::Create(destination));
  return std::unique_ptr<artifacts::ArtifactRepository>(std::move(repo));
}

}  // namespace cairn::server
