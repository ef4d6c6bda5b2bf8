#pragma once
// The worker <-> trainer protocol over HTTP/1.1, shared by the server
// (trainer/) and the client (selfplay/). All /v1 paths need the header
// "Authorization: Bearer TOKEN".
//
//   GET  /v1/network   newest weights file (application/octet-stream) with
//                      the headers below; ETag is its hash, so a request with
//                      If-None-Match: "HASH" gets 304 when nothing is new.
//   POST /v1/games     {"games": [game record, ...]} (selfplay/game_record.h),
//                      answered after the batch is committed:
//                      {"stored": N, "duplicates": D, "stale": S}.
//                      A batch with any invalid game stores nothing (422).
//   GET  /v1/selfplay  the self-play settings workers use (JSON), the search
//                      options among them ("search", selfplay/search_recipe.h).
//   GET  /v1/status    run, step, networks, games, workers, evaluation (JSON).
//   GET  /             the same as a page for a browser (no token needed).

namespace descent::selfplay::protocol {

inline constexpr const char* kNetworkPath = "/v1/network";
inline constexpr const char* kGamesPath = "/v1/games";
inline constexpr const char* kSelfPlayPath = "/v1/selfplay";
inline constexpr const char* kStatusPath = "/v1/status";

inline constexpr const char* kNetworkIdHeader = "X-Descent-Network-Id";
inline constexpr const char* kNetworkHashHeader = "X-Descent-Network-Hash";
inline constexpr const char* kGameHeader = "X-Descent-Game";
// Who sends: per-worker counts in the status.
inline constexpr const char* kWorkerHeader = "X-Descent-Worker";

}  // namespace descent::selfplay::protocol
