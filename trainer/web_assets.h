#pragma once
// The run page's files (trainer/web/: the page, its script and style, and
// the pinned uPlot chart library), compiled into the binary so the page
// needs no network access and no files beside the binary. Generated at
// build time by trainer/web/embed.cmake.

#include <string_view>

namespace descent::trainer {

struct WebAsset {
  std::string_view name;  // file name, e.g. "inspect.js"
  std::string_view content_type;
  std::string_view text;
};

// The asset named `name`, or null.
const WebAsset* FindWebAsset(std::string_view name);

}  // namespace descent::trainer
