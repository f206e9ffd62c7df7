#include "auth/secrets.h"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sys/random.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace cairn::auth {
namespace {

constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64UrlEncode(std::string_view data) {
  std::string out;
  out.reserve((data.size() * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t v = (uint8_t(data[i]) << 16) | (uint8_t(data[i + 1]) << 8) | uint8_t(data[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kBase64Url[(v >> shift) & 63];
  }
  if (i + 1 == data.size()) {
    uint32_t v = uint8_t(data[i]) << 16;
    out += kBase64Url[(v >> 18) & 63];
    out += kBase64Url[(v >> 12) & 63];
  } else if (i + 2 == data.size()) {
    uint32_t v = (uint8_t(data[i]) << 16) | (uint8_t(data[i + 1]) << 8);
    for (int shift : {18, 12, 6}) out += kBase64Url[(v >> shift) & 63];
  }
  return out;
}

bool IsBase64Url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}
bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

constexpr size_t kTokenIdBytes = 8;
constexpr size_t kTokenSecretBytes = 32;
constexpr size_t kTokenSecretChars = 43;  // base64url of 32 bytes, unpadded

}  // namespace

Result<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  size_t filled = 0;
  while (filled < n) {
    ssize_t got = getrandom(out.data() + filled, n - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return Internal("The system random number generator failed.", std::strerror(errno));
    }
    filled += static_cast<size_t>(got);
  }
  return out;
}

Result<std::string> RandomToken(size_t n_bytes) {
  CAIRN_ASSIGN_OR_RETURN(std::string bytes, RandomBytes(n_bytes));
  return Base64UrlEncode(bytes);
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  std::string out;
  out.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char b : digest) out += fmt::format("{:02x}", b);
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

Result<TokenParts> ParseAccessToken(std::string_view token) {
  auto bad = [] { return Status(StatusCode::kUnauthenticated, "Malformed access token."); };
  constexpr std::string_view kPrefix = "cairn_";
  if (token.substr(0, kPrefix.size()) != kPrefix) return bad();
  token.remove_prefix(kPrefix.size());
  size_t kind_end = token.find('_');
  if (kind_end == std::string_view::npos) return bad();
  std::string_view kind = token.substr(0, kind_end);
  if (kind != "pat" && kind != "task") return bad();
  token.remove_prefix(kind_end + 1);
  if (token.size() != 2 * kTokenIdBytes + 1 + kTokenSecretChars || token[2 * kTokenIdBytes] != '_') return bad();
  std::string_view id = token.substr(0, 2 * kTokenIdBytes);
  std::string_view secret = token.substr(2 * kTokenIdBytes + 1);
  for (char c : id) {
    if (!IsLowerHex(c)) return bad();
  }
  for (char c : secret) {
    if (!IsBase64Url(c)) return bad();
  }
  return TokenParts{std::string(kind), std::string(id)};
}

Result<NewToken> GenerateAccessToken(std::string_view kind) {
  CAIRN_ASSIGN_OR_RETURN(std::string id_bytes, RandomBytes(kTokenIdBytes));
  CAIRN_ASSIGN_OR_RETURN(std::string secret, RandomToken(kTokenSecretBytes));
  NewToken out;
  for (unsigned char b : id_bytes) out.token_id += fmt::format("{:02x}", b);
  out.token = fmt::format("cairn_{}_{}_{}", kind, out.token_id, secret);
  out.hash = Sha256Hex(out.token);
  return out;
}

}  // namespace cairn::auth
