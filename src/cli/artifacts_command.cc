// `cairn artifacts upload|download|list`: files of a run through the
// tracking server's mlflow-artifacts proxy.
#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "base/json_writer.h"
#include "cli/client_command_support.h"

namespace cairn::cli {
namespace {

namespace fs = std::filesystem;

// Which artifact root a command works on: a run's, or an explicit URI.
struct Target {
  std::string run_id;
  std::string artifact_uri;
};

void AddTargetOptions(CLI::App& command, Target& target) {
  auto* run = command.add_option("--run-id", target.run_id, "Run whose artifacts to use");
  auto* uri = command.add_option("--artifact-uri", target.artifact_uri,
                                 "Artifact root instead of a run's (mlflow-artifacts:/...)");
  run->excludes(uri);
  uri->excludes(run);
}

Result<std::string> ResolveArtifactRoot(const Target& target, const ClientFlags& flags) {
  if (!target.artifact_uri.empty()) return target.artifact_uri;
  if (target.run_id.empty()) return InvalidArgument("One of --run-id or --artifact-uri is required");
  CAIRN_ASSIGN_OR_RETURN(auto store, ConnectStore(flags));
  CAIRN_ASSIGN_OR_RETURN(auto run, store->GetRun(target.run_id));
  return run.info.artifact_uri;
}

struct UploadArgs {
  ClientFlags flags;
  Target target;
  std::string local_path;
  std::string artifact_path;
};

Status Upload(const UploadArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(std::string root, ResolveArtifactRoot(args.target, args.flags));
  CAIRN_ASSIGN_OR_RETURN(auto artifacts, ConnectArtifacts(args.flags));
  std::error_code ec;
  fs::path local(args.local_path);
  if (fs::is_directory(local, ec)) {
    CAIRN_RETURN_IF_ERROR(artifacts->UploadDirectory(root, local, args.artifact_path));
  } else {
    CAIRN_RETURN_IF_ERROR(artifacts->UploadFile(root, local, args.artifact_path));
  }
  std::string destination = args.artifact_path.empty() ? root : fmt::format("{}/{}", root, args.artifact_path);
  if (args.flags.json) {
    JsonWriter w;
    w.StartObject().Field("artifact_uri", destination).EndObject();
    PrintJson(w.view());
  } else {
    fmt::print("Uploaded {} to {}\n", args.local_path, destination);
  }
  return Status::Ok();
}

struct DownloadArgs {
  ClientFlags flags;
  Target target;
  std::string artifact_path;
  std::string dst_path = ".";
};

Status Download(const DownloadArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(std::string root, ResolveArtifactRoot(args.target, args.flags));
  CAIRN_ASSIGN_OR_RETURN(auto artifacts, ConnectArtifacts(args.flags));
  CAIRN_ASSIGN_OR_RETURN(fs::path local, artifacts->Download(root, args.artifact_path, args.dst_path));
  if (args.flags.json) {
    JsonWriter w;
    w.StartObject().Field("path", local.string()).EndObject();
    PrintJson(w.view());
  } else {
    fmt::print("{}\n", local.string());
  }
  return Status::Ok();
}

struct ListArgs {
  ClientFlags flags;
  Target target;
  std::string path;
};

Status List(const ListArgs& args) {
  CAIRN_ASSIGN_OR_RETURN(auto artifacts, ConnectArtifacts(args.flags));
  std::vector<client::FileInfo> files;
  if (!args.target.run_id.empty()) {
    // The tracking-side listing works whatever store holds the run's files.
    CAIRN_ASSIGN_OR_RETURN(files, artifacts->ListRunArtifacts(args.target.run_id, args.path));
  } else if (!args.target.artifact_uri.empty()) {
    CAIRN_ASSIGN_OR_RETURN(files, artifacts->List(args.target.artifact_uri, args.path));
  } else {
    return InvalidArgument("One of --run-id or --artifact-uri is required");
  }
  if (args.flags.json) {
    JsonWriter w;
    w.StartObject().Key("files").StartArray();
    for (const auto& f : files) {
      w.StartObject().Field("path", f.path).Field("is_dir", f.is_dir);
      if (f.file_size) w.Field("file_size", *f.file_size);
      w.EndObject();
    }
    w.EndArray().EndObject();
    PrintJson(w.view());
    return Status::Ok();
  }
  Table table({"PATH", "TYPE", "SIZE"});
  for (const auto& f : files) {
    table.AddRow({f.is_dir ? f.path + "/" : f.path, f.is_dir ? "dir" : "file",
                  f.file_size ? std::to_string(*f.file_size) : ""});
  }
  table.Print();
  return Status::Ok();
}

}  // namespace

void AddArtifactsCommand(CLI::App& app) {
  CLI::App* group = app.add_subcommand("artifacts", "Upload, download and list run artifacts");
  group->require_subcommand(1);

  auto upload = std::make_shared<UploadArgs>();
  CLI::App* upload_cmd = group->add_subcommand("upload", "Upload a file or a directory's contents");
  AddClientFlags(*upload_cmd, upload->flags);
  AddTargetOptions(*upload_cmd, upload->target);
  upload_cmd->add_option("local_path", upload->local_path, "File or directory to upload")->required();
  upload_cmd->add_option("--artifact-path", upload->artifact_path, "Directory below the artifact root");
  upload_cmd->callback([upload] { RunCommand(upload->flags, [&] { return Upload(*upload); }); });

  auto download = std::make_shared<DownloadArgs>();
  CLI::App* download_cmd =
      group->add_subcommand("download", "Download a file or directory; prints the local path");
  AddClientFlags(*download_cmd, download->flags);
  AddTargetOptions(*download_cmd, download->target);
  download_cmd->add_option("--artifact-path", download->artifact_path, "File or directory (default: everything)");
  download_cmd->add_option("--dst-path", download->dst_path, "Local directory to download into")
      ->capture_default_str();
  download_cmd->callback([download] { RunCommand(download->flags, [&] { return Download(*download); }); });

  auto list = std::make_shared<ListArgs>();
  CLI::App* list_cmd = group->add_subcommand("list", "List one directory level of artifacts");
  AddClientFlags(*list_cmd, list->flags);
  AddTargetOptions(*list_cmd, list->target);
  list_cmd->add_option("--path", list->path, "Directory below the artifact root");
  list_cmd->callback([list] { RunCommand(list->flags, [&] { return List(*list); }); });
}

}  // namespace cairn::cli
