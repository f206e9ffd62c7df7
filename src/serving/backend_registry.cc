#include <fmt/format.h>
#include <fmt/ranges.h>

#include "serving/model_backend.h"

namespace cairn::serving {

void BackendRegistry::Register(std::unique_ptr<ModelBackendFactory> factory) {
  factories_.push_back(std::move(factory));
}

std::vector<std::string> BackendRegistry::flavors() const {
  std::vector<std::string> out;
  for (const auto& f : factories_) out.push_back(f->flavor());
  return out;
}

Result<std::unique_ptr<ModelBackend>> BackendRegistry::Load(const std::filesystem::path& dir) const {
  CAIRN_ASSIGN_OR_RETURN(MlModel model, DescribeModelDir(dir));
  for (const auto& factory : factories_) {
    if (model.HasFlavor(factory->flavor())) return factory->Load(dir, model);
  }
  std::vector<std::string> flavors;
  for (const auto& [name, fields] : model.flavors) flavors.push_back(name);
  return Unimplemented(fmt::format("no backend can load flavor(s) [{}]; this server loads [{}]",
                                   fmt::join(flavors, ", "), fmt::join(this->flavors(), ", ")));
}

}  // namespace cairn::serving
