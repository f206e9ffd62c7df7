// `cairn`: one binary, subcommands. `cairn server` runs the platform; the
// client commands talk to a running server.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/client_commands.h"
#include "server/server_config.h"
#include "server/server_main.h"
#include "server/serve_main.h"

int main(int argc, char** argv) {
  CLI::App app{"cairn: experiment tracking, model registry, pipelines, tuning and serving in one binary"};
  app.require_subcommand(1);
  app.set_version_flag("--version", CAIRN_VERSION);

  cairn::server::ServerConfig server_config;
  CLI::App* server = app.add_subcommand("server", "Run the cairn server (MLflow-compatible REST API)");
  cairn::server::AddServerFlags(*server, server_config);

  cairn::server::ServeConfig serve_config;
  CLI::App* serve = app.add_subcommand("serve", "Serve a registered model over the inference protocols (OIP v2, KServe V1, MLflow /invocations)");
  cairn::server::AddServeFlags(*serve, serve_config);

  cairn::cli::AddClientCommands(app);

  CLI11_PARSE(app, argc, argv);
  if (server->parsed()) return cairn::server::RunServer(server_config);
  if (serve->parsed()) return cairn::server::RunServe(serve_config);
  return 0;
}
