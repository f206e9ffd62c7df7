#include "frontends/inference_http/metrics_text.h"

#include <fmt/format.h>

namespace cairn::frontends {
namespace {

using serving::ServedModel;

struct Series {
  std::string labels;  // model="a",version="1"
  const ServedModel* model;
};

// Label values escape backslash, quote and newline.
std::string Escape(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

template <typename Get>
void Counter(std::string& out, const char* name, const char* help, const char* type, const std::vector<Series>& series,
             Get get) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  for (const auto& s : series) out += fmt::format("{}{{{}}} {}\n", name, s.labels, get(*s.model));
}

template <size_t N, typename Get>
void Hist(std::string& out, const char* name, const char* help, const std::vector<Series>& series, Get get) {
  out += fmt::format("# HELP {} {}\n# TYPE {} histogram\n", name, help, name);
  for (const auto& s : series) {
    const serving::Histogram<N>& h = get(*s.model);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < N; ++i) {
      cumulative += h.bucket(i);
      out += fmt::format("{}_bucket{{{},le=\"{}\"}} {}\n", name, s.labels, h.bounds()[i], cumulative);
    }
    out += fmt::format("{}_bucket{{{},le=\"+Inf\"}} {}\n", name, s.labels, h.count());
    out += fmt::format("{}_sum{{{}}} {}\n", name, s.labels, h.sum());
    out += fmt::format("{}_count{{{}}} {}\n", name, s.labels, h.count());
  }
}

}  // namespace

std::string RenderPrometheusMetrics(const std::vector<serving::Deployment>& deployments) {
  std::vector<Series> series;
  for (const auto& d : deployments) {
    for (const auto* m : {d.primary.get(), d.canary.get()}) {
      if (!m) continue;
      series.push_back({fmt::format("model=\"{}\",version=\"{}\"", Escape(d.name), Escape(m->origin().version)), m});
    }
  }
  std::string out;
  auto load = [](const auto& atomic) { return atomic.load(std::memory_order_relaxed); };
  Counter(out, "cairn_inference_requests_total", "Inference requests received.", "counter", series,
          [&](const ServedModel& m) { return load(m.stats().requests); });
  Counter(out, "cairn_inference_errors_total", "Inference requests that failed (rejections included).", "counter",
          series, [&](const ServedModel& m) { return load(m.stats().errors); });
  Counter(out, "cairn_inference_rejected_total", "Inference requests turned away because the queue was full.",
          "counter", series, [&](const ServedModel& m) { return load(m.stats().rejected); });
  Counter(out, "cairn_inference_count_total", "Rows inferred.", "counter", series,
          [&](const ServedModel& m) { return load(m.stats().inferences); });
  Counter(out, "cairn_inference_exec_count_total", "Backend executions (batches).", "counter", series,
          [&](const ServedModel& m) { return load(m.stats().executions); });
  Counter(out, "cairn_inference_queue_depth", "Requests queued or running now.", "gauge", series,
          [&](const ServedModel& m) { return load(m.stats().queue_depth); });
  Hist<12>(out, "cairn_inference_request_duration_seconds", "Time of a request in the inference core.", series,
           [](const ServedModel& m) -> const auto& { return m.stats().request_latency; });
  Hist<12>(out, "cairn_inference_queue_duration_seconds", "Time a request waited for its batch.", series,
           [](const ServedModel& m) -> const auto& { return m.stats().queue_latency; });
  Hist<12>(out, "cairn_inference_compute_duration_seconds", "Time of one backend execution.", series,
           [](const ServedModel& m) -> const auto& { return m.stats().compute_latency; });
  Hist<9>(out, "cairn_inference_batch_size", "Rows per backend execution.", series,
          [](const ServedModel& m) -> const auto& { return m.stats().batch_size; });
  // Drift gauges, for models with a reference dataset.
  std::string psi, ks;
  for (const auto& s : series) {
    if (!s.model->drift()) continue;
    for (const auto& f : s.model->drift()->Compute()) {
      psi += fmt::format("cairn_inference_drift_psi{{{},feature=\"{}\"}} {}\n", s.labels, Escape(f.name), f.psi);
      ks += fmt::format("cairn_inference_drift_ks{{{},feature=\"{}\"}} {}\n", s.labels, Escape(f.name), f.ks);
    }
  }
  if (!psi.empty()) {
    out += "# HELP cairn_inference_drift_psi Population stability index of a feature against the reference dataset.\n"
           "# TYPE cairn_inference_drift_psi gauge\n" + psi;
    out += "# HELP cairn_inference_drift_ks Kolmogorov-Smirnov statistic of a feature against the reference dataset.\n"
           "# TYPE cairn_inference_drift_ks gauge\n" + ks;
  }
  return out;
}

}  // namespace cairn::frontends
