// The one model loader, on real files: a model round-trips with its bytes; a missing file, a
// directory, a corrupted byte and an oversized file are refused naming the file.
#include "css/modelrun/loaded_model.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "css/nn/format.hpp"
#include "css/nn/model_writer.hpp"

namespace css::modelrun {
namespace {

class LoadedModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "css-modelrun-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::filesystem::path write(const std::string& name, const std::vector<std::uint8_t>& bytes) {
    const auto p = dir_ / name;
    std::ofstream f(p, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
    EXPECT_TRUE(f.flush());
    return p;
  }
  std::filesystem::path dir_;
};

TEST_F(LoadedModelTest, LoadsAFileAndKeepsItsBytes) {
  const auto bytes = nn::build_default_random_model(3);
  const auto path = write("m.csm", bytes);
  auto m = LoadedModel::load(path);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->name(), path.string());
  EXPECT_EQ(m->file_bytes(), bytes.size());
  ASSERT_EQ(m->bytes().size(), bytes.size());
  EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), m->bytes().begin()));
  EXPECT_EQ(m->model().window(), 128u);
  EXPECT_EQ(checksum_text(m->model()).size(), 7u + 64u);
  // Moving keeps the view valid (the heap buffer moves with it).
  LoadedModel moved = std::move(*m);
  EXPECT_EQ(moved.model().num_classes(), 8u);
  EXPECT_EQ(moved.bytes().size(), bytes.size());
}

TEST_F(LoadedModelTest, MissingFileAndDirectoryNameThePath) {
  auto missing = LoadedModel::load(dir_ / "nope.csm");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("nope.csm"), std::string::npos);
  auto directory = LoadedModel::load(dir_);
  ASSERT_FALSE(directory);
  EXPECT_NE(directory.error().message.find(dir_.string()), std::string::npos);
}

TEST_F(LoadedModelTest, CorruptByteIsRefusedNamingFileAndField) {
  auto bytes = nn::build_default_random_model(3);
  bytes[bytes.size() / 2] ^= 0x40;
  const auto path = write("bad.csm", bytes);
  auto m = LoadedModel::load(path);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, ErrorCode::kParse);
  EXPECT_NE(m.error().message.find("bad.csm: not a valid model: "), std::string::npos)
      << m.error().message;
  EXPECT_NE(m.error().message.find("field '"), std::string::npos) << m.error().message;
}

TEST_F(LoadedModelTest, OversizedFileIsRefusedBeforeReading) {
  const auto path = dir_ / "huge.csm";
  { std::ofstream f(path, std::ios::binary); }
  std::filesystem::resize_file(path, nn::format::kMaxFileBytes + 1);  // sparse: no disk used
  auto m = LoadedModel::load(path);
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("larger than any model"), std::string::npos)
      << m.error().message;
}

}  // namespace
}  // namespace css::modelrun
