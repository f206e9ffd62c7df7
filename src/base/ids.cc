#include "base/ids.h"

#include <array>
#include <cstdint>
#include <random>

namespace cairn {
namespace {

std::mt19937_64& ThreadRng() {
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }());
  return rng;
}

}  // namespace

std::string NewUuidHex() {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t hi = ThreadRng()();
  uint64_t lo = ThreadRng()();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                        // version 4
  lo = (lo & ~(0xC0ULL << 56)) | (0x80ULL << 56);            // RFC 4122 variant
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[15 - i] = kHex[(hi >> (4 * i)) & 0xF];
    out[31 - i] = kHex[(lo >> (4 * i)) & 0xF];
  }
  return out;
}

std::string NewRunName() {
  static constexpr std::array<const char*, 24> kAdjectives = {
      "amazing", "bold",   "brave",  "bright", "calm",    "clever", "crisp",  "dapper",
      "eager",   "fair",   "gentle", "glad",   "honest",  "jolly",  "keen",   "lucky",
      "merry",   "nimble", "placid", "proud",  "quiet",   "rare",   "sleek",  "witty"};
  static constexpr std::array<const char*, 24> kNouns = {
      "ant",   "bass",  "bear",   "carp",  "colt",   "crane", "deer",  "dove",
      "eel",   "finch", "fox",    "goat",  "hawk",   "heron", "lark",  "lynx",
      "mole",  "newt",  "otter",  "owl",   "quail",  "seal",  "snail", "wren"};
  auto& rng = ThreadRng();
  std::string name = kAdjectives[rng() % kAdjectives.size()];
  name += '-';
  name += kNouns[rng() % kNouns.size()];
  name += '-';
  name += std::to_string(rng() % 1000);
  return name;
}

}  // namespace cairn
