// libFuzzer target for css::ingest::classify (topic + payload from the broker, untrusted):
// input = "<topic>\n<payload>". Any bytes give a record or a rejection (never a crash); a
// rejection has a reason code the store accepts and a dead letter bounded like the store's;
// an accepted event or flow re-encodes to a payload that classifies to the same record.
// Built from the ingest validators' sources alone (css_ingest needs libmosquitto and SQLite).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "css/ingest/validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto nl = in.find('\n');
  const std::string_view topic = in.substr(0, nl);
  const std::string_view payload = nl == std::string_view::npos ? "" : in.substr(nl + 1);
  constexpr double kNow = 1716040900.0;
  auto v = css::ingest::classify(topic, payload, kNow);
  if (const auto* r = std::get_if<css::ingest::Rejection>(&v)) {
    const auto d = css::ingest::dead_letter(*r, topic, payload, kNow);
    if (d.reason_code.empty() || d.reason_code.size() > css::store::kMaxReasonCodeChars ||
        d.payload.size() > css::store::kMaxDeadLetterPayloadBytes ||
        d.payload_size != size - topic.size() - (nl == std::string_view::npos ? 0 : 1))
      std::abort();
    return 0;
  }
  if (const auto* e = std::get_if<css::Event>(&v)) {
    auto again = css::ingest::classify(topic, css::to_json(*e), kNow);
    if (!std::holds_alternative<css::Event>(again) || !(std::get<css::Event>(again) == *e))
      std::abort();
  }
  if (const auto* f = std::get_if<css::FlowSummary>(&v)) {
    auto again = css::ingest::classify(topic, css::to_json(*f), kNow);
    if (!std::holds_alternative<css::FlowSummary>(again)) std::abort();
  }
  css::store::Batch batch;
  css::ingest::add_to_batch(batch, std::move(v), topic, payload, kNow);
  if (batch.empty()) std::abort();
  return 0;
}
