// The project's charts, built as report::Figure from its artefacts: sensor sequences of a
// recording, scenario overlays, the confusion matrix and per-class F1 of a metrics.json, the
// training curves of a train_metrics.json, flow fields and hotspot maps from GeoJSON.
//
// Inputs are untrusted bytes (files a user names): every parser returns a Result whose error
// names the source and the field ("metrics.json: engine_int8.confusion: expected 8×8 numbers").
// GeoJSON: a FeatureCollection; flows are Point features with numeric properties vx, vy (m/s,
// east and north); hotspots are Polygon (or MultiPolygon: first ring of each) features with a
// numeric property z, count or class (the first present is the colour). Coordinates are WGS-84
// lon, lat and are drawn in metres east/north of the collection's centre.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/recording.hpp"
#include "css/core/result.hpp"
#include "css/report/figure.hpp"

namespace css::report {

// Channels of a sequence plot: acc (x, y, z), acc_norm, gyro (x, y, z), spl, speed (GNSS).
std::span<const std::string_view> sequence_channels();

// One panel per channel over time, risky onsets marked. Error: unknown channel (kInvalidArgument).
Result<Figure> sequence_figure(const Recording& recording, std::span<const std::string> channels,
                               std::string title);

// |acc| − g, gyro norm and GNSS speed of several recordings over their first `seconds`, one
// colour per recording (labelled by its scenario).
Figure overlay_figure(std::span<const Recording> recordings, double seconds);

// Confusion matrix (row-normalised %, counts in the title) and per-class F1 (float vs int8)
// from a metrics.json written by `citysafe export` or `citysafe eval`. `which` picks the block
// ("engine_int8"); eval's top-level confusion is used when the file has no such block.
Result<Figure> confusion_figure(std::string_view metrics_json, std::string_view source,
                                std::string_view which = "engine_int8");

// Loss, validation macro-F1 and learning rate per epoch from train_metrics.json (`history`).
Result<Figure> training_figure(std::string_view log_json, std::string_view source);

Result<Figure> flows_figure(std::string_view geojson, std::string_view source);
Result<Figure> hotspots_figure(std::string_view geojson, std::string_view source);

}  // namespace css::report
