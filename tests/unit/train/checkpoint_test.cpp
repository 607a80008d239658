// Checkpoint files: a round trip keeps every value, the SHA-256 trailer catches any flipped byte
// (LibTorch itself does not check the zip CRC, so such a file used to load as another model),
// plain LibTorch archives written before the trailer still load, and a failed save leaves
// neither a partial file nor a temporary behind.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "checkpoint.hpp"
#include "css/nn/sha256.hpp"
#include "tcn.hpp"

namespace css::train {
namespace {

namespace fs = std::filesystem;

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("css-checkpoint-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    TcnConfig c;
    c.width = 8;
    c.dilations = {1, 2};
    c.convs_per_block = 1;
    c.window = 16;
    torch::manual_seed(5);
    model_ = Tcn(c);
    for (std::size_t i = 0; i < norm_.mean.size(); ++i) {
      norm_.mean[i] = 0.5f * static_cast<float>(i);
      norm_.std[i] = 1.0f + 0.25f * static_cast<float>(i);
    }
    calibration_ = torch::randn({3, 20, static_cast<std::int64_t>(norm_.mean.size())});
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> files() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }
  static std::string slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
  }
  static void put(const fs::path& p, const std::string& bytes) {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f << bytes;
  }
  Status save(const fs::path& p) {
    return save_checkpoint(p, model_, R"({"epoch":3})", norm_, calibration_);
  }

  fs::path dir_;
  Tcn model_{nullptr};
  features::Normalization norm_;
  torch::Tensor calibration_;
};

TEST_F(CheckpointTest, RoundTripKeepsEveryValue) {
  const fs::path p = dir_ / "best.pt";
  ASSERT_TRUE(save(p).ok());
  auto ck = load_checkpoint(p);
  ASSERT_TRUE(ck.ok()) << ck.error().message;
  EXPECT_EQ(ck->meta_json, R"({"epoch":3})");
  EXPECT_EQ(ck->norm.mean, norm_.mean);
  EXPECT_EQ(ck->norm.std, norm_.std);
  EXPECT_TRUE(torch::equal(ck->calibration, calibration_));
  const auto saved = model_->named_parameters();
  const auto loaded = ck->model->named_parameters();
  ASSERT_EQ(saved.size(), loaded.size());
  for (const auto& p_saved : saved)
    EXPECT_TRUE(torch::equal(p_saved.value(), loaded[p_saved.key()])) << p_saved.key();
  EXPECT_EQ(files(), std::vector<std::string>{"best.pt"});  // no temporary left
}

TEST_F(CheckpointTest, FileEndsWithTheSha256OfItsBytes) {
  const fs::path p = dir_ / "last.pt";
  ASSERT_TRUE(save(p).ok());
  const std::string bytes = slurp(p);
  ASSERT_GT(bytes.size(), kArchiveTrailerBytes);
  const std::size_t body = bytes.size() - kArchiveTrailerBytes;
  EXPECT_EQ(bytes.substr(body, sizeof kArchiveTrailerMagic),
            std::string(kArchiveTrailerMagic, sizeof kArchiveTrailerMagic));
  const auto digest =
      css::nn::Sha256::hash(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), body));
  EXPECT_EQ(bytes.substr(bytes.size() - digest.size()),
            std::string(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

// Bytes all over the file (zip headers, tensor data, the trailer) flipped one at a time: each
// copy is refused as corrupted, never loaded as a different model.
TEST_F(CheckpointTest, FlippedBytesAreRefusedAsCorrupted) {
  const fs::path good = dir_ / "good.pt";
  ASSERT_TRUE(save(good).ok());
  const std::string bytes = slurp(good);
  std::vector<std::size_t> positions;
  const std::size_t stride = std::max<std::size_t>(1, bytes.size() / 300);
  for (std::size_t i = 0; i < bytes.size(); i += stride) positions.push_back(i);
  for (std::size_t i = bytes.size() - kArchiveTrailerBytes; i < bytes.size(); ++i)
    positions.push_back(i);
  const fs::path bad = dir_ / "bad.pt";
  for (const std::size_t i : positions) {
    std::string copy = bytes;
    copy[i] = static_cast<char>(copy[i] ^ 0x01);
    put(bad, copy);
    auto ck = load_checkpoint(bad);
    ASSERT_FALSE(ck.ok()) << "byte " << i << " of " << bytes.size() << " flipped, still loaded";
    EXPECT_EQ(ck.error().code, ErrorCode::kInvalidArgument) << "byte " << i;
    EXPECT_NE(ck.error().message.find("checkpoint '" + bad.string() + "' is corrupted"),
              std::string::npos)
        << "byte " << i << ": " << ck.error().message;
    const bool in_magic = i >= bytes.size() - kArchiveTrailerBytes &&
                          i < bytes.size() - kArchiveTrailerBytes + sizeof kArchiveTrailerMagic;
    if (!in_magic) {
      EXPECT_NE(ck.error().message.find("(checksum mismatch)"), std::string::npos)
          << "byte " << i << ": " << ck.error().message;
    }
    EXPECT_EQ(ck.error().message.find('\n'), std::string::npos) << "one line";
  }
}

TEST_F(CheckpointTest, TruncatedFileIsRefused) {
  const fs::path p = dir_ / "cut.pt";
  ASSERT_TRUE(save(p).ok());
  const std::string bytes = slurp(p);
  for (const std::size_t keep :
       {std::size_t{0}, std::size_t{10}, bytes.size() / 2, bytes.size() - 1}) {
    put(p, bytes.substr(0, keep));
    auto ck = load_checkpoint(p);
    ASSERT_FALSE(ck.ok()) << keep << " bytes kept";
    EXPECT_NE(ck.error().message.find(p.string()), std::string::npos) << ck.error().message;
  }
}

// Checkpoints written before the trailer existed (a bare LibTorch zip) still load.
TEST_F(CheckpointTest, PlainLibTorchArchiveStillLoads) {
  const fs::path with_trailer = dir_ / "new.pt";
  ASSERT_TRUE(save(with_trailer).ok());
  const std::string bytes = slurp(with_trailer);
  const fs::path legacy = dir_ / "old.pt";
  put(legacy, bytes.substr(0, bytes.size() - kArchiveTrailerBytes));
  auto ck = load_checkpoint(legacy);
  ASSERT_TRUE(ck.ok()) << ck.error().message;
  EXPECT_EQ(ck->meta_json, R"({"epoch":3})");
}

// ... but not when a byte of a tensor in it changed: LibTorch itself ignores the zip CRCs,
// so without this check the legacy file would load as a different model.
TEST_F(CheckpointTest, PlainLibTorchArchiveWithAFlippedTensorByteIsRefused) {
  const fs::path with_trailer = dir_ / "new.pt";
  ASSERT_TRUE(save(with_trailer).ok());
  const std::string bytes = slurp(with_trailer);
  const std::string zip = bytes.substr(0, bytes.size() - kArchiveTrailerBytes);
  // The first member's data: after its 30-byte local header, name and extra field.
  const auto u16 = [&zip](std::size_t at) {
    return static_cast<std::size_t>(static_cast<unsigned char>(zip[at])) |
           static_cast<std::size_t>(static_cast<unsigned char>(zip[at + 1])) << 8;
  };
  ASSERT_EQ(zip.substr(0, 4), std::string("PK\x03\x04", 4));
  const std::size_t data = 30 + u16(26) + u16(28);
  const fs::path legacy = dir_ / "old.pt";
  for (const std::size_t i : {data, data + 1, data + 7}) {
    std::string copy = zip;
    copy[i] = static_cast<char>(copy[i] ^ 0x40);
    put(legacy, copy);
    auto ck = load_checkpoint(legacy);
    ASSERT_FALSE(ck.ok()) << "byte " << i << " flipped, still loaded";
    EXPECT_EQ(ck.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(ck.error().message.find("is corrupted (no checksum; zip: entry '"), std::string::npos)
        << ck.error().message;
    EXPECT_NE(ck.error().message.find("CRC mismatch"), std::string::npos) << ck.error().message;
  }
}

TEST_F(CheckpointTest, SavingOverAnExistingCheckpointReplacesItWhole) {
  const fs::path p = dir_ / "last.pt";
  put(p, "previous");
  ASSERT_TRUE(save(p).ok());
  EXPECT_TRUE(load_checkpoint(p).ok());
  EXPECT_EQ(files(), std::vector<std::string>{"last.pt"});
}

TEST_F(CheckpointTest, BadDestinationIsRefusedWithoutDebris) {
  fs::create_directories(dir_ / "best.pt");
  const Status into_dir = save(dir_ / "best.pt");
  ASSERT_FALSE(into_dir.ok());
  EXPECT_EQ(into_dir.error().code, ErrorCode::kInvalidArgument);
  const Status missing = save(dir_ / "missing" / "best.pt");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(files(), std::vector<std::string>{"best.pt"});  // only the directory made above
}

// A full disk (the file-size limit: write() fails with EFBIG, SIGXFSZ ignored, as ENOSPC on a
// full filesystem) is an I/O error; the previous checkpoint stays and no temporary is left.
TEST_F(CheckpointTest, FullDiskKeepsThePreviousCheckpointAndLeavesNoTemporary) {
  const fs::path p = dir_ / "last.pt";
  put(p, "previous");
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::alarm(60);  // never hang the suite
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit lim{1024, 1024};
    ::setrlimit(RLIMIT_FSIZE, &lim);
    const Status st = save(p);
    ::_exit(!st.ok() && st.error().code == ErrorCode::kIo ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "the child ended on a signal";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "save_checkpoint did not report the full disk as kIo";
  EXPECT_EQ(slurp(p), "previous");
  EXPECT_EQ(files(), std::vector<std::string>{"last.pt"});
}

}  // namespace
}  // namespace css::train
