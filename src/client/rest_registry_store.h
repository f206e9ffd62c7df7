// RestRegistryStore: the RegistryStore seam implemented over a cairn or
// MLflow server's model-registry REST API (specs/mlflow-rest.md sections 3
// and 7), plus cairn's lineage and audit endpoints
// (docs/protocols/cairn-lineage.md), so code written against RegistryStore
// works the same in-process and remotely.
//
// Errors: as RestTrackingStore — the server's {"error_code", "message"}
// comes back as the matching StatusCode and message; transport failures are
// kUnavailable / kDeadlineExceeded; a response that does not decode is
// kInternal.
//
// Differences from the in-process stores, inherent to the wire API:
//  * The Actor argument is not sent: the server records the identity of the
//    connection (HTTP Basic user name), as MLflow does.
//  * ModelVersion::storage_location is not part of MLflow's message; it is
//    left empty here (GetModelVersionDownloadUri returns it).
//  * ListAuditEvents talks to cairn's /api/2.0/cairn/registry/audit, which
//    an MLflow server does not have (kEndpointNotFound there).
//
// Thread-safe: any number of threads may call concurrently.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/json_reader.h"
#include "client/curl_http_client.h"
#include "client/http_client.h"
#include "mlflow_wire/endpoints.h"
#include "registry/registry_store.h"

namespace cairn::client {

class RestRegistryStore final : public registry::RegistryStore {
 public:
  // `base_url` as from NormalizeTrackingUri (rest_tracking_store.h).
  RestRegistryStore(std::string base_url, std::unique_ptr<HttpClient> http);
  RestRegistryStore(const RestRegistryStore&) = delete;
  RestRegistryStore& operator=(const RestRegistryStore&) = delete;

  // Validates `tracking_uri` (http/https only) and connects through
  // CreateHttpClient(options). Does not contact the server.
  static Result<std::unique_ptr<RestRegistryStore>> Create(std::string_view tracking_uri,
                                                           const HttpClientOptions& options = {});

  const std::string& base_url() const { return base_url_; }

  Result<registry::RegisteredModel> CreateRegisteredModel(const registry::Actor& actor, const std::string& name,
                                                          const std::vector<registry::Tag>& tags,
                                                          const std::string& description) override;
  Result<registry::RegisteredModel> GetRegisteredModel(const std::string& name) override;
  Result<registry::RegisteredModel> RenameRegisteredModel(const registry::Actor& actor, const std::string& name,
                                                          const std::string& new_name) override;
  Result<registry::RegisteredModel> UpdateRegisteredModel(const registry::Actor& actor, const std::string& name,
                                                          const std::string& description) override;
  Status DeleteRegisteredModel(const registry::Actor& actor, const std::string& name) override;
  Result<registry::Page<registry::RegisteredModel>> SearchRegisteredModels(
      const registry::SearchRequest& request) override;
  Result<std::vector<registry::ModelVersion>> GetLatestVersions(const std::string& name,
                                                                const std::vector<registry::Stage>& stages) override;
  Status SetRegisteredModelTag(const registry::Actor& actor, const std::string& name,
                               const registry::Tag& tag) override;
  Status DeleteRegisteredModelTag(const registry::Actor& actor, const std::string& name,
                                  const std::string& key) override;

  Status SetAlias(const registry::Actor& actor, const std::string& name, const std::string& alias,
                  int64_t version) override;
  Status DeleteAlias(const registry::Actor& actor, const std::string& name, const std::string& alias) override;
  Result<registry::ModelVersion> GetVersionByAlias(const std::string& name, const std::string& alias) override;

  Result<registry::ModelVersion> CreateModelVersion(const registry::Actor& actor,
                                                    const registry::CreateModelVersionRequest& request) override;
  Result<registry::ModelVersion> GetModelVersion(const std::string& name, int64_t version) override;
  Result<registry::ModelVersion> UpdateModelVersion(const registry::Actor& actor, const std::string& name,
                                                    int64_t version, const std::string& description) override;
  Status DeleteModelVersion(const registry::Actor& actor, const std::string& name, int64_t version) override;
  Result<registry::Page<registry::ModelVersion>> SearchModelVersions(const registry::SearchRequest& request) override;
  Result<registry::ModelVersion> TransitionStage(const registry::Actor& actor, const std::string& name,
                                                 int64_t version, registry::Stage stage,
                                                 bool archive_existing) override;
  Status SetModelVersionTag(const registry::Actor& actor, const std::string& name, int64_t version,
                            const registry::Tag& tag) override;
  Status DeleteModelVersionTag(const registry::Actor& actor, const std::string& name, int64_t version,
                               const std::string& key) override;

  Result<std::vector<registry::AuditEvent>> ListAuditEvents(const std::string& model_name,
                                                            int64_t max_results) override;

  Result<registry::LoggedModel> CreateLoggedModel(const registry::Actor& actor,
                                                  const registry::LoggedModel& model) override;
  Result<registry::LoggedModel> GetLoggedModel(const std::string& model_id) override;
  Result<registry::LoggedModel> FinalizeLoggedModel(const registry::Actor& actor, const std::string& model_id,
                                                    registry::LoggedModelStatus status) override;
  Status DeleteLoggedModel(const registry::Actor& actor, const std::string& model_id) override;
  Result<registry::Page<registry::LoggedModel>> SearchLoggedModels(
      const registry::SearchLoggedModelsRequest& request) override;
  Status SetLoggedModelTags(const registry::Actor& actor, const std::string& model_id,
                            const std::vector<registry::Tag>& tags) override;
  Status DeleteLoggedModelTag(const registry::Actor& actor, const std::string& model_id,
                              const std::string& key) override;
  Status LogLoggedModelParams(const registry::Actor& actor, const std::string& model_id,
                              const std::vector<registry::Tag>& params) override;

  // --- beyond the seam ---
  // GET model-versions/get-download-uri: where the version's files are.
  Result<std::string> GetModelVersionDownloadUri(const std::string& name, int64_t version);
  // cairn's lineage document for a version (`version` set) or an alias, as
  // the JSON text the server sent.
  Result<std::string> GetLineageJson(const std::string& name, std::optional<int64_t> version,
                                     const std::string& alias);

 private:
  // `prefix` is kApiPrefix or kCairnApiPrefix; `path` the endpoint path
  // with placeholders filled in.
  Result<HttpResponse> Send(const mlflow_wire::Endpoint& endpoint, std::string_view prefix, std::string_view path,
                            const QueryParams& query, std::string body, std::optional<bool> idempotent);
  Result<JsonDocument> Call(const mlflow_wire::Endpoint& endpoint, const QueryParams& query, std::string body,
                            std::optional<bool> idempotent = std::nullopt);
  Result<JsonDocument> CallPath(const mlflow_wire::Endpoint& endpoint, std::string_view path, std::string body,
                                std::optional<bool> idempotent = std::nullopt);

  const std::string base_url_;
  const std::unique_ptr<HttpClient> http_;
};

}  // namespace cairn::client
