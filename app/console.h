#pragma once
// What long-running subcommands share at the terminal: stopping cleanly on
// Ctrl-C / SIGTERM, and a status line that rewrites itself on a terminal
// and prints plain lines elsewhere.

#include <atomic>
#include <string>

namespace descent::app {

// Installs SIGINT and SIGTERM handlers that set the returned flag (instead
// of ending the process), so the caller can stop cleanly.
const std::atomic<bool>& StopOnInterrupt();
// Whether that flag is set (false before StopOnInterrupt).
bool Interrupted();

// Prints `line`: on a terminal over the previous one (a newline when
// `final`), elsewhere as a line of its own. Flushes.
void PrintStatusLine(const std::string& line, bool tty, bool final);

}  // namespace descent::app
