#pragma once
// The splitmix64 finaliser (Steele, Lea, Flood 2014): spreads any 64-bit key
// over all 64 bits. Used for position hashes and hash-derived choices.

#include <cstdint>

namespace descent::game {

inline uint64_t MixBits(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace descent::game
