#include "frontends/auth/response_filter.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace cairn::frontends::authz {
namespace {

const rapidjson::Value* Lookup(const rapidjson::Value& object, std::string_view key) {
  if (!object.IsObject()) return nullptr;
  size_t dot = key.find('.');
  std::string head(key.substr(0, dot));
  auto it = object.FindMember(head.c_str());
  if (it == object.MemberEnd()) return nullptr;
  if (dot == std::string_view::npos) return &it->value;
  return Lookup(it->value, key.substr(dot + 1));
}

std::string AsString(const rapidjson::Value* v) {
  if (v == nullptr) return {};
  if (v->IsString()) return std::string(v->GetString(), v->GetStringLength());
  if (v->IsInt64()) return std::to_string(v->GetInt64());
  return {};
}

}  // namespace

void FilterJsonArray(std::string& body, std::string_view array_key, std::string_view element_key,
                     const std::function<bool(const std::string&)>& keep) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return;
  auto it = doc.FindMember(std::string(array_key).c_str());
  if (it == doc.MemberEnd() || !it->value.IsArray()) return;
  auto& array = it->value;
  bool changed = false;
  for (auto e = array.Begin(); e != array.End();) {
    if (keep(AsString(Lookup(*e, element_key)))) {
      ++e;
    } else {
      e = array.Erase(e);
      changed = true;
    }
  }
  if (!changed) return;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.Accept(writer);
  body.assign(buffer.GetString(), buffer.GetSize());
}

std::string JsonStringField(const std::string& body, std::string_view key) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError()) return {};
  return AsString(Lookup(doc, key));
}

}  // namespace cairn::frontends::authz
