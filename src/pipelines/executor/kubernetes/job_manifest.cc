#include "pipelines/executor/kubernetes/job_manifest.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "pipelines/executor/kubernetes/pod_spec_checks.h"
#include "pipelines/scheduler/sha256.h"

namespace cairn::pipelines::kubernetes {
namespace {

Value Str(std::string s) { return Value::String(std::move(s)); }

// Volume names must be DNS-1123 labels; mounts are numbered, which also
// keeps two mounts of one claim apart.
std::string VolumeName(size_t i) { return fmt::format("cairn-pvc-{}", i); }

Value StringMap(const std::vector<std::pair<std::string, std::string>>& pairs) {
  Value out = Value::MakeStruct({});
  for (const auto& [k, v] : pairs) out.Set(k, Str(v));
  return out;
}

// One container env entry: a plain value or a valueFrom source.
struct EnvEntry {
  std::string name;
  Value entry;
};

EnvEntry PlainEnv(const std::string& name, const std::string& value) {
  return {name, Value::MakeStruct({{"name", Str(name)}, {"value", Str(value)}})};
}

// The task's environment with later entries overriding earlier ones (the
// launch's contract), in first-seen order so the manifest is stable.
Value EnvList(const std::vector<EnvEntry>& env) {
  std::vector<const EnvEntry*> merged;
  std::map<std::string, size_t> index;
  for (const EnvEntry& e : env) {
    auto it = index.find(e.name);
    if (it != index.end()) {
      merged[it->second] = &e;
    } else {
      index[e.name] = merged.size();
      merged.push_back(&e);
    }
  }
  Value::List list;
  for (const EnvEntry* e : merged) list.push_back(e->entry);
  return Value::MakeList(std::move(list));
}

// configMapAsEnv and fieldPathAsEnv as valueFrom entries, checked first.
Status AddValueFromEnv(const TaskPlacement& placement, std::vector<EnvEntry>& env) {
  for (const ConfigMapKeyEnv& e : placement.config_map_env) {
    const std::string what = fmt::format("configMapAsEnv {}", e.env_var);
    if (!IsDns1123Subdomain(e.config_map)) {
      return InvalidArgument(fmt::format("{}: \"{}\" is not a valid ConfigMap name (DNS-1123: lowercase letters, "
                                         "digits, '-', '.')",
                                         what, e.config_map.substr(0, 80)));
    }
    CAIRN_RETURN_IF_ERROR(CheckEnvVarName(e.env_var, what));
    CAIRN_RETURN_IF_ERROR(CheckObjectKey(e.key, what));
    Value ref = Value::MakeStruct({{"name", Str(e.config_map)}, {"key", Str(e.key)}});
    if (e.optional) ref.Set("optional", Value::Bool(*e.optional));
    env.push_back({e.env_var, Value::MakeStruct({{"name", Str(e.env_var)},
                                                 {"valueFrom", Value::MakeStruct({{"configMapKeyRef", ref}})}})});
  }
  for (const FieldPathEnv& e : placement.field_path_env) {
    const std::string what = fmt::format("fieldPathAsEnv {}", e.env_var);
    CAIRN_RETURN_IF_ERROR(CheckEnvVarName(e.env_var, what));
    CAIRN_RETURN_IF_ERROR(CheckFieldPath(e.field_path, what));
    Value ref = Value::MakeStruct({{"fieldPath", Str(e.field_path)}});
    env.push_back({e.env_var, Value::MakeStruct({{"name", Str(e.env_var)},
                                                 {"valueFrom", Value::MakeStruct({{"fieldRef", ref}})}})});
  }
  return Status::Ok();
}

// KFP accelerator types are either a resource name ("nvidia.com/gpu") or a
// GPU model ("NVIDIA_TESLA_T4", a GKE node label value); a model is requested
// as nvidia.com/gpu.
std::string AcceleratorResource(const std::string& type) {
  if (type.find('/') != std::string::npos) return type;
  return "nvidia.com/gpu";
}

Result<Value> Resources(const TaskLaunch& launch) {
  Value requests = Value::MakeStruct({});
  Value limits = Value::MakeStruct({});
  if (!launch.cpu_request.empty()) requests.Set("cpu", Str(launch.cpu_request));
  if (!launch.memory_request.empty()) requests.Set("memory", Str(launch.memory_request));
  if (!launch.cpu_limit.empty()) limits.Set("cpu", Str(launch.cpu_limit));
  if (!launch.memory_limit.empty()) limits.Set("memory", Str(launch.memory_limit));
  if (launch.accelerator_count < 0) return InvalidArgument("the accelerator count must not be negative");
  if (launch.accelerator_count > 0) {
    // Extended resources take limits only (requests default to them).
    limits.Set(AcceleratorResource(launch.accelerator_type), Str(std::to_string(launch.accelerator_count)));
  }
  Value out = Value::MakeStruct({});
  if (!requests.as_struct().empty()) out.Set("requests", std::move(requests));
  if (!limits.as_struct().empty()) out.Set("limits", std::move(limits));
  return out;
}

Value TolerationValue(const Toleration& t) {
  Value out = Value::MakeStruct({});
  if (!t.key.empty()) out.Set("key", Str(t.key));
  if (!t.op.empty()) out.Set("operator", Str(t.op));
  if (!t.value.empty()) out.Set("value", Str(t.value));
  if (!t.effect.empty()) out.Set("effect", Str(t.effect));
  if (t.seconds) out.Set("tolerationSeconds", Value::Int(*t.seconds));
  return out;
}

}  // namespace

std::string AttemptLabelValue(const std::string& attempt_key) { return Sha256Hex(attempt_key).substr(0, 32); }

std::string JobName(const std::string& attempt_key) {
  // DNS-1123 label: [a-z0-9-], starts and ends alphanumeric, <= 63. The Job
  // controller appends "-xxxxx" for pod names, so stay well below.
  std::string slug;
  for (char ch : attempt_key) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      slug += c;
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  constexpr size_t kMaxSlug = 63 - 6 - 17 - 6;  // "cairn-" + "-<16 hex>" + room for the pod suffix
  // Keep the tail (task and attempt number) when the key is long: the run
  // id is in the labels and annotation anyway.
  if (slug.size() > kMaxSlug) slug = slug.substr(slug.size() - kMaxSlug);
  while (!slug.empty() && slug.front() == '-') slug.erase(slug.begin());
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  const std::string hash = Sha256Hex(attempt_key).substr(0, 16);
  return slug.empty() ? "cairn-" + hash : "cairn-" + slug + "-" + hash;
}

Result<Value> BuildJobManifest(const TaskLaunch& launch, const JobManifestOptions& options) {
  if (launch.argv.empty()) return InvalidArgument("A task needs a command.");
  const std::string image = launch.image.empty() ? options.default_image : launch.image;
  if (image.empty()) {
    return InvalidArgument(
        "this task names no container image, and the kubernetes executor needs one (give the step an image, or "
        "set --kubernetes-default-image)");
  }
  const TaskPlacement& placement = launch.placement;
  const std::string attempt = AttemptLabelValue(launch.attempt_key);

  // Labels: the pod's own (podMetadata) first, then cairn's, which win.
  std::vector<std::pair<std::string, std::string>> label_pairs = placement.pod_labels;
  label_pairs.emplace_back(kManagedByLabel, kManagedByValue);
  label_pairs.emplace_back(kAttemptLabel, attempt);
  Value labels = StringMap(label_pairs);
  Value job_labels = Value::MakeStruct({{kManagedByLabel, Str(kManagedByValue)}, {kAttemptLabel, Str(attempt)}});
  Value annotations = Value::MakeStruct({{kAttemptKeyAnnotation, Str(launch.attempt_key)}});
  std::vector<std::pair<std::string, std::string>> pod_annotation_pairs = placement.pod_annotations;
  pod_annotation_pairs.emplace_back(kAttemptKeyAnnotation, launch.attempt_key);

  Value container = Value::MakeStruct({{"name", Str(kContainerName)}, {"image", Str(image)}});
  if (!placement.image_pull_policy.empty()) container.Set("imagePullPolicy", Str(placement.image_pull_policy));
  Value::List command;
  for (const std::string& arg : launch.argv) command.push_back(Str(arg));
  container.Set("command", Value::MakeList(std::move(command)));
  if (!launch.working_dir.empty()) container.Set("workingDir", Str(launch.working_dir));
  // The task's own values, then those Kubernetes fills in, then the
  // server's overrides: later ones win.
  std::vector<EnvEntry> env;
  for (const auto& [k, v] : launch.env) env.push_back(PlainEnv(k, v));
  CAIRN_RETURN_IF_ERROR(AddValueFromEnv(placement, env));
  for (const auto& [k, v] : options.env_overrides) env.push_back(PlainEnv(k, v));
  if (!env.empty()) container.Set("env", EnvList(env));
  CAIRN_ASSIGN_OR_RETURN(Value resources, Resources(launch));
  if (!resources.as_struct().empty()) container.Set("resources", std::move(resources));

  std::vector<PvcMount> mounts = options.shared_mounts;
  mounts.insert(mounts.end(), placement.pvc_mounts.begin(), placement.pvc_mounts.end());
  Value::List volumes;
  Value::List volume_mounts;
  std::set<std::string> mount_paths;
  for (size_t i = 0; i < mounts.size(); ++i) {
    const PvcMount& m = mounts[i];
    if (m.claim_name.empty() || m.mount_path.empty()) return InvalidArgument("a PVC mount needs a claim and a path");
    if (!IsDns1123Subdomain(m.claim_name)) {
      return InvalidArgument(fmt::format("pvcMount at {}: \"{}\" is not a valid claim name (DNS-1123: lowercase "
                                         "letters, digits, '-', '.')",
                                         m.mount_path.substr(0, 80), m.claim_name.substr(0, 80)));
    }
    CAIRN_RETURN_IF_ERROR(CheckMountPath(m.mount_path, "pvcMount " + m.claim_name));
    if (!mount_paths.insert(m.mount_path).second) {
      return InvalidArgument(fmt::format("two volumes are mounted at {}", m.mount_path));
    }
    Value claim = Value::MakeStruct({{"claimName", Str(m.claim_name)}});
    if (m.read_only) claim.Set("readOnly", Value::Bool(true));
    volumes.push_back(Value::MakeStruct({{"name", Str(VolumeName(i))}, {"persistentVolumeClaim", std::move(claim)}}));
    Value mount = Value::MakeStruct({{"name", Str(VolumeName(i))}, {"mountPath", Str(m.mount_path)}});
    if (m.read_only) mount.Set("readOnly", Value::Bool(true));
    volume_mounts.push_back(std::move(mount));
  }
  for (size_t i = 0; i < placement.object_volumes.size(); ++i) {
    const ObjectVolume& v = placement.object_volumes[i];
    const bool secret = v.kind == ObjectVolume::Kind::kSecret;
    const std::string what =
        fmt::format("{} {}", secret ? "secretAsVolume" : "configMapAsVolume", v.name.substr(0, 80));
    if (!IsDns1123Subdomain(v.name)) {
      return InvalidArgument(fmt::format("{}: \"{}\" is not a valid {} name (DNS-1123: lowercase letters, digits, "
                                         "'-', '.'; at most 253)",
                                         what, v.name.substr(0, 80), secret ? "Secret" : "ConfigMap"));
    }
    CAIRN_RETURN_IF_ERROR(CheckMountPath(v.mount_path, what));
    if (!mount_paths.insert(v.mount_path).second) {
      return InvalidArgument(fmt::format("two volumes are mounted at {}", v.mount_path));
    }
    const std::string volume = fmt::format("{}-{}", secret ? "cairn-secret" : "cairn-configmap", i);
    Value source = secret ? Value::MakeStruct({{"secretName", Str(v.name)}})
                          : Value::MakeStruct({{"name", Str(v.name)}});
    if (v.optional) source.Set("optional", Value::Bool(*v.optional));
    volumes.push_back(Value::MakeStruct({{"name", Str(volume)}, {secret ? "secret" : "configMap", std::move(source)}}));
    // Kubernetes mounts both read-only whatever the mount says; say so.
    volume_mounts.push_back(Value::MakeStruct(
        {{"name", Str(volume)}, {"mountPath", Str(v.mount_path)}, {"readOnly", Value::Bool(true)}}));
  }
  if (!volume_mounts.empty()) container.Set("volumeMounts", Value::MakeList(std::move(volume_mounts)));

  Value pod_spec = Value::MakeStruct({{"restartPolicy", Str("Never")}});
  if (!options.service_account.empty()) pod_spec.Set("serviceAccountName", Str(options.service_account));
  if (!placement.node_selector.empty()) pod_spec.Set("nodeSelector", StringMap(placement.node_selector));
  if (!placement.tolerations.empty()) {
    Value::List list;
    for (const Toleration& t : placement.tolerations) list.push_back(TolerationValue(t));
    pod_spec.Set("tolerations", Value::MakeList(std::move(list)));
  }
  if (!placement.image_pull_secrets.empty()) {
    Value::List list;
    for (const std::string& s : placement.image_pull_secrets) list.push_back(Value::MakeStruct({{"name", Str(s)}}));
    pod_spec.Set("imagePullSecrets", Value::MakeList(std::move(list)));
  }
  pod_spec.Set("containers", Value::MakeList({std::move(container)}));
  if (!volumes.empty()) pod_spec.Set("volumes", Value::MakeList(std::move(volumes)));

  Value job_spec = Value::MakeStruct({{"backoffLimit", Value::Int(0)}});
  if (launch.timeout_ms > 0) job_spec.Set("activeDeadlineSeconds", Value::Int((launch.timeout_ms + 999) / 1000));
  job_spec.Set("template",
               Value::MakeStruct({{"metadata", Value::MakeStruct({{"labels", std::move(labels)},
                                                                   {"annotations", StringMap(pod_annotation_pairs)}})},
                                  {"spec", std::move(pod_spec)}}));

  Value metadata = Value::MakeStruct({{"name", Str(JobName(launch.attempt_key))}});
  if (!options.namespace_name.empty()) metadata.Set("namespace", Str(options.namespace_name));
  metadata.Set("labels", std::move(job_labels));
  metadata.Set("annotations", std::move(annotations));
  return Value::MakeStruct({{"apiVersion", Str("batch/v1")},
                            {"kind", Str("Job")},
                            {"metadata", std::move(metadata)},
                            {"spec", std::move(job_spec)}});
}

}  // namespace cairn::pipelines::kubernetes
