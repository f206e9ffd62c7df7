// ServerTest: gtest fixture for suites that share one real cairn server per
// test suite (started in SetUpTestSuite with the suite's extra flags).
//  * A test that fails gets the server log written since it began printed
//    after it, so a failure comes with the server's side of the story.
//  * A test after which the server is no longer running fails (the server
//    must survive anything a client sends); the next test gets a restarted
//    server on the same data, so one crash does not hide the other results.
// Tests share the server's data, so they create their own experiments with
// UniqueName() and never assume an empty store.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "integration/api.h"
#include "integration/server_process.h"

namespace cairn::integration {

class ServerTest : public ::testing::Test {
 protected:
  // Suites with extra server flags define their own SetUpTestSuite calling
  // StartSharedServer({...}).
  static void SetUpTestSuite() { StartSharedServer({}); }
  static void TearDownTestSuite();
  static void StartSharedServer(std::vector<std::string> extra_args);

  void SetUp() override;
  void TearDown() override;

  static ServerProcess& server() { return *server_; }
  Api& api() { return *api_; }

  // "<hint>-<suite>-<n>", unique within the test binary.
  static std::string UniqueName(std::string_view hint);
  // Creates an experiment (ASSERTs inside; check HasFatalFailure()).
  std::string CreateExperiment(std::string_view hint);
  // runs/create in `experiment_id` with `extra_fields` spliced into the JSON
  // object (e.g. R"("run_name":"a","start_time":5)"); returns the run_id.
  std::string CreateRun(const std::string& experiment_id, std::string_view extra_fields = {});
  // runs/get body, for before/after comparisons.
  std::string GetRunJson(const std::string& run_id);

 private:
  static inline std::unique_ptr<ServerProcess> server_;
  static inline std::string start_error_;
  static inline std::vector<std::string> extra_args_;
  std::unique_ptr<Api> api_;
  size_t log_offset_ = 0;
};

// Prints `server`'s log from `offset` to stderr, framed, for a failed test.
void PrintServerLog(const ServerProcess& server, size_t offset, std::string_view why);

}  // namespace cairn::integration
