// css::mqtt::Client: an MQTT v5 client over TLS (libmosquitto underneath; no libmosquitto type
// appears here). One Client = one session with one broker at a time, chosen from an ordered
// failover list.
//
// Threading: connect() starts ONE network thread owned by the Client; it runs the libmosquitto
// loop, keepalive, reconnection (full-jitter exponential backoff, next broker on each failed
// attempt) and every callback. All public methods are thread-safe. Callbacks run on the network
// thread, must return quickly, and must not call the blocking methods (connect, subscribe,
// wait_for_ack): those return an error when called from a callback. publish() and disconnect()
// may be called from callbacks.
//
// Delivery: QoS 0 and 1. publish() hands the message to the library and returns its MessageId;
// the broker's verdict arrives later through on_puback(mid, reason) or wait_for_ack(mid). A
// reason >= 0x80 (e.g. 135 when the ACL forbids the topic) means the broker did NOT take the
// message. The Client does not spool: publish() while disconnected is an error, and the caller
// (edge::Publisher's spool) replays after on_connected. QoS 1 messages already handed over when
// a connection drops are re-sent by libmosquitto after the reconnect (at-least-once).
//
// Held acknowledgements (Options::hold_acks_max_batch > 0; ingest's durability, see
// docs/ingest.md): libmosquitto 2.0 queues the PUBACK of an incoming QoS 1 message before
// on_message runs and has no manual-ack API. In this mode the network thread writes NOTHING to
// the broker while a delivered message is not yet released, so no PUBACK leaves before the
// consumer says the message is safe. Messages arrive in batches: the thread reads until
// hold_acks_max_batch messages are held or hold_acks_linger_ms passed since the first, then
// stops reading, calls on_batch_closed(id) and waits; release_batch(id) lets it write the
// batch's PUBACKs (and pings) and read on. A connection lost meanwhile loses those PUBACKs,
// so the broker redelivers the batch to the session: at-least-once, never acked-but-lost.
// On disconnect() with messages still held, the client leaves without a DISCONNECT.
//
// Security: TLS with CA verification and host-name check is mandatory (ca_file required);
// the client certificate and user/password are optional here, the broker decides.
// Errors: Status/Result with messages naming the broker and the cause; last_error() keeps the
// kind (Failure) of the latest connection failure. Times are in ms unless named _s.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/result.hpp"
#include "css/mqtt/backoff.hpp"
#include "css/mqtt/broker_address.hpp"

namespace css::mqtt {

using MessageId = int;  // 1..65535, reused after wrap-around

enum class Qos : std::uint8_t { kAtMostOnce = 0, kAtLeastOnce = 1 };

struct LastWill {  // published by the broker if the connection dies without a DISCONNECT
  std::string topic;
  std::string payload;
  Qos qos = Qos::kAtLeastOnce;
  bool retain = true;
};

// The MQTT version spoken. v3.1.1 is for brokers without v5 (RabbitMQ 3.10's MQTT plugin); it
// has no session expiry, receive maximum or reason codes (a refused PUBLISH closes the link).
enum class Protocol : std::uint8_t { kV5, kV311 };

struct Options {
  Protocol protocol = Protocol::kV5;
  std::string client_id;               // required; unique per broker (e.g. the device id)
  std::vector<BrokerAddress> brokers;  // required; tried in order, next one on each failure
  std::string ca_file;                 // required: PEM CA that signed the broker certificate
  std::string cert_file, key_file;     // optional client certificate (both or neither)
  std::string username, password;      // optional; the broker's password file decides
  std::uint16_t keepalive_s = 30;      // >= 5 (libmosquitto's minimum)
  bool clean_start = true;             // false: resume the session the broker kept
  std::uint32_t session_expiry_s = 0;  // how long the broker keeps the session after a drop
  std::optional<LastWill> will;
  std::uint32_t connect_timeout_ms = 5000;    // per broker: TCP + TLS + CONNACK
  std::uint32_t operation_timeout_ms = 5000;  // subscribe() waiting for its SUBACK
  BackoffPolicy backoff;                      // waits between failed attempts
  // connect() returns an error when a whole round over `brokers` failed. false: the Client
  // then stops; true: it keeps retrying in the background (a node that boots offline).
  bool keep_trying = false;
  // Held acknowledgements (above): 0 = off (PUBACK as libmosquitto sends it).
  std::size_t hold_acks_max_batch = 0;
  std::uint32_t hold_acks_linger_ms = 0;
  // MQTT v5 Receive Maximum: QoS 1 messages the broker may have unacknowledged at us;
  // 0 = libmosquitto's default (20). Bounds a held batch from the broker's side.
  std::uint16_t receive_maximum = 0;
};

struct Message {
  std::string topic;
  std::string payload;  // exact bytes, may contain NUL
  Qos qos = Qos::kAtMostOnce;
  bool retain = false;
};

struct Callbacks {  // all optional; each runs on the network thread
  std::function<void(const Message&)> on_message = nullptr;
  // QoS 1: the PUBACK's reason code; QoS 0: 0 once the message is written to the socket.
  std::function<void(MessageId, int reason_code)> on_puback = nullptr;
  std::function<void(const BrokerAddress&)> on_connected = nullptr;  // after each CONNACK success
  std::function<void(const std::string& why)> on_disconnected = nullptr;
  // Held acknowledgements: every message of batch `id` has been through on_message.
  std::function<void(std::uint64_t id)> on_batch_closed = nullptr;
};

enum class Failure {
  kNone,
  kConfig,          // Options invalid (missing CA file, bad id, ...)
  kDns,             // the host name does not resolve
  kRefused,         // nothing listens on host:port (TCP RST)
  kUnreachable,     // no TCP answer within connect_timeout_ms, or no route
  kTls,             // handshake failed: wrong CA, name mismatch, bad client certificate
  kAuth,            // CONNACK 134/135: bad user name or password, not authorized
  kBrokerRefused,   // any other CONNACK failure (banned, server unavailable, ...)
  kTimeout,         // TLS or MQTT handshake not finished within connect_timeout_ms
  kConnectionLost,  // an established connection dropped
};
const char* to_string(Failure failure);

struct ConnectionError {
  Failure kind = Failure::kNone;
  std::string message;  // names the broker and the cause
};

class Client {
 public:
  explicit Client(Options options, Callbacks callbacks = {});
  ~Client();  // disconnect(): clean DISCONNECT (the broker drops the will), thread joined
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Starts the network thread and waits until a broker accepts (Ok) or every broker failed
  // once (the error lists each). Bounded by brokers x connect_timeout_ms plus backoff waits.
  Status connect();
  // Clean DISCONNECT and thread stop; idempotent. The will is not published.
  void disconnect();

  bool connected() const;
  std::optional<BrokerAddress> current_broker() const;
  std::uint64_t connection_count() const;  // successful CONNACKs since construction
  ConnectionError last_error() const;

  // Queues one message; fails when disconnected or the topic/payload is invalid.
  Result<MessageId> publish(std::string_view topic, std::string_view payload, Qos qos,
                            bool retain = false);
  // Waits for the broker's verdict on `mid`: Ok for reason < 0x80, an error naming the reason
  // (e.g. "135 Not authorized") otherwise, or a timeout error. on_puback(mid) has run by the
  // time it returns. Each mid can be waited for once.
  Status wait_for_ack(MessageId mid, std::uint32_t timeout_ms);
  // Subscribes (also "$share/group/filter") and waits for the SUBACK; the subscription is
  // renewed after every reconnect. A forbidden filter may still be acknowledged (Mosquitto
  // then just delivers nothing).
  Status subscribe(std::string_view topic_filter, Qos qos);
  // Held acknowledgements: the messages of batch `id` are durable; their PUBACKs may go.
  // An id that is not the batch now held (e.g. from before a reconnect) is ignored.
  // Thread-safe, may be called from any thread including callbacks.
  void release_batch(std::uint64_t id);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace css::mqtt
