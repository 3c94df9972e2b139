// SPDX-License-Identifier: MIT
// Figures drawn into QImages, checked by pixels at positions computed from the data: curves in
// their colour where the data put them, bars as tall as their counts, map points and raster cells
// where their lon/lat are, the colour bar's ends in Viridis's end colours.
#include <geoinr/core/error.h>
#include <geoinr/report/render.h>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace
{

namespace report = geoinr::report;

/** Largest per-channel difference. */
int colourDistance(QColor a, QColor b)
{
    return std::max({std::abs(a.red() - b.red()), std::abs(a.green() - b.green()),
                     std::abs(a.blue() - b.blue())});
}

QColor pixelAt(const QImage& image, QPointF p)
{
    return image.pixelColor(static_cast<int>(std::floor(p.x())),
                            static_cast<int>(std::floor(p.y())));
}

TEST(Viridis, EndsAndMiddleAreMatplotlibs)
{
    EXPECT_EQ(report::viridis(0.0), QColor(0x44, 0x01, 0x54));
    EXPECT_EQ(report::viridis(1.0), QColor(0xfd, 0xe7, 0x25));
    EXPECT_EQ(report::viridis(0.5), QColor(0x21, 0x91, 0x8c));
    EXPECT_EQ(report::viridis(-3.0), report::viridis(0.0));
    EXPECT_EQ(report::viridis(7.0), report::viridis(1.0));
    // Halfway between stops 0.2 (65,68,135) and 0.3 (53,95,141), rounded.
    EXPECT_EQ(report::viridis(0.25), QColor(59, 82, 138));
}

report::RocCurve perfectCurve(const std::string& label)
{
    return report::rocCurve({1, 1, 0, 0}, {4, 3, 2, 1}, label); // (0,0) (0,.5) (0,1) (.5,1) (1,1)
}

TEST(RocFigure, PerfectClassifierRunsThroughTheTopLeftCorner)
{
    report::RocFigure fig;
    fig.curves = {perfectCurve("perfect")};
    const auto r = report::renderRoc(fig);
    ASSERT_FALSE(r.image.isNull());
    const auto colour = report::seriesColour(0);
    // Along the top edge (tpr = 1) and up the left edge (fpr = 0), near the corner.
    for (double x : {0.02, 0.1, 0.3})
    {
        EXPECT_LE(colourDistance(pixelAt(r.image, r.frame.toPixel(x, 1.0)), colour), 10) << x;
    }
    for (double y : {0.6, 0.9, 0.98})
    {
        EXPECT_LE(colourDistance(pixelAt(r.image, r.frame.toPixel(0.0, y)), colour), 10) << y;
    }
    // Well under the curve and off the diagonal: background, not the curve.
    EXPECT_GT(colourDistance(pixelAt(r.image, r.frame.toPixel(0.62, 0.33)), colour), 100);
    // The plot is square.
    EXPECT_EQ(r.frame.area.width(), r.frame.area.height());
}

TEST(RocFigure, HighlightedMeanIsDrawnOnTopOfManyLightCurves)
{
    report::RocFigure fig;
    for (int i = 0; i < 8; ++i)
    {
        fig.curves.push_back(perfectCurve("s" + std::to_string(i)));
    }
    fig.highlighted = report::meanRocCurve(fig.curves, "mean");
    const auto r = report::renderRoc(fig);
    EXPECT_LE(
        colourDistance(pixelAt(r.image, r.frame.toPixel(0.2, 1.0)), report::highlightColour()), 10);
    // A light curve alone (no mean over it): the chance-level curve of a 9th figure.
    report::RocFigure light;
    for (int i = 0; i < 8; ++i)
    {
        light.curves.push_back(report::rocCurve({1, 0}, {0, 0}, "chance"));
    }
    light.curves.push_back(perfectCurve("p"));
    const auto l = report::renderRoc(light);
    // A 1 px line on a pixel boundary covers two rows by half: the light blue blended with the
    // white background, still bluer than any grey (the light colour is (150, 175, 205)).
    const auto top = pixelAt(l.image, l.frame.toPixel(0.4, 1.0));
    EXPECT_GE(top.blue() - top.red(), 20) << top.name().toStdString();
    const auto below = pixelAt(l.image, l.frame.toPixel(0.4, 0.8));
    EXPECT_LT(below.blue() - below.red(), 5) << below.name().toStdString();
}

/** Pixels of `colour` in the image column through x, counted up from the plot's bottom. */
double columnHeight(const report::RenderedFigure& r, double x, QColor colour)
{
    const int col = static_cast<int>(std::floor(x));
    int count = 0;
    for (int y = static_cast<int>(r.frame.area.bottom()) - 1; y >= r.frame.area.top(); --y)
    {
        if (colourDistance(r.image.pixelColor(col, y), colour) <= 2)
        {
            ++count;
        }
    }
    return count;
}

TEST(HistogramFigure, BarHeightsAreProportionalToCounts)
{
    report::HistogramFigure fig;
    fig.normalise = false;
    fig.series = {{"presence", {2, 4, 0, 8}}, {"absence", {6, 3, 1, 0}}};
    const auto r = report::renderHistogram(fig);
    const auto& f = r.frame;
    // Counts up to 8: the y axis ends on a round tick at or above 8.
    ASSERT_GE(f.yMax, 8.0);
    ASSERT_LT(f.yMax, 11.0);
    const double binWidth = f.area.width() / 4.0;
    const double barWidth = binWidth * 0.85 / 2.0;
    const std::vector<std::vector<double>> counts = {{2, 4, 0, 8}, {6, 3, 1, 0}};
    const QColor colours[] = {report::presenceColour(), report::absenceColour()};
    for (std::size_t s = 0; s < 2; ++s)
    {
        for (std::size_t b = 0; b < 4; ++b)
        {
            const double centre = f.area.left() + static_cast<double>(b) * binWidth +
                                  binWidth * 0.075 + (static_cast<double>(s) + 0.5) * barWidth;
            const double expected = counts[s][b] / f.yMax * f.area.height();
            EXPECT_NEAR(columnHeight(r, centre, colours[s]), expected, 1.5)
                << "series " << s << " bin " << b;
        }
    }
    // Normalised: each series as a fraction of its total (presence 2/14, absence 6/10).
    fig.normalise = true;
    const auto n = report::renderHistogram(fig);
    const double c0 = n.frame.area.left() + binWidth * 0.075 + 0.5 * barWidth;
    const double c1 = c0 + barWidth;
    EXPECT_NEAR(columnHeight(n, c0, report::presenceColour()),
                2.0 / 14.0 / n.frame.yMax * n.frame.area.height(), 1.5);
    EXPECT_NEAR(columnHeight(n, c1, report::absenceColour()),
                6.0 / 10.0 / n.frame.yMax * n.frame.area.height(), 1.5);
}

TEST(HistogramFigure, MismatchedSeriesThrow)
{
    report::HistogramFigure fig;
    fig.series = {{"a", {1, 2}}, {"b", {1}}};
    EXPECT_THROW(report::renderHistogram(fig), geoinr::InvalidArgument);
}

report::MapFigure equatorMap()
{
    report::MapFigure fig;
    fig.title = "test";
    fig.extent = {0.0, 40.0, -10.0, 10.0};
    return fig;
}

TEST(MapFigure, PresencePointIsDrawnAtItsLonLat)
{
    auto fig = equatorMap();
    // A dark raster under the points, so that the white absence dot stands out.
    fig.grid.width = 1;
    fig.grid.height = 1;
    fig.grid.extent = fig.extent;
    fig.grid.values = {0.0};
    fig.presences.lon = {10.0};
    fig.presences.lat = {5.0};
    fig.absences.lon = {30.0};
    fig.absences.lat = {-5.0};
    const auto r = report::renderMap(fig);
    const auto& a = r.frame.area;
    // At the equator the map is plate carree: 40 x 20 degrees, twice as wide as high.
    EXPECT_NEAR(a.width() / a.height(), 2.0, 0.01);
    // lon 10 is a quarter of the way from the west edge, lat 5 a quarter down from the north.
    const QPointF presence(a.left() + 0.25 * a.width(), a.top() + 0.25 * a.height());
    EXPECT_LE(colourDistance(pixelAt(r.image, presence), report::presenceColour()), 10);
    EXPECT_EQ(pixelAt(r.image, r.frame.toPixel(10.0, 5.0)), pixelAt(r.image, presence));
    // Absences are white dots; beside them the raster's colour.
    const QPointF absence(a.left() + 0.75 * a.width(), a.top() + 0.75 * a.height());
    EXPECT_LE(colourDistance(pixelAt(r.image, absence), Qt::white), 10);
    EXPECT_LE(colourDistance(pixelAt(r.image, absence + QPointF(8.0, 3.0)), report::viridis(0.0)),
              1);
}

TEST(MapFigure, RasterCellsHaveTheirViridisColourAndNodataIsGrey)
{
    auto fig = equatorMap();
    fig.grid.width = 4;
    fig.grid.height = 2;
    fig.grid.extent = fig.extent; // cells of 10 x 10 degrees
    const double nan = std::numeric_limits<double>::quiet_NaN();
    fig.grid.values = {0.0, 0.25, 0.5, 1.0, 0.75, nan, 2.0, -1.0};
    const auto r = report::renderMap(fig);
    for (std::size_t i = 0; i < fig.grid.values.size(); ++i)
    {
        const double lon = 5.0 + 10.0 * static_cast<double>(i % 4);
        // Off the graticule lines (which cross cell centres at multiples of 5 degrees).
        const double lat = (i < 4 ? 7.0 : -3.0) + 0.3;
        const auto got = pixelAt(r.image, r.frame.toPixel(lon + 2.3, lat));
        const double v = fig.grid.values[i];
        const QColor want = std::isnan(v) ? QColor(222, 222, 222) : report::viridis(v);
        EXPECT_LE(colourDistance(got, want), 1) << "cell " << i;
    }
}

TEST(MapFigure, ColourBarEndsAreViridisEnds)
{
    auto fig = equatorMap();
    fig.vmin = 0.2;
    fig.vmax = 0.9;
    const auto r = report::renderMap(fig);
    const auto& bar = r.colourBar;
    ASSERT_GT(bar.height(), 100.0);
    EXPECT_EQ(pixelAt(r.image, QPointF(bar.center().x(), bar.bottom() - 0.5)),
              QColor(0x44, 0x01, 0x54));
    EXPECT_EQ(pixelAt(r.image, QPointF(bar.center().x(), bar.top() + 0.5)),
              QColor(0xfd, 0xe7, 0x25));
    // Half-way up: Viridis's middle colour (one row of rounding).
    EXPECT_LE(colourDistance(pixelAt(r.image, QPointF(bar.center().x(), bar.center().y())),
                             report::viridis(0.5)),
              3);
}

TEST(MapFigure, OutlineFollowsTheMarkedCellsEdges)
{
    auto fig = equatorMap();
    fig.grid.width = 4;
    fig.grid.height = 2;
    fig.grid.extent = fig.extent;
    fig.grid.values.assign(8, 0.0);
    fig.outline = {0, 1, 0, 0, 0, 0, 0, 0}; // cell lon 10..20, lat 0..10
    const auto r = report::renderMap(fig);
    const QColor red(230, 0, 60);
    // Its west and south edges, away from graticule lines.
    EXPECT_LE(colourDistance(pixelAt(r.image, r.frame.toPixel(10.0, 3.3)), red), 60);
    EXPECT_LE(colourDistance(pixelAt(r.image, r.frame.toPixel(13.3, 0.0)), red), 60);
    // Its inside and the neighbouring cell's inside keep the raster colour.
    EXPECT_LE(colourDistance(pixelAt(r.image, r.frame.toPixel(17.3, 3.3)), report::viridis(0)), 1);
    EXPECT_LE(colourDistance(pixelAt(r.image, r.frame.toPixel(27.3, 3.3)), report::viridis(0)), 1);
}

TEST(SiteMap, SitesAreColouredByValueAndPresencesRinged)
{
    auto fig = equatorMap();
    fig.sites.lon = {10.0, 30.0};
    fig.sites.lat = {0.0, 0.0};
    fig.siteValues = {1.0, 0.0};
    fig.presences.lon = {10.0};
    fig.presences.lat = {0.0};
    fig.presenceMarker = report::PresenceMarker::Ring;
    const auto r = report::renderMap(fig);
    EXPECT_LE(colourDistance(pixelAt(r.image, r.frame.toPixel(10.0, 0.0)), report::viridis(1.0)),
              3);
    EXPECT_LE(colourDistance(pixelAt(r.image, r.frame.toPixel(30.0, 0.0)), report::viridis(0.0)),
              3);
    // The ring (radius 4.5 + 2.5 = 7 px, 2 px wide) around the presence, not around the other.
    const auto p = r.frame.toPixel(10.0, 0.0);
    EXPECT_LE(colourDistance(pixelAt(r.image, p + QPointF(0.0, -7.0)), Qt::black), 60);
    const auto q = r.frame.toPixel(30.0, 0.0);
    EXPECT_GT(colourDistance(pixelAt(r.image, q + QPointF(0.0, -7.0)), Qt::black), 150);
}

TEST(MapFigure, RegionalMapsScaleLongitudeByCosLatitude)
{
    report::MapFigure fig;
    fig.extent = {5.0, 11.0, 45.0, 49.0}; // mid-latitude 47
    const auto r = report::renderMap(fig);
    const double expected = 6.0 * std::cos(47.0 * M_PI / 180.0) / 4.0;
    EXPECT_NEAR(r.frame.area.width() / r.frame.area.height(), expected, 0.005);
}

TEST(MapFigure, BadInputsThrow)
{
    auto fig = equatorMap();
    fig.grid.width = 3;
    fig.grid.height = 2;
    fig.grid.values.assign(5, 0.0);
    EXPECT_THROW(report::renderMap(fig), geoinr::InvalidArgument);
    auto empty = equatorMap();
    empty.extent = {10.0, 10.0, 0.0, 5.0};
    EXPECT_THROW(report::renderMap(empty), geoinr::InvalidArgument);
    auto sites = equatorMap();
    sites.sites.lon = {1.0};
    sites.sites.lat = {1.0};
    EXPECT_THROW(report::renderMap(sites), geoinr::InvalidArgument); // no value for the site
}

TEST(MapFigure, ExtentOfPointsIsPadded)
{
    const auto e = report::extentOfPoints({0.0, 10.0}, {40.0, 60.0}, 0.1);
    EXPECT_DOUBLE_EQ(e.west, -1.0);
    EXPECT_DOUBLE_EQ(e.east, 11.0);
    EXPECT_DOUBLE_EQ(e.south, 38.0);
    EXPECT_DOUBLE_EQ(e.north, 62.0);
    const auto clamped = report::extentOfPoints({-179.0, 179.0}, {-89.5, 89.5}, 0.1);
    EXPECT_EQ(clamped.west, -180.0);
    EXPECT_EQ(clamped.north, 90.0);
}

} // namespace
