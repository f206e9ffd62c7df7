// One file of the embedded web UI. Kept free of other includes: the
// generated table of embedded files (web/CMakeLists.txt) includes it.
#pragma once

#include <span>
#include <string_view>

namespace cairn::frontends {

// Its path relative to the UI root ("index.html", "assets/index-3f2a.js")
// and its bytes, both with static storage.
struct StaticAsset {
  std::string_view path;
  std::string_view data;
};

// The files web/CMakeLists.txt embeds into the binary (library
// cairn_web_assets, written by cmake/EmbedWebAssets.cmake): the built UI, or
// a one-page placeholder when the build had no UI (CAIRN_BUILD_UI=OFF or no
// Node.js). Defined only in cairn_web_assets, which the server links.
std::span<const StaticAsset> EmbeddedWebAssets();

}  // namespace cairn::frontends
