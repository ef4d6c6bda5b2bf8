#include "app/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace descent::app {
namespace {

constexpr int kWidth = 700, kHeight = 360;
constexpr int kLeft = 70, kRight = 200, kTop = 40, kBottom = 50;
const char* const kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

std::string Number(double v) {
  char buf[32];
  if (std::fabs(v) >= 1000 && std::fabs(v) < 1e7) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else if (std::fabs(v) >= 1e7 || (std::fabs(v) < 1e-2 && v != 0)) {
    std::snprintf(buf, sizeof buf, "%.2g", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.3g", v);
  }
  return buf;
}

}  // namespace

std::string LinePlot(const PlotSpec& spec, const std::vector<Series>& series) {
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  size_t points = 0;
  for (const Series& s : series) {
    for (size_t i = 0; i < s.x.size(); ++i) {
      x0 = std::min(x0, s.x[i]), x1 = std::max(x1, s.x[i]);
      y0 = std::min(y0, s.lo.empty() ? s.y[i] : s.lo[i]);
      y1 = std::max(y1, s.hi.empty() ? s.y[i] : s.hi[i]);
      ++points;
    }
  }
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(kWidth) + "\" height=\"" +
                    std::to_string(kHeight) + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += "<text x=\"" + std::to_string(kWidth / 2) + "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" +
         Escape(spec.title) + "</text>\n";
  if (points == 0) {
    svg += "<text x=\"" + std::to_string(kWidth / 2) + "\" y=\"" + std::to_string(kHeight / 2) +
           "\" text-anchor=\"middle\" fill=\"#888\">no data yet</text>\n</svg>\n";
    return svg;
  }
  if (spec.y_range) y0 = spec.y_range->first, y1 = spec.y_range->second;
  if (x1 == x0) x1 = x0 + 1;
  if (y1 == y0) y1 = y0 + 1;
  const double pw = kWidth - kLeft - kRight, ph = kHeight - kTop - kBottom;
  const auto X = [&](double x) { return kLeft + (x - x0) / (x1 - x0) * pw; };
  const auto Y = [&](double y) { return kTop + (1 - (y - y0) / (y1 - y0)) * ph; };
  char buf[256];
  // Axes, ticks and grid.
  std::snprintf(buf, sizeof buf, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#444\"/>\n",
                kLeft, kTop, pw, ph);
  svg += buf;
  for (int i = 0; i <= 5; ++i) {
    const double xv = x0 + (x1 - x0) * i / 5, yv = y0 + (y1 - y0) * i / 5;
    std::snprintf(buf, sizeof buf,
                  "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#eee\"/>"
                  "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%s</text>\n",
                  X(xv), kTop, X(xv), kTop + ph, X(xv), kTop + ph + 16, Number(xv).c_str());
    svg += buf;
    std::snprintf(buf, sizeof buf,
                  "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                  "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                  kLeft, Y(yv), kLeft + pw, Y(yv), kLeft - 6, Y(yv) + 4, Number(yv).c_str());
    svg += buf;
  }
  std::snprintf(buf, sizeof buf, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", kLeft + pw / 2,
                kHeight - 10, Escape(spec.x_label).c_str());
  svg += buf;
  std::snprintf(buf, sizeof buf,
                "<text x=\"16\" y=\"%.0f\" text-anchor=\"middle\" transform=\"rotate(-90 16 %.0f)\">%s</text>\n",
                kTop + ph / 2, kTop + ph / 2, Escape(spec.y_label).c_str());
  svg += buf;
  // Series.
  for (size_t k = 0; k < series.size(); ++k) {
    const Series& s = series[k];
    const char* colour = kColours[k % 6];
    std::string path;
    for (size_t i = 0; i < s.x.size(); ++i) {
      std::snprintf(buf, sizeof buf, "%.1f,%.1f ", X(s.x[i]), Y(std::clamp(s.y[i], y0, y1)));
      path += buf;
      if (!s.lo.empty()) {
        std::snprintf(buf, sizeof buf, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" opacity=\"0.5\"/>\n",
                      X(s.x[i]), Y(std::clamp(s.lo[i], y0, y1)), X(s.x[i]), Y(std::clamp(s.hi[i], y0, y1)), colour);
        svg += buf;
      }
    }
    svg += "<polyline fill=\"none\" stroke=\"" + std::string(colour) + "\" stroke-width=\"2\" points=\"" + path + "\"/>\n";
    std::snprintf(buf, sizeof buf,
                  "<line x1=\"%.0f\" y1=\"%d\" x2=\"%.0f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>"
                  "<text x=\"%.0f\" y=\"%d\">%s</text>\n",
                  kLeft + pw + 10, kTop + 10 + 18 * static_cast<int>(k), kLeft + pw + 30,
                  kTop + 10 + 18 * static_cast<int>(k), colour, kLeft + pw + 35, kTop + 14 + 18 * static_cast<int>(k),
                  Escape(s.name).c_str());
    svg += buf;
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace descent::app
