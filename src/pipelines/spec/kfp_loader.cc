// KFP v2 IR (PipelineSpec + optional PlatformSpec) -> Pipeline.
// Structure errors fail the load; reference and semantic problems are left
// for ValidatePipeline. See /docs/pipelines.md and graph.h.
#include "pipelines/spec/kfp_loader.h"
#include "pipelines/spec/kfp_placement.h"

#include <map>
#include <utility>

#include "base/json_reader.h"
#include "pipelines/spec/link.h"

namespace cairn::pipelines {
namespace {

using Executor = std::variant<ContainerSpec, ImporterSpec>;

Result<ParameterSpec> LoadParameterSpec(const YamlNode& n) {
  ParameterSpec p;
  if (!n.IsMap() && !n.IsNull()) return n.Error("expected a parameter definition mapping");
  CAIRN_ASSIGN_OR_RETURN(std::string type, n.GetString("parameterType"));
  if (type.empty()) {
    CAIRN_ASSIGN_OR_RETURN(type, n.GetString("type"));
  }
  if (!type.empty()) {
    auto t = ParseParameterType(type);
    if (!t) return n.Get("parameterType").value_or(n).Error("unknown parameter type \"" + type + "\"");
    p.type = *t;
  }
  if (auto d = n.Get("defaultValue")) {
    CAIRN_ASSIGN_OR_RETURN(auto v, d->ToValue());
    p.default_value = std::move(v);
  }
  CAIRN_ASSIGN_OR_RETURN(p.optional, n.GetBool("isOptional", false));
  CAIRN_ASSIGN_OR_RETURN(p.description, n.GetString("description"));
  if (auto lits = n.Get("literals")) {
    CAIRN_ASSIGN_OR_RETURN(auto v, lits->ToValue());
    if (!v.is_list()) return lits->Error("literals must be a list");
    p.literals = v.as_list();
  }
  return p;
}

Result<ArtifactType> LoadArtifactType(const YamlNode& n) {
  ArtifactType t;
  if (n.IsNull()) return t;
  if (!n.IsMap()) return n.Error("expected an artifact type mapping");
  CAIRN_ASSIGN_OR_RETURN(t.schema_title, n.GetString("schemaTitle", t.schema_title));
  CAIRN_ASSIGN_OR_RETURN(t.schema_version, n.GetString("schemaVersion", t.schema_version));
  return t;
}

Result<ArtifactSpec> LoadArtifactSpec(const YamlNode& n) {
  ArtifactSpec a;
  if (!n.IsMap() && !n.IsNull()) return n.Error("expected an artifact definition mapping");
  if (auto t = n.Get("artifactType")) {
    CAIRN_ASSIGN_OR_RETURN(a.type, LoadArtifactType(*t));
  }
  CAIRN_ASSIGN_OR_RETURN(a.is_list, n.GetBool("isArtifactList", false));
  CAIRN_ASSIGN_OR_RETURN(a.optional, n.GetBool("isOptional", false));
  CAIRN_ASSIGN_OR_RETURN(a.description, n.GetString("description"));
  if (auto m = n.Get("metadata")) {
    CAIRN_ASSIGN_OR_RETURN(a.metadata, m->ToValue());
  }
  return a;
}

Result<Interface> LoadInterface(const std::optional<YamlNode>& n) {
  Interface out;
  if (!n || n->IsNull()) return out;
  if (!n->IsMap()) return n->Error("expected a mapping with parameters/artifacts");
  if (auto params = n->Get("parameters")) {
    CAIRN_ASSIGN_OR_RETURN(auto entries, params->Entries());
    for (const auto& [name, node] : entries) {
      CAIRN_ASSIGN_OR_RETURN(auto spec, LoadParameterSpec(node));
      out.parameters.emplace(name, std::move(spec));
    }
  }
  if (auto arts = n->Get("artifacts")) {
    CAIRN_ASSIGN_OR_RETURN(auto entries, arts->Entries());
    for (const auto& [name, node] : entries) {
      CAIRN_ASSIGN_OR_RETURN(auto spec, LoadArtifactSpec(node));
      out.artifacts.emplace(name, std::move(spec));
    }
  }
  return out;
}

Result<std::vector<ArgNode>> LoadArgList(const std::optional<YamlNode>& n) {
  std::vector<ArgNode> out;
  if (!n) return out;
  CAIRN_ASSIGN_OR_RETURN(auto items, n->Items());
  for (const auto& item : items) {
    CAIRN_ASSIGN_OR_RETURN(auto text, item.AsString());
    auto node = ParseArgNode(text);
    if (!node.ok()) return item.Error(node.error().message());
    out.push_back(std::move(node).value());
  }
  return out;
}

// Resource fields may be strings (possibly placeholders) or legacy numbers.
Result<StringTemplate> LoadQuantity(const YamlNode& n, std::string_view key, std::string_view suffix = "") {
  auto f = n.Get(key);
  if (!f || f->IsNull()) return StringTemplate{};
  CAIRN_ASSIGN_OR_RETURN(auto v, f->ToValue());
  if (!v.is_string() && !v.is_number()) return f->Error("expected a quantity string or number");
  std::string text = v.RenderForArgv();
  if (v.is_number()) text += suffix;
  return ParseStringTemplate(text);
}

Result<ContainerSpec> LoadContainer(const YamlNode& n) {
  ContainerSpec c;
  if (!n.IsMap()) return n.Error("expected a container mapping");
  CAIRN_ASSIGN_OR_RETURN(c.image, n.GetString("image"));
  CAIRN_ASSIGN_OR_RETURN(c.command, LoadArgList(n.Get("command")));
  CAIRN_ASSIGN_OR_RETURN(c.args, LoadArgList(n.Get("args")));
  if (auto env = n.Get("env")) {
    CAIRN_ASSIGN_OR_RETURN(auto items, env->Items());
    for (const auto& item : items) {
      EnvVar e;
      CAIRN_ASSIGN_OR_RETURN(e.name, item.GetString("name"));
      CAIRN_ASSIGN_OR_RETURN(e.value, item.GetString("value"));
      if (e.name.empty()) return item.Error("env entry needs a name");
      c.env.push_back(std::move(e));
    }
  }
  if (auto r = n.Get("resources"); r && !r->IsNull()) {
    if (!r->IsMap()) return r->Error("expected a resources mapping");
    CAIRN_ASSIGN_OR_RETURN(c.resources.cpu_limit, LoadQuantity(*r, "resourceCpuLimit"));
    if (c.resources.cpu_limit.raw.empty()) {
      CAIRN_ASSIGN_OR_RETURN(c.resources.cpu_limit, LoadQuantity(*r, "cpuLimit"));
    }
    CAIRN_ASSIGN_OR_RETURN(c.resources.cpu_request, LoadQuantity(*r, "resourceCpuRequest"));
    if (c.resources.cpu_request.raw.empty()) {
      CAIRN_ASSIGN_OR_RETURN(c.resources.cpu_request, LoadQuantity(*r, "cpuRequest"));
    }
    CAIRN_ASSIGN_OR_RETURN(c.resources.memory_limit, LoadQuantity(*r, "resourceMemoryLimit"));
    if (c.resources.memory_limit.raw.empty()) {
      CAIRN_ASSIGN_OR_RETURN(c.resources.memory_limit, LoadQuantity(*r, "memoryLimit", "G"));
    }
    CAIRN_ASSIGN_OR_RETURN(c.resources.memory_request, LoadQuantity(*r, "resourceMemoryRequest"));
    if (c.resources.memory_request.raw.empty()) {
      CAIRN_ASSIGN_OR_RETURN(c.resources.memory_request, LoadQuantity(*r, "memoryRequest", "G"));
    }
    if (auto acc = r->Get("accelerator"); acc && !acc->IsNull()) {
      CAIRN_ASSIGN_OR_RETURN(c.resources.accelerator_type, LoadQuantity(*acc, "resourceType"));
      if (c.resources.accelerator_type.raw.empty()) {
        CAIRN_ASSIGN_OR_RETURN(c.resources.accelerator_type, LoadQuantity(*acc, "type"));
      }
      CAIRN_ASSIGN_OR_RETURN(c.resources.accelerator_count, LoadQuantity(*acc, "resourceCount"));
      if (c.resources.accelerator_count.raw.empty()) {
        CAIRN_ASSIGN_OR_RETURN(c.resources.accelerator_count, LoadQuantity(*acc, "count"));
      }
    }
  }
  return c;
}

Result<ImporterSpec> LoadImporter(const YamlNode& n) {
  ImporterSpec imp;
  if (!n.IsMap()) return n.Error("expected an importer mapping");
  auto uri = n.Get("artifactUri");
  if (!uri || !uri->IsMap()) return n.Error("importer needs artifactUri {constant | runtimeParameter}");
  if (auto c = uri->Get("constant")) {
    CAIRN_ASSIGN_OR_RETURN(auto v, c->ToValue());
    if (!v.is_string()) return c->Error("artifactUri.constant must be a string");
    imp.uri_constant = v.as_string();
  } else if (auto p = uri->Get("runtimeParameter")) {
    CAIRN_ASSIGN_OR_RETURN(imp.uri_input_parameter, p->AsString());
  } else {
    return uri->Error("artifactUri needs constant or runtimeParameter");
  }
  if (auto t = n.Get("typeSchema")) {
    CAIRN_ASSIGN_OR_RETURN(imp.type, LoadArtifactType(*t));
  }
  if (auto m = n.Get("metadata")) {
    CAIRN_ASSIGN_OR_RETURN(imp.metadata, m->ToValue());
  }
  CAIRN_ASSIGN_OR_RETURN(imp.reimport, n.GetBool("reimport", false));
  CAIRN_ASSIGN_OR_RETURN(imp.download_to_workspace, n.GetBool("downloadToWorkspace", false));
  return imp;
}

Result<std::map<std::string, Executor>> LoadExecutors(const std::optional<YamlNode>& deployment) {
  std::map<std::string, Executor> out;
  if (!deployment || deployment->IsNull()) return out;
  auto executors = deployment->Get("executors");
  if (!executors) return out;
  CAIRN_ASSIGN_OR_RETURN(auto entries, executors->Entries());
  for (const auto& [label, node] : entries) {
    if (auto c = node.Get("container")) {
      CAIRN_ASSIGN_OR_RETURN(auto spec, LoadContainer(*c));
      out.emplace(label, std::move(spec));
    } else if (auto i = node.Get("importer")) {
      CAIRN_ASSIGN_OR_RETURN(auto spec, LoadImporter(*i));
      out.emplace(label, std::move(spec));
    } else if (node.Has("resolver") || node.Has("customJob")) {
      return node.Error("resolver and customJob executors are not supported");
    } else {
      return node.Error("executor needs container or importer");
    }
  }
  return out;
}

Result<binding::TaskOutputParameter> LoadTaskOutputParameter(const YamlNode& n, std::string_view producer_key) {
  binding::TaskOutputParameter t;
  if (!n.IsMap()) return n.Error("expected {" + std::string(producer_key) + ", outputParameterKey}");
  CAIRN_ASSIGN_OR_RETURN(t.producer_task, n.GetString(producer_key));
  CAIRN_ASSIGN_OR_RETURN(t.output_key, n.GetString("outputParameterKey"));
  if (t.producer_task.empty() || t.output_key.empty()) {
    return n.Error("needs " + std::string(producer_key) + " and outputParameterKey");
  }
  return t;
}

Result<binding::TaskOutputArtifact> LoadTaskOutputArtifact(const YamlNode& n, std::string_view producer_key) {
  binding::TaskOutputArtifact t;
  if (!n.IsMap()) return n.Error("expected {" + std::string(producer_key) + ", outputArtifactKey}");
  CAIRN_ASSIGN_OR_RETURN(t.producer_task, n.GetString(producer_key));
  CAIRN_ASSIGN_OR_RETURN(t.output_key, n.GetString("outputArtifactKey"));
  if (t.producer_task.empty() || t.output_key.empty()) {
    return n.Error("needs " + std::string(producer_key) + " and outputArtifactKey");
  }
  return t;
}

Result<ParameterInput> LoadParameterInput(const YamlNode& n) {
  ParameterInput in;
  CAIRN_ASSIGN_OR_RETURN(in.source, ParseKfpParameterSource(n));
  CAIRN_ASSIGN_OR_RETURN(in.expression_selector, n.GetString("parameterExpressionSelector"));
  if (!in.expression_selector.empty()) {
    auto e = cel::Parse(in.expression_selector);
    if (e.ok()) in.selector_expr = *e;
  }
  return in;
}

Result<ArtifactInput> LoadArtifactInput(const YamlNode& n) {
  if (!n.IsMap()) return n.Error("expected an artifact input mapping");
  if (auto t = n.Get("taskOutputArtifact")) {
    CAIRN_ASSIGN_OR_RETURN(auto b, LoadTaskOutputArtifact(*t, "producerTask"));
    return ArtifactInput{b};
  }
  if (auto c = n.Get("componentInputArtifact")) {
    CAIRN_ASSIGN_OR_RETURN(auto name, c->AsString());
    return ArtifactInput{binding::ComponentInputArtifact{name}};
  }
  if (n.Has("runtimeValue")) return n.Error("artifact constants are not supported");
  return n.Error("artifact input needs taskOutputArtifact or componentInputArtifact");
}

Result<Iterator> LoadIterator(const YamlNode& n, Iterator::Kind kind) {
  Iterator it;
  it.kind = kind;
  if (!n.IsMap()) return n.Error("expected an iterator mapping");
  CAIRN_ASSIGN_OR_RETURN(it.item_input, n.GetString("itemInput"));
  if (it.item_input.empty()) return n.Error("iterator needs itemInput");
  auto items = n.Get("items");
  if (!items || !items->IsMap()) return n.Error("iterator needs items");
  if (kind == Iterator::Kind::kArtifact) {
    CAIRN_ASSIGN_OR_RETURN(it.input_artifact, items->GetString("inputArtifact"));
    if (it.input_artifact.empty()) return items->Error("artifactIterator items need inputArtifact");
    return it;
  }
  if (auto raw = items->Get("raw")) {
    Value list;
    if (raw->IsScalar()) {
      CAIRN_ASSIGN_OR_RETURN(auto text, raw->AsString());
      auto parsed = Value::ParseJson(text);
      if (!parsed.ok()) return raw->Error("items.raw is not a JSON list: " + parsed.error().message());
      list = std::move(parsed).value();
    } else {
      CAIRN_ASSIGN_OR_RETURN(list, raw->ToValue());
    }
    if (!list.is_list()) return raw->Error("items.raw must be a JSON list");
    it.raw_items = std::move(list);
  } else {
    CAIRN_ASSIGN_OR_RETURN(it.input_parameter, items->GetString("inputParameter"));
    if (it.input_parameter.empty()) return items->Error("items need raw or inputParameter");
  }
  return it;
}

Result<Task> LoadTask(const std::string& key, const YamlNode& n) {
  Task t;
  t.key = key;
  t.location = n.path();
  if (!n.IsMap()) return n.Error("expected a task mapping");
  if (auto info = n.Get("taskInfo")) {
    CAIRN_ASSIGN_OR_RETURN(t.display_name, info->GetString("name"));
  }
  if (t.display_name.empty()) t.display_name = key;
  auto ref = n.Get("componentRef");
  if (!ref) return n.Error("task needs componentRef");
  CAIRN_ASSIGN_OR_RETURN(t.component_ref, ref->GetString("name"));
  if (auto deps = n.Get("dependentTasks")) {
    CAIRN_ASSIGN_OR_RETURN(auto items, deps->Items());
    for (const auto& d : items) {
      CAIRN_ASSIGN_OR_RETURN(auto name, d.AsString());
      t.dependent_tasks.push_back(std::move(name));
    }
  }
  if (auto inputs = n.Get("inputs"); inputs && !inputs->IsNull()) {
    if (!inputs->IsMap()) return inputs->Error("expected a mapping with parameters/artifacts");
    if (auto params = inputs->Get("parameters")) {
      CAIRN_ASSIGN_OR_RETURN(auto entries, params->Entries());
      for (const auto& [name, node] : entries) {
        CAIRN_ASSIGN_OR_RETURN(auto in, LoadParameterInput(node));
        t.parameter_inputs.emplace(name, std::move(in));
      }
    }
    if (auto arts = inputs->Get("artifacts")) {
      CAIRN_ASSIGN_OR_RETURN(auto entries, arts->Entries());
      for (const auto& [name, node] : entries) {
        CAIRN_ASSIGN_OR_RETURN(auto in, LoadArtifactInput(node));
        t.artifact_inputs.emplace(name, std::move(in));
      }
    }
  }
  if (auto trig = n.Get("triggerPolicy"); trig && !trig->IsNull()) {
    CAIRN_ASSIGN_OR_RETURN(t.trigger.condition, trig->GetString("condition"));
    if (!t.trigger.condition.empty()) {
      auto e = cel::Parse(t.trigger.condition);
      if (e.ok()) t.trigger.condition_expr = *e;
    }
    CAIRN_ASSIGN_OR_RETURN(auto strategy, trig->GetString("strategy"));
    if (strategy == "ALL_UPSTREAM_TASKS_COMPLETED") {
      t.trigger.strategy = TriggerStrategy::kAllUpstreamTasksCompleted;
    } else if (strategy.empty() || strategy == "ALL_UPSTREAM_TASKS_SUCCEEDED" ||
               strategy == "TRIGGER_STRATEGY_UNSPECIFIED") {
      t.trigger.strategy = TriggerStrategy::kAllUpstreamTasksSucceeded;
    } else {
      return trig->Get("strategy")->Error("unknown trigger strategy \"" + strategy + "\"");
    }
  }
  const auto piter = n.Get("parameterIterator");
  const auto aiter = n.Get("artifactIterator");
  if (piter && aiter) return n.Error("a task has at most one iterator");
  if (piter) {
    CAIRN_ASSIGN_OR_RETURN(t.iterator, LoadIterator(*piter, Iterator::Kind::kParameter));
  }
  if (aiter) {
    CAIRN_ASSIGN_OR_RETURN(t.iterator, LoadIterator(*aiter, Iterator::Kind::kArtifact));
  }
  if (auto policy = n.Get("iteratorPolicy"); policy && !policy->IsNull()) {
    if (!t.iterator) return policy->Error("iteratorPolicy without an iterator");
    CAIRN_ASSIGN_OR_RETURN(t.iterator->parallelism_limit, policy->GetInt("parallelismLimit", 0));
    if (t.iterator->parallelism_limit < 0) return policy->Error("parallelismLimit must be >= 0");
  }
  if (auto retry = n.Get("retryPolicy"); retry && !retry->IsNull()) {
    if (!retry->IsMap()) return retry->Error("expected a retryPolicy mapping");
    RetryPolicy r;
    CAIRN_ASSIGN_OR_RETURN(auto count, retry->GetInt("maxRetryCount", 0));
    if (count < 0 || count > 1000) return retry->Error("maxRetryCount must be within 0..1000");
    r.max_retry_count = static_cast<int32_t>(count);
    for (auto [key, field] : {std::pair<std::string_view, double*>{"backoffDuration", &r.backoff_seconds},
                              {"backoffMaxDuration", &r.backoff_max_seconds}}) {
      CAIRN_ASSIGN_OR_RETURN(auto text, retry->GetString(key));
      if (text.empty()) continue;
      auto secs = ParseDurationSeconds(text);
      if (!secs) return retry->Get(key)->Error("bad duration \"" + text + "\"");
      *field = *secs;
    }
    if (auto f = retry->Get("backoffFactor"); f && !f->IsNull()) {
      CAIRN_ASSIGN_OR_RETURN(r.backoff_factor, f->AsDouble());
      if (!(r.backoff_factor >= 1.0 && r.backoff_factor <= 100.0)) return f->Error("backoffFactor must be within 1..100");
    }
    t.retry = r;
  }
  if (auto cache = n.Get("cachingOptions"); cache && !cache->IsNull()) {
    CAIRN_ASSIGN_OR_RETURN(t.caching.enabled, cache->GetBool("enableCache", false));
    CAIRN_ASSIGN_OR_RETURN(t.caching.cache_key, cache->GetString("cacheKey"));
  }
  return t;
}

Result<std::shared_ptr<Dag>> LoadDag(const YamlNode& n) {
  auto dag = std::make_shared<Dag>();
  dag->location = n.path();
  if (!n.IsMap()) return n.Error("expected a dag mapping");
  if (auto tasks = n.Get("tasks")) {
    CAIRN_ASSIGN_OR_RETURN(auto entries, tasks->Entries());
    for (const auto& [key, node] : entries) {
      CAIRN_ASSIGN_OR_RETURN(auto task, LoadTask(key, node));
      dag->tasks.emplace(key, std::move(task));
    }
  }
  if (auto outputs = n.Get("outputs"); outputs && !outputs->IsNull()) {
    if (auto params = outputs->Get("parameters")) {
      CAIRN_ASSIGN_OR_RETURN(auto entries, params->Entries());
      for (const auto& [name, node] : entries) {
        DagOutputParameter out;
        if (auto v = node.Get("valueFromParameter")) {
          CAIRN_ASSIGN_OR_RETURN(auto sel, LoadTaskOutputParameter(*v, "producerSubtask"));
          out.selectors.push_back(std::move(sel));
        } else if (auto o = node.Get("valueFromOneof")) {
          out.oneof = true;
          auto sels = o->Get("parameterSelectors");
          if (!sels) return o->Error("valueFromOneof needs parameterSelectors");
          CAIRN_ASSIGN_OR_RETURN(auto items, sels->Items());
          for (const auto& item : items) {
            CAIRN_ASSIGN_OR_RETURN(auto sel, LoadTaskOutputParameter(item, "producerSubtask"));
            out.selectors.push_back(std::move(sel));
          }
          if (out.selectors.empty()) return o->Error("valueFromOneof needs at least one selector");
        } else {
          return node.Error("dag output parameter needs valueFromParameter or valueFromOneof");
        }
        dag->output_parameters.emplace(name, std::move(out));
      }
    }
    if (auto arts = outputs->Get("artifacts")) {
      CAIRN_ASSIGN_OR_RETURN(auto entries, arts->Entries());
      for (const auto& [name, node] : entries) {
        DagOutputArtifact out;
        auto sels = node.Get("artifactSelectors");
        if (!sels) return node.Error("dag output artifact needs artifactSelectors");
        CAIRN_ASSIGN_OR_RETURN(auto items, sels->Items());
        for (const auto& item : items) {
          CAIRN_ASSIGN_OR_RETURN(auto sel, LoadTaskOutputArtifact(item, "producerSubtask"));
          out.selectors.push_back(std::move(sel));
        }
        if (out.selectors.empty()) return sels->Error("artifactSelectors is empty");
        dag->output_artifacts.emplace(name, std::move(out));
      }
    }
  }
  return dag;
}

Result<ExecutorPlatformConfig> LoadExecutorPlatform(const YamlNode& n) {
  ExecutorPlatformConfig cfg;
  CAIRN_ASSIGN_OR_RETURN(auto entries, n.Entries());
  for (const auto& [key, node] : entries) {
    if (key == "activeDeadlineSeconds") {
      // int64 in the proto, so protobuf's JSON mapping writes it as a string.
      CAIRN_ASSIGN_OR_RETURN(std::string text, node.AsString());
      auto seconds = ParseInt64(text);
      if (!seconds || *seconds < 0) return node.Error("activeDeadlineSeconds must be a non-negative integer");
      cfg.timeout_seconds = *seconds;
      continue;
    }
    CAIRN_ASSIGN_OR_RETURN(bool placement, LoadKfpPlacementKey(key, node, cfg));
    if (placement) continue;
    if (key != "secretAsEnv") {
      cfg.unsupported_keys.push_back(key);
      continue;
    }
    CAIRN_ASSIGN_OR_RETURN(auto items, node.Items());
    for (const auto& item : items) {
      SecretEnv s;
      CAIRN_ASSIGN_OR_RETURN(s.secret_name, item.GetString("secretName"));
      if (auto p = item.Get("secretNameParameter"); p && !p->IsNull()) {
        CAIRN_ASSIGN_OR_RETURN(auto b, ParseKfpParameterSource(*p));
        if (const auto* c = std::get_if<binding::Constant>(&b); c && c->value.is_string()) {
          s.secret_name = c->value.as_string();
        } else {
          s.secret_name_from = std::move(b);
        }
      }
      if (s.secret_name.empty() && !s.secret_name_from) return item.Error("secretAsEnv needs secretName");
      CAIRN_ASSIGN_OR_RETURN(s.optional, item.GetBool("optional", false));
      if (auto k2e = item.Get("keyToEnv")) {
        CAIRN_ASSIGN_OR_RETURN(auto pairs, k2e->Items());
        for (const auto& pair : pairs) {
          CAIRN_ASSIGN_OR_RETURN(auto key2, pair.GetString("secretKey"));
          CAIRN_ASSIGN_OR_RETURN(auto env, pair.GetString("envVar"));
          if (key2.empty() || env.empty()) return pair.Error("keyToEnv needs secretKey and envVar");
          s.key_to_env.emplace_back(std::move(key2), std::move(env));
        }
      }
      cfg.secret_env.push_back(std::move(s));
    }
  }
  return cfg;
}

Status LoadPlatformSpec(const YamlNode& doc, std::map<std::string, ExecutorPlatformConfig>& executors,
                        PipelinePlatformConfig& pipeline) {
  if (doc.IsNull()) return Status::Ok();
  auto platforms = doc.Get("platforms");
  if (!platforms) return doc.Error("second YAML document must be a PlatformSpec with `platforms`");
  CAIRN_ASSIGN_OR_RETURN(auto entries, platforms->Entries());
  for (const auto& [name, platform] : entries) {
    if (name != "kubernetes") {
      pipeline.unsupported_keys.push_back("platforms." + name);
      continue;
    }
    CAIRN_ASSIGN_OR_RETURN(auto keys, platform.Entries());
    for (const auto& [key, node] : keys) {
      if (key == "deploymentSpec") {
        auto execs = node.Get("executors");
        if (!execs) continue;
        CAIRN_ASSIGN_OR_RETURN(auto labels, execs->Entries());
        for (const auto& [label, cfg_node] : labels) {
          CAIRN_ASSIGN_OR_RETURN(auto cfg, LoadExecutorPlatform(cfg_node));
          executors[label] = std::move(cfg);
        }
      } else if (key == "pipelineConfig") {
        CAIRN_ASSIGN_OR_RETURN(auto cfg_keys, node.Entries());
        for (const auto& [ck, cn] : cfg_keys) {
          if (ck == "workspace") {
            pipeline.workspace = true;
            CAIRN_ASSIGN_OR_RETURN(pipeline.workspace_size, cn.GetString("size"));
          } else {
            pipeline.unsupported_keys.push_back("pipelineConfig." + ck);
          }
        }
      } else {
        pipeline.unsupported_keys.push_back(key);
      }
    }
  }
  return Status::Ok();
}

}  // namespace

bool LooksLikeKfpIr(const YamlNode& doc) {
  return doc.IsMap() && (doc.Has("pipelineInfo") || doc.Has("root") || doc.Has("components") ||
                         doc.Has("deploymentSpec") || doc.Has("pipelineSpec"));
}

Result<ParameterBinding> ParseKfpParameterSource(const YamlNode& n) {
  if (!n.IsMap()) return n.Error("expected a parameter source mapping");
  static constexpr std::string_view kSources[] = {"componentInputParameter", "runtimeValue",
                                                  "taskOutputParameter", "taskFinalStatus"};
  int count = 0;
  for (auto k : kSources) count += n.Has(k) ? 1 : 0;
  if (count != 1) {
    return n.Error("needs exactly one of componentInputParameter, runtimeValue, taskOutputParameter, taskFinalStatus");
  }
  if (auto c = n.Get("componentInputParameter")) {
    CAIRN_ASSIGN_OR_RETURN(auto name, c->AsString());
    return ParameterBinding{binding::ComponentInputParameter{name}};
  }
  if (auto r = n.Get("runtimeValue")) {
    if (auto c = r->Get("constant")) {
      CAIRN_ASSIGN_OR_RETURN(auto v, c->ToValue());
      if (v.is_string() && v.as_string().find("{{$") != std::string::npos) {
        return ParameterBinding{binding::RuntimeTemplate{ParseStringTemplate(v.as_string())}};
      }
      return ParameterBinding{binding::Constant{std::move(v)}};
    }
    if (auto p = r->Get("runtimeParameter")) {  // deprecated spelling
      CAIRN_ASSIGN_OR_RETURN(auto name, p->AsString());
      return ParameterBinding{binding::ComponentInputParameter{name}};
    }
    return r->Error("runtimeValue needs constant");
  }
  if (auto t = n.Get("taskOutputParameter")) {
    CAIRN_ASSIGN_OR_RETURN(auto b, LoadTaskOutputParameter(*t, "producerTask"));
    return ParameterBinding{b};
  }
  auto f = n.Get("taskFinalStatus");
  CAIRN_ASSIGN_OR_RETURN(auto producer, f->GetString("producerTask"));
  if (producer.empty()) return f->Error("taskFinalStatus needs producerTask");
  return ParameterBinding{binding::TaskFinalStatus{producer}};
}

Result<Pipeline> LoadKfpIrDocuments(const std::vector<YamlNode>& docs, std::string_view source_name) {
  if (docs.empty() || docs[0].IsNull()) return InvalidArgument(std::string(source_name) + ": empty pipeline spec");
  if (docs.size() > 2) return docs[2].Error("KFP IR has at most two YAML documents (PipelineSpec, PlatformSpec)");
  YamlNode spec = docs[0];
  if (!spec.IsMap()) return spec.Error("pipeline spec must be a mapping");
  std::optional<Value> runtime_parameters;
  if (auto wrapped = spec.Get("pipelineSpec")) {  // PipelineJob
    if (auto rc = spec.Get("runtimeConfig"); rc && !rc->IsNull()) {
      if (auto pv = rc->Get("parameterValues")) {
        CAIRN_ASSIGN_OR_RETURN(auto v, pv->ToValue());
        runtime_parameters = std::move(v);
      }
    }
    spec = *wrapped;
    if (!spec.IsMap()) return spec.Error("pipelineSpec must be a mapping");
  }

  Pipeline p;
  p.format = SpecFormat::kKfpIr;
  p.source_name = std::string(source_name);
  if (auto info = spec.Get("pipelineInfo")) {
    CAIRN_ASSIGN_OR_RETURN(p.name, info->GetString("name"));
    CAIRN_ASSIGN_OR_RETURN(p.display_name, info->GetString("displayName"));
    CAIRN_ASSIGN_OR_RETURN(p.description, info->GetString("description"));
  }
  CAIRN_ASSIGN_OR_RETURN(p.pipeline_root, spec.GetString("defaultPipelineRoot"));
  CAIRN_ASSIGN_OR_RETURN(p.schema_version, spec.GetString("schemaVersion"));
  CAIRN_ASSIGN_OR_RETURN(p.sdk_version, spec.GetString("sdkVersion"));

  CAIRN_ASSIGN_OR_RETURN(auto executors, LoadExecutors(spec.Get("deploymentSpec")));
  std::map<std::string, ExecutorPlatformConfig> platform_execs;
  if (docs.size() == 2) CAIRN_RETURN_IF_ERROR(LoadPlatformSpec(docs[1], platform_execs, p.platform));

  auto load_component = [&](const std::string& name, const YamlNode& node) -> Result<std::shared_ptr<Component>> {
    auto c = std::make_shared<Component>();
    c->name = name;
    c->location = node.path();
    if (!node.IsMap()) return node.Error("expected a component mapping");
    CAIRN_ASSIGN_OR_RETURN(c->inputs, LoadInterface(node.Get("inputDefinitions")));
    CAIRN_ASSIGN_OR_RETURN(c->outputs, LoadInterface(node.Get("outputDefinitions")));
    const auto dag = node.Get("dag");
    CAIRN_ASSIGN_OR_RETURN(c->executor_label, node.GetString("executorLabel"));
    if (dag && !c->executor_label.empty()) return node.Error("a component has executorLabel or dag, not both");
    if (dag) {
      CAIRN_ASSIGN_OR_RETURN(auto d, LoadDag(*dag));
      c->body = std::move(d);
    } else {
      auto it = executors.find(c->executor_label);
      if (it == executors.end()) {
        c->body = MissingExecutor{c->executor_label};
      } else if (const auto* container = std::get_if<ContainerSpec>(&it->second)) {
        ContainerSpec copy = *container;
        if (auto pe = platform_execs.find(c->executor_label); pe != platform_execs.end()) copy.platform = pe->second;
        c->body = std::move(copy);
      } else {
        c->body = std::get<ImporterSpec>(it->second);
      }
    }
    return c;
  };

  if (auto comps = spec.Get("components")) {
    CAIRN_ASSIGN_OR_RETURN(auto entries, comps->Entries());
    for (const auto& [name, node] : entries) {
      CAIRN_ASSIGN_OR_RETURN(auto c, load_component(name, node));
      p.components.emplace(name, std::move(c));
    }
  }
  auto root = spec.Get("root");
  if (!root || !root->IsMap()) return spec.Error("pipeline spec needs a `root` component");
  if (!root->Has("dag")) return root->Error("root component needs a dag");
  CAIRN_ASSIGN_OR_RETURN(p.root, load_component("root", *root));
  if (runtime_parameters && runtime_parameters->is_struct()) {
    for (const auto& [name, v] : runtime_parameters->as_struct()) {
      auto it = p.root->inputs.parameters.find(name);
      if (it == p.root->inputs.parameters.end()) return spec.Error("runtimeConfig sets unknown input \"" + name + "\"");
      it->second.default_value = v;
    }
  }
  CAIRN_RETURN_IF_ERROR(LinkPipeline(p));
  return p;
}

Result<Pipeline> LoadKfpIr(std::string_view yaml, std::string_view source_name) {
  CAIRN_ASSIGN_OR_RETURN(auto docs, ParseYamlDocuments(yaml, source_name));
  return LoadKfpIrDocuments(docs, source_name);
}

}  // namespace cairn::pipelines
