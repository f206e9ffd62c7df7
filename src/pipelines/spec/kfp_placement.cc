#include "pipelines/spec/kfp_placement.h"

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
  } else {
    return false;
  }
  cfg.kubernetes_keys.emplace_back(key);
  return true;
}

}  // namespace cairn::pipelines
