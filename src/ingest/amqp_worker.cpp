// The AMQP 0-9-1 source of ingest (css/ingest/amqp_worker.hpp), on rabbitmq-c (Debian
// librabbitmq). One thread: connect to a node, declare + bind + consume the quorum queue, read
// a batch, store it through the shared BatchCommitter, ack it (multiple=true), read on. Any
// connection or channel failure leaves the batch unacknowledged (RabbitMQ redelivers it; what
// was read is stored anyway, the repeats become duplicates) and fails over to the next node.
#include "css/ingest/amqp_worker.hpp"

#include <amqp.h>
#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>
#include <sys/time.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "batch_commit.hpp"

namespace css::ingest {
namespace {

using Clock = std::chrono::steady_clock;
constexpr amqp_channel_t kChannel = 1;

std::string text(amqp_bytes_t b) {
  return b.len == 0 ? std::string() : std::string(static_cast<const char*>(b.bytes), b.len);
}

amqp_bytes_t bytes_of(const std::string& s) {
  return amqp_cstring_bytes(s.c_str());
}

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

Error io_error(std::string message) {
  return Error{ErrorCode::kIo, std::move(message)};
}

// A failed rabbitmq-c call as one readable line (library status or the node's close reason).
std::string describe(const amqp_rpc_reply_t& r) {
  switch (r.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return "ok";
    case AMQP_RESPONSE_NONE:
      return "no reply from the node";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      return amqp_error_string2(r.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        const auto* m = static_cast<const amqp_connection_close_t*>(r.reply.decoded);
        return "the node closed the connection: " + std::to_string(m->reply_code) + " " +
               text(m->reply_text);
      }
      if (r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        const auto* m = static_cast<const amqp_channel_close_t*>(r.reply.decoded);
        return "the node closed the channel: " + std::to_string(m->reply_code) + " " +
               text(m->reply_text);
      }
      return "the node answered with an unexpected method";
  }
  return "unknown rabbitmq-c reply";
}

Status check(amqp_connection_state_t conn, const std::string& what) {
  const amqp_rpc_reply_t r = amqp_get_rpc_reply(conn);
  if (r.reply_type == AMQP_RESPONSE_NORMAL) return Ok{};
  return io_error(what + ": " + describe(r));
}

Status check_options(const AmqpOptions& o) {
  const auto bad = [](const std::string& m) {
    return make_error(ErrorCode::kInvalidArgument, "ingest (amqp): " + m);
  };
  if (o.nodes.empty()) return bad("no AMQP node given (expected HOST:PORT[,HOST:PORT...])");
  if (o.queue.empty() || o.queue.size() > 255) return bad("queue name must be 1-255 bytes");
  if (o.max_batch == 0 || o.max_batch > 65535) return bad("max_batch must be in [1, 65535]");
  if (o.cert_file.empty() != o.key_file.empty())
    return bad("client certificate and key go together (got only one)");
  if (!o.cert_file.empty() && o.ca_file.empty())
    return bad("a client certificate needs TLS (a CA file)");
  if (o.connect_timeout_ms == 0) return bad("connect_timeout_ms must be > 0");
  return Ok{};
}

}  // namespace

Result<std::vector<mqtt::BrokerAddress>> parse_amqp_nodes(std::string_view list, bool tls) {
  if (list.find_first_not_of(" \t,") == std::string_view::npos)
    return make_error(ErrorCode::kInvalidArgument,
                      "AMQP node list '" + std::string(list) + "' is empty; expected HOST:PORT");
  // An entry without a port gets the AMQP one (the MQTT parser would give 8883).
  std::string with_ports;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    std::string entry(list.substr(start, comma - start));
    const std::size_t close = entry.rfind(']');
    const std::size_t colon = entry.rfind(':');
    const bool has_port = colon != std::string::npos &&
                          (close == std::string::npos ? entry.find(':') == colon : colon > close);
    if (!has_port && entry.find_first_not_of(" \t") != std::string::npos)
      entry += ":" + std::to_string(tls ? kAmqpsPort : kAmqpPort);
    with_ports += (start == 0 ? "" : ",") + entry;
    start = comma + 1;
  }
  return mqtt::parse_broker_list(with_ports);
}

std::array<std::string, 4> amqp_binding_keys(std::string_view root) {
  std::array<std::string, 4> out;
  for (std::size_t i = 0; i < kTopicKindNames.size(); ++i)
    out[i] = topic_from_routing_key(root) + "." + std::string(kTopicKindNames[i]) + ".*";
  return out;
}

std::string topic_from_routing_key(std::string_view key) {
  std::string out(key);
  for (char& c : out) c = c == '.' ? '/' : c == '/' ? '.' : c;
  return out;
}

struct AmqpWorker::State {
  AmqpOptions opt;
  IngestMetrics& m;
  LogFn log;
  detail::BatchCommitter committer;
  amqp_connection_state_t conn = nullptr;
  std::size_t next_node = 0;  // where the next connection round starts

  State(AmqpOptions o, store::EventStore& s, IngestMetrics& metrics, LogFn l)
      : opt(std::move(o)), m(metrics), log(std::move(l)), committer(opt.topic_root, s, m, log) {}
  ~State() { close(false); }

  void say(const std::string& line) const {
    if (log) log(line);
  }
  Status connect_round();
  Status connect_to(const mqtt::BrokerAddress& node);
  Status open_socket(const mqtt::BrokerAddress& node);
  Status declare_and_consume();
  Status fill(std::vector<detail::Incoming>& msgs, std::uint64_t& last_tag,
              const std::atomic<bool>& stop);
  Status handle_other_frame();
  void close(bool graceful);
};

void AmqpWorker::State::close(bool graceful) {
  if (conn == nullptr) return;
  if (graceful) {
    amqp_channel_close(conn, kChannel, AMQP_REPLY_SUCCESS);
    amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
  }
  amqp_destroy_connection(conn);
  conn = nullptr;
  m.broker_connected = false;
  m.subscribed = false;
}

// One round over the nodes, starting after the node that failed last.
Status AmqpWorker::State::connect_round() {
  std::string why;
  for (std::size_t i = 0; i < opt.nodes.size(); ++i) {
    const auto& node = opt.nodes[(next_node + i) % opt.nodes.size()];
    auto st = connect_to(node);
    if (st) {
      next_node = (next_node + i) % opt.nodes.size();
      m.broker_connected = true;
      m.subscribed = true;
      say("consuming queue '" + opt.queue + "' on " + node.to_string());
      return Ok{};
    }
    close(false);
    why += (why.empty() ? "" : "; ") + st.error().message;
  }
  next_node = (next_node + 1) % opt.nodes.size();
  return io_error("no AMQP node took us: " + why);
}

Status AmqpWorker::State::open_socket(const mqtt::BrokerAddress& node) {
  conn = amqp_new_connection();
  if (conn == nullptr) return io_error("rabbitmq-c could not allocate a connection");
  const bool tls = !opt.ca_file.empty();
  amqp_socket_t* sock = tls ? amqp_ssl_socket_new(conn) : amqp_tcp_socket_new(conn);
  if (sock == nullptr) return io_error("rabbitmq-c could not create a socket");
  if (tls) {
    if (amqp_ssl_socket_set_cacert(sock, opt.ca_file.c_str()) != AMQP_STATUS_OK)
      return io_error("CA file '" + opt.ca_file + "' rejected");
    if (!opt.cert_file.empty() && amqp_ssl_socket_set_key(sock, opt.cert_file.c_str(),
                                                          opt.key_file.c_str()) != AMQP_STATUS_OK)
      return io_error("client certificate '" + opt.cert_file + "' or its key rejected");
    amqp_ssl_socket_set_verify_peer(sock, 1);
    amqp_ssl_socket_set_verify_hostname(sock, 1);
  }
  timeval tv = to_timeval(std::chrono::milliseconds(opt.connect_timeout_ms));
  amqp_set_handshake_timeout(conn, &tv);
  amqp_set_rpc_timeout(conn, &tv);
  const int rc = amqp_socket_open_noblock(sock, node.host.c_str(), node.port, &tv);
  if (rc != AMQP_STATUS_OK) {
    // rabbitmq-c keeps the socket's own error to itself: say what it can mean.
    const std::string cause = rc == AMQP_STATUS_SOCKET_ERROR
                                  ? "TCP connection failed (nothing listening there, or no route)"
                                  : std::string(amqp_error_string2(rc));
    return io_error(std::string(tls ? "amqps://" : "amqp://") + node.to_string() + ": " + cause);
  }
  return Ok{};
}

Status AmqpWorker::State::connect_to(const mqtt::BrokerAddress& node) {
  if (auto st = open_socket(node); !st) return st;
  const amqp_rpc_reply_t r =
      amqp_login(conn, opt.vhost.c_str(), 0, 131072, opt.heartbeat_s, AMQP_SASL_METHOD_PLAIN,
                 opt.username.c_str(), opt.password.c_str());
  if (r.reply_type != AMQP_RESPONSE_NORMAL)
    return io_error(node.to_string() + ": login as '" + opt.username + "': " + describe(r));
  amqp_channel_open(conn, kChannel);
  if (auto st = check(conn, node.to_string() + ": channel.open"); !st) return st;
  if (auto st = declare_and_consume(); !st)
    return io_error(node.to_string() + ": " + st.error().message);
  return Ok{};
}

// Idempotent: the same declaration from every worker and every restart.
Status AmqpWorker::State::declare_and_consume() {
  amqp_table_entry_t type;
  type.key = amqp_cstring_bytes("x-queue-type");
  type.value.kind = AMQP_FIELD_KIND_UTF8;
  type.value.value.bytes = amqp_cstring_bytes("quorum");
  const amqp_table_t args{1, &type};
  amqp_queue_declare(conn, kChannel, bytes_of(opt.queue), 0, 1, 0, 0, args);
  if (auto st = check(conn, "declaring quorum queue '" + opt.queue + "'"); !st) return st;
  for (const auto& key : amqp_binding_keys(opt.topic_root)) {
    amqp_queue_bind(conn, kChannel, bytes_of(opt.queue), amqp_cstring_bytes("amq.topic"),
                    bytes_of(key), amqp_empty_table);
    if (auto st = check(conn, "binding '" + key + "'"); !st) return st;
  }
  amqp_basic_qos(conn, kChannel, 0, static_cast<std::uint16_t>(opt.max_batch), 0);
  if (auto st = check(conn, "basic.qos"); !st) return st;
  amqp_basic_consume(conn, kChannel, bytes_of(opt.queue), amqp_empty_bytes, 0, 0, 0,
                     amqp_empty_table);
  return check(conn, "basic.consume on '" + opt.queue + "'");
}

// A frame that is no delivery: a close or a consumer cancel ends the connection; the rest is
// ignored.
Status AmqpWorker::State::handle_other_frame() {
  amqp_frame_t frame;
  if (const int rc = amqp_simple_wait_frame(conn, &frame); rc != AMQP_STATUS_OK)
    return io_error(amqp_error_string2(rc));
  if (frame.frame_type != AMQP_FRAME_METHOD) return Ok{};
  switch (frame.payload.method.id) {
    case AMQP_CHANNEL_CLOSE_METHOD: {
      const auto* c = static_cast<const amqp_channel_close_t*>(frame.payload.method.decoded);
      return io_error("the node closed the channel: " + text(c->reply_text));
    }
    case AMQP_CONNECTION_CLOSE_METHOD: {
      const auto* c = static_cast<const amqp_connection_close_t*>(frame.payload.method.decoded);
      return io_error("the node closed the connection: " + text(c->reply_text));
    }
    case AMQP_BASIC_CANCEL_METHOD:
      return io_error("the node cancelled our consumer (queue deleted or its leader lost)");
    default:
      return Ok{};
  }
}

// Reads deliveries until the batch is full, its delay has passed, or `stop`. An error means
// the connection is unusable; what was read then stays unacknowledged.
Status AmqpWorker::State::fill(std::vector<detail::Incoming>& msgs, std::uint64_t& last_tag,
                               const std::atomic<bool>& stop) {
  auto deadline = Clock::time_point::max();
  while (msgs.size() < opt.max_batch && !stop) {
    const auto now = Clock::now();
    if (!msgs.empty() && now >= deadline) break;
    const auto wait =
        msgs.empty()
            ? std::chrono::milliseconds(100)
            : std::max(std::chrono::milliseconds(1),
                       std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
    timeval tv = to_timeval(wait);
    amqp_maybe_release_buffers(conn);
    amqp_envelope_t env;
    const amqp_rpc_reply_t r = amqp_consume_message(conn, &env, &tv, 0);
    if (r.reply_type == AMQP_RESPONSE_NORMAL) {
      ++m.received;
      msgs.push_back({topic_from_routing_key(text(env.routing_key)), text(env.message.body),
                      mqtt::Qos::kAtLeastOnce, false});
      last_tag = env.delivery_tag;
      amqp_destroy_envelope(&env);
      if (msgs.size() == 1)
        deadline = Clock::now() + std::chrono::milliseconds(opt.max_batch_delay_ms);
      continue;
    }
    if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && r.library_error == AMQP_STATUS_TIMEOUT)
      continue;
    if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        r.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
      if (auto st = handle_other_frame(); !st) return st;
      continue;
    }
    return io_error(describe(r));
  }
  return Ok{};
}

AmqpWorker::AmqpWorker(AmqpOptions options, store::EventStore& store, IngestMetrics& metrics,
                       LogFn log)
    : state_(std::make_unique<State>(std::move(options), store, metrics, std::move(log))) {}

AmqpWorker::~AmqpWorker() = default;

Status AmqpWorker::run(const std::atomic<bool>& stop) {
  State& s = *state_;
  if (auto st = check_options(s.opt); !st) return st;
  if (auto st = s.connect_round(); !st) return st;
  std::uint32_t pause_ms = 100;
  Status outcome = Ok{};
  while (!stop) {
    if (s.conn == nullptr) {
      for (std::uint32_t slept = 0; slept < pause_ms && !stop; slept += 20)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (stop) break;
      if (auto st = s.connect_round(); !st) {
        s.say(st.error().message + " (retrying)");
        pause_ms = std::min<std::uint32_t>(pause_ms * 2, 5000);
        continue;
      }
      pause_ms = 100;
    }
    std::vector<detail::Incoming> msgs;
    std::uint64_t last_tag = 0;
    const Status read = s.fill(msgs, last_tag, stop);
    if (!read) {
      s.say("connection lost: " + read.error().message + " (" + std::to_string(msgs.size()) +
            " messages read since the last ack are stored anyway and will come again as "
            "duplicates)");
      s.close(false);
      s.next_node = (s.next_node + 1) % s.opt.nodes.size();
    }
    // What was read is stored even when the ack can no longer go: every delivery is then
    // either stored or counted as a duplicate (received == stored + duplicates + dead).
    if (!msgs.empty()) {
      if (auto st = s.committer.commit_until_ok(msgs, stop); !st) {
        outcome = st;  // stopping with a failing store: the batch stays in the queue
        break;
      }
      if (s.conn != nullptr && amqp_basic_ack(s.conn, kChannel, last_tag, 1) != AMQP_STATUS_OK) {
        s.say("ack of a stored batch did not reach the node (it will redeliver; stored once)");
        s.close(false);
      }
    }
  }
  s.close(true);
  return outcome;
}

}  // namespace css::ingest
