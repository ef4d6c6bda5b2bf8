#pragma once
// RUN/train.log: what a training run did, one timestamped line per event
// (start or resume, progress every 30 s, each network published, each
// evaluation, refused files, resignation calibration, stop), appended across
// restarts so the whole history of a run is in one file. spdlog stays behind
// this header.

#include <filesystem>
#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace descent::trainer {

class RunLog {
 public:
  // Opens (creates or appends to) `file`; throws game::UserError when it
  // cannot be written.
  explicit RunLog(const std::filesystem::path& file);
  ~RunLog();
  void Info(const std::string& line);
  void Warn(const std::string& line);

 private:
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace descent::trainer
