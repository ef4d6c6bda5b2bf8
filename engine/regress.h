#pragma once
// GNU Go's regression suites (.tst files) against any GTP engine, in the
// manner of GNU Go's regress.pike and GoGui's gogui-regress: every command is
// sent in order; a numbered command followed by a "#? [PATTERN]" line is a
// test whose answer must match PATTERN (a regular expression over the whole
// answer, case ignored; "!" before it negates it; a "*" after the "]" marks
// a failure the suite expects).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/gtp_client.h"

namespace descent::engine {

struct RegressCommand {
  int line = 0;               // 1-based line in the .tst file
  std::optional<int> id;      // the number before a numbered command
  std::string command;        // without the number
  // A test: the expected answer's pattern (without brackets or "!").
  std::optional<std::string> pattern;
  bool negate = false;
  bool expect_failure = false;  // "*" after the pattern
};

// The commands of a .tst file's text, in order. Comment and blank lines
// are dropped; a "#?" line attaches to the numbered command before it.
// Throws game::UserError (with the line) on a "#?" line without a numbered
// command before it.
std::vector<RegressCommand> ParseRegressSuite(std::string_view text);

// Whether `answer` matches the test's pattern (whole answer, case ignored),
// negated for "!". Throws game::UserError when the pattern is not a valid
// regular expression.
bool RegressMatches(const RegressCommand& test, const std::string& answer);

enum class RegressOutcome {
  kPassed,
  kFailed,
  kUnexpectedPass,   // passed a test marked "*"
  kExpectedFailure,  // failed a test marked "*"
  kSkipped,          // the engine does not know the command, or the set-up before it failed
};
const char* OutcomeName(RegressOutcome outcome);

struct RegressResult {
  RegressCommand test;
  RegressOutcome outcome = RegressOutcome::kSkipped;
  std::string answer;  // the engine's answer ("? ..." for an error), or why it was skipped
};

struct RegressCounts {
  int passed = 0, failed = 0, unexpected_passes = 0, expected_failures = 0, skipped = 0;
  int Run() const { return passed + failed + unexpected_passes + expected_failures; }
  int Passes() const { return passed + unexpected_passes; }
  void Add(RegressOutcome outcome);
};

struct RegressParams {
  double timeout_seconds = 120;  // per command: a 9x9 reg_genmove at 1,600 visits takes a few seconds
};

// Sends every command of `suite` to `engine` in order; one result per test.
// A failed set-up command (loadsgf of a missing file, an unsupported board
// size) skips the tests after it until the next set-up that succeeds. If the
// engine dies or hangs, the rest of the suite is skipped with the reason.
std::vector<RegressResult> RunRegressSuite(GtpClient& engine, const std::vector<RegressCommand>& suite,
                                           const RegressParams& params = {});

}  // namespace descent::engine
