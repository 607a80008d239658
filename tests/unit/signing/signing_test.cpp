// css::signing on real files: good signature, every kind of tampering, wrong key, missing
// .sig, garbage and wrong-algorithm PEM, and interoperability with the openssl CLI.
#include <gtest/gtest.h>
#include <unistd.h>

#include <sys/stat.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>

#include "css/signing/ed25519.hpp"

namespace css::signing {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}
std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}
void flip_byte(const fs::path& p, std::size_t at) {
  std::string s = slurp(p);
  ASSERT_LT(at, s.size());
  s[at] = static_cast<char>(s[at] ^ 0x01);
  write(p, s);
}
bool have_openssl_cli() {
  return std::system("openssl version >/dev/null 2>&1") == 0;
}

class SigningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("css-signing-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    model_ = dir_ / "model.csm";
    std::string bytes;
    for (int i = 0; i < 5000; ++i) bytes.push_back(static_cast<char>(i * 7));
    write(model_, bytes);
    ASSERT_TRUE(write_keypair(dir_ / "k.pem", dir_ / "k.pub"));
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_, model_;
};

TEST_F(SigningTest, GoodSignatureVerifiesAndIsRaw64Bytes) {
  ASSERT_TRUE(sign_file(model_, dir_ / "k.pem"));
  EXPECT_EQ(fs::file_size(signature_path(model_)), 64U);
  EXPECT_TRUE(verify_model_file(model_, dir_ / "k.pub"));
}

TEST_F(SigningTest, PrivateKeyIsOwnerOnly) {
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "k.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
}

TEST_F(SigningTest, FlippedModelByteFails) {
  ASSERT_TRUE(sign_file(model_, dir_ / "k.pem"));
  for (std::size_t at : {std::size_t{0}, std::size_t{2500}, std::size_t{4999}}) {
    flip_byte(model_, at);
    auto st = verify_model_file(model_, dir_ / "k.pub");
    ASSERT_FALSE(st) << "byte " << at;
    EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(st.error().message.find("does not match"), std::string::npos);
    flip_byte(model_, at);  // restore
  }
  EXPECT_TRUE(verify_model_file(model_, dir_ / "k.pub"));
}

TEST_F(SigningTest, FlippedSignatureByteFails) {
  ASSERT_TRUE(sign_file(model_, dir_ / "k.pem"));
  for (std::size_t at : {std::size_t{0}, std::size_t{31}, std::size_t{32}, std::size_t{63}}) {
    flip_byte(signature_path(model_), at);
    EXPECT_FALSE(verify_model_file(model_, dir_ / "k.pub")) << "byte " << at;
    flip_byte(signature_path(model_), at);
  }
}

TEST_F(SigningTest, TruncatedOrPaddedSignatureFailsNamingSize) {
  ASSERT_TRUE(sign_file(model_, dir_ / "k.pem"));
  const std::string sig = slurp(signature_path(model_));
  write(signature_path(model_), sig + "\n");
  auto st = verify_model_file(model_, dir_ / "k.pub");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("65 bytes"), std::string::npos) << st.error().message;
  write(signature_path(model_), "");
  EXPECT_FALSE(verify_model_file(model_, dir_ / "k.pub"));
}

TEST_F(SigningTest, WrongKeyFails) {
  ASSERT_TRUE(sign_file(model_, dir_ / "k.pem"));
  ASSERT_TRUE(write_keypair(dir_ / "other.pem", dir_ / "other.pub"));
  auto st = verify_model_file(model_, dir_ / "other.pub");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("other.pub"), std::string::npos);
}

TEST_F(SigningTest, MissingSignatureIsNotFoundNamingTheFile) {
  auto st = verify_model_file(model_, dir_ / "k.pub");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kNotFound);
  EXPECT_NE(st.error().message.find("model.csm.sig"), std::string::npos) << st.error().message;
}

TEST_F(SigningTest, GarbagePemIsRefusedNamingTheKey) {
  ASSERT_TRUE(sign_file(model_, dir_ / "k.pem"));
  const std::string garbage[] = {"", "hello",
                                 "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
                                 std::string(100000, 'x'), std::string("\0\xff\x01", 3)};
  for (const std::string& g : garbage) {
    write(dir_ / "bad.pub", g);
    auto st = verify_model_file(model_, dir_ / "bad.pub");
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(st.error().message.find("bad.pub"), std::string::npos) << st.error().message;
    write(dir_ / "bad.pem", g);
    EXPECT_FALSE(sign_file(model_, dir_ / "bad.pem"));
  }
  // A private key where the public one belongs is refused too.
  EXPECT_FALSE(verify_model_file(model_, dir_ / "k.pem"));
}

TEST_F(SigningTest, NonEd25519KeyIsRefused) {
  if (!have_openssl_cli()) GTEST_SKIP() << "SKIPPED: openssl CLI not installed";
  const std::string cmd = "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
                          (dir_ / "ec.pem").string() + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  auto st = sign_file(model_, dir_ / "ec.pem");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("expected Ed25519"), std::string::npos) << st.error().message;
}

TEST_F(SigningTest, InteroperatesWithOpensslCli) {
  if (!have_openssl_cli()) GTEST_SKIP() << "SKIPPED: openssl CLI not installed";
  const std::string d = dir_.string();
  // Their key, their signature -> our verify.
  ASSERT_EQ(std::system(("openssl genpkey -algorithm ed25519 -out " + d +
                         "/o.pem && openssl pkey -in " + d + "/o.pem -pubout -out " + d +
                         "/o.pub && openssl pkeyutl -sign -rawin -inkey " + d + "/o.pem -in " +
                         model_.string() + " -out " + model_.string() + ".sig")
                            .c_str()),
            0);
  EXPECT_TRUE(verify_model_file(model_, dir_ / "o.pub"));
  // Our signature with their key -> their verify.
  ASSERT_TRUE(sign_file(model_, dir_ / "o.pem"));
  EXPECT_EQ(std::system(("openssl pkeyutl -verify -rawin -pubin -inkey " + d + "/o.pub -in " +
                         model_.string() + " -sigfile " + model_.string() + ".sig >/dev/null")
                            .c_str()),
            0);
}

TEST_F(SigningTest, MissingModelOrKeyIsNotFound) {
  EXPECT_EQ(verify_model_file(dir_ / "none.csm", dir_ / "k.pub").error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(sign_file(model_, dir_ / "none.pem").error().code, ErrorCode::kNotFound);
}

// Issue 14: `citysafe model keygen --out-private model.csm` replaced the model (or an old
// private key, and with it every node's trust) with a new key, exit 0.
TEST_F(SigningTest, KeygenNeverOverwritesAFile) {
  const std::string model_bytes = slurp(model_);
  const std::string key_bytes = slurp(dir_ / "k.pem");
  for (const auto& [priv, pub] :
       {std::pair{model_, dir_ / "new.pub"}, std::pair{dir_ / "new.pem", dir_ / "k.pub"},
        std::pair{dir_ / "k.pem", dir_ / "k.pub"}}) {
    const Status st = write_keypair(priv, pub);
    ASSERT_FALSE(st.ok()) << priv << " " << pub;
    EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(st.error().message.find("exists; refusing to overwrite it"), std::string::npos)
        << st.error().message;
  }
  EXPECT_EQ(slurp(model_), model_bytes);
  EXPECT_EQ(slurp(dir_ / "k.pem"), key_bytes);
  EXPECT_FALSE(fs::exists(dir_ / "new.pem"));
  EXPECT_FALSE(fs::exists(dir_ / "new.pub"));
}

}  // namespace
}  // namespace css::signing
