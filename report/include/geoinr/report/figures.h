// SPDX-License-Identifier: MIT
// Figure descriptions as plain data (no Qt): what rasters/ and cli/ fill in. render.h draws them
// into QImages; writeFigurePng() writes them as PNG files.
#pragma once

#include <geoinr/report/roc.h>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace geoinr::report
{

/**
 * ROC curves on [0, 1] x [0, 1] with the chance diagonal. Up to kMaxDistinctCurves curves get
 * their own colour and a legend entry with their AUC; more are drawn as thin light lines under
 * one legend entry (count and AUC range). `highlighted` (e.g. meanRocCurve()) is drawn bold on top.
 */
struct RocFigure
{
    std::string title = "ROC curves";
    std::vector<RocCurve> curves;
    std::optional<RocCurve> highlighted;
    /** Legend: "<highlighted.label> (<highlightedAucName> 0.812)"; meanRocCurve() sets the mean
     *  of the curves' AUCs, hence the default. */
    std::string highlightedAucName = "mean AUC";
    std::string curvesLabel = "species"; ///< legend noun for many light curves
};

inline constexpr std::size_t kMaxDistinctCurves = 6;

/** One group of a histogram: counts per bin (all series have the same bins). */
struct HistogramSeries
{
    std::string label;
    std::vector<double> counts;
};

/**
 * Side-by-side bars per bin, one colour per series (series 0: presence colour, series 1: absence
 * colour, then the palette). Bins are equal over [lo, hi].
 */
struct HistogramFigure
{
    std::string title = "Scores";
    std::string xLabel = "predicted probability";
    double lo = 0.0, hi = 1.0;
    std::vector<HistogramSeries> series;
    /** Each series as a fraction of its own total (groups of very different sizes stay
     *  comparable); false plots raw counts. */
    bool normalise = true;
};

/** A lon/lat rectangle in WGS84 degrees. */
struct LonLatExtent
{
    double west = -180.0, east = 180.0, south = -90.0, north = 90.0;
};

/** A north-up lon/lat raster: values row-major from the north-west corner, NaN = nodata. */
struct ValueGrid
{
    std::size_t width = 0, height = 0;
    LonLatExtent extent;
    std::vector<double> values;
};

/** Points in WGS84 degrees. */
struct LonLatPoints
{
    std::vector<double> lon, lat;
};

/** How presences are marked on a map. */
enum class PresenceMarker
{
    Dot, ///< filled red dot with a white edge (on rasters)
    Ring ///< black ring around the point (on site maps, where the point itself is coloured)
};

/**
 * A map in an equirectangular projection whose x scale is cos(mid-latitude) (true shapes at the
 * centre of a regional map; plate carree for a global one), with a graticule, axis labels and a
 * Viridis colour bar of [vmin, vmax]. Layers, bottom to top: `grid` (a raster of predicted
 * values), `sites` coloured by `siteValues` (the "site map" of table-covariate models, where values
 * exist only at points), `outline` (edges of the grid cells where outline != 0, e.g. an expert
 * range), absences, presences.
 */
struct MapFigure
{
    std::string title;
    std::string valueLabel = "predicted probability";
    LonLatExtent extent;
    double vmin = 0.0, vmax = 1.0;
    ValueGrid grid;
    std::vector<std::uint8_t> outline; ///< empty, or one per grid cell
    std::string outlineLabel = "expert range";
    LonLatPoints sites;
    std::vector<double> siteValues;   ///< one per site
    std::string sitesLabel = "sites"; ///< legend: "<label> (n = N), coloured by value"
    LonLatPoints presences, absences;
    PresenceMarker presenceMarker = PresenceMarker::Dot;
    std::string presenceLabel = "presence", absenceLabel = "absence";
};

/** The smallest extent holding every point, widened by `padFraction` of its size on each side
 *  (at least 0.01 degree), clamped to the globe. */
LonLatExtent extentOfPoints(const std::vector<double>& lon, const std::vector<double>& lat,
                            double padFraction = 0.05);

using Figure = std::variant<RocFigure, HistogramFigure, MapFigure>;

/**
 * Draws `figure` and writes it as a PNG atomically ("<path>.tmp-<pid>" renamed). Creates a
 * QGuiApplication when needed (see render.h). Throws IoError naming the path when it cannot be
 * written.
 */
void writeFigurePng(const Figure& figure, const std::string& path);

} // namespace geoinr::report
