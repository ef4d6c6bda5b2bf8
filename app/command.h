#pragma once
// One `descent` subcommand. main.cpp lists them all in one explicit table.

#include <functional>

#include <CLI/CLI.hpp>

namespace descent::app {

// Runs a parsed subcommand; returns the process exit status.
using RunFn = std::function<int()>;

struct Command {
  const char* name;
  const char* summary;
  // Declares the subcommand's options on `sub` (bound to variables the
  // returned function owns) and returns the function that runs it.
  RunFn (*declare)(CLI::App* sub);
};

RunFn DeclareGames(CLI::App* sub);
RunFn DeclareSolve(CLI::App* sub);
RunFn DeclarePlayout(CLI::App* sub);
RunFn DeclareSgf(CLI::App* sub);
RunFn DeclareBench(CLI::App* sub);
RunFn DeclareTrain(CLI::App* sub);
RunFn DeclareReport(CLI::App* sub);
RunFn DeclareInspect(CLI::App* sub);
RunFn DeclareEval(CLI::App* sub);
RunFn DeclareStatus(CLI::App* sub);
RunFn DeclarePlay(CLI::App* sub);
RunFn DeclareGtp(CLI::App* sub);
RunFn DeclareMatch(CLI::App* sub);
RunFn DeclareRegress(CLI::App* sub);
RunFn DeclareSelfPlay(CLI::App* sub);
RunFn DeclareGui(CLI::App* sub);

}  // namespace descent::app
