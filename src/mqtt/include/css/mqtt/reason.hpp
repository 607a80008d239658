// MQTT v5 reason codes (OASIS MQTT Version 5.0, section 2.4 "Reason Code", table 2-6) as the
// client reports them in PUBACK, SUBACK and CONNACK. A value >= 0x80 is a failure; for a
// publish it means the broker did NOT accept the message (e.g. 135 when the ACL forbids the
// topic) and must never be taken as delivered.
#pragma once

#include <cstdint>

namespace css::mqtt {

inline constexpr int kReasonSuccess = 0x00;
inline constexpr int kReasonNoMatchingSubscribers = 0x10;  // 16: accepted, nobody subscribed
inline constexpr int kReasonUnspecifiedError = 0x80;       // 128
inline constexpr int kReasonBadUserNameOrPassword = 0x86;  // 134
inline constexpr int kReasonNotAuthorized = 0x87;          // 135
inline constexpr int kReasonServerUnavailable = 0x88;      // 136
inline constexpr int kReasonBanned = 0x8A;                 // 138
inline constexpr int kReasonQuotaExceeded = 0x97;          // 151

// True for reason codes that report a failure (section 2.4: 0x80 and above).
constexpr bool is_failure(int reason_code) {
  return reason_code >= 0x80;
}

// The specification's name for a reason code ("Not authorized"), or "Unknown reason code".
const char* reason_name(int reason_code);

}  // namespace css::mqtt
