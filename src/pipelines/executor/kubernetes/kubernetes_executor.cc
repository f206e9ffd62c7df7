#include "pipelines/executor/kubernetes/kubernetes_executor.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/logging.h"
#include "pipelines/executor/kubernetes/pod_start_problem.h"

namespace cairn::pipelines::kubernetes {
namespace {

namespace fs = std::filesystem;

constexpr char kCancelledFile[] = "cancelled";
constexpr char kFinalFile[] = "k8s_final.json";
constexpr char kLog[] = "kubernetes";

std::optional<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) return;
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
}

const Value* Path(const Value& v, std::initializer_list<std::string_view> keys) {
  const Value* cur = &v;
  for (std::string_view k : keys) {
    cur = cur->Find(k);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

std::string StringAt(const Value& v, std::initializer_list<std::string_view> keys) {
  const Value* s = Path(v, keys);
  return s != nullptr && s->is_string() ? s->as_string() : std::string();
}

std::string_view StateKey(ExecutionState s) { return ExecutionStateName(s); }

std::optional<ExecutionState> StateFromName(std::string_view name) {
  for (ExecutionState s : {ExecutionState::kSucceeded, ExecutionState::kFailed, ExecutionState::kCancelled,
                           ExecutionState::kTimedOut, ExecutionState::kLost}) {
    if (StateKey(s) == name) return s;
  }
  return std::nullopt;
}

// The terminal condition of a Job: "Complete" or "Failed" (with its reason
// and message), or empty while it runs.
struct JobOutcome {
  std::string type;
  std::string reason;
  std::string message;
};
JobOutcome Outcome(const Value& job) {
  const Value* conditions = Path(job, {"status", "conditions"});
  if (conditions == nullptr || !conditions->is_list()) return {};
  for (const Value& c : conditions->as_list()) {
    const std::string type = StringAt(c, {"type"});
    if ((type == "Complete" || type == "Failed") && StringAt(c, {"status"}) == "True") {
      return {type, StringAt(c, {"reason"}), StringAt(c, {"message"})};
    }
  }
  return {};
}

}  // namespace

KubernetesExecutor::KubernetesExecutor(KubernetesExecutorOptions options)
    : options_(std::move(options)), client_(options_.config, options_.request_timeout_ms) {}

Result<std::unique_ptr<KubernetesExecutor>> KubernetesExecutor::Create(KubernetesExecutorOptions options) {
  if (options.namespace_name.empty()) options.namespace_name = options.config.default_namespace;
  if (options.namespace_name.empty()) options.namespace_name = "default";
  options.manifest.namespace_name = options.namespace_name;
  std::unique_ptr<KubernetesExecutor> executor(new KubernetesExecutor(std::move(options)));
  const std::string& ns = executor->options_.namespace_name;
  auto answer = executor->client_.Send("GET", executor->JobsPath(ns) + "?limit=1");
  Status problem;
  if (!answer.ok()) {
    problem = answer.status();
  } else if (answer->http_status != 200) {
    problem = KubeApiError(*answer, fmt::format("list Jobs in namespace {}", ns));
  }
  if (!problem.ok()) {
    return Status(StatusCode::kFailedPrecondition,
                  fmt::format("the kubernetes executor cannot use {} ({}): {}", executor->options_.config.server,
                              executor->options_.config.source, problem.message()));
  }
  return executor;
}

std::string KubernetesExecutor::JobsPath(const std::string& ns) const {
  return fmt::format("/apis/batch/v1/namespaces/{}/jobs", ns);
}

Result<KubernetesExecutor::ParsedHandle> KubernetesExecutor::ParseHandle(const std::string& handle) {
  const size_t slash = handle.find('/');
  const size_t at = handle.find('@');
  auto bad = [&] { return InvalidArgument(fmt::format("'{}' is not a kubernetes executor handle", handle)); };
  if (slash == std::string::npos || at == std::string::npos || slash == 0 || at <= slash + 1) return bad();
  ParsedHandle h{handle.substr(0, slash), handle.substr(slash + 1, at - slash - 1), handle.substr(at + 1)};
  // Names are DNS-1123: nothing that could walk another API path.
  for (const std::string* part : {&h.ns, &h.job}) {
    for (char c : *part) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return bad();
    }
  }
  return h;
}

Result<std::string> KubernetesExecutor::Submit(const TaskLaunch& launch) {
  JobManifestOptions manifest_options = options_.manifest;
  CAIRN_ASSIGN_OR_RETURN(Value manifest, BuildJobManifest(launch, manifest_options));
  if (options_.job_ttl_seconds > 0) {
    Value spec = *manifest.Find("spec");
    spec.Set("ttlSecondsAfterFinished", Value::Int(options_.job_ttl_seconds));
    manifest.Set("spec", std::move(spec));
  }
  const std::string& ns = options_.namespace_name;
  const std::string name = JobName(launch.attempt_key);
  if (!launch.attempt_dir.empty()) {
    std::error_code ec;
    fs::create_directories(launch.attempt_dir, ec);
  }
  const std::string handle = fmt::format("{}/{}@{}", ns, name, launch.attempt_dir);
  CAIRN_ASSIGN_OR_RETURN(KubeResponse created, client_.Send("POST", JobsPath(ns), manifest.ToJson()));
  if (created.http_status == 409) {
    // The same attempt was created before (a server that crashed before it
    // recorded the handle): adopt it when the annotation says it is ours.
    CAIRN_ASSIGN_OR_RETURN(KubeResponse existing, client_.Send("GET", JobsPath(ns) + "/" + name));
    if (existing.http_status == 200) {
      auto job = Value::ParseJson(existing.body);
      if (job.ok() && StringAt(*job, {"metadata", "annotations", kAttemptKeyAnnotation}) == launch.attempt_key) {
        return handle;
      }
    }
  }
  if (created.http_status != 201 && created.http_status != 200) {
    return KubeApiError(created, fmt::format("create Job {} in namespace {}", name, ns));
  }
  std::lock_guard<std::mutex> lock(mu_);
  submitted_[name] = std::chrono::steady_clock::now();
  return handle;
}

Status KubernetesExecutor::RefreshJobs() {
  const std::string selector = fmt::format("{}={}", kManagedByLabel, kManagedByValue);
  CAIRN_ASSIGN_OR_RETURN(KubeResponse list, client_.Send("GET", JobsPath(options_.namespace_name) +
                                                                    "?labelSelector=" + QueryEncode(selector)));
  if (list.http_status != 200) {
    return KubeApiError(list, fmt::format("list Jobs in namespace {}", options_.namespace_name));
  }
  auto parsed = Value::ParseJson(list.body);
  if (!parsed.ok()) return Unavailable("the Kubernetes API server answered the Job list with malformed JSON");
  std::map<std::string, Value> jobs;
  if (const Value* items = parsed->Find("items"); items != nullptr && items->is_list()) {
    for (const Value& job : items->as_list()) {
      std::string name = StringAt(job, {"metadata", "name"});
      if (!name.empty()) jobs.emplace(std::move(name), job);
    }
  }
  jobs_ = std::move(jobs);
  jobs_time_ = std::chrono::steady_clock::now();
  for (auto it = pull_failing_since_.begin(); it != pull_failing_since_.end();) {
    it = jobs_.contains(it->first) ? std::next(it) : pull_failing_since_.erase(it);
  }
  // Pods matter only while a Job runs (a container that cannot start).
  bool running = false;
  for (const auto& [_, job] : jobs_) running = running || Outcome(job).type.empty();
  if (running) {
    RefreshPods();
  } else {
    pods_.clear();
  }
  return Status::Ok();
}

void KubernetesExecutor::RefreshPods() {
  // Best effort: without the list, attempts just keep running as before.
  const std::string selector = fmt::format("{}={}", kManagedByLabel, kManagedByValue);
  auto list = client_.Send("GET", fmt::format("/api/v1/namespaces/{}/pods?labelSelector={}",
                                              options_.namespace_name, QueryEncode(selector)));
  if (!list.ok() || list->http_status != 200) return;
  auto parsed = Value::ParseJson(list->body);
  if (!parsed.ok()) return;
  std::map<std::string, Value> pods;
  if (const Value* items = parsed->Find("items"); items != nullptr && items->is_list()) {
    for (const Value& pod : items->as_list()) {
      // The Job controller labels its pods job-name=<job> (and, since 1.27,
      // batch.kubernetes.io/job-name).
      std::string job = StringAt(pod, {"metadata", "labels", "job-name"});
      if (job.empty()) job = StringAt(pod, {"metadata", "labels", "batch.kubernetes.io/job-name"});
      if (job.empty()) continue;
      auto it = pods.find(job);
      if (it == pods.end() || StringAt(pod, {"metadata", "creationTimestamp"}) >=
                                  StringAt(it->second, {"metadata", "creationTimestamp"})) {
        pods[job] = pod;
      }
    }
  }
  pods_ = std::move(pods);
}

std::optional<ExecutionStatus> KubernetesExecutor::StartFailure(const ParsedHandle& h) {
  if (h.ns != options_.namespace_name) return std::nullopt;  // not listed; rare (the flag changed)
  std::lock_guard<std::mutex> lock(mu_);
  auto pod = pods_.find(h.job);
  std::optional<PodStartProblem> problem;
  if (pod != pods_.end()) problem = ContainerStartProblem(pod->second, kContainerName);
  if (!problem) {
    pull_failing_since_.erase(h.job);  // pulled after all, or never failed
    return std::nullopt;
  }
  ExecutionStatus status;
  status.state = ExecutionState::kFailed;
  status.exit_code = -1;
  status.message = StartProblemMessage(*problem);
  if (problem->transient) {
    const auto now = std::chrono::steady_clock::now();
    const auto since = pull_failing_since_.try_emplace(h.job, now).first->second;
    const auto failing = std::chrono::duration_cast<std::chrono::milliseconds>(now - since).count();
    if (failing < options_.image_pull_grace_ms) return std::nullopt;
    status.message += fmt::format("; still failing after {} s (--kubernetes-image-pull-grace)", failing / 1000);
  }
  pull_failing_since_.erase(h.job);
  start_failed_[h.ns + "/" + h.job] = status;
  return status;
}

Result<std::optional<Value>> KubernetesExecutor::GetJob(const ParsedHandle& h) {
  if (h.ns == options_.namespace_name) {
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    auto sub = submitted_.find(h.job);
    const bool newer_than_list = sub != submitted_.end() && sub->second >= jobs_time_;
    if (newer_than_list || now - jobs_time_ > std::chrono::milliseconds(options_.status_cache_ms)) {
      CAIRN_RETURN_IF_ERROR(RefreshJobs());
    }
    auto it = jobs_.find(h.job);
    if (it == jobs_.end()) return std::optional<Value>();
    return std::optional<Value>(it->second);
  }
  // A handle from another namespace (the flag changed across a restart).
  CAIRN_ASSIGN_OR_RETURN(KubeResponse got, client_.Send("GET", JobsPath(h.ns) + "/" + h.job));
  if (got.http_status == 404) return std::optional<Value>();
  if (got.http_status != 200) return KubeApiError(got, fmt::format("read Job {} in namespace {}", h.job, h.ns));
  CAIRN_ASSIGN_OR_RETURN(Value job, Value::ParseJson(got.body));
  return std::optional<Value>(std::move(job));
}

Result<std::optional<Value>> KubernetesExecutor::JobPod(const ParsedHandle& h) {
  // The Job controller labels its pods job-name=<job>.
  CAIRN_ASSIGN_OR_RETURN(KubeResponse list,
                         client_.Send("GET", fmt::format("/api/v1/namespaces/{}/pods?labelSelector={}", h.ns,
                                                         QueryEncode("job-name=" + h.job))));
  if (list.http_status != 200) return KubeApiError(list, fmt::format("list the pods of Job {}", h.job));
  CAIRN_ASSIGN_OR_RETURN(Value pods, Value::ParseJson(list.body));
  const Value* items = pods.Find("items");
  if (items == nullptr || !items->is_list() || items->as_list().empty()) return std::optional<Value>();
  // backoffLimit 0 means one pod; take the newest if a node loss made more.
  const Value* newest = nullptr;
  for (const Value& pod : items->as_list()) {
    if (newest == nullptr || StringAt(pod, {"metadata", "creationTimestamp"}) >=
                                 StringAt(*newest, {"metadata", "creationTimestamp"})) {
      newest = &pod;
    }
  }
  return std::optional<Value>(*newest);
}

ExecutionStatus KubernetesExecutor::FinishedStatus(const ParsedHandle& h, const Value& job, bool succeeded,
                                                   bool cancelled) {
  ExecutionStatus status;
  status.state = succeeded ? ExecutionState::kSucceeded : ExecutionState::kFailed;
  status.exit_code = succeeded ? 0 : -1;
  const JobOutcome outcome = Outcome(job);
  if (!succeeded && outcome.reason == "DeadlineExceeded") {
    status.state = ExecutionState::kTimedOut;
    const Value* deadline = Path(job, {"spec", "activeDeadlineSeconds"});
    status.message = deadline != nullptr && deadline->is_int()
                         ? fmt::format("timed out after {}s (the Job's activeDeadlineSeconds)", deadline->as_int())
                         : "timed out (the Job's activeDeadlineSeconds)";
    return status;
  }
  if (succeeded) return status;
  // The container's own exit code, when the kubelet reported it.
  std::string pod_reason;
  if (auto pod = JobPod(h); pod.ok() && pod->has_value()) {
    pod_reason = StringAt(**pod, {"status", "reason"});
    if (const Value* statuses = Path(**pod, {"status", "containerStatuses"}); statuses && statuses->is_list()) {
      for (const Value& cs : statuses->as_list()) {
        if (StringAt(cs, {"name"}) != kContainerName) continue;
        if (const Value* code = Path(cs, {"state", "terminated", "exitCode"}); code && code->is_int()) {
          status.exit_code = static_cast<int>(code->as_int());
          pod_reason = StringAt(cs, {"state", "terminated", "reason"});
        }
      }
    }
  }
  if (cancelled) {
    status.state = ExecutionState::kCancelled;
    status.message = "cancelled";
  } else if (status.exit_code >= 0) {
    status.message = status.exit_code == 127 ? "exit status 127 (command not found)"
                                              : fmt::format("exit status {}", status.exit_code);
    if (!pod_reason.empty() && pod_reason != "Error") status.message += " (" + pod_reason + ")";
  } else {
    status.message = fmt::format("Kubernetes Job {} failed: {}", h.job,
                                 !outcome.message.empty() ? outcome.message
                                 : !pod_reason.empty()    ? pod_reason
                                                          : outcome.reason);
  }
  return status;
}

Result<ExecutionStatus> KubernetesExecutor::Poll(const std::string& handle) {
  CAIRN_ASSIGN_OR_RETURN(ParsedHandle h, ParseHandle(handle));
  const std::string final_path = h.dir.empty() ? std::string() : h.dir + "/" + kFinalFile;
  if (!final_path.empty()) {
    if (auto text = ReadSmallFile(final_path)) {
      auto saved = Value::ParseJson(*text);
      if (saved.ok()) {
        if (auto state = StateFromName(StringAt(*saved, {"state"}))) {
          ExecutionStatus status;
          status.state = *state;
          const Value* code = saved->Find("exit_code");
          status.exit_code = code != nullptr && code->is_int() ? static_cast<int>(code->as_int()) : -1;
          status.message = StringAt(*saved, {"message"});
          return status;
        }
      }
    }
  }
  bool cancelled = !h.dir.empty() && fs::exists(h.dir + "/" + kCancelledFile);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto failed = start_failed_.find(h.ns + "/" + h.job); failed != start_failed_.end()) return failed->second;
    cancelled = cancelled || cancelled_.contains(h.ns + "/" + h.job);
  }
  CAIRN_ASSIGN_OR_RETURN(std::optional<Value> job, GetJob(h));
  ExecutionStatus status;
  if (!job) {
    status.state = cancelled ? ExecutionState::kCancelled : ExecutionState::kLost;
    status.message = cancelled ? "cancelled"
                               : fmt::format("Kubernetes no longer knows Job {} in namespace {} (deleted outside "
                                             "cairn?) and no outcome was recorded",
                                             h.job, h.ns);
  } else {
    const JobOutcome outcome = Outcome(*job);
    if (outcome.type.empty()) {
      if (!cancelled) {
        std::optional<ExecutionStatus> failed = StartFailure(h);
        if (!failed) return status;  // kRunning
        status = *failed;
        // Like a cancel, so the stuck pod goes; the outcome is kept below.
        if (Status deleted = DeleteJob(h); !deleted.ok()) {
          CAIRN_LOG(kWarn, kLog, "Job {} cannot start and was not deleted: {}", h.job, deleted.ToString());
        }
      } else {
        status.state = ExecutionState::kCancelled;
        status.message = "cancelled";
      }
    } else {
      status = FinishedStatus(h, *job, outcome.type == "Complete", cancelled);
    }
  }
  if (!final_path.empty() && status.state != ExecutionState::kLost && fs::is_directory(h.dir)) {
    Value saved = Value::MakeStruct({{"state", Value::String(std::string(StateKey(status.state)))},
                                     {"exit_code", Value::Int(status.exit_code)},
                                     {"message", Value::String(status.message)}});
    WriteFileAtomically(final_path, saved.ToJson());
  }
  return status;
}

Status KubernetesExecutor::Cancel(const std::string& handle) {
  CAIRN_ASSIGN_OR_RETURN(ParsedHandle h, ParseHandle(handle));
  if (!h.dir.empty()) {
    if (fs::exists(h.dir + "/" + kFinalFile)) return Status::Ok();  // already finished
    std::error_code ec;
    fs::create_directories(h.dir, ec);
    std::ofstream(h.dir + "/" + kCancelledFile) << "cancelled\n";
  }
  CAIRN_RETURN_IF_ERROR(DeleteJob(h));
  std::lock_guard<std::mutex> lock(mu_);
  cancelled_.insert(h.ns + "/" + h.job);
  return Status::Ok();
}

Status KubernetesExecutor::DeleteJob(const ParsedHandle& h) {
  // Background: the Job object goes at once and the garbage collector
  // deletes its pod (Foreground would keep the Job until the pod is gone).
  const std::string body = R"({"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"})";
  CAIRN_ASSIGN_OR_RETURN(KubeResponse deleted, client_.Send("DELETE", JobsPath(h.ns) + "/" + h.job, body));
  if (deleted.http_status == 404 || deleted.http_status == 200 || deleted.http_status == 202) {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.erase(h.job);
    pods_.erase(h.job);
    return Status::Ok();
  }
  return KubeApiError(deleted, fmt::format("delete Job {} in namespace {}", h.job, h.ns));
}

Result<LogChunk> KubernetesExecutor::Logs(const std::string& handle, LogStream stream, int64_t offset,
                                          int64_t max_bytes) {
  CAIRN_ASSIGN_OR_RETURN(ParsedHandle h, ParseHandle(handle));
  if (offset < 0 || max_bytes < 0) return InvalidArgument("offset and max_bytes must not be negative");
  LogChunk chunk;
  chunk.next_offset = offset;
  // The container log merges both streams; it is all served as stdout.
  if (stream == LogStream::kStderr || max_bytes == 0) {
    chunk.eof = true;
    return chunk;
  }
  CAIRN_ASSIGN_OR_RETURN(std::optional<Value> pod, JobPod(h));
  if (!pod) {
    chunk.eof = true;  // not created yet, or gone with its Job
    return chunk;
  }
  const std::string pod_name = StringAt(*pod, {"metadata", "name"});
  const std::string phase = StringAt(*pod, {"status", "phase"});
  if (phase == "Pending") {
    chunk.eof = true;
    return chunk;
  }
  // The log API has no offset: read up to offset + max_bytes and cut.
  CAIRN_ASSIGN_OR_RETURN(
      KubeResponse log,
      client_.Send("GET", fmt::format("/api/v1/namespaces/{}/pods/{}/log?container={}&limitBytes={}", h.ns,
                                      pod_name, kContainerName, offset + max_bytes)));
  if (log.http_status != 200) return KubeApiError(log, fmt::format("read the log of pod {}", pod_name));
  if (static_cast<int64_t>(log.body.size()) > offset) {
    chunk.data = log.body.substr(static_cast<size_t>(offset), static_cast<size_t>(max_bytes));
  }
  chunk.next_offset = offset + static_cast<int64_t>(chunk.data.size());
  chunk.eof = static_cast<int64_t>(log.body.size()) < offset + max_bytes;
  return chunk;
}

Result<std::optional<std::string>> KubernetesExecutor::Find(const TaskLaunch& launch) {
  const std::string& ns = options_.namespace_name;
  const std::string selector = fmt::format("{}={}", kAttemptLabel, AttemptLabelValue(launch.attempt_key));
  CAIRN_ASSIGN_OR_RETURN(KubeResponse list,
                         client_.Send("GET", JobsPath(ns) + "?labelSelector=" + QueryEncode(selector)));
  if (list.http_status != 200) return KubeApiError(list, fmt::format("list Jobs in namespace {}", ns));
  CAIRN_ASSIGN_OR_RETURN(Value parsed, Value::ParseJson(list.body));
  const Value* items = parsed.Find("items");
  if (items == nullptr || !items->is_list()) return std::optional<std::string>();
  for (const Value& job : items->as_list()) {
    // The label is a hash; the annotation confirms the exact key.
    if (StringAt(job, {"metadata", "annotations", kAttemptKeyAnnotation}) != launch.attempt_key) continue;
    return std::optional<std::string>(
        fmt::format("{}/{}@{}", ns, StringAt(job, {"metadata", "name"}), launch.attempt_dir));
  }
  return std::optional<std::string>();
}

}  // namespace cairn::pipelines::kubernetes
