// RemoteModelSource: a ModelSource over a tracking server's REST API — the
// registry resolves the URI, the mlflow-artifacts proxy delivers the files —
// for `cairn serve`, which runs apart from the platform server.
// Thread-safe (the REST clients are).
#pragma once

#include <memory>

#include "client/artifact_client.h"
#include "client/curl_http_client.h"
#include "client/rest_registry_store.h"
#include "serving/model_source.h"

namespace cairn::server {

class RemoteModelSource final : public serving::ModelSource {
 public:
  static Result<std::unique_ptr<RemoteModelSource>> Create(const std::string& tracking_uri,
                                                           const client::HttpClientOptions& http_options = {});
  Result<serving::ModelOrigin> Resolve(const std::string& uri) override;
  Status Fetch(const serving::ModelOrigin& origin, const std::filesystem::path& dst) override;

 private:
  std::unique_ptr<client::RestRegistryStore> registry_;
  std::unique_ptr<client::ArtifactClient> artifacts_;
};

}  // namespace cairn::server
