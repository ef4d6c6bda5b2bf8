#include "game/komi_variants.h"

#include <cmath>
#include <cstdio>

#include "game/go.h"
#include "game/registry.h"
#include "game/user_error.h"

namespace descent::game {
namespace {

std::string Points(float komi) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(komi));
  return buf;
}

}  // namespace

KomiVariants::KomiVariants(const Game& base, float max_offset) : base_(base), max_offset_(max_offset) {
  if (!std::isfinite(max_offset) || max_offset < 0) {
    throw UserError("the komi range " + Points(max_offset) + " must be a finite number >= 0");
  }
  if (max_offset > 0 && !dynamic_cast<const GoGame*>(&base)) {
    throw UserError("komi randomisation is for Go; " + base.Spec() + " has no komi");
  }
}

float KomiVariants::AnyKomi(const Game& base) { return dynamic_cast<const GoGame*>(&base) ? 2000.0f : 0.0f; }

const Game& KomiVariants::WithKomi(float komi) {
  const auto* go = dynamic_cast<const GoGame*>(&base_);
  if (!go) throw UserError(base_.Spec() + " has no komi");
  if (komi == go->Komi()) return base_;
  if (!(std::fabs(komi - go->Komi()) <= max_offset_)) {
    throw UserError("komi " + Points(komi) + " is more than " + Points(max_offset_) + " from the run's komi " +
                    Points(go->Komi()));
  }
  std::lock_guard lock(mutex_);
  auto& variant = variants_[komi];
  // GoGame checks the komi (a half point in range).
  if (!variant) variant = std::make_unique<GoGame>(GoParams{go->Size(), komi, go->MaxGameLength()});
  return *variant;
}

const Game& KomiVariants::ForSpec(const std::string& spec) {
  if (spec == base_.Spec()) return base_;
  const std::unique_ptr<Game> named = MakeGame(spec);
  const auto* go = dynamic_cast<const GoGame*>(named.get());
  const auto* base = dynamic_cast<const GoGame*>(&base_);
  if (!go || !base || max_offset_ == 0 || go->Size() != base->Size() ||
      go->MaxGameLength() != base->MaxGameLength()) {
    throw UserError("'" + spec + "' is not " + base_.Spec() +
                    (max_offset_ > 0 ? " or it with a komi within " + Points(max_offset_) + " of " +
                                           Points(base->Komi())
                                     : ""));
  }
  return WithKomi(go->Komi());
}

}  // namespace descent::game
