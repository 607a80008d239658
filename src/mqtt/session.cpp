// libmosquitto set-up and the C callbacks that feed Client::Impl. Everything here runs on the
// network thread except setup(), which connect() calls once.
#include <fstream>

#include "client_impl.hpp"
#include "css/mqtt/reason.hpp"

namespace css::mqtt {
namespace {

Client::Impl& self(void* obj) {
  return *static_cast<Client::Impl*>(obj);
}

void on_connect(mosquitto*, void* obj, int reason, int, const mosquitto_property*) {
  auto& s = self(obj);
  const std::lock_guard lock(s.mu);
  s.connack_reason = reason;
}

void on_publish(mosquitto*, void* obj, int mid, int reason, const mosquitto_property*) {
  auto& s = self(obj);
  // The user's callback first: once wait_for_ack(mid) returns, on_puback(mid) has run.
  if (s.cb.on_puback) s.cb.on_puback(mid, reason);
  {
    const std::lock_guard lock(s.acks_mu);
    if (auto it = s.acks.find(mid); it != s.acks.end()) it->second = reason;
  }
  s.acks_cv.notify_all();
}

void on_subscribe(mosquitto*, void* obj, int mid, int count, const int* granted,
                  const mosquitto_property*) {
  auto& s = self(obj);
  {
    const std::lock_guard lock(s.acks_mu);
    // One filter per SUBSCRIBE: granted[0] is its QoS (< 0x80) or a failure reason code.
    if (auto it = s.subacks.find(mid); it != s.subacks.end()) {
      it->second = count > 0 ? granted[0] : kReasonUnspecifiedError;
    }
  }
  s.acks_cv.notify_all();
}

void on_message(mosquitto*, void* obj, const mosquitto_message* m, const mosquitto_property*) {
  auto& s = self(obj);
  if (m == nullptr) return;
  if (s.opt.hold_acks_max_batch > 0) {  // its PUBACK is queued; held until release_batch
    const std::lock_guard lock(s.hold_mu);
    if (s.held_count++ == 0) s.held_since = std::chrono::steady_clock::now();
  }
  if (!s.cb.on_message) return;
  Message out;
  out.topic = m->topic != nullptr ? m->topic : "";
  if (m->payload != nullptr && m->payloadlen > 0) {
    out.payload.assign(static_cast<const char*>(m->payload),
                       static_cast<std::size_t>(m->payloadlen));
  }
  out.qos = m->qos >= 1 ? Qos::kAtLeastOnce : Qos::kAtMostOnce;
  out.retain = m->retain;
  s.cb.on_message(out);
}

void on_log(mosquitto*, void* obj, int level, const char* line) {
  if ((level & (MOSQ_LOG_ERR | MOSQ_LOG_WARNING)) == 0 || line == nullptr) return;
  auto& s = self(obj);
  const std::lock_guard lock(s.log_mu);
  s.lib_error = line;  // e.g. "OpenSSL Error[0]: ... certificate verify failed"
}

// MQTT 5 section 1.5.5: the largest Variable Byte Integer, hence the largest payload.
constexpr std::size_t kMaxPayloadBytes = 268'435'455;

Error config_error(const std::string& what) {
  return make_error(ErrorCode::kInvalidArgument, "mqtt options: " + what);
}

bool readable(const std::string& path) {
  return std::ifstream(path).good();
}

Status check_options(const Options& o) {
  // MQTT 5 section 3.1.3.1: servers must accept 1-23 characters and may accept more;
  // Mosquitto does. 256 is our own bound.
  if (o.client_id.empty() || o.client_id.size() > 256) {
    return config_error("client_id must be 1-256 characters");
  }
  if (o.brokers.empty()) return config_error("brokers is empty; expected at least one HOST:PORT");
  if (o.ca_file.empty()) return config_error("ca_file is required (TLS is always on)");
  if (!readable(o.ca_file)) return config_error("ca_file '" + o.ca_file + "' cannot be read");
  if (o.cert_file.empty() != o.key_file.empty()) {
    return config_error("cert_file and key_file go together (got only one)");
  }
  for (const auto* f : {&o.cert_file, &o.key_file}) {
    if (!f->empty() && !readable(*f)) return config_error("'" + *f + "' cannot be read");
  }
  if (o.keepalive_s < 5) return config_error("keepalive_s must be >= 5");
  if (o.connect_timeout_ms == 0) return config_error("connect_timeout_ms must be > 0");
  if (o.will && (o.will->topic.empty() || o.will->topic.find_first_of("+#") != std::string::npos)) {
    return config_error("will topic '" + o.will->topic + "' must be non-empty, no wildcards");
  }
  if (o.will && o.will->payload.size() > kMaxPayloadBytes) {
    return config_error("will payload is larger than MQTT's 268435455 bytes");
  }
  return Ok{};
}

}  // namespace

Status Client::Impl::setup() {
  static std::once_flag lib_once;
  std::call_once(lib_once, [] { mosquitto_lib_init(); });  // process lifetime, never cleaned
  if (auto ok = check_options(opt); !ok) return ok;
  mosq = mosquitto_new(opt.client_id.c_str(), opt.clean_start, this);
  if (mosq == nullptr) return config_error("libmosquitto could not create a client");
  mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION,
                       opt.protocol == Protocol::kV5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311);
  // Our own network thread drives the loop; libmosquitto then only queues packets (PUBACKs
  // included) and our loop writes them, which is what held acknowledgements rely on.
  mosquitto_threaded_set(mosq, true);
  if (opt.receive_maximum > 0) {
    mosquitto_int_option(mosq, MOSQ_OPT_RECEIVE_MAXIMUM, opt.receive_maximum);
  }
  const char* cert = opt.cert_file.empty() ? nullptr : opt.cert_file.c_str();
  const char* key = opt.key_file.empty() ? nullptr : opt.key_file.c_str();
  if (int rc = mosquitto_tls_set(mosq, opt.ca_file.c_str(), nullptr, cert, key, nullptr)) {
    return config_error("TLS files rejected: " + std::string(mosquitto_strerror(rc)));
  }
  if (!opt.username.empty()) {
    const char* pw = opt.password.empty() ? nullptr : opt.password.c_str();
    if (int rc = mosquitto_username_pw_set(mosq, opt.username.c_str(), pw)) {
      return config_error("username rejected: " + std::string(mosquitto_strerror(rc)));
    }
  }
  if (opt.will) {
    const auto& w = *opt.will;
    if (int rc =
            mosquitto_will_set_v5(mosq, w.topic.c_str(), static_cast<int>(w.payload.size()),
                                  w.payload.data(), static_cast<int>(w.qos), w.retain, nullptr)) {
      return config_error("last will rejected: " + std::string(mosquitto_strerror(rc)));
    }
  }
  if (opt.session_expiry_s > 0 && opt.protocol == Protocol::kV5) {
    mosquitto_property_add_int32(&connect_props, MQTT_PROP_SESSION_EXPIRY_INTERVAL,
                                 opt.session_expiry_s);
  }
  mosquitto_connect_v5_callback_set(mosq, on_connect);
  mosquitto_publish_v5_callback_set(mosq, on_publish);
  mosquitto_subscribe_v5_callback_set(mosq, on_subscribe);
  mosquitto_message_v5_callback_set(mosq, on_message);
  mosquitto_log_callback_set(mosq, on_log);
  return Ok{};
}

Client::Impl::Impl(Options options, Callbacks callbacks)
    : opt(std::move(options)), cb(std::move(callbacks)), backoff(opt.backoff) {}

Client::Impl::~Impl() {
  if (mosq != nullptr) mosquitto_destroy(mosq);
  mosquitto_property_free_all(&connect_props);
}

}  // namespace css::mqtt
