#include "pipelines/spec/kfp_placement.h"

#include <fmt/format.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/json_reader.h"
#include "pipelines/spec/kfp_loader.h"

namespace cairn::pipelines {
namespace {

// A map of string values (labels, annotations, node selector labels).
Result<std::vector<std::pair<std::string, std::string>>> StringMap(const YamlNode& node) {
  std::vector<std::pair<std::string, std::string>> out;
  if (node.IsNull()) return out;
  CAIRN_ASSIGN_OR_RETURN(auto entries, node.Entries());
  for (const auto& [k, v] : entries) {
    CAIRN_ASSIGN_OR_RETURN(std::string value, v.AsString());
    out.emplace_back(k, std::move(value));
  }
  return out;
}

Status LoadTolerations(const YamlNode& node, std::vector<Toleration>& out) {
  CAIRN_ASSIGN_OR_RETURN(auto items, node.Items());
  for (const YamlNode& item : items) {
    Toleration t;
    CAIRN_ASSIGN_OR_RETURN(t.key, item.GetString("key"));
    CAIRN_ASSIGN_OR_RETURN(t.op, item.GetString("operator"));
    CAIRN_ASSIGN_OR_RETURN(t.value, item.GetString("value"));
    CAIRN_ASSIGN_OR_RETURN(t.effect, item.GetString("effect"));
    if (!t.op.empty() && t.op != "Equal" && t.op != "Exists") {
      return item.Error("toleration operator must be Equal or Exists");
    }
    if (!t.effect.empty() && t.effect != "NoSchedule" && t.effect != "PreferNoSchedule" && t.effect != "NoExecute") {
      return item.Error("toleration effect must be NoSchedule, PreferNoSchedule or NoExecute");
    }
    if (auto s = item.Get("tolerationSeconds"); s && !s->IsNull()) {
      // int64 in the proto: protobuf's JSON mapping writes it as a string.
      CAIRN_ASSIGN_OR_RETURN(std::string text, s->AsString());
      auto seconds = ParseInt64(text);
      if (!seconds) return s->Error("tolerationSeconds must be an integer");
      t.seconds = *seconds;
    }
    out.push_back(std::move(t));
  }
  return Status::Ok();
}

Status LoadPvcMounts(const YamlNode& node, std::vector<PvcMountSpec>& out) {
  CAIRN_ASSIGN_OR_RETURN(auto items, node.Items());
  for (const YamlNode& item : items) {
    PvcMountSpec m;
    CAIRN_ASSIGN_OR_RETURN(m.mount_path, item.GetString("mountPath"));
    if (m.mount_path.empty() || m.mount_path.front() != '/') return item.Error("pvcMount needs an absolute mountPath");
    // pvcNameParameter is current kfp-kubernetes; constant, taskOutputParameter
    // and componentInputParameter are its deprecated spellings (still written
    // next to it by the SDK).
    if (auto p = item.Get("pvcNameParameter"); p && !p->IsNull()) {
      CAIRN_ASSIGN_OR_RETURN(auto b, ParseKfpParameterSource(*p));
      if (const auto* c = std::get_if<binding::Constant>(&b); c && c->value.is_string()) {
        m.claim_name = c->value.as_string();
      } else {
        m.claim_name_from = std::move(b);
      }
    } else if (auto c = item.Get("constant"); c && !c->IsNull()) {
      CAIRN_ASSIGN_OR_RETURN(m.claim_name, c->AsString());
    } else if (auto t = item.Get("taskOutputParameter"); t && !t->IsNull()) {
      binding::TaskOutputParameter out_param;
      CAIRN_ASSIGN_OR_RETURN(out_param.producer_task, t->GetString("producerTask"));
      CAIRN_ASSIGN_OR_RETURN(out_param.output_key, t->GetString("outputParameterKey"));
      m.claim_name_from = ParameterBinding{out_param};
    } else if (auto ci = item.Get("componentInputParameter"); ci && !ci->IsNull()) {
      CAIRN_ASSIGN_OR_RETURN(std::string name, ci->AsString());
      m.claim_name_from = ParameterBinding{binding::ComponentInputParameter{name}};
    }
    if (m.claim_name.empty() && !m.claim_name_from) return item.Error("pvcMount needs a claim (pvcNameParameter)");
    out.push_back(std::move(m));
  }
  return Status::Ok();
}

// The name of a Secret or ConfigMap: `<parameter_key>` (current
// kfp-kubernetes: a constant or a binding) or the deprecated `<name_key>`
// string the SDK still writes next to it.
Status LoadObjectName(const YamlNode& item, std::string_view name_key, std::string_view parameter_key,
                      std::string& name, std::optional<ParameterBinding>& name_from) {
  CAIRN_ASSIGN_OR_RETURN(name, item.GetString(name_key));
  if (auto p = item.Get(parameter_key); p && !p->IsNull()) {
    CAIRN_ASSIGN_OR_RETURN(auto b, ParseKfpParameterSource(*p));
    if (const auto* c = std::get_if<binding::Constant>(&b); c && c->value.is_string()) {
      name = c->value.as_string();
    } else {
      name_from = std::move(b);
    }
  }
  if (name.empty() && !name_from) return item.Error(fmt::format("needs {} (or {})", parameter_key, name_key));
  return Status::Ok();
}

// `optional` is a proto3 optional bool: absent means Kubernetes' default.
Result<std::optional<bool>> LoadOptional(const YamlNode& item) {
  auto o = item.Get("optional");
  if (!o || o->IsNull()) return std::optional<bool>();
  CAIRN_ASSIGN_OR_RETURN(bool value, o->AsBool());
  return std::optional<bool>(value);
}

Status LoadObjectVolumes(const YamlNode& node, ObjectVolume::Kind kind, std::vector<ObjectVolumeSpec>& out) {
  const bool secret = kind == ObjectVolume::Kind::kSecret;
  CAIRN_ASSIGN_OR_RETURN(auto items, node.Items());
  for (const YamlNode& item : items) {
    ObjectVolumeSpec v;
    v.kind = kind;
    CAIRN_RETURN_IF_ERROR(LoadObjectName(item, secret ? "secretName" : "configMapName",
                                         secret ? "secretNameParameter" : "configMapNameParameter", v.name,
                                         v.name_from));
    CAIRN_ASSIGN_OR_RETURN(v.mount_path, item.GetString("mountPath"));
    if (v.mount_path.empty() || v.mount_path.front() != '/') {
      return item.Error(fmt::format("{} needs an absolute mountPath", secret ? "secretAsVolume" : "configMapAsVolume"));
    }
    CAIRN_ASSIGN_OR_RETURN(v.optional, LoadOptional(item));
    out.push_back(std::move(v));
  }
  return Status::Ok();
}

Status LoadConfigMapEnv(const YamlNode& node, std::vector<ConfigMapEnvSpec>& out) {
  CAIRN_ASSIGN_OR_RETURN(auto items, node.Items());
  for (const YamlNode& item : items) {
    ConfigMapEnvSpec e;
    CAIRN_RETURN_IF_ERROR(
        LoadObjectName(item, "configMapName", "configMapNameParameter", e.config_map, e.config_map_from));
    CAIRN_ASSIGN_OR_RETURN(e.optional, LoadOptional(item));
    if (auto k2e = item.Get("keyToEnv"); k2e && !k2e->IsNull()) {
      CAIRN_ASSIGN_OR_RETURN(auto pairs, k2e->Items());
      for (const YamlNode& pair : pairs) {
        CAIRN_ASSIGN_OR_RETURN(std::string key, pair.GetString("configMapKey"));
        CAIRN_ASSIGN_OR_RETURN(std::string env, pair.GetString("envVar"));
        if (key.empty() || env.empty()) return pair.Error("keyToEnv needs configMapKey and envVar");
        e.key_to_env.emplace_back(std::move(key), std::move(env));
      }
    }
    if (e.key_to_env.empty()) return item.Error("configMapAsEnv needs keyToEnv");
    out.push_back(std::move(e));
  }
  return Status::Ok();
}

Status LoadFieldPathEnv(const YamlNode& node, std::vector<FieldPathEnv>& out) {
  CAIRN_ASSIGN_OR_RETURN(auto items, node.Items());
  for (const YamlNode& item : items) {
    FieldPathEnv e;
    CAIRN_ASSIGN_OR_RETURN(e.env_var, item.GetString("name"));
    CAIRN_ASSIGN_OR_RETURN(e.field_path, item.GetString("fieldPath"));
    if (e.env_var.empty() || e.field_path.empty()) return item.Error("fieldPathAsEnv needs name and fieldPath");
    out.push_back(std::move(e));
  }
  return Status::Ok();
}

}  // namespace

Result<bool> LoadKfpPlacementKey(std::string_view key, const YamlNode& node, ExecutorPlatformConfig& cfg) {
  TaskPlacement& p = cfg.placement;
  if (key == "nodeSelector") {
    if (auto labels = node.Get("labels")) {
      CAIRN_ASSIGN_OR_RETURN(p.node_selector, StringMap(*labels));
    }
  } else if (key == "tolerations") {
    CAIRN_RETURN_IF_ERROR(LoadTolerations(node, p.tolerations));
  } else if (key == "pvcMount") {
    CAIRN_RETURN_IF_ERROR(LoadPvcMounts(node, cfg.pvc_mounts));
  } else if (key == "imagePullPolicy") {
    CAIRN_ASSIGN_OR_RETURN(p.image_pull_policy, node.AsString());
    if (p.image_pull_policy != "Always" && p.image_pull_policy != "IfNotPresent" && p.image_pull_policy != "Never") {
      return node.Error("imagePullPolicy must be Always, IfNotPresent or Never");
    }
  } else if (key == "imagePullSecret") {
    CAIRN_ASSIGN_OR_RETURN(auto items, node.Items());
    for (const YamlNode& item : items) {
      CAIRN_ASSIGN_OR_RETURN(std::string name, item.GetString("secretName"));
      if (name.empty()) return item.Error("imagePullSecret needs secretName");
      p.image_pull_secrets.push_back(std::move(name));
    }
  } else if (key == "podMetadata") {
    if (auto labels = node.Get("labels")) {
      CAIRN_ASSIGN_OR_RETURN(p.pod_labels, StringMap(*labels));
    }
    if (auto annotations = node.Get("annotations")) {
      CAIRN_ASSIGN_OR_RETURN(p.pod_annotations, StringMap(*annotations));
    }
  } else if (key == "secretAsVolume") {
    CAIRN_RETURN_IF_ERROR(LoadObjectVolumes(node, ObjectVolume::Kind::kSecret, cfg.object_volumes));
  } else if (key == "configMapAsVolume") {
    CAIRN_RETURN_IF_ERROR(LoadObjectVolumes(node, ObjectVolume::Kind::kConfigMap, cfg.object_volumes));
  } else if (key == "configMapAsEnv") {
    CAIRN_RETURN_IF_ERROR(LoadConfigMapEnv(node, cfg.config_map_env));
  } else if (key == "fieldPathAsEnv") {
    CAIRN_RETURN_IF_ERROR(LoadFieldPathEnv(node, p.field_path_env));
  } else {
    return false;
  }
  cfg.kubernetes_keys.emplace_back(key);
  return true;
}

}  // namespace cairn::pipelines
