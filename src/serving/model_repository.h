// ModelRepository: the models being served, as named deployments. A
// deployment serves one model version (the primary) and optionally a second
// (the canary) that gets `canary_traffic_percent` of the requests that do
// not name a version. Both versions are loaded at once and each can be
// addressed by version.
//
// Changes never drop requests: new versions are fetched, loaded and warmed
// up before the switch, which swaps shared pointers under a lock; requests
// in flight keep the version they started on, which is freed after the last
// of them.
//
// Thread-safe. Create/Update block while models load (seconds); Route is
// cheap (a shared lock and a shared_ptr copy).
#pragma once

#include <atomic>
#include <functional>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

#include "serving/model_backend.h"
#include "serving/model_source.h"
#include "serving/served_model.h"

namespace cairn::serving {

struct DeploymentSpec {
  // The endpoint name (/v2/models/<name>); default: the registered model's.
  std::string name;
  std::string model_uri;
  BatchingOptions batching;
  // Append every request and response to <log_dir>/<name>.jsonl.
  bool log_requests = false;
};

// A PATCH of a deployment; absent fields keep their value.
struct DeploymentUpdate {
  // A new version to serve: with canary_traffic_percent in 1..99 it becomes
  // the canary; otherwise it replaces the primary (hot switch). The same
  // URI again re-resolves it (an alias that moved).
  std::optional<std::string> model_uri;
  // 0 removes the canary, 100 promotes it to primary, 1..99 splits.
  std::optional<int> canary_traffic_percent;
  std::optional<BatchingOptions> batching;
};

struct Deployment {
  std::string name;
  std::string model_uri;
  BatchingOptions batching;
  std::shared_ptr<ServedModel> primary;
  std::shared_ptr<ServedModel> canary;  // may be null
  int canary_traffic_percent = 0;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  std::shared_ptr<RequestLog> request_log;  // null unless log_requests
};

class ModelRepository {
 public:
  // Loaded files are copied under `cache_dir`, one directory per loaded
  // version, removed when the version is unloaded. All must outlive this.
  // Request logs go to `log_dir` (empty: deployments cannot log requests).
  ModelRepository(ModelSource& source, const BackendRegistry& backends, std::filesystem::path cache_dir,
                  std::filesystem::path log_dir = {});
  ModelRepository(const ModelRepository&) = delete;
  ModelRepository& operator=(const ModelRepository&) = delete;

  // Loads the model and publishes the deployment. kAlreadyExists when the
  // name is taken (or being loaded), errors of Resolve/Fetch/Load otherwise
  // (nothing is published then).
  Result<Deployment> Create(DeploymentSpec spec);
  Result<Deployment> Update(const std::string& name, const DeploymentUpdate& update);
  // kNotFound for unknown names.
  Status Delete(const std::string& name);
  Result<Deployment> Get(const std::string& name) const;
  std::vector<Deployment> List() const;

  // The version a request goes to: `version` when given (kNotFound when
  // that version is not loaded), else by the traffic split. kNotFound for
  // unknown names, kUnavailable while the deployment is still loading.
  Result<std::shared_ptr<ServedModel>> Route(const std::string& name, const std::string& version = "");

  // True when no deployment is loading (and, for `require_one`, at least
  // one is served).
  bool Ready(bool require_one) const;

  // Called after every successful Create, Update and Delete (outside the
  // repository's locks, one call at a time). Set before use.
  void SetChangeListener(std::function<void()> listener) { on_change_ = std::move(listener); }
  // While set, Ready() is false (deployments are being restored).
  void SetRestoring(bool restoring) { restoring_ = restoring; }

 private:
  Result<std::shared_ptr<ServedModel>> Load(const std::string& uri, const std::string& deployment,
                                            const BatchingOptions& batching);

  ModelSource& source_;
  const BackendRegistry& backends_;
  const std::filesystem::path cache_dir_;
  const std::filesystem::path log_dir_;
  std::atomic<uint64_t> load_counter_{0};
  std::atomic<uint64_t> request_counter_{0};
  std::atomic<bool> restoring_{false};
  std::function<void()> on_change_;
  std::mutex change_mu_;  // serialises on_change_ calls
  void Changed();

  mutable std::shared_mutex mu_;
  std::map<std::string, Deployment> deployments_;  // guarded by mu_
  std::set<std::string> loading_;                   // guarded by mu_
  std::mutex update_mu_;  // one Update at a time (loads outside mu_)
};

}  // namespace cairn::serving
