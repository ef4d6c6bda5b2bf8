#include "trainer/run_log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include "game/user_error.h"

namespace descent::trainer {

RunLog::RunLog(const std::filesystem::path& file) {
  try {
    auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(file.string(), /*truncate=*/false);
    logger_ = std::make_shared<spdlog::logger>("run", std::move(sink));
  } catch (const spdlog::spdlog_ex& e) {
    throw game::UserError("cannot write the run log " + file.string() + ": " + e.what());
  }
  logger_->set_pattern("%Y-%m-%d %H:%M:%S.%e %-4!l %v");
  // Every line reaches the file at once: a run killed with -9 keeps its log.
  logger_->flush_on(spdlog::level::info);
}

RunLog::~RunLog() = default;

void RunLog::Info(const std::string& line) { logger_->info(line); }
void RunLog::Warn(const std::string& line) { logger_->warn(line); }

}  // namespace descent::trainer
