// A progress bar on standard error, drawn only when standard error is a terminal.
//
// Thread-safety: update() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

#include <unistd.h>

namespace vetan {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label)
      : label_(std::move(label)), enabled_(::isatty(STDERR_FILENO) != 0) {}
  ~ProgressBar() { finish(); }

  bool enabled() const { return enabled_; }

  void update(size_t done, size_t total) {
    if (!enabled_ || total == 0) return;
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (done < total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const int width = 40;
    const int filled = int(double(done) / double(total) * width);
    std::string bar(size_t(filled), '#');
    bar.resize(width, '.');
    std::fprintf(stderr, "\r%-10s [%s] %3d%%", label_.c_str(), bar.c_str(),
                 int(double(done) * 100 / double(total)));
    drawn_ = true;
  }

  void finish() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (drawn_) std::fputs("\r\033[K", stderr);
    drawn_ = false;
  }

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace vetan
