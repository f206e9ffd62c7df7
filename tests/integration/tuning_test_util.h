// Helpers for the tuning suites against the real server.
//
// How the Katib fixtures run here: their trial template runs
// `python3 /opt/pytorch-mnist/mnist.py --lr=... --momentum=...` in a
// container. The tests rewrite that script path in the YAML text
// (RewriteTrialScript) to a tiny trial program written into the server's
// directory (WriteTrialPrograms): `fake_mnist.py` parses the same flags and
// prints Katib-style `loss=...` lines (or, with --log-path, writes
// `{metricName: ..., metricValue: ...}` lines to that file), so every
// fixture runs unchanged otherwise. Each trial appends its name to
// <dir>/trials.log, so tests can check that no trial ran twice.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "integration/api.h"
#include "pipelines/spec/value.h"

#ifndef CAIRN_TESTDATA_DIR
#error "CAIRN_TESTDATA_DIR must name tests/data (see tests/CMakeLists.txt)"
#endif

namespace cairn::integration {

using pipelines::Value;

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::string KatibFixture(const std::string& name) {
  return ReadFile(std::filesystem::path(CAIRN_TESTDATA_DIR) / "katib" / name);
}

inline std::vector<std::string> KatibFixtureNames() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(CAIRN_TESTDATA_DIR) / "katib")) {
    if (e.path().extension() == ".yaml") out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

// The fixtures' trial script -> `script` (see the header comment).
inline std::string RewriteTrialScript(const std::string& yaml, const std::filesystem::path& script) {
  return ReplaceAll(yaml, "/opt/pytorch-mnist/mnist.py", script.string());
}

// Writes the trial programs into `dir`:
//  fake_mnist.py  loss = 0.001 + 50 (lr - 0.03)^2 + 0.1 (momentum - 0.7)^2,
//                 reported 5 times, decreasing to it; worse trials report
//                 slower (so early stopping sees them running); with
//                 --log-path it writes accuracy = 1 - loss and loss to that
//                 file in the fixture's {metricName: ..., metricValue: ...}
//                 format instead.
//  silent.py      prints no metrics.
//  failing.py     exits 1.
//  hang.py        appends its pid to hang.pids, sleeps forever.
//  slow.py        sleeps 1 s, then behaves as fake_mnist.py.
inline void WriteTrialPrograms(const std::filesystem::path& dir) {
  std::ofstream(dir / "fake_mnist.py") << R"(import argparse, os, sys, time
p = argparse.ArgumentParser()
p.add_argument("--lr", type=float, default=0.03)
p.add_argument("--momentum", type=float, default=0.7)
p.add_argument("--epochs", type=int, default=1)
p.add_argument("--batch-size", type=int, default=16)
p.add_argument("--log-path", default="")
p.add_argument("--delay", type=float, default=0.0)
a, _ = p.parse_known_args()
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "trials.log"), "a") as f:
    f.write(os.environ.get("KATIB_TRIAL_NAME", "?") + "\n")
time.sleep(a.delay)
base = 0.001 + 50 * (a.lr - 0.03) ** 2 + 0.1 * (a.momentum - 0.7) ** 2
out = open(a.log_path, "a") if a.log_path else None
for i in range(5):
    loss = base * (1 + 0.5 * (4 - i))
    if out:
        out.write("{metricName: accuracy, metricValue: %.6f}\n" % (1 - loss))
        out.write("{metricName: loss, metricValue: %.6f}\n" % loss)
        out.flush()
    else:
        print("epoch %d: loss=%.6f accuracy=%.6f" % (i, loss, 1 - loss), flush=True)
    time.sleep(0.03 + 20 * base)
)";
  std::ofstream(dir / "silent.py") << "print('training without metrics')\n";
  std::ofstream(dir / "failing.py") << "import sys\nprint('loss=1.0')\nsys.exit(1)\n";
  std::ofstream(dir / "hang.py") << "import os, time\n"
                                    "with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'hang.pids'), 'a') as f:\n"
                                    "    f.write('%d\\n' % os.getpid())\n"
                                    "time.sleep(100000)\n";
  std::ofstream(dir / "slow.py") << "import sys, os, runpy\nsys.argv += ['--delay=1']\n"
                                    "runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "
                                    "'fake_mnist.py'), run_name='__main__')\n";
}

inline Value ParseJsonOrEmpty(const std::string& json) {
  auto v = Value::ParseJson(json);
  return v.ok() ? std::move(v).value() : Value::MakeStruct({});
}
inline std::string S(const Value& v, std::string_view key) {
  const Value* f = v.Find(key);
  return f != nullptr && f->is_string() ? f->as_string() : std::string();
}
inline int64_t I(const Value& v, std::string_view key) {
  const Value* f = v.Find(key);
  return f != nullptr && f->is_number() ? static_cast<int64_t>(f->as_double()) : -1;
}

class TuningClient {
 public:
  explicit TuningClient(Api& api) : api_(api) {}

  // `extra`: more JSON fields, e.g. R"("max_trial_count": 4)".
  Reply Submit(const std::string& spec, const std::string& extra = "") {
    std::string body = fmt::format(R"({{"spec":{},"source_name":"test.yaml"{}{}}})", Value::String(spec).ToJson(),
                                   extra.empty() ? "" : ",", extra);
    return api_.Post("/api/2.0/cairn/tuning/experiments/submit", body);
  }
  static std::string Id(const Reply& reply) {
    Value v = ParseJsonOrEmpty(reply.body);
    const Value* e = v.Find("experiment");
    return e ? S(*e, "experiment_id") : std::string();
  }
  Value Get(const std::string& id) {
    Reply reply = api_.Get("/api/2.0/cairn/tuning/experiments/get", {{"experiment_id", id}});
    EXPECT_EQ(reply.status, 200) << reply.Describe();
    return ParseJsonOrEmpty(reply.body);
  }
  static std::string State(const Value& get) {
    const Value* e = get.Find("experiment");
    return e ? S(*e, "state") : std::string();
  }
  Value Wait(const std::string& id, std::chrono::seconds timeout = std::chrono::seconds(180)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    Value get;
    while (std::chrono::steady_clock::now() < deadline) {
      get = Get(id);
      std::string state = State(get);
      if (state == "SUCCEEDED" || state == "FAILED" || state == "STOPPED") return get;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "experiment " << id << " did not finish; last: " << get.ToJson().substr(0, 3000);
    return get;
  }
  Value Run(const std::string& spec, const std::string& extra = "") {
    Reply reply = Submit(spec, extra);
    EXPECT_EQ(reply.status, 200) << reply.Describe();
    std::string id = Id(reply);
    if (id.empty()) return Value::MakeStruct({});
    return Wait(id);
  }
  static std::vector<Value> Trials(const Value& get) {
    const Value* t = get.Find("trials");
    return t != nullptr && t->is_list() ? t->as_list() : std::vector<Value>{};
  }
  static std::map<std::string, int> Counts(const Value& get) {
    std::map<std::string, int> out;
    for (const Value& t : Trials(get)) out[S(t, "state")]++;
    return out;
  }
  // Most trials running at the same time, from their start/finish times.
  static int PeakConcurrency(const Value& get) {
    std::vector<std::pair<int64_t, int>> events;
    for (const Value& t : Trials(get)) {
      if (I(t, "started_ms") <= 0) continue;
      events.emplace_back(I(t, "started_ms"), +1);
      events.emplace_back(I(t, "finished_ms") > 0 ? I(t, "finished_ms") : INT64_MAX, -1);
    }
    std::sort(events.begin(), events.end(),
              [](auto a, auto b) { return a.first != b.first ? a.first < b.first : a.second < b.second; });
    int live = 0, peak = 0;
    for (auto& e : events) peak = std::max(peak, live += e.second);
    return peak;
  }
  // Problems the server's validate endpoint reports for `spec` (one line each).
  std::string Problems(const std::string& spec) {
    Reply reply = api_.Post("/api/2.0/cairn/tuning/validate", fmt::format(R"({{"spec":{}}})", Value::String(spec).ToJson()));
    Value v = ParseJsonOrEmpty(reply.body);
    std::string out;
    if (const Value* p = v.Find("problems"); p != nullptr && p->is_list()) {
      for (const Value& item : p->as_list()) out += S(item, "message") + "\n";
    }
    return out;
  }

 private:
  Api& api_;
};

}  // namespace cairn::integration
