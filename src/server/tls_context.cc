#include "server/tls_context.h"

// Asio needs <utility> before it with Boost 1.74 and g++ 12.
#include <utility>

#include <boost/asio/ssl/context.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <ctime>
#include <fstream>

#include <fmt/format.h>

namespace cairn::server {
namespace ssl = boost::asio::ssl;

namespace {

// TLS 1.2 suites with forward secrecy and authenticated encryption only
// (the "intermediate" profile most guides recommend); TLS 1.3 suites are
// OpenSSL's defaults, which are all of that kind already.
constexpr char kTls12Ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// The most recent OpenSSL error as text, for the message, and the queue
// cleared so the next step starts clean.
std::string TakeOpenSslError() {
  unsigned long code = ERR_peek_last_error();
  std::string text = "unknown error";
  if (code != 0) {
    if (const char* reason = ERR_reason_error_string(code)) {
      text = reason;
    } else {
      char buffer[256];
      ERR_error_string_n(code, buffer, sizeof(buffer));
      text = buffer;
    }
  }
  ERR_clear_error();
  return text;
}

Status KeyMismatch(const TlsFiles& files) {
  return InvalidArgument(fmt::format("--tls-key '{}' does not belong to the certificate in --tls-cert '{}'",
                                     files.key_file, files.cert_file));
}

Status Unreadable(const char* flag, const std::string& path) {
  return InvalidArgument(fmt::format("{} '{}' cannot be read (missing file or no permission)", flag, path));
}

std::string FormatAsn1Time(const ASN1_TIME* time) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(time, &tm) != 1) return "an unreadable date";
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buffer;
}

// OpenSSL asks for a passphrase on the terminal when a key is encrypted;
// a server must fail instead of waiting for input nobody gives.
int RefusePassphrase(char*, int, int, void*) { return 0; }

}  // namespace

Result<std::shared_ptr<ssl::context>> CreateServerTlsContext(const TlsFiles& files) {
  // Readability first: OpenSSL's own message for a missing file is "system
  // lib", which tells an operator nothing.
  if (!std::ifstream(files.cert_file)) return Unreadable("--tls-cert", files.cert_file);
  if (!std::ifstream(files.key_file)) return Unreadable("--tls-key", files.key_file);

  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  ERR_clear_error();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1) {
    return Internal("TLS: the cipher list was refused by OpenSSL", TakeOpenSslError());
  }
  SSL_CTX_set_default_passwd_cb(native, RefusePassphrase);

  if (SSL_CTX_use_certificate_chain_file(native, files.cert_file.c_str()) != 1) {
    return InvalidArgument(fmt::format("--tls-cert '{}' is not a PEM certificate ({})", files.cert_file,
                                       TakeOpenSslError()));
  }
  if (SSL_CTX_use_PrivateKey_file(native, files.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    // OpenSSL already compares the key with the certificate here.
    unsigned long code = ERR_peek_last_error();
    if (ERR_GET_LIB(code) == ERR_LIB_X509 && ERR_GET_REASON(code) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      return KeyMismatch(files);
    }
    return InvalidArgument(fmt::format("--tls-key '{}' is not an unencrypted PEM private key ({})", files.key_file,
                                       TakeOpenSslError()));
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    return KeyMismatch(files);
  }
  // Starting with a certificate every client rejects would look healthy to
  // the operator while nobody can connect.
  X509* cert = SSL_CTX_get0_certificate(native);
  if (cert == nullptr) return InvalidArgument(fmt::format("--tls-cert '{}' holds no certificate", files.cert_file));
  if (X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0) {
    return InvalidArgument(fmt::format("--tls-cert '{}' expired on {}", files.cert_file,
                                       FormatAsn1Time(X509_get0_notAfter(cert))));
  }
  if (X509_cmp_current_time(X509_get0_notBefore(cert)) >= 0) {
    return InvalidArgument(fmt::format("--tls-cert '{}' is not valid before {}", files.cert_file,
                                       FormatAsn1Time(X509_get0_notBefore(cert))));
  }
  return context;
}

}  // namespace cairn::server
