// citysafe model keygen|sign|verify: Ed25519 signatures of model files (css::signing), the
// integrity check of the secure model-update path (docs/deploy-raspberry-pi.md).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "cli_support.hpp"
#include "css/signing/ed25519.hpp"

namespace css::cli {
namespace {

struct SignOptions {
  std::string private_key;
  std::string public_key;
  std::string model;
};

int run_keygen(const SignOptions& o) {
  const OutputArg outs[] = {{"--out-private", o.private_key}, {"--out-public", o.public_key}};
  if (auto st = check_outputs(outs, {}); !st) return report(st.error());
  if (auto st = signing::write_keypair(o.private_key, o.public_key); !st) return report(st.error());
  std::cout << "wrote " << o.private_key << " (private, mode 0600: keep it off the devices) and "
            << o.public_key << " (public: install it on the devices)\n";
  return kExitOk;
}

int run_sign(const SignOptions& o) {
  if (auto st = signing::sign_file(o.model, o.private_key); !st) return report(st.error());
  std::cout << "wrote " << signing::signature_path(o.model).string() << "\n";
  return kExitOk;
}

// Any failure to verify is bad input (exit 2), including a missing .sig: the model must not
// be deployed. Only a failed read of an existing file is a run-time failure (exit 1).
int run_verify(const SignOptions& o) {
  if (auto st = signing::verify_model_file(o.model, o.public_key); !st) return report(st.error());
  std::cout << o.model << ": signature OK\n";
  return kExitOk;
}

}  // namespace

void add_model_sign(CLI::App& model, Runner& run) {
  auto o = std::make_shared<SignOptions>();

  auto* keygen = model.add_subcommand("keygen", "Make an Ed25519 key pair (PEM) to sign models");
  keygen->add_option("--out-private", o->private_key, "Private key to write (PKCS#8 PEM, 0600)")
      ->required();
  keygen->add_option("--out-public", o->public_key, "Public key to write (PEM)")->required();
  keygen->callback([o, &run] { run = [o] { return run_keygen(*o); }; });

  auto* sign = model.add_subcommand(
      "sign", "Write MODEL.sig: the raw 64-byte Ed25519 signature of the model's bytes");
  sign->add_option("--key", o->private_key, "Private key (PEM)")->required();
  sign->add_option("model", o->model, "Model file (.csm)")->required();
  sign->callback([o, &run] { run = [o] { return run_sign(*o); }; });

  auto* verify = model.add_subcommand(
      "verify", "Check MODEL.sig against a public key (exit 0 valid, 2 invalid or missing)");
  verify->add_option("--public", o->public_key, "Public key (PEM)")->required();
  verify->add_option("model", o->model, "Model file (.csm)")->required();
  verify->callback([o, &run] { run = [o] { return run_verify(*o); }; });
}

}  // namespace css::cli
