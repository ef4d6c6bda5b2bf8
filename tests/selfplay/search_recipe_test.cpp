#include "selfplay/search_recipe.h"

#include <gtest/gtest.h>

#include <string>

#include "mcts/search_options.h"

namespace descent::selfplay {
namespace {

TEST(SearchRecipe, CarriesEverySearchOptionThereAndBack) {
  mcts::SearchParams trainer;
  trainer.c_puct = 2.25f;
  trainer.fpu_reduction = -0.5f;
  trainer.noise_fraction = 0.1f;
  trainer.leaves_per_game = 3;
  trainer.prove_results = false;
  trainer.score_utility_weight = 0.3f;
  const nlohmann::json sent = SearchRecipeJson(trainer);
  EXPECT_EQ(sent.size(), mcts::SearchOptions().options().size());
  EXPECT_EQ(sent.at("c-puct"), 2.25);
  EXPECT_EQ(sent.at("prove"), false);
  // Through text, as the worker receives it.
  mcts::SearchParams worker;
  ApplySearchRecipe(nlohmann::json::parse(sent.dump()), &worker);
  EXPECT_EQ(worker.c_puct, 2.25f);
  EXPECT_EQ(worker.fpu_reduction, -0.5f);
  EXPECT_EQ(worker.noise_fraction, 0.1f);
  EXPECT_EQ(worker.leaves_per_game, 3);
  EXPECT_FALSE(worker.prove_results);
  EXPECT_EQ(worker.score_utility_weight, 0.3f);
  EXPECT_EQ(SearchRecipeJson(worker), sent);
}

TEST(SearchRecipe, AValueOfTheWrongTypeOrOutOfRangeIsRefusedAndChangesNothing) {
  for (const char* bad : {R"({"noise-fraction": 0.1, "c-puct": 1e300})", R"({"noise-fraction": 0.1, "c-puct": -1})",
                          R"({"noise-fraction": 0.1, "prove": 1})", R"({"noise-fraction": 0.1, "leaves-per-game": 2.5})",
                          R"({"noise-fraction": 0.1, "leaves-per-game": 0})", R"({"noise-fraction": 0.1, "c-puct": "2"})",
                          R"([1, 2])"}) {
    mcts::SearchParams params;
    const mcts::SearchParams before = params;
    try {
      ApplySearchRecipe(nlohmann::json::parse(bad), &params);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const nlohmann::json::exception& e) {
      const std::string what = e.what();
      if (std::string(bad).find("c-puct\": ") != std::string::npos) {
        EXPECT_NE(what.find("c-puct"), std::string::npos) << what;
      }
    }
    EXPECT_EQ(SearchRecipeJson(params), SearchRecipeJson(before)) << bad;
  }
}

TEST(SearchRecipe, NamesThisBuildDoesNotKnowAreLeftAlone) {
  mcts::SearchParams params;
  ApplySearchRecipe(nlohmann::json::parse(R"({"c-puct": 3, "a-newer-option": 7})"), &params);
  EXPECT_EQ(params.c_puct, 3.0f);
}

}  // namespace
}  // namespace descent::selfplay
