// The TLS side of a connection for HttpServer: the stream type, the
// server handshake (with a guard against plain HTTP sent to the HTTPS port)
// and the close. The HTTP code itself is shared with plain connections
// (HttpServer's connection coroutine is a template over the stream), so
// plain HTTP pays nothing for TLS.
//
// Thread safety: like any Asio stream, one connection is driven by one
// thread (its worker's io_context).
#pragma once

// Asio needs <utility> before it with Boost 1.74 and g++ 12.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>

namespace cairn::server {

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// Completes the server handshake within `timeout` (a stalled or half-open
// handshake is dropped then, without holding up anything else on the
// worker). Returns false when the connection is to be closed: the
// handshake failed or timed out, or the client spoke plain HTTP — it gets a
// plain-text 400 telling it to use https:// before the close, as nginx does.
boost::asio::awaitable<bool> AcceptTls(TlsStream& stream, std::chrono::steady_clock::duration timeout);

// Sends close_notify and closes; waits briefly for the peer's answer (a
// client that never answers costs at most that wait).
boost::asio::awaitable<void> CloseTls(TlsStream& stream);

}  // namespace cairn::server
