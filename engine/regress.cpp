#include "engine/regress.h"

#include <cctype>
#include <regex>
#include <sstream>

#include "game/user_error.h"

namespace descent::engine {

using game::UserError;

namespace {

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// Commands that set a position up: a failure skips the tests that follow,
// a success ends such a skip.
bool IsSetup(const std::string& command) {
  const std::string name = command.substr(0, command.find(' '));
  return name == "loadsgf" || name == "boardsize" || name == "clear_board";
}

}  // namespace

std::vector<RegressCommand> ParseRegressSuite(std::string_view text) {
  std::vector<RegressCommand> out;
  std::istringstream in{std::string(text)};
  std::string raw;
  int line = 0;
  bool last_numbered = false;  // the previous command is numbered and has no pattern yet
  while (std::getline(in, raw)) {
    ++line;
    const std::string s = Trim(raw);
    if (s.rfind("#?", 0) == 0) {
      if (!last_numbered) {
        throw UserError("line " + std::to_string(line) + ": an expected answer (#?) without a numbered command before it");
      }
      std::string p = Trim(std::string_view(s).substr(2));
      RegressCommand& test = out.back();
      if (!p.empty() && p[0] == '[') p.erase(0, 1);
      const size_t close = p.rfind(']');
      if (close != std::string::npos) {
        test.expect_failure = p.find('*', close) != std::string::npos;
        p.erase(close);
      }  // no "]": GNU Go's suites have a few; the rest of the line is the pattern
      if (!p.empty() && p[0] == '!') {
        test.negate = true;
        p.erase(0, 1);
      }
      test.pattern = p;
      last_numbered = false;
      continue;
    }
    if (s.empty() || s[0] == '#') continue;
    RegressCommand c;
    c.line = line;
    size_t digits = 0;
    while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) ++digits;
    if (digits > 0 && digits < s.size() && std::isspace(static_cast<unsigned char>(s[digits])) && digits <= 9) {
      c.id = std::stoi(s.substr(0, digits));
      c.command = Trim(std::string_view(s).substr(digits));
    } else {
      c.command = s;
    }
    last_numbered = c.id.has_value();
    out.push_back(std::move(c));
  }
  return out;
}

bool RegressMatches(const RegressCommand& test, const std::string& answer) {
  if (!test.pattern) return true;
  std::regex re;
  try {
    re = std::regex("^(?:" + *test.pattern + ")$", std::regex::ECMAScript | std::regex::icase);
  } catch (const std::regex_error& e) {
    throw UserError("line " + std::to_string(test.line) + ": the pattern " + game::Quoted(*test.pattern) +
                    " is not a regular expression (" + e.what() + ")");
  }
  return std::regex_match(Trim(answer), re) != test.negate;
}

const char* OutcomeName(RegressOutcome outcome) {
  switch (outcome) {
    case RegressOutcome::kPassed: return "passed";
    case RegressOutcome::kFailed: return "FAILED";
    case RegressOutcome::kUnexpectedPass: return "PASSED (expected to fail)";
    case RegressOutcome::kExpectedFailure: return "failed (expected)";
    case RegressOutcome::kSkipped: return "skipped";
  }
  return "?";
}

void RegressCounts::Add(RegressOutcome outcome) {
  switch (outcome) {
    case RegressOutcome::kPassed: ++passed; break;
    case RegressOutcome::kFailed: ++failed; break;
    case RegressOutcome::kUnexpectedPass: ++unexpected_passes; break;
    case RegressOutcome::kExpectedFailure: ++expected_failures; break;
    case RegressOutcome::kSkipped: ++skipped; break;
  }
}

std::vector<RegressResult> RunRegressSuite(GtpClient& engine, const std::vector<RegressCommand>& suite,
                                           const RegressParams& params) {
  std::vector<RegressResult> results;
  std::string setup_failure;  // why the tests are skipped now ("" when they are not)
  std::string dead;           // the engine died or hung: everything after is skipped
  for (const RegressCommand& c : suite) {
    const bool is_test = c.id && c.pattern;
    if (!dead.empty() || (is_test && !setup_failure.empty())) {
      if (is_test) results.push_back({c, RegressOutcome::kSkipped, dead.empty() ? setup_failure : dead});
      continue;
    }
    GtpReply reply;
    try {
      reply = engine.Send(c.command, params.timeout_seconds);
    } catch (const UserError& e) {
      dead = std::string("the engine stopped answering: ") + e.what();
      if (is_test) results.push_back({c, RegressOutcome::kSkipped, dead});
      continue;
    }
    if (!is_test) {
      if (IsSetup(c.command)) setup_failure = reply.ok ? "" : "set-up '" + c.command + "' failed: " + reply.text;
      continue;
    }
    if (!reply.ok) {
      std::string lower;
      for (char ch : reply.text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (lower.find("unknown command") != std::string::npos) {
        results.push_back({c, RegressOutcome::kSkipped, "unknown command"});
        continue;
      }
    }
    const std::string answer = reply.ok ? reply.text : "? " + reply.text;
    const bool pass = reply.ok && RegressMatches(c, reply.text);
    const RegressOutcome outcome = c.expect_failure ? (pass ? RegressOutcome::kUnexpectedPass : RegressOutcome::kExpectedFailure)
                                                    : (pass ? RegressOutcome::kPassed : RegressOutcome::kFailed);
    results.push_back({c, outcome, answer});
  }
  return results;
}

}  // namespace descent::engine
