#include "server/remote_model_source.h"

#include <fmt/format.h>

namespace cairn::server {

Result<std::unique_ptr<RemoteModelSource>> RemoteModelSource::Create(const std::string& tracking_uri,
                                                                     const client::HttpClientOptions& http_options) {
  std::unique_ptr<RemoteModelSource> source(new RemoteModelSource());
  CAIRN_ASSIGN_OR_RETURN(source->registry_, client::RestRegistryStore::Create(tracking_uri, http_options));
  CAIRN_ASSIGN_OR_RETURN(source->artifacts_, client::ArtifactClient::Create(tracking_uri, http_options));
  return source;
}

Result<serving::ModelOrigin> RemoteModelSource::Resolve(const std::string& uri) {
  // The wire API does not carry a version's storage location; the
  // download-uri endpoint tells where its files are.
  return serving::ResolveRegistryModel(*registry_, uri, [this](const registry::ModelVersion& v) {
    return registry_->GetModelVersionDownloadUri(v.name, v.version);
  });
}

Status RemoteModelSource::Fetch(const serving::ModelOrigin& origin, const std::filesystem::path& dst) {
  CAIRN_ASSIGN_OR_RETURN(auto local, artifacts_->Download(origin.artifact_uri, "", dst));
  if (!std::filesystem::exists(local / "MLmodel")) {
    return InvalidArgument(fmt::format("{} version {} has no MLmodel file at {}", origin.registered_name,
                                       origin.version, origin.artifact_uri));
  }
  return Status::Ok();
}

}  // namespace cairn::server
