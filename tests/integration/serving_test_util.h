// Shared fixture of the serving suites: a real `cairn server` (the registry
// and artifact store), helpers that log a model's files to a run, register
// it and move aliases, and helpers for talking to model servers. Each
// ASSERTs inside; callers check HasFatalFailure() where it matters.
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "integration/registry_test_util.h"
#include "integration/serving_models.h"

namespace cairn::integration {

class ServingTest : public RegistryTest {
 protected:
  // Logs `files` (name -> bytes) under "model/" of a new run and registers
  // them as a new version of `name` (created when absent); returns the
  // version ("1", ...).
  std::string RegisterFiles(const std::string& name, const std::map<std::string, std::string>& files) {
    if (experiment_id_.empty()) experiment_id_ = CreateExperiment("serving");
    std::string run_id = CreateRun(experiment_id_);
    for (const auto& [file, bytes] : files) {
      UploadRunArtifact(run_id, "model/" + file, bytes);
      if (HasFatalFailure()) return "";
    }
    if (api().Get("registered-models/get", {{"name", name}}).status == 404) {
      Reply created = api().Post("registered-models/create", fmt::format(R"({{"name":"{}"}})", name));
      EXPECT_OK_JSON(created);
    }
    return CreateVersion(name, fmt::format("runs:/{}/model", run_id));
  }

  // An XGBoost model's files: model.json (or model.ubj) and its MLmodel with
  // a column signature f0..f3.
  static std::map<std::string, std::string> XgbFiles(const XgbModel& model, bool ubj = false) {
    std::string file = ubj ? "model.ubj" : "model.json";
    auto path = std::filesystem::temp_directory_path() / fmt::format("cairn-xgb-{}-{}", ::getpid(), file);
    model.Save(path);
    std::string bytes = ReadFile(path);
    std::filesystem::remove(path);
    return {{file, bytes},
            {"MLmodel", MlModelText("xgboost", file,
                                    R"([{"type": "double", "name": "f0"}, {"type": "double", "name": "f1"}, )"
                                    R"({"type": "double", "name": "f2"}, {"type": "double", "name": "f3"}])")}};
  }

  static std::map<std::string, std::string> OnnxFiles(const OnnxWeights& weights) {
    return {{"model.onnx", BuildOnnxModel(weights)},
            {"MLmodel", MlModelText("onnx", "model.onnx",
                                    R"([{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}, )"
                                    R"("name": "X"}])")}};
  }

  static std::string ReadFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }

  // Polls GET `url``path` until it answers `status` (true) or 30 s pass.
  static bool WaitForStatus(const std::string& url, const std::string& path, int status) {
    Api api(url);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      if (api.Get(path).status == status) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  // An OIP request for `rows` x 4 FP32 features named `input`.
  static std::string OipRequest(const std::string& input, const std::vector<float>& x, int rows,
                                const std::string& extra = "") {
    return fmt::format(R"({{"id":"req-1","inputs":[{{"name":"{}","shape":[{},4],"datatype":"FP32","data":[{}]}}]{}}})",
                       input, rows, fmt::join(x, ","), extra);
  }

  // The numbers of outputs[index].data of an OIP response.
  static std::vector<double> OutputData(const Json& json, size_t index) {
    std::vector<double> out;
    auto n = json.Size(fmt::format("/outputs/{}/data", index));
    for (size_t i = 0; n && i < *n; ++i) out.push_back(json.Num(fmt::format("/outputs/{}/data/{}", index, i)).value_or(-1e300));
    return out;
  }

  // The features as the server will see them: each float printed as JSON
  // and read back (so expected values are computed on the same numbers).
  static std::vector<float> AsSent(std::vector<float> x) {
    for (auto& v : x) v = static_cast<float>(std::strtod(fmt::format("{}", v).c_str(), nullptr));
    return x;
  }

  std::string experiment_id_;
};

}  // namespace cairn::integration
