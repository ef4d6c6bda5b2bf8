#pragma once
// Options declared once, next to the code that uses them: a table of
// (name, field of a plain Params struct, help, range, the reason for the
// default). The command line, --config files and RUN/config.ini are all
// bound from such a table (app/options_cli.h), so a search option is the
// same option, with the same range and default, in every subcommand
// (Leela Chess Zero's OptionsParser/OptionId in spirit). Modules receive the
// plain Params struct, never the parser. std only.

#include <cstdint>
#include <functional>
#include <type_traits>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace descent::game {

// The value type of a field accessor: std::function<int&(P&)> -> int.
template <class Fn>
struct OptionFieldType;
template <class T, class P>
struct OptionFieldType<std::function<T&(P&)>> {
  using type = T;
};

template <class Params>
class OptionTable {
 public:
  // Access to the field an option sets, given the Params it lives in.
  using Field = std::variant<std::function<int&(Params&)>, std::function<float&(Params&)>,
                             std::function<double&(Params&)>, std::function<bool&(Params&)>,
                             std::function<uint64_t&(Params&)>, std::function<std::string&(Params&)>>;
  struct Option {
    std::string name;    // the long name without dashes: "c-puct"
    std::string help;    // one line for --help
    double min = 0, max = 0;  // accepted range (numbers; min == max: any value)
    Field field;
  };

  // Declares an option bound to the data member `member` of Params.
  template <class T>
  OptionTable& Add(std::string name, T Params::*member, std::string help, double min = 0, double max = 0) {
    options_.push_back({std::move(name), std::move(help), min, max,
                        std::function<T&(Params&)>([member](Params& p) -> T& { return p.*member; })});
    return *this;
  }

  // Adds every option of `inner`, reached through `member` (a Params struct
  // held inside this one), optionally with a prefix on the names.
  template <class Inner>
  OptionTable& Include(Inner Params::*member, const OptionTable<Inner>& inner, const std::string& prefix = "") {
    for (const auto& o : inner.options()) {
      Option out{prefix + o.name, o.help, o.min, o.max, {}};
      std::visit(
          [&](const auto& get) {
            using T = typename OptionFieldType<std::decay_t<decltype(get)>>::type;
            out.field = std::function<T&(Params&)>([member, get](Params& p) -> T& { return get(p.*member); });
          },
          o.field);
      options_.push_back(std::move(out));
    }
    return *this;
  }

  const std::vector<Option>& options() const { return options_; }
  const Option* Find(const std::string& name) const {
    for (const auto& o : options_) {
      if (o.name == name) return &o;
    }
    return nullptr;
  }

 private:
  std::vector<Option> options_;
};

}  // namespace descent::game
