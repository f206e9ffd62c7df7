// The server's TLS settings: an OpenSSL context built from a PEM certificate
// chain and private key, checked completely before the listener starts so a
// bad file is a clear startup error, never a failed handshake later.
//
// Protocols: TLS 1.2 and 1.3 only. TLS 1.2 cipher suites are ECDHE key
// exchange with AEAD ciphers (AES-GCM, ChaCha20-Poly1305); TLS 1.3 uses
// OpenSSL's defaults (all AEAD). No compression, no renegotiation.
//
// Thread safety: the returned context is immutable after creation and shared
// by every I/O thread (OpenSSL 3 contexts are safe to share).
#pragma once

#include <memory>
#include <string>

#include "base/result.h"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace cairn::server {

struct TlsFiles {
  std::string cert_file;  // PEM: the server certificate, then any intermediates
  std::string key_file;   // PEM: its private key, unencrypted
};

// kInvalidArgument, naming the file and the problem, when a file is missing
// or unreadable, is not PEM, holds an encrypted key (it would prompt for a
// passphrase), the key does not belong to the certificate, or the
// certificate has expired or is not valid yet.
Result<std::shared_ptr<boost::asio::ssl::context>> CreateServerTlsContext(const TlsFiles& files);

}  // namespace cairn::server
