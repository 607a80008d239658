// The Ed25519 key pair of RFC 8032 §7.1, TEST 1 (a published test vector, not a secret) as PEM:
// make_bundle_seeds signs its seed bundles with it and fuzz_bundle verifies under it, so a seed
// reaches every check behind the signature.
#pragma once

namespace css::fuzz {

inline constexpr char kRfc8032PrivatePem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";
inline constexpr char kRfc8032PublicPem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
    "-----END PUBLIC KEY-----\n";

}  // namespace css::fuzz
