#include "serving/backends/python/python_backend.h"

#include <fmt/format.h>

#include <cstdint>
#include <cstdlib>
#include <mutex>

#include "base/logging.h"
#include "base/numeric.h"
#include "serving/backends/python/worker_process.h"
#include "serving/backends/python/worker_protocol.h"
#include "serving/backends/python/worker_script.h"

extern char** environ;

namespace cairn::serving {
namespace {

namespace fs = std::filesystem;
using python::InputLayout;
using python::WorkerProcess;

constexpr int kLogLinesPerMinute = 200;

PythonBackendOptions ResolveOptions(PythonBackendOptions o) {
  if (o.python.empty()) {
    const char* env = std::getenv("CAIRN_PYTHON");
    o.python = env && *env ? env : "python3";
  }
  if (o.predict_timeout.count() <= 0) {
    const char* env = std::getenv("CAIRN_PYTHON_TIMEOUT_S");
    double seconds = env && *env ? std::atof(env) : 0;
    o.predict_timeout = std::chrono::milliseconds(seconds > 0 ? SaturatingInt64(seconds * 1000) : 60000);
  }
  return o;
}

// Inputs, outputs and how the worker builds model.predict's argument, from
// the MLmodel signature (pyfunc models declare no shapes otherwise).
struct Plan {
  ModelMetadata metadata;
  InputLayout layout = InputLayout::kNone;
  std::vector<std::string> columns;
};

Plan PlanFromSignature(const MlModel& model) {
  Plan plan;
  ModelMetadata& meta = plan.metadata;
  meta.platform = "mlflow_pyfunc";
  if (model.inputs.empty()) {
    // No signature: one 2-D table of any width, handed over as a DataFrame.
    meta.inputs.push_back({"input-0", DataType::kFp64, {-1, -1}});
  } else if (model.tensor_signature) {
    plan.layout = InputLayout::kTensors;
    for (size_t i = 0; i < model.inputs.size(); ++i) {
      const auto& f = model.inputs[i];
      TensorSpec spec{f.name.empty() ? fmt::format("input-{}", i) : f.name, f.datatype, f.shape};
      if (spec.shape.empty()) spec.shape = {-1};
      if (spec.shape[0] != -1) meta.batchable = false;
      meta.inputs.push_back(std::move(spec));
    }
  } else {
    plan.layout = InputLayout::kColumns;
    bool numeric = true;
    DataType common = model.inputs[0].datatype;
    for (const auto& f : model.inputs) {
      plan.columns.push_back(f.name);
      if (f.datatype == DataType::kBytes || f.datatype == DataType::kBool) numeric = false;
      if (f.datatype != common) common = DataType::kFp64;
    }
    if (numeric) {
      // All-numeric columns: one [-1, n] table, like the XGBoost backend's,
      // so dataframes match by column name and drift statistics apply.
      meta.inputs.push_back({"input-0", common, {-1, static_cast<int64_t>(plan.columns.size())}});
      meta.feature_names = plan.columns;
    } else {
      for (const auto& f : model.inputs) meta.inputs.push_back({f.name, f.datatype, {-1}});
    }
  }
  for (size_t i = 0; i < model.outputs.size(); ++i) {
    const auto& f = model.outputs[i];
    std::string name = !f.name.empty() ? f.name : model.outputs.size() == 1 ? "predict" : fmt::format("output-{}", i);
    std::vector<int64_t> shape = f.shape.empty() ? std::vector<int64_t>{-1} : f.shape;
    meta.outputs.push_back({name, f.datatype, shape});
  }
  if (meta.outputs.empty()) meta.outputs.push_back({"predict", DataType::kFp64, {-1}});
  return plan;
}

class PythonBackend final : public ModelBackend {
 public:
  PythonBackend(fs::path dir, Plan plan, PythonBackendOptions options)
      : dir_(std::move(dir)), plan_(std::move(plan)), options_(std::move(options)) {}

  Status Start() {
    std::lock_guard<std::mutex> lock(mu_);
    return StartWorker();
  }

  const ModelMetadata& metadata() const override { return plan_.metadata; }

  Result<std::vector<Tensor>> Infer(const std::vector<Tensor>& inputs) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!worker_) {
      auto now = WorkerProcess::Clock::now();
      if (now < next_start_) {
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_start_ - now).count();
        return Unavailable(fmt::format("the python worker failed {} times in a row; it restarts in {} ms",
                                       consecutive_failures_, wait));
      }
      if (Status s = StartWorker(); !s.ok()) return s;
    }
    auto reply = Exchange(python::PredictRequest(inputs, plan_.layout, plan_.columns), options_.predict_timeout);
    if (!reply.ok()) return reply.error();
    if (!reply->ok) return Internal(fmt::format("the python model failed: {}", reply->error));
    consecutive_failures_ = 0;
    std::vector<Tensor> outputs = std::move(reply->outputs);
    // A bare array comes back as "predict"; a one-output signature names it.
    if (outputs.size() == 1 && plan_.metadata.outputs.size() == 1 && outputs[0].name == "predict") {
      outputs[0].name = plan_.metadata.outputs[0].name;
    }
    return outputs;
  }

 private:
  // Spawns the worker and loads the model in it. On failure the worker is
  // gone and the next start is pushed back.
  Status StartWorker() {
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) {
      std::string_view var(*e);
      if (var.rfind("PYTHONUNBUFFERED=", 0) != 0) env.emplace_back(var);
    }
    env.emplace_back("PYTHONUNBUFFERED=1");  // stderr lines reach the log as they are written
    auto lines = std::make_shared<LineBudget>();
    auto started = WorkerProcess::Start({options_.python, "-c", std::string(python::WorkerScript())}, env,
                                        [lines](std::string_view line) { lines->Log(line); });
    if (!started.ok()) {
      NoteFailure();
      if (started.error().code() == StatusCode::kNotFound) {
        return Unavailable(fmt::format("the python backend cannot run '{}' (set CAIRN_PYTHON or --python to a Python "
                                       "interpreter with mlflow installed)",
                                       options_.python));
      }
      return started.error();
    }
    worker_ = std::move(started).value();
    lines->pid = worker_->pid();
    auto reply = Exchange(python::LoadRequest(fs::absolute(dir_).string()), options_.load_timeout);
    if (!reply.ok()) return reply.error();
    if (!reply->ok) {
      worker_.reset();
      NoteFailure();
      if (reply->kind == "missing_package") {
        return Unavailable(fmt::format("the python backend needs the Python package '{}' importable by {} (pip install {})",
                                       reply->package, options_.python, reply->package));
      }
      return Internal(fmt::format("mlflow.pyfunc.load_model failed: {}", reply->error));
    }
    CAIRN_LOG(kInfo, "serving", "python worker {} loaded {} ({})", worker_->pid(), dir_.string(), reply->versions);
    return Status::Ok();
  }

  // One request/response with the worker. A transport failure (exit,
  // timeout, oversize or garbled reply) kills the worker.
  Result<python::WorkerReply> Exchange(const std::string& json, std::chrono::milliseconds timeout) {
    // Request bodies are bounded far below this (--max-body-bytes); the
    // check keeps the 4-byte length honest regardless.
    if (json.size() > UINT32_MAX) return InvalidArgument("the request is too large for the python worker");
    auto deadline = WorkerProcess::Clock::now() + timeout;
    Status s = worker_->Write(python::Frame(json), deadline);
    std::string header, body;
    if (s.ok()) s = worker_->ReadExact(4, header, deadline);
    if (s.ok()) {
      uint32_t length = python::FrameLength(header);
      if (length > options_.max_reply_bytes) {
        s = ResourceExhausted(fmt::format("the python model's reply ({} bytes) is over the {} byte limit", length,
                                          options_.max_reply_bytes));
      } else {
        s = worker_->ReadExact(length, body, deadline);
      }
    }
    if (!s.ok()) return Fail(s, timeout);
    auto reply = python::ParseReply(body);
    if (!reply.ok()) return Fail(reply.error(), timeout);
    return reply;
  }

  Status Fail(const Status& cause, std::chrono::milliseconds timeout) {
    const bool timed_out = cause.code() == StatusCode::kDeadlineExceeded;
    worker_->Kill();
    std::string exit = worker_->ExitDescription();
    std::string tail = LastLines(worker_->StderrTail(), 5);
    worker_.reset();
    NoteFailure();
    if (timed_out) {
      return Status(StatusCode::kDeadlineExceeded,
                    fmt::format("the python model did not answer within {} ms; its worker was killed and restarts "
                                "for the next request",
                                timeout.count()));
    }
    if (cause.code() == StatusCode::kResourceExhausted) return Internal(cause.message());
    return Internal(fmt::format("the python worker died ({}){}; it restarts for the next request", exit,
                                tail.empty() ? "" : ": " + tail));
  }

  void NoteFailure() {
    ++consecutive_failures_;
    auto delay = std::chrono::milliseconds(0);
    if (consecutive_failures_ >= 2) {
      int shift = std::min(consecutive_failures_ - 2, 7);
      delay = std::min(std::chrono::milliseconds(250 << shift), std::chrono::milliseconds(30000));
    }
    next_start_ = WorkerProcess::Clock::now() + delay;
  }

  static std::string LastLines(const std::string& text, int n) {
    size_t end = text.find_last_not_of('\n');
    if (end == std::string::npos) return "";
    size_t pos = end + 1;
    for (int i = 0; i < n && pos > 0; ++i) {
      size_t nl = text.rfind('\n', pos - 1);
      pos = nl == std::string::npos ? 0 : nl;
      if (nl == std::string::npos) break;
    }
    std::string out = text.substr(pos, end + 1 - pos);
    if (!out.empty() && out[0] == '\n') out.erase(0, 1);
    for (auto& c : out) {
      if (c == '\n') c = ' ';
    }
    return out;
  }

  // At most kLogLinesPerMinute stderr lines a minute reach the log; the
  // count of dropped ones is logged when the next minute starts.
  struct LineBudget {
    pid_t pid = 0;
    WorkerProcess::Clock::time_point window = WorkerProcess::Clock::now();
    int logged = 0, dropped = 0;
    void Log(std::string_view line) {
      auto now = WorkerProcess::Clock::now();
      if (now - window > std::chrono::minutes(1)) {
        if (dropped) CAIRN_LOG(kWarn, "serving", "python worker {}: {} stderr lines dropped", pid, dropped);
        window = now;
        logged = dropped = 0;
      }
      if (logged++ < kLogLinesPerMinute) {
        CAIRN_LOG(kInfo, "serving", "python worker {}: {}", pid, line);
      } else {
        ++dropped;
      }
    }
  };

  const fs::path dir_;
  const Plan plan_;
  const PythonBackendOptions options_;
  std::mutex mu_;
  std::unique_ptr<WorkerProcess> worker_;
  int consecutive_failures_ = 0;
  WorkerProcess::Clock::time_point next_start_{};
};

class PythonBackendFactory final : public ModelBackendFactory {
 public:
  explicit PythonBackendFactory(PythonBackendOptions options) : options_(ResolveOptions(std::move(options))) {}
  std::string flavor() const override { return "python_function"; }
  Result<std::unique_ptr<ModelBackend>> Load(const fs::path& dir, const MlModel& model) override {
    auto backend = std::make_unique<PythonBackend>(dir, PlanFromSignature(model), options_);
    CAIRN_RETURN_IF_ERROR(backend->Start());
    return std::unique_ptr<ModelBackend>(std::move(backend));
  }

 private:
  PythonBackendOptions options_;
};

}  // namespace

std::unique_ptr<ModelBackendFactory> CreatePythonBackendFactory(PythonBackendOptions options) {
  return std::make_unique<PythonBackendFactory>(std::move(options));
}

}  // namespace cairn::serving
