// Shared helpers of the model-registry integration suites
// (registry_api_test.cc, registry_bad_input_test.cc): a ServerTest fixture
// with registry shortcuts. Each ASSERTs inside; callers check
// HasFatalFailure() where a failed step makes the rest meaningless.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "client/url.h"
#include "integration/api.h"
#include "integration/json_testing.h"
#include "integration/server_test.h"

namespace cairn::integration {

inline constexpr std::string_view kCairnPrefix = "/api/2.0/cairn";

class RegistryTest : public ServerTest {
 protected:
  // JSON request with any method (PATCH and DELETE carry JSON bodies here).
  Reply Call(client::HttpMethod method, std::string_view path, std::string body) {
    return api().Send(method, path, std::move(body), {{"Content-Type", "application/json"}});
  }
  Reply Patch(std::string_view path, std::string body) {
    return Call(client::HttpMethod::kPatch, path, std::move(body));
  }
  Reply Delete(std::string_view path, std::string body) {
    return Call(client::HttpMethod::kDelete, path, std::move(body));
  }

  // registered-models/create; returns the name.
  std::string CreateModel(std::string_view hint, std::string_view extra_fields = {}) {
    std::string name = UniqueName(hint);
    Reply reply = api().Post("registered-models/create",
                             fmt::format(R"({{"name":"{}"{}{}}})", name, extra_fields.empty() ? "" : ",", extra_fields));
    EXPECT_OK_JSON(reply);
    EXPECT_EQ(reply.json().Str("/registered_model/name"), name) << reply.Describe();
    return name;
  }

  // model-versions/create; returns the version string ("1", ...).
  std::string CreateVersion(const std::string& name, const std::string& source, std::string_view extra_fields = {}) {
    Reply reply = api().Post("model-versions/create",
                             fmt::format(R"({{"name":"{}","source":"{}"{}{}}})", name, source,
                                         extra_fields.empty() ? "" : ",", extra_fields));
    EXPECT_OK_JSON(reply);
    auto version = reply.json().Str("/model_version/version");
    EXPECT_TRUE(version.has_value()) << reply.Describe();
    return version.value_or("");
  }

  Reply GetVersion(const std::string& name, const std::string& version) {
    return api().Get("model-versions/get", {{"name", name}, {"version", version}});
  }

  Reply SetAlias(const std::string& name, const std::string& alias, const std::string& version) {
    return api().Post("registered-models/alias",
                      fmt::format(R"({{"name":"{}","alias":"{}","version":"{}"}})", name, alias, version));
  }

  // The run's artifact root as a path below the mlflow-artifacts proxy.
  std::string RunArtifactProxyPath(const std::string& run_id) {
    Json run(GetRunJson(run_id));
    std::string uri = run.Str("/run/info/artifact_uri").value_or("");
    constexpr std::string_view kScheme = "mlflow-artifacts:/";
    EXPECT_EQ(uri.rfind(kScheme, 0), 0u) << uri;
    return uri.size() > kScheme.size() ? uri.substr(kScheme.size()) : "";
  }

  // PUT through the mlflow-artifacts proxy at <run artifact root>/<rel>.
  void UploadRunArtifact(const std::string& run_id, std::string_view rel, std::string_view content) {
    std::string path = fmt::format("{}/{}/{}", kArtifactsPrefix, RunArtifactProxyPath(run_id), rel);
    Reply reply = api().Send(client::HttpMethod::kPut, path, std::string(content),
                             {{"Content-Type", "application/octet-stream"}});
    ASSERT_OK_JSON(reply);
  }

  // Everything observable about a model: the model and all its versions,
  // canonicalised, for before/after comparisons.
  std::string ModelState(const std::string& name) {
    Reply model = api().Get("registered-models/get", {{"name", name}});
    Reply versions = api().Get("model-versions/search", {{"filter", fmt::format("name = '{}'", name)}});
    return fmt::format("{} {} | {}", model.status, CanonicalJson(model.body), CanonicalJson(versions.body));
  }

  // Number of audit events recorded for `name`.
  size_t AuditCount(const std::string& name) {
    Reply reply = api().Get(std::string(kCairnPrefix) + "/registry/audit", {{"name", name}, {"max_results", "10000"}});
    EXPECT_OK_JSON(reply);
    return reply.json().Size("/events").value_or(0);
  }
};

}  // namespace cairn::integration
