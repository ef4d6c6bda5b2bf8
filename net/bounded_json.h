#pragma once
// JSON from outside the process (weights file headers, HTTP bodies, game
// uploads) parsed with a nesting bound: nlohmann's parser itself is
// iterative, but a value nested 100,000 deep overflows the stack later
// (dump() for an error message, recursive walks). Everything Descent reads
// is a few levels deep.

#include <string>

#include <nlohmann/json.hpp>

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

}  // namespace descent::net
