#include "serving/model_repository.h"

#include <fmt/format.h>

#include <chrono>

#include "base/logging.h"

namespace cairn::serving {
namespace {

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status CheckBatching(const BatchingOptions& b) {
  if (b.max_batch_size < 1 || b.max_batch_size > 4096) return InvalidArgument("max_batch_size must be in 1..4096");
  if (b.max_queue_delay_us < 0 || b.max_queue_delay_us > 10'000'000) {
    return InvalidArgument("max_queue_delay_us must be in 0..10000000");
  }
  if (b.max_queue_size < 1 || b.max_queue_size > 1'000'000) return InvalidArgument("max_queue_size must be in 1..1000000");
  return Status::Ok();
}

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 256) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  }
  return true;
}

}  // namespace

ModelRepository::ModelRepository(ModelSource& source, const BackendRegistry& backends, std::filesystem::path cache_dir,
                                 std::filesystem::path log_dir)
    : source_(source), backends_(backends), cache_dir_(std::move(cache_dir)), log_dir_(std::move(log_dir)) {}

void ModelRepository::Changed() {
  if (!on_change_) return;
  std::lock_guard<std::mutex> lock(change_mu_);
  on_change_();
}

Result<std::shared_ptr<ServedModel>> ModelRepository::Load(const std::string& uri, const std::string& deployment,
                                                          const BatchingOptions& batching) {
  CAIRN_ASSIGN_OR_RETURN(ModelOrigin origin, source_.Resolve(uri));
  std::filesystem::path dir =
      cache_dir_ / fmt::format("{}-v{}-{}", deployment, origin.version, load_counter_.fetch_add(1) + 1);
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  auto cleanup_on_error = [&](Status s) {
    std::filesystem::remove_all(dir, ignored);
    return s;
  };
  if (Status s = source_.Fetch(origin, dir); !s.ok()) return cleanup_on_error(s);
  auto backend = backends_.Load(dir);
  if (!backend.ok()) return cleanup_on_error(backend.error());
  auto model = ServedModel::Create(origin, std::move(backend).value(), batching, dir, /*owns_dir=*/true);
  if (!model.ok()) return model.error();  // the half-built model removed the directory
  CAIRN_LOG(kInfo, "serving", "loaded {} version {} ({}) for deployment {}", origin.registered_name, origin.version,
            (*model)->metadata().platform, deployment);
  return model;
}

Result<Deployment> ModelRepository::Create(DeploymentSpec spec) {
  CAIRN_RETURN_IF_ERROR(CheckBatching(spec.batching));
  if (spec.model_uri.empty()) return InvalidArgument("model_uri is required");
  // The default name is the registered model's: resolve once to learn it.
  if (spec.name.empty()) {
    CAIRN_ASSIGN_OR_RETURN(ModelOrigin origin, source_.Resolve(spec.model_uri));
    spec.name = origin.registered_name;
  }
  if (!ValidName(spec.name)) {
    return InvalidArgument(fmt::format("deployment name '{}' must be 1-256 letters, digits, '-', '_' or '.'", spec.name));
  }
  if (spec.log_requests && log_dir_.empty()) return InvalidArgument("this server has no request log directory");
  {
    std::unique_lock lock(mu_);
    if (deployments_.count(spec.name) || loading_.count(spec.name)) {
      return AlreadyExists(fmt::format("deployment '{}' already exists", spec.name));
    }
    loading_.insert(spec.name);
  }
  auto model = Load(spec.model_uri, spec.name, spec.batching);
  std::shared_ptr<RequestLog> log;
  if (model.ok() && spec.log_requests) {
    // 256 MiB per deployment: the log must not fill the artifact store.
    auto opened = RequestLog::Open(log_dir_ / (spec.name + ".jsonl"), int64_t{256} << 20);
    if (opened.ok()) {
      log = std::move(opened).value();
      (*model)->set_request_log(log);
    } else {
      model = opened.error();
    }
  }
  std::unique_lock lock(mu_);
  loading_.erase(spec.name);
  if (!model.ok()) return model.error();
  Deployment d;
  d.name = spec.name;
  d.model_uri = spec.model_uri;
  d.batching = spec.batching;
  d.primary = std::move(model).value();
  d.created_ms = d.updated_ms = NowMillis();
  d.request_log = std::move(log);
  deployments_[d.name] = d;
  lock.unlock();
  Changed();
  return d;
}

Result<Deployment> ModelRepository::Update(const std::string& name, const DeploymentUpdate& update) {
  std::lock_guard<std::mutex> one_update(update_mu_);
  CAIRN_ASSIGN_OR_RETURN(Deployment current, Get(name));
  if (update.canary_traffic_percent && (*update.canary_traffic_percent < 0 || *update.canary_traffic_percent > 100)) {
    return InvalidArgument("canary_traffic_percent must be in 0..100");
  }
  BatchingOptions batching = update.batching.value_or(current.batching);
  CAIRN_RETURN_IF_ERROR(CheckBatching(batching));
  Deployment next = current;
  next.batching = batching;
  const int percent = update.canary_traffic_percent.value_or(-1);
  if (update.model_uri) {
    // Load (and warm up) before anything changes.
    CAIRN_ASSIGN_OR_RETURN(auto model, Load(*update.model_uri, name, batching));
    if (percent > 0 && percent < 100) {
      next.canary = std::move(model);
      next.canary_traffic_percent = percent;
    } else {
      next.primary = std::move(model);
      next.model_uri = *update.model_uri;
      next.canary.reset();
      next.canary_traffic_percent = 0;
    }
  } else if (percent >= 0) {
    if (!current.canary && percent != 0) return FailedPrecondition(fmt::format("deployment '{}' has no canary", name));
    if (percent == 0) {
      next.canary.reset();
      next.canary_traffic_percent = 0;
    } else if (percent == 100) {
      next.primary = current.canary;
      next.model_uri = current.canary->origin().model_uri;
      next.canary.reset();
      next.canary_traffic_percent = 0;
    } else {
      next.canary_traffic_percent = percent;
    }
  } else if (update.batching) {
    // New batching options need new batchers: reload the same versions.
    CAIRN_ASSIGN_OR_RETURN(next.primary, Load(current.primary->origin().model_uri, name, batching));
    if (current.canary) {
      CAIRN_ASSIGN_OR_RETURN(next.canary, Load(current.canary->origin().model_uri, name, batching));
    }
  }
  // New versions log where the deployment logs (set before publication).
  for (auto* m : {&next.primary, &next.canary}) {
    if (*m && current.request_log && !(*m)->request_log()) (*m)->set_request_log(current.request_log);
  }
  next.updated_ms = NowMillis();
  std::unique_lock lock(mu_);
  auto it = deployments_.find(name);
  if (it == deployments_.end()) return NotFound(fmt::format("deployment '{}' was deleted meanwhile", name));
  it->second = next;
  lock.unlock();
  Changed();
  return next;
}

Status ModelRepository::Delete(const std::string& name) {
  Deployment removed;  // released after the lock: unloading may join a thread
  {
    std::unique_lock lock(mu_);
    auto it = deployments_.find(name);
    if (it == deployments_.end()) return NotFound(fmt::format("deployment '{}' does not exist", name));
    removed = std::move(it->second);
    deployments_.erase(it);
  }
  Changed();
  return Status::Ok();
}

Result<Deployment> ModelRepository::Get(const std::string& name) const {
  std::shared_lock lock(mu_);
  auto it = deployments_.find(name);
  if (it == deployments_.end()) {
    if (loading_.count(name)) return Unavailable(fmt::format("model '{}' is loading", name));
    return NotFound(fmt::format("model '{}' is not served here", name));
  }
  return it->second;
}

std::vector<Deployment> ModelRepository::List() const {
  std::shared_lock lock(mu_);
  std::vector<Deployment> out;
  for (const auto& [name, d] : deployments_) out.push_back(d);
  return out;
}

Result<std::shared_ptr<ServedModel>> ModelRepository::Route(const std::string& name, const std::string& version) {
  std::shared_lock lock(mu_);
  auto it = deployments_.find(name);
  if (it == deployments_.end()) {
    if (loading_.count(name)) return Unavailable(fmt::format("model '{}' is loading", name));
    return NotFound(fmt::format("model '{}' is not served here", name));
  }
  const Deployment& d = it->second;
  if (!version.empty()) {
    if (d.primary->origin().version == version) return d.primary;
    if (d.canary && d.canary->origin().version == version) return d.canary;
    return NotFound(fmt::format("model '{}' version '{}' is not loaded", name, version));
  }
  if (d.canary && static_cast<int>(request_counter_.fetch_add(1, std::memory_order_relaxed) % 100) <
                      d.canary_traffic_percent) {
    return d.canary;
  }
  return d.primary;
}

bool ModelRepository::Ready(bool require_one) const {
  std::shared_lock lock(mu_);
  if (!loading_.empty() || restoring_) return false;
  return !require_one || !deployments_.empty();
}

}  // namespace cairn::serving
