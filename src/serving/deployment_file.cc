#include "serving/deployment_file.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "base/json_reader.h"
#include "base/json_writer.h"

namespace cairn::serving {
namespace fs = std::filesystem;

Status SaveDeployments(const fs::path& file, const std::vector<Deployment>& deployments) {
  JsonWriter w;
  w.StartObject().Key("deployments").StartArray();
  for (const auto& d : deployments) {
    w.StartObject();
    w.Field("name", d.name).Field("model_uri", d.model_uri);
    if (d.canary) {
      w.Field("canary_uri", d.canary->origin().model_uri);
      w.Field("canary_traffic_percent", int64_t{d.canary_traffic_percent});
    }
    w.Field("max_batch_size", int64_t{d.batching.max_batch_size});
    w.Field("max_queue_delay_us", d.batching.max_queue_delay_us);
    w.Field("max_queue_size", int64_t{d.batching.max_queue_size});
    w.Field("log_requests", d.request_log != nullptr);
    w.EndObject();
  }
  w.EndArray().EndObject();
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  fs::path tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << w.view();
    if (!out.flush()) return Internal("cannot write the deployments file", tmp.string());
  }
  fs::rename(tmp, file, ec);
  if (ec) return Internal("cannot replace the deployments file", ec.message());
  return Status::Ok();
}

Result<std::vector<SavedDeployment>> LoadDeployments(const fs::path& file) {
  std::vector<SavedDeployment> out;
  std::ifstream in(file, std::ios::binary);
  if (!in) return out;
  std::ostringstream text;
  text << in.rdbuf();
  auto doc = JsonDocument::ParseObject(text.str());
  if (!doc.ok()) return InvalidArgument(fmt::format("{} is not valid JSON: {}", file.string(), doc.error().message()));
  CAIRN_ASSIGN_OR_RETURN(auto list, doc->root().GetArray("deployments"));
  if (!list) return out;
  CAIRN_ASSIGN_OR_RETURN(auto items, list->Objects("deployments"));
  for (const auto& item : items) {
    SavedDeployment saved;
    CAIRN_ASSIGN_OR_RETURN(auto name, item.GetString("name"));
    CAIRN_ASSIGN_OR_RETURN(auto uri, item.GetString("model_uri"));
    if (!name || !uri) return InvalidArgument(fmt::format("{}: a deployment lacks name or model_uri", file.string()));
    saved.spec.name = *name;
    saved.spec.model_uri = *uri;
    CAIRN_ASSIGN_OR_RETURN(auto canary, item.GetString("canary_uri"));
    saved.canary_uri = canary.value_or("");
    CAIRN_ASSIGN_OR_RETURN(auto percent, item.GetInt64("canary_traffic_percent"));
    saved.canary_traffic_percent = static_cast<int>(percent.value_or(0));
    CAIRN_ASSIGN_OR_RETURN(auto size, item.GetInt64("max_batch_size"));
    CAIRN_ASSIGN_OR_RETURN(auto delay, item.GetInt64("max_queue_delay_us"));
    CAIRN_ASSIGN_OR_RETURN(auto queue, item.GetInt64("max_queue_size"));
    CAIRN_ASSIGN_OR_RETURN(auto log, item.GetBool("log_requests"));
    if (size) saved.spec.batching.max_batch_size = static_cast<int>(*size);
    if (delay) saved.spec.batching.max_queue_delay_us = *delay;
    if (queue) saved.spec.batching.max_queue_size = static_cast<int>(*queue);
    saved.spec.log_requests = log.value_or(false);
    out.push_back(std::move(saved));
  }
  return out;
}

}  // namespace cairn::serving
