#pragma once
// JSON from outside the process (weights file headers, HTTP bodies, game
// uploads) parsed with a nesting bound: nlohmann's parser itself is
// iterative, but a value nested 100,000 deep overflows the stack later
// (dump() for an error message, recursive walks). Everything Descent reads
// is a few levels deep.

#include <cmath>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "game/user_error.h"

namespace descent::net {

inline constexpr int kMaxJsonDepth = 32;

// The parser callback that refuses nesting deeper than kMaxJsonDepth.
inline bool RefuseDeepNesting(int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
  if (depth > kMaxJsonDepth) {
    throw nlohmann::json::other_error::create(501, "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels",
                                              nullptr);
  }
  return true;
}

// As nlohmann::json::parse(text) or parse(first, last); throws
// nlohmann::json::exception (like any other malformed input) when the text
// nests deeper than kMaxJsonDepth.
template <class Text>
nlohmann::json ParseBoundedJson(const Text& text) {
  return nlohmann::json::parse(text, RefuseDeepNesting);
}
template <class Iterator>
nlohmann::json ParseBoundedJson(Iterator first, Iterator last) {
  return nlohmann::json::parse(first, last, RefuseDeepNesting);
}

// The integer `v` when it is one within [lo, hi]; nlohmann::json::
// other_error otherwise. nlohmann's own get<int>() converts a float such as
// 1e300 with undefined behaviour.
inline int64_t BoundedInt(const nlohmann::json& v, int64_t lo, int64_t hi) {
  const bool integer = v.is_number_integer() && (!v.is_number_unsigned() || v.get<uint64_t>() <= INT64_MAX);
  if (!integer || v.get<int64_t>() < lo || v.get<int64_t>() > hi) {
    throw nlohmann::json::other_error::create(
        502, game::Quoted(v.dump()) + " is not an integer in " + std::to_string(lo) + ".." + std::to_string(hi), nullptr);
  }
  return v.get<int64_t>();
}

// The number `v` when it is a finite one within [lo, hi]; other_error
// otherwise (a double beyond float's range converts with undefined behaviour).
inline double BoundedNumber(const nlohmann::json& v, double lo, double hi) {
  if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < lo || v.get<double>() > hi) {
    throw nlohmann::json::other_error::create(
        503, game::Quoted(v.dump()) + " is not a number in " + std::to_string(lo) + ".." + std::to_string(hi), nullptr);
  }
  return v.get<double>();
}

}  // namespace descent::net
