#include "selfplay/search_recipe.h"

#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>

#include "mcts/search_options.h"
#include "net/bounded_json.h"

namespace descent::selfplay {

nlohmann::json SearchRecipeJson(const mcts::SearchParams& params) {
  nlohmann::json out = nlohmann::json::object();
  mcts::SearchParams copy = params;  // the table's accessors take a mutable struct
  for (const auto& option : mcts::SearchOptions().options()) {
    std::visit([&](const auto& get) { out[option.name] = get(copy); }, option.field);
  }
  return out;
}

void ApplySearchRecipe(const nlohmann::json& recipe, mcts::SearchParams* params) {
  if (!recipe.is_object()) {
    throw nlohmann::json::type_error::create(302, "the search recipe is not an object", nullptr);
  }
  mcts::SearchParams updated = *params;
  for (const auto& option : mcts::SearchOptions().options()) {
    if (!recipe.contains(option.name)) continue;
    const nlohmann::json& v = recipe.at(option.name);
    try {
      std::visit(
          [&](const auto& get) {
            auto& field = get(updated);
            using T = std::decay_t<decltype(field)>;
            const bool ranged = option.min < option.max;
            if constexpr (std::is_same_v<T, bool>) {
              if (!v.is_boolean()) throw nlohmann::json::type_error::create(302, v.dump() + " is not true or false", nullptr);
              field = v.get<bool>();
            } else if constexpr (std::is_same_v<T, int>) {
              field = static_cast<int>(net::BoundedInt(v, ranged ? static_cast<int64_t>(option.min) : INT32_MIN,
                                                       ranged ? static_cast<int64_t>(option.max) : INT32_MAX));
            } else if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
              field = static_cast<T>(net::BoundedNumber(v, ranged ? option.min : -3.0e38, ranged ? option.max : 3.0e38));
            } else {
              throw nlohmann::json::type_error::create(302, "an option of a type the recipe does not carry", nullptr);
            }
          },
          option.field);
    } catch (const nlohmann::json::exception& e) {
      throw nlohmann::json::other_error::create(501, "search option '" + option.name + "': " + e.what(), nullptr);
    }
  }
  *params = updated;
}

}  // namespace descent::selfplay
