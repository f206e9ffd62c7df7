#include "server/tls_stream.h"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <string_view>

#include "base/logging.h"

namespace cairn::server {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

// Every TLS connection starts with a handshake record (content type 22).
constexpr unsigned char kTlsHandshakeRecord = 0x16;
constexpr auto kCloseTimeout = std::chrono::seconds(1);

constexpr std::string_view kPlainHttpBody =
    R"({"error_code": "BAD_REQUEST", "message": "This port serves HTTPS: use an https:// URL."})";
constexpr std::string_view kPlainHttpReply =
    "HTTP/1.1 400 Bad Request\r\n"
    "Server: cairn\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 88\r\n"
    "Connection: close\r\n"
    "\r\n"
    R"({"error_code": "BAD_REQUEST", "message": "This port serves HTTPS: use an https:// URL."})";
static_assert(kPlainHttpBody.size() == 88 && kPlainHttpReply.ends_with(kPlainHttpBody));

// An HTTP request line starts with a method token: upper-case letters.
bool LooksLikePlainHttp(unsigned char first) { return first >= 'A' && first <= 'Z'; }

}  // namespace

asio::awaitable<bool> AcceptTls(TlsStream& stream, std::chrono::steady_clock::duration timeout) {
  beast::tcp_stream& tcp = beast::get_lowest_layer(stream);
  boost::system::error_code ec;
  // One deadline for the whole handshake, sniff included: a client that
  // trickles bytes cannot extend it.
  tcp.expires_after(timeout);
  // Peek at the first bytes before OpenSSL sees them, to tell plain HTTP
  // (answered in plain text) from TLS; the bytes read are then handed to
  // the handshake, so nothing is lost.
  beast::flat_buffer sniffed;
  size_t n = co_await tcp.async_read_some(sniffed.prepare(4096), asio::redirect_error(asio::use_awaitable, ec));
  sniffed.commit(n);
  if (ec || n == 0) co_return false;
  unsigned char first = *static_cast<const unsigned char*>(sniffed.data().data());
  if (first != kTlsHandshakeRecord) {
    if (LooksLikePlainHttp(first)) {
      CAIRN_LOG(kDebug, "http", "plain HTTP on the HTTPS port: answered 400 and closed");
      co_await asio::async_write(tcp, asio::buffer(kPlainHttpReply.data(), kPlainHttpReply.size()),
                                 asio::redirect_error(asio::use_awaitable, ec));
    }
    tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    co_return false;
  }
  co_await stream.async_handshake(asio::ssl::stream_base::server, sniffed.data(),
                                  asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    // Old protocol versions, unknown ciphers, scanners: routine on a public
    // port, so only at debug level.
    CAIRN_LOG(kDebug, "http", "TLS handshake failed: {}", ec.message());
    co_return false;
  }
  co_return true;
}

asio::awaitable<void> CloseTls(TlsStream& stream) {
  boost::system::error_code ec;
  beast::get_lowest_layer(stream).expires_after(kCloseTimeout);
  co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
  beast::get_lowest_layer(stream).socket().close(ec);
}

}  // namespace cairn::server
