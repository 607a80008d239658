#include "css/core/json_keys.hpp"

#include <nlohmann/json.hpp>
#include <set>
#include <vector>

namespace css {
namespace {

using nlohmann::json;

// A SAX handler that only tracks the keys of each open object (a stack of sets).
class KeyTracker : public nlohmann::json_sax<json> {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    open_.emplace_back();
    return true;
  }
  bool key(string_t& k) override {
    if (!open_.empty() && !open_.back().insert(k).second) {
      duplicate_ = k;
      return false;  // the first one is enough: stop walking
    }
    return true;
  }
  bool end_object() override {
    if (!open_.empty()) open_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }
  const std::string& duplicate() const { return duplicate_; }

 private:
  std::vector<std::set<std::string>> open_;
  std::string duplicate_;
};

}  // namespace

std::string first_duplicate_json_key(std::string_view text) {
  KeyTracker tracker;
  json::sax_parse(text.begin(), text.end(), &tracker, json::input_format_t::json, false);
  return tracker.duplicate();
}

}  // namespace css
