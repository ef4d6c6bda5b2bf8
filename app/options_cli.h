#pragma once
// Binds an option table (game/options.h) to a CLI11 subcommand: each option
// becomes --NAME (a bool: --NAME true|false and --no-NAME), with its range checked and
// the Params' current value shown as the default. --config files and
// RUN/config.ini read the same names (CLI11 config).

#include <sstream>
#include <string>
#include <type_traits>

#include <CLI/CLI.hpp>

#include "game/options.h"

namespace descent::app {

template <class Params>
void BindOptions(CLI::App* sub, const game::OptionTable<Params>& table, Params* params, const std::string& group) {
  for (const auto& o : table.options()) {
    std::visit(
        [&](const auto& get) {
          auto& field = get(*params);
          using T = std::remove_reference_t<decltype(field)>;
          CLI::Option* opt = sub->add_option("--" + o.name, field, o.help);
          if constexpr (std::is_same_v<T, bool>) {
            // --NAME true|false (what config files hold), and --no-NAME.
            CLI::Option* no = sub->add_flag_callback("--no-" + o.name, [&field] { field = false; }, "same as --" + o.name + " false");
            no->configurable(false);
            if (!group.empty()) no->group(group);
          } else if constexpr (std::is_arithmetic_v<T>) {
            if (o.min < o.max) opt->check(CLI::Range(static_cast<T>(o.min), static_cast<T>(o.max)));
          }
          opt->capture_default_str();
          if (!group.empty()) opt->group(group);
        },
        o.field);
  }
}

// The options of `params` that differ from a default-constructed Params, as
// command-line arguments (" --c-puct 2 --no-prune"): to hand the same
// settings to a child process (descent gtp started by eval or match).
template <class Params>
std::string OptionsAsArgs(const game::OptionTable<Params>& table, const Params& params) {
  Params ours = params, defaults{};
  std::string args;
  for (const auto& o : table.options()) {
    std::visit(
        [&](const auto& get) {
          const auto& value = get(ours);
          if (value == get(defaults)) return;
          using T = std::remove_cv_t<std::remove_reference_t<decltype(value)>>;
          if constexpr (std::is_same_v<T, bool>) {
            args += std::string(value ? " --" : " --no-") + o.name;
          } else if constexpr (std::is_same_v<T, std::string>) {
            args += " --" + o.name + " '" + value + "'";
          } else {
            std::ostringstream text;
            text.precision(9);
            text << value;
            args += " --" + o.name + " " + text.str();
          }
        },
        o.field);
  }
  return args;
}

}  // namespace descent::app
