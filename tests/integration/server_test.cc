#include "integration/server_test.h"

#include <fmt/format.h>

#include <atomic>
#include <cstdio>

namespace cairn::integration {

void PrintServerLog(const ServerProcess& server, size_t offset, std::string_view why) {
  std::string log = server.Log(offset);
  constexpr size_t kMaxShown = 64 * 1024;
  if (log.size() > kMaxShown) log = "...(cut)...\n" + log.substr(log.size() - kMaxShown);
  std::fprintf(stderr, "----- cairn server log (%.*s; %s) -----\n%s----- end of server log -----\n", int(why.size()),
               why.data(), server.log_path().c_str(), log.c_str());
}

void ServerTest::StartSharedServer(std::vector<std::string> extra_args) {
  extra_args_ = std::move(extra_args);
  start_error_.clear();
  auto started = ServerProcess::Start(extra_args_);
  if (!started) {
    start_error_ = started.error().ToString();
    server_.reset();
    return;
  }
  server_ = std::move(*started);
}

void ServerTest::TearDownTestSuite() { server_.reset(); }

void ServerTest::SetUp() {
  ASSERT_NE(server_, nullptr) << "the shared server did not start: " << start_error_;
  if (!server_->Running()) {
    Status restarted = server_->Restart();
    ASSERT_TRUE(restarted.ok()) << "could not restart the shared server: " << restarted.ToString();
  }
  log_offset_ = server_->LogSize();
  api_ = std::make_unique<Api>(server_->url());
}

void ServerTest::TearDown() {
  if (server_ == nullptr) return;
  if (!server_->Running()) {
    ADD_FAILURE() << "the cairn server is no longer running after this test";
    PrintServerLog(*server_, log_offset_, "server died");
    return;
  }
  if (HasFailure()) PrintServerLog(*server_, log_offset_, "test failed");
}

std::string ServerTest::UniqueName(std::string_view hint) {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return fmt::format("{}-{}-{}", hint, info ? info->test_suite_name() : "suite", counter.fetch_add(1));
}

std::string ServerTest::CreateExperiment(std::string_view hint) {
  std::string name = UniqueName(hint);
  Reply reply = api().Post("experiments/create", fmt::format(R"({{"name":"{}"}})", name));
  EXPECT_OK_JSON(reply);
  auto id = reply.json().Str("/experiment_id");
  EXPECT_TRUE(id.has_value()) << reply.Describe();
  return id.value_or("");
}

std::string ServerTest::CreateRun(const std::string& experiment_id, std::string_view extra_fields) {
  std::string body =
      fmt::format(R"({{"experiment_id":"{}"{}{}}})", experiment_id, extra_fields.empty() ? "" : ",", extra_fields);
  Reply reply = api().Post("runs/create", body);
  EXPECT_OK_JSON(reply);
  auto id = reply.json().Str("/run/info/run_id");
  EXPECT_TRUE(id.has_value()) << reply.Describe();
  return id.value_or("");
}

std::string ServerTest::GetRunJson(const std::string& run_id) {
  Reply reply = api().Get("runs/get", {{"run_id", run_id}});
  EXPECT_OK_JSON(reply);
  return reply.body;
}

}  // namespace cairn::integration
