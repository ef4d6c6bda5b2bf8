#pragma once
// Minimal SVG line charts for run reports: axes with ticks, one polyline per
// series, optional error bars, a legend. No dependencies.

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace descent::app {

struct Series {
  std::string name;
  std::vector<double> x, y;
  std::vector<double> lo, hi;  // error bars (same length as y) or empty
};

struct PlotSpec {
  std::string title, x_label, y_label;
  std::optional<std::pair<double, double>> y_range;  // fixed range, else from the data
};

// An SVG document; a chart with no points says so instead of drawing axes.
std::string LinePlot(const PlotSpec& spec, const std::vector<Series>& series);

}  // namespace descent::app
