// sd_notify into a real AF_UNIX datagram socket bound as NOTIFY_SOCKET (what systemd does).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "css/edge_health/systemd_notify.hpp"

namespace css::edge_health {
namespace {

class NotifySocket : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("css-notify-" + std::to_string(::getpid()) + ".sock");
    std::filesystem::remove(path_);
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM, 0);
    ASSERT_GE(fd_, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path_.c_str(), sizeof a.sun_path - 1);
    ASSERT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    timeval tv{2, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    ::close(fd_);
    std::filesystem::remove(path_);
  }
  std::string receive() {
    char buf[512];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }
  std::filesystem::path path_;
  int fd_ = -1;
};

TEST_F(NotifySocket, SendsReadyWatchdogStatusStopping) {
  ::setenv("WATCHDOG_USEC", "30000000", 1);
  SystemdNotifier n;
  ASSERT_TRUE(n.enabled());
  EXPECT_EQ(n.watchdog_interval(), std::chrono::seconds(15));
  ASSERT_TRUE(n.ready());
  EXPECT_EQ(receive(), "READY=1");
  ASSERT_TRUE(n.watchdog());
  EXPECT_EQ(receive(), "WATCHDOG=1");
  ASSERT_TRUE(n.status("serving on 127.0.0.1:8081\nsecond line dropped"));
  EXPECT_EQ(receive(), "STATUS=serving on 127.0.0.1:8081");
  ASSERT_TRUE(n.stopping());
  EXPECT_EQ(receive(), "STOPPING=1");
}

TEST_F(NotifySocket, NoWatchdogWithoutWatchdogUsec) {
  SystemdNotifier n;
  EXPECT_TRUE(n.enabled());
  EXPECT_EQ(n.watchdog_interval().count(), 0);
}

TEST_F(NotifySocket, VanishedSocketIsIoError) {
  SystemdNotifier n;
  ::close(fd_);
  std::filesystem::remove(path_);
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM, 0);
  auto st = n.ready();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kIo);
}

TEST(SystemdNotifier, NoOpWithoutNotifySocket) {
  ::unsetenv("NOTIFY_SOCKET");
  SystemdNotifier n;
  EXPECT_FALSE(n.enabled());
  EXPECT_TRUE(n.ready());
  EXPECT_TRUE(n.watchdog());
  EXPECT_EQ(n.watchdog_interval().count(), 0);
}

}  // namespace
}  // namespace css::edge_health
